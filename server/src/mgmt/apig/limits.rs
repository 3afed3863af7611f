//! The limits APIG lists (`instance/configs` for the project, `project/configs` for a
//! gateway, with what it uses) and the resource outlines (`resources/outline/*`).
use axum::Json;
use serde_json::{json, Value};

use app::model::permission::actions::apig as act;
use app::services::apig::limits::{self, Limits};

use super::{apig_time_of, slice, Paging};
use crate::mgmt::{ApiError, InGateway, InProject, Path, Query, Reply};

fn configs(limits: &Limits, with_used: bool) -> Vec<Value> {
    let at = apig_time_of(&app::services::audit::format_time(limits.set_at));
    limits
        .limits
        .iter()
        .map(|q| {
            let mut config = json!({
                "config_id": q.name.to_ascii_lowercase(),
                "config_name": q.name,
                "config_value": q.value.to_string(),
                "config_time": at,
                "remark": q.remark,
            });
            if with_used {
                config["used"] = json!(q.used.unwrap_or(0));
            }
            config
        })
        .collect()
}

fn paged(items: Vec<Value>, paging: &Paging) -> Result<Value, ApiError> {
    let (shown, total) = slice(items, paging.page()?);
    Ok(json!({ "size": shown.len(), "total": total, "configs": shown }))
}

/// The project's limits (`instance/configs`).
pub async fn instance_configs(project: InProject, Query(paging): Query<Paging>) -> Reply {
    let caller = project.allow(act::instances::list).await?;
    let limits = limits::project(caller.cx()).await?;
    Ok(Json(paged(configs(&limits, false), &paging)?))
}

/// A gateway's limits with what it uses (`project/configs`).
pub async fn gateway_configs(
    project: InProject,
    Path((_, instance_id)): Path<(String, String)>,
    Query(paging): Query<Paging>,
) -> Reply {
    let caller = project.allow_in(act::instances::get, &instance_id).await?;
    let limits = limits::gateway(caller.cx(), &instance_id).await?;
    Ok(Json(paged(configs(&limits, true), &paging)?))
}

pub async fn group_outline(
    project: InProject,
    Path((_, instance_id)): Path<(String, String)>,
) -> Reply {
    let caller = project.allow_in(act::groups::list, &instance_id).await?;
    let (on, off) = limits::group_outline(caller.cx(), &instance_id).await?;
    Ok(Json(json!({ "onsell_nums": on, "offsell_nums": off })))
}

pub async fn api_outline(
    project: InProject,
    Path((_, instance_id)): Path<(String, String)>,
) -> Reply {
    let caller = project.allow_in(act::apis::list, &instance_id).await?;
    let (all, released, other) = limits::api_outline(caller.cx(), &instance_id).await?;
    Ok(Json(
        json!({ "instance_num": all, "nums_on_release": released, "nums_off_release": other }),
    ))
}

/// Credentials authorized for some API, and the others.
pub async fn app_outline(gateway: InGateway) -> Reply {
    let (caller, instance_id) = gateway.allow(act::apps::list).await?;
    let (authed, unauthed) = limits::app_outline(caller.cx(), &instance_id).await?;
    Ok(Json(
        json!({ "authed_nums": authed, "unauthed_nums": unauthed }),
    ))
}
