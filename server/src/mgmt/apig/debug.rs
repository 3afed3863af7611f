//! `POST .../apis/debug/{api_id}` in APIG's shape. `CONSUMER` mode calls what is live in
//! the stage, through the real gateway listener; `DEVELOPER` mode runs the draft definition
//! (published or not) through the same pipeline with a snapshot of its own, so nothing is
//! published and no caller of the gateway sees it. `MARKET` (the marketplace) has no
//! meaning here.
use std::collections::BTreeMap;
use std::time::Instant;

use axum::extract::State;
use axum::Json;
use serde::Deserialize;
use serde_json::json;

use app::error::AppError;
use app::model::api::{DebugCall, DebugResult};
use app::model::permission::actions::apig as act;
use app::services::apig::debug::{self, DebugTarget, Mode};
use app::services::caller::{Caller, Cx};
use app::services::runtime;

use crate::gateway;

use crate::mgmt::{ApiError, Body, InGateway, Item, MgmtState, Reply};

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
    gateway: InGateway,
    Item(api_id): Item,
    Body(body): Body<DebugBody>,
) -> Reply {
    let (caller, instance_id) = gateway.allow(act::apis::debug).await?;
    let mode = match body.mode.as_str() {
        "CONSUMER" => Mode::Live,
        "DEVELOPER" => Mode::Draft,
        "MARKET" => {
            return Err(AppError::invalid(
                "mode",
                "MARKET mode debugs marketplace APIs, which Portico does not have; use DEVELOPER (the draft) or CONSUMER (what is live).",
            )
            .into())
        }
        other => {
            return Err(AppError::invalid(
                "mode",
                format!("{other} is not a debug mode; use DEVELOPER or CONSUMER."),
            )
            .into())
        }
    };
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
        app_id: String::new(),
    };
    let target = DebugTarget {
        gateway_addr: state.endpoints.gateway_addr.clone(),
        subdomain_suffix: state.endpoints.subdomain_suffix.clone(),
        key: state.debug_key.clone(),
        signer: crate::signature::sign_parts,
        master: state.master_key.clone(),
    };
    let result = match mode {
        Mode::Live => debug::debug(caller.cx(), &target, &instance_id, &api_id, &call).await?,
        Mode::Draft => debug_draft(&state, &caller, &target, &instance_id, &api_id, &call).await?,
    };
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

/// Runs the draft through the pipeline with a snapshot where it is the one live API.
async fn debug_draft(
    state: &MgmtState,
    caller: &Caller,
    target: &DebugTarget,
    gateway_id: &str,
    api_id: &str,
    call: &DebugCall,
) -> Result<DebugResult, ApiError> {
    let prepared = debug::prepare(
        Cx {
            pool: &state.pool,
            caller,
        },
        target,
        (gateway_id, api_id),
        call,
        Mode::Draft,
    )
    .await?;
    let config = runtime::draft(
        &state.pool,
        &state.master_key,
        caller,
        gateway_id,
        api_id,
        &prepared.stage,
    )
    .await?;
    let iam = app::services::iam::principals::load(&state.pool, &state.master_key).await?;
    let started = Instant::now();
    let response = gateway::serve_once(
        (&config, &iam),
        &target.subdomain_suffix,
        target.key.clone(),
        state.signature_failures.clone(),
        prepared.request,
    )
    .await;
    Ok(debug::report(prepared.shown, response, started).await?)
}
