//! Backend connections: kept open between calls, and replaced when the backend closes
//! them — whether it says so (`Connection: close`) or closes an idle one without a word.
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use reqwest::Method;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::mpsc;

use super::{create_and_publish, group, until_status, RELEASE};
use crate::iam_support::admin_token;
use crate::support::TestApp;

/// A raw HTTP/1.1 backend that answers `ok` to every request and counts the connections it
/// accepts. On `/close` it answers with `Connection: close` and closes; on `/quiet` it
/// answers as if it kept the connection, then closes it without a word (as a backend does
/// when its idle timeout passes) and reports that on `closed`.
async fn closing_backend() -> (SocketAddr, Arc<AtomicUsize>, mpsc::UnboundedReceiver<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let accepted = Arc::new(AtomicUsize::new(0));
    let (closed_tx, closed) = mpsc::unbounded_channel();
    let counter = accepted.clone();
    tokio::spawn(async move {
        loop {
            let (mut socket, _) = listener.accept().await.unwrap();
            counter.fetch_add(1, Ordering::SeqCst);
            let closed_tx = closed_tx.clone();
            tokio::spawn(async move {
                let mut seen = Vec::new();
                let mut buffer = [0u8; 4096];
                loop {
                    let Ok(read) = socket.read(&mut buffer).await else {
                        return;
                    };
                    if read == 0 {
                        return;
                    }
                    seen.extend_from_slice(&buffer[..read]);
                    let Some(end) = seen.windows(4).position(|w| w == b"\r\n\r\n") else {
                        continue;
                    };
                    let head = String::from_utf8_lossy(&seen[..end]).into_owned();
                    seen.drain(..end + 4);
                    let path = head.split(' ').nth(1).unwrap_or_default().to_owned();
                    let close = if path == "/close" {
                        "Connection: close\r\n"
                    } else {
                        ""
                    };
                    let answer = format!("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n{close}\r\nok");
                    if socket.write_all(answer.as_bytes()).await.is_err() {
                        return;
                    }
                    if path == "/close" {
                        return;
                    }
                    if path == "/quiet" {
                        let _ = socket.shutdown().await;
                        drop(socket);
                        let _ = closed_tx.send(());
                        return;
                    }
                }
            });
        }
    });
    (addr, accepted, closed)
}

#[tokio::test]
async fn backend_connections_are_reused_and_replaced_when_the_backend_closes_them() {
    let app = TestApp::spawn().await;
    let admin = admin_token(&app).await;
    let (backend, accepted, mut closed) = closing_backend().await;
    let at = group(&app, &admin, "gw-upstream").await;
    for path in ["/kept", "/close", "/quiet"] {
        let definition = json!({
            "name": format!("api{}", path.trim_start_matches('/')), "type": 1,
            "req_protocol": "HTTP", "req_method": "GET", "req_uri": path,
            "auth_type": "NONE", "backend_type": "HTTP",
            "backend_api": { "url_domain": backend.to_string(), "req_protocol": "HTTP",
                             "req_method": "GET", "req_uri": path, "timeout": 5000 }
        });
        create_and_publish(&app, &admin, &at, definition, &[RELEASE]).await;
    }
    // One caller connection, so one gateway worker and its pool serve every call.
    let caller = reqwest::Client::new();
    let host = format!("{}.apig.localhost", at.group_id);
    let call = |path: &str| {
        caller
            .request(Method::GET, format!("{}{path}", app.gateway))
            .header("host", &host)
    };
    until_status(|| call("/quiet"), 200).await;
    closed.recv().await.unwrap();
    until_status(|| call("/kept"), 200).await;

    // Kept: five calls in a row go over one backend connection.
    let before = accepted.load(Ordering::SeqCst);
    for _ in 0..5 {
        let response = call("/kept").send().await.unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(response.text().await.unwrap(), "ok");
    }
    assert_eq!(
        accepted.load(Ordering::SeqCst) - before,
        0,
        "a new backend connection for a call while one was idle"
    );

    // Closed with `Connection: close`: every call still answers; the first goes on the idle
    // connection, each one after it on a new one.
    let before = accepted.load(Ordering::SeqCst);
    for _ in 0..3 {
        let response = call("/close").send().await.unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(response.text().await.unwrap(), "ok");
    }
    assert_eq!(accepted.load(Ordering::SeqCst) - before, 2);

    // Closed without a word while idle: the next call goes on a new connection, not to a 502.
    for _ in 0..3 {
        let response = call("/quiet").send().await.unwrap();
        assert_eq!(response.status(), 200);
        closed.recv().await.unwrap();
        let response = call("/kept").send().await.unwrap();
        assert_eq!(
            response.status(),
            200,
            "a call after the backend closed an idle connection"
        );
        assert_eq!(response.text().await.unwrap(), "ok");
    }
    app.stop().await;
}
