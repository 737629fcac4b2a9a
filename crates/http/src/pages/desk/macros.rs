//! Macros for agents: the canned answers used from a ticket page, each with its text
//! (placeholders filled on use), whether it is a public reply or an internal note, and the
//! status it moves the ticket to. Saving under an existing name replaces that macro.

use super::Agent;
use crate::AppState;
use crate::pages::csrf::form_allowed;
use crate::pages::shell::{as_field, expired, field_error, form_error, frame, status_of};
use axum::Form;
use axum::extract::State;
use axum::extract::rejection::FormRejection;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;
use serde::Deserialize;
use skydir_core::CoreError;
use skydir_core::directory::Name;
use skydir_core::ports::Storage;
use skydir_core::support::{TicketStatus, Visibility};

/// The macro form; `action` is `save` or `delete`.
#[derive(Debug, Deserialize, Default)]
pub struct MacroForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    visibility: String,
    #[serde(default)]
    status: String,
}

async fn render<S: Storage + Clone>(
    st: &AppState<S>,
    ag: &Agent,
    f: &MacroForm,
    error: Option<&(String, String)>,
    status: StatusCode,
) -> Response {
    let macros = st.dir.list_macros(&ag.actor).await.unwrap_or_default();
    let body = html! {
        h1 { "Macros" }
        @if macros.is_empty() {
            div.empty { p { "No macros yet." } }
        } @else {
            table #macros {
                tr { th scope="col" { "Name" } th scope="col" { "Title" } th scope="col" { "Kind" } th scope="col" { "Sets status" } th scope="col" { "Delete" } }
                @for m in &macros {
                    tr {
                        td { code { (m.name) } }
                        td { (m.title) }
                        td { @if m.visibility == Visibility::Internal { "internal note" } @else { "reply" } }
                        td { @if let Some(s) = m.status { (s.as_str()) } }
                        td {
                            form.inline method="post" action="/desk/macros" {
                                input type="hidden" name="csrf" value=(ag.csrf);
                                input type="hidden" name="name" value=(m.name);
                                button.link type="submit" name="action" value="delete" aria-label={ "Delete macro " (m.name) } { "Delete" }
                            }
                        }
                    }
                }
            }
        }
        h2 #macro-h { "Write a macro" }
        p.muted { "Saving under an existing name replaces it." }
        (form_error(error, &["name", "title", "body", "status"]))
        form method="post" action="/desk/macros" aria-labelledby="macro-h" novalidate {
            input type="hidden" name="csrf" value=(ag.csrf);
            p { label for="name" { "Name" } br; input #name name="name" required value=(f.name) aria-describedby="name-error"; (field_error(error, "name")) }
            p { label for="title" { "Title" } br; input #title name="title" required value=(f.title) aria-describedby="title-error"; (field_error(error, "title")) }
            p { label for="body" { "Text" } br; textarea #body name="body" rows="6" required aria-describedby="body-error" { (f.body) } (field_error(error, "body")) }
            p { label for="visibility" { "Kind" } br;
                select #visibility name="visibility" {
                    option value="public" selected[f.visibility != "internal"] { "Reply to the customer" }
                    option value="internal" selected[f.visibility == "internal"] { "Internal note" }
                } }
            p { label for="macro-status" { "Then set the status to" } br;
                select #macro-status name="status" {
                    option value="" { "(leave as it is)" }
                    @for s in TicketStatus::ALL { option value=(s.as_str()) selected[f.status == s.as_str()] { (s.as_str()) } }
                } }
            p { button type="submit" name="action" value="save" { "Save the macro" } }
        }
    };
    frame(st, ag.chrome(), status, "Macros", "/desk/macros", body)
}

/// `GET /desk/macros`.
pub async fn list<S: Storage + Clone>(State(st): State<AppState<S>>, ag: Agent) -> Response {
    render(&st, &ag, &MacroForm::default(), None, StatusCode::OK).await
}

/// `POST /desk/macros`.
pub async fn change<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    headers: HeaderMap,
    ag: Agent,
    body: Result<Form<MacroForm>, FormRejection>,
) -> Response {
    let f = body.map(|Form(f)| f).unwrap_or_default();
    let result = async {
        if !form_allowed(&st, &headers, &f.csrf) {
            return Err(expired());
        }
        let name = Name::parse(f.name.trim()).map_err(|e| match e {
            CoreError::Invalid { reason, .. } => CoreError::invalid("name", reason),
            other => other,
        })?;
        if f.action == "delete" {
            return st.dir.delete_macro(&ag.actor, &name).await;
        }
        let visibility = if f.visibility == "internal" {
            Visibility::Internal
        } else {
            Visibility::Public
        };
        let status = match f.status.as_str() {
            "" => None,
            s => Some(TicketStatus::parse(s)?),
        };
        st.dir
            .put_macro(&ag.actor, &name, &f.title, &f.body, visibility, status)
            .await
            .map(|_| ())
    }
    .await;
    match result {
        Ok(()) => Redirect::to("/desk/macros").into_response(),
        Err(e) => {
            let err = as_field(&e);
            render(&st, &ag, &f, Some(&err), status_of(&e)).await
        }
    }
}
