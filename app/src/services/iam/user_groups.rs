//! IAM user groups, their members, and the policies granted to them per project.

use super::Named;

use crate::error::Kind;
use crate::error::{not_found_if, AppError};
use crate::model::iam::{self, Grant, PermissionPolicy, User, UserGroup};
use crate::model::permission::actions::iam as act;
use crate::model::permission::grant::{account_wide_actions, demands};
use crate::model::permission::parse;
use crate::model::ProjectRef;
use crate::services::audit::format_time;
use crate::services::caller::Cx;
use crate::services::change::{Change, Table};
use crate::services::{iam::authz, iam::permissions};

struct Row {
    id: String,
    name: String,
    description: String,
    created_at: time::OffsetDateTime,
}

impl From<Row> for UserGroup {
    fn from(row: Row) -> Self {
        UserGroup {
            id: row.id,
            name: row.name,
            description: row.description,
            created_at: format_time(row.created_at),
        }
    }
}

pub async fn list(cx: Cx<'_>, name: Option<&str>) -> Result<Vec<UserGroup>, AppError> {
    let rows = sqlx::query_as!(
        Row,
        "SELECT id, name, description, created_at FROM user_groups
          WHERE account_id = $1 AND ($2::text IS NULL OR name = $2) ORDER BY name",
        cx.caller.account_id,
        name
    )
    .fetch_all(cx.pool)
    .await?;
    Ok(rows.into_iter().map(UserGroup::from).collect())
}

pub async fn get(cx: Cx<'_>, group_id: &str) -> Result<UserGroup, AppError> {
    sqlx::query_as!(
        Row,
        "SELECT id, name, description, created_at FROM user_groups WHERE account_id = $1 AND id = $2",
        cx.caller.account_id,
        group_id
    )
    .fetch_optional(cx.pool)
    .await?
    .map(UserGroup::from)
    .ok_or_else(|| AppError::not_found(Kind::UserGroup, format!("User group {group_id}")))
}

const GROUPS: Named = Named {
    table: "user_groups",
    kind: Kind::UserGroup,
    what: "user group",
};

pub async fn create(cx: Cx<'_>, name: &str, description: &str) -> Result<UserGroup, AppError> {
    iam::validate_name("name", "group", name)?;
    iam::validate_description("description", description)?;
    let id = GROUPS
        .create(cx, act::groups::create, name, description)
        .await?;
    get(cx, &id).await
}

pub async fn update(
    cx: Cx<'_>,
    group_id: &str,
    name: Option<&str>,
    description: Option<&str>,
) -> Result<UserGroup, AppError> {
    let current = get(cx, group_id).await?;
    let name = name.unwrap_or(&current.name);
    iam::validate_name("name", "group", name)?;
    if let Some(description) = description {
        iam::validate_description("description", description)?;
    }
    GROUPS
        .update(cx, act::groups::update, group_id, name, description)
        .await?;
    get(cx, group_id).await
}

pub async fn delete(cx: Cx<'_>, group_id: &str) -> Result<(), AppError> {
    let group = get(cx, group_id).await?;
    if group.name == crate::services::bootstrap::ADMIN_GROUP {
        return Err(AppError::conflict(
            None,
            "The admin group holds the account administrators and cannot be deleted.",
        ));
    }
    let mut change = Change::begin(cx).await?;
    change.delete(Table::UserGroups, &group.id).await?;
    change
        .commit_on(act::groups::delete, group_id, &group.name, "")
        .await
}

/// Adds a user to a group (no change if already a member).
pub async fn add_member(cx: Cx<'_>, group_id: &str, user_id: &str) -> Result<(), AppError> {
    let group = get(cx, group_id).await?;
    let user = crate::services::iam::users::get(cx, user_id).await?;
    let mut change = Change::begin(cx).await?;
    sqlx::query!(
        "INSERT INTO user_group_members (group_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        group_id,
        user_id
    )
    .execute(&mut *change)
    .await?;
    let detail = format!("added user {}", user.name);
    change
        .commit_on(act::groups::addUser, group_id, &group.name, &detail)
        .await
}

pub async fn remove_member(cx: Cx<'_>, group_id: &str, user_id: &str) -> Result<(), AppError> {
    let group = get(cx, group_id).await?;
    let user = crate::services::iam::users::get(cx, user_id).await?;
    if group.name == crate::services::bootstrap::ADMIN_GROUP && user.name == "admin" {
        return Err(AppError::conflict(
            None,
            "The user admin stays in the admin group.",
        ));
    }
    let mut change = Change::begin(cx).await?;
    let removed = sqlx::query!(
        "DELETE FROM user_group_members WHERE group_id = $1 AND user_id = $2",
        group_id,
        user_id
    )
    .execute(&mut *change)
    .await?;
    let what = format!("User {} in group {}", user.name, group.name);
    not_found_if(removed.rows_affected() == 0, Kind::User, what)?;
    let detail = format!("removed user {}", user.name);
    change
        .commit_on(act::groups::removeUser, group_id, &group.name, &detail)
        .await
}

pub async fn is_member(cx: Cx<'_>, group_id: &str, user_id: &str) -> Result<bool, AppError> {
    get(cx, group_id).await?;
    Ok(sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM user_group_members WHERE group_id = $1 AND user_id = $2) AS "exists!""#,
        group_id,
        user_id
    )
    .fetch_one(cx.pool)
    .await?)
}

pub async fn members(cx: Cx<'_>, group_id: &str) -> Result<Vec<User>, AppError> {
    get(cx, group_id).await?;
    let ids = sqlx::query_scalar!(
        "SELECT u.id FROM user_group_members m JOIN users u ON u.id = m.user_id WHERE m.group_id = $1 ORDER BY u.name",
        group_id
    )
    .fetch_all(cx.pool)
    .await?;
    let mut users = Vec::with_capacity(ids.len());
    for id in ids {
        users.push(crate::services::iam::users::get(cx, &id).await?);
    }
    Ok(users)
}

pub async fn groups_of_user(cx: Cx<'_>, user_id: &str) -> Result<Vec<UserGroup>, AppError> {
    crate::services::iam::users::get(cx, user_id).await?;
    let rows = sqlx::query_as!(
        Row,
        "SELECT g.id, g.name, g.description, g.created_at FROM user_group_members m
           JOIN user_groups g ON g.id = m.group_id WHERE m.user_id = $1 ORDER BY g.name",
        user_id
    )
    .fetch_all(cx.pool)
    .await?;
    Ok(rows.into_iter().map(UserGroup::from).collect())
}

/// Grants a policy to a group in `project_id`, or in all projects when `None`.
pub async fn grant(
    cx: Cx<'_>,
    group_id: &str,
    policy_id: &str,
    project_id: Option<&str>,
) -> Result<(), AppError> {
    let group = get(cx, group_id).await?;
    let policy = grantable(cx, policy_id, project_id).await?;
    let mut change = Change::begin(cx).await?;
    sqlx::query!(
        "INSERT INTO user_group_grants (group_id, policy_id, project_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
        group_id,
        policy.id,
        project_id
    )
    .execute(&mut *change)
    .await?;
    let detail = format!(
        "granted {} in {}",
        policy.name,
        project_id.unwrap_or("all projects")
    );
    change
        .commit_on(
            act::permissions::grantRoleToGroupOnProject,
            group_id,
            &group.name,
            &detail,
        )
        .await
}

/// The policy `policy_id` if `caller` may grant it in `project_id` (all projects with
/// `None`) under IAM's rules ([`within_reach`]); the user wizard asks before it creates
/// anything.
pub async fn grantable(
    cx: Cx<'_>,
    policy_id: &str,
    project_id: Option<&str>,
) -> Result<PermissionPolicy, AppError> {
    let policy = permissions::get(cx, policy_id).await?;
    let project = match project_id {
        Some(project_id) => Some(
            crate::services::iam::projects::find(cx.pool, &cx.caller.account_id, project_id)
                .await?,
        ),
        None => None,
    };
    within_reach(cx, &policy, project.as_ref()).await?;
    Ok(policy)
}

/// Refuses a grant of `policy` in `project` (all projects with `None`) that breaks IAM's
/// rules: a policy with `iam:` actions applies to the whole account, so it is granted in
/// all projects only; and nobody hands over an action they do not hold where the grant
/// applies (a project grant, in that project; a grant in all projects, in all of them).
async fn within_reach(
    cx: Cx<'_>,
    policy: &PermissionPolicy,
    project: Option<&ProjectRef>,
) -> Result<(), AppError> {
    let document = parse(&policy.document).map_err(|error| {
        AppError::Internal(format!("policy {} does not parse: {error}", policy.id))
    })?;
    if project.is_some() {
        if let Some(action) = account_wide_actions(&document).first() {
            return Err(AppError::invalid(
                "project_id",
                format!(
                    "{} names IAM actions such as {action}, which apply to the whole account: grant it in all projects.",
                    policy.name
                ),
            ));
        }
    }
    let held = authz::held(cx.pool, &cx.caller.user_id, project.map(|p| p.id.as_str())).await?;
    let mut missing: Vec<&str> = Vec::new();
    for demand in demands(&document) {
        if !held.decide(demand.action, demand.scope).is_allowed()
            && !missing.contains(&demand.action.name())
        {
            missing.push(demand.action.name());
        }
    }
    if missing.is_empty() {
        return Ok(());
    }
    let place = match project {
        Some(project) => format!("in project {}", project.name),
        None => "in all projects".to_owned(),
    };
    let named = match missing.len() {
        1..=3 => missing.join(", "),
        n => format!("{} and {} more", missing[..3].join(", "), n - 3),
    };
    Err(AppError::Beyond {
        message: format!(
            "You can grant only what you hold yourself: {} allows {named}, which you do not have {place}.",
            policy.name
        ),
    })
}

pub async fn revoke(
    cx: Cx<'_>,
    group_id: &str,
    policy_id: &str,
    project_id: Option<&str>,
) -> Result<(), AppError> {
    let group = get(cx, group_id).await?;
    if group.name == crate::services::bootstrap::ADMIN_GROUP {
        return Err(AppError::conflict(
            None,
            "The admin group's permissions cannot be revoked.",
        ));
    }
    let policy = permissions::get(cx, policy_id).await?;
    let policy_id = policy.id.as_str();
    let mut change = Change::begin(cx).await?;
    let removed = sqlx::query!(
        "DELETE FROM user_group_grants WHERE group_id = $1 AND policy_id = $2 AND coalesce(project_id, '') = coalesce($3, '')",
        group_id,
        policy_id,
        project_id
    )
    .execute(&mut *change)
    .await?;
    let what = format!("Policy {policy_id} granted to group {}", group.name);
    not_found_if(removed.rows_affected() == 0, Kind::Policy, what)?;
    let detail = format!(
        "revoked {} in {}",
        policy.name,
        project_id.unwrap_or("all projects")
    );
    change
        .commit_on(
            act::permissions::revokeRoleFromGroupOnProject,
            group_id,
            &group.name,
            &detail,
        )
        .await
}

/// The policies granted to a group, with where they apply.
pub async fn grants(cx: Cx<'_>, group_id: &str) -> Result<Vec<Grant>, AppError> {
    get(cx, group_id).await?;
    let rows = sqlx::query!(
        r#"SELECT g.policy_id, g.project_id, p.name AS "project_name?"
             FROM user_group_grants g LEFT JOIN projects p ON p.id = g.project_id
            WHERE g.group_id = $1 ORDER BY g.id"#,
        group_id
    )
    .fetch_all(cx.pool)
    .await?;
    let mut grants = Vec::with_capacity(rows.len());
    for row in rows {
        let policy_name = permissions::get(cx, &row.policy_id)
            .await
            .map(|p| p.name)
            .unwrap_or_else(|_| row.policy_id.clone());
        grants.push(Grant {
            policy_id: row.policy_id,
            policy_name,
            project_id: row.project_id,
            project_name: row.project_name,
        });
    }
    Ok(grants)
}
