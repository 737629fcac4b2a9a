//! A person's invitation: where it stands, sending it again (the old link stops working) and
//! revoking it. The org's admins manage everyone's; the operator only the first
//! administrator's, until they accept. The link is never in an answer: it goes to the invited
//! address only.

use crate::AppState;
use crate::caller::Caller;
use crate::problem::ApiResult;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use jiff::Timestamp;
use serde::Serialize;
use skydir_core::CoreError;
use skydir_core::ports::Storage;
use skydir_core::service::InvitationView;
use utoipa::ToSchema;

/// An invitation, without its link.
#[derive(Serialize, ToSchema)]
pub struct InvitationOut {
    pub username: String,
    /// pending | expired | revoked | accepted
    pub state: &'static str,
    /// The organization's first administrator's invitation.
    pub first_admin: bool,
    #[schema(value_type = String)]
    pub sent_at: Timestamp,
    #[schema(value_type = String)]
    pub expires_at: Timestamp,
}

impl From<InvitationView> for InvitationOut {
    fn from(v: InvitationView) -> Self {
        Self {
            username: v.username.as_str().to_string(),
            state: v.state.as_str(),
            first_admin: v.first_admin,
            sent_at: v.sent_at,
            expires_at: v.expires_at,
        }
    }
}

/// Where a user's invitation stands.
#[utoipa::path(get, path = "/api/v1/orgs/{org}/users/{username}/invitation", tag = "users",
    responses((status = 200, body = InvitationOut), (status = 403, body = crate::Problem),
        (status = 404, body = crate::Problem)))]
pub async fn get<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    Path((org, username)): Path<(String, String)>,
) -> ApiResult<Json<InvitationOut>> {
    let (slug, name) = (super::slug(&org)?, super::username(&username)?);
    let view = st
        .dir
        .invitation_of(&actor, &slug, &name)
        .await?
        .ok_or_else(|| CoreError::not_found("invitation", username))?;
    Ok(Json(view.into()))
}

/// Mails the user a new invitation; an earlier link stops working. Refused once they have set
/// a password.
#[utoipa::path(post, path = "/api/v1/orgs/{org}/users/{username}/invitation", tag = "users",
    responses((status = 201, body = InvitationOut), (status = 403, body = crate::Problem),
        (status = 409, body = crate::Problem)))]
pub async fn resend<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    Path((org, username)): Path<(String, String)>,
) -> ApiResult<(StatusCode, Json<InvitationOut>)> {
    let (slug, name) = (super::slug(&org)?, super::username(&username)?);
    let view = st.dir.resend_invitation(&actor, &slug, &name).await?;
    Ok((StatusCode::CREATED, Json(view.into())))
}

/// Revokes the user's pending invitation: its link stops working.
#[utoipa::path(delete, path = "/api/v1/orgs/{org}/users/{username}/invitation", tag = "users",
    responses((status = 204, description = "revoked"), (status = 403, body = crate::Problem),
        (status = 404, body = crate::Problem)))]
pub async fn revoke<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    Path((org, username)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    let (slug, name) = (super::slug(&org)?, super::username(&username)?);
    st.dir.revoke_invitation(&actor, &slug, &name).await?;
    Ok(StatusCode::NO_CONTENT)
}
