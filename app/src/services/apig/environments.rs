//! Environments of a gateway and the variables each API group has in each environment.
//! RELEASE exists in every gateway and cannot be changed or deleted. Every change runs in
//! one transaction with its audit record and a configuration revision bump.
use sqlx::{PgConnection, PgPool};

use crate::error::AppError;
use crate::error::Kind;
use crate::model::api_group::{
    validate_env_name, validate_remark, validate_variable_name, validate_variable_value,
    Environment, Variable, MAX_ENVIRONMENTS, MAX_VARIABLES, RELEASE, RELEASE_ID,
};
use crate::model::gateway::counted;
use crate::model::paging::Page;
use crate::model::permission::actions::apig as act;
use crate::services::audit::format_time;
use crate::services::caller::Cx;
use crate::services::change::{Change, Table};
use crate::services::holding::Holding;
use crate::services::{apig::api_groups, apig::gateways, ids};

/// Longest environment description.
pub const MAX_REMARK: usize = 255;

/// Adds RELEASE to a new gateway (inside its creation's transaction).
pub async fn create_release(tx: &mut PgConnection, gateway_id: &str) -> Result<(), AppError> {
    sqlx::query!(
        "INSERT INTO environments (gateway_id, id, name, remark) VALUES ($1, $2, $3, 'The default environment')",
        gateway_id,
        RELEASE_ID,
        RELEASE
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Environments of a gateway, RELEASE first; `name` filters by exact name.
pub async fn list(
    cx: Cx<'_>,
    gateway_id: &str,
    name: Option<&str>,
    page: Page,
) -> Result<(i64, Vec<Environment>), AppError> {
    gateways::get(cx, gateway_id).await?;
    let name = name.filter(|n| !n.is_empty());
    let total = sqlx::query_scalar!(
        r#"SELECT count(*) AS "count!" FROM environments WHERE gateway_id = $1 AND ($2::text IS NULL OR name = $2)"#,
        gateway_id,
        name
    )
    .fetch_one(cx.pool)
    .await?;
    let rows = sqlx::query!(
        "SELECT id, name, remark, created_at FROM environments
          WHERE gateway_id = $1 AND ($2::text IS NULL OR name = $2)
          ORDER BY id <> $3, created_at, id OFFSET $4 LIMIT $5",
        gateway_id,
        name,
        RELEASE_ID,
        page.offset,
        page.limit
    )
    .fetch_all(cx.pool)
    .await?;
    Ok((
        total,
        rows.into_iter()
            .map(|r| Environment {
                id: r.id,
                name: r.name,
                remark: r.remark,
                created_at: format_time(r.created_at),
            })
            .collect(),
    ))
}

pub async fn get(cx: Cx<'_>, gateway_id: &str, id: &str) -> Result<Environment, AppError> {
    gateways::get(cx, gateway_id).await?;
    sqlx::query!(
        "SELECT id, name, remark, created_at FROM environments WHERE gateway_id = $1 AND id = $2",
        gateway_id,
        id
    )
    .fetch_optional(cx.pool)
    .await?
    .map(|r| Environment {
        id: r.id,
        name: r.name,
        remark: r.remark,
        created_at: format_time(r.created_at),
    })
    .ok_or_else(|| AppError::not_found(Kind::Environment, format!("Environment {id}")))
}

/// A gateway's environments, named uniquely within it.
const ENVIRONMENTS: Holding = Holding {
    table: "environments",
    owner: "gateway_id",
    kind: Kind::Environment,
    field: "name",
    taken: "An environment named {name} already exists in this gateway.",
    limit: Some((
        MAX_ENVIRONMENTS,
        "Gateway {owner} already has {max} environments, the most it can hold.",
    )),
};

pub async fn create(
    cx: Cx<'_>,
    gateway_id: &str,
    name: &str,
    remark: &str,
) -> Result<Environment, AppError> {
    let gateway = gateways::get(cx, gateway_id).await?;
    validate_env_name("name", name)?;
    validate_remark("remark", remark, MAX_REMARK)?;
    let id = ENVIRONMENTS
        .create_in_gateway(
            cx,
            (gateway_id, &gateway.name),
            (name, remark),
            act::envs::create,
        )
        .await?;
    get(cx, gateway_id, &id).await
}

pub async fn update(
    cx: Cx<'_>,
    gateway_id: &str,
    id: &str,
    name: &str,
    remark: Option<&str>,
) -> Result<Environment, AppError> {
    let current = get(cx, gateway_id, id).await?;
    if current.id == RELEASE_ID {
        return Err(AppError::conflict(
            None,
            "RELEASE is the default environment; it cannot be changed.",
        ));
    }
    validate_env_name("name", name)?;
    if let Some(remark) = remark {
        validate_remark("remark", remark, MAX_REMARK)?;
    }
    let mut change = Change::served(cx).await?;
    ENVIRONMENTS
        .name_free(&mut change, gateway_id, name, id)
        .await?;
    sqlx::query!(
        "UPDATE environments SET name = $3, remark = coalesce($4, remark) WHERE gateway_id = $1 AND id = $2",
        gateway_id,
        id,
        name,
        remark
    )
    .execute(&mut *change)
    .await?;
    change.commit_on(act::envs::update, id, name, "").await?;
    get(cx, gateway_id, id).await
}

/// Deletes an environment with its variables. RELEASE stays.
/// How many APIs are published in each of the gateway's environments (environments with
/// none are absent).
pub async fn live_counts(
    pool: &PgPool,
    gateway_id: &str,
) -> Result<std::collections::BTreeMap<String, i64>, AppError> {
    let rows = sqlx::query!(
        r#"SELECT env_id, count(*) AS "count!" FROM api_publications WHERE gateway_id = $1 GROUP BY env_id"#,
        gateway_id
    )
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(|r| (r.env_id, r.count)).collect())
}

pub async fn delete(cx: Cx<'_>, gateway_id: &str, id: &str) -> Result<(), AppError> {
    let current = get(cx, gateway_id, id).await?;
    if current.id == RELEASE_ID {
        return Err(AppError::conflict(
            None,
            "RELEASE is the default environment; it cannot be deleted.",
        ));
    }
    let published = live_counts(cx.pool, gateway_id)
        .await?
        .get(id)
        .copied()
        .unwrap_or(0);
    if published > 0 {
        return Err(AppError::conflict(
            None,
            format!(
                "{} live in {}: take {} offline there first.",
                counted(published, "API is", "APIs are"),
                current.name,
                if published == 1 { "it" } else { "them" }
            ),
        ));
    }
    let mut change = Change::served(cx).await?;
    sqlx::query!(
        "DELETE FROM environments WHERE gateway_id = $1 AND id = $2",
        gateway_id,
        id
    )
    .execute(&mut *change)
    .await?;
    change
        .commit_on(act::envs::delete, id, &current.name, "")
        .await
}

/// Filters of the variable list.
#[derive(Debug, Default, Clone)]
pub struct VariableFilter {
    pub group_id: Option<String>,
    pub env_id: Option<String>,
    /// Part of the name; the whole name when `exact`.
    pub name: Option<String>,
    pub exact: bool,
}

pub async fn list_variables(
    cx: Cx<'_>,
    gateway_id: &str,
    filter: &VariableFilter,
    page: Page,
) -> Result<(i64, Vec<Variable>), AppError> {
    gateways::get(cx, gateway_id).await?;
    let group = filter.group_id.as_deref().filter(|s| !s.is_empty());
    let env = filter.env_id.as_deref().filter(|s| !s.is_empty());
    let name = filter.name.as_deref().filter(|s| !s.is_empty());
    let total = sqlx::query_scalar!(
        r#"SELECT count(*) AS "count!" FROM env_variables
            WHERE gateway_id = $1 AND ($2::text IS NULL OR group_id = $2) AND ($3::text IS NULL OR env_id = $3)
              AND ($4::text IS NULL OR CASE WHEN $5 THEN name = $4 ELSE strpos(lower(name), lower($4)) > 0 END)"#,
        gateway_id,
        group,
        env,
        name,
        filter.exact
    )
    .fetch_one(cx.pool)
    .await?;
    let rows = sqlx::query_as!(
        Variable,
        r#"SELECT id, group_id, env_id, name, value FROM env_variables
            WHERE gateway_id = $1 AND ($2::text IS NULL OR group_id = $2) AND ($3::text IS NULL OR env_id = $3)
              AND ($4::text IS NULL OR CASE WHEN $5 THEN name = $4 ELSE strpos(lower(name), lower($4)) > 0 END)
            ORDER BY name, env_id OFFSET $6 LIMIT $7"#,
        gateway_id,
        group,
        env,
        name,
        filter.exact,
        page.offset,
        page.limit
    )
    .fetch_all(cx.pool)
    .await?;
    Ok((total, rows))
}

pub async fn get_variable(cx: Cx<'_>, gateway_id: &str, id: &str) -> Result<Variable, AppError> {
    gateways::get(cx, gateway_id).await?;
    sqlx::query_as!(
        Variable,
        "SELECT id, group_id, env_id, name, value FROM env_variables WHERE id = $1 AND gateway_id = $2",
        id,
        gateway_id
    )
    .fetch_optional(cx.pool)
    .await?
    .ok_or_else(|| AppError::not_found(Kind::Variable, format!("Variable {id}")))
}

/// A new variable of `group_id` in `env_id`.
pub async fn create_variable(
    cx: Cx<'_>,
    gateway_id: &str,
    new: &Variable,
) -> Result<Variable, AppError> {
    let group = api_groups::get(cx, gateway_id, &new.group_id)
        .await
        .map_err(|_| {
            AppError::not_found(
                Kind::ApiGroup,
                format!("API group {} (group_id) of this gateway", new.group_id),
            )
        })?;
    let env = get(cx, gateway_id, &new.env_id).await.map_err(|_| {
        AppError::not_found(
            Kind::Environment,
            format!("Environment {} (env_id) of this gateway", new.env_id),
        )
    })?;
    validate_variable_name("variable_name", &new.name)?;
    validate_variable_value("variable_value", &new.value)?;
    let mut change = Change::served(cx).await?;
    change.lock(Table::ApiGroups, &group.id).await?;
    let held = sqlx::query_scalar!(
        r#"SELECT count(*) AS "count!" FROM env_variables WHERE group_id = $1 AND env_id = $2"#,
        group.id,
        env.id
    )
    .fetch_one(&mut *change)
    .await?;
    if held >= MAX_VARIABLES {
        return Err(AppError::conflict(
            None,
            format!(
                "API group {} already has {MAX_VARIABLES} variables in {}, the most it can hold.",
                group.name, env.name
            ),
        ));
    }
    let taken = sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM env_variables WHERE group_id = $1 AND env_id = $2 AND name = $3) AS "taken!""#,
        group.id,
        env.id,
        new.name
    )
    .fetch_one(&mut *change)
    .await?;
    if taken {
        return Err(AppError::taken(
            Kind::Variable,
            "variable_name",
            format!(
                "API group {} already has a variable {} in {}.",
                group.name, new.name, env.name
            ),
        ));
    }
    let id = ids::new_id();
    sqlx::query!(
        "INSERT INTO env_variables (id, gateway_id, group_id, env_id, name, value) VALUES ($1, $2, $3, $4, $5, $6)",
        id,
        gateway_id,
        group.id,
        env.id,
        new.name,
        new.value
    )
    .execute(&mut *change)
    .await?;
    change
        .commit_on(
            act::variables::create,
            &id,
            &new.name,
            &format!("group {} in {}", group.name, env.name),
        )
        .await?;
    get_variable(cx, gateway_id, &id).await
}

pub async fn update_variable(
    cx: Cx<'_>,
    gateway_id: &str,
    id: &str,
    value: &str,
) -> Result<Variable, AppError> {
    let current = get_variable(cx, gateway_id, id).await?;
    validate_variable_value("variable_value", value)?;
    let mut change = Change::served(cx).await?;
    sqlx::query!(
        "UPDATE env_variables SET value = $2 WHERE id = $1",
        id,
        value
    )
    .execute(&mut *change)
    .await?;
    change
        .commit_on(act::variables::create, id, &current.name, "value changed")
        .await?;
    get_variable(cx, gateway_id, id).await
}

pub async fn delete_variable(cx: Cx<'_>, gateway_id: &str, id: &str) -> Result<(), AppError> {
    let current = get_variable(cx, gateway_id, id).await?;
    let mut change = Change::served(cx).await?;
    change.delete(Table::EnvVariables, id).await?;
    change
        .commit_on(act::variables::delete, id, &current.name, "")
        .await
}
