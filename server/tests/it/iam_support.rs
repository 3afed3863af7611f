//! Helpers for management-API tests: tokens, JSON calls, signed calls.
use reqwest::Method;
use serde_json::{json, Value};

use portico::signature::{canonical_request, format_sdk_date, sign, RequestParts};

use crate::support::{text, TestApp, ADMIN_PASSWORD};

/// A password that passes IAM's rules.
pub const USER_PASSWORD: &str = "Tulip-Garden-2026";

pub async fn token(app: &TestApp, user: &str, password: &str) -> String {
    let body = json!({ "auth": { "identity": { "methods": ["password"],
        "password": { "user": { "name": user, "password": password, "domain": { "name": "portico" } } } } } });
    let response = reqwest::Client::new()
        .post(app.url("/v3/auth/tokens"))
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = response.status();
    let token = response
        .headers()
        .get("x-subject-token")
        .map(|v| v.to_str().unwrap().to_owned());
    assert_eq!(
        status,
        201,
        "token for {user}: {}",
        response.text().await.unwrap()
    );
    token.unwrap()
}

pub async fn admin_token(app: &TestApp) -> String {
    token(app, "admin", ADMIN_PASSWORD).await
}

/// Sends a JSON call with a token; returns status and body (Null when empty).
pub async fn call(
    app: &TestApp,
    token: &str,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut request = reqwest::Client::new()
        .request(method, app.url(path))
        .header("X-Auth-Token", token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// Like [`call`], for calls that must succeed: fails the test on a status of 300 or more
/// and returns the body.
pub async fn ok(
    app: &TestApp,
    token: &str,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> Value {
    let (status, response) = call(app, token, method.clone(), path, body).await;
    assert!(status < 300, "{method} {path}: {status} {response}");
    response
}

/// One management call as a request line reads: `api!(app, token, POST "/v2/{project}/…",
/// { "name": name })` returns its status and JSON body. The path is a format string with
/// inline captures, or an expression in parentheses; the body is JSON (in braces) or any
/// expression giving a `Value`, and may be left out.
macro_rules! api {
    (@$run:ident $app:expr, $token:expr, $method:ident $path:literal $($body:tt)*) => {
        api!(@$run $app, $token, $method (&format!($path)) $($body)*)
    };
    (@$run:ident $app:expr, $token:expr, $method:ident ($path:expr), {$($json:tt)*}) => {
        api!(@$run $app, $token, $method ($path), serde_json::json!({$($json)*}))
    };
    (@$run:ident $app:expr, $token:expr, $method:ident ($path:expr), $body:expr) => {
        crate::iam_support::$run(&$app, &$token, reqwest::Method::$method, $path, Some($body))
            .await
    };
    (@$run:ident $app:expr, $token:expr, $method:ident ($path:expr)) => {
        crate::iam_support::$run(&$app, &$token, reqwest::Method::$method, $path, None).await
    };
    ($app:expr, $($call:tt)*) => {
        api!(@call $app, $($call)*)
    };
}

/// [`api!`] for calls that must succeed (see [`ok`]): gives the body.
macro_rules! ok {
    ($app:expr, $($call:tt)*) => {
        api!(@ok $app, $($call)*)
    };
}

/// One console server-function call, as the browser makes it: `console!(app, client,
/// "groups/create", { "gateway_id": id, … })` returns its status and JSON body. The
/// arguments are JSON (in braces) or any expression giving a `Value`.
macro_rules! console {
    ($app:expr, $client:expr, $endpoint:expr, {$($json:tt)*}) => {
        console!($app, $client, $endpoint, serde_json::json!({$($json)*}))
    };
    ($app:expr, $client:expr, $endpoint:expr, $args:expr) => {
        crate::console_iam::server_fn(&$app, &$client, $endpoint, &$args).await
    };
}

/// Creates a user, a group of the same name holding it, and grants the group `policy` in
/// the default project, or in all projects if it names IAM actions (which apply to the
/// whole account); nothing when `policy` is None. Returns (user id, token).
pub async fn user_with_policy(
    app: &TestApp,
    admin: &str,
    name: &str,
    policy: Option<&str>,
) -> (String, String) {
    let role = match policy {
        Some(policy) => Some(role_id(app, admin, policy).await),
        None => None,
    };
    user_with_role(app, admin, name, role.as_deref()).await
}

/// Like [`user_with_policy`], granting the policy (system or custom) with id `role_id`.
pub async fn user_with_role(
    app: &TestApp,
    admin: &str,
    name: &str,
    role_id: Option<&str>,
) -> (String, String) {
    let (status, user) =
        api!(app, admin, POST "/v3/users", { "user": { "name": name, "password": USER_PASSWORD } });
    assert_eq!(status, 201, "{user}");
    let user_id = text(&user["user"]["id"]);
    if let Some(role_id) = role_id {
        let (status, group) =
            api!(app, admin, POST "/v3/groups", { "group": { "name": format!("{name}-group") } });
        assert_eq!(status, 201, "{group}");
        let group_id = text(&group["group"]["id"]);
        let (status, _) = api!(app, admin, PUT "/v3/groups/{group_id}/users/{user_id}");
        assert_eq!(status, 204);
        let path = if names_iam_actions(app, admin, role_id).await {
            let domain = domain_id(app, admin).await;
            format!("/v3/OS-INHERIT/domains/{domain}/groups/{group_id}/roles/{role_id}/inherited_to_projects")
        } else {
            let project = default_project(app, admin).await;
            format!("/v3/projects/{project}/groups/{group_id}/roles/{role_id}")
        };
        let (status, body) = api!(app, admin, PUT(&path));
        assert_eq!(status, 204, "{body}");
    }
    let token = token(app, name, USER_PASSWORD).await;
    (user_id, token)
}

pub async fn role_id(app: &TestApp, admin: &str, display_name: &str) -> String {
    let (status, roles) = api!(
        app,
        admin,
        GET(&format!(
            "/v3/roles?display_name={}",
            display_name.replace(' ', "%20")
        ))
    );
    assert_eq!(status, 200);
    roles["roles"][0]["id"]
        .as_str()
        .expect("system role exists")
        .to_owned()
}

/// Whether the policy `role_id` names `iam:` actions (so it can only be granted in all
/// projects).
async fn names_iam_actions(app: &TestApp, admin: &str, role_id: &str) -> bool {
    let (status, role) = api!(app, admin, GET "/v3/roles/{role_id}");
    assert_eq!(status, 200, "{role}");
    role["role"]["policy"]["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|statement| statement["Action"].as_array().unwrap())
        .any(|action| {
            let action = action.as_str().unwrap().to_ascii_lowercase();
            action.starts_with("iam:") || action.starts_with('*')
        })
}

/// The account's id, which IAM calls the domain id.
pub async fn domain_id(app: &TestApp, token: &str) -> String {
    let (status, domains) = api!(app, token, GET "/v3/auth/domains");
    assert_eq!(status, 200, "{domains}");
    text(&domains["domains"][0]["id"])
}

pub async fn default_project(app: &TestApp, admin: &str) -> String {
    let (_, projects) = api!(app, admin, GET "/v3/projects");
    projects["projects"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "default")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Signs `request` with SDK-HMAC-SHA256 at the time `at`, as Huawei's SDKs sign: with
/// `X-Sdk-Date` and `Host` added, every header present signed, in sorted order.
pub fn sign_request(
    mut request: reqwest::Request,
    (key, secret): (&str, &str),
    at: time::OffsetDateTime,
) -> reqwest::Request {
    let url = request.url().clone();
    let date = format_sdk_date(at);
    let headers = request.headers_mut();
    headers.insert("x-sdk-date", date.parse().unwrap());
    if !headers.contains_key("host") {
        let host = format!("{}:{}", url.host_str().unwrap(), url.port().unwrap());
        headers.insert("host", host.parse().unwrap());
    }
    let mut names: Vec<String> = headers.keys().map(|n| n.as_str().to_owned()).collect();
    names.sort();
    let body = request
        .body()
        .and_then(|b| b.as_bytes())
        .unwrap_or_default()
        .to_vec();
    let parts = RequestParts {
        method: request.method().as_str(),
        path: url.path(),
        query: url.query(),
        headers: request.headers(),
        body: &body,
    };
    let canonical = canonical_request(&parts, &names).unwrap();
    let signature = sign(secret.as_bytes(), &date, &canonical);
    let authorization = format!(
        "SDK-HMAC-SHA256 Access={key}, SignedHeaders={}, Signature={signature}",
        names.join(";")
    );
    request
        .headers_mut()
        .insert("authorization", authorization.parse().unwrap());
    request
}

/// Sends a request signed with SDK-HMAC-SHA256 as Huawei's SDKs sign it.
pub async fn signed(
    app: &TestApp,
    ak: &str,
    sk: &str,
    method: Method,
    path_and_query: &str,
    body: &[u8],
) -> (u16, Value) {
    signed_with(app, (ak, sk), method, path_and_query, body, &[]).await
}

/// A signed request with extra headers (signed too), such as `X-Security-Token`.
pub async fn signed_with(
    app: &TestApp,
    (ak, sk): (&str, &str),
    method: Method,
    path_and_query: &str,
    body: &[u8],
    extra: &[(&'static str, &str)],
) -> (u16, Value) {
    let url = reqwest::Url::parse(&app.url(path_and_query)).unwrap();
    let mut request = reqwest::Client::new()
        .request(method, url)
        .header("content-type", "application/json")
        .body(body.to_vec());
    for (name, value) in extra {
        request = request.header(*name, *value);
    }
    let request = sign_request(
        request.build().unwrap(),
        (ak, sk),
        time::OffsetDateTime::now_utc(),
    );
    let response = reqwest::Client::new().execute(request).await.unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// Fails the test unless the error body's message (APIG's `error_msg`, or IAM's
/// `error.message`) contains `text`.
#[track_caller]
pub fn assert_says(body: &Value, text: &str) {
    let message = body["error_msg"]
        .as_str()
        .or(body["error"]["message"].as_str())
        .unwrap_or_else(|| panic!("no error message in {body}"));
    assert!(message.contains(text), "{text:?} not in {body}");
}
