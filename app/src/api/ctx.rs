//! What server functions need from the request: the pool, the master key, the session,
//! the caller, and a way to give failures their HTTP status.
use sqlx::PgPool;
use tower_sessions::Session;

use crate::error::AppError;
use crate::model::permission::{Action, Scope};
use crate::services::caller::{Caller, Cx};

/// The database pool the server provided as context.
pub fn pool() -> Result<PgPool, AppError> {
    leptos::prelude::use_context::<PgPool>()
        .ok_or_else(|| AppError::Internal("no database pool in context".to_owned()))
}

/// Gives a failed call its HTTP status (a script's call; a plain form post is
/// redirected back to its page by the server function handler instead).
pub fn respond<T>(result: Result<T, AppError>) -> Result<T, AppError> {
    use leptos::prelude::use_context;
    if let Err(error) = &result {
        let plain_form_post = use_context::<axum::http::request::Parts>()
            .and_then(|parts| parts.headers.get(axum::http::header::ACCEPT).cloned())
            .and_then(|accept| accept.to_str().ok().map(|v| v.contains("text/html")))
            .unwrap_or(false);
        let status = axum::http::StatusCode::from_u16(error.status());
        if let (false, Some(options), Ok(status)) = (
            plain_form_post,
            use_context::<leptos_axum::ResponseOptions>(),
            status,
        ) {
            options.set_status(status);
        }
    }
    result
}

/// The caller's session (the session layer wraps every console request).
pub async fn session() -> Result<Session, AppError> {
    leptos_axum::extract::<Session>()
        .await
        .map_err(|error| AppError::Internal(format!("no session: {error}")))
}

/// The frame data the sign-in gate loaded for the page request being rendered (none for a
/// server function call).
pub fn shell_at_render() -> Option<crate::model::ShellInfo> {
    leptos::prelude::use_context::<axum::http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<crate::model::ShellInfo>().cloned())
}

/// The master key the server provided as context.
pub fn master_key() -> Result<crate::services::secrets::MasterKey, AppError> {
    leptos::prelude::use_context::<crate::services::secrets::MasterKey>()
        .ok_or_else(|| AppError::Internal("no master key in context".to_owned()))
}

/// The address the console request came from (blank when unknown).
pub async fn client_ip() -> String {
    use axum::extract::ConnectInfo;
    use std::net::SocketAddr;
    leptos_axum::extract::<ConnectInfo<SocketAddr>>()
        .await
        .map(|ConnectInfo(addr)| addr.ip().to_string())
        .unwrap_or_default()
}

/// The signed-in user as a caller in their current project, from the console. Private:
/// server functions get a caller from an `authorized*` helper, which names the action, or
/// from [`signed_in`] for what needs no permission.
async fn caller() -> Result<Caller, AppError> {
    let user = crate::services::iam::session::require(&session().await?).await?;
    let ip = client_ip().await;
    crate::services::iam::tokens::caller_for(
        &pool()?,
        &user.user_id,
        Some(&user.project_id),
        crate::services::caller::Channel::Console,
        &ip,
    )
    .await
}

/// The signed-in caller, for what every user may do without a permission: their own
/// access keys and password, signing out, the dashboard's checklist.
pub async fn signed_in() -> Result<Caller, AppError> {
    caller().await
}

/// The caller, after checking that they may perform `action` in `scope` (refusals are
/// audited against the kind of thing the action acts on).
async fn authorized_at(action: Action, scope: Scope<'_>) -> Result<Caller, AppError> {
    use crate::services::iam::authz;
    let caller = caller().await?;
    authz::require_in(
        Cx {
            pool: &pool()?,
            caller: &caller,
        },
        action,
        scope,
        authz::any(action),
    )
    .await?;
    Ok(caller)
}

/// The caller, after checking that they may perform `action` inside the gateway
/// `gateway_id` (refusals are audited).
pub async fn authorized_in(action: Action, gateway_id: &str) -> Result<Caller, AppError> {
    authorized_at(action, Scope::Gateway(gateway_id)).await
}

/// The caller, after checking that they may perform `action` somewhere in the project
/// (a list, filtered afterwards to where they may; refusals are audited).
pub async fn authorized_anywhere(action: Action) -> Result<Caller, AppError> {
    authorized_at(action, Scope::Anywhere).await
}

/// The caller, after checking that they may perform `action` across the project
/// (refusals are audited).
pub async fn authorized(action: Action) -> Result<Caller, AppError> {
    authorized_at(action, Scope::Project).await
}

/// Runs `work` for the caller `authorized` returns, with the pool; a failure (the refusal
/// included) gets its HTTP status.
async fn run_for<T>(
    authorized: impl std::future::Future<Output = Result<Caller, AppError>>,
    work: impl AsyncFnOnce(Cx<'_>) -> Result<T, AppError>,
) -> Result<T, AppError> {
    respond(
        async {
            let caller = authorized.await?;
            let pool = pool()?;
            work(Cx {
                pool: &pool,
                caller: &caller,
            })
            .await
        }
        .await,
    )
}

/// Runs a server function's `work` for the caller allowed `action` across the project.
pub async fn allowed<T>(
    action: Action,
    work: impl AsyncFnOnce(Cx<'_>) -> Result<T, AppError>,
) -> Result<T, AppError> {
    run_for(authorized(action), work).await
}

/// Like [`allowed`], for an action inside the gateway `gateway_id`.
pub async fn allowed_in<T>(
    action: Action,
    gateway_id: &str,
    work: impl AsyncFnOnce(Cx<'_>) -> Result<T, AppError>,
) -> Result<T, AppError> {
    run_for(authorized_in(action, gateway_id), work).await
}

/// Like [`allowed`], for an action somewhere in the project (a list the service filters).
pub async fn allowed_anywhere<T>(
    action: Action,
    work: impl AsyncFnOnce(Cx<'_>) -> Result<T, AppError>,
) -> Result<T, AppError> {
    run_for(authorized_anywhere(action), work).await
}
