//! What every listener (console, gateway, custom inbound ports) allows its clients: how
//! long a request head may take once it has begun, how long a connection may sit idle
//! waiting for a request, and how many connections may be open at once. A client that
//! trickles its head (one byte a minute) or holds connections open doing nothing is cut
//! off, and past the cap new connections wait in the kernel's queue until one closes, so
//! the server goes on serving the clients it has.
use std::sync::Arc;
use std::time::Duration;

use hyper_util::rt::TokioTimer;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// The limits of one kind of listener, shared by its worker threads.
#[derive(Clone, Debug)]
pub struct ClientLimits {
    /// From the first byte of a request head to its last.
    pub header_timeout: Duration,
    /// From when a connection is ready for a request (accepted, or its last answer sent)
    /// to that request's complete head.
    pub keep_alive_timeout: Duration,
    slots: Arc<Semaphore>,
}

impl Default for ClientLimits {
    fn default() -> Self {
        ClientLimits::new(Duration::from_secs(10), Duration::from_secs(60), 10_000)
    }
}

impl ClientLimits {
    pub fn new(header_timeout: Duration, keep_alive_timeout: Duration, connections: usize) -> Self {
        ClientLimits {
            header_timeout,
            keep_alive_timeout,
            slots: Arc::new(Semaphore::new(connections.max(1))),
        }
    }

    /// A connection slot, waited for while every slot is taken; it frees when dropped.
    pub async fn slot(&self) -> OwnedSemaphorePermit {
        self.slots
            .clone()
            .acquire_owned()
            .await
            .expect("the connection slots are never closed")
    }

    /// hyper's HTTP/1 side of the limits: its header-read timer runs from when the
    /// connection is ready for a request, which is the keep-alive timeout. The header
    /// timeout proper is kept by `gateway::framing::Watched`, from a head's first byte.
    pub fn http1(&self, builder: &mut hyper::server::conn::http1::Builder) {
        builder
            .timer(TokioTimer::new())
            .header_read_timeout(self.keep_alive_timeout);
    }

    /// The same for a server that speaks HTTP/1 and HTTP/2.
    pub fn auto<E>(&self, builder: &mut hyper_util::server::conn::auto::Builder<E>) {
        builder
            .http1()
            .timer(TokioTimer::new())
            .header_read_timeout(self.keep_alive_timeout);
    }
}
