//! The portal's tickets: an org's admins file tickets with a form (suggested Knowledge Base
//! articles appear as they type), follow their conversation, reply with files, resolve, close,
//! reopen and rate them. Plain forms that work without JavaScript; errors appear next to the
//! field that caused them.

use super::Member;
use crate::AppState;
use crate::pages::csrf::form_allowed;
use crate::pages::shell::{self, Area, Chrome};
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
use skydir_core::ids::AttachmentId;
use skydir_core::ports::{Storage, TicketFilter};
use skydir_core::secret::Personal;
use skydir_core::service::{NewAttachment, NewTicket, TicketView};
use skydir_core::support::{Category, Channel, MediaType, MessageAuthor, Severity, TicketStatus};
use std::collections::HashMap;

pub(super) fn frame<S: Storage + Clone>(
    st: &AppState<S>,
    actor: &Actor,
    status: StatusCode,
    title: &str,
    csrf: &str,
    body: Markup,
) -> Response {
    let here = match title {
        "My data" => "/portal/my-data",
        "New ticket" => "/portal/tickets/new",
        _ => "/portal/tickets",
    };
    shell::frame(
        st,
        Chrome {
            area: Area::Portal,
            actor,
            csrf,
        },
        status,
        title,
        here,
        body,
    )
}

fn due(t: &TicketView) -> String {
    match t.first_response.due.or(t.resolution.due) {
        Some(d) => d.strftime("%Y-%m-%d %H:%M UTC").to_string(),
        None => match t.status {
            TicketStatus::WaitingOnCustomer => "waiting for your reply".into(),
            _ => "—".into(),
        },
    }
}

fn label(s: TicketStatus) -> &'static str {
    match s {
        TicketStatus::New => "New",
        TicketStatus::Open => "Open",
        TicketStatus::WaitingOnCustomer => "Waiting for you",
        TicketStatus::Resolved => "Resolved",
        TicketStatus::Closed => "Closed",
    }
}

/// `GET /portal/tickets`.
pub async fn list<S: Storage + Clone>(State(st): State<AppState<S>>, m: Member) -> Response {
    let Member {
        actor: a,
        slug,
        csrf: token,
    } = m;
    if matches!(a, Actor::User { .. }) {
        let body = html! {
            h1 { "Support" }
            p { "Support requests are submitted by your organization's administrators, and end-user support goes through them: please ask your IT administrator, who can contact support for you." }
            p { a href="/kb" { "The Knowledge Base" } " is open to everyone." }
        };
        return frame(&st, &a, StatusCode::OK, "Support", &token, body);
    }
    let page_req = skydir_core::page::PageRequest::first(200);
    let tickets = match st
        .dir
        .list_tickets(&a, &slug, &TicketFilter::default(), &page_req)
        .await
    {
        Ok(p) => p.items,
        Err(e) => return failure(&st, &a, &token, &e),
    };
    let body = html! {
        h1 { "Tickets of " (slug) }
        p { a href="/portal/tickets/new" { "Open a new ticket" } }
        @if tickets.is_empty() {
            div.empty { p { "No tickets yet. Before opening one, the " a href="/kb" { "Knowledge Base" } " may already have the answer." } }
        } @else {
            table {
                tr { th scope="col" { "#" } th scope="col" { "Subject" } th scope="col" { "Status" } th scope="col" { "Severity" } th scope="col" { "Answer due" } }
                @for t in &tickets {
                    tr {
                        td { (t.number) }
                        td { a href={ "/portal/tickets/" (t.number) } { (t.subject.get()) } }
                        td { (label(t.status)) }
                        td { (t.severity) }
                        td { (due(t)) }
                    }
                }
            }
        }
    };
    frame(&st, &a, StatusCode::OK, "Tickets", &token, body)
}

/// A new ticket's form, filled again after an error.
#[derive(Default)]
struct Draft {
    subject: String,
    category: String,
    severity: String,
    description: String,
    troubleshooting: String,
    error_messages: String,
    system: String,
    critical: bool,
}

fn new_form(token: &str, d: &Draft, error: Option<(&str, String)>) -> Markup {
    let err = |field: &str| {
        error
            .as_ref()
            .filter(|(f, _)| *f == field || f.starts_with(&format!("{field}[")))
            .map(|(_, m)| m.clone())
    };
    let field_error = |id: &str| -> Markup {
        html! { @if let Some(m) = err(id) { span.error id={ (id) "-error" } role="alert" { (m) } } }
    };
    html! {
        h1 { "New ticket" }
        p.muted { "For a problem, please include a description, what you have tried, the exact error messages or screenshots, and the logs of the affected system's client (a Linux host joined over LDAP with SSSD: /var/log/sssd/sssd_<domain>.log, sssd_nss.log and sssd_pam.log; with nslcd: journalctl -u nslcd). A question needs only the question." }
        @if let Some((f, m)) = &error { @if ["subject", "category", "severity", "description", "system", "attachments"].iter().all(|k| !f.starts_with(k)) { p.error role="alert" { (m) } } }
        form method="post" action="/portal/tickets/new" enctype="multipart/form-data" {
            input type="hidden" name="csrf" value=(token);
            p { label for="subject" { "Subject" } br; input #subject name="subject" required maxlength="200" value=(d.subject) aria-describedby="subject-error"; (field_error("subject")) }
            p { label for="category" { "What is it about?" } br;
                select #category name="category" aria-describedby="category-error" {
                    @for c in Category::ALL { option value=(c.as_str()) selected[d.category == c.as_str()] { (c.description()) } }
                }
                (field_error("category"))
            }
            p { label for="severity" { "Severity" } br;
                select #severity name="severity" {
                    option value="" selected[d.severity.is_empty()] { "Decide from my description" }
                    @for s in Severity::ALL { option value=(s.as_str()) selected[d.severity == s.as_str()] { (s) } }
                }
                (field_error("severity"))
            }
            p { label for="description" { "Detailed description" } br; textarea #description name="description" rows="6" required aria-describedby="description-error" { (d.description) } (field_error("description")) }
            section aria-labelledby="sugg-h" { h2 #sugg-h { "Articles that may help" } ul #suggestions aria-live="polite" { li.muted { "Suggestions appear as you type." } } }
            p { label for="troubleshooting" { "Troubleshooting already taken" } br; textarea #troubleshooting name="troubleshooting" rows="3" { (d.troubleshooting) } }
            p { label for="error_messages" { "Error messages" } br; textarea #error_messages name="error_messages" rows="3" { (d.error_messages) } }
            p { label for="system" { "Hostname of the system involved (optional)" } br; input #system name="system" value=(d.system) aria-describedby="system-error"; (field_error("system")) }
            p { input #critical type="checkbox" name="critical" value="yes" checked[d.critical]; " " label for="critical" { "This is critical or affects many users" } }
            p { label for="attachments" { "Screenshots, logs and other files (10 MiB each)" } br; input #attachments type="file" name="attachments" multiple; (field_error("attachments")) }
            p { button type="submit" { "Open the ticket" } }
        }
        script src="/assets/suggest.js" {}
    }
}

/// `GET /portal/tickets/new`.
pub async fn new<S: Storage + Clone>(State(st): State<AppState<S>>, m: Member) -> Response {
    let Member {
        actor: a,
        slug: _,
        csrf: token,
    } = m;
    frame(
        &st,
        &a,
        StatusCode::OK,
        "New ticket",
        &token,
        new_form(
            &token,
            &Draft {
                category: "how_to".into(),
                ..Draft::default()
            },
            None,
        ),
    )
}

/// Text fields and files of a multipart form.
pub(crate) async fn read_multipart(
    mut m: Multipart,
) -> Result<(HashMap<String, String>, Vec<NewAttachment>), CoreError> {
    let mut fields = HashMap::new();
    let mut files = Vec::new();
    loop {
        let field = match m.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => {
                return Err(CoreError::invalid(
                    "attachments",
                    format!("the upload could not be read: {}", e.body_text()),
                ));
            }
        };
        let name = field.name().unwrap_or("").to_string();
        if let Some(filename) = field.file_name().map(str::to_string) {
            let content_type = match field.content_type() {
                None => MediaType::octet_stream(),
                Some(t) => MediaType::parse(t).map_err(|_| {
                    CoreError::invalid(
                        "attachments",
                        "a file's declared type is not a media type like text/plain",
                    )
                })?,
            };
            let bytes = field.bytes().await.map_err(|e| {
                CoreError::invalid(
                    "attachments",
                    format!("the upload could not be read: {}", e.body_text()),
                )
            })?;
            if !filename.is_empty() && !bytes.is_empty() {
                files.push(NewAttachment {
                    filename,
                    content_type,
                    content: bytes.to_vec(),
                });
            }
        } else {
            let text = field
                .text()
                .await
                .map_err(|_| CoreError::invalid(name.clone(), "is not text"))?;
            fields.insert(name, text);
        }
    }
    Ok((fields, files))
}

/// `POST /portal/tickets/new`.
pub async fn create<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    m: Member,
    headers: HeaderMap,
    body: Multipart,
) -> Response {
    let Member {
        actor: a,
        slug,
        csrf: token,
    } = m;
    let (fields, files) = match read_multipart(body).await {
        Ok(v) => v,
        Err(e) => return failure(&st, &a, &token, &e),
    };
    let get = |k: &str| fields.get(k).cloned().unwrap_or_default();
    let draft = Draft {
        subject: get("subject"),
        category: get("category"),
        severity: get("severity"),
        description: get("description"),
        troubleshooting: get("troubleshooting"),
        error_messages: get("error_messages"),
        system: get("system"),
        critical: get("critical") == "yes",
    };
    if !form_allowed(&st, &headers, &get("csrf")) {
        let e = CoreError::forbidden("this form expired; please submit it again");
        return frame(
            &st,
            &a,
            StatusCode::FORBIDDEN,
            "New ticket",
            &token,
            new_form(&token, &draft, Some(("form", e.to_string()))),
        );
    }
    let result: Result<TicketView, CoreError> = async {
        let new = NewTicket {
            subject: Personal(draft.subject.clone()),
            category: Category::parse(&draft.category)?,
            severity: (!draft.severity.is_empty())
                .then(|| Severity::parse(&draft.severity))
                .transpose()?,
            impact: None,
            description: Personal(draft.description.clone()),
            troubleshooting: Personal(draft.troubleshooting.clone()),
            error_messages: Personal(draft.error_messages.clone()),
            system: match draft.system.trim() {
                "" => None,
                h => Some(Name::parse(h).map_err(|_| {
                    CoreError::invalid(
                        "system",
                        format!("your organization has no system named '{h}'"),
                    )
                })?),
            },
            attachments: files,
            critical: draft.critical,
        };
        st.dir.open_ticket(&a, &slug, new, Channel::Portal).await
    }
    .await;
    match result {
        Ok(t) => Redirect::to(&format!("/portal/tickets/{}", t.number)).into_response(),
        Err(CoreError::Invalid { field, reason }) => {
            let msg = reason.clone();
            frame(
                &st,
                &a,
                StatusCode::BAD_REQUEST,
                "New ticket",
                &token,
                new_form(&token, &draft, Some((field.as_str(), msg))),
            )
        }
        Err(e) => failure(&st, &a, &token, &e),
    }
}

fn author(m: &MessageAuthor) -> &'static str {
    match m {
        MessageAuthor::Customer { .. } => "You (your organization)",
        MessageAuthor::Agent { .. } => "Support",
        MessageAuthor::Desk => "Automatic answer",
    }
}

/// `GET /portal/tickets/{id}`.
pub async fn show<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    m: Member,
    Path(id): Path<u64>,
) -> Response {
    let Member {
        actor: a,
        slug,
        csrf: token,
    } = m;
    let t = match st.dir.get_ticket(&a, &slug, id).await {
        Ok(t) => t,
        Err(e) => return failure(&st, &a, &token, &e),
    };
    let open = !matches!(t.status, TicketStatus::Resolved | TicketStatus::Closed);
    let body = html! {
        h1 { "#" (t.number) " " (t.subject.get()) }
        p { strong { (label(t.status)) } " · " (t.severity) " · " (t.category.description()) " · answer due: " (due(&t)) }
        @for m in t.messages.as_deref().unwrap_or(&[]) {
            article.message {
                h2 { (author(&m.author)) " · " small.muted { (m.at.strftime("%Y-%m-%d %H:%M UTC")) } }
                @for para in m.body.get().split("\n\n") { p { @for (i, line) in para.lines().enumerate() { @if i > 0 { br; } (line) } } }
                @if !m.attachments.is_empty() {
                    ul { @for f in &m.attachments { li { a href={ "/portal/tickets/" (t.number) "/attachments/" (f.id) } { (f.filename) } " (" (f.size) " bytes)" } } }
                }
            }
        }
        @if t.status != TicketStatus::Closed {
            h2 { "Reply" }
            form method="post" action={ "/portal/tickets/" (t.number) "/reply" } enctype="multipart/form-data" {
                input type="hidden" name="csrf" value=(token);
                p { label for="body" { "Your message" } br; textarea #body name="body" rows="5" required {} }
                p { label for="files" { "Files" } br; input #files type="file" name="attachments" multiple; }
                p { button type="submit" { "Send" } }
            }
        }
        form method="post" action={ "/portal/tickets/" (t.number) "/status" } {
            input type="hidden" name="csrf" value=(token);
            @if open {
                button type="submit" name="status" value="resolved" { "Mark as resolved" } " "
            } @else if t.status == TicketStatus::Resolved {
                button type="submit" name="status" value="open" { "Reopen" } " "
            }
            @if t.status != TicketStatus::Closed { button type="submit" name="status" value="closed" { "Close" } }
        }
        @if !open {
            h2 { "How did we do?" }
            @if let Some(s) = &t.satisfaction { p { "You rated this " (s.rating) " of 5." } }
            form method="post" action={ "/portal/tickets/" (t.number) "/rating" } {
                input type="hidden" name="csrf" value=(token);
                fieldset {
                    legend { "Rating" }
                    @for r in 1..=5u8 { label { input type="radio" name="rating" value=(r) required; " " (r) } " " }
                }
                p { label for="comment" { "Comment (optional)" } br; textarea #comment name="comment" rows="2" {} }
                p { button type="submit" { "Send rating" } }
            }
        }
    };
    frame(
        &st,
        &a,
        StatusCode::OK,
        &format!("Ticket #{}", t.number),
        &token,
        body,
    )
}

/// `POST /portal/tickets/{id}/reply`.
pub async fn reply<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    m: Member,
    headers: HeaderMap,
    Path(id): Path<u64>,
    body: Multipart,
) -> Response {
    let Member {
        actor: a,
        slug,
        csrf: token,
    } = m;
    let (fields, files) = match read_multipart(body).await {
        Ok(v) => v,
        Err(e) => return failure(&st, &a, &token, &e),
    };
    if !form_allowed(&st, &headers, fields.get("csrf").map_or("", String::as_str)) {
        return expired(&st, &a, &token);
    }
    let text = fields.get("body").cloned().unwrap_or_default();
    let r = st.dir.reply_as_customer(&a, &slug, id, text, files).await;
    back_to(&st, &a, &token, id, r)
}

/// The status form's fields.
#[derive(Debug, Deserialize)]
pub struct StatusForm {
    csrf: String,
    status: String,
}

/// `POST /portal/tickets/{id}/status`.
pub async fn status<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    m: Member,
    headers: HeaderMap,
    Path(id): Path<u64>,
    body: Result<Form<StatusForm>, FormRejection>,
) -> Response {
    let Member {
        actor: a,
        slug,
        csrf: token,
    } = m;
    let Ok(Form(f)) = body else {
        return failure(
            &st,
            &a,
            &token,
            &CoreError::invalid("status", "choose a status"),
        );
    };
    if !form_allowed(&st, &headers, &f.csrf) {
        return expired(&st, &a, &token);
    }
    let r = match TicketStatus::parse(&f.status) {
        Ok(to) => {
            st.dir
                .set_ticket_status_as_customer(&a, &slug, id, to)
                .await
        }
        Err(e) => Err(e),
    };
    back_to(&st, &a, &token, id, r)
}

/// The rating form's fields.
#[derive(Debug, Deserialize)]
pub struct RatingForm {
    csrf: String,
    rating: u8,
    #[serde(default)]
    comment: String,
}

/// `POST /portal/tickets/{id}/rating`.
pub async fn rate<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    m: Member,
    headers: HeaderMap,
    Path(id): Path<u64>,
    body: Result<Form<RatingForm>, FormRejection>,
) -> Response {
    let Member {
        actor: a,
        slug,
        csrf: token,
    } = m;
    let Ok(Form(f)) = body else {
        return failure(
            &st,
            &a,
            &token,
            &CoreError::invalid("rating", "choose a rating from 1 to 5"),
        );
    };
    if !form_allowed(&st, &headers, &f.csrf) {
        return expired(&st, &a, &token);
    }
    let r = st
        .dir
        .rate_ticket(&a, &slug, id, f.rating, &f.comment)
        .await;
    back_to(&st, &a, &token, id, r)
}

/// `GET /portal/tickets/{id}/attachments/{attachment}`.
pub async fn attachment<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    m: Member,
    Path((id, file)): Path<(u64, String)>,
) -> Response {
    let Member {
        actor: a,
        slug,
        csrf: token,
    } = m;
    let Some(aid) = AttachmentId::parse(&file) else {
        return failure(&st, &a, &token, &CoreError::not_found("attachment", file));
    };
    match st.dir.ticket_attachment(&a, &slug, id, aid).await {
        Ok(f) => file_response(f),
        Err(e) => failure(&st, &a, &token, &e),
    }
}

/// Back to the ticket after an action, or the error page.
fn back_to<S: Storage + Clone, T>(
    st: &AppState<S>,
    actor: &Actor,
    token: &str,
    id: u64,
    r: Result<T, CoreError>,
) -> Response {
    match r {
        Ok(_) => Redirect::to(&format!("/portal/tickets/{id}")).into_response(),
        Err(e) => failure(st, actor, token, &e),
    }
}

/// The answer to a form without a valid CSRF token.
fn expired<S: Storage + Clone>(st: &AppState<S>, actor: &Actor, token: &str) -> Response {
    failure(st, actor, token, &shell::expired())
}

pub(super) fn failure<S: Storage + Clone>(
    st: &AppState<S>,
    actor: &Actor,
    token: &str,
    e: &CoreError,
) -> Response {
    shell::failure(
        st,
        Chrome {
            area: Area::Portal,
            actor,
            csrf: token,
        },
        e,
        ("/portal/tickets", "Back to the tickets"),
    )
}
