//! Bounded work before authentication: a signed management call is checked before its body
//! is read, unknown keys cost no memory, lockout never switches off, and password guesses
//! are counted before the slow check, whether they come one by one or all at once.
use std::time::Duration;

use reqwest::Method;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use portico::signature::format_sdk_date;

use crate::iam_support::assert_says;
use crate::iam_support::{admin_token, signed, user_with_policy, USER_PASSWORD};
use crate::support::{client, text, TestApp, ADMIN_PASSWORD};

/// Sends only the head of a signed `POST /v3/users` announcing a 1000-byte body, and returns
/// the status the server answers with while the body has not been sent. A server that
/// waited for the body would not answer; the timeout turns that into a failure.
async fn answer_without_body(app: &TestApp, access_key: &str, date: &str) -> (u16, String) {
    let addr = app.console.trim_start_matches("http://").to_owned();
    let mut stream = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let head = format!(
        "POST /v3/users HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nX-Sdk-Date: {date}\r\n\
         Authorization: SDK-HMAC-SHA256 Access={access_key}, SignedHeaders=content-type;host;x-sdk-date, Signature={}\r\n\
         Content-Length: 1000\r\n\r\n",
        "0".repeat(64)
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut answer = vec![0; 4096];
    let read = tokio::time::timeout(Duration::from_secs(20), stream.read(&mut answer))
        .await
        .expect("answered before the body was sent")
        .unwrap();
    let answer = String::from_utf8_lossy(&answer[..read]).into_owned();
    let status = answer.split(' ').nth(1).unwrap().parse().unwrap();
    (status, answer)
}

async fn new_key(app: &TestApp, token: &str, user_id: &str) -> (String, String) {
    let (status, created) = api!(app, token, POST "/v3.0/OS-CREDENTIAL/credentials",
        { "credential": { "user_id": user_id } });
    assert_eq!(status, 201, "{created}");
    let credential = &created["credential"];
    (text(&credential["access"]), text(&credential["secret"]))
}

/// Five wrong signatures in a row with `ak`, then one right one: its answer.
async fn locked_after_five_wrong(app: &TestApp, ak: &str, sk: &str, path: &str) -> (u16, Value) {
    for _ in 0..5 {
        let (status, _) = signed(app, ak, "wrong-secret", Method::GET, path, b"").await;
        assert_eq!(status, 401);
    }
    signed(app, ak, sk, Method::GET, path, b"").await
}

#[tokio::test]
async fn a_signed_call_is_refused_before_its_body_is_read() {
    let (app, admin) = TestApp::with_admin().await;
    let (user_id, _) = user_with_policy(&app, &admin, "reader", None).await;
    let (ak, sk) = new_key(&app, &admin, &user_id).await;
    let now = format_sdk_date(time::OffsetDateTime::now_utc());
    let stale = format_sdk_date(time::OffsetDateTime::now_utc() - time::Duration::hours(1));

    for (key, date, says) in [
        ("short", now.as_str(), "does not exist"),
        ("ABCDEFGHIJKLMNOPQRST", now.as_str(), "does not exist"),
        (ak.as_str(), stale.as_str(), "signature expired"),
    ] {
        let (status, answer) = answer_without_body(&app, key, date).await;
        assert_eq!(status, 401, "{key}: {answer}");
        assert!(answer.contains(says), "{key}: {answer}");
    }
    let own = format!("/v3.0/OS-CREDENTIAL/credentials?user_id={user_id}");
    let (status, body) = locked_after_five_wrong(&app, &ak, &sk, &own).await;
    assert_eq!(status, 401, "{body}");
    let (status, answer) = answer_without_body(&app, &ak, &now).await;
    assert_eq!(status, 401, "{answer}");
    assert!(
        answer.contains("AK access failed to reach the limit"),
        "{answer}"
    );
    app.stop().await;
}

#[tokio::test]
async fn unknown_keys_take_no_room_and_lockout_never_switches_off() {
    // Room for the failures of two keys only.
    let app = TestApp::spawn_with(&[
        "--admin-password",
        ADMIN_PASSWORD,
        "--signature-failure-keys",
        "2",
    ])
    .await;
    let admin = admin_token(&app).await;
    let (user_id, _) = user_with_policy(&app, &admin, "reader", None).await;
    let keys = [
        new_key(&app, &admin, &user_id).await,
        new_key(&app, &admin, &user_id).await,
    ];
    let (other_id, _) = user_with_policy(&app, &admin, "other", None).await;
    let third = new_key(&app, &admin, &other_id).await;

    // Failures enough to lock keys that do not exist are not remembered...
    for n in 0..3 {
        let unknown = format!("UNKNOWNKEY{n:010}");
        for _ in 0..5 {
            let (status, _) = signed(&app, &unknown, "x", Method::GET, "/v3/users", b"").await;
            assert_eq!(status, 401);
        }
    }
    // ...so real keys still lock: both fill the table, and the third, with no room left,
    // locks all the same.
    for (ak, sk) in keys.iter().chain([&third]) {
        let (status, body) =
            locked_after_five_wrong(&app, ak, sk, "/v3.0/OS-CREDENTIAL/credentials").await;
        assert_eq!(status, 401, "{ak}: {body}");
        assert_says(&body, "AK access failed to reach the limit");
    }
    app.stop().await;
}

#[tokio::test]
async fn parallel_password_guesses_cannot_outrun_the_lock() {
    let (app, admin) = TestApp::with_admin().await;
    user_with_policy(&app, &admin, "target", None).await;
    let mut guesses = tokio::task::JoinSet::new();
    for n in 0..24 {
        let url = app.url("/api/sign_in");
        guesses.spawn(async move {
            let response = client()
                .post(url)
                .header("Accept", "application/json")
                .form(&[
                    ("user_name", "target"),
                    ("password", &format!("Wrong-Guess-{n:02}")),
                ])
                .send()
                .await
                .unwrap();
            (response.status().as_u16(), response.text().await.unwrap())
        });
    }
    let answers = guesses.join_all().await;
    let wrong = answers.iter().filter(|(status, _)| *status == 401).count();
    let locked = answers.iter().filter(|(status, _)| *status == 429).count();
    // Four are told the password is wrong, the fifth locks the user, and the rest are
    // refused without their password being checked.
    assert_eq!((wrong, locked), (4, 20), "{answers:?}");
    let response = app.sign_in("target", USER_PASSWORD).await;
    assert_eq!(
        response.status(),
        429,
        "the right password waits for the lock"
    );
    app.stop().await;
}

#[tokio::test]
async fn wrong_current_passwords_count_toward_the_sign_in_lock() {
    let (app, admin) = TestApp::with_admin().await;
    let (user_id, mine) = user_with_policy(&app, &admin, "changer", None).await;
    let change = |current: &str| json!({ "user": { "original_password": current, "password": "Another-Tulip-2027" } });
    let path = format!("/v3/users/{user_id}/password");
    for attempt in 1..=4 {
        let (status, error) = api!(app, mine, POST(&path), change("Not-It-2026"));
        assert_eq!(status, 400, "attempt {attempt}: {error}");
    }
    // The fifth locks the user: for password changes, even with the right password, and for
    // signing in.
    for current in ["Not-It-2026", USER_PASSWORD] {
        let (status, error) = api!(app, mine, POST(&path), change(current));
        assert_eq!(status, 401, "{error}");
        assert_says(&error, "Too many wrong passwords");
    }
    let response = app.sign_in("changer", USER_PASSWORD).await;
    assert_eq!(response.status(), 429);
    app.stop().await;
}
