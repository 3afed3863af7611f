//! Server functions of the console's Gateways area. Each checks one IAM action for the
//! signed-in user in the current project and calls `services::apig::gateways`.
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::error::invalid_if;
use crate::error::AppError;
use crate::model::gateway::{
    Endpoints, FeatureSetting, FeatureState, Gateway, GatewayChange, GatewayDetail, GatewayPage,
    IngressPort, NewGateway, NewIngressPort, Tag,
};

#[cfg(feature = "ssr")]
use super::ctx::{self, authorized_anywhere, authorized_in};
#[cfg(feature = "ssr")]
use crate::model::permission::actions::apig as act;
#[cfg(feature = "ssr")]
use crate::services::apig::gateways;
#[cfg(feature = "ssr")]
use crate::services::caller::Cx;

/// A gateway's Overview: the gateway, its parameters and ports, and where it listens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GatewayOverview {
    pub detail: GatewayDetail,
    pub endpoints: Endpoints,
}

#[cfg(feature = "ssr")]
fn endpoints() -> Result<Endpoints, AppError> {
    use_context::<Endpoints>()
        .ok_or_else(|| AppError::Internal("no gateway endpoints in context".to_owned()))
}

#[server(endpoint = "gateways/list")]
pub async fn list_gateways(
    search: String,
    sort: String,
    offset: i64,
) -> Result<GatewayPage, AppError> {
    use gateways::{list_visible, GatewayFilter};
    ctx::allowed_anywhere(act::instances::list, async |cx| {
        let filter = GatewayFilter {
            name: Some(search),
            sort: crate::model::paging::SortOrder::parse(&sort),
            ..GatewayFilter::default()
        };
        let page = crate::model::paging::Page::new(Some(offset), None);
        list_visible(cx, &filter, page).await
    })
    .await
}

/// The last step of the "Create a gateway" wizard: the gateway with its parameters, tags
/// and inbound ports, all at once.
#[server(endpoint = "gateways/create", input = server_fn::codec::Json)]
pub async fn create_gateway(gateway: NewGateway) -> Result<GatewayOverview, AppError> {
    use crate::services::apig::gateways;
    ctx::allowed(act::instances::create, async |cx| {
        let created = gateways::create(cx, &gateway).await?;
        Ok(GatewayOverview {
            detail: gateways::detail(cx, &created.id).await?,
            endpoints: endpoints()?,
        })
    })
    .await
}

#[server(endpoint = "gateways/get")]
pub async fn get_gateway(id: String) -> Result<GatewayOverview, AppError> {
    ctx::allowed_in(act::instances::get, &id, async |cx| {
        Ok(GatewayOverview {
            detail: gateways::detail(cx, &id).await?,
            endpoints: endpoints()?,
        })
    })
    .await
}

#[server(endpoint = "gateways/update", input = server_fn::codec::Json)]
pub async fn update_gateway(id: String, change: GatewayChange) -> Result<Gateway, AppError> {
    ctx::allowed_in(act::instances::update, &id, async |cx| {
        gateways::update(cx, &id, &change).await
    })
    .await
}

#[server(endpoint = "gateways/set_feature", input = server_fn::codec::Json)]
pub async fn set_gateway_feature(
    id: String,
    setting: FeatureSetting,
) -> Result<FeatureState, AppError> {
    ctx::allowed_in(act::features::create, &id, async |cx| {
        gateways::set_feature(cx, &id, &setting).await
    })
    .await
}

/// Adds (`create`) or removes (`delete`) tags.
#[server(endpoint = "gateways/change_tags", input = server_fn::codec::Json)]
pub async fn change_gateway_tags(
    id: String,
    action: String,
    tags: Vec<Tag>,
) -> Result<Vec<Tag>, AppError> {
    ctx::respond(
        async {
            let permission = if action == "delete" {
                act::instanceTags::delete
            } else {
                act::instanceTags::create
            };
            let caller = authorized_in(permission, &id).await?;
            gateways::change_tags(
                Cx {
                    pool: &ctx::pool()?,
                    caller: &caller,
                },
                &id,
                &action,
                &tags,
            )
            .await
        }
        .await,
    )
}

#[server(endpoint = "gateways/add_port", input = server_fn::codec::Json)]
pub async fn add_gateway_port(id: String, port: NewIngressPort) -> Result<IngressPort, AppError> {
    ctx::allowed_in(act::instances::update, &id, async |cx| {
        gateways::add_ingress_port(cx, &id, &port).await
    })
    .await
}

#[server(endpoint = "gateways/delete_port")]
pub async fn delete_gateway_port(id: String, port_id: String) -> Result<(), AppError> {
    ctx::allowed_in(act::instances::update, &id, async |cx| {
        gateways::delete_ingress_port(cx, &id, &port_id).await
    })
    .await
}

/// Deletes a gateway, with everything it holds, once its name is typed to confirm.
#[server(endpoint = "gateways/delete")]
pub async fn delete_gateway(id: String, confirm_name: String) -> Result<(), AppError> {
    use crate::services::apig::gateways;
    ctx::allowed_in(act::instances::delete, &id, async |cx| {
        let gateway = gateways::get(cx, &id).await?;
        invalid_if(
            confirm_name.trim() != gateway.name,
            "confirm_name",
            format!("Type the gateway's name, {}, to confirm.", gateway.name),
        )?;
        gateways::delete(cx, &id, true).await
    })
    .await
}

/// How the gateway runtime of this process is doing: the revision it serves, and why the
/// last configuration build failed if it did.
#[server(endpoint = "gateways/runtime")]
pub async fn runtime_status() -> Result<crate::model::runtime::RuntimeStatus, AppError> {
    use crate::services::runtime::Health;
    ctx::respond(
        async {
            authorized_anywhere(act::instances::list).await?;
            let health = use_context::<std::sync::Arc<Health>>()
                .ok_or_else(|| AppError::Internal("no runtime status in context".to_owned()))?;
            health.status(&ctx::pool()?).await
        }
        .await,
    )
}
