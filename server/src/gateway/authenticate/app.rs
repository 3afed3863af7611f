//! APP authentication: which credential a call is from, proved by an SDK-HMAC-SHA256
//! signature (`signature::verify`, the management API's verifier), by an AppCode in
//! `X-Apig-AppCode` (HTTPS only unless the gateway allows HTTP, and only for APIs that take
//! AppCodes), or — where the gateway's parameters turn them on — by the key and secret
//! themselves in `X-HW-ID`/`X-HW-AppKey` (`app_secret`) or in `Authorization: Basic`
//! (`app_basic`). Failures answer as APIG does: `AUTH_HEADER_MISSING` when nothing was
//! presented, `AUTH_FAILURE` (APIG.0303) with APIG's reason otherwise.
use std::sync::Arc;

use axum::http::header;
use base64::Engine as _;
use subtle::ConstantTimeEq;

use super::Presented;
use crate::gateway::snapshot::{Credentials, LiveCredential};
use crate::gateway::GatewayError;
use crate::signature::{parse_authorization, ALGORITHM};

const APP_CODE: &str = "x-apig-appcode";
const HW_ID: &str = "x-hw-id";
const HW_APP_KEY: &str = "x-hw-appkey";

fn failure(reason: impl std::fmt::Display) -> GatewayError {
    GatewayError::AppAuthFailure(reason.to_string())
}

/// The credential the call proves it holds.
pub(super) async fn credential(
    call: Presented<'_>,
    app_code: bool,
) -> Result<Arc<LiveCredential>, GatewayError> {
    let headers = &call.parts.headers;
    let settings = &call.group.settings;
    let credentials = &call.group.credentials;
    if let Some(code) = headers.get(APP_CODE).filter(|_| app_code) {
        if !call.tls && !settings.app_code_http {
            return Err(failure(
                "AppCode authentication is accepted only over HTTPS",
            ));
        }
        let code = code.to_str().unwrap_or_default().trim();
        return credentials
            .by_app_code(code)
            .cloned()
            .ok_or_else(|| failure("AppCode not found"));
    }
    // A value that is not text cannot be a signature: it is read as none of the forms.
    let authorization = headers
        .get(header::AUTHORIZATION)
        .map(|v| v.to_str().unwrap_or("?").trim())
        .filter(|v| !v.is_empty());
    if let Some(authorization) = authorization {
        if let Some(basic) = authorization
            .strip_prefix("Basic ")
            .filter(|_| settings.app_basic && !authorization.starts_with(ALGORITHM))
        {
            let decoded = base64::engine::general_purpose::STANDARD
                .decode(basic.trim())
                .ok()
                .and_then(|d| String::from_utf8(d).ok())
                .ok_or_else(|| failure("authorization format incorrect, Basic credentials are not base64 of key:secret"))?;
            let (key, secret) = decoded
                .split_once(':')
                .ok_or_else(|| failure("authorization format incorrect, Basic credentials are not base64 of key:secret"))?;
            return with_secret(credentials, key, secret.as_bytes());
        }
        return signed(call, authorization).await;
    }
    if settings.app_secret {
        if let (Some(key), Some(secret)) = (headers.get(HW_ID), headers.get(HW_APP_KEY)) {
            let key = key.to_str().unwrap_or_default().trim();
            return with_secret(credentials, key, secret.as_bytes());
        }
    }
    Err(GatewayError::AuthHeaderMissing)
}

/// The credential with `key`, if `secret` is its secret (compared in constant time).
fn with_secret(
    credentials: &Credentials,
    key: &str,
    secret: &[u8],
) -> Result<Arc<LiveCredential>, GatewayError> {
    let credential = credentials
        .by_key(key)
        .ok_or_else(|| failure(format!("app not found, appkey {key}")))?;
    if bool::from(credential.secret.as_ref().ct_eq(secret)) {
        Ok(credential.clone())
    } else {
        Err(failure("the app secret is incorrect"))
    }
}

/// An SDK-HMAC-SHA256 signature: the key looked up before anything is read.
async fn signed(
    mut call: Presented<'_>,
    authorization: &str,
) -> Result<Arc<LiveCredential>, GatewayError> {
    let auth = parse_authorization(authorization).map_err(failure)?;
    let credential = call
        .group
        .credentials
        .by_key(&auth.access_key)
        .ok_or_else(|| failure(format!("app not found, appkey {}", auth.access_key)))?
        .clone();
    super::signed::check(&mut call, &auth, &credential.key, failure).await?;
    Ok(credential)
}
