//! Data protection for the operator: what the public privacy pages and every access report
//! say about the deployment, and whether it is true yet — the processing location (the
//! documented default is shown as unconfirmed until `processing_location` is set), the
//! privacy contact, the statement's published version — and the sub-processor register,
//! where the statement's examples wait to be confirmed, edited or removed, and entries are
//! added. Every change is a core service call: audited, announced in the feed and mailed to
//! subscribers where it is news.

use super::Operator;
use crate::AppState;
use crate::pages::csrf::form_allowed;
use crate::pages::shell::{expired, failure, frame, message_of, status_of};
use axum::Form;
use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;
use skydir_core::CoreError;
use skydir_core::directory::Name;
use skydir_core::ports::Storage;
use skydir_core::privacy::{EXAMPLE_MARK, SubProcessor, SubProcessorInput};

/// Every form of the page: `action` says which, `slug` which entry.
#[derive(Debug, Deserialize, Default)]
pub struct RegistryForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    slug: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    purpose: String,
    /// Comma-separated.
    #[serde(default)]
    data_categories: String,
    #[serde(default)]
    location: String,
    #[serde(default)]
    dpa_date: String,
}

impl RegistryForm {
    fn input(&self) -> Result<SubProcessorInput, CoreError> {
        Ok(SubProcessorInput {
            name: self.name.clone(),
            purpose: self.purpose.clone(),
            data_categories: self
                .data_categories
                .split(',')
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .map(str::to_string)
                .collect(),
            location: self.location.clone(),
            dpa_date: self
                .dpa_date
                .trim()
                .parse()
                .map_err(|_| CoreError::invalid("dpa_date", "must be a date like 2024-05-01"))?,
        })
    }
}

/// The notice after an action.
#[derive(Debug, Deserialize, Default)]
pub struct Done {
    #[serde(default)]
    done: Option<String>,
}

/// The fields of an entry, with ids unique to `key`.
fn fields(key: &str, s: Option<&SubProcessor>) -> Markup {
    let v = |f: fn(&SubProcessor) -> String| s.map(f).unwrap_or_default();
    html! {
        p { label for={ "name-" (key) } { "Name" } br; input id={ "name-" (key) } name="name" required value=(v(|s| s.name.clone())); }
        p { label for={ "purpose-" (key) } { "Purpose" } br; input id={ "purpose-" (key) } name="purpose" required value=(v(|s| s.purpose.clone())); }
        p { label for={ "cats-" (key) } { "Personal data it receives (comma-separated)" } br; input id={ "cats-" (key) } name="data_categories" required value=(v(|s| s.data_categories.join(", "))); }
        p { label for={ "location-" (key) } { "Where it processes them" } br; input id={ "location-" (key) } name="location" required value=(v(|s| s.location.clone())); }
        p { label for={ "dpa-" (key) } { "DPA signed on" } br; input id={ "dpa-" (key) } name="dpa_date" type="date" required value=(v(|s| if s.example { String::new() } else { s.dpa_date.to_string() })); }
    }
}

async fn render<S: Storage + Clone>(
    st: &AppState<S>,
    op: &Operator,
    notice: Option<&str>,
    error: Option<&str>,
    status: StatusCode,
) -> Response {
    let read = async {
        let all = st.dir.subprocessors().await?;
        let location = st.dir.processing_location()?;
        let version = st.dir.statement_version().await?;
        Ok::<_, CoreError>((all, location, version))
    }
    .await;
    let (all, location, version) = match read {
        Ok(r) => r,
        Err(e) => return failure(st, op.chrome(), &e, ("/operator/orgs", "Organizations")),
    };
    let examples = all
        .iter()
        .filter(|s| s.example && s.removed_at.is_none())
        .count();
    let csrf = op.csrf.as_str();
    let body = html! {
        h1 { "Data protection" }
        @if let Some(n) = notice { p.notice role="status" { (n) } }
        @if let Some(e) = error { p.error role="alert" { (e) } }
        section aria-labelledby="location-h" {
            h2 #location-h { "Where the data is processed" }
            @if location.confirmed() {
                p #location-state { span.badge.ok { "stated" } " " (location.describe()) }
            } @else {
                p #location-state { span.badge.warn { "not confirmed" } " The statement and every access report say: " em { (location.describe()) } }
                p.muted { "Set " code { "processing_location" } " in skydir.toml (or " code { "SKYDIR_PROCESSING_LOCATION" } ", e.g. “EU (Frankfurt)”) and restart: the statement then names the place, and its new version is announced in the feed." }
            }
            p { "Privacy contact: " strong #privacy-contact { (location.contact) } " (" code { "privacy_address" } "; the breach watch mails its reminders here)." }
            p #statement-version {
                @match &version {
                    Some(v) => { a href="/privacy" { "Privacy statement" } " version " (v.version) ", published " (v.published_at.strftime("%Y-%m-%d")) "." },
                    None => { "The privacy statement has not been published yet; the next start publishes it." },
                }
            }
        }
        section aria-labelledby="register-h" {
            h2 #register-h { "Sub-processors" }
            @if examples > 0 {
                p.error #examples role="note" { (examples) " entries are examples from the statement (" (EXAMPLE_MARK) "). Confirm each as listed, edit it to what is true for you, or remove it: the public page marks them until you do, and access reports and the record of processing leave them out." }
            }
            table #register {
                tr { th scope="col" { "Name" } th scope="col" { "Purpose" } th scope="col" { "Location" } th scope="col" { "State" } }
                @for s in &all {
                    @if !(s.example && s.removed_at.is_some()) {
                        tr {
                            td { (s.name) br; small.muted { (s.slug) } }
                            td { (s.purpose) }
                            td { (s.location) }
                            td {
                                @if s.removed_at.is_some() { span.badge { "removed" } }
                                @else if s.example { span.badge.warn { "example" } }
                                @else { span.badge.ok { "confirmed" } }
                            }
                        }
                    }
                }
            }
            @for s in all.iter().filter(|s| s.removed_at.is_none()) {
                details {
                    summary { "Edit " (s.name) @if s.example { " (example)" } }
                    form method="post" action="/operator/privacy" {
                        input type="hidden" name="csrf" value=(csrf);
                        input type="hidden" name="slug" value=(s.slug);
                        (fields(s.slug.as_str(), Some(s)))
                        p { button type="submit" name="action" value="update" { @if s.example { "Save as our entry" } @else { "Save the change" } } }
                    }
                    form method="post" action="/operator/privacy" {
                        input type="hidden" name="csrf" value=(csrf);
                        input type="hidden" name="slug" value=(s.slug);
                        p {
                            @if s.example { button type="submit" name="action" value="confirm" { "Confirm " (s.name) " as listed" } " " }
                            button.danger type="submit" name="action" value="remove" { "Remove " (s.name) }
                        }
                    }
                }
            }
            h3 #add-h { "Add a sub-processor" }
            form method="post" action="/operator/privacy" aria-labelledby="add-h" {
                input type="hidden" name="csrf" value=(csrf);
                p { label for="slug-new" { "Its id in the register" } br; input #slug-new name="slug" required; }
                (fields("new", None))
                p { button type="submit" name="action" value="add" { "Add it" } }
            }
        }
    };
    frame(
        st,
        op.chrome(),
        status,
        "Data protection",
        "/operator/privacy",
        body,
    )
}

/// `GET /operator/privacy`.
pub async fn show<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    op: Operator,
    query: Result<Query<Done>, QueryRejection>,
) -> Response {
    let Query(q) = query.unwrap_or_default();
    let notice = match q.done.as_deref() {
        Some("confirm") => Some("The entry is confirmed and announced to subscribers."),
        Some("update") => Some("The entry is saved and the change announced to subscribers."),
        Some("remove") => Some("The entry is removed."),
        Some("add") => Some("The sub-processor is added and announced to subscribers."),
        _ => None,
    };
    render(&st, &op, notice, None, StatusCode::OK).await
}

/// `POST /operator/privacy`.
pub async fn act<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    headers: HeaderMap,
    op: Operator,
    body: Result<Form<RegistryForm>, FormRejection>,
) -> Response {
    let f = body.map(|Form(f)| f).unwrap_or_default();
    let result = async {
        if !form_allowed(&st, &headers, &f.csrf) {
            return Err(expired());
        }
        let slug = Name::parse(f.slug.trim())?;
        let d = &st.dir;
        match f.action.as_str() {
            "confirm" => d.confirm_subprocessor(&op.actor, &slug).await.map(|_| ()),
            "remove" => d.remove_subprocessor(&op.actor, &slug).await.map(|_| ()),
            "update" => d
                .update_subprocessor(&op.actor, &slug, f.input()?)
                .await
                .map(|_| ()),
            "add" => d
                .add_subprocessor(&op.actor, &slug, f.input()?)
                .await
                .map(|_| ()),
            other => Err(CoreError::invalid(
                "action",
                format!("'{other}' is not something this page does"),
            )),
        }
    }
    .await;
    match result {
        Ok(()) => Redirect::to(&format!("/operator/privacy?done={}", f.action)).into_response(),
        Err(e) => render(&st, &op, None, Some(&message_of(&e)), status_of(&e)).await,
    }
}
