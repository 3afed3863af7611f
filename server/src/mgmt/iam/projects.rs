//! Projects and the account (domain) as IAM shows them.
use axum::extract::{Path, State};
use axum::{Extension, Json};
use serde_json::{json, Value};

use app::domain::ProjectRef;
use app::services::caller::Caller;
use app::services::{authz, projects};

use super::json::collection_links;
use crate::mgmt::{guard, ApiError, MgmtState};

fn project(caller: &Caller, project: &ProjectRef) -> Value {
    json!({
        "id": project.id,
        "name": project.name,
        "domain_id": caller.account_id,
        "parent_id": caller.account_id,
        "is_domain": false,
        "enabled": true,
        "description": "",
        "links": { "self": format!("/v3/projects/{}", project.id) },
    })
}

pub async fn auth_domains(
    State(state): State<MgmtState>,
    Extension(caller): Extension<Caller>,
) -> Result<Json<Value>, ApiError> {
    let name = projects::account_name(&state.pool, &caller.account_id).await?;
    Ok(Json(json!({
        "domains": [{ "id": caller.account_id, "name": name, "enabled": true, "description": "",
                      "links": { "self": format!("/v3/domains/{}", caller.account_id) } }],
        "links": { "self": "/v3/auth/domains" },
    })))
}

pub async fn list(
    State(state): State<MgmtState>,
    Extension(caller): Extension<Caller>,
) -> Result<Json<Value>, ApiError> {
    guard(&state, &caller, "iam:projects:list", authz::any("project")).await?;
    let all = projects::list(&state.pool, &caller.account_id).await?;
    let items: Vec<Value> = all.iter().map(|p| project(&caller, p)).collect();
    Ok(Json(
        json!({ "projects": items, "links": collection_links("/v3/projects") }),
    ))
}

pub async fn show(
    State(state): State<MgmtState>,
    Extension(caller): Extension<Caller>,
    Path(project_id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    guard(&state, &caller, "iam:projects:get", authz::any("project")).await?;
    let found = projects::find(&state.pool, &caller.account_id, &project_id)
        .await
        .map_err(|_| {
            ApiError::from(app::error::AppError::not_found(format!(
                "Project {project_id}"
            )))
        })?;
    Ok(Json(json!({ "project": project(&caller, &found) })))
}
