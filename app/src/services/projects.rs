//! Projects of the account, and the console frame's view of them.
use sqlx::PgPool;

use super::session::SessionUser;
use crate::domain::{ProjectRef, ShellInfo};
use crate::error::AppError;

/// The account's projects, by name.
pub async fn list(pool: &PgPool, account_id: &str) -> Result<Vec<ProjectRef>, AppError> {
    Ok(sqlx::query_as!(
        ProjectRef,
        "SELECT id, name FROM projects WHERE account_id = $1 ORDER BY name",
        account_id
    )
    .fetch_all(pool)
    .await?)
}

/// What the console frame shows for this user.
pub async fn shell_info(pool: &PgPool, user: &SessionUser) -> Result<ShellInfo, AppError> {
    let account = sqlx::query_scalar!("SELECT name FROM accounts WHERE id = $1", user.account_id)
        .fetch_optional(pool)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    let projects = list(pool, &user.account_id).await?;
    let current_project = projects
        .iter()
        .find(|p| p.id == user.project_id)
        .or(projects.first())
        .cloned()
        .ok_or_else(|| AppError::Internal("the account has no project".to_owned()))?;
    let documents = super::authz::documents(pool, &user.user_id, &current_project.id).await?;
    let allowed_actions = crate::domain::policy::actions::ACTIONS
        .iter()
        .filter(|action| {
            crate::domain::policy::evaluate::evaluate(documents.iter(), action).is_allowed()
        })
        .map(|action| (*action).to_owned())
        .collect();
    Ok(ShellInfo {
        account,
        user_name: user.user_name.clone(),
        current_project,
        projects,
        allowed_actions,
    })
}

/// Checks that `project_id` belongs to the user's account.
pub async fn find(
    pool: &PgPool,
    account_id: &str,
    project_id: &str,
) -> Result<ProjectRef, AppError> {
    sqlx::query_as!(
        ProjectRef,
        "SELECT id, name FROM projects WHERE account_id = $1 AND id = $2",
        account_id,
        project_id
    )
    .fetch_optional(pool)
    .await?
    .ok_or_else(|| AppError::invalid("project", "That project does not exist in this account."))
}

/// The account's name.
pub async fn account_name(pool: &PgPool, account_id: &str) -> Result<String, AppError> {
    sqlx::query_scalar!("SELECT name FROM accounts WHERE id = $1", account_id)
        .fetch_optional(pool)
        .await?
        .ok_or(AppError::Unauthenticated)
}
