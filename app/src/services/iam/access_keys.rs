//! Permanent access keys (AK/SK): at most two per user; the secret is shown once, at
//! creation, and stored encrypted under the master key.
use rand::distributions::Alphanumeric;
use rand::{Rng, RngCore};
use sqlx::PgPool;

use crate::error::Kind;
use crate::error::{invalid_if, AppError};
use crate::model::iam::{self, AccessKey, NewAccessKey, MAX_ACCESS_KEYS};
use crate::model::permission::actions::iam as act;
use crate::services::audit::{format_time, Target};
use crate::services::caller::{Caller, Cx};
use crate::services::change::{Change, Table};
use crate::services::secrets::MasterKey;

const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const ACCESS_KEY_LEN: usize = 20;

/// Whether `access_key` has the shape Portico's keys have (20 upper-case letters and
/// digits), so that anything else is refused without a database lookup.
pub fn well_formed(access_key: &str) -> bool {
    access_key.len() == ACCESS_KEY_LEN && access_key.bytes().all(|b| ALPHABET.contains(&b))
}

fn new_access_key() -> String {
    let mut bytes = [0u8; ACCESS_KEY_LEN];
    rand::thread_rng().fill_bytes(&mut bytes);
    bytes
        .iter()
        .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
        .collect()
}

fn new_secret() -> String {
    rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(40)
        .map(char::from)
        .collect()
}

pub async fn create(
    pool: &PgPool,
    master: &MasterKey,
    caller: &Caller,
    user_id: &str,
    description: &str,
) -> Result<NewAccessKey, AppError> {
    iam::validate_description("description", description)?;
    let user = crate::services::iam::users::get(Cx { pool, caller }, user_id).await?;
    let secret = new_secret();
    let sealed = master.seal(secret.as_bytes())?;
    let access_key = new_access_key();
    let mut change = Change::begin(Cx { pool, caller }).await?;
    change.lock(Table::Users, user_id).await?;
    let held = sqlx::query_scalar!(
        r#"SELECT count(*) AS "count!" FROM access_keys WHERE user_id = $1"#,
        user_id
    )
    .fetch_one(&mut *change)
    .await?;
    if held >= MAX_ACCESS_KEYS {
        return Err(AppError::conflict(
            None,
            format!("{} already has {MAX_ACCESS_KEYS} access keys, the most a user can hold. Delete one first.", user.name),
        ));
    }
    sqlx::query!(
        "INSERT INTO access_keys (access_key, user_id, secret_sealed, description) VALUES ($1, $2, $3, $4)",
        access_key,
        user_id,
        sealed,
        description
    )
    .execute(&mut *change)
    .await?;
    change
        .commit_on(
            act::credentials::createCredential,
            &access_key,
            &user.name,
            "",
        )
        .await?;
    Ok(NewAccessKey {
        key: get(pool, &caller.account_id, &access_key).await?,
        secret,
    })
}

/// An `access_keys` row as stored.
struct Row {
    access_key: String,
    user_id: String,
    description: String,
    status: String,
    created_at: time::OffsetDateTime,
    last_used_at: Option<time::OffsetDateTime>,
}

impl From<Row> for AccessKey {
    fn from(r: Row) -> Self {
        AccessKey {
            access_key: r.access_key,
            user_id: r.user_id,
            description: r.description,
            status: r.status,
            created_at: format_time(r.created_at),
            last_used_at: r.last_used_at.map(format_time),
        }
    }
}

pub async fn list(cx: Cx<'_>, user_id: &str) -> Result<Vec<AccessKey>, AppError> {
    crate::services::iam::users::get(cx, user_id).await?;
    let rows = sqlx::query_as!(
        Row,
        "SELECT access_key, user_id, description, status, created_at, last_used_at FROM access_keys WHERE user_id = $1 ORDER BY created_at",
        user_id
    )
    .fetch_all(cx.pool)
    .await?;
    Ok(rows.into_iter().map(AccessKey::from).collect())
}

/// The access key `access_key` of the account `account_id`.
pub async fn get(pool: &PgPool, account_id: &str, access_key: &str) -> Result<AccessKey, AppError> {
    sqlx::query_as!(
        Row,
        "SELECT k.access_key, k.user_id, k.description, k.status, k.created_at, k.last_used_at
           FROM access_keys k JOIN users u ON u.id = k.user_id
          WHERE k.access_key = $1 AND u.account_id = $2",
        access_key,
        account_id
    )
    .fetch_optional(pool)
    .await?
    .map(AccessKey::from)
    .ok_or_else(|| AppError::not_found(Kind::AccessKey, format!("Access key {access_key}")))
}

pub async fn update(
    cx: Cx<'_>,
    access_key: &str,
    status: Option<&str>,
    description: Option<&str>,
) -> Result<AccessKey, AppError> {
    let current = get(cx.pool, &cx.caller.account_id, access_key).await?;
    if let Some(status) = status {
        invalid_if(
            !matches!(status, "active" | "inactive"),
            "status",
            "The status is active or inactive.",
        )?;
    }
    if let Some(description) = description {
        iam::validate_description("description", description)?;
    }
    let mut change = Change::begin(cx).await?;
    sqlx::query!(
        "UPDATE access_keys SET status = coalesce($2, status), description = coalesce($3, description) WHERE access_key = $1",
        access_key,
        status,
        description
    )
    .execute(&mut *change)
    .await?;
    let detail = status.map(|s| format!("status {s}")).unwrap_or_default();
    change
        .commit_on(
            act::credentials::updateCredential,
            access_key,
            &current.user_id,
            &detail,
        )
        .await?;
    get(cx.pool, &cx.caller.account_id, access_key).await
}

pub async fn delete(cx: Cx<'_>, access_key: &str) -> Result<(), AppError> {
    let current = get(cx.pool, &cx.caller.account_id, access_key).await?;
    let mut change = Change::begin(cx).await?;
    change.delete(Table::AccessKeys, access_key).await?;
    change
        .commit_on(
            act::credentials::deleteCredential,
            access_key,
            &current.user_id,
            "",
        )
        .await
}

/// What a signature check needs: the key's owner and its secret, if the key is active (or,
/// for a temporary key, unexpired) and its user enabled.
#[derive(Debug)]
pub struct KeyOwner {
    pub user_id: String,
    pub secret: Vec<u8>,
    /// Set for a temporary key: the request must carry its security token.
    pub temporary: Option<TemporaryScope>,
}

/// What a temporary key is bound to.
#[derive(Debug)]
pub struct TemporaryScope {
    /// SHA-256 of the security token.
    pub token_hash: Vec<u8>,
    pub project_id: String,
}

pub async fn owner(
    pool: &PgPool,
    master: &MasterKey,
    access_key: &str,
) -> Result<Option<KeyOwner>, AppError> {
    let permanent = sqlx::query!(
        "SELECT k.user_id, k.secret_sealed FROM access_keys k JOIN users u ON u.id = k.user_id
          WHERE k.access_key = $1 AND k.status = 'active' AND u.enabled AND u.access_mode <> 'console'",
        access_key
    )
    .fetch_optional(pool)
    .await?;
    if let Some(row) = permanent {
        return Ok(Some(KeyOwner {
            user_id: row.user_id,
            secret: master.open(&row.secret_sealed)?,
            temporary: None,
        }));
    }
    let temporary = sqlx::query!(
        "SELECT k.user_id, k.project_id, k.secret_sealed, k.token_hash
           FROM temporary_keys k JOIN users u ON u.id = k.user_id
          WHERE k.access_key = $1 AND k.expires_at > now() AND u.enabled AND u.access_mode <> 'console'
            AND k.created_at >= u.password_changed_at",
        access_key
    )
    .fetch_optional(pool)
    .await?;
    match temporary {
        Some(row) => Ok(Some(KeyOwner {
            user_id: row.user_id,
            secret: master.open(&row.secret_sealed)?,
            temporary: Some(TemporaryScope {
                token_hash: row.token_hash,
                project_id: row.project_id,
            }),
        })),
        None => Ok(None),
    }
}

/// Shortest and longest life of a temporary key, in seconds (IAM's 15 minutes to 24 hours).
pub const TEMPORARY_MIN_SECONDS: i64 = 15 * 60;
pub const TEMPORARY_MAX_SECONDS: i64 = 24 * 60 * 60;

/// A temporary key as issued: shown once.
#[derive(Debug)]
pub struct TemporaryKey {
    pub access_key: String,
    pub secret: String,
    pub security_token: String,
    pub expires_at: time::OffsetDateTime,
}

/// The SHA-256 of a security token, as stored.
pub fn security_token_digest(token: &str) -> Vec<u8> {
    use sha2::{Digest, Sha256};
    Sha256::digest(token.as_bytes()).to_vec()
}

/// Issues a temporary key for the caller (who authenticated with a token), in the caller's
/// project, valid for `duration_seconds` (default 15 minutes).
pub async fn create_temporary(
    pool: &PgPool,
    master: &MasterKey,
    caller: &Caller,
    duration_seconds: Option<i64>,
) -> Result<TemporaryKey, AppError> {
    let seconds = duration_seconds.unwrap_or(TEMPORARY_MIN_SECONDS);
    invalid_if(!(TEMPORARY_MIN_SECONDS..=TEMPORARY_MAX_SECONDS).contains(&seconds), "duration_seconds", format!("The duration is {TEMPORARY_MIN_SECONDS} to {TEMPORARY_MAX_SECONDS} seconds (15 minutes to 24 hours)."))?;
    let secret = new_secret();
    let mut token_bytes = [0u8; 48];
    rand::thread_rng().fill_bytes(&mut token_bytes);
    let security_token = format!("PST{}", hex::encode(token_bytes));
    let access_key = new_access_key();
    let expires_at = time::OffsetDateTime::now_utc() + time::Duration::seconds(seconds);
    let mut change = Change::begin(Cx { pool, caller }).await?;
    sqlx::query!(
        "INSERT INTO temporary_keys (access_key, user_id, project_id, secret_sealed, token_hash, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
        access_key,
        caller.user_id,
        caller.project_id,
        master.seal(secret.as_bytes())?,
        security_token_digest(&security_token),
        expires_at
    )
    .execute(&mut *change)
    .await?;
    let target = Target {
        kind: "temporary access key",
        id: &access_key,
        name: &caller.user_name,
    };
    change
        .commit(
            act::credentials::createCredential,
            target,
            &format!("valid for {seconds} s"),
        )
        .await?;
    Ok(TemporaryKey {
        access_key,
        secret,
        security_token,
        expires_at,
    })
}

/// Removes expired temporary keys.
pub async fn delete_expired_temporary(pool: &PgPool) -> Result<u64, AppError> {
    Ok(
        sqlx::query!("DELETE FROM temporary_keys WHERE expires_at <= now()")
            .execute(pool)
            .await?
            .rows_affected(),
    )
}

/// Notes that a key was used (best effort; at most once a minute per key).
pub async fn touch(pool: &PgPool, access_key: &str) -> Result<(), AppError> {
    sqlx::query!(
        "UPDATE access_keys SET last_used_at = now()
          WHERE access_key = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')",
        access_key
    )
    .execute(pool)
    .await?;
    Ok(())
}
