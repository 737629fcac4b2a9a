//! Turns the `Authorization: Bearer` header into the core's [`Actor`]. No header means
//! `Anonymous` (which `authorize` refuses everywhere it matters); a malformed or unknown token
//! is refused here, so a typo never silently downgrades to anonymous.

use crate::AppState;
use crate::problem::ApiError;
use axum::extract::FromRequestParts;
use axum::http::HeaderValue;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use skydir_core::CoreError;
use skydir_core::access::Actor;
use skydir_core::ports::Storage;
use skydir_core::secret::Secret;

/// The authenticated caller of a request.
#[derive(Debug, Clone, Copy)]
pub struct Caller(pub Actor);

impl<S: Storage + Clone> FromRequestParts<AppState<S>> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState<S>) -> Result<Self, ApiError> {
        let Some(value) = parts.headers.get(AUTHORIZATION) else {
            return Ok(Self(Actor::Anonymous));
        };
        let token = bearer(value)?;
        let actor = state.dir.authenticate_token(token).await?;
        crate::gate::note_signed_in();
        Ok(Self(actor))
    }
}

/// The token of an `Authorization: Bearer` header value.
fn bearer(value: &HeaderValue) -> Result<&str, ApiError> {
    let value = value
        .to_str()
        .map_err(|_| ApiError::Core(CoreError::Unauthenticated))?;
    value
        .strip_prefix("Bearer ")
        .or_else(|| value.strip_prefix("bearer "))
        .map(str::trim)
        .ok_or(ApiError::Core(CoreError::Unauthenticated))
}

/// The bearer token the request came with, for the services that spare it when they end the
/// caller's other sessions (a password change keeps the caller signed in where they are). It
/// authenticates nothing by itself: handlers take [`Caller`] for that.
#[derive(Debug, Default)]
pub struct Presented(pub Option<Secret>);

impl<S: Storage + Clone> FromRequestParts<AppState<S>> for Presented {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &AppState<S>) -> Result<Self, ApiError> {
        match parts.headers.get(AUTHORIZATION) {
            None => Ok(Self(None)),
            Some(v) => Ok(Self(Some(Secret::new(bearer(v)?)))),
        }
    }
}
