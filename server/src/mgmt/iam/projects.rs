//! Projects and the account (domain) as IAM shows them.
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use app::model::permission::actions::iam as act;
use app::model::ProjectRef;
use app::services::caller::Caller;
use app::services::iam::projects;

use super::json::{collection_links, in_account, keystone_page, self_link};
use crate::mgmt::{ApiError, Body, Created, InAccount, Path, Query, Reply};
use app::error::Kind;

fn project(caller: &Caller, project: &ProjectRef) -> Value {
    json!({
        "id": project.id,
        "name": project.name,
        "domain_id": caller.account_id,
        "parent_id": caller.account_id,
        "is_domain": false,
        "enabled": true,
        "description": project.description,
        "links": { "self": format!("/v3/projects/{}", project.id) },
    })
}

pub async fn auth_domains(account: InAccount) -> Reply {
    // Every user may see the account they belong to.
    let caller = account.as_self();
    let name = projects::account_name(&caller.pool, &caller.account_id).await?;
    Ok(Json(json!({
        "domains": [{ "id": caller.account_id, "name": name, "enabled": true, "description": "",
                      "links": { "self": format!("/v3/domains/{}", caller.account_id) } }],
        "links": self_link("/v3/auth/domains"),
    })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    domain_id: Option<String>,
    /// The whole name, as Keystone matches it.
    name: Option<String>,
    parent_id: Option<String>,
    enabled: Option<bool>,
    is_domain: Option<bool>,
    page: Option<i64>,
    per_page: Option<i64>,
}

/// Most projects one page holds (Huawei IAM's limit).
const MAX_PROJECTS_PAGE: i64 = 5000;

pub async fn list(account: InAccount, Query(query): Query<ListQuery>) -> Reply {
    let caller = account.allow(act::projects::list).await?;
    // Every project is enabled, none is a domain, and each has the account as its parent.
    let matching: Vec<ProjectRef> = projects::list(&caller.pool, &caller.account_id)
        .await?
        .into_iter()
        .filter(|_| in_account(&caller, query.domain_id.as_deref()))
        .filter(|_| in_account(&caller, query.parent_id.as_deref()))
        .filter(|_| query.enabled != Some(false) && query.is_domain != Some(true))
        .filter(|p| query.name.as_ref().is_none_or(|name| &p.name == name))
        .collect();
    let shown = keystone_page(matching, query.page, query.per_page, MAX_PROJECTS_PAGE)?;
    let items: Vec<Value> = shown.iter().map(|p| project(&caller, p)).collect();
    Ok(Json(
        json!({ "projects": items, "links": collection_links("/v3/projects") }),
    ))
}

pub async fn show(account: InAccount, Path(project_id): Path<String>) -> Reply {
    let caller = account.allow(act::projects::get).await?;
    let found = projects::find(&caller.pool, &caller.account_id, &project_id)
        .await
        .map_err(|_| {
            ApiError::from(app::error::AppError::not_found(
                Kind::Project,
                format!("Project {project_id}"),
            ))
        })?;
    Ok(Json(json!({ "project": project(&caller, &found) })))
}

#[derive(Deserialize)]
pub struct ProjectRequest {
    project: ProjectOption,
}

#[derive(Deserialize)]
struct ProjectOption {
    name: Option<String>,
    description: Option<String>,
}

/// `POST /v3/projects`
pub async fn create(account: InAccount, Body(request): Body<ProjectRequest>) -> Created {
    let caller = account.allow(act::projects::create).await?;
    let option = request.project;
    let created = projects::create(
        caller.cx(),
        option.name.as_deref().unwrap_or(""),
        option.description.as_deref().unwrap_or(""),
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "project": project(&caller, &created) })),
    ))
}

/// `PATCH /v3/projects/{project_id}`
pub async fn update(
    account: InAccount,
    Path(project_id): Path<String>,
    Body(request): Body<ProjectRequest>,
) -> Reply {
    let caller = account.allow(act::projects::update).await?;
    let option = request.project;
    let updated = projects::update(
        caller.cx(),
        &project_id,
        option.name.as_deref(),
        option.description.as_deref(),
    )
    .await?;
    Ok(Json(json!({ "project": project(&caller, &updated) })))
}

/// `GET /v3/users/{user_id}/projects`: every project of the account is open to every
/// user (permissions come from grants).
pub async fn list_for_user(account: InAccount, Path(user_id): Path<String>) -> Reply {
    let caller = if user_id == account.user_id() {
        account.as_self()
    } else {
        account.allow(act::projects::list).await?
    };
    app::services::iam::users::get(caller.cx(), &user_id).await?;
    let all = projects::list(&caller.pool, &caller.account_id).await?;
    let items: Vec<Value> = all.iter().map(|p| project(&caller, p)).collect();
    let path = format!("/v3/users/{user_id}/projects");
    Ok(Json(
        json!({ "projects": items, "links": collection_links(&path) }),
    ))
}

/// `GET /v3/OS-FEDERATION/projects`: the projects the caller can reach.
pub async fn list_mine(account: InAccount) -> Reply {
    let caller = account.as_self();
    let all = projects::list(&caller.pool, &caller.account_id).await?;
    let items: Vec<Value> = all.iter().map(|p| project(&caller, p)).collect();
    Ok(Json(
        json!({ "projects": items, "links": self_link("/v3/OS-FEDERATION/projects") }),
    ))
}
