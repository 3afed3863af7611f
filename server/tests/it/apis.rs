//! APIs through the management API: definitions with every rule enforced and nothing stored
//! on refusal, route conflicts, publishing to environments with variables, versions,
//! switching back, the runtime definition, offline and batches (who may do what:
//! `apis_authz`).
use serde_json::{json, Value};

pub(crate) use crate::api_groups::created;
use crate::iam_support::assert_says;
use crate::iam_support::default_project;
pub(crate) use crate::iam_support::ok;
use crate::support::{text, TestApp};

async fn revision(app: &TestApp) -> i64 {
    app.scalar("SELECT revision FROM config_revision").await
}

pub(crate) struct Gateway {
    pub(crate) base: String,
    pub(crate) group: String,
}

/// A gateway with a group `payments`.
pub(crate) async fn gateway(app: &TestApp, token: &str) -> Gateway {
    let project = default_project(app, token).await;
    let created = ok!(app, token, POST "/v2/{project}/apigw/instances",
        { "instance_name": "gw-apis", "spec_id": "BASIC" });
    let base = format!(
        "/v2/{project}/apigw/instances/{}",
        created["instance_id"].as_str().unwrap()
    );
    let group = text(&ok!(app, token, POST "{base}/api-groups", { "name": "payments" })["id"]);
    Gateway { base, group }
}

/// An API with a path and a query parameter and an HTTP backend at `#host#`.
pub(crate) fn definition(group: &str, name: &str, uri: &str) -> Value {
    json!({
        "name": name,
        "group_id": group,
        "type": 1,
        "req_protocol": "HTTP",
        "req_method": "GET",
        "req_uri": uri,
        "auth_type": "NONE",
        "backend_type": "HTTP",
        "req_params": [
            { "name": "id", "type": "NUMBER", "location": "PATH", "required": 1, "min_num": 1, "max_num": 99999 },
            { "name": "fields", "type": "STRING", "location": "QUERY", "required": 2,
              "enumerations": "all,summary", "default_value": "all" }
        ],
        "backend_params": [
            { "origin": "REQUEST", "name": "orderId", "location": "PATH", "value": "id" },
            { "origin": "SYSTEM", "name": "X-Request-From", "location": "HEADER", "value": "$context.sourceIp" }
        ],
        "backend_api": {
            "url_domain": "#host#",
            "req_protocol": "HTTP",
            "req_method": "GET",
            "req_uri": "/v1/orders/{orderId}",
            "timeout": 5000
        }
    })
}

async fn api_count(app: &TestApp) -> i64 {
    app.scalar("SELECT count(*) FROM apis").await
}

#[tokio::test]
async fn api_definitions_are_checked_field_by_field_and_routes_do_not_clash() {
    let (app, admin) = TestApp::with_admin().await;
    let gw = gateway(&app, &admin).await;
    let created = ok!(
        app,
        admin,
        POST(&format!("{}/apis", gw.base)),
        definition(&gw.group, "get-order", "/orders/{id}")
    );
    assert_eq!(created["name"], "get-order");
    assert_eq!(created["group_name"], "payments");
    assert_eq!(created["req_params"][0]["name"], "id");
    assert_eq!(created["backend_api"]["url_domain"], "#host#");
    assert_eq!(created["run_env_id"], "");

    let mutate = |change: &dyn Fn(&mut Value)| {
        let mut body = definition(&gw.group, "other-order", "/orders/{id}/items");
        change(&mut body);
        body
    };
    let cases: Vec<(Value, u16, &str)> = vec![
        (
            definition(&gw.group, "GET-ORDER", "/x/{id}"),
            400,
            "already exists",
        ),
        (
            definition(&gw.group, "get-order-2", "/orders/{id}"),
            400,
            "already answers GET /orders/{id}",
        ),
        (mutate(&|b| b["name"] = json!("ab")), 400, "name"),
        (
            mutate(&|b| b["req_uri"] = json!("/orders/pre-{id}")),
            400,
            "req_uri",
        ),
        (
            mutate(&|b| b["req_uri"] = json!("/orders/{id}/{rest+}/x")),
            400,
            "req_uri",
        ),
        (
            mutate(&|b| b["req_method"] = json!("FETCH")),
            400,
            "req_method",
        ),
        (
            mutate(&|b| b["auth_type"] = json!("AUTHORIZER")),
            400,
            "not available",
        ),
        (
            mutate(&|b| b["auth_opt"] = json!({ "app_code_auth_type": "HEADER" })),
            400,
            "AppCodes authenticate callers of APIs with APP authentication only",
        ),
        (
            mutate(&|b| b["backend_type"] = json!("FUNCTION")),
            400,
            "not available",
        ),
        (
            mutate(&|b| b["req_params"][1]["default_value"] = json!("everything")),
            400,
            "enumerations",
        ),
        (
            mutate(&|b| b["req_params"][1]["name"] = json!("x-stage")),
            400,
            "reserved",
        ),
        (
            mutate(&|b| b["backend_params"][0]["value"] = json!("missing")),
            400,
            "does not define",
        ),
        (
            mutate(&|b| b["backend_params"][1]["value"] = json!("$context.secret")),
            400,
            "system parameter",
        ),
        (
            mutate(&|b| b["backend_api"]["timeout"] = json!(60001)),
            400,
            "1 to 60000 ms",
        ),
        (
            mutate(&|b| b["backend_api"]["retry_count"] = json!("11")),
            400,
            "retry_count",
        ),
        (
            mutate(&|b| b["backend_api"]["url_domain"] = json!("http://backend/x")),
            400,
            "url_domain",
        ),
        (
            mutate(&|b| b["backend_api"]["url_domain"] = json!("#h#")),
            400,
            "url_domain",
        ),
        (
            mutate(&|b| b["group_id"] = json!("0123456789abcdef0123456789abcdef")),
            404,
            "group_id",
        ),
        (mutate(&|b| b["name"] = json!(null)), 400, "name"),
    ];
    for (body, status, mention) in cases {
        let (got, error) = api!(app, admin, POST(&format!("{}/apis", gw.base)), body.clone());
        assert_eq!(got, status, "{body}: {error}");
        let message = error["error_msg"].as_str().unwrap_or_default();
        assert!(message.contains(mention), "{mention:?} not in {message:?}");
    }
    assert_eq!(
        api_count(&app).await,
        1,
        "refused definitions stored nothing"
    );

    // The check endpoint says the same without storing anything.
    let (status, _) = api!(app, admin, POST (&format!("{}/apis/check", gw.base)),
        { "type": "path", "group_id": gw.group, "req_method": "GET", "req_uri": "/orders/{id}" });
    assert_eq!(status, 400);
    let (status, _) = api!(app, admin, POST (&format!("{}/apis/check", gw.base)),
        { "type": "name", "group_id": gw.group, "name": "new-name" });
    assert_eq!(status, 204);

    // A higher gateway limit allows a longer timeout.
    ok!(app, admin, POST (&format!("{}/features", gw.base)),
        { "name": "backend_timeout", "enable": true, "config": "{\"max_timeout\":120000}" });
    let mut long = definition(&gw.group, "slow-order", "/slow/{id}");
    long["backend_api"]["timeout"] = json!(90000);
    ok!(app, admin, POST(&format!("{}/apis", gw.base)), long);
    let listed = ok!(
        app,
        admin,
        GET(&format!("{}/apis?name=order&req_uri=/slow", gw.base))
    );
    assert_eq!(listed["total"], 1);
    assert_eq!(listed["apis"][0]["name"], "slow-order");
    app.stop().await;
}

#[tokio::test]
async fn publishing_snapshots_versions_switches_back_and_goes_offline() {
    let (app, admin) = TestApp::with_admin().await;
    let gw = gateway(&app, &admin).await;
    let base = &gw.base;
    let api =
        ok!(app, admin, POST "{base}/apis", definition(&gw.group, "get-order", "/orders/{id}"));
    let api_id = text(&api["id"]);
    let publish = |env: &str| json!({ "action": "online", "env_id": env, "api_id": api_id, "remark": "first" });

    // The backend needs #host#, which RELEASE lacks: refused, naming it.
    let (status, error) =
        api!(app, admin, POST "{base}/apis/action", publish("DEFAULT_ENVIRONMENT_RELEASE_ID"));
    assert_eq!(status, 400, "{error}");
    assert!(error["error_msg"].as_str().unwrap().contains("#host#"));

    let test_env = created(
        &app,
        &admin,
        &format!("{base}/envs"),
        json!({ "name": "TEST" }),
    )
    .await;
    for (env, host) in [
        ("DEFAULT_ENVIRONMENT_RELEASE_ID", "orders.internal:8080"),
        (test_env.as_str(), "orders-test.internal:8080"),
    ] {
        ok!(app, admin, POST "{base}/env-variables",
            { "group_id": gw.group, "env_id": env, "variable_name": "host", "variable_value": host });
        let published = ok!(app, admin, POST "{base}/apis/action", publish(env));
        assert_eq!(published["env_id"], env);
        assert_eq!(published["api_name"], "get-order");
    }
    let shown = ok!(app, admin, GET "{base}/apis/{api_id}");
    assert_eq!(shown["run_env_name"], "RELEASE|TEST");

    // Editing changes the draft, not what is live.
    let mut changed = definition(&gw.group, "get-order", "/orders/{id}");
    changed["backend_api"]["timeout"] = json!(9000);
    ok!(app, admin, PUT "{base}/apis/{api_id}", changed);
    let shown = ok!(app, admin, GET "{base}/apis/{api_id}");
    assert_eq!(shown["backend_api"]["timeout"], 9000, "the draft changed");
    let runtime = ok!(app, admin, GET "{base}/apis/runtime/{api_id}");
    // The runtime definition is the frontend, as APIG's; the live backend is its version's.
    assert!(runtime.get("backend_api").is_none(), "{runtime}");
    assert_eq!(live_timeout(&app, &admin, base, &api_id).await, 5000);
    assert_eq!(runtime["run_env_name"], "RELEASE");
    assert!(runtime["sl_domain"]
        .as_str()
        .unwrap()
        .ends_with(".apig.localhost"));

    // Publishing again records a second version in RELEASE; switching back restores the first.
    ok!(app, admin, POST "{base}/apis/action", publish("DEFAULT_ENVIRONMENT_RELEASE_ID"));
    let versions =
        ok!(app, admin, GET "{base}/apis/publish/{api_id}?env_id=DEFAULT_ENVIRONMENT_RELEASE_ID");
    assert_eq!(versions["total"], 2);
    assert_eq!(
        versions["api_versions"][0]["status"], 1,
        "the newest is live"
    );
    assert_eq!(versions["api_versions"][1]["status"], 2);
    let runtime =
        ok!(app, admin, GET "{base}/apis/runtime/{api_id}?env_id=DEFAULT_ENVIRONMENT_RELEASE_ID");
    assert_eq!(runtime["run_env_name"], "RELEASE");
    assert_eq!(live_timeout(&app, &admin, base, &api_id).await, 9000);
    let first = versions["api_versions"][1]["version_id"].as_str().unwrap();
    ok!(app, admin, PUT "{base}/apis/publish/{api_id}", { "version_id": first });
    let runtime = ok!(app, admin, GET "{base}/apis/runtime/{api_id}");
    assert_eq!(runtime["run_env_name"], "RELEASE");
    assert_eq!(
        live_timeout(&app, &admin, base, &api_id).await,
        5000,
        "rolled back"
    );
    let detail = ok!(app, admin, GET "{base}/apis/versions/{first}");
    assert_eq!(detail["status"], 1);
    assert_eq!(detail["backend_api"]["timeout"], 5000);

    // What is published holds things in place.
    for (path, what) in [
        (
            format!("{base}/apis/{api_id}"),
            "published in RELEASE, TEST",
        ),
        (format!("{base}/envs/{test_env}"), "live in TEST"),
        (
            format!("{base}/api-groups/{}", gw.group),
            "still holds 1 API",
        ),
        (format!("{base}/apis/versions/{first}"), "is live"),
    ] {
        let (status, error) = api!(app, admin, DELETE(&path));
        assert_eq!(status, 409, "{path}: {error}");
        assert_says(&error, what);
    }

    // Offline in TEST: its runtime definition is gone, RELEASE still serves.
    ok!(app, admin, POST "{base}/apis/action",
        { "action": "offline", "env_id": test_env, "api_id": api_id });
    let (status, _) = api!(app, admin, GET "{base}/apis/runtime/{api_id}?env_id={test_env}");
    assert_eq!(status, 404);
    let listed = ok!(app, admin, GET "{base}/apis?env_id={test_env}");
    assert_eq!(listed["total"], 0);

    // A batch: each API succeeds or fails on its own.
    let mut other = definition(&gw.group, "list-orders", "/orders");
    other["req_params"] = json!([]);
    other["backend_params"] = json!([]);
    other["backend_api"]["url_domain"] = json!("#other#");
    other["backend_api"]["req_uri"] = json!("/v1/orders");
    let other_id = created(&app, &admin, &format!("{base}/apis"), other).await;
    let mut third = definition(&gw.group, "list-items", "/items");
    third["req_params"] = json!([]);
    third["backend_params"] = json!([]);
    third["backend_api"]["req_uri"] = json!("/v1/items");
    let third_id = created(&app, &admin, &format!("{base}/apis"), third).await;
    let published_records = || async {
        sqlx::query_scalar::<_, i64>(
            "SELECT count(*) FROM audit_records WHERE action = 'apig:apis:publish' AND result = 'success'",
        )
        .fetch_one(&app.pool)
        .await
        .unwrap()
    };
    let (revision_before, records_before) = (revision(&app).await, published_records().await);
    let batch = ok!(app, admin, POST "{base}/apis/publish?action=online",
        { "apis": [api_id, other_id, third_id], "env_id": test_env, "remark": "batch" });
    assert_eq!(batch["success"].as_array().unwrap().len(), 2, "{batch}");
    assert_eq!(batch["success"][1]["api_id"], third_id.as_str());
    assert_eq!(
        revision(&app).await,
        revision_before + 1,
        "a batch is one change: the gateway sees the whole batch in one revision"
    );
    assert_eq!(published_records().await, records_before + 2);
    assert_eq!(batch["failure"][0]["api_id"], other_id.as_str());
    assert!(batch["failure"][0]["error_msg"]
        .as_str()
        .unwrap()
        .contains("#other#"));
    let batch = ok!(app, admin, POST "{base}/apis/publish?action=offline",
        { "group_id": gw.group, "env_id": "DEFAULT_ENVIRONMENT_RELEASE_ID" });
    assert_eq!(batch["success"].as_array().unwrap().len(), 1, "{batch}");
    app.stop().await;
}

/// The backend timeout of the version of `api_id` live in RELEASE.
async fn live_timeout(app: &TestApp, admin: &str, base: &str, api_id: &str) -> Value {
    let versions =
        ok!(app, admin, GET "{base}/apis/publish/{api_id}?env_id=DEFAULT_ENVIRONMENT_RELEASE_ID");
    let live = versions["api_versions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["status"] == 1)
        .unwrap_or_else(|| panic!("no live version: {versions}"))["version_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let detail = ok!(app, admin, GET "{base}/apis/versions/{live}");
    detail["backend_api"]["timeout"].clone()
}
