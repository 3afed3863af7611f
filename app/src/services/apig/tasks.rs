//! Asynchronous OpenAPI imports and exports: a task is stored before it runs (so an accepted
//! request is never lost), moves waiting → processing → succeed or failed, and keeps its
//! result (the import report or the exported document) for seven days. A task still
//! unfinished after fifteen minutes (its server stopped while it ran; documents are small
//! enough to take seconds) is marked failed by the periodic housekeeping.
use std::future::Future;

use sqlx::PgPool;

use crate::error::AppError;
use crate::error::Kind;
use crate::services::caller::Cx;
use crate::services::ids;

/// A task as `async-tasks/{task_id}` shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Task {
    pub id: String,
    /// `import_api` or `export_api`.
    pub task_type: String,
    /// `waiting`, `processing`, `succeed` or `failed`.
    pub status: String,
    /// The result text (JSON or YAML) once finished; for a failure, the APIG error as JSON.
    pub result: String,
}

/// Records a task and runs `work` in the background; returns the task id at once.
pub async fn start<F>(
    cx: Cx<'_>,
    gateway_id: &str,
    task_type: &str,
    work: F,
) -> Result<String, AppError>
where
    F: Future<Output = Result<String, AppError>> + Send + 'static,
{
    let id = ids::new_id();
    sqlx::query!(
        "INSERT INTO async_tasks (id, project_id, gateway_id, task_type, status) VALUES ($1, $2, $3, $4, 'waiting')",
        id,
        cx.caller.project_id,
        gateway_id,
        task_type
    )
    .execute(cx.pool)
    .await?;
    let pool = cx.pool.clone();
    let task = id.clone();
    tokio::spawn(async move {
        if let Err(error) = set(&pool, &task, "processing", "").await {
            tracing::error!(%task, %error, "an async task could not start");
        }
        let (status, result) = match work.await {
            Ok(result) => ("succeed", result),
            Err(error) => (
                "failed",
                serde_json::json!({ "error_code": error.code(), "error_msg": error.describe() })
                    .to_string(),
            ),
        };
        if let Err(error) = set(&pool, &task, status, &result).await {
            tracing::error!(%task, %error, "an async task's result could not be stored");
        }
    });
    Ok(id)
}

async fn set(pool: &PgPool, id: &str, status: &str, result: &str) -> Result<(), AppError> {
    sqlx::query!(
        "UPDATE async_tasks SET status = $2, result = $3, updated_at = now() WHERE id = $1",
        id,
        status,
        result
    )
    .execute(pool)
    .await?;
    Ok(())
}

pub async fn get(cx: Cx<'_>, gateway_id: &str, id: &str) -> Result<Task, AppError> {
    sqlx::query_as!(
        Task,
        "SELECT id, task_type, status, result FROM async_tasks WHERE id = $1 AND gateway_id = $2 AND project_id = $3",
        id,
        gateway_id,
        cx.caller.project_id
    )
    .fetch_optional(cx.pool)
    .await?
    .ok_or_else(|| AppError::not_found(Kind::Task, format!("Task {id}")))
}

/// Marks tasks unfinished for fifteen minutes as failed: their server stopped mid-way.
pub async fn fail_stale(pool: &PgPool) -> Result<u64, AppError> {
    let result = serde_json::json!({
        "error_code": "APIG.9999",
        "error_msg": "The task did not finish (its server stopped while it ran); run it again.",
    })
    .to_string();
    Ok(sqlx::query!(
        "UPDATE async_tasks SET status = 'failed', result = $1, updated_at = now()
          WHERE status IN ('waiting', 'processing') AND updated_at < now() - interval '15 minutes'",
        result
    )
    .execute(pool)
    .await?
    .rows_affected())
}

/// Removes tasks finished more than seven days ago.
pub async fn delete_old(pool: &PgPool) -> Result<u64, AppError> {
    Ok(sqlx::query!(
        "DELETE FROM async_tasks WHERE status IN ('succeed', 'failed') AND updated_at < now() - interval '7 days'"
    )
    .execute(pool)
    .await?
    .rows_affected())
}
