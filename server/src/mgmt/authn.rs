//! Authentication of management calls, in this order: `X-Auth-Token` (from
//! `POST /v3/auth/tokens`), an `SDK-HMAC-SHA256` signature with a permanent access key or a
//! temporary one (whose request must carry its `X-Security-Token`), or the console session. The result is the caller, sealed in the request's extensions
//! until a handler names its action (`access`). The token
//! request itself authenticates by the password in its body, and a signature on it is
//! ignored (Huawei's IAM SDK signs every request).
use std::net::SocketAddr;
use std::time::Instant;

use axum::body::{to_bytes, Body};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use subtle::ConstantTimeEq;
use time::OffsetDateTime;
use tower_sessions::Session;

use app::services::caller::{Caller, Channel};
use app::services::iam::tokens::TokenInfo;
use app::services::{iam::access_keys, iam::session, iam::tokens};

use super::access::Authenticated;
use super::{ApiError, MgmtState};
use crate::signature::{self, RequestParts};

/// Requests that authenticate by what they carry (a password, a token in the body).
const SELF_AUTHENTICATING: [&str; 2] = ["/v3/auth/tokens", "/v3.0/OS-CREDENTIAL/securitytokens"];

/// Largest signed body (APIG's limit).
const MAX_SIGNED_BODY: usize = 12 * 1024 * 1024;

pub async fn authenticate(
    State(state): State<MgmtState>,
    request: Request,
    next: Next,
) -> Response {
    if request.method() == Method::POST && SELF_AUTHENTICATING.contains(&request.uri().path()) {
        return next.run(request).await;
    }
    match identify(&state, request).await {
        Ok((caller, mut request)) => {
            request.extensions_mut().insert(Authenticated::new(caller));
            next.run(request).await
        }
        Err(error) => error.into_response(),
    }
}

/// A live token, or the refusal every token check gives.
pub async fn live_token(state: &MgmtState, token: &str) -> Result<TokenInfo, ApiError> {
    tokens::resolve(&state.pool, token).await?.ok_or_else(|| {
        ApiError::unauthenticated(
            "The token is invalid or has expired. Get a new one with POST /v3/auth/tokens.",
        )
    })
}

/// The owner of a live token, acting in its project and bound to it.
pub async fn token_caller(state: &MgmtState, token: &str, ip: &str) -> Result<Caller, ApiError> {
    let token = live_token(state, token).await?;
    let mut caller = tokens::caller_for(
        &state.pool,
        &token.user_id,
        Some(&token.project_id),
        Channel::Api,
        ip,
    )
    .await?;
    caller.bound_to = Some(token.project_id);
    Ok(caller)
}

fn source_ip(request: &Request) -> String {
    request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip().to_string())
        .unwrap_or_default()
}

fn header_str<'r>(request: &'r Request, name: &str) -> Option<&'r str> {
    request
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty())
}

async fn identify(state: &MgmtState, request: Request) -> Result<(Caller, Request), ApiError> {
    let ip = source_ip(&request);
    if let Some(token) = header_str(&request, "x-auth-token") {
        let caller = token_caller(state, token, &ip).await?;
        return Ok((caller, request));
    }
    let signed = header_str(&request, header::AUTHORIZATION.as_str())
        .is_some_and(|value| value.trim_start().starts_with(signature::ALGORITHM));
    if signed {
        return verify_signature(state, request, ip).await;
    }
    if let Some(session) = request.extensions().get::<Session>().cloned() {
        if let Some(user) = session::live(&state.pool, &session, state.session_max_age).await? {
            let caller = tokens::caller_for(
                &state.pool,
                &user.user_id,
                Some(&user.project_id),
                Channel::Console,
                &ip,
            )
            .await?;
            return Ok((caller, request));
        }
    }
    Err(ApiError::unauthenticated(
        "Authentication is required: send X-Auth-Token, sign the request with an access key (SDK-HMAC-SHA256), or sign in to the console.",
    ))
}

async fn verify_signature(
    state: &MgmtState,
    request: Request,
    ip: String,
) -> Result<(Caller, Request), ApiError> {
    let incorrect = |error: signature::SignatureError| {
        ApiError::unauthenticated(format!("Incorrect IAM authentication information: {error}"))
    };
    let authorization = header_str(&request, header::AUTHORIZATION.as_str()).unwrap_or_default();
    let auth = signature::parse_authorization(authorization).map_err(incorrect)?;
    // Everything that can be checked before the body is read, cheapest first; a key that
    // does not exist is refused without being counted, so unknown keys take no room in the
    // failure table.
    let unknown = || {
        ApiError::unauthenticated(format!(
            "Incorrect IAM authentication information: access key {} does not exist or is disabled",
            auth.access_key
        ))
    };
    if !access_keys::well_formed(&auth.access_key) {
        return Err(unknown());
    }
    let failures = &state.signature_failures;
    failures
        .check(&auth.access_key, Instant::now())
        .map_err(incorrect)?;
    let Some(owner) = access_keys::owner(&state.pool, &state.master_key, &auth.access_key).await?
    else {
        return Err(unknown());
    };
    if let Err(error) = signature::check_date(request.headers(), OffsetDateTime::now_utc()) {
        failures.record_failure(&auth.access_key, Instant::now());
        return Err(incorrect(error));
    }
    let (parts, body) = request.into_parts();
    let body = to_bytes(body, MAX_SIGNED_BODY)
        .await
        .map_err(|_| ApiError::bad_body("a signed request body is at most 12 MB"))?;
    let request_parts = RequestParts {
        method: parts.method.as_str(),
        path: parts.uri.path(),
        query: parts.uri.query(),
        headers: &parts.headers,
        body: &body,
    };
    failures
        .guard(&auth.access_key, Instant::now(), || {
            signature::verify(
                &request_parts,
                &auth,
                &owner.secret,
                OffsetDateTime::now_utc(),
            )
        })
        .map_err(incorrect)?;
    let project = match &owner.temporary {
        Some(scope) => {
            let presented = parts
                .headers
                .get("x-security-token")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default();
            let digest = access_keys::security_token_digest(presented);
            if !bool::from(digest.as_slice().ct_eq(&scope.token_hash)) {
                failures.record_failure(&auth.access_key, Instant::now());
                return Err(ApiError::unauthenticated(
                    "Incorrect IAM authentication information: a temporary access key needs its X-Security-Token",
                ));
            }
            Some(scope.project_id.clone())
        }
        None => {
            access_keys::touch(&state.pool, &auth.access_key).await?;
            parts
                .headers
                .get("x-project-id")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        }
    };
    let mut caller = tokens::caller_for(
        &state.pool,
        &owner.user_id,
        project.as_deref(),
        Channel::Api,
        &ip,
    )
    .await?;
    if owner.temporary.is_some() {
        caller.bound_to = project;
    }
    Ok((caller, Request::from_parts(parts, Body::from(body))))
}
