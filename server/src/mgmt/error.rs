//! Management API errors, mapped from `AppError` in one place and rendered in one place.
//!
//! A handler, an extractor or the authentication step fails with an `ApiError` (status,
//! APIG code, message). Its response carries the error as an extension; `respond`, the
//! outermost layer of the management router, renders it in the shape of the API the path
//! belongs to: APIG's `{"error_code": "APIG.xxxx", "error_msg": "..."}` on `/v2/`, and
//! Keystone's `{"error": {"code": 404, "message": "...", "title": "Not Found"}}` on IAM's
//! `/v3/` and `/v3.0/` paths. The same layer gives every management response its
//! `X-Request-Id`, and answers a bare error status (an unknown path, a method a path does
//! not serve) in the same shape.
use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use app::error::AppError;
use app::services::ids::new_id;

#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
        }
    }

    /// A request body that is not the JSON the endpoint expects.
    pub fn bad_body(detail: impl std::fmt::Display) -> Self {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "APIG.2011",
            format!("The request body is invalid: {detail}"),
        )
    }

    /// A query or path parameter that is wrong, named as APIG names it.
    pub fn invalid_parameter(name: &str, detail: impl std::fmt::Display) -> Self {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "APIG.2012",
            format!("Invalid parameter value, parameterName:{name}. {detail}"),
        )
    }

    pub fn unauthenticated(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::UNAUTHORIZED, "APIG.1000", message)
    }

    fn apig_body(&self) -> serde_json::Value {
        json!({ "error_code": self.code, "error_msg": self.message })
    }

    fn iam_body(&self) -> serde_json::Value {
        json!({ "error": {
            "code": self.status.as_u16(),
            "message": self.message,
            "title": self.status.canonical_reason().unwrap_or("Error"),
        }})
    }
}

impl From<AppError> for ApiError {
    fn from(error: AppError) -> Self {
        let status =
            StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let message = error.describe();
        let status = match error {
            // Wrong passwords and locks are authentication failures to an API caller.
            AppError::InvalidCredentials | AppError::Locked { .. } => StatusCode::UNAUTHORIZED,
            AppError::Transport(_) => StatusCode::INTERNAL_SERVER_ERROR,
            _ => status,
        };
        ApiError::new(status, error.code(), message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.status, Json(self.apig_body())).into_response();
        response.extensions_mut().insert(self);
        response
    }
}

/// Which API a path belongs to, for the shape of its errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Face {
    Apig,
    Iam,
}

impl Face {
    fn of(path: &str) -> Face {
        if path.starts_with("/v2/") {
            Face::Apig
        } else {
            Face::Iam
        }
    }
}

/// The outermost management layer: a request id on every response, and every error in the
/// shape of its API.
pub async fn respond(request: Request, next: Next) -> Response {
    let face = Face::of(request.uri().path());
    let request_id = new_id();
    let mut response = next.run(request).await;
    let error = response.extensions_mut().remove::<ApiError>().or_else(|| {
        let status = response.status();
        let bare = (status.is_client_error() || status.is_server_error()) && !is_json(&response);
        bare.then(|| bare_error(status))
    });
    if let Some(error) = error {
        let keep = response.headers().clone();
        let body = match face {
            Face::Apig => error.apig_body(),
            Face::Iam => error.iam_body(),
        };
        response = (error.status, Json(body)).into_response();
        for name in [header::ALLOW, header::WWW_AUTHENTICATE] {
            if let Some(value) = keep.get(&name) {
                response.headers_mut().insert(name, value.clone());
            }
        }
    }
    response.headers_mut().insert(
        "x-request-id",
        HeaderValue::from_str(&request_id).expect("hex is a valid header value"),
    );
    response
}

fn is_json(response: &Response) -> bool {
    response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("application/json"))
}

/// An error status a handler did not explain (axum's own 404 and 405).
fn bare_error(status: StatusCode) -> ApiError {
    match status {
        StatusCode::NOT_FOUND => ApiError::new(
            status,
            "APIG.3000",
            "The requested path does not exist in the management API.",
        ),
        StatusCode::METHOD_NOT_ALLOWED => ApiError::new(
            status,
            "APIG.2000",
            "This path does not accept this method; the Allow header lists those it does.",
        ),
        StatusCode::PAYLOAD_TOO_LARGE => {
            ApiError::new(status, "APIG.2011", "The request body is too large.")
        }
        other => ApiError::new(
            other,
            "APIG.9999",
            other.canonical_reason().unwrap_or("The request failed."),
        ),
    }
}

/// The answer to a path no management route serves (after authentication).
pub async fn unknown_path() -> ApiError {
    bare_error(StatusCode::NOT_FOUND)
}
