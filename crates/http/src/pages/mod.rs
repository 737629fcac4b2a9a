//! Server-rendered HTML pages (maud, escaped by construction): the public knowledge base and
//! privacy pages, the confirmation pages of verified requests and org deletions, and the three
//! signed-in areas — the self-service portal (`/portal`), the admin console (`/admin`) and the
//! agent workspace (`/desk`, signed in at `/staff/login`). Pages work without JavaScript and load nothing from elsewhere; a strict
//! Content-Security-Policy says so to the browser. Pages are not API routes, so they are not in
//! the OpenAPI document.

pub(crate) mod access_report;
mod admin;
mod contact;
pub(crate) mod csrf;
mod data_request;
mod desk;
mod kb;
pub(crate) mod layout;
mod operator;
mod org_deletion;
pub(crate) mod portal;
mod privacy;
mod privacy_statement;
pub(crate) mod session;
pub(crate) mod shell;
mod two_step;
mod verify;

use crate::table::Table;
use axum::http::{HeaderValue, header};
use axum::response::IntoResponse;
use axum::routing::get;
use skydir_core::ports::Storage;

/// The stylesheet every page links.
const SITE_CSS: &str = include_str!("../../assets/site.css");
/// The ticket form's article suggestions.
const SUGGEST_JS: &str = include_str!("../../assets/suggest.js");

/// The pages' routes (a table: tests walk every page).
pub fn router<S: Storage + Clone>() -> Table<S> {
    Table::new()
        .route("/kb", get(kb::index::<S>))
        .route("/kb/{slug}", get(kb::article::<S>))
        .route(
            "/verify/{token}",
            get(verify::show::<S>).post(verify::decide::<S>),
        )
        .route(
            "/org-deletion/{token}",
            get(org_deletion::show::<S>).post(org_deletion::confirm::<S>),
        )
        .route("/privacy", get(privacy_statement::show::<S>))
        .route(
            "/privacy/request",
            get(data_request::new::<S>).post(data_request::submit::<S>),
        )
        .route(
            "/privacy/request/confirm/{token}",
            get(data_request::confirm_page::<S>).post(data_request::confirm::<S>),
        )
        .route("/privacy/subprocessors", get(privacy::subprocessors::<S>))
        .route("/privacy/subprocessors.rss", get(privacy::feed::<S>))
        .route("/privacy/dpa", get(privacy::dpa::<S>))
        .route("/assets/site.css", get(css))
        .route("/assets/suggest.js", get(js))
        .merge(portal::router::<S>())
        .merge(admin::router::<S>())
        .merge(desk::router::<S>())
        .merge(operator::router::<S>())
}

async fn js() -> impl IntoResponse {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/javascript; charset=utf-8"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=3600"),
            ),
        ],
        SUGGEST_JS,
    )
}

async fn css() -> impl IntoResponse {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/css; charset=utf-8"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=3600"),
            ),
        ],
        SITE_CSS,
    )
}
