//! An `SDK-HMAC-SHA256` signature checked over the call as received, for APP credentials
//! and IAM access keys alike (`signature::verify_dated`, the management API's verifier): the date
//! first, then the body — read, up to the gateway's body limit, only when the signature
//! covers it; with `X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD` it streams to the backend
//! unread — then the signature itself, compared in constant time.
use axum::body::{Body, Bytes};
use axum::http::{header, HeaderValue};
use http_body::Body as _;
use time::OffsetDateTime;

use super::Presented;
use crate::gateway::GatewayError;
use crate::signature::{
    check_date, declared_payload_hash, verify_dated, Authorization, RequestParts, SignatureError,
    SigningKey, UNSIGNED_PAYLOAD,
};

/// Whether `auth` signs the call with `key`; a refusal is answered as `refuse` says.
pub(super) async fn check(
    call: &mut Presented<'_>,
    auth: &Authorization,
    key: &SigningKey,
    refuse: impl Fn(SignatureError) -> GatewayError,
) -> Result<(), GatewayError> {
    let parts = call.parts;
    let date = check_date(&parts.headers, OffsetDateTime::now_utc()).map_err(&refuse)?;
    // Nothing to read: the payload is declared unsigned, or there is none (a GET).
    let unread = declared_payload_hash(&parts.headers, &auth.signed_headers)
        .map_err(&refuse)?
        .is_some_and(|declared| declared == UNSIGNED_PAYLOAD)
        || call.body.as_ref().is_none_or(|b| b.is_end_stream());
    let body = match unread {
        true => Bytes::new(),
        false => read(call.body, call.group.body_limit).await?,
    };
    // An HTTP/2 caller's host is its `:authority`, which the signature names as `host`.
    let with_host;
    let headers = match (
        parts.headers.contains_key(header::HOST),
        parts.uri.authority(),
    ) {
        (false, Some(authority)) => {
            let mut headers = parts.headers.clone();
            if let Ok(host) = HeaderValue::from_str(authority.as_str()) {
                headers.insert(header::HOST, host);
            }
            with_host = headers;
            &with_host
        }
        _ => &parts.headers,
    };
    let request = RequestParts {
        method: parts.method.as_str(),
        path: parts.uri.path(),
        query: parts.uri.query(),
        headers,
        body: &body,
    };
    verify_dated(&request, auth, key, date).map_err(&refuse)?;
    if !unread {
        *call.body = Some(Body::from(body));
    }
    Ok(())
}

/// The whole body, at most `limit` bytes of it.
async fn read(body: &mut Option<Body>, limit: u64) -> Result<Bytes, GatewayError> {
    let Some(unread) = body.take() else {
        return Ok(Bytes::new());
    };
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    axum::body::to_bytes(unread, limit)
        .await
        .map_err(|_| GatewayError::BodyTooLarge)
}
