//! Who may do what with APIs: every APIG API endpoint, called by a caller with and without
//! the action it needs.
use reqwest::Method;
use serde_json::{json, Value};

use crate::apis::{created, definition, gateway, ok};
use crate::iam_support::{call, user_with_policy};
use crate::support::TestApp;

#[tokio::test]
async fn authorization_table_covers_every_api_endpoint() {
    let (app, admin) = TestApp::with_admin().await;
    let gw = gateway(&app, &admin).await;
    let base = gw.base.clone();
    ok!(app, admin, POST "{base}/env-variables",
        { "group_id": gw.group, "env_id": "DEFAULT_ENVIRONMENT_RELEASE_ID", "variable_name": "host", "variable_value": "backend" });
    let api_id = created(
        &app,
        &admin,
        &format!("{base}/apis"),
        definition(&gw.group, "get-order", "/orders/{id}"),
    )
    .await;
    let release = "DEFAULT_ENVIRONMENT_RELEASE_ID";
    ok!(app, admin, POST "{base}/apis/action",
        { "action": "online", "env_id": release, "api_id": api_id });
    let version = ok!(app, admin, GET "{base}/apis/publish/{api_id}")["api_versions"][0]
        ["version_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (_, reader) = user_with_policy(&app, &admin, "reader", Some("APIG ReadOnlyAccess")).await;
    let (_, nobody) = user_with_policy(&app, &admin, "nobody", None).await;
    let endpoints: Vec<(Method, String, Option<Value>, bool)> = vec![
        (Method::GET, format!("{base}/apis"), None, true),
        (Method::GET, format!("{base}/apis/{api_id}"), None, true),
        (
            Method::GET,
            format!("{base}/apis/publish/{api_id}"),
            None,
            true,
        ),
        (
            Method::GET,
            format!("{base}/apis/versions/{version}"),
            None,
            true,
        ),
        (
            Method::GET,
            format!("{base}/apis/runtime/{api_id}"),
            None,
            true,
        ),
        (
            Method::POST,
            format!("{base}/apis/check"),
            Some(json!({ "type": "name", "group_id": gw.group, "name": "free-name" })),
            true,
        ),
        (
            Method::POST,
            format!("{base}/apis"),
            Some(definition(&gw.group, "second", "/second/{id}")),
            false,
        ),
        (
            Method::PUT,
            format!("{base}/apis/{api_id}"),
            Some(definition(&gw.group, "get-order", "/orders/{id}")),
            false,
        ),
        (
            Method::POST,
            format!("{base}/apis/action"),
            Some(json!({ "action": "online", "env_id": release, "api_id": api_id })),
            false,
        ),
        (
            Method::PUT,
            format!("{base}/apis/publish/{api_id}"),
            Some(json!({ "version_id": version })),
            false,
        ),
        (
            Method::POST,
            format!("{base}/apis/publish?action=offline"),
            Some(json!({ "apis": [api_id], "env_id": release })),
            false,
        ),
        (
            Method::DELETE,
            format!("{base}/apis/versions/{version}"),
            None,
            false,
        ),
        (Method::DELETE, format!("{base}/apis/{api_id}"), None, false),
    ];
    for (method, path, body, read) in &endpoints {
        for (who, token, allowed) in [
            ("apig reader", &reader, *read),
            ("no policy", &nobody, false),
        ] {
            let (status, response) = call(&app, token, method.clone(), path, body.clone()).await;
            if allowed {
                assert!(status < 300, "{who} {method} {path}: {status} {response}");
            } else {
                assert_eq!(status, 403, "{who} {method} {path}: {response}");
            }
        }
    }
    for (method, path, body, _) in &endpoints {
        ok(&app, &admin, method.clone(), path, body.clone()).await;
    }
    app.stop().await;
}
