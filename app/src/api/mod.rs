//! Server functions: thin. Each resolves the session, calls one service, returns its result.
//! Every function that reads or changes account data checks one IAM action first
//! (`ctx::authorized*`, which hands out the caller only once the action is allowed).
use leptos::prelude::*;

use crate::error::AppError;
use crate::model::ShellInfo;

pub mod apis;
#[cfg(feature = "ssr")]
mod ctx;
#[cfg(feature = "ssr")]
pub use ctx::shell_at_render;
pub mod api_groups;
pub mod credentials;
pub mod domains;
pub mod gateways;
pub mod iam;
pub mod openapi;

/// Signs in with a user name and password, then goes to `next` (a console path) or home.
#[server(endpoint = "sign_in")]
pub async fn sign_in(
    user_name: String,
    password: String,
    next: Option<String>,
) -> Result<(), AppError> {
    use crate::services::caller::Channel;
    use crate::services::{iam::session, iam::signin};
    ctx::respond(
        async {
            let pool = ctx::pool()?;
            let outcome = signin::sign_in(&pool, &user_name, &password, Channel::Console).await;
            let ip = ctx::client_ip().await;
            signin::record_sign_in(&pool, &user_name, &ip, outcome.as_ref()).await?;
            let user = outcome?;
            session::start(&ctx::session().await?, &user).await?;
            leptos_axum::redirect(&crate::model::signin::safe_next(next.as_deref()));
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
            // A session that already ended signs out without a record.
            if let Ok(caller) = ctx::signed_in().await {
                crate::services::iam::signin::record_sign_out(crate::services::caller::Cx {
                    pool: &ctx::pool()?,
                    caller: &caller,
                })
                .await?;
            }
            crate::services::iam::session::end(&ctx::session().await?).await?;
            leptos_axum::redirect("/signin");
            Ok(())
        }
        .await,
    )
}

/// The account, user and projects the console frame shows.
#[server(endpoint = "load_shell")]
pub async fn load_shell() -> Result<ShellInfo, AppError> {
    use crate::services::{iam::projects, iam::session};
    // Rendering a page: the sign-in gate already loaded it for this request.
    if let Some(info) = ctx::shell_at_render() {
        return Ok(info);
    }
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
    use crate::services::{iam::projects, iam::session};
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

/// Which steps of the process checklist are done.
#[server(endpoint = "process_state")]
pub async fn process_state() -> Result<crate::model::process::ProcessState, AppError> {
    ctx::respond(
        async {
            let caller = ctx::signed_in().await?;
            crate::services::dashboard::state(crate::services::caller::Cx {
                pool: &ctx::pool()?,
                caller: &caller,
            })
            .await
        }
        .await,
    )
}
