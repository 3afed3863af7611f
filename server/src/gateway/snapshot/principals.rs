//! Who may call IAM-authenticated APIs, compiled from Portico's own IAM: live tokens by the
//! SHA-256 of `X-Auth-Token` (the digest is all that is stored), access keys with their
//! secrets, and the users they belong to. Swapped whole when the IAM revision moves,
//! independently of the configuration snapshot (issuing a token rebuilds no route table).
use std::sync::Arc;

use foldhash::{HashMap, HashMapExt};
use time::OffsetDateTime;

use app::services::iam::principals::RuntimeIam;

use crate::signature::SigningKey;

/// An IAM user a call is from (`$context.userId`, `$context.userName`).
#[derive(Debug)]
pub struct Principal {
    pub user_id: String,
    pub user_name: String,
    pub account_id: String,
    pub account_name: String,
}

/// A live token.
#[derive(Debug)]
pub struct LiveToken {
    pub principal: Arc<Principal>,
    pub expires_at: OffsetDateTime,
}

/// An access key: its signing key and owner; a temporary one's security token digest and end.
pub struct LiveAccessKey {
    /// The secret prepared to verify signatures with.
    pub key: SigningKey,
    pub principal: Arc<Principal>,
    pub temporary: Option<([u8; 32], OffsetDateTime)>,
}

impl std::fmt::Debug for LiveAccessKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LiveAccessKey")
            .field("principal", &self.principal)
            .finish_non_exhaustive()
    }
}

/// Everything IAM authentication looks up, at one IAM revision.
#[derive(Debug, Default)]
pub struct Principals {
    pub revision: i64,
    tokens: HashMap<[u8; 32], LiveToken>,
    keys: HashMap<String, LiveAccessKey>,
}

impl Principals {
    /// Compiles what IAM holds. A token or key whose user is not listed (disabled, console
    /// access only) is left out.
    pub fn build(iam: &RuntimeIam) -> Principals {
        let users: HashMap<&str, Arc<Principal>> = iam
            .users
            .iter()
            .map(|u| {
                let principal = Principal {
                    user_id: u.id.clone(),
                    user_name: u.name.clone(),
                    account_id: u.account_id.clone(),
                    account_name: u.account_name.clone(),
                };
                (u.id.as_str(), Arc::new(principal))
            })
            .collect();
        let mut tokens = HashMap::with_capacity(iam.tokens.len());
        for token in &iam.tokens {
            let (Some(principal), Ok(digest)) = (
                users.get(token.user_id.as_str()),
                <[u8; 32]>::try_from(token.digest.as_slice()),
            ) else {
                continue;
            };
            tokens.insert(
                digest,
                LiveToken {
                    principal: principal.clone(),
                    expires_at: token.expires_at,
                },
            );
        }
        let mut keys = HashMap::with_capacity(iam.keys.len());
        for key in &iam.keys {
            let Some(principal) = users.get(key.user_id.as_str()) else {
                continue;
            };
            let temporary = match &key.temporary {
                None => None,
                Some((digest, ends)) => match <[u8; 32]>::try_from(digest.as_slice()) {
                    Ok(digest) => Some((digest, *ends)),
                    // A security token digest that is not one can never be matched.
                    Err(_) => continue,
                },
            };
            keys.insert(
                key.access_key.clone(),
                LiveAccessKey {
                    key: SigningKey::new(key.secret.as_bytes()),
                    principal: principal.clone(),
                    temporary,
                },
            );
        }
        Principals {
            revision: iam.revision,
            tokens,
            keys,
        }
    }

    /// The token whose SHA-256 is `digest`, expired or not.
    pub fn token(&self, digest: &[u8; 32]) -> Option<&LiveToken> {
        self.tokens.get(digest)
    }

    pub fn key(&self, access_key: &str) -> Option<&LiveAccessKey> {
        self.keys.get(access_key)
    }
}
