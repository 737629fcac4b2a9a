//! The portal's login and logout: username and password (and the authenticator code when the
//! account has one) for a 12-hour session. Failures say only what the user can act on — never
//! whether the organization or the username exists.

use crate::AppState;
use crate::pages::csrf::{Csrf, csrf, form_allowed};
use crate::pages::layout::form_page;
use crate::pages::session::{actor, end_session, start_session};
use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;
use skydir_core::CoreError;
use skydir_core::access::Actor;
use skydir_core::directory::{OrgSlug, Username};
use skydir_core::ports::Storage;
use skydir_core::secret::Secret;

/// The login form's fields.
#[derive(Debug, Deserialize)]
pub struct LoginForm {
    csrf: String,
    org: String,
    username: String,
    password: String,
    #[serde(default)]
    totp: Option<String>,
}

/// What the form shows again after a failed attempt.
struct Refill<'a> {
    org: &'a str,
    username: &'a str,
    ask_totp: bool,
    error: Option<String>,
    notice: Option<&'static str>,
}

fn login_form(csrf: &str, r: &Refill<'_>) -> Markup {
    html! {
        h1 { "Log in" }
        p.muted { "For the users and administrators of an organization. Support requests are opened by administrators." }
        @if let Some(n) = r.notice { p.notice role="status" { (n) } }
        @if let Some(e) = &r.error { p #login-error.error role="alert" { (e) } }
        form method="post" action="/portal/login" {
            input type="hidden" name="csrf" value=(csrf);
            p { label for="org" { "Organization" } br;
                input #org name="org" required autocomplete="organization" value=(r.org) aria-describedby=[r.error.as_ref().map(|_| "login-error")]; }
            p { label for="username" { "Username" } br;
                input #username name="username" required autocomplete="username" value=(r.username); }
            p { label for="password" { "Password" } br;
                input #password name="password" type="password" required autocomplete="current-password"; }
            @if r.ask_totp {
                p { label for="totp" { "Code from your authenticator app" } br;
                    input #totp name="totp" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9 ]{6,7}" required; }
            }
            p { button type="submit" { "Log in" } }
        }
        p { a href="/portal/forgot" { "Forgot your password?" } }
    }
}

fn show<S: Storage + Clone>(
    st: &AppState<S>,
    status: StatusCode,
    csrf: &Csrf,
    r: &Refill<'_>,
) -> Response {
    form_page(st, status, "Log in", csrf, login_form(&csrf.token, r))
}

/// The login page's query: `?reset=1` after a password reset.
#[derive(Debug, Deserialize)]
pub struct AfterReset {
    #[serde(default)]
    reset: Option<String>,
}

/// `GET /portal/login`.
pub async fn form<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    headers: HeaderMap,
    query: Result<Query<AfterReset>, QueryRejection>,
) -> Response {
    if let Some((a, _)) = actor(&st, &headers).await {
        return Redirect::to(home(&a)).into_response();
    }
    let csrf = csrf(&st, &headers);
    show(
        &st,
        StatusCode::OK,
        &csrf,
        &Refill {
            org: "",
            username: "",
            ask_totp: false,
            error: None,
            notice: query
                .ok()
                .and_then(|Query(q)| q.reset)
                .map(|_| "Your new password is set. Log in with it."),
        },
    )
}

/// `POST /portal/login`.
pub async fn submit<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    headers: HeaderMap,
    body: Result<Form<LoginForm>, FormRejection>,
) -> Response {
    let csrf = csrf(&st, &headers);
    let Ok(Form(f)) = body else {
        let r = Refill {
            org: "",
            username: "",
            ask_totp: false,
            error: Some("Please fill in every field.".into()),
            notice: None,
        };
        return show(&st, StatusCode::BAD_REQUEST, &csrf, &r);
    };
    let mut refill = Refill {
        org: &f.org,
        username: &f.username,
        ask_totp: f.totp.is_some(),
        error: None,
        notice: None,
    };
    if !form_allowed(&st, &headers, &f.csrf) {
        refill.error = Some("This form expired. Please try again.".into());
        return show(&st, StatusCode::FORBIDDEN, &csrf, &refill);
    }
    let wrong = "Wrong organization, username or password — or the account cannot sign in \
                 right now (locked for a while after repeated failures, or suspended). If it \
                 keeps failing, ask your organization's administrator.";
    let (Ok(org), Ok(user)) = (
        OrgSlug::parse(f.org.trim()),
        Username::parse(f.username.trim()),
    ) else {
        refill.error = Some(wrong.into());
        return show(&st, StatusCode::UNAUTHORIZED, &csrf, &refill);
    };
    let totp = f.totp.filter(|t| !t.trim().is_empty()).map(Secret::new);
    match st
        .dir
        .login(&org, &user, Secret::new(f.password), totp)
        .await
    {
        Ok(out) => start_session(
            Redirect::to(home(&out.actor)).into_response(),
            out.token.secret.expose(),
        ),
        Err(CoreError::SecondFactorRequired) => {
            refill.ask_totp = true;
            refill.error = Some("Enter the code from your authenticator app.".into());
            show(&st, StatusCode::UNAUTHORIZED, &csrf, &refill)
        }
        Err(CoreError::Invalid { field, .. }) if field == "totp" => {
            refill.ask_totp = true;
            refill.error = Some("That authenticator code is wrong or was already used.".into());
            show(&st, StatusCode::UNAUTHORIZED, &csrf, &refill)
        }
        Err(CoreError::LockedOut { retry_after_secs }) => {
            refill.error = Some(format!(
                "Too many failed attempts. Try again in {} minute(s).",
                retry_after_secs.div_ceil(60).max(1)
            ));
            show(&st, StatusCode::TOO_MANY_REQUESTS, &csrf, &refill)
        }
        Err(CoreError::BadCredentials) => {
            refill.error = Some(wrong.into());
            show(&st, StatusCode::UNAUTHORIZED, &csrf, &refill)
        }
        Err(e @ CoreError::OrgSuspended) => {
            refill.error = Some(e.to_string());
            show(&st, StatusCode::FORBIDDEN, &csrf, &refill)
        }
        Err(e) => {
            tracing::error!(error = %e, "portal login failed on the server side");
            refill.error = Some("Logging in failed on our side; please try again.".into());
            show(&st, StatusCode::INTERNAL_SERVER_ERROR, &csrf, &refill)
        }
    }
}

/// The logout form's field.
#[derive(Debug, Deserialize)]
pub struct LogoutForm {
    csrf: String,
}

/// `POST /portal/logout`: revokes the session and clears the cookies.
pub async fn logout<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    headers: HeaderMap,
    body: Result<Form<LogoutForm>, FormRejection>,
) -> Response {
    let allowed = body.is_ok_and(|Form(f)| form_allowed(&st, &headers, &f.csrf));
    if allowed
        && let Some((_, token)) = actor(&st, &headers).await
        && let Err(e) = st.dir.logout(&token).await
    {
        tracing::warn!(error = %e, "could not revoke a session at logout");
    }
    end_session(Redirect::to("/portal/login").into_response())
}

/// Where a person lands after logging in: admins in their console, everyone else on their
/// own account page.
pub fn home(actor: &Actor) -> &'static str {
    match actor {
        Actor::OrgAdmin { .. } => "/admin",
        _ => "/portal/profile",
    }
}
