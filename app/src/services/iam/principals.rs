//! Who may authenticate IAM-authenticated API calls, read for the gateway runtime: enabled
//! users with programmatic access, their live tokens (digests only, as stored) and their
//! access keys with secrets opened. The triggers of `iam_revision` bump the revision and
//! notify `portico_iam` on every change that matters here, so each process reloads once the
//! change is committed; nothing here is read while a call is served.
use sqlx::PgPool;
use time::OffsetDateTime;

use crate::error::AppError;
use crate::services::secrets::MasterKey;

/// The channel the runtime listens on for IAM changes.
pub const CHANNEL: &str = "portico_iam";

/// The current IAM revision.
pub async fn current(pool: &PgPool) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar!("SELECT revision FROM iam_revision")
        .fetch_one(pool)
        .await?)
}

/// Everything IAM authentication of API calls needs, as of one revision.
pub async fn load(pool: &PgPool, master: &MasterKey) -> Result<RuntimeIam, AppError> {
    let mut tx = crate::services::runtime::consistent(pool).await?;
    let revision = sqlx::query_scalar!("SELECT revision FROM iam_revision")
        .fetch_one(&mut *tx)
        .await?;
    let users = sqlx::query_as!(
        RuntimeUser,
        r#"SELECT u.id, u.name, u.account_id, a.name AS "account_name"
             FROM users u JOIN accounts a ON a.id = u.account_id
            WHERE u.enabled AND u.access_mode <> 'console'"#
    )
    .fetch_all(&mut *tx)
    .await?;
    // Tokens and keys of users not listed above are dropped when they are compiled. Expired
    // tokens too are read, until housekeeping removes them: a caller presenting one is told
    // to get a new one (APIG.0307) rather than that it is unknown.
    let tokens = sqlx::query_as!(
        RuntimeToken,
        r#"SELECT t.token_hash AS "digest", t.user_id, t.expires_at
             FROM api_tokens t JOIN users u ON u.id = t.user_id
            WHERE t.project_id IS NOT NULL AND t.issued_at >= u.password_changed_at"#
    )
    .fetch_all(&mut *tx)
    .await?;
    let unreadable = |key: &str, error: AppError| {
        AppError::Internal(format!(
            "the secret of access key {key} cannot be decrypted ({error}); is PORTICO_MASTER_KEY the key it was stored with?"
        ))
    };
    let secret = |key: &str, sealed: &[u8]| -> Result<String, AppError> {
        let opened = master.open(sealed).map_err(|e| unreadable(key, e))?;
        String::from_utf8(opened)
            .map_err(|_| unreadable(key, AppError::Internal("not text".into())))
    };
    // Permanent keys, then temporary ones with their security token's digest and end.
    let mut keys = Vec::new();
    for row in sqlx::query!(
        r#"SELECT access_key AS "access_key!", secret_sealed AS "secret_sealed!", user_id AS "user_id!",
                  NULL::bytea AS "token_hash?", NULL::timestamptz AS "expires_at?"
             FROM access_keys WHERE status = 'active'
           UNION ALL
           SELECT k.access_key, k.secret_sealed, k.user_id, k.token_hash, k.expires_at
             FROM temporary_keys k JOIN users u ON u.id = k.user_id
            WHERE k.expires_at > now() AND k.created_at >= u.password_changed_at"#
    )
    .fetch_all(&mut *tx)
    .await?
    {
        keys.push(RuntimeAccessKey {
            secret: secret(&row.access_key, &row.secret_sealed)?,
            access_key: row.access_key,
            user_id: row.user_id,
            temporary: row.token_hash.zip(row.expires_at),
        });
    }
    tx.commit().await?;
    Ok(RuntimeIam {
        revision,
        users,
        tokens,
        keys,
    })
}

/// Who may authenticate IAM-authenticated API calls, as of one IAM revision: every enabled
/// user that may call APIs, their live tokens (by digest) and their access keys, secrets
/// decrypted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RuntimeIam {
    pub revision: i64,
    pub users: Vec<RuntimeUser>,
    pub tokens: Vec<RuntimeToken>,
    pub keys: Vec<RuntimeAccessKey>,
}

/// An IAM user as `$context.userId`/`userName` and account access control see them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuntimeUser {
    pub id: String,
    pub name: String,
    pub account_id: String,
    pub account_name: String,
}

/// A live API token: the SHA-256 of `X-Auth-Token`, whose it is and when it ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuntimeToken {
    pub digest: Vec<u8>,
    pub user_id: String,
    pub expires_at: OffsetDateTime,
}

/// An access key a call may be signed with. A temporary one also needs its security token
/// (`X-Security-Token`, by digest) and ends.
#[derive(Clone, PartialEq, Eq)]
pub struct RuntimeAccessKey {
    pub access_key: String,
    pub secret: String,
    pub user_id: String,
    pub temporary: Option<(Vec<u8>, OffsetDateTime)>,
}

impl std::fmt::Debug for RuntimeAccessKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RuntimeAccessKey")
            .field("access_key", &self.access_key)
            .field("user_id", &self.user_id)
            .finish_non_exhaustive()
    }
}
