//! The agent workspace: the provider's support agents sign in, work the queue (most urgent
//! first, with the business time left on each ticket's SLA), and answer tickets — public
//! replies, internal notes, macros, status, assignment — through the same core services as the
//! REST API. Staff hold no passwords of any organization; they log in with a console password
//! of their own, or their staff token, for a 12-hour session (see `login`). What an agent may not do
//! (grant access, change membership, disclose) the core refuses here as everywhere.

mod account;
mod kb;
mod login;
mod macros;
mod queue;
mod ticket;

use crate::AppState;
use crate::pages::csrf::csrf;
use crate::pages::session::signed_in;
use crate::pages::shell::{Area, Chrome};
use crate::table::Table;
use axum::extract::DefaultBodyLimit;
use axum::extract::FromRequestParts;
use axum::http::HeaderMap;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use skydir_core::access::Actor;
use skydir_core::ports::Storage;

/// The workspace's routes.
pub fn router<S: Storage + Clone>() -> Table<S> {
    Table::new()
        .route(
            "/staff/login",
            get(login::form::<S>).post(login::submit::<S>),
        )
        .route("/staff/logout", post(login::logout::<S>))
        .route(
            "/staff/account",
            get(account::show::<S>).post(account::set_password::<S>),
        )
        .route("/staff/account/totp", post(account::totp_begin::<S>))
        .route(
            "/staff/account/totp/confirm",
            post(account::totp_confirm::<S>),
        )
        .route(
            "/staff/account/totp/remove",
            post(account::totp_remove::<S>),
        )
        .route("/desk", get(queue::show::<S>))
        .route("/desk/tickets/{id}", get(ticket::show::<S>))
        .route(
            "/desk/tickets/{id}/reply",
            post(ticket::reply::<S>).layer(DefaultBodyLimit::max(crate::MAX_UPLOAD_BYTES)),
        )
        .route("/desk/tickets/{id}/macro", post(ticket::use_macro::<S>))
        .route(
            "/desk/tickets/{id}/verifications",
            post(ticket::verify::<S>),
        )
        .route(
            "/desk/macros",
            get(macros::list::<S>).post(macros::change::<S>),
        )
        .route("/desk/kb", get(kb::list::<S>))
        .route("/desk/kb/new", get(kb::new::<S>).post(kb::create::<S>))
        .route("/desk/kb/{slug}", get(kb::edit::<S>).post(kb::update::<S>))
        .route("/desk/tickets/{id}/update", post(ticket::update::<S>))
        .route(
            "/desk/tickets/{id}/attachments/{attachment}",
            get(ticket::attachment::<S>),
        )
}

/// A signed-in staff member and the page's CSRF token.
pub(crate) struct Agent {
    pub actor: Actor,
    pub csrf: String,
}

/// The signed-in staff member, or a redirect to the staff sign-in.
pub(crate) async fn agent<S: Storage + Clone>(
    st: &AppState<S>,
    headers: &HeaderMap,
) -> Result<Agent, Response> {
    match signed_in(st, headers).await {
        Some((actor @ (Actor::SupportAgent { .. } | Actor::Operator { .. }), _)) => Ok(Agent {
            actor,
            csrf: csrf(st, headers).token,
        }),
        _ => Err(Redirect::to("/staff/login").into_response()),
    }
}

impl Agent {
    /// The frame of this area's pages for the signed-in person.
    pub fn chrome(&self) -> Chrome<'_> {
        Chrome {
            area: Area::Desk,
            actor: &self.actor,
            csrf: &self.csrf,
        }
    }
}

/// A handler that takes `Agent` runs only for a signed-in agent; anyone else is redirected.
impl<S: Storage + Clone> FromRequestParts<AppState<S>> for Agent {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, st: &AppState<S>) -> Result<Self, Response> {
        agent(st, &parts.headers).await
    }
}
