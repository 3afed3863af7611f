//! `POST /v3/auth/tokens` — a password, or a live token, for a token scoped to a project
//! (`X-Subject-Token`) — and `GET /v3/auth/tokens`, which describes a live token.
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use app::error::AppError;
use app::model::permission::actions::iam as act;
use app::model::ProjectRef;
use app::services::caller::{Caller, Channel};
use app::services::iam::tokens::TokenInfo;
use app::services::{iam::projects, iam::signin, iam::tokens};

use crate::mgmt::{ApiError, Body, Done, InAccount, MgmtState};

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
    token: Option<TokenIdentity>,
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
struct TokenIdentity {
    id: Option<String>,
}

#[derive(Deserialize)]
struct Named {
    name: Option<String>,
}

#[derive(Deserialize)]
struct Scope {
    project: Option<ScopeProject>,
    /// The account: a domain-scoped token (it acts in the user's default project where a
    /// call needs one).
    domain: Option<ScopeProject>,
}

#[derive(Deserialize)]
struct ScopeProject {
    id: Option<String>,
    name: Option<String>,
}

/// Who a new token is for, and the token it replaces (for the `token` method).
struct Subject {
    user_id: String,
    default_project: String,
    method: &'static str,
    replaces: Option<TokenInfo>,
}

pub async fn create(
    State(state): State<MgmtState>,
    headers: HeaderMap,
    Body(request): Body<TokenRequest>,
) -> Result<Response, ApiError> {
    let identity = request.auth.identity;
    let has = |method: &str| identity.methods.iter().any(|m| m == method);
    let subject = if has("password") {
        let password = identity.password.ok_or_else(|| {
            ApiError::bad_body("auth.identity.password is required by the password method")
        })?;
        let user = signin::sign_in(
            &state.pool,
            &password.user.name,
            &password.user.password,
            Channel::Api,
        )
        .await?;
        let account = projects::account_name(&state.pool, &user.account_id).await?;
        if password
            .user
            .domain
            .and_then(|d| d.name)
            .is_some_and(|d| d != account)
        {
            return Err(ApiError::from(AppError::InvalidCredentials));
        }
        Subject {
            user_id: user.user_id,
            default_project: user.project_id,
            method: "password",
            replaces: None,
        }
    } else if has("token") {
        let presented = identity
            .token
            .and_then(|t| t.id)
            .or_else(|| header(&headers, "x-auth-token"))
            .ok_or_else(|| ApiError::bad_body("the token method needs auth.identity.token.id"))?;
        let live = crate::mgmt::authn::live_token(&state, &presented).await?;
        Subject {
            user_id: live.user_id.clone(),
            default_project: live.project_id.clone(),
            method: "token",
            replaces: Some(live),
        }
    } else {
        return Err(ApiError::bad_body(
            "auth.identity.methods must include \"password\" or \"token\"",
        ));
    };
    let caller = tokens::caller_for(&state.pool, &subject.user_id, None, Channel::Api, "").await?;
    let account = projects::account_name(&state.pool, &caller.account_id).await?;
    let scope = request.auth.scope.unwrap_or(Scope {
        project: None,
        domain: None,
    });
    let domain_scoped = match (&scope.project, scope.domain) {
        (None, Some(domain)) => {
            let ours = domain.id.as_ref() == Some(&caller.account_id)
                || domain.name.as_ref() == Some(&account);
            if !ours {
                return Err(ApiError::bad_body(
                    "the domain in auth.scope.domain is not this account",
                ));
            }
            true
        }
        _ => false,
    };
    let all = projects::list(&state.pool, &caller.account_id).await?;
    let project = match scope.project {
        Some(scope) => all
            .into_iter()
            .find(|p| Some(&p.id) == scope.id.as_ref() || Some(&p.name) == scope.name.as_ref())
            .ok_or_else(|| {
                ApiError::bad_body("the project in auth.scope.project does not exist")
            })?,
        None => all
            .into_iter()
            .find(|p| p.id == subject.default_project)
            .ok_or_else(|| ApiError::from(AppError::Unauthenticated))?,
    };
    let until = subject.replaces.as_ref().map(|t| t.expires_at);
    let (token, info) = tokens::issue(&state.pool, &subject.user_id, &project.id, until).await?;
    let mut body = token_body(&state, &caller, &project, &info, subject.method).await?;
    if domain_scoped {
        let token = &mut body["token"];
        token["domain"] = token["project"]["domain"].take();
        if let Some(fields) = token.as_object_mut() {
            fields.remove("project");
        }
    }
    let mut headers = HeaderMap::new();
    headers.insert(
        "x-subject-token",
        HeaderValue::from_str(&token).expect("a token is hex"),
    );
    Ok((StatusCode::CREATED, headers, Json(body)).into_response())
}

fn header(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

fn rfc3339(at: OffsetDateTime) -> String {
    at.format(&Rfc3339).unwrap_or_default()
}

/// A token as Keystone describes it.
async fn token_body(
    state: &MgmtState,
    caller: &Caller,
    project: &ProjectRef,
    info: &TokenInfo,
    method: &str,
) -> Result<Value, ApiError> {
    let account = projects::account_name(&state.pool, &caller.account_id).await?;
    let domain = json!({ "id": caller.account_id, "name": account });
    Ok(json!({ "token": {
        "methods": [method],
        "expires_at": rfc3339(info.expires_at),
        "issued_at": rfc3339(info.issued_at),
        "user": { "id": caller.user_id, "name": caller.user_name, "domain": domain,
                  "password_expires_at": "" },
        "project": { "id": project.id, "name": project.name, "domain": domain },
        "roles": [],
        "catalog": [],
    }}))
}

/// Describes the token in `X-Subject-Token` (the caller's own when absent): a user may
/// look at their own tokens; another user's needs `iam:users:get`.
/// `DELETE /v3/auth/tokens`: revokes the caller's own token named by `X-Subject-Token`
/// (Keystone's revocation); it fails at once wherever it is presented.
pub async fn revoke(account: InAccount, headers: HeaderMap) -> Done {
    let caller = account.as_self();
    let subject = header(&headers, "x-subject-token").ok_or_else(|| {
        ApiError::invalid_parameter("X-Subject-Token", "name the token to revoke")
    })?;
    if tokens::revoke(&caller.pool, &caller.user_id, &subject).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::from(AppError::not_found(
            app::error::Kind::User,
            "The token (it may have expired, or belong to another user)",
        )))
    }
}

pub async fn validate(
    State(state): State<MgmtState>,
    account: InAccount,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let subject = header(&headers, "x-subject-token")
        .or_else(|| header(&headers, "x-auth-token"))
        .ok_or_else(|| ApiError::invalid_parameter("X-Subject-Token", "name the token to check"))?;
    let missing = || {
        ApiError::from(AppError::not_found(
            app::error::Kind::User,
            "The token (it may have expired)",
        ))
    };
    let info = tokens::resolve(&state.pool, &subject)
        .await?
        .ok_or_else(missing)?;
    if info.user_id != account.user_id() {
        account.allow_on(act::users::get, &info.user_id).await?;
    }
    let owner = tokens::caller_for(
        &state.pool,
        &info.user_id,
        Some(&info.project_id),
        Channel::Api,
        "",
    )
    .await?;
    let project = projects::find(&state.pool, &owner.account_id, &info.project_id).await?;
    let body = token_body(&state, &owner, &project, &info, "token").await?;
    let mut response = Json(body).into_response();
    response.headers_mut().insert(
        "x-subject-token",
        HeaderValue::from_str(&subject).map_err(|_| missing())?,
    );
    Ok(response)
}
