//! The audit log: one append-only record per change or refused attempt, through the console
//! or the API. The table refuses updates and deletes (a trigger), so nothing can edit it.
use sqlx::PgExecutor;
use time::OffsetDateTime;

use crate::error::AppError;
use crate::model::audit::{AuditFilter, AuditPage, AuditRecord, AuditResult};
use crate::model::paging::Page;
use crate::services::caller::{Caller, Cx};

/// What an action was about.
#[derive(Debug, Clone, Copy)]
pub struct Target<'a> {
    pub kind: &'a str,
    pub id: &'a str,
    pub name: &'a str,
}

/// Appends a record. Run it in the transaction of the change it describes.
pub async fn record(
    executor: impl PgExecutor<'_>,
    caller: &Caller,
    action: &str,
    target: Target<'_>,
    result: AuditResult,
    detail: &str,
) -> Result<(), AppError> {
    sqlx::query!(
        "INSERT INTO audit_records (account_id, project_id, user_id, user_name, action, resource_type,
                                    resource_id, resource_name, source_ip, channel, result, detail)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        caller.account_id,
        caller.project_id,
        caller.user_id,
        caller.user_name,
        action,
        target.kind,
        target.id,
        target.name,
        caller.source_ip,
        caller.channel.as_str(),
        result.as_str(),
        detail
    )
    .execute(executor)
    .await?;
    Ok(())
}

/// Records of the caller's account, newest first, filtered and paged.
pub async fn list(cx: Cx<'_>, filter: &AuditFilter, page: Page) -> Result<AuditPage, AppError> {
    let user = filter.user_name.as_deref().filter(|s| !s.is_empty());
    let action = filter
        .action
        .as_deref()
        .filter(|s| !s.is_empty())
        .map(|a| format!("%{a}%"));
    let result = filter.result.map(AuditResult::as_str);
    let total = sqlx::query_scalar!(
        r#"SELECT count(*) AS "count!" FROM audit_records
            WHERE account_id = $1 AND ($2::text IS NULL OR user_name = $2)
              AND ($3::text IS NULL OR action ILIKE $3) AND ($4::text IS NULL OR result = $4)"#,
        cx.caller.account_id,
        user,
        action,
        result
    )
    .fetch_one(cx.pool)
    .await?;
    let rows = sqlx::query!(
        r#"SELECT id, at, user_name, action, resource_type, resource_id, resource_name, source_ip,
                  channel, result, detail
             FROM audit_records
            WHERE account_id = $1 AND ($2::text IS NULL OR user_name = $2)
              AND ($3::text IS NULL OR action ILIKE $3) AND ($4::text IS NULL OR result = $4)
            ORDER BY at DESC, id DESC
            OFFSET $5 LIMIT $6"#,
        cx.caller.account_id,
        user,
        action,
        result,
        page.offset,
        page.limit
    )
    .fetch_all(cx.pool)
    .await?;
    let records = rows
        .into_iter()
        .map(|row| AuditRecord {
            id: row.id,
            at: format_time(row.at),
            user_name: row.user_name,
            action: row.action,
            resource_type: row.resource_type,
            resource_id: row.resource_id,
            resource_name: row.resource_name,
            source_ip: row.source_ip,
            channel: row.channel,
            result: AuditResult::parse(&row.result),
            detail: row.detail,
        })
        .collect();
    Ok(AuditPage { total, records })
}

/// `2026-11-26 09:13:44` (UTC).
pub fn format_time(at: OffsetDateTime) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
    at.format(format).unwrap_or_else(|_| at.to_string())
}
