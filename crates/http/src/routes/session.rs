//! Login: an org user exchanges username and password for a session token — and sets that
//! password in the first place with the invitation (or reset) link they were mailed.

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

/// A person's own password, set with the one-time link they were mailed.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetPasswordIn {
    /// The token at the end of the mailed link (`…/portal/invitation/{token}` or
    /// `…/portal/reset/{token}`).
    #[schema(value_type = String)]
    pub token: Secret,
    #[schema(value_type = String, format = Password)]
    pub password: Secret,
    /// Keep one's personal API tokens working (default `false`: every session and API token
    /// of the account ends).
    #[serde(default)]
    pub keep_api_tokens: bool,
}

/// Whose password a link set, and how many of their sessions and API tokens ended.
#[derive(Serialize, ToSchema)]
pub struct PasswordSetOut {
    pub org: String,
    pub username: String,
    pub sessions_ended: u64,
    pub api_tokens_ended: u64,
}

/// Sets one's own password with a mailed invitation or reset link (what the link's page does,
/// for scripts). The link works once; the org's password policy applies. Every session of the
/// account ends, and its personal API tokens too unless `keep_api_tokens`.
#[utoipa::path(post, path = "/api/v1/auth/password", tag = "auth", request_body = SetPasswordIn,
    responses((status = 200, body = PasswordSetOut), (status = 400, body = crate::Problem)))]
pub async fn set_password<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    body: Result<Json<SetPasswordIn>, JsonRejection>,
) -> ApiResult<Json<PasswordSetOut>> {
    let Json(b) = body?;
    let prompt = st.dir.password_reset_prompt(b.token.expose()).await?;
    let set = st
        .dir
        .complete_password_reset(b.token.expose(), b.password, b.keep_api_tokens)
        .await?;
    Ok(Json(PasswordSetOut {
        org: prompt.org_slug.as_str().to_string(),
        username: set.username.as_str().to_string(),
        sessions_ended: set.ended.sessions,
        api_tokens_ended: set.ended.api_tokens,
    }))
}
