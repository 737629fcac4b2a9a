//! Tests of ticket completeness: each item the policy asks for, the agent log path per OS,
//! and which categories need what.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::*;

const DESCRIPTION: &str = "Since this morning every LDAP bind from our VPN concentrator fails.";

/// A defect ticket with everything the policy asks for.
fn complete() -> TicketDetails {
    TicketDetails {
        category: Category::Defect,
        description: DESCRIPTION.to_string(),
        troubleshooting: "Restarted the agent and rotated the service account password."
            .to_string(),
        error_messages: "ldap_bind: Invalid credentials (49)".to_string(),
        attachments: vec![Attachment::named("skydir-agent.log")],
        agent_log_attached: false,
        system: AffectedSystem::Os(OsFamily::Linux),
    }
}

fn details(t: &TicketDetails) -> Vec<Detail> {
    missing_details(t).into_iter().map(|m| m.detail).collect()
}

fn request(t: &TicketDetails, d: Detail) -> String {
    missing_details(t)
        .into_iter()
        .find(|m| m.detail == d)
        .map(|m| m.request)
        .unwrap_or_else(|| panic!("{d:?} not requested"))
}

#[test]
fn a_complete_ticket_lacks_nothing() {
    assert!(missing_details(&complete()).is_empty());
    assert_eq!(request_message(&[]), None);
}

#[test]
fn an_empty_defect_ticket_asks_for_everything_in_the_policys_order() {
    let t = TicketDetails {
        category: Category::Defect,
        description: String::new(),
        troubleshooting: String::new(),
        error_messages: String::new(),
        attachments: Vec::new(),
        agent_log_attached: false,
        system: AffectedSystem::Unknown,
    };
    assert_eq!(
        details(&t),
        [
            Detail::Description,
            Detail::Troubleshooting,
            Detail::ErrorMessages,
            Detail::AgentLog
        ]
    );
    let message = request_message(&missing_details(&t)).unwrap();
    assert!(message.starts_with("To help us resolve your ticket quickly:\n- Please describe"));
    assert_eq!(message.lines().count(), 5);
}

/// Policy: ticket detail to include — "Detailed Issue Description".
#[test]
fn a_detailed_issue_description_is_asked_for() {
    let mut t = complete();
    t.description = "   ".into();
    assert!(request(&t, Detail::Description).starts_with("Please describe the issue in detail"));
    t.description = "LDAP broken".into();
    assert!(request(&t, Detail::Description).starts_with("Please tell us more about the issue"));
    t.description = "x".repeat(MIN_DESCRIPTION_CHARS - 1);
    assert_eq!(details(&t), [Detail::Description]);
    t.description = "é".repeat(MIN_DESCRIPTION_CHARS);
    assert!(details(&t).is_empty());
}

/// Policy: ticket detail to include — "Troubleshooting Actions Taken".
#[test]
fn the_troubleshooting_actions_taken_are_asked_for() {
    let mut t = complete();
    t.troubleshooting = "\n".into();
    assert_eq!(details(&t), [Detail::Troubleshooting]);
    assert_eq!(
        request(&t, Detail::Troubleshooting),
        "Please tell us what you have already tried to fix the issue, even if it did not help."
    );
}

/// Policy: ticket detail to include — "Pertinent Error Messages and Screenshots".
#[test]
fn error_messages_or_screenshots_are_asked_for() {
    let mut t = complete();
    t.error_messages = String::new();
    assert_eq!(details(&t), [Detail::ErrorMessages]);
    assert!(request(&t, Detail::ErrorMessages).contains("attach screenshots"));
    // A screenshot does instead.
    t.attachments
        .push(Attachment::named("Screen Shot 2026-03-02 at 09.14.png"));
    assert!(details(&t).is_empty());
    // A file that is not an image does not.
    t.attachments = vec![
        Attachment::named("skydir-agent.log"),
        Attachment::named("config.zip"),
    ];
    assert_eq!(details(&t), [Detail::ErrorMessages]);
}

/// Policy: ticket detail to include — "Applicable OS logs: Windows:
/// C:\Windows\Temp\skydir-agent.log; Mac & Linux: /var/log/skydir-agent.log".
#[test]
fn the_agent_log_is_asked_for_at_the_path_of_the_systems_os() {
    let mut t = complete();
    t.attachments.clear();
    t.system = AffectedSystem::Os(OsFamily::Windows);
    assert_eq!(
        request(&t, Detail::AgentLog),
        r"Please attach the skydir agent log from the affected system: C:\Windows\Temp\skydir-agent.log."
    );
    for family in [OsFamily::Macos, OsFamily::Linux] {
        t.system = AffectedSystem::Os(family);
        assert_eq!(
            request(&t, Detail::AgentLog),
            "Please attach the skydir agent log from the affected system: \
             /var/log/skydir-agent.log."
        );
    }
    t.system = AffectedSystem::Unknown;
    let r = request(&t, Detail::AgentLog);
    assert!(
        r.ends_with(
            r"on Windows C:\Windows\Temp\skydir-agent.log, on Mac and Linux /var/log/skydir-agent.log."
        ),
        "{r}"
    );
    // No enrolled system, no agent log.
    t.system = AffectedSystem::NoSystem;
    assert!(details(&t).is_empty());
    assert_eq!(agent_log_path(OsFamily::Windows), AGENT_LOG_WINDOWS);
    assert_eq!(agent_log_path(OsFamily::Macos), AGENT_LOG_UNIX);
}

#[test]
fn the_agent_log_counts_when_flagged_or_attached_under_its_name() {
    let mut t = complete();
    t.attachments.clear();
    assert_eq!(details(&t), [Detail::AgentLog]);
    t.agent_log_attached = true;
    assert!(details(&t).is_empty());
    t.agent_log_attached = false;
    for name in [
        "skydir-agent.log",
        "SKYDIR-AGENT.LOG",
        "skydir-agent.log.1",
        "skydir-agent.log.gz",
        r"C:\Windows\Temp\skydir-agent.log",
        "/var/log/skydir-agent.log",
    ] {
        t.attachments = vec![Attachment::named(name)];
        assert!(details(&t).is_empty(), "{name}");
    }
    for name in ["agent.log", "syslog", "skydir-agent.conf"] {
        t.attachments = vec![Attachment::named(name)];
        assert_eq!(details(&t), [Detail::AgentLog], "{name}");
    }
}

#[test]
fn questions_requests_and_feedback_need_only_a_description() {
    for category in Category::ALL {
        let t = TicketDetails {
            category,
            description: DESCRIPTION.to_string(),
            troubleshooting: String::new(),
            error_messages: String::new(),
            attachments: Vec::new(),
            agent_log_attached: false,
            system: AffectedSystem::Unknown,
        };
        let want = if category.is_issue() {
            vec![
                Detail::Troubleshooting,
                Detail::ErrorMessages,
                Detail::AgentLog,
            ]
        } else {
            vec![]
        };
        assert_eq!(details(&t), want, "{category}");
        let short = TicketDetails {
            description: "Hi".into(),
            ..t
        };
        assert_eq!(
            details(&short).first(),
            Some(&Detail::Description),
            "{category}"
        );
    }
}

#[test]
fn attachment_kinds_are_guessed_from_the_name() {
    use AttachmentKind::*;
    for (name, kind) in [
        ("screen.PNG", Screenshot),
        ("photo.jpeg", Screenshot),
        ("C:\\Users\\me\\Desktop\\error.jpg", Screenshot),
        ("capture.heic", Screenshot),
        ("skydir-agent.log", Log),
        ("skydir-agent.log.3", Log),
        ("notes.txt", Log),
        ("dump.zip", Other),
        ("README", Other),
        ("", Other),
    ] {
        assert_eq!(AttachmentKind::from_name(name), kind, "{name}");
    }
}

#[test]
fn ticket_details_have_a_serde_form_with_defaults() {
    let t: TicketDetails = serde_json::from_value(serde_json::json!({
        "category": "defect",
        "description": DESCRIPTION,
        "system": {"kind": "os", "os_family": "windows"}
    }))
    .unwrap();
    assert_eq!(t.system, AffectedSystem::Os(OsFamily::Windows));
    assert!(t.attachments.is_empty());
    let json = serde_json::to_value(missing_details(&t)).unwrap();
    assert_eq!(json[0]["detail"], "troubleshooting");
    assert_eq!(json[2]["detail"], "agent_log");
    let t: TicketDetails =
        serde_json::from_value(serde_json::json!({"category": "how_to"})).unwrap();
    assert_eq!(t.system, AffectedSystem::Unknown);
}
