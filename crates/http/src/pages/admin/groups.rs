//! The console's groups: the list with a form to create one, and each group's page with its
//! direct members — users and nested groups — to add and remove. A nesting that would form a
//! cycle is refused by the core and the reason shown next to the member field.

use super::Admin;
use crate::AppState;
use crate::pages::csrf::form_allowed;
use crate::pages::shell::{as_field, expired, failure, field_error, form_error, frame, status_of};
use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;
use skydir_core::CoreError;
use skydir_core::directory::{Name, Username};
use skydir_core::page::PageRequest;
use skydir_core::ports::Storage;
use skydir_core::service::{GroupView, MemberRef, NewGroup};

/// Groups per page.
const PER_PAGE: u32 = 50;

/// The list's cursor.
#[derive(Debug, Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    after: Option<String>,
}

/// The new-group form.
#[derive(Debug, Deserialize, Default)]
pub struct GroupForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    description: String,
}

async fn list_page<S: Storage + Clone>(
    st: &AppState<S>,
    a: &Admin,
    after: Option<String>,
    f: &GroupForm,
    error: Option<&(String, String)>,
    status: StatusCode,
) -> Response {
    let req = PageRequest {
        after: after.filter(|s| !s.is_empty() && s.len() <= 64),
        limit: PER_PAGE,
    };
    let groups = match st.dir.list_groups(&a.actor, &a.slug, &req).await {
        Ok(p) => p,
        Err(e) => {
            return failure(st, a.chrome(), &e, ("/admin", "Overview"));
        }
    };
    let body = html! {
        h1 { "Groups" }
        @if groups.items.is_empty() && req.after.is_none() {
            div.empty { p { "No groups yet. Groups collect users (and other groups) so access can be granted to all of them at once." } }
        } @else {
            table #groups {
                tr { th scope="col" { "Group" } th scope="col" { "Description" } th scope="col" { "gidNumber" } }
                @for g in &groups.items {
                    tr {
                        td { a href={ "/admin/groups/" (g.name) } { (g.name) } }
                        td { (g.description) }
                        td { (g.gid_number) }
                    }
                }
            }
            @if let Some(next) = &groups.next {
                p { a rel="next" href={ "/admin/groups?after=" (next) } { "Next page →" } }
            }
        }
        h2 #new-group { "Create a group" }
        (form_error(error, &["name", "description"]))
        form method="post" action="/admin/groups" aria-labelledby="new-group" novalidate {
            input type="hidden" name="csrf" value=(a.csrf);
            p { label for="name" { "Name" } br; input #name name="name" required maxlength="64" value=(f.name) aria-describedby="name-error"; (field_error(error, "name")) }
            p { label for="description" { "Description" } br; input #description name="description" value=(f.description) aria-describedby="description-error"; (field_error(error, "description")) }
            p { button type="submit" { "Create the group" } }
        }
    };
    frame(st, a.chrome(), status, "Groups", "/admin/groups", body)
}

/// `GET /admin/groups`.
pub async fn list<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    a: Admin,
    query: Result<Query<ListQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let Query(q) = query.unwrap_or_default();
    list_page(
        &st,
        &a,
        q.after,
        &GroupForm::default(),
        None,
        StatusCode::OK,
    )
    .await
}

/// `POST /admin/groups`.
pub async fn create<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    headers: HeaderMap,
    a: Admin,
    body: Result<Form<GroupForm>, FormRejection>,
) -> Response {
    let f = body.map(|Form(f)| f).unwrap_or_default();
    let result = async {
        if !form_allowed(&st, &headers, &f.csrf) {
            return Err(expired());
        }
        let new = NewGroup {
            name: Name::parse(f.name.trim())?,
            description: f.description.trim().to_string(),
            gid_number: None,
        };
        st.dir.create_group(&a.actor, &a.slug, new).await
    }
    .await;
    match result {
        Ok(g) => Redirect::to(&format!("/admin/groups/{}", g.group.name)).into_response(),
        Err(e) => {
            let err = as_field(&e);
            list_page(&st, &a, None, &f, Some(&err), status_of(&e)).await
        }
    }
}

/// The add-member form.
#[derive(Debug, Deserialize, Default)]
pub struct MemberForm {
    #[serde(default)]
    csrf: String,
    /// `user` or `group`.
    #[serde(default)]
    kind: String,
    #[serde(default)]
    member: String,
}

fn group_page(
    a: &Admin,
    g: &GroupView,
    f: &MemberForm,
    error: Option<&(String, String)>,
) -> Markup {
    let path = format!("/admin/groups/{}", g.group.name);
    let remove = |kind: &str, name: &str| -> Markup {
        html! {
            form.inline method="post" action={ (path) "/members/remove" } {
                input type="hidden" name="csrf" value=(a.csrf);
                input type="hidden" name="kind" value=(kind);
                input type="hidden" name="member" value=(name);
                button.link type="submit" aria-label={ "Remove " (name) " from " (g.group.name) } { "Remove" }
            }
        }
    };
    html! {
        h1 { "Group " (g.group.name) }
        @if !g.group.description.is_empty() { p { (g.group.description) } }
        dl.facts {
            dt { "LDAP DN" } dd { code { "cn=" (g.group.name) ",ou=groups,o=" (a.slug) ",dc=skydir" } }
            dt { "gidNumber" } dd { (g.group.gid_number) }
        }
        h2 { "Members" }
        @if g.member_users.is_empty() && g.member_groups.is_empty() {
            div.empty { p { "No members yet." } }
        } @else {
            ul #members {
                @for u in &g.member_users { li { a href={ "/admin/users/" (u) } { (u) } " " (remove("user", u.as_str())) } }
                @for n in &g.member_groups { li { "group " a href={ "/admin/groups/" (n) } { (n) } " (and its members) " (remove("group", n.as_str())) } }
            }
        }
        h2 #add-member { "Add a member" }
        (form_error(error, &["member", "kind"]))
        form method="post" action={ (path) "/members" } aria-labelledby="add-member" novalidate {
            input type="hidden" name="csrf" value=(a.csrf);
            p { label for="kind" { "Kind" } br;
                select #kind name="kind" {
                    option value="user" selected[f.kind != "group"] { "User" }
                    option value="group" selected[f.kind == "group"] { "Group (nested)" }
                }
            }
            p { label for="member" { "Username or group name" } br; input #member name="member" required value=(f.member) aria-describedby="member-error"; (field_error(error, "member")) }
            p { button type="submit" { "Add" } }
        }
        p { a href="/admin/groups" { "← All groups" } }
    }
}

fn group_name(name: &str) -> Result<Name, CoreError> {
    Name::parse(name).map_err(|_| CoreError::not_found("group", name))
}

/// `GET /admin/groups/{name}`.
pub async fn show<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    a: Admin,
    Path(name): Path<String>,
) -> Response {
    let view = match group_name(&name) {
        Ok(n) => st.dir.get_group(&a.actor, &a.slug, &n).await,
        Err(e) => Err(e),
    };
    match view {
        Ok(g) => {
            let body = group_page(&a, &g, &MemberForm::default(), None);
            frame(
                &st,
                a.chrome(),
                StatusCode::OK,
                g.group.name.as_str(),
                "/admin/groups",
                body,
            )
        }
        Err(e) => failure(&st, a.chrome(), &e, ("/admin/groups", "All groups")),
    }
}

fn member_ref(f: &MemberForm) -> Result<MemberRef, CoreError> {
    let m = f.member.trim();
    let bad = |_| CoreError::invalid("member", format!("'{m}' is not a valid name"));
    match f.kind.as_str() {
        "group" => Ok(MemberRef::Group(Name::parse(m).map_err(bad)?)),
        "user" | "" => Ok(MemberRef::User(Username::parse(m).map_err(bad)?)),
        other => Err(CoreError::invalid(
            "kind",
            format!("'{other}' is not user or group"),
        )),
    }
}

/// Adds (`remove == false`) or removes a member, then shows the group again.
async fn change<S: Storage + Clone>(
    st: &AppState<S>,
    headers: &HeaderMap,
    a: Admin,
    name: &str,
    f: MemberForm,
    remove: bool,
) -> Response {
    let group = match group_name(name) {
        Ok(n) => n,
        Err(e) => {
            return failure(st, a.chrome(), &e, ("/admin/groups", "All groups"));
        }
    };
    let result = async {
        if !form_allowed(st, headers, &f.csrf) {
            return Err(expired());
        }
        let m = member_ref(&f)?;
        if remove {
            st.dir.remove_member(&a.actor, &a.slug, &group, m).await
        } else {
            st.dir
                .add_member(&a.actor, &a.slug, &group, m)
                .await
                .map(|_| ())
        }
    }
    .await;
    match result {
        Ok(()) => Redirect::to(&format!("/admin/groups/{group}")).into_response(),
        Err(e) => match st.dir.get_group(&a.actor, &a.slug, &group).await {
            Ok(g) => {
                let err = match &e {
                    CoreError::NotFound { .. } => ("member".to_string(), e.to_string()),
                    _ => as_field(&e),
                };
                let body = group_page(&a, &g, &f, Some(&err));
                frame(
                    st,
                    a.chrome(),
                    status_of(&e),
                    g.group.name.as_str(),
                    "/admin/groups",
                    body,
                )
            }
            Err(e) => failure(st, a.chrome(), &e, ("/admin/groups", "All groups")),
        },
    }
}

/// `POST /admin/groups/{name}/members`.
pub async fn add<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    headers: HeaderMap,
    a: Admin,
    Path(name): Path<String>,
    body: Result<Form<MemberForm>, FormRejection>,
) -> Response {
    let f = body.map(|Form(f)| f).unwrap_or_default();
    change(&st, &headers, a, &name, f, false).await
}

/// `POST /admin/groups/{name}/members/remove`.
pub async fn remove<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    headers: HeaderMap,
    a: Admin,
    Path(name): Path<String>,
    body: Result<Form<MemberForm>, FormRejection>,
) -> Response {
    let f = body.map(|Form(f)| f).unwrap_or_default();
    change(&st, &headers, a, &name, f, true).await
}
