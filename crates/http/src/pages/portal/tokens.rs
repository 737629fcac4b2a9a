//! "API tokens": a person's sessions and personal API tokens (for scripts and tools acting as
//! them over `/api/v1`), with a form to create a named token — its secret shown once — and a
//! button to revoke each.

use super::Member;
use crate::AppState;
use crate::pages::csrf::form_allowed;
use crate::pages::shell::{
    Area, Chrome, as_field, expired, field_error, form_error, frame, status_of,
};
use axum::Form;
use axum::extract::State;
use axum::extract::rejection::FormRejection;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;
use serde::Deserialize;
use skydir_core::CoreError;
use skydir_core::ids::TokenId;
use skydir_core::ports::Storage;
use skydir_core::service::MAX_TOKEN_DAYS;

/// The create and revoke forms.
#[derive(Debug, Deserialize, Default)]
pub struct TokenForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
    /// Days, or empty for "until revoked".
    #[serde(default)]
    days: String,
    #[serde(default)]
    id: String,
}

impl TokenForm {
    /// An empty form, offering the default lifetime of 90 days.
    fn fresh() -> Self {
        TokenForm {
            days: "90".into(),
            ..TokenForm::default()
        }
    }
}

async fn render<S: Storage + Clone>(
    st: &AppState<S>,
    m: &Member,
    created: Option<(&str, &str)>,
    f: &TokenForm,
    error: Option<&(String, String)>,
    status: StatusCode,
) -> Response {
    let tokens = st.dir.my_tokens(&m.actor).await.unwrap_or_default();
    let now = st.dir.now();
    let csrf = m.csrf.as_str();
    let body = html! {
        h1 { "API tokens and sessions" }
        p.muted { "A token acts as you over the REST API (" code { "Authorization: Bearer …" } "), with exactly what your role allows. Revoke any you no longer use." }
        @if let Some((name, secret)) = created {
            div.notice role="status" {
                p { "Token " strong { (name) } " was created. Copy it now: it is not shown again." }
                p { code #new-token { (secret) } }
            }
        }
        table #tokens {
            tr { th scope="col" { "Name" } th scope="col" { "Created" } th scope="col" { "Last used" } th scope="col" { "Expires" } th scope="col" { "Revoke" } }
            @for t in &tokens {
                tr {
                    td { (t.name) @if t.idle_secs.is_some() { " " span.badge { "login session" } } }
                    td { (t.created_at.strftime("%Y-%m-%d %H:%M UTC")) }
                    td { @match t.last_used_at { Some(u) => (u.strftime("%Y-%m-%d %H:%M UTC")), None => span.muted { "not yet" } } }
                    td { @match t.expires_at {
                        Some(e) if e <= now => span.muted { "expired" },
                        _ if t.idle(now) => span.muted { "ended: unused for an hour" },
                        Some(e) => (e.strftime("%Y-%m-%d %H:%M UTC")),
                        None => "never",
                    } }
                    td {
                        form.inline method="post" action="/portal/tokens/revoke" {
                            input type="hidden" name="csrf" value=(csrf);
                            input type="hidden" name="id" value=(t.id);
                            button.link type="submit" aria-label={ "Revoke " (t.name) " created " (t.created_at.strftime("%Y-%m-%d %H:%M")) } { "Revoke" }
                        }
                    }
                }
            }
        }
        h2 #new-token-h { "Create a token" }
        (form_error(error, &["name", "days"]))
        form method="post" action="/portal/tokens" aria-labelledby="new-token-h" novalidate {
            input type="hidden" name="csrf" value=(csrf);
            p { label for="name" { "Name" } br; span.hint #name-hint { "What it is for, e.g. “backup script”." } br;
                input #name name="name" required maxlength="64" value=(f.name) aria-describedby="name-hint name-error"; (field_error(error, "name")) }
            p { label for="days" { "Expires after" } br;
                select #days name="days" aria-describedby="days-error" {
                    @for (v, t) in [("30", "30 days"), ("90", "90 days"), ("365", "a year"), ("", "never (until revoked)")] { option value=(v) selected[f.days == v] { (t) } }
                }
                (field_error(error, "days")) }
            p { button type="submit" { "Create the token" } }
        }
    };
    let chrome = Chrome {
        area: Area::Portal,
        actor: &m.actor,
        csrf,
    };
    let mut resp = frame(st, chrome, status, "API tokens", "/portal/tokens", body);
    if created.is_some() {
        *resp.status_mut() = StatusCode::CREATED;
    }
    resp
}

/// `GET /portal/tokens`.
pub async fn list<S: Storage + Clone>(State(st): State<AppState<S>>, m: Member) -> Response {
    render(&st, &m, None, &TokenForm::fresh(), None, StatusCode::OK).await
}

/// `POST /portal/tokens`.
pub async fn create<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    headers: HeaderMap,
    m: Member,
    body: Result<Form<TokenForm>, FormRejection>,
) -> Response {
    let f = body.map(|Form(f)| f).unwrap_or_default();
    let result = async {
        if !form_allowed(&st, &headers, &f.csrf) {
            return Err(expired());
        }
        let days = match f.days.trim() {
            "" => None,
            d => Some(d.parse::<u32>().map_err(|_| {
                CoreError::invalid(
                    "days",
                    format!("choose 1 to {MAX_TOKEN_DAYS} days or never"),
                )
            })?),
        };
        st.dir.create_my_token(&m.actor, &f.name, days).await
    }
    .await;
    match result {
        Ok(t) => {
            let name = f.name.trim().to_string();
            render(
                &st,
                &m,
                Some((&name, t.secret.expose())),
                &TokenForm::fresh(),
                None,
                StatusCode::CREATED,
            )
            .await
        }
        Err(e) => {
            let err = as_field(&e);
            render(&st, &m, None, &f, Some(&err), status_of(&e)).await
        }
    }
}

/// `POST /portal/tokens/revoke`.
pub async fn revoke<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    headers: HeaderMap,
    m: Member,
    body: Result<Form<TokenForm>, FormRejection>,
) -> Response {
    let f = body.map(|Form(f)| f).unwrap_or_default();
    let result = async {
        if !form_allowed(&st, &headers, &f.csrf) {
            return Err(expired());
        }
        let id = TokenId::parse(&f.id).ok_or_else(|| CoreError::not_found("token", &f.id))?;
        st.dir.revoke_my_token(&m.actor, id).await
    }
    .await;
    match result {
        Ok(()) => Redirect::to("/portal/tokens").into_response(),
        Err(e) => {
            let err = as_field(&e);
            render(
                &st,
                &m,
                None,
                &TokenForm::default(),
                Some(&err),
                status_of(&e),
            )
            .await
        }
    }
}
