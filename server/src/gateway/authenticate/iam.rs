//! IAM authentication: which IAM user a call is from, proved by a live token in
//! `X-Auth-Token` or by an `SDK-HMAC-SHA256` signature with one of the user's access keys (a
//! temporary key together with its `X-Security-Token`), checked against Portico's own IAM
//! as the loader last compiled it (`snapshot::Principals`). Five failed signatures in a row
//! lock a key for five minutes, counted with the management API's failures. Refusals answer
//! as APIG does: APIG.0301 with IAM's reason, APIG.0307 for an expired token.
use std::sync::Arc;
use std::time::Instant;

use axum::http::header;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use time::OffsetDateTime;

use super::Presented;
use crate::gateway::snapshot::Principal;
use crate::gateway::GatewayError;
use crate::signature::parse_authorization;

const AUTH_TOKEN: &str = "x-auth-token";
const SECURITY_TOKEN: &str = "x-security-token";

fn failure(reason: impl std::fmt::Display) -> GatewayError {
    GatewayError::IamAuthFailure(reason.to_string())
}

fn digest(value: &[u8]) -> [u8; 32] {
    Sha256::digest(value).into()
}

/// The IAM user the call proves it is.
pub(super) async fn principal(mut call: Presented<'_>) -> Result<Arc<Principal>, GatewayError> {
    let principals = call.live.principals();
    let headers = &call.parts.headers;
    if let Some(token) = headers.get(AUTH_TOKEN) {
        let token = principals
            .token(&digest(token.as_bytes()))
            .ok_or_else(|| failure("decrypt token fail"))?;
        if token.expires_at <= OffsetDateTime::now_utc() {
            return Err(GatewayError::IamTokenExpired);
        }
        return Ok(token.principal.clone());
    }
    let authorization = headers
        .get(header::AUTHORIZATION)
        .map(|v| v.to_str().unwrap_or("?").trim())
        .filter(|v| !v.is_empty())
        .ok_or(GatewayError::IamHeaderMissing)?;
    let auth = parse_authorization(authorization).map_err(failure)?;
    let access_key = auth.access_key.as_str();
    let failures = &call.live.iam_failures;
    failures
        .check(access_key, Instant::now())
        .map_err(failure)?;
    // An unknown key is refused without being counted: unknown keys take no room in the
    // failure table.
    let key = principals.key(access_key).ok_or_else(|| {
        failure(format!(
            "Get secretKey failed,ak:{access_key},err:ak not exist"
        ))
    })?;
    let refused = |error| {
        failures.record_failure(access_key, Instant::now());
        failure(error)
    };
    super::signed::check(&mut call, &auth, &key.key, refused).await?;
    if let Some((expected, ends)) = &key.temporary {
        let presented = headers
            .get(SECURITY_TOKEN)
            .map(|v| digest(v.as_bytes()))
            .unwrap_or_default();
        if !bool::from(presented.ct_eq(expected)) {
            failures.record_failure(access_key, Instant::now());
            return Err(failure("a temporary access key needs its X-Security-Token"));
        }
        if *ends <= OffsetDateTime::now_utc() {
            return Err(failure("the temporary access key has expired"));
        }
    }
    failures.record_success(access_key);
    Ok(key.principal.clone())
}
