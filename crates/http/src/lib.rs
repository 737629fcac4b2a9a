//! skydir-http: the REST API (`/api/v1`, with its OpenAPI document), the web console and public
//! pages, health endpoints, and the Prometheus endpoint's own router ([`metrics_router`], served
//! by the server on a separate listener). Handlers parse the wire format into core types, call
//! one core service with the caller's [`Actor`](skydir_core::access::Actor), and map the result
//! or the typed error back; no rule is decided here.

mod caller;
mod drain;
mod gate;
mod headers;
mod observe;
mod openapi;
mod page;
mod pages;
mod problem;
mod routes;
mod scrape;
mod table;

pub use caller::Caller;
pub use gate::{Gate, TrustedProxies};
pub use pages::csrf::CsrfKey;
pub use problem::{ApiError, Problem};

/// The console's session cookie (`__Host-` prefixed: host-only, `Secure`, `Path=/`).
pub const SESSION_COOKIE: &str = pages::session::SESSION;
/// The cookie holding the random value the console's pre-login forms are bound to.
pub const PRE_SESSION_COOKIE: &str = pages::session::CSRF;

use axum::Router;
use skydir_core::ports::{BoxFuture, Storage};
use skydir_core::service::Directory;
use std::sync::Arc;

/// Largest request body accepted (JSON bodies are small; imports go through the CLI).
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// Largest body of the routes that carry files: tickets and replies with base64 attachments
/// (25 MiB of files grow by a third), and raw inbound mail.
pub const MAX_UPLOAD_BYTES: usize = 40 * 1024 * 1024;

/// Readiness probe supplied by the server (e.g. a database ping).
pub type ReadyCheck = Arc<dyn Fn() -> BoxFuture<'static, bool> + Send + Sync>;

/// Why a raw message could not be read as mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unreadable {
    /// Larger than the reader accepts.
    TooLarge,
    /// Not a mail message; the reason, for the sender of the request.
    NotMail(String),
}

/// Reads one raw RFC 5322 message (supplied by the server: `skydir-mail`'s parser), so the
/// HTTP front end depends on the core alone.
pub type MailReader =
    Arc<dyn Fn(&[u8]) -> Result<skydir_core::support::InboundMail, Unreadable> + Send + Sync>;

/// What every handler can reach.
pub struct AppState<S> {
    pub dir: Directory<S>,
    pub ready: ReadyCheck,
    /// The deployment's key for the console's CSRF tokens (the same in every process).
    pub csrf_key: CsrfKey,
    /// The LDAP suffix (`dc=skydir`), to tell API clients their service accounts' bind DNs.
    pub ldap_suffix: String,
    /// Reads raw inbound mail for `POST /api/v1/mail/inbound`.
    pub read_mail: MailReader,
    /// The rate limits in front of every route.
    pub gate: Gate,
}

impl<S: Clone> Clone for AppState<S> {
    fn clone(&self) -> Self {
        Self {
            dir: self.dir.clone(),
            ready: self.ready.clone(),
            csrf_key: self.csrf_key.clone(),
            ldap_suffix: self.ldap_suffix.clone(),
            read_mail: self.read_mail.clone(),
            gate: self.gate.clone(),
        }
    }
}

impl<S> std::fmt::Debug for AppState<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AppState")
    }
}

/// Every path the application routes (as written in the route table, e.g.
/// `/api/v1/orgs/{org}`): what the OpenAPI document must describe.
pub fn routed_paths<S: Storage + Clone>() -> Vec<&'static str> {
    routes::all::<S>().paths
}

/// The route templates whose writes spend the failed-sign-in budget and the strict budget
/// (the test kit holds them to the route tables).
pub fn throttled_doors() -> (&'static [&'static str], &'static [&'static str]) {
    (gate::doors::SIGN_IN, gate::doors::STRICT)
}

/// Every path of the web console and the public pages (e.g. `/admin/users/{username}`): the
/// doors the staff-policy matrix walks besides the API's.
pub fn page_paths<S: Storage + Clone>() -> Vec<&'static str> {
    pages::router::<S>().paths
}

/// The complete HTTP application.
pub fn router<S: Storage + Clone>(state: AppState<S>) -> Router {
    let gate = state.gate.clone();
    routes::all::<S>()
        .router
        .merge(pages::router::<S>().router)
        .fallback(routes::not_found)
        .layer(axum::middleware::from_fn_with_state(gate, gate::guard))
        .layer(axum::middleware::from_fn(observe::observe))
        .layer(axum::middleware::from_fn(headers::secure))
        .layer(axum::middleware::from_fn(drain::drain_unread))
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(state)
}

/// The Prometheus endpoint (`GET /metrics`) on its own, for a listener apart from the
/// application's (see the `scrape` module for why).
pub fn metrics_router(handle: metrics_exporter_prometheus::PrometheusHandle) -> Router {
    scrape::router(handle)
}
