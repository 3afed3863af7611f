//! Listeners on the gateways' custom inbound ports (`custom-ingress-ports`): opened when a
//! port is added, closed when it is removed, following the served snapshot. A request on such
//! a port whose Host is not a known domain goes to its gateway's DEFAULT group; an HTTPS port
//! serves certificates by SNI like the HTTPS listener.
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use super::loader::Live;
use crate::listen::ClientLimits;

/// Opens and closes listeners on `ip` as ports come and go, until `stop` turns true.
pub async fn follow(
    live: Arc<Live>,
    debug_key: Arc<str>,
    limits: ClientLimits,
    ip: IpAddr,
    mut stop: watch::Receiver<bool>,
) {
    let mut swaps = live.swaps();
    let mut open: HashMap<(u16, bool), JoinHandle<()>> = HashMap::new();
    loop {
        let wanted = live.snapshot().ports.clone();
        open.retain(|key, task| {
            let keep = wanted.contains(key) && !task.is_finished();
            if !keep {
                task.abort();
            }
            keep
        });
        for (port, tls) in wanted {
            if open.contains_key(&(port, tls)) {
                continue;
            }
            match TcpListener::bind(SocketAddr::new(ip, port)).await {
                Ok(listener) => {
                    tracing::info!(port, tls, "serving a custom inbound port");
                    open.insert(
                        (port, tls),
                        tokio::spawn(serve(
                            listener,
                            live.clone(),
                            debug_key.clone(),
                            limits.clone(),
                            (port, tls),
                            stop.clone(),
                        )),
                    );
                }
                Err(error) => tracing::error!(port, %error, "cannot open a custom inbound port"),
            }
        }
        tokio::select! {
            changed = swaps.changed() => if changed.is_err() { break },
            _ = stop.changed() => break,
        }
    }
    for task in open.into_values() {
        task.abort();
    }
}

async fn serve(
    listener: TcpListener,
    live: Arc<Live>,
    debug_key: Arc<str>,
    limits: ClientLimits,
    (port, tls): (u16, bool),
    stop: watch::Receiver<bool>,
) {
    let state = super::GatewayState::new(live, (port, tls), debug_key, limits);
    let served = if tls {
        super::tls::serve(listener, state, stop).await
    } else {
        super::serve_http(listener, state, stop).await
    };
    if let Err(error) = served {
        tracing::error!(port, %error, "a custom inbound port stopped");
    }
}
