//! The caller's own account: enrolling, confirming and removing an authenticator (TOTP). Only
//! the user themself can; the secret is shown once, at enrollment.

use crate::AppState;
use crate::caller::{Caller, Presented};
use crate::problem::ApiResult;
use axum::Json;
use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use skydir_core::ports::Storage;
use skydir_core::secret::Secret;
use utoipa::ToSchema;

/// A new authenticator's secret, shown once.
#[derive(Serialize, ToSchema)]
pub struct TotpOut {
    /// `otpauth://totp/…` for an authenticator app.
    pub otpauth_uri: String,
    /// The same secret in base32, to type in.
    pub secret_base32: String,
}

/// A current authenticator code.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CodeIn {
    #[schema(value_type = String)]
    pub code: Secret,
}

/// Starts enrolling an authenticator for the calling user.
#[utoipa::path(post, path = "/api/v1/me/totp", tag = "me",
    responses((status = 201, body = TotpOut), (status = 409, body = crate::Problem)))]
pub async fn begin<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
) -> ApiResult<(StatusCode, Json<TotpOut>)> {
    let p = st.dir.begin_totp(&actor).await?;
    Ok((
        StatusCode::CREATED,
        Json(TotpOut {
            otpauth_uri: p.uri.expose().to_string(),
            secret_base32: p.secret_base32.expose().to_string(),
        }),
    ))
}

/// Confirms the enrollment with a first code; from then on logins ask for a code.
#[utoipa::path(put, path = "/api/v1/me/totp", tag = "me", request_body = CodeIn,
    responses((status = 204, description = "confirmed"), (status = 400, body = crate::Problem)))]
pub async fn confirm<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    body: Result<Json<CodeIn>, JsonRejection>,
) -> ApiResult<StatusCode> {
    let Json(b) = body?;
    st.dir.confirm_totp(&actor, b.code.expose()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Removes the calling user's authenticator (with a current code). The caller's other login
/// sessions end (this request's token and personal API tokens stay); the answer says how many.
#[utoipa::path(delete, path = "/api/v1/me/totp", tag = "me", request_body = CodeIn,
    responses((status = 200, body = super::users::EndedOut), (status = 400, body = crate::Problem)))]
pub async fn remove<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    Presented(current): Presented,
    body: Result<Json<CodeIn>, JsonRejection>,
) -> ApiResult<Json<super::users::EndedOut>> {
    let Json(b) = body?;
    let ended = st.dir.remove_totp(&actor, b.code.expose(), current).await?;
    Ok(Json(ended.into()))
}
