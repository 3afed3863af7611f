//! Paths reach the backend as callers wrote them: normalised once before routing, each
//! path parameter decoded once and encoded once, greedy values with their slashes and never
//! above the backend path's prefix. Sent over raw sockets, since HTTP clients normalise
//! paths themselves.
use serde_json::{json, Value};

use super::framing::answered;
use super::*;

#[tokio::test]
async fn paths_reach_the_backend_encoded_once_and_never_above_their_prefix() {
    let (app, admin) = TestApp::with_admin().await;
    let backend = echo_backend().await;
    let at = group(&app, &admin, "gw-paths").await;
    for (name, front, back) in [
        ("order", "/orders/{id}", "/v1/orders/{id}"),
        ("files", "/files/{p+}", "/f/{p+}"),
    ] {
        at.publish(json!({
            "name": name, "type": 1, "req_protocol": "HTTP", "req_method": "GET", "req_uri": front,
            "auth_type": "NONE", "backend_type": "HTTP",
            "req_params": [{ "name": if name == "order" { "id" } else { "p" }, "type": "STRING", "location": "PATH", "required": 1 }],
            "backend_api": { "url_domain": backend.to_string(), "req_protocol": "HTTP", "req_method": "GET",
                             "req_uri": back, "timeout": 5000 }
        })).await;
    }
    at.until(Method::GET, "/orders/1", 200).await;
    at.until(Method::GET, "/files/1", 200).await;
    let host = format!("{}.apig.localhost", at.group_id);
    let get =
        |path: &str| format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
    let reached = |answer: &str| -> (u16, Value) {
        let status = answer.split(' ').nth(1).unwrap().parse().unwrap();
        let body = answer.split_once("\r\n\r\n").map_or("", |(_, b)| b);
        (status, serde_json::from_str(body).unwrap_or(Value::Null))
    };
    for (sent, expected) in [
        ("/orders/a%20b", "/v1/orders/a%20b"),
        ("/orders/a.b-c_d~e", "/v1/orders/a.b-c_d~e"),
        ("/orders/%7Eme", "/v1/orders/~me"),
        ("/orders/a%2Fb", "/v1/orders/a%2Fb"),
        ("/orders/a%3Fb%23c", "/v1/orders/a%3Fb%23c"),
        (
            "/orders/%E4%BD%A0%E5%A5%BD",
            "/v1/orders/%E4%BD%A0%E5%A5%BD",
        ),
        ("/orders/x/../7", "/v1/orders/7"),
        ("/files/a/b/c.txt", "/f/a/b/c.txt"),
        ("/files/a/./b/../c%20d.txt", "/f/a/c%20d.txt"),
        ("/files/%C3%BC/x", "/f/%C3%BC/x"),
    ] {
        let (status, echoed) = reached(&answered(&app, &get(sent)).await);
        assert_eq!(status, 200, "{sent}: {echoed}");
        assert_eq!(echoed["path"], expected, "{sent}");
    }
    // Above the root, or above the backend's prefix through encoded dots and slashes:
    // refused before any backend is asked.
    for sent in [
        "/files/../../etc/passwd",
        "/files/%2e%2e/%2E%2E/etc/passwd",
        "/files/a%2F..%2F..%2Fetc%2Fpasswd",
        "/orders/%2e%2e%2fadmin",
        "/orders/..%2F..%2Fadmin",
    ] {
        let (status, refused) = reached(&answered(&app, &get(sent)).await);
        assert_eq!(status, 400, "{sent}: {refused}");
        assert_eq!(refused["error_code"], "APIG.0201", "{sent}");
    }
    app.stop().await;
}
