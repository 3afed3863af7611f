//! The gateway's HTTPS listener: rustls picks each bound domain's certificate by SNI from the
//! current snapshot (a certificate bound a moment ago is served on the next handshake), then
//! the connection is served by the same pipeline as plain HTTP, HTTP/1.1 or HTTP/2 by ALPN.
use std::sync::Arc;
use std::time::Duration;

use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::CertifiedKey;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio_rustls::TlsAcceptor;

use super::loader::Live;
use super::{Connections, GatewayState};

/// How long a client has to complete its TLS handshake.
const HANDSHAKE_WITHIN: Duration = Duration::from_secs(10);

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

/// Accepts TLS connections until `stop` turns true, each served on its own task, then
/// drains the calls in flight.
pub async fn serve(
    listener: TcpListener,
    state: GatewayState,
    mut stop: watch::Receiver<bool>,
) -> anyhow::Result<()> {
    let acceptor = TlsAcceptor::from(Arc::new(config(state.live.clone())?));
    let connections = Connections::new(state);
    while let Some((tcp, peer, slot)) =
        super::accept(&listener, &connections.state.limits, &mut stop).await
    {
        let acceptor = acceptor.clone();
        let connection = connections.accepted(peer);
        tokio::spawn(async move {
            let _slot = slot;
            let stream = match tokio::time::timeout(HANDSHAKE_WITHIN, acceptor.accept(tcp)).await {
                Ok(Ok(stream)) => stream,
                Ok(Err(error)) => {
                    tracing::debug!(%peer, %error, "TLS handshake failed");
                    return;
                }
                Err(_) => {
                    tracing::debug!(%peer, "TLS handshake not completed in time");
                    return;
                }
            };
            connection.serve(stream).await;
        });
    }
    connections.drain().await;
    Ok(())
}
