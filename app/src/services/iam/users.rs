//! IAM users of the account.

use super::name_was_free;

use crate::error::Kind;
use crate::error::{invalid_if, AppError};
use crate::model::iam::{self, NewUser, User, UserChange};
use crate::model::paging::{Page, SortOrder};
use crate::model::permission::actions::iam as act;
use crate::services::audit::{format_time, Target};
use crate::services::caller::Cx;
use crate::services::change::{Change, Table};
use crate::services::{iam::passwords, ids::new_id};

struct Row {
    id: String,
    name: String,
    email: String,
    description: String,
    enabled: bool,
    access_mode: String,
    pwd_status: bool,
    created_at: time::OffsetDateTime,
    last_login_at: Option<time::OffsetDateTime>,
}

impl From<Row> for User {
    fn from(row: Row) -> Self {
        User {
            id: row.id,
            name: row.name,
            email: row.email,
            description: row.description,
            enabled: row.enabled,
            access_mode: row.access_mode,
            pwd_status: row.pwd_status,
            created_at: format_time(row.created_at),
            last_login_at: row.last_login_at.map(format_time),
        }
    }
}

/// Users whose name contains `search` (any case), by name.
/// Columns the console sorts the user list by.
pub const SORTABLE: &[&str] = &["name", "created", "last_sign_in"];

pub async fn list(
    cx: Cx<'_>,
    search: Option<&str>,
    sort: &SortOrder,
    page: Page,
) -> Result<(i64, Vec<User>), AppError> {
    let order = sort.checked(SORTABLE)?;
    let pattern = search
        .filter(|s| !s.is_empty())
        .map(|s| format!("%{}%", s.replace('%', "\\%")));
    let total = sqlx::query_scalar!(
        r#"SELECT count(*) AS "count!" FROM users WHERE account_id = $1 AND ($2::text IS NULL OR name ILIKE $2)"#,
        cx.caller.account_id,
        pattern
    )
    .fetch_one(cx.pool)
    .await?;
    let rows = sqlx::query_as!(
        Row,
        "SELECT id, name, email, description, enabled, access_mode, pwd_status, created_at, last_login_at
           FROM users WHERE account_id = $1 AND ($2::text IS NULL OR name ILIKE $2)
          ORDER BY CASE WHEN $5 = '-name' THEN name END DESC,
                   CASE WHEN $5 = 'created' THEN created_at END,
                   CASE WHEN $5 = '-created' THEN created_at END DESC,
                   CASE WHEN $5 = 'last_sign_in' THEN last_login_at END NULLS FIRST,
                   CASE WHEN $5 = '-last_sign_in' THEN last_login_at END DESC NULLS LAST,
                   name, id
          OFFSET $3 LIMIT $4",
        cx.caller.account_id,
        pattern,
        page.offset,
        page.limit,
        order
    )
    .fetch_all(cx.pool)
    .await?;
    Ok((total, rows.into_iter().map(User::from).collect()))
}

pub async fn get(cx: Cx<'_>, user_id: &str) -> Result<User, AppError> {
    sqlx::query_as!(
        Row,
        "SELECT id, name, email, description, enabled, access_mode, pwd_status, created_at, last_login_at
           FROM users WHERE account_id = $1 AND id = $2",
        cx.caller.account_id,
        user_id
    )
    .fetch_optional(cx.pool)
    .await?
    .map(User::from)
    .ok_or_else(|| AppError::not_found(Kind::User, format!("User {user_id}")))
}

pub async fn create(cx: Cx<'_>, new: &NewUser) -> Result<User, AppError> {
    new.validate()?;
    let hash = passwords::hash(new.password.clone()).await?;
    let id = new_id();
    let mut change = Change::begin(cx).await?;
    let written = sqlx::query!(
        "INSERT INTO users (id, account_id, name, email, description, enabled, access_mode, password_hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (account_id, name) DO NOTHING",
        id,
        cx.caller.account_id,
        new.name,
        new.email,
        new.description,
        new.enabled,
        new.access_mode,
        hash
    )
    .execute(&mut *change)
    .await?;
    name_was_free(written, Kind::User, "user", &new.name)?;
    change
        .commit_on(act::users::create, &id, &new.name, "")
        .await?;
    get(cx, &id).await
}

pub async fn update(cx: Cx<'_>, user_id: &str, change: &UserChange) -> Result<User, AppError> {
    let current = get(cx, user_id).await?;
    let name = change.name.clone().unwrap_or(current.name.clone());
    iam::validate_name("name", "user", &name)?;
    if let Some(email) = &change.email {
        iam::validate_email("email", email)?;
    }
    if let Some(description) = &change.description {
        iam::validate_description("description", description)?;
    }
    if let Some(mode) = &change.access_mode {
        iam::validate_access_mode("access_mode", mode)?;
    }
    if change.enabled == Some(false) && user_id == cx.caller.user_id {
        return Err(AppError::invalid("enabled", "You cannot disable yourself."));
    }
    let hash = match &change.password {
        Some(password) => {
            iam::validate_password("password", &name, password)?;
            Some(passwords::hash(password.clone()).await?)
        }
        None => None,
    };
    let mut work = Change::begin(cx).await?;
    let written = sqlx::query!(
        "UPDATE users SET name = $3, email = coalesce($4, email), description = coalesce($5, description),
                enabled = coalesce($6, enabled), access_mode = coalesce($7, access_mode),
                password_hash = coalesce($8, password_hash),
                password_changed_at = CASE WHEN $8::text IS NULL THEN password_changed_at ELSE now() END,
                failed_logins = CASE WHEN $8::text IS NULL THEN failed_logins ELSE 0 END,
                locked_until = CASE WHEN $8::text IS NULL THEN locked_until ELSE NULL END,
                updated_at = now()
          WHERE account_id = $1 AND id = $2
            AND NOT EXISTS (SELECT 1 FROM users o WHERE o.account_id = $1 AND o.name = $3 AND o.id <> $2)",
        cx.caller.account_id,
        user_id,
        name,
        change.email,
        change.description,
        change.enabled,
        change.access_mode,
        hash
    )
    .execute(&mut *work)
    .await?;
    name_was_free(written, Kind::User, "user", &name)?;
    let detail = if change.password.is_some() {
        "password reset"
    } else {
        ""
    };
    work.commit_on(act::users::update, user_id, &name, detail)
        .await?;
    get(cx, user_id).await
}

/// The caller changes their own password, proving the current one. The user's sessions,
/// tokens and temporary keys from before the change stop working; the time of the change is
/// returned, for the session making it to keep going.
pub async fn change_own_password(
    cx: Cx<'_>,
    current: &str,
    new: &str,
) -> Result<time::OffsetDateTime, AppError> {
    let hash = sqlx::query_scalar!(
        "SELECT password_hash FROM users WHERE id = $1",
        cx.caller.user_id
    )
    .fetch_optional(cx.pool)
    .await?
    .ok_or(AppError::Unauthenticated)?;
    // A wrong current password counts toward the same lockout as a wrong sign-in.
    invalid_if(
        !crate::services::iam::signin::attempt(cx.pool, &cx.caller.user_id, hash, current).await?,
        "current_password",
        "The current password is not correct.",
    )?;
    iam::validate_password("new_password", &cx.caller.user_name, new)?;
    invalid_if(
        current == new,
        "new_password",
        "Choose a password different from the current one.",
    )?;
    let hash = passwords::hash(new.to_owned()).await?;
    let mut change = Change::begin(cx).await?;
    let changed_at = sqlx::query_scalar!(
        "UPDATE users SET password_hash = $2, password_changed_at = now(), pwd_status = false, updated_at = now()
          WHERE id = $1 RETURNING password_changed_at",
        cx.caller.user_id,
        hash
    )
    .fetch_one(&mut *change)
    .await?;
    let target = Target {
        kind: "user",
        id: &cx.caller.user_id,
        name: &cx.caller.user_name,
    };
    change
        .record_event("iam:users:changePassword", target, "")
        .await?;
    change.finish().await?;
    Ok(changed_at)
}

pub async fn delete(cx: Cx<'_>, user_id: &str) -> Result<(), AppError> {
    let user = get(cx, user_id).await?;
    if user_id == cx.caller.user_id {
        return Err(AppError::conflict(None, "You cannot delete yourself."));
    }
    if user.name == "admin" {
        return Err(AppError::conflict(
            None,
            "The account administrator admin cannot be deleted.",
        ));
    }
    let mut change = Change::begin(cx).await?;
    change.delete(Table::Users, &user.id).await?;
    change
        .commit_on(act::users::delete, user_id, &user.name, "")
        .await
}
