//! Gateways (APIG instances) in a project: create, list, show, update, delete; their
//! parameters, tags and custom inbound ports. Every change runs in one transaction with its
//! audit record and a configuration revision bump. A gateway's parameters, tags and ports
//! after creation: `settings`.
use crate::model::permission::{actions::apig as act, Action};
use std::collections::HashMap;

use sqlx::{PgConnection, PgPool};

use crate::error::AppError;
use crate::error::Kind;
use crate::model::api_group::RELEASE_ID;
use crate::model::gateway::{
    self as rules, FeatureSetting, FeatureState, Gateway, GatewayChange, GatewayContents,
    GatewayDetail, GatewayPage, IngressPort, NewGateway, NewIngressPort, Tag, MAX_GATEWAYS,
    MAX_INGRESS_PORTS, MAX_TAGS,
};
use crate::model::paging::{Page, SortOrder};
use crate::services::audit::format_time;
use crate::services::caller::Cx;
use crate::services::change::{Change, Table};
use crate::services::holding::Holding;
use crate::services::ids;

mod settings;
pub use settings::{
    add_ingress_port, change_tags, delete_ingress_port, features, ingress_ports, project_tags,
    set_feature,
};

/// Filters of the gateway list (APIG's `instance_id`, `instance_name`).
#[derive(Debug, Default, Clone)]
pub struct GatewayFilter {
    pub id: Option<String>,
    /// Part of the name, case-insensitive.
    pub name: Option<String>,
    /// Only these gateways (those the caller's grants limited by `Resource` name).
    pub within: Option<Vec<String>>,
    /// The console's order (`SORTABLE`); APIG's list keeps creation order.
    pub sort: SortOrder,
}

/// Columns the console sorts the gateway list by.
pub const SORTABLE: &[&str] = &["name", "created"];

struct Row {
    id: String,
    project_id: String,
    name: String,
    description: String,
    spec_id: String,
    maintain_begin: String,
    maintain_end: String,
    created_by: String,
    created_at: time::OffsetDateTime,
}

fn gateway(row: Row, tags: Vec<Tag>) -> Gateway {
    Gateway {
        id: row.id,
        project_id: row.project_id,
        name: row.name,
        description: row.description,
        spec_id: row.spec_id,
        maintain_begin: row.maintain_begin,
        maintain_end: row.maintain_end,
        created_by: row.created_by,
        created_unix: row.created_at.unix_timestamp(),
        created_at: format_time(row.created_at),
        tags,
    }
}

async fn tags_of(
    executor: &mut PgConnection,
    ids: &[String],
) -> Result<HashMap<String, Vec<Tag>>, AppError> {
    let rows = sqlx::query!(
        "SELECT gateway_id, key, value FROM gateway_tags WHERE gateway_id = ANY($1) ORDER BY key",
        ids
    )
    .fetch_all(executor)
    .await?;
    let mut tags: HashMap<String, Vec<Tag>> = HashMap::new();
    for row in rows {
        tags.entry(row.gateway_id).or_default().push(Tag {
            key: row.key,
            value: row.value,
        });
    }
    Ok(tags)
}

/// A project's gateways, named uniquely within it.
const GATEWAYS: Holding = Holding {
    table: "gateways",
    owner: "project_id",
    kind: Kind::Gateway,
    field: "instance_name",
    taken: "A gateway named {name} already exists in this project.",
    limit: Some((
        MAX_GATEWAYS,
        "This project already has {max} gateways, the most it can hold. Delete one first.",
    )),
};

async fn ports_free(tx: &mut PgConnection, ports: &[NewIngressPort]) -> Result<(), AppError> {
    let numbers: Vec<i32> = ports.iter().map(|p| p.port).collect();
    let used = sqlx::query!(
        "SELECT p.port, g.name FROM gateway_ingress_ports p JOIN gateways g ON g.id = p.gateway_id
          WHERE p.port = ANY($1) ORDER BY p.port LIMIT 1",
        &numbers
    )
    .fetch_optional(&mut *tx)
    .await?;
    match used {
        Some(row) => Err(AppError::taken(
            Kind::IngressPort,
            "ingress_port",
            format!(
                "Port {} is already an inbound port of gateway {}.",
                row.port, row.name
            ),
        )),
        None => Ok(()),
    }
}

async fn insert_port(
    tx: &mut PgConnection,
    gateway_id: &str,
    port: &NewIngressPort,
) -> Result<IngressPort, AppError> {
    let id = ids::new_id();
    sqlx::query!(
        "INSERT INTO gateway_ingress_ports (id, gateway_id, protocol, port) VALUES ($1, $2, $3, $4)",
        id,
        gateway_id,
        port.protocol,
        port.port
    )
    .execute(&mut *tx)
    .await?;
    Ok(IngressPort {
        id,
        protocol: port.protocol.clone(),
        port: port.port,
    })
}

/// A parameter's id: the same before it is first set (when it is listed with its default)
/// and after.
fn feature_id(gateway_id: &str, name: &str) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(format!("{gateway_id}/{name}"));
    hex::encode(&digest[..16])
}

async fn upsert_feature(
    tx: &mut PgConnection,
    gateway_id: &str,
    setting: &FeatureSetting,
) -> Result<(), AppError> {
    sqlx::query!(
        "INSERT INTO gateway_features (id, gateway_id, name, enabled, config) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (gateway_id, name)
         DO UPDATE SET enabled = excluded.enabled, config = excluded.config, updated_at = now()",
        feature_id(gateway_id, &setting.name),
        gateway_id,
        setting.name,
        setting.enabled,
        setting.config
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Creates a gateway with its first parameters, tags and inbound ports.
pub async fn create(cx: Cx<'_>, new: &NewGateway) -> Result<Gateway, AppError> {
    new.validate()?;
    let features = new
        .features
        .iter()
        .map(rules::validate_feature)
        .collect::<Result<Vec<_>, _>>()?;
    let (begin, end) = new.maintenance();
    let mut change = Change::served(cx).await?;
    // One creation at a time per project, so the count and the name check hold.
    change.lock(Table::Projects, &cx.caller.project_id).await?;
    GATEWAYS
        .admit(&mut change, &cx.caller.project_id, "", &new.name)
        .await?;
    ports_free(&mut change, &new.ingress_ports).await?;
    let id = ids::new_id();
    sqlx::query!(
        "INSERT INTO gateways (id, project_id, name, description, spec_id, maintain_begin, maintain_end, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        id,
        cx.caller.project_id,
        new.name,
        new.description,
        new.spec_id,
        begin,
        end,
        cx.caller.user_name
    )
    .execute(&mut *change)
    .await?;
    crate::services::apig::api_groups::create_default(&mut change, &id).await?;
    crate::services::apig::environments::create_release(&mut change, &id).await?;
    for tag in &new.tags {
        sqlx::query!(
            "INSERT INTO gateway_tags (gateway_id, key, value) VALUES ($1, $2, $3)",
            id,
            tag.key,
            tag.value
        )
        .execute(&mut *change)
        .await?;
    }
    for setting in &features {
        upsert_feature(&mut change, &id, setting).await?;
    }
    for port in &new.ingress_ports {
        insert_port(&mut change, &id, port).await?;
    }
    change
        .commit_on(
            act::instances::create,
            &id,
            &new.name,
            &format!("edition {}", new.spec_id),
        )
        .await?;
    get(cx, &id).await
}

/// Gateways of the caller's project, oldest first.
pub async fn list(cx: Cx<'_>, filter: &GatewayFilter, page: Page) -> Result<GatewayPage, AppError> {
    let name = filter.name.as_deref().filter(|s| !s.is_empty());
    let id = filter.id.as_deref().filter(|s| !s.is_empty());
    let order = filter.sort.checked(SORTABLE)?;
    let mut conn = cx.pool.acquire().await?;
    let total = sqlx::query_scalar!(
        r#"SELECT count(*) AS "count!" FROM gateways
            WHERE project_id = $1 AND ($2::text IS NULL OR strpos(lower(name), lower($2)) > 0)
              AND ($3::text IS NULL OR id = $3) AND ($4::text[] IS NULL OR id = ANY($4))"#,
        cx.caller.project_id,
        name,
        id,
        filter.within.as_deref()
    )
    .fetch_one(&mut *conn)
    .await?;
    let rows = sqlx::query_as!(
        Row,
        "SELECT id, project_id, name, description, spec_id, maintain_begin, maintain_end, created_by, created_at
           FROM gateways
          WHERE project_id = $1 AND ($2::text IS NULL OR strpos(lower(name), lower($2)) > 0)
            AND ($3::text IS NULL OR id = $3) AND ($6::text[] IS NULL OR id = ANY($6))
          ORDER BY CASE WHEN $7 = 'name' THEN lower(name) END,
                   CASE WHEN $7 = '-name' THEN lower(name) END DESC,
                   CASE WHEN $7 = '-created' THEN created_at END DESC,
                   created_at, id
          OFFSET $4 LIMIT $5",
        cx.caller.project_id,
        name,
        id,
        page.offset,
        page.limit,
        filter.within.as_deref(),
        order
    )
    .fetch_all(&mut *conn)
    .await?;
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let mut tags = tags_of(&mut conn, &ids).await?;
    Ok(GatewayPage {
        total,
        gateways: rows
            .into_iter()
            .map(|row| {
                let own = tags.remove(&row.id).unwrap_or_default();
                gateway(row, own)
            })
            .collect(),
    })
}

/// The gateways the caller may list: every one of the project when `apig:instances:list`
/// is granted across it, otherwise those named by the `Resource` of a limited grant.
pub async fn list_visible(
    cx: Cx<'_>,
    filter: &GatewayFilter,
    page: Page,
) -> Result<GatewayPage, AppError> {
    const LIST: Action = act::instances::list;
    let mut filter = filter.clone();
    if !crate::services::iam::authz::decide(cx, LIST)
        .await?
        .is_allowed()
    {
        let all = sqlx::query_scalar!(
            "SELECT id FROM gateways WHERE project_id = $1",
            cx.caller.project_id
        )
        .fetch_all(cx.pool)
        .await?;
        filter.within = Some(crate::services::iam::authz::gateways_allowing(cx, LIST, all).await?);
    }
    list(cx, &filter, page).await
}

/// One gateway of the caller's project.
pub async fn get(cx: Cx<'_>, id: &str) -> Result<Gateway, AppError> {
    let mut conn = cx.pool.acquire().await?;
    let row = sqlx::query_as!(
        Row,
        "SELECT id, project_id, name, description, spec_id, maintain_begin, maintain_end, created_by, created_at
           FROM gateways WHERE id = $1 AND project_id = $2",
        id,
        cx.caller.project_id
    )
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| AppError::not_found(Kind::Gateway, format!("Gateway {id}")))?;
    let tags = tags_of(&mut conn, std::slice::from_ref(&row.id))
        .await?
        .remove(&row.id)
        .unwrap_or_default();
    Ok(gateway(row, tags))
}

/// A gateway with its parameters (set or default) and inbound ports.
pub async fn detail(cx: Cx<'_>, id: &str) -> Result<GatewayDetail, AppError> {
    Ok(GatewayDetail {
        gateway: get(cx, id).await?,
        features: features(cx, id).await?,
        ingress_ports: ingress_ports(cx, id).await?,
        contents: contents(cx.pool, id).await?,
    })
}

/// What the gateway holds beyond its DEFAULT group and RELEASE.
async fn contents(pool: &PgPool, id: &str) -> Result<GatewayContents, AppError> {
    let row = sqlx::query!(
        r#"SELECT (SELECT count(*) FROM api_groups WHERE gateway_id = $1 AND NOT is_default) AS "groups!",
                  (SELECT count(*) FROM environments WHERE gateway_id = $1 AND id <> $2) AS "environments!",
                  (SELECT count(*) FROM env_variables WHERE gateway_id = $1) AS "variables!",
                  (SELECT count(*) FROM apis WHERE gateway_id = $1) AS "apis!""#,
        id,
        RELEASE_ID
    )
    .fetch_one(pool)
    .await?;
    Ok(GatewayContents {
        groups: row.groups,
        environments: row.environments,
        variables: row.variables,
        apis: row.apis,
    })
}

pub async fn update(cx: Cx<'_>, id: &str, change: &GatewayChange) -> Result<Gateway, AppError> {
    let current = get(cx, id).await?;
    if let Some(name) = &change.name {
        rules::validate_name("instance_name", name)?;
    }
    if let Some(description) = &change.description {
        crate::model::iam::validate_description("description", description)?;
    }
    let begin = change
        .maintain_begin
        .as_deref()
        .unwrap_or(&current.maintain_begin);
    let end = change
        .maintain_end
        .as_deref()
        .unwrap_or(&current.maintain_end);
    rules::validate_maintenance(begin, end)?;
    let mut work = Change::served(cx).await?;
    if let Some(name) = &change.name {
        GATEWAYS
            .name_free(&mut work, &cx.caller.project_id, name, id)
            .await?;
    }
    sqlx::query!(
        "UPDATE gateways SET name = coalesce($2, name), description = coalesce($3, description),
                maintain_begin = $4, maintain_end = $5, updated_at = now()
          WHERE id = $1",
        id,
        change.name,
        change.description,
        begin,
        end
    )
    .execute(&mut *work)
    .await?;
    let name = change.name.as_deref().unwrap_or(&current.name);
    work.commit_on(act::instances::update, id, name, "").await?;
    get(cx, id).await
}

/// Deletes a gateway with its parameters, tags and ports. One that still holds groups,
/// environments or variables is refused, naming them, unless `force` (the console asks
/// for the gateway's name first).
pub async fn delete(cx: Cx<'_>, id: &str, force: bool) -> Result<(), AppError> {
    let current = get(cx, id).await?;
    let held = contents(cx.pool, id).await?;
    if !force && !held.is_empty() {
        return Err(AppError::conflict(
            None,
            format!(
                "Gateway {} still holds {}. Delete them first, or delete the gateway in the console, which deletes everything it holds once you confirm.",
                current.name,
                held.describe()
            ),
        ));
    }
    let mut change = Change::served(cx).await?;
    change.delete(Table::Gateways, id).await?;
    change
        .commit_on(act::instances::delete, id, &current.name, &held.describe())
        .await
}
