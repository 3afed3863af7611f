//! Server functions of the console's IAM area. Each checks one IAM action for the signed-in
//! user in the current project (own access keys and own password excepted) and calls the
//! service layer.
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::error::invalid_if;
use crate::error::AppError;
use crate::model::audit::{AuditFilter, AuditPage};
use crate::model::iam::{
    AccessKey, NewAccessKey, PermissionPolicy, User, UserChange, UserDetail, UserGroup,
    UserGroupDetail, UserPage, UserWizard, UserWizardResult,
};
use crate::model::ProjectRef;

#[cfg(feature = "ssr")]
use super::ctx::{self, authorized};
#[cfg(feature = "ssr")]
use crate::model::permission::actions::iam as act;
#[cfg(feature = "ssr")]
use crate::services::caller::Cx;
#[cfg(feature = "ssr")]
use crate::services::iam::{access_keys, permissions, projects, user_groups, users};

#[server(endpoint = "iam/list_users")]
pub async fn list_users(search: String, sort: String, offset: i64) -> Result<UserPage, AppError> {
    use crate::model::paging::{Page, SortOrder};
    ctx::allowed(act::users::list, async |cx| {
        let page = Page::new(Some(offset), None);
        let sort = SortOrder::parse(&sort);
        let (total, users) = users::list(cx, Some(&search), &sort, page).await?;
        Ok(UserPage { total, users })
    })
    .await
}

#[server(endpoint = "iam/get_user")]
pub async fn get_user(user_id: String) -> Result<UserDetail, AppError> {
    use crate::services::{iam::access_keys, iam::user_groups, iam::users};
    ctx::allowed(act::users::get, async |cx| {
        Ok(UserDetail {
            user: users::get(cx, &user_id).await?,
            groups: user_groups::groups_of_user(cx, &user_id).await?,
            access_keys: access_keys::list(cx, &user_id).await?,
        })
    })
    .await
}

#[server(endpoint = "iam/update_user", input = server_fn::codec::Json)]
pub async fn update_user(user_id: String, change: UserChange) -> Result<User, AppError> {
    ctx::allowed(act::users::update, async |cx| {
        users::update(cx, &user_id, &change).await
    })
    .await
}

#[server(endpoint = "iam/delete_user")]
pub async fn delete_user(user_id: String) -> Result<(), AppError> {
    ctx::allowed(act::users::delete, async |cx| {
        users::delete(cx, &user_id).await
    })
    .await
}

/// The last step of the "Create a user and grant APIG permissions" wizard.
#[server(endpoint = "iam/create_user_with_permissions", input = server_fn::codec::Json)]
pub async fn create_user_with_permissions(
    wizard: UserWizard,
) -> Result<UserWizardResult, AppError> {
    use crate::services::{
        iam::access_keys, iam::authz, iam::projects, iam::user_groups, iam::users,
    };
    ctx::allowed(act::users::create, async |cx| {
        // Check every permission and input the later steps need before creating anything.
        wizard.user.validate()?;
        let mut needed = vec![];
        if !wizard.group_ids.is_empty() || !wizard.new_group.is_empty() {
            needed.push(act::groups::addUser);
        }
        if !wizard.new_group.is_empty() {
            crate::model::iam::validate_name("new_group", "group", &wizard.new_group)?;
            needed.push(act::groups::create);
            if !wizard.policy_ids.is_empty() {
                needed.push(act::permissions::grantRoleToGroupOnProject);
            }
        }
        if wizard.create_access_key {
            needed.push(act::credentials::createCredential);
        }
        for action in needed {
            authz::require(cx, action, authz::any(action)).await?;
        }
        if !wizard.new_group.is_empty() {
            let scope = (!wizard.all_projects).then_some(cx.caller.project_id.as_str());
            for policy_id in &wizard.policy_ids {
                user_groups::grantable(cx, policy_id, scope).await.map_err(
                    |error| match error {
                        AppError::Invalid { message, .. } | AppError::Beyond { message } => {
                            AppError::invalid("policies", message)
                        }
                        other => other,
                    },
                )?;
            }
        }
        if !wizard.new_group.is_empty()
            && !user_groups::list(cx, Some(&wizard.new_group))
                .await?
                .is_empty()
        {
            return Err(AppError::conflict(
                Some("new_group"),
                format!("A user group named {} already exists.", wizard.new_group),
            ));
        }
        let user = users::create(cx, &wizard.user).await?;
        let mut group_names = vec![];
        for group_id in &wizard.group_ids {
            user_groups::add_member(cx, group_id, &user.id).await?;
            group_names.push(user_groups::get(cx, group_id).await?.name);
        }
        if !wizard.new_group.is_empty() {
            let description = format!("Created with user {}", user.name);
            let group = user_groups::create(cx, &wizard.new_group, &description).await?;
            user_groups::add_member(cx, &group.id, &user.id).await?;
            let scope = (!wizard.all_projects).then_some(cx.caller.project_id.as_str());
            for policy_id in &wizard.policy_ids {
                user_groups::grant(cx, &group.id, policy_id, scope).await?;
            }
            group_names.push(group.name);
        }
        let access_key = if wizard.create_access_key {
            Some(
                access_keys::create(
                    cx.pool,
                    &ctx::master_key()?,
                    cx.caller,
                    &user.id,
                    "Created with the user",
                )
                .await?,
            )
        } else {
            None
        };
        Ok(UserWizardResult {
            user,
            account: projects::account_name(cx.pool, &cx.caller.account_id).await?,
            groups: group_names,
            access_key,
        })
    })
    .await
}

#[server(endpoint = "iam/list_groups")]
pub async fn list_groups() -> Result<Vec<UserGroup>, AppError> {
    ctx::allowed(act::groups::list, async |cx| {
        user_groups::list(cx, None).await
    })
    .await
}

#[server(endpoint = "iam/get_group")]
pub async fn get_group(group_id: String) -> Result<UserGroupDetail, AppError> {
    use crate::services::iam::user_groups;
    ctx::allowed(act::groups::get, async |cx| {
        Ok(UserGroupDetail {
            group: user_groups::get(cx, &group_id).await?,
            members: user_groups::members(cx, &group_id).await?,
            grants: user_groups::grants(cx, &group_id).await?,
        })
    })
    .await
}

#[server(endpoint = "iam/create_group")]
pub async fn create_group(name: String, description: String) -> Result<UserGroup, AppError> {
    ctx::allowed(act::groups::create, async |cx| {
        user_groups::create(cx, &name, &description).await
    })
    .await
}

#[server(endpoint = "iam/delete_group")]
pub async fn delete_group(group_id: String) -> Result<(), AppError> {
    ctx::allowed(act::groups::delete, async |cx| {
        user_groups::delete(cx, &group_id).await
    })
    .await
}

#[server(endpoint = "iam/add_member")]
pub async fn add_member(group_id: String, user_id: String) -> Result<(), AppError> {
    ctx::allowed(act::groups::addUser, async |cx| {
        user_groups::add_member(cx, &group_id, &user_id).await
    })
    .await
}

#[server(endpoint = "iam/remove_member")]
pub async fn remove_member(group_id: String, user_id: String) -> Result<(), AppError> {
    ctx::allowed(act::groups::removeUser, async |cx| {
        user_groups::remove_member(cx, &group_id, &user_id).await
    })
    .await
}

/// Grants a policy to a group in one project, or in all projects when `project_id` is empty.
#[server(endpoint = "iam/grant")]
pub async fn grant(
    group_id: String,
    policy_id: String,
    project_id: String,
) -> Result<(), AppError> {
    ctx::allowed(act::permissions::grantRoleToGroupOnProject, async |cx| {
        let scope = (!project_id.is_empty()).then_some(project_id.as_str());
        user_groups::grant(cx, &group_id, &policy_id, scope).await
    })
    .await
}

#[server(endpoint = "iam/revoke")]
pub async fn revoke(
    group_id: String,
    policy_id: String,
    project_id: String,
) -> Result<(), AppError> {
    ctx::respond(
        async {
            let caller = authorized(act::permissions::revokeRoleFromGroupOnProject).await?;
            let scope = (!project_id.is_empty()).then_some(project_id.as_str());
            user_groups::revoke(
                Cx {
                    pool: &ctx::pool()?,
                    caller: &caller,
                },
                &group_id,
                &policy_id,
                scope,
            )
            .await
        }
        .await,
    )
}

#[server(endpoint = "iam/list_policies")]
pub async fn list_policies() -> Result<Vec<PermissionPolicy>, AppError> {
    ctx::allowed(act::policies::list, async |cx| permissions::list(cx).await).await
}

#[server(endpoint = "iam/save_policy")]
pub async fn save_policy(
    policy_id: String,
    name: String,
    description: String,
    document: String,
) -> Result<PermissionPolicy, AppError> {
    use crate::services::iam::permissions;
    ctx::respond(
        async {
            let pool = ctx::pool()?;
            if policy_id.is_empty() {
                let caller = authorized(act::policies::create).await?;
                let cx = Cx {
                    pool: &pool,
                    caller: &caller,
                };
                permissions::create(cx, &name, &description, &document).await
            } else {
                let caller = authorized(act::policies::update).await?;
                let cx = Cx {
                    pool: &pool,
                    caller: &caller,
                };
                permissions::update(
                    cx,
                    &policy_id,
                    Some(&name),
                    Some(&description),
                    Some(&document),
                )
                .await
            }
        }
        .await,
    )
}

/// The user groups that hold a policy: while there are any, it cannot be deleted.
#[server(endpoint = "iam/policy_holders")]
pub async fn policy_holders(policy_id: String) -> Result<Vec<String>, AppError> {
    ctx::allowed(act::policies::get, async |cx| {
        permissions::holders(cx, &policy_id).await
    })
    .await
}

#[server(endpoint = "iam/delete_policy")]
pub async fn delete_policy(policy_id: String) -> Result<(), AppError> {
    ctx::allowed(act::policies::delete, async |cx| {
        permissions::delete(cx, &policy_id).await
    })
    .await
}

#[server(endpoint = "iam/list_projects")]
pub async fn list_projects() -> Result<Vec<ProjectRef>, AppError> {
    ctx::allowed(act::projects::list, async |cx| {
        projects::list(cx.pool, &cx.caller.account_id).await
    })
    .await
}

/// The caller's own access keys, or another user's (`iam:credentials:listCredentials`).
#[server(endpoint = "iam/list_access_keys")]
pub async fn list_access_keys(user_id: String) -> Result<Vec<AccessKey>, AppError> {
    let action = act::credentials::listCredentials;
    for_owner(user_id, action, async |cx, owner| {
        access_keys::list(cx, &owner).await
    })
    .await
}

#[server(endpoint = "iam/create_access_key")]
pub async fn create_access_key(
    user_id: String,
    description: String,
) -> Result<NewAccessKey, AppError> {
    let action = act::credentials::createCredential;
    for_owner(user_id, action, async |cx, owner| {
        access_keys::create(
            cx.pool,
            &ctx::master_key()?,
            cx.caller,
            &owner,
            &description,
        )
        .await
    })
    .await
}

/// Runs `work` for the signed-in caller on the access keys of `user_id` (none: their
/// own), which needs `action` when they are another user's.
#[cfg(feature = "ssr")]
async fn for_owner<T>(
    user_id: String,
    action: crate::model::permission::Action,
    work: impl AsyncFnOnce(Cx<'_>, String) -> Result<T, AppError>,
) -> Result<T, AppError> {
    ctx::respond(
        async {
            let caller = ctx::signed_in().await?;
            let owner = match user_id.is_empty() {
                true => caller.user_id.clone(),
                false => user_id,
            };
            if owner != caller.user_id {
                authorized(action).await?;
            }
            let pool = ctx::pool()?;
            work(
                Cx {
                    pool: &pool,
                    caller: &caller,
                },
                owner,
            )
            .await
        }
        .await,
    )
}

/// Runs `work` for the signed-in caller on the access key `access_key`: their own, or
/// another user's when they are allowed `action`.
#[cfg(feature = "ssr")]
async fn on_key<T>(
    access_key: &str,
    action: crate::model::permission::Action,
    work: impl AsyncFnOnce(Cx<'_>) -> Result<T, AppError>,
) -> Result<T, AppError> {
    ctx::respond(
        async {
            let caller = ctx::signed_in().await?;
            let pool = ctx::pool()?;
            let key = access_keys::get(&pool, &caller.account_id, access_key).await?;
            if key.user_id != caller.user_id {
                authorized(action).await?;
            }
            work(Cx {
                pool: &pool,
                caller: &caller,
            })
            .await
        }
        .await,
    )
}

#[server(endpoint = "iam/set_access_key_status")]
pub async fn set_access_key_status(
    access_key: String,
    active: bool,
) -> Result<AccessKey, AppError> {
    let action = act::credentials::updateCredential;
    on_key(&access_key, action, async |cx| {
        let status = if active { "active" } else { "inactive" };
        access_keys::update(cx, &access_key, Some(status), None).await
    })
    .await
}

#[server(endpoint = "iam/delete_access_key")]
pub async fn delete_access_key(access_key: String) -> Result<(), AppError> {
    let action = act::credentials::deleteCredential;
    on_key(&access_key, action, async |cx| {
        access_keys::delete(cx, &access_key).await
    })
    .await
}

/// The signed-in user changes their own password (no policy needed).
#[server(endpoint = "iam/change_password")]
pub async fn change_password(
    current_password: String,
    new_password: String,
    confirm_password: String,
) -> Result<(), AppError> {
    ctx::respond(
        async {
            invalid_if(
                new_password != confirm_password,
                "confirm_password",
                "The two new passwords differ.",
            )?;
            let caller = ctx::signed_in().await?;
            let changed_at = users::change_own_password(
                Cx {
                    pool: &ctx::pool()?,
                    caller: &caller,
                },
                &current_password,
                &new_password,
            )
            .await?;
            // The user's other sessions end; this one goes on.
            use crate::services::iam::session;
            let handle = ctx::session().await?;
            let mut user = session::require(&handle).await?;
            user.password_set_at = session::micros(changed_at);
            session::update(&handle, &user).await
        }
        .await,
    )
}

#[server(endpoint = "iam/list_audit", input = server_fn::codec::Json)]
pub async fn list_audit(filter: AuditFilter, offset: i64) -> Result<AuditPage, AppError> {
    ctx::allowed(act::audit::list, async |cx| {
        let page = crate::model::paging::Page::new(Some(offset), None);
        crate::services::audit::list(cx, &filter, page).await
    })
    .await
}
