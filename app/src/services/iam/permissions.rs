//! Policies: the system ones built into Portico and the account's custom ones.

use super::name_was_free;

use crate::error::Kind;
use crate::error::{invalid_if, AppError};
use crate::model::iam::{self, PermissionPolicy};
use crate::model::permission::actions::iam as act;
use crate::model::permission::document::{self, PermissionDocument};
use crate::model::permission::system::{
    system_policy, PermissionPolicyKind, SystemPermissionPolicy, SYSTEM_POLICIES,
};
use crate::services::audit::format_time;
use crate::services::caller::Cx;
use crate::services::change::{Change, Table};
use crate::services::ids::new_id;

fn system_info(policy: &SystemPermissionPolicy) -> PermissionPolicy {
    PermissionPolicy {
        id: policy.id.to_owned(),
        name: policy.display_name.to_owned(),
        description: policy.description.to_owned(),
        origin: "system".to_owned(),
        policy_type: match policy.kind {
            PermissionPolicyKind::Role => "RT".to_owned(),
            PermissionPolicyKind::Policy => "AA".to_owned(),
        },
        document: policy.document.to_owned(),
        created_at: None,
        updated_at: None,
    }
}

/// System policies first, then custom ones, each by name.
pub async fn list(cx: Cx<'_>) -> Result<Vec<PermissionPolicy>, AppError> {
    let mut all: Vec<PermissionPolicy> = SYSTEM_POLICIES.iter().map(system_info).collect();
    all.extend(list_custom(cx).await?);
    Ok(all)
}

pub async fn list_custom(cx: Cx<'_>) -> Result<Vec<PermissionPolicy>, AppError> {
    let rows = sqlx::query!(
        "SELECT id, name, description, policy_type, document::text AS \"document!\", created_at, updated_at
           FROM permission_policies WHERE account_id = $1 ORDER BY name",
        cx.caller.account_id
    )
    .fetch_all(cx.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| PermissionPolicy {
            id: r.id,
            name: r.name,
            description: r.description,
            origin: "custom".to_owned(),
            policy_type: r.policy_type,
            document: r.document,
            created_at: Some(format_time(r.created_at)),
            updated_at: Some(format_time(r.updated_at)),
        })
        .collect())
}

/// A system policy by id or name, or a custom policy of the account by id.
pub async fn get(cx: Cx<'_>, policy_id: &str) -> Result<PermissionPolicy, AppError> {
    if let Some(system) = system_policy(policy_id) {
        return Ok(system_info(system));
    }
    list_custom(cx)
        .await?
        .into_iter()
        .find(|p| p.id == policy_id)
        .ok_or_else(|| AppError::not_found(Kind::Policy, format!("Policy {policy_id}")))
}

fn validate(name: &str, description: &str, text: &str) -> Result<PermissionDocument, AppError> {
    invalid_if(
        name.trim().is_empty() || name.chars().count() > 64,
        "name",
        "A policy name has 1 to 64 characters.",
    )?;
    invalid_if(
        system_policy(name).is_some(),
        "name",
        "That name belongs to a system policy; choose another.",
    )?;
    iam::validate_description("description", description)?;
    document::parse(text).map_err(|error| AppError::invalid("document", error.to_string()))
}

pub async fn create(
    cx: Cx<'_>,
    name: &str,
    description: &str,
    text: &str,
) -> Result<PermissionPolicy, AppError> {
    let document = validate(name, description, text)?;
    let json = serde_json::to_value(&document).map_err(|e| AppError::Internal(e.to_string()))?;
    let id = new_id();
    let mut change = Change::begin(cx).await?;
    let written = sqlx::query!(
        "INSERT INTO permission_policies (id, account_id, name, description, document) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (account_id, name) DO NOTHING",
        id,
        cx.caller.account_id,
        name,
        description,
        json
    )
    .execute(&mut *change)
    .await?;
    name_was_free(written, Kind::Policy, "policy", name)?;
    change
        .commit_on(act::policies::create, &id, name, "")
        .await?;
    get(cx, &id).await
}

pub async fn update(
    cx: Cx<'_>,
    policy_id: &str,
    name: Option<&str>,
    description: Option<&str>,
    text: Option<&str>,
) -> Result<PermissionPolicy, AppError> {
    let current = get(cx, policy_id).await?;
    if current.origin == "system" {
        return Err(AppError::conflict(
            None,
            "System policies cannot be changed.",
        ));
    }
    let name = name.unwrap_or(&current.name);
    let description = description.unwrap_or(&current.description);
    let document = validate(name, description, text.unwrap_or(&current.document))?;
    let json = serde_json::to_value(&document).map_err(|e| AppError::Internal(e.to_string()))?;
    let mut change = Change::begin(cx).await?;
    let written = sqlx::query!(
        "UPDATE permission_policies SET name = $3, description = $4, document = $5, updated_at = now()
          WHERE account_id = $1 AND id = $2
            AND NOT EXISTS (SELECT 1 FROM permission_policies o WHERE o.account_id = $1 AND o.name = $3 AND o.id <> $2)",
        cx.caller.account_id,
        policy_id,
        name,
        description,
        json
    )
    .execute(&mut *change)
    .await?;
    name_was_free(written, Kind::Policy, "policy", name)?;
    change
        .commit_on(act::policies::update, policy_id, name, "")
        .await?;
    get(cx, policy_id).await
}

/// The names of the user groups granted `policy_id`, in name order.
pub async fn holders(cx: Cx<'_>, policy_id: &str) -> Result<Vec<String>, AppError> {
    get(cx, policy_id).await?;
    Ok(sqlx::query_scalar!(
        "SELECT DISTINCT g.name FROM user_group_grants gg JOIN user_groups g ON g.id = gg.group_id WHERE gg.policy_id = $1 ORDER BY g.name",
        policy_id
    )
    .fetch_all(cx.pool)
    .await?)
}

/// Deletes a custom policy that no group holds any more.
pub async fn delete(cx: Cx<'_>, policy_id: &str) -> Result<(), AppError> {
    let current = get(cx, policy_id).await?;
    if current.origin == "system" {
        return Err(AppError::conflict(
            None,
            "System policies cannot be deleted.",
        ));
    }
    let holders = holders(cx, policy_id).await?;
    if !holders.is_empty() {
        return Err(AppError::conflict(
            None,
            format!(
                "The policy is still granted to: {}. Revoke it there first.",
                holders.join(", ")
            ),
        ));
    }
    let mut change = Change::begin(cx).await?;
    change
        .delete(Table::PermissionPolicies, &current.id)
        .await?;
    change
        .commit_on(act::policies::delete, policy_id, &current.name, "")
        .await
}
