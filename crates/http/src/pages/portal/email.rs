//! The page a confirmation link (`/portal/email/{token}`) opens, and the buttons of *My account*
//! that send the link again or cancel the change. The page names the account and the new
//! address and asks for one click to confirm — opening the link alone changes nothing, so a
//! mail scanner that follows links cannot confirm for anyone. A dead link says why (expired,
//! already used, replaced, cancelled). The token is in the path; the page is `no-store` and
//! sends no referrer.

use super::profile::Me;
use crate::AppState;
use crate::pages::csrf::{Csrf, csrf, form_allowed};
use crate::pages::layout::form_page;
use crate::pages::shell::{message_of, status_of};
use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;
use serde::Deserialize;
use skydir_core::CoreError;
use skydir_core::ports::Storage;

const TITLE: &str = "Confirm your new email address";

fn dead<S: Storage + Clone>(st: &AppState<S>, token: &Csrf, e: &CoreError) -> Response {
    form_page(
        st,
        status_of(e),
        TITLE,
        token,
        html! {
            h1 { (TITLE) }
            p.error role="alert" #email-error { (message_of(e)) }
            p { a href="/portal/login" { "Log in" } }
        },
    )
}

/// `GET /portal/email/{token}`: the account, the address and the button.
pub async fn form<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    headers: HeaderMap,
    Path(link): Path<String>,
) -> Response {
    let token = csrf(&st, &headers);
    match st.dir.email_change_prompt(&link).await {
        Ok(p) => form_page(
            &st,
            StatusCode::OK,
            TITLE,
            &token,
            html! {
                h1 { (TITLE) }
                p { "For " strong #email-account { (p.username) } " at " (p.org_name) " (" (p.org_slug) ")." }
                p { "New address: " strong #email-new { (p.new_email.as_str()) } }
                p.hint { "Once confirmed, this address is the account's: the directory (LDAP) publishes it, password-reset links and support answers go to it. Nothing else changes." }
                form method="post" action={ "/portal/email/" (link) } {
                    input type="hidden" name="csrf" value=(token.token);
                    p { button type="submit" { "Confirm this address" } }
                }
            },
        ),
        Err(e) => dead(&st, &token, &e),
    }
}

/// A form with only its CSRF token (and, on *My account*, which button).
#[derive(Debug, Deserialize, Default)]
pub struct Plain {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    action: String,
}

/// `POST /portal/email/{token}`: confirms.
pub async fn confirm<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    headers: HeaderMap,
    Path(link): Path<String>,
    body: Result<Form<Plain>, FormRejection>,
) -> Response {
    let token = csrf(&st, &headers);
    let f = body.map(|Form(f)| f).unwrap_or_default();
    let result = if form_allowed(&st, &headers, &f.csrf) {
        st.dir.confirm_email_change(&link).await
    } else {
        Err(CoreError::forbidden(
            "this form expired; open the link again",
        ))
    };
    match result {
        Ok(p) => form_page(
            &st,
            StatusCode::OK,
            TITLE,
            &token,
            html! {
                h1 { (TITLE) }
                p.notice role="status" #email-confirmed {
                    "Confirmed: " strong { (p.new_email.as_str()) } " is now the address of " (p.username) " at " (p.org_name) "."
                }
                p { a href="/portal/login" { "Log in" } }
            },
        ),
        Err(e) => dead(&st, &token, &e),
    }
}

/// `POST /portal/profile/email`: sends the pending address's link again, or cancels.
pub async fn pending<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    headers: HeaderMap,
    m: Me,
    body: Result<Form<Plain>, FormRejection>,
) -> Response {
    let f = body.map(|Form(f)| f).unwrap_or_default();
    let result = if !form_allowed(&st, &headers, &f.csrf) {
        Err(crate::pages::shell::expired())
    } else {
        match f.action.as_str() {
            "resend" => st
                .dir
                .resend_email_change(&m.actor, m.slug(), m.username())
                .await
                .map(|_| "email-resent"),
            "cancel" => st
                .dir
                .cancel_email_change(&m.actor, m.slug(), m.username())
                .await
                .map(|()| "email-cancelled"),
            _ => Err(CoreError::invalid("action", "expected resend or cancel")),
        }
    };
    match result {
        Ok(done) => Redirect::to(&format!("/portal/profile?done={done}")).into_response(),
        Err(e) => super::profile::refused_email(&st, &m, &e).await,
    }
}
