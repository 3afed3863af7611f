//! The gateway's HTTPS listener: rustls picks each bound domain's certificate by SNI from the
//! current snapshot (a certificate bound a moment ago is served on the next handshake), then
//! the connection is served by the same router as plain HTTP, HTTP/1.1 or HTTP/2 by ALPN.
use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::ConnectInfo;
use axum::{Extension, Router};
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use hyper_util::service::TowerToHyperService;
use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::CertifiedKey;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio_rustls::TlsAcceptor;

use super::loader::Live;

/// Finds the certificate for the name the client asks for.
#[derive(Debug)]
struct BySni(Arc<Live>);

impl ResolvesServerCert for BySni {
    fn resolve(&self, hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        self.0.snapshot().certificate(hello.server_name()?)
    }
}

/// The TLS settings: TLS 1.2 and 1.3 (ring), certificates by SNI, h2 and http/1.1.
fn config(live: Arc<Live>) -> anyhow::Result<rustls::ServerConfig> {
    let mut config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()?
    .with_no_client_auth()
    .with_cert_resolver(Arc::new(BySni(live)));
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(config)
}

/// Accepts TLS connections until `stop` turns true; each is served on its own task.
pub async fn serve(
    listener: TcpListener,
    live: Arc<Live>,
    router: Router,
    mut stop: watch::Receiver<bool>,
) -> anyhow::Result<()> {
    let acceptor = TlsAcceptor::from(Arc::new(config(live)?));
    loop {
        let (tcp, peer) = tokio::select! {
            accepted = listener.accept() => accepted?,
            _ = stop.changed() => return Ok(()),
        };
        if let Err(error) = tcp.set_nodelay(true) {
            tracing::debug!(%error, "TCP_NODELAY not set");
        }
        let acceptor = acceptor.clone();
        let router = router.clone();
        tokio::spawn(async move {
            let stream = match acceptor.accept(tcp).await {
                Ok(stream) => stream,
                Err(error) => {
                    tracing::debug!(%peer, %error, "TLS handshake failed");
                    return;
                }
            };
            let service = router.layer(Extension(ConnectInfo::<SocketAddr>(peer)));
            let served = auto::Builder::new(TokioExecutor::new())
                .serve_connection(TokioIo::new(stream), TowerToHyperService::new(service))
                .await;
            if let Err(error) = served {
                tracing::debug!(%peer, %error, "TLS connection ended with an error");
            }
        });
    }
}
