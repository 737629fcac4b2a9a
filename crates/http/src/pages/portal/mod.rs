//! The self-service portal: log in, open tickets, follow and answer them, and read or download
//! everything held about oneself ("My data", the GDPR access report). The
//! portal is a third door to the same desk: it calls the same core services as the REST API
//! and mail, as the logged-in user.

mod email;
mod forgot;
mod login;
mod my_data;
pub(crate) mod profile;
mod reset;
pub(crate) mod tickets;
mod tokens;

use crate::AppState;
use crate::pages::csrf::csrf;
use crate::pages::session::actor;
use crate::table::Table;
use axum::extract::{DefaultBodyLimit, FromRequestParts};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use skydir_core::access::Actor;
use skydir_core::directory::OrgSlug;
use skydir_core::ports::Storage;

/// A signed-in person of an organization with their org's slug and the page's CSRF token —
/// all the tickets, "my data" and token pages need of them (lighter than the profile's `Me`, which
/// opens the person's own record).
pub(crate) struct Member {
    pub actor: Actor,
    pub slug: OrgSlug,
    pub csrf: String,
}

/// A handler that takes `Member` runs only for a signed-in person of an organization; anyone
/// else is sent to the login.
impl<S: Storage + Clone> FromRequestParts<AppState<S>> for Member {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, st: &AppState<S>) -> Result<Self, Response> {
        let to_login = || Redirect::to("/portal/login").into_response();
        let (actor, _) = actor(st, &parts.headers).await.ok_or_else(to_login)?;
        let org = actor.org().ok_or_else(to_login)?;
        let Ok(Some(org)) = st.dir.store().org_by_id(org).await else {
            return Err(to_login());
        };
        Ok(Member {
            actor,
            slug: org.slug,
            csrf: csrf(st, &parts.headers).token,
        })
    }
}

/// The portal's routes.
pub fn router<S: Storage + Clone>() -> Table<S> {
    let uploads = || DefaultBodyLimit::max(crate::MAX_UPLOAD_BYTES);
    Table::new()
        .route("/portal", get(|| async { Redirect::to("/portal/profile") }))
        .route(
            "/portal/login",
            get(login::form::<S>).post(login::submit::<S>),
        )
        .route("/portal/logout", post(login::logout::<S>))
        .route(
            "/portal/forgot",
            get(forgot::form::<S>).post(forgot::submit::<S>),
        )
        .route(
            "/portal/reset/{token}",
            get(reset::form::<S>).post(reset::submit::<S>),
        )
        .route(
            "/portal/invitation/{token}",
            get(reset::form::<S>).post(reset::submit::<S>),
        )
        .route(
            "/portal/email/{token}",
            get(email::form::<S>).post(email::confirm::<S>),
        )
        .route("/portal/tickets", get(tickets::list::<S>))
        .route(
            "/portal/profile",
            get(profile::show::<S>).post(profile::details::<S>),
        )
        .route("/portal/profile/password", post(profile::password::<S>))
        .route("/portal/profile/email", post(email::pending::<S>))
        .route("/portal/profile/totp", post(profile::totp_begin::<S>))
        .route(
            "/portal/profile/totp/confirm",
            post(profile::totp_confirm::<S>),
        )
        .route(
            "/portal/profile/totp/remove",
            post(profile::totp_remove::<S>),
        )
        .route("/portal/profile/erasure", post(profile::erasure::<S>))
        .route(
            "/portal/tokens",
            get(tokens::list::<S>).post(tokens::create::<S>),
        )
        .route("/portal/tokens/revoke", post(tokens::revoke::<S>))
        .route("/portal/my-data", get(my_data::show::<S>))
        .route("/portal/my-data.json", get(my_data::download::<S>))
        .route(
            "/portal/tickets/new",
            get(tickets::new::<S>)
                .post(tickets::create::<S>)
                .layer(uploads()),
        )
        .route("/portal/tickets/{id}", get(tickets::show::<S>))
        .route(
            "/portal/tickets/{id}/reply",
            post(tickets::reply::<S>).layer(uploads()),
        )
        .route("/portal/tickets/{id}/status", post(tickets::status::<S>))
        .route("/portal/tickets/{id}/rating", post(tickets::rate::<S>))
        .route(
            "/portal/tickets/{id}/attachments/{attachment}",
            get(tickets::attachment::<S>),
        )
}
