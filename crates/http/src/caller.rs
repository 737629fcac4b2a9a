//! Turns the `Authorization: Bearer` header into the core's [`Actor`]. No header means
//! `Anonymous` (which `authorize` refuses everywhere it matters); a malformed or unknown token
//! is refused here, so a typo never silently downgrades to anonymous.

use crate::AppState;
use crate::problem::ApiError;
use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use skydir_core::CoreError;
use skydir_core::access::Actor;
use skydir_core::ports::Storage;

/// The authenticated caller of a request.
#[derive(Debug, Clone, Copy)]
pub struct Caller(pub Actor);

impl<S: Storage + Clone> FromRequestParts<AppState<S>> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState<S>) -> Result<Self, ApiError> {
        let Some(value) = parts.headers.get(AUTHORIZATION) else {
            return Ok(Self(Actor::Anonymous));
        };
        let value = value
            .to_str()
            .map_err(|_| ApiError::Core(CoreError::Unauthenticated))?;
        let token = value
            .strip_prefix("Bearer ")
            .or_else(|| value.strip_prefix("bearer "))
            .ok_or(ApiError::Core(CoreError::Unauthenticated))?;
        let actor = state.dir.authenticate_token(token.trim()).await?;
        Ok(Self(actor))
    }
}
