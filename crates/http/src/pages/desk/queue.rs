//! The queue: every open ticket, most urgent first (severity, then the due time of the SLA
//! target that is running), each with the business time left and a near-breach or breached
//! badge, filterable to the agent's own or unassigned tickets.

use super::Agent;
use crate::AppState;
use crate::pages::shell::{failure, frame};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use jiff::SignedDuration;
use maud::{Markup, html};
use serde::Deserialize;
use skydir_core::access::Actor;
use skydir_core::ports::Storage;
use skydir_core::service::QueueItem;
use skydir_core::support::{TicketStatus, Urgency};

/// The queue's filter.
#[derive(Debug, Deserialize, Default)]
pub struct Filter {
    /// `me`, `none` or empty for everyone's.
    #[serde(default)]
    assignee: String,
}

/// Business time as people say it: "2 h 05 min".
pub(super) fn span(d: SignedDuration) -> String {
    let mins = d.as_secs().max(0) / 60;
    match (mins / 60, mins % 60) {
        (0, m) => format!("{m} min"),
        (h, m) => format!("{h} h {m:02} min"),
    }
}

/// The running target's time left, as text and badge.
pub(super) fn time_left(i: &QueueItem) -> Markup {
    let t = &i.ticket;
    let sla = if t.first_response.due == i.next_due && i.next_due.is_some() {
        &t.first_response
    } else {
        &t.resolution
    };
    html! {
        @match i.urgency {
            Urgency::Breached => { strong.badge.bad { "breached" } " " },
            Urgency::NearBreach => { strong.badge.warn { "near breach" } " " },
            Urgency::OnTrack => {},
        }
        @if i.next_due.is_none() {
            span.muted { "paused" @if t.status == TicketStatus::WaitingOnCustomer { " (waiting on customer)" } }
        } @else if sla.breached_at.is_none() {
            (span(sla.remaining)) " left"
        }
        @if let Some(d) = i.next_due { br; small.muted { "due " (d.strftime("%Y-%m-%d %H:%M UTC")) } }
    }
}

/// `GET /desk`.
pub async fn show<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    ag: Agent,
    query: Result<Query<Filter>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let Query(f) = query.unwrap_or_default();
    let items = match st.dir.support_queue(&ag.actor).await {
        Ok(i) => i,
        Err(e) => {
            return failure(&st, ag.chrome(), &e, ("/kb", "Knowledge Base"));
        }
    };
    let me = match ag.actor {
        Actor::SupportAgent { staff } | Actor::Operator { staff } => Some(staff),
        _ => None,
    };
    let shown: Vec<&QueueItem> = items
        .iter()
        .filter(|i| match f.assignee.as_str() {
            "me" => i.ticket.assignee.is_some() && i.ticket.assignee == me,
            "none" => i.ticket.assignee.is_none(),
            _ => true,
        })
        .collect();
    let body = html! {
        h1 { "Queue" }
        nav.filters aria-label="Filter the queue" {
            a href="/desk" aria-current=[f.assignee.is_empty().then_some("page")] { "All open (" (items.len()) ")" }
            a href="/desk?assignee=me" aria-current=[(f.assignee == "me").then_some("page")] { "Assigned to me" }
            a href="/desk?assignee=none" aria-current=[(f.assignee == "none").then_some("page")] { "Unassigned" }
        }
        @if shown.is_empty() {
            div.empty { p { "Nothing here: no open tickets" @if !f.assignee.is_empty() { " in this view" } "." } }
        } @else {
            table #queue {
                caption.sr { "Open tickets, most urgent first" }
                tr { th scope="col" { "#" } th scope="col" { "Severity" } th scope="col" { "Subject" } th scope="col" { "Organization" } th scope="col" { "Status" } th scope="col" { "Time left" } }
                @for i in &shown {
                    tr {
                        td { (i.ticket.number) }
                        td { span.sev { (i.ticket.severity) } }
                        td { a href={ "/desk/tickets/" (i.ticket.number) } { (i.ticket.subject.get()) } }
                        td { (i.ticket.org_slug) }
                        td { (i.ticket.status.as_str()) @if i.ticket.assignee.is_some() && i.ticket.assignee == me { " · mine" } }
                        td { (time_left(i)) }
                    }
                }
            }
        }
    };
    frame(&st, ag.chrome(), StatusCode::OK, "Queue", "/desk", body)
}
