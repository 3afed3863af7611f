//! The console's IAM server functions: each checks its IAM action for the signed-in user.
use serde_json::{json, Value};

use crate::console_permissions::run_as_readers;
use crate::iam_support::{admin_token, user_with_policy, USER_PASSWORD};
use crate::support::{client, text, TestApp, ADMIN_PASSWORD};

pub async fn signed_in(app: &TestApp, name: &str, password: &str) -> reqwest::Client {
    let client = client();
    let response = client
        .post(app.url("/api/sign_in"))
        .header("Accept", "application/json")
        .form(&[("user_name", name), ("password", password)])
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success(), "{name} signs in");
    client
}

/// Calls a server function: form-encoded, or JSON for those that take structures.
pub async fn server_fn(
    app: &TestApp,
    client: &reqwest::Client,
    endpoint: &str,
    args: &Value,
) -> (u16, Value) {
    let request = client
        .post(app.url(&format!("/api/{endpoint}")))
        .header("Accept", "application/json");
    let json_input = [
        "iam/update_user",
        "iam/create_user_with_permissions",
        "iam/list_audit",
        "gateways/create",
        "gateways/update",
        "gateways/set_feature",
        "gateways/change_tags",
        "gateways/add_port",
        "apis/open",
        "apis/update",
        "apis/debug",
        "apis/batch",
        "openapi/import_item",
        "credentials/authorize",
    ]
    .contains(&endpoint);
    let request = if json_input {
        request.json(args)
    } else {
        let form: Vec<(String, String)> = args
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| {
                (
                    k.clone(),
                    v.as_str()
                        .map(str::to_owned)
                        .unwrap_or_else(|| v.to_string()),
                )
            })
            .collect();
        request.form(&form)
    };
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

#[tokio::test]
async fn every_iam_server_function_checks_its_permission() {
    let app = TestApp::spawn().await;
    let admin_api = admin_token(&app).await;
    let (target, _) = user_with_policy(&app, &admin_api, "target", Some("APIG FullAccess")).await;
    user_with_policy(&app, &admin_api, "apigreader", Some("APIG ReadOnlyAccess")).await;
    user_with_policy(&app, &admin_api, "iamreader", Some("IAM ReadOnlyAccess")).await;
    let (_, groups) = api!(app, admin_api, GET "/v3/groups?name=target-group");
    let group = text(&groups["groups"][0]["id"]);

    // (endpoint, arguments, is it a read)
    let table: Vec<(&str, Value, bool)> = vec![
        (
            "iam/list_users",
            json!({ "search": "", "sort": "", "offset": "0" }),
            true,
        ),
        ("iam/get_user", json!({ "user_id": target }), true),
        ("iam/list_groups", json!({}), true),
        ("iam/get_group", json!({ "group_id": group }), true),
        ("iam/list_policies", json!({}), true),
        ("iam/list_projects", json!({}), true),
        ("iam/list_access_keys", json!({ "user_id": target }), true),
        (
            "iam/update_user",
            json!({ "user_id": target, "change": { "description": "changed" } }),
            false,
        ),
        (
            "iam/create_group",
            json!({ "name": "console-group", "description": "" }),
            false,
        ),
        (
            "iam/add_member",
            json!({ "group_id": group, "user_id": target }),
            false,
        ),
        (
            "iam/grant",
            json!({ "group_id": group, "policy_id": "APIG ReadOnlyAccess", "project_id": "" }),
            false,
        ),
        (
            "iam/revoke",
            json!({ "group_id": group, "policy_id": "APIG ReadOnlyAccess", "project_id": "" }),
            false,
        ),
        (
            "iam/save_policy",
            json!({ "policy_id": "", "name": "console policy", "description": "",
            "document": r#"{"Version":"1.1","Statement":[{"Effect":"Allow","Action":["apig:apis:list"]}]}"# }),
            false,
        ),
        (
            "iam/create_access_key",
            json!({ "user_id": target, "description": "" }),
            false,
        ),
        (
            "iam/create_user_with_permissions",
            json!({ "wizard": { "user": { "name": "wizard-user", "email": "",
            "description": "", "password": USER_PASSWORD, "enabled": true, "access_mode": "default" },
            "group_ids": [], "new_group": "", "policy_ids": [], "all_projects": false, "create_access_key": false } }),
            false,
        ),
        (
            "iam/remove_member",
            json!({ "group_id": group, "user_id": target }),
            false,
        ),
        ("iam/delete_group", json!({ "group_id": group }), false),
        ("iam/delete_user", json!({ "user_id": target }), false),
        (
            "iam/list_audit",
            json!({ "filter": { "user_name": null, "action": null, "result": null }, "offset": 0 }),
            true,
        ),
    ];
    let apig_reader = signed_in(&app, "apigreader", USER_PASSWORD).await;
    let iam_reader = signed_in(&app, "iamreader", USER_PASSWORD).await;
    let admin = signed_in(&app, "admin", ADMIN_PASSWORD).await;
    // IAM ReadOnlyAccess has iam:*:list*, iam:*:get*; the audit log is iam:audit:list.
    let readers = [
        ("apig reader", &apig_reader, false),
        ("iam reader", &iam_reader, true),
    ];
    run_as_readers(&app, "iam", &readers, &admin, &table, false).await;
    let refused: i64 = app.scalar("SELECT count(*) FROM audit_records WHERE result = 'refused' AND channel = 'console' AND user_name = 'apigreader'").await;
    assert_eq!(
        refused,
        table.len() as i64,
        "every refusal is in the audit log"
    );
    app.stop().await;
}

#[tokio::test]
async fn navigation_follows_permissions() {
    let app = TestApp::spawn().await;
    let admin_api = admin_token(&app).await;
    user_with_policy(&app, &admin_api, "apigreader", Some("APIG ReadOnlyAccess")).await;
    let reader = signed_in(&app, "apigreader", USER_PASSWORD).await;
    let (status, shell) = console!(app, reader, "load_shell", {});
    assert_eq!(status, 200);
    let allowed: Vec<&str> = shell["allowed_actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    assert!(allowed.contains(&"apig:instances:list"));
    assert!(!allowed.contains(&"apig:instances:create"));
    assert!(!allowed.iter().any(|a| a.starts_with("iam:")));

    let admin = signed_in(&app, "admin", ADMIN_PASSWORD).await;
    let (_, shell) = console!(app, admin, "load_shell", {});
    let allowed = shell["allowed_actions"].as_array().unwrap();
    assert!(allowed.iter().any(|a| a == "iam:users:create"));
    assert!(allowed.iter().any(|a| a == "apig:instances:create"));
    app.stop().await;
}

#[tokio::test]
async fn access_type_decides_console_or_api() {
    let (app, admin) = TestApp::with_admin().await;
    for (name, mode) in [("robot", "programmatic"), ("clicker", "console")] {
        let (status, body) = api!(app, admin, POST "/v3.0/OS-USER/users",
            { "user": { "name": name, "password": USER_PASSWORD, "access_mode": mode } });
        assert_eq!(status, 201, "{body}");
        assert_eq!(body["user"]["access_mode"], mode);
    }
    let response = client()
        .post(app.url("/api/sign_in"))
        .header("Accept", "application/json")
        .form(&[("user_name", "robot"), ("password", USER_PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        400,
        "a programmatic user cannot use the console"
    );
    signed_in(&app, "clicker", USER_PASSWORD).await;

    let token_for = |name: &'static str| {
        let body = json!({ "auth": { "identity": { "methods": ["password"],
            "password": { "user": { "name": name, "password": USER_PASSWORD } } } } });
        reqwest::Client::new()
            .post(app.url("/v3/auth/tokens"))
            .json(&body)
            .send()
    };
    assert_eq!(token_for("robot").await.unwrap().status(), 201);
    assert_eq!(
        token_for("clicker").await.unwrap().status(),
        400,
        "a console-only user gets no API token"
    );
    app.stop().await;
}

#[tokio::test]
async fn the_first_step_is_done_once_a_user_holds_an_apig_policy() {
    let app = TestApp::spawn().await;
    let admin = signed_in(&app, "admin", ADMIN_PASSWORD).await;
    let (status, state) = console!(app, admin, "process_state", {});
    assert_eq!(status, 200);
    assert_eq!(state["users_granted"], false);
    let token = admin_token(&app).await;
    user_with_policy(&app, &token, "nopolicy", None).await;
    let (_, state) = console!(app, admin, "process_state", {});
    assert_eq!(
        state["users_granted"], false,
        "a user without an APIG policy does not count"
    );
    user_with_policy(&app, &token, "reader", Some("APIG ReadOnlyAccess")).await;
    let (_, state) = console!(app, admin, "process_state", {});
    assert_eq!(state["users_granted"], true);
    app.stop().await;
}

#[tokio::test]
async fn users_change_their_own_password() {
    let app = TestApp::spawn().await;
    let token = admin_token(&app).await;
    user_with_policy(&app, &token, "walker", None).await;
    let walker = signed_in(&app, "walker", USER_PASSWORD).await;
    let change = |current: &str, new: &str, confirm: &str| json!({ "current_password": current, "new_password": new, "confirm_password": confirm });
    let cases = [
        (
            change("wrong", "Fresh-Password-9", "Fresh-Password-9"),
            "current_password",
        ),
        (
            change(USER_PASSWORD, "Fresh-Password-9", "Fresh-Password-8"),
            "confirm_password",
        ),
        (change(USER_PASSWORD, "weak", "weak"), "new_password"),
    ];
    for (args, field) in cases {
        let (status, error) = console!(app, walker, "iam/change_password", args);
        assert_eq!(status, 400);
        assert_eq!(error["Invalid"]["field"], field, "{error}");
    }
    let (status, _) = console!(
        app,
        walker,
        "iam/change_password",
        change(USER_PASSWORD, "Fresh-Password-9", "Fresh-Password-9")
    );
    assert_eq!(status, 200);
    signed_in(&app, "walker", "Fresh-Password-9").await;
    app.stop().await;
}

#[tokio::test]
async fn the_wizard_creates_nothing_when_its_new_group_name_is_taken() {
    let app = TestApp::spawn().await;
    let admin = signed_in(&app, "admin", ADMIN_PASSWORD).await;
    let wizard = |group: &str| {
        json!({ "wizard": { "user": { "name": "newcomer", "email": "", "description": "",
            "password": USER_PASSWORD, "enabled": true, "access_mode": "default" },
            "group_ids": [], "new_group": group, "policy_ids": ["APIG ReadOnlyAccess"],
            "all_projects": true, "create_access_key": true } })
    };
    let (status, error) = console!(
        app,
        admin,
        "iam/create_user_with_permissions",
        wizard("admin")
    );
    assert_eq!(status, 409, "{error}");
    assert_eq!(error["Conflict"]["field"], "new_group");
    let users: i64 = app
        .scalar("SELECT count(*) FROM users WHERE name = 'newcomer'")
        .await;
    assert_eq!(users, 0, "nothing was created");

    let (status, created) = console!(
        app,
        admin,
        "iam/create_user_with_permissions",
        wizard("newcomers")
    );
    assert_eq!(status, 200, "{created}");
    assert_eq!(created["groups"][0], "newcomers");
    assert_eq!(created["access_key"]["secret"].as_str().unwrap().len(), 40);
    app.stop().await;
}
