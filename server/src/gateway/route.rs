//! Phase 1, route: which API a call is for. APIG's URI and header size limits (414, 494);
//! Host → group (subdomain, bound domain, inbound port); `X-Stage` → environment
//! (`RELEASE` by default); method and normalized path → API (404 `APIG.0101` otherwise);
//! the CORS preflight of an API with CORS on is answered here; the scheme the API is
//! served over (400 `APIG.0607`).
use std::sync::Arc;

use axum::http::request::Parts;
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};

use super::pipeline::{GatewayState, Seen};
use super::snapshot::{Captured, GroupRoutes, LiveApi, Snapshot};
use super::GatewayError;

/// Longest URI, longest header, and all headers together (APIG: 32 KB, 32 KB, 128 KB).
const MAX_URI: usize = 32 * 1024;
pub(super) const MAX_HEADER: usize = 32 * 1024;
pub(super) const MAX_HEADERS: usize = 128 * 1024;

/// Where a call goes.
pub(super) enum Routed<'s> {
    /// A CORS preflight, answered by the gateway.
    Preflight(Response),
    Api(Target<'s>),
}

/// The API a call is for, and what routing learnt on the way.
pub(super) struct Target<'s> {
    pub group: &'s GroupRoutes,
    pub api: Arc<LiveApi>,
    /// The path parameters, as they stand in the path (still percent-encoded).
    pub captured: Captured,
    /// The `Host` the caller sent.
    pub host: HeaderValue,
}

pub(super) fn route<'s>(
    state: &GatewayState,
    snapshot: &'s Snapshot,
    parts: &mut Parts,
    seen: &mut Seen,
) -> Result<Routed<'s>, GatewayError> {
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
        .take()
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
                return Ok(Routed::Preflight(preflight(parts)));
            }
        }
    }
    let (api, captured) = routes
        .find(parts.method.as_str(), path)
        .ok_or(GatewayError::ApiNotFound)?;
    if !api.protocol.admits(state.tls) {
        return Err(GatewayError::WrongProtocol(api.protocol.as_str()));
    }
    Ok(Routed::Api(Target {
        group,
        api,
        captured,
        host,
    }))
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

/// `host[:port]` without its port (`[::1]:8080` → `[::1]`), read from the end.
fn without_port(host: &str) -> &str {
    let digits = host.bytes().rev().take_while(u8::is_ascii_digit).count();
    match host.len().checked_sub(digits + 1) {
        Some(colon) if host.as_bytes()[colon] == b':' => &host[..colon],
        _ => host,
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
