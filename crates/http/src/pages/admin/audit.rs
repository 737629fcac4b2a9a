//! The console's audit log: the organization's hash-chained events, newest first, fifty a
//! page, and a button that verifies the whole chain — every event's hash and link, and the
//! stored head — and says whether it is intact or where it broke. Actors and targets are
//! pseudonymous ids, as stored; the log is never edited from here.

use super::Admin;
use crate::AppState;
use crate::pages::shell::{failure, frame};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::html;
use serde::Deserialize;
use skydir_core::audit::Outcome;
use skydir_core::ports::Storage;

/// Events per page.
const PER_PAGE: u64 = 50;

/// The viewer's query.
#[derive(Debug, Deserialize, Default)]
pub struct AuditQuery {
    /// Show events up to this sequence number (default: the newest).
    #[serde(default)]
    before: Option<u64>,
    /// `1` to verify the chain.
    #[serde(default)]
    verify: Option<String>,
}

/// `GET /admin/audit`.
pub async fn show<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    a: Admin,
    query: Result<Query<AuditQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let Query(q) = query.unwrap_or_default();
    let read = async {
        let head = st.dir.org_audit_head(&a.actor, &a.slug).await?;
        let last = q.before.unwrap_or(head).min(head);
        let first = last.saturating_sub(PER_PAGE);
        let limit = u32::try_from(last - first).unwrap_or(50).max(1);
        let mut events = st.dir.org_audit(&a.actor, &a.slug, first, limit).await?;
        events.reverse();
        let report = match q.verify {
            Some(_) => Some(st.dir.verify_org_audit(&a.actor, &a.slug).await?),
            None => None,
        };
        Ok::<_, skydir_core::CoreError>((head, first, events, report))
    }
    .await;
    let (head, first, events, report) = match read {
        Ok(r) => r,
        Err(e) => {
            return failure(&st, a.chrome(), &e, ("/admin", "Overview"));
        }
    };
    let body = html! {
        h1 { "Audit log" }
        p.muted { "Every change and every disclosure of personal data in your organization, in a hash chain: removing, altering or reordering any event breaks it." }
        @if let Some(r) = &report {
            @match &r.broken {
                None => p.notice #verify-result role="status" { "The chain is intact: " (r.events) " events verified." },
                Some(why) => p.error #verify-result role="alert" { "The chain is broken: " (why) },
            }
        }
        form method="get" action="/admin/audit" {
            input type="hidden" name="verify" value="1";
            button type="submit" { "Verify the chain" }
        }
        @if events.is_empty() {
            div.empty { p { "No events yet." } }
        } @else {
            table #audit {
                caption.sr { "Audit events, newest first" }
                tr { th scope="col" { "#" } th scope="col" { "When (UTC)" } th scope="col" { "Action" } th scope="col" { "Actor" } th scope="col" { "Target" } th scope="col" { "Outcome" } }
                @for e in &events {
                    tr {
                        td { (e.seq) }
                        td { (e.at.strftime("%Y-%m-%d %H:%M:%S")) }
                        td { code { (e.action) } }
                        td { small { (e.actor) } }
                        td { small { (e.target) } }
                        td { @match e.outcome { Outcome::Success => "done", Outcome::Denied => strong.badge.bad { "denied" } } }
                    }
                }
            }
            p {
                @if first > 0 { a rel="next" href={ "/admin/audit?before=" (first) } { "← Older events" } " " }
                @if q.before.is_some_and(|b| b < head) { a href="/admin/audit" { "Newest events →" } }
            }
        }
    };
    frame(
        &st,
        a.chrome(),
        StatusCode::OK,
        "Audit log",
        "/admin/audit",
        body,
    )
}
