//! Credentials (`apps`) of a gateway: create, list, show, change and delete, and reset a
//! secret. Their secrets are shown to callers allowed to read credentials, as APIG does.
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use app::model::credential::{AppCode, Credential, CredentialAcl, NewCredential};
use app::model::permission::actions::apig as act;
use app::services::apig::app_codes;
use app::services::apig::credentials::{self, CredentialFilter};

use super::{apig_time_of, precise};
use crate::mgmt::{
    page, ApiError, Body, Created, Done, InGateway, Item, MgmtState, Part, Query, Reply,
};

fn app(credential: &Credential) -> Value {
    json!({
        "id": credential.id,
        "name": credential.name,
        "remark": credential.remark,
        "creator": "USER",
        "app_key": credential.app_key,
        "app_secret": credential.app_secret,
        "register_time": apig_time_of(&credential.created_at),
        "update_time": apig_time_of(&credential.updated_at),
        "status": credential.status,
        "app_type": "apig",
    })
}

/// A list item also says for how many APIs the credential is authorized.
fn with_bind_num(credential: &Credential) -> Value {
    let mut item = app(credential);
    item["bind_num"] = json!(credential.authorized_apis);
    item
}

#[derive(Deserialize)]
pub struct AppBody {
    name: String,
    remark: Option<String>,
    app_key: Option<String>,
    app_secret: Option<String>,
}

pub async fn create(
    State(state): State<MgmtState>,
    gateway: InGateway,
    Body(body): Body<AppBody>,
) -> Created {
    let (caller, instance_id) = gateway.allow(act::apps::create).await?;
    let new = NewCredential {
        name: body.name,
        remark: body.remark.unwrap_or_default(),
        app_key: body.app_key.filter(|k| !k.is_empty()),
        app_secret: body.app_secret.filter(|s| !s.is_empty()),
    };
    let created = credentials::create(caller.cx(), &state.master_key, &instance_id, &new).await?;
    Ok((StatusCode::CREATED, Json(app(&created))))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppQuery {
    offset: Option<i64>,
    limit: Option<i64>,
    id: Option<String>,
    name: Option<String>,
    /// 1 valid, 2 frozen.
    status: Option<i16>,
    app_key: Option<String>,
    /// Every credential is a user's (`USER`).
    creator: Option<String>,
    precise_search: Option<String>,
}

pub async fn list(
    State(state): State<MgmtState>,
    gateway: InGateway,
    Query(query): Query<AppQuery>,
) -> Reply {
    let page = page(query.offset, query.limit)?;
    let (caller, instance_id) = gateway.allow(act::apps::list).await?;
    let none_match = query.creator.as_deref().is_some_and(|c| c != "USER");
    let filter = CredentialFilter {
        id: query.id.as_deref(),
        name: query.name.as_deref(),
        app_key: query.app_key.as_deref(),
        status: query.status,
        exact: precise(query.precise_search.as_deref(), &["name"])?.contains(&"name"),
    };
    let (total, found) =
        credentials::list(caller.cx(), &state.master_key, &instance_id, &filter, page).await?;
    let (total, apps): (i64, Vec<Value>) = match none_match {
        true => (0, vec![]),
        false => (total, found.iter().map(with_bind_num).collect()),
    };
    Ok(Json(
        json!({ "size": apps.len(), "total": total, "apps": apps }),
    ))
}

pub async fn show(State(state): State<MgmtState>, gateway: InGateway, Item(id): Item) -> Reply {
    let (caller, instance_id) = gateway.allow(act::apps::get).await?;
    let found = credentials::get(caller.cx(), &state.master_key, &instance_id, &id).await?;
    Ok(Json(app(&found)))
}

pub async fn update(
    State(state): State<MgmtState>,
    gateway: InGateway,
    Item(id): Item,
    Body(body): Body<AppBody>,
) -> Reply {
    let (caller, instance_id) = gateway.allow(act::apps::update).await?;
    let (master, cx) = (&state.master_key, caller.cx());
    let current = credentials::get(cx, master, &instance_id, &id).await?;
    let key = body.app_key.filter(|k| !k.is_empty());
    if key.is_some_and(|key| key != current.app_key) {
        return Err(ApiError::from(app::error::AppError::invalid(
            "app_key",
            "A credential keeps its key: create another credential for a new one.",
        )));
    }
    let remark = body.remark.as_deref();
    let updated = credentials::update(cx, master, &instance_id, &id, &body.name, remark).await?;
    let secret = body
        .app_secret
        .filter(|s| !s.is_empty() && *s != updated.app_secret);
    let updated = match secret {
        Some(secret) => {
            credentials::reset_secret(cx, master, &instance_id, &id, Some(&secret)).await?
        }
        None => updated,
    };
    Ok(Json(app(&updated)))
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct SecretBody {
    app_secret: Option<String>,
}

/// `PUT …/apps/secret/{app_id}`: a new secret, the body's or, without one, generated.
pub async fn reset_secret(
    State(state): State<MgmtState>,
    gateway: InGateway,
    Item(id): Item,
    body: Bytes,
) -> Reply {
    let (caller, instance_id) = gateway.allow(act::apps::update).await?;
    let body: SecretBody = match body.is_empty() {
        true => SecretBody::default(),
        false => serde_json::from_slice(&body).map_err(|error| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "APIG.2011",
                format!("Invalid request body: {error}"),
            )
        })?,
    };
    let secret = body.app_secret.filter(|s| !s.is_empty());
    let reset = credentials::reset_secret(
        caller.cx(),
        &state.master_key,
        &instance_id,
        &id,
        secret.as_deref(),
    )
    .await?;
    Ok(Json(app(&reset)))
}

pub async fn delete(State(state): State<MgmtState>, gateway: InGateway, Item(id): Item) -> Done {
    let (caller, instance_id) = gateway.allow(act::apps::delete).await?;
    credentials::delete(caller.cx(), &state.master_key, &instance_id, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

fn app_code(code: &AppCode) -> Value {
    json!({
        "id": code.id,
        "app_id": code.credential_id,
        "app_code": code.app_code,
        "create_time": apig_time_of(&code.created_at),
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppCodeBody {
    app_code: String,
}

/// `POST …/apps/{app_id}/app-codes`: adds the AppCode the body gives.
pub async fn add_app_code(
    State(state): State<MgmtState>,
    gateway: InGateway,
    Item(app_id): Item,
    Body(body): Body<AppCodeBody>,
) -> Created {
    let (caller, instance_id) = gateway.allow(act::appCodes::create).await?;
    let code = Some(body.app_code.as_str());
    let added = app_codes::add(caller.cx(), &state.master_key, &instance_id, &app_id, code).await?;
    Ok((StatusCode::CREATED, Json(app_code(&added))))
}

/// `PUT …/apps/{app_id}/app-codes`: adds a generated AppCode.
pub async fn generate_app_code(
    State(state): State<MgmtState>,
    gateway: InGateway,
    Item(app_id): Item,
) -> Created {
    let (caller, instance_id) = gateway.allow(act::appCodes::create).await?;
    let added = app_codes::add(caller.cx(), &state.master_key, &instance_id, &app_id, None).await?;
    Ok((StatusCode::CREATED, Json(app_code(&added))))
}

pub async fn list_app_codes(
    State(state): State<MgmtState>,
    gateway: InGateway,
    Item(app_id): Item,
    Query(paging): Query<super::Paging>,
) -> Reply {
    let page = paging.page()?;
    let (caller, instance_id) = gateway.allow(act::appCodes::list).await?;
    let (total, codes) =
        app_codes::list(caller.cx(), &state.master_key, &instance_id, &app_id, page).await?;
    let codes: Vec<Value> = codes.iter().map(app_code).collect();
    Ok(Json(
        json!({ "size": codes.len(), "total": total, "app_codes": codes }),
    ))
}

pub async fn show_app_code(
    State(state): State<MgmtState>,
    gateway: InGateway,
    Part(app_id, id): Part,
) -> Reply {
    let (caller, instance_id) = gateway.allow(act::appCodes::get).await?;
    let (master, cx) = (&state.master_key, caller.cx());
    let found = app_codes::get(cx, master, &instance_id, &app_id, &id).await?;
    Ok(Json(app_code(&found)))
}

pub async fn remove_app_code(
    State(state): State<MgmtState>,
    gateway: InGateway,
    Part(app_id, id): Part,
) -> Done {
    let (caller, instance_id) = gateway.allow(act::appCodes::delete).await?;
    let (master, cx) = (&state.master_key, caller.cx());
    app_codes::remove(cx, master, &instance_id, &app_id, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

fn app_acl(acl: &CredentialAcl) -> Value {
    json!({
        "app_id": acl.credential_id,
        "app_acl_type": acl.kind(),
        "app_acl_values": acl.values,
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AclBody {
    app_acl_type: String,
    app_acl_values: Vec<String>,
}

/// `PUT …/apps/{app_id}/app-acl`: the addresses the credential's calls may (`PERMIT`) or
/// may not (`DENY`) come from.
pub async fn set_acl(
    State(state): State<MgmtState>,
    gateway: InGateway,
    Item(app_id): Item,
    Body(body): Body<AclBody>,
) -> Reply {
    let (caller, instance_id) = gateway.allow(act::apps::update).await?;
    let permit = match body.app_acl_type.as_str() {
        "PERMIT" => true,
        "DENY" => false,
        other => {
            return Err(ApiError::invalid_parameter(
                "app_acl_type",
                format!("app_acl_type is PERMIT or DENY, not {other}"),
            ))
        }
    };
    let (master, cx) = (&state.master_key, caller.cx());
    let list = (permit, body.app_acl_values.as_slice());
    let acl = credentials::set_acl(cx, master, &instance_id, &app_id, list).await?;
    Ok(Json(app_acl(&acl)))
}

/// `GET …/apps/{app_id}/app-acl`: the credential's access control; without one, its id
/// with no type and no values.
pub async fn show_acl(
    State(state): State<MgmtState>,
    gateway: InGateway,
    Item(app_id): Item,
) -> Reply {
    let (caller, instance_id) = gateway.allow(act::apps::get).await?;
    let found = credentials::acl(caller.cx(), &state.master_key, &instance_id, &app_id).await?;
    Ok(Json(match found {
        Some(acl) => app_acl(&acl),
        None => json!({ "app_id": app_id, "app_acl_type": "", "app_acl_values": [] }),
    }))
}

pub async fn remove_acl(
    State(state): State<MgmtState>,
    gateway: InGateway,
    Item(app_id): Item,
) -> Done {
    let (caller, instance_id) = gateway.allow(act::apps::update).await?;
    credentials::remove_acl(caller.cx(), &state.master_key, &instance_id, &app_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
