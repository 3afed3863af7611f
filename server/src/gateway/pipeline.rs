//! One request through the gateway, in order:
//! 1. route: Host → group (subdomain, bound domain, inbound port), `X-Stage` → environment
//!    (`RELEASE` by default), method and path → API (404 `APIG.0101` otherwise);
//! 2. CORS preflight for APIs with CORS on;
//! 3. body size against the gateway's `request_body_size` (413);
//! 4. request parameters checked as defined (400 `APIG.0201` naming the parameter);
//! 5. the backend request: parameters mapped (REQUEST, CONSTANT, SYSTEM), `X-Forwarded-*`
//!    added, hop-by-hop headers removed, the body streamed; or the mock's answer;
//! 6. the response, streamed back, with `X-Request-Id`, `Server: api-gateway` and, with
//!    `X-Apig-Mode: debug`, the latency headers.
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

use axum::body::Body;
use axum::extract::Request;
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use http_body::Body as _;
use percent_encoding::percent_decode_str;

use super::backend::Backend;
use super::capped::{drain, Capped};
use super::loader::Live;
use super::path::encode;
use super::respond::stamp;
use super::snapshot::{Captured, LiveApi, Location, Source, SystemParam};
use super::upstream::{self, Forwarded, Upstream};
use super::{GatewayError, RequestId};
use crate::listen::ClientLimits;
use app::services::debug::{BACKEND_REQUEST_HEADER, DEBUG_HEADER};

/// What every request of one listener shares (one `Arc`, cloned per request).
#[derive(Clone)]
pub struct GatewayState(Arc<Shared>);

pub struct Shared {
    pub live: Arc<Live>,
    upstream: Upstream,
    /// The port this listener accepts on (a custom inbound port routes to its gateway's
    /// DEFAULT group).
    pub local_port: u16,
    /// Whether requests arrive over TLS.
    tls: bool,
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

const X_APIG_LATENCY: HeaderName = HeaderName::from_static("x-apig-latency");
const X_APIG_UPSTREAM_LATENCY: HeaderName = HeaderName::from_static("x-apig-upstream-latency");
const DEBUG: HeaderName = HeaderName::from_static(DEBUG_HEADER);
const BACKEND_REQUEST: HeaderName = HeaderName::from_static(BACKEND_REQUEST_HEADER);

/// The caller at the other end of one connection: its IP address as a header value
/// (formatted once per connection, not per call).
#[derive(Clone)]
pub struct Peer {
    ip: HeaderValue,
}

impl Peer {
    pub fn new(addr: SocketAddr) -> Self {
        let ip = HeaderValue::from_str(&addr.ip().to_string())
            .unwrap_or(HeaderValue::from_static("unknown"));
        Peer { ip }
    }
}

/// The caller's headers the pipeline reads, found in one pass over them (which also measures
/// them against APIG's header size limits). Where a header comes twice, the first counts.
#[derive(Default)]
struct Seen {
    host: Option<HeaderValue>,
    stage: Option<HeaderValue>,
    content_length: Option<HeaderValue>,
    origin: Option<HeaderValue>,
    preflight_method: Option<HeaderValue>,
    forwarded_for: Option<HeaderValue>,
    mode: Option<HeaderValue>,
    debug: Option<HeaderValue>,
    /// `Connection` is present: the headers it names go no further than this hop.
    connection: bool,
    too_large: bool,
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
        peer,
        request_id: &request_id,
        timed: started.is_some(),
    };
    let served = serve(&state, &snapshot, &call, parts, seen, &mut body).await;
    let (mut response, upstream) = match served {
        Ok(served) => served,
        Err(error) => (error.into_response(&request_id), None),
    };
    // A body nobody read (an error, a mock) is read before the answer goes out: a caller
    // still sending would otherwise see the connection reset instead of the answer.
    if let Some(unread) = body.filter(|b| !b.is_end_stream()) {
        drain(unread).await;
    }
    let headers = response.headers_mut();
    stamp(headers, &request_id);
    if let Some(started) = started {
        let ms = |d: std::time::Duration| HeaderValue::from(d.as_millis() as u64);
        headers.insert(X_APIG_LATENCY, ms(started.elapsed()));
        if let Some(upstream) = upstream {
            headers.insert(X_APIG_UPSTREAM_LATENCY, ms(upstream));
        }
    }
    response
}

/// One call: who made it, its request id, and whether its latency is measured.
struct Call<'a> {
    peer: &'a Peer,
    request_id: &'a RequestId,
    timed: bool,
}

/// The request's parameters by location, as the caller sent them.
struct Incoming {
    path: Captured,
    query: Vec<(String, String)>,
    headers: HeaderMap,
}

impl Incoming {
    fn get(&self, location: Location, name: &str) -> Option<String> {
        match location {
            Location::Path => self
                .path
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone()),
            Location::Query => self
                .query
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone()),
            Location::Header => self
                .headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned),
        }
    }
}

fn query_pairs(query: Option<&str>) -> Vec<(String, String)> {
    let Some(query) = query.filter(|q| !q.is_empty()) else {
        return Vec::new();
    };
    let decode = |s: &str| {
        percent_decode_str(&s.replace('+', " "))
            .decode_utf8_lossy()
            .into_owned()
    };
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| match pair.split_once('=') {
            Some((k, v)) => (decode(k), decode(v)),
            None => (decode(pair), String::new()),
        })
        .collect()
}

/// The CORS answer to a preflight for an API with CORS on.
fn preflight(request: &Parts) -> Response {
    let mut response = StatusCode::NO_CONTENT.into_response();
    let headers = response.headers_mut();
    let origin = request
        .headers
        .get(header::ORIGIN)
        .cloned()
        .unwrap_or(HeaderValue::from_static("*"));
    headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    if let Some(method) = request.headers.get(header::ACCESS_CONTROL_REQUEST_METHOD) {
        headers.insert(header::ACCESS_CONTROL_ALLOW_METHODS, method.clone());
    }
    if let Some(asked) = request.headers.get(header::ACCESS_CONTROL_REQUEST_HEADERS) {
        headers.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, asked.clone());
    }
    headers.insert(
        header::ACCESS_CONTROL_MAX_AGE,
        HeaderValue::from_static("172800"),
    );
    response
}

/// Longest URI, longest header, and all headers together (APIG: 32 KB, 32 KB, 128 KB).
const MAX_URI: usize = 32 * 1024;
const MAX_HEADER: usize = 32 * 1024;
const MAX_HEADERS: usize = 128 * 1024;

async fn serve(
    state: &GatewayState,
    snapshot: &super::snapshot::Snapshot,
    call: &Call<'_>,
    mut parts: Parts,
    seen: Seen,
    body: &mut Option<Body>,
) -> Result<(Response, Option<std::time::Duration>), GatewayError> {
    // APIG's URI and header size limits (414, 494).
    if parts.uri.path_and_query().map_or(0, |p| p.as_str().len()) > MAX_URI {
        return Err(GatewayError::UriTooLarge);
    }
    if seen.too_large {
        return Err(GatewayError::HeadersTooLarge);
    }
    if seen.connection {
        super::h1::drop_connection_named(&mut parts.headers);
    }
    let host = seen
        .host
        .or_else(|| parts.uri.host().and_then(|h| HeaderValue::from_str(h).ok()))
        .unwrap_or(HeaderValue::from_static(""));
    let host_text = std::str::from_utf8(host.as_bytes()).unwrap_or_default();
    let group = snapshot
        .group(without_port(host_text), state.local_port)
        .ok_or(GatewayError::ApiNotFound)?;
    let stage = seen
        .stage
        .as_ref()
        .and_then(|v| v.to_str().ok())
        .unwrap_or("RELEASE");
    let routes = group.env(stage).ok_or(GatewayError::ApiNotFound)?;
    let normalized = super::path::normalize(parts.uri.path())?;
    let path: &str = &normalized;
    let preflight_for = (parts.method == Method::OPTIONS)
        .then_some(seen.preflight_method.as_ref())
        .flatten()
        .and_then(|m| m.to_str().ok())
        .map(str::to_ascii_uppercase);
    if let Some(method) = preflight_for {
        if let Some((api, _)) = routes.find(&method, path) {
            if api.cors {
                return Ok((preflight(&parts), None));
            }
        }
    }
    let (api, captured) = routes
        .find(parts.method.as_str(), path)
        .ok_or(GatewayError::ApiNotFound)?;
    if !api.protocol.admits(state.tls) {
        return Err(GatewayError::WrongProtocol(api.protocol.as_str()));
    }
    let declared = seen
        .content_length
        .as_ref()
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|length| length > group.body_limit) {
        return Err(GatewayError::BodyTooLarge);
    }
    // A body without a declared length is counted as it streams.
    let over =
        (declared.is_none() && body.as_ref().is_some_and(|b| !b.is_end_stream())).then(|| {
            let over = Arc::new(AtomicBool::new(false));
            *body = body
                .take()
                .map(|b| Body::new(Capped::new(b, group.body_limit, over.clone())));
            over
        });
    let incoming = Incoming {
        path: super::path::decode(captured)?,
        query: query_pairs(parts.uri.query()),
        headers: parts.headers,
    };
    for param in &api.checks {
        let value = incoming.get(param.location, &param.name);
        super::params::check(param, value.as_deref())?;
    }
    let traced = seen
        .debug
        .as_ref()
        .is_some_and(|v| v.as_bytes() == state.debug_key.as_bytes());
    let (mut response, upstream) = match &api.backend {
        Backend::Mock {
            status,
            body,
            headers,
        } => {
            let mut response = (
                StatusCode::from_u16(*status).unwrap_or(StatusCode::OK),
                body.clone(),
            )
                .into_response();
            for (key, value) in headers {
                if let (Ok(name), Ok(value)) = (
                    HeaderName::from_bytes(key.as_bytes()),
                    HeaderValue::from_str(value),
                ) {
                    response.headers_mut().insert(name, value);
                }
            }
            if traced {
                response.headers_mut().insert(
                    BACKEND_REQUEST,
                    HeaderValue::from_static("MOCK (answered by the gateway)"),
                );
            }
            (response, None)
        }
        Backend::Broken(reason) => return Err(GatewayError::BackendConfig(reason.clone())),
        Backend::Http { .. } => {
            let sent = call.timed.then(Instant::now);
            let caller = Caller {
                call,
                host,
                method: parts.method,
                forwarded_for: seen.forwarded_for,
                carries_debug: seen.debug.is_some(),
                traced,
            };
            let proxied = proxy(
                state,
                &api,
                incoming,
                &caller,
                body.take().unwrap_or_default(),
            )
            .await;
            if over.is_some_and(|over| over.load(Ordering::Relaxed)) {
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

/// `host[:port]` without its port (`[::1]:8080` → `[::1]`), read from the end.
fn without_port(host: &str) -> &str {
    let digits = host.bytes().rev().take_while(u8::is_ascii_digit).count();
    match host.len().checked_sub(digits + 1) {
        Some(colon) if host.as_bytes()[colon] == b':' => &host[..colon],
        _ => host,
    }
}

/// A system parameter's value for this request.
fn system_value(
    param: SystemParam,
    api: &LiveApi,
    caller: &Caller<'_>,
    state: &GatewayState,
) -> String {
    match param {
        SystemParam::SourceIp => caller.call.peer.ip.to_str().unwrap_or_default().to_owned(),
        SystemParam::Stage => api.env_name.clone(),
        SystemParam::ApiId => api.api_id.clone(),
        SystemParam::ApiName => api.name.clone(),
        SystemParam::AppId | SystemParam::AppName => String::new(),
        SystemParam::RequestId => caller.call.request_id.to_string(),
        SystemParam::ServerAddr => format!("0.0.0.0:{}", state.local_port),
        SystemParam::ServerName => "portico".to_owned(),
        SystemParam::HandleTime => time::OffsetDateTime::now_utc().unix_timestamp().to_string(),
    }
}

/// Who called, as the backend request needs it.
struct Caller<'a> {
    call: &'a Call<'a>,
    /// The `Host` the caller sent.
    host: HeaderValue,
    method: Method,
    /// The `X-Forwarded-For` the caller sent, if any.
    forwarded_for: Option<HeaderValue>,
    /// Whether the caller sent the debug header (which never reaches a backend).
    carries_debug: bool,
    /// Whether the request line sent to the backend is reported back (debug calls).
    traced: bool,
}

/// What one backend mapping does: a parameter that moved leaves its old place, and the
/// backend parameter gets its value.
struct MappingStep<'a> {
    leaves: Option<(Location, &'a str)>,
    value: Option<String>,
}

/// Sends the call to its HTTP backend; the response, and for a traced call the request
/// line as sent (`METHOD scheme://authority/path?query`).
async fn proxy(
    state: &GatewayState,
    api: &LiveApi,
    incoming: Incoming,
    caller: &Caller<'_>,
    body: Body,
) -> Result<(Response, Option<String>), GatewayError> {
    let Backend::Http {
        address,
        method,
        path,
        timeout,
        retries,
    } = &api.backend
    else {
        return Err(GatewayError::BackendConfig(
            "not an HTTP backend".to_owned(),
        ));
    };
    // Every value is read from the request as the caller sent it, before anything moves.
    let steps: Vec<MappingStep> = api
        .mappings
        .iter()
        .map(|mapping| match &mapping.source {
            Source::Request {
                location,
                name,
                default,
            } => {
                let value = incoming.get(*location, name).or_else(|| default.clone());
                let moved = *location != mapping.location || *name != mapping.name;
                let leaves = (moved && *location != Location::Path).then_some((*location, &**name));
                MappingStep { leaves, value }
            }
            Source::Constant(value) => MappingStep {
                leaves: None,
                value: Some(value.clone()),
            },
            Source::System(param) => MappingStep {
                leaves: None,
                value: Some(system_value(*param, api, caller, state)),
            },
        })
        .collect();
    let Incoming {
        path: mut path_values,
        mut query,
        mut headers,
    } = incoming;
    // Parameters that do not pass through are dropped.
    for param in api.checks.iter().filter(|p| !p.pass_through) {
        match param.location {
            Location::Query => query.retain(|(k, _)| k != &param.name),
            Location::Header => {
                headers.remove(param.name.as_str());
            }
            Location::Path => {}
        }
    }
    for (mapping, step) in api.mappings.iter().zip(steps) {
        match step.leaves {
            Some((Location::Query, name)) => query.retain(|(k, _)| k != name),
            Some((_, name)) => {
                headers.remove(name);
            }
            None => {}
        }
        let Some(value) = step.value else { continue };
        match mapping.location {
            Location::Path => {
                path_values.retain(|(k, _)| k != &mapping.name);
                path_values.push((mapping.name.clone(), value));
            }
            Location::Query => {
                query.retain(|(k, _)| k != &mapping.name);
                query.push((mapping.name.clone(), value));
            }
            Location::Header => {
                if let (Ok(name), Ok(value)) = (
                    HeaderName::from_bytes(mapping.name.as_bytes()),
                    HeaderValue::from_str(&value),
                ) {
                    headers.insert(name, value);
                }
            }
        }
    }
    // The request target: the path template filled, then the query. Every value is
    // percent-encoded and the template was checked when the snapshot was built, so the
    // target is valid as it stands.
    let mut target = String::with_capacity(64);
    path.fill(&path_values, &mut target);
    for (n, (k, v)) in query.iter().enumerate() {
        target.push(if n == 0 { '?' } else { '&' });
        target.extend(encode(k));
        target.push('=');
        target.extend(encode(v));
    }
    if caller.carries_debug {
        headers.remove(DEBUG);
    }
    // The backend learns who called and how; hop-by-hop headers, `Host` and any
    // `X-Forwarded-*` the caller sent are replaced as the request goes out.
    let peer_ip = &caller.call.peer.ip;
    let earlier = caller.forwarded_for.as_ref().and_then(|v| v.to_str().ok());
    let forwarded = Forwarded {
        r#for: earlier
            .and_then(|earlier| {
                let ip = peer_ip.to_str().unwrap_or_default();
                HeaderValue::from_str(&format!("{earlier}, {ip}")).ok()
            })
            .unwrap_or_else(|| peer_ip.clone()),
        host: caller.host.clone(),
        proto: HeaderValue::from_static(if state.tls { "https" } else { "http" }),
    };
    let method = method.as_ref().unwrap_or(&caller.method);
    // Bodiless methods can be sent again after a connection failure; others cannot.
    let replayable = matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS);
    let mut body = Some(body);
    // Headers go with the last attempt; only a replayable request keeps a copy to retry.
    let mut kept = Some(headers);
    let mut attempts = 0;
    loop {
        let last = !replayable || attempts >= *retries;
        let headers = if last {
            kept.take().unwrap_or_default()
        } else {
            kept.clone().unwrap_or_default()
        };
        let body = if replayable {
            Body::empty()
        } else {
            body.take().unwrap_or_else(Body::empty)
        };
        let sending = state.upstream.send(upstream::Call {
            address,
            method,
            target: &target,
            headers,
            forwarded: &forwarded,
            body,
            timeout: *timeout,
        });
        match sending.await {
            Ok(response) => {
                let sent = caller.traced.then(|| {
                    let (scheme, authority) = (address.scheme(), &address.authority);
                    format!("{method} {scheme}://{authority}{target}")
                });
                return Ok((response, sent));
            }
            Err(upstream::Failure::TimedOut) => return Err(GatewayError::BackendTimeout),
            Err(upstream::Failure::Unsent(_)) if replayable && attempts < *retries => {
                attempts += 1;
            }
            Err(upstream::Failure::Unsent(error) | upstream::Failure::Sent(error)) => {
                tracing::debug!(%error, "backend call failed");
                return Err(GatewayError::BackendUnavailable);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::without_port;

    #[test]
    fn ports_are_taken_off_hosts_from_the_end() {
        assert_eq!(without_port("shop.example.com:8080"), "shop.example.com");
        assert_eq!(without_port("shop.example.com"), "shop.example.com");
        assert_eq!(without_port("[::1]:8080"), "[::1]");
        assert_eq!(without_port("[::1]"), "[::1]");
        assert_eq!(without_port("host1"), "host1");
        assert_eq!(without_port("example.com:"), "example.com");
        assert_eq!(without_port(""), "");
    }
}
