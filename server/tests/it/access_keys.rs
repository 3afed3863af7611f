//! Access keys and tokens follow the password: a change ends the user's other sessions
//! and revokes what was issued before it; tokens can be revoked; temporary access keys
//! stay in their project and mint no permanent keys; console-only users' keys sign nothing.
use reqwest::Method;
use serde_json::{json, Value};

use crate::console_iam::signed_in;
use crate::iam_support::assert_says;
use crate::iam_support::{
    default_project, signed, signed_with, token, user_with_policy, USER_PASSWORD,
};
use crate::support::{text, TestApp};

const NEW_PASSWORD: &str = "Another-Tulip-2027";
/// A server function every signed-in user may call.
const SHELL: &str = "/api/load_shell";

async fn temporary_key(app: &TestApp, token: &str) -> (String, String, String) {
    let body = json!({ "auth": { "identity": { "methods": ["token"],
        "token": { "id": token, "duration_seconds": 900 } } } });
    let (status, created) = api!(app, "", POST "/v3.0/OS-CREDENTIAL/securitytokens", body);
    assert_eq!(status, 201, "{created}");
    let c = &created["credential"];
    let text = |k: &str| text(&c[k]);
    (text("access"), text("secret"), text("securitytoken"))
}

async fn temporary_call(
    app: &TestApp,
    (ak, sk, security): &(String, String, String),
    path: &str,
) -> u16 {
    signed_with(
        app,
        (ak, sk),
        Method::GET,
        path,
        b"",
        &[("x-security-token", security)],
    )
    .await
    .0
}

#[tokio::test]
async fn a_password_change_ends_other_sessions_and_revokes_what_was_issued_before() {
    let (app, admin) = TestApp::with_admin().await;
    let (user_id, old_token) =
        user_with_policy(&app, &admin, "mover", Some("APIG ReadOnlyAccess")).await;
    let temporary = temporary_key(&app, &old_token).await;
    let own = format!("/v3/users/{user_id}");
    let instances = format!(
        "/v2/{}/apigw/instances",
        default_project(&app, &admin).await
    );
    assert_eq!(temporary_call(&app, &temporary, &instances).await, 200);
    let here = signed_in(&app, "mover", USER_PASSWORD).await;
    let elsewhere = signed_in(&app, "mover", USER_PASSWORD).await;
    assert_eq!(client_status(&app, &elsewhere, SHELL).await, 200);

    let (status, body) = console!(app, here, "iam/change_password", { "current_password": USER_PASSWORD, "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD });
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        client_status(&app, &here, SHELL).await,
        200,
        "the session that changed it goes on"
    );
    assert_eq!(
        client_status(&app, &elsewhere, SHELL).await,
        401,
        "the other session ended"
    );
    let (status, _) = api!(app, old_token, GET(&instances));
    assert_eq!(status, 401, "the token from before is revoked");
    assert_eq!(
        temporary_call(&app, &temporary, &own).await,
        401,
        "so is the temporary key"
    );
    // What is issued after the change works.
    let new_token = token(&app, "mover", NEW_PASSWORD).await;
    let (status, _) = api!(app, new_token, GET(&instances));
    assert_eq!(status, 200);

    // An administrator's reset does the same.
    let (status, body) =
        api!(app, admin, PATCH (&own), { "user": { "password": "Reset-By-Admin-2027" } });
    assert_eq!(status, 200, "{body}");
    let (status, _) = api!(app, new_token, GET(&instances));
    assert_eq!(status, 401);
    assert_eq!(client_status(&app, &here, SHELL).await, 401);
    app.stop().await;
}

async fn client_status(app: &TestApp, client: &reqwest::Client, endpoint: &str) -> u16 {
    client
        .post(app.url(endpoint))
        .header("Accept", "application/json")
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn keystone_revokes_a_token() {
    let (app, admin) = TestApp::with_admin().await;
    let (user_id, mine) = user_with_policy(&app, &admin, "revoker", None).await;
    let other = token(&app, "revoker", USER_PASSWORD).await;
    let revoke = |subject: &str| {
        reqwest::Client::new()
            .delete(app.url("/v3/auth/tokens"))
            .header("X-Auth-Token", &mine)
            .header("X-Subject-Token", subject)
            .send()
    };
    // Another user's token is not this user's to revoke.
    assert_eq!(revoke(&admin).await.unwrap().status(), 404);
    assert_eq!(revoke(&other).await.unwrap().status(), 204);
    let own = format!("/v3/users/{user_id}");
    let (status, _) = api!(app, other, GET(&own));
    assert_eq!(status, 401, "the revoked token is refused");
    let (status, _) = api!(app, admin, GET(&own));
    assert_eq!(status, 200, "the other user's token still works");
    app.stop().await;
}

#[tokio::test]
async fn short_lived_credentials_stay_in_their_project_and_mint_no_permanent_keys() {
    let (app, admin) = TestApp::with_admin().await;
    let default = default_project(&app, &admin).await;
    let (status, created) =
        api!(app, admin, POST "/v3/projects", { "project": { "name": "elsewhere" } });
    assert_eq!(status, 201, "{created}");
    let elsewhere = text(&created["project"]["id"]);
    let (user_id, token) =
        user_with_policy(&app, &admin, "scoped", Some("APIG ReadOnlyAccess")).await;
    let temporary = temporary_key(&app, &token).await;
    let instances = |project: &str| format!("/v2/{project}/apigw/instances");

    let (status, _) = api!(app, token, GET(&instances(&default)));
    assert_eq!(status, 200);
    let (status, error) = api!(app, token, GET(&instances(&elsewhere)));
    assert_eq!(status, 403, "{error}");
    assert_says(&error, "scoped to project");
    assert_eq!(
        temporary_call(&app, &temporary, &instances(&default)).await,
        200
    );
    assert_eq!(
        temporary_call(&app, &temporary, &instances(&elsewhere)).await,
        403
    );

    // A permanent key for itself: not with a token or a temporary key...
    let create = json!({ "credential": { "user_id": user_id } });
    let (status, error) = api!(app, token, POST "/v3.0/OS-CREDENTIAL/credentials", create.clone());
    assert_eq!(status, 403, "{error}");
    let (ak, sk, security) = &temporary;
    let body = create.to_string();
    let (status, _) = signed_with(
        &app,
        (ak, sk),
        Method::POST,
        "/v3.0/OS-CREDENTIAL/credentials",
        body.as_bytes(),
        &[("x-security-token", security)],
    )
    .await;
    assert_eq!(status, 403);
    let keys: i64 = sqlx::query_scalar("SELECT count(*) FROM access_keys WHERE user_id = $1")
        .bind(&user_id)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(keys, 0, "no key was made");
    // ...but signed in to the console, where the password was given, it can.
    let console = signed_in(&app, "scoped", USER_PASSWORD).await;
    let (status, made) =
        console!(app, console, "iam/create_access_key", { "user_id": user_id, "description": "" });
    assert_eq!(status, 200, "{made}");
    app.stop().await;
}

#[tokio::test]
async fn a_console_only_users_access_keys_sign_nothing() {
    let (app, admin) = TestApp::with_admin().await;
    let (status, created) = api!(app, admin, POST "/v3/users",
        { "user": { "name": "clicker", "password": USER_PASSWORD, "access_mode": "console" } });
    assert_eq!(status, 201, "{created}");
    let user_id = text(&created["user"]["id"]);
    let (status, key) = api!(app, admin, POST "/v3.0/OS-CREDENTIAL/credentials",
        { "credential": { "user_id": user_id } });
    assert_eq!(status, 201, "{key}");
    let ak = key["credential"]["access"].as_str().unwrap();
    let sk = key["credential"]["secret"].as_str().unwrap();
    let (status, error): (u16, Value) = signed(
        &app,
        ak,
        sk,
        Method::GET,
        &format!("/v3/users/{user_id}"),
        b"",
    )
    .await;
    assert_eq!(status, 401, "{error}");
    app.stop().await;
}

/// Moves the sign-in time recorded in every stored console session back by `hours`, as if
/// the session had been signed in that long ago. The session record is MessagePack; its
/// `signed_in_at` is a 32-bit integer (`0xce` or `0xd2` and four bytes) within seconds of
/// now.
async fn age_sessions(app: &TestApp, hours: i64) {
    let rows: Vec<(String, Vec<u8>)> = sqlx::query_as("SELECT id, data FROM console_sessions")
        .fetch_all(&app.pool)
        .await
        .unwrap();
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    for (id, mut data) in rows {
        let mut aged = false;
        for at in (now - 60)..=(now + 1) {
            for marker in [0xce_u8, 0xd2] {
                let mut pattern = vec![marker];
                pattern.extend_from_slice(&u32::try_from(at).unwrap().to_be_bytes());
                if let Some(start) = data.windows(5).position(|w| w == pattern.as_slice()) {
                    let earlier = u32::try_from(at - hours * 3600).unwrap();
                    data[start + 1..start + 5].copy_from_slice(&earlier.to_be_bytes());
                    aged = true;
                }
            }
        }
        assert!(aged, "the session's sign-in time was found");
        sqlx::query("UPDATE console_sessions SET data = $2 WHERE id = $1")
            .bind(&id)
            .bind(&data)
            .execute(&app.pool)
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn the_absolute_session_lifetime_holds_for_the_management_api() {
    let app = TestApp::spawn().await;
    let console = signed_in(&app, "admin", crate::support::ADMIN_PASSWORD).await;
    let projects = || console.get(app.url("/v3/projects")).send();
    assert_eq!(projects().await.unwrap().status(), 200);
    // Older than the 12 hours a session lives, however active it was.
    age_sessions(&app, 13).await;
    assert_eq!(projects().await.unwrap().status(), 401);
    app.stop().await;
}
