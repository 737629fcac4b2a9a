//! The console's resources and access: the applications, file servers, networks and SSO apps
//! of the organization, who is granted each (users, or groups and so everyone in them), a form
//! to add a resource, one to grant it, and a button to revoke each grant.

use super::Admin;
use crate::AppState;
use crate::pages::csrf::form_allowed;
use crate::pages::shell::{Area, Chrome, expired, failure, frame, message_of, status_of};
use axum::Form;
use axum::extract::State;
use axum::extract::rejection::FormRejection;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;
use serde::Deserialize;
use skydir_core::CoreError;
use skydir_core::directory::{BindingSubject, Name, ResourceKind, Username};
use skydir_core::ids::BindingId;
use skydir_core::page::PageRequest;
use skydir_core::ports::Storage;
use skydir_core::service::{MemberRef, NewBinding, NewResource};
use std::collections::HashMap;

/// Every form of the page: `action` is `resource`, `grant` or `revoke`.
#[derive(Debug, Deserialize, Default)]
pub struct ResourceForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    resource: String,
    #[serde(default)]
    subject_kind: String,
    #[serde(default)]
    subject: String,
    #[serde(default)]
    binding: String,
}

const KINDS: [(&str, &str); 4] = [
    ("ldap_app", "LDAP application"),
    ("file_server", "File server"),
    ("network", "Network (RADIUS)"),
    ("sso_app", "SSO application"),
];

async fn render<S: Storage + Clone>(
    st: &AppState<S>,
    a: &Admin,
    error: Option<&str>,
    status: StatusCode,
) -> Response {
    let read = async {
        let all = PageRequest::first(500);
        let resources = st.dir.list_resources(&a.actor, &a.slug, &all).await?.items;
        let bindings = st.dir.list_bindings(&a.actor, &a.slug, &all).await?.items;
        let org = st.dir.get_org(&a.actor, &a.slug).await?;
        let store = st.dir.store();
        let mut names: HashMap<BindingSubject, String> = HashMap::new();
        for b in &bindings {
            if names.contains_key(&b.subject) {
                continue;
            }
            let name = match b.subject {
                BindingSubject::User(u) => store
                    .user_by_id(org.id, u)
                    .await?
                    .map(|u| u.username.to_string()),
                BindingSubject::Group(g) => store
                    .group_by_id(org.id, g)
                    .await?
                    .map(|g| format!("group {}", g.name)),
            };
            names.insert(b.subject, name.unwrap_or_else(|| "(removed)".into()));
        }
        Ok::<_, CoreError>((resources, bindings, names))
    }
    .await;
    let (resources, bindings, names) = match read {
        Ok(r) => r,
        Err(e) => {
            return failure(st, a.chrome(), &e, ("/admin", "Overview"));
        }
    };
    let csrf = a.csrf.as_str();
    let body = html! {
        h1 { "Resources and access" }
        @if let Some(e) = error { p.error role="alert" { (e) } }
        @if resources.is_empty() {
            div.empty { p { "No resources yet. A resource is something people are granted: an LDAP application, a file server, a network, an SSO application." } }
        } @else {
            @for r in &resources {
                section.resource aria-labelledby={ "r-" (r.id) } {
                    h2 id={ "r-" (r.id) } { (r.name) " " span.badge { (r.kind.as_str()) } }
                    @if !r.description.is_empty() { p { (r.description) } }
                    @let grants: Vec<_> = bindings.iter().filter(|b| b.resource == r.id).collect();
                    @if grants.is_empty() { p.muted { "Nobody is granted this yet." } }
                    @else {
                        ul.grants {
                            @for b in grants {
                                @let who = names.get(&b.subject).cloned().unwrap_or_default();
                                li { (who) " "
                                    form.inline method="post" action="/admin/resources" {
                                        input type="hidden" name="csrf" value=(csrf);
                                        input type="hidden" name="binding" value=(b.id);
                                        button.link type="submit" name="action" value="revoke" aria-label={ "Revoke " (r.name) " from " (who) } { "Revoke" }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            h2 #grant-h { "Grant access" }
            form method="post" action="/admin/resources" aria-labelledby="grant-h" {
                input type="hidden" name="csrf" value=(csrf);
                p { label for="resource" { "Resource" } br; select #resource name="resource" { @for r in &resources { option value=(r.name) { (r.name) } } } }
                p { label for="subject_kind" { "To a" } br; select #subject_kind name="subject_kind" { option value="user" { "User" } option value="group" { "Group (everyone in it)" } } }
                p { label for="subject" { "Username or group name" } br; input #subject name="subject" required; }
                p { button type="submit" name="action" value="grant" { "Grant" } }
            }
        }
        h2 #new-resource { "Add a resource" }
        form method="post" action="/admin/resources" aria-labelledby="new-resource" {
            input type="hidden" name="csrf" value=(csrf);
            p { label for="name" { "Name" } br; input #name name="name" required; }
            p { label for="kind" { "Kind" } br; select #kind name="kind" { @for (v, t) in KINDS { option value=(v) { (t) } } } }
            p { label for="description" { "Description" } br; input #description name="description"; }
            p { button type="submit" name="action" value="resource" { "Add the resource" } }
        }
    };
    frame(
        st,
        Chrome {
            area: Area::Admin,
            actor: &a.actor,
            csrf,
        },
        status,
        "Resources",
        "/admin/resources",
        body,
    )
}

/// `GET /admin/resources`.
pub async fn show<S: Storage + Clone>(State(st): State<AppState<S>>, a: Admin) -> Response {
    render(&st, &a, None, StatusCode::OK).await
}

fn name(field: &str, s: &str) -> Result<Name, CoreError> {
    Name::parse(s.trim())
        .map_err(|_| CoreError::invalid(field, format!("'{}' is not a valid name", s.trim())))
}

/// `POST /admin/resources`.
pub async fn act<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    headers: HeaderMap,
    a: Admin,
    body: Result<Form<ResourceForm>, FormRejection>,
) -> Response {
    let f = body.map(|Form(f)| f).unwrap_or_default();
    let result = async {
        if !form_allowed(&st, &headers, &f.csrf) {
            return Err(expired());
        }
        match f.action.as_str() {
            "resource" => {
                let new = NewResource {
                    name: name("name", &f.name)?,
                    kind: ResourceKind::parse(&f.kind)?,
                    description: f.description.trim().to_string(),
                };
                st.dir
                    .create_resource(&a.actor, &a.slug, new)
                    .await
                    .map(|_| ())
            }
            "grant" => {
                let subject = match f.subject_kind.as_str() {
                    "group" => MemberRef::Group(name("subject", &f.subject)?),
                    _ => MemberRef::User(Username::parse(f.subject.trim()).map_err(|_| {
                        CoreError::invalid(
                            "subject",
                            format!("'{}' is not a username", f.subject.trim()),
                        )
                    })?),
                };
                let new = NewBinding {
                    resource: name("resource", &f.resource)?,
                    subject,
                };
                st.dir
                    .create_binding(&a.actor, &a.slug, new)
                    .await
                    .map(|_| ())
            }
            "revoke" => {
                let id = BindingId::parse(&f.binding)
                    .ok_or_else(|| CoreError::not_found("grant", &f.binding))?;
                st.dir.delete_binding(&a.actor, &a.slug, id).await
            }
            other => Err(CoreError::invalid(
                "action",
                format!("'{other}' is not something this page does"),
            )),
        }
    }
    .await;
    match result {
        Ok(()) => Redirect::to("/admin/resources").into_response(),
        Err(e) => render(&st, &a, Some(&message_of(&e)), status_of(&e)).await,
    }
}
