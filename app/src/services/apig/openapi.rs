//! Importing OpenAPI documents into a gateway and exporting a group's APIs, through the
//! same service calls as every other change (so every rule, audit record and revision bump
//! applies to each imported API).
use serde_json::Value;

use crate::error::{invalid_if, AppError};
use crate::model::api::ApiDefinition;
use crate::model::openapi::{
    self, ImportFailure, ImportItem, ImportItemRef, ImportPlan, ImportReport, ImportSuccess,
    ItemOutcome,
};
use crate::model::paging::{Page, MAX_LIMIT};
use crate::services::caller::Cx;
use crate::services::{apig::api_groups, apig::apis, apig::environments};

/// Largest document accepted.
pub const MAX_DOCUMENT: usize = 5 * 1024 * 1024;

/// Parses a JSON or YAML document.
pub fn parse(text: &str) -> Result<Value, AppError> {
    if text.trim().is_empty() {
        return Err(AppError::invalid("file_name", "The file is empty."));
    }
    invalid_if(
        text.len() > MAX_DOCUMENT,
        "file_name",
        format!("The file is larger than {} MB.", MAX_DOCUMENT / 1024 / 1024),
    )?;
    if let Ok(value) = serde_json::from_str::<Value>(text) {
        return Ok(value);
    }
    serde_yaml::from_str::<Value>(text).map_err(|error| {
        AppError::invalid(
            "file_name",
            format!("The file is neither JSON nor valid YAML: {error}"),
        )
    })
}

/// What importing `text` would do, without doing it.
pub fn preview(text: &str) -> Result<ImportPlan, AppError> {
    openapi::plan(&parse(text)?).map_err(|message| AppError::invalid("file_name", message))
}

/// Where imported APIs go.
#[derive(Debug, Clone)]
pub enum ImportTarget {
    /// A new group named after the document's title.
    NewGroup,
    Group(String),
}

/// Imports every operation of the document on its own: each is created, updated
/// (`overwrite`, when an API with its route or name exists), ignored, or fails with the
/// reason.
pub async fn import(
    cx: Cx<'_>,
    gateway_id: &str,
    text: &str,
    target: &ImportTarget,
    overwrite: bool,
) -> Result<ImportReport, AppError> {
    let plan = preview(text)?;
    let group = match target {
        ImportTarget::Group(id) => api_groups::get(cx, gateway_id, id).await?,
        ImportTarget::NewGroup => {
            invalid_if(plan.group_name.trim().is_empty(), "file_name", "The file has no info.title to name the new group; import into an existing group instead.")?;
            let remark: String = plan.group_remark.chars().take(1000).collect();
            api_groups::create(cx, gateway_id, plan.group_name.trim(), &remark).await?
        }
    };
    let mut report = ImportReport {
        group_id: group.id.clone(),
        group_name: group.name.clone(),
        ..ImportReport::default()
    };
    for item in plan.items {
        match import_item(cx, gateway_id, &group.id, item, overwrite).await? {
            ItemOutcome::Done(success) => report.success.push(success),
            ItemOutcome::Ignored(ignored) => report.ignore.push(ignored),
            ItemOutcome::Failed(failure) => report.failure.push(failure),
        }
    }
    Ok(report)
}

/// Imports one operation of a plan into a group: created, updated (`overwrite`, when an API
/// with its route or name exists), ignored, or failed with the reason.
pub async fn import_item(
    cx: Cx<'_>,
    gateway_id: &str,
    group_id: &str,
    item: ImportItem,
    overwrite: bool,
) -> Result<ItemOutcome, AppError> {
    let Some(mut definition) = item.definition else {
        return Ok(ItemOutcome::Failed(ImportFailure {
            method: item.method,
            path: item.path,
            error_code: "APIG.3602".to_owned(),
            error_msg: item.error,
        }));
    };
    definition.group_id = group_id.to_owned();
    let same = apis::clash(
        cx.pool,
        group_id,
        Some(&definition.name),
        Some((
            &definition.req_method,
            &definition.req_uri,
            &definition.match_mode,
        )),
        "",
    )
    .await?;
    let outcome = match same {
        Some(_) if !overwrite => {
            return Ok(ItemOutcome::Ignored(ImportItemRef {
                method: item.method,
                path: item.path,
            }))
        }
        Some(current) => apis::update(cx, gateway_id, &current.id, &definition)
            .await
            .map(|api| ("update", api.id)),
        None => apis::create(cx, gateway_id, &definition)
            .await
            .map(|api| ("create", api.id)),
    };
    Ok(match outcome {
        Ok((action, id)) => ItemOutcome::Done(ImportSuccess {
            method: item.method,
            path: item.path,
            action: action.to_owned(),
            id,
            note: item.note,
        }),
        Err(AppError::Internal(message)) => return Err(AppError::Internal(message)),
        Err(error) => ItemOutcome::Failed(ImportFailure {
            method: item.method,
            path: item.path,
            error_code: error.code().to_owned(),
            error_msg: error.describe(),
        }),
    })
}

/// A group's APIs as a Swagger 2.0 document: what is live in `env_id`, or the drafts when
/// it is empty; only `api_ids` when any are named.
pub async fn export(
    cx: Cx<'_>,
    gateway_id: &str,
    group_id: &str,
    env_id: &str,
    api_ids: &[String],
    host_suffix: &str,
) -> Result<Value, AppError> {
    let group = api_groups::get(cx, gateway_id, group_id).await?;
    if !env_id.is_empty() {
        environments::get(cx, gateway_id, env_id).await?;
    }
    let (_, all) = apis::list(
        cx,
        gateway_id,
        &apis::ApiFilter {
            group_id: Some(group.id.clone()),
            env_id: Some(env_id.to_owned()),
            ..apis::ApiFilter::default()
        },
        Page::new(Some(0), Some(MAX_LIMIT)),
    )
    .await?;
    let mut definitions: Vec<ApiDefinition> = Vec::new();
    for api in all
        .into_iter()
        .filter(|a| api_ids.is_empty() || api_ids.contains(&a.id))
    {
        definitions.push(if env_id.is_empty() {
            api.definition
        } else {
            apis::runtime(cx, gateway_id, &api.id, env_id).await?.1
        });
    }
    let version = time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default();
    Ok(openapi::export(
        &group.name,
        &group.remark,
        &version,
        &group.sl_domain(host_suffix),
        &definitions,
    ))
}

/// A document as JSON or YAML text.
pub fn render(document: &Value, yaml: bool) -> Result<String, AppError> {
    if yaml {
        serde_yaml::to_string(document)
            .map_err(|e| AppError::Internal(format!("writing YAML: {e}")))
    } else {
        serde_json::to_string_pretty(document)
            .map_err(|e| AppError::Internal(format!("writing JSON: {e}")))
    }
}

#[cfg(test)]
mod properties;
