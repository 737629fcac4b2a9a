//! Deleting an organization over REST: an admin asks, a second admin confirms (or the
//! requester through the mailed link, `POST /api/v1/org-deletions/confirmations` with its
//! token, or the `/org-deletion/{token}` page), any admin cancels during the grace period.

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
use skydir_core::privacy::OrgDeletion;
use utoipa::ToSchema;

/// A deletion request. People appear by pseudonymous id only.
#[derive(Serialize, ToSchema)]
pub struct DeletionOut {
    pub id: String,
    pub organization: String,
    /// `awaiting_confirmation`, `scheduled`, `cancelled` or `purged`.
    pub state: String,
    pub requested_by: String,
    #[schema(value_type = String)]
    pub requested_at: Timestamp,
    /// `admin:<id>` or `email`.
    pub confirmed_by: Option<String>,
    #[schema(value_type = Option<String>)]
    pub confirmed_at: Option<Timestamp>,
    /// When the purge happens unless an admin cancels.
    #[schema(value_type = Option<String>)]
    pub purge_at: Option<Timestamp>,
    #[schema(value_type = Option<String>)]
    pub cancelled_at: Option<Timestamp>,
    #[schema(value_type = Option<String>)]
    pub purged_at: Option<Timestamp>,
}

impl From<OrgDeletion> for DeletionOut {
    fn from(d: OrgDeletion) -> Self {
        Self {
            id: d.id.to_string(),
            organization: d.slug,
            state: d.state.as_str().to_string(),
            requested_by: d.requested_by.to_string(),
            requested_at: d.requested_at,
            confirmed_by: d.confirmed_by,
            confirmed_at: d.confirmed_at,
            purge_at: d.purge_at,
            cancelled_at: d.cancelled_at,
            purged_at: d.purged_at,
        }
    }
}

/// The mailed confirmation token.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenIn {
    pub token: String,
}

/// Asks for the deletion of the organization and all its data (an admin).
#[utoipa::path(post, path = "/api/v1/orgs/{org}/deletion", tag = "privacy",
    responses((status = 202, body = DeletionOut), (status = 403, body = crate::Problem),
              (status = 409, body = crate::Problem)))]
pub async fn request<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    Path(org): Path<String>,
) -> ApiResult<(StatusCode, Json<DeletionOut>)> {
    let d = st
        .dir
        .request_org_deletion(&actor, &super::slug(&org)?)
        .await?;
    Ok((StatusCode::ACCEPTED, Json(d.into())))
}

/// The organization's latest deletion request (its admins).
#[utoipa::path(get, path = "/api/v1/orgs/{org}/deletion", tag = "privacy",
    responses((status = 200, body = DeletionOut), (status = 404, body = crate::Problem)))]
pub async fn get<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    Path(org): Path<String>,
) -> ApiResult<Json<DeletionOut>> {
    Ok(Json(
        st.dir
            .org_deletion(&actor, &super::slug(&org)?)
            .await?
            .into(),
    ))
}

/// Cancels the deletion before the purge (any admin).
#[utoipa::path(delete, path = "/api/v1/orgs/{org}/deletion", tag = "privacy",
    responses((status = 200, body = DeletionOut), (status = 409, body = crate::Problem)))]
pub async fn cancel<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    Path(org): Path<String>,
) -> ApiResult<Json<DeletionOut>> {
    Ok(Json(
        st.dir
            .cancel_org_deletion(&actor, &super::slug(&org)?)
            .await?
            .into(),
    ))
}

/// A second admin confirms the deletion; the grace period starts.
#[utoipa::path(post, path = "/api/v1/orgs/{org}/deletion/confirm", tag = "privacy",
    responses((status = 200, body = DeletionOut), (status = 403, body = crate::Problem)))]
pub async fn confirm<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    Path(org): Path<String>,
) -> ApiResult<Json<DeletionOut>> {
    Ok(Json(
        st.dir
            .confirm_org_deletion(&actor, &super::slug(&org)?)
            .await?
            .into(),
    ))
}

/// The requester confirms with the token mailed to them (no login: the token is the
/// credential).
#[utoipa::path(post, path = "/api/v1/org-deletions/confirmations", tag = "privacy",
    request_body = TokenIn,
    responses((status = 200, body = DeletionOut), (status = 404, body = crate::Problem),
              (status = 409, body = crate::Problem)))]
pub async fn confirm_link<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    body: Result<Json<TokenIn>, JsonRejection>,
) -> ApiResult<Json<DeletionOut>> {
    let Json(b) = body?;
    Ok(Json(
        st.dir.confirm_org_deletion_link(&b.token).await?.into(),
    ))
}
