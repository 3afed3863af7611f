//! Phase 2, authenticate: who is calling. Every API served today is open (`NONE`): its
//! callers are anonymous. An `auth_type` this binary does not serve never reaches here: it
//! fails the API's compilation (`snapshot::Authentication`), closed. Signatures and
//! AppCodes of credentials (APP), IAM tokens and custom authorizers land here, each in its
//! own module (`authenticate/…`), refusing with `AUTH_FAILURE`, `AUTH_HEADER_MISSING` or
//! `AUTHORIZER_FAILURE`.
use super::snapshot::{Authentication, LiveApi};
use super::GatewayError;

/// Who a call is from, as authentication found it.
pub(super) enum Identity {
    /// An API open to anyone.
    Anonymous,
}

impl Identity {
    /// The calling credential's id and name (`$context.appId`, `$context.appName`).
    pub fn app(&self) -> Option<(&str, &str)> {
        match self {
            Identity::Anonymous => None,
        }
    }
}

pub(super) fn authenticate(api: &LiveApi) -> Result<Identity, GatewayError> {
    match api.auth {
        Authentication::None => Ok(Identity::Anonymous),
    }
}
