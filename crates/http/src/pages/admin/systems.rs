//! The console's systems: every registered computer with how it joins the directory and its
//! support standing under the provider's supported-versions list — an end-of-life or
//! out-of-date badge with the advice the support desk would give — and a form to register one.

use super::Admin;
use crate::AppState;
use crate::pages::csrf::form_allowed;
use crate::pages::shell::{as_field, expired, failure, field_error, form_error, frame, status_of};
use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;
use skydir_core::CoreError;
use skydir_core::directory::{JoinMethod, Name, OsFamily};
use skydir_core::page::PageRequest;
use skydir_core::ports::Storage;
use skydir_core::service::NewSystem;
use skydir_core::support::Lifecycle;

/// The list's cursor.
#[derive(Debug, Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    after: Option<String>,
}

/// The registration form.
#[derive(Debug, Deserialize, Default)]
pub struct SystemForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    hostname: String,
    #[serde(default)]
    os_family: String,
    #[serde(default)]
    os_version: String,
    #[serde(default)]
    joined_via: String,
    #[serde(default)]
    agent_version: String,
}

fn badge(l: &Lifecycle) -> Markup {
    html! {
        @match l {
            Lifecycle::Supported => span.badge.ok { "supported" },
            Lifecycle::EndOfLife { what, since, advice } => { strong.badge.bad { "end of life" } " " (what) " since " (since) ". " span.hint { (advice) } },
            Lifecycle::OutOfDate { what, advice, .. } => { strong.badge.warn { "out of date" } " " (what) ". " span.hint { (advice) } },
            Lifecycle::Unlisted { what, .. } => { span.badge { "not listed" } " " (what) },
        }
    }
}

async fn render<S: Storage + Clone>(
    st: &AppState<S>,
    a: &Admin,
    after: Option<String>,
    f: &SystemForm,
    error: Option<&(String, String)>,
    status: StatusCode,
) -> Response {
    let req = PageRequest {
        after: after.filter(|s| !s.is_empty() && s.len() <= 64),
        limit: 50,
    };
    let systems = match st.dir.list_systems(&a.actor, &a.slug, &req).await {
        Ok(p) => p,
        Err(e) => {
            return failure(st, a.chrome(), &e, ("/admin", "Overview"));
        }
    };
    let versions = st.dir.desk_policy().ok();
    let today = st.dir.now().to_zoned(jiff::tz::TimeZone::UTC).date();
    let body = html! {
        h1 { "Systems" }
        @if systems.items.is_empty() && req.after.is_none() {
            div.empty { p { "No systems registered yet." } }
        } @else {
            table #systems {
                tr { th scope="col" { "Hostname" } th scope="col" { "OS" } th scope="col" { "Joins through" } th scope="col" { "Agent" } th scope="col" { "Support" } }
                @for s in &systems.items {
                    tr {
                        td { (s.hostname) }
                        td { (s.os_family.as_str()) " " (s.os_version) }
                        td { @if s.joined_via == JoinMethod::Unknown { span.muted { (s.joined_via.label()) } } @else { (s.joined_via.label()) } }
                        td { @if let Some(v) = &s.agent_version { (v) } @else { span.muted { "none" } } }
                        td { @if let Some(p) = &versions { (badge(&p.versions.check(s, today))) } }
                    }
                }
            }
            @if let Some(next) = &systems.next { p { a rel="next" href={ "/admin/systems?after=" (next) } { "Next page →" } } }
        }
        p { a href="/kb/supported-versions" { "Which versions are supported" } }
        h2 #new-system { "Register a system" }
        (form_error(error, &["hostname", "os_family", "os_version", "joined_via", "agent_version"]))
        form method="post" action="/admin/systems" aria-labelledby="new-system" novalidate {
            input type="hidden" name="csrf" value=(a.csrf);
            p { label for="hostname" { "Hostname" } br; input #hostname name="hostname" required value=(f.hostname) aria-describedby="hostname-error"; (field_error(error, "hostname")) }
            p { label for="os_family" { "Operating system" } br;
                select #os_family name="os_family" {
                    @for (v, t) in [("windows", "Windows"), ("macos", "macOS"), ("linux", "Linux")] { option value=(v) selected[f.os_family == v] { (t) } }
                } }
            p { label for="os_version" { "OS version" } br; input #os_version name="os_version" required placeholder="e.g. 22.04" value=(f.os_version) aria-describedby="os_version-error"; (field_error(error, "os_version")) }
            p { label for="joined_via" { "How it joins the directory" } br;
                select #joined_via name="joined_via" aria-describedby="joined_via-hint joined_via-error" {
                    @for m in JoinMethod::ALL { option value=(m.as_str()) selected[f.joined_via == m.as_str() || (f.joined_via.is_empty() && m == JoinMethod::Unknown)] { (m.label()) } }
                }
                br; span.hint #joined_via-hint { "Support asks for the logs of this client (SSSD's or nslcd's on a Linux host)." }
                (field_error(error, "joined_via")) }
            p { label for="agent_version" { "Agent version (optional)" } br; input #agent_version name="agent_version" value=(f.agent_version) aria-describedby="agent_version-error"; (field_error(error, "agent_version")) }
            p { button type="submit" { "Register" } }
        }
    };
    frame(st, a.chrome(), status, "Systems", "/admin/systems", body)
}

/// `GET /admin/systems`.
pub async fn list<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    a: Admin,
    query: Result<Query<ListQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let Query(q) = query.unwrap_or_default();
    render(
        &st,
        &a,
        q.after,
        &SystemForm::default(),
        None,
        StatusCode::OK,
    )
    .await
}

/// `POST /admin/systems`.
pub async fn create<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    headers: HeaderMap,
    a: Admin,
    body: Result<Form<SystemForm>, FormRejection>,
) -> Response {
    let f = body.map(|Form(f)| f).unwrap_or_default();
    let result = async {
        if !form_allowed(&st, &headers, &f.csrf) {
            return Err(expired());
        }
        let new = NewSystem {
            hostname: Name::parse(f.hostname.trim()).map_err(|e| match e {
                CoreError::Invalid { reason, .. } => CoreError::invalid("hostname", reason),
                other => other,
            })?,
            os_family: OsFamily::parse(&f.os_family)?,
            os_version: f.os_version.trim().to_string(),
            joined_via: match f.joined_via.trim() {
                "" => JoinMethod::Unknown,
                v => JoinMethod::parse(v)?,
            },
            agent_version: Some(f.agent_version.trim().to_string()).filter(|v| !v.is_empty()),
        };
        st.dir.create_system(&a.actor, &a.slug, new).await
    }
    .await;
    match result {
        Ok(_) => Redirect::to("/admin/systems").into_response(),
        Err(e) => {
            let err = as_field(&e);
            render(&st, &a, None, &f, Some(&err), status_of(&e)).await
        }
    }
}
