//! Changing an email address through the new address's confirmation: a `PATCH` of a user's
//! `email` only asks for it (the answer's `pending_email` shows it waiting); the link mailed
//! to the new address confirms it here (or on its page, `/portal/email/{token}`); the person or
//! their org's admins send the link again or cancel.

use crate::AppState;
use crate::caller::Caller;
use crate::problem::ApiResult;
use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use skydir_core::ports::Storage;
use skydir_core::secret::Secret;
use skydir_core::service::PendingEmail;
use utoipa::ToSchema;

/// The token at the end of a confirmation link (`…/portal/email/{token}`).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConfirmEmailIn {
    #[schema(value_type = String)]
    pub token: Secret,
}

/// The account whose address a link confirmed, and the address it has now.
#[derive(Serialize, ToSchema)]
pub struct EmailConfirmedOut {
    pub org: String,
    pub username: String,
    pub email: String,
}

/// An address waiting for confirmation.
#[derive(Serialize, ToSchema)]
pub struct PendingEmailOut {
    pub pending_email: String,
    /// When the link mailed to it stops working.
    #[schema(value_type = String)]
    pub pending_email_expires_at: Timestamp,
}

impl From<PendingEmail> for PendingEmailOut {
    fn from(p: PendingEmail) -> Self {
        Self {
            pending_email: p.address.as_str().to_string(),
            pending_email_expires_at: p.expires_at,
        }
    }
}

/// Confirms a new email address with the link mailed to it (what the link's page does, for
/// scripts). The link works once, for 24 hours; from then on the new address is the account's
/// — over LDAP, for support mail, reset links and data-subject requests. Nothing else changes.
#[utoipa::path(post, path = "/api/v1/auth/email", tag = "auth", request_body = ConfirmEmailIn,
    responses((status = 200, body = EmailConfirmedOut), (status = 400, body = crate::Problem),
              (status = 409, body = crate::Problem)))]
pub async fn confirm<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    body: Result<Json<ConfirmEmailIn>, JsonRejection>,
) -> ApiResult<Json<EmailConfirmedOut>> {
    let Json(b) = body?;
    let done = st.dir.confirm_email_change(b.token.expose()).await?;
    Ok(Json(EmailConfirmedOut {
        org: done.org_slug.as_str().to_string(),
        username: done.username.as_str().to_string(),
        email: done.new_email.as_str().to_string(),
    }))
}

/// Mails the confirmation link of the user's pending address again (a new link; the earlier
/// one stops working). The user themself or an admin of their org.
#[utoipa::path(post, path = "/api/v1/orgs/{org}/users/{username}/pending-email", tag = "users",
    responses((status = 200, body = PendingEmailOut), (status = 404, body = crate::Problem),
              (status = 409, body = crate::Problem)))]
pub async fn resend<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    Path((org, user)): Path<(String, String)>,
) -> ApiResult<Json<PendingEmailOut>> {
    let pending = st
        .dir
        .resend_email_change(&actor, &super::slug(&org)?, &super::username(&user)?)
        .await?;
    Ok(Json(pending.into()))
}

/// Cancels the user's pending change of address: its link stops working and the account keeps
/// its address. The user themself or an admin of their org.
#[utoipa::path(delete, path = "/api/v1/orgs/{org}/users/{username}/pending-email", tag = "users",
    responses((status = 204, description = "cancelled"), (status = 404, body = crate::Problem)))]
pub async fn cancel<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    Path((org, user)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    st.dir
        .cancel_email_change(&actor, &super::slug(&org)?, &super::username(&user)?)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
