//! API tokens (`X-Subject-Token`): issued for a password, valid for 24 hours, scoped to one
//! project. Only a SHA-256 of each token is stored.
use rand::RngCore;
use sha2::{Digest, Sha256};
use sqlx::PgPool;
use time::OffsetDateTime;

use crate::error::AppError;
use crate::services::caller::{Caller, Channel};

pub const TOKEN_LIFETIME: time::Duration = time::Duration::hours(24);

fn digest(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// A live token: whose, where, and when it was issued and ends.
#[derive(Debug, Clone)]
pub struct TokenInfo {
    pub user_id: String,
    pub project_id: String,
    pub issued_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
}

/// A new token for the user in `project_id`, ending 24 hours from now or at `until` (a
/// token exchanged for another scope keeps the first one's end).
pub async fn issue(
    pool: &PgPool,
    user_id: &str,
    project_id: &str,
    until: Option<OffsetDateTime>,
) -> Result<(String, TokenInfo), AppError> {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    let token = format!("PT{}", hex::encode(bytes));
    let issued_at = OffsetDateTime::now_utc();
    let expires_at = until.unwrap_or(issued_at + TOKEN_LIFETIME);
    sqlx::query!(
        "INSERT INTO api_tokens (token_hash, user_id, project_id, issued_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
        digest(&token),
        user_id,
        project_id,
        issued_at,
        expires_at
    )
    .execute(pool)
    .await?;
    let info = TokenInfo {
        user_id: user_id.to_owned(),
        project_id: project_id.to_owned(),
        issued_at,
        expires_at,
    };
    Ok((token, info))
}

/// A live token of an enabled user.
pub async fn resolve(pool: &PgPool, token: &str) -> Result<Option<TokenInfo>, AppError> {
    let row = sqlx::query!(
        r#"SELECT t.user_id, t.project_id AS "project_id!", t.issued_at, t.expires_at
             FROM api_tokens t JOIN users u ON u.id = t.user_id
            WHERE t.token_hash = $1 AND t.expires_at > now() AND u.enabled AND t.project_id IS NOT NULL
              AND t.issued_at >= u.password_changed_at"#,
        digest(token)
    )
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|r| TokenInfo {
        user_id: r.user_id,
        project_id: r.project_id,
        issued_at: r.issued_at,
        expires_at: r.expires_at,
    }))
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
        bound_to: None,
    })
}

/// Revokes `token` if it belongs to `user_id`; whether it did.
pub async fn revoke(pool: &PgPool, user_id: &str, token: &str) -> Result<bool, AppError> {
    let revoked = sqlx::query!(
        "DELETE FROM api_tokens WHERE token_hash = $1 AND user_id = $2",
        digest(token),
        user_id
    )
    .execute(pool)
    .await?;
    Ok(revoked.rows_affected() > 0)
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
