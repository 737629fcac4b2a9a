//! The operator console: the people who run the deployment create organizations (with their
//! first administrator, who is mailed an invitation, so the org can be handed over at once),
//! change plans, suspend and resume organizations, and add support agents and operators,
//! whose token is shown once; they keep the breach register and the sub-processor register
//! and see what the privacy pages say about the deployment. Operators see no customer personal
//! data here: the lists show organizations, staff and the provider's own records only, and
//! the core enforces it.

mod breaches;
mod org;
mod orgs;
mod privacy;
mod staff;

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
use skydir_core::ports::Storage;

/// The console's routes.
pub fn router<S: Storage + Clone>() -> Table<S> {
    Table::new()
        .route(
            "/operator",
            get(|| async { Redirect::to("/operator/orgs") }),
        )
        .route(
            "/operator/orgs",
            get(orgs::list::<S>).post(orgs::create::<S>),
        )
        .route("/operator/orgs/{slug}", get(org::show::<S>))
        .route(
            "/operator/orgs/{slug}/invitation",
            post(org::invitation::<S>),
        )
        .route(
            "/operator/orgs/{slug}/suspension",
            post(org::suspension::<S>),
        )
        .route("/operator/orgs/{slug}/plan", post(org::plan::<S>))
        .route(
            "/operator/staff",
            get(staff::list::<S>).post(staff::create::<S>),
        )
        .route(
            "/operator/breaches",
            get(breaches::list::<S>).post(breaches::create::<S>),
        )
        .route(
            "/operator/breaches/{id}",
            get(breaches::show::<S>).post(breaches::act::<S>),
        )
        .route(
            "/operator/privacy",
            get(privacy::show::<S>).post(privacy::act::<S>),
        )
}

/// A signed-in operator and the page's CSRF token.
pub(crate) struct Operator {
    pub actor: Actor,
    pub csrf: String,
}

/// The signed-in operator, or the staff sign-in.
pub(crate) async fn operator<S: Storage + Clone>(
    st: &AppState<S>,
    headers: &HeaderMap,
) -> Result<Operator, Response> {
    match signed_in(st, headers).await {
        Some((actor @ Actor::Operator { .. }, _)) => Ok(Operator {
            actor,
            csrf: csrf(st, headers).token,
        }),
        Some((Actor::SupportAgent { .. }, _)) => Err(Redirect::to("/desk").into_response()),
        _ => Err(Redirect::to("/staff/login").into_response()),
    }
}

impl Operator {
    /// The frame of this area's pages for the signed-in person.
    pub fn chrome(&self) -> Chrome<'_> {
        Chrome {
            area: Area::Operator,
            actor: &self.actor,
            csrf: &self.csrf,
        }
    }
}

/// A handler that takes `Operator` runs only for a signed-in operator; anyone else is redirected.
impl<S: Storage + Clone> FromRequestParts<AppState<S>> for Operator {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, st: &AppState<S>) -> Result<Self, Response> {
        operator(st, &parts.headers).await
    }
}
