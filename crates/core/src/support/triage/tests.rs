#![allow(clippy::unwrap_used, clippy::panic)]

use super::*;
use crate::directory::{JoinMethod, Name, OsFamily, PlanKind};
use crate::ids::{OrgId, SystemId};
use crate::support::desk::Contacts;
use crate::support::eligibility::Queue;
use crate::support::intake::{AffectedSystem, Attachment, Detail, ItemState};
use crate::support::severity::Effect;

fn policy() -> DeskPolicy {
    DeskPolicy::with_contacts(Contacts::local()).unwrap()
}

fn at() -> Timestamp {
    "2026-03-02T16:00:00Z".parse().unwrap()
}

fn complete(category: Category) -> TicketDetails {
    TicketDetails {
        category,
        subject: "VPN logins fail".into(),
        description: "Since this morning every LDAP bind from our VPN concentrator fails.".into(),
        troubleshooting: "Restarted the concentrator, checked the service account password.".into(),
        error_messages: "LDAP error 49 (invalid credentials)".into(),
        attachments: vec![Attachment::named("concentrator.log")],
        logs_attached: false,
        system: AffectedSystem::NoSystem,
    }
}

fn blocked() -> Impact {
    Impact {
        effect: Effect::Blocked,
        actively_used: true,
        workaround: false,
    }
}

fn request<'a>(plan: &'a Plan, details: &'a TicketDetails, text: &'a str) -> Request<'a> {
    Request {
        plan,
        category: details.category,
        severity: None,
        impact: blocked(),
        details,
        system: None,
        text,
        critical_defect: false,
        at: at(),
    }
}

fn monthly() -> Plan {
    Plan::new(PlanKind::Monthly, Some(10), None).unwrap()
}

fn system(os: OsFamily, version: &str) -> System {
    System {
        id: SystemId::from_random([1; 16]),
        org: OrgId::from_random([2; 16]),
        hostname: Name::parse("build-01").unwrap(),
        os_family: os,
        os_version: version.into(),
        joined_via: JoinMethod::Unknown,
        agent_version: Some("3.0.0".into()),
        last_contact: None,
        created_at: at(),
    }
}

#[test]
fn a_complete_covered_outage_starts_new_at_s1_with_paying_targets() {
    let plan = monthly();
    let details = complete(Category::Defect);
    let t = triage(
        &policy(),
        &request(&plan, &details, "LDAP binds fail for everyone"),
    );
    assert_eq!(
        t.eligibility,
        Eligibility::Covered {
            queue: Queue::Support
        }
    );
    assert_eq!(t.severity, Severity::S1);
    assert_eq!(t.status, TicketStatus::New);
    assert!(t.missing.is_empty() && t.lifecycle.is_none());
    assert_eq!(
        t.targets.first_response,
        jiff::SignedDuration::from_hours(1)
    );
    assert!(!t.best_effort);
}

/// Policy: the desk asks for the ticket details that are missing, and the ticket waits on
/// the customer (its clocks paused) when what is missing blocks the work: a defect that says
/// neither what fails nor what error it shows. What would only help is asked for while the
/// clock runs.
#[test]
fn missing_details_make_the_ticket_wait_on_the_customer() {
    let plan = monthly();
    let details = TicketDetails {
        description: "Broken.".into(),
        error_messages: String::new(),
        troubleshooting: String::new(),
        attachments: vec![],
        ..complete(Category::Defect)
    };
    let t = triage(&policy(), &request(&plan, &details, "LDAP binds fail"));
    assert_eq!(t.status, TicketStatus::WaitingOnCustomer);
    let asked: Vec<(Detail, bool)> = t.missing.iter().map(|m| (m.detail, m.blocking)).collect();
    assert_eq!(
        asked,
        vec![
            (Detail::Description, true),
            (Detail::Troubleshooting, false),
            (Detail::ErrorMessages, true)
        ]
    );
    assert_eq!(t.checklist.len(), 4, "the whole checklist");
    assert!(matches!(t.checklist[3].state, ItemState::NotNeeded { .. }));

    // Only troubleshooting missing: asked for, but the ticket starts at once.
    let details = TicketDetails {
        troubleshooting: String::new(),
        attachments: vec![],
        ..complete(Category::Defect)
    };
    let t = triage(&policy(), &request(&plan, &details, "LDAP binds fail"));
    assert_eq!(t.status, TicketStatus::New);
    let asked: Vec<Detail> = t.missing.iter().map(|m| m.detail).collect();
    assert_eq!(asked, vec![Detail::Troubleshooting]);
}

/// A question's clock runs at once: it is not held for, nor asked for, troubleshooting or
/// error messages it does not have, even when it is about an integration.
#[test]
fn a_question_is_not_held_for_what_it_does_not_have() {
    let plan = monthly();
    for category in [Category::HowTo, Category::Integration] {
        let details = TicketDetails {
            category,
            subject: "Jenkins".into(),
            description: "Which base DN should Jenkins use?".into(),
            troubleshooting: String::new(),
            error_messages: String::new(),
            attachments: vec![],
            logs_attached: false,
            system: AffectedSystem::NoSystem,
        };
        let t = triage(
            &policy(),
            &Request {
                category,
                ..request(&plan, &details, "Which base DN should Jenkins use?")
            },
        );
        assert_eq!(t.status, TicketStatus::New, "{category}: {t:?}");
        assert!(t.missing.is_empty(), "{category}: {:?}", t.missing);
        assert_eq!(t.checklist.len(), 4);
    }
}

/// A Linux host joined over LDAP with SSSD is asked for SSSD's logs, without holding the work.
#[test]
fn an_sssd_host_is_asked_for_sssds_logs() {
    let plan = monthly();
    let host = System {
        joined_via: JoinMethod::LdapSssd,
        agent_version: None,
        ..system(OsFamily::Linux, "ubuntu 24.04")
    };
    let details = TicketDetails {
        attachments: vec![],
        system: AffectedSystem::System {
            os_family: OsFamily::Linux,
            joined_via: JoinMethod::LdapSssd,
        },
        ..complete(Category::Defect)
    };
    let t = triage(
        &policy(),
        &Request {
            system: Some(&host),
            ..request(&plan, &details, "Logins fail on build-01")
        },
    );
    assert_eq!(t.status, TicketStatus::New, "{t:?}");
    assert_eq!(t.lifecycle, None, "no agent, and none asked for");
    assert_eq!(t.missing.len(), 1);
    assert_eq!(t.missing[0].detail, Detail::Logs);
    assert!(!t.missing[0].blocking);
    assert!(
        t.missing[0].request.contains("/var/log/sssd/sssd_pam.log"),
        "{}",
        t.missing[0].request
    );
}

#[test]
fn an_end_of_life_system_is_asked_to_update_first() {
    let plan = monthly();
    let details = complete(Category::Defect);
    let old = system(OsFamily::Windows, "10.0.19045");
    let t = triage(
        &policy(),
        &Request {
            system: Some(&old),
            ..request(&plan, &details, "Login fails on this PC")
        },
    );
    assert!(
        t.lifecycle.as_ref().is_some_and(Lifecycle::needs_update),
        "{t:?}"
    );
    assert_eq!(t.status, TicketStatus::WaitingOnCustomer);
    // A current system is simply supported.
    let new = system(OsFamily::Linux, "24.04");
    let mut linux = new.clone();
    linux.os_version = "Ubuntu 24.04".into();
    let t = triage(
        &policy(),
        &Request {
            system: Some(&linux),
            ..request(&plan, &details, "Login fails on this server")
        },
    );
    assert!(
        !t.lifecycle.as_ref().is_some_and(Lifecycle::needs_update),
        "{t:?}"
    );
}

#[test]
fn what_support_does_not_cover_is_answered_and_resolved_at_once() {
    let plan = monthly();
    let details = complete(Category::Customization);
    let t = triage(
        &policy(),
        &request(&plan, &details, "Please customize the login page"),
    );
    assert!(matches!(t.eligibility, Eligibility::NotCovered { .. }));
    assert_eq!(t.status, TicketStatus::Resolved);
    assert!(
        t.missing.is_empty(),
        "nothing is asked of a request we do not take"
    );
}

#[test]
fn non_english_requests_get_the_english_only_answer() {
    let plan = monthly();
    let details = complete(Category::Defect);
    let text = "Hallo, seit heute Morgen funktioniert die Anmeldung über LDAP nicht mehr. \
                Können Sie uns bitte helfen?";
    let t = triage(&policy(), &request(&plan, &details, text));
    match t.eligibility {
        Eligibility::NotCovered { reason, .. } => assert!(reason.contains("English"), "{reason}"),
        e => panic!("{e:?}"),
    }
}

#[test]
fn free_plans_get_best_effort_targets_and_questions_start_at_s4() {
    let plan = Plan::free();
    let details = TicketDetails {
        category: Category::HowTo,
        description: "How do I connect our Wi-Fi controller over RADIUS?".into(),
        ..complete(Category::HowTo)
    };
    let t = triage(
        &policy(),
        &Request {
            severity: Some(Severity::S1),
            ..request(&plan, &details, "How do I connect our Wi-Fi controller?")
        },
    );
    assert_eq!(
        t.severity,
        Severity::S4,
        "a question is S4 whatever was chosen"
    );
    assert!(t.best_effort);
    assert_eq!(t.status, TicketStatus::New);
}

#[test]
fn a_stated_severity_is_taken_for_issues() {
    let plan = monthly();
    let details = complete(Category::Defect);
    let t = triage(
        &policy(),
        &Request {
            severity: Some(Severity::S3),
            ..request(&plan, &details, "LDAP binds fail")
        },
    );
    assert_eq!(t.severity, Severity::S3);
}
