//! What every management call shares, tried as the SDKs and scripts send calls: paging
//! and filters as text, refusals in the shape of the API the path belongs to (APIG's on
//! `/v2/`, Keystone's on IAM paths) naming the parameter, APIG's codes for taken names and
//! missing resources, and a request id on every answer.
use reqwest::Method;
use serde_json::{json, Value};

use crate::api_groups::{gateway, gateway_with_group};
use crate::iam_support::assert_says;
use crate::support::{text, TestApp};

/// A raw call: status, the `X-Request-Id` header, and the body as JSON.
async fn raw(
    app: &TestApp,
    token: Option<&str>,
    method: Method,
    path: &str,
    body: Option<&str>,
) -> (u16, Option<String>, Value) {
    let mut request = reqwest::Client::new().request(method, app.url(path));
    if let Some(token) = token {
        request = request.header("X-Auth-Token", token);
    }
    if let Some(body) = body {
        request = request
            .header("Content-Type", "application/json")
            .body(body.to_owned());
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let id = response
        .headers()
        .get("x-request-id")
        .map(|v| v.to_str().unwrap().to_owned());
    let text = response.text().await.unwrap();
    let body = serde_json::from_str(&text).unwrap_or_else(|_| json!({ "raw": text }));
    (status, id, body)
}

fn names(list: &Value, key: &str) -> Vec<String> {
    list[key]
        .as_array()
        .unwrap_or_else(|| panic!("no {key} in {list}"))
        .iter()
        .map(|item| text(&item["name"]))
        .collect()
}

#[tokio::test]
async fn lists_take_limit_offset_and_filters_as_text_and_refuse_what_they_cannot_honour() {
    let (app, admin) = TestApp::with_admin().await;
    let gw = gateway(&app, &admin, "gw-paging").await;
    for name in ["alpha", "beta", "gamma", "delta"] {
        ok!(app, admin, POST "{gw}/api-groups", { "name": name });
    }
    // DEFAULT, alpha, beta, gamma, delta in creation order.
    let page = ok!(app, admin, GET "{gw}/api-groups?limit=2&offset=1");
    assert_eq!(names(&page, "groups"), ["alpha", "beta"]);
    assert_eq!(
        (page["total"].clone(), page["size"].clone()),
        (json!(5), json!(2))
    );

    let containing = ok!(app, admin, GET "{gw}/api-groups?name=A&limit=10");
    assert_eq!(
        names(&containing, "groups"),
        ["DEFAULT", "alpha", "beta", "gamma", "delta"]
    );
    let precise = ok!(app, admin, GET "{gw}/api-groups?name=beta&precise_search=name");
    assert_eq!(names(&precise, "groups"), ["beta"]);
    let by_id = ok!(
        app,
        admin,
        GET(&format!(
            "{gw}/api-groups?id={}&limit=1",
            precise["groups"][0]["id"].as_str().unwrap()
        ))
    );
    assert_eq!(
        (names(&by_id, "groups"), by_id["total"].clone()),
        (vec!["beta".to_owned()], json!(1))
    );

    // The gateway's parameters list honours limit too.
    let features = ok!(app, admin, GET "{gw}/instance-features?limit=5");
    assert_eq!(features["features"].as_array().unwrap().len(), 5);
    assert!(features["total"].as_u64().unwrap() > 5, "{features}");

    for (query, parameter) in [
        ("limit=five", "limit"),
        ("offset=-1", "offset"),
        ("roma_app_id=x", "roma_app_id"),
        ("precise_search=remark", "precise_search"),
    ] {
        let (status, id, error) = raw(
            &app,
            Some(&admin),
            Method::GET,
            &format!("{gw}/api-groups?{query}"),
            None,
        )
        .await;
        assert_eq!(
            (status, error["error_code"].as_str()),
            (400, Some("APIG.2012")),
            "{query}: {error}"
        );
        assert_says(&error, parameter);
        assert_eq!(id.map(|id| id.len()), Some(32), "{query}");
    }
    app.stop().await;
}

#[tokio::test]
async fn api_lists_filter_by_every_field_the_sdk_sends() {
    let (app, admin) = TestApp::with_admin().await;
    let (gw, group) = gateway_with_group(&app, &admin, "gw-api-filters", "shop").await;
    let api = |name: &str, uri: &str, auth: &str, visibility: i32, tags: Value| {
        json!({ "name": name, "type": visibility, "req_protocol": "HTTPS", "req_method": "GET", "req_uri": uri,
                "auth_type": auth, "backend_type": "MOCK", "group_id": group["id"], "tags": tags,
                "mock_info": { "result_content": "ok" } })
    };
    let mut by_id = api("orders-by-id", "/orders/{id}", "NONE", 1, json!(["shop"]));
    by_id["req_params"] =
        json!([{ "name": "id", "type": "STRING", "location": "PATH", "required": 1 }]);
    for body in [
        api("orders", "/orders", "NONE", 1, json!(["shop", "v1"])),
        by_id,
        api("refunds", "/refunds", "NONE", 2, json!([])),
    ] {
        ok!(app, admin, POST "{gw}/apis", body);
    }
    for (query, expected) in [
        ("tags=shop", vec!["orders", "orders-by-id"]),
        ("tags=shop,v1", vec!["orders"]),
        ("tags=%23no_tags%23", vec!["refunds"]),
        ("auth_type=none", vec!["orders", "orders-by-id", "refunds"]),
        ("auth_type=APP", vec![]),
        ("type=2", vec!["refunds"]),
        ("req_uri=/orders", vec!["orders", "orders-by-id"]),
        ("req_uri=/orders&precise_search=req_uri", vec!["orders"]),
        ("req_protocol=HTTP", vec![]),
        ("vpc_channel_name=vpc1", vec![]),
        ("limit=1&offset=2", vec!["refunds"]),
    ] {
        let listed = ok!(app, admin, GET "{gw}/apis?{query}");
        assert_eq!(names(&listed, "apis"), expected, "{query}");
    }
    let all = ok!(app, admin, GET "{gw}/apis?limit=1&offset=2");
    assert_eq!(all["total"], 3);
    app.stop().await;
}

#[tokio::test]
async fn refusals_come_in_the_shape_of_their_api_with_a_request_id() {
    let (app, admin) = TestApp::with_admin().await;

    // An unknown path: authentication first, then a JSON 404 in the API's shape.
    let (status, id, body) = raw(&app, None, Method::GET, "/v2/x/apigw/nothing", None).await;
    assert_eq!(
        (status, body["error_code"].as_str()),
        (401, Some("APIG.1000")),
        "{body}"
    );
    assert!(id.is_some());
    let (status, _, body) = raw(&app, Some(&admin), Method::GET, "/v2/x/apigw/nothing", None).await;
    assert_eq!(status, 404, "{body}");
    assert_says(&body, "does not exist");
    let (status, _, body) = raw(&app, Some(&admin), Method::GET, "/v3/nothing-here", None).await;
    assert_eq!(status, 404, "{body}");
    assert_eq!(body["error"]["code"], 404, "{body}");
    assert_eq!(body["error"]["title"], "Not Found", "{body}");

    // IAM's refusals in Keystone's shape: a bad query value, a taken name.
    let (status, _, body) = raw(
        &app,
        Some(&admin),
        Method::GET,
        "/v3/users?enabled=maybe",
        None,
    )
    .await;
    assert_eq!(status, 400, "{body}");
    assert_says(&body, "enabled");
    let group = json!({ "group": { "name": "ops" } });
    ok!(app, admin, POST "/v3/groups", group.clone());
    let (status, body) = api!(app, admin, POST "/v3/groups", group);
    assert_eq!(
        (status, body["error"]["code"].clone()),
        (409, json!(409)),
        "{body}"
    );

    // APIG's: a body that is not JSON, a method the path does not serve.
    let gw = gateway(&app, &admin, "gw-shapes").await;
    let (status, _, body) = raw(
        &app,
        Some(&admin),
        Method::POST,
        &format!("{gw}/api-groups"),
        Some("{\"name\":"),
    )
    .await;
    assert_eq!(
        (status, body["error_code"].as_str()),
        (400, Some("APIG.2011")),
        "{body}"
    );
    let too_large = format!("{{\"name\":\"{}\"}}", "x".repeat(2 * 1024 * 1024 + 1024));
    let (status, _, body) = raw(
        &app,
        Some(&admin),
        Method::POST,
        &format!("{gw}/api-groups"),
        Some(&too_large),
    )
    .await;
    assert_eq!(
        (status, body["error_code"].as_str()),
        (413, Some("APIG.2011")),
        "{status}"
    );
    let untyped = reqwest::Client::new()
        .post(app.url(&format!("{gw}/api-groups")))
        .header("X-Auth-Token", &admin)
        .header("Content-Type", "text/plain")
        .body("{\"name\":\"plain\"}")
        .send()
        .await
        .unwrap();
    assert_eq!(untyped.status(), 400);
    let body: Value = untyped.json().await.unwrap();
    assert_eq!(body["error_code"], "APIG.2011", "{body}");
    assert_says(&body, "Content-Type");
    let (status, _, body) = raw(
        &app,
        Some(&admin),
        Method::PATCH,
        &format!("{gw}/api-groups"),
        None,
    )
    .await;
    assert_eq!(status, 405, "{body}");
    assert!(body["error_code"].as_str().is_some(), "{body}");

    // Success carries a request id too, a different one each time.
    let groups = format!("{gw}/api-groups");
    let list = || raw(&app, Some(&admin), Method::GET, &groups, None);
    let ((status, first, _), (_, second, _)) = (list().await, list().await);
    assert_eq!(status, 200);
    assert!(first.is_some() && first != second, "{first:?} {second:?}");
    app.stop().await;
}

#[tokio::test]
async fn taken_names_and_missing_resources_answer_apig_codes() {
    let (app, admin) = TestApp::with_admin().await;
    let (gw, group) = gateway_with_group(&app, &admin, "gw-codes", "shop").await;
    let group_id = group["id"].as_str().unwrap();
    let env = ok!(app, admin, POST "{gw}/envs", { "name": "TEST" });
    let variable = json!({ "group_id": group_id, "env_id": env["id"], "variable_name": "host", "variable_value": "a" });
    ok!(app, admin, POST "{gw}/env-variables", variable.clone());
    let api = json!({ "name": "ping", "type": 1, "req_protocol": "HTTP", "req_method": "GET", "req_uri": "/ping",
                      "auth_type": "NONE", "backend_type": "MOCK", "group_id": group_id,
                      "mock_info": { "result_content": "pong" } });
    ok!(app, admin, POST "{gw}/apis", api.clone());
    let mut same_route = api.clone();
    same_route["name"] = json!("ping-again");
    let project_path = gw.split("/instances/").next().unwrap().to_owned();

    for (path, body, code) in [
        (
            format!("{gw}/api-groups"),
            json!({ "name": "shop" }),
            "APIG.3201",
        ),
        (format!("{gw}/apis"), api.clone(), "APIG.3202"),
        (format!("{gw}/apis"), same_route, "APIG.3301"),
        (format!("{gw}/envs"), json!({ "name": "TEST" }), "APIG.3205"),
        (format!("{gw}/env-variables"), variable, "APIG.3206"),
        (
            format!("{project_path}/instances"),
            json!({ "instance_name": "gw-codes", "spec_id": "BASIC" }),
            "APIG.3216",
        ),
    ] {
        let (status, error) = api!(app, admin, POST(&path), body);
        assert_eq!(
            (status, error["error_code"].as_str()),
            (400, Some(code)),
            "{path}: {error}"
        );
    }
    let missing = "0123456789abcdef0123456789abcdef";
    for (path, code) in [
        (format!("{gw}/api-groups/{missing}"), "APIG.3001"),
        (format!("{gw}/apis/{missing}"), "APIG.3002"),
        (format!("{gw}/env-variables/{missing}"), "APIG.3011"),
        (format!("{gw}/apis/versions/{missing}"), "APIG.3015"),
        (format!("{project_path}/instances/{missing}"), "APIG.3030"),
        (
            format!("{project_path}/certificates/{missing}"),
            "APIG.3021",
        ),
        (format!("{gw}/async-tasks/{missing}"), "APIG.3040"),
    ] {
        let (status, error) = api!(app, admin, GET(&path));
        assert_eq!(
            (status, error["error_code"].as_str()),
            (404, Some(code)),
            "{path}: {error}"
        );
    }
    let (status, error) = api!(app, admin, PUT "{gw}/envs/{missing}", { "name": "DEV" });
    assert_eq!(
        (status, error["error_code"].as_str()),
        (404, Some("APIG.3003")),
        "{error}"
    );
    // Nothing refused was stored.
    let groups = ok!(app, admin, GET "{gw}/api-groups");
    assert_eq!(groups["total"], 2);
    app.stop().await;
}

/// A writer that races another past its own name check meets the database's unique
/// constraint: that is the name-exists error naming the field (400 `APIG.32xx` for APIG's
/// resources, 409 for IAM's), not a 500. A row another change holds locked past the lock
/// timeout is a 503 that changed nothing.
#[tokio::test]
async fn database_refusals_are_classified_not_all_internal_errors() {
    use app::error::{AppError, Kind};
    use app::services::UNIQUE_NAMES;

    let (pool, _) = crate::support::fresh_database().await;
    // Every constraint the classification names guards a table of the migrated schema.
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT conname::text FROM pg_constraint UNION SELECT indexname::text FROM pg_indexes",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    for (constraint, ..) in UNIQUE_NAMES {
        assert!(
            names.iter().any(|n| n == constraint),
            "{constraint} is not in the schema"
        );
    }

    sqlx::query("INSERT INTO accounts (id, name) VALUES ('acc', 'acc')")
        .execute(&pool)
        .await
        .unwrap();
    let insert = || {
        sqlx::query(
            "INSERT INTO user_groups (id, account_id, name) VALUES (md5(random()::text), 'acc', 'ops')",
        )
        .execute(&pool)
    };
    insert().await.unwrap();
    let error = AppError::from(insert().await.unwrap_err());
    assert_eq!(
        error,
        AppError::taken(
            Kind::UserGroup,
            "name",
            "A user group with this name already exists."
        )
    );
    assert_eq!((error.status(), error.field()), (409, Some("name")));

    // Held by one transaction, the row cannot be locked by another within its timeout.
    let mut holder = pool.begin().await.unwrap();
    sqlx::query("SELECT id FROM user_groups FOR UPDATE")
        .execute(&mut *holder)
        .await
        .unwrap();
    let mut waiter = pool.begin().await.unwrap();
    sqlx::query("SET LOCAL lock_timeout = '50ms'")
        .execute(&mut *waiter)
        .await
        .unwrap();
    let locked = sqlx::query("UPDATE user_groups SET name = 'ops2'")
        .execute(&mut *waiter)
        .await
        .unwrap_err();
    let error = AppError::from(locked);
    assert!(matches!(error, AppError::Unavailable(_)), "{error:?}");
    assert_eq!((error.status(), error.code()), (503, "APIG.9999"));
    drop(waiter);
    holder.rollback().await.unwrap();
    let name: String = sqlx::query_scalar("SELECT name FROM user_groups")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(name, "ops", "the refused change changed nothing");
}
