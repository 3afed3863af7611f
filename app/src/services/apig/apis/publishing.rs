//! Publishing: immutable versions (at most ten kept per environment), the version live in
//! each environment, switching back, and taking an API offline.
use sqlx::types::Json;
use sqlx::PgConnection;

use super::get;
use crate::error::Kind;
use crate::error::{invalid_if, AppError};
use crate::model::api::{ApiDefinition, Publication, VersionInfo, MAX_VERSIONS};
use crate::model::permission::actions::apig as act;
use crate::services::audit::format_time;
use crate::services::caller::{Caller, Cx};
use crate::services::change::{Change, Table};
use crate::services::{apig::environments, apig::gateways, ids};

/// Records the version as live in its environment (a new publish id each time).
async fn make_live(
    tx: &mut PgConnection,
    api_id: &str,
    gateway_id: &str,
    env_id: &str,
    version_id: &str,
) -> Result<String, AppError> {
    let publish_id = ids::new_id();
    sqlx::query!(
        "INSERT INTO api_publications (api_id, gateway_id, env_id, version_id, publish_id) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (api_id, env_id)
         DO UPDATE SET version_id = excluded.version_id, publish_id = excluded.publish_id, published_at = now()",
        api_id,
        gateway_id,
        env_id,
        version_id,
        publish_id
    )
    .execute(&mut *tx)
    .await?;
    Ok(publish_id)
}

/// A publish that passed its checks: what the write needs.
struct ToPublish {
    api_id: String,
    api_name: String,
    env_id: String,
    env_name: String,
}

/// The checks of a publish, outside any transaction: the API and environment exist, the
/// note fits, and the variables the backend uses have values in that environment.
async fn check_publish(
    cx: Cx<'_>,
    gateway_id: &str,
    api_id: &str,
    env_id: &str,
    remark: &str,
) -> Result<ToPublish, AppError> {
    let api = get(cx, gateway_id, api_id).await?;
    let env = environments::get(cx, gateway_id, env_id)
        .await
        .map_err(|_| {
            AppError::not_found(
                Kind::Environment,
                format!("Environment {env_id} (env_id) of this gateway"),
            )
        })?;
    invalid_if(
        remark.chars().count() > 255,
        "remark",
        "A publishing note has at most 255 characters.",
    )?;
    let needed = api.definition.variables();
    if !needed.is_empty() {
        let defined = sqlx::query_scalar!(
            "SELECT name FROM env_variables WHERE group_id = $1 AND env_id = $2 AND name = ANY($3)",
            api.definition.group_id,
            env.id,
            &needed
        )
        .fetch_all(cx.pool)
        .await?;
        if let Some(missing) = needed.iter().find(|n| !defined.contains(n)) {
            return Err(AppError::invalid(
                "env_id",
                format!(
                    "The backend uses #{missing}#, which group {} has no value for in {}. Add the variable there first.",
                    api.group_name, env.name
                ),
            ));
        }
    }
    Ok(ToPublish {
        api_id: api_id.to_owned(),
        api_name: api.definition.name,
        env_id: env.id,
        env_name: env.name,
    })
}

/// Writes a checked publish in `change`: a new immutable version, live in its environment,
/// the oldest beyond `MAX_VERSIONS` dropped, and its audit record.
async fn write_publish(
    change: &mut Change<'_>,
    caller: &Caller,
    gateway_id: &str,
    publish: &ToPublish,
    remark: &str,
) -> Result<(), AppError> {
    let version_id = ids::new_id();
    sqlx::query!(
        "INSERT INTO api_versions (id, api_id, gateway_id, env_id, definition, remark, published_by)
         SELECT $1, id, gateway_id, $3, definition, $4, $5 FROM apis WHERE id = $2",
        version_id,
        publish.api_id,
        publish.env_id,
        remark,
        caller.user_name
    )
    .execute(&mut **change)
    .await?;
    make_live(
        change,
        &publish.api_id,
        gateway_id,
        &publish.env_id,
        &version_id,
    )
    .await?;
    // Keep the newest versions; the live one always stays.
    sqlx::query!(
        "DELETE FROM api_versions WHERE api_id = $1 AND env_id = $2 AND id NOT IN (
             SELECT id FROM api_versions WHERE api_id = $1 AND env_id = $2 ORDER BY published_at DESC, id DESC LIMIT $3)
           AND id <> $4",
        publish.api_id,
        publish.env_id,
        MAX_VERSIONS,
        version_id
    )
    .execute(&mut **change)
    .await?;
    change
        .record_on(
            act::apis::publish,
            &publish.api_id,
            &publish.api_name,
            &format!("to {}", publish.env_name),
        )
        .await
}

/// Publishes the draft to an environment: a new immutable version becomes live there. The
/// variables the backend uses must have values in that environment.
pub async fn publish(
    cx: Cx<'_>,
    gateway_id: &str,
    api_id: &str,
    env_id: &str,
    remark: &str,
) -> Result<Publication, AppError> {
    let ids = [api_id.to_owned()];
    single(batch(cx, gateway_id, &ids, env_id, true, remark).await?)
}

/// The outcome of a batch of one.
fn single(mut outcomes: Vec<BatchOutcome>) -> Result<Publication, AppError> {
    outcomes
        .pop()
        .map(|(_, _, outcome)| outcome)
        .unwrap_or_else(|| {
            Err(AppError::Internal(
                "a batch of one gave no outcome".to_owned(),
            ))
        })
}

async fn publication(
    cx: Cx<'_>,
    gateway_id: &str,
    api_id: &str,
    env_id: &str,
) -> Result<Publication, AppError> {
    get(cx, gateway_id, api_id)
        .await?
        .publications
        .into_iter()
        .find(|p| p.env_id == env_id)
        .ok_or_else(|| {
            AppError::not_found(
                Kind::Publication,
                format!("The publication of API {api_id} in {env_id}"),
            )
        })
}

/// The checks of taking an API offline: it is live in the environment. Gives that
/// publication and the API's name.
async fn check_offline(
    cx: Cx<'_>,
    gateway_id: &str,
    api_id: &str,
    env_id: &str,
) -> Result<(Publication, String), AppError> {
    let live = publication(cx, gateway_id, api_id, env_id)
        .await
        .map_err(|_| {
            AppError::not_found(
                Kind::Publication,
                format!("A publication of the API in environment {env_id}"),
            )
        })?;
    let api = get(cx, gateway_id, api_id).await?;
    Ok((live, api.definition.name))
}

/// Writes a checked offline in `change`, with its audit record.
async fn write_offline(
    change: &mut Change<'_>,
    api_id: &str,
    api_name: &str,
    live: &Publication,
) -> Result<(), AppError> {
    sqlx::query!(
        "DELETE FROM api_publications WHERE api_id = $1 AND env_id = $2",
        api_id,
        live.env_id
    )
    .execute(&mut **change)
    .await?;
    change
        .record_on(
            act::apis::offline,
            api_id,
            api_name,
            &format!("from {}", live.env_name),
        )
        .await
}

/// Takes an API offline in an environment.
pub async fn offline(
    cx: Cx<'_>,
    gateway_id: &str,
    api_id: &str,
    env_id: &str,
) -> Result<Publication, AppError> {
    let ids = [api_id.to_owned()];
    single(batch(cx, gateway_id, &ids, env_id, false, "").await?)
}

/// Most APIs one batch publishes or takes offline.
pub const MAX_BATCH: usize = 1000;

/// One API's outcome in a batch: its id, its name (blank when it does not exist) and
/// what publishing or taking it offline gave.
pub type BatchOutcome = (String, String, Result<Publication, AppError>);

/// Publishes (`online`) or takes offline each of `api_ids` in `env_id` as one change: one
/// transaction and one configuration revision, so the gateway switches to the whole batch
/// at once. An API that fails its checks or its write (rolled back to its savepoint) does
/// not stop the others; each gets its own outcome, in order. Callers that take a list of
/// APIs keep it within `MAX_BATCH`.
pub async fn batch(
    cx: Cx<'_>,
    gateway_id: &str,
    api_ids: &[String],
    env_id: &str,
    online: bool,
    remark: &str,
) -> Result<Vec<BatchOutcome>, AppError> {
    enum Checked {
        Publish(ToPublish),
        Offline(Publication),
    }
    let mut checked = Vec::with_capacity(api_ids.len());
    for api_id in api_ids {
        let name = get(cx, gateway_id, api_id)
            .await
            .map(|a| a.definition.name)
            .unwrap_or_default();
        let check = if online {
            check_publish(cx, gateway_id, api_id, env_id, remark)
                .await
                .map(Checked::Publish)
        } else {
            check_offline(cx, gateway_id, api_id, env_id)
                .await
                .map(|(live, _)| Checked::Offline(live))
        };
        checked.push((api_id.clone(), name, check));
    }
    let mut change = Change::served(cx).await?;
    let mut written = Vec::with_capacity(checked.len());
    for (api_id, name, check) in checked {
        let outcome = match check {
            Ok(check) => {
                change.savepoint().await?;
                let write = match &check {
                    Checked::Publish(publish) => {
                        write_publish(&mut change, cx.caller, gateway_id, publish, remark).await
                    }
                    Checked::Offline(live) => {
                        write_offline(&mut change, &api_id, &name, live).await
                    }
                };
                change.settle(write.is_ok()).await?;
                write.map(|()| check)
            }
            Err(error) => Err(error),
        };
        written.push((api_id, name, outcome));
    }
    change.finish().await?;
    let mut outcomes = Vec::with_capacity(written.len());
    for (api_id, name, outcome) in written {
        let outcome = match outcome {
            Ok(Checked::Publish(publish)) => {
                publication(cx, gateway_id, &api_id, &publish.env_id).await
            }
            Ok(Checked::Offline(live)) => Ok(live),
            Err(error) => Err(error),
        };
        outcomes.push((api_id, name, outcome));
    }
    Ok(outcomes)
}

/// Published versions of an API, newest first, in one environment or all.
pub async fn versions(
    cx: Cx<'_>,
    gateway_id: &str,
    api_id: &str,
    env_id: Option<&str>,
) -> Result<Vec<VersionInfo>, AppError> {
    get(cx, gateway_id, api_id).await?;
    let rows = sqlx::query!(
        r#"SELECT v.id, v.api_id, v.env_id, e.name AS env_name, v.remark, v.published_by, v.published_at,
                  EXISTS (SELECT 1 FROM api_publications p WHERE p.version_id = v.id) AS "live!"
             FROM api_versions v JOIN environments e ON e.gateway_id = v.gateway_id AND e.id = v.env_id
            WHERE v.api_id = $1 AND ($2::text IS NULL OR v.env_id = $2)
            ORDER BY v.published_at DESC, v.id DESC"#,
        api_id,
        env_id.filter(|e| !e.is_empty())
    )
    .fetch_all(cx.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| VersionInfo {
            version_id: r.id,
            api_id: r.api_id,
            env_id: r.env_id,
            env_name: r.env_name,
            remark: r.remark,
            published_by: r.published_by,
            published_at: format_time(r.published_at),
            live: r.live,
        })
        .collect())
}

/// One version with its snapshot.
pub async fn version(
    cx: Cx<'_>,
    gateway_id: &str,
    version_id: &str,
) -> Result<(VersionInfo, ApiDefinition), AppError> {
    gateways::get(cx, gateway_id).await?;
    let row = sqlx::query!(
        r#"SELECT v.api_id, v.definition AS "definition: Json<ApiDefinition>" FROM api_versions v
            WHERE v.id = $1 AND v.gateway_id = $2"#,
        version_id,
        gateway_id
    )
    .fetch_optional(cx.pool)
    .await?
    .ok_or_else(|| AppError::not_found(Kind::Publication, format!("API version {version_id}")))?;
    let info = versions(cx, gateway_id, &row.api_id, None)
        .await?
        .into_iter()
        .find(|v| v.version_id == version_id)
        .ok_or_else(|| {
            AppError::not_found(Kind::Publication, format!("API version {version_id}"))
        })?;
    Ok((info, row.definition.0))
}

/// Makes an older version live again in its environment.
pub async fn switch_version(
    cx: Cx<'_>,
    gateway_id: &str,
    api_id: &str,
    version_id: &str,
) -> Result<Publication, AppError> {
    let (info, _) = version(cx, gateway_id, version_id).await?;
    invalid_if(
        info.api_id != api_id,
        "version_id",
        format!("Version {version_id} belongs to another API."),
    )?;
    let api = get(cx, gateway_id, api_id).await?;
    let mut change = Change::served(cx).await?;
    make_live(&mut change, api_id, gateway_id, &info.env_id, version_id).await?;
    change
        .commit_on(
            act::apis::publish,
            api_id,
            &api.definition.name,
            &format!(
                "version {version_id} of {} made live in {}",
                info.published_at, info.env_name
            ),
        )
        .await?;
    publication(cx, gateway_id, api_id, &info.env_id).await
}

/// Deletes a version that is not live.
pub async fn delete_version(
    cx: Cx<'_>,
    gateway_id: &str,
    version_id: &str,
) -> Result<(), AppError> {
    let (info, definition) = version(cx, gateway_id, version_id).await?;
    if info.live {
        return Err(AppError::conflict(
            None,
            format!("Version {version_id} is live in {}; switch to another version or take the API offline first.", info.env_name),
        ));
    }
    let mut change = Change::begin(cx).await?;
    change.delete(Table::ApiVersions, version_id).await?;
    change
        .commit_on(
            act::apis::offline,
            &info.api_id,
            &definition.name,
            &format!("version {version_id} deleted"),
        )
        .await
}

/// What is live for an API in an environment.
pub async fn runtime(
    cx: Cx<'_>,
    gateway_id: &str,
    api_id: &str,
    env_id: &str,
) -> Result<(Publication, ApiDefinition), AppError> {
    let live = publication(cx, gateway_id, api_id, env_id)
        .await
        .map_err(|_| {
            AppError::not_found(
                Kind::Publication,
                format!("A publication of API {api_id} in environment {env_id}"),
            )
        })?;
    let (_, definition) = version(cx, gateway_id, &live.version_id).await?;
    Ok((live, definition))
}
