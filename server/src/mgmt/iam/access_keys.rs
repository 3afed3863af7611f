//! Permanent access keys (`OS-CREDENTIAL`). Users manage their own keys without any policy;
//! keys of other users need the `iam:credentials:*` actions.
use std::net::SocketAddr;

use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use app::model::iam::AccessKey;
use app::model::permission::{actions::iam as act, Action};
use app::services::iam::access_keys;

use super::json::iam_time;
use crate::mgmt::Body;
use crate::mgmt::{Allowed, ApiError, Created, Done, InAccount, MgmtState, Path, Query, Reply};

fn credential(key: &AccessKey) -> Value {
    json!({
        "user_id": key.user_id,
        "access": key.access_key,
        "status": key.status,
        "create_time": iam_time(&key.created_at),
        "description": key.description,
    })
}

/// A key as `show` answers it: with when it was last used (never: absent).
fn credential_shown(key: &AccessKey) -> Value {
    let mut body = credential(key);
    if let Some(used) = &key.last_used_at {
        body["last_use_time"] = json!(iam_time(used));
    }
    body
}

#[derive(Deserialize)]
pub struct CreateRequest {
    credential: CreateOption,
}

#[derive(Deserialize)]
struct CreateOption {
    user_id: String,
    description: Option<String>,
}

pub async fn create(
    State(state): State<MgmtState>,
    account: InAccount,
    Body(request): Body<CreateRequest>,
) -> Created {
    let option = request.credential;
    let action = act::credentials::createCredential;
    // A token or temporary key (short-lived, and stolen more easily than a password) mints
    // no permanent key for its own user without the permission administrators hold.
    let caller = if account.is_short_lived() && option.user_id == account.user_id() {
        account.allow_owned_by(action, &option.user_id).await?
    } else {
        account.allow_unless_own(action, &option.user_id).await?
    };
    let created = access_keys::create(
        &state.pool,
        &state.master_key,
        &caller,
        &option.user_id,
        option.description.as_deref().unwrap_or(""),
    )
    .await?;
    let mut body = credential(&created.key);
    body["secret"] = Value::String(created.secret);
    Ok((StatusCode::CREATED, Json(json!({ "credential": body }))))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    user_id: Option<String>,
}

pub async fn list(account: InAccount, Query(query): Query<ListQuery>) -> Reply {
    let owner = query
        .user_id
        .unwrap_or_else(|| account.user_id().to_owned());
    let action = act::credentials::listCredentials;
    let caller = account.allow_unless_own(action, &owner).await?;
    let keys = access_keys::list(caller.cx(), &owner).await?;
    Ok(Json(
        json!({ "credentials": keys.iter().map(credential).collect::<Vec<_>>() }),
    ))
}

/// The key and the caller, allowed `action` on it (own keys need no permission).
async fn owned(
    state: &MgmtState,
    account: InAccount,
    access_key: &str,
    action: Action,
) -> Result<(Allowed, AccessKey), ApiError> {
    let key = access_keys::get(&state.pool, account.account_id(), access_key).await?;
    let caller = account.allow_unless_own(action, &key.user_id).await?;
    Ok((caller, key))
}

pub async fn show(
    State(state): State<MgmtState>,
    account: InAccount,
    Path(access_key): Path<String>,
) -> Reply {
    let action = act::credentials::getCredential;
    let (_, key) = owned(&state, account, &access_key, action).await?;
    Ok(Json(json!({ "credential": credential_shown(&key) })))
}

#[derive(Deserialize)]
pub struct UpdateRequest {
    credential: UpdateOption,
}

#[derive(Deserialize)]
struct UpdateOption {
    status: Option<String>,
    description: Option<String>,
}

pub async fn update(
    State(state): State<MgmtState>,
    account: InAccount,
    Path(access_key): Path<String>,
    Body(request): Body<UpdateRequest>,
) -> Reply {
    let action = act::credentials::updateCredential;
    let (caller, _) = owned(&state, account, &access_key, action).await?;
    let option = request.credential;
    let key = access_keys::update(
        caller.cx(),
        &access_key,
        option.status.as_deref(),
        option.description.as_deref(),
    )
    .await?;
    Ok(Json(json!({ "credential": credential(&key) })))
}

pub async fn delete(
    State(state): State<MgmtState>,
    account: InAccount,
    Path(access_key): Path<String>,
) -> Done {
    let action = act::credentials::deleteCredential;
    let (caller, _) = owned(&state, account, &access_key, action).await?;
    access_keys::delete(caller.cx(), &access_key).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
pub struct SecurityTokenRequest {
    auth: SecurityTokenAuth,
}

#[derive(Deserialize)]
struct SecurityTokenAuth {
    identity: SecurityTokenIdentity,
}

#[derive(Deserialize)]
struct SecurityTokenIdentity {
    methods: Vec<String>,
    token: Option<IdentityToken>,
}

#[derive(Deserialize)]
struct IdentityToken {
    id: Option<String>,
    duration_seconds: Option<i64>,
}

/// `POST /v3.0/OS-CREDENTIAL/securitytokens`: a temporary AK/SK and security token for the
/// user of a token. The token comes from `X-Auth-Token` or `auth.identity.token.id`; like the
/// token request, this one authenticates by what it carries, and a signature on it (the
/// IAM SDK signs every request) is ignored.
pub async fn create_temporary(
    State(state): State<MgmtState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Body(request): Body<SecurityTokenRequest>,
) -> Created {
    let identity = request.auth.identity;
    if !identity.methods.iter().any(|m| m == "token") {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "APIG.2012",
            "Only the token method is supported here: auth.identity.methods must be [\"token\"].",
        ));
    }
    let duration = identity.token.as_ref().and_then(|t| t.duration_seconds);
    let token = headers
        .get("x-auth-token")
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
        .or_else(|| identity.token.and_then(|t| t.id))
        .ok_or_else(|| {
            ApiError::unauthenticated(
                "A token is required: send X-Auth-Token or auth.identity.token.id.",
            )
        })?;
    let caller = crate::mgmt::authn::token_caller(&state, &token, &peer.ip().to_string()).await?;
    let issued =
        access_keys::create_temporary(&state.pool, &state.master_key, &caller, duration).await?;
    let expires_at = issued
        .expires_at
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default();
    Ok((
        StatusCode::CREATED,
        Json(json!({ "credential": {
            "access": issued.access_key,
            "secret": issued.secret,
            "securitytoken": issued.security_token,
            "expires_at": expires_at,
        }})),
    ))
}
