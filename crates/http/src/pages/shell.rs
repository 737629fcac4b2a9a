//! The frame of the signed-in areas — self-service portal, admin console, agent workspace: the
//! area's navigation (with the current page marked for screen readers), a logout button that is
//! a CSRF-protected form, `Cache-Control: no-store` (signed-in pages hold personal data), and
//! the one error page every area shows when a core service says no. Which links appear is
//! cosmetic: every page asks the core, which decides.

use crate::AppState;
use crate::pages::layout::{page, respond};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use maud::{Markup, html};
use skydir_core::CoreError;
use skydir_core::access::Actor;
use skydir_core::ports::Storage;

/// Which signed-in area a page belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Area {
    /// `/portal`: every person of an organization, for themself (and admins' tickets).
    Portal,
    /// `/admin`: an organization's administrators.
    Admin,
    /// `/desk`: the provider's support agents.
    Desk,
    /// `/operator`: the people who run the deployment.
    Operator,
}

impl Area {
    fn links(self, actor: &Actor) -> Vec<(&'static str, &'static str)> {
        match self {
            Area::Admin => vec![
                ("/admin", "Overview"),
                ("/admin/users", "Users"),
                ("/admin/groups", "Groups"),
                ("/admin/systems", "Systems"),
                ("/admin/resources", "Resources"),
                ("/admin/ldap-accounts", "LDAP accounts"),
                ("/admin/privacy", "Privacy"),
                ("/admin/audit", "Audit log"),
                ("/portal/tokens", "API tokens"),
                ("/portal/tickets", "Support tickets"),
                ("/portal/profile", "My account"),
            ],
            Area::Portal => {
                let mut v = vec![
                    ("/portal/profile", "My account"),
                    ("/portal/my-data", "My data"),
                    ("/portal/tokens", "API tokens"),
                    ("/portal/tickets", "Support"),
                ];
                if matches!(actor, Actor::OrgAdmin { .. }) {
                    v.push(("/portal/tickets/new", "New ticket"));
                    v.push(("/admin", "Admin console"));
                }
                v
            }
            Area::Desk if matches!(actor, Actor::Operator { .. }) => vec![
                ("/operator/orgs", "Organizations"),
                ("/operator/staff", "Staff"),
                ("/operator/breaches", "Breaches"),
                ("/operator/privacy", "Data protection"),
                ("/desk", "Support queue"),
                ("/staff/account", "My account"),
            ],
            Area::Desk => vec![
                ("/desk", "Queue"),
                ("/desk/macros", "Macros"),
                ("/desk/kb", "Knowledge Base"),
                ("/staff/account", "My account"),
            ],
            Area::Operator => vec![
                ("/operator/orgs", "Organizations"),
                ("/operator/staff", "Staff"),
                ("/operator/breaches", "Breaches"),
                ("/operator/privacy", "Data protection"),
                ("/desk", "Support queue"),
                ("/staff/account", "My account"),
            ],
        }
    }

    fn logout(self) -> &'static str {
        match self {
            Area::Desk | Area::Operator => "/staff/logout",
            Area::Portal | Area::Admin => "/portal/logout",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Area::Portal => "Portal",
            Area::Admin => "Admin console",
            Area::Desk => "Agent workspace",
            Area::Operator => "Operator console",
        }
    }
}

/// Who a signed-in page is for: the area, the signed-in actor and the page's CSRF token (the
/// logout form carries it).
#[derive(Debug, Clone, Copy)]
pub struct Chrome<'a> {
    pub area: Area,
    pub actor: &'a Actor,
    pub csrf: &'a str,
}

/// A signed-in page: `body` under the area's navigation. `here` is the path of the current
/// page, marked `aria-current`.
pub fn frame<S: Storage + Clone>(
    st: &AppState<S>,
    chrome: Chrome<'_>,
    status: StatusCode,
    title: &str,
    here: &str,
    body: Markup,
) -> Response {
    let Chrome { area, actor, csrf } = chrome;
    let policy = st.dir.desk_policy().ok();
    let content = html! {
        nav.area aria-label=(area.label()) {
            @for (href, text) in area.links(actor) {
                a href=(href) aria-current=[(href == here).then_some("page")] { (text) }
            }
            form.inline method="post" action=(area.logout()) {
                input type="hidden" name="csrf" value=(csrf);
                button.link type="submit" { "Log out" }
            }
        }
        (body)
    };
    let mut resp = respond(status, page(title, policy.as_deref(), content));
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

/// The HTTP status for a core error shown on a page.
pub fn status_of(e: &CoreError) -> StatusCode {
    match e {
        CoreError::NotFound { .. } => StatusCode::NOT_FOUND,
        CoreError::Forbidden { .. } | CoreError::OrgSuspended => StatusCode::FORBIDDEN,
        CoreError::Conflict { .. } | CoreError::PlanLimit { .. } => StatusCode::CONFLICT,
        CoreError::Invalid { .. } => StatusCode::BAD_REQUEST,
        CoreError::Unauthenticated => StatusCode::UNAUTHORIZED,
        CoreError::LockedOut { .. } => StatusCode::TOO_MANY_REQUESTS,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// What a person is told about a core error: the error itself, except for failures on our
/// side, which are logged and not described.
pub fn message_of(e: &CoreError) -> String {
    match e {
        CoreError::Internal(_) => {
            tracing::error!(error = %e, "a page failed");
            "Something went wrong on our side; please try again.".to_string()
        }
        other => other.to_string(),
    }
}

/// The error page of an area, with a link `back` (href, text).
pub fn failure<S: Storage + Clone>(
    st: &AppState<S>,
    chrome: Chrome<'_>,
    e: &CoreError,
    back: (&str, &str),
) -> Response {
    frame(
        st,
        chrome,
        status_of(e),
        "Error",
        "",
        html! {
            h1 { "That did not work" }
            p.error role="alert" { (message_of(e)) }
            p { a href=(back.0) { (back.1) } }
        },
    )
}

/// The error for a form posted without a valid CSRF token (or from another site).
pub fn expired() -> CoreError {
    CoreError::forbidden("this form expired; please go back, reload the page and submit it again")
}

/// An error message next to the field it is about, for `aria-describedby="{id}-error"`.
pub fn field_error(error: Option<&(String, String)>, id: &str) -> Markup {
    html! {
        @if let Some((f, m)) = error {
            @if f == id || f.starts_with(&format!("{id}.")) || f.starts_with(&format!("{id}[")) {
                span.error id={ (id) "-error" } role="alert" { (m) }
            }
        }
    }
}

/// A form-level error (one not about any of `fields`).
pub fn form_error(error: Option<&(String, String)>, fields: &[&str]) -> Markup {
    html! {
        @if let Some((f, m)) = error {
            @if !fields.iter().any(|k| f == k || f.starts_with(&format!("{k}.")) || f.starts_with(&format!("{k}["))) {
                p.error role="alert" { (m) }
            }
        }
    }
}

/// A core error as `(field, message)` for the form that caused it.
pub fn as_field(e: &CoreError) -> (String, String) {
    match e {
        CoreError::Invalid { field, reason } => (field.clone(), reason.clone()),
        CoreError::Conflict { field, reason } => (field.clone(), reason.clone()),
        other => ("form".into(), message_of(other)),
    }
}
