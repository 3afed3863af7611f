//! Sending a call to its backend.
//!
//! Plain-HTTP backends go through a pool of HTTP/1.1 connections kept per thread: a gateway
//! worker takes an idle connection of its own (no lock, no hand-off to another task), runs
//! the exchange in the calling task (`h1`), and gets the connection back when the response
//! body has been read to its end. HTTPS backends go through hyper's general pooled client
//! (rustls, HTTP/1.1 or HTTP/2 by ALPN).
use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, Response, Uri};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;

use super::backend::Address;
use super::h1::{self, Connection, Sending};

type HttpsClient = Client<hyper_rustls::HttpsConnector<HttpConnector>, Body>;

/// Idle connections kept per backend and thread, and for how long at most.
const IDLE_PER_BACKEND: usize = 512;
const IDLE_FOR_AT_MOST: Duration = Duration::from_secs(60);

thread_local! {
    /// This thread's idle backend connections, by `host:port`.
    static IDLE: RefCell<HashMap<Arc<str>, Vec<Idle>>> = RefCell::new(HashMap::new());
}

struct Idle {
    connection: Connection,
    since: Instant,
}

/// Why a backend call failed: `unsent` when nothing reached the backend (it could not be
/// connected to), so that sending again cannot repeat a side effect.
#[derive(Debug)]
pub struct Failure {
    pub unsent: bool,
    pub error: anyhow::Error,
}

impl Failure {
    fn unsent(error: impl Into<anyhow::Error>) -> Self {
        Failure {
            unsent: true,
            error: error.into(),
        }
    }

    fn sent(error: impl Into<anyhow::Error>) -> Self {
        Failure {
            unsent: false,
            error: error.into(),
        }
    }
}

/// The backend side of a gateway listener.
pub struct Upstream {
    https: HttpsClient,
}

impl Upstream {
    pub fn new() -> Self {
        let mut http = HttpConnector::new();
        http.enforce_http(false);
        http.set_nodelay(true);
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_webpki_roots()
            .https_only()
            .enable_http1()
            .enable_http2()
            .wrap_connector(http);
        Upstream {
            https: Client::builder(TokioExecutor::new()).build(https),
        }
    }

    /// Sends `call` and returns the backend's response head; its body streams.
    pub async fn send(&self, call: Call<'_>) -> Result<Response<Body>, Failure> {
        if !call.address.https {
            return send_plain(call).await;
        }
        let uri: Uri = format!("https://{}{}", call.address.authority, call.target)
            .parse()
            .map_err(Failure::unsent)?;
        let mut request = Request::new(call.body);
        *request.method_mut() = call.method.clone();
        *request.uri_mut() = uri;
        *request.headers_mut() = call.headers;
        match self.https.request(request).await {
            Ok(response) => Ok(response.map(Body::new)),
            Err(error) if error.is_connect() => Err(Failure::unsent(error)),
            Err(error) => Err(Failure::sent(error)),
        }
    }
}

/// One request to a backend.
pub struct Call<'a> {
    pub address: &'a Address,
    pub method: &'a Method,
    /// The path and query.
    pub target: &'a str,
    pub headers: HeaderMap,
    pub body: Body,
}

async fn send_plain(call: Call<'_>) -> Result<Response<Body>, Failure> {
    let Call {
        address,
        method,
        target,
        headers,
        body,
    } = call;
    let sending = Sending::of(method, &body);
    let outgoing = h1::Outgoing {
        method,
        target,
        authority: &address.authority,
        headers: &headers,
        sending,
    };
    let mut body = Some(body);
    // A pooled connection the backend closed as the request went out is replaced by a new
    // one, when the request has no body (so nothing of it is lost) and is safe to repeat.
    let repeatable = sending == Sending::Nothing;
    loop {
        let (mut connection, reused) = match checkout(&address.authority) {
            Some(connection) => (connection, true),
            None => (
                Connection::open(&address.host, address.port)
                    .await
                    .map_err(Failure::unsent)?,
                false,
            ),
        };
        let exchanged = connection
            .exchange(&outgoing, body.take().unwrap_or_default())
            .await;
        match exchanged {
            Ok(head) => {
                let release = Pooled(address.authority.clone());
                let body = head.body(connection, release);
                let mut response = Response::new(body);
                *response.status_mut() = head.status;
                *response.headers_mut() = head.headers;
                return Ok(response);
            }
            Err(h1::Failed::Closed(_)) if reused && repeatable => continue,
            Err(h1::Failed::Closed(error) | h1::Failed::Other(error)) => {
                return Err(Failure::sent(error))
            }
        }
    }
}
/// An idle connection of this thread to `key` the backend has not closed.
fn checkout(key: &str) -> Option<Connection> {
    IDLE.with(|idle| {
        let mut idle = idle.borrow_mut();
        let kept = idle.get_mut(key)?;
        while let Some(mut found) = kept.pop() {
            if found.since.elapsed() <= IDLE_FOR_AT_MOST && !found.connection.is_closed() {
                return Some(found.connection);
            }
        }
        None
    })
}

/// A connection's way back to this thread's pool, under its backend's `host:port`.
struct Pooled(Arc<str>);

impl h1::Release for Pooled {
    fn release(self, connection: Connection) {
        IDLE.with(|idle| {
            let mut idle = idle.borrow_mut();
            let kept = idle.entry(self.0).or_default();
            if kept.len() < IDLE_PER_BACKEND {
                kept.push(Idle {
                    connection,
                    since: Instant::now(),
                });
            }
        });
    }
}
