//! OpenAPI import (`openapi/import`, multipart as the SDK sends it) and export
//! (`openapi/export`).
use axum::extract::{Multipart, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use app::error::AppError;
use app::model::openapi::ImportReport;
use app::model::permission::actions::apig as act;
use app::services::apig::openapi::{self, ImportTarget};
use app::services::{apig::api_groups, apig::tasks};

use crate::mgmt::{ApiError, Body, InGateway, Item, MgmtState, Reply};
use app::services::caller::Cx;

fn form_error(message: impl Into<String>) -> ApiError {
    ApiError::from(AppError::invalid("file_name", message))
}

/// An import request as the SDK's multipart form carries it.
struct ImportForm {
    document: String,
    target: ImportTarget,
    overwrite: bool,
}

/// Reads the form: the document (`file_name`), into a new group named after its title
/// (`is_create_group`, the default) or into `group_id`; `api_mode=override` updates APIs
/// with the same route or name, `merge` (the default) leaves them alone.
async fn read_form(mut form: Multipart) -> Result<ImportForm, ApiError> {
    let mut document = None;
    let mut create_group = None;
    let mut group_id = String::new();
    let mut overwrite = false;
    while let Some(field) = form
        .next_field()
        .await
        .map_err(|e| form_error(format!("The form could not be read: {e}")))?
    {
        let name = field.name().unwrap_or_default().to_owned();
        let bytes = field
            .bytes()
            .await
            .map_err(|e| form_error(format!("The form could not be read: {e}")))?;
        let value = String::from_utf8(bytes.to_vec())
            .map_err(|_| form_error(format!("{name} is not UTF-8 text.")))?;
        match name.as_str() {
            "file_name" => document = Some(value),
            "is_create_group" => create_group = Some(value.trim() == "true"),
            "group_id" => group_id = value.trim().to_owned(),
            "api_mode" => overwrite = value.trim() == "override",
            _ => {}
        }
    }
    let document = document.ok_or_else(|| form_error("Attach the document as file_name."))?;
    let target = if create_group.unwrap_or(group_id.is_empty()) {
        ImportTarget::NewGroup
    } else {
        ImportTarget::Group(group_id)
    };
    Ok(ImportForm {
        document,
        target,
        overwrite,
    })
}

/// APIG's import result.
fn report_json(report: &ImportReport) -> Value {
    json!({
        "group_id": report.group_id,
        "success": report.success.iter().map(|s| json!({ "path": s.path, "method": s.method, "action": s.action, "id": s.id })).collect::<Vec<_>>(),
        "failure": report.failure.iter().map(|f| json!({ "path": f.path, "method": f.method, "error_code": f.error_code, "error_msg": f.error_msg })).collect::<Vec<_>>(),
        "ignore": report.ignore.iter().map(|i| json!({ "path": i.path, "method": i.method })).collect::<Vec<_>>(),
        "swagger": { "id": report.group_id, "result": "success" },
    })
}

pub async fn import(gateway: InGateway, form: Multipart) -> Result<Response, ApiError> {
    let (caller, instance_id) = gateway.allow(act::apis::import).await?;
    let form = read_form(form).await?;
    let report = openapi::import(
        caller.cx(),
        &instance_id,
        &form.document,
        &form.target,
        form.overwrite,
    )
    .await?;
    Ok((StatusCode::OK, axum::Json(report_json(&report))).into_response())
}

/// The same import as a task: a document that cannot be read is refused at once; the rest
/// runs in the background and `async-tasks/{task_id}` tells how it went.
pub async fn import_async(gateway: InGateway, form: Multipart) -> Result<Response, ApiError> {
    let (caller, instance_id) = gateway.allow(act::apis::import).await?;
    let form = read_form(form).await?;
    openapi::preview(&form.document)?;
    let (pool, task_caller, gateway) = (caller.pool.clone(), caller.clone(), instance_id.clone());
    let task_id = tasks::start(caller.cx(), &instance_id, "import_api", async move {
        let report = openapi::import(
            Cx {
                pool: &pool,
                caller: &task_caller,
            },
            &gateway,
            &form.document,
            &form.target,
            form.overwrite,
        )
        .await?;
        Ok(report_json(&report).to_string())
    })
    .await?;
    Ok((StatusCode::OK, axum::Json(json!({ "task_id": task_id }))).into_response())
}

#[derive(Deserialize)]
pub struct ExportBody {
    group_id: String,
    #[serde(default)]
    env_id: String,
    /// `json` (the default), `yaml` or `yml`.
    #[serde(rename = "type", default)]
    format: String,
    #[serde(default)]
    apis: Vec<String>,
}

/// Exports a group's APIs, as live in `env_id` (or the drafts when it is empty), as a
/// Swagger 2.0 file.
pub async fn export(
    State(state): State<MgmtState>,
    gateway: InGateway,
    Body(body): Body<ExportBody>,
) -> Result<Response, ApiError> {
    let (caller, instance_id) = gateway.allow(act::apis::export).await?;
    let yaml = matches!(body.format.as_str(), "yaml" | "yml");
    let document = openapi::export(
        caller.cx(),
        &instance_id,
        &body.group_id,
        &body.env_id,
        &body.apis,
        &state.endpoints.subdomain_suffix,
    )
    .await?;
    let text = openapi::render(&document, yaml)?;
    let (content_type, extension) = if yaml {
        ("application/yaml", "yaml")
    } else {
        ("application/json", "json")
    };
    Ok((
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}.{extension}\"", body.group_id),
            ),
        ],
        text,
    )
        .into_response())
}

/// The same export as a task; the task's result is `{"file_type", "content"}` (as text).
pub async fn export_async(
    State(state): State<MgmtState>,
    gateway: InGateway,
    Body(body): Body<ExportBody>,
) -> Reply {
    let (caller, instance_id) = gateway.allow(act::apis::export).await?;
    api_groups::get(caller.cx(), &instance_id, &body.group_id).await?;
    let (pool, task_caller, gateway) = (state.pool.clone(), caller.clone(), instance_id.clone());
    let suffix = state.endpoints.subdomain_suffix.clone();
    let task_id = tasks::start(caller.cx(), &instance_id, "export_api", async move {
        let yaml = matches!(body.format.as_str(), "yaml" | "yml");
        let document = openapi::export(
            Cx {
                pool: &pool,
                caller: &task_caller,
            },
            &gateway,
            &body.group_id,
            &body.env_id,
            &body.apis,
            &suffix,
        )
        .await?;
        // APIG's export result: the document and its format, as a JSON string.
        let content = openapi::render(&document, yaml)?;
        let file_type = if yaml { "yaml" } else { "json" };
        Ok(json!({ "file_type": file_type, "content": content }).to_string())
    })
    .await?;
    Ok(Json(json!({ "task_id": task_id })))
}

/// How an async import or export went.
pub async fn task(gateway: InGateway, Item(task_id): Item) -> Reply {
    let (caller, instance_id) = gateway.allow(act::apis::get).await?;
    let task = tasks::get(caller.cx(), &instance_id, &task_id).await?;
    Ok(Json(json!({
        "task_id": task.id,
        "task_status": task.status,
        "task_type": task.task_type,
        "task_result": task.result,
    })))
}
