//! The gateway: the data plane that serves published APIs to callers.
//!
//! Rules of this module tree: a request never awaits the database (it reads one immutable
//! configuration snapshot, kept current by `loader`); every response carries `X-Request-Id`;
//! every failure is one `GatewayError`, rendered in one place (`respond`). Nothing here
//! imports sqlx or leptos, except `loader`.
pub mod loader;
mod pipeline;
pub mod ports;
mod request_id;
mod respond;
mod snapshot;
pub mod tls;

use std::sync::Arc;

use axum::Router;

pub use loader::Live;
pub use pipeline::GatewayState;
pub use request_id::RequestId;
pub use respond::GatewayError;

/// A gateway listener's service: every request goes through the pipeline. `tls` says
/// whether the listener is the HTTPS one; a request carrying `debug_key` in
/// `X-Portico-Debug` (sent by the debug API only) gets its backend request reported.
pub fn router(live: Arc<Live>, local_port: u16, tls: bool, debug_key: Arc<str>) -> Router {
    Router::new()
        .fallback(pipeline::handle)
        .with_state(GatewayState::new(live, local_port, tls, debug_key))
}
