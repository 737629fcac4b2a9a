//! The self-service portal: log in, open tickets, follow and answer them, and read or download
//! everything held about oneself ("My data", the GDPR access report). The
//! portal is a third door to the same desk: it calls the same core services as the REST API
//! and mail, as the logged-in user.

mod forgot;
mod login;
mod my_data;
pub(crate) mod profile;
mod reset;
pub(crate) mod tickets;
mod tokens;

use crate::AppState;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::response::Redirect;
use axum::routing::{get, post};
use skydir_core::ports::Storage;

/// The portal's routes.
pub fn router<S: Storage + Clone>() -> Router<AppState<S>> {
    let uploads = || DefaultBodyLimit::max(crate::MAX_UPLOAD_BYTES);
    Router::new()
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
        .route("/portal/tickets", get(tickets::list::<S>))
        .route(
            "/portal/profile",
            get(profile::show::<S>).post(profile::details::<S>),
        )
        .route("/portal/profile/password", post(profile::password::<S>))
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
