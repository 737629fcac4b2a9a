//! The console's users: a paged list searchable by username, a form to add someone (refused
//! with the plan's reason when every seat is used), and each user's page, where an admin edits
//! their contact details and suspends or reactivates them. A new email address for an existing
//! user waits for confirmation from that address (so no admin can quietly redirect someone's
//! reset links); the page shows it pending, with buttons to send the link again or cancel.
//! Errors appear next to the field that caused them and the form keeps what was typed.

use super::Admin;
use crate::AppState;
use crate::pages::contact::{self, ContactForm};
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
use skydir_core::directory::{Email, PersonalData, UserStatus, Username};
use skydir_core::page::PageRequest;
use skydir_core::ports::Storage;
use skydir_core::secret::{Personal, Secret};
use skydir_core::service::{
    InvitationState, InvitationView, NewUser, PasswordInput, UserPatch, UserView,
};

/// Users per page of the list.
const PER_PAGE: u32 = 25;

/// The list's query: search text and the cursor of the page.
#[derive(Debug, Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    after: Option<String>,
}

fn status_badge(s: UserStatus) -> Markup {
    html! {
        @match s {
            UserStatus::Active => span.badge.ok { "active" },
            UserStatus::Suspended => span.badge.warn { "suspended" },
            UserStatus::Staged => span.badge { "staged" },
        }
    }
}

fn full_name(u: &UserView) -> String {
    u.contact
        .as_ref()
        .map(|c| {
            [c.personal.given_name.get(), c.personal.family_name.get()]
                .into_iter()
                .flatten()
                .cloned()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_default()
}

/// `GET /admin/users`.
pub async fn list<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    a: Admin,
    query: Result<Query<ListQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let Query(q) = query.unwrap_or_default();
    let page_req = PageRequest {
        after: q.after.clone().filter(|s| !s.is_empty() && s.len() <= 64),
        limit: PER_PAGE,
    };
    let search = q.q.trim();
    let found = st
        .dir
        .find_users(&a.actor, &a.slug, Some(search), &page_req)
        .await;
    let (page, error) = match found {
        Ok(p) => (Some(p), None),
        Err(e @ CoreError::Invalid { .. }) => (None, Some(as_field(&e))),
        Err(e) => {
            return failure(&st, a.chrome(), &e, ("/admin", "Overview"));
        }
    };
    let body = html! {
        h1 { "Users" }
        p { a.button href="/admin/users/new" { "Add a user" } }
        form.search method="get" action="/admin/users" role="search" {
            label for="q" { "Find users by username" }
            input #q type="search" name="q" value=(search) maxlength="64" autocomplete="off" aria-describedby="q-error";
            button type="submit" { "Search" }
            (field_error(error.as_ref(), "q"))
        }
        @if let Some(p) = &page {
            @if p.items.is_empty() {
                div.empty {
                    @if search.is_empty() { p { "No users yet. " a href="/admin/users/new" { "Add the first one" } "." } }
                    @else { p { "No username starts with “" (search) "”." } }
                }
            } @else {
                table #users {
                    caption.sr { "Users" @if !search.is_empty() { " whose username starts with " (search) } }
                    tr { th scope="col" { "Username" } th scope="col" { "Name" } th scope="col" { "Email" } th scope="col" { "Status" } }
                    @for u in &p.items {
                        tr {
                            td { a href={ "/admin/users/" (u.username) } { (u.username) } @if u.is_admin { " " span.badge { "admin" } } }
                            td { (full_name(u)) }
                            td { @if let Some(c) = &u.contact { (c.email.as_str()) } }
                            td { (status_badge(u.status)) }
                        }
                    }
                }
                @if let Some(next) = &p.next {
                    p { a rel="next" href={ "/admin/users?q=" (urlencode(search)) "&after=" (urlencode(next)) } { "Next page →" } }
                }
            }
        }
    };
    frame(
        &st,
        a.chrome(),
        StatusCode::OK,
        "Users",
        "/admin/users",
        body,
    )
}

/// Query-string encoding of a value (usernames and search text are plain, but be exact).
fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// The new-user form's fields.
#[derive(Debug, Deserialize, Default)]
pub struct NewUserForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    given_name: String,
    #[serde(default)]
    family_name: String,
    /// `invite` (mail an invitation) or `password` (set `password` now).
    #[serde(default)]
    way: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    status: String,
}

const NEW_FIELDS: [&str; 7] = [
    "username",
    "email",
    "given_name",
    "family_name",
    "way",
    "password",
    "status",
];

fn new_form(csrf: &str, f: &NewUserForm, error: Option<&(String, String)>) -> Markup {
    html! {
        h1 { "Add a user" }
        (form_error(error, &NEW_FIELDS))
        form method="post" action="/admin/users/new" novalidate {
            input type="hidden" name="csrf" value=(csrf);
            p { label for="username" { "Username" } br;
                span.hint #username-hint { "Lowercase letters, digits, “-”, “_” and “.”; it is also the LDAP uid." } br;
                input #username name="username" required maxlength="64" autocomplete="off" value=(f.username) aria-describedby="username-hint username-error"; (field_error(error, "username")) }
            p { label for="email" { "Email" } br;
                input #email name="email" type="email" required value=(f.email) aria-describedby="email-error"; (field_error(error, "email")) }
            p { label for="given_name" { "Given name" } br;
                input #given_name name="given_name" autocomplete="off" value=(f.given_name) aria-describedby="given_name-error"; (field_error(error, "given_name")) }
            p { label for="family_name" { "Family name" } br;
                input #family_name name="family_name" autocomplete="off" value=(f.family_name) aria-describedby="family_name-error"; (field_error(error, "family_name")) }
            fieldset {
                legend { "Their password" }
                p { input #way-invite type="radio" name="way" value="invite" checked[f.way != "password"];
                    " " label for="way-invite" { "Mail them an invitation to choose it themself (valid 7 days)" } }
                p { input #way-password type="radio" name="way" value="password" checked[f.way == "password"];
                    " " label for="way-password" { "Set a password now and tell them yourself" } }
                p { label for="password" { "Password (only when you set it now)" } br;
                    input #password name="password" type="password" autocomplete="new-password" aria-describedby="password-error"; (field_error(error, "password")) }
                (field_error(error, "way"))
            }
            p { label for="status" { "Status" } br;
                select #status name="status" {
                    option value="active" selected[f.status != "staged"] { "Active — can log in now" }
                    option value="staged" selected[f.status == "staged"] { "Staged — prepared, cannot log in yet" }
                }
                (field_error(error, "status"))
            }
            p { button type="submit" { "Add the user" } " " a href="/admin/users" { "Cancel" } }
        }
    }
}

/// `GET /admin/users/new`.
pub async fn new<S: Storage + Clone>(State(st): State<AppState<S>>, a: Admin) -> Response {
    let body = new_form(&a.csrf, &NewUserForm::default(), None);
    frame(
        &st,
        a.chrome(),
        StatusCode::OK,
        "Add a user",
        "/admin/users",
        body,
    )
}

fn optional(s: &str) -> Option<String> {
    Some(s.trim().to_string()).filter(|s| !s.is_empty())
}

fn new_user(f: &NewUserForm) -> Result<NewUser, CoreError> {
    Ok(NewUser {
        username: Username::parse(f.username.trim())?,
        email: Email::parse(&f.email)?,
        password: match (f.way.as_str(), f.password.as_str()) {
            ("password", "") => {
                return Err(CoreError::invalid(
                    "password",
                    "give the password, or choose to mail an invitation",
                ));
            }
            ("password", p) => PasswordInput::Plain(Secret::new(p.to_string())),
            ("invite" | "", "") => PasswordInput::Invite,
            ("invite" | "", _) => {
                return Err(CoreError::invalid(
                    "password",
                    "an invited user chooses their own password: leave it empty, or choose to \
                     set it now",
                ));
            }
            _ => return Err(CoreError::invalid("way", "choose invitation or password")),
        },
        status: UserStatus::parse(if f.status.is_empty() {
            "active"
        } else {
            &f.status
        })?,
        posix: None,
        ssh_keys: Vec::new(),
        personal: PersonalData {
            given_name: Personal(optional(&f.given_name)),
            family_name: Personal(optional(&f.family_name)),
            ..PersonalData::default()
        },
    })
}

/// `POST /admin/users/new`.
pub async fn create<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    headers: HeaderMap,
    a: Admin,
    body: Result<Form<NewUserForm>, FormRejection>,
) -> Response {
    let f = body.map(|Form(f)| f).unwrap_or_default();
    let result = if form_allowed(&st, &headers, &f.csrf) {
        match new_user(&f) {
            Ok(n) => st.dir.create_user(&a.actor, &a.slug, n).await,
            Err(e) => Err(e),
        }
    } else {
        Err(expired())
    };
    match result {
        Ok(u) => Redirect::to(&format!("/admin/users/{}?created=1", u.username)).into_response(),
        Err(e) => {
            let shown = NewUserForm {
                password: String::new(),
                ..f
            };
            let err = as_field(&e);
            frame(
                &st,
                a.chrome(),
                status_of(&e),
                "Add a user",
                "/admin/users",
                new_form(&a.csrf, &shown, Some(&err)),
            )
        }
    }
}

/// The user page's query: whether it follows a creation or a save.
#[derive(Debug, Deserialize, Default)]
pub struct ShowQuery {
    #[serde(default)]
    created: Option<String>,
    #[serde(default)]
    saved: Option<String>,
    #[serde(default)]
    reset: Option<String>,
    #[serde(default)]
    invitation: Option<String>,
    #[serde(default)]
    email: Option<String>,
}

fn user_page(
    a: &Admin,
    (u, invitation): &(UserView, Option<InvitationView>),
    f: &ContactForm,
    notice: Option<&str>,
    error: Option<&(String, String)>,
) -> Markup {
    let path = format!("/admin/users/{}", u.username);
    html! {
        h1 { (u.username) " " (status_badge(u.status)) @if u.is_admin { " " span.badge { "admin" } } }
        @if let Some(n) = notice { p.notice role="status" { (n) } }
        dl.facts {
            dt { "LDAP DN" } dd { code { "uid=" (u.username) ",ou=users,o=" (a.slug) ",dc=skydir" } }
            dt { "POSIX" } dd { "uid " (u.posix.uid_number) ", gid " (u.posix.gid_number) ", " code { (u.posix.home_directory) } }
            dt { "Created" } dd { (u.created_at.strftime("%Y-%m-%d %H:%M UTC")) }
        }
        h2 { "Details" }
        @if u.contact.is_none() {
            p.muted { "You may not see this user's personal data." }
        } @else {
            (contact::pending(u, &format!("{path}/email"), &a.csrf))
            (f.render(&path, &a.csrf, "Save", error))
        }
        h2 { "Password" }
        @if let Some(i) = invitation.as_ref().filter(|i| i.state != InvitationState::Accepted) {
            p #invitation { @match i.state {
                InvitationState::Pending => { "Invitation pending: mailed " (i.sent_at.strftime("%Y-%m-%d %H:%M UTC")) ", valid until " (i.expires_at.strftime("%Y-%m-%d %H:%M UTC")) "." }
                InvitationState::Expired => { "The invitation expired unused on " (i.expires_at.strftime("%Y-%m-%d")) "." }
                _ => { "The invitation was revoked." }
            } }
            form.inline method="post" action={ (path) "/invitation" } {
                input type="hidden" name="csrf" value=(a.csrf);
                button type="submit" name="action" value="resend" { "Send the invitation again" }
                @if i.state == InvitationState::Pending {
                    " " button type="submit" name="action" value="revoke" { "Revoke the invitation" }
                }
            }
        }
        form method="post" action={ (path) "/reset" } {
            input type="hidden" name="csrf" value=(a.csrf);
            p.muted { "Nobody but the user ever sets or learns their password: this mails them a link, valid for a day, to set a new one themself." }
            button type="submit" { "Send a password-reset link" }
        }
        h2 { "Access" }
        form method="post" action={ (path) "/status" } {
            input type="hidden" name="csrf" value=(a.csrf);
            @match u.status {
                UserStatus::Active => {
                    p.muted { "Suspending ends the user's sessions' use at once: logins, API tokens and LDAP binds are refused until reactivated." }
                    button.danger type="submit" name="status" value="suspended" { "Suspend " (u.username) }
                }
                _ => { button type="submit" name="status" value="active" { "Activate " (u.username) } }
            }
        }
        p { a href="/admin/users" { "← All users" } }
    }
}

async fn load<S: Storage + Clone>(
    st: &AppState<S>,
    a: &Admin,
    username: &str,
) -> Result<(UserView, Option<InvitationView>), CoreError> {
    let name = Username::parse(username).map_err(|_| CoreError::not_found("user", username))?;
    let user = st.dir.get_user(&a.actor, &a.slug, &name).await?;
    let invitation = st.dir.invitation_of(&a.actor, &a.slug, &name).await?;
    Ok((user, invitation))
}

/// `GET /admin/users/{username}`.
pub async fn show<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    a: Admin,
    Path(username): Path<String>,
    query: Result<Query<ShowQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let Query(q) = query.unwrap_or_default();
    match load(&st, &a, &username).await {
        Ok(u) => {
            let notice = if q.created.is_some() {
                Some("The user was added.")
            } else if let Some(i) = &q.invitation {
                Some(if i == "revoked" {
                    "The invitation was revoked: its link no longer works."
                } else {
                    "A new invitation was mailed; the earlier link no longer works."
                })
            } else if let Some(e) = &q.email {
                Some(match e.as_str() {
                    "resent" => "A new confirmation link was mailed to the new address.",
                    "cancelled" => "The change of address was cancelled.",
                    _ => {
                        "Saved. A confirmation link was mailed to the new address (and a notice \
                         to the current one): the user keeps the current address until the link \
                         is opened."
                    }
                })
            } else if q.saved.is_some() {
                Some("Saved.")
            } else if q.reset.is_some() {
                Some("A password-reset link was mailed to the user.")
            } else {
                None
            };
            let body = user_page(&a, &u, &ContactForm::of(&u.0), notice, None);
            frame(
                &st,
                a.chrome(),
                StatusCode::OK,
                u.0.username.as_str(),
                "/admin/users",
                body,
            )
        }
        Err(e) => failure(&st, a.chrome(), &e, ("/admin/users", "All users")),
    }
}

/// `POST /admin/users/{username}`: saves the details.
pub async fn update<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    headers: HeaderMap,
    a: Admin,
    Path(username): Path<String>,
    body: Result<Form<ContactForm>, FormRejection>,
) -> Response {
    let f = body.map(|Form(f)| f).unwrap_or_default();
    let user = match load(&st, &a, &username).await {
        Ok(u) => u,
        Err(e) => {
            return failure(&st, a.chrome(), &e, ("/admin/users", "All users"));
        }
    };
    let result = if form_allowed(&st, &headers, &f.csrf) {
        match f.patch() {
            Ok(p) => {
                let asked = p.email.clone();
                st.dir
                    .update_user(&a.actor, &a.slug, &user.0.username, p)
                    .await
                    .map(|u| {
                        let current = u.contact.as_ref().map(|c| &c.email);
                        let pending = asked.is_some() && asked.as_ref() != current;
                        (u, pending)
                    })
            }
            Err(e) => Err(e),
        }
    } else {
        Err(expired())
    };
    match result {
        Ok((u, true)) => {
            Redirect::to(&format!("/admin/users/{}?email=sent", u.username)).into_response()
        }
        Ok((u, false)) => {
            Redirect::to(&format!("/admin/users/{}?saved=1", u.username)).into_response()
        }
        Err(e) => {
            let err = as_field(&e);
            let body = user_page(&a, &user, &f, None, Some(&err));
            frame(
                &st,
                a.chrome(),
                status_of(&e),
                user.0.username.as_str(),
                "/admin/users",
                body,
            )
        }
    }
}

/// The status form's fields.
#[derive(Debug, Deserialize, Default)]
pub struct StatusForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    status: String,
}

/// `POST /admin/users/{username}/status`: suspends or activates.
pub async fn status<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    headers: HeaderMap,
    a: Admin,
    Path(username): Path<String>,
    body: Result<Form<StatusForm>, FormRejection>,
) -> Response {
    let f = body.map(|Form(f)| f).unwrap_or_default();
    let result = async {
        if !form_allowed(&st, &headers, &f.csrf) {
            return Err(expired());
        }
        let name =
            Username::parse(&username).map_err(|_| CoreError::not_found("user", &username))?;
        let status = UserStatus::parse(&f.status)?;
        st.dir
            .update_user(
                &a.actor,
                &a.slug,
                &name,
                UserPatch {
                    status: Some(status),
                    ..UserPatch::default()
                },
            )
            .await
    }
    .await;
    match result {
        Ok(u) => Redirect::to(&format!("/admin/users/{}?saved=1", u.username)).into_response(),
        Err(e) => failure(&st, a.chrome(), &e, ("/admin/users", "All users")),
    }
}

/// `POST /admin/users/{username}/reset`: mails the user a password-reset link.
pub async fn reset<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    headers: HeaderMap,
    a: Admin,
    Path(username): Path<String>,
    body: Result<Form<StatusForm>, FormRejection>,
) -> Response {
    let f = body.map(|Form(f)| f).unwrap_or_default();
    let result = async {
        if !form_allowed(&st, &headers, &f.csrf) {
            return Err(expired());
        }
        let name =
            Username::parse(&username).map_err(|_| CoreError::not_found("user", &username))?;
        st.dir
            .send_password_reset(&a.actor, &a.slug, &name)
            .await
            .map(|()| name)
    }
    .await;
    match result {
        Ok(u) => Redirect::to(&format!("/admin/users/{u}?reset=1")).into_response(),
        Err(e) => failure(&st, a.chrome(), &e, ("/admin/users", "All users")),
    }
}

/// `POST /admin/users/{username}/invitation`: mails the invitation again, or revokes it.
pub async fn invitation<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    headers: HeaderMap,
    a: Admin,
    Path(username): Path<String>,
    body: Result<Form<InvitationForm>, FormRejection>,
) -> Response {
    let f = body.map(|Form(f)| f).unwrap_or_default();
    let result = async {
        if !form_allowed(&st, &headers, &f.csrf) {
            return Err(expired());
        }
        let name =
            Username::parse(&username).map_err(|_| CoreError::not_found("user", &username))?;
        match f.action.as_str() {
            "resend" => st
                .dir
                .resend_invitation(&a.actor, &a.slug, &name)
                .await
                .map(|_| (name, "sent")),
            "revoke" => st
                .dir
                .revoke_invitation(&a.actor, &a.slug, &name)
                .await
                .map(|()| (name, "revoked")),
            _ => Err(CoreError::invalid("action", "expected resend or revoke")),
        }
    }
    .await;
    match result {
        Ok((u, d)) => Redirect::to(&format!("/admin/users/{u}?invitation={d}")).into_response(),
        Err(e) => failure(&st, a.chrome(), &e, ("/admin/users", "All users")),
    }
}

/// `POST /admin/users/{username}/email`: mails the pending address's link again, or cancels
/// the change.
pub async fn email<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    headers: HeaderMap,
    a: Admin,
    Path(username): Path<String>,
    body: Result<Form<InvitationForm>, FormRejection>,
) -> Response {
    let f = body.map(|Form(f)| f).unwrap_or_default();
    let result = async {
        if !form_allowed(&st, &headers, &f.csrf) {
            return Err(expired());
        }
        let name =
            Username::parse(&username).map_err(|_| CoreError::not_found("user", &username))?;
        match f.action.as_str() {
            "resend" => st
                .dir
                .resend_email_change(&a.actor, &a.slug, &name)
                .await
                .map(|_| (name, "resent")),
            "cancel" => st
                .dir
                .cancel_email_change(&a.actor, &a.slug, &name)
                .await
                .map(|()| (name, "cancelled")),
            _ => Err(CoreError::invalid("action", "expected resend or cancel")),
        }
    }
    .await;
    match result {
        Ok((u, d)) => Redirect::to(&format!("/admin/users/{u}?email={d}")).into_response(),
        Err(e) => failure(&st, a.chrome(), &e, ("/admin/users", "All users")),
    }
}

/// The invitation (and pending address) buttons' form.
#[derive(Debug, Deserialize, Default)]
pub struct InvitationForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    action: String,
}
