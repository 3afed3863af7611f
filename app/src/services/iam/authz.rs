//! Authorization: may this caller perform this action in this project? The user's policies
//! are those granted to their groups in that project or in all projects (for `iam:`
//! actions, in all projects only); an explicit Deny wins over any Allow, and no grant means
//! no access. Refusals are audited.
use sqlx::PgPool;

use crate::error::AppError;
use crate::model::audit::AuditResult;
use crate::model::permission::actions::Action;
use crate::model::permission::document::PermissionDocument;
use crate::model::permission::evaluate::{evaluate_in, Decision, Scope};
use crate::model::permission::grant::is_account_wide;
use crate::model::permission::system::SYSTEM_POLICIES;
use crate::services::audit::{self, Target};
use crate::services::caller::Cx;

/// The policies that apply to a user in one project, kept apart by where they were
/// granted: IAM actions come only from grants in all projects.
#[derive(Debug, Default)]
pub struct Held {
    /// Granted in all projects.
    everywhere: Vec<PermissionDocument>,
    /// Granted in the project only.
    here: Vec<PermissionDocument>,
}

impl Held {
    /// The decision for `action` in `scope`: an `iam:` action is decided by the grants in
    /// all projects alone, so administering IAM in one project administers nothing.
    pub fn decide(&self, action: Action, scope: Scope<'_>) -> Decision {
        let here: &[PermissionDocument] = if is_account_wide(action.name()) {
            &[]
        } else {
            &self.here
        };
        evaluate_in(self.everywhere.iter().chain(here), action.name(), scope)
    }
}

/// What applies to `user_id` in `project_id`, or, with `None`, in every project alike
/// (the grants in all projects).
pub async fn held(
    pool: &PgPool,
    user_id: &str,
    project_id: Option<&str>,
) -> Result<Held, AppError> {
    let rows = sqlx::query!(
        r#"SELECT DISTINCT gg.policy_id, gg.project_id IS NULL AS "everywhere!", cp.document AS "document?"
             FROM user_group_members gm
             JOIN user_group_grants gg ON gg.group_id = gm.group_id
             LEFT JOIN permission_policies cp ON cp.id = gg.policy_id
            WHERE gm.user_id = $1 AND (gg.project_id IS NULL OR gg.project_id = $2)"#,
        user_id,
        project_id
    )
    .fetch_all(pool)
    .await?;
    let mut held = Held::default();
    for row in rows {
        let document = if let Some(system) = SYSTEM_POLICIES.iter().find(|p| p.id == row.policy_id)
        {
            system.document()
        } else if let Some(json) = row.document {
            match serde_json::from_value::<PermissionDocument>(json) {
                Ok(document) => document,
                Err(error) => {
                    tracing::error!(policy = %row.policy_id, %error, "a stored custom policy does not parse; ignored");
                    continue;
                }
            }
        } else {
            continue;
        };
        if row.everywhere {
            held.everywhere.push(document);
        } else {
            held.here.push(document);
        }
    }
    Ok(held)
}

/// The decision for `action` across the caller's current project.
pub async fn decide(cx: Cx<'_>, action: Action) -> Result<Decision, AppError> {
    decide_in(cx, action, Scope::Project).await
}

/// The decision for `action` in `scope` of the caller's current project.
pub async fn decide_in(cx: Cx<'_>, action: Action, scope: Scope<'_>) -> Result<Decision, AppError> {
    let held = held(cx.pool, &cx.caller.user_id, Some(&cx.caller.project_id)).await?;
    Ok(held.decide(action, scope))
}

/// Passes if the caller may perform `action` across their current project; otherwise
/// records the refusal in the audit log and returns `Forbidden` naming the action.
pub async fn require(cx: Cx<'_>, action: Action, target: Target<'_>) -> Result<(), AppError> {
    require_in(cx, action, Scope::Project, target).await
}

/// Like [`require`], for an action in `scope` (inside one gateway, or anywhere for lists).
pub async fn require_in(
    cx: Cx<'_>,
    action: Action,
    scope: Scope<'_>,
    target: Target<'_>,
) -> Result<(), AppError> {
    if decide_in(cx, action, scope).await?.is_allowed() {
        return Ok(());
    }
    audit::record(
        cx.pool,
        cx.caller,
        action.name(),
        target,
        AuditResult::Refused,
        "permission missing",
    )
    .await?;
    Err(AppError::forbidden(action.name()))
}

/// The gateways among `gateway_ids` where the caller may perform `action`.
pub async fn gateways_allowing(
    cx: Cx<'_>,
    action: Action,
    gateway_ids: Vec<String>,
) -> Result<Vec<String>, AppError> {
    let held = held(cx.pool, &cx.caller.user_id, Some(&cx.caller.project_id)).await?;
    Ok(gateway_ids
        .into_iter()
        .filter(|id| held.decide(action, Scope::Gateway(id)).is_allowed())
        .collect())
}

/// The target of a check that is not about one resource: the kind `action` acts on.
pub fn any(action: Action) -> Target<'static> {
    Target {
        kind: action.target_kind(),
        id: "",
        name: "",
    }
}
