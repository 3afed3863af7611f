//! Phase 3, policies: what the gateway lets a call carry. Today the gateway's request body
//! limit (`request_body_size`): a declared length over it is refused at once (413), a body
//! without one is counted as it streams. Request throttling, access control and credential
//! quotas land here (`policies/…`), refusing with `THROTTLED` and `ACCESS_DENIED`, their
//! counters kept outside the snapshot.
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use axum::body::Body;
use http_body::Body as _;

use super::capped::Capped;
use super::pipeline::Seen;
use super::snapshot::GroupRoutes;
use super::GatewayError;

/// A streamed body's count against the limit, read once the backend has answered.
pub(super) struct BodyCount(Option<Arc<AtomicBool>>);

impl BodyCount {
    /// Whether the body streamed past the limit.
    pub fn exceeded(&self) -> bool {
        self.0
            .as_ref()
            .is_some_and(|over| over.load(Ordering::Relaxed))
    }
}

pub(super) fn body_limit(
    group: &GroupRoutes,
    seen: &Seen,
    body: &mut Option<Body>,
) -> Result<BodyCount, GatewayError> {
    let declared = seen
        .content_length
        .as_ref()
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|length| length > group.body_limit) {
        return Err(GatewayError::BodyTooLarge);
    }
    let streamed = declared.is_none() && body.as_ref().is_some_and(|b| !b.is_end_stream());
    Ok(BodyCount(streamed.then(|| {
        let over = Arc::new(AtomicBool::new(false));
        *body = body
            .take()
            .map(|b| Body::new(Capped::new(b, group.body_limit, over.clone())));
        over
    })))
}
