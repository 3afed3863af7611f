//! The limits Portico enforces, as APIG lists them (`instance/configs` for the project,
//! `project/configs` for one gateway, with what is used), and the resource outlines
//! (`resources/outline/*`). Only limits that are enforced are listed.
use time::OffsetDateTime;

use crate::error::AppError;
use crate::model::api::{MAX_PARAMS, MAX_VERSIONS};
use crate::model::api_group::{MAX_ENVIRONMENTS, MAX_GROUPS, MAX_VARIABLES};
use crate::model::certificate::MAX_DOMAINS_PER_GROUP;
use crate::model::credential::MAX_CREDENTIALS;
use crate::model::gateway::{edition, MAX_GATEWAYS};
use crate::services::apig::gateways;
use crate::services::caller::Cx;

/// One limit: its APIG name, its value, what it limits, and how much is used where that is
/// one number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limit {
    pub name: &'static str,
    pub value: i64,
    pub remark: &'static str,
    pub used: Option<i64>,
}

/// When the limits were set: the gateway's creation, or now for the project's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    pub set_at: OffsetDateTime,
    pub limits: Vec<Limit>,
}

/// The project's limits: gateways per project.
pub async fn project(cx: Cx<'_>) -> Result<Limits, AppError> {
    let used = sqlx::query_scalar!(
        r#"SELECT count(*) AS "count!" FROM gateways WHERE project_id = $1"#,
        cx.caller.project_id
    )
    .fetch_one(cx.pool)
    .await?;
    Ok(Limits {
        set_at: OffsetDateTime::now_utc(),
        limits: vec![Limit {
            name: "INSTANCE_NUM_LIMIT",
            value: MAX_GATEWAYS,
            remark: "Gateways per project",
            used: Some(used),
        }],
    })
}

/// A gateway's limits with what it uses.
pub async fn gateway(cx: Cx<'_>, gateway_id: &str) -> Result<Limits, AppError> {
    let gateway = gateways::get(cx, gateway_id).await?;
    let used = sqlx::query!(
        r#"SELECT (SELECT count(*) FROM apis WHERE gateway_id = $1) AS "apis!",
                  (SELECT count(*) FROM api_groups WHERE gateway_id = $1) AS "groups!",
                  (SELECT count(*) FROM environments WHERE gateway_id = $1) AS "environments!",
                  (SELECT count(*) FROM credentials WHERE gateway_id = $1) AS "credentials!""#,
        gateway_id
    )
    .fetch_one(cx.pool)
    .await?;
    let max_apis = edition(&gateway.spec_id).map_or(0, |e| e.max_apis);
    let limit = |name, value, remark, used| Limit {
        name,
        value,
        remark,
        used,
    };
    Ok(Limits {
        set_at: sqlx::query_scalar!("SELECT created_at FROM gateways WHERE id = $1", gateway_id)
            .fetch_one(cx.pool)
            .await?,
        limits: vec![
            limit(
                "API_NUM_LIMIT",
                max_apis,
                "APIs per gateway (set by the edition)",
                Some(used.apis),
            ),
            limit(
                "APIGROUP_NUM_LIMIT",
                MAX_GROUPS,
                "API groups per gateway",
                Some(used.groups),
            ),
            limit(
                "ENVIRONMENT_NUM_LIMIT",
                MAX_ENVIRONMENTS,
                "Environments per gateway, RELEASE included",
                Some(used.environments),
            ),
            limit(
                "APP_NUM_LIMIT",
                MAX_CREDENTIALS,
                "Credentials per gateway",
                Some(used.credentials),
            ),
            limit(
                "VARIABLE_NUM_LIMIT",
                MAX_VARIABLES,
                "Variables per group and environment",
                None,
            ),
            limit(
                "APIGROUP_DOMAIN_NUM_LIMIT",
                MAX_DOMAINS_PER_GROUP,
                "Bound domains per group",
                None,
            ),
            limit(
                "API_VERSION_NUM_LIMIT",
                MAX_VERSIONS,
                "Versions kept per API and environment",
                None,
            ),
            limit(
                "API_PARAM_NUM_LIMIT",
                MAX_PARAMS as i64,
                "Request parameters per API",
                None,
            ),
        ],
    })
}

/// Groups with at least one API published somewhere (on sale, in APIG's words) and the rest.
pub async fn group_outline(cx: Cx<'_>, gateway_id: &str) -> Result<(i64, i64), AppError> {
    gateways::get(cx, gateway_id).await?;
    let row = sqlx::query!(
        r#"SELECT count(*) FILTER (WHERE EXISTS (SELECT 1 FROM apis a JOIN api_publications p ON p.api_id = a.id WHERE a.group_id = g.id)) AS "on!",
                  count(*) AS "all!"
             FROM api_groups g WHERE g.gateway_id = $1"#,
        gateway_id
    )
    .fetch_one(cx.pool)
    .await?;
    Ok((row.on, row.all - row.on))
}

/// (credentials authorized for some API, the others).
pub async fn app_outline(cx: Cx<'_>, gateway_id: &str) -> Result<(i64, i64), AppError> {
    gateways::get(cx, gateway_id).await?;
    let row = sqlx::query!(
        r#"SELECT count(*) AS "all!",
                  count(*) FILTER (WHERE EXISTS (SELECT 1 FROM app_auths x WHERE x.credential_id = c.id)) AS "authorized!"
             FROM credentials c WHERE c.gateway_id = $1"#,
        gateway_id
    )
    .fetch_one(cx.pool)
    .await?;
    Ok((row.authorized, row.all - row.authorized))
}

/// (all APIs, APIs published in RELEASE, the others).
pub async fn api_outline(cx: Cx<'_>, gateway_id: &str) -> Result<(i64, i64, i64), AppError> {
    gateways::get(cx, gateway_id).await?;
    let row = sqlx::query!(
        r#"SELECT count(*) AS "all!",
                  count(*) FILTER (WHERE EXISTS (SELECT 1 FROM api_publications p WHERE p.api_id = a.id AND p.env_id = $2)) AS "released!"
             FROM apis a WHERE a.gateway_id = $1"#,
        gateway_id,
        crate::model::api_group::RELEASE_ID
    )
    .fetch_one(cx.pool)
    .await?;
    Ok((row.all, row.released, row.all - row.released))
}
