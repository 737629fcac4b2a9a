//! Support tickets, the customer's side: an org's active admins open tickets, list and read
//! them (public conversation only), reply, resolve, close or reopen them, rate the answer and
//! download attachments. Who may ask, what is covered and how fast an answer is due are
//! decided by the desk's rules in the core; these handlers only translate.

use super::ticket_wire::{AttachmentIn, ImpactIn, TicketOut, attachments};
use crate::AppState;
use crate::caller::Caller;
use crate::page::{PageOut, PageQuery};
use crate::problem::{ApiError, ApiResult};
use axum::Json;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use skydir_core::CoreError;
use skydir_core::ids::AttachmentId;
use skydir_core::ports::{Storage, TicketFilter};
use skydir_core::secret::Personal;
use skydir_core::service::NewTicket;
use skydir_core::support::{Category, Channel, Severity, TicketStatus};
use utoipa::{IntoParams, ToSchema};

/// A new ticket.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TicketIn {
    pub subject: String,
    /// One of `defect`, `integration`, `how_to`, `onboarding`, `customization`,
    /// `unsupported_integration`, `professional_services`, `end_user_support`,
    /// `account_security`, `feedback`.
    pub category: String,
    /// `s1`–`s4`; decided from `impact` (or S4 for questions) when absent.
    #[serde(default)]
    pub severity: Option<String>,
    #[serde(default)]
    pub impact: Option<ImpactIn>,
    /// Detailed issue description.
    pub description: String,
    /// Troubleshooting actions taken.
    #[serde(default)]
    pub troubleshooting: String,
    /// Pertinent error messages.
    #[serde(default)]
    pub error_messages: String,
    /// Hostname of the org's system the ticket is about.
    #[serde(default)]
    pub system: Option<String>,
    /// The defect is critical or affects many users.
    #[serde(default)]
    pub critical: bool,
    #[serde(default)]
    pub attachments: Vec<AttachmentIn>,
}

/// A reply to a ticket.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReplyIn {
    pub body: String,
    #[serde(default)]
    pub attachments: Vec<AttachmentIn>,
}

/// A status the customer sets.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CustomerStatusIn {
    /// `resolved`, `closed`, or `open` to reopen.
    pub status: String,
}

/// A satisfaction rating.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RatingIn {
    /// 1 (very unhappy) to 5 (very happy).
    pub rating: u8,
    #[serde(default)]
    pub comment: String,
}

/// Listing filters.
#[derive(Deserialize, IntoParams)]
pub struct TicketQuery {
    /// `open` lists only tickets still being worked.
    pub status: Option<String>,
    pub limit: Option<u32>,
    pub after: Option<String>,
}

pub(crate) fn number(s: &str) -> Result<u64, ApiError> {
    s.trim()
        .parse()
        .map_err(|_| CoreError::invalid("id", format!("'{s}' is not a ticket number")).into())
}

pub(crate) fn attachment_id(s: &str) -> Result<AttachmentId, ApiError> {
    AttachmentId::parse(s)
        .ok_or_else(|| CoreError::invalid("attachment", "is not an attachment id").into())
}

/// Opens a ticket (the org's active admins).
#[utoipa::path(post, path = "/api/v1/orgs/{org}/tickets", tag = "tickets", request_body = TicketIn,
    responses((status = 201, body = TicketOut), (status = 400, body = crate::Problem),
        (status = 403, body = crate::Problem)))]
pub async fn create<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    Path(org): Path<String>,
    body: Result<Json<TicketIn>, JsonRejection>,
) -> ApiResult<(StatusCode, Json<TicketOut>)> {
    let slug = super::slug(&org)?;
    let Json(b) = body.map_err(ApiError::upload)?;
    let new = NewTicket {
        subject: Personal(b.subject),
        category: Category::parse(&b.category)?,
        severity: b.severity.as_deref().map(Severity::parse).transpose()?,
        impact: b.impact.map(Into::into),
        description: Personal(b.description),
        troubleshooting: Personal(b.troubleshooting),
        error_messages: Personal(b.error_messages),
        system: b
            .system
            .as_deref()
            .map(super::name)
            .transpose()
            .map_err(|_| CoreError::invalid("system", "is not a hostname of your systems"))?,
        attachments: attachments(b.attachments)?,
        critical: b.critical,
    };
    let view = st.dir.open_ticket(&actor, &slug, new, Channel::Api).await?;
    Ok((StatusCode::CREATED, Json(view.into())))
}

/// Lists the org's tickets, newest first.
#[utoipa::path(get, path = "/api/v1/orgs/{org}/tickets", tag = "tickets", params(TicketQuery),
    responses((status = 200, body = PageOut<TicketOut>), (status = 403, body = crate::Problem)))]
pub async fn list<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    Path(org): Path<String>,
    q: Result<Query<TicketQuery>, QueryRejection>,
) -> ApiResult<Json<PageOut<TicketOut>>> {
    let Query(q) = q?;
    let open_only = match q.status.as_deref() {
        None | Some("all") => false,
        Some("open") => true,
        Some(other) => {
            return Err(CoreError::invalid(
                "status",
                format!("'{other}' is not a filter; use open or all"),
            )
            .into());
        }
    };
    let page = PageQuery {
        limit: q.limit,
        after: q.after,
    }
    .request()?;
    let tickets = st
        .dir
        .list_tickets(
            &actor,
            &super::slug(&org)?,
            &TicketFilter { open_only },
            &page,
        )
        .await?;
    Ok(Json(PageOut::from(tickets, TicketOut::from)))
}

/// Reads a ticket with its public conversation.
#[utoipa::path(get, path = "/api/v1/orgs/{org}/tickets/{id}", tag = "tickets",
    responses((status = 200, body = TicketOut), (status = 404, body = crate::Problem)))]
pub async fn get<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    Path((org, id)): Path<(String, String)>,
) -> ApiResult<Json<TicketOut>> {
    let view = st
        .dir
        .get_ticket(&actor, &super::slug(&org)?, number(&id)?)
        .await?;
    Ok(Json(view.into()))
}

/// Replies to a ticket (reopens it if it was resolved or waiting on you).
#[utoipa::path(post, path = "/api/v1/orgs/{org}/tickets/{id}/messages", tag = "tickets",
    request_body = ReplyIn,
    responses((status = 201, body = TicketOut), (status = 409, body = crate::Problem)))]
pub async fn reply<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    Path((org, id)): Path<(String, String)>,
    body: Result<Json<ReplyIn>, JsonRejection>,
) -> ApiResult<(StatusCode, Json<TicketOut>)> {
    let Json(b) = body.map_err(ApiError::upload)?;
    let view = st
        .dir
        .reply_as_customer(
            &actor,
            &super::slug(&org)?,
            number(&id)?,
            b.body,
            attachments(b.attachments)?,
        )
        .await?;
    Ok((StatusCode::CREATED, Json(view.into())))
}

/// Resolves, closes or reopens a ticket.
#[utoipa::path(patch, path = "/api/v1/orgs/{org}/tickets/{id}", tag = "tickets",
    request_body = CustomerStatusIn,
    responses((status = 200, body = TicketOut), (status = 409, body = crate::Problem)))]
pub async fn set_status<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    Path((org, id)): Path<(String, String)>,
    body: Result<Json<CustomerStatusIn>, JsonRejection>,
) -> ApiResult<Json<TicketOut>> {
    let Json(b) = body?;
    let view = st
        .dir
        .set_ticket_status_as_customer(
            &actor,
            &super::slug(&org)?,
            number(&id)?,
            TicketStatus::parse(&b.status)?,
        )
        .await?;
    Ok(Json(view.into()))
}

/// Rates a resolved ticket.
#[utoipa::path(put, path = "/api/v1/orgs/{org}/tickets/{id}/satisfaction", tag = "tickets",
    request_body = RatingIn,
    responses((status = 200, body = TicketOut), (status = 409, body = crate::Problem)))]
pub async fn rate<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    Path((org, id)): Path<(String, String)>,
    body: Result<Json<RatingIn>, JsonRejection>,
) -> ApiResult<Json<TicketOut>> {
    let Json(b) = body?;
    let view = st
        .dir
        .rate_ticket(
            &actor,
            &super::slug(&org)?,
            number(&id)?,
            b.rating,
            &b.comment,
        )
        .await?;
    Ok(Json(view.into()))
}

/// Downloads an attachment of a ticket.
#[utoipa::path(get, path = "/api/v1/orgs/{org}/tickets/{id}/attachments/{attachment}",
    tag = "tickets",
    responses((status = 200, description = "the file", content_type = "application/octet-stream"),
        (status = 404, body = crate::Problem)))]
pub async fn attachment<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    Path((org, id, attachment)): Path<(String, String, String)>,
) -> ApiResult<Response> {
    let a = st
        .dir
        .ticket_attachment(
            &actor,
            &super::slug(&org)?,
            number(&id)?,
            attachment_id(&attachment)?,
        )
        .await?;
    Ok(file_response(a))
}

/// A stored attachment as a download: never rendered inline by the browser.
pub(crate) fn file_response(a: skydir_core::support::StoredAttachment) -> Response {
    let mut resp = a.content.into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(&a.meta.content_type)
            .unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    let disposition = format!(
        "attachment; filename=\"{}\"",
        a.meta.filename.replace(['"', '\\'], "_")
    );
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    } else {
        h.insert(
            header::CONTENT_DISPOSITION,
            HeaderValue::from_static("attachment"),
        );
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    // Whatever a customer uploaded, a browser never runs it in our origin.
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("sandbox; default-src 'none'"),
    );
    resp
}
