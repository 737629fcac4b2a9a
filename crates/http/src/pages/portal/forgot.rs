//! "Forgot your password?": a person of an organization asks for a reset link by organization
//! and username; the link goes to the address on their account, never to one typed here. The
//! page answers the same whatever was typed — it must not tell who has an account — and the
//! core sends at most one link per account every 15 minutes.

use crate::AppState;
use crate::pages::csrf::{csrf, form_allowed};
use crate::pages::layout::form_page;
use axum::Form;
use axum::extract::State;
use axum::extract::rejection::FormRejection;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use maud::{Markup, html};
use serde::Deserialize;
use skydir_core::CoreError;
use skydir_core::ports::Storage;

const TITLE: &str = "Forgot your password?";

/// The form's fields.
#[derive(Debug, Deserialize, Default)]
pub struct ForgotForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    org: String,
    #[serde(default)]
    username: String,
}

fn forgot_form(csrf: &str, f: &ForgotForm, error: Option<&str>) -> Markup {
    html! {
        h1 { (TITLE) }
        p { "Give your organization and username: we mail a link to set a new password to the address on your account. It works once, within 24 hours." }
        @if let Some(e) = error { p #forgot-error.error role="alert" { (e) } }
        form method="post" action="/portal/forgot" novalidate {
            input type="hidden" name="csrf" value=(csrf);
            p { label for="org" { "Organization" } br;
                input #org name="org" required autocomplete="organization" value=(f.org) aria-describedby=[error.map(|_| "forgot-error")]; }
            p { label for="username" { "Username" } br;
                input #username name="username" required autocomplete="username" value=(f.username); }
            p { button type="submit" { "Mail me a link" } }
        }
        p { a href="/portal/login" { "Back to the login" } }
    }
}

/// `GET /portal/forgot`.
pub async fn form<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    headers: HeaderMap,
) -> Response {
    let token = csrf(&st, &headers);
    form_page(
        &st,
        StatusCode::OK,
        TITLE,
        &token,
        forgot_form(&token.token, &ForgotForm::default(), None),
    )
}

/// `POST /portal/forgot`.
pub async fn submit<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    headers: HeaderMap,
    body: Result<Form<ForgotForm>, FormRejection>,
) -> Response {
    let token = csrf(&st, &headers);
    let f = body.map(|Form(f)| f).unwrap_or_default();
    if !form_allowed(&st, &headers, &f.csrf) {
        return form_page(
            &st,
            StatusCode::FORBIDDEN,
            TITLE,
            &token,
            forgot_form(
                &token.token,
                &f,
                Some("This form expired. Please try again."),
            ),
        );
    }
    match st.dir.forgot_password(&f.org, &f.username).await {
        Ok(()) => form_page(
            &st,
            StatusCode::OK,
            TITLE,
            &token,
            html! {
                h1 { "Check your mail" }
                p #forgot-sent role="status" { "If " strong { (f.username.trim()) } " is an active account of " strong { (f.org.trim()) } ", a link to set a new password is on its way to the address on that account. It works once, within 24 hours. Nothing arrived? Ask an administrator of your organization." }
                p { a href="/portal/login" { "Back to the login" } }
            },
        ),
        Err(CoreError::Invalid { .. }) => form_page(
            &st,
            StatusCode::BAD_REQUEST,
            TITLE,
            &token,
            forgot_form(
                &token.token,
                &f,
                Some("That is not an organization id and username: check what you typed."),
            ),
        ),
        Err(e) => {
            tracing::error!(error = %e, "a reset-link request failed on the server side");
            form_page(
                &st,
                StatusCode::INTERNAL_SERVER_ERROR,
                TITLE,
                &token,
                forgot_form(
                    &token.token,
                    &f,
                    Some("That failed on our side; please try again."),
                ),
            )
        }
    }
}
