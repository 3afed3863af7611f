//! `POST .../apis/debug/{api_id}` in APIG's shape: checks the mode (`CONSUMER`: what is live
//! in the stage; drafts are not served) and the scheme, then `services::debug` sends the call
//! through the real gateway listener.
use std::collections::BTreeMap;

use axum::extract::{Path, State};
use axum::{Extension, Json};
use serde::Deserialize;
use serde_json::{json, Value};

use app::domain::api::DebugCall;
use app::error::AppError;
use app::services::caller::Caller;
use app::services::debug::{self, DebugTarget};

use super::in_gateway;
use crate::mgmt::{ApiError, Body, MgmtState};

#[derive(Deserialize)]
pub struct DebugBody {
    mode: String,
    method: String,
    path: String,
    #[serde(default)]
    scheme: String,
    #[serde(default)]
    query: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    header: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    body: String,
    #[serde(default)]
    stage: String,
}

fn pairs(map: BTreeMap<String, Vec<String>>) -> Vec<(String, String)> {
    map.into_iter()
        .flat_map(|(k, values)| values.into_iter().map(move |v| (k.clone(), v)))
        .collect()
}

pub async fn debug(
    State(state): State<MgmtState>,
    Extension(caller): Extension<Caller>,
    Path((project_id, instance_id, api_id)): Path<(String, String, String)>,
    Body(body): Body<DebugBody>,
) -> Result<Json<Value>, ApiError> {
    let caller = in_gateway(
        &state,
        caller,
        &project_id,
        &instance_id,
        "apig:apis:debug",
        "API",
    )
    .await?;
    match body.mode.as_str() {
        "CONSUMER" => {}
        "DEVELOPER" | "MARKET" => {
            return Err(AppError::invalid(
                "mode",
                format!("{} mode is not supported: publish the API and debug it in CONSUMER mode, which calls what is live in the stage.", body.mode),
            )
            .into())
        }
        other => return Err(AppError::invalid("mode", format!("{other} is not a debug mode; use CONSUMER.")).into()),
    }
    if !body.scheme.is_empty() && body.scheme != "HTTP" {
        return Err(AppError::invalid(
            "scheme",
            "Debug calls go over HTTP to the gateway listener; use HTTP.",
        )
        .into());
    }
    let call = DebugCall {
        stage: body.stage,
        method: body.method,
        path: body.path,
        query: pairs(body.query),
        headers: pairs(body.header),
        body: body.body,
    };
    let target = DebugTarget {
        gateway_addr: state.endpoints.gateway_addr.clone(),
        subdomain_suffix: state.endpoints.subdomain_suffix.clone(),
        key: state.debug_key.clone(),
    };
    let result = debug::debug(&state.pool, &caller, &target, &instance_id, &api_id, &call).await?;
    let log = if result.backend_request.is_empty() {
        String::new()
    } else {
        format!("Backend request: {}", result.backend_request)
    };
    Ok(Json(json!({
        "request": result.request,
        "response": result.response,
        "latency": result.latency_ms,
        "log": log,
    })))
}
