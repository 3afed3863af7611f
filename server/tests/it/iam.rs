use reqwest::Method;
use serde_json::{json, Value};

use crate::iam_support::assert_says;
use crate::iam_support::{
    call, default_project, role_id, signed, signed_with, token, user_with_policy, USER_PASSWORD,
};
use crate::support::{text, TestApp};

#[tokio::test]
async fn admin_builds_users_groups_and_grants_through_the_api() {
    let (app, admin) = TestApp::with_admin().await;
    let (user_id, _) = user_with_policy(&app, &admin, "reader", Some("APIG ReadOnlyAccess")).await;

    let (status, groups) = api!(app, admin, GET "/v3/users/{user_id}/groups");
    assert_eq!(status, 200);
    let group_id = text(&groups["groups"][0]["id"]);
    assert_eq!(groups["groups"][0]["name"], "reader-group");

    let project = default_project(&app, &admin).await;
    let (status, roles) = api!(app, admin, GET "/v3/projects/{project}/groups/{group_id}/roles");
    assert_eq!(status, 200);
    assert_eq!(roles["roles"][0]["display_name"], "APIG ReadOnlyAccess");

    let (status, users) = api!(app, admin, GET "/v3/users?name=reader");
    assert_eq!(status, 200);
    assert_eq!(users["users"].as_array().unwrap().len(), 1);
    assert_eq!(users["users"][0]["id"], user_id.as_str());

    // Duplicate names and bad input are refused with the field named, and change nothing.
    let (status, error) = api!(app, admin, POST "/v3/users",
        { "user": { "name": "reader", "password": USER_PASSWORD } });
    assert_eq!(status, 409, "{error}");
    let (status, error) =
        api!(app, admin, POST "/v3/users", { "user": { "name": "weak", "password": "short" } });
    assert_eq!(status, 400);
    assert_eq!(
        error["error"]["code"], 400,
        "IAM answers in its own shape: {error}"
    );
    assert_says(&error, "password");
    let (_, users) = api!(app, admin, GET "/v3/users?name=weak");
    assert!(users["users"].as_array().unwrap().is_empty());
    app.stop().await;
}

#[tokio::test]
async fn a_refused_call_names_the_permission_and_is_audited() {
    let (app, admin) = TestApp::with_admin().await;
    let (_, reader) = user_with_policy(&app, &admin, "reader", Some("APIG ReadOnlyAccess")).await;
    let (status, error) = api!(app, reader, POST "/v3/users",
        { "user": { "name": "intruder", "password": USER_PASSWORD } });
    assert_eq!(status, 403);
    assert_eq!(
        error["error"]["code"], 403,
        "IAM answers in its own shape: {error}"
    );
    assert_says(&error, "iam:users:create");

    let refused: Vec<(String, String)> =
        sqlx::query_as("SELECT user_name, action FROM audit_records WHERE result = 'refused'")
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert_eq!(
        refused,
        [("reader".to_owned(), "iam:users:create".to_owned())]
    );
    let (_, users) = api!(app, admin, GET "/v3/users?name=intruder");
    assert!(
        users["users"].as_array().unwrap().is_empty(),
        "nothing was created"
    );
    app.stop().await;
}

#[tokio::test]
async fn changes_are_audited_and_the_log_cannot_be_edited() {
    let (app, admin) = TestApp::with_admin().await;
    user_with_policy(&app, &admin, "reader", Some("APIG ReadOnlyAccess")).await;
    let actions: Vec<String> = app
        .scalars("SELECT action FROM audit_records WHERE result = 'success' ORDER BY id")
        .await;
    assert_eq!(
        actions,
        [
            "iam:users:create",
            "iam:groups:create",
            "iam:groups:addUser",
            "iam:permissions:grantRoleToGroupOnProject",
        ]
    );
    let ip: String = app
        .scalar("SELECT source_ip FROM audit_records LIMIT 1")
        .await;
    assert_eq!(ip, "127.0.0.1");
    for statement in [
        "UPDATE audit_records SET result = 'failed'",
        "DELETE FROM audit_records",
        "TRUNCATE audit_records",
    ] {
        let error = sqlx::query(statement).execute(&app.pool).await.unwrap_err();
        assert!(
            error.to_string().contains("cannot be changed"),
            "{statement}: {error}"
        );
    }
    app.stop().await;
}

#[tokio::test]
async fn access_keys_show_the_secret_once_store_it_encrypted_and_stop_at_two() {
    let (app, admin) = TestApp::with_admin().await;
    let (user_id, _) = user_with_policy(&app, &admin, "reader", None).await;
    let create = json!({ "credential": { "user_id": user_id, "description": "ci" } });
    let (status, created) =
        api!(app, admin, POST "/v3.0/OS-CREDENTIAL/credentials", create.clone());
    assert_eq!(status, 201, "{created}");
    let access = text(&created["credential"]["access"]);
    let secret = text(&created["credential"]["secret"]);
    assert_eq!(access.len(), 20);
    assert_eq!(secret.len(), 40);

    let (_, shown) = api!(app, admin, GET "/v3.0/OS-CREDENTIAL/credentials/{access}");
    assert_eq!(shown["credential"]["access"], access.as_str());
    assert!(
        shown.to_string().find(&secret).is_none(),
        "the secret is never shown again"
    );
    let (_, listed) = api!(app, admin, GET "/v3.0/OS-CREDENTIAL/credentials?user_id={user_id}");
    assert!(listed.to_string().find(&secret).is_none());

    let sealed: Vec<u8> = app.scalar("SELECT secret_sealed FROM access_keys").await;
    assert!(
        !sealed.windows(secret.len()).any(|w| w == secret.as_bytes()),
        "stored encrypted"
    );

    let (status, _) = api!(app, admin, POST "/v3.0/OS-CREDENTIAL/credentials", create.clone());
    assert_eq!(status, 201);
    let (status, error) = api!(app, admin, POST "/v3.0/OS-CREDENTIAL/credentials", create);
    assert_eq!(status, 409);
    assert_says(&error, "2 access keys");
    app.stop().await;
}

#[tokio::test]
async fn signed_requests_are_accepted_refused_when_wrong_and_locked_after_five_failures() {
    let (app, admin) = TestApp::with_admin().await;
    let (user_id, _) = user_with_policy(&app, &admin, "reader", Some("APIG ReadOnlyAccess")).await;
    // Users manage their own keys without any IAM policy (in the console, where they gave
    // their password; a token alone mints none).
    let console = crate::console_iam::signed_in(&app, "reader", USER_PASSWORD).await;
    let (status, created) =
        console!(app, console, "iam/create_access_key", { "user_id": user_id, "description": "" });
    assert_eq!(status, 200, "{created}");
    let ak = text(&created["key"]["access_key"]);
    let sk = text(&created["secret"]);
    let own_keys = format!("/v3.0/OS-CREDENTIAL/credentials?user_id={user_id}");

    let (status, listed) = signed(&app, &ak, &sk, Method::GET, &own_keys, b"").await;
    assert_eq!(status, 200, "{listed}");
    assert_eq!(listed["credentials"][0]["access"], ak.as_str());

    // Signed, but the policy lacks the action.
    let body = json!({ "user": { "name": "intruder", "password": USER_PASSWORD } }).to_string();
    let (status, error) = signed(&app, &ak, &sk, Method::POST, "/v3/users", body.as_bytes()).await;
    assert_eq!(status, 403, "{error}");

    // A disabled key is refused; enabled again, it works.
    let key_path = format!("/v3.0/OS-CREDENTIAL/credentials/{ak}");
    for (status_value, expected) in [("inactive", 401), ("active", 200)] {
        let (status, _) =
            api!(app, admin, PUT (&key_path), { "credential": { "status": status_value } });
        assert_eq!(status, 200);
        let (status, body) = signed(&app, &ak, &sk, Method::GET, &own_keys, b"").await;
        assert_eq!(status, expected, "key {status_value}: {body}");
    }

    // A wrong secret: refused; five in a row lock the key, even for a correct signature.
    for attempt in 1..=5 {
        let (status, error) = signed(&app, &ak, "wrong-secret", Method::GET, &own_keys, b"").await;
        assert_eq!(status, 401, "attempt {attempt}: {error}");
    }
    let (status, error) = signed(&app, &ak, &sk, Method::GET, &own_keys, b"").await;
    assert_eq!(status, 401, "locked: {error}");
    app.stop().await;
}

#[tokio::test]
async fn temporary_keys_sign_with_their_security_token_until_they_expire() {
    let (app, admin) = TestApp::with_admin().await;
    let (user_id, reader) =
        user_with_policy(&app, &admin, "reader", Some("APIG ReadOnlyAccess")).await;
    let request = |duration: i64| {
        json!({ "auth": { "identity": { "methods": ["token"],
            "token": { "id": reader, "duration_seconds": duration } } } })
    };
    let (status, error) = api!(app, "", POST "/v3.0/OS-CREDENTIAL/securitytokens", request(60));
    assert_eq!(status, 400, "{error}");
    assert!(error["error"]["message"]
        .as_str()
        .unwrap()
        .contains("duration_seconds"));

    let (status, issued) = api!(app, "", POST "/v3.0/OS-CREDENTIAL/securitytokens", request(900));
    assert_eq!(status, 201, "{issued}");
    let credential = &issued["credential"];
    let ak = credential["access"].as_str().unwrap();
    let sk = credential["secret"].as_str().unwrap();
    let security_token = credential["securitytoken"].as_str().unwrap();
    assert!(credential["expires_at"].as_str().unwrap().ends_with('Z'));

    let own_keys = format!("/v3.0/OS-CREDENTIAL/credentials?user_id={user_id}");
    let pair = (ak, sk);
    let with_token = [("x-security-token", security_token)];
    let (status, body) = signed_with(&app, pair, Method::GET, &own_keys, b"", &with_token).await;
    assert_eq!(status, 200, "{body}");
    // The temporary key acts as its user: the read-only policy still applies.
    let new_user = json!({ "user": { "name": "intruder", "password": USER_PASSWORD } }).to_string();
    let (status, _) = signed_with(
        &app,
        pair,
        Method::POST,
        "/v3/users",
        new_user.as_bytes(),
        &with_token,
    )
    .await;
    assert_eq!(status, 403);
    // Without its security token, or with another one, the key is refused.
    let (status, body) = signed_with(&app, pair, Method::GET, &own_keys, b"", &[]).await;
    assert_eq!(status, 401, "{body}");
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("X-Security-Token"));
    let forged = [("x-security-token", "PST00")];
    let (status, _) = signed_with(&app, pair, Method::GET, &own_keys, b"", &forged).await;
    assert_eq!(status, 401);
    // Expired (moved into the past, as time would): refused.
    sqlx::query("UPDATE temporary_keys SET expires_at = now() - interval '1 second'")
        .execute(&app.pool)
        .await
        .unwrap();
    let (status, _) = signed_with(&app, pair, Method::GET, &own_keys, b"", &with_token).await;
    assert_eq!(status, 401);
    app.stop().await;
}

/// Every IAM endpoint, for an administrator, a user holding only IAM ReadOnlyAccess, one
/// holding only APIG ReadOnlyAccess, and one with no policy.
#[tokio::test]
async fn authorization_table_covers_every_iam_endpoint() {
    let (app, admin) = TestApp::with_admin().await;
    let (target_id, _) = user_with_policy(&app, &admin, "target", Some("APIG FullAccess")).await;
    let (_, iam_reader) =
        user_with_policy(&app, &admin, "iamreader", Some("IAM ReadOnlyAccess")).await;
    let (_, apig_reader) =
        user_with_policy(&app, &admin, "apigreader", Some("APIG ReadOnlyAccess")).await;
    let (_, nobody) = user_with_policy(&app, &admin, "nobody", None).await;
    let (_, groups) = api!(app, admin, GET "/v3/groups?name=target-group");
    let group = text(&groups["groups"][0]["id"]);
    let project = default_project(&app, &admin).await;
    let role = role_id(&app, &admin, "APIG FullAccess").await;

    // (method, path, is it a read)
    let endpoints: Vec<(Method, String, bool)> = vec![
        (Method::GET, "/v3/projects".into(), true),
        (Method::GET, format!("/v3/projects/{project}"), true),
        (Method::GET, "/v3/users".into(), true),
        (Method::GET, format!("/v3/users/{target_id}"), true),
        (
            Method::GET,
            format!("/v3.0/OS-USER/users/{target_id}"),
            true,
        ),
        (Method::GET, format!("/v3/users/{target_id}/groups"), true),
        (Method::GET, "/v3/groups".into(), true),
        (Method::GET, format!("/v3/groups/{group}"), true),
        (Method::GET, format!("/v3/groups/{group}/users"), true),
        (
            Method::HEAD,
            format!("/v3/groups/{group}/users/{target_id}"),
            true,
        ),
        (Method::GET, "/v3/roles".into(), true),
        (Method::GET, format!("/v3/roles/{role}"), true),
        (
            Method::GET,
            format!("/v3/projects/{project}/groups/{group}/roles"),
            true,
        ),
        (
            Method::HEAD,
            format!("/v3/projects/{project}/groups/{group}/roles/{role}"),
            true,
        ),
        (Method::GET, format!("/v3/users/{target_id}/projects"), true),
        (
            Method::PUT,
            format!("/v3.0/OS-USER/users/{target_id}/info"),
            false,
        ),
        (Method::POST, "/v3/projects".into(), false),
        (Method::PATCH, format!("/v3/projects/{project}"), false),
        (Method::GET, "/v3.0/OS-ROLE/roles".into(), true),
        (
            Method::GET,
            format!("/v3.0/OS-CREDENTIAL/credentials?user_id={target_id}"),
            true,
        ),
        (Method::PATCH, format!("/v3/users/{target_id}"), false),
        (
            Method::PUT,
            format!("/v3.0/OS-USER/users/{target_id}"),
            false,
        ),
        (Method::POST, "/v3/users".into(), false),
        (Method::POST, "/v3.0/OS-USER/users".into(), false),
        (Method::POST, "/v3/groups".into(), false),
        (Method::PATCH, format!("/v3/groups/{group}"), false),
        (
            Method::PUT,
            format!("/v3/groups/{group}/users/{target_id}"),
            false,
        ),
        (
            Method::PUT,
            format!("/v3/projects/{project}/groups/{group}/roles/{role}"),
            false,
        ),
        (Method::POST, "/v3.0/OS-ROLE/roles".into(), false),
        (
            Method::POST,
            "/v3.0/OS-CREDENTIAL/credentials".into(),
            false,
        ),
        (
            Method::DELETE,
            format!("/v3/groups/{group}/users/{target_id}"),
            false,
        ),
        (
            Method::DELETE,
            format!("/v3/projects/{project}/groups/{group}/roles/{role}"),
            false,
        ),
        (Method::DELETE, format!("/v3/users/{target_id}"), false),
        (Method::DELETE, format!("/v3/groups/{group}"), false),
    ];
    let body = |method: &Method, path: &str| -> Option<Value> {
        if *method == Method::GET
            || *method == Method::HEAD
            || *method == Method::DELETE
            || path.contains("/roles/") && *method == Method::PUT
            || path.contains("/users/") && path.starts_with("/v3/groups")
        {
            return None;
        }
        Some(if path.ends_with("/info") {
            json!({ "user": { "email": "target@example.com" } })
        } else if path.starts_with("/v3/projects") && *method == Method::POST {
            json!({ "project": { "name": "table-project" } })
        } else if path.starts_with("/v3/projects") {
            json!({ "project": { "description": "changed" } })
        } else if path.contains("OS-CREDENTIAL") {
            json!({ "credential": { "user_id": target_id } })
        } else if path.contains("OS-ROLE") {
            json!({ "role": { "display_name": "table policy", "type": "XA",
                "policy": { "Version": "1.1", "Statement": [{ "Effect": "Allow", "Action": ["apig:apis:list"] }] } } })
        } else if path.contains("groups") && *method == Method::POST {
            json!({ "group": { "name": "table-group", "description": "x" } })
        } else if path.contains("groups") {
            json!({ "group": { "description": "changed" } })
        } else if *method == Method::POST {
            let name = if path.starts_with("/v3.0") {
                "table-user-2"
            } else {
                "table-user"
            };
            json!({ "user": { "name": name, "password": USER_PASSWORD } })
        } else {
            json!({ "user": { "description": "changed" } })
        })
    };
    for (method, path, read) in &endpoints {
        for (who, token, allowed) in [
            ("iam reader", &iam_reader, *read),
            ("apig reader", &apig_reader, false),
            ("no policy", &nobody, false),
        ] {
            let (status, response) =
                call(&app, token, method.clone(), path, body(method, path)).await;
            if allowed {
                assert_ne!(status, 403, "{who} {method} {path}: {response}");
            } else {
                assert_eq!(status, 403, "{who} {method} {path}: {response}");
            }
        }
    }
    // The administrator may do all of it (writes last, in an order that works).
    for (method, path, _) in &endpoints {
        let (status, response) = call(&app, &admin, method.clone(), path, body(method, path)).await;
        assert!(status < 300, "admin {method} {path}: {status} {response}");
    }
    let _ = token;
    app.stop().await;
}
