//! A staff member's own account: set the console password (the first time after signing in
//! with the staff token; later by giving the current one). Staff passwords follow the default
//! policy: at least 12 characters, lockout after repeated failures.

use super::Agent;
use crate::AppState;
use crate::pages::session::form_allowed;
use crate::pages::shell::{
    Area, Chrome, as_field, expired, field_error, form_error, frame, status_of,
};
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

/// The notice after a change.
#[derive(Debug, Deserialize, Default)]
pub struct Done {
    #[serde(default)]
    done: Option<String>,
}

async fn render<S: Storage + Clone>(
    st: &AppState<S>,
    actor: &Actor,
    csrf: &str,
    notice: Option<&str>,
    error: Option<&(String, String)>,
    status: StatusCode,
) -> Response {
    let has = st.dir.staff_has_password(actor).await.unwrap_or(false);
    let area = if matches!(actor, Actor::Operator { .. }) {
        Area::Operator
    } else {
        Area::Desk
    };
    let body = html! {
        h1 { "My account" }
        @if let Some(n) = notice { p.notice role="status" { (n) } }
        h2 { "Password" }
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

/// `GET /staff/account`.
pub async fn show<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    ag: Agent,
    query: Result<Query<Done>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let Query(q) = query.unwrap_or_default();
    let notice = q
        .done
        .is_some()
        .then_some("Your password was set; log in with your handle from now on.");
    render(&st, &ag.actor, &ag.csrf, notice, None, StatusCode::OK).await
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
        if !form_allowed(&headers, &f.csrf) {
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
        Ok(()) => Redirect::to("/staff/account?done=1").into_response(),
        Err(e) => {
            let err = match e {
                CoreError::BadCredentials => (
                    "current".to_string(),
                    "That is not your current password.".to_string(),
                ),
                ref other => as_field(other),
            };
            render(&st, &ag.actor, &ag.csrf, None, Some(&err), status_of(&e)).await
        }
    }
}
