//! The gateway: the data plane that serves published APIs to callers.
//!
//! Rules of this module tree: a request never awaits the database (it reads one immutable
//! configuration snapshot); every response carries `X-Request-Id`; every failure is one
//! `GatewayError`, rendered in one place (`respond`). Nothing here imports sqlx or leptos.
//!
//! No API can be published yet, so every request is answered as APIG answers an API that
//! does not exist or is not published in the environment.
mod request_id;
mod respond;

use axum::extract::Request;
use axum::response::Response;
use axum::Router;

pub use request_id::RequestId;
pub use respond::GatewayError;

/// The gateway listener's service.
pub fn router() -> Router {
    Router::new().fallback(handle)
}

async fn handle(_request: Request) -> Response {
    GatewayError::ApiNotFound.into_response(&RequestId::new())
}
