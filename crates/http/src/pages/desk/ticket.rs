//! One ticket for an agent: what intake decided (eligibility, identity, missing details), the
//! SLA clocks, the whole thread with internal notes set apart, and the forms to answer — a
//! public reply or an internal note with files and an optional status, a macro, and the
//! ticket's status, severity and assignment.

use super::Agent;
use super::queue::span;
use crate::AppState;
use crate::pages::csrf::form_allowed;
use crate::pages::portal::tickets::read_multipart;
use crate::pages::shell::{expired, failure, frame};
use crate::routes::tickets::file_response;
use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;
use skydir_core::CoreError;
use skydir_core::access::Actor;
use skydir_core::directory::Name;
use skydir_core::directory::Username;
use skydir_core::ids::AttachmentId;
use skydir_core::ports::Storage;
use skydir_core::service::{TicketPatch, TicketView, VerificationView};
use skydir_core::support::{
    Eligibility, Identity, Macro, MessageAuthor, SecurityRequest, Severity, SlaStatus,
    TicketStatus, Visibility,
};

fn author(m: &MessageAuthor) -> &'static str {
    match m {
        MessageAuthor::Customer { .. } => "Customer",
        MessageAuthor::Agent { .. } => "Support",
        MessageAuthor::Desk => "Automatic",
    }
}

fn clock(name: &str, s: &SlaStatus) -> Markup {
    html! {
        dt { (name) }
        dd {
            @if let Some(b) = s.breached_at { strong.badge.bad { "breached" } " at " (b.strftime("%Y-%m-%d %H:%M UTC")) }
            @else if let Some(d) = s.due { (span(s.remaining)) " of business time left (due " (d.strftime("%Y-%m-%d %H:%M UTC")) ")" }
            @else if s.remaining.is_zero() { "met" }
            @else { "paused, " (span(s.remaining)) " left" }
        }
    }
}

/// The requests an agent may ask an admin to verify, with their wire names. (Roles and access
/// are not among them: staff never change those, verified or not.)
const REQUESTS: [(&str, &str); 3] = [
    ("delete_account", "Delete a user's account"),
    (
        "delete_organization",
        "Delete the organization and all its data",
    ),
    (
        "disclose_account_information",
        "Disclose the account information",
    ),
];

fn page(
    ag: &Agent,
    t: &TicketView,
    macros: &[Macro],
    verifications: &[VerificationView],
    error: Option<&str>,
) -> Markup {
    let path = format!("/desk/tickets/{}", t.number);
    let me = match ag.actor {
        Actor::SupportAgent { staff } => Some(staff),
        _ => None,
    };
    html! {
        h1 { "#" (t.number) " " (t.subject.get()) }
        @if let Some(e) = error { p.error role="alert" { (e) } }
        dl.facts {
            dt { "Organization" } dd { (t.org_slug) }
            dt { "Status" } dd #status { (t.status.as_str()) }
            dt { "Severity" } dd { (t.severity) }
            dt { "Category" } dd { (t.category.description()) }
            dt { "Identity" }
            dd {
                @match &t.identity {
                    Identity::Session => "signed in (portal or API)",
                    Identity::VerifiedMail { method } => { "mail, sender verified (" (method) ")" },
                    Identity::UnverifiedMail { reason } => { strong.badge.warn { "unverified sender" } " " (reason) },
                }
            }
            dt { "Eligibility" }
            dd {
                @match &t.eligibility {
                    Eligibility::Covered { .. } => "covered",
                    Eligibility::RoutedToSales { reason } => { "routed to Sales: " (reason) },
                    Eligibility::NotCovered { reason, .. } => { "not covered: " (reason) },
                }
                @if t.best_effort { " (best effort)" }
            }
            @if !t.missing.is_empty() {
                dt { "Missing details" } dd { @for (i, d) in t.missing.iter().enumerate() { @if i > 0 { ", " } (d.label()) } }
            }
            @if let Some(s) = &t.system { dt { "System" } dd { (s) } }
            dt { "Assigned" } dd { @if t.assignee.is_none() { "nobody" } @else if t.assignee == me { "you" } @else { "another agent" } }
            (clock("First response", &t.first_response))
            (clock("Resolution", &t.resolution))
        }
        h2 { "Conversation" }
        @for m in t.messages.as_deref().unwrap_or(&[]) {
            article.message.internal[m.visibility == Visibility::Internal] {
                h3 { (author(&m.author)) @if m.visibility == Visibility::Internal { " · " span.badge.warn { "internal note" } } " · " small.muted { (m.at.strftime("%Y-%m-%d %H:%M UTC")) } }
                @for para in m.body.get().split("\n\n") { p { @for (i, line) in para.lines().enumerate() { @if i > 0 { br; } (line) } } }
                @if !m.attachments.is_empty() {
                    ul { @for f in &m.attachments { li { a href={ (path) "/attachments/" (f.id) } { (f.filename) } " (" (f.size) " bytes)" } } }
                }
            }
        }
        @if matches!(ag.actor, Actor::SupportAgent { .. }) {
            h2 #reply-h { "Answer" }
            form method="post" action={ (path) "/reply" } enctype="multipart/form-data" aria-labelledby="reply-h" {
                input type="hidden" name="csrf" value=(ag.csrf);
                fieldset {
                    legend { "Who sees it" }
                    label { input type="radio" name="visibility" value="public" checked; " Reply to the customer (mailed)" } br;
                    label { input type="radio" name="visibility" value="internal"; " Internal note (staff only)" }
                }
                p { label for="body" { "Message" } br; textarea #body name="body" rows="6" required {} }
                p { label for="files" { "Files" } br; input #files type="file" name="attachments" multiple; }
                p { label for="reply-status" { "Then set the status to" } br;
                    select #reply-status name="status" {
                        option value="" { "(leave as it is)" }
                        @for s in TicketStatus::ALL { option value=(s.as_str()) { (s.as_str()) } }
                    }
                }
                p { button type="submit" { "Send" } }
            }
            @if !macros.is_empty() {
                h2 #macro-h { "Use a macro" }
                form method="post" action={ (path) "/macro" } aria-labelledby="macro-h" {
                    input type="hidden" name="csrf" value=(ag.csrf);
                    p { label for="macro" { "Macro" } br;
                        select #macro name="name" { @for m in macros { option value=(m.name) { (m.title) @if m.visibility == Visibility::Internal { " (internal)" } } } } }
                    p { button type="submit" { "Send the macro" } }
                }
            }
        }
        h2 #verify-h { "Verified requests" }
        p.muted { "Sensitive requests are carried out only after an active administrator of the organization confirms them; support never changes passwords or grants access." }
        @if !verifications.is_empty() {
            table #verifications {
                tr { th scope="col" { "Request" } th scope="col" { "User" } th scope="col" { "State" } th scope="col" { "Asked" } th scope="col" { "Expires" } }
                @for v in verifications {
                    tr { td { (v.action) } td { @if let Some(u) = &v.subject_username { (u) } } td { (v.state) } td { (v.sent_to) " admin(s)" } td { (v.expires_at.strftime("%Y-%m-%d %H:%M UTC")) } }
                }
            }
        }
        @if matches!(ag.actor, Actor::SupportAgent { .. }) {
            form method="post" action={ (path) "/verifications" } aria-labelledby="verify-h" {
                input type="hidden" name="csrf" value=(ag.csrf);
                p { label for="request" { "The customer asks to" } br;
                    select #request name="request" { @for (v, t) in REQUESTS { option value=(v) { (t) } } } }
                p { label for="username" { "About the user (username)" } br; input #username name="username"; }
                p { button type="submit" { "Ask the admins to verify" } }
            }
        }
        h2 #update-h { "Ticket" }
        form method="post" action={ (path) "/update" } aria-labelledby="update-h" {
            input type="hidden" name="csrf" value=(ag.csrf);
            p { label for="severity" { "Severity" } br;
                select #severity name="severity" { @for s in Severity::ALL { option value=(s.as_str()) selected[s == t.severity] { (s) } } } }
            p { label for="status" { "Status" } br;
                select #status-select name="status" { @for s in TicketStatus::ALL { option value=(s.as_str()) selected[s == t.status] { (s.as_str()) } } } }
            @if me.is_some() {
                p { label for="assign" { "Assignment" } br;
                    select #assign name="assign" {
                        option value="" { "(leave as it is)" }
                        option value="me" { "Assign to me" }
                        option value="none" { "Unassign" }
                    }
                }
            }
            p { button type="submit" { "Update the ticket" } }
        }
        p { a href="/desk" { "← Queue" } }
    }
}

async fn render<S: Storage + Clone>(
    st: &AppState<S>,
    ag: &Agent,
    id: u64,
    status: StatusCode,
    error: Option<&str>,
) -> Response {
    let t = match st.dir.get_ticket_as_staff(&ag.actor, id).await {
        Ok(t) => t,
        Err(e) => return failure(st, ag.chrome(), &e, ("/desk", "Queue")),
    };
    let macros = if matches!(ag.actor, Actor::SupportAgent { .. }) {
        st.dir.list_macros(&ag.actor).await.unwrap_or_default()
    } else {
        Vec::new()
    };
    let verifications = st
        .dir
        .verifications_of(&ag.actor, id)
        .await
        .unwrap_or_default();
    let title = format!("Ticket #{}", t.number);
    frame(
        st,
        ag.chrome(),
        status,
        &title,
        "",
        page(ag, &t, &macros, &verifications, error),
    )
}

/// `GET /desk/tickets/{id}`.
pub async fn show<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    ag: Agent,
    Path(id): Path<u64>,
) -> Response {
    render(&st, &ag, id, StatusCode::OK, None).await
}

/// After an action: back to the ticket, or the ticket with the reason it failed.
async fn after<S: Storage + Clone, T>(
    st: &AppState<S>,
    ag: &Agent,
    id: u64,
    r: Result<T, CoreError>,
) -> Response {
    match r {
        Ok(_) => Redirect::to(&format!("/desk/tickets/{id}")).into_response(),
        Err(
            e @ (CoreError::Invalid { .. }
            | CoreError::Conflict { .. }
            | CoreError::Forbidden { .. }),
        ) => {
            render(
                st,
                ag,
                id,
                crate::pages::shell::status_of(&e),
                Some(&e.to_string()),
            )
            .await
        }
        Err(e) => failure(st, ag.chrome(), &e, ("/desk", "Queue")),
    }
}

/// `POST /desk/tickets/{id}/reply` (multipart: body, visibility, status, attachments).
pub async fn reply<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    headers: HeaderMap,
    ag: Agent,
    Path(id): Path<u64>,
    body: Multipart,
) -> Response {
    let r = async {
        let (fields, files) = read_multipart(body).await?;
        let get = |k: &str| fields.get(k).map_or("", String::as_str);
        if !form_allowed(&st, &headers, get("csrf")) {
            return Err(expired());
        }
        let visibility = match get("visibility") {
            "internal" => Visibility::Internal,
            _ => Visibility::Public,
        };
        let status = match get("status") {
            "" => None,
            s => Some(TicketStatus::parse(s)?),
        };
        st.dir
            .agent_reply(
                &ag.actor,
                id,
                get("body").to_string(),
                visibility,
                status,
                files,
            )
            .await
    }
    .await;
    after(&st, &ag, id, r).await
}

/// The macro form.
#[derive(Debug, Deserialize, Default)]
pub struct MacroForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
}

/// `POST /desk/tickets/{id}/macro`.
pub async fn use_macro<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    headers: HeaderMap,
    ag: Agent,
    Path(id): Path<u64>,
    body: Result<Form<MacroForm>, FormRejection>,
) -> Response {
    let f = body.map(|Form(f)| f).unwrap_or_default();
    let r = async {
        if !form_allowed(&st, &headers, &f.csrf) {
            return Err(expired());
        }
        let name =
            Name::parse(&f.name).map_err(|_| CoreError::invalid("macro", "choose a macro"))?;
        st.dir.reply_with_macro(&ag.actor, id, &name).await
    }
    .await;
    after(&st, &ag, id, r).await
}

/// The update form.
#[derive(Debug, Deserialize, Default)]
pub struct UpdateForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    severity: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    assign: String,
}

/// `POST /desk/tickets/{id}/update`: status, severity and assignment; only what changed is
/// sent to the core.
pub async fn update<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    headers: HeaderMap,
    ag: Agent,
    Path(id): Path<u64>,
    body: Result<Form<UpdateForm>, FormRejection>,
) -> Response {
    let f = body.map(|Form(f)| f).unwrap_or_default();
    let r = async {
        if !form_allowed(&st, &headers, &f.csrf) {
            return Err(expired());
        }
        let severity = Severity::parse(&f.severity)?;
        let status = TicketStatus::parse(&f.status)?;
        let assignee = match (f.assign.as_str(), ag.actor) {
            ("me", Actor::SupportAgent { staff }) => Some(Some(staff)),
            ("none", _) => Some(None),
            _ => None,
        };
        // The core leaves fields that do not change alone (and records nothing for them).
        let patch = TicketPatch {
            status: Some(status),
            severity: Some(severity),
            category: None,
            assignee,
        };
        st.dir.update_ticket(&ag.actor, id, patch).await
    }
    .await;
    after(&st, &ag, id, r).await
}

/// The verification form.
#[derive(Debug, Deserialize, Default)]
pub struct VerifyForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    request: String,
    #[serde(default)]
    username: String,
}

/// `POST /desk/tickets/{id}/verifications`: asks the org's admins to confirm a request.
pub async fn verify<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    headers: HeaderMap,
    ag: Agent,
    Path(id): Path<u64>,
    body: Result<Form<VerifyForm>, FormRejection>,
) -> Response {
    let f = body.map(|Form(f)| f).unwrap_or_default();
    let r = async {
        if !form_allowed(&st, &headers, &f.csrf) {
            return Err(expired());
        }
        let request: SecurityRequest =
            serde_json::from_value(serde_json::Value::String(f.request.clone()))
                .map_err(|_| CoreError::invalid("request", "choose what the customer asks for"))?;
        let username = match f.username.trim() {
            "" => None,
            u => Some(Username::parse(u)?),
        };
        st.dir
            .open_verification(&ag.actor, id, request, username.as_ref())
            .await
    }
    .await;
    after(&st, &ag, id, r).await
}

/// `GET /desk/tickets/{id}/attachments/{attachment}`.
pub async fn attachment<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    ag: Agent,
    Path((id, file)): Path<(u64, String)>,
) -> Response {
    let r = match AttachmentId::parse(&file) {
        Some(aid) => st.dir.ticket_attachment_as_staff(&ag.actor, id, aid).await,
        None => Err(CoreError::not_found("attachment", file)),
    };
    match r {
        Ok(f) => file_response(f),
        Err(e) => failure(&st, ag.chrome(), &e, ("/desk", "Queue")),
    }
}
