//! Backend connections: kept open between calls, and replaced when the backend closes
//! them — whether it says so (`Connection: close`) or closes an idle one without a word.
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use reqwest::Method;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::mpsc;

use super::{group, until_status};
use crate::iam_support::admin_token;
use crate::support::TestApp;

/// What a raw backend does after a request: answer in these pieces (each its own write),
/// then keep the connection, close it, or close it as if it had been kept (as a backend does
/// when its idle timeout passes; reported on the backend's `closed` channel).
struct Answer {
    pieces: Vec<Vec<u8>>,
    then: Then,
}

#[derive(PartialEq)]
enum Then {
    Keep,
    Close,
    CloseQuietly,
}

/// A raw HTTP/1.1 backend (requests without bodies) that answers each request as `answer`
/// says for its path, and counts the connections it accepts.
async fn raw_backend(
    answer: fn(&str) -> Answer,
) -> (SocketAddr, Arc<AtomicUsize>, mpsc::UnboundedReceiver<()>) {
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
                    let answer = answer(head.split(' ').nth(1).unwrap_or_default());
                    for piece in &answer.pieces {
                        if socket.write_all(piece).await.is_err() {
                            return;
                        }
                    }
                    match answer.then {
                        Then::Keep => {}
                        Then::Close => return,
                        Then::CloseQuietly => {
                            let _ = socket.shutdown().await;
                            drop(socket);
                            let _ = closed_tx.send(());
                            return;
                        }
                    }
                }
            });
        }
    });
    (addr, accepted, closed)
}

/// Makes `calls` calls in a row, each answering 200 with `expected`; returns how many
/// connections the backend accepted meanwhile.
async fn new_connections(
    accepted: &AtomicUsize,
    calls: usize,
    call: impl Fn() -> reqwest::RequestBuilder,
    expected: &str,
) -> usize {
    let before = accepted.load(Ordering::SeqCst);
    for _ in 0..calls {
        let response = call().send().await.unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(response.text().await.unwrap(), expected);
    }
    accepted.load(Ordering::SeqCst) - before
}

/// Answers `ok`; on `/close` with `Connection: close`, and closes; on `/quiet` as if it
/// kept the connection, then closes it.
fn closing(path: &str) -> Answer {
    let close = if path == "/close" {
        "Connection: close\r\n"
    } else {
        ""
    };
    Answer {
        pieces: vec![format!("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n{close}\r\nok").into_bytes()],
        then: match path {
            "/close" => Then::Close,
            "/quiet" => Then::CloseQuietly,
            _ => Then::Keep,
        },
    }
}

/// Publishes `GET {path}` for each path, proxied to the same path on `backend`; returns a
/// caller for the group (one connection, so one gateway worker and its pool serve it).
async fn publish_paths(
    app: &TestApp,
    name: &str,
    backend: SocketAddr,
    paths: &[&str],
) -> impl Fn(&str) -> reqwest::RequestBuilder {
    let admin = admin_token(app).await;
    let at = group(app, &admin, name).await;
    for path in paths {
        let definition = json!({
            "name": format!("api{}", path.trim_start_matches('/').replace('-', "")), "type": 1,
            "req_protocol": "HTTP", "req_method": "GET", "req_uri": path,
            "auth_type": "NONE", "backend_type": "HTTP",
            "backend_api": { "url_domain": backend.to_string(), "req_protocol": "HTTP",
                             "req_method": "GET", "req_uri": path, "timeout": 5000 }
        });
        at.publish(definition).await;
    }
    let caller = reqwest::Client::new();
    let host = format!("{}.apig.localhost", at.group_id);
    let gateway = app.gateway.clone();
    move |path: &str| {
        caller
            .request(Method::GET, format!("{gateway}{path}"))
            .header("host", &host)
    }
}

#[tokio::test]
async fn backend_connections_are_reused_and_replaced_when_the_backend_closes_them() {
    let app = TestApp::spawn().await;
    let (backend, accepted, mut closed) = raw_backend(closing).await;
    let call = publish_paths(&app, "gw-upstream", backend, &["/kept", "/close", "/quiet"]).await;
    until_status(|| call("/quiet"), 200).await;
    closed.recv().await.unwrap();
    until_status(|| call("/kept"), 200).await;

    // Kept: five calls in a row go over one backend connection.
    assert_eq!(
        new_connections(&accepted, 5, || call("/kept"), "ok").await,
        0,
        "a new backend connection for a call while one was idle"
    );

    // Closed with `Connection: close`: every call still answers; the first goes on the idle
    // connection, each one after it on a new one.
    assert_eq!(
        new_connections(&accepted, 3, || call("/close"), "ok").await,
        2
    );

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

/// The chunked answer: two chunks (one with an extension), then a trailer.
const CHUNKED: [&[u8]; 4] = [
    b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
    b"5;note=first\r\nhello\r\n",
    b"6\r\n world\r\n",
    b"0\r\nX-Checksum: 1\r\n\r\n",
];
const BIG: usize = 300_000;

fn framed(path: &str) -> Answer {
    let (pieces, then): (Vec<Vec<u8>>, Then) = match path {
        "/chunked" => (CHUNKED.iter().map(|p| p.to_vec()).collect(), Then::Keep),
        "/big" => {
            let head = format!("HTTP/1.1 200 OK\r\nContent-Length: {BIG}\r\n\r\n");
            let mut pieces = vec![head.into_bytes()];
            pieces.extend((0..3).map(|n| vec![b'a' + n as u8; BIG / 3]));
            (pieces, Then::Keep)
        }
        "/to-the-end" => (
            vec![
                b"HTTP/1.1 200 OK\r\n\r\n".to_vec(),
                b"until the backend closes".to_vec(),
            ],
            Then::Close,
        ),
        "/bad-chunk" => (
            vec![
                b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\nzz\r\n"
                    .to_vec(),
            ],
            Then::Close,
        ),
        _ => (vec![b"NOT HTTP AT ALL\r\n\r\n".to_vec()], Then::Close),
    };
    Answer { pieces, then }
}

#[tokio::test]
async fn backend_bodies_arrive_whole_in_every_framing_and_broken_ones_are_not_passed_as_whole() {
    let app = TestApp::spawn().await;
    let (backend, accepted, _closed) = raw_backend(framed).await;
    let paths = ["/chunked", "/big", "/to-the-end", "/bad-chunk", "/garbage"];
    let call = publish_paths(&app, "gw-framing", backend, &paths).await;
    until_status(|| call("/chunked"), 200).await;

    // Chunked, read to its last chunk: the body whole, the connection kept for the next call
    // (counted from a first call read whole, on the caller connection the rest will use).
    assert_eq!(
        call("/chunked").send().await.unwrap().text().await.unwrap(),
        "hello world"
    );
    assert_eq!(
        new_connections(&accepted, 3, || call("/chunked"), "hello world").await,
        0,
        "a chunked answer's connection was not kept"
    );

    // A long body in several writes, by its length.
    let response = call("/big").send().await.unwrap();
    assert_eq!(response.status(), 200);
    let body = response.bytes().await.unwrap();
    assert_eq!(body.len(), BIG);
    assert!(body[..BIG / 3].iter().all(|&b| b == b'a') && body[BIG - 1] == b'c');

    // No length: everything until the backend closes; the next call needs a new connection.
    let response = call("/to-the-end").send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.unwrap(), "until the backend closes");
    let before = accepted.load(Ordering::SeqCst);
    assert_eq!(
        call("/chunked").send().await.unwrap().text().await.unwrap(),
        "hello world"
    );
    assert_eq!(accepted.load(Ordering::SeqCst) - before, 1);

    // A broken chunk after the head went out: the caller sees the body fail, never a short
    // body that looks complete.
    // (The head may not have gone out yet when the bad chunk is read: then the call fails.)
    if let Ok(response) = call("/bad-chunk").send().await {
        assert_eq!(response.status(), 200);
        assert!(
            response.text().await.is_err(),
            "a broken chunked body reached the caller as whole"
        );
    }

    // Not HTTP at all: APIG's backend error.
    let response = call("/garbage").send().await.unwrap();
    assert_eq!(response.status(), 502);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["error_code"], "APIG.0201", "{body}");
    assert_eq!(body["error_msg"], "Backend unavailable.", "{body}");
    app.stop().await;
}
