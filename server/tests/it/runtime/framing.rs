//! Request framing and hop-by-hop headers as callers send them over raw sockets: what
//! belongs to the caller's connection stops at the gateway, and a request whose length is
//! declared twice never reaches a backend.
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::routing::status_and_body;
use super::*;
use crate::iam_support::assert_says;

/// Sends `raw` (one or more whole HTTP/1.1 requests) to the gateway; returns everything it
/// answered once it closes the connection.
pub(super) async fn answered(app: &TestApp, raw: &str) -> String {
    let addr = app.gateway.trim_start_matches("http://").to_owned();
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream.write_all(raw.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer).await;
    String::from_utf8_lossy(&answer).into_owned()
}

/// The status lines of every answer in `answered`, in order.
fn statuses(answered: &str) -> Vec<u16> {
    answered
        .match_indices("HTTP/1.1 ")
        .filter_map(|(at, _)| answered[at + 9..at + 12].parse().ok())
        .collect()
}

/// A published `POST /upload` whose backend counts the calls that reach it and answers
/// with the names of the headers it received and the body. Returns the Host to call and the count.
async fn counted_upload(app: &TestApp, name: &str) -> (String, Arc<AtomicUsize>) {
    let admin = admin_token(app).await;
    let reached = Arc::new(AtomicUsize::new(0));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let backend = listener.local_addr().unwrap();
    let counter = reached.clone();
    let echo = axum::Router::new().fallback(any(move |request: Request| {
        let counter = counter.clone();
        async move {
            counter.fetch_add(1, Ordering::SeqCst);
            let (parts, body) = request.into_parts();
            let names: Vec<String> = parts.headers.keys().map(|k| k.to_string()).collect();
            // Read to the end, as a real backend does before it answers.
            let body = axum::body::to_bytes(body, usize::MAX).await.unwrap();
            axum::Json(json!({ "headers": names, "body": String::from_utf8_lossy(&body) }))
        }
    }));
    tokio::spawn(async move { axum::serve(listener, echo).await.unwrap() });
    let at = group(app, &admin, name).await;
    at.publish(upload(backend)).await;
    at.until(Method::POST, "/upload", 200).await;
    (format!("{}.apig.localhost", at.group_id), reached)
}

#[tokio::test]
async fn headers_named_by_the_callers_connection_header_stop_at_the_gateway() {
    let app = TestApp::spawn().await;
    let (host, reached) = counted_upload(&app, "gw-hop").await;
    let answer = answered(
        &app,
        &format!(
            "POST /upload HTTP/1.1\r\nHost: {host}\r\nConnection: X-Hop-Secret, close\r\nX-Hop-Secret: s\r\nX-Kept: k\r\nContent-Length: 0\r\n\r\n"
        ),
    )
    .await;
    let (status, body) = status_and_body(answer.as_bytes());
    assert_eq!(status, 200, "{body}");
    let echoed: Value = serde_json::from_str(&body).unwrap();
    let names: Vec<&str> = echoed["headers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap())
        .collect();
    assert!(names.contains(&"x-kept"), "{names:?}");
    assert!(!names.contains(&"x-hop-secret"), "{names:?}");
    assert!(reached.load(Ordering::SeqCst) >= 2);
    app.stop().await;
}

#[tokio::test]
async fn a_request_with_both_content_length_and_transfer_encoding_never_reaches_a_backend() {
    let app = TestApp::spawn().await;
    let (host, reached) = counted_upload(&app, "gw-smuggle").await;
    let before = reached.load(Ordering::SeqCst);
    // Either order, alone on its connection or after a good call on a kept-alive one.
    for (lines, good_first) in [
        ("Content-Length: 5\r\nTransfer-Encoding: chunked", false),
        ("transfer-encoding: chunked\r\ncontent-length: 5", false),
        ("Content-Length: 5\r\nTransfer-Encoding: chunked", true),
    ] {
        let good = if good_first {
            format!("POST /upload HTTP/1.1\r\nHost: {host}\r\nContent-Length: 2\r\n\r\nok")
        } else {
            String::new()
        };
        let answer = answered(
            &app,
            &format!(
                "{good}POST /upload HTTP/1.1\r\nHost: {host}\r\n{lines}\r\n\r\n0\r\n\r\nGET /upload HTTP/1.1\r\nHost: {host}\r\n\r\n"
            ),
        )
        .await;
        let expected: &[u16] = if good_first { &[200, 400] } else { &[400] };
        assert_eq!(statuses(&answer), expected, "{answer}");
        let refusal = answer.rsplit("\r\n\r\n").next().unwrap();
        let refusal: Value = serde_json::from_str(refusal).unwrap();
        assert_eq!(refusal["error_code"], "APIG.0201", "{answer}");
        assert_says(&refusal, "Content-Length");
    }
    assert_eq!(
        reached.load(Ordering::SeqCst) - before,
        1,
        "only the good call arrived"
    );

    // A body that only looks like such a head is a body: both calls reach the backend.
    let inside = "POST /upload HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n";
    let answer = answered(
        &app,
        &format!(
            "POST /upload HTTP/1.1\r\nHost: {host}\r\nContent-Length: {}\r\n\r\n{inside}\
             POST /upload HTTP/1.1\r\nHost: {host}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
            inside.len()
        ),
    )
    .await;
    assert_eq!(statuses(&answer), [200, 200], "{answer}");
    assert_eq!(reached.load(Ordering::SeqCst) - before, 3);
    app.stop().await;
}
