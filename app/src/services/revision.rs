//! The configuration revision the gateway runtime follows: every change to what it serves
//! bumps the revision in the change's own transaction and notifies `portico_config`, so
//! every process rebuilds its snapshot once the change is committed.
use sqlx::PgConnection;

use crate::error::AppError;

/// The channel the runtime listens on.
pub const CHANNEL: &str = "portico_config";

/// Bumps the revision inside the caller's transaction; returns the new revision.
pub async fn bump(tx: &mut PgConnection) -> Result<i64, AppError> {
    let revision = sqlx::query_scalar!(
        "UPDATE config_revision SET revision = revision + 1 RETURNING revision"
    )
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query!(
        r#"SELECT 1 AS "sent!" FROM (SELECT pg_notify($1, $2)) AS notified"#,
        CHANNEL,
        revision.to_string()
    )
    .fetch_one(&mut *tx)
    .await?;
    Ok(revision)
}

/// The current revision.
pub async fn current(pool: &sqlx::PgPool) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar!("SELECT revision FROM config_revision")
        .fetch_one(pool)
        .await?)
}
