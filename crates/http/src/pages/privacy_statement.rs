//! The public privacy statement (`/privacy`): who processes what and why, written from the
//! same inventory of personal data that drives the access report and the Art. 30 record — so
//! the statement cannot drift from what the code keeps — plus the rights and how to use them,
//! where the data is processed, encryption, breach notification, sub-processors and the DPA.

use super::layout::{page, respond};
use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use maud::html;
use skydir_core::ports::Storage;
use skydir_core::privacy::inventory::INVENTORY;

/// `GET /privacy`.
pub async fn show<S: Storage + Clone>(State(st): State<AppState<S>>) -> Response {
    let policy = st.dir.desk_policy().ok();
    let location = st.dir.processing_location();
    let body = html! {
        h1 { "Privacy statement" }
        p { "skydir runs a cloud directory for organizations. For the people in an organization's directory, the organization is the controller and we are its processor: we process their data only on the organization's instructions, to run the service it signed up for. This page says what we keep, why, for how long, and how to use your rights." }
        h2 #data { "What we keep, and why" }
        table #inventory {
            caption.sr { "Personal data kept by skydir" }
            tr { th scope="col" { "Data" } th scope="col" { "Why" } th scope="col" { "Legal basis (GDPR Art. 6(1))" } th scope="col" { "How long" } }
            @for item in INVENTORY {
                tr {
                    td { (item.label) }
                    td { (item.purpose) }
                    td { (item.legal_basis.label()) }
                    td { (item.retention) }
                }
            }
        }
        h2 #security { "How it is protected" }
        ul {
            li { "Every connection is encrypted (HTTPS, LDAPS or StartTLS); passwords are never sent or accepted in the clear." }
            li { "Personal data is encrypted at rest under a key of its own for each person; erasing a person destroys that key, so backups cannot bring the data back." }
            li { "Support staff cannot see or set passwords, grant access or change memberships; sensitive requests need an organization administrator's verified confirmation." }
            li { "Every disclosure of personal data is written to the organization's tamper-evident audit log." }
        }
        h2 #location { "Where it is processed" }
        p { @match location { Some(l) => { "In " strong { (l) } "." }, None => "The operator of this deployment has not stated a processing location yet." } }
        h2 #rights { "Your rights" }
        ul {
            li { strong { "Access and portability" } " — " a href="/portal/my-data" { "My data" } " shows everything held about you and downloads it as JSON." }
            li { strong { "Rectification" } " — correct your details under " a href="/portal/profile" { "My account" } "." }
            li { strong { "Erasure" } " — ask for it under " a href="/portal/profile" { "My account" } "; your organization's administrators answer within one month, and the erasure reaches the systems your organization connected." }
            li { strong { "Without an account" } " — use " a href="/privacy/request" { "the request form" } "; we confirm your address by mail before anything is disclosed or done." }
            li { "You may also complain to your data-protection supervisory authority." }
        }
        h2 #breaches { "If something goes wrong" }
        p { "A personal-data breach is recorded and the affected organizations are told without undue delay, so that the supervisory authority can be notified within 72 hours of our becoming aware of it." }
        h2 #processors { "Sub-processors and the DPA" }
        p { "The companies that help us run the service are listed on the " a href="/privacy/subprocessors" { "sub-processor page" } ", with an " a href="/privacy/subprocessors.rss" { "RSS feed" } " that announces every change before it takes effect. Paying customers can sign our " a href="/privacy/dpa" { "Data Processing Agreement" } "." }
        @if let Some(p) = &policy {
            h2 #contact { "Contact" }
            p { "Questions about this statement: " a href={ "mailto:" (p.contacts.support) } { (p.contacts.support) } "." }
        }
    };
    respond(
        StatusCode::OK,
        page("Privacy statement", policy.as_deref(), body),
    )
}
