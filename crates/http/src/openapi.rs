//! The OpenAPI document, generated from the handlers' annotations and served at
//! `/api/v1/openapi.json` so clients can be generated from the running server.

use crate::routes::{
    admins, audit, bindings, breaches, data_export, data_requests, email_change, erasure, groups,
    health, invitations, kb, ldap_accounts, mail, me, my_tokens, org_deletion, orgs, privacy,
    resources, retention, session, staff, support, systems, tickets, users, verify,
};
use axum::Json;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, api: &mut utoipa::openapi::OpenApi) {
        let components = api.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "skydir", description = "Directory-as-a-Service REST API"),
    modifiers(&BearerAuth),
    security(("bearer" = [])),
    paths(
        health::healthz, health::readyz, session::login, session::set_password,
        me::begin, me::confirm, me::remove, my_tokens::create, my_tokens::list, my_tokens::revoke,
        orgs::create, orgs::list, orgs::get, orgs::update, orgs::suspend, orgs::resume,
        invitations::get, invitations::resend, invitations::revoke,
        users::create, users::list, users::get, users::update, users::delete, users::change_password,
        email_change::confirm, email_change::resend, email_change::cancel,
        admins::list, admins::grant, admins::revoke,
        groups::create, groups::list, groups::get, groups::update, groups::delete,
        groups::add_user, groups::remove_user, groups::add_group, groups::remove_group,
        systems::create, systems::list, systems::get, systems::update, systems::delete,
        resources::create, resources::list, resources::get, resources::update, resources::delete,
        bindings::create, bindings::list, bindings::get, bindings::delete,
        ldap_accounts::create, ldap_accounts::list, ldap_accounts::get, ldap_accounts::delete,
        ldap_accounts::set_password,
        audit::list,
        staff::create, staff::list,
        tickets::create, tickets::list, tickets::get, tickets::reply, tickets::set_status,
        tickets::rate, tickets::attachment,
        support::queue, support::get, support::reply, support::update, support::attachment,
        support::sla_report, support::open_verification, support::verifications,
        support::macros, support::put_macro, support::delete_macro,
        orgs::set_specialist, orgs::clear_specialist,
        verify::prompt, verify::decide,
        mail::inbound,
        kb::list, kb::get, kb::create, kb::update, kb::delete, kb::suggest,
        privacy::list, privacy::create, privacy::update, privacy::remove, privacy::all_objections,
        privacy::current_dpa, privacy::publish_dpa, privacy::sign_dpa, privacy::dpa_signatures,
        privacy::dpa_document, privacy::subscribe, privacy::subscriptions, privacy::unsubscribe,
        privacy::object, privacy::objections, privacy::confirm,
        retention::get, retention::set,
        data_export::mine, data_export::of_user,
        erasure::request, erasure::org_list, erasure::org_get, erasure::certificate,
        erasure::connectors, erasure::add_connector, erasure::update_connector, erasure::all,
        erasure::confirm, erasure::resolve, erasure::retry,
        breaches::create, breaches::list, breaches::get, breaches::notify,
        breaches::authority_draft, breaches::authority_notified,
        org_deletion::request, org_deletion::get, org_deletion::cancel, org_deletion::confirm,
        org_deletion::confirm_link,
        data_requests::mine, data_requests::public, data_requests::verify, data_requests::list,
        data_requests::get, data_requests::extend, data_requests::complete, data_requests::reject,
    ),
    components(schemas(crate::Problem))
)]
struct ApiDoc;

/// The document as a value (also used by tests).
pub fn spec() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

/// `GET /api/v1/openapi.json`.
pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(spec())
}
