//! `floor LISTEN BACKEND`: proxies every request to `http://BACKEND` with the path kept.
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::serve::ListenerExt;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Clone)]
struct Proxy {
    client: Client<HttpConnector, Body>,
    backend: String,
}

async fn forward(State(proxy): State<Proxy>, request: Request) -> Response {
    let (mut parts, body) = request.into_parts();
    let target = format!("http://{}{}", proxy.backend, parts.uri.path());
    let Ok(uri) = target.parse() else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    parts.uri = uri;
    parts.headers.remove("host");
    match proxy.client.request(Request::from_parts(parts, body)).await {
        Ok(response) => response.map(Body::new),
        Err(_) => StatusCode::BAD_GATEWAY.into_response(),
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(listen), Some(backend)) = (args.next(), args.next()) else {
        eprintln!("usage: floor LISTEN BACKEND");
        std::process::exit(2);
    };
    let mut connector = HttpConnector::new();
    connector.set_nodelay(true);
    let proxy = Proxy {
        client: Client::builder(TokioExecutor::new()).build(connector),
        backend,
    };
    let listener = tokio::net::TcpListener::bind(&listen)
        .await
        .expect("the listen address is free")
        .tap_io(|tcp| {
            let _ = tcp.set_nodelay(true);
        });
    let app = axum::Router::new().fallback(forward).with_state(proxy);
    axum::serve(listener, app).await.expect("serving");
}
