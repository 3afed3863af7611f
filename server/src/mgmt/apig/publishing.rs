//! Publishing APIs (`apis/action`, `apis/publish` in batches), their versions (list, show,
//! switch to, delete) and the runtime definition of a published API, in the shapes
//! `huaweicloudsdkapig` sends and reads.
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use app::model::api::VersionInfo;
use app::model::api_group::RELEASE_ID;
use app::model::permission::actions::apig as act;
use app::services::apig::api_groups;
use app::services::apig::apis::{self};

use super::{apig_time_of, slice, without};
use crate::mgmt::{page, ApiError, Body, Created, Done, InGateway, Item, MgmtState, Query, Reply};

use super::apis::{definition_fields, publish_resp, BACKEND_FIELDS};

#[derive(Deserialize)]
pub struct ActionBody {
    action: String,
    env_id: String,
    api_id: String,
    #[serde(default)]
    remark: String,
}

/// Publishes one API to an environment (`online`) or takes it offline there (`offline`).
pub async fn action(gateway: InGateway, Body(body): Body<ActionBody>) -> Created {
    let permission = match body.action.as_str() {
        "online" => act::apis::publish,
        "offline" => act::apis::offline,
        other => {
            return Err(ApiError::from(app::error::AppError::invalid(
                "action",
                format!("action is online or offline, not {other:?}."),
            )))
        }
    };
    let (caller, instance_id) = gateway.allow(permission).await?;
    let name = apis::get(caller.cx(), &instance_id, &body.api_id)
        .await?
        .definition
        .name;
    let publication = if body.action == "online" {
        apis::publish(
            caller.cx(),
            &instance_id,
            &body.api_id,
            &body.env_id,
            &body.remark,
        )
        .await?
    } else {
        apis::offline(caller.cx(), &instance_id, &body.api_id, &body.env_id).await?
    };
    Ok((
        StatusCode::CREATED,
        Json(publish_resp(&body.api_id, &name, &publication)),
    ))
}

#[derive(Deserialize)]
pub struct BatchQuery {
    action: String,
}

#[derive(Deserialize)]
pub struct BatchBody {
    #[serde(default)]
    apis: Vec<String>,
    env_id: String,
    group_id: Option<String>,
    #[serde(default)]
    remark: String,
}

/// Publishes or takes offline many APIs at once (`apis`, at most 1000, or every API of
/// `group_id`); each succeeds or fails on its own.
pub async fn batch(
    gateway: InGateway,
    Query(query): Query<BatchQuery>,
    Body(body): Body<BatchBody>,
) -> Reply {
    let online = match query.action.as_str() {
        "online" => true,
        "offline" => false,
        other => {
            return Err(ApiError::from(app::error::AppError::invalid(
                "action",
                format!("action is online or offline, not {other:?}."),
            )))
        }
    };
    let permission = if online {
        act::apis::publish
    } else {
        act::apis::offline
    };
    let (caller, instance_id) = gateway.allow(permission).await?;
    let mut ids = body.apis;
    if ids.is_empty() {
        let Some(group_id) = body.group_id.filter(|g| !g.is_empty()) else {
            return Err(ApiError::from(app::error::AppError::invalid(
                "apis",
                "Name the APIs, or a group_id whose APIs to take.",
            )));
        };
        // Every API of the group, however many (the limit is for a list of APIs).
        ids = apis::ids_in_group(caller.cx(), &instance_id, &group_id).await?;
    } else if ids.len() > apis::MAX_BATCH {
        return Err(ApiError::from(app::error::AppError::invalid(
            "apis",
            format!("A batch holds at most {} APIs.", apis::MAX_BATCH),
        )));
    }
    let mut success = Vec::new();
    let mut failure = Vec::new();
    let outcomes = apis::batch(
        caller.cx(),
        &instance_id,
        &ids,
        &body.env_id,
        online,
        &body.remark,
    )
    .await?;
    for (api_id, name, outcome) in outcomes {
        match outcome {
            Ok(publication) => success.push(publish_resp(&api_id, &name, &publication)),
            Err(error) => failure.push(json!({
                "api_id": api_id,
                "api_name": name,
                "error_code": error.code(),
                "error_msg": error.describe(),
            })),
        }
    }
    Ok(Json(json!({ "success": success, "failure": failure })))
}

fn version(v: &VersionInfo, number: usize) -> Value {
    json!({
        "version_id": v.version_id,
        "version_no": number.to_string(),
        "api_id": v.api_id,
        "env_id": v.env_id,
        "env_name": v.env_name,
        "remark": v.remark,
        "publish_time": apig_time_of(&v.published_at),
        "status": if v.live { 1 } else { 2 },
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VersionsQuery {
    offset: Option<i64>,
    limit: Option<i64>,
    env_id: Option<String>,
    env_name: Option<String>,
}

pub async fn versions(
    gateway: InGateway,
    Item(api_id): Item,
    Query(query): Query<VersionsQuery>,
) -> Reply {
    let page = page(query.offset, query.limit)?;
    let (caller, instance_id) = gateway.allow(act::apis::get).await?;
    let all = apis::versions(caller.cx(), &instance_id, &api_id, query.env_id.as_deref()).await?;
    // Numbered over all the API's versions, newest first, whatever the filter shows.
    let count = all.len();
    let numbered: Vec<(usize, _)> = all
        .into_iter()
        .enumerate()
        .map(|(i, v)| (count - i, v))
        .filter(|(_, v)| {
            query
                .env_name
                .as_deref()
                .is_none_or(|name| name.is_empty() || v.env_name == name)
        })
        .collect();
    let (shown, total) = slice(numbered, page);
    let shown: Vec<Value> = shown.iter().map(|(n, v)| version(v, *n)).collect();
    Ok(Json(
        json!({ "size": shown.len(), "total": total, "api_versions": shown }),
    ))
}

#[derive(Deserialize)]
pub struct SwitchBody {
    version_id: String,
}

/// Makes an older version live again in its environment.
pub async fn switch_version(
    gateway: InGateway,
    Item(api_id): Item,
    Body(body): Body<SwitchBody>,
) -> Reply {
    let (caller, instance_id) = gateway.allow(act::apis::publish).await?;
    let publication =
        apis::switch_version(caller.cx(), &instance_id, &api_id, &body.version_id).await?;
    let name = apis::get(caller.cx(), &instance_id, &api_id)
        .await?
        .definition
        .name;
    Ok(Json(publish_resp(&api_id, &name, &publication)))
}

pub async fn show_version(gateway: InGateway, Item(version_id): Item) -> Reply {
    let (caller, instance_id) = gateway.allow(act::apis::get).await?;
    let (info, definition) = apis::version(caller.cx(), &instance_id, &version_id).await?;
    let mut body = definition_fields(&info.api_id, &definition);
    body.insert("id".into(), json!(info.api_id));
    body.insert("version_id".into(), json!(info.version_id));
    body.insert("run_env_id".into(), json!(info.env_id));
    body.insert("run_env_name".into(), json!(info.env_name));
    body.insert(
        "publish_time".into(),
        json!(apig_time_of(&info.published_at)),
    );
    body.insert("status".into(), json!(if info.live { 1 } else { 2 }));
    Ok(Json(Value::Object(body)))
}

pub async fn delete_version(gateway: InGateway, Item(version_id): Item) -> Done {
    let (caller, instance_id) = gateway.allow(act::apis::offline).await?;
    apis::delete_version(caller.cx(), &instance_id, &version_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuntimeQuery {
    env_id: Option<String>,
}

/// The definition live in an environment (RELEASE when none is named).
pub async fn runtime(
    State(state): State<MgmtState>,
    gateway: InGateway,
    Item(api_id): Item,
    Query(query): Query<RuntimeQuery>,
) -> Reply {
    let (caller, instance_id) = gateway.allow(act::apis::get).await?;
    let env_id = query
        .env_id
        .filter(|e| !e.is_empty())
        .unwrap_or_else(|| RELEASE_ID.to_owned());
    let (live, definition) = apis::runtime(caller.cx(), &instance_id, &api_id, &env_id).await?;
    let group = api_groups::get(caller.cx(), &instance_id, &definition.group_id).await?;
    let sl_domain = group.sl_domain(&state.endpoints.subdomain_suffix);
    let mut body = definition_fields(&api_id, &definition);
    body.insert("id".into(), json!(api_id));
    body.insert("group_name".into(), json!(group.name));
    body.insert("run_env_id".into(), json!(live.env_id));
    body.insert("run_env_name".into(), json!(live.env_name));
    body.insert("publish_id".into(), json!(live.publish_id));
    body.insert("sl_domain".into(), json!(sl_domain));
    body.insert("sl_domains".into(), json!([sl_domain]));
    Ok(Json(without(Value::Object(body), BACKEND_FIELDS)))
}
