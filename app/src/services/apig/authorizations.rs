//! Credentials' authorizations to call APIs, per environment (APIG's app-auths). Only APIs
//! with APP authentication are authorized; a batch is one transaction, refused whole when
//! any part of it is wrong, and authorizing a pair again keeps the one there is.
use time::OffsetDateTime;

use crate::error::{AppError, Kind};
use crate::model::credential::Authorization;
use crate::model::paging::Page;
use crate::model::permission::actions::apig as act;
use crate::services::audit::format_time;
use crate::services::caller::Cx;
use crate::services::change::Change;
use crate::services::{apig::gateways, ids};

/// APIs one credential may be authorized for, in all environments together.
pub const MAX_APIS_PER_CREDENTIAL: i64 = 1000;

/// Filters of the authorization lists; every one that is set must match.
#[derive(Debug, Default)]
pub struct AuthorizationFilter<'a> {
    pub id: Option<&'a str>,
    pub credential_id: Option<&'a str>,
    pub credential_name: Option<&'a str>,
    pub api_id: Option<&'a str>,
    pub api_name: Option<&'a str>,
    pub group_id: Option<&'a str>,
    pub group_name: Option<&'a str>,
    pub env_id: Option<&'a str>,
    /// A tag of the API.
    pub tag: Option<&'a str>,
}

struct Row {
    id: String,
    credential_id: String,
    credential_name: String,
    credential_remark: String,
    api_id: String,
    api_name: String,
    api_remark: Option<String>,
    api_type: Option<String>,
    group_id: String,
    group_name: String,
    env_id: String,
    env_name: String,
    created_at: OffsetDateTime,
}

impl From<Row> for Authorization {
    fn from(row: Row) -> Self {
        Authorization {
            id: row.id,
            credential_id: row.credential_id,
            credential_name: row.credential_name,
            credential_remark: row.credential_remark,
            api_id: row.api_id,
            api_name: row.api_name,
            api_remark: row.api_remark.unwrap_or_default(),
            api_type: row.api_type.and_then(|t| t.parse().ok()).unwrap_or(1),
            group_id: row.group_id,
            group_name: row.group_name,
            env_id: row.env_id,
            env_name: row.env_name,
            created_at: format_time(row.created_at),
        }
    }
}

/// Authorizes every credential of `credential_ids` for every API of `api_ids` in the
/// environment `env_id`, in one transaction; returns the authorizations, in that order.
pub async fn authorize(
    cx: Cx<'_>,
    gateway_id: &str,
    env_id: &str,
    credential_ids: &[String],
    api_ids: &[String],
) -> Result<Vec<Authorization>, AppError> {
    gateways::get(cx, gateway_id).await?;
    if credential_ids.is_empty() || api_ids.is_empty() {
        return Err(AppError::invalid(
            if credential_ids.is_empty() {
                "app_ids"
            } else {
                "api_ids"
            },
            "Name at least one credential and one API to authorize.",
        ));
    }
    let mut change = Change::served(cx).await?;
    let env = sqlx::query_scalar!(
        "SELECT name FROM environments WHERE gateway_id = $1 AND id = $2",
        gateway_id,
        env_id
    )
    .fetch_optional(&mut *change)
    .await?
    .ok_or_else(|| AppError::not_found(Kind::Environment, format!("Environment {env_id}")))?;
    let mut apis = Vec::with_capacity(api_ids.len());
    for api_id in api_ids {
        let api = sqlx::query!(
            r#"SELECT name, coalesce(definition->>'auth_type', 'NONE') AS "auth_type!" FROM apis
                WHERE gateway_id = $1 AND id = $2"#,
            gateway_id,
            api_id
        )
        .fetch_optional(&mut *change)
        .await?
        .ok_or_else(|| AppError::not_found(Kind::Api, format!("API {api_id}")))?;
        if api.auth_type != "APP" {
            return Err(AppError::invalid(
                "api_ids",
                format!(
                    "API {} uses {} authentication: only APIs with APP authentication are authorized to credentials.",
                    api.name, api.auth_type
                ),
            ));
        }
        apis.push((api_id, api.name));
    }
    let mut ids = Vec::with_capacity(credential_ids.len() * api_ids.len());
    for credential_id in credential_ids {
        let name = sqlx::query_scalar!(
            "SELECT name FROM credentials WHERE gateway_id = $1 AND id = $2 FOR UPDATE",
            gateway_id,
            credential_id
        )
        .fetch_optional(&mut *change)
        .await?
        .ok_or_else(|| {
            AppError::not_found(Kind::Credential, format!("Credential {credential_id}"))
        })?;
        for (api_id, api_name) in &apis {
            let added = sqlx::query_scalar!(
                "INSERT INTO app_auths (id, gateway_id, credential_id, api_id, env_id, created_at)
                 VALUES ($1, $2, $3, $4, $5, clock_timestamp())
                 ON CONFLICT (credential_id, api_id, env_id) DO NOTHING RETURNING id",
                ids::new_id(),
                gateway_id,
                credential_id,
                api_id,
                env_id
            )
            .fetch_optional(&mut *change)
            .await?;
            let id = match added {
                Some(id) => {
                    let detail = format!("for API {api_name} in {env}");
                    change
                        .record_on(act::apis::grantAppAccess, &id, &name, &detail)
                        .await?;
                    id
                }
                None => {
                    sqlx::query_scalar!(
                        "SELECT id FROM app_auths WHERE credential_id = $1 AND api_id = $2 AND env_id = $3",
                        credential_id,
                        api_id,
                        env_id
                    )
                    .fetch_one(&mut *change)
                    .await?
                }
            };
            ids.push(id);
        }
        let held = sqlx::query_scalar!(
            r#"SELECT count(DISTINCT api_id) AS "count!" FROM app_auths WHERE credential_id = $1"#,
            credential_id
        )
        .fetch_one(&mut *change)
        .await?;
        if held > MAX_APIS_PER_CREDENTIAL {
            return Err(AppError::conflict(
                None,
                format!(
                    "Credential {name} would be authorized for {held} APIs; a credential is authorized for at most {MAX_APIS_PER_CREDENTIAL}."
                ),
            ));
        }
    }
    change.finish().await?;
    let mut authorizations = Vec::with_capacity(ids.len());
    for id in ids {
        authorizations.push(get(cx, gateway_id, &id).await?);
    }
    Ok(authorizations)
}

/// The authorizations that match `filter`, oldest first, with their total.
pub async fn list(
    cx: Cx<'_>,
    gateway_id: &str,
    filter: &AuthorizationFilter<'_>,
    page: Page,
) -> Result<(i64, Vec<Authorization>), AppError> {
    gateways::get(cx, gateway_id).await?;
    let set = |value: Option<&str>| value.filter(|v| !v.is_empty()).map(str::to_owned);
    let like = |value: Option<&str>| {
        set(value).map(|v| format!("%{}%", v.replace('%', "\\%").replace('_', "\\_")))
    };
    let total = sqlx::query_scalar!(
        r#"SELECT count(*) AS "count!"
             FROM app_auths x
             JOIN credentials c ON c.id = x.credential_id
             JOIN apis a ON a.id = x.api_id
             JOIN api_groups g ON g.id = a.group_id
            WHERE x.gateway_id = $1
              AND ($2::text IS NULL OR x.credential_id = $2) AND ($3::text IS NULL OR c.name ILIKE $3)
              AND ($4::text IS NULL OR x.api_id = $4) AND ($5::text IS NULL OR a.name ILIKE $5)
              AND ($6::text IS NULL OR a.group_id = $6) AND ($7::text IS NULL OR g.name ILIKE $7)
              AND ($8::text IS NULL OR x.env_id = $8) AND ($9::text IS NULL OR a.definition->'tags' ? $9)
              AND ($10::text IS NULL OR x.id = $10)"#,
        gateway_id,
        set(filter.credential_id),
        like(filter.credential_name),
        set(filter.api_id),
        like(filter.api_name),
        set(filter.group_id),
        like(filter.group_name),
        set(filter.env_id),
        set(filter.tag),
        set(filter.id),
    )
    .fetch_one(cx.pool)
    .await?;
    let rows = sqlx::query_as!(
        Row,
        r#"SELECT x.id, x.credential_id, c.name AS "credential_name", c.remark AS "credential_remark",
                  x.api_id, a.name AS "api_name", a.definition->>'remark' AS "api_remark",
                  a.definition->>'type' AS "api_type", a.group_id, g.name AS "group_name",
                  x.env_id, e.name AS "env_name", x.created_at
             FROM app_auths x
             JOIN credentials c ON c.id = x.credential_id
             JOIN apis a ON a.id = x.api_id
             JOIN api_groups g ON g.id = a.group_id
             JOIN environments e ON e.gateway_id = x.gateway_id AND e.id = x.env_id
            WHERE x.gateway_id = $1
              AND ($2::text IS NULL OR x.credential_id = $2) AND ($3::text IS NULL OR c.name ILIKE $3)
              AND ($4::text IS NULL OR x.api_id = $4) AND ($5::text IS NULL OR a.name ILIKE $5)
              AND ($6::text IS NULL OR a.group_id = $6) AND ($7::text IS NULL OR g.name ILIKE $7)
              AND ($8::text IS NULL OR x.env_id = $8) AND ($9::text IS NULL OR a.definition->'tags' ? $9)
              AND ($10::text IS NULL OR x.id = $10)
            ORDER BY x.created_at, x.id OFFSET $11 LIMIT $12"#,
        gateway_id,
        set(filter.credential_id),
        like(filter.credential_name),
        set(filter.api_id),
        like(filter.api_name),
        set(filter.group_id),
        like(filter.group_name),
        set(filter.env_id),
        set(filter.tag),
        set(filter.id),
        page.offset,
        page.limit
    )
    .fetch_all(cx.pool)
    .await?;
    Ok((total, rows.into_iter().map(Authorization::from).collect()))
}

pub async fn get(cx: Cx<'_>, gateway_id: &str, id: &str) -> Result<Authorization, AppError> {
    let filter = AuthorizationFilter {
        id: Some(id),
        ..Default::default()
    };
    list(cx, gateway_id, &filter, Page::new(Some(0), Some(1)))
        .await?
        .1
        .into_iter()
        .next()
        .ok_or_else(|| AppError::not_found(Kind::Authorization, format!("Authorization {id}")))
}

/// Revokes an authorization: the credential's calls to that API in that environment are
/// refused from the next configuration served.
pub async fn revoke(cx: Cx<'_>, gateway_id: &str, id: &str) -> Result<(), AppError> {
    let found = get(cx, gateway_id, id).await?;
    let mut change = Change::served(cx).await?;
    sqlx::query!("DELETE FROM app_auths WHERE id = $1", id)
        .execute(&mut *change)
        .await?;
    let detail = format!("for API {} in {}", found.api_name, found.env_name);
    change
        .commit_on(
            act::apis::relieveAppAccess,
            id,
            &found.credential_name,
            &detail,
        )
        .await
}

/// What narrows the APIs a credential could still be authorized for.
#[derive(Debug, Default)]
pub struct OpenFilter<'a> {
    pub group_id: Option<&'a str>,
    pub api_id: Option<&'a str>,
    /// Part of the name.
    pub api_name: Option<&'a str>,
}

/// APIs with APP authentication in the gateway that the credential is not authorized
/// for in the environment `env_id`, by name, with their total.
pub async fn unauthorized_apis(
    cx: Cx<'_>,
    gateway_id: &str,
    (credential_id, env_id): (&str, &str),
    filter: &OpenFilter<'_>,
    page: Page,
) -> Result<(i64, Vec<(String, String)>), AppError> {
    gateways::get(cx, gateway_id).await?;
    let group_id = filter.group_id.filter(|g| !g.is_empty());
    let api_id = filter.api_id.filter(|a| !a.is_empty());
    let api_name = filter.api_name;
    let pattern = api_name
        .filter(|n| !n.is_empty())
        .map(|n| format!("%{}%", n.replace('%', "\\%").replace('_', "\\_")));
    let total = sqlx::query_scalar!(
        r#"SELECT count(*) AS "count!" FROM apis a
            WHERE a.gateway_id = $1 AND a.definition->>'auth_type' = 'APP'
              AND NOT EXISTS (SELECT 1 FROM app_auths x WHERE x.api_id = a.id AND x.credential_id = $2 AND x.env_id = $3)
              AND ($4::text IS NULL OR a.group_id = $4) AND ($5::text IS NULL OR a.name ILIKE $5)
              AND ($6::text IS NULL OR a.id = $6)"#,
        gateway_id,
        credential_id,
        env_id,
        group_id,
        pattern,
        api_id
    )
    .fetch_one(cx.pool)
    .await?;
    let apis = sqlx::query!(
        r#"SELECT a.id, a.name FROM apis a
            WHERE a.gateway_id = $1 AND a.definition->>'auth_type' = 'APP'
              AND NOT EXISTS (SELECT 1 FROM app_auths x WHERE x.api_id = a.id AND x.credential_id = $2 AND x.env_id = $3)
              AND ($4::text IS NULL OR a.group_id = $4) AND ($5::text IS NULL OR a.name ILIKE $5)
              AND ($6::text IS NULL OR a.id = $6)
            ORDER BY a.name, a.id OFFSET $7 LIMIT $8"#,
        gateway_id,
        credential_id,
        env_id,
        group_id,
        pattern,
        api_id,
        page.offset,
        page.limit
    )
    .fetch_all(cx.pool)
    .await?
    .into_iter()
    .map(|r| (r.id, r.name))
    .collect();
    Ok((total, apis))
}
