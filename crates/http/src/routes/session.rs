//! Login: an org user exchanges username and password for a session token.

use crate::AppState;
use crate::problem::ApiResult;
use axum::Json;
use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use skydir_core::ports::Storage;
use skydir_core::secret::Secret;
use utoipa::ToSchema;

/// Login request.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginIn {
    pub org: String,
    pub username: String,
    #[schema(value_type = String, format = Password)]
    pub password: Secret,
    /// The authenticator's current six-digit code, for accounts that have one (a login
    /// without it is answered 401 `second-factor-required`).
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub totp: Option<Secret>,
}

/// An issued token; the secret is shown only in this response.
#[derive(Serialize, ToSchema)]
pub struct TokenOut {
    pub token: String,
    #[schema(value_type = Option<String>)]
    pub expires_at: Option<Timestamp>,
}

/// Logs an org user in.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = LoginIn,
    responses((status = 200, body = TokenOut), (status = 401, body = crate::Problem), (status = 429, body = crate::Problem)))]
pub async fn login<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    body: Result<Json<LoginIn>, JsonRejection>,
) -> ApiResult<Json<TokenOut>> {
    let Json(b) = body?;
    let org = super::slug(&b.org)?;
    let user = super::username(&b.username)?;
    let out = st.dir.login(&org, &user, b.password, b.totp).await?;
    Ok(Json(TokenOut {
        token: out.token.secret.expose().to_string(),
        expires_at: out.token.expires_at,
    }))
}
