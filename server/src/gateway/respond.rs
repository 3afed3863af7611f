//! Phase 6, respond: what every answer carries, and the gateway's errors as callers see
//! them. Every failure is one `GatewayError` of one APIG response type (§5.1), rendered
//! here only: APIG's status, error code and message (§5.3), as JSON with the request id in
//! the body and in `X-Request-Id`, and `Server: api-gateway`. The custom error responses
//! of an API group will replace a type's status and body here.
use std::time::{Duration, Instant};

use axum::http::{header, HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use super::RequestId;

/// APIG's gateway response types (`spec/apig-reference.md` §5.1): every refusal and
/// failure is of one, which a group's custom error responses can restyle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResponseType {
    AccessDenied,
    AuthorizerConfFailure,
    AuthorizerFailure,
    AuthorizerIdentitiesFailure,
    ThirdAuthConfFailure,
    ThirdAuthFailure,
    ThirdAuthIdentitiesFailure,
    AuthFailure,
    AuthHeaderMissing,
    BackendTimeout,
    BackendUnavailable,
    /// Any other 4xx: it keeps its own status.
    Default4xx,
    /// Any other 5xx: it keeps its own status.
    Default5xx,
    NotFound,
    RequestParametersFailure,
    Throttled,
    Unauthorized,
    OrchestrationParameterNotFound,
    OrchestrationFailure,
}

impl ResponseType {
    /// Every type, in APIG's order.
    pub const ALL: [ResponseType; 19] = [
        ResponseType::AccessDenied,
        ResponseType::AuthorizerConfFailure,
        ResponseType::AuthorizerFailure,
        ResponseType::AuthorizerIdentitiesFailure,
        ResponseType::ThirdAuthConfFailure,
        ResponseType::ThirdAuthFailure,
        ResponseType::ThirdAuthIdentitiesFailure,
        ResponseType::AuthFailure,
        ResponseType::AuthHeaderMissing,
        ResponseType::BackendTimeout,
        ResponseType::BackendUnavailable,
        ResponseType::Default4xx,
        ResponseType::Default5xx,
        ResponseType::NotFound,
        ResponseType::RequestParametersFailure,
        ResponseType::Throttled,
        ResponseType::Unauthorized,
        ResponseType::OrchestrationParameterNotFound,
        ResponseType::OrchestrationFailure,
    ];

    /// The key the management API names it by (`responses{}` of a response set).
    pub fn key(self) -> &'static str {
        match self {
            ResponseType::AccessDenied => "ACCESS_DENIED",
            ResponseType::AuthorizerConfFailure => "AUTHORIZER_CONF_FAILURE",
            ResponseType::AuthorizerFailure => "AUTHORIZER_FAILURE",
            ResponseType::AuthorizerIdentitiesFailure => "AUTHORIZER_IDENTITIES_FAILURE",
            ResponseType::ThirdAuthConfFailure => "THIRD_AUTH_CONF_FAILURE",
            ResponseType::ThirdAuthFailure => "THIRD_AUTH_FAILURE",
            ResponseType::ThirdAuthIdentitiesFailure => "THIRD_AUTH_IDENTITIES_FAILURE",
            ResponseType::AuthFailure => "AUTH_FAILURE",
            ResponseType::AuthHeaderMissing => "AUTH_HEADER_MISSING",
            ResponseType::BackendTimeout => "BACKEND_TIMEOUT",
            ResponseType::BackendUnavailable => "BACKEND_UNAVAILABLE",
            ResponseType::Default4xx => "DEFAULT_4XX",
            ResponseType::Default5xx => "DEFAULT_5XX",
            ResponseType::NotFound => "NOT_FOUND",
            ResponseType::RequestParametersFailure => "REQUEST_PARAMETERS_FAILURE",
            ResponseType::Throttled => "THROTTLED",
            ResponseType::Unauthorized => "UNAUTHORIZED",
            ResponseType::OrchestrationParameterNotFound => "ORCHESTRATION_PARAMETER_NOT_FOUND",
            ResponseType::OrchestrationFailure => "ORCHESTRATION_FAILURE",
        }
    }

    /// APIG's default status; `None` for the two defaults, which keep the error's own.
    pub fn default_status(self) -> Option<StatusCode> {
        Some(match self {
            ResponseType::AccessDenied => StatusCode::FORBIDDEN,
            ResponseType::AuthorizerConfFailure
            | ResponseType::AuthorizerFailure
            | ResponseType::ThirdAuthConfFailure => StatusCode::INTERNAL_SERVER_ERROR,
            ResponseType::AuthorizerIdentitiesFailure
            | ResponseType::ThirdAuthFailure
            | ResponseType::ThirdAuthIdentitiesFailure
            | ResponseType::AuthFailure
            | ResponseType::AuthHeaderMissing
            | ResponseType::Unauthorized => StatusCode::UNAUTHORIZED,
            ResponseType::BackendTimeout => StatusCode::GATEWAY_TIMEOUT,
            ResponseType::BackendUnavailable => StatusCode::BAD_GATEWAY,
            ResponseType::Default4xx | ResponseType::Default5xx => return None,
            ResponseType::NotFound => StatusCode::NOT_FOUND,
            ResponseType::RequestParametersFailure
            | ResponseType::OrchestrationParameterNotFound
            | ResponseType::OrchestrationFailure => StatusCode::BAD_REQUEST,
            ResponseType::Throttled => StatusCode::TOO_MANY_REQUESTS,
        })
    }
}

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
    /// An APP-authenticated API called without a signature, AppCode or key
    /// (`AUTH_HEADER_MISSING`).
    AuthHeaderMissing,
    /// The credential presented does not prove itself (`AUTH_FAILURE`): the reason after
    /// "Incorrect app authentication information: ".
    AppAuthFailure(String),
    /// The credential is not authorized for the API in this environment (`UNAUTHORIZED`).
    Unauthorized,
    /// The credential is frozen.
    AppFrozen,
    /// The credential's access control refuses the caller's address (`ACCESS_DENIED`).
    AppAddressDenied,
    /// An IAM-authenticated API called without a token or signature
    /// (`AUTH_HEADER_MISSING`).
    IamHeaderMissing,
    /// The token or access-key signature presented does not prove an IAM user
    /// (`AUTH_FAILURE`): the reason after "Incorrect IAM authentication information: ".
    IamAuthFailure(String),
    /// The token has expired (`AUTH_FAILURE`, APIG.0307).
    IamTokenExpired,
}

impl GatewayError {
    /// The response type it is answered as.
    pub fn response_type(&self) -> ResponseType {
        match self {
            GatewayError::ApiNotFound => ResponseType::NotFound,
            GatewayError::BadParameter(_) => ResponseType::RequestParametersFailure,
            GatewayError::WrongProtocol(_)
            | GatewayError::AmbiguousFraming
            | GatewayError::PathAboveRoot
            | GatewayError::BodyTooLarge
            | GatewayError::UriTooLarge
            | GatewayError::HeadersTooLarge => ResponseType::Default4xx,
            GatewayError::BackendConfig(_) => ResponseType::Default5xx,
            GatewayError::BackendTimeout => ResponseType::BackendTimeout,
            GatewayError::BackendUnavailable => ResponseType::BackendUnavailable,
            GatewayError::AuthHeaderMissing | GatewayError::IamHeaderMissing => {
                ResponseType::AuthHeaderMissing
            }
            GatewayError::AppAuthFailure(_)
            | GatewayError::IamAuthFailure(_)
            | GatewayError::IamTokenExpired => ResponseType::AuthFailure,
            GatewayError::Unauthorized => ResponseType::Unauthorized,
            GatewayError::AppFrozen => ResponseType::Default4xx,
            GatewayError::AppAddressDenied => ResponseType::AccessDenied,
        }
    }

    /// Its type's status, or for the default types its own.
    pub fn status(&self) -> StatusCode {
        self.response_type()
            .default_status()
            .unwrap_or_else(|| match self {
                GatewayError::BodyTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
                GatewayError::UriTooLarge => StatusCode::URI_TOO_LONG,
                GatewayError::HeadersTooLarge => {
                    StatusCode::from_u16(494).unwrap_or(StatusCode::BAD_REQUEST)
                }
                GatewayError::BackendConfig(_) => StatusCode::INTERNAL_SERVER_ERROR,
                GatewayError::AppFrozen => StatusCode::METHOD_NOT_ALLOWED,
                // The other 400s: a wrong scheme, ambiguous framing, a path above the root.
                _ => StatusCode::BAD_REQUEST,
            })
    }

    pub fn code(&self) -> &'static str {
        match self {
            GatewayError::ApiNotFound => "APIG.0101",
            GatewayError::BackendConfig(_) => "APIG.0105",
            GatewayError::WrongProtocol(_) => "APIG.0607",
            GatewayError::AuthHeaderMissing | GatewayError::AppAuthFailure(_) => "APIG.0303",
            GatewayError::IamHeaderMissing | GatewayError::IamAuthFailure(_) => "APIG.0301",
            GatewayError::IamTokenExpired => "APIG.0307",
            GatewayError::Unauthorized => "APIG.0304",
            GatewayError::AppFrozen => "APIG.0502",
            GatewayError::AppAddressDenied => "APIG.0405",
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
            GatewayError::AuthHeaderMissing => {
                "Incorrect app authentication information: authorization header not found"
                    .to_owned()
            }
            GatewayError::AppAuthFailure(reason) => {
                format!("Incorrect app authentication information: {reason}")
            }
            GatewayError::Unauthorized => "The app is not authorized to access the API".to_owned(),
            GatewayError::AppFrozen => "The app has been frozen.".to_owned(),
            GatewayError::AppAddressDenied => {
                "The app is not accessed from a trusted IP address.".to_owned()
            }
            GatewayError::IamHeaderMissing => {
                "Incorrect IAM authentication information: X-Auth-Token or Authorization header not found"
                    .to_owned()
            }
            GatewayError::IamAuthFailure(reason) => {
                format!("Incorrect IAM authentication information: {reason}")
            }
            GatewayError::IamTokenExpired => "The token must be updated.".to_owned(),
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
const X_APIG_LATENCY: HeaderName = HeaderName::from_static("x-apig-latency");
const X_APIG_UPSTREAM_LATENCY: HeaderName = HeaderName::from_static("x-apig-upstream-latency");

/// The headers every gateway response carries.
pub fn stamp(headers: &mut HeaderMap, request_id: &RequestId) {
    if let Ok(value) = HeaderValue::from_str(request_id.as_str()) {
        headers.insert(X_REQUEST_ID, value);
    }
    headers.insert(header::SERVER, HeaderValue::from_static("api-gateway"));
}

/// An answer on its way out: the request id, and for a caller who asked with
/// `X-Apig-Mode: debug` (`started` is when the call arrived) the gateway's latency and the
/// backend's (`upstream`, for a call that reached one).
pub(super) fn finish(
    response: &mut Response,
    request_id: &RequestId,
    started: Option<Instant>,
    upstream: Option<Duration>,
) {
    let headers = response.headers_mut();
    stamp(headers, request_id);
    if let Some(started) = started {
        let ms = |d: Duration| HeaderValue::from(d.as_millis() as u64);
        headers.insert(X_APIG_LATENCY, ms(started.elapsed()));
        if let Some(upstream) = upstream {
            headers.insert(X_APIG_UPSTREAM_LATENCY, ms(upstream));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_response_type_has_apigs_key_and_default_status() {
        let table: Vec<(&str, Option<u16>)> = ResponseType::ALL
            .iter()
            .map(|t| (t.key(), t.default_status().map(|s| s.as_u16())))
            .collect();
        assert_eq!(
            table,
            [
                ("ACCESS_DENIED", Some(403)),
                ("AUTHORIZER_CONF_FAILURE", Some(500)),
                ("AUTHORIZER_FAILURE", Some(500)),
                ("AUTHORIZER_IDENTITIES_FAILURE", Some(401)),
                ("THIRD_AUTH_CONF_FAILURE", Some(500)),
                ("THIRD_AUTH_FAILURE", Some(401)),
                ("THIRD_AUTH_IDENTITIES_FAILURE", Some(401)),
                ("AUTH_FAILURE", Some(401)),
                ("AUTH_HEADER_MISSING", Some(401)),
                ("BACKEND_TIMEOUT", Some(504)),
                ("BACKEND_UNAVAILABLE", Some(502)),
                ("DEFAULT_4XX", None),
                ("DEFAULT_5XX", None),
                ("NOT_FOUND", Some(404)),
                ("REQUEST_PARAMETERS_FAILURE", Some(400)),
                ("THROTTLED", Some(429)),
                ("UNAUTHORIZED", Some(401)),
                ("ORCHESTRATION_PARAMETER_NOT_FOUND", Some(400)),
                ("ORCHESTRATION_FAILURE", Some(400)),
            ]
        );
    }

    #[test]
    fn errors_answer_with_their_types_status_or_their_own() {
        let cases = [
            (GatewayError::ApiNotFound, "NOT_FOUND", 404),
            (
                GatewayError::BadParameter("id".into()),
                "REQUEST_PARAMETERS_FAILURE",
                400,
            ),
            (GatewayError::WrongProtocol("HTTPS"), "DEFAULT_4XX", 400),
            (GatewayError::AmbiguousFraming, "DEFAULT_4XX", 400),
            (GatewayError::PathAboveRoot, "DEFAULT_4XX", 400),
            (GatewayError::BodyTooLarge, "DEFAULT_4XX", 413),
            (GatewayError::UriTooLarge, "DEFAULT_4XX", 414),
            (GatewayError::HeadersTooLarge, "DEFAULT_4XX", 494),
            (
                GatewayError::BackendConfig("why".into()),
                "DEFAULT_5XX",
                500,
            ),
            (GatewayError::BackendTimeout, "BACKEND_TIMEOUT", 504),
            (GatewayError::BackendUnavailable, "BACKEND_UNAVAILABLE", 502),
        ];
        for (error, key, status) in cases {
            assert_eq!(
                (error.response_type().key(), error.status().as_u16()),
                (key, status),
                "{error:?}"
            );
        }
    }

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
