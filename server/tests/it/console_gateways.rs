//! The console's gateway server functions: permissions, the wizard's single create call,
//! and deletion that needs the gateway's name.
use serde_json::{json, Value};

use crate::console_iam::signed_in;
use crate::console_permissions::run_as_readers;
use crate::iam_support::{admin_token, user_with_policy, USER_PASSWORD};
use crate::support::{text, TestApp, ADMIN_PASSWORD};

fn wizard(name: &str, port: i64) -> Value {
    json!({ "gateway": {
        "name": name, "description": "from the console", "spec_id": "ENTERPRISE",
        "maintain_begin": "06:00:00", "maintain_end": "10:00:00",
        "tags": [{ "key": "team", "value": "payments" }],
        "features": [{ "name": "backend_timeout", "enabled": true, "config": "{\"max_timeout\":30000}" }],
        "ingress_ports": [{ "protocol": "HTTP", "port": port }],
    }})
}

/// Adds `apigreader` (APIG ReadOnlyAccess) and `nobody` (no policy).
async fn add_readers(app: &TestApp) {
    let admin_api = admin_token(app).await;
    user_with_policy(app, &admin_api, "apigreader", Some("APIG ReadOnlyAccess")).await;
    user_with_policy(app, &admin_api, "nobody", None).await;
}

/// Runs `table` (see [`run_as_readers`]) as `apigreader`, who may read, and `nobody`, who
/// is refused everything, each refusal written to the audit log.
async fn run_as_apig_readers(
    app: &TestApp,
    admin: &reqwest::Client,
    table: &[(&str, Value, bool)],
) {
    let reader = signed_in(app, "apigreader", USER_PASSWORD).await;
    let nobody = signed_in(app, "nobody", USER_PASSWORD).await;
    let refused_before: i64 = app.scalar(NOBODY_REFUSED).await;
    let readers = [
        ("apig reader", &reader, true),
        ("no policy", &nobody, false),
    ];
    run_as_readers(app, "apig", &readers, admin, table, true).await;
    let refused: i64 = app.scalar(NOBODY_REFUSED).await;
    assert_eq!(
        refused - refused_before,
        table.len() as i64,
        "every refusal is in the audit log"
    );
}

const NOBODY_REFUSED: &str = "SELECT count(*) FROM audit_records WHERE result = 'refused' AND channel = 'console' AND user_name = 'nobody'";

async fn gateway_count(app: &TestApp) -> i64 {
    app.scalar("SELECT count(*) FROM gateways").await
}

#[tokio::test]
async fn the_wizard_creates_a_gateway_with_everything_at_once_or_nothing() {
    let app = TestApp::spawn().await;
    let admin = signed_in(&app, "admin", ADMIN_PASSWORD).await;
    let (status, state) = console!(app, admin, "process_state", {});
    assert_eq!(status, 200);
    assert_eq!(state["gateway_id"], Value::Null);
    assert_eq!(state["api_published"], false);

    // A bad port in the last step: refused, naming the field; nothing is created.
    let (status, error) = console!(app, admin, "gateways/create", wizard("gw-console", 80));
    assert_eq!(status, 400, "{error}");
    assert_eq!(
        error["Invalid"]["field"], "ingress_ports[0].ingress_port",
        "{error}"
    );
    assert_eq!(gateway_count(&app).await, 0);

    let (status, created) = console!(app, admin, "gateways/create", wizard("gw-console", 18600));
    assert_eq!(status, 200, "{created}");
    let detail = &created["detail"];
    assert_eq!(detail["gateway"]["name"], "gw-console");
    assert_eq!(detail["gateway"]["tags"][0]["key"], "team");
    assert_eq!(detail["ingress_ports"][0]["port"], 18600);
    let timeout = detail["features"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "backend_timeout")
        .unwrap();
    assert_eq!(timeout["config"], r#"{"max_timeout":30000}"#);
    assert!(created["endpoints"]["gateway_addr"]
        .as_str()
        .unwrap()
        .starts_with("127.0.0.1:"));
    let (_, state) = console!(app, admin, "process_state", {});
    assert_eq!(state["gateway_id"], created["detail"]["gateway"]["id"]);

    // The same port again, for another gateway: refused; still one gateway.
    let (status, error) = console!(app, admin, "gateways/create", wizard("gw-other", 18600));
    assert_eq!(status, 400, "{error}");
    assert!(error.to_string().contains("Port 18600"), "{error}");
    assert_eq!(gateway_count(&app).await, 1);

    // Deleting needs the gateway's name.
    let id = detail["gateway"]["id"].as_str().unwrap();
    let (status, error) =
        console!(app, admin, "gateways/delete", { "id": id, "confirm_name": "gw-wrong" });
    assert_eq!(status, 400, "{error}");
    assert_eq!(error["Invalid"]["field"], "confirm_name");
    assert_eq!(gateway_count(&app).await, 1);
    let (status, _) =
        console!(app, admin, "gateways/delete", { "id": id, "confirm_name": "gw-console" });
    assert_eq!(status, 200);
    assert_eq!(gateway_count(&app).await, 0);
    app.stop().await;
}

#[tokio::test]
async fn every_gateway_server_function_checks_its_permission() {
    let app = TestApp::spawn().await;
    add_readers(&app).await;
    let admin = signed_in(&app, "admin", ADMIN_PASSWORD).await;
    let (_, created) = console!(app, admin, "gateways/create", wizard("gw-table", 18700));
    let id = text(&created["detail"]["gateway"]["id"]);
    let port = text(&created["detail"]["ingress_ports"][0]["id"]);

    // (endpoint, arguments, is it a read); deletion last.
    let table: Vec<(&str, Value, bool)> = vec![
        (
            "gateways/list",
            json!({ "search": "", "sort": "-name", "offset": "0" }),
            true,
        ),
        ("gateways/get", json!({ "id": id }), true),
        ("gateways/runtime", json!({}), true),
        ("gateways/create", wizard("gw-second", 18701), false),
        (
            "gateways/update",
            json!({ "id": id, "change": { "description": "changed" } }),
            false,
        ),
        (
            "gateways/set_feature",
            json!({ "id": id, "setting": { "name": "gzip", "enabled": true, "config": "" } }),
            false,
        ),
        (
            "gateways/change_tags",
            json!({ "id": id, "action": "create", "tags": [{ "key": "env", "value": "prod" }] }),
            false,
        ),
        (
            "gateways/change_tags",
            json!({ "id": id, "action": "delete", "tags": [{ "key": "env", "value": "" }] }),
            false,
        ),
        (
            "gateways/add_port",
            json!({ "id": id, "port": { "protocol": "HTTPS", "port": 18702 } }),
            false,
        ),
        (
            "gateways/delete_port",
            json!({ "id": id, "port_id": port }),
            false,
        ),
        (
            "gateways/delete",
            json!({ "id": id, "confirm_name": "gw-table" }),
            false,
        ),
    ];
    run_as_apig_readers(&app, &admin, &table).await;
    app.stop().await;
}

#[tokio::test]
async fn group_and_environment_server_functions_check_their_permission() {
    let app = TestApp::spawn().await;
    add_readers(&app).await;
    let admin = signed_in(&app, "admin", ADMIN_PASSWORD).await;
    let (_, created) = console!(app, admin, "gateways/create", wizard("gw-groups", 18800));
    let gateway = text(&created["detail"]["gateway"]["id"]);
    let (_, group) = console!(app, admin, "groups/create", { "gateway_id": gateway, "name": "payments", "remark": "" });
    let group = text(&group["id"]);
    let (_, env) = console!(app, admin, "environments/create", { "gateway_id": gateway, "name": "TEST", "remark": "" });
    let env = text(&env["id"]);
    let (_, variable) = console!(app, admin, "variables/create", { "gateway_id": gateway, "group_id": group, "env_id": env, "name": "host", "value": "a" });
    let variable = text(&variable["id"]);

    // (endpoint, arguments, is it a read); deletions last.
    let table: Vec<(&str, Value, bool)> = vec![
        (
            "groups/list",
            json!({ "gateway_id": gateway, "search": "", "sort": "name", "offset": "0" }),
            true,
        ),
        ("environments/list", json!({ "gateway_id": gateway }), true),
        (
            "variables/list",
            json!({ "gateway_id": gateway, "group_id": group }),
            true,
        ),
        (
            "groups/create",
            json!({ "gateway_id": gateway, "name": "orders", "remark": "" }),
            false,
        ),
        (
            "environments/create",
            json!({ "gateway_id": gateway, "name": "STAGING", "remark": "" }),
            false,
        ),
        (
            "variables/create",
            json!({ "gateway_id": gateway, "group_id": group, "env_id": env, "name": "port", "value": "80" }),
            false,
        ),
        (
            "variables/delete",
            json!({ "gateway_id": gateway, "variable_id": variable }),
            false,
        ),
        (
            "environments/delete",
            json!({ "gateway_id": gateway, "env_id": env }),
            false,
        ),
        (
            "groups/delete",
            json!({ "gateway_id": gateway, "group_id": group }),
            false,
        ),
    ];
    run_as_apig_readers(&app, &admin, &table).await;
    app.stop().await;
}

#[tokio::test]
async fn credential_server_functions_check_their_permission() {
    let app = TestApp::spawn().await;
    add_readers(&app).await;
    let admin = signed_in(&app, "admin", ADMIN_PASSWORD).await;
    let admin_api = admin_token(&app).await;
    let gw = crate::api_groups::gateway(&app, &admin_api, "gw-creds").await;
    let gateway = gw.rsplit('/').next().unwrap().to_owned();
    let group = text(&ok!(app, admin_api, POST "{gw}/api-groups", { "name": "shop" })["id"]);
    let api = ok!(app, admin_api, POST "{gw}/apis", {
        "name": "orders", "group_id": group, "req_method": "GET", "req_uri": "/orders",
        "auth_type": "APP", "backend_type": "MOCK", "mock_info": { "result_content": "ok" } });
    let api = text(&api["id"]);
    let (_, made) = console!(app, admin, "credentials/create", { "gateway_id": gateway, "name": "mobile", "remark": "" });
    let id = text(&made["id"]);
    let release = "DEFAULT_ENVIRONMENT_RELEASE_ID";
    let (_, code) = console!(app, admin, "credentials/add_app_code", { "gateway_id": gateway, "id": id, "app_code": "" });
    let code = text(&code["id"]);
    let (_, authorized) = console!(app, admin, "credentials/authorize",
        { "gateway_id": gateway, "id": id, "new_name": "", "env_id": release, "api_ids": [api] });
    let auth = text(&authorized["authorizations"][0]["id"]);

    // (endpoint, arguments, is it a read); deletions last.
    let table: Vec<(&str, Value, bool)> = vec![
        ("credentials/list", json!({ "gateway_id": gateway }), true),
        (
            "credentials/get",
            json!({ "gateway_id": gateway, "id": id }),
            true,
        ),
        (
            "credentials/secret",
            json!({ "gateway_id": gateway, "id": id }),
            true,
        ),
        ("credentials/scope", json!({ "gateway_id": gateway }), true),
        (
            "credentials/of_api",
            json!({ "gateway_id": gateway, "api_id": api }),
            true,
        ),
        (
            "credentials/create",
            json!({ "gateway_id": gateway, "name": "partner", "remark": "" }),
            false,
        ),
        (
            "credentials/reset_secret",
            json!({ "gateway_id": gateway, "id": id }),
            false,
        ),
        (
            "credentials/freeze",
            json!({ "gateway_id": gateway, "id": id, "frozen": "true" }),
            false,
        ),
        (
            "credentials/add_app_code",
            json!({ "gateway_id": gateway, "id": id, "app_code": "" }),
            false,
        ),
        (
            "credentials/set_acl",
            json!({ "gateway_id": gateway, "id": id, "permit": "true", "entries": "10.0.0.1" }),
            false,
        ),
        (
            "credentials/remove_acl",
            json!({ "gateway_id": gateway, "id": id }),
            false,
        ),
        (
            "credentials/authorize",
            json!({ "gateway_id": gateway, "id": "", "new_name": "third", "env_id": release, "api_ids": [api] }),
            false,
        ),
        (
            "credentials/remove_app_code",
            json!({ "gateway_id": gateway, "id": id, "code_id": code }),
            false,
        ),
        (
            "credentials/revoke",
            json!({ "gateway_id": gateway, "auth_id": auth }),
            false,
        ),
        (
            "credentials/delete",
            json!({ "gateway_id": gateway, "id": id }),
            false,
        ),
    ];
    run_as_apig_readers(&app, &admin, &table).await;
    app.stop().await;
}

fn open_api(gateway: &str, new_group: &str, uri: &str, env: &str) -> Value {
    json!({ "wizard": {
        "gateway_id": gateway, "new_group": new_group, "env_id": env,
        "definition": {
            "name": "get-order", "group_id": "", "req_method": "GET", "req_uri": uri,
            "backend_type": "MOCK", "mock_info": { "result_content": "{\"ok\":true}", "status_code": 200 },
            "req_params": [{ "name": "id", "type": "NUMBER", "location": "PATH", "required": 1 }]
        }
    }})
}

async fn count(app: &TestApp, table: &str) -> i64 {
    sqlx::query_scalar(&format!("SELECT count(*) FROM {table}"))
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn the_open_api_wizard_creates_everything_or_nothing_and_each_api_function_checks_its_permission(
) {
    let app = TestApp::spawn().await;
    add_readers(&app).await;
    let admin = signed_in(&app, "admin", ADMIN_PASSWORD).await;
    let (_, created) = console!(app, admin, "gateways/create", wizard("gw-apis", 18900));
    let gateway = text(&created["detail"]["gateway"]["id"]);
    let release = "DEFAULT_ENVIRONMENT_RELEASE_ID";

    // A bad path with a new group: refused, naming the field; no group and no API.
    let (status, error) = console!(
        app,
        admin,
        "apis/open",
        open_api(&gateway, "orders", "/orders/x-{id}", release)
    );
    assert_eq!(status, 400, "{error}");
    assert_eq!(error["Invalid"]["field"], "req_uri");
    assert_eq!(count(&app, "api_groups WHERE NOT is_default").await, 0);
    assert_eq!(count(&app, "apis").await, 0);
    // An environment that does not exist: refused before anything is created.
    let (status, error) = console!(
        app,
        admin,
        "apis/open",
        open_api(&gateway, "orders", "/orders/{id}", "NO_SUCH_ENV")
    );
    assert_eq!(status, 400, "{error}");
    assert_eq!(error["Invalid"]["field"], "env_id");
    assert_eq!(count(&app, "apis").await, 0);

    let (status, opened) = console!(
        app,
        admin,
        "apis/open",
        open_api(&gateway, "orders", "/orders/{id}", release)
    );
    assert_eq!(status, 200, "{opened}");
    assert_eq!(opened["group"]["name"], "orders");
    assert_eq!(opened["publication"]["env_name"], "RELEASE");
    let api = text(&opened["api"]["id"]);
    let version = text(&opened["publication"]["version_id"]);

    let table: Vec<(&str, Value, bool)> = vec![
        (
            "apis/list",
            json!({ "gateway_id": gateway, "search": "", "group_id": "", "env_id": "", "sort": "path", "offset": "0" }),
            true,
        ),
        (
            "apis/get",
            json!({ "gateway_id": gateway, "api_id": api }),
            true,
        ),
        ("apis/scope", json!({ "gateway_id": gateway }), false),
        (
            "apis/publish",
            json!({ "gateway_id": gateway, "api_id": api, "env_id": release, "remark": "" }),
            false,
        ),
        (
            "apis/batch",
            json!({ "gateway_id": gateway, "api_ids": [api], "env_id": release, "online": true }),
            false,
        ),
        (
            "apis/switch_version",
            json!({ "gateway_id": gateway, "api_id": api, "version_id": version }),
            false,
        ),
        (
            "apis/offline",
            json!({ "gateway_id": gateway, "api_id": api, "env_id": release }),
            false,
        ),
        (
            "apis/delete",
            json!({ "gateway_id": gateway, "api_id": api }),
            false,
        ),
    ];
    let reader = signed_in(&app, "apigreader", USER_PASSWORD).await;
    let (status, _) = console!(
        app,
        reader,
        "apis/open",
        open_api(&gateway, "", "/second/{id}", "")
    );
    assert_eq!(status, 403);
    run_as_apig_readers(&app, &admin, &table).await;
    app.stop().await;
}
