//! The page a password-reset link (`/portal/reset/…`) or an invitation
//! (`/portal/invitation/…`) opens: it names the account, asks for the password twice (a reset
//! also offers to keep the person's API tokens working), and on success says how many sessions
//! and tokens the new password ended and sends the person to the login. An invitation welcomes
//! a new person who chooses their first password here — nobody else ever knew one. A dead link
//! says so and who can send a new one. The token is in the path; the page is `no-store` and
//! sends no referrer.

use crate::AppState;
use crate::pages::csrf::{Csrf, csrf, form_allowed};
use crate::pages::layout::form_page;
use crate::pages::shell::{message_of, status_of};
use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use maud::{Markup, html};
use serde::Deserialize;
use skydir_core::CoreError;
use skydir_core::ports::Storage;
use skydir_core::secret::Secret;
use skydir_core::service::{PasswordSet, ResetPrompt};

const TITLE: &str = "Set a new password";
const WELCOME: &str = "Welcome: choose your password";

fn title(p: &ResetPrompt) -> &'static str {
    if p.invitation { WELCOME } else { TITLE }
}

/// The form for the account `p` names, with the reason the last attempt was refused.
fn reset_form(link: &str, csrf: &str, p: &ResetPrompt, error: Option<&str>) -> Markup {
    let page = if p.invitation { "invitation" } else { "reset" };
    html! {
        h1 { (title(p)) }
        p { "For " strong #reset-account { (p.username) } " at " (p.org_name) " (" (p.org_slug) ")." }
        @if p.invitation {
            p { "You were invited to your organization's directory. Choose a password only you know: nobody at your organization or at the provider will ever see it or ask you for it." }
        }
        @if let Some(e) = error { p.error #reset-error role="alert" { (e) } }
        form method="post" action={ "/portal/" (page) "/" (link) } novalidate {
            input type="hidden" name="csrf" value=(csrf);
            input type="hidden" name="username" value=(p.username) autocomplete="username";
            p { label for="new_password" { @if p.invitation { "Password" } @else { "New password" } } br; input #new_password name="new_password" type="password" required autocomplete="new-password" aria-describedby=[error.map(|_| "reset-error")]; }
            p { label for="repeat" { @if p.invitation { "Password again" } @else { "New password again" } } br; input #repeat name="repeat" type="password" required autocomplete="new-password"; }
            @if !p.invitation {
                p.hint #reset-hint { "The new password signs you out everywhere: every session of your account ends, and so do your API tokens unless you keep them." }
                p { label { input #keep_api_tokens name="keep_api_tokens" type="checkbox" value="on" aria-describedby="reset-hint"; " Keep my API tokens working" } }
            }
            p { button type="submit" { "Set the password" } }
        }
    }
}

fn dead<S: Storage + Clone>(st: &AppState<S>, token: &Csrf, e: &CoreError) -> Response {
    form_page(
        st,
        status_of(e),
        TITLE,
        token,
        html! {
            h1 { (TITLE) }
            p.error role="alert" { (message_of(e)) }
            p { a href="/portal/login" { "Log in" } }
        },
    )
}

/// `GET /portal/reset/{token}` and `GET /portal/invitation/{token}`.
pub async fn form<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    headers: HeaderMap,
    Path(link): Path<String>,
) -> Response {
    let token = csrf(&st, &headers);
    match st.dir.password_reset_prompt(&link).await {
        Ok(p) => form_page(
            &st,
            StatusCode::OK,
            title(&p),
            &token,
            reset_form(&link, &token.token, &p, None),
        ),
        Err(e) => dead(&st, &token, &e),
    }
}

/// The form.
#[derive(Debug, Deserialize, Default)]
pub struct ResetForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    repeat: String,
    /// The "Keep my API tokens working" checkbox (absent when unchecked).
    #[serde(default)]
    keep_api_tokens: Option<String>,
}

/// The page after the password is set: what ended, and the way to the login.
fn done<S: Storage + Clone>(st: &AppState<S>, csrf: &Csrf, set: &PasswordSet) -> Response {
    let e = set.ended;
    let plural = |n: u64, one: &'static str, many: &'static str| if n == 1 { one } else { many };
    form_page(
        st,
        StatusCode::OK,
        TITLE,
        csrf,
        html! {
            h1 { (TITLE) }
            p.notice role="status" #reset-done { "Your new password is set. Log in with it." }
            @if e.sessions > 0 || e.api_tokens > 0 {
                p #reset-ended {
                    "Signed out everywhere: " (e.sessions) " " (plural(e.sessions, "session", "sessions"))
                    " and " (e.api_tokens) " " (plural(e.api_tokens, "API token", "API tokens")) " ended."
                }
            }
            p { a href="/portal/login" { "Log in" } }
        },
    )
}

/// `POST /portal/reset/{token}` and `POST /portal/invitation/{token}`.
pub async fn submit<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    headers: HeaderMap,
    Path(link): Path<String>,
    body: Result<Form<ResetForm>, FormRejection>,
) -> Response {
    let token = csrf(&st, &headers);
    let f = body.map(|Form(f)| f).unwrap_or_default();
    let result = async {
        if !form_allowed(&st, &headers, &f.csrf) {
            return Err(CoreError::forbidden(
                "this form expired; open the link again",
            ));
        }
        if f.new_password != f.repeat {
            return Err(CoreError::invalid("repeat", "the two passwords differ"));
        }
        st.dir
            .complete_password_reset(
                &link,
                Secret::new(f.new_password),
                f.keep_api_tokens.is_some(),
            )
            .await
    }
    .await;
    match result {
        Ok(set) => done(&st, &token, &set),
        Err(e @ CoreError::Invalid { .. }) if !matches!(&e, CoreError::Invalid { field, .. } if field == "link") =>
        {
            // A password the policy refuses, or a typo: the form again, with the reason.
            match st.dir.password_reset_prompt(&link).await {
                Ok(p) => form_page(
                    &st,
                    StatusCode::BAD_REQUEST,
                    title(&p),
                    &token,
                    reset_form(&link, &token.token, &p, Some(&message_of(&e))),
                ),
                Err(e) => dead(&st, &token, &e),
            }
        }
        Err(e) => dead(&st, &token, &e),
    }
}
