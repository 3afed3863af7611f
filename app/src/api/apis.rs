//! Server functions of a gateway's APIs pages and the "Open an API" wizard. Each checks
//! one IAM action for the signed-in user in the current project and calls the service layer.
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::error::invalid_if;
use crate::error::AppError;
use crate::model::api::{ApiDefinition, ApiInfo, Publication, VersionInfo};
use crate::model::api_group::{ApiGroup, Environment};
use crate::model::gateway::Endpoints;

#[cfg(feature = "ssr")]
use super::ctx::{self, authorized_in};
#[cfg(feature = "ssr")]
use crate::model::permission::actions::apig as act;
#[cfg(feature = "ssr")]
use crate::services::apig::{apis, debug};
#[cfg(feature = "ssr")]
use crate::services::caller::Cx;

/// What the APIs list and the wizard need besides the APIs: the gateway's groups and
/// environments, and where the gateway listens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GatewayScope {
    pub gateway_name: String,
    pub groups: Vec<ApiGroup>,
    pub environments: Vec<Environment>,
    pub endpoints: Endpoints,
    /// The longest backend timeout the gateway allows, in ms.
    pub max_timeout: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApisView {
    pub scope: GatewayScope,
    pub total: i64,
    pub apis: Vec<ApiInfo>,
}

#[cfg(feature = "ssr")]
async fn scope(cx: Cx<'_>, gateway_id: &str) -> Result<GatewayScope, AppError> {
    use crate::model::paging::{Page, MAX_LIMIT};
    use crate::services::{apig::api_groups, apig::environments, apig::gateways};
    let all = Page::new(Some(0), Some(MAX_LIMIT));
    Ok(GatewayScope {
        gateway_name: gateways::get(cx, gateway_id).await?.name,
        groups: api_groups::list(cx, gateway_id, &Default::default(), all)
            .await?
            .groups,
        environments: environments::list(cx, gateway_id, None, all).await?.1,
        endpoints: use_context::<Endpoints>()
            .ok_or_else(|| AppError::Internal("no gateway endpoints in context".to_owned()))?,
        max_timeout: apis::max_timeout(cx, gateway_id).await?,
    })
}

#[server(endpoint = "apis/list")]
pub async fn list_apis(
    gateway_id: String,
    search: String,
    group_id: String,
    env_id: String,
    sort: String,
    offset: i64,
) -> Result<ApisView, AppError> {
    use apis::{list, ApiFilter};
    ctx::allowed_in(act::apis::list, &gateway_id, async |cx| {
        let filter = ApiFilter {
            name: Some(search),
            group_id: Some(group_id),
            env_id: Some(env_id),
            sort: crate::model::paging::SortOrder::parse(&sort),
            ..ApiFilter::default()
        };
        let page = crate::model::paging::Page::new(Some(offset), None);
        let (total, apis) = list(cx, &gateway_id, &filter, page).await?;
        Ok(ApisView {
            scope: scope(cx, &gateway_id).await?,
            total,
            apis,
        })
    })
    .await
}

/// The gateway's groups and environments, for the wizard.
#[server(endpoint = "apis/scope")]
pub async fn load_scope(gateway_id: String) -> Result<GatewayScope, AppError> {
    ctx::allowed_in(act::apis::create, &gateway_id, async |cx| {
        scope(cx, &gateway_id).await
    })
    .await
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiView {
    pub api: ApiInfo,
    pub versions: Vec<VersionInfo>,
    pub scope: GatewayScope,
    /// The credentials authorized to call it (or why the caller may not see them).
    pub authorizations: Result<Vec<crate::model::credential::Authorization>, AppError>,
}

#[server(endpoint = "apis/get")]
pub async fn get_api(gateway_id: String, api_id: String) -> Result<ApiView, AppError> {
    use crate::services::apig::apis;
    ctx::allowed_in(act::apis::get, &gateway_id, async |cx| {
        Ok(ApiView {
            api: apis::get(cx, &gateway_id, &api_id).await?,
            versions: apis::versions(cx, &gateway_id, &api_id, None).await?,
            scope: scope(cx, &gateway_id).await?,
            authorizations: super::credentials::api_authorizations(
                gateway_id.clone(),
                api_id.clone(),
            )
            .await,
        })
    })
    .await
}

#[server(endpoint = "apis/publish")]
pub async fn publish_api(
    gateway_id: String,
    api_id: String,
    env_id: String,
    remark: String,
) -> Result<Publication, AppError> {
    ctx::allowed_in(act::apis::publish, &gateway_id, async |cx| {
        apis::publish(cx, &gateway_id, &api_id, &env_id, &remark).await
    })
    .await
}

#[server(endpoint = "apis/offline")]
pub async fn offline_api(
    gateway_id: String,
    api_id: String,
    env_id: String,
) -> Result<Publication, AppError> {
    ctx::allowed_in(act::apis::offline, &gateway_id, async |cx| {
        apis::offline(cx, &gateway_id, &api_id, &env_id).await
    })
    .await
}

/// One API's outcome in a bulk publish or take-offline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchResult {
    pub api_id: String,
    pub name: String,
    /// Why it failed, in words; `None` when it succeeded.
    pub error: Option<String>,
}

/// Publishes (`online`) or takes offline the chosen APIs in one environment; each API
/// succeeds or fails on its own.
#[server(endpoint = "apis/batch", input = server_fn::codec::Json)]
pub async fn batch_apis(
    gateway_id: String,
    api_ids: Vec<String>,
    env_id: String,
    online: bool,
) -> Result<Vec<BatchResult>, AppError> {
    use crate::services::apig::apis;
    ctx::respond(
        async {
            let action = if online {
                act::apis::publish
            } else {
                act::apis::offline
            };
            let caller = authorized_in(action, &gateway_id).await?;
            invalid_if(
                api_ids.is_empty() || api_ids.len() > apis::MAX_BATCH,
                "apis",
                format!("Choose 1 to {} APIs.", apis::MAX_BATCH),
            )?;
            let remark = if online {
                "Published from the API list"
            } else {
                ""
            };
            let outcomes = apis::batch(
                Cx {
                    pool: &ctx::pool()?,
                    caller: &caller,
                },
                &gateway_id,
                &api_ids,
                &env_id,
                online,
                remark,
            )
            .await?;
            Ok(outcomes
                .into_iter()
                .map(|(api_id, name, outcome)| BatchResult {
                    api_id,
                    name,
                    error: outcome.err().map(|e| e.to_string()),
                })
                .collect())
        }
        .await,
    )
}

#[server(endpoint = "apis/switch_version")]
pub async fn switch_api_version(
    gateway_id: String,
    api_id: String,
    version_id: String,
) -> Result<Publication, AppError> {
    ctx::allowed_in(act::apis::publish, &gateway_id, async |cx| {
        apis::switch_version(cx, &gateway_id, &api_id, &version_id).await
    })
    .await
}

#[server(endpoint = "apis/delete")]
pub async fn delete_api(gateway_id: String, api_id: String) -> Result<(), AppError> {
    ctx::allowed_in(act::apis::delete, &gateway_id, async |cx| {
        apis::delete(cx, &gateway_id, &api_id).await
    })
    .await
}

/// Everything the "Open an API" wizard collected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenApi {
    pub gateway_id: String,
    /// A group to create for the API; empty: `definition.group_id` is an existing group.
    pub new_group: String,
    pub definition: ApiDefinition,
    /// The environment to publish to; empty: do not publish yet.
    pub env_id: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenedApi {
    pub api: ApiInfo,
    pub group: ApiGroup,
    pub publication: Option<Publication>,
    pub scope: GatewayScope,
}

/// The last step of the wizard. Everything is checked before anything is created: the new
/// group's name, the definition and its route, and — when publishing — the environment and
/// the variables the backend needs there.
#[server(endpoint = "apis/open", input = server_fn::codec::Json)]
pub async fn open_api_with_wizard(wizard: OpenApi) -> Result<OpenedApi, AppError> {
    use crate::services::{apig::api_groups, apig::apis, apig::environments, iam::authz};
    ctx::respond(
        async {
            let gateway_id = &wizard.gateway_id;
            let caller = authorized_in(act::apis::create, gateway_id).await?;
            let pool = ctx::pool()?;
            let cx = Cx { pool: &pool, caller: &caller };
            let here = crate::model::permission::Scope::Gateway(gateway_id);
            let max_timeout = apis::max_timeout(cx, gateway_id).await?;
            let new_group = wizard.new_group.trim();
            let mut definition = wizard.definition.clone();
            if !new_group.is_empty() {
                authz::require_in(cx, act::groups::create, here, authz::any(act::groups::create)).await?;
                api_groups::check_name(cx, gateway_id, new_group)
                    .await
                    .map_err(|e| match e {
                        AppError::Invalid { message, .. } => AppError::invalid("new_group", message),
                        AppError::Taken { kind, message, .. } => AppError::taken(kind, "new_group", message),
                        other => other,
                    })?;
                definition.group_id = "new".to_owned();
                definition.validate(max_timeout)?;
            } else {
                api_groups::get(cx, gateway_id, &definition.group_id)
                    .await
                    .map_err(|_| AppError::invalid("group_id", "Choose one of the gateway's groups."))?;
                definition.validate(max_timeout)?;
                apis::conflicts(
                    &pool,
                    &definition.group_id,
                    Some(&definition.name),
                    Some((&definition.req_method, &definition.req_uri, &definition.match_mode)),
                    "",
                )
                .await?;
            }
            if !wizard.env_id.is_empty() {
                authz::require_in(cx, act::apis::publish, here, authz::any(act::apis::publish)).await?;
                let env = environments::get(cx, gateway_id, &wizard.env_id)
                    .await
                    .map_err(|_| AppError::invalid("env_id", "Choose one of the gateway's environments."))?;
                let needed = definition.variables();
                if !needed.is_empty() && !new_group.is_empty() {
                    return Err(AppError::invalid(
                        "env_id",
                        format!(
                            "The backend uses #{}#, and a new group has no variables yet: create the API without publishing, add the variable in {}, then publish.",
                            needed[0], env.name
                        ),
                    ));
                }
                let (_, defined) = environments::list_variables(
                    cx,
                    gateway_id,
                    &environments::VariableFilter {
                        group_id: Some(definition.group_id.clone()),
                        env_id: Some(env.id.clone()),
                        ..Default::default()
                    },
                    crate::model::paging::Page::new(Some(0), Some(crate::model::paging::MAX_LIMIT)),
                )
                .await?;
                if let Some(missing) = needed.iter().find(|n| !defined.iter().any(|v| &v.name == *n)) {
                    return Err(AppError::invalid(
                        "env_id",
                        format!("The backend uses #{missing}#, which the group has no value for in {}. Add the variable first, or do not publish yet.", env.name),
                    ));
                }
            }
            let group = if new_group.is_empty() {
                api_groups::get(cx, gateway_id, &definition.group_id).await?
            } else {
                api_groups::create(cx, gateway_id, new_group, "").await?
            };
            definition.group_id = group.id.clone();
            let api = apis::create(cx, gateway_id, &definition).await?;
            let publication = if wizard.env_id.is_empty() {
                None
            } else {
                Some(apis::publish(cx, gateway_id, &api.id, &wizard.env_id, "opened with the wizard").await?)
            };
            Ok(OpenedApi {
                api: apis::get(cx, gateway_id, &api.id).await?,
                group,
                publication,
                scope: scope(cx, gateway_id).await?,
            })
        }
        .await,
    )
}

/// Saves an edited definition as the API's draft; what is live changes only when it is
/// published again.
#[server(endpoint = "apis/update", input = server_fn::codec::Json)]
pub async fn update_api_definition(
    gateway_id: String,
    api_id: String,
    definition: ApiDefinition,
) -> Result<ApiInfo, AppError> {
    ctx::allowed_in(act::apis::update, &gateway_id, async |cx| {
        apis::update(cx, &gateway_id, &api_id, &definition).await
    })
    .await
}

/// Sends a debug call of a published API through the gateway (the Debug tab).
#[server(endpoint = "apis/debug", input = server_fn::codec::Json)]
pub async fn debug_api(
    gateway_id: String,
    api_id: String,
    call: crate::model::api::DebugCall,
) -> Result<crate::model::api::DebugResult, AppError> {
    if !call.app_id.is_empty() {
        // Signing with a credential uses its secret: who debugs so may read credentials.
        ctx::authorized_in(act::apps::get, &gateway_id).await?;
    }
    ctx::allowed_in(act::apis::debug, &gateway_id, async |cx| {
        let target = use_context::<debug::DebugTarget>()
            .ok_or_else(|| AppError::Internal("no debug target in context".to_owned()))?;
        debug::debug(cx, &target, &gateway_id, &api_id, &call).await
    })
    .await
}
