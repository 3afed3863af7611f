//! The compiled, immutable configuration the data plane serves from: hosts to groups, each
//! group's route tables per environment, and each live API with its parameter checks and
//! backend prepared (variables substituted, patterns compiled). Built off the request path
//! by the loader; a request reads one snapshot from start to end.
use std::borrow::Cow;
use std::sync::Arc;

use foldhash::{HashMap, HashMapExt};

use regex::Regex;
use rustls::sign::CertifiedKey;

use app::domain::api::{BackendParam, ReqParam};
use app::services::runtime::{RuntimeApi, RuntimeConfig};

use super::backend::{compile, Backend};

/// Everything served at one configuration revision.
#[derive(Debug, Default)]
pub struct Snapshot {
    pub revision: i64,
    suffix: String,
    /// Group id → the group, for `{group_id}.{suffix}`.
    by_group: HashMap<String, Arc<GroupRoutes>>,
    /// Bound domains.
    by_domain: HashMap<String, Arc<GroupRoutes>>,
    /// Wildcard domains `*.example.com`, by `example.com`.
    by_wildcard: HashMap<String, Arc<GroupRoutes>>,
    /// A gateway's custom inbound port → its DEFAULT group.
    by_port: HashMap<u16, Arc<GroupRoutes>>,
    /// The custom inbound ports to listen on, and whether each speaks HTTPS.
    pub ports: Vec<(u16, bool)>,
    /// Certificates served by SNI: exact domains, and wildcards by their parent.
    certificates: HashMap<String, Arc<CertifiedKey>>,
    wildcard_certificates: HashMap<String, Arc<CertifiedKey>>,
}

/// One group's live APIs, per environment name (upper case).
#[derive(Debug)]
pub struct GroupRoutes {
    pub group_id: String,
    pub gateway_id: String,
    subdomain_enabled: bool,
    /// Largest request body the gateway accepts, in bytes.
    pub body_limit: u64,
    envs: HashMap<String, RouteTable>,
}

/// The APIs of one group in one environment, in APIG's precedence: exact paths, then paths
/// with parameters (more literal segments first), then prefix matches (longest first); in
/// each, a specific method before ANY.
#[derive(Debug, Default)]
pub struct RouteTable {
    exact: HashMap<String, Vec<Arc<LiveApi>>>,
    patterned: Vec<Arc<LiveApi>>,
    /// Positions in `patterned` (ascending) by the route's first segment when it is a
    /// literal, and of the routes that start with a parameter: a request only tries the
    /// routes its first segment can match, so thousands of routes cost no more than a few.
    patterned_by_first: HashMap<String, Vec<usize>>,
    patterned_open: Vec<usize>,
    prefixed: Vec<Arc<LiveApi>>,
}

/// Path parameters a route captured: (name, value).
pub type Captured = Vec<(String, String)>;
/// The API a request matched, with what its path captured.
pub type Matched = (Arc<LiveApi>, Captured);

/// A path segment of a route.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Literal(String),
    /// `{name}`: one segment.
    Param(String),
    /// `{name+}`: the rest of the path.
    Rest(String),
}

/// An API live in one environment, ready to serve.
#[derive(Debug)]
pub struct LiveApi {
    pub api_id: String,
    pub name: String,
    pub env_name: String,
    pub method: String,
    segments: Vec<Segment>,
    prefix: bool,
    pub checks: Vec<ParamCheck>,
    pub mappings: Vec<Mapping>,
    pub backend: Backend,
    pub cors: bool,
    /// The schemes callers may use.
    pub protocol: Protocol,
}

/// The schemes an API is served over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    Http,
    Https,
    Both,
}

impl Protocol {
    fn parse(text: &str) -> Result<Self, String> {
        match text.to_ascii_uppercase().as_str() {
            "HTTP" => Ok(Protocol::Http),
            "HTTPS" => Ok(Protocol::Https),
            "BOTH" => Ok(Protocol::Both),
            _ => Err(format!("{text:?} is not a request protocol")),
        }
    }

    /// Whether a call over HTTPS (`tls`) or plain HTTP may use it.
    pub fn admits(self, tls: bool) -> bool {
        matches!(
            (self, tls),
            (Protocol::Both, _) | (Protocol::Https, true) | (Protocol::Http, false)
        )
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Protocol::Http => "HTTP",
            Protocol::Https => "HTTPS",
            Protocol::Both => "BOTH",
        }
    }
}

/// Where a parameter travels in a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    Path,
    Query,
    Header,
}

impl Location {
    fn parse(text: &str) -> Result<Self, String> {
        match text {
            "PATH" => Ok(Location::Path),
            "QUERY" => Ok(Location::Query),
            "HEADER" => Ok(Location::Header),
            _ => Err(format!("{text:?} is not a parameter location")),
        }
    }
}

/// A value the gateway knows about a call (APIG's `$context.*` system parameters).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SystemParam {
    SourceIp,
    Stage,
    ApiId,
    ApiName,
    /// The calling credential's id and name: empty for calls that no credential made.
    AppId,
    AppName,
    RequestId,
    ServerAddr,
    ServerName,
    HandleTime,
}

impl SystemParam {
    fn parse(text: &str) -> Result<Self, String> {
        Ok(match text.trim_start_matches("$context.") {
            "sourceIp" => SystemParam::SourceIp,
            "stage" => SystemParam::Stage,
            "apiId" => SystemParam::ApiId,
            "apiName" => SystemParam::ApiName,
            "appId" => SystemParam::AppId,
            "appName" => SystemParam::AppName,
            "requestId" => SystemParam::RequestId,
            "serverAddr" => SystemParam::ServerAddr,
            "serverName" => SystemParam::ServerName,
            "handleTime" => SystemParam::HandleTime,
            _ => return Err(format!("{text:?} is not a system parameter")),
        })
    }
}

/// A backend parameter: where its value comes from and where it goes (`name`, `location`).
#[derive(Debug)]
pub struct Mapping {
    pub source: Source,
    pub name: String,
    pub location: Location,
}

/// Where a backend parameter's value comes from.
#[derive(Debug)]
pub enum Source {
    /// A request parameter, resolved when the snapshot is built: where the caller sends it
    /// (QUERY when the API does not declare it), its name and its default.
    Request {
        location: Location,
        name: String,
        default: Option<String>,
    },
    Constant(String),
    System(SystemParam),
}

fn mapping(param: &BackendParam, checks: &[ParamCheck]) -> Result<Mapping, String> {
    let source = match param.origin.as_str() {
        "REQUEST" => {
            let declared = checks.iter().find(|c| c.name == param.value);
            Source::Request {
                location: declared.map_or(Location::Query, |c| c.location),
                name: param.value.clone(),
                default: declared.and_then(|c| c.default.clone()),
            }
        }
        "CONSTANT" => Source::Constant(param.value.clone()),
        "SYSTEM" => Source::System(SystemParam::parse(&param.value)?),
        other => return Err(format!("{other:?} is not a backend parameter origin")),
    };
    Ok(Mapping {
        source,
        name: param.name.clone(),
        location: Location::parse(&param.location)?,
    })
}

/// How a request parameter is checked.
#[derive(Debug)]
pub struct ParamCheck {
    pub name: String,
    pub location: Location,
    pub number: bool,
    pub required: bool,
    pub default: Option<String>,
    pub enumerations: Vec<String>,
    pub min_num: Option<i64>,
    pub max_num: Option<i64>,
    pub min_size: Option<i64>,
    pub max_size: Option<i64>,
    pub pattern: Option<Regex>,
    /// Whether the parameter reaches the backend when no mapping moves it.
    pub pass_through: bool,
}

fn segments(path: &str) -> Vec<Segment> {
    path.split('/')
        .filter(|s| !s.is_empty())
        .map(
            |s| match s.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                Some(name) => match name.strip_suffix('+') {
                    Some(rest) => Segment::Rest(rest.to_owned()),
                    None => Segment::Param(name.to_owned()),
                },
                None => Segment::Literal(s.to_owned()),
            },
        )
        .collect()
}

/// Replaces `#name#` with the environment's values; the first missing name is the error.
fn check(param: &ReqParam) -> Result<ParamCheck, String> {
    let pattern = if param.regular.trim().is_empty() {
        None
    } else {
        Some(
            Regex::new(&param.regular)
                .map_err(|e| format!("the pattern of {} does not compile: {e}", param.name))?,
        )
    };
    Ok(ParamCheck {
        name: param.name.clone(),
        location: Location::parse(&param.location)?,
        number: param.kind == "NUMBER",
        required: param.required == 1,
        default: (!param.default_value.is_empty()).then(|| param.default_value.clone()),
        enumerations: param
            .enumerations
            .split(',')
            .map(str::trim)
            .filter(|e| !e.is_empty())
            .map(str::to_owned)
            .collect(),
        min_num: param.min_num,
        max_num: param.max_num,
        min_size: param.min_size,
        max_size: param.max_size,
        pattern,
        pass_through: param.pass_through != 2,
    })
}

fn live(
    api: &RuntimeApi,
    variables: Option<&std::collections::HashMap<String, String>>,
) -> LiveApi {
    let definition = &api.definition;
    // Anything that cannot be served as defined makes the API answer with the reason.
    let prepared = || -> Result<_, String> {
        let checks = definition
            .req_params
            .iter()
            .map(check)
            .collect::<Result<Vec<_>, _>>()?;
        let mappings = definition
            .backend_params
            .iter()
            .map(|param| mapping(param, &checks))
            .collect::<Result<Vec<_>, _>>()?;
        let protocol = Protocol::parse(&definition.req_protocol)?;
        Ok((checks, mappings, protocol, compile(definition, variables)?))
    };
    let (checks, mappings, protocol, backend) = prepared().unwrap_or_else(|reason| {
        let broken = Backend::Broken(reason);
        (Vec::new(), Vec::new(), Protocol::Both, broken)
    });
    LiveApi {
        api_id: api.api_id.clone(),
        name: definition.name.clone(),
        env_name: api.env_name.clone(),
        method: definition.req_method.to_ascii_uppercase(),
        segments: segments(&definition.req_uri),
        prefix: definition.match_mode == "SWA",
        checks,
        mappings,
        backend,
        cors: definition.cors,
        protocol,
    }
}

impl RouteTable {
    fn add(&mut self, api: Arc<LiveApi>) {
        let literal = api
            .segments
            .iter()
            .all(|s| matches!(s, Segment::Literal(_)));
        if api.prefix {
            self.prefixed.push(api);
        } else if literal {
            self.exact
                .entry(path_of(&api.segments))
                .or_default()
                .push(api);
        } else {
            self.patterned.push(api);
        }
    }

    fn finish(&mut self) {
        let literals = |api: &Arc<LiveApi>| {
            api.segments
                .iter()
                .filter(|s| matches!(s, Segment::Literal(_)))
                .count()
        };
        self.patterned.sort_by(|a, b| {
            literals(b)
                .cmp(&literals(a))
                .then(b.segments.len().cmp(&a.segments.len()))
        });
        self.prefixed
            .sort_by_key(|api| std::cmp::Reverse(api.segments.len()));
        for (position, api) in self.patterned.iter().enumerate() {
            match api.segments.first() {
                Some(Segment::Literal(first)) => self
                    .patterned_by_first
                    .entry(first.clone())
                    .or_default()
                    .push(position),
                _ => self.patterned_open.push(position),
            }
        }
    }

    /// The parameterised routes a path starting with `first` can match, in precedence
    /// order.
    fn patterned_for<'a>(&'a self, first: Option<&str>) -> impl Iterator<Item = &'a Arc<LiveApi>> {
        let mut named = first
            .and_then(|f| self.patterned_by_first.get(f))
            .map_or(&[][..], Vec::as_slice)
            .iter()
            .peekable();
        let mut open = self.patterned_open.iter().peekable();
        std::iter::from_fn(move || {
            let next = match (named.peek(), open.peek()) {
                (Some(a), Some(b)) if a < b => named.next(),
                (Some(_), None) => named.next(),
                _ => open.next(),
            };
            next.map(|&position| &self.patterned[position])
        })
    }

    /// The API answering `method` on `path`, with the path parameters it captured.
    pub fn find(&self, method: &str, path: &str) -> Option<Matched> {
        let by_method = |apis: &mut dyn Iterator<Item = (&Arc<LiveApi>, Captured)>| {
            let mut any = None;
            for (api, params) in apis {
                if api.method == method {
                    return Some((api.clone(), params));
                }
                if api.method == "ANY" && any.is_none() {
                    any = Some((api.clone(), params));
                }
            }
            any
        };
        // `/a//b/` is looked up as `/a/b`; a path already in that form (nearly every one) is
        // used as it is, and split into segments only when no exact route answers.
        let canonical =
            path == "/" || (path.starts_with('/') && !path.ends_with('/') && !path.contains("//"));
        let exact = |path: &str| {
            self.exact
                .get(path)
                .and_then(|apis| by_method(&mut apis.iter().map(|a| (a, Vec::new()))))
        };
        if canonical {
            if let Some(found) = exact(path) {
                return Some(found);
            }
        }
        let parts: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        if !canonical {
            if let Some(found) = exact(&format!("/{}", parts.join("/"))) {
                return Some(found);
            }
        }
        if let Some(found) = by_method(
            &mut self
                .patterned_for(parts.first().copied())
                .filter_map(|a| captures(&a.segments, &parts).map(|c| (a, c))),
        ) {
            return Some(found);
        }
        by_method(&mut self.prefixed.iter().filter_map(|a| {
            let n = a.segments.len();
            (parts.len() >= n)
                .then(|| captures(&a.segments, &parts[..n]))
                .flatten()
                .map(|c| (a, c))
        }))
    }
}

fn path_of(segments: &[Segment]) -> String {
    let parts: Vec<&str> = segments
        .iter()
        .map(|s| match s {
            Segment::Literal(l) => l.as_str(),
            Segment::Param(p) | Segment::Rest(p) => p.as_str(),
        })
        .collect();
    format!("/{}", parts.join("/"))
}

/// The parameters `segments` capture from `parts`, if they match.
fn captures(segments: &[Segment], parts: &[&str]) -> Option<Captured> {
    let mut found = Vec::new();
    for (i, segment) in segments.iter().enumerate() {
        match segment {
            Segment::Literal(literal) => {
                if parts.get(i) != Some(&literal.as_str()) {
                    return None;
                }
            }
            Segment::Param(name) => found.push((name.clone(), (*parts.get(i)?).to_owned())),
            Segment::Rest(name) => {
                if parts.len() <= i {
                    return None;
                }
                found.push((name.clone(), parts[i..].join("/")));
                return Some(found);
            }
        }
    }
    (parts.len() == segments.len()).then_some(found)
}

impl Snapshot {
    /// Compiles what the database holds.
    pub fn build(config: &RuntimeConfig, suffix: &str) -> Snapshot {
        let mut tables: HashMap<String, HashMap<String, RouteTable>> = HashMap::new();
        for api in &config.publications {
            let variables = config
                .variables
                .get(&(api.group_id.clone(), api.env_id.clone()));
            tables
                .entry(api.group_id.clone())
                .or_default()
                .entry(api.env_name.to_ascii_uppercase())
                .or_default()
                .add(Arc::new(live(api, variables)));
        }
        let mut by_group = HashMap::new();
        for group in &config.groups {
            let mut envs = tables.remove(&group.id).unwrap_or_default();
            envs.values_mut().for_each(RouteTable::finish);
            let body_limit = config
                .gateways
                .get(&group.gateway_id)
                .map_or(12 * 1024 * 1024, |g| g.request_body_size);
            by_group.insert(
                group.id.clone(),
                Arc::new(GroupRoutes {
                    group_id: group.id.clone(),
                    gateway_id: group.gateway_id.clone(),
                    subdomain_enabled: group.sl_domain_access_enabled,
                    body_limit,
                    envs,
                }),
            );
        }
        let mut by_domain = HashMap::new();
        let mut by_wildcard = HashMap::new();
        for (domain, group_id) in &config.domains {
            if let Some(group) = by_group.get(group_id) {
                match domain.strip_prefix("*.") {
                    Some(parent) => by_wildcard.insert(parent.to_owned(), group.clone()),
                    None => by_domain.insert(domain.clone(), group.clone()),
                };
            }
        }
        let mut by_port = HashMap::new();
        for (port, _, gateway_id) in &config.ports {
            if let Some(group) = config
                .groups
                .iter()
                .find(|g| g.is_default && &g.gateway_id == gateway_id)
                .and_then(|g| by_group.get(&g.id))
            {
                by_port.insert(*port, group.clone());
            }
        }
        let mut certificates = HashMap::new();
        let mut wildcard_certificates = HashMap::new();
        for bound in &config.certificates {
            match app::domain::certificate::pem::certified_key(&bound.cert_pem, &bound.key_pem) {
                Ok(key) => {
                    let key = Arc::new(key);
                    match bound.domain.strip_prefix("*.") {
                        Some(parent) => wildcard_certificates.insert(parent.to_owned(), key),
                        None => certificates.insert(bound.domain.clone(), key),
                    };
                }
                Err(error) => {
                    tracing::error!(domain = %bound.domain, %error, "a stored certificate cannot be served")
                }
            }
        }
        Snapshot {
            revision: config.revision,
            suffix: suffix.to_ascii_lowercase(),
            by_group,
            by_domain,
            by_wildcard,
            by_port,
            ports: config
                .ports
                .iter()
                .map(|(port, protocol, _)| (*port, protocol == "HTTPS"))
                .collect(),
            certificates,
            wildcard_certificates,
        }
    }

    /// The certificate for a TLS server name: the domain's own, else its wildcard's.
    pub fn certificate(&self, server_name: &str) -> Option<Arc<CertifiedKey>> {
        let name = server_name.trim_end_matches('.').to_ascii_lowercase();
        self.certificates.get(&name).cloned().or_else(|| {
            name.split_once('.')
                .and_then(|(_, parent)| self.wildcard_certificates.get(parent).cloned())
        })
    }

    /// The group a request reaches: by its Host (a group's subdomain, then a bound domain,
    /// then a wildcard domain), else by the inbound port it came in on.
    pub fn group(&self, host: &str, local_port: u16) -> Option<&Arc<GroupRoutes>> {
        let host = host.trim_end_matches('.');
        // Hosts arrive in lower case nearly always; only other ones are copied.
        let host = if any_byte(host, |b| b.is_ascii_uppercase()) {
            Cow::Owned(host.to_ascii_lowercase())
        } else {
            Cow::Borrowed(host)
        };
        if let Some(label) = host
            .strip_suffix(&self.suffix)
            .and_then(|h| h.strip_suffix('.'))
        {
            return self.by_group.get(label).filter(|g| g.subdomain_enabled);
        }
        self.by_domain
            .get(host.as_ref())
            .or_else(|| {
                host.split_once('.')
                    .and_then(|(_, parent)| self.by_wildcard.get(parent))
            })
            .or_else(|| self.by_port.get(&local_port))
    }

    /// How many APIs are live, over every environment.
    pub fn live_apis(&self) -> usize {
        self.by_group
            .values()
            .flat_map(|g| g.envs.values())
            .map(|t| {
                t.exact.values().map(Vec::len).sum::<usize>() + t.patterned.len() + t.prefixed.len()
            })
            .sum()
    }
}

impl GroupRoutes {
    /// The routes of an environment, by name (`X-Stage`, any case).
    pub fn env(&self, name: &str) -> Option<&RouteTable> {
        if any_byte(name, |b| b.is_ascii_lowercase()) {
            self.envs.get(&name.to_ascii_uppercase())
        } else {
            self.envs.get(name)
        }
    }
}

/// Whether any byte of `text` is `such`: every byte is looked at (no early exit), which
/// the compiler turns into a few vector instructions for a host name.
fn any_byte(text: &str, such: impl Fn(u8) -> bool) -> bool {
    text.bytes().fold(false, |found, b| found | such(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(routes: &[(&str, &str, &str)]) -> RouteTable {
        let mut table = RouteTable::default();
        for (name, method, path) in routes {
            let prefix = path.ends_with('*');
            table.add(Arc::new(LiveApi {
                api_id: (*name).to_owned(),
                name: (*name).to_owned(),
                env_name: "RELEASE".into(),
                method: (*method).to_owned(),
                segments: segments(path.trim_end_matches('*')),
                prefix,
                checks: vec![],
                mappings: vec![],
                backend: Backend::Broken(String::new()),
                cors: false,
                protocol: Protocol::Http,
            }));
        }
        table.finish();
        table
    }

    fn found(
        table: &RouteTable,
        method: &str,
        path: &str,
    ) -> Option<(String, Vec<(String, String)>)> {
        table
            .find(method, path)
            .map(|(api, params)| (api.name.clone(), params))
    }

    #[test]
    fn exact_before_parameters_before_prefix_and_methods_before_any() {
        let table = table(&[
            ("prefix", "GET", "/users*"),
            ("one", "GET", "/users/{id}"),
            ("me", "GET", "/users/me"),
            ("any-me", "ANY", "/users/me"),
            ("files", "GET", "/files/{path+}"),
            ("orders", "ANY", "/users/{id}/orders"),
        ]);
        assert_eq!(found(&table, "GET", "/users/me").unwrap().0, "me");
        assert_eq!(found(&table, "POST", "/users/me").unwrap().0, "any-me");
        assert_eq!(
            found(&table, "GET", "/users/42"),
            Some(("one".into(), vec![("id".into(), "42".into())]))
        );
        assert_eq!(
            found(&table, "GET", "/users/42/orders").unwrap().0,
            "orders"
        );
        assert_eq!(found(&table, "GET", "/users/42/other").unwrap().0, "prefix");
        assert_eq!(found(&table, "GET", "/users").unwrap().0, "prefix");
        assert_eq!(
            found(&table, "GET", "/files/a/b.txt"),
            Some(("files".into(), vec![("path".into(), "a/b.txt".into())]))
        );
        assert_eq!(found(&table, "GET", "/files"), None);
        assert_eq!(found(&table, "DELETE", "/users/42"), None);
        assert_eq!(found(&table, "GET", "/usersx"), None);
    }

    #[test]
    fn parameterised_routes_keep_their_precedence_across_first_segments() {
        let mut routes: Vec<(String, &str, String)> = (0..10_000)
            .map(|i| (format!("item{i}"), "GET", format!("/items{i}/{{id}}")))
            .collect();
        routes.push(("open".into(), "GET", "/{kind}/fixed".into()));
        routes.push(("open-two".into(), "GET", "/{kind}/{id}/x".into()));
        routes.push(("named-two".into(), "GET", "/items7/{id}/{more}".into()));
        let routes: Vec<(&str, &str, &str)> = routes
            .iter()
            .map(|(n, m, p)| (n.as_str(), *m, p.as_str()))
            .collect();
        let table = table(&routes);
        assert_eq!(
            found(&table, "GET", "/items9999/42"),
            Some(("item9999".into(), vec![("id".into(), "42".into())]))
        );
        // Same literal count and length: the order they were added decides, whatever the
        // first segment.
        assert_eq!(found(&table, "GET", "/items5/fixed").unwrap().0, "item5");
        assert_eq!(found(&table, "GET", "/other/fixed").unwrap().0, "open");
        // More literals first, then the longer route, across both lists.
        assert_eq!(found(&table, "GET", "/items7/1/x").unwrap().0, "open-two");
        assert_eq!(found(&table, "GET", "/items7/1/y").unwrap().0, "named-two");
        assert_eq!(found(&table, "GET", "/nothing/1"), None);
    }

    fn defined(definition: &serde_json::Value) -> LiveApi {
        let api = RuntimeApi {
            api_id: "api".into(),
            gateway_id: "gateway".into(),
            group_id: "group".into(),
            env_id: "env".into(),
            env_name: "RELEASE".into(),
            version_id: "version".into(),
            definition: serde_json::from_value(definition.clone()).expect("a definition"),
        };
        live(&api, None)
    }

    #[test]
    fn definitions_compile_to_what_calls_need_and_what_cannot_be_served_says_why() {
        let definition = serde_json::json!({
            "name": "orders", "group_id": "group", "req_protocol": "https",
            "req_method": "GET", "req_uri": "/orders/{id}", "backend_type": "HTTP",
            "req_params": [
                { "name": "id", "type": "NUMBER", "location": "PATH", "required": 1 },
                { "name": "page", "location": "HEADER", "default_value": "1" },
            ],
            "backend_params": [
                { "origin": "REQUEST", "name": "orderId", "location": "QUERY", "value": "id" },
                { "origin": "REQUEST", "name": "p", "location": "QUERY", "value": "page" },
                { "origin": "REQUEST", "name": "undeclared", "location": "HEADER", "value": "x" },
                { "origin": "CONSTANT", "name": "k", "location": "HEADER", "value": "v" },
                { "origin": "SYSTEM", "name": "ip", "location": "HEADER", "value": "$context.sourceIp" },
            ],
            "backend_api": { "url_domain": "127.0.0.1:9", "req_method": "GET", "req_uri": "/o" },
        });
        let api = defined(&definition);
        assert!(
            matches!(api.backend, Backend::Http { .. }),
            "{:?}",
            api.backend
        );
        assert_eq!(api.protocol, Protocol::Https);
        assert!(api.protocol.admits(true) && !api.protocol.admits(false));
        assert_eq!(
            api.checks.iter().map(|c| c.location).collect::<Vec<_>>(),
            [Location::Path, Location::Header]
        );
        let sources: Vec<String> = api
            .mappings
            .iter()
            .map(|m| format!("{:?}", m.source))
            .collect();
        assert_eq!(
            sources,
            [
                r#"Request { location: Path, name: "id", default: None }"#,
                r#"Request { location: Header, name: "page", default: Some("1") }"#,
                r#"Request { location: Query, name: "x", default: None }"#,
                r#"Constant("v")"#,
                "System(SourceIp)",
            ]
        );
        // Values the management API refuses, found in the database all the same: the API
        // answers every call with the reason.
        for (pointer, value, reason) in [
            (
                "/backend_params/0/location",
                "BODY",
                r#""BODY" is not a parameter location"#,
            ),
            (
                "/req_params/1/location",
                "COOKIE",
                r#""COOKIE" is not a parameter location"#,
            ),
            (
                "/backend_params/3/origin",
                "RANDOM",
                r#""RANDOM" is not a backend parameter origin"#,
            ),
            (
                "/backend_params/4/value",
                "$context.weather",
                r#""$context.weather" is not a system parameter"#,
            ),
            ("/req_protocol", "FTP", r#""FTP" is not a request protocol"#),
        ] {
            let mut broken = definition.clone();
            *broken.pointer_mut(pointer).expect(pointer) = value.into();
            let api = defined(&broken);
            assert!(
                matches!(&api.backend, Backend::Broken(why) if why == reason),
                "{pointer}: {:?}",
                api.backend
            );
        }
    }
}
