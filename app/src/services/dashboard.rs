//! The state of the process checklist on the dashboard.

use crate::error::AppError;
use crate::model::permission::system::SYSTEM_POLICIES;
use crate::model::process::ProcessState;
use crate::services::caller::Cx;

/// Which steps of the process are done in the caller's account and project.
pub async fn state(cx: Cx<'_>) -> Result<ProcessState, AppError> {
    let apig_system: Vec<String> = SYSTEM_POLICIES
        .iter()
        .filter(|p| p.document.contains("apig:"))
        .map(|p| p.id.to_owned())
        .collect();
    let users_granted = sqlx::query_scalar!(
        r#"SELECT EXISTS (
             SELECT 1 FROM users u
               JOIN user_group_members gm ON gm.user_id = u.id
               JOIN user_group_grants gg ON gg.group_id = gm.group_id
               LEFT JOIN permission_policies cp ON cp.id = gg.policy_id
              WHERE u.account_id = $1 AND u.name <> 'admin'
                AND (gg.policy_id = ANY($2) OR cp.document::text LIKE '%apig:%')
           ) AS "exists!""#,
        cx.caller.account_id,
        &apig_system
    )
    .fetch_one(cx.pool)
    .await?;
    let gateways = sqlx::query!(
        r#"SELECT (SELECT id FROM gateways WHERE project_id = $1 ORDER BY created_at, id LIMIT 1) AS gateway_id,
                  EXISTS (SELECT 1 FROM api_publications p JOIN gateways g ON g.id = p.gateway_id
                           WHERE g.project_id = $1) AS "api_published!",
                  EXISTS (SELECT 1 FROM app_auths x JOIN gateways g ON g.id = x.gateway_id
                           WHERE g.project_id = $1) AS "callers_authorized!""#,
        cx.caller.project_id
    )
    .fetch_one(cx.pool)
    .await?;
    Ok(ProcessState {
        users_granted,
        gateway_id: gateways.gateway_id,
        api_published: gateways.api_published,
        callers_authorized: gateways.callers_authorized,
    })
}
