//! The HTTP door for inbound mail: the operator's mail gateway posts one raw RFC 5322 message
//! (`Content-Type: message/rfc822`) per request, authenticated with an operator token. It is
//! handled exactly as `skydir mail ingest` handles a message piped from the MTA.

use crate::caller::Caller;
use crate::problem::{ApiError, ApiResult};
use crate::{AppState, Unreadable};
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use serde::Serialize;
use skydir_core::CoreError;
use skydir_core::ports::Storage;
use skydir_core::service::MailOutcome;
use utoipa::ToSchema;

/// What was done with a message.
#[derive(Serialize, ToSchema)]
pub struct MailOutcomeOut {
    /// `created`, `appended`, `answered`, `ignored` or `duplicate`.
    pub outcome: String,
    /// The ticket created or replied to.
    pub ticket: Option<u64>,
    /// Why it was answered or ignored.
    pub reason: Option<String>,
}

impl From<MailOutcome> for MailOutcomeOut {
    fn from(o: MailOutcome) -> Self {
        let (outcome, ticket, reason) = match o {
            MailOutcome::Created { number } => ("created", Some(number), None),
            MailOutcome::Appended { number } => ("appended", Some(number), None),
            MailOutcome::Answered { reason } => ("answered", None, Some(reason)),
            MailOutcome::Ignored { reason } => ("ignored", None, Some(reason)),
            MailOutcome::Duplicate => ("duplicate", None, None),
        };
        Self {
            outcome: outcome.into(),
            ticket,
            reason,
        }
    }
}

/// Refusals of a message that cannot be read at all.
fn unreadable(e: Unreadable) -> ApiError {
    match e {
        Unreadable::TooLarge => ApiError::BodyTooLarge {
            limit: crate::MAX_UPLOAD_BYTES,
        },
        Unreadable::NotMail(why) => ApiError::Core(CoreError::invalid("body", why)),
    }
}

/// Takes one inbound message from the mail gateway (operator token).
#[utoipa::path(post, path = "/api/v1/mail/inbound", tag = "mail",
    request_body(content = String, content_type = "message/rfc822",
        description = "one raw RFC 5322 message"),
    responses((status = 200, body = MailOutcomeOut), (status = 400, body = crate::Problem),
        (status = 403, body = crate::Problem), (status = 413, body = crate::Problem),
        (status = 429, body = crate::Problem)))]
pub async fn inbound<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Json<MailOutcomeOut>> {
    let body = body.map_err(|r| {
        if r.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::BodyTooLarge {
                limit: crate::MAX_UPLOAD_BYTES,
            }
        } else {
            ApiError::Core(CoreError::invalid("body", r.body_text()))
        }
    })?;
    if matches!(actor, skydir_core::access::Actor::Anonymous) {
        return Err(CoreError::Unauthenticated.into());
    }
    let mail = (st.read_mail)(&body).map_err(unreadable)?;
    // Each message can open a ticket and mail an answer back: one sender gets a budget (the
    // gateway defers the message on 429 and tries again after `Retry-After`).
    if let (skydir_core::access::Actor::Operator { .. }, Some(from)) = (&actor, &mail.from)
        && let Err(r) = st.gate.throttle.mail_sender(from)
    {
        metrics::counter!("skydir_rate_limited_total", "protocol" => "mail", "limit" => r.limit.as_str())
            .increment(1);
        return Err(ApiError::TooManyRequests {
            retry_after: r.retry_after_secs(),
        });
    }
    let outcome = st.dir.ingest_mail(&actor, mail).await?;
    Ok(Json(outcome.into()))
}
