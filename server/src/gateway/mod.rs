//! The gateway: the data plane that serves published APIs to callers.
//!
//! Rules of this module tree: a request never awaits the database (it reads one immutable
//! configuration snapshot, kept current by `loader`); every response carries `X-Request-Id`;
//! every failure is one `GatewayError`, rendered in one place (`respond`). Nothing here
//! imports sqlx or leptos, except `loader`.
//!
//! A call goes through `pipeline`'s phases, one module each: `route` → `authenticate` →
//! `policies` → `transform` → `backend` → `respond`. The listeners (this module, `h1`,
//! `framing`, `tls`, `ports`, `drain`) bring calls in; `upstream` keeps the backend
//! connections; `snapshot` is what the phases read.
mod authenticate;
mod backend;
mod capped;
pub(crate) mod drain;
pub(crate) mod framing;
mod h1;
pub mod loader;
mod params;
mod path;
mod pipeline;
mod policies;
pub mod ports;
mod request_id;
mod respond;
mod route;
mod snapshot;
pub mod tls;
mod transform;
mod upstream;
pub mod workers;

use axum::body::Body;
use framing::{Framing, Watched};
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, OwnedSemaphorePermit};

use crate::listen::ClientLimits;

pub use loader::Live;
pub use pipeline::GatewayState;
pub use request_id::RequestId;
pub use respond::{GatewayError, ResponseType};
pub use snapshot::Snapshot;

/// How long the listener waits after a failed accept (out of file descriptors, say) before
/// accepting again.
const ACCEPT_RETRY: std::time::Duration = std::time::Duration::from_millis(50);

/// Serves plain HTTP on a gateway listener until `stop` turns true, then drains the calls
/// in flight. Small responses leave at once (`TCP_NODELAY`): a proxy must not wait for
/// the caller's acknowledgement before sending the rest of an answer.
///
/// A connection is told by its first bytes: HTTP/2 with prior knowledge (h2c) opens with
/// its preface, `PRI * HTTP/2.0`, and no HTTP/1 method is `PRI`. Those connections, and
/// any whose first bytes are too few to tell, go to the server that speaks both versions;
/// the others to hyper's HTTP/1 server alone, which costs less per call.
pub async fn serve_http(
    listener: TcpListener,
    state: GatewayState,
    mut stop: watch::Receiver<bool>,
) -> anyhow::Result<()> {
    let connections = Connections::new(state);
    let limits = connections.state.limits.clone();
    while let Some((tcp, peer, slot)) = accept(&listener, &limits, &mut stop).await {
        let (connection, mut stop) = (connections.accepted(peer), stop.clone());
        let idle = limits.keep_alive_timeout;
        tokio::spawn(async move {
            let _slot = slot;
            let mut start = [0u8; 3];
            let peeked = tokio::select! {
                peeked = tokio::time::timeout(idle, tcp.peek(&mut start)) => match peeked {
                    Ok(peeked) => peeked,
                    Err(_) => return,
                },
                _ = stop.wait_for(|stopped| *stopped) => return,
            };
            match peeked {
                Ok(0) | Err(_) => {}
                Ok(n) if b"PRI".starts_with(&start[..n]) => connection.serve(tcp).await,
                Ok(_) => connection.serve_http1(tcp).await,
            }
        });
    }
    connections.drain().await;
    Ok(())
}

/// The next connection of a gateway listener, with `TCP_NODELAY` set and the connection
/// slot it holds (waited for while every slot is taken), or `None` once `stop` turns true. A failed accept (out of file descriptors, say) is logged and tried again.
async fn accept(
    listener: &TcpListener,
    limits: &ClientLimits,
    stop: &mut watch::Receiver<bool>,
) -> Option<(TcpStream, SocketAddr, OwnedSemaphorePermit)> {
    let slot = tokio::select! {
        slot = limits.slot() => slot,
        _ = stop.wait_for(|stopped| *stopped) => return None,
    };
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = stop.wait_for(|stopped| *stopped) => return None,
        };
        match accepted {
            Ok((tcp, peer)) => {
                if let Err(error) = tcp.set_nodelay(true) {
                    tracing::debug!(%error, "TCP_NODELAY not set");
                }
                return Some((tcp, peer, slot));
            }
            Err(error) => {
                tracing::warn!(%error, "a gateway connection could not be accepted");
                tokio::time::sleep(ACCEPT_RETRY).await;
            }
        }
    }
}

/// The connections of one gateway listener: each served by the pipeline directly (HTTP/1.1,
/// or HTTP/2 by preface or ALPN), and all drained together when the listener stops.
pub struct Connections {
    state: GatewayState,
    builder: auto::Builder<TokioExecutor>,
    drain: drain::Drain,
}

impl Connections {
    pub fn new(state: GatewayState) -> Self {
        let mut builder = auto::Builder::new(TokioExecutor::new());
        state.limits.auto(&mut builder);
        Connections {
            state,
            builder,
            drain: drain::Drain::default(),
        }
    }

    /// What serves the connection just accepted from `peer`, to move onto its task.
    pub fn accepted(&self, peer: SocketAddr) -> Connection {
        Connection {
            state: self.state.clone(),
            builder: self.builder.clone(),
            drain: self.drain.clone(),
            peer,
        }
    }

    /// Asks every connection to close after its call in flight, and waits until they have.
    pub async fn drain(self) {
        self.drain.drain().await;
    }
}

/// One accepted connection of a gateway listener.
pub struct Connection {
    state: GatewayState,
    builder: auto::Builder<TokioExecutor>,
    drain: drain::Drain,
    peer: SocketAddr,
}

impl Connection {
    /// Serves the connection until it closes (or, once draining, after its call in flight).
    pub async fn serve<I>(self, io: I)
    where
        I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    {
        let Connection {
            state,
            builder,
            drain,
            peer,
        } = self;
        let framing = Framing::default();
        let io = Watched::new(io, framing.clone(), &state.limits);
        let connection = builder.serve_connection(TokioIo::new(io), service(state, peer, framing));
        if let Err(error) = drain.watch(connection).await {
            tracing::debug!(%peer, %error, "a gateway connection ended with an error");
        }
    }

    /// Serves a connection known to speak HTTP/1 with hyper's HTTP/1 server alone.
    async fn serve_http1(self, tcp: TcpStream) {
        let Connection {
            state, drain, peer, ..
        } = self;
        let framing = Framing::default();
        let io = Watched::new(tcp, framing.clone(), &state.limits);
        let mut builder = hyper::server::conn::http1::Builder::new();
        state.limits.http1(&mut builder);
        let connection = builder.serve_connection(TokioIo::new(io), service(state, peer, framing));
        if let Err(error) = drain.watch(connection).await {
            tracing::debug!(%peer, %error, "a gateway connection ended with an error");
        }
    }
}

/// The calls of one connection from `peer`, each served by the pipeline; one whose head
/// `framing` found ambiguous is refused before the pipeline sees it.
fn service(
    state: GatewayState,
    peer: SocketAddr,
    framing: Framing,
) -> impl hyper::service::Service<
    hyper::Request<Incoming>,
    Response = axum::response::Response,
    Error = Infallible,
    Future = impl std::future::Future<Output = Result<axum::response::Response, Infallible>>
                 + Send
                 + 'static,
> + Clone {
    let caller = pipeline::Peer::new(peer);
    hyper::service::service_fn(move |request: hyper::Request<Incoming>| {
        let (state, caller) = (state.clone(), caller.clone());
        let ambiguous = framing.next_is_ambiguous();
        let call = framing.call();
        async move {
            let _call = call;
            let request = request.map(Body::new);
            Ok::<_, Infallible>(if ambiguous {
                framing::refuse(request).await
            } else {
                pipeline::handle(state, &caller, request).await
            })
        }
    })
}

/// Serves one call through the pipeline with a snapshot of `config` of its own instead of
/// the live one: how a draft is debugged without being published (`apis/debug` in
/// DEVELOPER mode). The call comes from the loopback address, authenticated against `iam`
/// with the process's signature failure counts.
pub async fn serve_once(
    (config, iam): (
        &app::model::runtime::RuntimeConfig,
        &app::services::iam::principals::RuntimeIam,
    ),
    suffix: &str,
    debug_key: Arc<str>,
    iam_failures: Arc<crate::signature::FailureLimiter>,
    request: axum::extract::Request,
) -> axum::response::Response {
    let live = Arc::new(Live::serving(
        Snapshot::build(config, suffix),
        iam,
        iam_failures,
    ));
    let state = GatewayState::new(live, (0, false), debug_key, ClientLimits::default());
    let peer = pipeline::Peer::new(SocketAddr::from(([127, 0, 0, 1], 0)));
    pipeline::handle(state, &peer, request).await
}
