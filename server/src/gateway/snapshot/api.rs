//! An API as calls need it, compiled from its definition once per snapshot: the schemes it
//! is served over, how its callers authenticate, its parameter checks (patterns compiled),
//! where each backend parameter's value comes from and goes, and its backend.
use app::model::api::{BackendParam, ReqParam};
use app::model::runtime::RuntimeApi;
use foldhash::HashSet;
use regex::Regex;

use super::backend::{compile, Backend};
use super::routes::{segments, Segment};

/// An API live in one environment, ready to serve.
#[derive(Debug)]
pub struct LiveApi {
    pub api_id: String,
    pub name: String,
    pub env_name: String,
    pub method: String,
    pub(super) segments: Vec<Segment>,
    pub(super) prefix: bool,
    pub checks: Vec<ParamCheck>,
    pub mappings: Vec<Mapping>,
    pub backend: Backend,
    pub cors: bool,
    /// The schemes callers may use.
    pub protocol: Protocol,
    /// How callers prove who they are.
    pub auth: Authentication,
    /// The credentials authorized to call it in its environment (APP authentication).
    pub authorized: HashSet<String>,
}

/// How an API's callers authenticate (`auth_type`). Fails closed: a type this binary does
/// not serve does not compile, and the API answers every call with a 500 (`APIG.0105`)
/// instead of being served open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Authentication {
    /// `NONE`: anyone may call.
    None,
    /// `APP`: an authorized credential's signature, or its AppCode where `app_code`.
    App { app_code: bool },
    /// `IAM`: an IAM user's token or access-key signature.
    Iam,
}

impl Authentication {
    fn parse(text: &str, app_code: &str) -> Result<Self, String> {
        match text {
            "NONE" => Ok(Authentication::None),
            "APP" => Ok(Authentication::App {
                app_code: app_code == "HEADER",
            }),
            "IAM" => Ok(Authentication::Iam),
            "AUTHORIZER" => Err(format!(
                "{text} authentication is not served by this version of Portico"
            )),
            _ => Err(format!("{text:?} is not an authentication type")),
        }
    }
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
    /// The calling IAM user's id and name: empty for calls no IAM user made.
    UserId,
    UserName,
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
            "userId" => SystemParam::UserId,
            "userName" => SystemParam::UserName,
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

/// A request parameter's checks, its pattern compiled; a pattern that does not compile is
/// the error.
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

/// The API as served in its environment; what cannot be served as defined makes it answer
/// every call with the reason.
pub(super) fn live(
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
        let auth = Authentication::parse(
            &definition.auth_type,
            &definition.auth_opt.app_code_auth_type,
        )?;
        Ok((
            checks,
            mappings,
            protocol,
            auth,
            compile(definition, variables)?,
        ))
    };
    let (checks, mappings, protocol, auth, backend) = prepared().unwrap_or_else(|reason| {
        let broken = Backend::Broken(reason);
        (
            Vec::new(),
            Vec::new(),
            Protocol::Both,
            Authentication::None,
            broken,
        )
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
        auth,
        authorized: HashSet::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
            "name": "orders", "group_id": "group", "req_protocol": "https", "auth_type": "NONE",
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
        // Every system parameter the management API accepts is one the gateway fills.
        for name in app::model::api::SYSTEM_PARAMS {
            assert!(SystemParam::parse(name).is_ok(), "{name}");
        }
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
            (
                "/auth_type",
                "AUTHORIZER",
                "AUTHORIZER authentication is not served by this version of Portico",
            ),
            (
                "/auth_type",
                "none",
                r#""none" is not an authentication type"#,
            ),
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
