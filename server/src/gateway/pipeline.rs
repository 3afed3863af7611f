//! One request through the gateway, phase by phase, each in its own module:
//! 1. `route`: size limits, Host → group, `X-Stage` → environment, method and path → API,
//!    CORS preflights, the scheme;
//! 2. `policies`: what the gateway lets a call carry (the body size limit);
//! 3. `authenticate`: who is calling (anyone, or an authorized credential), reading the
//!    body only where a signature covers it;
//! 4. `transform`: request parameters checked, the backend request mapped;
//! 5. `backend`: the mock's answer, or the HTTP backend called;
//! 6. `respond`: CORS and debug headers, `X-Request-Id`, errors rendered as APIG does.
//!
//! The headers the phases read are found in one pass (`Seen`); what they learn about the
//! call travels in one `Context`.
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::Request;
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method};
use axum::response::Response;
use http_body::Body as _;

use super::authenticate::{authenticate, Identity, Presented};
use super::backend::{self, Http};
use super::capped::drain;
use super::loader::Live;
use super::respond::finish;
use super::route::{route, Routed, Target, MAX_HEADER, MAX_HEADERS};
use super::snapshot::{Backend, LiveApi, Snapshot};
use super::transform::{outgoing, Incoming};
use super::upstream::Upstream;
use super::{policies, GatewayError, RequestId};
use crate::listen::ClientLimits;
use app::services::apig::debug::{BACKEND_REQUEST_HEADER, DEBUG_HEADER};

/// What every request of one listener shares (one `Arc`, cloned per request).
#[derive(Clone)]
pub struct GatewayState(Arc<Shared>);

pub struct Shared {
    pub live: Arc<Live>,
    pub(super) upstream: Upstream,
    /// The port this listener accepts on (a custom inbound port routes to its gateway's
    /// DEFAULT group).
    pub local_port: u16,
    /// Whether requests arrive over TLS.
    pub(super) tls: bool,
    debug_key: Arc<str>,
    pub limits: ClientLimits,
}

impl std::ops::Deref for GatewayState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

impl GatewayState {
    pub fn new(
        live: Arc<Live>,
        port: (u16, bool),
        debug_key: Arc<str>,
        limits: ClientLimits,
    ) -> Self {
        let (local_port, tls) = port;
        GatewayState(Arc::new(Shared {
            live,
            upstream: Upstream::new(),
            local_port,
            tls,
            debug_key,
            limits,
        }))
    }
}

pub(super) const DEBUG: HeaderName = HeaderName::from_static(DEBUG_HEADER);
pub(super) const BACKEND_REQUEST: HeaderName = HeaderName::from_static(BACKEND_REQUEST_HEADER);

/// The caller at the other end of one connection: its IP address as a header value
/// (formatted once per connection, not per call).
#[derive(Clone)]
pub struct Peer {
    pub(super) ip: HeaderValue,
    pub(super) addr: IpAddr,
}

impl Peer {
    pub fn new(addr: SocketAddr) -> Self {
        let ip = HeaderValue::from_str(&addr.ip().to_string())
            .unwrap_or(HeaderValue::from_static("unknown"));
        Peer {
            ip,
            addr: addr.ip(),
        }
    }
}

/// The caller's headers the pipeline reads, found in one pass over them (which also measures
/// them against APIG's header size limits). Where a header comes twice, the first counts.
#[derive(Default)]
pub(super) struct Seen {
    pub host: Option<HeaderValue>,
    pub stage: Option<HeaderValue>,
    pub content_length: Option<HeaderValue>,
    pub origin: Option<HeaderValue>,
    pub preflight_method: Option<HeaderValue>,
    pub forwarded_for: Option<HeaderValue>,
    pub mode: Option<HeaderValue>,
    pub debug: Option<HeaderValue>,
    /// `Connection` is present: the headers it names go no further than this hop.
    pub connection: bool,
    pub too_large: bool,
}

impl Seen {
    fn scan(headers: &HeaderMap) -> Seen {
        let mut seen = Seen::default();
        let mut total = 0;
        for (name, value) in headers {
            let size = name.as_str().len() + value.len();
            total += size;
            seen.too_large |= size > MAX_HEADER;
            let slot = match name.as_str() {
                "host" => &mut seen.host,
                "x-stage" => &mut seen.stage,
                "content-length" => &mut seen.content_length,
                "origin" => &mut seen.origin,
                "access-control-request-method" => &mut seen.preflight_method,
                "x-forwarded-for" => &mut seen.forwarded_for,
                "x-apig-mode" => &mut seen.mode,
                debug if debug == DEBUG_HEADER => &mut seen.debug,
                "connection" => {
                    seen.connection = true;
                    continue;
                }
                _ => continue,
            };
            if slot.is_none() {
                *slot = Some(value.clone());
            }
        }
        seen.too_large |= total > MAX_HEADERS;
        seen
    }

    /// `X-Apig-Mode: debug`: the caller asks for the latency headers.
    fn timed(&self) -> bool {
        self.mode
            .as_ref()
            .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"debug"))
    }
}

/// Serves one call from `peer`.
pub async fn handle(state: GatewayState, peer: &Peer, request: Request) -> Response {
    let request_id = RequestId::new();
    let (parts, body) = request.into_parts();
    let seen = Seen::scan(&parts.headers);
    // The clock is read only for a caller who asked for the latency headers.
    let started = seen.timed().then(Instant::now);
    let snapshot = state.live.snapshot();
    let mut body = Some(body);
    let call = Call {
        state: &state,
        peer,
        request_id: &request_id,
        timed: started.is_some(),
    };
    let served = serve(&call, &snapshot, parts, seen, &mut body).await;
    let (mut response, upstream) = match served {
        Ok(served) => served,
        Err(error) => (error.into_response(&request_id), None),
    };
    // A body nobody read (an error, a mock) is read before the answer goes out: a caller
    // still sending would otherwise see the connection reset instead of the answer.
    if let Some(unread) = body.filter(|b| !b.is_end_stream()) {
        drain(unread).await;
    }
    finish(&mut response, &request_id, started, upstream);
    response
}

/// One call before routing: where it arrived, from whom, its request id, and whether its
/// latency is measured.
struct Call<'a> {
    state: &'a GatewayState,
    peer: &'a Peer,
    request_id: &'a RequestId,
    timed: bool,
}

/// What the phases after routing know about a call.
pub(super) struct Context<'a> {
    pub state: &'a GatewayState,
    pub peer: &'a Peer,
    pub request_id: &'a RequestId,
    pub api: &'a LiveApi,
    pub identity: Identity,
    /// The `Host` the caller sent.
    pub host: HeaderValue,
    pub method: Method,
    /// The `X-Forwarded-For` the caller sent, if any.
    pub forwarded_for: Option<HeaderValue>,
    /// Whether the caller sent the debug header (which never reaches a backend).
    pub carries_debug: bool,
    /// Whether the request line sent to the backend is reported back (debug calls).
    pub traced: bool,
}

async fn serve(
    call: &Call<'_>,
    snapshot: &Snapshot,
    mut parts: Parts,
    mut seen: Seen,
    body: &mut Option<Body>,
) -> Result<(Response, Option<Duration>), GatewayError> {
    let state = call.state;
    let Target {
        group,
        api,
        captured,
        host,
    } = match route(state, snapshot, &mut parts, &mut seen)? {
        Routed::Preflight(response) => return Ok((response, None)),
        Routed::Api(target) => target,
    };
    let count = policies::body_limit(group, &seen, body)?;
    let presented = Presented {
        group,
        live: &state.live,
        parts: &parts,
        tls: state.tls,
        peer: call.peer.addr,
        body,
    };
    let identity = authenticate(&api, presented).await?;
    let incoming = Incoming::new(captured, parts.uri.query(), parts.headers)?;
    incoming.check(&api)?;
    let traced = seen
        .debug
        .as_ref()
        .is_some_and(|v| v.as_bytes() == state.debug_key.as_bytes());
    let context = Context {
        state,
        peer: call.peer,
        request_id: call.request_id,
        api: &api,
        identity,
        host,
        method: parts.method,
        forwarded_for: seen.forwarded_for,
        carries_debug: seen.debug.is_some(),
        traced,
    };
    let (mut response, upstream) = match &api.backend {
        Backend::Mock {
            status,
            body,
            headers,
        } => (backend::mock(&context, *status, body, headers), None),
        Backend::Broken(reason) => return Err(GatewayError::BackendConfig(reason.clone())),
        Backend::Http {
            address,
            method,
            path,
            timeout,
            retries,
        } => {
            let sent = call.timed.then(Instant::now);
            let http = Http {
                address,
                method: method.as_ref(),
                timeout: *timeout,
                retries: *retries,
            };
            let request = outgoing(&context, incoming, path);
            let proxied =
                backend::send(&context, http, request, body.take().unwrap_or_default()).await;
            if count.exceeded() {
                return Err(GatewayError::BodyTooLarge);
            }
            let (mut response, sent_to) = proxied?;
            if let Some(value) = sent_to.and_then(|s| HeaderValue::from_str(&s).ok()) {
                response.headers_mut().insert(BACKEND_REQUEST, value);
            }
            (response, sent.map(|sent| sent.elapsed()))
        }
    };
    if api.cors {
        response.headers_mut().insert(
            header::ACCESS_CONTROL_ALLOW_ORIGIN,
            seen.origin.unwrap_or(HeaderValue::from_static("*")),
        );
    }
    Ok((response, upstream))
}
