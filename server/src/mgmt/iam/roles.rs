//! Roles and policies: the system ones (`/v3/roles`), custom ones (`OS-ROLE`), and their
//! grants to groups in projects.
use axum::http::{StatusCode, Uri};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use app::model::iam::PermissionPolicy;
use app::model::permission::{actions::iam as act, Action};
use app::services::caller::Caller;
use app::services::{iam::permissions, iam::user_groups};

use super::json::{collection_links, iam_time, in_account, keystone_page};
use crate::mgmt::apig::without;
use crate::mgmt::Body;
use crate::mgmt::{Allowed, ApiError, Created, Done, InAccount, Path, Query, Reply};
use app::error::{AppError, Kind};

/// The service catalog a policy is listed under.
fn catalog(policy: &PermissionPolicy) -> &'static str {
    match (policy.origin.as_str(), policy.name.starts_with("IAM")) {
        ("system", true) => "IAM",
        ("system", false) => "APIG",
        _ => "CUSTOMED",
    }
}

fn role(caller: &Caller, policy: &PermissionPolicy) -> Value {
    let document: Value = serde_json::from_str(&policy.document).unwrap_or(Value::Null);
    let mut body = json!({
        "id": policy.id,
        "name": policy.name,
        "display_name": policy.name,
        "description": policy.description,
        "description_cn": "",
        "type": keystone_type(policy),
        "catalog": catalog(policy),
        "domain_id": if policy.origin == "system" { Value::Null } else { Value::String(caller.account_id.clone()) },
        "policy": document,
        "created_time": policy.created_at.as_deref().map(iam_time),
        "updated_time": policy.updated_at.as_deref().map(iam_time),
        "links": { "self": format!("/v3/roles/{}", policy.id) },
    });
    // System policies are fine-grained; roles are not, and custom policies' models have no
    // flag at all.
    if policy.origin == "system" && !is_role(policy) {
        body["flag"] = json!("fine_grained");
    }
    body
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    name: Option<String>,
    display_name: Option<String>,
    /// The account's id: its custom policies instead of the system ones.
    domain_id: Option<String>,
    page: Option<i64>,
    per_page: Option<i64>,
    /// `role` (the system roles) or `policy` (fine-grained policies).
    permission_type: Option<String>,
    /// Where a policy applies: `domain` (global services: AX, AA), `project` (XA, AA), or
    /// one type exactly.
    #[serde(rename = "type")]
    scope: Option<String>,
    catalog: Option<String>,
}

/// A system role (kept as type `RT`, which the console labels) rather than a policy.
fn is_role(policy: &PermissionPolicy) -> bool {
    policy.policy_type == "RT"
}

/// The type IAM shows: a role applies in projects (`XA`), like Huawei's system roles.
fn keystone_type(policy: &PermissionPolicy) -> &str {
    if is_role(policy) {
        "XA"
    } else {
        &policy.policy_type
    }
}

/// Whether a policy is listed for the `type` filter.
fn applies_in(policy: &PermissionPolicy, filter: &str) -> bool {
    let kind = keystone_type(policy);
    match filter {
        "domain" => kind == "AX" || kind == "AA",
        "project" => kind == "XA" || kind == "AA",
        exact => kind == exact,
    }
}

/// A filter whose value must be one of `allowed`.
fn one_of(name: &str, value: Option<&str>, allowed: &[&str]) -> Result<(), ApiError> {
    match value {
        Some(value) if !allowed.contains(&value) => Err(ApiError::invalid_parameter(
            name,
            format!("the value is one of {}", allowed.join(", ")),
        )),
        _ => Ok(()),
    }
}

/// Most roles one page of `GET /v3/roles` holds (Huawei IAM's limit).
const MAX_ROLES_PAGE: i64 = 300;

/// `GET /v3/roles`: the system roles and policies, or with `domain_id` the account's own.
pub async fn list_system(account: InAccount, Query(query): Query<ListQuery>) -> Reply {
    let caller = account.allow(act::policies::list).await?;
    one_of(
        "permission_type",
        query.permission_type.as_deref(),
        &["policy", "role"],
    )?;
    one_of(
        "type",
        query.scope.as_deref(),
        &["domain", "project", "AX", "XA", "AA"],
    )?;
    let custom = query.domain_id.as_deref().is_some_and(|d| !d.is_empty());
    if custom && !in_account(&caller, query.domain_id.as_deref()) {
        return Err(ApiError::from(AppError::not_found(
            Kind::Project,
            format!("Account {}", query.domain_id.unwrap_or_default()),
        )));
    }
    let all = permissions::list(caller.cx()).await?;
    let matching: Vec<&PermissionPolicy> = all
        .iter()
        .filter(|p| (p.origin == "system") != custom)
        .filter(|p| {
            query
                .name
                .as_ref()
                .is_none_or(|n| &p.name == n || &p.id == n)
        })
        .filter(|p| query.display_name.as_ref().is_none_or(|n| &p.name == n))
        .filter(|p| {
            query
                .permission_type
                .as_deref()
                .is_none_or(|t| (t == "role") == is_role(p))
        })
        .filter(|p| query.catalog.as_deref().is_none_or(|c| c == catalog(p)))
        .filter(|p| query.scope.as_deref().is_none_or(|t| applies_in(p, t)))
        .collect();
    let total = matching.len();
    let shown = keystone_page(matching, query.page, query.per_page, MAX_ROLES_PAGE)?;
    let items: Vec<Value> = shown.into_iter().map(|p| role(&caller, p)).collect();
    Ok(Json(
        json!({ "roles": items, "links": collection_links("/v3/roles"), "total_number": total }),
    ))
}

pub async fn show(account: InAccount, Path(role_id): Path<String>) -> Reply {
    let caller = account.allow_on(act::policies::get, &role_id).await?;
    let found = permissions::get(caller.cx(), &role_id).await?;
    Ok(Json(json!({ "role": role(&caller, &found) })))
}

/// A grant call's path: `/v3/projects/{project_id}/groups/{group_id}/roles[/{role_id}]`
/// for one project, or Keystone's `/v3/domains/{domain_id}/…` and
/// `/v3/OS-INHERIT/domains/{domain_id}/…/inherited_to_projects` for all projects (Portico
/// keeps one grant in all projects, for IAM's own actions and every project's alike, which
/// both families of calls reach).
#[derive(Deserialize)]
pub struct GrantPath {
    project_id: Option<String>,
    domain_id: Option<String>,
    group_id: String,
    #[serde(default)]
    role_id: String,
}

impl GrantPath {
    /// Where the grant applies: the project, or (`None`) all projects of the caller's own
    /// account; another account's domain does not exist.
    fn place(&self, account_id: &str) -> Result<Option<String>, ApiError> {
        match (&self.project_id, &self.domain_id) {
            (Some(project_id), _) => Ok(Some(project_id.clone())),
            (None, Some(domain_id)) if domain_id == account_id => Ok(None),
            (None, domain_id) => Err(ApiError::from(AppError::not_found(
                Kind::Account,
                format!("Domain {}", domain_id.as_deref().unwrap_or_default()),
            ))),
        }
    }

    /// The caller allowed `action` on the path's group, and where the grant applies.
    async fn allowed(
        &self,
        account: InAccount,
        action: Action,
    ) -> Result<(Allowed, Option<String>), ApiError> {
        let place = self.place(account.account_id())?;
        Ok((account.allow_on(action, &self.group_id).await?, place))
    }
}

/// The grants of a group where the path says; the `OS-INHERIT` form lists them in the
/// shape of inherited roles (no `domain_id`).
pub async fn list_granted(account: InAccount, uri: Uri, Path(at): Path<GrantPath>) -> Reply {
    let (caller, place) = at
        .allowed(account, act::permissions::listRolesForGroupOnProject)
        .await?;
    let inherited = uri.path().starts_with("/v3/OS-INHERIT/");
    let mut items = Vec::new();
    for grant in user_groups::grants(caller.cx(), &at.group_id)
        .await?
        .iter()
        .filter(|g| g.project_id == place)
    {
        let role = role(
            &caller,
            &permissions::get(caller.cx(), &grant.policy_id).await?,
        );
        items.push(if inherited {
            without(role, &["domain_id"])
        } else {
            role
        });
    }
    Ok(Json(
        json!({ "roles": items, "links": collection_links(uri.path()) }),
    ))
}

/// `PUT` of a grant path: the policy granted to the group where the path says.
pub async fn grant(account: InAccount, Path(at): Path<GrantPath>) -> Done {
    let (caller, place) = at
        .allowed(account, act::permissions::grantRoleToGroupOnProject)
        .await?;
    user_groups::grant(caller.cx(), &at.group_id, &at.role_id, place.as_deref()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `HEAD` of a grant path: 204 if the policy is granted there, else 404.
pub async fn check_grant(account: InAccount, Path(at): Path<GrantPath>) -> Done {
    let (caller, place) = at
        .allowed(account, act::permissions::checkRoleForGroupOnProject)
        .await?;
    let policy = permissions::get(caller.cx(), &at.role_id).await?;
    let granted = user_groups::grants(caller.cx(), &at.group_id)
        .await?
        .iter()
        .any(|g| g.policy_id == policy.id && g.project_id == place);
    if granted {
        return Ok(StatusCode::NO_CONTENT);
    }
    let place = match &place {
        Some(project_id) => format!("in project {project_id}"),
        None => "in all projects".to_owned(),
    };
    Err(ApiError::from(AppError::not_found(
        Kind::Policy,
        format!("Role {} for group {} {place}", at.role_id, at.group_id),
    )))
}

/// `DELETE` of a grant path.
pub async fn revoke(account: InAccount, Path(at): Path<GrantPath>) -> Done {
    let (caller, place) = at
        .allowed(account, act::permissions::revokeRoleFromGroupOnProject)
        .await?;
    let policy = permissions::get(caller.cx(), &at.role_id).await?;
    user_groups::revoke(caller.cx(), &at.group_id, &policy.id, place.as_deref()).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
pub struct CustomRequest {
    role: CustomOption,
}

#[derive(Deserialize)]
struct CustomOption {
    display_name: Option<String>,
    description: Option<String>,
    policy: Option<Value>,
}

/// `POST /v3.0/OS-ROLE/roles`
pub async fn create_custom(account: InAccount, Body(request): Body<CustomRequest>) -> Created {
    let caller = account.allow(act::policies::create).await?;
    let option = request.role;
    let document = option.policy.map(|p| p.to_string()).unwrap_or_default();
    let created = permissions::create(
        caller.cx(),
        option.display_name.as_deref().unwrap_or(""),
        option.description.as_deref().unwrap_or(""),
        &document,
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "role": role(&caller, &created) })),
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustomQuery {
    page: Option<i64>,
    per_page: Option<i64>,
}

pub async fn list_custom(account: InAccount, Query(query): Query<CustomQuery>) -> Reply {
    let caller = account.allow(act::policies::list).await?;
    let custom = permissions::list_custom(caller.cx()).await?;
    let total = custom.len();
    let shown = keystone_page(custom, query.page, query.per_page, MAX_ROLES_PAGE)?;
    let items: Vec<Value> = shown.iter().map(|p| role(&caller, p)).collect();
    Ok(Json(
        json!({ "roles": items, "links": collection_links("/v3.0/OS-ROLE/roles"), "total_number": total }),
    ))
}

pub async fn update_custom(
    account: InAccount,
    Path(role_id): Path<String>,
    Body(request): Body<CustomRequest>,
) -> Reply {
    let caller = account.allow_on(act::policies::update, &role_id).await?;
    let option = request.role;
    let document = option.policy.map(|p| p.to_string());
    let updated = permissions::update(
        caller.cx(),
        &role_id,
        option.display_name.as_deref(),
        option.description.as_deref(),
        document.as_deref(),
    )
    .await?;
    Ok(Json(json!({ "role": role(&caller, &updated) })))
}

pub async fn delete_custom(account: InAccount, Path(role_id): Path<String>) -> Done {
    let caller = account.allow_on(act::policies::delete, &role_id).await?;
    permissions::delete(caller.cx(), &role_id).await?;
    Ok(StatusCode::OK)
}
