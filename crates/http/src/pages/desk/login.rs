//! Staff sign-in: a support agent or operator logs in with handle and password — or, before
//! they set a password (under *My account*), with their staff token (the one `POST
//! /api/v1/staff` or `skydir token create --operator` printed). Either way the core hands out
//! a 12-hour session token, which alone goes into the `HttpOnly` cookie. Wrong handles,
//! passwords and tokens get answers that say nothing about which part was wrong; repeated
//! wrong passwords lock the account for a while.

use crate::AppState;
use crate::pages::layout::{page, respond};
use crate::pages::session::{
    CSRF, SESSION_SECS, csrf, end_session, form_allowed, new_csrf, set_cookie, signed_in,
    start_session,
};
use axum::Form;
use axum::extract::State;
use axum::extract::rejection::FormRejection;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;
use serde::Deserialize;
use skydir_core::CoreError;
use skydir_core::access::Actor;
use skydir_core::ports::Storage;

fn show<S: Storage + Clone>(
    st: &AppState<S>,
    status: StatusCode,
    csrf: &str,
    error: Option<&str>,
) -> Response {
    let policy = st.dir.desk_policy().ok();
    let body = html! {
        h1 { "Staff sign-in" }
        p.muted { "For the provider's support agents and operators. Administrators and users of an organization " a href="/portal/login" { "log in here" } "." }
        @if let Some(e) = error { p #login-error.error role="alert" { (e) } }
        form method="post" action="/staff/login" {
            input type="hidden" name="csrf" value=(csrf);
            p { label for="handle" { "Handle" } br;
                input #handle name="handle" required autocomplete="username" aria-describedby="login-error"; }
            p { label for="password" { "Password" } br;
                input #password name="password" type="password" required autocomplete="current-password"; }
            p { button type="submit" { "Log in" } }
        }
        details {
            summary { "First time, or no password yet? Sign in with your staff token" }
            form method="post" action="/staff/login" {
                input type="hidden" name="csrf" value=(csrf);
                p { label for="token" { "Staff token" } br;
                    span.hint #token-hint { "The skd_… token you were given when your staff account was created." } br;
                    input #token name="token" type="password" required autocomplete="off" aria-describedby="token-hint login-error"; }
                p { button type="submit" { "Sign in" } }
            }
        }
    };
    let mut resp = respond(status, page("Staff sign-in", policy.as_deref(), body));
    resp.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(CSRF, csrf, false, SESSION_SECS),
    );
    resp
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
    show(&st, StatusCode::OK, &csrf(&headers), None)
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
}

/// `POST /staff/login`.
pub async fn submit<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    headers: HeaderMap,
    body: Result<Form<TokenForm>, FormRejection>,
) -> Response {
    let token = csrf(&headers);
    let f = body.map(|Form(f)| f).unwrap_or_default();
    if !form_allowed(&headers, &f.csrf) {
        return show(
            &st,
            StatusCode::FORBIDDEN,
            &new_csrf(),
            Some("This form expired. Please try again."),
        );
    }
    let by_password = !f.handle.trim().is_empty();
    let result = if by_password {
        st.dir
            .staff_login(&f.handle, skydir_core::secret::Secret::new(f.password))
            .await
    } else {
        st.dir.staff_session(&f.token).await
    };
    match result {
        Ok((actor, session)) => start_session(
            Redirect::to(home(&actor)).into_response(),
            session.secret.expose(),
        ),
        Err(CoreError::Unauthenticated) => show(
            &st,
            StatusCode::UNAUTHORIZED,
            &token,
            Some("That token is not a valid staff token."),
        ),
        Err(CoreError::BadCredentials) => show(
            &st,
            StatusCode::UNAUTHORIZED,
            &token,
            Some("Wrong handle or password."),
        ),
        Err(CoreError::LockedOut { retry_after_secs }) => show(
            &st,
            StatusCode::TOO_MANY_REQUESTS,
            &token,
            Some(&format!(
                "Too many failed attempts. Try again in {} minute(s).",
                retry_after_secs.div_ceil(60).max(1)
            )),
        ),
        Err(e) => {
            tracing::error!(error = %e, "staff sign-in failed on the server side");
            show(
                &st,
                StatusCode::INTERNAL_SERVER_ERROR,
                &token,
                Some("Signing in failed on our side; please try again."),
            )
        }
    }
}

/// `POST /staff/logout`: revokes the session and clears the cookies.
pub async fn logout<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    headers: HeaderMap,
    body: Result<Form<TokenForm>, FormRejection>,
) -> Response {
    let allowed = body.is_ok_and(|Form(f)| form_allowed(&headers, &f.csrf));
    if allowed
        && let Some((_, token)) = signed_in(&st, &headers).await
        && let Err(e) = st.dir.logout(&token).await
    {
        tracing::warn!(error = %e, "could not revoke a staff session at logout");
    }
    end_session(Redirect::to("/staff/login").into_response())
}
