//! API groups of a gateway: create, list, show, update, delete. Every gateway has a DEFAULT
//! group, which cannot be deleted. Every change runs in one transaction with its audit
//! record and a configuration revision bump.
use sqlx::{PgConnection, PgPool};

use crate::error::Kind;
use crate::error::{invalid_if, AppError};
use crate::model::api_group::{
    validate_group_name, validate_remark, ApiGroup, GroupPage, DEFAULT_GROUP, MAX_GROUPS,
};
use crate::model::gateway::counted;
use crate::model::paging::{Page, SortOrder};
use crate::model::permission::actions::apig as act;
use crate::services::audit::format_time;
use crate::services::caller::Cx;
use crate::services::change::{Change, Table};
use crate::services::holding::Holding;
use crate::services::{apig::gateways, ids};

/// Longest group description.
pub const MAX_REMARK: usize = 1000;

struct Row {
    id: String,
    gateway_id: String,
    name: String,
    remark: String,
    is_default: bool,
    sl_domain_access_enabled: bool,
    created_at: time::OffsetDateTime,
    updated_at: time::OffsetDateTime,
}

impl From<Row> for ApiGroup {
    fn from(row: Row) -> Self {
        ApiGroup {
            id: row.id,
            gateway_id: row.gateway_id,
            name: row.name,
            remark: row.remark,
            is_default: row.is_default,
            sl_domain_access_enabled: row.sl_domain_access_enabled,
            created_at: format_time(row.created_at),
            updated_at: format_time(row.updated_at),
        }
    }
}

/// Adds the DEFAULT group to a new gateway (inside its creation's transaction).
pub async fn create_default(tx: &mut PgConnection, gateway_id: &str) -> Result<(), AppError> {
    sqlx::query!(
        "INSERT INTO api_groups (id, gateway_id, name, remark, is_default) VALUES ($1, $2, $3, 'The default group', true)",
        ids::new_id(),
        gateway_id,
        DEFAULT_GROUP
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Refuses a name another group of the gateway has (names compare without case).
pub async fn check_name(cx: Cx<'_>, gateway_id: &str, name: &str) -> Result<(), AppError> {
    gateways::get(cx, gateway_id).await?;
    validate_group_name("name", name)?;
    let mut conn = cx.pool.acquire().await?;
    GROUPS.name_free(&mut conn, gateway_id, name, "").await
}

/// A gateway's API groups, named uniquely within it.
const GROUPS: Holding = Holding {
    table: "api_groups",
    owner: "gateway_id",
    kind: Kind::ApiGroup,
    field: "name",
    taken: "An API group named {name} already exists in this gateway.",
    limit: Some((
        MAX_GROUPS,
        "Gateway {owner} already has {max} API groups, the most it can hold.",
    )),
};

pub async fn create(
    cx: Cx<'_>,
    gateway_id: &str,
    name: &str,
    remark: &str,
) -> Result<ApiGroup, AppError> {
    let gateway = gateways::get(cx, gateway_id).await?;
    validate_group_name("name", name)?;
    validate_remark("remark", remark, MAX_REMARK)?;
    let id = GROUPS
        .create_in_gateway(
            cx,
            (gateway_id, &gateway.name),
            (name, remark),
            act::groups::create,
        )
        .await?;
    get(cx, gateway_id, &id).await
}

/// What a list of API groups is narrowed to: an id, a name (contained, or `exact`).
#[derive(Debug, Default, Clone, Copy)]
pub struct GroupFilter<'a> {
    pub id: Option<&'a str>,
    pub name: Option<&'a str>,
    pub exact: bool,
    /// The console's order (`SORTABLE`); APIG's list keeps DEFAULT first, then creation.
    pub sort: Option<&'a SortOrder>,
}

/// Columns the console sorts the API group list by.
pub const SORTABLE: &[&str] = &["name", "created"];

/// Groups of a gateway: DEFAULT first, then by creation, narrowed by `filter`.
pub async fn list(
    cx: Cx<'_>,
    gateway_id: &str,
    filter: &GroupFilter<'_>,
    page: Page,
) -> Result<GroupPage, AppError> {
    gateways::get(cx, gateway_id).await?;
    let name = filter.name.filter(|n| !n.is_empty());
    let id = filter.id.filter(|id| !id.is_empty());
    let order = match filter.sort {
        Some(sort) => sort.checked(SORTABLE)?,
        None => String::new(),
    };
    let total = sqlx::query_scalar!(
        r#"SELECT count(*) AS "count!" FROM api_groups
            WHERE gateway_id = $1
              AND ($2::text IS NULL OR CASE WHEN $3 THEN name = $2 ELSE strpos(lower(name), lower($2)) > 0 END)
              AND ($4::text IS NULL OR id = $4)"#,
        gateway_id,
        name,
        filter.exact,
        id
    )
    .fetch_one(cx.pool)
    .await?;
    let rows = sqlx::query_as!(
        Row,
        "SELECT id, gateway_id, name, remark, is_default, sl_domain_access_enabled, created_at, updated_at
           FROM api_groups
          WHERE gateway_id = $1
            AND ($2::text IS NULL OR CASE WHEN $3 THEN name = $2 ELSE strpos(lower(name), lower($2)) > 0 END)
            AND ($6::text IS NULL OR id = $6)
          ORDER BY CASE WHEN $7 = 'name' THEN lower(name) END,
                   CASE WHEN $7 = '-name' THEN lower(name) END DESC,
                   CASE WHEN $7 = 'created' THEN created_at END,
                   CASE WHEN $7 = '-created' THEN created_at END DESC,
                   is_default DESC, created_at, id
          OFFSET $4 LIMIT $5",
        gateway_id,
        name,
        filter.exact,
        page.offset,
        page.limit,
        id,
        order
    )
    .fetch_all(cx.pool)
    .await?;
    Ok(GroupPage {
        total,
        groups: rows.into_iter().map(ApiGroup::from).collect(),
    })
}

/// How many APIs each of `group_ids` holds (groups with none are absent).
pub async fn api_counts(
    pool: &PgPool,
    group_ids: &[String],
) -> Result<std::collections::BTreeMap<String, i64>, AppError> {
    let rows = sqlx::query!(
        r#"SELECT group_id, count(*) AS "count!" FROM apis WHERE group_id = ANY($1) GROUP BY group_id"#,
        group_ids
    )
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(|r| (r.group_id, r.count)).collect())
}

pub async fn get(cx: Cx<'_>, gateway_id: &str, id: &str) -> Result<ApiGroup, AppError> {
    gateways::get(cx, gateway_id).await?;
    sqlx::query_as!(
        Row,
        "SELECT id, gateway_id, name, remark, is_default, sl_domain_access_enabled, created_at, updated_at
           FROM api_groups WHERE id = $1 AND gateway_id = $2",
        id,
        gateway_id
    )
    .fetch_optional(cx.pool)
    .await?
    .map(ApiGroup::from)
    .ok_or_else(|| AppError::not_found(Kind::ApiGroup, format!("API group {id}")))
}

pub async fn update(
    cx: Cx<'_>,
    gateway_id: &str,
    id: &str,
    name: Option<&str>,
    remark: Option<&str>,
) -> Result<ApiGroup, AppError> {
    let current = get(cx, gateway_id, id).await?;
    if let Some(name) = name {
        validate_group_name("name", name)?;
        invalid_if(
            current.is_default && name != current.name,
            "name",
            "The DEFAULT group cannot be renamed.",
        )?;
    }
    if let Some(remark) = remark {
        validate_remark("remark", remark, MAX_REMARK)?;
    }
    let mut change = Change::served(cx).await?;
    if let Some(name) = name {
        GROUPS.name_free(&mut change, gateway_id, name, id).await?;
    }
    sqlx::query!(
        "UPDATE api_groups SET name = coalesce($2, name), remark = coalesce($3, remark), updated_at = now() WHERE id = $1",
        id,
        name,
        remark
    )
    .execute(&mut *change)
    .await?;
    change
        .commit_on(act::groups::update, id, name.unwrap_or(&current.name), "")
        .await?;
    get(cx, gateway_id, id).await
}

/// Deletes a group with its variables. The DEFAULT group stays.
pub async fn delete(cx: Cx<'_>, gateway_id: &str, id: &str) -> Result<(), AppError> {
    let current = get(cx, gateway_id, id).await?;
    if current.is_default {
        return Err(AppError::conflict(
            None,
            "The DEFAULT group belongs to the gateway and cannot be deleted.",
        ));
    }
    let apis = sqlx::query_scalar!(
        r#"SELECT count(*) AS "count!" FROM apis WHERE group_id = $1"#,
        id
    )
    .fetch_one(cx.pool)
    .await?;
    if apis > 0 {
        return Err(AppError::conflict(
            None,
            format!(
                "API group {} still holds {}; delete or move them first.",
                current.name,
                counted(apis, "API", "APIs")
            ),
        ));
    }
    let mut change = Change::served(cx).await?;
    change.delete(Table::ApiGroups, id).await?;
    change
        .commit_on(act::groups::delete, id, &current.name, "")
        .await
}
