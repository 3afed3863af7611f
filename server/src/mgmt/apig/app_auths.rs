//! Authorizations of credentials to call APIs (`app-auths`): authorize in a batch, revoke,
//! and list them from either side — the APIs a credential may call, the credentials an API
//! admits — and the APIs a credential could still be authorized for.
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use app::model::credential::Authorization;
use app::model::permission::actions::apig as act;
use app::services::apig::apis;
use app::services::apig::authorizations::{self, AuthorizationFilter};

use super::apig_time_of;
use crate::mgmt::{page, ApiError, Body, Created, Done, InGateway, Item, Query, Reply};

/// An authorization as the lists show it (`ApiAuthInfo`).
fn auth_info(auth: &Authorization) -> Value {
    json!({
        "id": auth.id,
        "api_id": auth.api_id,
        "api_name": auth.api_name,
        "group_id": auth.group_id,
        "group_name": auth.group_name,
        "api_type": auth.api_type,
        "api_remark": auth.api_remark,
        "env_id": auth.env_id,
        "env_name": auth.env_name,
        "auth_role": "PROVIDER",
        "auth_time": apig_time_of(&auth.created_at),
        "app_id": auth.credential_id,
        "app_name": auth.credential_name,
        "app_remark": auth.credential_remark,
        "app_type": "apig",
        "app_creator": "USER",
        "auth_tunnel": "NORMAL",
        "auth_whitelist": [],
        "auth_blacklist": [],
        "visit_param": "",
        "tags": [],
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthorizeBody {
    env_id: String,
    app_ids: Vec<String>,
    api_ids: Vec<String>,
}

/// `POST …/app-auths`: every credential named for every API named, in one environment,
/// in one transaction.
pub async fn authorize(gateway: InGateway, Body(body): Body<AuthorizeBody>) -> Created {
    let (caller, instance_id) = gateway.allow(act::apis::grantAppAccess).await?;
    let made = authorizations::authorize(
        caller.cx(),
        &instance_id,
        &body.env_id,
        &body.app_ids,
        &body.api_ids,
    )
    .await?;
    let auths: Vec<Value> = made
        .iter()
        .map(|auth| {
            json!({
                "id": auth.id,
                "api_id": auth.api_id,
                "app_id": auth.credential_id,
                "auth_time": apig_time_of(&auth.created_at),
                "auth_role": "PROVIDER",
                "auth_tunnel": "NORMAL",
                "auth_whitelist": [],
                "auth_blacklist": [],
                "visit_params": "",
                "auth_result": {
                    "status": "SUCCESS",
                    "error_code": "",
                    "error_msg": "",
                    "api_name": auth.api_name,
                    "app_name": auth.credential_name,
                },
            })
        })
        .collect();
    Ok((StatusCode::CREATED, Json(json!({ "auths": auths }))))
}

pub async fn revoke(gateway: InGateway, Item(id): Item) -> Done {
    let (caller, instance_id) = gateway.allow(act::apis::relieveAppAccess).await?;
    authorizations::revoke(caller.cx(), &instance_id, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthQuery {
    offset: Option<i64>,
    limit: Option<i64>,
    app_id: Option<String>,
    app_name: Option<String>,
    api_id: Option<String>,
    api_name: Option<String>,
    group_id: Option<String>,
    group_name: Option<String>,
    env_id: Option<String>,
    /// An API tag the APIs carry.
    tags: Option<String>,
}

impl AuthQuery {
    fn filter(&self) -> AuthorizationFilter<'_> {
        AuthorizationFilter {
            id: None,
            credential_id: self.app_id.as_deref(),
            credential_name: self.app_name.as_deref(),
            api_id: self.api_id.as_deref(),
            api_name: self.api_name.as_deref(),
            group_id: self.group_id.as_deref(),
            group_name: self.group_name.as_deref(),
            env_id: self.env_id.as_deref(),
            tag: self.tags.as_deref(),
        }
    }
}

/// The required `name` of a list query.
fn required<'q>(value: &'q Option<String>, name: &str) -> Result<&'q str, ApiError> {
    value
        .as_deref()
        .filter(|v| !v.is_empty())
        .ok_or_else(|| ApiError::invalid_parameter(name, format!("{name} is required")))
}

async fn listed(
    gateway: InGateway,
    query: AuthQuery,
    action: app::model::permission::Action,
) -> Reply {
    let page = page(query.offset, query.limit)?;
    let (caller, instance_id) = gateway.allow(action).await?;
    let (total, found) =
        authorizations::list(caller.cx(), &instance_id, &query.filter(), page).await?;
    let auths: Vec<Value> = found.iter().map(auth_info).collect();
    Ok(Json(
        json!({ "size": auths.len(), "total": total, "auths": auths }),
    ))
}

/// `GET …/app-auths/binded-apis?app_id=…`: the APIs a credential may call.
pub async fn authorized_apis(gateway: InGateway, Query(query): Query<AuthQuery>) -> Reply {
    required(&query.app_id, "app_id")?;
    listed(gateway, query, act::apps::listBindedApis).await
}

/// `GET …/app-auths/binded-apps?api_id=…`: the credentials an API admits.
pub async fn authorized_apps(gateway: InGateway, Query(query): Query<AuthQuery>) -> Reply {
    required(&query.api_id, "api_id")?;
    listed(gateway, query, act::apis::listBindedApps).await
}

/// `GET …/app-auths/unbinded-apis?app_id=…&env_id=…`: the APIs with APP authentication
/// the credential is not authorized for in that environment.
pub async fn unauthorized_apis(gateway: InGateway, Query(query): Query<AuthQuery>) -> Reply {
    let page = page(query.offset, query.limit)?;
    let app_id = required(&query.app_id, "app_id")?;
    let env_id = required(&query.env_id, "env_id")?;
    let (caller, instance_id) = gateway.allow(act::apps::listUnbindedApis).await?;
    let cx = caller.cx();
    let narrow = authorizations::OpenFilter {
        group_id: query.group_id.as_deref(),
        api_id: query.api_id.as_deref(),
        api_name: query.api_name.as_deref(),
    };
    let (total, found) =
        authorizations::unauthorized_apis(cx, &instance_id, (app_id, env_id), &narrow, page)
            .await?;
    let mut outlines = Vec::with_capacity(found.len());
    for (api_id, _) in found {
        let info = apis::get(cx, &instance_id, &api_id).await?;
        let live = info.publications.iter().find(|p| p.env_id == env_id);
        outlines.push(json!({
            "id": info.id,
            "name": info.definition.name,
            "group_id": info.definition.group_id,
            "group_name": info.group_name,
            "auth_type": info.definition.auth_type,
            "req_uri": info.definition.req_uri,
            "remark": info.definition.remark,
            "tags": info.definition.tags,
            "run_env_id": live.map(|p| p.env_id.as_str()).unwrap_or_default(),
            "run_env_name": live.map(|p| p.env_name.as_str()).unwrap_or_default(),
            "publish_id": live.map(|p| p.publish_id.as_str()).unwrap_or_default(),
        }));
    }
    Ok(Json(
        json!({ "size": outlines.len(), "total": total, "apis": outlines }),
    ))
}
