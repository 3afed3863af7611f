//! IAM authentication at the gateway: an IAM-authenticated API called with a user's token
//! (`X-Auth-Token`) or signed with the user's access key — permanent, or temporary with its
//! security token — as Huawei's SDKs sign; the user named to the backend; every wrong way
//! refused with APIG.0301 (or APIG.0307 for an expired token); revocation, a disabled user
//! and a deleted key followed by the next calls; five bad signatures lock the key, for the
//! gateway and the management API alike.
use std::future::Future;

use reqwest::Method;
use serde_json::{json, Value};
use time::OffsetDateTime;

use crate::iam_support::{sign_request, token, user_with_policy, USER_PASSWORD};

use super::*;

/// `GET /profile` to the echo backend with IAM authentication, passing the calling user's
/// id and name to the backend as headers.
fn profile(backend: SocketAddr) -> Value {
    let mut api = http(
        "profile",
        "GET",
        "/profile",
        &backend.to_string(),
        "/backend/profile",
        5000,
    );
    api["auth_type"] = json!("IAM");
    api["backend_params"] = json!([
        { "origin": "SYSTEM", "name": "x-user-id", "location": "HEADER", "value": "$context.userId" },
        { "origin": "SYSTEM", "name": "x-user-name", "location": "HEADER", "value": "$context.userName" },
    ]);
    api
}

/// A gateway whose group serves [`profile`] on the echo backend.
async fn serving_profile<'a>(app: &'a TestApp, admin: &'a str, name: &str) -> Published<'a> {
    let backend = echo_backend().await;
    let at = group(app, admin, name).await;
    at.publish(profile(backend)).await;
    at
}

/// A refusal's status, `error_code` and `error_msg` (empty for an answer that is none).
async fn refusal(response: reqwest::Response) -> (u16, String, String) {
    let status = response.status().as_u16();
    let body: Value = response.json().await.unwrap();
    let field = |name: &str| body[name].as_str().unwrap_or_default().to_owned();
    (status, field("error_code"), field("error_msg"))
}

/// `call` signed with `(ak, sk)` now, with `extra` headers signed too.
async fn signed(
    call: reqwest::RequestBuilder,
    key: (&str, &str),
    extra: &[(&str, &str)],
) -> reqwest::Response {
    let mut call = call;
    for (name, value) in extra {
        call = call.header(*name, *value);
    }
    let request = sign_request(call.build().unwrap(), key, OffsetDateTime::now_utc());
    reqwest::Client::new().execute(request).await.unwrap()
}

/// A new permanent access key of `user_id`: (access key, secret).
async fn access_key(app: &TestApp, admin: &str, user_id: &str) -> (String, String) {
    let key = ok!(app, admin, POST "/v3.0/OS-CREDENTIAL/credentials",
        { "credential": { "user_id": user_id } });
    (
        text(&key["credential"]["access"]),
        text(&key["credential"]["secret"]),
    )
}

/// Calls until the answer is a 200 (a token or key is served within moments of being
/// issued); gives its body.
async fn until_served<F: Future<Output = reqwest::Response>>(request: impl Fn() -> F) -> Value {
    let request = &request;
    eventually("waiting for 200", move || async move {
        let response = request().await;
        match response.status().as_u16() {
            200 => Ok(response.json::<Value>().await.unwrap()),
            other => Err((other, response.text().await.unwrap())),
        }
    })
    .await
}

/// Calls until the answer is `status` with `code`; gives the message.
async fn until_refused<F: Future<Output = reqwest::Response>>(
    request: impl Fn() -> F,
    status: u16,
    code: &str,
) -> String {
    let request = &request;
    eventually(
        &format!("waiting for {status} {code}"),
        move || async move {
            let (got, got_code, message) = refusal(request().await).await;
            if got == status && got_code == code {
                Ok(message)
            } else {
                Err((got, got_code, message))
            }
        },
    )
    .await
}

#[tokio::test]
async fn iam_calls_pass_with_a_token_or_an_access_key_signature_and_name_the_user() {
    let (app, admin) = TestApp::with_admin().await;
    let at = serving_profile(&app, &admin, "gw-iam").await;
    // Any IAM user of the installation may call: this one has no permission at all.
    let (user_id, user_token) = user_with_policy(&app, &admin, "caller", None).await;
    let (ak, sk) = access_key(&app, &admin, &user_id).await;

    let missing = at.until(Method::GET, "/profile", 401).await;
    assert_eq!(
        refusal(missing).await,
        (
            401,
            "APIG.0301".to_owned(),
            "Incorrect IAM authentication information: X-Auth-Token or Authorization header not found"
                .to_owned()
        )
    );

    let served = until_served(|| {
        let request = at
            .call(Method::GET, "/profile")
            .header("X-Auth-Token", &user_token);
        async move { request.send().await.unwrap() }
    })
    .await;
    assert_eq!(served["path"], "/backend/profile");
    assert_eq!(served["headers"]["x-user-id"], json!(user_id));
    assert_eq!(served["headers"]["x-user-name"], "caller");

    let wrong_token = at
        .call(Method::GET, "/profile")
        .header("X-Auth-Token", "PT0123")
        .send()
        .await
        .unwrap();
    assert_eq!(
        refusal(wrong_token).await,
        (
            401,
            "APIG.0301".to_owned(),
            "Incorrect IAM authentication information: decrypt token fail".to_owned()
        )
    );

    let by_key = signed(at.call(Method::GET, "/profile?b=2&a=1"), (&ak, &sk), &[]).await;
    assert_eq!(by_key.status(), 200);
    let served: Value = by_key.json().await.unwrap();
    assert_eq!(served["headers"]["x-user-name"], "caller");
    assert_eq!(served["query"], "b=2&a=1");

    let unknown = signed(
        at.call(Method::GET, "/profile"),
        ("NOSUCHKEY0000000000X", &sk),
        &[],
    )
    .await;
    assert_eq!(
        refusal(unknown).await,
        (
            401,
            "APIG.0301".to_owned(),
            "Incorrect IAM authentication information: Get secretKey failed,ak:NOSUCHKEY0000000000X,err:ak not exist"
                .to_owned()
        )
    );

    // A credential's key is no IAM key, even in the same gateway.
    let gw = at.gw.clone();
    let credential = ok!(app, admin, POST "{gw}/apps", { "name": "mobile" });
    let (status, code, message) = refusal(
        signed(
            at.call(Method::GET, "/profile"),
            (
                &text(&credential["app_key"]),
                &text(&credential["app_secret"]),
            ),
            &[],
        )
        .await,
    )
    .await;
    assert_eq!((status, code.as_str()), (401, "APIG.0301"), "{message}");
    assert!(message.contains("ak not exist"), "{message}");

    // A temporary key signs with its security token, and only with it.
    let body = json!({ "auth": { "identity": { "methods": ["token"],
        "token": { "id": user_token, "duration_seconds": 900 } } } });
    let (status, created) = api!(app, "", POST "/v3.0/OS-CREDENTIAL/securitytokens", body);
    assert_eq!(status, 201, "{created}");
    let temporary = &created["credential"];
    let (tak, tsk, security) = (
        text(&temporary["access"]),
        text(&temporary["secret"]),
        text(&temporary["securitytoken"]),
    );
    let temporary_call = |extra: Vec<(&'static str, String)>| {
        let (at, tak, tsk) = (&at, tak.clone(), tsk.clone());
        async move {
            let extra: Vec<(&str, &str)> = extra.iter().map(|(k, v)| (*k, v.as_str())).collect();
            signed(at.call(Method::GET, "/profile"), (&tak, &tsk), &extra).await
        }
    };
    let served =
        until_served(|| temporary_call(vec![("x-security-token", security.clone())])).await;
    assert_eq!(served["headers"]["x-user-id"], json!(user_id));
    let (status, code, message) = refusal(temporary_call(vec![]).await).await;
    assert_eq!((status, code.as_str()), (401, "APIG.0301"));
    assert_eq!(
        message,
        "Incorrect IAM authentication information: a temporary access key needs its X-Security-Token"
    );
    app.stop().await;
}

#[tokio::test]
async fn a_revoked_token_a_disabled_user_a_deleted_key_and_an_expired_token_are_refused_on_the_next_calls(
) {
    let (app, admin) = TestApp::with_admin().await;
    let at = serving_profile(&app, &admin, "gw-iam-revoked").await;
    let (user_id, first) = user_with_policy(&app, &admin, "leaver", None).await;
    let second = token(&app, "leaver", USER_PASSWORD).await;
    let third = token(&app, "leaver", USER_PASSWORD).await;
    let (ak, sk) = access_key(&app, &admin, &user_id).await;
    let (other_ak, other_sk) = access_key(&app, &admin, &user_id).await;
    let with_token = |token: &str| {
        let request = at
            .call(Method::GET, "/profile")
            .header("X-Auth-Token", token);
        async move { request.send().await.unwrap() }
    };
    at.until(Method::GET, "/profile", 401).await;
    for token in [&first, &second, &third] {
        until_served(|| with_token(token)).await;
    }

    // Revoked: the token is unknown from the next calls on; the user's others still work.
    let revoked = reqwest::Client::new()
        .delete(app.url("/v3/auth/tokens"))
        .header("X-Auth-Token", &first)
        .header("X-Subject-Token", &first)
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), 204);
    let message = until_refused(|| with_token(&first), 401, "APIG.0301").await;
    assert!(message.ends_with("decrypt token fail"), "{message}");
    assert_eq!(with_token(&second).await.status(), 200);

    // Expired: the caller is told to get a new token.
    sqlx::query("UPDATE api_tokens SET expires_at = now() - interval '1 second' WHERE user_id = $1 AND issued_at = (SELECT max(issued_at) FROM api_tokens WHERE user_id = $1)")
        .bind(&user_id)
        .execute(&app.pool)
        .await
        .unwrap();
    let message = until_refused(|| with_token(&third), 401, "APIG.0307").await;
    assert_eq!(message, "The token must be updated.");

    // A deleted key signs nothing; the user's other key still does.
    let key_call = |(ak, sk): (String, String)| {
        let request = at.call(Method::GET, "/profile");
        async move { signed(request, (&ak, &sk), &[]).await }
    };
    until_served(|| key_call((ak.clone(), sk.clone()))).await;
    let (status, _) = api!(app, admin, DELETE "/v3.0/OS-CREDENTIAL/credentials/{ak}");
    assert_eq!(status, 204);
    let message = until_refused(|| key_call((ak.clone(), sk.clone())), 401, "APIG.0301").await;
    assert!(message.contains("ak not exist"), "{message}");
    assert_eq!(
        key_call((other_ak.clone(), other_sk.clone()))
            .await
            .status(),
        200
    );

    // A disabled user: neither token nor key.
    let (status, body) =
        api!(app, admin, PATCH "/v3/users/{user_id}", { "user": { "enabled": false } });
    assert_eq!(status, 200, "{body}");
    until_refused(|| with_token(&second), 401, "APIG.0301").await;
    let (status, code, _) = refusal(key_call((other_ak, other_sk)).await).await;
    assert_eq!((status, code.as_str()), (401, "APIG.0301"));
    app.stop().await;
}

#[tokio::test]
async fn five_bad_signatures_lock_the_access_key_at_the_gateway_and_the_management_api() {
    let (app, admin) = TestApp::with_admin().await;
    let at = serving_profile(&app, &admin, "gw-iam-lock").await;
    let (user_id, _) = user_with_policy(&app, &admin, "guesser", None).await;
    let (ak, sk) = access_key(&app, &admin, &user_id).await;
    let good = || {
        let request = at.call(Method::GET, "/profile");
        let (ak, sk) = (ak.clone(), sk.clone());
        async move { signed(request, (&ak, &sk), &[]).await }
    };
    until_served(good).await;

    for attempt in 1..=5 {
        let (status, code, message) = refusal(
            signed(
                at.call(Method::GET, "/profile"),
                (&ak, "not-the-secret"),
                &[],
            )
            .await,
        )
        .await;
        assert_eq!(
            (status, code.as_str()),
            (401, "APIG.0301"),
            "attempt {attempt}"
        );
        assert!(
            message.starts_with("Incorrect IAM authentication information: verify signature fail"),
            "{message}"
        );
    }
    let (status, code, message) = refusal(good().await).await;
    assert_eq!((status, code.as_str()), (401, "APIG.0301"));
    assert_eq!(
        message,
        "Incorrect IAM authentication information: AK access failed to reach the limit,forbidden"
    );
    // The same key at the management API: locked there too.
    let (status, body) = crate::iam_support::signed(
        &app,
        &ak,
        &sk,
        Method::GET,
        &format!("/v3/users/{user_id}"),
        b"",
    )
    .await;
    assert_eq!(status, 401, "{body}");
    assert!(
        body.to_string()
            .contains("AK access failed to reach the limit"),
        "{body}"
    );
    app.stop().await;
}
