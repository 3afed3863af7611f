//! API groups, environments and variables through the management API: the DEFAULT group
//! and RELEASE every gateway has, each rule with nothing stored on refusal, and who may do
//! what.
use reqwest::Method;
use serde_json::{json, Value};

use crate::iam_support::assert_says;
use crate::iam_support::{call, default_project, ok, user_with_policy};
use crate::support::TestApp;

/// A new gateway; returns its base path `/v2/{project}/apigw/instances/{id}`.
pub async fn gateway(app: &TestApp, token: &str, name: &str) -> String {
    let project = default_project(app, token).await;
    let (status, created) = api!(app, token, POST "/v2/{project}/apigw/instances",
        { "instance_name": name, "spec_id": "BASIC" });
    assert_eq!(status, 202, "{created}");
    format!(
        "/v2/{project}/apigw/instances/{}",
        created["instance_id"].as_str().unwrap()
    )
}

/// A new gateway with one API group named `group`; returns the gateway's base path and the
/// group as created.
pub async fn gateway_with_group(
    app: &TestApp,
    token: &str,
    name: &str,
    group: &str,
) -> (String, Value) {
    let gw = gateway(app, token, name).await;
    let created = ok!(app, token, POST "{gw}/api-groups", { "name": group });
    (gw, created)
}

/// Creates something with a POST to `path` and returns its id.
pub async fn created(app: &TestApp, token: &str, path: &str, body: Value) -> String {
    ok!(app, token, POST(path), body)["id"]
        .as_str()
        .expect("what was created has an id")
        .to_owned()
}

#[tokio::test]
async fn groups_have_a_default_a_subdomain_and_unique_names() {
    let (app, admin) = TestApp::with_admin().await;
    let gw = gateway(&app, &admin, "gw-groups").await;

    let listed = ok!(app, admin, GET "{gw}/api-groups");
    assert_eq!(listed["total"], 1);
    let default = &listed["groups"][0];
    assert_eq!(default["name"], "DEFAULT");
    assert_eq!(default["is_default"], 1);

    let created =
        ok!(app, admin, POST "{gw}/api-groups", { "name": "payments", "remark": "Payment APIs" });
    let id = created["id"].as_str().unwrap();
    assert_eq!(created["sl_domain"], format!("{id}.apig.localhost"));
    assert_eq!(created["is_default"], 2);

    for (body, status, mention) in [
        (json!({ "name": "PAYMENTS" }), 400, "already exists"),
        (json!({ "name": "pa" }), 400, "3 to 255"),
        (json!({ "name": "-payments" }), 400, "starts with"),
        (json!({ "name": "pay ments" }), 400, "not allowed"),
        (json!({ "name": "orders", "remark": "<b>" }), 400, "remark"),
    ] {
        let (got, error) = api!(app, admin, POST "{gw}/api-groups", body.clone());
        assert_eq!(got, status, "{body}: {error}");
        assert_says(&error, mention);
    }
    let (status, _) = api!(app, admin, POST "{gw}/api-groups/check", { "group_name": "payments" });
    assert_eq!(status, 400);
    let (status, _) = api!(app, admin, POST "{gw}/api-groups/check", { "group_name": "orders" });
    assert_eq!(status, 204);

    let exact = ok!(app, admin, GET "{gw}/api-groups?name=pay&precise_search=name");
    assert_eq!(exact["total"], 0);
    let partial = ok!(app, admin, GET "{gw}/api-groups?name=pay");
    assert_eq!(partial["total"], 1);

    let updated =
        ok!(app, admin, PUT "{gw}/api-groups/{id}", { "name": "billing", "remark": "renamed" });
    assert_eq!(updated["name"], "billing");

    let default_id = default["id"].as_str().unwrap();
    let (status, error) = api!(app, admin, DELETE "{gw}/api-groups/{default_id}");
    assert_eq!(status, 409, "{error}");
    ok!(app, admin, DELETE "{gw}/api-groups/{id}");
    let listed = ok!(app, admin, GET "{gw}/api-groups");
    assert_eq!(listed["total"], 1);
    app.stop().await;
}

#[tokio::test]
async fn environments_and_variables_follow_their_rules() {
    let (app, admin) = TestApp::with_admin().await;
    let gw = gateway(&app, &admin, "gw-envs").await;
    let envs = ok!(app, admin, GET "{gw}/envs");
    assert_eq!(envs["envs"][0]["name"], "RELEASE");
    assert_eq!(envs["envs"][0]["id"], "DEFAULT_ENVIRONMENT_RELEASE_ID");

    let test = ok!(app, admin, POST "{gw}/envs", { "name": "TEST", "remark": "testing" });
    let test_id = test["id"].as_str().unwrap();
    for body in [
        json!({ "name": "test" }),
        json!({ "name": "TE" }),
        json!({ "name": "1TEST" }),
        json!({ "name": "TEST-2" }),
    ] {
        let (status, error) = api!(app, admin, POST "{gw}/envs", body.clone());
        assert!(status == 400 || status == 409, "{body}: {error}");
    }
    for method in [Method::PUT, Method::DELETE] {
        let (status, error) = call(
            &app,
            &admin,
            method.clone(),
            &format!("{gw}/envs/DEFAULT_ENVIRONMENT_RELEASE_ID"),
            Some(json!({ "name": "PROD" })),
        )
        .await;
        assert_eq!(status, 409, "{method}: {error}");
        assert!(error["error_msg"].as_str().unwrap().contains("RELEASE"));
    }

    let groups = ok!(app, admin, GET "{gw}/api-groups");
    let group = groups["groups"][0]["id"].as_str().unwrap();
    let variable = |name: &str, value: &str, env: &str, group: &str| json!({ "group_id": group, "env_id": env, "variable_name": name, "variable_value": value });
    let created = ok!(app, admin, POST "{gw}/env-variables",
        variable("backend", "10.0.0.7:8080", test_id, group));
    assert_eq!(created["variable_name"], "backend");
    let cases = [
        (
            variable("backend", "10.0.0.8", test_id, group),
            400,
            "already has a variable",
        ),
        (variable("be", "x", test_id, group), 400, "variable_name"),
        (
            variable("backend2", "a b", test_id, group),
            400,
            "variable_value",
        ),
        (
            variable("backend2", "x", "NO_SUCH_ENV", group),
            404,
            "env_id",
        ),
        (
            variable("backend2", "x", test_id, "0123456789abcdef0123456789abcdef"),
            404,
            "group_id",
        ),
    ];
    for (body, status, mention) in cases {
        let (got, error) = api!(app, admin, POST "{gw}/env-variables", body.clone());
        assert_eq!(got, status, "{body}: {error}");
        assert_says(&error, mention);
    }
    let listed = ok!(app, admin, GET "{gw}/env-variables?group_id={group}");
    assert_eq!(listed["total"], 1, "refused variables stored nothing");
    let variable_id = created["id"].as_str().unwrap();
    let changed = ok!(app, admin, PUT "{gw}/env-variables/{variable_id}",
        { "variable_value": "10.0.0.9:8080" });
    assert_eq!(changed["variable_value"], "10.0.0.9:8080");

    // The gateway holds an environment and a variable: the API refuses to delete it.
    let (status, error) = api!(app, admin, DELETE(&gw));
    assert_eq!(status, 409, "{error}");
    assert_says(&error, "1 environment and 1 variable");
    // Deleting the environment takes its variables with it; then the gateway goes.
    ok!(app, admin, DELETE "{gw}/envs/{test_id}");
    let listed = ok!(app, admin, GET "{gw}/env-variables?group_id={group}");
    assert_eq!(listed["total"], 0);
    ok!(app, admin, DELETE(&gw));
    app.stop().await;
}

#[tokio::test]
async fn authorization_table_covers_groups_environments_and_variables() {
    let (app, admin) = TestApp::with_admin().await;
    let gw = gateway(&app, &admin, "gw-table").await;
    let group = created(
        &app,
        &admin,
        &format!("{gw}/api-groups"),
        json!({ "name": "table-group" }),
    )
    .await;
    let env = created(
        &app,
        &admin,
        &format!("{gw}/envs"),
        json!({ "name": "TABLE" }),
    )
    .await;
    let variable = created(
        &app,
        &admin,
        &format!("{gw}/env-variables"),
        json!({ "group_id": group, "env_id": env, "variable_name": "host", "variable_value": "a" }),
    )
    .await;
    let (_, reader) = user_with_policy(&app, &admin, "reader", Some("APIG ReadOnlyAccess")).await;
    let (_, nobody) = user_with_policy(&app, &admin, "nobody", None).await;
    // (method, path, body, is it a read); deletions last.
    let endpoints: Vec<(Method, String, Option<Value>, bool)> = vec![
        (Method::GET, format!("{gw}/api-groups"), None, true),
        (Method::GET, format!("{gw}/api-groups/{group}"), None, true),
        (
            Method::POST,
            format!("{gw}/api-groups/check"),
            Some(json!({ "group_name": "free-name" })),
            true,
        ),
        (Method::GET, format!("{gw}/envs"), None, true),
        (
            Method::GET,
            format!("{gw}/env-variables?group_id={group}"),
            None,
            true,
        ),
        (
            Method::GET,
            format!("{gw}/env-variables/{variable}"),
            None,
            true,
        ),
        (
            Method::POST,
            format!("{gw}/api-groups"),
            Some(json!({ "name": "second-group" })),
            false,
        ),
        (
            Method::PUT,
            format!("{gw}/api-groups/{group}"),
            Some(json!({ "name": "table-group", "remark": "changed" })),
            false,
        ),
        (
            Method::POST,
            format!("{gw}/envs"),
            Some(json!({ "name": "SECOND" })),
            false,
        ),
        (
            Method::PUT,
            format!("{gw}/envs/{env}"),
            Some(json!({ "name": "TABLE", "remark": "changed" })),
            false,
        ),
        (
            Method::POST,
            format!("{gw}/env-variables"),
            Some(
                json!({ "group_id": group, "env_id": env, "variable_name": "port", "variable_value": "80" }),
            ),
            false,
        ),
        (
            Method::PUT,
            format!("{gw}/env-variables/{variable}"),
            Some(json!({ "variable_value": "b" })),
            false,
        ),
        (
            Method::DELETE,
            format!("{gw}/env-variables/{variable}"),
            None,
            false,
        ),
        (Method::DELETE, format!("{gw}/envs/{env}"), None, false),
        (
            Method::DELETE,
            format!("{gw}/api-groups/{group}"),
            None,
            false,
        ),
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
