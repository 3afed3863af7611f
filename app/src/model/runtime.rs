//! The gateway runtime's configuration as the loader reads it from the database and the
//! gateway's snapshot compiles it (`RuntimeConfig`: plain data, no SQL, so the gateway
//! does not depend on the service layer for its types), and how the runtime of the
//! process serving the console is doing: which configuration revision it serves, and why
//! the last build failed if it did.
use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::api::ApiDefinition;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuntimeStatus {
    /// The configuration revision the gateway serves (0 before the first build).
    pub served_revision: i64,
    /// The latest committed revision.
    pub committed_revision: i64,
    /// APIs live in some environment, as served.
    pub live_apis: usize,
    /// When the configuration was last loaded (`YYYY-MM-DD HH:MM:SS` UTC).
    pub loaded_at: Option<String>,
    /// The last build, when it failed: the previous configuration keeps serving.
    pub failure: Option<RuntimeFailure>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuntimeFailure {
    /// `YYYY-MM-DD HH:MM:SS` UTC.
    pub at: String,
    pub message: String,
}

impl RuntimeStatus {
    /// Whether committed changes are not served yet.
    pub fn behind(&self) -> bool {
        self.served_revision < self.committed_revision
    }
}

/// Everything the gateway runtime serves, as of one configuration revision.
#[derive(Debug, Clone, PartialEq)]
pub struct RuntimeConfig {
    pub revision: i64,
    pub groups: Vec<RuntimeGroup>,
    /// Bound domain (lower case, `*.` for wildcards) → group id.
    pub domains: Vec<(String, String)>,
    /// A gateway's custom inbound ports: (port, protocol, gateway id).
    pub ports: Vec<(u16, String, String)>,
    pub publications: Vec<RuntimeApi>,
    /// (group id, environment id) → variable name → value.
    pub variables: HashMap<(String, String), HashMap<String, String>>,
    /// Gateway id → its parameters as the data plane needs them.
    pub gateways: HashMap<String, GatewaySettings>,
    /// The certificate each bound domain serves over HTTPS, key decrypted.
    pub certificates: Vec<RuntimeCertificate>,
    /// Every gateway's credentials, secrets and AppCodes decrypted.
    pub credentials: Vec<RuntimeCredential>,
    /// Which credential may call which API in which environment: (credential id, API id,
    /// environment id).
    pub authorizations: Vec<(String, String, String)>,
}

/// A credential as the gateway authenticates calls with it.
#[derive(Clone, PartialEq, Eq)]
pub struct RuntimeCredential {
    pub id: String,
    pub gateway_id: String,
    pub name: String,
    pub app_key: String,
    pub app_secret: String,
    pub frozen: bool,
    pub app_codes: Vec<String>,
    /// Its access control: whether the addresses are permitted (else denied), and them.
    pub acl: Option<(bool, Vec<String>)>,
}

impl std::fmt::Debug for RuntimeCredential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RuntimeCredential")
            .field("id", &self.id)
            .field("app_key", &self.app_key)
            .finish_non_exhaustive()
    }
}

/// A bound domain's certificate chain and private key, as PEM.
#[derive(Clone, PartialEq, Eq)]
pub struct RuntimeCertificate {
    pub domain: String,
    pub cert_pem: String,
    pub key_pem: String,
}

impl std::fmt::Debug for RuntimeCertificate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RuntimeCertificate")
            .field("domain", &self.domain)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuntimeGroup {
    pub id: String,
    pub gateway_id: String,
    pub is_default: bool,
    pub sl_domain_access_enabled: bool,
}

/// One API live in one environment.
#[derive(Debug, Clone, PartialEq)]
pub struct RuntimeApi {
    pub api_id: String,
    pub gateway_id: String,
    pub group_id: String,
    pub env_id: String,
    pub env_name: String,
    pub version_id: String,
    pub definition: ApiDefinition,
}

/// Gateway parameters the data plane applies (their defaults when not set).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GatewaySettings {
    /// Largest request body, in bytes (`request_body_size`).
    pub request_body_size: u64,
    /// AppCodes are accepted over plain HTTP too (`app_code_http`), not only HTTPS.
    pub app_code_http: bool,
    /// A credential's key and secret in `X-HW-ID` and `X-HW-AppKey` authenticate a call
    /// (`app_secret`).
    pub app_secret: bool,
    /// `Authorization: Basic base64(key:secret)` authenticates a call (`app_basic`).
    pub app_basic: bool,
}
