//! Extractors of the management API whose rejections are management errors naming the
//! parameter at fault (APIG.2012 for query and path parameters, APIG.2011 for bodies), so
//! that no rejection leaves as axum's plain text.
//!
//! Query strings are decoded as the SDKs send them: every value is text, numbers and
//! booleans included, and a query type that sets `deny_unknown_fields` refuses a filter
//! Portico cannot honour instead of ignoring it. (No `#[serde(flatten)]` in query types:
//! it hands every value over as a string and loses the parameter's name.)
use axum::extract::rejection::{JsonRejection, PathRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::Json;
use serde::de::DeserializeOwned;

use app::model::paging::Page;

use super::ApiError;

/// The query string, decoded into `T`; a bad or unknown parameter is a 400 naming it.
#[derive(Debug)]
pub struct Query<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Query<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        decode_query(parts.uri.query().unwrap_or_default()).map(Query)
    }
}

/// Decodes a query string; the error names the parameter and says what was wrong with it.
pub fn decode_query<T: DeserializeOwned>(query: &str) -> Result<T, ApiError> {
    let pairs = form_urlencoded::parse(query.as_bytes());
    let deserializer = serde_urlencoded::Deserializer::new(pairs);
    serde_path_to_error::deserialize(deserializer).map_err(|error| {
        let path = error.path().to_string();
        let inner = error.into_inner().to_string();
        if let Some(name) = quoted_after(&inner, "unknown field `") {
            ApiError::invalid_parameter(name, "Portico does not support this query parameter here")
        } else if let Some(name) = quoted_after(&inner, "missing field `") {
            ApiError::invalid_parameter(name, "this query parameter is required")
        } else {
            ApiError::invalid_parameter(&path, &inner)
        }
    })
}

/// The name serde quotes after `prefix` ("unknown field `x`, expected …").
fn quoted_after<'m>(message: &'m str, prefix: &str) -> Option<&'m str> {
    message
        .strip_prefix(prefix)
        .and_then(|rest| rest.split('`').next())
}

/// Path parameters; a value that does not fit is a 400 naming the path.
#[derive(Debug)]
pub struct Path<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for Path<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(value)) => Ok(Path(value)),
            Err(PathRejection::FailedToDeserializePathParams(error)) => {
                Err(ApiError::invalid_parameter("path", error.body_text()))
            }
            Err(other) => Err(ApiError::new(
                other.status(),
                "APIG.2012",
                format!("Invalid request path: {}", other.body_text()),
            )),
        }
    }
}

/// The route's last path parameter: the id of the thing it names (`…/apis/{api_id}`).
#[derive(Debug)]
pub struct Item(pub String);

impl<S: Send + Sync> FromRequestParts<S> for Item {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Path(mut params) = Path::<Vec<String>>::from_request_parts(parts, state).await?;
        params
            .pop()
            .map(Item)
            .ok_or_else(|| ApiError::invalid_parameter("path", "the route names nothing"))
    }
}

/// The route's last two path parameters: a thing and the one of its parts it names
/// (`…/apps/{app_id}/app-codes/{app_code_id}`).
#[derive(Debug)]
pub struct Part(pub String, pub String);

impl<S: Send + Sync> FromRequestParts<S> for Part {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Path(mut params) = Path::<Vec<String>>::from_request_parts(parts, state).await?;
        match (params.pop(), params.pop()) {
            (Some(part), Some(whole)) => Ok(Part(whole, part)),
            _ => Err(ApiError::invalid_parameter(
                "path",
                "the route names nothing",
            )),
        }
    }
}

/// A JSON body; anything else is a 400 (or 413 when too large) naming the problem.
#[derive(Debug)]
pub struct Body<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Body<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(request, state).await {
            Ok(Json(value)) => Ok(Body(value)),
            Err(rejection) => Err(body_rejection(rejection)),
        }
    }
}

fn body_rejection(rejection: JsonRejection) -> ApiError {
    match rejection {
        JsonRejection::BytesRejection(error) if error.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "APIG.2011",
                "The request body is too large.",
            )
        }
        JsonRejection::MissingJsonContentType(_) => {
            ApiError::bad_body("send it as JSON, with the header Content-Type: application/json")
        }
        JsonRejection::JsonDataError(error) => ApiError::bad_body(error.body_text()),
        other => ApiError::bad_body(other.body_text()),
    }
}

/// APIG's paging parameters as a page: `limit` ≤ 0 → 20, > 500 → 500; `offset` from 0.
pub fn page(offset: Option<i64>, limit: Option<i64>) -> Result<Page, ApiError> {
    if offset.is_some_and(|offset| offset < 0) {
        return Err(ApiError::invalid_parameter(
            "offset",
            "the offset must be 0 or more",
        ));
    }
    Ok(Page::new(offset, limit))
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct ListQuery {
        offset: Option<i64>,
        limit: Option<i64>,
        name: Option<String>,
        precise_search: Option<String>,
    }

    #[test]
    fn numbers_arrive_as_text_and_unknown_or_bad_parameters_are_named() {
        let query: ListQuery = decode_query("offset=5&limit=2&name=a%20b").unwrap();
        assert_eq!((query.offset, query.limit), (Some(5), Some(2)));
        assert_eq!(query.name.as_deref(), Some("a b"));
        assert!(query.precise_search.is_none());

        let bad = decode_query::<ListQuery>("limit=five").unwrap_err();
        assert_eq!(
            (bad.status, bad.code),
            (StatusCode::BAD_REQUEST, "APIG.2012")
        );
        assert!(bad.message.contains("limit"), "{}", bad.message);

        let unknown = decode_query::<ListQuery>("limit=5&roma_app_id=x").unwrap_err();
        assert_eq!(unknown.code, "APIG.2012");
        assert!(
            unknown.message.contains("roma_app_id"),
            "{}",
            unknown.message
        );

        let negative = page(Some(-1), None).unwrap_err();
        assert!(negative.message.contains("offset"), "{}", negative.message);
        assert_eq!(page(None, Some(0)).unwrap().limit, 20);
    }
}
