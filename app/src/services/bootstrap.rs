//! First start: the account, its `default` project and the `admin` user.
use sqlx::PgPool;

use crate::error::AppError;
use crate::model::permission::system::SYSTEM_POLICIES;
use crate::services::{iam::passwords, ids::new_id};

/// The group of account administrators: it holds every system administrator policy in all
/// projects, and `admin` is always in it.
pub const ADMIN_GROUP: &str = "admin";
/// The system policies the admin group holds.
const ADMIN_POLICIES: &[&str] = &["APIG Administrator", "IAM Administrator"];

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
        ensure_admin_group(&mut tx).await?;
        tx.commit().await?;
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
    ensure_admin_group(&mut tx).await?;
    tx.commit().await?;
    Ok(Bootstrap::Created { generated_password })
}

/// Makes sure every account has its admin group, with `admin` in it and the administrator
/// policies granted in all projects (idempotent: run at every start).
async fn ensure_admin_group(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
) -> Result<(), AppError> {
    sqlx::query!(
        "INSERT INTO user_groups (id, account_id, name, description)
         SELECT $1, a.id, $2, 'Account administrators: every permission in every project'
           FROM accounts a
         ON CONFLICT (account_id, name) DO NOTHING",
        new_id(),
        ADMIN_GROUP
    )
    .execute(&mut **tx)
    .await?;
    sqlx::query!(
        "INSERT INTO user_group_members (group_id, user_id)
         SELECT g.id, u.id FROM user_groups g JOIN users u ON u.account_id = g.account_id AND u.name = 'admin'
          WHERE g.name = $1
         ON CONFLICT DO NOTHING",
        ADMIN_GROUP
    )
    .execute(&mut **tx)
    .await?;
    for name in ADMIN_POLICIES {
        let Some(policy) = SYSTEM_POLICIES.iter().find(|p| p.display_name == *name) else {
            return Err(AppError::Internal(format!(
                "system policy {name} is missing"
            )));
        };
        sqlx::query!(
            "INSERT INTO user_group_grants (group_id, policy_id, project_id)
             SELECT g.id, $2, NULL FROM user_groups g WHERE g.name = $1
             ON CONFLICT DO NOTHING",
            ADMIN_GROUP,
            policy.id
        )
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}
