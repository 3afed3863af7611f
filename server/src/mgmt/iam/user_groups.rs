//! IAM user groups and memberships.
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use app::model::permission::actions::iam as act;
use app::services::iam::user_groups;

use super::json::{collection_links, group, in_account, user, UserShape};
use crate::mgmt::Body;
use crate::mgmt::{ApiError, Created, Done, InAccount, Path, Query, Reply};
use app::error::Kind;

#[derive(Deserialize)]
pub struct GroupRequest {
    group: GroupOption,
}

#[derive(Deserialize)]
struct GroupOption {
    name: Option<String>,
    description: Option<String>,
}

pub async fn create(account: InAccount, Body(request): Body<GroupRequest>) -> Created {
    let caller = account.allow(act::groups::create).await?;
    let name = request.group.name.unwrap_or_default();
    let created = user_groups::create(
        caller.cx(),
        &name,
        request.group.description.as_deref().unwrap_or(""),
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "group": group(&caller, &created) })),
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    domain_id: Option<String>,
    name: Option<String>,
}

pub async fn list(account: InAccount, Query(query): Query<ListQuery>) -> Reply {
    let caller = account.allow(act::groups::list).await?;
    let all = match in_account(&caller, query.domain_id.as_deref()) {
        true => user_groups::list(caller.cx(), query.name.as_deref()).await?,
        false => Vec::new(),
    };
    let items: Vec<Value> = all.iter().map(|g| group(&caller, g)).collect();
    Ok(Json(
        json!({ "groups": items, "links": collection_links("/v3/groups") }),
    ))
}

pub async fn show(account: InAccount, Path(group_id): Path<String>) -> Reply {
    let caller = account.allow_on(act::groups::get, &group_id).await?;
    let found = user_groups::get(caller.cx(), &group_id).await?;
    Ok(Json(json!({ "group": group(&caller, &found) })))
}

pub async fn update(
    account: InAccount,
    Path(group_id): Path<String>,
    Body(request): Body<GroupRequest>,
) -> Reply {
    let caller = account.allow_on(act::groups::update, &group_id).await?;
    let updated = user_groups::update(
        caller.cx(),
        &group_id,
        request.group.name.as_deref(),
        request.group.description.as_deref(),
    )
    .await?;
    Ok(Json(json!({ "group": group(&caller, &updated) })))
}

pub async fn delete(account: InAccount, Path(group_id): Path<String>) -> Done {
    let caller = account.allow_on(act::groups::delete, &group_id).await?;
    user_groups::delete(caller.cx(), &group_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn members(account: InAccount, Path(group_id): Path<String>) -> Reply {
    let caller = account.allow_on(act::users::list, &group_id).await?;
    let found = user_groups::members(caller.cx(), &group_id).await?;
    let items: Vec<Value> = found
        .iter()
        .map(|u| user(&caller, u, UserShape::KeystoneListed))
        .collect();
    Ok(Json(
        json!({ "users": items, "links": collection_links(&format!("/v3/groups/{group_id}/users")) }),
    ))
}

pub async fn list_for_user(account: InAccount, Path(user_id): Path<String>) -> Reply {
    let caller = account.allow_on(act::groups::list, &user_id).await?;
    let found = user_groups::groups_of_user(caller.cx(), &user_id).await?;
    let items: Vec<Value> = found.iter().map(|g| group(&caller, g)).collect();
    Ok(Json(
        json!({ "groups": items, "links": collection_links(&format!("/v3/users/{user_id}/groups")) }),
    ))
}

pub async fn add_member(
    account: InAccount,
    Path((group_id, user_id)): Path<(String, String)>,
) -> Done {
    let caller = account.allow_on(act::groups::addUser, &group_id).await?;
    user_groups::add_member(caller.cx(), &group_id, &user_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn check_member(
    account: InAccount,
    Path((group_id, user_id)): Path<(String, String)>,
) -> Done {
    let caller = account.allow_on(act::groups::get, &group_id).await?;
    if user_groups::is_member(caller.cx(), &group_id, &user_id).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::from(app::error::AppError::not_found(
            Kind::User,
            format!("User {user_id} in group {group_id}"),
        )))
    }
}

pub async fn remove_member(
    account: InAccount,
    Path((group_id, user_id)): Path<(String, String)>,
) -> Done {
    let caller = account.allow_on(act::groups::removeUser, &group_id).await?;
    user_groups::remove_member(caller.cx(), &group_id, &user_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
