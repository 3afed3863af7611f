//! Gateway errors and how they are rendered: APIG's status, error code and message (§5.3),
//! as JSON with the request id in the body and in `X-Request-Id`, and `Server: api-gateway`.
use axum::http::{header, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use super::RequestId;

/// Why the gateway refused or failed a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GatewayError {
    /// No published API matches the request in the selected environment (`NOT_FOUND`).
    ApiNotFound,
    /// A request parameter is missing or breaks its rules (`REQUEST_PARAMETERS_FAILURE`).
    BadParameter(String),
    /// The API is served only over the other scheme (HTTPS-only called over HTTP, ...).
    WrongProtocol(&'static str),
    /// The request carries both `Content-Length` and `Transfer-Encoding` (RFC 9112 §6.3).
    AmbiguousFraming,
    /// The request path's dot segments climb above the root (`/a/../..`).
    PathAboveRoot,
    /// The body is larger than the gateway's `request_body_size`.
    BodyTooLarge,
    /// The request line's URI is longer than 32 KB.
    UriTooLarge,
    /// One header is longer than 32 KB, or all of them together longer than 128 KB.
    HeadersTooLarge,
    /// The API's definition cannot be served (a variable without a value, ...).
    BackendConfig(String),
    /// The backend did not answer in the API's timeout (`BACKEND_TIMEOUT`).
    BackendTimeout,
    /// The backend could not be reached (`BACKEND_UNAVAILABLE`).
    BackendUnavailable,
}

impl GatewayError {
    pub fn status(&self) -> StatusCode {
        match self {
            GatewayError::ApiNotFound => StatusCode::NOT_FOUND,
            GatewayError::BadParameter(_)
            | GatewayError::WrongProtocol(_)
            | GatewayError::AmbiguousFraming
            | GatewayError::PathAboveRoot => StatusCode::BAD_REQUEST,
            GatewayError::BodyTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            GatewayError::UriTooLarge => StatusCode::URI_TOO_LONG,
            GatewayError::HeadersTooLarge => {
                StatusCode::from_u16(494).unwrap_or(StatusCode::BAD_REQUEST)
            }
            GatewayError::BackendConfig(_) => StatusCode::INTERNAL_SERVER_ERROR,
            GatewayError::BackendTimeout => StatusCode::GATEWAY_TIMEOUT,
            GatewayError::BackendUnavailable => StatusCode::BAD_GATEWAY,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            GatewayError::ApiNotFound => "APIG.0101",
            GatewayError::BackendConfig(_) => "APIG.0105",
            GatewayError::WrongProtocol(_) => "APIG.0607",
            GatewayError::BadParameter(_)
            | GatewayError::AmbiguousFraming
            | GatewayError::PathAboveRoot
            | GatewayError::BodyTooLarge
            | GatewayError::UriTooLarge
            | GatewayError::HeadersTooLarge
            | GatewayError::BackendTimeout
            | GatewayError::BackendUnavailable => "APIG.0201",
        }
    }

    pub fn message(&self) -> String {
        match self {
            GatewayError::ApiNotFound => {
                "The API does not exist or has not been published in the environment.".to_owned()
            }
            GatewayError::BadParameter(detail) => detail.clone(),
            GatewayError::WrongProtocol(protocol) => {
                format!("The following protocol is supported: {protocol}")
            }
            GatewayError::AmbiguousFraming => {
                "The request declares its body both by Content-Length and by Transfer-Encoding."
                    .to_owned()
            }
            GatewayError::PathAboveRoot => "The request path climbs above the root.".to_owned(),
            GatewayError::BodyTooLarge => "Request entity too large.".to_owned(),
            GatewayError::UriTooLarge => "Request URI too large.".to_owned(),
            GatewayError::HeadersTooLarge => "Request headers too large.".to_owned(),
            // The reason names variables, addresses or paths: the caller is told only that
            // the API is misconfigured; the log has the reason under the request id, and
            // the console the API's state.
            GatewayError::BackendConfig(_) => "The backend configurations do not exist.".to_owned(),
            GatewayError::BackendTimeout => "Backend timeout.".to_owned(),
            GatewayError::BackendUnavailable => "Backend unavailable.".to_owned(),
        }
    }

    pub fn into_response(self, request_id: &RequestId) -> Response {
        if let GatewayError::BackendConfig(reason) = &self {
            tracing::warn!(
                request_id = request_id.as_str(),
                %reason,
                "a call was refused: its API's backend cannot be served"
            );
        }
        #[derive(Serialize)]
        struct Body<'a> {
            error_code: &'a str,
            error_msg: &'a str,
            request_id: &'a str,
        }
        let message = self.message();
        let body = serde_json::to_vec(&Body {
            error_code: self.code(),
            error_msg: &message,
            request_id: request_id.as_str(),
        })
        .unwrap_or_default();
        let mut response = (self.status(), body).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        stamp(headers, request_id);
        response
    }
}

const X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The headers every gateway response carries.
pub fn stamp(headers: &mut axum::http::HeaderMap, request_id: &RequestId) {
    if let Ok(value) = HeaderValue::from_str(request_id.as_str()) {
        headers.insert(X_REQUEST_ID, value);
    }
    headers.insert(header::SERVER, HeaderValue::from_static("api-gateway"));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn configuration_reasons_stay_out_of_error_bodies() {
        let reason = "the variable #inner_host# has no value in this environment".to_owned();
        let error = GatewayError::BackendConfig(reason);
        assert_eq!(error.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(error.code(), "APIG.0105");
        assert!(
            !error.message().contains("inner_host"),
            "{}",
            error.message()
        );
    }
}
