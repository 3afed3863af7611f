//! The console listener (console, management API, health): each connection held to the
//! listener's [`ClientLimits`] and, once the server stops, closed after its call in flight.
use std::convert::Infallible;
use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tower::ServiceExt;

use crate::gateway::drain::Drain;
use crate::gateway::framing::{Framing, Watched};
use crate::listen::ClientLimits;

/// Serves `router` on `listener` until `stop` turns true, then waits for the calls in
/// flight.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: ClientLimits,
    mut stop: watch::Receiver<bool>,
) -> anyhow::Result<()> {
    let mut builder = auto::Builder::new(TokioExecutor::new());
    limits.auto(&mut builder);
    let drain = Drain::default();
    loop {
        let slot = tokio::select! {
            slot = limits.slot() => slot,
            _ = stop.wait_for(|stopped| *stopped) => break,
        };
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = stop.wait_for(|stopped| *stopped) => break,
        };
        let (tcp, peer) = match accepted {
            Ok(accepted) => accepted,
            Err(error) => {
                // Out of file descriptors, say: try again shortly.
                tracing::warn!(%error, "a console connection could not be accepted");
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                continue;
            }
        };
        let (router, builder, drain) = (router.clone(), builder.clone(), drain.clone());
        let io = Watched::new(tcp, Framing::default(), &limits);
        tokio::spawn(async move {
            let _slot = slot;
            let connection =
                builder.serve_connection_with_upgrades(TokioIo::new(io), service(router, peer));
            if let Err(error) = drain.watch(connection).await {
                tracing::debug!(%peer, %error, "a console connection ended with an error");
            }
        });
    }
    drain.drain().await;
    Ok(())
}

/// The console's router for one connection from `peer`, which handlers read as
/// `ConnectInfo`.
fn service(
    router: Router,
    peer: SocketAddr,
) -> impl hyper::service::Service<
    hyper::Request<Incoming>,
    Response = axum::response::Response,
    Error = Infallible,
    Future = impl std::future::Future<Output = Result<axum::response::Response, Infallible>> + Send,
> + Clone {
    hyper::service::service_fn(move |request: hyper::Request<Incoming>| {
        let mut request = request.map(Body::new);
        request.extensions_mut().insert(ConnectInfo(peer));
        router.clone().oneshot(request)
    })
}
