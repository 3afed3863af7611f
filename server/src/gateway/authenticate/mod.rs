//! Phase 2, authenticate: who is calling. An API open to anyone (`NONE`) has anonymous
//! callers; an APP-authenticated API's caller proves it holds a credential (`app`: a
//! signature, an AppCode, or the key and secret where the gateway's parameters allow), and
//! the credential must be valid, called from an address its access control admits, and
//! authorized for the API in its environment; an IAM-authenticated API's caller proves it
//! is an IAM user (`iam`: a token or an access key's signature). Signatures of both kinds
//! are checked by `signed`. Everything is looked up in the snapshot and IAM's principals.
//! An `auth_type` this binary does not serve never reaches here: it fails the API's
//! compilation (`snapshot::Authentication`), closed. Custom authorizers land here, in a
//! module of their own.
mod app;
mod iam;
mod signed;

use std::net::IpAddr;
use std::sync::Arc;

use axum::body::Body;
use axum::http::request::Parts;

use super::snapshot::{Authentication, GroupRoutes, LiveApi, LiveCredential, Principal};
use super::{GatewayError, Live};

/// Who a call is from, as authentication found it.
pub(super) enum Identity {
    /// An API open to anyone.
    Anonymous,
    /// A credential's holder.
    App(Arc<LiveCredential>),
    /// An IAM user.
    Iam(Arc<Principal>),
}

impl Identity {
    /// The calling credential's id and name (`$context.appId`, `$context.appName`).
    pub fn app(&self) -> Option<(&str, &str)> {
        match self {
            Identity::App(credential) => Some((&credential.id, &credential.name)),
            Identity::Anonymous | Identity::Iam(_) => None,
        }
    }

    /// The calling IAM user's id and name (`$context.userId`, `$context.userName`).
    pub fn user(&self) -> Option<(&str, &str)> {
        match self {
            Identity::Iam(user) => Some((&user.user_id, &user.user_name)),
            Identity::Anonymous | Identity::App(_) => None,
        }
    }
}

/// The call as authentication sees it: its group (the gateway's credentials and
/// parameters), what the process serves (IAM's principals), its request head, whether it
/// came over TLS, and its body, which a signature covering it has read (and put back) by
/// the time this returns.
pub(super) struct Presented<'a> {
    pub group: &'a GroupRoutes,
    pub live: &'a Live,
    pub parts: &'a Parts,
    pub tls: bool,
    /// The caller's address.
    pub peer: IpAddr,
    pub body: &'a mut Option<Body>,
}

pub(super) async fn authenticate(
    api: &LiveApi,
    call: Presented<'_>,
) -> Result<Identity, GatewayError> {
    match api.auth {
        Authentication::None => Ok(Identity::Anonymous),
        Authentication::App { app_code } => {
            let peer = call.peer;
            let credential = app::credential(call, app_code).await?;
            if credential.frozen {
                return Err(GatewayError::AppFrozen);
            }
            if credential.acl.as_ref().is_some_and(|acl| !acl.admits(peer)) {
                return Err(GatewayError::AppAddressDenied);
            }
            if !api.authorized.contains(&credential.id) {
                return Err(GatewayError::Unauthorized);
            }
            Ok(Identity::App(credential))
        }
        Authentication::Iam => Ok(Identity::Iam(iam::principal(call).await?)),
    }
}
