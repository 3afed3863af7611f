//! First start: the account, its `default` project and the `admin` user.
use sqlx::PgPool;

use super::{ids::new_id, passwords};
use crate::error::AppError;

/// What `ensure_account` did.
#[derive(Debug, PartialEq, Eq)]
pub enum Bootstrap {
    /// The account already existed; nothing changed.
    Existing,
    /// The account was created; `generated_password` is set when no password was given.
    Created { generated_password: Option<String> },
}

/// Creates the account, project `default` and user `admin` when the database holds no
/// account. Safe to run from several processes at once: one creates, the others see it.
pub async fn ensure_account(
    pool: &PgPool,
    account_name: &str,
    admin_password: Option<&str>,
) -> Result<Bootstrap, AppError> {
    let mut tx = pool.begin().await?;
    sqlx::query!("SELECT pg_advisory_xact_lock(hashtext('portico.bootstrap'))")
        .execute(&mut *tx)
        .await?;
    let existing = sqlx::query_scalar!(r#"SELECT count(*) AS "count!" FROM accounts"#)
        .fetch_one(&mut *tx)
        .await?;
    if existing > 0 {
        return Ok(Bootstrap::Existing);
    }
    let generated_password = admin_password.is_none().then(passwords::generate);
    let password = admin_password
        .map(str::to_owned)
        .or_else(|| generated_password.clone())
        .unwrap_or_default();
    let hash = passwords::hash(password).await?;

    let account_id = new_id();
    sqlx::query!(
        "INSERT INTO accounts (id, name) VALUES ($1, $2)",
        account_id,
        account_name
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "INSERT INTO projects (id, account_id, name, description) VALUES ($1, $2, 'default', 'Created with the account')",
        new_id(),
        account_id
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "INSERT INTO users (id, account_id, name, description, password_hash) VALUES ($1, $2, 'admin', 'Account administrator', $3)",
        new_id(),
        account_id,
        hash
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Bootstrap::Created { generated_password })
}
