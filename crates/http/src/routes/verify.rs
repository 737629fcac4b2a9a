//! Confirmation links as JSON, for API clients: what a link asks, and an admin's decision. The
//! link's token is the credential (single use, expiring); an authenticator code goes with the
//! decision when the admin has one. The same links open as a page at `/verify/{token}`.

use crate::AppState;
use crate::problem::ApiResult;
use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use skydir_core::CoreError;
use skydir_core::ports::Storage;
use skydir_core::secret::Secret;
use skydir_core::service::Decision;
use utoipa::ToSchema;

/// What a confirmation link asks.
#[derive(Serialize, ToSchema)]
pub struct PromptOut {
    pub org: String,
    pub ticket: u64,
    /// What will happen when confirmed.
    pub request: String,
    /// `pending`, `expired`, `confirmed` or `rejected`.
    pub state: String,
    #[schema(value_type = String)]
    pub expires_at: Timestamp,
    /// The decision needs an authenticator code.
    pub needs_totp: bool,
}

/// An admin's decision.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionIn {
    /// `confirm` or `reject`.
    pub decision: String,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub totp: Option<Secret>,
}

/// The outcome of a decision.
#[derive(Serialize, ToSchema)]
pub struct DecisionOut {
    /// `confirmed` (and carried out) or `rejected`.
    pub state: String,
}

/// Parses `confirm` / `reject`.
pub(crate) fn decision(s: &str) -> Result<Decision, CoreError> {
    match s.trim() {
        "confirm" => Ok(Decision::Confirm),
        "reject" => Ok(Decision::Reject),
        other => Err(CoreError::invalid(
            "decision",
            format!("'{other}' is not confirm or reject"),
        )),
    }
}

/// What a confirmation link asks (no other credential needed).
#[utoipa::path(get, path = "/api/v1/verifications/{token}", tag = "verifications", security(()),
    responses((status = 200, body = PromptOut), (status = 404, body = crate::Problem)))]
pub async fn prompt<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Path(token): Path<String>,
) -> ApiResult<Json<PromptOut>> {
    let p = st.dir.verification_prompt(&token).await?;
    Ok(Json(PromptOut {
        org: p.org_slug,
        ticket: p.ticket,
        request: p.describe,
        state: p.state.into(),
        expires_at: p.expires_at,
        needs_totp: p.needs_totp,
    }))
}

/// Confirms or rejects a verified request (the admin the link was sent to).
#[utoipa::path(post, path = "/api/v1/verifications/{token}", tag = "verifications",
    security(()), request_body = DecisionIn,
    responses((status = 200, body = DecisionOut), (status = 401, body = crate::Problem),
        (status = 409, body = crate::Problem)))]
pub async fn decide<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Path(token): Path<String>,
    body: Result<Json<DecisionIn>, JsonRejection>,
) -> ApiResult<Json<DecisionOut>> {
    let Json(b) = body?;
    let state = st
        .dir
        .decide_verification(&token, decision(&b.decision)?, b.totp.as_ref())
        .await?;
    Ok(Json(DecisionOut {
        state: state.into(),
    }))
}
