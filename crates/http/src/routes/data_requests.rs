//! Data subjects' requests over REST: the signed-in person files one
//! (`POST /api/v1/me/data-requests`); anyone files one for an address through the public form
//! (`POST /api/v1/privacy/data-requests`), confirmed by the mailed token; the org's admins
//! work them under `/api/v1/orgs/{org}/data-requests`.

use crate::AppState;
use crate::caller::Caller;
use crate::problem::ApiResult;
use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use skydir_core::CoreError;
use skydir_core::directory::Email;
use skydir_core::ids::DataRequestId;
use skydir_core::ports::Storage;
use skydir_core::privacy::{DataRequest, RequestKind};
use utoipa::ToSchema;

/// A request as filed by the person.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MyRequestIn {
    /// `access`, `erasure`, `rectification` or `restriction`.
    pub kind: String,
    /// What they ask, in their words (what to correct, what to restrict …).
    #[serde(default)]
    pub details: String,
}

/// A request through the public form.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PublicRequestIn {
    /// The organization's slug.
    pub org: String,
    /// The address the person uses in that organization's directory.
    pub email: String,
    pub kind: String,
    #[serde(default)]
    pub details: String,
}

/// The mailed token.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VerifyIn {
    pub token: String,
}

/// An extension of the deadline.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExtendIn {
    /// 1 or 2 further months.
    pub months: i64,
    /// Told to the person.
    pub reason: String,
}

/// A completion or rejection note.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoteIn {
    pub note: String,
}

/// A data subject's request.
#[derive(Serialize, ToSchema)]
pub struct DataRequestOut {
    pub id: String,
    pub kind: String,
    /// `awaiting_verification`, `open`, `completed` or `rejected`.
    pub state: String,
    /// `self_service` or `email`.
    pub channel: String,
    /// The person's pseudonymous id, once known.
    pub subject: Option<String>,
    pub email: String,
    pub details: String,
    #[schema(value_type = String)]
    pub received_at: Timestamp,
    #[schema(value_type = String)]
    pub due_at: Timestamp,
    /// `on time`, `overdue`, `answered on time` or `answered late`.
    pub timeliness: String,
    pub extension_reason: Option<String>,
    #[schema(value_type = Option<String>)]
    pub closed_at: Option<Timestamp>,
    pub outcome: Option<String>,
}

fn out(r: DataRequest, now: Timestamp) -> DataRequestOut {
    DataRequestOut {
        id: r.id.to_string(),
        kind: r.kind.as_str().to_string(),
        state: r.state.as_str().to_string(),
        timeliness: r.timeliness(now).to_string(),
        channel: r.channel,
        subject: r.subject.map(|s| s.to_string()),
        email: r.email,
        details: r.details,
        received_at: r.received_at,
        due_at: r.due_at,
        extension_reason: r.extension.map(|e| e.reason),
        closed_at: r.closed_at,
        outcome: r.outcome,
    }
}

fn request_id(s: &str) -> Result<DataRequestId, CoreError> {
    DataRequestId::parse(s).ok_or_else(|| CoreError::invalid("id", "is not a request id"))
}

/// The signed-in person files a request about themself.
#[utoipa::path(post, path = "/api/v1/me/data-requests", tag = "me", request_body = MyRequestIn,
    responses((status = 201, body = DataRequestOut), (status = 400, body = crate::Problem)))]
pub async fn mine<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    body: Result<Json<MyRequestIn>, JsonRejection>,
) -> ApiResult<(StatusCode, Json<DataRequestOut>)> {
    let Json(b) = body?;
    let r = st
        .dir
        .submit_data_request(&actor, RequestKind::parse(&b.kind)?, &b.details)
        .await?;
    Ok((StatusCode::CREATED, Json(out(r, st.dir.now()))))
}

/// Files a request through the public form. The answer is the same whatever the address, so
/// the form reveals nobody; a confirmation link goes to the address when it is a user's.
#[utoipa::path(post, path = "/api/v1/privacy/data-requests", tag = "privacy", request_body = PublicRequestIn,
    responses((status = 202, description = "if the address is in the directory, a confirmation link was mailed to it"),
              (status = 400, body = crate::Problem)))]
pub async fn public<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    body: Result<Json<PublicRequestIn>, JsonRejection>,
) -> ApiResult<(StatusCode, Json<serde_json::Value>)> {
    let Json(b) = body?;
    let kind = RequestKind::parse(&b.kind)?;
    let email = Email::parse(&b.email)?;
    let slug = super::slug(&b.org)?;
    st.dir
        .submit_public_data_request(&slug, &email, kind, &b.details)
        .await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(serde_json::json!({
            "status": "received",
            "detail": "if this address belongs to a user of the organization, a confirmation link was mailed to it; nothing happens until it is opened"
        })),
    ))
}

/// The person confirms the request with the mailed token.
#[utoipa::path(post, path = "/api/v1/privacy/data-requests/verify", tag = "privacy", request_body = VerifyIn,
    responses((status = 200, description = "verified: the organization now answers it"), (status = 404, body = crate::Problem)))]
pub async fn verify<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    body: Result<Json<VerifyIn>, JsonRejection>,
) -> ApiResult<Json<serde_json::Value>> {
    let Json(b) = body?;
    let r = st.dir.verify_data_request(&b.token).await?;
    Ok(Json(serde_json::json!({
        "kind": r.kind.as_str(), "state": r.state.as_str(), "due_at": r.due_at
    })))
}

/// The org's requests, newest first (its admins).
#[utoipa::path(get, path = "/api/v1/orgs/{org}/data-requests", tag = "privacy",
    responses((status = 200, body = Vec<DataRequestOut>)))]
pub async fn list<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    Path(org): Path<String>,
) -> ApiResult<Json<Vec<DataRequestOut>>> {
    let all = st
        .dir
        .org_data_requests(&actor, &super::slug(&org)?)
        .await?;
    let t = st.dir.now();
    Ok(Json(all.into_iter().map(|r| out(r, t)).collect()))
}

/// One request (its org's admins).
#[utoipa::path(get, path = "/api/v1/orgs/{org}/data-requests/{id}", tag = "privacy",
    responses((status = 200, body = DataRequestOut), (status = 404, body = crate::Problem)))]
pub async fn get<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    Path((org, id)): Path<(String, String)>,
) -> ApiResult<Json<DataRequestOut>> {
    let r = st
        .dir
        .org_data_request(&actor, &super::slug(&org)?, request_id(&id)?)
        .await?;
    Ok(Json(out(r, st.dir.now())))
}

/// Extends the deadline once (1 or 2 months), telling the person why.
#[utoipa::path(post, path = "/api/v1/orgs/{org}/data-requests/{id}/extend", tag = "privacy",
    request_body = ExtendIn,
    responses((status = 200, body = DataRequestOut), (status = 409, body = crate::Problem)))]
pub async fn extend<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    Path((org, id)): Path<(String, String)>,
    body: Result<Json<ExtendIn>, JsonRejection>,
) -> ApiResult<Json<DataRequestOut>> {
    let Json(b) = body?;
    let r = st
        .dir
        .extend_data_request(
            &actor,
            &super::slug(&org)?,
            request_id(&id)?,
            b.months,
            &b.reason,
        )
        .await?;
    Ok(Json(out(r, st.dir.now())))
}

/// Completes a request (access: the report is mailed; erasure: the person is erased).
#[utoipa::path(post, path = "/api/v1/orgs/{org}/data-requests/{id}/complete", tag = "privacy",
    request_body = NoteIn,
    responses((status = 200, body = DataRequestOut), (status = 409, body = crate::Problem)))]
pub async fn complete<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    Path((org, id)): Path<(String, String)>,
    body: Result<Json<NoteIn>, JsonRejection>,
) -> ApiResult<Json<DataRequestOut>> {
    let Json(b) = body?;
    let r = st
        .dir
        .complete_data_request(&actor, &super::slug(&org)?, request_id(&id)?, &b.note)
        .await?;
    Ok(Json(out(r, st.dir.now())))
}

/// Rejects a request with the reason, telling the person.
#[utoipa::path(post, path = "/api/v1/orgs/{org}/data-requests/{id}/reject", tag = "privacy",
    request_body = NoteIn,
    responses((status = 200, body = DataRequestOut), (status = 409, body = crate::Problem)))]
pub async fn reject<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    Path((org, id)): Path<(String, String)>,
    body: Result<Json<NoteIn>, JsonRejection>,
) -> ApiResult<Json<DataRequestOut>> {
    let Json(b) = body?;
    let r = st
        .dir
        .reject_data_request(&actor, &super::slug(&org)?, request_id(&id)?, &b.note)
        .await?;
    Ok(Json(out(r, st.dir.now())))
}
