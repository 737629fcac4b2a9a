//! The console's LDAP service accounts: the bind identities applications use to read the
//! directory (`cn=<name>,ou=services,o=<org>,dc=skydir`). An admin creates one with a password,
//! sets a new password, or deletes it; the password is never shown again.

use super::Admin;
use crate::AppState;
use crate::pages::csrf::form_allowed;
use crate::pages::shell::{as_field, expired, failure, field_error, form_error, frame, status_of};
use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;
use serde::Deserialize;
use skydir_core::CoreError;
use skydir_core::directory::Name;
use skydir_core::ports::Storage;
use skydir_core::secret::Secret;
use skydir_core::service::NewServiceAccount;

/// The account form: `action` is `create`, `password` or `delete`.
#[derive(Debug, Deserialize, Default)]
pub struct AccountForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    password: String,
}

/// The notice after a change.
#[derive(Debug, Deserialize, Default)]
pub struct Done {
    #[serde(default)]
    done: Option<String>,
}

async fn render<S: Storage + Clone>(
    st: &AppState<S>,
    a: &Admin,
    f: &AccountForm,
    notice: Option<&str>,
    error: Option<&(String, String)>,
    status: StatusCode,
) -> Response {
    let accounts = match st.dir.list_service_accounts(&a.actor, &a.slug).await {
        Ok(v) => v,
        Err(e) => {
            return failure(st, a.chrome(), &e, ("/admin", "Overview"));
        }
    };
    let body = html! {
        h1 { "LDAP service accounts" }
        p.muted { "Applications bind with these to read your directory over LDAPS or StartTLS; they can read, never write." }
        @if let Some(n) = notice { p.notice role="status" { (n) } }
        @if accounts.is_empty() {
            div.empty { p { "No service accounts yet." } }
        } @else {
            table #accounts {
                tr { th scope="col" { "Name" } th scope="col" { "Bind DN" } th scope="col" { "Description" } th scope="col" { "Password set" } th scope="col" { "Delete" } }
                @for s in &accounts {
                    tr {
                        td { (s.name) }
                        td { code { "cn=" (s.name) ",ou=services,o=" (a.slug) ",dc=skydir" } }
                        td { (s.description) }
                        td { (s.password_set_at.strftime("%Y-%m-%d")) }
                        td {
                            form.inline method="post" action="/admin/ldap-accounts" {
                                input type="hidden" name="csrf" value=(a.csrf);
                                input type="hidden" name="action" value="delete";
                                input type="hidden" name="name" value=(s.name);
                                button.link type="submit" aria-label={ "Delete " (s.name) } { "Delete" }
                            }
                        }
                    }
                }
            }
        }
        h2 #new-account { "Create an account, or set a new password" }
        (form_error(error, &["name", "description", "password"]))
        form method="post" action="/admin/ldap-accounts" aria-labelledby="new-account" novalidate {
            input type="hidden" name="csrf" value=(a.csrf);
            p { label for="name" { "Name" } br; input #name name="name" required value=(f.name) aria-describedby="name-error"; (field_error(error, "name")) }
            p { label for="description" { "What it is for" } br; input #description name="description" value=(f.description) aria-describedby="description-error"; (field_error(error, "description")) }
            p { label for="password" { "Password" } br; input #password name="password" type="password" required autocomplete="new-password" aria-describedby="password-error"; (field_error(error, "password")) }
            p { button type="submit" name="action" value="create" { "Create the account" } " "
                button type="submit" name="action" value="password" { "Set a new password" } }
        }
    };
    frame(
        st,
        a.chrome(),
        status,
        "LDAP service accounts",
        "/admin/ldap-accounts",
        body,
    )
}

/// `GET /admin/ldap-accounts`.
pub async fn list<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    a: Admin,
    query: Result<Query<Done>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let Query(q) = query.unwrap_or_default();
    let notice = match q.done.as_deref() {
        Some("create") => Some("The account was created."),
        Some("password") => Some("The password was changed."),
        Some("delete") => Some("The account was deleted; it can no longer bind."),
        _ => None,
    };
    render(
        &st,
        &a,
        &AccountForm::default(),
        notice,
        None,
        StatusCode::OK,
    )
    .await
}

/// `POST /admin/ldap-accounts`.
pub async fn change<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    headers: HeaderMap,
    a: Admin,
    body: Result<Form<AccountForm>, FormRejection>,
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
        match f.action.as_str() {
            "create" => st
                .dir
                .create_service_account(
                    &a.actor,
                    &a.slug,
                    NewServiceAccount {
                        name,
                        description: f.description.trim().to_string(),
                        password: Secret::new(f.password.clone()),
                    },
                )
                .await
                .map(|_| ()),
            "password" => st
                .dir
                .set_service_password(&a.actor, &a.slug, &name, Secret::new(f.password.clone()))
                .await
                .map(|_| ()),
            "delete" => {
                st.dir
                    .delete_service_account(&a.actor, &a.slug, &name)
                    .await
            }
            other => Err(CoreError::invalid(
                "action",
                format!("'{other}' is not something this form does"),
            )),
        }
    }
    .await;
    match result {
        Ok(()) => Redirect::to(&format!("/admin/ldap-accounts?done={}", f.action)).into_response(),
        Err(e) => {
            let err = as_field(&e);
            let shown = AccountForm {
                password: String::new(),
                ..f
            };
            render(&st, &a, &shown, None, Some(&err), status_of(&e)).await
        }
    }
}
