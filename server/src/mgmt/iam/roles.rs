//! Roles and policies: the system ones (`/v3/roles`), custom ones (`OS-ROLE`), and their
//! grants to groups in projects.
use axum::extract::State;
use axum::http::{StatusCode, Uri};
use axum::{Extension, Json};
use serde::Deserialize;
use serde_json::{json, Value};

use app::domain::iam::PolicyInfo;
use app::services::audit::Target;
use app::services::caller::Caller;
use app::services::{authz, groups, policies};

use super::json::{collection_links, iam_time, in_account, keystone_page};
use crate::mgmt::apig::without;
use crate::mgmt::Body;
use crate::mgmt::{guard, ApiError, MgmtState, Path, Query};
use app::error::{AppError, Kind};

/// The service catalog a policy is listed under.
fn catalog(policy: &PolicyInfo) -> &'static str {
    match (policy.origin.as_str(), policy.name.starts_with("IAM")) {
        ("system", true) => "IAM",
        ("system", false) => "APIG",
        _ => "CUSTOMED",
    }
}

fn role(caller: &Caller, policy: &PolicyInfo) -> Value {
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
fn is_role(policy: &PolicyInfo) -> bool {
    policy.policy_type == "RT"
}

/// The type IAM shows: a role applies in projects (`XA`), like Huawei's system roles.
fn keystone_type(policy: &PolicyInfo) -> &str {
    if is_role(policy) {
        "XA"
    } else {
        &policy.policy_type
    }
}

/// Whether a policy is listed for the `type` filter.
fn applies_in(policy: &PolicyInfo, filter: &str) -> bool {
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
pub async fn list_system(
    State(state): State<MgmtState>,
    Extension(caller): Extension<Caller>,
    Query(query): Query<ListQuery>,
) -> Result<Json<Value>, ApiError> {
    guard(&state, &caller, "iam:policies:list", authz::any("policy")).await?;
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
    let all = policies::list(&state.pool, &caller).await?;
    let matching: Vec<&PolicyInfo> = all
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

pub async fn show(
    State(state): State<MgmtState>,
    Extension(caller): Extension<Caller>,
    Path(role_id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    guard(
        &state,
        &caller,
        "iam:policies:get",
        Target {
            kind: "policy",
            id: &role_id,
            name: "",
        },
    )
    .await?;
    let found = policies::get(&state.pool, &caller, &role_id).await?;
    Ok(Json(json!({ "role": role(&caller, &found) })))
}

fn grant_target(group_id: &str) -> Target<'_> {
    Target {
        kind: "group",
        id: group_id,
        name: "",
    }
}

/// Where a grant applies: one project, or (`None`) all projects, which Keystone's
/// domain-level calls and its `OS-INHERIT` calls both reach (Portico keeps one grant in
/// all projects, for IAM's own actions and every project's alike).
type Place = Option<String>;

/// The place of a domain-level path: the caller's own account, or nothing at all.
fn account_place(caller: &Caller, domain_id: &str) -> Result<Place, ApiError> {
    if domain_id == caller.account_id {
        Ok(None)
    } else {
        Err(ApiError::from(AppError::not_found(
            Kind::Account,
            format!("Domain {domain_id}"),
        )))
    }
}

async fn list_at(
    state: &MgmtState,
    caller: &Caller,
    place: Place,
    group_id: &str,
    path: String,
) -> Result<Json<Value>, ApiError> {
    guard(
        state,
        caller,
        "iam:permissions:listRolesForGroupOnProject",
        grant_target(group_id),
    )
    .await?;
    let grants = groups::grants(&state.pool, caller, group_id).await?;
    let mut items = Vec::new();
    for grant in grants.iter().filter(|g| g.project_id == place) {
        items.push(role(
            caller,
            &policies::get(&state.pool, caller, &grant.policy_id).await?,
        ));
    }
    Ok(Json(
        json!({ "roles": items, "links": collection_links(&path) }),
    ))
}

async fn grant_at(
    state: &MgmtState,
    caller: &Caller,
    place: Place,
    group_id: &str,
    role_id: &str,
) -> Result<StatusCode, ApiError> {
    guard(
        state,
        caller,
        "iam:permissions:grantRoleToGroupOnProject",
        grant_target(group_id),
    )
    .await?;
    groups::grant(&state.pool, caller, group_id, role_id, place.as_deref()).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn check_at(
    state: &MgmtState,
    caller: &Caller,
    place: Place,
    group_id: &str,
    role_id: &str,
) -> Result<StatusCode, ApiError> {
    guard(
        state,
        caller,
        "iam:permissions:checkRoleForGroupOnProject",
        grant_target(group_id),
    )
    .await?;
    let policy = policies::get(&state.pool, caller, role_id).await?;
    let granted = groups::grants(&state.pool, caller, group_id)
        .await?
        .iter()
        .any(|g| g.policy_id == policy.id && g.project_id == place);
    if granted {
        Ok(StatusCode::NO_CONTENT)
    } else {
        let place = match &place {
            Some(project_id) => format!("in project {project_id}"),
            None => "in all projects".to_owned(),
        };
        Err(ApiError::from(AppError::not_found(
            Kind::Policy,
            format!("Role {role_id} for group {group_id} {place}"),
        )))
    }
}

async fn revoke_at(
    state: &MgmtState,
    caller: &Caller,
    place: Place,
    group_id: &str,
    role_id: &str,
) -> Result<StatusCode, ApiError> {
    guard(
        state,
        caller,
        "iam:permissions:revokeRoleFromGroupOnProject",
        grant_target(group_id),
    )
    .await?;
    let policy = policies::get(&state.pool, caller, role_id).await?;
    groups::revoke(&state.pool, caller, group_id, &policy.id, place.as_deref()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /v3/projects/{project_id}/groups/{group_id}/roles`
pub async fn list_granted(
    State(state): State<MgmtState>,
    Extension(caller): Extension<Caller>,
    Path((project_id, group_id)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    let path = format!("/v3/projects/{project_id}/groups/{group_id}/roles");
    list_at(&state, &caller, Some(project_id), &group_id, path).await
}

/// `PUT /v3/projects/{project_id}/groups/{group_id}/roles/{role_id}`
pub async fn grant(
    State(state): State<MgmtState>,
    Extension(caller): Extension<Caller>,
    Path((project_id, group_id, role_id)): Path<(String, String, String)>,
) -> Result<StatusCode, ApiError> {
    grant_at(&state, &caller, Some(project_id), &group_id, &role_id).await
}

/// `HEAD /v3/projects/{project_id}/groups/{group_id}/roles/{role_id}`
pub async fn check_grant(
    State(state): State<MgmtState>,
    Extension(caller): Extension<Caller>,
    Path((project_id, group_id, role_id)): Path<(String, String, String)>,
) -> Result<StatusCode, ApiError> {
    check_at(&state, &caller, Some(project_id), &group_id, &role_id).await
}

/// `DELETE /v3/projects/{project_id}/groups/{group_id}/roles/{role_id}`
pub async fn revoke(
    State(state): State<MgmtState>,
    Extension(caller): Extension<Caller>,
    Path((project_id, group_id, role_id)): Path<(String, String, String)>,
) -> Result<StatusCode, ApiError> {
    revoke_at(&state, &caller, Some(project_id), &group_id, &role_id).await
}

/// `GET /v3/domains/{domain_id}/groups/{group_id}/roles`: the grants in all projects.
pub async fn list_granted_everywhere(
    State(state): State<MgmtState>,
    Extension(caller): Extension<Caller>,
    uri: Uri,
    Path((domain_id, group_id)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    let place = account_place(&caller, &domain_id)?;
    list_at(&state, &caller, place, &group_id, uri.path().to_owned()).await
}

/// `GET /v3/OS-INHERIT/domains/{domain_id}/groups/{group_id}/roles/inherited_to_projects`:
/// the same grants, in the shape of inherited roles (no `domain_id`).
pub async fn list_inherited(
    State(state): State<MgmtState>,
    Extension(caller): Extension<Caller>,
    uri: Uri,
    Path((domain_id, group_id)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    let place = account_place(&caller, &domain_id)?;
    let Json(mut body) = list_at(&state, &caller, place, &group_id, uri.path().to_owned()).await?;
    if let Some(roles) = body["roles"].as_array_mut() {
        for role in roles {
            *role = without(role.take(), &["domain_id"]);
        }
    }
    Ok(Json(body))
}

/// `PUT /v3/domains/{domain_id}/groups/{group_id}/roles/{role_id}` and its `OS-INHERIT`
/// `inherited_to_projects` form: a grant in all projects.
pub async fn grant_everywhere(
    State(state): State<MgmtState>,
    Extension(caller): Extension<Caller>,
    Path((domain_id, group_id, role_id)): Path<(String, String, String)>,
) -> Result<StatusCode, ApiError> {
    let place = account_place(&caller, &domain_id)?;
    grant_at(&state, &caller, place, &group_id, &role_id).await
}

/// `HEAD` of the domain-level and `OS-INHERIT` grant paths.
pub async fn check_grant_everywhere(
    State(state): State<MgmtState>,
    Extension(caller): Extension<Caller>,
    Path((domain_id, group_id, role_id)): Path<(String, String, String)>,
) -> Result<StatusCode, ApiError> {
    let place = account_place(&caller, &domain_id)?;
    check_at(&state, &caller, place, &group_id, &role_id).await
}

/// `DELETE` of the domain-level and `OS-INHERIT` grant paths.
pub async fn revoke_everywhere(
    State(state): State<MgmtState>,
    Extension(caller): Extension<Caller>,
    Path((domain_id, group_id, role_id)): Path<(String, String, String)>,
) -> Result<StatusCode, ApiError> {
    let place = account_place(&caller, &domain_id)?;
    revoke_at(&state, &caller, place, &group_id, &role_id).await
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
pub async fn create_custom(
    State(state): State<MgmtState>,
    Extension(caller): Extension<Caller>,
    Body(request): Body<CustomRequest>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    guard(&state, &caller, "iam:policies:create", authz::any("policy")).await?;
    let option = request.role;
    let document = option.policy.map(|p| p.to_string()).unwrap_or_default();
    let created = policies::create(
        &state.pool,
        &caller,
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

pub async fn list_custom(
    State(state): State<MgmtState>,
    Extension(caller): Extension<Caller>,
    Query(query): Query<CustomQuery>,
) -> Result<Json<Value>, ApiError> {
    guard(&state, &caller, "iam:policies:list", authz::any("policy")).await?;
    let custom = policies::list_custom(&state.pool, &caller).await?;
    let total = custom.len();
    let shown = keystone_page(custom, query.page, query.per_page, MAX_ROLES_PAGE)?;
    let items: Vec<Value> = shown.iter().map(|p| role(&caller, p)).collect();
    Ok(Json(
        json!({ "roles": items, "links": collection_links("/v3.0/OS-ROLE/roles"), "total_number": total }),
    ))
}

pub async fn update_custom(
    State(state): State<MgmtState>,
    Extension(caller): Extension<Caller>,
    Path(role_id): Path<String>,
    Body(request): Body<CustomRequest>,
) -> Result<Json<Value>, ApiError> {
    guard(
        &state,
        &caller,
        "iam:policies:update",
        Target {
            kind: "policy",
            id: &role_id,
            name: "",
        },
    )
    .await?;
    let option = request.role;
    let document = option.policy.map(|p| p.to_string());
    let updated = policies::update(
        &state.pool,
        &caller,
        &role_id,
        option.display_name.as_deref(),
        option.description.as_deref(),
        document.as_deref(),
    )
    .await?;
    Ok(Json(json!({ "role": role(&caller, &updated) })))
}

pub async fn delete_custom(
    State(state): State<MgmtState>,
    Extension(caller): Extension<Caller>,
    Path(role_id): Path<String>,
) -> Result<StatusCode, ApiError> {
    guard(
        &state,
        &caller,
        "iam:policies:delete",
        Target {
            kind: "policy",
            id: &role_id,
            name: "",
        },
    )
    .await?;
    policies::delete(&state.pool, &caller, &role_id).await?;
    Ok(StatusCode::OK)
}
