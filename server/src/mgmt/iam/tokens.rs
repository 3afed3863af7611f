//! `POST /v3/auth/tokens` (password → `X-Subject-Token`) and `GET /v3/auth/tokens`.
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde::Deserialize;
use serde_json::{json, Value};

use app::services::caller::Caller;
use app::services::caller::Channel;
use app::services::{auth, projects, tokens};

use crate::mgmt::Body;
use crate::mgmt::{ApiError, MgmtState};

#[derive(Deserialize)]
pub struct TokenRequest {
    auth: AuthBody,
}

#[derive(Deserialize)]
struct AuthBody {
    identity: Identity,
    scope: Option<Scope>,
}

#[derive(Deserialize)]
struct Identity {
    methods: Vec<String>,
    password: Option<PasswordIdentity>,
}

#[derive(Deserialize)]
struct PasswordIdentity {
    user: PasswordUser,
}

#[derive(Deserialize)]
struct PasswordUser {
    name: String,
    password: String,
    domain: Option<Named>,
}

#[derive(Deserialize)]
struct Named {
    name: Option<String>,
}

#[derive(Deserialize)]
struct Scope {
    project: Option<ScopeProject>,
}

#[derive(Deserialize)]
struct ScopeProject {
    id: Option<String>,
    name: Option<String>,
}

pub async fn create(
    State(state): State<MgmtState>,
    Body(request): Body<TokenRequest>,
) -> Result<Response, ApiError> {
    let identity = request.auth.identity;
    let Some(password) = identity
        .password
        .filter(|_| identity.methods.iter().any(|m| m == "password"))
    else {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "APIG.2012",
            "Only the password method is supported: auth.identity.methods must include \"password\".",
        ));
    };
    let user = auth::sign_in(
        &state.pool,
        &password.user.name,
        &password.user.password,
        Channel::Api,
    )
    .await?;
    let account = sqlx_account_name(&state, &user.account_id).await?;
    if let Some(domain) = password.user.domain.and_then(|d| d.name) {
        if domain != account {
            return Err(ApiError::from(app::error::AppError::InvalidCredentials));
        }
    }
    let projects = projects::list(&state.pool, &user.account_id).await?;
    let wanted = request.auth.scope.and_then(|s| s.project);
    let project = match wanted {
        Some(scope) => projects
            .iter()
            .find(|p| Some(&p.id) == scope.id.as_ref() || Some(&p.name) == scope.name.as_ref())
            .ok_or_else(|| {
                ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "APIG.2012",
                    "The project in auth.scope does not exist.",
                )
            })?,
        None => projects
            .iter()
            .find(|p| p.id == user.project_id)
            .ok_or_else(|| ApiError::from(app::error::AppError::Unauthenticated))?,
    };
    let (token, expires_at) = tokens::issue(&state.pool, &user.user_id, &project.id).await?;
    let domain = json!({ "id": user.account_id, "name": account });
    let body = json!({ "token": {
        "methods": ["password"],
        "expires_at": expires_at.format(&time::format_description::well_known::Rfc3339).unwrap_or_default(),
        "issued_at": time::OffsetDateTime::now_utc().format(&time::format_description::well_known::Rfc3339).unwrap_or_default(),
        "user": { "id": user.user_id, "name": user.user_name, "domain": domain, "password_expires_at": "" },
        "project": { "id": project.id, "name": project.name, "domain": domain },
        "roles": [],
        "catalog": [],
    }});
    let mut headers = HeaderMap::new();
    if let Ok(value) = HeaderValue::from_str(&token) {
        headers.insert("x-subject-token", value);
    }
    Ok((StatusCode::CREATED, headers, Json(body)).into_response())
}

async fn sqlx_account_name(state: &MgmtState, account_id: &str) -> Result<String, ApiError> {
    Ok(projects::account_name(&state.pool, account_id).await?)
}

/// Echoes the caller's token identity (IAM's token validation).
pub async fn validate(
    State(state): State<MgmtState>,
    Extension(caller): Extension<Caller>,
) -> Result<Json<Value>, ApiError> {
    let account = sqlx_account_name(&state, &caller.account_id).await?;
    let domain = json!({ "id": caller.account_id, "name": account });
    Ok(Json(json!({ "token": {
        "methods": ["password"],
        "user": { "id": caller.user_id, "name": caller.user_name, "domain": domain },
        "project": { "id": caller.project_id, "domain": domain },
        "roles": [],
        "catalog": [],
    }})))
}
