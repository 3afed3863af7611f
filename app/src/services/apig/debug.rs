//! Debugging an API: a call sent through the real gateway listener as a caller would send
//! it (Host = the group's subdomain, `X-Stage`, `X-Apig-Mode: debug`), returning
//! the request, the response, the latency and the request the gateway sent to the backend
//! (which the gateway reports only to calls carrying this process's debug key). Used by
//! `POST .../apis/debug/{api_id}` and the console's Debug tab.
use std::sync::Arc;
use std::time::Instant;

use axum::body::Body;
use axum::http::{HeaderName, HeaderValue, Method, Request};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;

use crate::error::AppError;
use crate::model::api::{DebugCall, DebugResult};
use crate::services::caller::Cx;
use crate::services::secrets::MasterKey;
use crate::services::{apig::api_groups, apig::apis, apig::credentials};

/// The header the debug key travels in, and the one the backend request comes back in.
pub const DEBUG_HEADER: &str = "x-portico-debug";
pub const BACKEND_REQUEST_HEADER: &str = "x-portico-backend-request";
/// Largest debug body (APIG: 2 MB), and largest answer shown.
const MAX_BODY: usize = 2 * 1024 * 1024;

/// Signs a request head and its body with a key and secret, as Huawei's SDKs sign
/// (SDK-HMAC-SHA256, every header present): the server's signature module provides it.
pub type Signer = fn(&mut axum::http::request::Parts, &[u8], &str, &[u8]);

/// Where the gateway listens, the key that makes it report backend requests, and how calls
/// are signed with a credential.
#[derive(Clone)]
pub struct DebugTarget {
    pub gateway_addr: String,
    pub subdomain_suffix: String,
    pub key: Arc<str>,
    pub signer: Signer,
    /// Opens the signing credential's secret.
    pub master: MasterKey,
}

/// `x-my-header` → `X-My-Header`.
pub fn canonical(name: &str) -> String {
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

/// Sends the call to the live API and reports what happened.
pub async fn debug(
    cx: Cx<'_>,
    target: &DebugTarget,
    gateway_id: &str,
    api_id: &str,
    call: &DebugCall,
) -> Result<DebugResult, AppError> {
    let prepared = prepare(cx, target, (gateway_id, api_id), call, Mode::Live).await?;
    let client: Client<_, Body> = Client::builder(TokioExecutor::new()).build_http();
    let started = Instant::now();
    let response = client
        .request(prepared.request)
        .await
        .map_err(|e| AppError::Transport(format!("the gateway did not answer: {e}")))?;
    report(prepared.shown, response.map(Body::new), started).await
}

/// Which definition a debug call exercises.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// What is published in the stage (APIG's CONSUMER mode).
    Live,
    /// The draft, published nowhere (APIG's DEVELOPER mode): the caller runs it through a
    /// pipeline of its own.
    Draft,
}

/// A debug call ready to send, and the request as the report shows it.
#[derive(Debug)]
pub struct Prepared {
    pub request: Request<Body>,
    pub shown: String,
    /// The environment the call runs in, as named.
    pub stage: String,
}

/// Checks the call and builds the request a caller would send to the group's subdomain.
pub async fn prepare(
    cx: Cx<'_>,
    target: &DebugTarget,
    (gateway_id, api_id): (&str, &str),
    call: &DebugCall,
    mode: Mode,
) -> Result<Prepared, AppError> {
    call.validate()?;
    let method = Method::from_bytes(call.method.as_bytes())
        .map_err(|e| AppError::invalid("method", e.to_string()))?;
    let api = apis::get(cx, gateway_id, api_id).await?;
    let stage = if call.stage.is_empty() {
        "RELEASE"
    } else {
        call.stage.as_str()
    };
    let published = api
        .publications
        .iter()
        .any(|p| p.env_name.eq_ignore_ascii_case(stage));
    if mode == Mode::Live && !published {
        return Err(AppError::invalid(
            "stage",
            format!(
                "API {} is not published in {stage}; publish it there first, or debug the draft in DEVELOPER mode.",
                api.definition.name
            ),
        ));
    }
    let group = api_groups::get(cx, gateway_id, &api.definition.group_id).await?;
    let host = group.sl_domain(&target.subdomain_suffix);
    let encode = |s: &str| {
        percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
    };
    let query: Vec<String> = call
        .query
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect();
    let path = if query.is_empty() {
        call.path.clone()
    } else {
        format!("{}?{}", call.path, query.join("&"))
    };
    let mut request = Request::builder()
        .method(method.clone())
        .uri(format!("http://{}{path}", target.gateway_addr))
        .header("host", &host)
        .header("x-stage", stage)
        .header("x-apig-mode", "debug");
    let mut shown = format!(
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\nX-Stage: {stage}\r\nX-Apig-Mode: debug\r\n"
    );
    for (name, value) in &call.headers {
        let name = HeaderName::from_bytes(name.as_bytes())
            .map_err(|e| AppError::invalid("header", e.to_string()))?;
        let value =
            HeaderValue::from_str(value).map_err(|e| AppError::invalid("header", e.to_string()))?;
        shown.push_str(&format!(
            "{}: {}\r\n",
            canonical(name.as_str()),
            value.to_str().unwrap_or_default()
        ));
        request = request.header(name, value);
    }
    let request = request
        .body(Body::from(call.body.clone()))
        .map_err(|e| AppError::invalid("path", e.to_string()))?;
    let (mut parts, body) = request.into_parts();
    if !call.app_id.is_empty() {
        let credential = credentials::get(cx, &target.master, gateway_id, &call.app_id).await?;
        let secret = credential.app_secret.as_bytes();
        (target.signer)(
            &mut parts,
            call.body.as_bytes(),
            &credential.app_key,
            secret,
        );
        for name in ["x-sdk-date", "authorization"] {
            if let Some(value) = parts.headers.get(name).and_then(|v| v.to_str().ok()) {
                shown.push_str(&format!("{}: {value}\r\n", canonical(name)));
            }
        }
    }
    shown.push_str("\r\n");
    shown.push_str(&call.body);
    // The debug key is added after signing: it is no part of what the caller signs.
    if let Ok(key) = HeaderValue::from_str(&target.key) {
        parts
            .headers
            .insert(HeaderName::from_static(DEBUG_HEADER), key);
    }
    let request = Request::from_parts(parts, body);
    Ok(Prepared {
        request,
        shown,
        stage: stage.to_owned(),
    })
}

/// What the gateway answered, as the debug report shows it.
pub async fn report(
    shown: String,
    response: axum::http::Response<Body>,
    started: Instant,
) -> Result<DebugResult, AppError> {
    let (parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, MAX_BODY)
        .await
        .map_err(|e| AppError::Transport(format!("the answer could not be read: {e}")))?;
    let latency_ms = started.elapsed().as_millis() as u64;
    let mut answer = format!("HTTP/1.1 {}\r\n", parts.status);
    let mut backend_request = String::new();
    for (name, value) in &parts.headers {
        let value = value.to_str().unwrap_or_default();
        if name.as_str() == BACKEND_REQUEST_HEADER {
            backend_request = value.to_owned();
            continue;
        }
        answer.push_str(&format!("{}: {value}\r\n", canonical(name.as_str())));
    }
    answer.push_str("\r\n");
    answer.push_str(&String::from_utf8_lossy(&bytes));
    Ok(DebugResult {
        status: parts.status.as_u16(),
        request: shown,
        response: answer,
        latency_ms,
        backend_request,
    })
}
