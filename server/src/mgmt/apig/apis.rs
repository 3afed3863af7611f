//! APIs (`apis`): create, list, show, update, delete and the route check, in the shapes
//! `huaweicloudsdkapig` sends and reads. Their publishing is in `publishing`.
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use app::model::api::{ApiDefinition, ApiInfo, Publication};
use app::model::permission::actions::apig as act;
use app::services::apig::api_groups;
use app::services::apig::apis::{self, ApiFilter};

use super::{apig_time_of, precise, without};
use crate::mgmt::{page, ApiError, Body, Created, Done, InGateway, Item, Query, Reply};

/// The definition's fields with what APIG adds to them: each request and backend
/// parameter's id.
pub(super) fn definition_fields(api_id: &str, definition: &ApiDefinition) -> Map<String, Value> {
    let mut map = match serde_json::to_value(definition) {
        Ok(Value::Object(map)) => map,
        _ => Map::new(),
    };
    for list in ["req_params", "backend_params"] {
        if let Some(Value::Array(params)) = map.get_mut(list) {
            for param in params.iter_mut().filter_map(Value::as_object_mut) {
                let name = param
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                let id = parameter_id(api_id, list, name);
                param.insert("id".into(), json!(id));
            }
        }
    }
    map
}

/// What an API's list item and runtime definition leave out: the backend.
pub(super) const BACKEND_FIELDS: &[&str] = &["backend_api", "backend_params", "mock_info"];

/// A parameter's id: stable while the API keeps a parameter of that name on that side
/// (Portico stores parameters inside the definition, without ids of their own).
pub(super) fn parameter_id(api_id: &str, list: &str, name: &str) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(&Sha256::digest(format!("{api_id}/{list}/{name}"))[..16])
}

pub(super) fn api(info: &ApiInfo) -> Value {
    let mut body = definition_fields(&info.id, &info.definition);
    let join = |pick: fn(&Publication) -> &str| {
        info.publications
            .iter()
            .map(pick)
            .collect::<Vec<_>>()
            .join("|")
    };
    let extra = json!({
        "id": info.id,
        "status": 1,
        "arrange_necessary": 2,
        "register_time": apig_time_of(&info.created_at),
        "update_time": apig_time_of(&info.updated_at),
        "group_name": info.group_name,
        "group_version": "V1",
        "run_env_id": join(|p| &p.env_id),
        "run_env_name": join(|p| &p.env_name),
        "publish_id": join(|p| &p.publish_id),
        "publish_time": info.publications.iter().map(|p| apig_time_of(&p.published_at)).collect::<Vec<_>>().join("|"),
    });
    if let Some(extra) = extra.as_object() {
        body.extend(extra.clone());
    }
    Value::Object(body)
}

pub(super) fn publish_resp(api_id: &str, api_name: &str, p: &Publication) -> Value {
    json!({
        "publish_id": p.publish_id,
        "api_id": api_id,
        "api_name": api_name,
        "env_id": p.env_id,
        "remark": p.remark,
        "publish_time": apig_time_of(&p.published_at),
        "version_id": p.version_id,
    })
}

pub async fn create(gateway: InGateway, Body(definition): Body<ApiDefinition>) -> Created {
    let (caller, instance_id) = gateway.allow(act::apis::create).await?;
    let created = apis::create(caller.cx(), &instance_id, &definition).await?;
    Ok((StatusCode::CREATED, Json(api(&created))))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    offset: Option<i64>,
    limit: Option<i64>,
    id: Option<String>,
    name: Option<String>,
    group_id: Option<String>,
    req_protocol: Option<String>,
    req_method: Option<String>,
    req_uri: Option<String>,
    auth_type: Option<String>,
    env_id: Option<String>,
    #[serde(rename = "type")]
    visibility: Option<i32>,
    precise_search: Option<String>,
    vpc_channel_name: Option<String>,
    return_data_mode: Option<String>,
    tags: Option<String>,
}

pub async fn list(gateway: InGateway, Query(query): Query<ListQuery>) -> Reply {
    let page = page(query.offset, query.limit)?;
    let exact = precise(query.precise_search.as_deref(), &["name", "req_uri"])?;
    // Every mode lists what Portico has of an API; a mode it does not know is refused.
    if let Some(mode) = query.return_data_mode.as_deref() {
        if !["brief", "normal", "full"].contains(&mode) {
            return Err(ApiError::invalid_parameter(
                "return_data_mode",
                "the mode is brief, normal or full",
            ));
        }
    }
    let (caller, instance_id) = gateway.allow(act::apis::list).await?;
    // No API of Portico's reaches its backend through a VPC channel.
    if query
        .vpc_channel_name
        .as_deref()
        .is_some_and(|v| !v.is_empty())
    {
        return Ok(Json(json!({ "size": 0, "total": 0, "apis": [] })));
    }
    let filter = ApiFilter {
        id: query.id,
        name: query.name,
        exact_name: exact.contains(&"name"),
        group_id: query.group_id,
        req_method: query.req_method,
        req_uri: query.req_uri,
        exact_uri: exact.contains(&"req_uri"),
        env_id: query.env_id,
        req_protocol: query.req_protocol,
        auth_type: query.auth_type,
        visibility: query.visibility,
        tags: query
            .tags
            .as_deref()
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
            .collect(),
        ..ApiFilter::default()
    };
    let (total, found) = apis::list(caller.cx(), &instance_id, &filter, page).await?;
    // A list shows each API's frontend, as APIG's does; its backend is in its details.
    let items: Vec<Value> = found
        .iter()
        .map(|info| without(api(info), BACKEND_FIELDS))
        .collect();
    Ok(Json(
        json!({ "size": items.len(), "total": total, "apis": items }),
    ))
}

pub async fn show(gateway: InGateway, Item(api_id): Item) -> Reply {
    let (caller, instance_id) = gateway.allow(act::apis::get).await?;
    let found = apis::get(caller.cx(), &instance_id, &api_id).await?;
    Ok(Json(api(&found)))
}

pub async fn update(
    gateway: InGateway,
    Item(api_id): Item,
    Body(definition): Body<ApiDefinition>,
) -> Reply {
    let (caller, instance_id) = gateway.allow(act::apis::update).await?;
    let updated = apis::update(caller.cx(), &instance_id, &api_id, &definition).await?;
    Ok(Json(api(&updated)))
}

pub async fn delete(gateway: InGateway, Item(api_id): Item) -> Done {
    let (caller, instance_id) = gateway.allow(act::apis::delete).await?;
    apis::delete(caller.cx(), &instance_id, &api_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
pub struct CheckBody {
    #[serde(rename = "type")]
    kind: String,
    name: Option<String>,
    req_method: Option<String>,
    req_uri: Option<String>,
    match_mode: Option<String>,
    group_id: String,
    api_id: Option<String>,
}

/// Whether a name (`type: name`) or a route (`type: path`) is free in a group: 204 if so.
pub async fn check(gateway: InGateway, Body(body): Body<CheckBody>) -> Done {
    let (caller, instance_id) = gateway.allow(act::apis::list).await?;
    api_groups::get(caller.cx(), &instance_id, &body.group_id).await?;
    let except = body.api_id.unwrap_or_default();
    match body.kind.as_str() {
        "name" => {
            let name = body.name.unwrap_or_default();
            apis::conflicts(&caller.pool, &body.group_id, Some(&name), None, &except).await?;
        }
        "path" => {
            let method = body.req_method.unwrap_or_default();
            let uri = body.req_uri.unwrap_or_default();
            let mode = body.match_mode.unwrap_or_else(|| "NORMAL".to_owned());
            apis::conflicts(
                &caller.pool,
                &body.group_id,
                None,
                Some((&method, &uri, &mode)),
                &except,
            )
            .await?;
        }
        other => {
            return Err(ApiError::from(app::error::AppError::invalid(
                "type",
                format!("type is name or path, not {other:?}."),
            )))
        }
    }
    Ok(StatusCode::NO_CONTENT)
}
