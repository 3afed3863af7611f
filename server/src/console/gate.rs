//! The sign-in gate: every console path but the sign-in page, its server function, static
//! assets and health endpoints needs a live session. Sessions past their absolute lifetime
//! are ended here, whatever their activity.
use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
use tower_sessions::Session;

use app::error::AppError;
use app::services::{iam::projects, iam::session};

use super::ConsoleState;

/// Paths anyone may reach; the management API authenticates its own calls.
fn is_public(path: &str) -> bool {
    matches!(
        path,
        "/signin" | "/api/sign_in" | "/healthz" | "/readyz" | "/favicon.svg" | "/favicon.ico"
    ) || path.starts_with("/pkg/")
        || crate::mgmt::is_api_path(path)
}

pub async fn require_session(
    State(state): State<ConsoleState>,
    session: Session,
    request: Request,
    next: Next,
) -> Response {
    if is_public(request.uri().path()) {
        return next.run(request).await;
    }
    match session::live(&state.pool, &session, state.sessions.max_age).await {
        Ok(Some(user)) => {
            let mut request = request;
            if !request.uri().path().starts_with("/api/") {
                // A page renders with the frame data (who the user is, what they may do)
                // known from the start, as the browser will hydrate it.
                match projects::shell_info(&state.pool, &user).await {
                    Ok(info) => {
                        request.extensions_mut().insert(info);
                    }
                    Err(error) => return failure(error),
                }
            }
            next.run(request).await
        }
        Ok(None) => refuse(&request),
        Err(error) => failure(error),
    }
}

/// Pages go to sign-in (and come back afterwards); server functions get an error the page
/// can show.
fn refuse(request: &Request) -> Response {
    if request.uri().path().starts_with("/api/") {
        return error_body(StatusCode::UNAUTHORIZED, &AppError::Unauthenticated);
    }
    let back = request
        .uri()
        .path_and_query()
        .map(|pq| pq.as_str())
        .unwrap_or("/");
    let location = if back == "/" {
        "/signin".to_owned()
    } else {
        format!(
            "/signin?next={}",
            utf8_percent_encode(back, NON_ALPHANUMERIC)
        )
    };
    Redirect::to(&location).into_response()
}

fn failure(error: AppError) -> Response {
    error_body(StatusCode::SERVICE_UNAVAILABLE, &error)
}

fn error_body(status: StatusCode, error: &AppError) -> Response {
    let body = serde_json::to_string(error).unwrap_or_default();
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}
