use serde_json::Value;

use crate::support::TestApp;

async fn assert_api_not_found(response: reqwest::Response) -> String {
    assert_eq!(response.status(), 404);
    assert_eq!(response.headers()["content-type"], "application/json");
    let header_id = response.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_owned();
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error_code"], "APIG.0101");
    assert_eq!(
        body["error_msg"],
        "The API does not exist or has not been published in the environment."
    );
    assert_eq!(body["request_id"], header_id.as_str());
    assert_eq!(header_id.len(), 32);
    assert!(header_id.chars().all(|c| c.is_ascii_hexdigit()));
    header_id
}

#[tokio::test]
async fn unknown_api_gets_apig_404_with_request_id() {
    let app = TestApp::spawn().await;
    let client = reqwest::Client::new();
    let first = assert_api_not_found(
        client
            .get(format!("{}/anything", app.gateway))
            .send()
            .await
            .unwrap(),
    )
    .await;
    let second = assert_api_not_found(
        client
            .post(format!("{}/v1/orders?x=1", app.gateway))
            .body("{}")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_ne!(first, second, "each request gets its own id");
    app.stop().await;
}

#[tokio::test]
async fn gateway_does_not_serve_the_console() {
    let app = TestApp::spawn().await;
    let client = reqwest::Client::new();
    for path in ["/", "/signin", "/healthz", "/api/sign_in"] {
        assert_api_not_found(
            client
                .get(format!("{}{path}", app.gateway))
                .send()
                .await
                .unwrap(),
        )
        .await;
    }
    app.stop().await;
}
