//! The console's middleware stack, in one place, outermost first.
use axum::extract::Request;
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::{from_fn, from_fn_with_state, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;
use tower::ServiceBuilder;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};
use tower_sessions_sqlx_store::PostgresStore;

use super::{gate, ConsoleState};

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "portico_session";

/// The session store: rows in `console_sessions` (created by our migrations).
pub fn session_store(pool: sqlx::PgPool) -> PostgresStore {
    PostgresStore::new(pool)
        .with_schema_name("public")
        .and_then(|store| store.with_table_name("console_sessions"))
        .expect("static schema and table names are valid identifiers")
}

pub fn apply(router: Router, state: ConsoleState) -> Router {
    let sessions = SessionManagerLayer::new(session_store(state.pool.clone()))
        .with_name(SESSION_COOKIE)
        .with_path("/")
        .with_http_only(true)
        .with_same_site(SameSite::Strict)
        .with_secure(state.sessions.secure_cookies)
        .with_expiry(Expiry::OnInactivity(state.sessions.idle));
    router.layer(
        ServiceBuilder::new()
            // 1. Trace first, so every response (refusals included) is logged with its status.
            .layer(TraceLayer::new_for_http())
            // 2. Hardening headers on every response, whatever produced it.
            .layer(SetResponseHeaderLayer::if_not_present(
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ))
            .layer(SetResponseHeaderLayer::if_not_present(
                header::X_FRAME_OPTIONS,
                HeaderValue::from_static("DENY"),
            ))
            .layer(SetResponseHeaderLayer::if_not_present(
                header::REFERRER_POLICY,
                HeaderValue::from_static("same-origin"),
            ))
            // 3. Cross-site writes are refused before any session is loaded.
            .layer(from_fn(same_origin_writes))
            // 4. Sessions: HttpOnly, SameSite=Strict cookies, idle expiry, rows in PostgreSQL.
            .layer(sessions)
            // 5. The gate needs the session: everything but sign-in and assets requires one.
            .layer(from_fn_with_state(state, gate::require_session)),
    )
}

/// Refuses a state-changing request that a browser marks as coming from another site
/// (`Sec-Fetch-Site: cross-site`, or an `Origin` whose host is not this console's). This is
/// on top of `SameSite=Strict`, and also protects sign-in, which has no session yet.
async fn same_origin_writes(request: Request, next: Next) -> Response {
    let safe = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    if !safe && is_cross_site(&request) {
        return (
            StatusCode::FORBIDDEN,
            "Cross-site requests cannot change anything in the Portico console.",
        )
            .into_response();
    }
    next.run(request).await
}

fn is_cross_site(request: &Request) -> bool {
    let headers = request.headers();
    if headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) == Some("cross-site") {
        return true;
    }
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let origin_host = origin
        .split_once("://")
        .map(|(_, rest)| rest)
        .unwrap_or(origin);
    origin_host != host
}
