//! An organization's retention choice over REST (its admins): the files of closed tickets are
//! kept while the organization uses the service, unless the admins opt into deleting them a
//! number of days after the ticket is closed.

use crate::AppState;
use crate::caller::Caller;
use crate::problem::ApiResult;
use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use skydir_core::ports::Storage;
use skydir_core::service::RetentionView;
use utoipa::ToSchema;

/// The choice to make.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RetentionIn {
    /// Days (1-3650) after a ticket is closed that its files are deleted; `null` keeps them
    /// while the organization uses the service.
    pub attachment_days: Option<u32>,
}

/// The organization's choice.
#[derive(Serialize, ToSchema)]
pub struct RetentionOut {
    pub attachment_days: Option<u32>,
    /// The choice in words.
    pub attachments: String,
    /// When an admin last chose (absent: never, the default applies).
    #[schema(value_type = Option<String>)]
    pub set_at: Option<Timestamp>,
}

impl From<RetentionView> for RetentionOut {
    fn from(v: RetentionView) -> Self {
        Self {
            attachment_days: v.attachment_days,
            attachments: v.attachments,
            set_at: v.set_at,
        }
    }
}

/// The organization's retention of closed tickets' files (its admins).
#[utoipa::path(get, path = "/api/v1/orgs/{org}/privacy/retention", tag = "privacy",
    responses((status = 200, body = RetentionOut), (status = 403, body = crate::Problem)))]
pub async fn get<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    Path(org): Path<String>,
) -> ApiResult<Json<RetentionOut>> {
    let v = st.dir.org_retention(&actor, &super::slug(&org)?).await?;
    Ok(Json(v.into()))
}

/// Sets it (its admins; audited).
#[utoipa::path(put, path = "/api/v1/orgs/{org}/privacy/retention", tag = "privacy",
    request_body = RetentionIn,
    responses((status = 200, body = RetentionOut), (status = 400, body = crate::Problem),
        (status = 403, body = crate::Problem)))]
pub async fn set<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    Path(org): Path<String>,
    body: Result<Json<RetentionIn>, JsonRejection>,
) -> ApiResult<Json<RetentionOut>> {
    let Json(b) = body?;
    let v = st
        .dir
        .set_org_retention(&actor, &super::slug(&org)?, b.attachment_days)
        .await?;
    Ok(Json(v.into()))
}
