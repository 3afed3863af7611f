//! Phase 5, backend: the call answered. A mock's answer is the gateway's own; an HTTP
//! backend gets the transformed request over a pooled connection, within the API's
//! timeout (504 `BACKEND_TIMEOUT`), sent again after a connection failure only when its
//! method has no body to lose (`retry_count`), and 502 `BACKEND_UNAVAILABLE` when it
//! cannot be reached.
use axum::body::Body;
use axum::http::{HeaderName, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};

use super::pipeline::{Context, BACKEND_REQUEST};
use super::snapshot::Address;
use super::transform::Outgoing;
use super::upstream;
use super::GatewayError;

/// A mock backend's answer.
pub(super) fn mock(
    call: &Context<'_>,
    status: u16,
    body: &str,
    headers: &[(String, String)],
) -> Response {
    let mut response = (
        StatusCode::from_u16(status).unwrap_or(StatusCode::OK),
        body.to_owned(),
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
    if call.traced {
        response.headers_mut().insert(
            BACKEND_REQUEST,
            HeaderValue::from_static("MOCK (answered by the gateway)"),
        );
    }
    response
}

/// An HTTP backend and how it is called, as the snapshot holds it.
pub(super) struct Http<'a> {
    pub address: &'a Address,
    /// `None` for `ANY`: the caller's method goes on.
    pub method: Option<&'a Method>,
    pub timeout: std::time::Duration,
    pub retries: u32,
}

/// Sends the call to its HTTP backend; the response, and for a traced call the request
/// line as sent (`METHOD scheme://authority/path?query`).
pub(super) async fn send(
    call: &Context<'_>,
    backend: Http<'_>,
    outgoing: Outgoing,
    body: Body,
) -> Result<(Response, Option<String>), GatewayError> {
    let Outgoing {
        target,
        headers,
        forwarded,
    } = outgoing;
    let method = backend.method.unwrap_or(&call.method);
    // Bodiless methods can be sent again after a connection failure; others cannot.
    let replayable = matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS);
    let mut body = Some(body);
    // Headers go with the last attempt; only a replayable request keeps a copy to retry.
    let mut kept = Some(headers);
    let mut attempts = 0;
    loop {
        let last = !replayable || attempts >= backend.retries;
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
        let sending = call.state.upstream.send(upstream::Call {
            address: backend.address,
            method,
            target: &target,
            headers,
            forwarded: &forwarded,
            body,
            timeout: backend.timeout,
        });
        match sending.await {
            Ok(response) => {
                let sent = call.traced.then(|| {
                    let address = backend.address;
                    let (scheme, authority) = (address.scheme(), &address.authority);
                    format!("{method} {scheme}://{authority}{target}")
                });
                return Ok((response, sent));
            }
            Err(upstream::Failure::TimedOut) => return Err(GatewayError::BackendTimeout),
            Err(upstream::Failure::Unsent(_)) if replayable && attempts < backend.retries => {
                attempts += 1;
            }
            Err(upstream::Failure::Unsent(error) | upstream::Failure::Sent(error)) => {
                tracing::debug!(%error, "backend call failed");
                return Err(GatewayError::BackendUnavailable);
            }
        }
    }
}
