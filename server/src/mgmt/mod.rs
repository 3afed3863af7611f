//! The management REST API on the console listener: the IAM v3 subset that Huawei's
//! `huaweicloudsdkiam` speaks, and the APIG v2 subset of `huaweicloudsdkapig`.
//!
//! Rules: `authn` authenticates every request (token, AK/SK signature, or console session)
//! and leaves the caller in the request, sealed; a handler gets it only from an `access`
//! extractor by naming the one IAM action it performs, before it reads or changes anything; errors leave through `error::ApiError` in
//! APIG's JSON shape. Handlers only translate JSON to service calls.
mod access;
mod apig;
pub mod authn;
mod error;
mod extract;
mod iam;

use std::sync::Arc;

use axum::middleware::{from_fn, from_fn_with_state};
use axum::Router;
use sqlx::PgPool;

use app::model::gateway::Endpoints;
use app::services::secrets::MasterKey;

pub use access::{Allowed, InAccount, InGateway, InProject};
pub use error::ApiError;
pub use extract::{page, Body, Item, Part, Path, Query};

/// What most management handlers answer: a JSON body, or an APIG-style error.
pub type Reply = Result<axum::Json<serde_json::Value>, ApiError>;

/// What a handler that creates answers: `201 Created` (or another status) with the body.
pub type Created = Result<(axum::http::StatusCode, axum::Json<serde_json::Value>), ApiError>;

/// What a handler answers with a status and no body (`204 No Content` mostly).
pub type Done = Result<axum::http::StatusCode, ApiError>;

/// Most items an IAM list returns at once.
pub const MAX_LIST: i64 = 500;

use crate::signature::FailureLimiter;

/// What management handlers share.
#[derive(Debug, Clone)]
pub struct MgmtState {
    pub pool: PgPool,
    pub master_key: MasterKey,
    /// Signature failures per access key (five in a row lock the key for five minutes).
    pub signature_failures: Arc<FailureLimiter>,
    pub endpoints: Endpoints,
    /// The secret that makes the gateway report its backend request (`apis/debug`).
    pub debug_key: Arc<str>,
    /// The console session's absolute lifetime, which holds for calls it authenticates.
    pub session_max_age: time::Duration,
}

/// Whether a path belongs to the management API (the console's sign-in gate leaves these
/// to `authn`).
pub fn is_api_path(path: &str) -> bool {
    path.starts_with("/v3/") || path.starts_with("/v3.0/") || path.starts_with("/v2/")
}

/// The management API, layers outermost first:
/// - `respond`: every response gets its `X-Request-Id`, every error the shape of its API
///   (it must see the authentication step's refusals too);
/// - `authn`: the caller is known before any handler runs.
pub fn router(state: MgmtState) -> Router {
    with_layers(iam::routes().merge(apig::routes()), state)
}

/// The answer to a management path no route serves, behind the same layers (so an
/// anonymous caller learns nothing about which paths exist): the console's fallback hands
/// such paths here. (A catch-all route beside `/v2/{project_id}/…` cannot be registered.)
pub fn unknown_paths(state: MgmtState) -> Router {
    with_layers(Router::new().fallback(error::unknown_path), state)
}

fn with_layers(routes: Router<MgmtState>, state: MgmtState) -> Router {
    routes
        .layer(from_fn_with_state(state.clone(), authn::authenticate))
        .layer(from_fn(error::respond))
        .with_state(state)
}
