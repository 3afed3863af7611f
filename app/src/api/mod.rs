//! Server functions: thin. Each resolves the session, calls one service, returns its result.
//! (From issue 3 on each also checks one IAM action before it reads or changes anything.)
use leptos::prelude::*;

use crate::domain::ShellInfo;
use crate::error::AppError;

#[cfg(feature = "ssr")]
mod ctx {
    use sqlx::PgPool;
    use tower_sessions::Session;

    use crate::error::AppError;

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
}

/// Signs in with a user name and password, then goes to `next` (a console path) or home.
#[server(endpoint = "sign_in")]
pub async fn sign_in(
    user_name: String,
    password: String,
    next: Option<String>,
) -> Result<(), AppError> {
    use crate::services::{auth, session};
    ctx::respond(
        async {
            let user = auth::sign_in(&ctx::pool()?, &user_name, &password).await?;
            session::start(&ctx::session().await?, &user).await?;
            leptos_axum::redirect(&crate::domain::signin::safe_next(next.as_deref()));
            Ok(())
        }
        .await,
    )
}

/// Ends the session and goes to the sign-in page.
#[server(endpoint = "sign_out")]
pub async fn sign_out() -> Result<(), AppError> {
    ctx::respond(
        async {
            crate::services::session::end(&ctx::session().await?).await?;
            leptos_axum::redirect("/signin");
            Ok(())
        }
        .await,
    )
}

/// The account, user and projects the console frame shows.
#[server(endpoint = "load_shell")]
pub async fn load_shell() -> Result<ShellInfo, AppError> {
    use crate::services::{projects, session};
    ctx::respond(
        async {
            let user = session::require(&ctx::session().await?).await?;
            projects::shell_info(&ctx::pool()?, &user).await
        }
        .await,
    )
}

/// Makes another project of the account the current one.
#[server(endpoint = "switch_project")]
pub async fn switch_project(project_id: String) -> Result<(), AppError> {
    use crate::services::{projects, session};
    ctx::respond(
        async {
            let session_handle = ctx::session().await?;
            let mut user = session::require(&session_handle).await?;
            let project = projects::find(&ctx::pool()?, &user.account_id, &project_id).await?;
            user.project_id = project.id;
            session::update(&session_handle, &user).await
        }
        .await,
    )
}
