use serde_json::Value;

use crate::support::{text, TestApp};

/// The HTTP status of `GET path` and the `status` its body reports.
async fn probe(app: &TestApp, path: &str) -> (u16, String) {
    let response = app.client.get(app.url(path)).send().await.unwrap();
    let status = response.status().as_u16();
    let body: Value = response.json().await.unwrap();
    (status, text(&body["status"]))
}

#[tokio::test]
async fn healthz_answers_while_the_process_runs() {
    let app = TestApp::spawn().await;
    assert_eq!(probe(&app, "/healthz").await, (200, "ok".to_owned()));
    app.stop().await;
}

#[tokio::test]
async fn readyz_follows_the_database() {
    let app = TestApp::spawn().await;
    assert_eq!(probe(&app, "/readyz").await, (200, "ready".to_owned()));

    // The database goes away: readiness must say so.
    app.pool.close().await;
    assert_eq!(
        probe(&app, "/readyz").await,
        (503, "unavailable".to_owned())
    );
    app.stop().await;
}
