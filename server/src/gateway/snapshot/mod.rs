//! The compiled, immutable configuration the data plane serves from: hosts to groups, each
//! group's route tables per environment (`routes`), and each live API (`api`) with its
//! authentication, parameter checks and backend (`backend`) prepared (variables
//! substituted, patterns compiled). Built off the request path by the loader; a request
//! reads one snapshot from start to end.
mod api;
mod backend;
mod credentials;
mod principals;
mod routes;

use std::borrow::Cow;
use std::sync::Arc;

use foldhash::{HashMap, HashMapExt};
use rustls::sign::CertifiedKey;

use app::model::runtime::{GatewaySettings, RuntimeConfig};

use api::live;
pub use api::{Authentication, LiveApi, Location, ParamCheck, Source, SystemParam};
pub use backend::{Address, Backend, PathTemplate};
pub use credentials::{Credentials, LiveCredential};
pub use principals::{Principal, Principals};
pub use routes::{Captured, RouteTable};

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
    /// The gateway's parameters of authentication (`app_secret`, `app_basic`, AppCodes
    /// over HTTP).
    pub settings: GatewaySettings,
    /// The gateway's credentials.
    pub credentials: Arc<Credentials>,
    envs: HashMap<String, RouteTable>,
}

impl Snapshot {
    /// Compiles what the database holds.
    pub fn build(config: &RuntimeConfig, suffix: &str) -> Snapshot {
        let mut authorized: HashMap<(&str, &str), Vec<&str>> = HashMap::new();
        for (credential, api, env) in &config.authorizations {
            authorized.entry((api, env)).or_default().push(credential);
        }
        let mut tables: HashMap<String, HashMap<String, RouteTable>> = HashMap::new();
        for api in &config.publications {
            let variables = config
                .variables
                .get(&(api.group_id.clone(), api.env_id.clone()));
            let mut live = live(api, variables);
            if let Some(credentials) = authorized.get(&(api.api_id.as_str(), api.env_id.as_str())) {
                live.authorized = credentials.iter().map(|c| (*c).to_owned()).collect();
            }
            tables
                .entry(api.group_id.clone())
                .or_default()
                .entry(api.env_name.to_ascii_uppercase())
                .or_default()
                .add(Arc::new(live));
        }
        let credentials: HashMap<String, Arc<Credentials>> =
            Credentials::by_gateway(&config.credentials)
                .into_iter()
                .map(|(gateway, credentials)| (gateway, Arc::new(credentials)))
                .collect();
        let mut by_group = HashMap::new();
        for group in &config.groups {
            let mut envs = tables.remove(&group.id).unwrap_or_default();
            envs.values_mut().for_each(RouteTable::finish);
            let settings =
                config
                    .gateways
                    .get(&group.gateway_id)
                    .cloned()
                    .unwrap_or(GatewaySettings {
                        request_body_size: 12 * 1024 * 1024,
                        app_code_http: false,
                        app_secret: false,
                        app_basic: false,
                    });
            by_group.insert(
                group.id.clone(),
                Arc::new(GroupRoutes {
                    group_id: group.id.clone(),
                    gateway_id: group.gateway_id.clone(),
                    subdomain_enabled: group.sl_domain_access_enabled,
                    body_limit: settings.request_body_size,
                    settings,
                    credentials: credentials
                        .get(&group.gateway_id)
                        .cloned()
                        .unwrap_or_default(),
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
            match app::model::certificate::pem::certified_key(&bound.cert_pem, &bound.key_pem) {
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
            .map(RouteTable::len)
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
