//! What follows the snapshot: TLS by SNI, inbound ports, hot reload with calls in flight,
//! a database outage, and an API whose authentication the gateway does not serve.
use reqwest::Method;
use serde_json::{json, Value};

use super::*;

#[tokio::test]
async fn a_request_in_flight_finishes_on_its_snapshot_across_a_change() {
    let (app, admin) = TestApp::with_admin().await;
    let release = std::sync::Arc::new(tokio::sync::Notify::new());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let backend = listener.local_addr().unwrap();
    let (arrived_tx, mut arrived) = tokio::sync::mpsc::unbounded_channel::<()>();
    let gate = release.clone();
    let slow = axum::Router::new().fallback(any(move || {
        let gate = gate.clone();
        let arrived_tx = arrived_tx.clone();
        async move {
            let _ = arrived_tx.send(());
            gate.notified().await;
            "finally"
        }
    }));
    tokio::spawn(async move { axum::serve(listener, slow).await.unwrap() });
    let at = group(&app, &admin, "gw-swap").await;
    at.publish(http(
        "held",
        "GET",
        "/held",
        &backend.to_string(),
        "/held",
        60000,
    ))
    .await;
    // The held API cannot be probed (the backend holds every call), so a mock published
    // after it tells when the runtime has caught up.
    at.publish(mock("probe", "GET", "/probe", 200, "up")).await;
    at.until(Method::GET, "/probe", 200).await;

    let in_flight = tokio::spawn(at.call(Method::GET, "/held").send());
    arrived.recv().await.expect("the call reaches the backend");
    // A change while the call waits: a new API goes live (a new snapshot is swapped in).
    at.publish(mock("later", "GET", "/later", 200, "later"))
        .await;
    at.until(Method::GET, "/later", 200).await;
    release.notify_one();
    let response = in_flight.await.unwrap().unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.unwrap(), "finally");
    app.stop().await;
}

#[tokio::test]
async fn https_serves_each_domain_its_certificate_and_https_only_apis_refuse_http() {
    let (app, admin) = TestApp::with_admin().await;
    let at = group(&app, &admin, "gw-tls").await;
    let domains = format!("{}/api-groups/{}/domains", at.gw, at.group_id);
    let bound = ok!(app, admin, POST (&domains), { "url_domain": "api.shop.example.com" });
    let (cert, key) = crate::domains::certificate(&["*.shop.example.com"], -1, 30);
    ok!(app, admin, POST (&format!("{domains}/{}/certificate", bound["id"].as_str().unwrap())),
        { "name": "shop_cert", "cert_content": cert, "private_key": key });
    ok!(app, admin, POST (&domains), { "url_domain": "plain.example.com" });
    let mut secure = mock("secure", "GET", "/secure", 200, "over tls");
    secure["req_protocol"] = json!("HTTPS");
    at.publish(secure).await;

    let client = reqwest::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(cert.as_bytes()).unwrap())
        .resolve("api.shop.example.com", app.gateway_tls)
        .resolve("plain.example.com", app.gateway_tls)
        .build()
        .unwrap();
    let port = app.gateway_tls.port();
    let url = format!("https://api.shop.example.com:{port}/secure");
    let response = served(&client, &url).await;
    assert_eq!(response.headers()["server"], "api-gateway");
    assert_eq!(response.text().await.unwrap(), "over tls");

    // The same API over plain HTTP: APIG.0607.
    let plain = reqwest::Client::new()
        .get(format!("{}/secure", app.gateway))
        .header("host", "api.shop.example.com")
        .send()
        .await
        .unwrap();
    assert_eq!(plain.status(), 400);
    let body: Value = plain.json().await.unwrap();
    assert_eq!(body["error_code"], "APIG.0607");
    assert_eq!(
        body["error_msg"],
        "The following protocol is supported: HTTPS"
    );

    // A domain without a certificate gets no TLS handshake.
    let refused = client
        .get(format!("https://plain.example.com:{port}/secure"))
        .send()
        .await;
    assert!(refused.is_err(), "{refused:?}");
    app.stop().await;
}

/// Gets `url` until it answers 200 (a listener opens, or a certificate is loaded, with
/// the next snapshot).
async fn served(client: &reqwest::Client, url: &str) -> reqwest::Response {
    eventually(&format!("serving {url}"), move || async move {
        match client.get(url).send().await {
            Ok(response) if response.status() == 200 => Ok(response),
            Ok(response) => Err(response.status().to_string()),
            Err(error) => Err(error.to_string()),
        }
    })
    .await
}

/// A port in the custom inbound range (1024–49151) that nothing listens on now.
fn free_inbound_port() -> u16 {
    (30000..40000)
        .find(|port| std::net::TcpListener::bind(("127.0.0.1", *port)).is_ok())
        .expect("a free port")
}

#[tokio::test]
async fn a_gateway_port_serves_its_default_group() {
    let (app, admin) = TestApp::with_admin().await;
    let gw = gateway(&app, &admin, "gw-port").await;
    let groups = ok!(app, admin, GET "{gw}/api-groups");
    let default_group = text(&groups["groups"][0]["id"]);
    let at = Published {
        app: &app,
        admin: &admin,
        gw: gw.clone(),
        group_id: default_group,
    };
    at.publish(mock("by-ip", "GET", "/by-ip", 200, "default group"))
        .await;
    let port = free_inbound_port();
    let added = ok!(app, admin, POST "{gw}/custom-ingress-ports",
        { "protocol": "HTTP", "ingress_port": port });
    let url = format!("http://127.0.0.1:{port}/by-ip");
    let response = served(&reqwest::Client::new(), &url).await;
    assert_eq!(response.text().await.unwrap(), "default group");
    // Removing the port closes it.
    let (status, _) = crate::iam_support::call(
        &app,
        &admin,
        Method::DELETE,
        &format!(
            "{gw}/custom-ingress-ports/{}",
            added["ingress_port_id"].as_str().unwrap()
        ),
        None,
    )
    .await;
    assert_eq!(status, 204);
    let url = &url;
    eventually("the port closes", move || async move {
        match reqwest::get(url).await {
            Ok(response) => Err(response.status()),
            Err(_) => Ok(()),
        }
    })
    .await;
    app.stop().await;
}

#[tokio::test]
async fn the_gateway_serves_through_a_database_outage_and_catches_up() {
    let (app, admin) = TestApp::with_admin().await;
    let at = group(&app, &admin, "gw-outage").await;
    at.publish(mock("before", "GET", "/before", 200, "before"))
        .await;
    at.until(Method::GET, "/before", 200).await;

    crate::support::database_reachable(&app.database_url, false).await;
    for _ in 0..20 {
        let response = at.call(Method::GET, "/before").send().await.unwrap();
        assert_eq!(
            response.status(),
            200,
            "served from the last snapshot while PostgreSQL is away"
        );
    }
    crate::support::database_reachable(&app.database_url, true).await;

    // Back: a new publication goes live (the loader reconnected).
    let (app_ref, admin_ref, at_ref) = (&app, &admin, &at);
    let published = eventually("the management API recovers", move || async move {
        let mut definition = mock("after", "GET", "/after", 200, "after");
        definition["group_id"] = json!(at_ref.group_id);
        let (status, api) = crate::iam_support::call(
            app_ref,
            admin_ref,
            Method::POST,
            &format!("{}/apis", at_ref.gw),
            Some(definition),
        )
        .await;
        if status == 201 {
            Ok(api)
        } else {
            Err((status, api))
        }
    })
    .await;
    ok!(app, admin, POST (&format!("{}/apis/action", at.gw)),
        { "action": "online", "env_id": RELEASE, "api_id": published["id"] });
    at.until(Method::GET, "/after", 200).await;
    app.stop().await;
}

#[tokio::test]
async fn a_configuration_that_cannot_load_keeps_the_last_one_and_the_console_shows_why() {
    let (app, admin) = TestApp::with_admin().await;
    let console =
        crate::console_iam::signed_in(&app, "admin", crate::support::ADMIN_PASSWORD).await;
    let status = || async {
        let (code, status) = console!(app, console, "gateways/runtime", {});
        assert_eq!(code, 200, "{status}");
        status
    };
    let at = group(&app, &admin, "gw-broken").await;
    let domains = format!("{}/api-groups/{}/domains", at.gw, at.group_id);
    let bound = ok!(app, admin, POST (&domains), { "url_domain": "api.shop.example.com" });
    let (cert, key) = crate::domains::certificate(&["api.shop.example.com"], -1, 30);
    let domain = format!("{domains}/{}", bound["id"].as_str().unwrap());
    let with_cert = ok!(app, admin, POST "{domain}/certificate",
        { "name": "shop_cert", "cert_content": cert, "private_key": key });
    at.publish(mock("first", "GET", "/first", 200, "first"))
        .await;
    at.until(Method::GET, "/first", 200).await;
    let healthy = status().await;
    assert_eq!(healthy["failure"], Value::Null, "{healthy}");
    assert_eq!(healthy["live_apis"], 1, "{healthy}");

    // The stored key no longer opens (as after a wrong master key): the next build fails.
    sqlx::query(
        "UPDATE certificates SET key_sealed = '\\x00112233445566778899aabbccddeeff00'::bytea",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    at.publish(mock("second", "GET", "/second", 200, "second"))
        .await;
    let failed = eventually("the console shows the failed build", || async {
        let status = status().await;
        if status["failure"].is_null() {
            Err(status)
        } else {
            Ok(status)
        }
    })
    .await;
    let message = failed["failure"]["message"].as_str().unwrap();
    assert!(
        message.contains("api.shop.example.com") && message.contains("cannot be decrypted"),
        "{failed}"
    );
    assert!(
        failed["served_revision"].as_i64() < failed["committed_revision"].as_i64(),
        "{failed}"
    );
    let first = at.call(Method::GET, "/first").send().await.unwrap();
    assert_eq!(
        first.status(),
        200,
        "the last good configuration keeps serving"
    );
    let second = at.call(Method::GET, "/second").send().await.unwrap();
    assert_eq!(
        second.status(),
        404,
        "the change is not served from a failed build"
    );

    // The cause removed (the certificate unbound), the change goes live and the notice clears.
    let (code, _) = crate::iam_support::call(
        &app,
        &admin,
        Method::DELETE,
        &format!(
            "{domain}/certificate/{}",
            with_cert["ssl_id"].as_str().unwrap()
        ),
        None,
    )
    .await;
    assert_eq!(code, 204);
    at.until(Method::GET, "/second", 200).await;
    let recovered = status().await;
    assert_eq!(recovered["failure"], Value::Null, "{recovered}");
    assert_eq!(
        recovered["served_revision"],
        recovered["committed_revision"]
    );
    app.stop().await;
}

#[tokio::test]
async fn an_authentication_type_the_gateway_does_not_serve_closes_the_api_instead_of_opening_it() {
    let (app, admin) = TestApp::with_admin().await;
    let at = group(&app, &admin, "gw-closed").await;
    let api_id = at
        .publish(mock("orders", "GET", "/orders", 200, "the orders"))
        .await;
    at.until(Method::GET, "/orders", 200).await;

    // A row the management API would refuse (it refuses AUTHORIZER today), written directly
    // as a newer binary or a hand edit would leave it.
    sqlx::query(
        r#"UPDATE api_versions SET definition = jsonb_set(definition, '{auth_type}', '"AUTHORIZER"')
           WHERE api_id = $1"#,
    )
    .bind(&api_id)
    .execute(&app.pool)
    .await
    .unwrap();
    at.publish(mock("health", "GET", "/health", 200, "ok"))
        .await;
    at.until(Method::GET, "/health", 200).await;
    let closed = at.call(Method::GET, "/orders").send().await.unwrap();
    assert_eq!(closed.status(), 500);
    let body: Value = closed.json().await.unwrap();
    assert_eq!(body["error_code"], "APIG.0105", "{body}");
    assert!(
        !body.to_string().contains("the orders"),
        "the API's answer must not be served: {body}"
    );
    app.stop().await;
}
