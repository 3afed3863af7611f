//! The gateway runtime through the real listener: an API published with the management API
//! answers on its group's subdomain without a restart; routing precedence and `X-Stage`;
//! parameter checks; mapping to a real backend (a small HTTP server the test starts);
//! variables; mock; backend timeout and backend down (`routing`); TLS, inbound ports, hot
//! reload, database outage and debugging (`live`); backend connections kept and replaced
//! (`upstream`); APP authentication by signature and AppCode (`app_auth`); IAM
//! authentication by token and access key (`iam_auth`).
mod app_auth;
mod debug;
mod framing;
mod iam_auth;
mod live;
mod paths;
mod routing;
mod upstream;

use std::net::SocketAddr;

use axum::extract::Request;
use axum::routing::any;
use reqwest::Method;
use serde_json::{json, Value};

use crate::api_groups::gateway;
use crate::iam_support::admin_token;
use crate::support::{eventually, text, TestApp};

const RELEASE: &str = "DEFAULT_ENVIRONMENT_RELEASE_ID";

/// A backend that answers every request with what it received, as JSON (the body by its
/// length, read whole); `/slow/...` never answers.
async fn echo_backend() -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = axum::Router::new().fallback(any(|request: Request| async move {
        if request.uri().path().starts_with("/slow") {
            std::future::pending::<()>().await;
        }
        let headers: serde_json::Map<String, Value> = request
            .headers()
            .iter()
            .map(|(k, v)| (k.to_string(), json!(v.to_str().unwrap_or_default())))
            .collect();
        let (parts, body) = request.into_parts();
        let body = axum::body::to_bytes(body, usize::MAX).await;
        axum::Json(json!({
            "method": parts.method.as_str(),
            "path": parts.uri.path(),
            "query": parts.uri.query().unwrap_or_default(),
            "headers": headers,
            "body_length": body.map(|b| b.len()).ok(),
        }))
    }));
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    addr
}

/// A gateway and an API group in it, with who publishes there.
struct Published<'a> {
    app: &'a TestApp,
    admin: &'a str,
    gw: String,
    group_id: String,
}

/// A gateway with a group; returns where it is.
async fn group<'a>(app: &'a TestApp, admin: &'a str, name: &str) -> Published<'a> {
    let gw = gateway(app, admin, name).await;
    let group = ok!(app, admin, POST "{gw}/api-groups", { "name": "shop" });
    Published {
        app,
        admin,
        gw,
        group_id: text(&group["id"]),
    }
}

impl Published<'_> {
    /// Creates the API `definition` in the group and publishes it to RELEASE; returns its id.
    async fn publish(&self, definition: Value) -> String {
        self.publish_in(definition, &[RELEASE]).await
    }

    /// Creates the API `definition` in the group and publishes it to each of `envs`.
    async fn publish_in(&self, definition: Value, envs: &[&str]) -> String {
        let (app, admin, gw) = (self.app, self.admin, &self.gw);
        let mut definition = definition;
        definition["group_id"] = json!(self.group_id);
        let api = ok!(app, admin, POST "{gw}/apis", definition);
        let api_id = text(&api["id"]);
        for env in envs {
            ok!(app, admin, POST "{gw}/apis/action",
                { "action": "online", "env_id": env, "api_id": api_id });
        }
        api_id
    }

    /// A request to the gateway for the group's subdomain.
    fn call(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        call(self.app, &self.group_id, method, path)
    }

    /// Calls `method path` on the group until the answer has `status`.
    async fn until(&self, method: Method, path: &str, status: u16) -> reqwest::Response {
        until_status(|| self.call(method.clone(), path), status).await
    }
}

/// An HTTP API: `method uri` goes on to `method backend_uri` at `backend` (an address or a
/// `#variable#`), with `timeout` milliseconds to answer.
fn http(
    name: &str,
    method: &str,
    uri: &str,
    backend: &str,
    backend_uri: &str,
    timeout: u64,
) -> Value {
    json!({
        "name": name, "type": 1, "req_protocol": "HTTP", "req_method": method, "req_uri": uri,
        "auth_type": "NONE", "backend_type": "HTTP",
        "backend_api": { "url_domain": backend, "req_protocol": "HTTP", "req_method": method,
                         "req_uri": backend_uri, "timeout": timeout }
    })
}

/// `POST /upload`, stored by `POST /stored` at `backend`.
fn upload(backend: SocketAddr) -> Value {
    http(
        "upload",
        "POST",
        "/upload",
        &backend.to_string(),
        "/stored",
        5000,
    )
}

/// A mock API; each `{name}` of the path gets its PATH parameter.
fn mock(name: &str, method: &str, uri: &str, status: u16, body: &str) -> Value {
    let params: Vec<Value> = uri
        .split('/')
        .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
        .map(|p| json!({ "name": p.trim_end_matches('+'), "type": "STRING", "location": "PATH", "required": 1 }))
        .collect();
    json!({
        "name": name, "type": 1, "req_protocol": "HTTP", "req_method": method, "req_uri": uri,
        "auth_type": "NONE", "backend_type": "MOCK", "req_params": params,
        "mock_info": { "result_content": body, "status_code": status }
    })
}

/// A request to the gateway for the group's subdomain.
fn call(app: &TestApp, group_id: &str, method: Method, path: &str) -> reqwest::RequestBuilder {
    reqwest::Client::new()
        .request(method, format!("{}{path}", app.gateway))
        .header("host", format!("{group_id}.apig.localhost"))
}

/// Calls until the answer has `status` (the runtime follows commits in the background).
async fn until_status(
    request: impl Fn() -> reqwest::RequestBuilder,
    status: u16,
) -> reqwest::Response {
    let request = &request;
    eventually(&format!("waiting for {status}"), move || async move {
        let response = request().send().await.unwrap();
        if response.status() == status {
            Ok(response)
        } else {
            Err(response.status())
        }
    })
    .await
}
