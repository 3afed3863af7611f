//! Projects of the account, and the console frame's view of them.
use sqlx::PgPool;

use crate::services::caller::Cx;

use super::Named;

use crate::error::Kind;
use crate::error::{invalid_if, AppError};
use crate::model::permission::actions::iam as act;
use crate::model::{ProjectRef, ShellInfo};
use crate::services::iam::session::SessionUser;

/// The account's projects, by name.
pub async fn list(pool: &PgPool, account_id: &str) -> Result<Vec<ProjectRef>, AppError> {
    Ok(sqlx::query_as!(
        ProjectRef,
        "SELECT id, name, description FROM projects WHERE account_id = $1 ORDER BY name",
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
    let held =
        crate::services::iam::authz::held(pool, &user.user_id, Some(&current_project.id)).await?;
    let allowed_actions = crate::model::permission::actions::ALL
        .iter()
        .filter(|action| {
            held.decide(**action, crate::model::permission::evaluate::Scope::Project)
                .is_allowed()
        })
        .map(|action| action.name().to_owned())
        .collect();
    let gateways = sqlx::query_as!(
        crate::model::GatewayRef,
        "SELECT id, name FROM gateways WHERE project_id = $1 ORDER BY created_at, id",
        current_project.id
    )
    .fetch_all(pool)
    .await?;
    Ok(ShellInfo {
        account,
        user_name: user.user_name.clone(),
        current_project,
        projects,
        allowed_actions,
        gateways,
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
        "SELECT id, name, description FROM projects WHERE account_id = $1 AND id = $2",
        account_id,
        project_id
    )
    .fetch_optional(pool)
    .await?
    .ok_or_else(|| AppError::not_found(Kind::Project, format!("Project {project_id}")))
}

/// The account's name.
pub async fn account_name(pool: &PgPool, account_id: &str) -> Result<String, AppError> {
    sqlx::query_scalar!("SELECT name FROM accounts WHERE id = $1", account_id)
        .fetch_optional(pool)
        .await?
        .ok_or(AppError::Unauthenticated)
}

/// Project names: 1–64 letters, digits, `-` and `_`.
fn validate_project(name: &str, description: &str) -> Result<(), AppError> {
    let valid = (1..=64).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    invalid_if(
        !valid,
        "name",
        "A project name has 1 to 64 letters, digits, hyphens and underscores.",
    )?;
    crate::model::iam::validate_description("description", description)
}

const PROJECTS: Named = Named {
    table: "projects",
    kind: Kind::Project,
    what: "project",
};

/// Creates a project in the caller's account.
pub async fn create(cx: Cx<'_>, name: &str, description: &str) -> Result<ProjectRef, AppError> {
    validate_project(name, description)?;
    let id = PROJECTS
        .create(cx, act::projects::create, name, description)
        .await?;
    find(cx.pool, &cx.caller.account_id, &id).await
}

/// Renames a project or changes its description (`default` keeps its name).
pub async fn update(
    cx: Cx<'_>,
    project_id: &str,
    name: Option<&str>,
    description: Option<&str>,
) -> Result<ProjectRef, AppError> {
    let current = find(cx.pool, &cx.caller.account_id, project_id).await?;
    let name = name.unwrap_or(&current.name);
    invalid_if(
        current.name == "default" && name != "default",
        "name",
        "The default project keeps its name.",
    )?;
    validate_project(name, description.unwrap_or(""))?;
    PROJECTS
        .update(cx, act::projects::update, project_id, name, description)
        .await?;
    find(cx.pool, &cx.caller.account_id, project_id).await
}
