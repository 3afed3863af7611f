//! API tokens (`X-Subject-Token`): issued for a password, valid for 24 hours, scoped to one
//! project. Only a SHA-256 of each token is stored.
use rand::RngCore;
use sha2::{Digest, Sha256};
use sqlx::PgPool;
use time::OffsetDateTime;

use super::caller::{Caller, Channel};
use crate::error::AppError;

pub const TOKEN_LIFETIME: time::Duration = time::Duration::hours(24);

fn digest(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// A new token for the user in `project_id`, with its expiry.
pub async fn issue(
    pool: &PgPool,
    user_id: &str,
    project_id: &str,
) -> Result<(String, OffsetDateTime), AppError> {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    let token = format!("PT{}", hex::encode(bytes));
    let expires_at = OffsetDateTime::now_utc() + TOKEN_LIFETIME;
    sqlx::query!(
        "INSERT INTO api_tokens (token_hash, user_id, project_id, expires_at) VALUES ($1, $2, $3, $4)",
        digest(&token),
        user_id,
        project_id,
        expires_at
    )
    .execute(pool)
    .await?;
    Ok((token, expires_at))
}

/// The user and project of a live token of an enabled user.
pub async fn resolve(pool: &PgPool, token: &str) -> Result<Option<(String, String)>, AppError> {
    let row = sqlx::query!(
        r#"SELECT t.user_id, t.project_id AS "project_id!" FROM api_tokens t JOIN users u ON u.id = t.user_id
            WHERE t.token_hash = $1 AND t.expires_at > now() AND u.enabled AND t.project_id IS NOT NULL"#,
        digest(token)
    )
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|r| (r.user_id, r.project_id)))
}

/// The caller acting as `user_id` in `project_id` (which must belong to the user's account).
pub async fn caller_for(
    pool: &PgPool,
    user_id: &str,
    project_id: Option<&str>,
    channel: Channel,
    source_ip: &str,
) -> Result<Caller, AppError> {
    let row = sqlx::query!(
        r#"SELECT u.id, u.name, u.account_id, u.enabled,
                  coalesce((SELECT p.id FROM projects p WHERE p.account_id = u.account_id AND p.id = $2),
                           (SELECT p.id FROM projects p WHERE p.account_id = u.account_id AND p.name = 'default')) AS "project_id?"
             FROM users u WHERE u.id = $1"#,
        user_id,
        project_id
    )
    .fetch_optional(pool)
    .await?
    .filter(|r| r.enabled)
    .ok_or(AppError::Unauthenticated)?;
    let project_id = row
        .project_id
        .ok_or_else(|| AppError::Internal("the account has no default project".to_owned()))?;
    Ok(Caller {
        user_id: row.id,
        user_name: row.name,
        account_id: row.account_id,
        project_id,
        channel,
        source_ip: source_ip.to_owned(),
    })
}

/// Removes expired tokens.
pub async fn delete_expired(pool: &PgPool) -> Result<u64, AppError> {
    Ok(
        sqlx::query!("DELETE FROM api_tokens WHERE expires_at <= now()")
            .execute(pool)
            .await?
            .rows_affected(),
    )
}
