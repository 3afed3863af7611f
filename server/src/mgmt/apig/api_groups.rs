//! API groups (`api-groups`), environments (`envs`) and environment variables
//! (`env-variables`) of a gateway.
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use app::model::api_group::{ApiGroup, Environment, Variable};
use app::model::certificate::BoundDomain;
use app::model::permission::actions::apig as act;
use app::services::apig::api_groups::GroupFilter;
use app::services::apig::environments::{self, VariableFilter};
use app::services::{apig::api_groups, apig::domains};

use super::{apig_time_of, precise};
use crate::mgmt::{page, Body, Created, Done, InGateway, Item, MgmtState, Query, Reply};

fn group(state: &MgmtState, group: &ApiGroup, bound: &[BoundDomain]) -> Value {
    let url_domains: Vec<Value> = bound
        .iter()
        .filter(|d| d.group_id == group.id)
        .map(super::domains::url_domain)
        .collect();
    let sl_domain = group.sl_domain(&state.endpoints.subdomain_suffix);
    json!({
        "id": group.id,
        "name": group.name,
        "status": 1,
        "sl_domain": sl_domain,
        "sl_domains": [sl_domain],
        "register_time": apig_time_of(&group.created_at),
        "update_time": apig_time_of(&group.updated_at),
        "on_sell_status": 2,
        "url_domains": url_domains,
        "sl_domain_access_enabled": group.sl_domain_access_enabled,
        "remark": group.remark,
        "is_default": if group.is_default { 1 } else { 2 },
        "version": "V1",
    })
}

#[derive(Deserialize)]
pub struct GroupBody {
    name: String,
    #[serde(default)]
    remark: String,
}

pub async fn create_group(
    State(state): State<MgmtState>,
    gateway: InGateway,
    Body(body): Body<GroupBody>,
) -> Created {
    let (caller, instance_id) = gateway.allow(act::groups::create).await?;
    let created = api_groups::create(caller.cx(), &instance_id, &body.name, &body.remark).await?;
    Ok((StatusCode::CREATED, Json(group(&state, &created, &[]))))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupQuery {
    offset: Option<i64>,
    limit: Option<i64>,
    id: Option<String>,
    name: Option<String>,
    precise_search: Option<String>,
}

pub async fn list_groups(
    State(state): State<MgmtState>,
    gateway: InGateway,
    Query(query): Query<GroupQuery>,
) -> Reply {
    let page = page(query.offset, query.limit)?;
    let (caller, instance_id) = gateway.allow(act::groups::list).await?;
    let filter = GroupFilter {
        id: query.id.as_deref(),
        name: query.name.as_deref(),
        exact: precise(query.precise_search.as_deref(), &["name"])?.contains(&"name"),
        sort: None,
    };
    let page = api_groups::list(caller.cx(), &instance_id, &filter, page).await?;
    let ids: Vec<String> = page.groups.iter().map(|g| g.id.clone()).collect();
    let bound = domains::of_groups(&state.pool, &instance_id, &ids).await?;
    let groups: Vec<Value> = page
        .groups
        .iter()
        .map(|g| group(&state, g, &bound))
        .collect();
    let total = page.total;
    Ok(Json(
        json!({ "size": groups.len(), "total": total, "groups": groups }),
    ))
}

pub async fn show_group(
    State(state): State<MgmtState>,
    gateway: InGateway,
    Item(group_id): Item,
) -> Reply {
    let (caller, instance_id) = gateway.allow(act::groups::get).await?;
    let found = api_groups::get(caller.cx(), &instance_id, &group_id).await?;
    let bound = domains::of_groups(&state.pool, &instance_id, &[group_id]).await?;
    Ok(Json(group(&state, &found, &bound)))
}

pub async fn update_group(
    State(state): State<MgmtState>,
    gateway: InGateway,
    Item(group_id): Item,
    Body(body): Body<GroupBody>,
) -> Reply {
    let (caller, instance_id) = gateway.allow(act::groups::update).await?;
    let updated = api_groups::update(
        caller.cx(),
        &instance_id,
        &group_id,
        Some(&body.name),
        Some(&body.remark),
    )
    .await?;
    let bound = domains::of_groups(&state.pool, &instance_id, &[group_id]).await?;
    Ok(Json(group(&state, &updated, &bound)))
}

pub async fn delete_group(gateway: InGateway, Item(group_id): Item) -> Done {
    let (caller, instance_id) = gateway.allow(act::groups::delete).await?;
    api_groups::delete(caller.cx(), &instance_id, &group_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
pub struct GroupCheck {
    group_name: String,
}

/// Whether a group name is free in the gateway: 204 when it is.
pub async fn check_group(gateway: InGateway, Body(body): Body<GroupCheck>) -> Done {
    let (caller, instance_id) = gateway.allow(act::groups::list).await?;
    api_groups::check_name(caller.cx(), &instance_id, &body.group_name).await?;
    Ok(StatusCode::NO_CONTENT)
}

fn environment(env: &Environment) -> Value {
    json!({
        "id": env.id,
        "name": env.name,
        "remark": env.remark,
        "create_time": apig_time_of(&env.created_at),
    })
}

#[derive(Deserialize)]
pub struct EnvBody {
    name: String,
    remark: Option<String>,
}

pub async fn create_env(gateway: InGateway, Body(body): Body<EnvBody>) -> Created {
    let (caller, instance_id) = gateway.allow(act::envs::create).await?;
    let created = environments::create(
        caller.cx(),
        &instance_id,
        &body.name,
        body.remark.as_deref().unwrap_or(""),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(environment(&created))))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnvQuery {
    offset: Option<i64>,
    limit: Option<i64>,
    name: Option<String>,
}

pub async fn list_envs(gateway: InGateway, Query(query): Query<EnvQuery>) -> Reply {
    let page = page(query.offset, query.limit)?;
    let (caller, instance_id) = gateway.allow(act::envs::list).await?;
    let (total, envs) =
        environments::list(caller.cx(), &instance_id, query.name.as_deref(), page).await?;
    let envs: Vec<Value> = envs.iter().map(environment).collect();
    Ok(Json(
        json!({ "size": envs.len(), "total": total, "envs": envs }),
    ))
}

pub async fn update_env(
    gateway: InGateway,
    Item(env_id): Item,
    Body(body): Body<EnvBody>,
) -> Reply {
    let (caller, instance_id) = gateway.allow(act::envs::update).await?;
    let updated = environments::update(
        caller.cx(),
        &instance_id,
        &env_id,
        &body.name,
        body.remark.as_deref(),
    )
    .await?;
    Ok(Json(environment(&updated)))
}

pub async fn delete_env(gateway: InGateway, Item(env_id): Item) -> Done {
    let (caller, instance_id) = gateway.allow(act::envs::delete).await?;
    environments::delete(caller.cx(), &instance_id, &env_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

fn variable(v: &Variable) -> Value {
    json!({
        "id": v.id,
        "group_id": v.group_id,
        "env_id": v.env_id,
        "variable_name": v.name,
        "variable_value": v.value,
    })
}

#[derive(Deserialize)]
pub struct VariableBody {
    group_id: String,
    env_id: String,
    variable_name: String,
    variable_value: String,
}

pub async fn create_variable(gateway: InGateway, Body(body): Body<VariableBody>) -> Created {
    let (caller, instance_id) = gateway.allow(act::variables::create).await?;
    let new = Variable {
        id: String::new(),
        group_id: body.group_id,
        env_id: body.env_id,
        name: body.variable_name,
        value: body.variable_value,
    };
    let created = environments::create_variable(caller.cx(), &instance_id, &new).await?;
    Ok((StatusCode::CREATED, Json(variable(&created))))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VariableQuery {
    offset: Option<i64>,
    limit: Option<i64>,
    group_id: Option<String>,
    env_id: Option<String>,
    variable_name: Option<String>,
    precise_search: Option<String>,
}

pub async fn list_variables(gateway: InGateway, Query(query): Query<VariableQuery>) -> Reply {
    let page = page(query.offset, query.limit)?;
    let (caller, instance_id) = gateway.allow(act::variables::list).await?;
    let filter = VariableFilter {
        group_id: query.group_id,
        env_id: query.env_id,
        name: query.variable_name,
        exact: !precise(query.precise_search.as_deref(), &["variable_name"])?.is_empty(),
    };
    let (total, variables) =
        environments::list_variables(caller.cx(), &instance_id, &filter, page).await?;
    let variables: Vec<Value> = variables.iter().map(variable).collect();
    Ok(Json(
        json!({ "size": variables.len(), "total": total, "variables": variables }),
    ))
}

pub async fn show_variable(gateway: InGateway, Item(variable_id): Item) -> Reply {
    let (caller, instance_id) = gateway.allow(act::variables::get).await?;
    let found = environments::get_variable(caller.cx(), &instance_id, &variable_id).await?;
    Ok(Json(variable(&found)))
}

#[derive(Deserialize)]
pub struct VariableValue {
    variable_value: String,
}

pub async fn update_variable(
    gateway: InGateway,
    Item(variable_id): Item,
    Body(body): Body<VariableValue>,
) -> Reply {
    let (caller, instance_id) = gateway.allow(act::variables::create).await?;
    let updated = environments::update_variable(
        caller.cx(),
        &instance_id,
        &variable_id,
        &body.variable_value,
    )
    .await?;
    Ok(Json(variable(&updated)))
}

pub async fn delete_variable(gateway: InGateway, Item(variable_id): Item) -> Done {
    let (caller, instance_id) = gateway.allow(act::variables::delete).await?;
    environments::delete_variable(caller.cx(), &instance_id, &variable_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
