//! Debugging an API (`apis/debug`): through the gateway's own pipeline, showing the backend
//! request, for what is published and for a draft in developer mode.
use reqwest::Method;
use serde_json::{json, Value};

use super::*;
use crate::iam_support::assert_says;

#[tokio::test]
async fn the_debug_api_calls_through_the_gateway_and_shows_the_backend_request() {
    let (app, admin) = TestApp::with_admin().await;
    let backend = echo_backend().await;
    let at = group(&app, &admin, "gw-debug").await;
    let api_id = at.publish(json!({
        "name": "echo", "type": 1, "req_protocol": "HTTP", "req_method": "POST", "req_uri": "/echo/{id}",
        "auth_type": "NONE", "backend_type": "HTTP",
        "req_params": [{ "name": "id", "type": "NUMBER", "location": "PATH", "required": 1 }],
        "backend_params": [{ "origin": "REQUEST", "name": "item", "location": "PATH", "value": "id" }],
        "backend_api": { "url_domain": backend.to_string(), "req_protocol": "HTTP", "req_method": "POST",
                         "req_uri": "/v2/items/{item}", "timeout": 5000 }
    })).await;
    let draft = ok!(
        app,
        admin,
        POST(&format!("{}/apis", at.gw)),
        ({
            let mut d = mock("draft", "GET", "/draft", 200, "x");
            d["group_id"] = json!(at.group_id);
            d
        })
    );
    at.until(Method::POST, "/echo/1", 200).await;

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
            json!({ "mode": "MARKET", "method": "POST", "path": "/echo/7" }),
            "DEVELOPER",
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
        assert_says(&error, mention);
    }
    app.stop().await;
}

#[tokio::test]
async fn developer_mode_debugs_the_draft_through_the_pipeline_without_publishing_it() {
    let (app, admin) = TestApp::with_admin().await;
    let backend = echo_backend().await;
    let at = group(&app, &admin, "gw-draft-debug").await;
    let definition = |backend_path: &str| {
        json!({
            "name": "echo", "type": 1, "req_protocol": "HTTP", "req_method": "GET", "req_uri": "/echo/{id}",
            "auth_type": "NONE", "backend_type": "HTTP", "group_id": at.group_id,
            "req_params": [{ "name": "id", "type": "NUMBER", "location": "PATH", "required": 1 }],
            "backend_params": [{ "origin": "REQUEST", "name": "item", "location": "PATH", "value": "id" }],
            "backend_api": { "url_domain": backend.to_string(), "req_protocol": "HTTP", "req_method": "GET",
                             "req_uri": backend_path, "timeout": 5000 }
        })
    };
    let api_id = at.publish(definition("/live/{item}")).await;
    at.until(Method::GET, "/echo/1", 200).await;
    // The draft changes where calls go; it is not published.
    ok!(
        app,
        admin,
        PUT(&format!("{}/apis/{api_id}", at.gw)),
        definition("/draft/{item}")
    );
    let debug = |mode: &str, path: &str| {
        let path_to = format!("{}/apis/debug/{api_id}", at.gw);
        let body = json!({ "mode": mode, "scheme": "HTTP", "method": "GET", "path": path });
        let (app, admin) = (&app, admin.clone());
        async move { crate::iam_support::call(app, &admin, Method::POST, &path_to, Some(body)).await }
    };
    let (status, draft) = debug("DEVELOPER", "/echo/7").await;
    assert_eq!(status, 200, "{draft}");
    let response = draft["response"].as_str().unwrap();
    assert!(response.starts_with("HTTP/1.1 200 OK"), "{response}");
    assert!(response.contains("\"path\":\"/draft/7\""), "{response}");
    assert_eq!(
        draft["log"],
        format!("Backend request: GET http://{backend}/draft/7")
    );
    // The draft's own checks apply: the path parameter is a NUMBER.
    let (status, refused) = debug("DEVELOPER", "/echo/seven").await;
    assert_eq!(status, 200, "{refused}");
    assert!(
        refused["response"]
            .as_str()
            .unwrap()
            .starts_with("HTTP/1.1 400"),
        "{refused}"
    );
    // What is live is unchanged, for the debug API and for callers.
    let (status, live) = debug("CONSUMER", "/echo/7").await;
    assert_eq!(status, 200, "{live}");
    assert!(
        live["response"]
            .as_str()
            .unwrap()
            .contains("\"path\":\"/live/7\""),
        "{live}"
    );
    let answer = at.call(Method::GET, "/echo/8").send().await.unwrap();
    assert_eq!(answer.status(), 200);
    assert!(answer
        .text()
        .await
        .unwrap()
        .contains("\"path\":\"/live/8\""));
    app.stop().await;
}
