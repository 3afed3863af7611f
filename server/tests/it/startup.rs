use app::services::bootstrap::{self, Bootstrap};

use crate::support::{fresh_database, TestApp, ADMIN_PASSWORD};

#[tokio::test]
async fn first_start_creates_account_project_and_admin_once() {
    let (pool, _) = fresh_database().await;
    let first = bootstrap::ensure_account(&pool, "acme", Some(ADMIN_PASSWORD))
        .await
        .unwrap();
    assert_eq!(
        first,
        Bootstrap::Created {
            generated_password: None
        }
    );
    let second = bootstrap::ensure_account(&pool, "acme", Some("another-password"))
        .await
        .unwrap();
    assert_eq!(second, Bootstrap::Existing);

    let account: String = sqlx::query_scalar("SELECT name FROM accounts")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(account, "acme");
    let projects: Vec<String> = sqlx::query_scalar("SELECT name FROM projects")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(projects, ["default"]);
    let users: Vec<String> = sqlx::query_scalar("SELECT name FROM users")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(users, ["admin"]);
    let hash: String = sqlx::query_scalar("SELECT password_hash FROM users")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(hash.starts_with("$argon2id$"), "stored as an argon2id hash");
    assert!(!hash.contains(ADMIN_PASSWORD));
}

#[tokio::test]
async fn without_a_password_one_is_generated_and_works() {
    let (pool, _) = fresh_database().await;
    let Bootstrap::Created {
        generated_password: Some(password),
    } = bootstrap::ensure_account(&pool, "portico", None)
        .await
        .unwrap()
    else {
        panic!("a password must be generated");
    };
    assert!(password.len() >= 16);
    let user = app::services::iam::signin::sign_in(
        &pool,
        "admin",
        &password,
        app::services::caller::Channel::Console,
    )
    .await
    .unwrap();
    assert_eq!(user.user_name, "admin");
}

#[tokio::test]
async fn restart_keeps_the_admin_and_sessions_survive() {
    let app = TestApp::spawn().await;
    assert!(app
        .sign_in("admin", ADMIN_PASSWORD)
        .await
        .status()
        .is_success());

    // Start again on the same database with another password setting: the admin keeps the
    // password it was created with, and the browser's session stays valid.
    let app = app
        .restart(&["--admin-password", "a-different-password"])
        .await;
    let users: i64 = app.scalar("SELECT count(*) FROM users").await;
    assert_eq!(users, 1);
    let page = app.client.get(app.url("/")).send().await.unwrap();
    assert_eq!(
        page.status(),
        200,
        "a session from before the restart is still valid"
    );
    let fresh = crate::support::client();
    let response = fresh
        .post(app.url("/api/sign_in"))
        .header("Accept", "application/json")
        .form(&[("user_name", "admin"), ("password", "a-different-password")])
        .send()
        .await
        .unwrap();
    assert!(
        !response.status().is_success(),
        "the new setting does not replace the password"
    );
    assert!(app
        .sign_in("admin", ADMIN_PASSWORD)
        .await
        .status()
        .is_success());
    app.stop().await;
}
