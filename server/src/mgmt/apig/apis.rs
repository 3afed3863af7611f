//! APIs (`apis`), their publishing (`apis/action`, `apis/publish`), versions and the
//! runtime definition, in the shapes `huaweicloudsdkapig` sends and reads.
use axum::extract::State;
use axum::http::StatusCode;
use axum::{Extension, Json};
use serde::Deserialize;
use serde_json::{json, Map, Value};

use app::model::api::{ApiDefinition, ApiInfo, Publication, VersionInfo};
use app::model::api_group::RELEASE_ID;
use app::services::apig::api_groups;
use app::services::apig::apis::{self, ApiFilter};
use app::services::caller::Caller;

use super::{apig_time_of, in_gateway, precise, slice, without};
use crate::mgmt::{page, ApiError, Body, MgmtState, Path, Query};

/// The definition's fields with what APIG adds to them: each request and backend
/// parameter's id.
fn definition_fields(api_id: &str, definition: &ApiDefinition) -> Map<String, Value> {
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
const BACKEND_FIELDS: &[&str] = &["backend_api", "backend_params", "mock_info"];

/// A parameter's id: stable while the API keeps a parameter of that name on that side
/// (Portico stores parameters inside the definition, without ids of their own).
fn parameter_id(api_id: &str, list: &str, name: &str) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(&Sha256::digest(format!("{api_id}/{list}/{name}"))[..16])
}

fn api(info: &ApiInfo) -> Value {
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

fn publish_resp(api_id: &str, api_name: &str, p: &Publication) -> Value {
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

pub async fn create(
    State(state): State<MgmtState>,
    Extension(caller): Extension<Caller>,
    Path((project_id, instance_id)): Path<(String, String)>,
    Body(definition): Body<ApiDefinition>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let caller = in_gateway(
        &state,
        caller,
        &project_id,
        &instance_id,
        "apig:apis:create",
        "API",
    )
    .await?;
    let created = apis::create(&state.pool, &caller, &instance_id, &definition).await?;
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

pub async fn list(
    State(state): State<MgmtState>,
    Extension(caller): Extension<Caller>,
    Path((project_id, instance_id)): Path<(String, String)>,
    Query(query): Query<ListQuery>,
) -> Result<Json<Value>, ApiError> {
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
    let caller = in_gateway(
        &state,
        caller,
        &project_id,
        &instance_id,
        "apig:apis:list",
        "API",
    )
    .await?;
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
    let (total, found) = apis::list(&state.pool, &caller, &instance_id, &filter, page).await?;
    // A list shows each API's frontend, as APIG's does; its backend is in its details.
    let items: Vec<Value> = found
        .iter()
        .map(|info| without(api(info), BACKEND_FIELDS))
        .collect();
    Ok(Json(
        json!({ "size": items.len(), "total": total, "apis": items }),
    ))
}

pub async fn show(
    State(state): State<MgmtState>,
    Extension(caller): Extension<Caller>,
    Path((project_id, instance_id, api_id)): Path<(String, String, String)>,
) -> Result<Json<Value>, ApiError> {
    let caller = in_gateway(
        &state,
        caller,
        &project_id,
        &instance_id,
        "apig:apis:get",
        "API",
    )
    .await?;
    let found = apis::get(&state.pool, &caller, &instance_id, &api_id).await?;
    Ok(Json(api(&found)))
}

pub async fn update(
    State(state): State<MgmtState>,
    Extension(caller): Extension<Caller>,
    Path((project_id, instance_id, api_id)): Path<(String, String, String)>,
    Body(definition): Body<ApiDefinition>,
) -> Result<Json<Value>, ApiError> {
    let caller = in_gateway(
        &state,
        caller,
        &project_id,
        &instance_id,
        "apig:apis:update",
        "API",
    )
    .await?;
    let updated = apis::update(&state.pool, &caller, &instance_id, &api_id, &definition).await?;
    Ok(Json(api(&updated)))
}

pub async fn delete(
    State(state): State<MgmtState>,
    Extension(caller): Extension<Caller>,
    Path((project_id, instance_id, api_id)): Path<(String, String, String)>,
) -> Result<StatusCode, ApiError> {
    let caller = in_gateway(
        &state,
        caller,
        &project_id,
        &instance_id,
        "apig:apis:delete",
        "API",
    )
    .await?;
    apis::delete(&state.pool, &caller, &instance_id, &api_id).await?;
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
pub async fn check(
    State(state): State<MgmtState>,
    Extension(caller): Extension<Caller>,
    Path((project_id, instance_id)): Path<(String, String)>,
    Body(body): Body<CheckBody>,
) -> Result<StatusCode, ApiError> {
    let caller = in_gateway(
        &state,
        caller,
        &project_id,
        &instance_id,
        "apig:apis:list",
        "API",
    )
    .await?;
    api_groups::get(&state.pool, &caller, &instance_id, &body.group_id).await?;
    let except = body.api_id.unwrap_or_default();
    match body.kind.as_str() {
        "name" => {
            let name = body.name.unwrap_or_default();
            apis::conflicts(&state.pool, &body.group_id, Some(&name), None, &except).await?;
        }
        "path" => {
            let method = body.req_method.unwrap_or_default();
            let uri = body.req_uri.unwrap_or_default();
            let mode = body.match_mode.unwrap_or_else(|| "NORMAL".to_owned());
            apis::conflicts(
                &state.pool,
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

#[derive(Deserialize)]
pub struct ActionBody {
    action: String,
    env_id: String,
    api_id: String,
    #[serde(default)]
    remark: String,
}

/// Publishes one API to an environment (`online`) or takes it offline there (`offline`).
pub async fn action(
    State(state): State<MgmtState>,
    Extension(caller): Extension<Caller>,
    Path((project_id, instance_id)): Path<(String, String)>,
    Body(body): Body<ActionBody>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let permission = match body.action.as_str() {
        "online" => "apig:apis:publish",
        "offline" => "apig:apis:offline",
        other => {
            return Err(ApiError::from(app::error::AppError::invalid(
                "action",
                format!("action is online or offline, not {other:?}."),
            )))
        }
    };
    let caller = in_gateway(&state, caller, &project_id, &instance_id, permission, "API").await?;
    let name = apis::get(&state.pool, &caller, &instance_id, &body.api_id)
        .await?
        .definition
        .name;
    let publication = if body.action == "online" {
        apis::publish(
            &state.pool,
            &caller,
            &instance_id,
            &body.api_id,
            &body.env_id,
            &body.remark,
        )
        .await?
    } else {
        apis::offline(
            &state.pool,
            &caller,
            &instance_id,
            &body.api_id,
            &body.env_id,
        )
        .await?
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
    State(state): State<MgmtState>,
    Extension(caller): Extension<Caller>,
    Path((project_id, instance_id)): Path<(String, String)>,
    Query(query): Query<BatchQuery>,
    Body(body): Body<BatchBody>,
) -> Result<Json<Value>, ApiError> {
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
        "apig:apis:publish"
    } else {
        "apig:apis:offline"
    };
    let caller = in_gateway(&state, caller, &project_id, &instance_id, permission, "API").await?;
    let mut ids = body.apis;
    if ids.is_empty() {
        let Some(group_id) = body.group_id.filter(|g| !g.is_empty()) else {
            return Err(ApiError::from(app::error::AppError::invalid(
                "apis",
                "Name the APIs, or a group_id whose APIs to take.",
            )));
        };
        // Every API of the group, however many (the limit is for a list of APIs).
        ids = apis::ids_in_group(&state.pool, &caller, &instance_id, &group_id).await?;
    } else if ids.len() > apis::MAX_BATCH {
        return Err(ApiError::from(app::error::AppError::invalid(
            "apis",
            format!("A batch holds at most {} APIs.", apis::MAX_BATCH),
        )));
    }
    let mut success = Vec::new();
    let mut failure = Vec::new();
    let outcomes = apis::batch(
        &state.pool,
        &caller,
        &instance_id,
        &ids,
        &body.env_id,
        online,
        &body.remark,
    )
    .await;
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
    State(state): State<MgmtState>,
    Extension(caller): Extension<Caller>,
    Path((project_id, instance_id, api_id)): Path<(String, String, String)>,
    Query(query): Query<VersionsQuery>,
) -> Result<Json<Value>, ApiError> {
    let page = page(query.offset, query.limit)?;
    let caller = in_gateway(
        &state,
        caller,
        &project_id,
        &instance_id,
        "apig:apis:get",
        "API",
    )
    .await?;
    let all = apis::versions(
        &state.pool,
        &caller,
        &instance_id,
        &api_id,
        query.env_id.as_deref(),
    )
    .await?;
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
    State(state): State<MgmtState>,
    Extension(caller): Extension<Caller>,
    Path((project_id, instance_id, api_id)): Path<(String, String, String)>,
    Body(body): Body<SwitchBody>,
) -> Result<Json<Value>, ApiError> {
    let caller = in_gateway(
        &state,
        caller,
        &project_id,
        &instance_id,
        "apig:apis:publish",
        "API",
    )
    .await?;
    let publication = apis::switch_version(
        &state.pool,
        &caller,
        &instance_id,
        &api_id,
        &body.version_id,
    )
    .await?;
    let name = apis::get(&state.pool, &caller, &instance_id, &api_id)
        .await?
        .definition
        .name;
    Ok(Json(publish_resp(&api_id, &name, &publication)))
}

pub async fn show_version(
    State(state): State<MgmtState>,
    Extension(caller): Extension<Caller>,
    Path((project_id, instance_id, version_id)): Path<(String, String, String)>,
) -> Result<Json<Value>, ApiError> {
    let caller = in_gateway(
        &state,
        caller,
        &project_id,
        &instance_id,
        "apig:apis:get",
        "API",
    )
    .await?;
    let (info, definition) = apis::version(&state.pool, &caller, &instance_id, &version_id).await?;
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

pub async fn delete_version(
    State(state): State<MgmtState>,
    Extension(caller): Extension<Caller>,
    Path((project_id, instance_id, version_id)): Path<(String, String, String)>,
) -> Result<StatusCode, ApiError> {
    let caller = in_gateway(
        &state,
        caller,
        &project_id,
        &instance_id,
        "apig:apis:offline",
        "API",
    )
    .await?;
    apis::delete_version(&state.pool, &caller, &instance_id, &version_id).await?;
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
    Extension(caller): Extension<Caller>,
    Path((project_id, instance_id, api_id)): Path<(String, String, String)>,
    Query(query): Query<RuntimeQuery>,
) -> Result<Json<Value>, ApiError> {
    let caller = in_gateway(
        &state,
        caller,
        &project_id,
        &instance_id,
        "apig:apis:get",
        "API",
    )
    .await?;
    let env_id = query
        .env_id
        .filter(|e| !e.is_empty())
        .unwrap_or_else(|| RELEASE_ID.to_owned());
    let (live, definition) =
        apis::runtime(&state.pool, &caller, &instance_id, &api_id, &env_id).await?;
    let group = api_groups::get(&state.pool, &caller, &instance_id, &definition.group_id).await?;
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
