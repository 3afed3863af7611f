//! The gateway: the data plane that serves published APIs to callers.
//!
//! Rules of this module tree: a request never awaits the database (it reads one immutable
//! configuration snapshot, kept current by `loader`); every response carries `X-Request-Id`;
//! every failure is one `GatewayError`, rendered in one place (`respond`). Nothing here
//! imports sqlx or leptos, except `loader`.
mod capped;
pub mod loader;
mod pipeline;
pub mod ports;
mod request_id;
mod respond;
mod snapshot;
pub mod tls;
pub mod workers;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::serve::ListenerExt;
use axum::Router;
use tokio::net::TcpListener;
use tokio::sync::watch;

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

/// Serves plain HTTP on a gateway listener until `stop` turns true, then drains the calls
/// in flight. Small responses leave at once (`TCP_NODELAY`): a proxy must not wait for
/// the caller's acknowledgement before sending the rest of an answer.
pub async fn serve_http(
    listener: TcpListener,
    router: Router,
    mut stop: watch::Receiver<bool>,
) -> anyhow::Result<()> {
    let listener = listener.tap_io(|tcp| {
        if let Err(error) = tcp.set_nodelay(true) {
            tracing::debug!(%error, "TCP_NODELAY not set");
        }
    });
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        let _ = stop.wait_for(|stopped| *stopped).await;
    })
    .await
    .map_err(anyhow::Error::from)
}
