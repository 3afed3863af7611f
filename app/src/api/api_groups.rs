//! Server functions of a gateway's API groups and Environments pages. Each checks one IAM
//! action for the signed-in user in the current project and calls the service layer.
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::model::api_group::{ApiGroup, Environment, GroupPage, Variable};

#[cfg(feature = "ssr")]
use super::ctx::{self, authorized_in};
#[cfg(feature = "ssr")]
use crate::model::permission::actions::apig as act;
#[cfg(feature = "ssr")]
use crate::services::apig::{api_groups, environments};
#[cfg(feature = "ssr")]
use crate::services::caller::Cx;

/// A page of groups with the suffix of their subdomains.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupsView {
    pub page: GroupPage,
    pub subdomain_suffix: String,
    pub gateway_name: String,
    /// How many APIs each group on the page holds, by group id (a group holding APIs
    /// cannot be deleted).
    pub api_counts: std::collections::BTreeMap<String, i64>,
}

#[server(endpoint = "groups/list")]
pub async fn list_api_groups(
    gateway_id: String,
    search: String,
    sort: String,
    offset: i64,
) -> Result<GroupsView, AppError> {
    use crate::services::{apig::api_groups, apig::gateways};
    ctx::allowed_in(act::groups::list, &gateway_id, async |cx| {
        let gateway = gateways::get(cx, &gateway_id).await?;
        let page = crate::model::paging::Page::new(Some(offset), None);
        let suffix = use_context::<crate::model::gateway::Endpoints>()
            .map(|e| e.subdomain_suffix)
            .unwrap_or_default();
        let page = api_groups::list(
            cx,
            &gateway_id,
            &api_groups::GroupFilter {
                name: Some(&search),
                sort: Some(&crate::model::paging::SortOrder::parse(&sort)),
                ..Default::default()
            },
            page,
        )
        .await?;
        let ids: Vec<String> = page.groups.iter().map(|g| g.id.clone()).collect();
        Ok(GroupsView {
            api_counts: api_groups::api_counts(cx.pool, &ids).await?,
            page,
            subdomain_suffix: suffix,
            gateway_name: gateway.name,
        })
    })
    .await
}

#[server(endpoint = "groups/create")]
pub async fn create_api_group(
    gateway_id: String,
    name: String,
    remark: String,
) -> Result<ApiGroup, AppError> {
    ctx::allowed_in(act::groups::create, &gateway_id, async |cx| {
        api_groups::create(cx, &gateway_id, name.trim(), &remark).await
    })
    .await
}

#[server(endpoint = "groups/delete")]
pub async fn delete_api_group(gateway_id: String, group_id: String) -> Result<(), AppError> {
    ctx::allowed_in(act::groups::delete, &gateway_id, async |cx| {
        api_groups::delete(cx, &gateway_id, &group_id).await
    })
    .await
}

/// A gateway's environments, and its groups to pick variables by.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnvironmentsView {
    pub gateway_name: String,
    pub environments: Vec<Environment>,
    /// How many APIs are live in each environment (absent: none), so the delete dialog
    /// can say what to take offline first.
    pub live_counts: std::collections::BTreeMap<String, i64>,
    pub groups: Vec<ApiGroup>,
    /// The first group's variables (or why they cannot be shown), so the page renders
    /// them with the rest of its data.
    pub first_variables: Result<Vec<Variable>, AppError>,
}

#[server(endpoint = "environments/list")]
pub async fn list_environments(gateway_id: String) -> Result<EnvironmentsView, AppError> {
    use crate::model::paging::{Page, MAX_LIMIT};
    use crate::services::{apig::api_groups, apig::environments, apig::gateways};
    ctx::allowed_in(act::envs::list, &gateway_id, async |cx| {
        let gateway = gateways::get(cx, &gateway_id).await?;
        let all = Page::new(Some(0), Some(MAX_LIMIT));
        let (_, environments) = environments::list(cx, &gateway_id, None, all).await?;
        let groups = api_groups::list(cx, &gateway_id, &Default::default(), all)
            .await?
            .groups;
        let first_variables = match groups.first() {
            Some(group) => variables_of(&gateway_id, group.id.clone()).await,
            None => Ok(Vec::new()),
        };
        Ok(EnvironmentsView {
            gateway_name: gateway.name,
            environments,
            live_counts: environments::live_counts(cx.pool, &gateway_id).await?,
            groups,
            first_variables,
        })
    })
    .await
}

#[server(endpoint = "environments/create")]
pub async fn create_environment(
    gateway_id: String,
    name: String,
    remark: String,
) -> Result<Environment, AppError> {
    ctx::allowed_in(act::envs::create, &gateway_id, async |cx| {
        environments::create(cx, &gateway_id, name.trim(), &remark).await
    })
    .await
}

#[server(endpoint = "environments/delete")]
pub async fn delete_environment(gateway_id: String, env_id: String) -> Result<(), AppError> {
    ctx::allowed_in(act::envs::delete, &gateway_id, async |cx| {
        environments::delete(cx, &gateway_id, &env_id).await
    })
    .await
}

#[server(endpoint = "variables/list")]
pub async fn list_variables(
    gateway_id: String,
    group_id: String,
) -> Result<Vec<Variable>, AppError> {
    ctx::respond(variables_of(&gateway_id, group_id).await)
}

/// A group's variables, for a caller who may list them.
#[cfg(feature = "ssr")]
async fn variables_of(gateway_id: &str, group_id: String) -> Result<Vec<Variable>, AppError> {
    use crate::model::paging::{Page, MAX_LIMIT};
    use environments::{list_variables, VariableFilter};
    let caller = authorized_in(act::variables::list, gateway_id).await?;
    let filter = VariableFilter {
        group_id: Some(group_id),
        ..VariableFilter::default()
    };
    let all = Page::new(Some(0), Some(MAX_LIMIT));
    Ok(list_variables(
        Cx {
            pool: &ctx::pool()?,
            caller: &caller,
        },
        gateway_id,
        &filter,
        all,
    )
    .await?
    .1)
}

#[server(endpoint = "variables/create")]
pub async fn create_variable(
    gateway_id: String,
    group_id: String,
    env_id: String,
    name: String,
    value: String,
) -> Result<Variable, AppError> {
    ctx::allowed_in(act::variables::create, &gateway_id, async |cx| {
        let new = Variable {
            id: String::new(),
            group_id,
            env_id,
            name: name.trim().to_owned(),
            value: value.trim().to_owned(),
        };
        environments::create_variable(cx, &gateway_id, &new).await
    })
    .await
}

#[server(endpoint = "variables/delete")]
pub async fn delete_variable(gateway_id: String, variable_id: String) -> Result<(), AppError> {
    ctx::allowed_in(act::variables::delete, &gateway_id, async |cx| {
        environments::delete_variable(cx, &gateway_id, &variable_id).await
    })
    .await
}
