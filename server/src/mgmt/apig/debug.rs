//! `POST .../apis/debug/{api_id}`: sends a call through the real gateway listener, as a
//! caller would (Host = the group's subdomain, `X-Stage`, `X-Apig-Mode: debug`), and returns
//! the request, the response, the latency and the request the gateway sent to the backend.
//! Only published definitions are debugged (`CONSUMER` mode).
use std::collections::BTreeMap;
use std::time::Instant;

use axum::body::Body as HttpBody;
use axum::extract::{Path, State};
use axum::http::{HeaderName, HeaderValue, Method, Request};
use axum::{Extension, Json};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use serde::Deserialize;
use serde_json::{json, Value};

use app::error::AppError;
use app::services::caller::Caller;
use app::services::{api_groups, apis};

use super::in_gateway;
use crate::gateway::{BACKEND_REQUEST_HEADER, DEBUG_HEADER};
use crate::mgmt::{ApiError, Body, MgmtState};

/// Largest debug body (APIG: 2 MB), and largest response body shown.
const MAX_BODY: usize = 2 * 1024 * 1024;

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

fn invalid(field: &str, message: impl Into<String>) -> ApiError {
    ApiError::from(AppError::invalid(field, message))
}

/// Checks a debug request as APIG does (mode, method, path, names, sizes).
fn check(body: &DebugBody) -> Result<Method, ApiError> {
    match body.mode.as_str() {
        "CONSUMER" => {}
        "DEVELOPER" | "MARKET" => {
            return Err(invalid(
                "mode",
                format!("{} mode is not supported: publish the API and debug it in CONSUMER mode, which calls what is live in the stage.", body.mode),
            ))
        }
        other => return Err(invalid("mode", format!("{other} is not a debug mode; use CONSUMER."))),
    }
    if !body.scheme.is_empty() && body.scheme != "HTTP" {
        return Err(invalid(
            "scheme",
            "Debug calls go over HTTP to the gateway listener; use HTTP.",
        ));
    }
    let method = match body.method.as_str() {
        "GET" | "POST" | "PUT" | "DELETE" | "HEAD" | "PATCH" | "OPTIONS" => {
            Method::from_bytes(body.method.as_bytes()).map_err(|e| invalid("method", e.to_string()))?
        }
        other => {
            return Err(invalid(
                "method",
                format!("{other} is not a debug method; use GET, POST, PUT, DELETE, HEAD, PATCH or OPTIONS."),
            ))
        }
    };
    if !body.path.starts_with('/') || body.path.len() > 1024 {
        return Err(invalid(
            "path",
            "The path starts with / and has at most 1024 characters.",
        ));
    }
    for (field, names, underscore) in [
        ("query", &body.query, true),
        ("header", &body.header, false),
    ] {
        for name in names.keys() {
            let valid = name.len() <= 32
                && name.starts_with(|c: char| c.is_ascii_alphabetic())
                && name.chars().all(|c| {
                    c.is_ascii_alphanumeric() || c == '.' || c == '-' || (underscore && c == '_')
                });
            let lower = name.to_ascii_lowercase();
            let reserved = field == "header"
                && (lower.starts_with("x-apig-")
                    || lower.starts_with("x-sdk-")
                    || lower == "x-stage"
                    || lower == DEBUG_HEADER);
            if !valid || reserved {
                return Err(invalid(
                    field,
                    format!("{name} is not allowed as a {field} name here."),
                ));
            }
        }
    }
    if body.body.len() > MAX_BODY {
        return Err(invalid("body", "The body has at most 2 MB."));
    }
    Ok(method)
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
    let method = check(&body)?;
    let api = apis::get(&state.pool, &caller, &instance_id, &api_id).await?;
    let stage = if body.stage.is_empty() {
        "RELEASE"
    } else {
        body.stage.as_str()
    };
    if !api
        .publications
        .iter()
        .any(|p| p.env_name.eq_ignore_ascii_case(stage))
    {
        return Err(invalid(
            "stage",
            format!(
                "API {} is not published in {stage}; publish it there first.",
                api.definition.name
            ),
        ));
    }
    let group =
        api_groups::get(&state.pool, &caller, &instance_id, &api.definition.group_id).await?;
    let host = group.sl_domain(&state.endpoints.subdomain_suffix);
    let encode = |s: &str| {
        percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
    };
    let query: Vec<String> = body
        .query
        .iter()
        .flat_map(|(k, values)| {
            values
                .iter()
                .map(move |v| format!("{}={}", encode(k), encode(v)))
        })
        .collect();
    let target = if query.is_empty() {
        body.path.clone()
    } else {
        format!("{}?{}", body.path, query.join("&"))
    };
    let mut request = Request::builder()
        .method(method.clone())
        .uri(format!("http://{}{target}", state.endpoints.gateway_addr))
        .header("host", &host)
        .header("x-stage", stage)
        .header("x-apig-mode", "debug");
    let mut shown = format!(
        "{method} {target} HTTP/1.1\r\nHost: {host}\r\nX-Stage: {stage}\r\nX-Apig-Mode: debug\r\n"
    );
    for (name, values) in &body.header {
        let name = HeaderName::from_bytes(name.as_bytes())
            .map_err(|e| invalid("header", e.to_string()))?;
        for value in values {
            let value =
                HeaderValue::from_str(value).map_err(|e| invalid("header", e.to_string()))?;
            shown.push_str(&format!(
                "{}: {}\r\n",
                canonical(name.as_str()),
                value.to_str().unwrap_or_default()
            ));
            request = request.header(name.clone(), value);
        }
    }
    shown.push_str("\r\n");
    shown.push_str(&body.body);
    let request = request
        .header(DEBUG_HEADER, state.debug_key.as_ref())
        .body(HttpBody::from(body.body.clone()))
        .map_err(|e| invalid("path", e.to_string()))?;
    let client: Client<_, HttpBody> = Client::builder(TokioExecutor::new()).build_http();
    let started = Instant::now();
    let response = client.request(request).await.map_err(|e| {
        ApiError::from(AppError::Transport(format!(
            "the gateway did not answer: {e}"
        )))
    })?;
    let (parts, incoming) = response.into_parts();
    let bytes = axum::body::to_bytes(HttpBody::new(incoming), MAX_BODY)
        .await
        .map_err(|e| {
            ApiError::from(AppError::Transport(format!(
                "the answer could not be read: {e}"
            )))
        })?;
    let latency = started.elapsed().as_millis() as u64;
    let mut answer = format!("HTTP/1.1 {}\r\n", parts.status);
    let mut log = String::new();
    for (name, value) in &parts.headers {
        let value = value.to_str().unwrap_or_default();
        if name.as_str() == BACKEND_REQUEST_HEADER {
            log = format!("Backend request: {value}");
            continue;
        }
        answer.push_str(&format!("{}: {value}\r\n", canonical(name.as_str())));
    }
    answer.push_str("\r\n");
    answer.push_str(&String::from_utf8_lossy(&bytes));
    Ok(Json(
        json!({ "request": shown, "response": answer, "latency": latency, "log": log }),
    ))
}

/// `x-my-header` → `X-My-Header`.
fn canonical(name: &str) -> String {
    name.split('-')
        .map(|part| {
            let mut chars = part.chars();
            match chars.next() {
                Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join("-")
}
