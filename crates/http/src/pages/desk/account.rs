//! A staff member's own account: set the console password (the first time after signing in
//! with the staff token; later by giving the current one) and two-step login with an
//! authenticator app, which then guards every console sign-in — by password or by token. Staff
//! passwords follow the default policy: at least 12 characters, lockout after repeated
//! failures, wrong authenticator codes included.

use super::Agent;
use crate::AppState;
use crate::pages::csrf::form_allowed;
use crate::pages::shell::{
    Area, Chrome, as_field, expired, field_error, form_error, frame, status_of,
};
use crate::pages::two_step::{self, TwoStep, code_error};
use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;
use serde::Deserialize;
use skydir_core::CoreError;
use skydir_core::access::Actor;
use skydir_core::ports::Storage;
use skydir_core::secret::Secret;
use skydir_core::service::TotpProvisioning;

/// The password form.
#[derive(Debug, Deserialize, Default)]
pub struct PasswordForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    current: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    repeat: String,
}

/// The authenticator forms: the CSRF token and, to confirm or remove, a code.
#[derive(Debug, Deserialize, Default)]
pub struct CodeForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    code: String,
}

/// The notice after a change.
#[derive(Debug, Deserialize, Default)]
pub struct Done {
    #[serde(default)]
    done: Option<String>,
}

/// Which form an error belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Section {
    Password,
    Totp,
}

#[derive(Default)]
struct View<'a> {
    notice: Option<&'a str>,
    error: Option<(Section, (String, String))>,
    provisioning: Option<&'a TotpProvisioning>,
}

async fn render<S: Storage + Clone>(
    st: &AppState<S>,
    ag: &Agent,
    status: StatusCode,
    v: View<'_>,
) -> Response {
    let actor = &ag.actor;
    let csrf = ag.csrf.as_str();
    let has = st.dir.staff_has_password(actor).await.unwrap_or(false);
    let on = st.dir.staff_has_totp(actor).await.unwrap_or(false);
    let err = |s: Section| v.error.as_ref().filter(|(k, _)| *k == s).map(|(_, e)| e);
    let error = err(Section::Password);
    let area = if matches!(actor, Actor::Operator { .. }) {
        Area::Operator
    } else {
        Area::Desk
    };
    let body = html! {
        h1 { "My account" }
        @if let Some(n) = v.notice { p.notice role="status" { (n) } }
        section aria-labelledby="password-h" {
            h2 #password-h { "Password" }
            p #password-state { @if has { "You log in with your handle and password." } @else { "You have no password yet: you sign in with your staff token. Set a password to log in with your handle." } }
            (form_error(error, &["current", "new_password", "repeat", "password"]))
            form method="post" action="/staff/account" novalidate {
                input type="hidden" name="csrf" value=(csrf);
                @if has {
                    p { label for="current" { "Current password" } br; input #current name="current" type="password" required autocomplete="current-password" aria-describedby="current-error"; (field_error(error, "current")) }
                }
                p { label for="new_password" { "New password" } br; span.hint #new-hint { "At least 12 characters." } br;
                    input #new_password name="new_password" type="password" required autocomplete="new-password" aria-describedby="new-hint new_password-error password-error"; (field_error(error, "new_password")) (field_error(error, "password")) }
                p { label for="repeat" { "New password again" } br; input #repeat name="repeat" type="password" required autocomplete="new-password" aria-describedby="repeat-error"; (field_error(error, "repeat")) }
                p { button type="submit" { "Set my password" } }
            }
        }
        (two_step::section(&TwoStep {
            action: "/staff/account/totp",
            csrf,
            on,
            provisioning: v.provisioning,
            error: err(Section::Totp),
            blocked: (!has).then_some("Set a password first: the authenticator code is asked after it, at every sign-in."),
        }))
    };
    frame(
        st,
        Chrome { area, actor, csrf },
        status,
        "My account",
        "/staff/account",
        body,
    )
}

async fn refused<S: Storage + Clone>(
    st: &AppState<S>,
    ag: &Agent,
    section: Section,
    e: &CoreError,
) -> Response {
    let v = View {
        error: Some((section, as_field(e))),
        ..View::default()
    };
    render(st, ag, status_of(e), v).await
}

/// `GET /staff/account`.
pub async fn show<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    ag: Agent,
    query: Result<Query<Done>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let Query(q) = query.unwrap_or_default();
    let notice = match q.done.as_deref() {
        Some("password") => Some("Your password was set; log in with your handle from now on."),
        Some("totp-on") => Some("Two-step login is on: every sign-in now asks for a code."),
        Some("totp-off") => Some("Two-step login is off."),
        _ => None,
    };
    let v = View {
        notice,
        ..View::default()
    };
    render(&st, &ag, StatusCode::OK, v).await
}

/// `POST /staff/account`.
pub async fn set_password<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    headers: HeaderMap,
    ag: Agent,
    body: Result<Form<PasswordForm>, FormRejection>,
) -> Response {
    let f = body.map(|Form(f)| f).unwrap_or_default();
    let result = async {
        if !form_allowed(&st, &headers, &f.csrf) {
            return Err(expired());
        }
        if f.new_password != f.repeat {
            return Err(CoreError::invalid("repeat", "the two new passwords differ"));
        }
        let current = Some(f.current).filter(|c| !c.is_empty()).map(Secret::new);
        st.dir
            .set_staff_password(&ag.actor, current, Secret::new(f.new_password))
            .await
    }
    .await;
    match result {
        Ok(()) => Redirect::to("/staff/account?done=password").into_response(),
        Err(CoreError::BadCredentials) => {
            let v = View {
                error: Some((
                    Section::Password,
                    (
                        "current".to_string(),
                        "That is not your current password.".to_string(),
                    ),
                )),
                ..View::default()
            };
            render(&st, &ag, StatusCode::UNAUTHORIZED, v).await
        }
        Err(e) => refused(&st, &ag, Section::Password, &e).await,
    }
}

/// `POST /staff/account/totp`: starts enrolment and shows the key, once.
pub async fn totp_begin<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    headers: HeaderMap,
    ag: Agent,
    body: Result<Form<CodeForm>, FormRejection>,
) -> Response {
    let f = body.map(|Form(f)| f).unwrap_or_default();
    if !form_allowed(&st, &headers, &f.csrf) {
        return refused(&st, &ag, Section::Totp, &expired()).await;
    }
    match st.dir.begin_staff_totp(&ag.actor).await {
        Ok(p) => {
            let v = View {
                provisioning: Some(&p),
                ..View::default()
            };
            render(&st, &ag, StatusCode::OK, v).await
        }
        Err(e) => refused(&st, &ag, Section::Totp, &e).await,
    }
}

/// `POST /staff/account/totp/confirm`.
pub async fn totp_confirm<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    headers: HeaderMap,
    ag: Agent,
    body: Result<Form<CodeForm>, FormRejection>,
) -> Response {
    totp_code(st, headers, ag, body, true).await
}

/// `POST /staff/account/totp/remove`.
pub async fn totp_remove<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    headers: HeaderMap,
    ag: Agent,
    body: Result<Form<CodeForm>, FormRejection>,
) -> Response {
    totp_code(st, headers, ag, body, false).await
}

async fn totp_code<S: Storage + Clone>(
    st: AppState<S>,
    headers: HeaderMap,
    ag: Agent,
    body: Result<Form<CodeForm>, FormRejection>,
    confirm: bool,
) -> Response {
    let f = body.map(|Form(f)| f).unwrap_or_default();
    let result = if !form_allowed(&st, &headers, &f.csrf) {
        Err(expired())
    } else if confirm {
        st.dir.confirm_staff_totp(&ag.actor, f.code.trim()).await
    } else {
        st.dir.remove_staff_totp(&ag.actor, f.code.trim()).await
    };
    match result {
        Ok(()) => Redirect::to(if confirm {
            "/staff/account?done=totp-on"
        } else {
            "/staff/account?done=totp-off"
        })
        .into_response(),
        Err(e) => refused(&st, &ag, Section::Totp, &code_error(e)).await,
    }
}
