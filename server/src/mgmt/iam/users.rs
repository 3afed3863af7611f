//! IAM users: Keystone (`/v3/users`) and the extended `OS-USER` forms.
use axum::http::{StatusCode, Uri};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use app::model::iam::{NewUser, UserChange};
use app::model::paging::{Page, SortOrder};
use app::model::permission::actions::iam as act;
use app::services::iam::users;

use super::json::{collection_links, in_account, user, UserShape};
use crate::mgmt::Body;
use crate::mgmt::{ApiError, Created, Done, InAccount, Path, Query, Reply};

#[derive(Deserialize)]
pub struct CreateRequest {
    user: CreateOption,
}

#[derive(Deserialize)]
struct CreateOption {
    name: String,
    password: Option<String>,
    email: Option<String>,
    description: Option<String>,
    enabled: Option<bool>,
    access_mode: Option<String>,
}

impl CreateOption {
    fn into_new_user(self) -> NewUser {
        NewUser {
            name: self.name,
            email: self.email.unwrap_or_default(),
            description: self.description.unwrap_or_default(),
            password: self.password.unwrap_or_default(),
            enabled: self.enabled.unwrap_or(true),
            access_mode: self.access_mode.unwrap_or_else(|| "default".to_owned()),
        }
    }
}

/// `POST /v3/users` and `POST /v3.0/OS-USER/users`
pub async fn create(account: InAccount, uri: Uri, Body(request): Body<CreateRequest>) -> Created {
    let shape = UserShape::on(uri.path(), UserShape::KeystoneCreated, UserShape::Created);
    let caller = account.allow(act::users::create).await?;
    let created = users::create(caller.cx(), &request.user.into_new_user()).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "user": user(&caller, &created, shape) })),
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    domain_id: Option<String>,
    name: Option<String>,
    enabled: Option<bool>,
    /// Portico's passwords do not expire: this filter cannot be answered.
    password_expires_at: Option<String>,
}

/// `GET /v3/users` (`name` matches exactly, as in Keystone).
pub async fn list(account: InAccount, Query(query): Query<ListQuery>) -> Reply {
    if query.password_expires_at.is_some() {
        return Err(ApiError::invalid_parameter(
            "password_expires_at",
            "Portico's passwords do not expire, so users cannot be filtered by expiry",
        ));
    }
    let caller = account.allow(act::users::list).await?;
    let (_, all) = users::list(
        caller.cx(),
        None,
        &SortOrder::default(),
        Page::new(None, Some(super::super::MAX_LIST)),
    )
    .await?;
    let items: Vec<Value> = all
        .iter()
        .filter(|_| in_account(&caller, query.domain_id.as_deref()))
        .filter(|u| query.name.as_ref().is_none_or(|name| &u.name == name))
        .filter(|u| query.enabled.is_none_or(|enabled| u.enabled == enabled))
        .map(|u| user(&caller, u, UserShape::KeystoneListed))
        .collect();
    Ok(Json(
        json!({ "users": items, "links": collection_links("/v3/users") }),
    ))
}

/// `GET /v3/users/{user_id}` and `GET /v3.0/OS-USER/users/{user_id}`
pub async fn show(account: InAccount, Path(user_id): Path<String>, uri: Uri) -> Reply {
    let shape = UserShape::on(uri.path(), UserShape::KeystoneShown, UserShape::Shown);
    let caller = account.allow_on(act::users::get, &user_id).await?;
    let found = users::get(caller.cx(), &user_id).await?;
    Ok(Json(json!({ "user": user(&caller, &found, shape) })))
}

#[derive(Deserialize)]
pub struct UpdateRequest {
    user: UpdateOption,
}

#[derive(Deserialize)]
struct UpdateOption {
    name: Option<String>,
    password: Option<String>,
    email: Option<String>,
    description: Option<String>,
    enabled: Option<bool>,
    access_mode: Option<String>,
}

/// `PATCH /v3/users/{user_id}` and `PUT /v3.0/OS-USER/users/{user_id}`
pub async fn update(
    account: InAccount,
    Path(user_id): Path<String>,
    uri: Uri,
    Body(request): Body<UpdateRequest>,
) -> Reply {
    let shape = UserShape::on(uri.path(), UserShape::KeystoneUpdated, UserShape::Updated);
    let caller = account.allow_on(act::users::update, &user_id).await?;
    let option = request.user;
    let change = UserChange {
        name: option.name,
        email: option.email,
        description: option.description,
        enabled: option.enabled,
        access_mode: option.access_mode,
        password: option.password,
    };
    let updated = users::update(caller.cx(), &user_id, &change).await?;
    Ok(Json(json!({ "user": user(&caller, &updated, shape) })))
}

/// `DELETE /v3/users/{user_id}`
pub async fn delete(account: InAccount, Path(user_id): Path<String>) -> Done {
    let caller = account.allow_on(act::users::delete, &user_id).await?;
    users::delete(caller.cx(), &user_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
pub struct PasswordRequest {
    user: PasswordOption,
}

#[derive(Deserialize)]
struct PasswordOption {
    original_password: String,
    password: String,
}

/// `POST /v3/users/{user_id}/password`: a user changes their own password.
pub async fn change_password(
    account: InAccount,
    Path(user_id): Path<String>,
    Body(request): Body<PasswordRequest>,
) -> Done {
    if user_id != account.user_id() {
        return Err(ApiError::from(app::error::AppError::forbidden(
            act::users::update.name(),
        )));
    }
    let caller = account.as_self();
    users::change_own_password(
        caller.cx(),
        &request.user.original_password,
        &request.user.password,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
pub struct InformationRequest {
    user: InformationOption,
}

#[derive(Deserialize)]
struct InformationOption {
    email: Option<String>,
}

/// `PUT /v3.0/OS-USER/users/{user_id}/info`: contact details.
pub async fn update_information(
    account: InAccount,
    Path(user_id): Path<String>,
    Body(request): Body<InformationRequest>,
) -> Done {
    let caller = if user_id == account.user_id() {
        account.as_self()
    } else {
        account.allow_on(act::users::update, &user_id).await?
    };
    let change = UserChange {
        email: request.user.email,
        ..UserChange::default()
    };
    users::update(caller.cx(), &user_id, &change).await?;
    Ok(StatusCode::NO_CONTENT)
}
