//! The gateway listener, and its HTTPS listener when there is one, are served by one
//! single-threaded runtime per available core, each on its own thread, all accepting on the
//! same sockets (as nginx runs one worker per core).
//! A call then stays on the thread that accepted it, from the caller's connection to the
//! backend's and back, with no work stealing between threads: measured with `bench/run`,
//! this costs about a fifth less CPU per call than the shared multi-threaded runtime. Each
//! worker keeps its own pool of backend connections; all read the same live snapshot.
use std::num::NonZeroUsize;
use std::sync::Arc;

use anyhow::Context;
use tokio::net::TcpListener;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;

use super::Live;
use crate::listen::ClientLimits;

/// Starts the workers on the plain listener and the HTTPS one (`tls`); the handle ends when
/// every worker has drained after `stop`, or with the first worker's error.
pub fn spawn(
    listener: TcpListener,
    tls: Option<TcpListener>,
    live: Arc<Live>,
    debug_key: Arc<str>,
    limits: ClientLimits,
    stop: watch::Receiver<bool>,
) -> anyhow::Result<JoinHandle<anyhow::Result<()>>> {
    let port = listener.local_addr()?.port();
    let socket = listener.into_std()?;
    let tls = match tls {
        Some(listener) => Some((listener.local_addr()?.port(), listener.into_std()?)),
        None => None,
    };
    let workers = std::thread::available_parallelism().map_or(1, NonZeroUsize::get);
    let (ended_tx, mut ended) = mpsc::unbounded_channel::<anyhow::Result<()>>();
    for n in 0..workers {
        let socket = socket.try_clone()?;
        let tls = match &tls {
            Some((port, socket)) => Some((*port, socket.try_clone()?)),
            None => None,
        };
        let (live, debug_key, limits, stop, ended_tx) = (
            live.clone(),
            debug_key.clone(),
            limits.clone(),
            stop.clone(),
            ended_tx.clone(),
        );
        std::thread::Builder::new()
            .name(format!("gateway-{n}"))
            .spawn(move || {
                let served = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .context("starting a gateway worker")
                    .and_then(|runtime| {
                        runtime.block_on(async move {
                            let listener = TcpListener::from_std(socket)?;
                            let plain = super::GatewayState::new(
                                live.clone(),
                                (port, false),
                                debug_key.clone(),
                                limits.clone(),
                            );
                            let https = async {
                                let Some((port, socket)) = tls else {
                                    return Ok(());
                                };
                                let listener = TcpListener::from_std(socket)?;
                                let state =
                                    super::GatewayState::new(live, (port, true), debug_key, limits);
                                super::tls::serve(listener, state, stop.clone()).await
                            };
                            tokio::try_join!(
                                super::serve_http(listener, plain, stop.clone()),
                                https
                            )
                            .map(|_| ())
                        })
                    });
                let _ = ended_tx.send(served);
            })
            .context("starting a gateway worker thread")?;
    }
    Ok(tokio::spawn(async move {
        for _ in 0..workers {
            match ended.recv().await {
                Some(Ok(())) => {}
                Some(Err(error)) => return Err(error),
                None => anyhow::bail!("a gateway worker ended without a result"),
            }
        }
        Ok(())
    }))
}
