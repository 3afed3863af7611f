//! Gateways (`instances`), their parameters (`features`), tags and custom inbound ports.
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use app::model::gateway::{
    FeatureSetting, FeatureState, Gateway, GatewayChange, IngressPort, NewGateway, NewIngressPort,
    Tag, FEATURES,
};
use app::model::permission::actions::apig as act;
use app::services::apig::gateways::{self, GatewayFilter};

use super::{apig_time_of, slice, Paging};
use crate::mgmt::{page, Body, Created, Done, InGateway, InProject, MgmtState, Path, Query, Reply};

/// APIG's status of a gateway that serves: `Running`, number 6.
const RUNNING: (&str, i64) = ("Running", 6);

fn base(gateway: &Gateway) -> Value {
    json!({
        "id": gateway.id,
        "project_id": gateway.project_id,
        "instance_name": gateway.name,
        "status": RUNNING.0,
        "instance_status": RUNNING.1,
        "type": "apig",
        "spec": gateway.spec_id,
        "create_time": gateway.created_unix,
        "enterprise_project_id": "0",
        "eip_address": null,
        "charging_mode": 0,
        "loadbalancer_provider": "lvs",
    })
}

fn details(state: &MgmtState, gateway: &Gateway) -> Value {
    let mut body = base(gateway);
    let extra = json!({
        "description": gateway.description,
        "maintain_begin": gateway.maintain_begin,
        "maintain_end": gateway.maintain_end,
        "ingress_ip": state.endpoints.ingress_ip(),
        "user_id": gateway.created_by,
        "instance_version": env!("CARGO_PKG_VERSION"),
        "supported_features": FEATURES.iter().map(|f| f.name).collect::<Vec<_>>(),
        "available_zone_ids": "",
        "is_releasable": true,
    });
    if let (Some(body), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
        body.extend(extra.clone());
    }
    body
}

#[derive(Deserialize)]
pub struct CreateRequest {
    instance_name: String,
    spec_id: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    maintain_begin: String,
    #[serde(default)]
    maintain_end: String,
    #[serde(default)]
    tags: Vec<TagBody>,
}

#[derive(Deserialize)]
struct TagBody {
    key: String,
    #[serde(default)]
    value: String,
}

fn tags(tags: Vec<TagBody>) -> Vec<Tag> {
    tags.into_iter()
        .map(|t| Tag {
            key: t.key,
            value: t.value,
        })
        .collect()
}

pub async fn create(project: InProject, Body(request): Body<CreateRequest>) -> Created {
    let caller = project.allow(act::instances::create).await?;
    let new = NewGateway {
        name: request.instance_name,
        description: request.description,
        spec_id: request.spec_id,
        maintain_begin: request.maintain_begin,
        maintain_end: request.maintain_end,
        tags: tags(request.tags),
        features: Vec::new(),
        ingress_ports: Vec::new(),
    };
    let gateway = gateways::create(caller.cx(), &new).await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(json!({ "instance_id": gateway.id, "message": "success", "job_id": gateway.id })),
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    offset: Option<i64>,
    limit: Option<i64>,
    instance_id: Option<String>,
    instance_name: Option<String>,
    status: Option<String>,
}

pub async fn list(project: InProject, Query(query): Query<ListQuery>) -> Reply {
    let caller = project.allow_anywhere(act::instances::list).await?;
    let paging = page(query.offset, query.limit)?;
    let filter = GatewayFilter {
        id: query.instance_id,
        name: query.instance_name,
        ..GatewayFilter::default()
    };
    // Every gateway here is running: another status filter matches none.
    let page = match query.status.as_deref() {
        Some(status) if !status.is_empty() && status != RUNNING.0 => {
            app::model::gateway::GatewayPage {
                gateways: Vec::new(),
                total: 0,
            }
        }
        _ => gateways::list_visible(caller.cx(), &filter, paging).await?,
    };
    let instances: Vec<Value> = page.gateways.iter().map(base).collect();
    Ok(Json(json!({
        "size": instances.len(),
        "total": page.total,
        "instances": instances,
    })))
}

pub async fn show(
    State(state): State<MgmtState>,
    project: InProject,
    Path((_, instance_id)): Path<(String, String)>,
) -> Reply {
    let caller = project.allow_in(act::instances::get, &instance_id).await?;
    let gateway = gateways::get(caller.cx(), &instance_id).await?;
    Ok(Json(details(&state, &gateway)))
}

#[derive(Deserialize)]
pub struct UpdateRequest {
    instance_name: Option<String>,
    description: Option<String>,
    maintain_begin: Option<String>,
    maintain_end: Option<String>,
}

pub async fn update(
    State(state): State<MgmtState>,
    project: InProject,
    Path((_, instance_id)): Path<(String, String)>,
    Body(request): Body<UpdateRequest>,
) -> Reply {
    let caller = project
        .allow_in(act::instances::update, &instance_id)
        .await?;
    let change = GatewayChange {
        name: request.instance_name,
        description: request.description,
        maintain_begin: request.maintain_begin,
        maintain_end: request.maintain_end,
    };
    let gateway = gateways::update(caller.cx(), &instance_id, &change).await?;
    Ok(Json(details(&state, &gateway)))
}

pub async fn delete(project: InProject, Path((_, instance_id)): Path<(String, String)>) -> Done {
    let caller = project
        .allow_in(act::instances::delete, &instance_id)
        .await?;
    gateways::delete(caller.cx(), &instance_id, false).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Creation completes at once: the progress is always 100 %.
pub async fn progress(project: InProject, Path((_, instance_id)): Path<(String, String)>) -> Reply {
    let caller = project.allow_in(act::instances::get, &instance_id).await?;
    let gateway = gateways::get(caller.cx(), &instance_id).await?;
    let at = gateway.created_unix * 1000;
    Ok(Json(json!({
        "progress": 100,
        "status": "success",
        "start_time": at,
        "end_time": at,
    })))
}

/// No network restrictions apply to a self-hosted gateway.
pub async fn restriction(gateway: InGateway) -> Reply {
    gateway.allow(act::instances::get).await?;
    Ok(Json(
        json!({ "restrict_cidrs": [], "resource_subnet_cidr": "" }),
    ))
}

fn feature(instance_id: &str, state: &FeatureState) -> Value {
    json!({
        "id": state.id,
        "name": state.name,
        "enable": state.enabled,
        "config": state.config,
        "instance_id": instance_id,
        "update_time": apig_time_of(&state.updated_at),
    })
}

#[derive(Deserialize)]
pub struct FeatureRequest {
    name: String,
    enable: bool,
    #[serde(default)]
    config: String,
}

pub async fn set_feature(
    project: InProject,
    Path((_, instance_id)): Path<(String, String)>,
    Body(request): Body<FeatureRequest>,
) -> Created {
    let caller = project
        .allow_in(act::features::create, &instance_id)
        .await?;
    let setting = FeatureSetting {
        name: request.name,
        enabled: request.enable,
        config: request.config,
    };
    let set = gateways::set_feature(caller.cx(), &instance_id, &setting).await?;
    Ok((StatusCode::CREATED, Json(feature(&instance_id, &set))))
}

pub async fn list_features(
    project: InProject,
    Path((_, instance_id)): Path<(String, String)>,
    Query(paging): Query<Paging>,
) -> Reply {
    let caller = project.allow_in(act::features::list, &instance_id).await?;
    let page = paging.page()?;
    let all = gateways::features(caller.cx(), &instance_id).await?;
    let (shown, total) = slice(all, page);
    let shown: Vec<Value> = shown.iter().map(|f| feature(&instance_id, f)).collect();
    Ok(Json(json!({
        "size": shown.len(),
        "total": total,
        "features": shown,
    })))
}

/// The parameters this gateway supports.
pub async fn supported_features(gateway: InGateway, Query(paging): Query<Paging>) -> Reply {
    let page = paging.page()?;
    gateway.allow(act::features::list).await?;
    let (names, total) = slice(FEATURES.iter().map(|f| f.name).collect(), page);
    Ok(Json(
        json!({ "size": names.len(), "total": total, "features": names }),
    ))
}

fn tag_list(tags: &[Tag]) -> Vec<Value> {
    tags.iter()
        .map(|t| json!({ "key": t.key, "value": t.value }))
        .collect()
}

pub async fn list_tags(
    project: InProject,
    Path((_, instance_id)): Path<(String, String)>,
) -> Reply {
    let caller = project
        .allow_in(act::instanceTags::list, &instance_id)
        .await?;
    let gateway = gateways::get(caller.cx(), &instance_id).await?;
    Ok(Json(json!({ "tags": tag_list(&gateway.tags) })))
}

#[derive(Deserialize)]
pub struct TagsAction {
    action: String,
    #[serde(default)]
    tags: Vec<TagBody>,
}

pub async fn change_tags(
    project: InProject,
    Path((_, instance_id)): Path<(String, String)>,
    Body(request): Body<TagsAction>,
) -> Done {
    let action = match request.action.as_str() {
        "delete" => act::instanceTags::delete,
        _ => act::instanceTags::create,
    };
    let caller = project.allow_in(action, &instance_id).await?;
    gateways::change_tags(
        caller.cx(),
        &instance_id,
        &request.action,
        &tags(request.tags),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn project_tags(project: InProject) -> Reply {
    let caller = project.allow(act::instanceTags::list).await?;
    let tags: Vec<Value> = gateways::project_tags(caller.cx())
        .await?
        .into_iter()
        .map(|(key, values)| json!({ "key": key, "values": values }))
        .collect();
    Ok(Json(json!({ "tags": tags })))
}

fn port(port: &IngressPort) -> Value {
    json!({
        "protocol": port.protocol,
        "ingress_port": port.port,
        "ingress_port_id": port.id,
        "status": "normal",
    })
}

#[derive(Deserialize)]
pub struct PortRequest {
    protocol: String,
    ingress_port: i32,
}

pub async fn add_ingress_port(
    project: InProject,
    Path((_, instance_id)): Path<(String, String)>,
    Body(request): Body<PortRequest>,
) -> Created {
    let caller = project
        .allow_in(act::instances::update, &instance_id)
        .await?;
    let new = NewIngressPort {
        protocol: request.protocol,
        port: request.ingress_port,
    };
    let created = gateways::add_ingress_port(caller.cx(), &instance_id, &new).await?;
    Ok((StatusCode::CREATED, Json(port(&created))))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PortQuery {
    offset: Option<i64>,
    limit: Option<i64>,
    protocol: Option<String>,
    ingress_port: Option<i32>,
}

pub async fn list_ingress_ports(
    project: InProject,
    Path((_, instance_id)): Path<(String, String)>,
    Query(query): Query<PortQuery>,
) -> Reply {
    let page = page(query.offset, query.limit)?;
    let caller = project.allow_in(act::instances::get, &instance_id).await?;
    let matching: Vec<IngressPort> = gateways::ingress_ports(caller.cx(), &instance_id)
        .await?
        .into_iter()
        .filter(|p| {
            query
                .protocol
                .as_ref()
                .is_none_or(|want| &p.protocol == want)
        })
        .filter(|p| query.ingress_port.is_none_or(|want| p.port == want))
        .collect();
    let (shown, total) = slice(matching, page);
    let shown: Vec<Value> = shown.iter().map(port).collect();
    Ok(Json(json!({
        "size": shown.len(),
        "total": total,
        "ingress_port_infos": shown,
    })))
}

pub async fn delete_ingress_port(
    project: InProject,
    Path((_, instance_id, port_id)): Path<(String, String, String)>,
) -> Done {
    let caller = project
        .allow_in(act::instances::update, &instance_id)
        .await?;
    gateways::delete_ingress_port(caller.cx(), &instance_id, &port_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
