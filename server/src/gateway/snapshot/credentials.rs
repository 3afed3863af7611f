//! One gateway's credentials as calls are authenticated with them: found by key (a
//! signature's `Access`, `X-HW-ID`, Basic's user) or by AppCode, secrets decrypted when the
//! snapshot is built.
use std::net::IpAddr;
use std::sync::Arc;

use foldhash::{HashMap, HashMapExt};

use app::model::address::AddressRange;
use app::model::runtime::RuntimeCredential;

use crate::signature::SigningKey;

/// A credential a call may authenticate as.
pub struct LiveCredential {
    pub id: String,
    pub name: String,
    pub secret: Box<[u8]>,
    /// The secret prepared to verify signatures with.
    pub key: SigningKey,
    /// Frozen: its calls are refused (APIG.0502).
    pub frozen: bool,
    /// Its access control: the addresses its calls may (or may not) come from.
    pub acl: Option<CredentialAcl>,
}

/// A credential's access control, compiled.
#[derive(Debug)]
pub struct CredentialAcl {
    permit: bool,
    ranges: Vec<AddressRange>,
}

impl CredentialAcl {
    /// Whether a call from `ip` may use the credential.
    pub fn admits(&self, ip: IpAddr) -> bool {
        self.ranges.iter().any(|r| r.contains(ip)) == self.permit
    }
}

impl std::fmt::Debug for LiveCredential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LiveCredential")
            .field("id", &self.id)
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

/// A gateway's credentials, by key and by AppCode.
#[derive(Debug, Default)]
pub struct Credentials {
    by_key: HashMap<String, Arc<LiveCredential>>,
    by_app_code: HashMap<String, Arc<LiveCredential>>,
}

impl Credentials {
    /// Every gateway's credentials, by gateway id.
    pub fn by_gateway(all: &[RuntimeCredential]) -> HashMap<String, Credentials> {
        let mut gateways: HashMap<String, Credentials> = HashMap::new();
        for credential in all {
            let live = Arc::new(LiveCredential {
                id: credential.id.clone(),
                name: credential.name.clone(),
                secret: credential.app_secret.as_bytes().into(),
                key: SigningKey::new(credential.app_secret.as_bytes()),
                frozen: credential.frozen,
                acl: credential
                    .acl
                    .as_ref()
                    .map(|(permit, values)| CredentialAcl {
                        permit: *permit,
                        // Stored lists were checked; an entry that no longer parses matches
                        // nothing (a permit list then admits less, never more).
                        ranges: values
                            .iter()
                            .filter_map(|v| AddressRange::parse(v).ok())
                            .collect(),
                    }),
            });
            let gateway = gateways.entry(credential.gateway_id.clone()).or_default();
            for code in &credential.app_codes {
                gateway.by_app_code.insert(code.clone(), live.clone());
            }
            gateway.by_key.insert(credential.app_key.clone(), live);
        }
        gateways
    }

    pub fn by_key(&self, key: &str) -> Option<&Arc<LiveCredential>> {
        self.by_key.get(key)
    }

    pub fn by_app_code(&self, code: &str) -> Option<&Arc<LiveCredential>> {
        self.by_app_code.get(code)
    }
}
