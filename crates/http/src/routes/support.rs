//! The agents' workspace over REST: the support queue across orgs, a ticket with its internal
//! notes, public replies (mailed to the requester) and internal notes, changes of status,
//! severity, category and assignee, and attachments. Support agents only: `authorize` refuses
//! everyone else, and refuses agents whatever the policy forbids them.

use super::ticket_wire::{AttachmentIn, QueueItemOut, TicketOut, attachments};
use super::tickets::{attachment_id, file_response, number};
use crate::AppState;
use crate::caller::Caller;
use crate::problem::{ApiError, ApiResult};
use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use skydir_core::CoreError;
use skydir_core::ids::StaffId;
use skydir_core::ports::Storage;
use skydir_core::service::TicketPatch;
use skydir_core::support::{Category, Severity, TicketStatus, Visibility};
use utoipa::ToSchema;

/// An agent's reply or internal note: a `body`, or the name of a `macro` whose text,
/// visibility and status are used.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AgentReplyIn {
    #[serde(default)]
    pub body: Option<String>,
    #[serde(default, rename = "macro")]
    pub macro_name: Option<String>,
    /// An internal note, seen by support only (default: a public reply, mailed to the
    /// requester).
    #[serde(default)]
    pub internal: bool,
    /// Move the ticket to this status with the reply (e.g. `waiting_on_customer`, `resolved`).
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub attachments: Vec<AttachmentIn>,
}

/// Changes an agent makes to a ticket.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TicketPatchIn {
    pub status: Option<String>,
    pub severity: Option<String>,
    pub category: Option<String>,
    /// A support agent's staff id; `null` unassigns.
    #[serde(default, deserialize_with = "super::double_option")]
    #[schema(value_type = Option<String>)]
    pub assignee: Option<Option<String>>,
}

fn status(s: Option<&str>) -> Result<Option<TicketStatus>, ApiError> {
    Ok(s.map(TicketStatus::parse).transpose()?)
}

/// Queue filters.
#[derive(Deserialize, utoipa::IntoParams)]
pub struct QueueQuery {
    /// Only this queue: `support`, `dedicated_specialist`, `customer_success`, `feedback`.
    pub queue: Option<String>,
    /// `me`, `none` (unassigned) or a staff id.
    pub assignee: Option<String>,
}

/// The support queue: every open ticket, most urgent first (severity, then due time).
#[utoipa::path(get, path = "/api/v1/support/queue", tag = "support", params(QueueQuery),
    responses((status = 200, body = Vec<QueueItemOut>), (status = 403, body = crate::Problem)))]
pub async fn queue<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    q: Result<axum::extract::Query<QueueQuery>, axum::extract::rejection::QueryRejection>,
) -> ApiResult<Json<Vec<QueueItemOut>>> {
    let axum::extract::Query(q) = q?;
    let queue = q
        .queue
        .as_deref()
        .map(|name| {
            serde_json::from_value::<skydir_core::support::Queue>(serde_json::Value::String(
                name.to_string(),
            ))
            .map_err(|_| {
                CoreError::invalid(
                    "queue",
                    format!(
                        "'{name}' is not a queue; use support, dedicated_specialist, \
                         customer_success or feedback"
                    ),
                )
            })
        })
        .transpose()?;
    let assignee: Option<Option<StaffId>> = match q.assignee.as_deref() {
        None => None,
        Some("none") => Some(None),
        Some("me") => match actor {
            skydir_core::access::Actor::SupportAgent { staff } => Some(Some(staff)),
            _ => return Err(CoreError::invalid("assignee", "'me' is for support agents").into()),
        },
        Some(s) => Some(Some(StaffId::parse(s).ok_or_else(|| {
            CoreError::invalid("assignee", "is not me, none or a staff id")
        })?)),
    };
    let items = st.dir.support_queue(&actor).await?;
    Ok(Json(
        items
            .into_iter()
            .filter(|i| queue.is_none_or(|qu| i.ticket.queue == Some(qu)))
            .filter(|i| assignee.is_none_or(|a| i.ticket.assignee == a))
            .map(Into::into)
            .collect(),
    ))
}

/// A macro to save.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MacroIn {
    pub title: String,
    /// The reply; placeholders `{ticket}`, `{subject}`, `{requester}`, `{agent}`, `{kb}`.
    pub body: String,
    /// An internal note rather than a public reply.
    #[serde(default)]
    pub internal: bool,
    /// The status the ticket moves to with it.
    #[serde(default)]
    pub status: Option<String>,
}

/// A macro.
#[derive(serde::Serialize, ToSchema)]
pub struct MacroOut {
    pub name: String,
    pub title: String,
    pub body: String,
    pub internal: bool,
    pub status: Option<String>,
}

impl From<skydir_core::support::Macro> for MacroOut {
    fn from(m: skydir_core::support::Macro) -> Self {
        Self {
            name: m.name.as_str().to_string(),
            title: m.title,
            body: m.body,
            internal: m.visibility == Visibility::Internal,
            status: m.status.map(|s| s.as_str().to_string()),
        }
    }
}

/// The agents' macros.
#[utoipa::path(get, path = "/api/v1/support/macros", tag = "support",
    responses((status = 200, body = Vec<MacroOut>), (status = 403, body = crate::Problem)))]
pub async fn macros<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
) -> ApiResult<Json<Vec<MacroOut>>> {
    Ok(Json(
        st.dir
            .list_macros(&actor)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    ))
}

/// Saves a macro under a name.
#[utoipa::path(put, path = "/api/v1/support/macros/{name}", tag = "support", request_body = MacroIn,
    responses((status = 200, body = MacroOut), (status = 400, body = crate::Problem)))]
pub async fn put_macro<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    Path(name): Path<String>,
    body: Result<Json<MacroIn>, JsonRejection>,
) -> ApiResult<Json<MacroOut>> {
    let Json(b) = body?;
    let m = st
        .dir
        .put_macro(
            &actor,
            &super::name(&name)?,
            &b.title,
            &b.body,
            if b.internal {
                Visibility::Internal
            } else {
                Visibility::Public
            },
            status(b.status.as_deref())?,
        )
        .await?;
    Ok(Json(m.into()))
}

/// Deletes a macro.
#[utoipa::path(delete, path = "/api/v1/support/macros/{name}", tag = "support",
    responses((status = 204, description = "deleted"), (status = 404, body = crate::Problem)))]
pub async fn delete_macro<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    Path(name): Path<String>,
) -> ApiResult<StatusCode> {
    st.dir.delete_macro(&actor, &super::name(&name)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A ticket with its whole conversation, internal notes included.
#[utoipa::path(get, path = "/api/v1/support/tickets/{id}", tag = "support",
    responses((status = 200, body = TicketOut), (status = 404, body = crate::Problem)))]
pub async fn get<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<TicketOut>> {
    let view = st.dir.get_ticket_as_staff(&actor, number(&id)?).await?;
    Ok(Json(view.into()))
}

/// Replies publicly (mailed to the requester) or adds an internal note.
#[utoipa::path(post, path = "/api/v1/support/tickets/{id}/messages", tag = "support",
    request_body = AgentReplyIn,
    responses((status = 201, body = TicketOut), (status = 400, body = crate::Problem)))]
pub async fn reply<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    Path(id): Path<String>,
    body: Result<Json<AgentReplyIn>, JsonRejection>,
) -> ApiResult<(StatusCode, Json<TicketOut>)> {
    let Json(b) = body.map_err(ApiError::upload)?;
    let visibility = if b.internal {
        Visibility::Internal
    } else {
        Visibility::Public
    };
    let view = match (b.body, b.macro_name) {
        (Some(_), Some(_)) => {
            return Err(CoreError::invalid("macro", "give a body or a macro, not both").into());
        }
        (None, Some(m)) => {
            st.dir
                .reply_with_macro(&actor, number(&id)?, &super::name(&m)?)
                .await?
        }
        (body, None) => {
            st.dir
                .agent_reply(
                    &actor,
                    number(&id)?,
                    body.unwrap_or_default(),
                    visibility,
                    status(b.status.as_deref())?,
                    attachments(b.attachments)?,
                )
                .await?
        }
    };
    Ok((StatusCode::CREATED, Json(view.into())))
}

/// Changes status, severity, category or assignee.
#[utoipa::path(patch, path = "/api/v1/support/tickets/{id}", tag = "support",
    request_body = TicketPatchIn,
    responses((status = 200, body = TicketOut), (status = 409, body = crate::Problem)))]
pub async fn update<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    Path(id): Path<String>,
    body: Result<Json<TicketPatchIn>, JsonRejection>,
) -> ApiResult<Json<TicketOut>> {
    let Json(b) = body?;
    let assignee = match b.assignee {
        None => None,
        Some(None) => Some(None),
        Some(Some(s)) => {
            Some(Some(StaffId::parse(&s).ok_or_else(|| {
                CoreError::invalid("assignee", "is not a staff id")
            })?))
        }
    };
    let patch = TicketPatch {
        status: status(b.status.as_deref())?,
        severity: b.severity.as_deref().map(Severity::parse).transpose()?,
        category: b.category.as_deref().map(Category::parse).transpose()?,
        assignee,
    };
    let view = st.dir.update_ticket(&actor, number(&id)?, patch).await?;
    Ok(Json(view.into()))
}

/// Downloads an attachment of a ticket.
#[utoipa::path(get, path = "/api/v1/support/tickets/{id}/attachments/{attachment}",
    tag = "support",
    responses((status = 200, description = "the file", content_type = "application/octet-stream"),
        (status = 404, body = crate::Problem)))]
pub async fn attachment<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    Path((id, attachment)): Path<(String, String)>,
) -> ApiResult<Response> {
    let a = st
        .dir
        .ticket_attachment_as_staff(&actor, number(&id)?, attachment_id(&attachment)?)
        .await?;
    Ok(file_response(a))
}

/// The period of a report.
#[derive(Deserialize, utoipa::IntoParams)]
pub struct PeriodQuery {
    /// Start, inclusive: `YYYY-MM-DD` (UTC midnight) or an RFC 3339 instant.
    pub from: String,
    /// End, exclusive: `YYYY-MM-DD` or an RFC 3339 instant.
    pub to: String,
}

/// How one target fared.
#[derive(serde::Serialize, ToSchema)]
pub struct TargetOut {
    pub met: u64,
    pub breached: u64,
    pub pending: u64,
    /// Met among those decided, in percent; absent before any is decided.
    pub compliance_percent: Option<f64>,
}

/// One row of the SLA report: the tickets of one severity opened in one month.
#[derive(serde::Serialize, ToSchema)]
pub struct ComplianceOut {
    /// `YYYY-MM` in the support calendar's zone.
    pub month: String,
    pub severity: String,
    pub tickets: u64,
    pub first_response: TargetOut,
    pub resolution: TargetOut,
    pub median_first_response_minutes: Option<i64>,
    pub ratings: u64,
    pub mean_rating: Option<f64>,
}

fn instant(field: &str, v: &str) -> Result<jiff::Timestamp, ApiError> {
    if let Ok(t) = v.parse::<jiff::Timestamp>() {
        return Ok(t);
    }
    v.parse::<jiff::civil::Date>()
        .ok()
        .and_then(|d| d.to_zoned(jiff::tz::TimeZone::UTC).ok())
        .map(|z| z.timestamp())
        .ok_or_else(|| {
            CoreError::invalid(
                field,
                format!("'{v}' is not a date (YYYY-MM-DD) or an RFC 3339 instant"),
            )
            .into()
        })
}

fn target_out(c: skydir_core::support::watch::TargetCounts) -> TargetOut {
    TargetOut {
        met: c.met,
        breached: c.breached,
        pending: c.pending,
        compliance_percent: c.compliance_percent(),
    }
}

/// SLA compliance and satisfaction per severity and month, for tickets opened in a period
/// (agents and operators).
#[utoipa::path(get, path = "/api/v1/support/reports/sla", tag = "support", params(PeriodQuery),
    responses((status = 200, body = Vec<ComplianceOut>), (status = 400, body = crate::Problem),
        (status = 403, body = crate::Problem)))]
pub async fn sla_report<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    q: Result<axum::extract::Query<PeriodQuery>, axum::extract::rejection::QueryRejection>,
) -> ApiResult<Json<Vec<ComplianceOut>>> {
    let axum::extract::Query(q) = q?;
    let rows = st
        .dir
        .sla_report(&actor, instant("from", &q.from)?, instant("to", &q.to)?)
        .await?;
    Ok(Json(
        rows.into_iter()
            .map(|r| ComplianceOut {
                month: r.month,
                severity: r.severity.as_str().into(),
                tickets: r.tickets,
                first_response: target_out(r.first_response),
                resolution: target_out(r.resolution),
                median_first_response_minutes: r.median_first_response_minutes,
                ratings: r.ratings,
                mean_rating: r.mean_rating,
            })
            .collect(),
    ))
}

/// A verified request to open.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VerificationIn {
    /// What the customer asked: `delete_account`, `delete_organization`,
    /// `disclose_account_information` (verified by an org admin), or `change_password`,
    /// `add_to_resource`, `make_admin` (never done by support: refused with the reason).
    pub request: String,
    /// The user it is about (all but disclosure).
    #[serde(default)]
    pub username: Option<String>,
}

/// A verified request.
#[derive(serde::Serialize, ToSchema)]
pub struct VerificationOut {
    pub id: String,
    pub ticket: u64,
    pub action: String,
    pub username: Option<String>,
    /// `pending`, `expired`, `confirmed` or `rejected`.
    pub state: String,
    #[schema(value_type = String)]
    pub opened_at: jiff::Timestamp,
    #[schema(value_type = String)]
    pub expires_at: jiff::Timestamp,
    /// Active admins a confirmation link went to.
    pub sent_to: usize,
}

impl From<skydir_core::service::VerificationView> for VerificationOut {
    fn from(v: skydir_core::service::VerificationView) -> Self {
        Self {
            id: v.id.to_string(),
            ticket: v.ticket,
            action: v.action.into(),
            username: v.subject_username,
            state: v.state.into(),
            opened_at: v.opened_at,
            expires_at: v.expires_at,
            sent_to: v.sent_to,
        }
    }
}

/// Opens a verified request: every active admin of the org is asked to confirm it, and only
/// then does skydir carry it out.
#[utoipa::path(post, path = "/api/v1/support/tickets/{id}/verifications", tag = "support",
    request_body = VerificationIn,
    responses((status = 201, body = VerificationOut), (status = 403, body = crate::Problem),
        (status = 409, body = crate::Problem)))]
pub async fn open_verification<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    Path(id): Path<String>,
    body: Result<Json<VerificationIn>, JsonRejection>,
) -> ApiResult<(StatusCode, Json<VerificationOut>)> {
    let Json(b) = body?;
    let request: skydir_core::support::SecurityRequest =
        serde_json::from_value(serde_json::Value::String(b.request.clone())).map_err(|_| {
            CoreError::invalid(
                "request",
                format!(
                    "'{}' is not a request; use delete_account, delete_organization, \
                     disclose_account_information (or change_password, add_to_resource, \
                     make_admin, which support never does)",
                    b.request
                ),
            )
        })?;
    let username = b.username.as_deref().map(super::username).transpose()?;
    let v = st
        .dir
        .open_verification(&actor, number(&id)?, request, username.as_ref())
        .await?;
    Ok((StatusCode::CREATED, Json(v.into())))
}

/// The verified requests of a ticket.
#[utoipa::path(get, path = "/api/v1/support/tickets/{id}/verifications", tag = "support",
    responses((status = 200, body = Vec<VerificationOut>), (status = 404, body = crate::Problem)))]
pub async fn verifications<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<VerificationOut>>> {
    let all = st.dir.verifications_of(&actor, number(&id)?).await?;
    Ok(Json(all.into_iter().map(Into::into).collect()))
}
