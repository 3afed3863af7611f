//! Gateway errors and how they are rendered: APIG's status, error code and message, as
//! JSON with the request id in the body and in `X-Request-Id`.
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use super::RequestId;

/// Why the gateway refused or failed a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GatewayError {
    /// No published API matches the request in the selected environment.
    ApiNotFound,
}

impl GatewayError {
    pub fn status(self) -> StatusCode {
        match self {
            GatewayError::ApiNotFound => StatusCode::NOT_FOUND,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            GatewayError::ApiNotFound => "APIG.0101",
        }
    }

    pub fn message(self) -> &'static str {
        match self {
            GatewayError::ApiNotFound => {
                "The API does not exist or has not been published in the environment."
            }
        }
    }

    pub fn into_response(self, request_id: &RequestId) -> Response {
        #[derive(Serialize)]
        struct Body<'a> {
            error_code: &'a str,
            error_msg: &'a str,
            request_id: &'a str,
        }
        let body = serde_json::to_vec(&Body {
            error_code: self.code(),
            error_msg: self.message(),
            request_id: request_id.as_str(),
        })
        .unwrap_or_default();
        let mut response = (self.status(), body).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        if let Ok(value) = HeaderValue::from_str(request_id.as_str()) {
            headers.insert("x-request-id", value);
        }
        response
    }
}
