//! A JSON request body whose rejections are APIG errors naming the problem.
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::Json;
use serde::de::DeserializeOwned;

use super::ApiError;

/// A JSON body; anything else is a 400 with an APIG error naming the problem.
pub struct Body<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Body<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(request, state).await {
            Ok(Json(value)) => Ok(Body(value)),
            Err(rejection) => Err(ApiError::bad_body(match rejection {
                JsonRejection::JsonDataError(error) => error.body_text(),
                other => other.body_text(),
            })),
        }
    }
}
