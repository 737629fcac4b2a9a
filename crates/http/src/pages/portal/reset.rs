//! The page a password-reset link opens: it names the account, asks for the new password
//! twice, and on success sends the person to the login. A dead link says so and who can send
//! a new one. The token is in the path; the page is `no-store` and sends no referrer.

use crate::AppState;
use crate::pages::layout::{page, respond};
use crate::pages::session::{CSRF, SESSION_SECS, csrf, form_allowed, set_cookie};
use crate::pages::shell::{message_of, status_of};
use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;
use skydir_core::CoreError;
use skydir_core::ports::Storage;
use skydir_core::secret::Secret;

fn show<S: Storage + Clone>(
    st: &AppState<S>,
    status: StatusCode,
    token: &str,
    body: Markup,
) -> Response {
    let policy = st.dir.desk_policy().ok();
    let mut resp = respond(status, page("Set a new password", policy.as_deref(), body));
    let h = resp.headers_mut();
    h.append(
        header::SET_COOKIE,
        set_cookie(CSRF, token, false, SESSION_SECS),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    resp
}

fn dead<S: Storage + Clone>(st: &AppState<S>, token: &str, e: &CoreError) -> Response {
    show(
        st,
        status_of(e),
        token,
        html! {
            h1 { "Set a new password" }
            p.error role="alert" { (message_of(e)) }
            p { a href="/portal/login" { "Log in" } }
        },
    )
}

/// `GET /portal/reset/{token}`.
pub async fn form<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    headers: HeaderMap,
    Path(link): Path<String>,
) -> Response {
    let token = csrf(&headers);
    match st.dir.password_reset_prompt(&link).await {
        Ok(p) => show(
            &st,
            StatusCode::OK,
            &token,
            html! {
                h1 { "Set a new password" }
                p { "For " strong #reset-account { (p.username) } " at " (p.org_name) " (" (p.org_slug) ")." }
                form method="post" action={ "/portal/reset/" (link) } novalidate {
                    input type="hidden" name="csrf" value=(token);
                    input type="hidden" name="username" value=(p.username) autocomplete="username";
                    p { label for="new_password" { "New password" } br; input #new_password name="new_password" type="password" required autocomplete="new-password"; }
                    p { label for="repeat" { "New password again" } br; input #repeat name="repeat" type="password" required autocomplete="new-password"; }
                    p { button type="submit" { "Set the password" } }
                }
            },
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
}

/// `POST /portal/reset/{token}`.
pub async fn submit<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    headers: HeaderMap,
    Path(link): Path<String>,
    body: Result<Form<ResetForm>, FormRejection>,
) -> Response {
    let token = csrf(&headers);
    let f = body.map(|Form(f)| f).unwrap_or_default();
    let result = async {
        if !form_allowed(&headers, &f.csrf) {
            return Err(CoreError::forbidden(
                "this form expired; open the link again",
            ));
        }
        if f.new_password != f.repeat {
            return Err(CoreError::invalid("repeat", "the two passwords differ"));
        }
        st.dir
            .complete_password_reset(&link, Secret::new(f.new_password))
            .await
    }
    .await;
    match result {
        Ok(_) => Redirect::to("/portal/login?reset=1").into_response(),
        Err(e @ CoreError::Invalid { .. }) if !matches!(&e, CoreError::Invalid { field, .. } if field == "link") =>
        {
            // A password the policy refuses, or a typo: the form again, with the reason.
            match st.dir.password_reset_prompt(&link).await {
                Ok(p) => show(
                    &st,
                    StatusCode::BAD_REQUEST,
                    &token,
                    html! {
                        h1 { "Set a new password" }
                        p { "For " strong { (p.username) } " at " (p.org_name) "." }
                        p.error #reset-error role="alert" { (message_of(&e)) }
                        form method="post" action={ "/portal/reset/" (link) } novalidate {
                            input type="hidden" name="csrf" value=(token);
                            p { label for="new_password" { "New password" } br; input #new_password name="new_password" type="password" required autocomplete="new-password" aria-describedby="reset-error"; }
                            p { label for="repeat" { "New password again" } br; input #repeat name="repeat" type="password" required autocomplete="new-password"; }
                            p { button type="submit" { "Set the password" } }
                        }
                    },
                ),
                Err(e) => dead(&st, &token, &e),
            }
        }
        Err(e) => dead(&st, &token, &e),
    }
}
