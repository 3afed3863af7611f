//! IAM: who may act, and how they prove it — users, user groups and their members,
//! permission policies (IAM's "policies": the system ones and the account's custom ones)
//! and their grants, permanent and temporary access keys (AK/SK), projects, API tokens,
//! console sign-in and sessions, and authorization (`authz`: may this caller perform this
//! action here?).
pub mod access_keys;
pub mod authz;
pub mod passwords;
pub mod permissions;
pub mod principals;
pub mod projects;
pub mod session;
pub mod signin;
pub mod tokens;
pub mod user_groups;
pub mod users;

use sqlx::postgres::PgQueryResult;

use crate::error::{AppError, Kind};
use crate::model::permission::Action;
use crate::services::caller::Cx;
use crate::services::change::Change;

/// Checks a write that an account-wide name guards (`ON CONFLICT DO NOTHING` on insert,
/// `NOT EXISTS` on update): it wrote nothing when another `kind` of the account, a `what`,
/// has the name `name`.
pub(crate) fn name_was_free(
    written: PgQueryResult,
    kind: Kind,
    what: &str,
    name: &str,
) -> Result<(), AppError> {
    if written.rows_affected() == 0 {
        return Err(AppError::taken(
            kind,
            "name",
            format!("A {what} named {name} already exists."),
        ));
    }
    Ok(())
}

/// A table of things an account names once each (`id`, `account_id`, `name`,
/// `description`): its user groups and its projects.
pub(crate) struct Named {
    pub table: &'static str,
    pub kind: Kind,
    /// What refusals call one: "user group".
    pub what: &'static str,
}

impl Named {
    /// Adds `name` to the caller's account under a new id, unless the account has it.
    pub async fn create(
        &self,
        cx: Cx<'_>,
        action: Action,
        name: &str,
        description: &str,
    ) -> Result<String, AppError> {
        let id = crate::services::ids::new_id();
        let mut change = Change::begin(cx).await?;
        let statement = format!(
            "INSERT INTO {} (id, account_id, name, description) VALUES ($1, $2, $3, $4)
             ON CONFLICT (account_id, name) DO NOTHING",
            self.table
        );
        let written = sqlx::query(&statement)
            .bind(&id)
            .bind(&cx.caller.account_id)
            .bind(name)
            .bind(description)
            .execute(&mut *change)
            .await?;
        name_was_free(written, self.kind, self.what, name)?;
        change.commit_on(action, &id, name, "").await?;
        Ok(id)
    }

    /// Renames `id` (unless another of the account has `name`) and changes its description
    /// (`None` keeps it).
    pub async fn update(
        &self,
        cx: Cx<'_>,
        action: Action,
        id: &str,
        name: &str,
        description: Option<&str>,
    ) -> Result<(), AppError> {
        let mut change = Change::begin(cx).await?;
        let statement = format!(
            "UPDATE {0} SET name = $3, description = coalesce($4, description)
              WHERE account_id = $1 AND id = $2
                AND NOT EXISTS (SELECT 1 FROM {0} o WHERE o.account_id = $1 AND o.name = $3 AND o.id <> $2)",
            self.table
        );
        let written = sqlx::query(&statement)
            .bind(&cx.caller.account_id)
            .bind(id)
            .bind(name)
            .bind(description)
            .execute(&mut *change)
            .await?;
        name_was_free(written, self.kind, self.what, name)?;
        change.commit_on(action, id, name, "").await
    }
}
