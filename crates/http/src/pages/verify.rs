//! `/verify/{token}`: the page a confirmation link opens. It says exactly what support was
//! asked to do and lets the admin confirm or reject it with a plain form (with their
//! authenticator code when they have one). Opening the page changes nothing — link scanners
//! and previews fetch links — only the form's POST decides.

use super::layout::{page, respond};
use crate::AppState;
use crate::routes::verify::decision;
use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use maud::{Markup, html};
use serde::Deserialize;
use skydir_core::CoreError;
use skydir_core::ports::Storage;
use skydir_core::secret::Secret;
use skydir_core::service::VerificationPrompt;

/// The form's fields.
#[derive(Debug, Deserialize)]
pub struct DecisionForm {
    decision: String,
    #[serde(default)]
    totp: Option<String>,
}

fn no_store(mut r: Response) -> Response {
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

fn form(token: &str, p: &VerificationPrompt, error: Option<&str>) -> Markup {
    html! {
        form method="post" action={ "/verify/" (token) } {
            @if p.needs_totp {
                p {
                    label for="totp" { "Code from your authenticator app" }
                    br;
                    input #totp name="totp" type="text" inputmode="numeric" autocomplete="one-time-code"
                        pattern="[0-9 ]{6,7}" maxlength="7" required
                        aria-describedby=[error.map(|_| "totp-error")];
                }
            }
            @if let Some(e) = error {
                p #totp-error.error role="alert" { (e) }
            }
            p {
                button type="submit" name="decision" value="confirm" { "Confirm — this was asked for" }
                " "
                button type="submit" name="decision" value="reject" { "Reject — nobody asked for this" }
            }
        }
    }
}

fn prompt_body(token: &str, p: &VerificationPrompt, error: Option<&str>) -> Markup {
    html! {
        h1 { "Confirm a request to support" }
        p { "On ticket #" (p.ticket) " of " strong { (p.org_slug) } ", support was asked to:" }
        blockquote { p { (p.describe) } }
        @match p.state {
            "pending" => {
                p { "Our support staff never do this on their own. It happens only if an active administrator of "
                    (p.org_slug) " confirms it. If you did not ask for it, reject it and tell us." }
                p.muted { "This link works once and expires at " (p.expires_at.strftime("%Y-%m-%d %H:%M UTC")) "." }
                (form(token, p, error))
            }
            "expired" => { p role="status" { "This link has expired. Ask support to open a new verification if it is still needed." } }
            other => { p role="status" { "This request was already " (other) " by an administrator." } }
        }
    }
}

fn error_page<S: Storage + Clone>(st: &AppState<S>, e: &CoreError) -> Response {
    let policy = st.dir.desk_policy().ok();
    let status = match e {
        CoreError::NotFound { .. } => StatusCode::NOT_FOUND,
        CoreError::Forbidden { .. } => StatusCode::FORBIDDEN,
        CoreError::Conflict { .. } => StatusCode::CONFLICT,
        CoreError::Invalid { .. } => StatusCode::BAD_REQUEST,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    };
    let text = match e {
        CoreError::NotFound { .. } => {
            "This confirmation link is not valid. Check that the whole link was copied.".to_string()
        }
        CoreError::Internal(_) => "Something went wrong; please try again in a moment.".to_string(),
        other => other.to_string(),
    };
    no_store(respond(
        status,
        page(
            "Confirmation",
            policy.as_deref(),
            html! { h1 { "Confirmation" } p role="alert" { (text) } },
        ),
    ))
}

/// `GET /verify/{token}`.
pub async fn show<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Path(token): Path<String>,
) -> Response {
    match st.dir.verification_prompt(&token).await {
        Ok(p) => {
            let policy = st.dir.desk_policy().ok();
            no_store(respond(
                StatusCode::OK,
                page(
                    "Confirm a request",
                    policy.as_deref(),
                    prompt_body(&token, &p, None),
                ),
            ))
        }
        Err(e) => error_page(&st, &e),
    }
}

/// `POST /verify/{token}`.
pub async fn decide<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Path(token): Path<String>,
    body: Result<Form<DecisionForm>, FormRejection>,
) -> Response {
    let Ok(Form(f)) = body else {
        return error_page(
            &st,
            &CoreError::invalid("decision", "choose confirm or reject"),
        );
    };
    let d = match decision(&f.decision) {
        Ok(d) => d,
        Err(e) => return error_page(&st, &e),
    };
    let totp = f.totp.filter(|t| !t.trim().is_empty()).map(Secret::new);
    let policy = st.dir.desk_policy().ok();
    match st.dir.decide_verification(&token, d, totp.as_ref()).await {
        Ok(state) => {
            let body = html! {
                h1 { "Thank you" }
                @if state == "confirmed" {
                    p role="status" { "You confirmed the request. skydir has carried it out, and support can see that it is done." }
                } @else {
                    p role="status" { "You rejected the request. Nothing was done. If nobody in your organization asked for it, please tell support." }
                }
            };
            no_store(respond(
                StatusCode::OK,
                page("Thank you", policy.as_deref(), body),
            ))
        }
        // A wrong or missing code: the same form again, the error next to the field.
        Err(e @ (CoreError::SecondFactorRequired | CoreError::Invalid { .. })) => {
            match st.dir.verification_prompt(&token).await {
                Ok(p) => no_store(respond(
                    StatusCode::BAD_REQUEST,
                    page(
                        "Confirm a request",
                        policy.as_deref(),
                        prompt_body(&token, &p, Some(&e.to_string())),
                    ),
                )),
                Err(e) => error_page(&st, &e),
            }
        }
        Err(e) => error_page(&st, &e),
    }
}
