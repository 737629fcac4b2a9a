#![allow(clippy::unwrap_used)]

use super::*;
use crate::directory::{Plan, PlanKind};
use crate::support::category::Category;
use crate::support::desk::Contacts;
use crate::support::intake::{AffectedSystem, TicketDetails};
use crate::support::security::{SecurityRequest, handling};
use crate::support::severity::{Effect, Impact};
use crate::support::triage::{Request, triage};

fn policy() -> DeskPolicy {
    DeskPolicy::with_contacts(Contacts::local()).unwrap()
}

fn triaged(plan: &Plan, category: Category, description: &str) -> Triage {
    let details = TicketDetails {
        category,
        subject: String::new(),
        description: description.into(),
        troubleshooting: String::new(),
        error_messages: String::new(),
        attachments: vec![],
        logs_attached: false,
        system: AffectedSystem::Unknown,
    };
    triage(
        &policy(),
        &Request {
            plan,
            category,
            severity: None,
            impact: Impact {
                effect: Effect::None,
                actively_used: true,
                workaround: false,
            },
            details: &details,
            system: None,
            text: description,
            critical_defect: false,
            at: "2026-03-02T16:00:00Z".parse().unwrap(),
        },
    )
}

fn ack<'a>(t: &'a Triage, expect: Expect) -> Ack<'a> {
    Ack {
        number: 1042,
        subject: "Adding users to groups",
        greeting_name: Some("Ann"),
        triage: t,
        expect,
        security: None,
        suggestions: &[],
        dropped: &[],
        unverified_mail: false,
        specialist: None,
    }
}

#[test]
fn an_acknowledgement_says_when_to_expect_an_answer_and_how_to_reach_us() {
    let plan = Plan::new(PlanKind::Monthly, Some(10), None).unwrap();
    let t = triaged(
        &plan,
        Category::HowTo,
        "How do I add a user to a group with the API, please?",
    );
    let due = "2026-03-03T16:00:00Z".parse().unwrap();
    let (subject, text) = acknowledgement(&policy(), &ack(&t, Expect::By(due)));
    assert_eq!(subject, "[#1042] Adding users to groups");
    assert!(text.starts_with("Hello Ann,"), "{text}");
    assert!(text.contains("ticket #1042"), "{text}");
    assert!(
        text.contains("first response by Tuesday 3 March 2026, 09:00 MST."),
        "{text}"
    );
    assert!(text.contains("Severity: S4"), "{text}");
    assert!(
        text.contains(
            "Monday to Friday 09:00–17:00 (America/Denver), U.S. Federal holidays excluded"
        ),
        "{text}"
    );
    assert!(text.contains("sales@skydir.localhost"), "{text}");
    assert!(text.contains("https://127.0.0.1:8443/kb"), "{text}");
    assert!(text.contains("keep [#1042] in the subject"), "{text}");
}

#[test]
fn missing_details_are_listed_and_the_wait_is_explained() {
    let plan = Plan::new(PlanKind::Annual, Some(10), None).unwrap();
    let t = triaged(&plan, Category::Defect, "LDAP broke.");
    let (_, text) = acknowledgement(
        &policy(),
        &ack(&t, Expect::AfterAnswer(SignedDuration::from_hours(4))),
    );
    assert!(
        text.contains("What our support policy asks each request to include:"),
        "{text}"
    );
    assert!(
        text.contains(
            "[ ] Detailed issue description (needed before we can start): Please tell us more"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "[ ] Troubleshooting actions taken: Please tell us what you have already tried"
        ),
        "{text}"
    );
    assert!(
        text.contains("[ ] Pertinent error messages and screenshots (needed before we can start)"),
        "{text}"
    );
    assert!(text.contains("/var/log/sssd/sssd_nss.log"), "{text}");
    assert!(!text.contains("skydir-agent"), "{text}");
    assert!(
        text.contains("Until we have what is marked as needed, your ticket waits for you"),
        "{text}"
    );
    assert!(
        text.contains("Once you reply, you can expect a first response within 4 business hours."),
        "{text}"
    );
}

#[test]
fn a_question_gets_the_checklist_without_being_held() {
    let plan = Plan::new(PlanKind::Monthly, Some(10), None).unwrap();
    let t = triaged(&plan, Category::HowTo, "Which base DN should Jenkins use?");
    assert!(t.missing.is_empty());
    let due = "2026-03-03T16:00:00Z".parse().unwrap();
    let (_, text) = acknowledgement(&policy(), &ack(&t, Expect::By(due)));
    for line in [
        "[x] Detailed issue description: received.",
        "[-] Troubleshooting actions taken: not needed for a question or request.",
        "[-] Pertinent error messages and screenshots: not needed for a question or request.",
        "[-] Applicable logs: not needed for a question or request.",
    ] {
        assert!(text.contains(line), "{line}: {text}");
    }
    assert!(!text.contains("waits for you"), "{text}");
    assert!(
        text.contains("You can expect a first response by"),
        "{text}"
    );
}

#[test]
fn a_request_support_does_not_cover_gets_the_reason_and_the_way_instead() {
    let plan = Plan::free();
    let t = triaged(
        &plan,
        Category::Onboarding,
        "Can you train our admins on migration?",
    );
    let (_, text) = acknowledgement(&policy(), &ack(&t, Expect::Answered));
    assert!(
        text.contains("not included in support on the free plan"),
        "{text}"
    );
    assert!(text.contains("sales@skydir.localhost"), "{text}");
    assert!(
        text.contains("reply to this message and it will be reopened"),
        "{text}"
    );
    assert!(!text.contains("first response"), "{text}");
}

#[test]
fn account_security_answers_say_what_staff_never_do_and_what_needs_verification() {
    let plan = Plan::new(PlanKind::Monthly, Some(10), None).unwrap();
    let t = triaged(
        &plan,
        Category::AccountSecurity,
        "Please reset Bob's password.",
    );
    let never = handling(SecurityRequest::ChangePassword);
    let (_, text) = acknowledgement(
        &policy(),
        &Ack {
            security: Some(&never),
            ..ack(&t, Expect::Answered)
        },
    );
    assert!(text.contains("never change a password"), "{text}");
    let verified = handling(SecurityRequest::DeleteAccount);
    let (_, text) = acknowledgement(
        &policy(),
        &Ack {
            security: Some(&verified),
            ..ack(&t, Expect::Answered)
        },
    );
    assert!(text.contains("every active administrator"), "{text}");
}

#[test]
fn business_durations_read_naturally() {
    assert_eq!(
        business_duration(SignedDuration::from_hours(1)),
        "1 business hour"
    );
    assert_eq!(
        business_duration(SignedDuration::from_hours(4)),
        "4 business hours"
    );
    assert_eq!(
        business_duration(SignedDuration::from_hours(8)),
        "1 business day"
    );
    assert_eq!(
        business_duration(SignedDuration::from_hours(80)),
        "10 business days"
    );
    assert_eq!(
        business_duration(SignedDuration::from_mins(90)),
        "1 h 30 min of business time"
    );
    assert_eq!(
        business_duration(SignedDuration::from_mins(1)),
        "1 business minute"
    );
}

#[test]
fn refusals_to_non_admins_and_strangers_explain_how_to_get_support() {
    let p = policy();
    let t = not_an_admin(&p);
    assert!(t.contains("ask your IT administrator"), "{t}");
    assert!(t.contains("Support hours:"), "{t}");
    let t = unknown_sender(&p);
    assert!(t.contains("How to get support"), "{t}");
    assert!(t.contains("active administrators"), "{t}");
    let t = which_org(&p);
    assert!(t.contains("support+acme@skydir.localhost"), "{t}");
}
