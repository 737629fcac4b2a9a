//! The public door for data-subject requests, for people without an account (or who cannot
//! log in): a form that files an access, rectification, erasure or restriction request for an
//! address, and the page the mailed link opens to confirm it. The form answers the same thing
//! whether or not the address is in the directory, so it tells nobody who is; confirming is a
//! button (a POST), so a mail scanner that follows links confirms nothing.

use super::layout::form_page;
use crate::AppState;
use crate::pages::csrf::{csrf, form_allowed};
use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use maud::{Markup, html};
use serde::Deserialize;
use skydir_core::CoreError;
use skydir_core::directory::{Email, OrgSlug};
use skydir_core::ports::Storage;
use skydir_core::privacy::RequestKind;

/// The request form.
#[derive(Debug, Deserialize, Default)]
pub struct RequestForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    org: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    details: String,
}

fn form(token: &str, f: &RequestForm, error: Option<&str>) -> Markup {
    html! {
        h1 { "A request about your personal data" }
        p { "If your organization keeps you in its skydir directory, you may ask to see, correct, erase or restrict what is held about you. Users who can log in can do this under " a href="/portal/profile" { "My account" } "." }
        @if let Some(e) = error { p.error #request-error role="alert" { (e) } }
        form method="post" action="/privacy/request" {
            input type="hidden" name="csrf" value=(token);
            p { label for="org" { "Your organization's id" } br; span.hint #org-hint { "The name you log in with, e.g. acme." } br;
                input #org name="org" required value=(f.org) aria-describedby="org-hint"; }
            p { label for="email" { "Your email address" } br; span.hint #email-hint { "We send a confirmation link there; nothing happens until you open it." } br;
                input #email name="email" type="email" required autocomplete="email" value=(f.email) aria-describedby="email-hint"; }
            p { label for="kind" { "What you ask for" } br;
                select #kind name="kind" {
                    @for (v, t) in [("access", "A copy of my data (access)"), ("rectification", "Correct my data (rectification)"), ("erasure", "Erase my data (erasure)"), ("restriction", "Restrict its use (restriction)")] {
                        option value=(v) selected[f.kind == v] { (t) }
                    }
                } }
            p { label for="details" { "Anything we should know (optional)" } br; textarea #details name="details" rows="3" { (f.details) } }
            p { button type="submit" { "Send the request" } }
        }
    }
}

/// `GET /privacy/request`.
pub async fn new<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    headers: HeaderMap,
) -> Response {
    let token = csrf(&st, &headers);
    form_page(
        &st,
        StatusCode::OK,
        "Data request",
        &token,
        form(&token.token, &RequestForm::default(), None),
    )
}

/// `POST /privacy/request`.
pub async fn submit<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    headers: HeaderMap,
    body: Result<Form<RequestForm>, FormRejection>,
) -> Response {
    let token = csrf(&st, &headers);
    let f = body.map(|Form(f)| f).unwrap_or_default();
    let result = async {
        if !form_allowed(&st, &headers, &f.csrf) {
            return Err(CoreError::forbidden(
                "this form expired; please send it again",
            ));
        }
        let org = OrgSlug::parse(f.org.trim())
            .map_err(|_| CoreError::invalid("org", "that is not an organization id"))?;
        let email = Email::parse(&f.email)?;
        let kind = RequestKind::parse(&f.kind)?;
        st.dir
            .submit_public_data_request(&org, &email, kind, &f.details)
            .await
    }
    .await;
    match result {
        Ok(()) => form_page(
            &st,
            StatusCode::ACCEPTED,
            "Check your mail",
            &token,
            html! {
                h1 { "Check your mail" }
                p role="status" #request-sent { "If this address belongs to someone in that organization's directory, a confirmation link is on its way to it. Nothing is done until it is opened, within 72 hours." }
            },
        ),
        Err(e) => {
            let status = crate::pages::shell::status_of(&e);
            form_page(
                &st,
                status,
                "Data request",
                &token,
                form(&token.token, &f, Some(&crate::pages::shell::message_of(&e))),
            )
        }
    }
}

/// The confirmation form.
#[derive(Debug, Deserialize, Default)]
pub struct ConfirmForm {
    #[serde(default)]
    csrf: String,
}

/// `GET /privacy/request/confirm/{token}`.
pub async fn confirm_page<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    headers: HeaderMap,
    Path(link): Path<String>,
) -> Response {
    let token = csrf(&st, &headers);
    let body = html! {
        h1 { "Confirm your request" }
        p { "You, or someone using your address, asked about the personal data held about you. Confirm only if it was you." }
        form method="post" action={ "/privacy/request/confirm/" (link) } {
            input type="hidden" name="csrf" value=(token.token);
            button type="submit" { "Yes, it was me: confirm the request" }
        }
    };
    form_page(&st, StatusCode::OK, "Confirm your request", &token, body)
}

/// `POST /privacy/request/confirm/{token}`.
pub async fn confirm<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    headers: HeaderMap,
    Path(link): Path<String>,
    body: Result<Form<ConfirmForm>, FormRejection>,
) -> Response {
    let token = csrf(&st, &headers);
    let allowed = body.is_ok_and(|Form(f)| form_allowed(&st, &headers, &f.csrf));
    let result = if allowed {
        st.dir.verify_data_request(&link).await
    } else {
        Err(CoreError::forbidden(
            "this form expired; open the link from the mail again",
        ))
    };
    match result {
        Ok(r) => form_page(
            &st,
            StatusCode::OK,
            "Request confirmed",
            &token,
            html! {
                h1 { "Request confirmed" }
                p role="status" #request-confirmed { "Your " (r.kind.as_str()) " request was passed to the organization, which must answer it by " (r.due_at.strftime("%Y-%m-%d")) ". You will get its answer by mail." }
            },
        ),
        Err(e) => form_page(
            &st,
            crate::pages::shell::status_of(&e),
            "Confirm your request",
            &token,
            html! { h1 { "Confirm your request" } p.error role="alert" { (crate::pages::shell::message_of(&e)) } },
        ),
    }
}
