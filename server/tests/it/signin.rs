use reqwest::header::{LOCATION, SET_COOKIE};

use crate::support::{text, TestApp, ADMIN_PASSWORD};

#[tokio::test]
async fn pages_without_a_session_go_to_sign_in_and_come_back() {
    let app = TestApp::spawn().await;
    let response = app.client.get(app.url("/")).send().await.unwrap();
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()[LOCATION], "/signin");

    let response = app
        .client
        .get(app.url("/gateways?page=2"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    assert_eq!(
        response.headers()[LOCATION],
        "/signin?next=%2Fgateways%3Fpage%3D2"
    );

    let response = app.client.get(app.url("/signin")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let html = response.text().await.unwrap();
    assert!(html.contains("Sign in to the console"));
    assert!(html.contains(r#"name="password""#));
    app.stop().await;
}

#[tokio::test]
async fn server_functions_without_a_session_are_refused() {
    let app = TestApp::spawn().await;
    let response = app.call("load_shell", &[]).await;
    assert_eq!(response.status(), 401);
    assert_eq!(response.text().await.unwrap(), r#""Unauthenticated""#);
    app.stop().await;
}

#[tokio::test]
async fn sign_in_opens_the_console_and_sign_out_closes_it() {
    let app = TestApp::spawn().await;
    let response = app.sign_in("admin", ADMIN_PASSWORD).await;
    assert!(response.status().is_success(), "{}", response.status());
    let cookie = response.headers()[SET_COOKIE].to_str().unwrap().to_owned();
    assert!(cookie.starts_with("portico_session="), "{cookie}");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Strict"), "{cookie}");
    assert!(
        cookie.contains("Max-Age=1800"),
        "idle expiry of 30 minutes: {cookie}"
    );

    let response = app.client.get(app.url("/")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let html = response.text().await.unwrap();
    assert!(html.contains("Get started"), "the dashboard is shown");
    assert!(html.contains("Create a gateway"));

    let info = app.call("load_shell", &[]).await;
    assert_eq!(info.status(), 200);
    let info: serde_json::Value = info.json().await.unwrap();
    assert_eq!(info["user_name"], "admin");
    assert_eq!(info["account"], "portico");
    assert_eq!(info["current_project"]["name"], "default");

    let sessions: i64 = app.scalar("SELECT count(*) FROM console_sessions").await;
    assert_eq!(sessions, 1);

    let response = app.call("sign_out", &[]).await;
    assert!(response.status().is_success(), "{}", response.status());
    let response = app.client.get(app.url("/")).send().await.unwrap();
    assert_eq!(response.status(), 303, "signed out: back to sign-in");
    let sessions: i64 = app.scalar("SELECT count(*) FROM console_sessions").await;
    assert_eq!(sessions, 0, "the session record is gone");
    app.stop().await;
}

#[tokio::test]
async fn wrong_password_is_refused_without_saying_which_part_was_wrong() {
    let app = TestApp::spawn().await;
    for (user, password) in [("admin", "wrong-password"), ("nobody", ADMIN_PASSWORD)] {
        let response = app.sign_in(user, password).await;
        assert_eq!(response.status(), 401);
        assert!(response.headers().get(SET_COOKIE).is_none());
        assert_eq!(response.text().await.unwrap(), r#""InvalidCredentials""#);
    }
    let response = app.client.get(app.url("/")).send().await.unwrap();
    assert_eq!(response.status(), 303);
    app.stop().await;
}

#[tokio::test]
async fn empty_fields_are_named() {
    let app = TestApp::spawn().await;
    let response = app.sign_in("admin", "").await;
    assert_eq!(response.status(), 400);
    let error: serde_json::Value = response.json().await.unwrap();
    assert_eq!(error["Invalid"]["field"], "password");
    app.stop().await;
}

#[tokio::test]
async fn five_wrong_passwords_lock_the_user_for_a_while() {
    let app = TestApp::spawn().await;
    for attempt in 1..=4 {
        let body = app
            .sign_in("admin", "wrong-password")
            .await
            .text()
            .await
            .unwrap();
        assert_eq!(body, r#""InvalidCredentials""#, "attempt {attempt}");
    }
    let error: serde_json::Value = app
        .sign_in("admin", "wrong-password")
        .await
        .json()
        .await
        .unwrap();
    let until = error["Locked"]["until"]
        .as_str()
        .expect("the fifth wrong password locks")
        .to_owned();

    // Locked: even the right password is refused, with the time to retry.
    let response = app.sign_in("admin", ADMIN_PASSWORD).await;
    assert_eq!(response.status(), 429);
    let error: serde_json::Value = response.json().await.unwrap();
    assert_eq!(error["Locked"]["until"], until.as_str());

    // When the lock has passed, the right password works and the count starts again.
    sqlx::query("UPDATE users SET locked_until = now() - interval '1 second' WHERE name = 'admin'")
        .execute(&app.pool)
        .await
        .unwrap();
    assert!(app
        .sign_in("admin", ADMIN_PASSWORD)
        .await
        .status()
        .is_success());
    let failures: i32 = app
        .scalar("SELECT failed_logins FROM users WHERE name = 'admin'")
        .await;
    assert_eq!(failures, 0);
    app.stop().await;
}

#[tokio::test]
async fn a_success_resets_the_count_of_wrong_passwords() {
    let app = TestApp::spawn().await;
    for _ in 0..4 {
        app.sign_in("admin", "wrong-password").await;
    }
    assert!(app
        .sign_in("admin", ADMIN_PASSWORD)
        .await
        .status()
        .is_success());
    let body = app
        .sign_in("admin", "wrong-password")
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(body, r#""InvalidCredentials""#, "a fresh count, not a lock");
    app.stop().await;
}

#[tokio::test]
async fn cross_site_sign_in_is_refused() {
    let app = TestApp::spawn().await;
    let response = app
        .client
        .post(app.url("/api/sign_in"))
        .header("Origin", "http://evil.example")
        .form(&[("user_name", "admin"), ("password", ADMIN_PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
    assert!(response.headers().get(SET_COOKIE).is_none());
    app.stop().await;
}

#[tokio::test]
async fn sign_in_goes_back_to_the_page_asked_for_but_never_off_site() {
    let app = TestApp::spawn().await;
    for (next, expected) in [
        ("/gateways", "/gateways"),
        ("//evil.example/", "/"),
        ("https://evil.example/", "/"),
        // What a browser would read as //evil.example: tab, newline, backslashes.
        ("/\t/evil.example/", "/"),
        ("/\n/evil.example/", "/"),
        ("\\\\evil.example/", "/"),
        ("/\\evil.example/", "/"),
    ] {
        let form = [
            ("user_name", "admin"),
            ("password", ADMIN_PASSWORD),
            ("next", next),
        ];
        let response = app.call("sign_in", &form).await;
        assert_eq!(response.headers()[LOCATION], expected, "next={next}");
    }
    app.stop().await;
}

#[tokio::test]
async fn unknown_console_pages_are_404_and_known_areas_say_they_are_not_available() {
    let app = TestApp::spawn().await;
    app.sign_in("admin", ADMIN_PASSWORD).await;
    let response = app
        .client
        .get(app.url("/no-such-area"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    // A gateway's area that a later version builds says so, inside any gateway.
    let response = app
        .client
        .get(app.url("/gateways/any-gateway/authorizers"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let html = response.text().await.unwrap();
    assert!(html.contains("Not available yet"));
    assert!(html.contains("Custom authorizers"));
    // An area this version has renders its page, with its data, on the server.
    let response = app.client.get(app.url("/gateways")).send().await.unwrap();
    let html = response.text().await.unwrap();
    assert!(html.contains("No gateway yet"), "{html}");
    app.stop().await;
}

#[tokio::test]
async fn sign_ins_sign_outs_and_failed_sign_ins_are_in_the_audit_log() {
    use crate::console_iam::signed_in;
    let app = TestApp::spawn().await;
    let wrong = app.sign_in("admin", "not-the-password").await;
    assert_eq!(wrong.status(), 401);
    // A user name that exists nowhere has no account to be recorded in.
    let nobody = app.sign_in("nobody-at-all", "whatever-it-is").await;
    assert_eq!(nobody.status(), 401);
    let first = signed_in(&app, "admin", ADMIN_PASSWORD).await;
    let (status, _) = console!(app, first, "sign_out", serde_json::json!({}));
    assert!((200..400).contains(&status), "signed out: {status}");

    let admin = signed_in(&app, "admin", ADMIN_PASSWORD).await;
    let filter = serde_json::json!({ "filter": { "action": "console:" }, "offset": 0 });
    let (status, page) = console!(app, admin, "iam/list_audit", filter);
    assert_eq!(status, 200, "{page}");
    // Newest first: the second sign-in, the sign-out, the first sign-in, the failure.
    let seen: Vec<(String, String, String)> = page["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                text(&r["action"]),
                text(&r["result"]),
                text(&r["user_name"]),
            )
        })
        .collect();
    let expected = [
        ("console:signIn", "Success"),
        ("console:signOut", "Success"),
        ("console:signIn", "Success"),
        ("console:signIn", "Failed"),
    ];
    assert_eq!(seen.len(), expected.len(), "{seen:?}");
    for ((action, result, user), (want_action, want_result)) in seen.iter().zip(expected) {
        assert_eq!(
            (action.as_str(), result.as_str(), user.as_str()),
            (want_action, want_result, "admin")
        );
    }
    let failure = &page["records"][3];
    assert!(
        failure["detail"].as_str().unwrap().contains("incorrect"),
        "the failure says why: {failure}"
    );
    assert_eq!(failure["channel"], "console");
    assert!(!failure["source_ip"].as_str().unwrap().is_empty());
    app.stop().await;
}
