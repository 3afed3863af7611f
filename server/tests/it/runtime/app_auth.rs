//! APP authentication at the gateway: calls signed as Huawei's SDKs sign them
//! (SDK-HMAC-SHA256), AppCodes over HTTPS, and every wrong way of calling refused with
//! APIG's status and code; authorization per environment, a secret reset and a revoked
//! authorization followed by every call after the next snapshot.
use base64::Engine as _;
use reqwest::Method;
use serde_json::{json, Value};
use time::OffsetDateTime;

use crate::iam_support::{assert_says, sign_request};

use super::*;

/// A credential's key and secret, signing requests as the SDKs do.
#[derive(Clone)]
struct Signer {
    key: String,
    secret: String,
}

impl Signer {
    fn of(app: &Value) -> Signer {
        Signer {
            key: text(&app["app_key"]),
            secret: text(&app["app_secret"]),
        }
    }

    fn sign_at(&self, request: reqwest::Request, at: OffsetDateTime) -> reqwest::Request {
        sign_request(request, (&self.key, &self.secret), at)
    }

    async fn send_at(
        &self,
        call: reqwest::RequestBuilder,
        at: OffsetDateTime,
    ) -> reqwest::Response {
        let request = self.sign_at(call.build().unwrap(), at);
        reqwest::Client::new().execute(request).await.unwrap()
    }

    async fn send(&self, call: reqwest::RequestBuilder) -> reqwest::Response {
        self.send_at(call, OffsetDateTime::now_utc()).await
    }
}

/// A refusal's status, `error_code` and `error_msg`.
async fn refusal(response: reqwest::Response) -> (u16, String, String) {
    let status = response.status().as_u16();
    let body: Value = response.json().await.unwrap();
    (status, text(&body["error_code"]), text(&body["error_msg"]))
}

/// `POST /orders/{id}` to the echo backend, with APP authentication, passing the calling
/// credential's id and name to the backend as headers.
fn orders(backend: SocketAddr) -> Value {
    let mut api = http(
        "orders",
        "POST",
        "/orders/{id}",
        &backend.to_string(),
        "/backend/{id}",
        5000,
    );
    api["auth_type"] = json!("APP");
    api["req_params"] =
        json!([{ "name": "id", "type": "STRING", "location": "PATH", "required": 1 }]);
    api["backend_params"] = json!([
        { "origin": "REQUEST", "name": "id", "location": "PATH", "value": "id" },
        { "origin": "SYSTEM", "name": "x-app-id", "location": "HEADER", "value": "$context.appId" },
        { "origin": "SYSTEM", "name": "x-app-name", "location": "HEADER", "value": "$context.appName" },
    ]);
    api
}

#[tokio::test]
async fn signed_calls_pass_only_for_authorized_credentials_and_every_wrong_signature_is_refused() {
    let (app, admin) = TestApp::with_admin().await;
    let backend = echo_backend().await;
    let at = group(&app, &admin, "gw-signed").await;
    let gw = at.gw.clone();
    let api_id = at.publish(orders(backend)).await;
    let mobile = ok!(app, admin, POST "{gw}/apps", { "name": "mobile" });
    let stranger = ok!(app, admin, POST "{gw}/apps", { "name": "stranger" });
    let elsewhere = gateway(&app, &admin, "gw-other").await;
    let foreign = ok!(app, admin, POST "{elsewhere}/apps", { "name": "foreign" });
    let (signer, mobile_id) = (Signer::of(&mobile), text(&mobile["id"]));

    // Live, but nobody is authorized: a call without credentials is told what is missing.
    let missing = at.until(Method::POST, "/orders/1", 401).await;
    assert_eq!(
        refusal(missing).await,
        (
            401,
            "APIG.0303".to_owned(),
            "Incorrect app authentication information: authorization header not found".to_owned()
        )
    );
    let call = || at.call(Method::POST, "/orders/1").body("{}");
    let (status, code, message) = refusal(signer.send(call()).await).await;
    assert_eq!((status, code.as_str()), (401, "APIG.0304"), "{message}");
    assert_eq!(message, "The app is not authorized to access the API");

    let granted = ok!(app, admin, POST "{gw}/app-auths",
        { "env_id": RELEASE, "app_ids": [mobile_id], "api_ids": [api_id] });
    let auth_id = text(&granted["auths"][0]["id"]);
    let served = eventually("the authorization is served", || async {
        let response = signer.send(call()).await;
        match response.status().as_u16() {
            200 => Ok(response.json::<Value>().await.unwrap()),
            other => Err(other),
        }
    })
    .await;
    assert_eq!(served["path"], "/backend/1");
    assert_eq!(served["headers"]["x-app-id"], json!(mobile_id));
    assert_eq!(served["headers"]["x-app-name"], "mobile");
    assert_eq!(served["body_length"], 2);

    // What real callers send: repeated and unsorted query keys, an encoded path, headers
    // of their own, an empty body, a large one, and a body the signature leaves out.
    let varied = [
        at.call(Method::POST, "/orders/a%20b%3Ac?b=2&a=1&b=1&q=x%20y")
            .header("X-Custom", "  spaced  ")
            .header("Content-Type", "application/json")
            .body(r#"{"name":"demo"}"#),
        at.call(Method::POST, "/orders/empty"),
        at.call(Method::POST, "/orders/large")
            .body(vec![b'x'; 1 << 20]),
        at.call(Method::POST, "/orders/unsigned")
            .header("x-sdk-content-sha256", "UNSIGNED-PAYLOAD")
            .body("not covered"),
    ];
    for request in varied {
        let response = signer.send(request).await;
        assert_eq!(response.status(), 200, "{:?}", response.text().await);
    }
    let large: Value = signer
        .send(
            at.call(Method::POST, "/orders/large")
                .body(vec![b'x'; 1 << 20]),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        large["body_length"],
        1 << 20,
        "the signed body reaches the backend whole"
    );

    // Every wrong way of signing: AUTH_FAILURE, 401, APIG.0303, with APIG's reason.
    let sent = signer.sign_at(call().build().unwrap(), OffsetDateTime::now_utc());
    let mut tampered = sent.try_clone().unwrap();
    *tampered.body_mut() = Some("{ }".into());
    let mut other_path = sent.try_clone().unwrap();
    other_path.url_mut().set_path("/orders/2");
    let stale = signer
        .send_at(
            call(),
            OffsetDateTime::now_utc() - time::Duration::minutes(16),
        )
        .await;
    let cases = [
        (
            reqwest::Client::new().execute(tampered).await.unwrap(),
            "verify signature fail",
        ),
        (
            reqwest::Client::new().execute(other_path).await.unwrap(),
            "verify signature fail",
        ),
        (stale, "signature expired, signature time:"),
        (
            Signer {
                key: "no-such-key-1".into(),
                secret: signer.secret.clone(),
            }
            .send(call())
            .await,
            "app not found, appkey no-such-key-1",
        ),
        (
            Signer::of(&foreign).send(call()).await,
            "app not found, appkey",
        ),
        (
            call()
                .header("authorization", "Bearer abc")
                .send()
                .await
                .unwrap(),
            "authorization format incorrect",
        ),
    ];
    for (response, says) in cases {
        let (status, code, message) = refusal(response).await;
        assert_eq!((status, code.as_str()), (401, "APIG.0303"), "{message}");
        assert!(
            message.starts_with("Incorrect app authentication information: ")
                && message.contains(says),
            "{message} should say {says}"
        );
    }
    // A credential of this gateway that is not authorized, and the right credential in an
    // environment it is not authorized in.
    let (status, code, _) = refusal(Signer::of(&stranger).send(call()).await).await;
    assert_eq!((status, code.as_str()), (401, "APIG.0304"));
    let test_env = ok!(app, admin, POST "{gw}/envs", { "name": "TEST" });
    ok!(app, admin, POST "{gw}/apis/action",
        { "action": "online", "env_id": text(&test_env["id"]), "api_id": api_id });
    let in_test = || call().header("x-stage", "TEST");
    let elsewhere = eventually("the API is live in TEST", || async {
        let response = signer.send(in_test()).await;
        match response.status().as_u16() {
            404 => Err(404),
            _ => Ok(response),
        }
    })
    .await;
    assert_eq!(refusal(elsewhere).await.1, "APIG.0304");

    // A reset secret: the old one stops working, the new one works.
    let reset = ok!(app, admin, PUT "{gw}/apps/secret/{mobile_id}");
    let renewed = Signer::of(&reset);
    eventually("the old secret is refused", || async {
        match signer.send(call()).await.status().as_u16() {
            401 => Ok(()),
            other => Err(other),
        }
    })
    .await;
    assert_eq!(renewed.send(call()).await.status(), 200);

    // A revoked authorization.
    ok!(app, admin, DELETE "{gw}/app-auths/{auth_id}");
    let revoked = eventually("the revocation is served", || async {
        let response = renewed.send(call()).await;
        match response.status().as_u16() {
            401 => Ok(response),
            other => Err(other),
        }
    })
    .await;
    assert_eq!(refusal(revoked).await.1, "APIG.0304");
    app.stop().await;
}

#[tokio::test]
async fn app_codes_authenticate_over_https_only_unless_the_gateway_allows_http() {
    let (app, admin) = TestApp::with_admin().await;
    let backend = echo_backend().await;
    let at = group(&app, &admin, "gw-codes").await;
    let gw = at.gw.clone();
    let domains = format!("{gw}/api-groups/{}/domains", at.group_id);
    let bound = ok!(app, admin, POST (&domains), { "url_domain": "api.codes.example.com" });
    let (cert, key) = crate::domains::certificate(&["api.codes.example.com"], -1, 30);
    ok!(app, admin, POST (&format!("{domains}/{}/certificate", text(&bound["id"]))),
        { "name": "codes_cert", "cert_content": cert, "private_key": key });
    let mut coded = orders(backend);
    coded["req_protocol"] = json!("BOTH");
    coded["auth_opt"] = json!({ "app_code_auth_type": "HEADER" });
    let coded_id = at.publish(coded).await;
    let mut signed_only = orders(backend);
    signed_only["name"] = json!("signed_only");
    signed_only["req_uri"] = json!("/signed/{id}");
    signed_only["req_protocol"] = json!("BOTH");
    let signed_id = at.publish(signed_only).await;
    let mobile = ok!(app, admin, POST "{gw}/apps", { "name": "mobile" });
    let mobile_id = text(&mobile["id"]);
    let code = ok!(app, admin, PUT "{gw}/apps/{mobile_id}/app-codes");
    let app_code = text(&code["app_code"]);
    assert_eq!(app_code.len(), 64, "{code}");
    ok!(app, admin, POST "{gw}/app-auths",
        { "env_id": RELEASE, "app_ids": [mobile_id], "api_ids": [coded_id, signed_id] });

    let tls = reqwest::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(cert.as_bytes()).unwrap())
        .resolve("api.codes.example.com", app.gateway_tls)
        .build()
        .unwrap();
    let port = app.gateway_tls.port();
    let over_tls = |path: &str, code: &str| {
        tls.post(format!("https://api.codes.example.com:{port}{path}"))
            .header("x-apig-appcode", code)
            .body("{}")
    };
    // Until the snapshot serves the domain's certificate, the handshake is refused.
    let served = eventually("the AppCode is served", || async {
        match over_tls("/orders/7", &app_code).send().await {
            Ok(response) if response.status() == 200 => Ok(response.json::<Value>().await.unwrap()),
            Ok(response) => Err(response.status().to_string()),
            Err(error) => Err(error.to_string()),
        }
    })
    .await;
    assert_eq!(served["headers"]["x-app-name"], "mobile");
    assert!(
        served["headers"].get("x-apig-appcode").is_some(),
        "the caller's headers travel on: {served}"
    );

    let plain = || {
        at.call(Method::POST, "/orders/7")
            .header("x-apig-appcode", &app_code)
    };
    for (response, status, code, says) in [
        (
            plain().send().await.unwrap(),
            401,
            "APIG.0303",
            "accepted only over HTTPS",
        ),
        (
            over_tls("/orders/7", &"f".repeat(64)).send().await.unwrap(),
            401,
            "APIG.0303",
            "AppCode not found",
        ),
        // An API that does not take AppCodes wants a signature.
        (
            over_tls("/signed/7", &app_code).send().await.unwrap(),
            401,
            "APIG.0303",
            "authorization header not found",
        ),
    ] {
        let (got, got_code, message) = refusal(response).await;
        assert_eq!((got, got_code.as_str()), (status, code), "{message}");
        assert!(message.contains(says), "{message} should say {says}");
    }

    // The gateway may allow AppCodes over HTTP.
    ok!(app, admin, POST "{gw}/features", { "name": "app_code_http", "enable": true, "config": "on" });
    until_status(plain, 200).await;

    // A removed AppCode stops working.
    let code_id = text(&code["id"]);
    ok!(app, admin, DELETE "{gw}/apps/{mobile_id}/app-codes/{code_id}");
    let removed = until_status(plain, 401).await;
    assert!(refusal(removed).await.2.contains("AppCode not found"));
    app.stop().await;
}

#[tokio::test]
async fn a_credentials_access_control_and_the_key_and_secret_variants_the_gateway_can_allow() {
    let (app, admin) = TestApp::with_admin().await;
    let backend = echo_backend().await;
    let at = group(&app, &admin, "gw-acl").await;
    let gw = at.gw.clone();
    let api_id = at.publish(orders(backend)).await;
    let mobile = ok!(app, admin, POST "{gw}/apps", { "name": "mobile" });
    let (signer, id) = (Signer::of(&mobile), text(&mobile["id"]));
    ok!(app, admin, POST "{gw}/app-auths",
        { "env_id": RELEASE, "app_ids": [id], "api_ids": [api_id] });
    let call = || at.call(Method::POST, "/orders/1");
    let status_of = |expected: u16| {
        let signer = signer.clone();
        let call = &call;
        async move {
            eventually(&format!("signed calls answer {expected}"), || async {
                let response = signer.send(call()).await;
                match response.status().as_u16() {
                    got if got == expected => Ok(response),
                    got => Err(got),
                }
            })
            .await
        }
    };
    status_of(200).await;

    // Bad lists are refused, naming the entry, and change nothing.
    let (status, refused) = api!(app, admin, PUT "{gw}/apps/{id}/app-acl",
        { "app_acl_type": "PERMIT", "app_acl_values": ["10.0.0.0/8", "10.0.0.300"] });
    assert_eq!(status, 400, "{refused}");
    assert_says(&refused, "app_acl_values[1]");
    let (status, refused) = api!(app, admin, PUT "{gw}/apps/{id}/app-acl",
        { "app_acl_type": "MAYBE", "app_acl_values": ["10.0.0.1"] });
    assert_eq!(status, 400, "{refused}");
    assert_eq!(
        ok!(app, admin, GET "{gw}/apps/{id}/app-acl")["app_acl_values"],
        json!([])
    );

    // The caller is 127.0.0.1: denied by a DENY list holding it, and by a PERMIT list that
    // does not, admitted by one that does.
    let denied = ok!(app, admin, PUT "{gw}/apps/{id}/app-acl",
        { "app_acl_type": "DENY", "app_acl_values": ["127.0.0.0/8", "::1"] });
    assert_eq!(denied["app_acl_type"], "DENY");
    let refused = refusal(status_of(403).await).await;
    assert_eq!(
        refused,
        (
            403,
            "APIG.0405".to_owned(),
            "The app is not accessed from a trusted IP address.".to_owned()
        )
    );
    ok!(app, admin, PUT "{gw}/apps/{id}/app-acl",
        { "app_acl_type": "PERMIT", "app_acl_values": ["10.0.0.1-10.0.0.9", "2001:db8::/32"] });
    // The list changed; calls stay refused (now by the PERMIT list).
    let shown = eventually("the PERMIT list is served", || async {
        let shown = ok!(app, admin, GET "{gw}/apps/{id}/app-acl");
        match shown["app_acl_type"] == "PERMIT" {
            true => Ok(shown),
            false => Err(shown),
        }
    })
    .await;
    assert_eq!(shown["app_acl_values"][0], "10.0.0.1-10.0.0.9");
    assert_eq!(signer.send(call()).await.status(), 403);
    ok!(app, admin, PUT "{gw}/apps/{id}/app-acl",
        { "app_acl_type": "PERMIT", "app_acl_values": ["127.0.0.1"] });
    status_of(200).await;
    ok!(app, admin, PUT "{gw}/apps/{id}/app-acl",
        { "app_acl_type": "DENY", "app_acl_values": ["127.0.0.1"] });
    status_of(403).await;
    ok!(app, admin, DELETE "{gw}/apps/{id}/app-acl");
    status_of(200).await;

    // The key and secret themselves, only where the gateway's parameters allow.
    let (key, secret) = (signer.key.clone(), signer.secret.clone());

    let basic = base64::engine::general_purpose::STANDARD.encode(format!("{key}:{secret}"));
    let hw = || {
        call()
            .header("x-hw-id", &key)
            .header("x-hw-appkey", &secret)
    };
    let basic_call = || call().header("authorization", format!("Basic {basic}"));
    assert_eq!(refusal(hw().send().await.unwrap()).await.1, "APIG.0303");
    assert_eq!(
        refusal(basic_call().send().await.unwrap()).await.1,
        "APIG.0303"
    );
    ok!(app, admin, POST "{gw}/features", { "name": "app_secret", "enable": true });
    until_status(hw, 200).await;
    let wrong = call()
        .header("x-hw-id", &key)
        .header("x-hw-appkey", "not-it");
    let (status, _, message) = refusal(wrong.send().await.unwrap()).await;
    assert_eq!(status, 401);
    assert!(message.contains("the app secret is incorrect"), "{message}");
    ok!(app, admin, POST "{gw}/features", { "name": "app_basic", "enable": true });
    until_status(basic_call, 200).await;
    app.stop().await;
}

#[tokio::test]
async fn a_frozen_credential_is_refused_and_the_console_shows_secrets_only_on_demand() {
    let (app, admin) = TestApp::with_admin().await;
    let backend = echo_backend().await;
    let at = group(&app, &admin, "gw-frozen").await;
    let gw = at.gw.clone();
    let gateway_id = gw.rsplit('/').next().unwrap().to_owned();
    let api_id = at.publish(orders(backend)).await;
    let mobile = ok!(app, admin, POST "{gw}/apps", { "name": "mobile" });
    let (signer, id) = (Signer::of(&mobile), text(&mobile["id"]));
    ok!(app, admin, POST "{gw}/app-auths",
        { "env_id": RELEASE, "app_ids": [id], "api_ids": [api_id] });
    let answers = |expected: u16| {
        let signer = signer.clone();
        let at = &at;
        async move {
            eventually(&format!("signed calls answer {expected}"), || async {
                let response = signer.send(at.call(Method::POST, "/orders/1")).await;
                match response.status().as_u16() {
                    got if got == expected => Ok(response),
                    got => Err(got),
                }
            })
            .await
        }
    };
    answers(200).await;

    let console =
        crate::console_iam::signed_in(&app, "admin", crate::support::ADMIN_PASSWORD).await;
    let listed = console!(app, console, "credentials/list", { "gateway_id": gateway_id });
    assert_eq!(listed.0, 200, "{listed:?}");
    assert_eq!(
        listed.1["credentials"][0]["app_secret"], "",
        "lists leave the secret out"
    );
    let revealed =
        console!(app, console, "credentials/secret", { "gateway_id": gateway_id, "id": id });
    assert_eq!(revealed, (200, json!(signer.secret)));

    let (status, _) = console!(app, console, "credentials/freeze",
        { "gateway_id": gateway_id, "id": id, "frozen": true });
    assert_eq!(status, 200);
    let frozen = refusal(answers(405).await).await;
    assert_eq!(
        frozen,
        (
            405,
            "APIG.0502".to_owned(),
            "The app has been frozen.".to_owned()
        )
    );
    assert_eq!(ok!(app, admin, GET "{gw}/apps/{id}")["status"], 2);
    console!(app, console, "credentials/freeze",
        { "gateway_id": gateway_id, "id": id, "frozen": false });
    answers(200).await;

    // Who may not read credentials is not shown the secret.
    crate::iam_support::user_with_policy(&app, &admin, "nobody", None).await;
    let stranger =
        crate::console_iam::signed_in(&app, "nobody", crate::iam_support::USER_PASSWORD).await;
    let (status, refused) =
        console!(app, stranger, "credentials/secret", { "gateway_id": gateway_id, "id": id });
    assert_eq!(status, 403, "{refused}");
    app.stop().await;
}
