//! The console's permission table covers every server function: a new server function
//! without a row in one of the tables (here, `console_iam.rs`, `console_gateways.rs`)
//! fails `every_server_function_has_a_permission_row`. The rows here check the effect,
//! not only the status: a refused call changes nothing stored, an allowed read returns
//! data.
use serde_json::{json, Value};

use crate::api_groups::gateway;
use crate::console_iam::{server_fn, signed_in};
use crate::domains::certificate;
use crate::iam_support::{admin_token, user_with_policy, USER_PASSWORD};
use crate::support::{text, TestApp, ADMIN_PASSWORD};

/// Server functions every signed-in user (or anyone, for signing in) may call: they act
/// on the caller's own session, or show only what the caller's permissions allow.
const OPEN: &[&str] = &[
    "sign_in",
    "sign_out",
    "load_shell",
    "process_state",
    "switch_project",
    "iam/change_password",
];

/// The endpoints the permission tables have rows for: every `("endpoint", …)` row of the
/// table tests' sources.
fn rows() -> Vec<String> {
    let sources = [
        include_str!("console_iam.rs"),
        include_str!("console_gateways.rs"),
        include_str!("console_permissions.rs"),
    ];
    let mut rows = Vec::new();
    for source in sources {
        let mut rest = source;
        while let Some(at) = rest.find('(') {
            rest = &rest[at + 1..];
            let trimmed = rest.trim_start();
            let Some(quoted) = trimmed.strip_prefix('"') else {
                continue;
            };
            let Some(end) = quoted.find('"') else {
                continue;
            };
            let name = &quoted[..end];
            let is_endpoint = name.contains('/')
                && name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || "_/-".contains(c))
                && quoted[end + 1..].starts_with(',');
            if is_endpoint {
                rows.push(name.to_owned());
            }
        }
    }
    rows
}

#[test]
fn every_server_function_has_a_permission_row() {
    // Linking the server registers every server function of the console.
    let _ = portico::console::router;
    let rows = rows();
    let mut registered: Vec<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.trim_start_matches("/api/").to_owned())
        .collect();
    registered.sort();
    assert!(
        registered.len() > 50,
        "server functions found: {registered:?}"
    );
    let missing: Vec<&String> = registered
        .iter()
        .filter(|name| !rows.contains(name) && !OPEN.contains(&name.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "server functions without a row in a permission table: {missing:?}"
    );
}

/// A digest of everything stored that a console action can change (the audit log, which
/// records refusals, and sessions aside).
pub async fn stored(app: &TestApp) -> String {
    let tables = [
        "projects",
        "users",
        "user_groups",
        "user_group_members",
        "permission_policies",
        "user_group_grants",
        "access_keys",
        "gateways",
        "gateway_tags",
        "gateway_features",
        "gateway_ingress_ports",
        "api_groups",
        "environments",
        "env_variables",
        "apis",
        "api_versions",
        "api_publications",
        "certificates",
        "api_group_domains",
        "credentials",
        "app_codes",
        "app_auths",
        "credential_acls",
    ];
    let mut digest = String::new();
    for table in tables {
        let part: Option<String> = sqlx::query_scalar(&format!(
            "SELECT md5(string_agg(t::text, ',' ORDER BY t::text)) FROM {table} t"
        ))
        .fetch_one(&app.pool)
        .await
        .unwrap();
        digest.push_str(&format!("{table}:{} ", part.unwrap_or_default()));
    }
    digest
}

#[tokio::test]
async fn domain_openapi_key_and_policy_functions_check_their_permission_and_change_nothing_when_refused(
) {
    let app = TestApp::spawn().await;
    let admin_api = admin_token(&app).await;
    user_with_policy(&app, &admin_api, "apigreader", Some("APIG ReadOnlyAccess")).await;
    user_with_policy(&app, &admin_api, "iamreader", Some("IAM ReadOnlyAccess")).await;
    user_with_policy(&app, &admin_api, "nobody", None).await;
    let (target, _) = user_with_policy(&app, &admin_api, "target", None).await;
    let gw = gateway(&app, &admin_api, "gw-perms").await;
    let gateway_id = gw.rsplit('/').next().unwrap().to_owned();
    let project_base = gw.split("/instances/").next().unwrap().to_owned();
    let group = ok!(app, admin_api, POST "{gw}/api-groups", { "name": "shop" });
    let group_id = text(&group["id"]);
    let domains = format!("{gw}/api-groups/{group_id}/domains");
    let mut bound = Vec::new();
    for name in [
        "api.shop.example.com",
        "www.shop.example.com",
        "old.shop.example.com",
    ] {
        let domain = ok!(app, admin_api, POST (&domains), { "url_domain": name });
        bound.push(text(&domain["id"]));
    }
    let (cert, key) = certificate(&["*.shop.example.com"], -1, 90);
    let global = ok!(app, admin_api, POST "{project_base}/certificates",
        { "name": "shop_global", "type": "global", "cert_content": cert, "private_key": key });
    let certificate_id = text(&global["id"]);
    let (status, policy) = api!(app, admin_api, POST "/v3.0/OS-ROLE/roles",
        { "role": { "display_name": "unused policy", "type": "XA", "policy": { "Version": "1.1", "Statement": [{ "Effect": "Allow", "Action": ["apig:apis:list"] }] } } });
    assert_eq!(status, 201, "{policy}");
    let policy_id = text(&policy["role"]["id"]);
    let (status, made) = api!(app, admin_api, POST "/v3.0/OS-CREDENTIAL/credentials",
        { "credential": { "user_id": target } });
    assert_eq!(status, 201, "{made}");
    let access_key = text(&made["credential"]["access"]);
    let document = json!({ "openapi": "3.0.0", "info": { "title": "shop", "version": "1" },
        "paths": { "/items": { "get": { "responses": { "200": { "description": "ok" } } } } } })
    .to_string();
    let mock = |name: &str, uri: &str| {
        json!({
        "name": name, "group_id": group_id, "type": 1, "req_protocol": "HTTP", "req_method": "GET",
        "req_uri": uri, "auth_type": "NONE", "backend_type": "MOCK",
        "mock_info": { "result_content": "{}", "status_code": 200 } })
    };
    let api = ok!(app, admin_api, POST "{gw}/apis", mock("fixture", "/fixture"));
    let api_id = text(&api["id"]);
    // Published, so that it can be debugged.
    ok!(app, admin_api, POST "{gw}/apis/action",
        { "action": "online", "env_id": "DEFAULT_ENVIRONMENT_RELEASE_ID", "api_id": api_id });
    let item = json!({ "method": "GET", "path": "/imported", "error": "", "note": "", "definition": {
        "name": "imported", "group_id": group_id, "req_method": "GET", "req_uri": "/imported",
        "backend_type": "MOCK", "mock_info": { "result_content": "{}", "status_code": 200 } } });

    // (endpoint, arguments, service, is it a read); in an order the administrator can run.
    let table: Vec<(&str, Value, &str, bool)> = vec![
        (
            "domains/list",
            json!({ "gateway_id": gateway_id, "group_id": group_id }),
            "apig",
            true,
        ),
        (
            "openapi/preview",
            json!({ "gateway_id": gateway_id, "text": document }),
            "apig",
            false,
        ),
        (
            "openapi/export",
            json!({ "gateway_id": gateway_id, "group_id": group_id, "env_id": "", "yaml": false }),
            "apig",
            false,
        ),
        (
            "domains/bind",
            json!({ "gateway_id": gateway_id, "group_id": group_id, "domain": "new.shop.example.com", "min_ssl_version": "TLSv1.2" }),
            "apig",
            false,
        ),
        (
            "domains/upload-certificate",
            json!({ "gateway_id": gateway_id, "group_id": group_id, "domain_id": bound[0], "name": "shop_cert", "cert_content": cert, "private_key": key }),
            "apig",
            false,
        ),
        (
            "domains/link-certificate",
            json!({ "gateway_id": gateway_id, "group_id": group_id, "domain_id": bound[1], "certificate_id": certificate_id, "link": "Attach" }),
            "apig",
            false,
        ),
        (
            "domains/unbind",
            json!({ "gateway_id": gateway_id, "group_id": group_id, "domain_id": bound[2] }),
            "apig",
            false,
        ),
        (
            "openapi/import_item",
            json!({ "gateway_id": gateway_id, "group_id": group_id, "item": item, "overwrite": false }),
            "apig",
            false,
        ),
        (
            "apis/open",
            json!({ "wizard": { "gateway_id": gateway_id, "new_group": "orders", "env_id": "",
            "definition": mock("opened", "/opened") } }),
            "apig",
            false,
        ),
        (
            "apis/update",
            json!({ "gateway_id": gateway_id, "api_id": api_id, "definition": mock("renamed", "/fixture") }),
            "apig",
            false,
        ),
        (
            "apis/debug",
            json!({ "gateway_id": gateway_id, "api_id": api_id, "call": {
            "stage": "", "method": "GET", "path": "/fixture", "query": [], "headers": [], "body": "" } }),
            "apig",
            false,
        ),
        (
            "iam/set_access_key_status",
            json!({ "access_key": access_key, "active": false }),
            "iam",
            false,
        ),
        (
            "iam/delete_access_key",
            json!({ "access_key": access_key }),
            "iam",
            false,
        ),
        (
            "iam/policy_holders",
            json!({ "policy_id": policy_id }),
            "iam",
            true,
        ),
        (
            "iam/delete_policy",
            json!({ "policy_id": policy_id }),
            "iam",
            false,
        ),
    ];
    let clients = [
        (
            "apig reader",
            signed_in(&app, "apigreader", USER_PASSWORD).await,
            "apig",
        ),
        (
            "iam reader",
            signed_in(&app, "iamreader", USER_PASSWORD).await,
            "iam",
        ),
        (
            "no policy",
            signed_in(&app, "nobody", USER_PASSWORD).await,
            "",
        ),
    ];
    for (endpoint, args, service, read) in &table {
        for (who, client, reads) in &clients {
            let before = stored(&app).await;
            let (status, body) = server_fn(&app, client, endpoint, args).await;
            if *read && reads == service {
                assert_eq!(status, 200, "{who} {endpoint}: {body}");
                assert!(!body.is_null(), "{who} {endpoint}: a read returns data");
            } else {
                refused(status, &body, service, &format!("{who} {endpoint}"));
            }
            assert_eq!(
                stored(&app).await,
                before,
                "{who} {endpoint} changed what is stored"
            );
        }
    }
    let admin = signed_in(&app, "admin", ADMIN_PASSWORD).await;
    for (endpoint, args, _, read) in &table {
        let before = stored(&app).await;
        let (status, body) = server_fn(&app, &admin, endpoint, args).await;
        assert_eq!(status, 200, "admin {endpoint}: {body}");
        let changes = !["openapi/preview", "openapi/export", "apis/debug"].contains(endpoint);
        if !read && changes {
            assert_ne!(
                stored(&app).await,
                before,
                "admin {endpoint} changed nothing"
            );
        }
    }
    app.stop().await;
}

#[tokio::test]
async fn switching_project_stays_inside_the_account() {
    let app = TestApp::spawn().await;
    let admin_api = admin_token(&app).await;
    user_with_policy(&app, &admin_api, "nobody", None).await;
    let (status, created) =
        api!(app, admin_api, POST "/v3/projects", { "project": { "name": "second" } });
    assert_eq!(status, 201, "{created}");
    let second = text(&created["project"]["id"]);
    let nobody = signed_in(&app, "nobody", USER_PASSWORD).await;
    let current = || async {
        let (_, shell) = console!(app, nobody, "load_shell", {});
        shell["current_project"]["name"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    };
    assert_eq!(current().await, "default");
    // A project that is not the account's (or does not exist) is refused, and the session
    // stays where it was.
    let (status, body) = console!(app, nobody, "switch_project", { "project_id": "0123456789abcdef0123456789abcdef" });
    assert_eq!(status, 404, "{body}");
    assert_eq!(current().await, "default");
    // One of the account's projects: the user works there, with the permissions granted
    // there (none).
    let (status, body) = console!(app, nobody, "switch_project", { "project_id": second });
    assert_eq!(status, 200, "{body}");
    assert_eq!(current().await, "second");
    app.stop().await;
}

/// A user calling the console, and whether their policy covers a table's reads.
pub type Reader<'a> = (&'a str, &'a reqwest::Client, bool);

/// Runs a table of console calls (endpoint, arguments, whether it only reads) as each of
/// `readers`, then as `admin`. A reader's call of a read its policy covers answers (200
/// when `exact`, else anything but 403); every other call is refused naming a `service:`
/// action and changes nothing stored. The administrator's calls all answer 200.
pub async fn run_as_readers(
    app: &TestApp,
    service: &str,
    readers: &[Reader<'_>],
    admin: &reqwest::Client,
    table: &[(&str, Value, bool)],
    exact: bool,
) {
    for (endpoint, args, read) in table {
        for (who, client, covers) in readers {
            let before = stored(app).await;
            let (status, body) = server_fn(app, client, endpoint, args).await;
            if status == 403 {
                assert_eq!(
                    stored(app).await,
                    before,
                    "{who} {endpoint}: refused, yet it changed what is stored"
                );
            }
            if *read && *covers {
                if exact {
                    assert_eq!(status, 200, "{who} {endpoint}: {body}");
                } else {
                    assert_ne!(status, 403, "{who} {endpoint}: {body}");
                }
            } else {
                refused(status, &body, service, &format!("{who} {endpoint}"));
            }
        }
    }
    for (endpoint, args, _) in table {
        let (status, body) = server_fn(app, admin, endpoint, args).await;
        assert_eq!(status, 200, "admin {endpoint}: {body}");
    }
}

/// Asserts a 403 that names an action of `service` (`what` says which call it was).
fn refused(status: u16, body: &Value, service: &str, what: &str) {
    assert_eq!(status, 403, "{what}: {body}");
    assert!(
        body["Forbidden"]["action"]
            .as_str()
            .is_some_and(|a| a.starts_with(&format!("{service}:"))),
        "{what}: {body}"
    );
}
