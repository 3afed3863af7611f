//! Slow and idle clients on the console and gateway listeners: a head that trickles in is
//! cut off after the header timeout, an idle connection after the keep-alive timeout, and
//! past the connection cap new connections wait for a free slot, while everyone else is
//! served. The timeouts are set to a second or two here; the waits below only bound how
//! long a failing test takes.
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::support::{TestApp, ADMIN_PASSWORD};

/// Longest any step may take before the test counts it as never happening.
const NEVER: Duration = Duration::from_secs(20);

async fn spawn(extra: &[&str]) -> TestApp {
    let mut args = vec![
        "--admin-password",
        ADMIN_PASSWORD,
        "--header-timeout",
        "1",
        "--keep-alive-timeout",
        "2",
    ];
    args.extend_from_slice(extra);
    TestApp::spawn_with(&args).await
}

fn addr(url: &str) -> String {
    url.trim_start_matches("http://").to_owned()
}

/// Reads until the server closes the connection; what it sent.
async fn until_closed(stream: &mut TcpStream) -> String {
    let mut answer = Vec::new();
    let read = tokio::time::timeout(NEVER, stream.read_to_end(&mut answer)).await;
    assert!(read.is_ok(), "the server kept the connection open");
    String::from_utf8_lossy(&answer).into_owned()
}

/// One whole request on a fresh connection, as a well-behaved client sends it.
async fn status_of(at: &str, host: &str, path: &str) -> u16 {
    let mut stream = TcpStream::connect(at).await.unwrap();
    let request = format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let answer = until_closed(&mut stream).await;
    answer.split(' ').nth(1).unwrap().parse().unwrap()
}

#[tokio::test]
async fn a_head_that_trickles_in_is_cut_off_while_others_are_served() {
    let app = spawn(&[]).await;
    for (listener, path) in [
        (addr(&app.console), "/healthz"),
        (addr(&app.gateway), "/nothing"),
    ] {
        let mut slow = TcpStream::connect(&listener).await.unwrap();
        let head = format!("GET {path} HTTP/1.1\r\nHost: {listener}\r\nX-Slow: ");
        let mut pace = tokio::time::interval(Duration::from_millis(250));
        let mut closed = false;
        // One byte at a time, for longer than the header timeout allows.
        for byte in head.bytes().chain(std::iter::repeat(b'a')).take(200) {
            pace.tick().await;
            if slow.write_all(&[byte]).await.is_err() {
                closed = true;
                break;
            }
            // Meanwhile another client is served at once.
            if byte == b'X' {
                let expected = if path == "/healthz" { 200 } else { 404 };
                assert_eq!(status_of(&listener, &listener, path).await, expected);
            }
            let mut probe = [0u8; 1];
            if let Ok(0) = slow.try_read(&mut probe) {
                closed = true;
                break;
            }
        }
        assert!(closed, "{listener}: a trickling head was never cut off");
    }
    app.stop().await;
}

#[tokio::test]
async fn an_idle_connection_is_closed_after_the_keep_alive_timeout() {
    let app = spawn(&[]).await;
    for listener in [addr(&app.console), addr(&app.gateway)] {
        let mut stream = TcpStream::connect(&listener).await.unwrap();
        // A new connection that never sends anything...
        assert_eq!(until_closed(&mut stream).await, "", "{listener}");
        // ...and one that sent a request, got its answer and then idles.
        let mut stream = TcpStream::connect(&listener).await.unwrap();
        let request = format!("GET /healthz HTTP/1.1\r\nHost: {listener}\r\n\r\n");
        stream.write_all(request.as_bytes()).await.unwrap();
        let answered = until_closed(&mut stream).await;
        assert!(answered.starts_with("HTTP/1.1 "), "{listener}: {answered}");
    }
    app.stop().await;
}

#[tokio::test]
async fn past_the_connection_cap_a_new_connection_waits_for_a_free_slot() {
    let app = spawn(&["--console-max-connections", "2"]).await;
    let console = addr(&app.console);
    let mut idle = vec![
        TcpStream::connect(&console).await.unwrap(),
        TcpStream::connect(&console).await.unwrap(),
    ];
    // Both slots are taken once the server has answered on each connection.
    for stream in &mut idle {
        let request = format!("GET /healthz HTTP/1.1\r\nHost: {console}\r\n\r\n");
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut answer = [0u8; 12];
        stream.read_exact(&mut answer).await.unwrap();
        assert!(answer.starts_with(b"HTTP/1.1 200"));
    }
    // The third is answered only once the server has closed an idle one.
    assert_eq!(status_of(&console, &console, "/healthz").await, 200);
    let mut closed = 0;
    for stream in &mut idle {
        let mut rest = Vec::new();
        if let Ok(Ok(_)) = tokio::time::timeout(Duration::ZERO, stream.read_to_end(&mut rest)).await
        {
            closed += 1;
        }
    }
    assert!(
        closed >= 1,
        "the third connection was served while both slots were held"
    );
    app.stop().await;
}
