//! Routing, parameter checks, mapping, backends and size limits through the listener.
use reqwest::Method;
use serde_json::{json, Value};

use super::*;
use crate::iam_support::assert_says;

#[tokio::test]
async fn a_published_api_answers_on_its_subdomain_without_a_restart() {
    let (app, admin) = TestApp::with_admin().await;
    let at = group(&app, &admin, "gw-live").await;
    let before = at.call(Method::GET, "/hello").send().await.unwrap();
    assert_eq!(before.status(), 404);
    let body: Value = before.json().await.unwrap();
    assert_eq!(body["error_code"], "APIG.0101");

    let mut definition = mock("hello", "GET", "/hello", 201, "{\"hello\":\"world\"}");
    definition["mock_info"]["headers"] = json!([{ "key": "X-Mocked", "value": "yes" }]);
    at.publish(definition).await;
    let response = at.until(Method::GET, "/hello", 201).await;
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
    let debug = at
        .call(Method::GET, "/hello")
        .header("x-apig-mode", "debug")
        .send()
        .await
        .unwrap();
    assert!(debug.headers().contains_key("x-apig-latency"));
    app.stop().await;
}

#[tokio::test]
async fn routes_follow_apig_precedence_and_stages() {
    let (app, admin) = TestApp::with_admin().await;
    let at = group(&app, &admin, "gw-routes").await;
    let test = ok!(app, admin, POST (&format!("{}/envs", at.gw)), { "name": "TEST" });
    let test_id = test["id"].as_str().unwrap();
    at.publish(mock("users-me", "GET", "/users/me", 200, "me"))
        .await;
    at.publish(mock("users-one", "GET", "/users/{id}", 200, "one"))
        .await;
    at.publish(mock("any-one", "ANY", "/users/{id}", 200, "any-one"))
        .await;
    let mut prefix = mock("prefix", "GET", "/users", 200, "prefix");
    prefix["match_mode"] = json!("SWA");
    at.publish(prefix).await;
    at.publish_in(
        mock("test-me", "POST", "/users/me", 200, "test-me"),
        &[test_id],
    )
    .await;

    let body = |method: Method, path: &'static str, stage: &'static str| {
        let request = at.call(method, path).header("x-stage", stage);
        async move {
            let response = request.send().await.unwrap();
            (response.status().as_u16(), response.text().await.unwrap())
        }
    };
    until_status(
        || at.call(Method::POST, "/users/me").header("x-stage", "test"),
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
    let (app, admin) = TestApp::with_admin().await;
    let backend = echo_backend().await;
    let at = group(&app, &admin, "gw-proxy").await;
    ok!(app, admin, POST (&format!("{}/env-variables", at.gw)),
        { "group_id": at.group_id, "env_id": RELEASE, "variable_name": "host", "variable_value": backend.to_string() });
    let api_id = at.publish(json!({
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
    })).await;
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
        let response = at
            .call(Method::GET, path)
            .header("x-tenant", tenant)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 400, "{path} {tenant}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error_code"], "APIG.0201");
        assert_says(&body, mention);
    }
    let missing = at.call(Method::GET, "/orders/42").send().await.unwrap();
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
    let (app, admin) = TestApp::with_admin().await;
    let backend = echo_backend().await;
    let at = group(&app, &admin, "gw-fail").await;
    // A port nothing listens on: bind one, note it, close it.
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap()
    };
    at.publish(http(
        "slow",
        "GET",
        "/slow/one",
        &backend.to_string(),
        "/slow/one",
        300,
    ))
    .await;
    at.publish(http(
        "down",
        "GET",
        "/down",
        &closed.to_string(),
        "/down",
        5000,
    ))
    .await;
    let response = at.until(Method::GET, "/slow/one", 504).await;
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        (body["error_code"].as_str(), body["error_msg"].as_str()),
        (Some("APIG.0201"), Some("Backend timeout."))
    );
    let response = at.until(Method::GET, "/down", 502).await;
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error_msg"], "Backend unavailable.");

    // One connection to the gateway keeps the calls on one worker and its pool of backend
    // connections: a backend connection that answered in time goes into the next call with
    // its timer still armed, and that call still times out when the backend does not answer;
    // the call after it gets an answer again.
    at.publish(http(
        "fast",
        "GET",
        "/fast",
        &backend.to_string(),
        "/fast",
        300,
    ))
    .await;
    at.until(Method::GET, "/fast", 200).await;
    let one = reqwest::Client::new();
    let host = format!("{}.apig.localhost", at.group_id);
    let status = |path: &'static str| {
        let request = one
            .get(format!("{}{path}", app.gateway))
            .header("host", &host);
        async move { request.send().await.unwrap().status().as_u16() }
    };
    for round in 0..3 {
        assert_eq!(status("/fast").await, 200, "round {round}");
        assert_eq!(status("/slow/one").await, 504, "round {round}");
    }
    app.stop().await;
}

#[tokio::test]
async fn sizes_over_the_limits_are_refused() {
    let (app, admin) = TestApp::with_admin().await;
    let at = group(&app, &admin, "gw-sizes").await;
    at.publish(mock("upload", "POST", "/upload", 200, "stored"))
        .await;
    at.until(Method::POST, "/upload", 200).await;
    let long_uri = format!("/upload?q={}", "a".repeat(33 * 1024));
    let response = at.call(Method::POST, &long_uri).send().await.unwrap();
    assert_eq!(response.status(), 414);
    let response = at
        .call(Method::POST, "/upload")
        .header("x-big", "b".repeat(33 * 1024))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 494);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error_msg"], "Request headers too large.");

    // The gateway's request_body_size (1 MiB here) bounds the body.
    ok!(app, admin, POST (&format!("{}/features", at.gw)),
        { "name": "request_body_size", "enable": true, "config": "1048576" });
    let big = vec![b'x'; 2 * 1024 * 1024];
    let response = until_status(|| at.call(Method::POST, "/upload").body(big.clone()), 413).await;
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error_msg"], "Request entity too large.");
    let small = at
        .call(Method::POST, "/upload")
        .body(vec![b'x'; 1024])
        .send()
        .await
        .unwrap();
    assert_eq!(small.status(), 200);
    app.stop().await;
}

/// Posts `size` bytes in chunks of 64 KiB with `Transfer-Encoding: chunked` (no
/// `Content-Length`); returns the answer's status and body.
async fn post_chunked(app: &TestApp, host: &str, path: &str, size: usize) -> (u16, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let addr = app.gateway.trim_start_matches("http://").to_owned();
    let (mut reader, mut writer) = tokio::net::TcpStream::connect(addr)
        .await
        .unwrap()
        .into_split();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {host}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    );
    // The gateway may answer (and close) before the whole body is written. The writer is
    // kept open until the answer is read: closing it would half-close the connection.
    let writing = tokio::spawn(async move {
        writer.write_all(head.as_bytes()).await?;
        let chunk = vec![b'x'; 64 * 1024];
        let mut left = size;
        while left > 0 {
            let n = left.min(chunk.len());
            writer.write_all(format!("{n:x}\r\n").as_bytes()).await?;
            writer.write_all(&chunk[..n]).await?;
            writer.write_all(b"\r\n").await?;
            left -= n;
        }
        writer.write_all(b"0\r\n\r\n").await?;
        std::future::pending::<std::io::Result<()>>().await
    });
    let mut answer = Vec::new();
    let _ = reader.read_to_end(&mut answer).await;
    writing.abort();
    status_and_body(&answer)
}

/// An HTTP/1.1 answer as read off the socket: its status and its body.
pub(super) fn status_and_body(answer: &[u8]) -> (u16, String) {
    let answer = String::from_utf8_lossy(answer).into_owned();
    let status = answer
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no HTTP answer: {answer:?}"));
    let body = answer
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    (status, body)
}

#[tokio::test]
async fn a_chunked_body_is_held_to_the_limit_while_it_streams() {
    let (app, admin) = TestApp::with_admin().await;
    let backend = echo_backend().await;
    let at = group(&app, &admin, "gw-chunked").await;
    at.publish(upload(backend)).await;
    ok!(app, admin, POST (&format!("{}/features", at.gw)),
        { "name": "request_body_size", "enable": true, "config": "1048576" });
    let host = format!("{}.apig.localhost", at.group_id);
    // Under the limit the body reaches the backend whole; wait until the limit is live.
    let body = eventually("the 1 MiB limit is live", || async {
        let (status, body) = post_chunked(&app, &host, "/upload", 2 * 1024 * 1024).await;
        if status == 413 {
            Ok(body)
        } else {
            Err(status)
        }
    })
    .await;
    assert!(body.contains("Request entity too large."), "{body}");
    let (status, body) = post_chunked(&app, &host, "/upload", 1000 * 1024).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("\"body_length\":1024000"), "{body}");
    app.stop().await;
}

#[tokio::test]
async fn the_plain_listener_speaks_http1_and_http2_with_prior_knowledge() {
    let (app, admin) = TestApp::with_admin().await;
    let at = group(&app, &admin, "gw-versions").await;
    at.publish(mock("hello", "GET", "/hello", 200, "hello"))
        .await;
    at.until(Method::GET, "/hello", 200).await;
    // The group's host name resolves to the gateway: HTTP/2 carries it as `:authority`.
    let host = format!("{}.apig.localhost", at.group_id);
    let gateway: std::net::SocketAddr = app.gateway.trim_start_matches("http://").parse().unwrap();
    let client = || reqwest::Client::builder().resolve(&host, gateway);
    let url = format!("http://{host}:{}/hello", gateway.port());
    for (client, version) in [
        (client().build().unwrap(), reqwest::Version::HTTP_11),
        (
            client().http2_prior_knowledge().build().unwrap(),
            reqwest::Version::HTTP_2,
        ),
    ] {
        for _ in 0..2 {
            let response = client.get(&url).send().await.unwrap();
            assert_eq!(response.version(), version);
            assert_eq!(response.status(), 200);
            assert!(response.headers().contains_key("x-request-id"));
            assert_eq!(response.text().await.unwrap(), "hello");
        }
    }
    app.stop().await;
}

#[tokio::test]
async fn gateway_errors_never_name_internal_addresses() {
    let (app, admin) = TestApp::with_admin().await;
    let at = group(&app, &admin, "gw-quiet").await;
    // An internal address, through a variable, that answers nothing.
    ok!(app, admin, POST (&format!("{}/env-variables", at.gw)),
        { "group_id": at.group_id, "env_id": RELEASE, "variable_name": "inner_host", "variable_value": "127.0.0.1:1" });
    at.publish(http(
        "inner",
        "GET",
        "/inner",
        "#inner_host#",
        "/private/admin",
        5000,
    ))
    .await;
    let refused = at.until(Method::GET, "/inner", 502).await;
    let body = refused.text().await.unwrap();
    for secret in ["127.0.0.1", "inner_host", "/private/admin"] {
        assert!(!body.contains(secret), "{secret} in {body}");
    }
    let body: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(body["request_id"].as_str().unwrap().len(), 32, "{body}");
    app.stop().await;
}
