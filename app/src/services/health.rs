//! Database reachability, for the readiness probe.
use sqlx::PgPool;

use crate::error::AppError;

/// One round trip to the database.
pub async fn ping(pool: &PgPool) -> Result<(), AppError> {
    sqlx::query_scalar!(r#"SELECT 1 AS "one!""#)
        .fetch_one(pool)
        .await?;
    Ok(())
}
