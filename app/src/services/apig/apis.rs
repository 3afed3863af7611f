//! APIs of a gateway and their publishing: the draft definition, immutable published
//! versions (at most ten kept per environment), the version live in each environment,
//! switching back to an older version, and taking an API offline. Every change runs in one
//! transaction with its audit record and a configuration revision bump.
use sqlx::types::Json;
use sqlx::PgPool;

mod publishing;

pub use publishing::{
    batch, delete_version, offline, publish, runtime, switch_version, version, versions,
    BatchOutcome, MAX_BATCH,
};

use crate::error::Kind;
use crate::error::{invalid_if, AppError};
use crate::model::api::{ApiDefinition, ApiInfo, Publication};
use crate::model::gateway::{feature_number, feature_spec};
use crate::model::paging::{Page, SortOrder};
use crate::model::permission::actions::apig as act;
use crate::services::audit::format_time;
use crate::services::caller::Cx;
use crate::services::change::{Change, Table};
use crate::services::{apig::api_groups, apig::gateways, ids};

/// The longest backend timeout the gateway allows (its `backend_timeout` parameter).
pub async fn max_timeout(cx: Cx<'_>, gateway_id: &str) -> Result<i64, AppError> {
    let features = gateways::features(cx, gateway_id).await?;
    let spec = feature_spec("backend_timeout")
        .ok_or_else(|| AppError::Internal("backend_timeout is not a parameter".to_owned()))?;
    Ok(features
        .iter()
        .find(|f| f.name == "backend_timeout" && f.enabled)
        .and_then(|f| feature_number(spec, &f.config))
        .unwrap_or(60_000))
}

/// Checks a definition against the rules and the gateway: its group exists here, and no
/// other API of the group has its name or its route.
async fn check(
    cx: Cx<'_>,
    gateway_id: &str,
    definition: &ApiDefinition,
    except: &str,
) -> Result<(), AppError> {
    definition.validate(max_timeout(cx, gateway_id).await?)?;
    api_groups::get(cx, gateway_id, &definition.group_id)
        .await
        .map_err(|_| {
            AppError::not_found(
                Kind::ApiGroup,
                format!(
                    "API group {} (group_id) of this gateway",
                    definition.group_id
                ),
            )
        })?;
    conflicts(
        cx.pool,
        &definition.group_id,
        Some(&definition.name),
        Some((
            &definition.req_method,
            &definition.req_uri,
            &definition.match_mode,
        )),
        except,
    )
    .await
}

/// Another API of the group with this name, or this route (method, path, match mode).
pub struct Clash {
    pub id: String,
    pub name: String,
    /// Whether the name is what clashes (else the route).
    pub same_name: bool,
}

/// The API of the group, other than `except`, that has this name or route, if any (one
/// indexed query, however many APIs the group holds).
pub async fn clash(
    pool: &PgPool,
    group_id: &str,
    name: Option<&str>,
    route: Option<(&str, &str, &str)>,
    except: &str,
) -> Result<Option<Clash>, AppError> {
    let (method, uri, mode) = route.unwrap_or_default();
    Ok(sqlx::query_as!(
        Clash,
        r#"SELECT id, name, ($2::text IS NOT NULL AND lower(name) = lower($2)) AS "same_name!" FROM apis
            WHERE group_id = $1 AND id <> $6
              AND (lower(name) = lower($2) OR (req_method = $3 AND req_uri = $4 AND match_mode = $5))
            ORDER BY 3 DESC
            LIMIT 1"#,
        group_id,
        name,
        route.map(|_| method),
        route.map(|_| uri),
        route.map(|_| mode),
        except
    )
    .fetch_optional(pool)
    .await?)
}

/// Refuses a name, or a route (method, path, match mode), another API of the group has.
pub async fn conflicts(
    pool: &PgPool,
    group_id: &str,
    name: Option<&str>,
    route: Option<(&str, &str, &str)>,
    except: &str,
) -> Result<(), AppError> {
    let (method, uri, mode) = route.unwrap_or_default();
    let clash = clash(pool, group_id, name, route, except).await?;
    match clash {
        Some(row) if row.same_name => Err(AppError::taken(
            Kind::Api,
            "name",
            format!("An API named {} already exists in this group.", row.name),
        )),
        Some(row) => Err(AppError::taken(
            Kind::Route,
            "req_uri",
            format!(
                "API {} already answers {method} {uri} ({}) in this group.",
                row.name,
                if mode == "SWA" {
                    "prefix match"
                } else {
                    "exact match"
                }
            ),
        )),
        None => Ok(()),
    }
}

pub async fn create(
    cx: Cx<'_>,
    gateway_id: &str,
    definition: &ApiDefinition,
) -> Result<ApiInfo, AppError> {
    let gateway = gateways::get(cx, gateway_id).await?;
    check(cx, gateway_id, definition, "").await?;
    let mut change = Change::served(cx).await?;
    change.lock(Table::Gateways, gateway_id).await?;
    let held = sqlx::query_scalar!(
        r#"SELECT count(*) AS "count!" FROM apis WHERE gateway_id = $1"#,
        gateway_id
    )
    .fetch_one(&mut *change)
    .await?;
    let limit = crate::model::gateway::edition(&gateway.spec_id).map_or(250, |e| e.max_apis);
    if held >= limit {
        return Err(AppError::conflict(
            None,
            format!(
                "Gateway {} already has {limit} APIs, the most its edition holds.",
                gateway.name
            ),
        ));
    }
    let id = ids::new_id();
    sqlx::query!(
        "INSERT INTO apis (id, gateway_id, group_id, name, req_method, req_uri, match_mode, definition)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        id,
        gateway_id,
        definition.group_id,
        definition.name,
        definition.req_method,
        definition.req_uri,
        definition.match_mode,
        Json(definition) as _
    )
    .execute(&mut *change)
    .await?;
    change
        .commit_on(
            act::apis::create,
            &id,
            &definition.name,
            &format!("{} {}", definition.req_method, definition.req_uri),
        )
        .await?;
    get(cx, gateway_id, &id).await
}

/// The ids of every API of a group, oldest first.
pub async fn ids_in_group(
    cx: Cx<'_>,
    gateway_id: &str,
    group_id: &str,
) -> Result<Vec<String>, AppError> {
    api_groups::get(cx, gateway_id, group_id).await?;
    Ok(sqlx::query_scalar!(
        "SELECT id FROM apis WHERE gateway_id = $1 AND group_id = $2 ORDER BY created_at, id",
        gateway_id,
        group_id
    )
    .fetch_all(cx.pool)
    .await?)
}

/// Filters of the API list.
#[derive(Debug, Default, Clone)]
pub struct ApiFilter {
    pub id: Option<String>,
    /// Part of the name, or the whole name when `exact_name`.
    pub name: Option<String>,
    pub exact_name: bool,
    pub group_id: Option<String>,
    pub req_method: Option<String>,
    /// Part of the path, or the whole path when `exact_uri`.
    pub req_uri: Option<String>,
    pub exact_uri: bool,
    /// Only APIs published in this environment.
    pub env_id: Option<String>,
    pub req_protocol: Option<String>,
    pub auth_type: Option<String>,
    /// 1 public, 2 private.
    pub visibility: Option<i32>,
    /// Only APIs carrying every one of these tags; `#no_tags#` alone: only APIs without tags.
    pub tags: Vec<String>,
    /// The console's order (`SORTABLE`); APIG's list keeps creation order.
    pub sort: SortOrder,
}

/// Columns the console sorts the API list by.
pub const SORTABLE: &[&str] = &["name", "path", "created"];

fn some(text: &Option<String>) -> Option<&str> {
    text.as_deref().filter(|s| !s.is_empty())
}

/// APIG's value of `tags` that asks for the APIs without any.
pub const NO_TAGS: &str = "#no_tags#";

pub async fn list(
    cx: Cx<'_>,
    gateway_id: &str,
    filter: &ApiFilter,
    page: Page,
) -> Result<(i64, Vec<ApiInfo>), AppError> {
    let order = filter.sort.checked(SORTABLE)?;
    gateways::get(cx, gateway_id).await?;
    let untagged = filter.tags == [NO_TAGS];
    let tags = (!filter.tags.is_empty() && !untagged).then_some(&filter.tags[..]);
    let found = sqlx::query!(
        r#"WITH matching AS (
             SELECT a.id, a.name, a.req_uri, a.created_at FROM apis a
              WHERE a.gateway_id = $1
                AND ($2::text IS NULL OR a.id = $2)
                AND ($3::text IS NULL OR CASE WHEN $4 THEN a.name = $3 ELSE strpos(lower(a.name), lower($3)) > 0 END)
                AND ($5::text IS NULL OR a.group_id = $5)
                AND ($6::text IS NULL OR a.req_method = upper($6))
                AND ($7::text IS NULL OR CASE WHEN $8 THEN a.req_uri = $7 ELSE strpos(a.req_uri, $7) > 0 END)
                AND ($9::text IS NULL OR EXISTS (SELECT 1 FROM api_publications p WHERE p.api_id = a.id AND p.env_id = $9))
                AND ($10::text IS NULL OR upper(a.definition->>'req_protocol') = upper($10))
                AND ($11::text IS NULL OR upper(a.definition->>'auth_type') = upper($11))
                AND ($12::int IS NULL OR COALESCE((a.definition->>'type')::int, 1) = $12)
                AND ($13::text[] IS NULL OR COALESCE(a.definition->'tags', '[]'::jsonb) ?& $13)
                AND (NOT $14 OR jsonb_array_length(COALESCE(a.definition->'tags', '[]'::jsonb)) = 0))
           SELECT (SELECT count(*) FROM matching) AS "total!",
                  array(SELECT id FROM matching
                         ORDER BY CASE WHEN $17 = 'name' THEN lower(name) END,
                                  CASE WHEN $17 = '-name' THEN lower(name) END DESC,
                                  CASE WHEN $17 = 'path' THEN req_uri END,
                                  CASE WHEN $17 = '-path' THEN req_uri END DESC,
                                  CASE WHEN $17 = '-created' THEN created_at END DESC,
                                  created_at, id
                         OFFSET $15 LIMIT $16) AS "ids!""#,
        gateway_id,
        some(&filter.id),
        some(&filter.name),
        filter.exact_name,
        some(&filter.group_id),
        some(&filter.req_method),
        some(&filter.req_uri),
        filter.exact_uri,
        some(&filter.env_id),
        some(&filter.req_protocol),
        some(&filter.auth_type),
        filter.visibility,
        tags,
        untagged,
        page.offset,
        page.limit,
        order
    )
    .fetch_one(cx.pool)
    .await?;
    let mut apis = Vec::with_capacity(found.ids.len());
    for id in &found.ids {
        apis.push(get(cx, gateway_id, id).await?);
    }
    Ok((found.total, apis))
}

pub async fn get(cx: Cx<'_>, gateway_id: &str, id: &str) -> Result<ApiInfo, AppError> {
    gateways::get(cx, gateway_id).await?;
    let row = sqlx::query!(
        r#"SELECT a.id, a.gateway_id, g.name AS group_name, a.definition AS "definition: Json<ApiDefinition>",
                  a.created_at, a.updated_at
             FROM apis a JOIN api_groups g ON g.id = a.group_id
            WHERE a.id = $1 AND a.gateway_id = $2"#,
        id,
        gateway_id
    )
    .fetch_optional(cx.pool)
    .await?
    .ok_or_else(|| AppError::not_found(Kind::Api, format!("API {id}")))?;
    let publications = sqlx::query!(
        r#"SELECT p.publish_id, p.env_id, e.name AS env_name, p.version_id, p.published_at, v.remark,
                  (v.definition = a.definition) AS "matches!"
             FROM api_publications p
             JOIN environments e ON e.gateway_id = p.gateway_id AND e.id = p.env_id
             JOIN api_versions v ON v.id = p.version_id
             JOIN apis a ON a.id = p.api_id
            WHERE p.api_id = $1 ORDER BY e.id <> 'DEFAULT_ENVIRONMENT_RELEASE_ID', e.name"#,
        id
    )
    .fetch_all(cx.pool)
    .await?
    .into_iter()
    .map(|p| Publication {
        publish_id: p.publish_id,
        env_id: p.env_id,
        env_name: p.env_name,
        version_id: p.version_id,
        published_at: format_time(p.published_at),
        remark: p.remark,
        matches_draft: p.matches,
    })
    .collect();
    Ok(ApiInfo {
        id: row.id,
        gateway_id: row.gateway_id,
        group_name: row.group_name,
        definition: row.definition.0,
        created_at: format_time(row.created_at),
        updated_at: format_time(row.updated_at),
        publications,
    })
}

/// Replaces the draft; what is live does not change until the API is published again.
pub async fn update(
    cx: Cx<'_>,
    gateway_id: &str,
    id: &str,
    definition: &ApiDefinition,
) -> Result<ApiInfo, AppError> {
    let current = get(cx, gateway_id, id).await?;
    invalid_if(
        current.definition.group_id != definition.group_id && !current.publications.is_empty(),
        "group_id",
        "A published API cannot move to another group; take it offline first.",
    )?;
    check(cx, gateway_id, definition, id).await?;
    let mut change = Change::begin(cx).await?;
    sqlx::query!(
        "UPDATE apis SET group_id = $2, name = $3, req_method = $4, req_uri = $5, match_mode = $6,
                definition = $7, updated_at = now()
          WHERE id = $1",
        id,
        definition.group_id,
        definition.name,
        definition.req_method,
        definition.req_uri,
        definition.match_mode,
        Json(definition) as _
    )
    .execute(&mut *change)
    .await?;
    change
        .commit_on(act::apis::update, id, &definition.name, "")
        .await?;
    get(cx, gateway_id, id).await
}

/// Deletes an API that is not published anywhere.
pub async fn delete(cx: Cx<'_>, gateway_id: &str, id: &str) -> Result<(), AppError> {
    let current = get(cx, gateway_id, id).await?;
    if !current.publications.is_empty() {
        let envs: Vec<&str> = current
            .publications
            .iter()
            .map(|p| p.env_name.as_str())
            .collect();
        return Err(AppError::conflict(
            None,
            format!(
                "API {} is published in {}; take it offline there first.",
                current.definition.name,
                envs.join(", ")
            ),
        ));
    }
    let mut change = Change::begin(cx).await?;
    change.delete(Table::Apis, id).await?;
    change
        .commit_on(act::apis::delete, id, &current.definition.name, "")
        .await
}
