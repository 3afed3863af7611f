//! Sending a call to its backend.
//!
//! Plain-HTTP backends go through a pool of HTTP/1.1 connections kept per thread: a gateway
//! worker takes an idle connection of its own (no lock, no hand-off to another task), runs
//! the exchange in the calling task (`h1`), and gets the connection back when the response
//! body has been read to its end. HTTPS backends go through hyper's general pooled client
//! (rustls, HTTP/1.1 or HTTP/2 by ALPN).
use std::cell::RefCell;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method, Request, Response, Uri};
use foldhash::{HashMap, HashMapExt};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use tokio::time::Instant;

use super::h1::{self, hop_by_hop, Connection, Sending};
use super::snapshot::Address;

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
    /// When the call that last used it started.
    since: Instant,
}

/// Why a backend call failed.
#[derive(Debug)]
pub enum Failure {
    /// Nothing reached the backend (it could not be connected to): sending again cannot
    /// repeat a side effect.
    Unsent(anyhow::Error),
    /// The request, or part of it, may have reached the backend.
    Sent(anyhow::Error),
    /// The backend did not answer within the API's timeout.
    TimedOut,
}

impl Failure {
    fn unsent(error: impl Into<anyhow::Error>) -> Self {
        Failure::Unsent(error.into())
    }

    fn sent(error: impl Into<anyhow::Error>) -> Self {
        Failure::Sent(error.into())
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

    /// Sends `call` and returns the backend's response head (within the call's timeout);
    /// its body streams.
    pub async fn send(&self, call: Call<'_>) -> Result<Response<Body>, Failure> {
        if !call.address.https {
            return send_plain(call).await;
        }
        let uri: Uri = format!("https://{}{}", call.address.authority, call.target)
            .parse()
            .map_err(Failure::unsent)?;
        let mut headers = call.headers;
        remove_hop_by_hop(&mut headers);
        headers.remove(header::HOST);
        if matches!(*call.method, Method::GET | Method::HEAD | Method::OPTIONS) {
            // Sent without a body (they are replayed), so without the caller's length.
            headers.remove(header::CONTENT_LENGTH);
        }
        let forwarded = call.forwarded;
        headers.insert(X_FORWARDED_FOR, forwarded.r#for.clone());
        headers.insert(X_FORWARDED_HOST, forwarded.host.clone());
        headers.insert(X_FORWARDED_PROTO, forwarded.proto.clone());
        let mut request = Request::new(call.body);
        *request.method_mut() = call.method.clone();
        *request.uri_mut() = uri;
        *request.headers_mut() = headers;
        let answered = tokio::time::timeout(call.timeout, self.https.request(request)).await;
        match answered.map_err(|_| Failure::TimedOut)? {
            Ok(response) => {
                let mut response = response.map(Body::new);
                remove_hop_by_hop(response.headers_mut());
                Ok(response)
            }
            Err(error) if error.is_connect() => Err(Failure::unsent(error)),
            Err(error) => Err(Failure::sent(error)),
        }
    }
}

/// One request to a backend. `headers` are the caller's (as mapped): hop-by-hop ones,
/// `Host` and `X-Forwarded-*` are replaced as the request goes out.
pub struct Call<'a> {
    pub address: &'a Address,
    pub method: &'a Method,
    /// The path and query.
    pub target: &'a str,
    pub headers: HeaderMap,
    pub forwarded: &'a Forwarded,
    pub body: Body,
    /// How long the backend has to answer (to the end of the response head).
    pub timeout: Duration,
}

const X_FORWARDED_FOR: HeaderName = HeaderName::from_static("x-forwarded-for");
const X_FORWARDED_HOST: HeaderName = HeaderName::from_static("x-forwarded-host");
const X_FORWARDED_PROTO: HeaderName = HeaderName::from_static("x-forwarded-proto");

/// The `X-Forwarded-*` values a backend request carries: the callers' addresses (the
/// caller's appended to any it sent), the `Host` it called, and `http` or `https`.
pub struct Forwarded {
    pub r#for: HeaderValue,
    pub host: HeaderValue,
    pub proto: HeaderValue,
}

fn remove_hop_by_hop(headers: &mut HeaderMap) {
    while let Some(name) = headers.keys().find(|n| hop_by_hop(n)).cloned() {
        headers.remove(name);
    }
}

async fn send_plain(call: Call<'_>) -> Result<Response<Body>, Failure> {
    let Call {
        address,
        method,
        target,
        headers,
        forwarded,
        body,
        timeout,
    } = call;
    let now = Instant::now();
    let deadline = now + timeout;
    let sending = Sending::of(method, &body);
    let outgoing = h1::Outgoing {
        method,
        target,
        authority: &address.authority,
        headers: &headers,
        forwarded,
        sending,
    };
    let mut body = Some(body);
    // A pooled connection the backend closed as the request went out is replaced by a new
    // one, when the request has no body (so nothing of it is lost) and is safe to repeat.
    let repeatable = sending == Sending::Nothing;
    loop {
        let (mut connection, reused) = match checkout(&address.authority, now) {
            Some(connection) => (connection, true),
            None => {
                let opening = Connection::open(&address.host, address.port);
                let opened = tokio::time::timeout_at(deadline, opening).await;
                let connection = opened
                    .map_err(|_| Failure::TimedOut)?
                    .map_err(Failure::unsent)?;
                (connection, false)
            }
        };
        let exchanged = connection
            .exchange(
                &outgoing,
                body.take().unwrap_or_default(),
                deadline,
                timeout,
            )
            .await;
        match exchanged {
            Ok(head) => {
                let release = Pooled {
                    key: address.authority.clone(),
                    since: now,
                };
                let body = head.body(connection, release);
                let mut response = Response::new(body);
                *response.status_mut() = head.status;
                *response.headers_mut() = head.headers;
                return Ok(response);
            }
            Err(h1::Failed::Closed(_)) if reused && repeatable => continue,
            Err(h1::Failed::TimedOut) => return Err(Failure::TimedOut),
            Err(h1::Failed::Closed(error) | h1::Failed::Other(error)) => {
                return Err(Failure::sent(error))
            }
        }
    }
}
/// An idle connection of this thread to `key` the backend has not closed (and not kept
/// longer than allowed at `now`).
fn checkout(key: &str, now: Instant) -> Option<Connection> {
    IDLE.with(|idle| {
        let mut idle = idle.borrow_mut();
        let kept = idle.get_mut(key)?;
        while let Some(mut found) = kept.pop() {
            let idle = now.saturating_duration_since(found.since);
            if idle <= IDLE_FOR_AT_MOST && !found.connection.is_closed() {
                return Some(found.connection);
            }
        }
        None
    })
}

/// A connection's way back to this thread's pool, under its backend's `host:port`, with
/// when the call that used it started (its idle time is counted from there: no clock is
/// read to pool it).
struct Pooled {
    key: Arc<str>,
    since: Instant,
}

impl h1::Release for Pooled {
    fn release(self, connection: Connection) {
        IDLE.with(|idle| {
            let mut idle = idle.borrow_mut();
            let kept = idle.entry(self.key).or_default();
            if kept.len() < IDLE_PER_BACKEND {
                kept.push(Idle {
                    connection,
                    since: self.since,
                });
            }
        });
    }
}
