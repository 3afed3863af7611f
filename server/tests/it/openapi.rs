//! OpenAPI import and export through the management API: a group exported from one gateway
//! imports into another with identical definitions; merge and override; bad files.
use reqwest::multipart::{Form, Part};
use serde_json::{json, Value};

use crate::api_groups::created;
use crate::iam_support::assert_says;
use crate::iam_support::default_project;
use crate::support::{text, TestApp};

async fn gateway(app: &TestApp, token: &str, name: &str) -> String {
    let project = default_project(app, token).await;
    let created = ok!(app, token, POST "/v2/{project}/apigw/instances",
        { "instance_name": name, "spec_id": "BASIC" });
    format!(
        "/v2/{project}/apigw/instances/{}",
        created["instance_id"].as_str().unwrap()
    )
}

async fn import(
    app: &TestApp,
    token: &str,
    base: &str,
    document: &str,
    fields: &[(&str, &str)],
) -> (u16, Value) {
    let mut form = Form::new().part(
        "file_name",
        Part::text(document.to_owned()).file_name("api.yaml"),
    );
    for (name, value) in fields {
        form = form.text(name.to_string(), value.to_string());
    }
    let response = reqwest::Client::new()
        .post(app.url(&format!("{base}/openapi/import")))
        .header("X-Auth-Token", token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn export(app: &TestApp, token: &str, base: &str, body: Value) -> String {
    let response = reqwest::Client::new()
        .post(app.url(&format!("{base}/openapi/export")))
        .header("X-Auth-Token", token)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    response.text().await.unwrap()
}

/// The definitions of a group's APIs, without the group id, by name.
async fn definitions(app: &TestApp, token: &str, base: &str, group: &str) -> Vec<Value> {
    let listed = ok!(app, token, GET "{base}/apis?group_id={group}");
    // Each API's details: the list shows frontends only.
    let mut details = Vec::new();
    for api in listed["apis"].as_array().unwrap() {
        let id = api["id"].as_str().unwrap();
        details.push(ok!(app, token, GET "{base}/apis/{id}"));
    }
    let mut out: Vec<Value> = details
        .iter()
        .map(|api| {
            let mut d = api.clone();
            for key in [
                "id",
                "group_id",
                "group_name",
                "register_time",
                "update_time",
                "run_env_id",
                "run_env_name",
                "publish_id",
                "publish_time",
                "draft_differs",
                "status",
                "arrange_necessary",
                "group_version",
            ] {
                d.as_object_mut().unwrap().remove(key);
            }
            // Parameter ids belong to their API, not to its definition.
            for list in ["req_params", "backend_params"] {
                for param in d[list].as_array_mut().into_iter().flatten() {
                    param.as_object_mut().unwrap().remove("id");
                }
            }
            d
        })
        .collect();
    out.sort_by_key(|d| d["name"].as_str().unwrap_or_default().to_owned());
    out
}

#[tokio::test]
async fn an_exported_group_imports_into_another_gateway_with_identical_definitions() {
    let (app, admin) = TestApp::with_admin().await;
    let first = gateway(&app, &admin, "gw-source").await;
    let group = created(
        &app,
        &admin,
        &format!("{first}/api-groups"),
        json!({ "name": "orders", "remark": "Order APIs" }),
    )
    .await;
    ok!(app, admin, POST "{first}/env-variables",
        { "group_id": group, "env_id": "DEFAULT_ENVIRONMENT_RELEASE_ID", "variable_name": "host", "variable_value": "orders.internal" });
    let http = json!({
        "name": "get-order", "group_id": group, "req_method": "GET", "req_uri": "/orders/{id}",
        "backend_type": "HTTP", "remark": "One order", "cors": true,
        "req_params": [
            { "name": "id", "type": "NUMBER", "location": "PATH", "required": 1, "min_num": 1, "max_num": 99 },
            { "name": "fields", "type": "STRING", "location": "QUERY", "enumerations": "all,summary", "default_value": "all" }
        ],
        "backend_params": [{ "origin": "REQUEST", "name": "orderId", "location": "PATH", "value": "id" }],
        "backend_api": { "url_domain": "#host#", "req_method": "GET", "req_uri": "/v1/orders/{orderId}", "timeout": 3000 }
    });
    let mock = json!({
        "name": "ping", "group_id": group, "req_method": "ANY", "req_uri": "/ping", "match_mode": "SWA",
        "backend_type": "MOCK", "mock_info": { "result_content": "pong", "status_code": 203,
                                                 "headers": [{ "key": "X-Mock", "value": "yes" }] }
    });
    for body in [http, mock] {
        let api = ok!(app, admin, POST "{first}/apis", body);
        ok!(app, admin, POST "{first}/apis/action",
            { "action": "online", "env_id": "DEFAULT_ENVIRONMENT_RELEASE_ID", "api_id": api["id"] });
    }
    let document = export(
        &app,
        &admin,
        &first,
        json!({ "group_id": group, "env_id": "DEFAULT_ENVIRONMENT_RELEASE_ID", "type": "json" }),
    )
    .await;
    let parsed: Value = serde_json::from_str(&document).unwrap();
    assert_eq!(parsed["swagger"], "2.0");
    assert_eq!(parsed["info"]["title"], "orders");
    assert!(parsed["paths"]["/ping"]["x-apigateway-any-method"].is_object());

    let second = gateway(&app, &admin, "gw-copy").await;
    let (status, report) = import(
        &app,
        &admin,
        &second,
        &document,
        &[("is_create_group", "true")],
    )
    .await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["success"].as_array().unwrap().len(), 2, "{report}");
    assert!(report["failure"].as_array().unwrap().is_empty(), "{report}");
    let copied_group = text(&report["group_id"]);
    let copied = ok!(app, admin, GET "{second}/api-groups/{copied_group}");
    assert_eq!(copied["name"], "orders");
    assert_eq!(copied["remark"], "Order APIs");
    assert_eq!(
        definitions(&app, &admin, &first, &group).await,
        definitions(&app, &admin, &second, &copied_group).await,
        "identical definitions"
    );

    // YAML, into the same group: merge leaves what exists; override updates it.
    let yaml = export(
        &app,
        &admin,
        &first,
        json!({ "group_id": group, "type": "yaml" }),
    )
    .await;
    let parsed: Value = serde_yaml::from_str(&yaml).unwrap();
    assert_eq!(parsed["swagger"], "2.0", "{yaml}");
    let into_group = [
        ("is_create_group", "false"),
        ("group_id", copied_group.as_str()),
    ];
    let (status, report) = import(&app, &admin, &second, &yaml, &into_group).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["ignore"].as_array().unwrap().len(), 2, "{report}");
    let overriding = [
        ("is_create_group", "false"),
        ("group_id", copied_group.as_str()),
        ("api_mode", "override"),
    ];
    let (_, report) = import(&app, &admin, &second, &yaml, &overriding).await;
    let actions: Vec<&str> = report["success"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["update", "update"], "{report}");
    app.stop().await;
}

#[tokio::test]
async fn bad_files_are_refused_and_bad_operations_reported_one_by_one() {
    let (app, admin) = TestApp::with_admin().await;
    let base = gateway(&app, &admin, "gw-import").await;
    for (document, mention) in [
        ("", "empty"),
        ("paths: [unclosed", "neither JSON nor valid YAML"),
        ("{\"info\": {\"title\": \"x\"}}", "neither Swagger 2.0"),
    ] {
        let (status, error) = import(&app, &admin, &base, document, &[]).await;
        assert_eq!(status, 400, "{document}: {error}");
        assert_says(&error, mention);
    }
    let groups = ok!(app, admin, GET "{base}/api-groups");
    assert_eq!(groups["total"], 1, "refused files created nothing");

    let mixed = r#"
swagger: "2.0"
info: { title: pets, version: "1" }
paths:
  /pets/{petId}:
    get:
      operationId: showPet
      parameters:
        - { name: petId, in: path, required: true, type: integer }
    post:
      operationId: uploadPhoto
      parameters:
        - { name: photo, in: formData, type: file }
  /pets/pre-{x}:
    get:
      operationId: badPath
"#;
    let (status, report) = import(&app, &admin, &base, mixed, &[]).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["success"].as_array().unwrap().len(), 1, "{report}");
    let failed: Vec<&str> = report["failure"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["error_msg"].as_str().unwrap())
        .collect();
    assert_eq!(failed.len(), 2, "{report}");
    assert!(failed.iter().any(|m| m.contains("formData")), "{failed:?}");
    assert!(failed.iter().any(|m| m.contains("req_uri")), "{failed:?}");
    app.stop().await;
}

/// A group of more APIs than one page of the API list (500): importing again finds every
/// API an operation matches (ignored rather than failing as a duplicate), and publishing
/// the group publishes every API in it.
#[tokio::test]
async fn a_large_group_imports_again_and_publishes_whole() {
    let (app, admin) = TestApp::with_admin().await;
    let project = default_project(&app, &admin).await;
    let created = ok!(app, admin, POST "/v2/{project}/apigw/instances",
        { "instance_name": "gw-large", "spec_id": "PLATINUM" });
    let base = format!(
        "/v2/{project}/apigw/instances/{}",
        created["instance_id"].as_str().unwrap()
    );
    let backend = json!({ "type": "HTTP", "httpEndpoints": { "address": "127.0.0.1:9",
        "scheme": "http", "method": "GET", "path": "/", "timeout": 5000 } });
    let paths: serde_json::Map<String, Value> = (0..520)
        .map(|i| {
            (
                format!("/items{i}"),
                json!({ "get": { "operationId": format!("item_{i}"), "x-apigateway-backend": backend,
                                 "responses": { "200": { "description": "ok" } } } }),
            )
        })
        .collect();
    let document = json!({ "swagger": "2.0", "info": { "title": "large", "version": "1" },
                           "paths": paths })
    .to_string();
    let (status, first) = import(
        &app,
        &admin,
        &base,
        &document,
        &[("is_create_group", "true")],
    )
    .await;
    assert_eq!(status, 200, "{first}");
    assert_eq!(first["success"].as_array().unwrap().len(), 520);
    let group = text(&first["group_id"]);
    let (status, again) = import(
        &app,
        &admin,
        &base,
        &document,
        &[("is_create_group", "false"), ("group_id", group.as_str())],
    )
    .await;
    assert_eq!(status, 200, "{again}");
    assert!(
        again["failure"].as_array().unwrap().is_empty(),
        "{}",
        again["failure"]
    );
    assert_eq!(again["ignore"].as_array().unwrap().len(), 520);

    let published = ok!(app, admin, POST "{base}/apis/publish?action=online",
        { "group_id": group, "env_id": "DEFAULT_ENVIRONMENT_RELEASE_ID" });
    assert!(
        published["failure"].as_array().unwrap().is_empty(),
        "{}",
        published["failure"]
    );
    assert_eq!(published["success"].as_array().unwrap().len(), 520);
    let live: i64 = app.scalar("SELECT count(*) FROM api_publications").await;
    assert_eq!(live, 520);
    app.stop().await;
}
