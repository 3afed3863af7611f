//! The gateway runtime through the real listener: an API published with the management API
//! answers on its group's subdomain without a restart; routing precedence and `X-Stage`;
//! parameter checks; mapping to a real backend (a small HTTP server the test starts);
//! variables; mock; backend timeout and backend down.
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use axum::extract::Request;
use axum::routing::any;
use reqwest::Method;
use serde_json::{json, Value};

use crate::groups::{gateway, ok};
use crate::iam_support::admin_token;
use crate::support::TestApp;

const RELEASE: &str = "DEFAULT_ENVIRONMENT_RELEASE_ID";

/// A backend that answers every request with what it received, as JSON; `/slow/...` never
/// answers.
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
        axum::Json(json!({
            "method": request.method().as_str(),
            "path": request.uri().path(),
            "query": request.uri().query().unwrap_or_default(),
            "headers": headers,
        }))
    }));
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    addr
}

struct Published {
    gw: String,
    group_id: String,
}

/// A gateway with a group; returns where it is.
async fn group(app: &TestApp, admin: &str, name: &str) -> Published {
    let gw = gateway(app, admin, name).await;
    let group = ok(
        app,
        admin,
        Method::POST,
        &format!("{gw}/api-groups"),
        Some(json!({ "name": "shop" })),
    )
    .await;
    Published {
        gw,
        group_id: group["id"].as_str().unwrap().to_owned(),
    }
}

async fn create_and_publish(
    app: &TestApp,
    admin: &str,
    at: &Published,
    definition: Value,
    envs: &[&str],
) -> String {
    let mut definition = definition;
    definition["group_id"] = json!(at.group_id);
    let api = ok(
        app,
        admin,
        Method::POST,
        &format!("{}/apis", at.gw),
        Some(definition),
    )
    .await;
    let api_id = api["id"].as_str().unwrap().to_owned();
    for env in envs {
        ok(
            app,
            admin,
            Method::POST,
            &format!("{}/apis/action", at.gw),
            Some(json!({ "action": "online", "env_id": env, "api_id": api_id })),
        )
        .await;
    }
    api_id
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

/// Calls until the answer has `status` (the runtime follows commits in the background);
/// fails after ten seconds.
async fn until_status(
    request: impl Fn() -> reqwest::RequestBuilder,
    status: u16,
) -> reqwest::Response {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let response = request().send().await.unwrap();
        if response.status() == status {
            return response;
        }
        assert!(
            Instant::now() < deadline,
            "still {} instead of {status}",
            response.status()
        );
        tokio::task::yield_now().await;
    }
}

#[tokio::test]
async fn a_published_api_answers_on_its_subdomain_without_a_restart() {
    let app = TestApp::spawn().await;
    let admin = admin_token(&app).await;
    let at = group(&app, &admin, "gw-live").await;
    let before = call(&app, &at.group_id, Method::GET, "/hello")
        .send()
        .await
        .unwrap();
    assert_eq!(before.status(), 404);
    let body: Value = before.json().await.unwrap();
    assert_eq!(body["error_code"], "APIG.0101");

    let mut definition = mock("hello", "GET", "/hello", 201, "{\"hello\":\"world\"}");
    definition["mock_info"]["headers"] = json!([{ "key": "X-Mocked", "value": "yes" }]);
    create_and_publish(&app, &admin, &at, definition, &[RELEASE]).await;
    let response = until_status(|| call(&app, &at.group_id, Method::GET, "/hello"), 201).await;
    assert_eq!(response.headers()["server"], "api-gateway");
    assert_eq!(response.headers()["x-mocked"], "yes");
    assert_eq!(response.headers()["x-request-id"].len(), 32);
    assert_eq!(response.text().await.unwrap(), "{\"hello\":\"world\"}");

    // Another group's subdomain, an unknown host, or the API not published in TEST: 404.
    for (host, stage) in [
        (
            "0123456789abcdef0123456789abcdef.apig.localhost".to_owned(),
            "RELEASE",
        ),
        ("nobody.example.com".to_owned(), "RELEASE"),
        (format!("{}.apig.localhost", at.group_id), "TEST"),
    ] {
        let response = reqwest::Client::new()
            .get(format!("{}/hello", app.gateway))
            .header("host", host.clone())
            .header("x-stage", stage)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 404, "{host} {stage}");
    }
    // Debug mode adds the latency header.
    let debug = call(&app, &at.group_id, Method::GET, "/hello")
        .header("x-apig-mode", "debug")
        .send()
        .await
        .unwrap();
    assert!(debug.headers().contains_key("x-apig-latency"));
    app.stop().await;
}

#[tokio::test]
async fn routes_follow_apig_precedence_and_stages() {
    let app = TestApp::spawn().await;
    let admin = admin_token(&app).await;
    let at = group(&app, &admin, "gw-routes").await;
    let test = ok(
        &app,
        &admin,
        Method::POST,
        &format!("{}/envs", at.gw),
        Some(json!({ "name": "TEST" })),
    )
    .await;
    let test_id = test["id"].as_str().unwrap();
    create_and_publish(
        &app,
        &admin,
        &at,
        mock("users-me", "GET", "/users/me", 200, "me"),
        &[RELEASE],
    )
    .await;
    create_and_publish(
        &app,
        &admin,
        &at,
        mock("users-one", "GET", "/users/{id}", 200, "one"),
        &[RELEASE],
    )
    .await;
    create_and_publish(
        &app,
        &admin,
        &at,
        mock("any-one", "ANY", "/users/{id}", 200, "any-one"),
        &[RELEASE],
    )
    .await;
    let mut prefix = mock("prefix", "GET", "/users", 200, "prefix");
    prefix["match_mode"] = json!("SWA");
    create_and_publish(&app, &admin, &at, prefix, &[RELEASE]).await;
    create_and_publish(
        &app,
        &admin,
        &at,
        mock("test-me", "POST", "/users/me", 200, "test-me"),
        &[test_id],
    )
    .await;

    let body = |method: Method, path: &'static str, stage: &'static str| {
        let request = call(&app, &at.group_id, method, path).header("x-stage", stage);
        async move {
            let response = request.send().await.unwrap();
            (response.status().as_u16(), response.text().await.unwrap())
        }
    };
    until_status(
        || call(&app, &at.group_id, Method::POST, "/users/me").header("x-stage", "test"),
        200,
    )
    .await;
    assert_eq!(
        body(Method::GET, "/users/me", "RELEASE").await,
        (200, "me".to_owned())
    );
    assert_eq!(
        body(Method::GET, "/users/7", "RELEASE").await,
        (200, "one".to_owned())
    );
    assert_eq!(
        body(Method::DELETE, "/users/7", "RELEASE").await,
        (200, "any-one".to_owned())
    );
    assert_eq!(
        body(Method::GET, "/users/7/orders", "RELEASE").await,
        (200, "prefix".to_owned())
    );
    assert_eq!(
        body(Method::POST, "/users/me", "test").await,
        (200, "test-me".to_owned())
    );
    assert_eq!(body(Method::GET, "/users/me", "TEST").await.0, 404);
    assert_eq!(body(Method::GET, "/orders", "RELEASE").await.0, 404);
    app.stop().await;
}

#[tokio::test]
async fn parameters_are_checked_and_mapped_to_the_backend() {
    let app = TestApp::spawn().await;
    let admin = admin_token(&app).await;
    let backend = echo_backend().await;
    let at = group(&app, &admin, "gw-proxy").await;
    ok(&app, &admin, Method::POST, &format!("{}/env-variables", at.gw), Some(json!({
        "group_id": at.group_id, "env_id": RELEASE, "variable_name": "host", "variable_value": backend.to_string()
    }))).await;
    let api_id = create_and_publish(&app, &admin, &at, json!({
        "name": "get-order", "type": 1, "req_protocol": "HTTP", "req_method": "GET",
        "req_uri": "/orders/{id}", "auth_type": "NONE", "backend_type": "HTTP",
        "req_params": [
            { "name": "id", "type": "NUMBER", "location": "PATH", "required": 1, "min_num": 1, "max_num": 99999 },
            { "name": "fields", "type": "STRING", "location": "QUERY", "required": 2, "enumerations": "all,summary", "default_value": "all" },
            { "name": "X-Tenant", "type": "STRING", "location": "HEADER", "required": 1, "max_size": 8, "regular": "^[a-z]+$" }
        ],
        "backend_params": [
            { "origin": "REQUEST", "name": "orderId", "location": "PATH", "value": "id" },
            { "origin": "REQUEST", "name": "view", "location": "QUERY", "value": "fields" },
            { "origin": "CONSTANT", "name": "X-Const", "location": "HEADER", "value": "fixed" },
            { "origin": "SYSTEM", "name": "X-Api", "location": "HEADER", "value": "$context.apiId" },
            { "origin": "SYSTEM", "name": "X-Stage-Name", "location": "HEADER", "value": "$context.stage" }
        ],
        "backend_api": { "url_domain": "#host#", "req_protocol": "HTTP", "req_method": "GET",
                         "req_uri": "/v1/orders/{orderId}", "timeout": 5000 }
    }), &[RELEASE]).await;
    let request = || {
        call(
            &app,
            &at.group_id,
            Method::GET,
            "/orders/42?fields=summary&extra=1",
        )
        .header("x-tenant", "acme")
    };
    let response = until_status(request, 200).await;
    let echoed: Value = response.json().await.unwrap();
    assert_eq!(echoed["method"], "GET");
    assert_eq!(echoed["path"], "/v1/orders/42");
    let query = echoed["query"].as_str().unwrap();
    assert!(
        query.contains("view=summary") && query.contains("extra=1") && !query.contains("fields="),
        "{query}"
    );
    let headers = &echoed["headers"];
    assert_eq!(headers["x-const"], "fixed");
    assert_eq!(headers["x-api"], api_id.as_str());
    assert_eq!(headers["x-stage-name"], "RELEASE");
    assert_eq!(headers["x-tenant"], "acme");
    assert_eq!(headers["x-forwarded-for"], "127.0.0.1");
    assert_eq!(
        headers["x-forwarded-host"],
        format!("{}.apig.localhost", at.group_id)
    );
    assert_eq!(headers["host"], backend.to_string());

    for (path, tenant, mention) in [
        ("/orders/abc", "acme", "parameterName:id"),
        ("/orders/0", "acme", "parameterName:id"),
        (
            "/orders/42?fields=everything",
            "acme",
            "parameterName:fields",
        ),
        ("/orders/42", "ACME", "parameterName:X-Tenant"),
        ("/orders/42", "toolongname", "parameterName:X-Tenant"),
    ] {
        let response = call(&app, &at.group_id, Method::GET, path)
            .header("x-tenant", tenant)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 400, "{path} {tenant}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error_code"], "APIG.0201");
        assert!(
            body["error_msg"].as_str().unwrap().contains(mention),
            "{body}"
        );
    }
    let missing = call(&app, &at.group_id, Method::GET, "/orders/42")
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 400);
    let body: Value = missing.json().await.unwrap();
    assert_eq!(
        body["error_msg"],
        "Missing parameter: parameterName:X-Tenant"
    );
    app.stop().await;
}

#[tokio::test]
async fn slow_and_unreachable_backends_get_apig_errors() {
    let app = TestApp::spawn().await;
    let admin = admin_token(&app).await;
    let backend = echo_backend().await;
    let at = group(&app, &admin, "gw-fail").await;
    let http = |name: &str, path: &str, address: String, timeout: i64| {
        json!({
            "name": name, "type": 1, "req_protocol": "HTTP", "req_method": "GET", "req_uri": path,
            "auth_type": "NONE", "backend_type": "HTTP",
            "backend_api": { "url_domain": address, "req_protocol": "HTTP", "req_method": "GET",
                             "req_uri": path, "timeout": timeout }
        })
    };
    // A port nothing listens on: bind one, note it, close it.
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap()
    };
    create_and_publish(
        &app,
        &admin,
        &at,
        http("slow", "/slow/one", backend.to_string(), 300),
        &[RELEASE],
    )
    .await;
    create_and_publish(
        &app,
        &admin,
        &at,
        http("down", "/down", closed.to_string(), 5000),
        &[RELEASE],
    )
    .await;
    let response = until_status(|| call(&app, &at.group_id, Method::GET, "/slow/one"), 504).await;
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        (body["error_code"].as_str(), body["error_msg"].as_str()),
        (Some("APIG.0201"), Some("Backend timeout."))
    );
    let response = until_status(|| call(&app, &at.group_id, Method::GET, "/down"), 502).await;
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error_msg"], "Backend unavailable.");
    app.stop().await;
}

#[tokio::test]
async fn sizes_over_the_limits_are_refused() {
    let app = TestApp::spawn().await;
    let admin = admin_token(&app).await;
    let at = group(&app, &admin, "gw-sizes").await;
    create_and_publish(
        &app,
        &admin,
        &at,
        mock("upload", "POST", "/upload", 200, "stored"),
        &[RELEASE],
    )
    .await;
    until_status(|| call(&app, &at.group_id, Method::POST, "/upload"), 200).await;
    let long_uri = format!("/upload?q={}", "a".repeat(33 * 1024));
    let response = call(&app, &at.group_id, Method::POST, &long_uri)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 414);
    let response = call(&app, &at.group_id, Method::POST, "/upload")
        .header("x-big", "b".repeat(33 * 1024))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 494);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error_msg"], "Request headers too large.");

    // The gateway's request_body_size (1 MiB here) bounds the body.
    ok(
        &app,
        &admin,
        Method::POST,
        &format!("{}/features", at.gw),
        Some(json!({ "name": "request_body_size", "enable": true, "config": "1048576" })),
    )
    .await;
    let big = vec![b'x'; 2 * 1024 * 1024];
    let response = until_status(
        || call(&app, &at.group_id, Method::POST, "/upload").body(big.clone()),
        413,
    )
    .await;
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error_msg"], "Request entity too large.");
    let small = call(&app, &at.group_id, Method::POST, "/upload")
        .body(vec![b'x'; 1024])
        .send()
        .await
        .unwrap();
    assert_eq!(small.status(), 200);
    app.stop().await;
}

#[tokio::test]
async fn a_request_in_flight_finishes_on_its_snapshot_across_a_change() {
    let app = TestApp::spawn().await;
    let admin = admin_token(&app).await;
    let release = std::sync::Arc::new(tokio::sync::Notify::new());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let backend = listener.local_addr().unwrap();
    let (arrived_tx, mut arrived) = tokio::sync::mpsc::unbounded_channel::<()>();
    let gate = release.clone();
    let slow = axum::Router::new().fallback(any(move || {
        let gate = gate.clone();
        let arrived_tx = arrived_tx.clone();
        async move {
            let _ = arrived_tx.send(());
            gate.notified().await;
            "finally"
        }
    }));
    tokio::spawn(async move { axum::serve(listener, slow).await.unwrap() });
    let at = group(&app, &admin, "gw-swap").await;
    create_and_publish(&app, &admin, &at, json!({
        "name": "held", "type": 1, "req_protocol": "HTTP", "req_method": "GET", "req_uri": "/held",
        "auth_type": "NONE", "backend_type": "HTTP",
        "backend_api": { "url_domain": backend.to_string(), "req_protocol": "HTTP", "req_method": "GET",
                         "req_uri": "/held", "timeout": 60000 }
    }), &[RELEASE]).await;
    // The held API cannot be probed (the backend holds every call), so a mock published
    // after it tells when the runtime has caught up.
    create_and_publish(
        &app,
        &admin,
        &at,
        mock("probe", "GET", "/probe", 200, "up"),
        &[RELEASE],
    )
    .await;
    until_status(|| call(&app, &at.group_id, Method::GET, "/probe"), 200).await;

    let in_flight = tokio::spawn(call(&app, &at.group_id, Method::GET, "/held").send());
    arrived.recv().await.expect("the call reaches the backend");
    // A change while the call waits: a new API goes live (a new snapshot is swapped in).
    create_and_publish(
        &app,
        &admin,
        &at,
        mock("later", "GET", "/later", 200, "later"),
        &[RELEASE],
    )
    .await;
    until_status(|| call(&app, &at.group_id, Method::GET, "/later"), 200).await;
    release.notify_one();
    let response = in_flight.await.unwrap().unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.unwrap(), "finally");
    app.stop().await;
}

#[tokio::test]
async fn https_serves_each_domain_its_certificate_and_https_only_apis_refuse_http() {
    let app = TestApp::spawn().await;
    let admin = admin_token(&app).await;
    let at = group(&app, &admin, "gw-tls").await;
    let domains = format!("{}/api-groups/{}/domains", at.gw, at.group_id);
    let bound = ok(
        &app,
        &admin,
        Method::POST,
        &domains,
        Some(json!({ "url_domain": "api.shop.example.com" })),
    )
    .await;
    let (cert, key) = crate::domains::certificate(&["*.shop.example.com"], -1, 30);
    ok(
        &app,
        &admin,
        Method::POST,
        &format!("{domains}/{}/certificate", bound["id"].as_str().unwrap()),
        Some(json!({ "name": "shop_cert", "cert_content": cert, "private_key": key })),
    )
    .await;
    ok(
        &app,
        &admin,
        Method::POST,
        &domains,
        Some(json!({ "url_domain": "plain.example.com" })),
    )
    .await;
    let mut secure = mock("secure", "GET", "/secure", 200, "over tls");
    secure["req_protocol"] = json!("HTTPS");
    create_and_publish(&app, &admin, &at, secure, &[RELEASE]).await;

    let client = reqwest::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(cert.as_bytes()).unwrap())
        .resolve("api.shop.example.com", app.gateway_tls)
        .resolve("plain.example.com", app.gateway_tls)
        .build()
        .unwrap();
    let port = app.gateway_tls.port();
    let url = format!("https://api.shop.example.com:{port}/secure");
    let deadline = Instant::now() + Duration::from_secs(10);
    let response = loop {
        match client.get(&url).send().await {
            Ok(response) if response.status() == 200 => break response,
            other => assert!(Instant::now() < deadline, "not served yet: {other:?}"),
        }
        tokio::task::yield_now().await;
    };
    assert_eq!(response.headers()["server"], "api-gateway");
    assert_eq!(response.text().await.unwrap(), "over tls");

    // The same API over plain HTTP: APIG.0607.
    let plain = reqwest::Client::new()
        .get(format!("{}/secure", app.gateway))
        .header("host", "api.shop.example.com")
        .send()
        .await
        .unwrap();
    assert_eq!(plain.status(), 400);
    let body: Value = plain.json().await.unwrap();
    assert_eq!(body["error_code"], "APIG.0607");
    assert_eq!(
        body["error_msg"],
        "The following protocol is supported: HTTPS"
    );

    // A domain without a certificate gets no TLS handshake.
    let refused = client
        .get(format!("https://plain.example.com:{port}/secure"))
        .send()
        .await;
    assert!(refused.is_err(), "{refused:?}");
    app.stop().await;
}

/// A port in the custom inbound range (1024–49151) that nothing listens on now.
fn free_inbound_port() -> u16 {
    (30000..40000)
        .find(|port| std::net::TcpListener::bind(("127.0.0.1", *port)).is_ok())
        .expect("a free port")
}

#[tokio::test]
async fn a_gateway_port_serves_its_default_group() {
    let app = TestApp::spawn().await;
    let admin = admin_token(&app).await;
    let gw = gateway(&app, &admin, "gw-port").await;
    let groups = ok(&app, &admin, Method::GET, &format!("{gw}/api-groups"), None).await;
    let default_group = groups["groups"][0]["id"].as_str().unwrap().to_owned();
    let at = Published {
        gw: gw.clone(),
        group_id: default_group,
    };
    create_and_publish(
        &app,
        &admin,
        &at,
        mock("by-ip", "GET", "/by-ip", 200, "default group"),
        &[RELEASE],
    )
    .await;
    let port = free_inbound_port();
    let added = ok(
        &app,
        &admin,
        Method::POST,
        &format!("{gw}/custom-ingress-ports"),
        Some(json!({ "protocol": "HTTP", "ingress_port": port })),
    )
    .await;
    let url = format!("http://127.0.0.1:{port}/by-ip");
    let deadline = Instant::now() + Duration::from_secs(10);
    let response = loop {
        match reqwest::get(&url).await {
            Ok(response) if response.status() == 200 => break response,
            other => assert!(Instant::now() < deadline, "port not served yet: {other:?}"),
        }
        tokio::task::yield_now().await;
    };
    assert_eq!(response.text().await.unwrap(), "default group");
    // Removing the port closes it.
    let (status, _) = crate::iam_support::call(
        &app,
        &admin,
        Method::DELETE,
        &format!(
            "{gw}/custom-ingress-ports/{}",
            added["ingress_port_id"].as_str().unwrap()
        ),
        None,
    )
    .await;
    assert_eq!(status, 204);
    let deadline = Instant::now() + Duration::from_secs(10);
    while reqwest::get(&url).await.is_ok() {
        assert!(Instant::now() < deadline, "the port still answers");
        tokio::task::yield_now().await;
    }
    app.stop().await;
}

#[tokio::test]
async fn the_gateway_serves_through_a_database_outage_and_catches_up() {
    let app = TestApp::spawn().await;
    let admin = admin_token(&app).await;
    let at = group(&app, &admin, "gw-outage").await;
    create_and_publish(
        &app,
        &admin,
        &at,
        mock("before", "GET", "/before", 200, "before"),
        &[RELEASE],
    )
    .await;
    until_status(|| call(&app, &at.group_id, Method::GET, "/before"), 200).await;

    crate::support::database_reachable(&app.database_url, false).await;
    for _ in 0..20 {
        let response = call(&app, &at.group_id, Method::GET, "/before")
            .send()
            .await
            .unwrap();
        assert_eq!(
            response.status(),
            200,
            "served from the last snapshot while PostgreSQL is away"
        );
    }
    crate::support::database_reachable(&app.database_url, true).await;

    // Back: a new publication goes live (the loader reconnected).
    let deadline = Instant::now() + Duration::from_secs(20);
    let published = loop {
        let mut definition = mock("after", "GET", "/after", 200, "after");
        definition["group_id"] = json!(at.group_id);
        let (status, api) = crate::iam_support::call(
            &app,
            &admin,
            Method::POST,
            &format!("{}/apis", at.gw),
            Some(definition),
        )
        .await;
        if status == 201 {
            break api;
        }
        assert!(
            Instant::now() < deadline,
            "the management API did not recover: {status} {api}"
        );
        tokio::task::yield_now().await;
    };
    ok(
        &app,
        &admin,
        Method::POST,
        &format!("{}/apis/action", at.gw),
        Some(json!({ "action": "online", "env_id": RELEASE, "api_id": published["id"] })),
    )
    .await;
    until_status(|| call(&app, &at.group_id, Method::GET, "/after"), 200).await;
    app.stop().await;
}

#[tokio::test]
async fn the_debug_api_calls_through_the_gateway_and_shows_the_backend_request() {
    let app = TestApp::spawn().await;
    let admin = admin_token(&app).await;
    let backend = echo_backend().await;
    let at = group(&app, &admin, "gw-debug").await;
    let api_id = create_and_publish(&app, &admin, &at, json!({
        "name": "echo", "type": 1, "req_protocol": "HTTP", "req_method": "POST", "req_uri": "/echo/{id}",
        "auth_type": "NONE", "backend_type": "HTTP",
        "req_params": [{ "name": "id", "type": "NUMBER", "location": "PATH", "required": 1 }],
        "backend_params": [{ "origin": "REQUEST", "name": "item", "location": "PATH", "value": "id" }],
        "backend_api": { "url_domain": backend.to_string(), "req_protocol": "HTTP", "req_method": "POST",
                         "req_uri": "/v2/items/{item}", "timeout": 5000 }
    }), &[RELEASE]).await;
    let draft = ok(
        &app,
        &admin,
        Method::POST,
        &format!("{}/apis", at.gw),
        Some({
            let mut d = mock("draft", "GET", "/draft", 200, "x");
            d["group_id"] = json!(at.group_id);
            d
        }),
    )
    .await;
    until_status(|| call(&app, &at.group_id, Method::POST, "/echo/1"), 200).await;

    let debug = |api: &str, body: Value| {
        let path = format!("{}/apis/debug/{api}", at.gw);
        let admin = admin.clone();
        let app = &app;
        async move { crate::iam_support::call(app, &admin, Method::POST, &path, Some(body)).await }
    };
    let (status, result) = debug(
        &api_id,
        json!({
            "mode": "CONSUMER", "scheme": "HTTP", "method": "POST", "path": "/echo/7",
            "query": { "q": ["a b"] }, "header": { "x-trace": ["t1"] }, "body": "{\"n\":1}"
        }),
    )
    .await;
    assert_eq!(status, 200, "{result}");
    let request = result["request"].as_str().unwrap();
    assert!(
        request.starts_with("POST /echo/7?q=a%20b HTTP/1.1"),
        "{request}"
    );
    assert!(
        request.contains("X-Trace: t1") && request.ends_with("{\"n\":1}"),
        "{request}"
    );
    let response = result["response"].as_str().unwrap();
    assert!(response.starts_with("HTTP/1.1 200 OK"), "{response}");
    assert!(
        response.contains("X-Apig-Latency") && response.contains("\"path\":\"/v2/items/7\""),
        "{response}"
    );
    assert!(
        !response.contains("x-portico-debug"),
        "the debug key never reaches the backend: {response}"
    );
    assert_eq!(
        result["log"],
        format!("Backend request: POST http://{backend}/v2/items/7?q=a%20b")
    );
    assert!(result["latency"].as_u64().is_some());

    for (api, body, mention) in [
        (
            draft["id"].as_str().unwrap(),
            json!({ "mode": "CONSUMER", "method": "GET", "path": "/draft" }),
            "not published in RELEASE",
        ),
        (
            api_id.as_str(),
            json!({ "mode": "DEVELOPER", "method": "POST", "path": "/echo/7" }),
            "CONSUMER",
        ),
        (
            api_id.as_str(),
            json!({ "mode": "CONSUMER", "method": "TRACE", "path": "/echo/7" }),
            "not a debug method",
        ),
        (
            api_id.as_str(),
            json!({ "mode": "CONSUMER", "method": "GET", "path": "/x", "header": { "X-Stage": ["TEST"] } }),
            "X-Stage",
        ),
    ] {
        let (status, error) = debug(api, body).await;
        assert_eq!(status, 400, "{error}");
        assert!(
            error["error_msg"].as_str().unwrap().contains(mention),
            "{error}"
        );
    }
    app.stop().await;
}
