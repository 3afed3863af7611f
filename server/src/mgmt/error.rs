//! Management API errors: APIG's `{"error_code": "APIG.xxxx", "error_msg": "..."}` with the
//! status and code ranges of the APIG error table, mapped from `AppError` in one place.
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use app::error::AppError;

#[derive(Debug)]
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

    pub fn unauthenticated(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::UNAUTHORIZED, "APIG.1000", message)
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
        (
            self.status,
            Json(json!({ "error_code": self.code, "error_msg": self.message })),
        )
            .into_response()
    }
}
