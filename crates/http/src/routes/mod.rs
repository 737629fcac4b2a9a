//! The route table. Each file holds one resource's handlers and wire types.

pub mod admins;
pub mod audit;
pub mod bindings;
pub mod breaches;
pub mod data_export;
pub mod data_requests;
pub mod email_change;
pub mod erasure;
pub mod groups;
pub mod health;
pub mod invitations;
pub mod kb;
pub mod ldap_accounts;
pub mod mail;
pub mod me;
pub mod my_tokens;
pub mod org_deletion;
pub mod orgs;
pub mod privacy;
pub mod resources;
pub mod retention;
pub mod session;
pub mod staff;
pub mod support;
pub mod systems;
pub mod ticket_wire;
pub mod tickets;
pub mod users;
pub mod verify;

use crate::problem::ApiError;
use crate::table::Table;
use axum::extract::DefaultBodyLimit;
use axum::routing::{delete, get, patch, post, put};
use skydir_core::CoreError;
use skydir_core::directory::{Name, OrgSlug, Username};
use skydir_core::ports::Storage;

/// Every route of the API: the router plus the list of its paths, so a test can hold the
/// OpenAPI document and the served routes to each other in both directions.
pub fn all<S: Storage + Clone>() -> Table<S> {
    Table::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz::<S>))
        .route("/api/v1/openapi.json", get(crate::openapi::document))
        .route("/api/v1/auth/login", post(session::login::<S>))
        .route("/api/v1/auth/password", post(session::set_password::<S>))
        .route("/api/v1/auth/email", post(email_change::confirm::<S>))
        .route(
            "/api/v1/me/totp",
            post(me::begin::<S>)
                .put(me::confirm::<S>)
                .delete(me::remove::<S>),
        )
        .route("/api/v1/me/data-export", get(data_export::mine::<S>))
        .route(
            "/api/v1/me/tokens",
            get(my_tokens::list::<S>).post(my_tokens::create::<S>),
        )
        .route("/api/v1/me/tokens/{id}", delete(my_tokens::revoke::<S>))
        .route("/api/v1/me/data-requests", post(data_requests::mine::<S>))
        .route(
            "/api/v1/privacy/data-requests",
            post(data_requests::public::<S>),
        )
        .route(
            "/api/v1/privacy/data-requests/verify",
            post(data_requests::verify::<S>),
        )
        .route(
            "/api/v1/orgs/{org}/data-requests",
            get(data_requests::list::<S>),
        )
        .route(
            "/api/v1/orgs/{org}/data-requests/{id}",
            get(data_requests::get::<S>),
        )
        .route(
            "/api/v1/orgs/{org}/data-requests/{id}/extend",
            post(data_requests::extend::<S>),
        )
        .route(
            "/api/v1/orgs/{org}/data-requests/{id}/complete",
            post(data_requests::complete::<S>),
        )
        .route(
            "/api/v1/orgs/{org}/data-requests/{id}/reject",
            post(data_requests::reject::<S>),
        )
        .route("/api/v1/orgs", get(orgs::list::<S>).post(orgs::create::<S>))
        .route(
            "/api/v1/orgs/{org}",
            get(orgs::get::<S>).patch(orgs::update::<S>),
        )
        .route(
            "/api/v1/orgs/{org}/users",
            get(users::list::<S>).post(users::create::<S>),
        )
        .route(
            "/api/v1/orgs/{org}/users/{username}",
            get(users::get::<S>)
                .patch(users::update::<S>)
                .delete(users::delete::<S>),
        )
        .route(
            "/api/v1/orgs/{org}/users/{username}/pending-email",
            post(email_change::resend::<S>).delete(email_change::cancel::<S>),
        )
        .route(
            "/api/v1/orgs/{org}/users/{username}/invitation",
            get(invitations::get::<S>)
                .post(invitations::resend::<S>)
                .delete(invitations::revoke::<S>),
        )
        .route(
            "/api/v1/orgs/{org}/suspension",
            put(orgs::suspend::<S>).delete(orgs::resume::<S>),
        )
        .route(
            "/api/v1/orgs/{org}/users/{username}/data-export",
            get(data_export::of_user::<S>),
        )
        .route(
            "/api/v1/orgs/{org}/users/{username}/erasure",
            post(erasure::request::<S>),
        )
        .route(
            "/api/v1/orgs/{org}/deletion",
            get(org_deletion::get::<S>)
                .post(org_deletion::request::<S>)
                .delete(org_deletion::cancel::<S>),
        )
        .route(
            "/api/v1/orgs/{org}/deletion/confirm",
            post(org_deletion::confirm::<S>),
        )
        .route(
            "/api/v1/org-deletions/confirmations",
            post(org_deletion::confirm_link::<S>),
        )
        .route("/api/v1/orgs/{org}/erasures", get(erasure::org_list::<S>))
        .route(
            "/api/v1/orgs/{org}/erasures/{id}",
            get(erasure::org_get::<S>),
        )
        .route(
            "/api/v1/orgs/{org}/erasures/{id}/certificate",
            get(erasure::certificate::<S>),
        )
        .route(
            "/api/v1/privacy/connectors",
            get(erasure::connectors::<S>).post(erasure::add_connector::<S>),
        )
        .route(
            "/api/v1/privacy/connectors/{slug}",
            patch(erasure::update_connector::<S>),
        )
        .route("/api/v1/privacy/erasures", get(erasure::all::<S>))
        .route(
            "/api/v1/breaches",
            get(breaches::list::<S>).post(breaches::create::<S>),
        )
        .route("/api/v1/breaches/{id}", get(breaches::get::<S>))
        .route(
            "/api/v1/breaches/{id}/notifications",
            post(breaches::notify::<S>),
        )
        .route(
            "/api/v1/breaches/{id}/authority-draft",
            get(breaches::authority_draft::<S>),
        )
        .route(
            "/api/v1/breaches/{id}/authority-notified",
            post(breaches::authority_notified::<S>),
        )
        .route(
            "/api/v1/privacy/erasures/{id}/confirmations",
            post(erasure::confirm::<S>),
        )
        .route(
            "/api/v1/privacy/erasures/{id}/connectors/{connector}/resolve",
            post(erasure::resolve::<S>),
        )
        .route(
            "/api/v1/privacy/erasures/{id}/connectors/{connector}/retry",
            post(erasure::retry::<S>),
        )
        .route(
            "/api/v1/orgs/{org}/users/{username}/password",
            put(users::change_password::<S>),
        )
        .route("/api/v1/orgs/{org}/admins", get(admins::list::<S>))
        .route(
            "/api/v1/orgs/{org}/admins/{username}",
            put(admins::grant::<S>).delete(admins::revoke::<S>),
        )
        .route(
            "/api/v1/orgs/{org}/groups",
            get(groups::list::<S>).post(groups::create::<S>),
        )
        .route(
            "/api/v1/orgs/{org}/groups/{name}",
            get(groups::get::<S>)
                .patch(groups::update::<S>)
                .delete(groups::delete::<S>),
        )
        .route(
            "/api/v1/orgs/{org}/groups/{name}/members/users/{username}",
            put(groups::add_user::<S>).delete(groups::remove_user::<S>),
        )
        .route(
            "/api/v1/orgs/{org}/groups/{name}/members/groups/{child}",
            put(groups::add_group::<S>).delete(groups::remove_group::<S>),
        )
        .route(
            "/api/v1/orgs/{org}/systems",
            get(systems::list::<S>).post(systems::create::<S>),
        )
        .route(
            "/api/v1/orgs/{org}/systems/{hostname}",
            get(systems::get::<S>)
                .patch(systems::update::<S>)
                .delete(systems::delete::<S>),
        )
        .route(
            "/api/v1/orgs/{org}/resources",
            get(resources::list::<S>).post(resources::create::<S>),
        )
        .route(
            "/api/v1/orgs/{org}/resources/{name}",
            get(resources::get::<S>)
                .patch(resources::update::<S>)
                .delete(resources::delete::<S>),
        )
        .route(
            "/api/v1/orgs/{org}/bindings",
            get(bindings::list::<S>).post(bindings::create::<S>),
        )
        .route(
            "/api/v1/orgs/{org}/bindings/{id}",
            get(bindings::get::<S>).delete(bindings::delete::<S>),
        )
        .route(
            "/api/v1/orgs/{org}/ldap-accounts",
            get(ldap_accounts::list::<S>).post(ldap_accounts::create::<S>),
        )
        .route(
            "/api/v1/orgs/{org}/ldap-accounts/{name}",
            get(ldap_accounts::get::<S>).delete(ldap_accounts::delete::<S>),
        )
        .route(
            "/api/v1/orgs/{org}/ldap-accounts/{name}/password",
            put(ldap_accounts::set_password::<S>),
        )
        .route("/api/v1/orgs/{org}/audit", get(audit::list::<S>))
        .route(
            "/api/v1/staff",
            get(staff::list::<S>).post(staff::create::<S>),
        )
        .route(
            "/api/v1/orgs/{org}/tickets",
            get(tickets::list::<S>)
                .post(tickets::create::<S>)
                .layer(uploads()),
        )
        .route(
            "/api/v1/orgs/{org}/tickets/{id}",
            get(tickets::get::<S>).patch(tickets::set_status::<S>),
        )
        .route(
            "/api/v1/orgs/{org}/tickets/{id}/messages",
            post(tickets::reply::<S>).layer(uploads()),
        )
        .route(
            "/api/v1/orgs/{org}/tickets/{id}/satisfaction",
            put(tickets::rate::<S>),
        )
        .route(
            "/api/v1/orgs/{org}/tickets/{id}/attachments/{attachment}",
            get(tickets::attachment::<S>),
        )
        .route("/api/v1/support/queue", get(support::queue::<S>))
        .route("/api/v1/support/reports/sla", get(support::sla_report::<S>))
        .route("/api/v1/support/macros", get(support::macros::<S>))
        .route(
            "/api/v1/support/macros/{name}",
            put(support::put_macro::<S>).delete(support::delete_macro::<S>),
        )
        .route(
            "/api/v1/orgs/{org}/specialist",
            put(orgs::set_specialist::<S>).delete(orgs::clear_specialist::<S>),
        )
        .route(
            "/api/v1/support/tickets/{id}",
            get(support::get::<S>).patch(support::update::<S>),
        )
        .route(
            "/api/v1/support/tickets/{id}/messages",
            post(support::reply::<S>).layer(uploads()),
        )
        .route(
            "/api/v1/support/tickets/{id}/verifications",
            get(support::verifications::<S>).post(support::open_verification::<S>),
        )
        .route(
            "/api/v1/verifications/{token}",
            get(verify::prompt::<S>).post(verify::decide::<S>),
        )
        .route(
            "/api/v1/support/tickets/{id}/attachments/{attachment}",
            get(support::attachment::<S>),
        )
        .route(
            "/api/v1/kb/articles",
            get(kb::list::<S>).post(kb::create::<S>),
        )
        .route(
            "/api/v1/kb/articles/{slug}",
            get(kb::get::<S>)
                .put(kb::update::<S>)
                .delete(kb::delete::<S>),
        )
        .route("/api/v1/kb/suggest", get(kb::suggest::<S>))
        .route(
            "/api/v1/privacy/subprocessors",
            get(privacy::list::<S>).post(privacy::create::<S>),
        )
        .route(
            "/api/v1/privacy/subprocessors/{slug}",
            put(privacy::update::<S>).delete(privacy::remove::<S>),
        )
        .route(
            "/api/v1/privacy/subprocessors/{slug}/confirmation",
            post(privacy::confirm::<S>),
        )
        .route(
            "/api/v1/privacy/objections",
            get(privacy::all_objections::<S>),
        )
        .route("/api/v1/privacy/dpa", get(privacy::current_dpa::<S>))
        .route(
            "/api/v1/privacy/dpa/versions",
            post(privacy::publish_dpa::<S>),
        )
        .route(
            "/api/v1/orgs/{org}/dpa",
            get(privacy::dpa_signatures::<S>).post(privacy::sign_dpa::<S>),
        )
        .route(
            "/api/v1/orgs/{org}/dpa/{id}/document",
            get(privacy::dpa_document::<S>),
        )
        .route(
            "/api/v1/orgs/{org}/privacy/subscriptions",
            get(privacy::subscriptions::<S>).post(privacy::subscribe::<S>),
        )
        .route(
            "/api/v1/orgs/{org}/privacy/subscriptions/{id}",
            delete(privacy::unsubscribe::<S>),
        )
        .route(
            "/api/v1/orgs/{org}/privacy/objections",
            get(privacy::objections::<S>).post(privacy::object::<S>),
        )
        .route(
            "/api/v1/orgs/{org}/privacy/retention",
            get(retention::get::<S>).put(retention::set::<S>),
        )
        .route(
            "/api/v1/mail/inbound",
            post(mail::inbound::<S>).layer(uploads()),
        )
}

/// The body limit of the routes that carry files.
fn uploads() -> DefaultBodyLimit {
    DefaultBodyLimit::max(crate::MAX_UPLOAD_BYTES)
}

/// 404 for unknown routes, as a problem document.
pub async fn not_found() -> ApiError {
    ApiError::Core(CoreError::not_found("route", "the requested path"))
}

pub(crate) fn slug(s: &str) -> Result<OrgSlug, ApiError> {
    OrgSlug::parse(s).map_err(ApiError::Core)
}

/// A core error about a field of a nested object, named `outer.field` for the caller.
pub(crate) fn prefixed(outer: &str, e: CoreError) -> CoreError {
    match e {
        CoreError::Invalid { field, reason } => {
            CoreError::invalid(format!("{outer}.{field}"), reason)
        }
        other => other,
    }
}

pub(crate) fn username(s: &str) -> Result<Username, ApiError> {
    Username::parse(s).map_err(ApiError::Core)
}

pub(crate) fn name(s: &str) -> Result<Name, ApiError> {
    Name::parse(s).map_err(ApiError::Core)
}

/// Distinguishes an absent field (`None`) from an explicit `null` (`Some(None)`) in PATCH bodies.
pub(crate) fn double_option<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<Option<String>>, D::Error> {
    <Option<String> as serde::Deserialize>::deserialize(d).map(Some)
}
