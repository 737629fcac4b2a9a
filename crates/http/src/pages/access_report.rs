//! The access report in HTML: the same report as the JSON (`skydir.access-report/1`), laid out
//! for a person to read — what is held about them and why, their memberships, the activity
//! recorded about them, their tickets, who else receives their data, where, and their rights.
//! Served by the API (`?format=html`) and by the portal's "My data" page.

use maud::{Markup, html};
use serde_json::Value;
use skydir_core::privacy::report::{AccessReport, DataItemView};

fn when(t: jiff::Timestamp) -> String {
    t.strftime("%Y-%m-%d %H:%M UTC").to_string()
}

/// A held value in words: lists joined, objects as `key: value`, empty as "none".
fn value_text(v: &Value) -> String {
    match v {
        Value::Null => "none".into(),
        Value::String(s) => s.clone(),
        Value::Array(a) if a.is_empty() => "none".into(),
        Value::Array(a) => a.iter().map(value_text).collect::<Vec<_>>().join("; "),
        Value::Object(o) if o.is_empty() => "none".into(),
        Value::Object(o) => o
            .iter()
            .filter(|(_, v)| !v.is_null())
            .map(|(k, v)| format!("{}: {}", k.replace('_', " "), value_text(v)))
            .collect::<Vec<_>>()
            .join(", "),
        other => other.to_string(),
    }
}

fn about(i: &DataItemView) -> Markup {
    html! {
        dl.about {
            dt { "Category" } dd { (i.category) }
            dt { "Purpose" } dd { (i.purpose) }
            dt { "Legal basis" } dd { (i.legal_basis) }
            dt { "Kept" } dd { (i.retention) }
            dt { "Source" } dd { (i.source.join(", ")) }
        }
    }
}

/// The report's content (without the page frame).
pub fn report(r: &AccessReport) -> Markup {
    html! {
        h1 { "Your data" }
        p { "Everything " (r.subject.organization) "'s directory holds about "
            strong { (r.subject.username) } ", as of " (when(r.generated_at)) "." }
        p { (r.controller) "; " (r.processor) "." }
        h2 { "Personal data" }
        table {
            tr { th scope="col" { "What" } th scope="col" { "Held" } th scope="col" { "Why and for how long" } }
            @for d in &r.personal_data {
                tr {
                    td { (d.item.label) }
                    td { (value_text(&d.value)) }
                    td { (about(&d.item)) }
                }
            }
        }
        h2 { "Memberships and access" }
        p { @if r.memberships.admin { "You are an administrator of your organization." } @else { "You are not an administrator." } }
        p { "Groups: " @if r.memberships.groups.is_empty() { "none" } @else { (r.memberships.groups.join(", ")) }
            @if !r.memberships.nested_groups.is_empty() { " (and through them: " (r.memberships.nested_groups.join(", ")) ")" } }
        @if r.memberships.access.is_empty() {
            p { "No applications or resources are granted to you." }
        } @else {
            ul { @for a in &r.memberships.access { li { (a.resource) " (" (a.kind) "), " (a.granted) } } }
        }
        h2 { "Activity recorded about you" }
        @if r.activity.is_empty() {
            p { "None." }
        } @else {
            table {
                tr { th scope="col" { "When" } th scope="col" { "What" } th scope="col" { "By" } th scope="col" { "Outcome" } }
                @for a in &r.activity {
                    tr { td { (when(a.at)) } td { (a.action) } td { (a.by) } td { (a.outcome) } }
                }
            }
        }
        h2 { "Support tickets" }
        @if r.tickets.is_empty() {
            p { "You appear in no support ticket." }
        } @else {
            @for t in &r.tickets {
                section {
                    h3 { "#" (t.number) " " (t.subject) }
                    p { "Opened " (when(t.opened_at)) " · " (t.status) " · you are the " (t.role) }
                    @for m in &t.messages {
                        blockquote { p.meta { (when(m.at)) } pre { (m.body) }
                            @if !m.attachments.is_empty() { p { "Files: " (m.attachments.join(", ")) } } }
                    }
                }
            }
        }
        @if !r.contracts.is_empty() {
            h2 { "Agreements and privacy records" }
            ul { @for c in &r.contracts { li { (when(c.at)) ": " (c.detail) } } }
        }
        h2 { "Why the other records are kept" }
        @for i in &r.other_records {
            h3 { (i.label) }
            (about(i))
        }
        h2 { "Who else receives your data" }
        @if r.recipients.is_empty() {
            p { "No sub-processor receives personal data." }
        } @else {
            table {
                tr { th scope="col" { "Sub-processor" } th scope="col" { "Purpose" } th scope="col" { "Data" } th scope="col" { "Location" } }
                @for s in &r.recipients {
                    tr { td { (s.name) } td { (s.purpose) } td { (s.data_categories.join(", ")) } td { (s.location) } }
                }
            }
        }
        p { "Processed in: " (r.locations.join("; ")) "." }
        h2 { "Your rights" }
        ul {
            @for right in &r.rights {
                li { strong { (right.right) } " (" (right.article) "): " (right.how) }
            }
        }
    }
}

/// The report as a whole page, not to be cached anywhere.
pub fn page_response(
    policy: Option<&skydir_core::support::DeskPolicy>,
    r: &AccessReport,
) -> axum::response::Response {
    let mut resp = super::layout::respond(
        axum::http::StatusCode::OK,
        super::layout::page("Your data", policy, report(r)),
    );
    resp.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    resp
}
