//! The admin console: an organization's administrators manage their directory in a browser —
//! the org at a glance, users, groups and nested membership, systems, resources and who is
//! granted them, LDAP service accounts, privacy duties and the audit log — through the same core services
//! as the REST API, as the signed-in admin. A signed-in person who is not an admin of an org
//! is sent to the portal; nobody else gets past the login.

mod audit;
mod groups;
mod ldap_accounts;
mod overview;
mod privacy;
mod resources;
mod systems;
mod users;

use crate::AppState;
use crate::pages::csrf::csrf;
use crate::pages::session::signed_in;
use crate::pages::shell::{Area, Chrome};
use crate::table::Table;
use axum::extract::FromRequestParts;
use axum::http::HeaderMap;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use skydir_core::access::Actor;
use skydir_core::directory::OrgSlug;
use skydir_core::ports::Storage;

/// The console's routes.
pub fn router<S: Storage + Clone>() -> Table<S> {
    Table::new()
        .route("/admin", get(overview::show::<S>))
        .route("/admin/users", get(users::list::<S>))
        .route(
            "/admin/users/new",
            get(users::new::<S>).post(users::create::<S>),
        )
        .route(
            "/admin/users/{username}",
            get(users::show::<S>).post(users::update::<S>),
        )
        .route("/admin/users/{username}/status", post(users::status::<S>))
        .route("/admin/users/{username}/reset", post(users::reset::<S>))
        .route("/admin/users/{username}/email", post(users::email::<S>))
        .route(
            "/admin/users/{username}/invitation",
            post(users::invitation::<S>),
        )
        .route(
            "/admin/groups",
            get(groups::list::<S>).post(groups::create::<S>),
        )
        .route("/admin/groups/{name}", get(groups::show::<S>))
        .route(
            "/admin/systems",
            get(systems::list::<S>).post(systems::create::<S>),
        )
        .route(
            "/admin/ldap-accounts",
            get(ldap_accounts::list::<S>).post(ldap_accounts::change::<S>),
        )
        .route("/admin/audit", get(audit::show::<S>))
        .route(
            "/admin/resources",
            get(resources::show::<S>).post(resources::act::<S>),
        )
        .route(
            "/admin/privacy",
            get(privacy::show::<S>).post(privacy::act::<S>),
        )
        .route("/admin/groups/{name}/members", post(groups::add::<S>))
        .route(
            "/admin/groups/{name}/members/remove",
            post(groups::remove::<S>),
        )
}

/// A signed-in org admin: who, their org's slug and the page's CSRF token.
pub(crate) struct Admin {
    pub actor: Actor,
    pub slug: OrgSlug,
    pub csrf: String,
}

/// The signed-in admin, or where to send the browser instead: the login without a session,
/// the portal for a person who is not an admin.
pub(crate) async fn admin<S: Storage + Clone>(
    st: &AppState<S>,
    headers: &HeaderMap,
) -> Result<Admin, Response> {
    let to_login = || Redirect::to("/portal/login").into_response();
    let (actor, _) = signed_in(st, headers).await.ok_or_else(to_login)?;
    let org = match actor {
        Actor::OrgAdmin { org, .. } => org,
        Actor::User { .. } => return Err(Redirect::to("/portal/profile").into_response()),
        _ => return Err(to_login()),
    };
    let slug = match st.dir.store().org_by_id(org).await {
        Ok(Some(o)) => o.slug,
        _ => return Err(to_login()),
    };
    Ok(Admin {
        actor,
        slug,
        csrf: csrf(st, headers).token,
    })
}

impl Admin {
    /// The frame of this area's pages for the signed-in person.
    pub fn chrome(&self) -> Chrome<'_> {
        Chrome {
            area: Area::Admin,
            actor: &self.actor,
            csrf: &self.csrf,
        }
    }
}

/// A handler that takes `Admin` runs only for a signed-in admin; anyone else is redirected.
impl<S: Storage + Clone> FromRequestParts<AppState<S>> for Admin {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, st: &AppState<S>) -> Result<Self, Response> {
        admin(st, &parts.headers).await
    }
}
