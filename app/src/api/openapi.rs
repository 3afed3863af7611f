//! Server functions of the APIs page's import and export. An import is previewed first,
//! then sent one operation at a time so the page can show progress and each result.
use leptos::prelude::*;

use crate::error::AppError;
use crate::model::openapi::{ImportItem, ImportPlan, ItemOutcome};

#[cfg(feature = "ssr")]
use super::ctx::{self};
#[cfg(feature = "ssr")]
use crate::model::permission::actions::apig as act;
#[cfg(feature = "ssr")]
use crate::services::apig::{gateways, openapi};

/// What a document would import.
#[server(endpoint = "openapi/preview")]
pub async fn preview_import(gateway_id: String, text: String) -> Result<ImportPlan, AppError> {
    ctx::allowed_in(act::apis::import, &gateway_id, async |cx| {
        gateways::get(cx, &gateway_id).await?;
        openapi::preview(&text)
    })
    .await
}

/// Imports one previewed operation into a group.
#[server(endpoint = "openapi/import_item", input = server_fn::codec::Json)]
pub async fn import_api_item(
    gateway_id: String,
    group_id: String,
    item: ImportItem,
    overwrite: bool,
) -> Result<ItemOutcome, AppError> {
    ctx::allowed_in(act::apis::import, &gateway_id, async |cx| {
        openapi::import_item(cx, &gateway_id, &group_id, item, overwrite).await
    })
    .await
}

/// A group's APIs as a Swagger 2.0 file: what is live in `env_id`, or the drafts.
#[server(endpoint = "openapi/export")]
pub async fn export_apis(
    gateway_id: String,
    group_id: String,
    env_id: String,
    yaml: bool,
) -> Result<String, AppError> {
    use crate::services::apig::openapi;
    ctx::allowed_in(act::apis::export, &gateway_id, async |cx| {
        let suffix = use_context::<crate::model::gateway::Endpoints>()
            .map(|e| e.subdomain_suffix)
            .unwrap_or_default();
        let document = openapi::export(cx, &gateway_id, &group_id, &env_id, &[], &suffix).await?;
        openapi::render(&document, yaml)
    })
    .await
}
