//! Staff sign-in: a support agent or operator logs in with handle and password — or, before
//! they set a password (under *My account*), with their staff token (the one `POST
//! /api/v1/staff` or `skydir token create --operator` printed). Either way the core hands out
//! a 12-hour session token, which alone goes into the `HttpOnly` cookie. Wrong handles,
//! passwords and tokens get answers that say nothing about which part was wrong; repeated
//! wrong passwords lock the account for a while.

use crate::AppState;
use crate::pages::csrf::{Csrf, csrf, form_allowed};
use crate::pages::layout::form_page;
use crate::pages::session::{end_session, signed_in, start_session};
use axum::Form;
use axum::extract::State;
use axum::extract::rejection::FormRejection;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;
use skydir_core::CoreError;
use skydir_core::access::Actor;
use skydir_core::ports::Storage;
use skydir_core::secret::Secret;

/// Which way the person signs in, and whether the authenticator code is asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Ask {
    #[default]
    Start,
    /// Handle and password were right; now the code (with the password again).
    PasswordCode,
    /// The token was right; now the code (with the token again).
    TokenCode,
}

/// What the form shows again after an attempt.
#[derive(Default)]
struct Refill<'a> {
    handle: &'a str,
    ask: Ask,
    error: Option<String>,
}

fn code_field() -> Markup {
    html! {
        p { label for="code" { "Code from your authenticator app" } br;
            input #code name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9 ]{6,7}" required aria-describedby="login-error"; }
    }
}

fn login_form(csrf: &str, r: &Refill<'_>) -> Markup {
    html! {
        h1 { "Staff sign-in" }
        p.muted { "For the provider's support agents and operators. Administrators and users of an organization " a href="/portal/login" { "log in here" } "." }
        @if let Some(e) = &r.error { p #login-error.error role="alert" { (e) } }
        @if r.ask != Ask::TokenCode {
            form method="post" action="/staff/login" {
                input type="hidden" name="csrf" value=(csrf);
                p { label for="handle" { "Handle" } br;
                    input #handle name="handle" required autocomplete="username" value=(r.handle) aria-describedby="login-error"; }
                p { label for="password" { "Password" } br;
                    input #password name="password" type="password" required autocomplete="current-password"; }
                @if r.ask == Ask::PasswordCode { (code_field()) }
                p { button type="submit" { "Log in" } }
            }
        }
        details open[r.ask == Ask::TokenCode] {
            summary { "First time, or no password yet? Sign in with your staff token" }
            form method="post" action="/staff/login" {
                input type="hidden" name="csrf" value=(csrf);
                p { label for="token" { "Staff token" } br;
                    span.hint #token-hint { "The skd_… token you were given when your staff account was created." } br;
                    input #token name="token" type="password" required autocomplete="off" aria-describedby="token-hint login-error"; }
                @if r.ask == Ask::TokenCode { (code_field()) }
                p { button type="submit" { "Sign in" } }
            }
        }
    }
}

fn show<S: Storage + Clone>(
    st: &AppState<S>,
    status: StatusCode,
    csrf: &Csrf,
    r: &Refill<'_>,
) -> Response {
    form_page(
        st,
        status,
        "Staff sign-in",
        csrf,
        login_form(&csrf.token, r),
    )
}

/// Where staff land: operators in their console, agents at the queue.
fn home(actor: &Actor) -> &'static str {
    match actor {
        Actor::Operator { .. } => "/operator",
        _ => "/desk",
    }
}

/// `GET /staff/login`.
pub async fn form<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    headers: HeaderMap,
) -> Response {
    if let Some((a @ (Actor::SupportAgent { .. } | Actor::Operator { .. }), _)) =
        signed_in(&st, &headers).await
    {
        return Redirect::to(home(&a)).into_response();
    }
    show(
        &st,
        StatusCode::OK,
        &csrf(&st, &headers),
        &Refill::default(),
    )
}

/// The sign-in form.
#[derive(Debug, Deserialize, Default)]
pub struct TokenForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    token: String,
    #[serde(default)]
    handle: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    code: Option<String>,
}

/// `POST /staff/login`.
pub async fn submit<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    headers: HeaderMap,
    body: Result<Form<TokenForm>, FormRejection>,
) -> Response {
    let token = csrf(&st, &headers);
    let f = body.map(|Form(f)| f).unwrap_or_default();
    let by_password = !f.handle.trim().is_empty();
    let mut refill = Refill {
        handle: &f.handle,
        ask: match (f.code.is_some(), by_password) {
            (false, _) => Ask::Start,
            (true, true) => Ask::PasswordCode,
            (true, false) => Ask::TokenCode,
        },
        error: None,
    };
    if !form_allowed(&st, &headers, &f.csrf) {
        refill.error = Some("This form expired. Please try again.".into());
        return show(&st, StatusCode::FORBIDDEN, &token, &refill);
    }
    let code = f
        .code
        .clone()
        .filter(|c| !c.trim().is_empty())
        .map(Secret::new);
    let result = if by_password {
        st.dir
            .staff_login(&f.handle, Secret::new(f.password.clone()), code)
            .await
    } else {
        st.dir.staff_session(&f.token, code).await
    };
    let (status, message) = match result {
        Ok((actor, session)) => {
            return start_session(
                Redirect::to(home(&actor)).into_response(),
                session.secret.expose(),
            );
        }
        Err(CoreError::SecondFactorRequired) => {
            refill.ask = if by_password {
                Ask::PasswordCode
            } else {
                Ask::TokenCode
            };
            (
                StatusCode::UNAUTHORIZED,
                "Enter the code from your authenticator app.".to_string(),
            )
        }
        Err(CoreError::Invalid { field, .. }) if field == "totp" => (
            StatusCode::UNAUTHORIZED,
            "That authenticator code is wrong or was already used.".to_string(),
        ),
        Err(CoreError::Unauthenticated) => (
            StatusCode::UNAUTHORIZED,
            "That token is not a valid staff token.".to_string(),
        ),
        Err(CoreError::BadCredentials) => (
            StatusCode::UNAUTHORIZED,
            "Wrong handle or password — or the account cannot sign in right now (it locks \
             for a while after repeated failures)."
                .to_string(),
        ),
        Err(CoreError::LockedOut { retry_after_secs }) => (
            StatusCode::TOO_MANY_REQUESTS,
            format!(
                "Too many failed attempts. Try again in {} minute(s).",
                retry_after_secs.div_ceil(60).max(1)
            ),
        ),
        Err(e) => {
            tracing::error!(error = %e, "staff sign-in failed on the server side");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "Signing in failed on our side; please try again.".to_string(),
            )
        }
    };
    refill.error = Some(message);
    show(&st, status, &token, &refill)
}

/// `POST /staff/logout`: revokes the session and clears the cookies.
pub async fn logout<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    headers: HeaderMap,
    body: Result<Form<TokenForm>, FormRejection>,
) -> Response {
    let allowed = body.is_ok_and(|Form(f)| form_allowed(&st, &headers, &f.csrf));
    if allowed
        && let Some((_, token)) = signed_in(&st, &headers).await
        && let Err(e) = st.dir.logout(&token).await
    {
        tracing::warn!(error = %e, "could not revoke a staff session at logout");
    }
    end_session(Redirect::to("/staff/login").into_response())
}
