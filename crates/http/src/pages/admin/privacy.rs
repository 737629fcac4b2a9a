//! The console's privacy page: what the organization, as controller, does about the people in
//! its directory and about its contract with the provider — the data-subject requests with
//! their legal deadlines (complete, extend once, or reject with the reason), the Data
//! Processing Agreement (paying plans execute it here), how long the files of closed tickets
//! are kept (while the organization uses the service, unless the admins choose a shorter
//! period), and the deletion of the whole organization, which a second admin (or the mailed
//! link) must confirm and which can be cancelled during its grace period.

use super::Admin;
use crate::AppState;
use crate::pages::csrf::form_allowed;
use crate::pages::shell::{Area, Chrome, expired, failure, frame, message_of, status_of};
use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;
use serde::Deserialize;
use skydir_core::CoreError;
use skydir_core::ids::DataRequestId;
use skydir_core::ports::Storage;
use skydir_core::privacy::data_request::RequestState;
use skydir_core::privacy::org_deletion::DeletionState;

/// The notice after an action.
#[derive(Debug, Deserialize, Default)]
pub struct Done {
    #[serde(default)]
    done: Option<String>,
}

/// Every form of the page: `action` says which.
#[derive(Debug, Deserialize, Default)]
pub struct PrivacyForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    request: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    months: String,
    #[serde(default)]
    version: String,
    #[serde(default)]
    signer_name: String,
    #[serde(default)]
    signer_title: String,
    #[serde(default)]
    days: String,
}

async fn render<S: Storage + Clone>(
    st: &AppState<S>,
    a: &Admin,
    notice: Option<&str>,
    error: Option<&str>,
    status: StatusCode,
) -> Response {
    let read = async {
        let requests = st.dir.org_data_requests(&a.actor, &a.slug).await?;
        let signatures = st.dir.dpa_signatures(&a.actor, &a.slug).await?;
        let retention = st.dir.org_retention(&a.actor, &a.slug).await?;
        let deletion = match st.dir.org_deletion(&a.actor, &a.slug).await {
            Ok(d) => Some(d),
            Err(CoreError::NotFound { .. }) => None,
            Err(e) => return Err(e),
        };
        Ok((requests, signatures, retention, deletion))
    }
    .await;
    let (requests, signatures, retention, deletion) = match read {
        Ok(r) => r,
        Err(e) => {
            return failure(st, a.chrome(), &e, ("/admin", "Overview"));
        }
    };
    let dpa = st.dir.current_dpa().await.ok();
    let csrf = a.csrf.as_str();
    let body = html! {
        h1 { "Privacy" }
        @if let Some(n) = notice { p.notice role="status" { (n) } }
        @if let Some(e) = error { p.error role="alert" { (e) } }
        section aria-labelledby="dsr-h" {
            h2 #dsr-h { "Requests from people about their data" }
            p.muted { "Access, rectification, erasure and restriction requests. Each must be answered by its due date (one month, extendable once by up to two more with a reason)." }
            @if requests.is_empty() {
                div.empty { p { "No requests." } }
            } @else {
                table #requests {
                    tr { th scope="col" { "Received" } th scope="col" { "Kind" } th scope="col" { "From" } th scope="col" { "Details" } th scope="col" { "State" } th scope="col" { "Due" } th scope="col" { "Answer" } }
                    @for r in &requests {
                        tr {
                            td { (r.received_at.strftime("%Y-%m-%d")) }
                            td { (r.kind.as_str()) }
                            td { (r.email) }
                            td { (r.details) }
                            td { (r.state.as_str()) @if let Some(o) = &r.outcome { br; small.muted { (o) } } }
                            td { (r.due_at.strftime("%Y-%m-%d")) }
                            td {
                                @if r.state == RequestState::Open {
                                    form method="post" action="/admin/privacy" {
                                        input type="hidden" name="csrf" value=(csrf);
                                        input type="hidden" name="request" value=(r.id);
                                        label for={ "note-" (r.id) } { "Note or reason" } br;
                                        input id={ "note-" (r.id) } name="text";
                                        br;
                                        button type="submit" name="action" value="complete" { "Complete" } " "
                                        button.danger type="submit" name="action" value="reject" { "Reject" }
                                        @if r.extension.is_none() {
                                            " " label for={ "months-" (r.id) } { "or extend by" } " "
                                            select id={ "months-" (r.id) } name="months" { option value="1" { "1 month" } option value="2" { "2 months" } } " "
                                            button type="submit" name="action" value="extend" { "Extend" }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        section aria-labelledby="dpa-h" {
            h2 #dpa-h { "Data Processing Agreement" }
            @if signatures.is_empty() {
                p #dpa-state { "Not executed." }
            } @else {
                ul #dpa-state { @for s in &signatures { li { "Version " (s.version) " executed on " (s.signed_at.strftime("%Y-%m-%d")) " by " (s.signer_name) ", " (s.signer_title) } } }
            }
            @match &dpa {
                None => p.muted { "The provider has not published a DPA yet." },
                Some(v) => {
                    p { a href="/privacy/dpa" { "Read version " (v.version) } " before executing it. It is available on paying plans." }
                    form method="post" action="/admin/privacy" {
                        input type="hidden" name="csrf" value=(csrf);
                        input type="hidden" name="version" value=(v.version);
                        p { label for="signer_name" { "Your full name" } br; input #signer_name name="signer_name" required autocomplete="name"; }
                        p { label for="signer_title" { "Your title" } br; input #signer_title name="signer_title" required autocomplete="organization-title"; }
                        p { button type="submit" name="action" value="dpa" { "Execute the DPA" } }
                    }
                }
            }
        }
        section aria-labelledby="retention-h" {
            h2 #retention-h { "Files of closed tickets" }
            p #retention-state {
                "Files attached to closed support tickets are " strong { (retention.attachments) } "."
                @if let Some(t) = retention.set_at { " Chosen on " (t.strftime("%Y-%m-%d")) "." }
            }
            p.muted { "The provider keeps your organization's data for as long as you use the service. You may choose to have the files of closed tickets deleted sooner; the conversation keeps each file's name and size. Every change of this setting is in the audit log." }
            form method="post" action="/admin/privacy" {
                input type="hidden" name="csrf" value=(csrf);
                p { label for="days" { "Delete the files this many days after a ticket is closed (1–3650)" } br;
                    input #days name="days" type="number" min="1" max="3650" inputmode="numeric" value=[retention.attachment_days]; }
                p {
                    button type="submit" name="action" value="retention-days" { "Use this period" } " "
                    @if retention.attachment_days.is_some() {
                        button type="submit" name="action" value="retention-keep" { "Keep the files while we use the service" }
                    }
                }
            }
        }
        section aria-labelledby="delete-h" {
            h2 #delete-h { "Delete this organization" }
            @match &deletion {
                Some(d) if d.state == DeletionState::AwaitingConfirmation => {
                    p #deletion-state { "Deletion was requested on " (d.requested_at.strftime("%Y-%m-%d")) " and waits for a second administrator (or the link mailed to the one who asked)." }
                    form method="post" action="/admin/privacy" {
                        input type="hidden" name="csrf" value=(csrf);
                        button.danger type="submit" name="action" value="confirm-deletion" { "Confirm the deletion" } " "
                        button type="submit" name="action" value="cancel-deletion" { "Cancel it" }
                    }
                },
                Some(d) if d.state == DeletionState::Scheduled => {
                    p #deletion-state { strong.badge.bad { "scheduled" } " Everything is deleted for good on " @if let Some(t) = d.purge_at { (t.strftime("%Y-%m-%d %H:%M UTC")) } " unless cancelled before." }
                    form method="post" action="/admin/privacy" {
                        input type="hidden" name="csrf" value=(csrf);
                        button type="submit" name="action" value="cancel-deletion" { "Cancel the deletion" }
                    }
                },
                _ => {
                    p #deletion-state { "Deleting the organization removes every user, group, system, ticket and key after a grace period, and tells the systems you connected to erase their copies. A second administrator must confirm." }
                    form method="post" action="/admin/privacy" {
                        input type="hidden" name="csrf" value=(csrf);
                        button.danger type="submit" name="action" value="request-deletion" { "Ask to delete " (a.slug) }
                    }
                }
            }
        }
    };
    frame(
        st,
        Chrome {
            area: Area::Admin,
            actor: &a.actor,
            csrf,
        },
        status,
        "Privacy",
        "/admin/privacy",
        body,
    )
}

/// `GET /admin/privacy`.
pub async fn show<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    a: Admin,
    query: Result<Query<Done>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let Query(q) = query.unwrap_or_default();
    let notice = match q.done.as_deref() {
        Some("complete") => Some("The request was completed and the person told."),
        Some("reject") => Some("The request was rejected and the person told why."),
        Some("extend") => Some("The deadline was extended and the person told why."),
        Some("dpa") => Some("The DPA was executed."),
        Some("request-deletion") => Some(
            "Deletion was requested: another administrator must confirm it (a confirmation link was also mailed to you).",
        ),
        Some("confirm-deletion") => Some("Deletion is confirmed and scheduled."),
        Some("cancel-deletion") => Some("The deletion was cancelled."),
        Some("retention-days") => {
            Some("Files of closed tickets will be deleted after the period you chose.")
        }
        Some("retention-keep") => {
            Some("Files of closed tickets are kept while you use the service.")
        }
        _ => None,
    };
    render(&st, &a, notice, None, StatusCode::OK).await
}

/// `POST /admin/privacy`.
pub async fn act<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    headers: HeaderMap,
    a: Admin,
    body: Result<Form<PrivacyForm>, FormRejection>,
) -> Response {
    let f = body.map(|Form(f)| f).unwrap_or_default();
    let result = async {
        if !form_allowed(&st, &headers, &f.csrf) {
            return Err(expired());
        }
        let request = || {
            DataRequestId::parse(&f.request)
                .ok_or_else(|| CoreError::not_found("request", &f.request))
        };
        let d = &st.dir;
        match f.action.as_str() {
            "complete" => d
                .complete_data_request(&a.actor, &a.slug, request()?, &f.text)
                .await
                .map(|_| ()),
            "reject" => d
                .reject_data_request(&a.actor, &a.slug, request()?, &f.text)
                .await
                .map(|_| ()),
            "extend" => {
                let months = f
                    .months
                    .parse::<i64>()
                    .map_err(|_| CoreError::invalid("months", "choose 1 or 2 months"))?;
                d.extend_data_request(&a.actor, &a.slug, request()?, months, &f.text)
                    .await
                    .map(|_| ())
            }
            "dpa" => d
                .execute_dpa(
                    &a.actor,
                    &a.slug,
                    &f.version,
                    &f.signer_name,
                    &f.signer_title,
                )
                .await
                .map(|_| ()),
            "request-deletion" => d.request_org_deletion(&a.actor, &a.slug).await.map(|_| ()),
            "confirm-deletion" => d.confirm_org_deletion(&a.actor, &a.slug).await.map(|_| ()),
            "cancel-deletion" => d.cancel_org_deletion(&a.actor, &a.slug).await.map(|_| ()),
            "retention-days" => {
                let days = f.days.trim().parse::<u32>().map_err(|_| {
                    CoreError::invalid("attachment_days", "enter a number of days from 1 to 3650")
                })?;
                d.set_org_retention(&a.actor, &a.slug, Some(days))
                    .await
                    .map(|_| ())
            }
            "retention-keep" => d
                .set_org_retention(&a.actor, &a.slug, None)
                .await
                .map(|_| ()),
            other => Err(CoreError::invalid(
                "action",
                format!("'{other}' is not something this page does"),
            )),
        }
    }
    .await;
    match result {
        Ok(()) => Redirect::to(&format!("/admin/privacy?done={}", f.action)).into_response(),
        Err(e) => render(&st, &a, None, Some(&message_of(&e)), status_of(&e)).await,
    }
}
