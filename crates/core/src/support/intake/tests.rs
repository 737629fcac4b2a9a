//! Tests of the policy's checklist: each item it asks for, what applies to which kind of
//! ticket, which missing item holds the work, and the logs a system's client really writes.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::*;

const DESCRIPTION: &str = "Since this morning every LDAP bind from our VPN concentrator fails.";

fn sssd_host() -> AffectedSystem {
    AffectedSystem::System {
        os_family: OsFamily::Linux,
        joined_via: JoinMethod::LdapSssd,
    }
}

/// A defect ticket with everything the policy asks for, about a Linux host joined with SSSD.
fn complete() -> TicketDetails {
    TicketDetails {
        category: Category::Defect,
        subject: "VPN logins fail".to_string(),
        description: DESCRIPTION.to_string(),
        troubleshooting: "Restarted SSSD and rotated the service account password.".to_string(),
        error_messages: "ldap_bind: Invalid credentials (49)".to_string(),
        attachments: vec![Attachment::named("sssd_example.com.log")],
        logs_attached: false,
        system: sssd_host(),
    }
}

fn empty(category: Category, system: AffectedSystem) -> TicketDetails {
    TicketDetails {
        category,
        subject: String::new(),
        description: String::new(),
        troubleshooting: String::new(),
        error_messages: String::new(),
        attachments: Vec::new(),
        logs_attached: false,
        system,
    }
}

fn details(t: &TicketDetails) -> Vec<Detail> {
    missing_details(t).into_iter().map(|m| m.detail).collect()
}

fn blocking(t: &TicketDetails) -> Vec<Detail> {
    missing_details(t)
        .into_iter()
        .filter(|m| m.blocking)
        .map(|m| m.detail)
        .collect()
}

fn request(t: &TicketDetails, d: Detail) -> String {
    missing_details(t)
        .into_iter()
        .find(|m| m.detail == d)
        .map(|m| m.request)
        .unwrap_or_else(|| panic!("{d:?} not requested"))
}

fn state(t: &TicketDetails, d: Detail) -> ItemState {
    checklist(t)
        .into_iter()
        .find(|i| i.detail == d)
        .map(|i| i.state)
        .unwrap()
}

#[test]
fn a_complete_ticket_lacks_nothing() {
    let items = checklist(&complete());
    assert_eq!(
        items.iter().map(|i| i.detail).collect::<Vec<_>>(),
        Detail::ALL,
        "the whole checklist, in the policy's order"
    );
    assert!(items.iter().all(|i| i.state == ItemState::Received));
    assert!(missing_details(&complete()).is_empty());
}

/// Policy: "Be sure to include as much detail as possible including: Detailed Issue
/// Description, Troubleshooting Actions Taken, Pertinent Error Messages and Screenshots,
/// Applicable OS logs". An empty defect report about no named system is asked for all four,
/// in that order; saying neither what fails nor what error it shows, it cannot be worked on.
#[test]
fn an_empty_defect_ticket_asks_for_everything_in_the_policys_order() {
    let t = empty(Category::Defect, AffectedSystem::Unknown);
    assert_eq!(details(&t), Detail::ALL);
    assert_eq!(blocking(&t), [Detail::Description, Detail::ErrorMessages]);
    assert!(request(&t, Detail::Description).starts_with("Please describe the issue in detail"));
    let logs = request(&t, Detail::Logs);
    assert!(logs.contains("/var/log/sssd/sssd_nss.log"), "{logs}");
    assert!(logs.contains("journalctl -u nslcd"), "{logs}");
    assert!(!logs.contains("skydir-agent"), "{logs}");
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
    // The error message says what fails, so the work need not wait for more words.
    assert!(blocking(&t).is_empty());
    t.description = "é".repeat(MIN_DESCRIPTION_CHARS);
    assert!(details(&t).is_empty());
    // A defect's subject names it; it does not describe it.
    t.description = String::new();
    t.subject = "Every LDAP bind from the VPN concentrator fails".into();
    assert_eq!(details(&t), [Detail::Description]);
}

/// Policy: ticket detail to include — "Troubleshooting Actions Taken"; asked for, but the
/// work starts without it.
#[test]
fn the_troubleshooting_actions_taken_are_asked_for() {
    let mut t = complete();
    t.troubleshooting = "\n".into();
    assert_eq!(details(&t), [Detail::Troubleshooting]);
    assert!(blocking(&t).is_empty());
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
        Attachment::named("sssd_nss.log"),
        Attachment::named("config.zip"),
    ];
    assert_eq!(details(&t), [Detail::ErrorMessages]);
}

/// A defect waits on the customer only for what blocks the work: it must say what fails,
/// in words or by its error messages.
#[test]
fn a_defect_waits_only_when_it_says_neither_what_fails_nor_its_error() {
    let mut t = empty(Category::Defect, sssd_host());
    t.description = "It broke.".into();
    assert_eq!(blocking(&t), [Detail::Description, Detail::ErrorMessages]);
    // Either one is enough to start.
    t.error_messages = "sss_cache: Could not open available domains".into();
    assert!(blocking(&t).is_empty(), "{:?}", missing_details(&t));
    assert_eq!(
        details(&t),
        [Detail::Description, Detail::Troubleshooting, Detail::Logs]
    );
    t.error_messages = String::new();
    t.description = DESCRIPTION.into();
    assert!(blocking(&t).is_empty());
    assert_eq!(
        details(&t),
        [Detail::Troubleshooting, Detail::ErrorMessages, Detail::Logs]
    );
}

/// Policy: ticket detail to include — "Applicable OS logs": the logs the affected system's
/// client really writes. The skydir agent is not released, so its log is never asked for.
#[test]
fn the_logs_asked_for_are_those_the_systems_client_writes() {
    let mut t = complete();
    t.attachments.clear();
    let logs = |t: &TicketDetails| match state(t, Detail::Logs) {
        ItemState::Missing { request, blocking } => {
            assert!(!blocking, "logs never hold the work");
            request
        }
        ItemState::NotNeeded { why } => format!("not needed: {why}"),
        ItemState::Received => "received".into(),
    };

    // A Linux host joined over LDAP with SSSD: SSSD's domain, NSS and PAM logs.
    let r = logs(&t);
    assert!(
        r.starts_with("Please attach SSSD's logs from the affected host:"),
        "{r}"
    );
    for path in [
        "/var/log/sssd/sssd_<domain>.log",
        "/var/log/sssd/sssd_nss.log",
        "/var/log/sssd/sssd_pam.log",
        "[domain/…] section of /etc/sssd/sssd.conf",
    ] {
        assert!(r.contains(path), "{path}: {r}");
    }
    // With nslcd, which logs to syslog: the journal.
    t.system = AffectedSystem::System {
        os_family: OsFamily::Linux,
        joined_via: JoinMethod::LdapNslcd,
    };
    let r = logs(&t);
    assert!(r.contains("journalctl -u nslcd"), "{r}");
    assert!(!r.contains("/var/log/sssd"), "{r}");
    // A Linux host whose way of joining is not recorded: either client's.
    t.system = AffectedSystem::System {
        os_family: OsFamily::Linux,
        joined_via: JoinMethod::Unknown,
    };
    let r = logs(&t);
    assert!(
        r.contains("/var/log/sssd/sssd_pam.log") && r.contains("journalctl -u nslcd"),
        "{r}"
    );
    // Windows and macOS have no client of ours: nothing to ask, and the reason says so.
    for (family, name) in [(OsFamily::Windows, "Windows"), (OsFamily::Macos, "macOS")] {
        t.system = AffectedSystem::System {
            os_family: family,
            joined_via: JoinMethod::Unknown,
        };
        let r = logs(&t);
        assert!(
            r.starts_with("not needed: none apply: the skydir agent for")
                && r.contains(name)
                && r.contains("not released"),
            "{r}"
        );
        assert_eq!(details(&t), [], "{name}");
    }
    // A system registered but not joined, and an application integration: none.
    t.system = AffectedSystem::System {
        os_family: OsFamily::Linux,
        joined_via: JoinMethod::NotJoined,
    };
    assert!(logs(&t).contains("does not join the directory"));
    t.system = AffectedSystem::NoSystem;
    assert!(logs(&t).contains("writes its own log"));
    assert!(details(&t).is_empty());
    // No system named: whichever client is involved.
    t.system = AffectedSystem::Unknown;
    let r = logs(&t);
    assert!(
        r.starts_with("If a Linux host joined over LDAP is involved"),
        "{r}"
    );
    // Never the agent's log, whatever the system.
    for system in [
        AffectedSystem::Unknown,
        AffectedSystem::NoSystem,
        sssd_host(),
        AffectedSystem::System {
            os_family: OsFamily::Windows,
            joined_via: JoinMethod::NotJoined,
        },
    ] {
        t.system = system;
        let all = format!("{:?}", checklist(&t));
        assert!(!all.contains("skydir-agent"), "{all}");
    }
}

#[test]
fn logs_count_when_flagged_or_attached_as_log_files() {
    let mut t = complete();
    t.attachments.clear();
    assert_eq!(details(&t), [Detail::Logs]);
    t.logs_attached = true;
    assert!(details(&t).is_empty());
    t.logs_attached = false;
    for name in [
        "sssd_example.com.log",
        "SSSD_PAM.LOG",
        "sssd_nss.log.1",
        "sssd_nss.log.gz",
        "/var/log/sssd/sssd_pam.log",
        "journalctl-nslcd.txt",
    ] {
        t.attachments = vec![Attachment::named(name)];
        assert!(details(&t).is_empty(), "{name}");
    }
    for name in ["sssd.conf", "syslog", "dump.zip"] {
        t.attachments = vec![Attachment::named(name)];
        assert_eq!(details(&t), [Detail::Logs], "{name}");
    }
}

/// A question or request needs only to say what it asks — its subject counts — and nothing
/// it does not have is asked of it.
#[test]
fn a_question_needs_only_to_say_what_it_asks() {
    for category in Category::ALL {
        if matches!(category, Category::Defect | Category::Integration) {
            continue;
        }
        let mut t = empty(category, AffectedSystem::Unknown);
        t.subject = "Which base DN should Jenkins use?".into();
        let items = checklist(&t);
        assert_eq!(items[0].state, ItemState::Received, "{category}");
        for i in &items[1..] {
            assert!(
                matches!(&i.state, ItemState::NotNeeded { why } if why.contains("question")),
                "{category}: {i:?}"
            );
        }
        assert!(missing_details(&t).is_empty(), "{category}");
        // Without anything to go on, the description is asked for and holds the work.
        t.subject = "Help".into();
        assert_eq!(blocking(&t), [Detail::Description], "{category}");
        assert!(
            request(&t, Detail::Description).starts_with("Please tell us what you would like"),
            "{category}"
        );
    }
}

/// Help connecting a resource is a question unless it reports a failure: then what was set
/// up, the error and the logs help, without holding it; an application has no log of ours.
#[test]
fn help_connecting_is_a_question_until_the_connection_fails() {
    let mut t = empty(Category::Integration, AffectedSystem::NoSystem);
    t.subject = "Jenkins".into();
    t.description = "We are connecting Jenkins over LDAP. Which base DN should Jenkins use?".into();
    assert!(missing_details(&t).is_empty(), "{:?}", checklist(&t));
    assert!(matches!(
        state(&t, Detail::ErrorMessages),
        ItemState::NotNeeded { .. }
    ));

    t.description = "Jenkins cannot bind over LDAP with its service account.".into();
    assert_eq!(
        details(&t),
        [Detail::Troubleshooting, Detail::ErrorMessages],
        "{:?}",
        checklist(&t)
    );
    assert!(blocking(&t).is_empty());
    assert!(request(&t, Detail::ErrorMessages).contains("the connection fails with"));
    assert!(matches!(
        state(&t, Detail::Logs),
        ItemState::NotNeeded { .. }
    ));
    // A host joined with SSSD is asked for SSSD's logs.
    t.system = sssd_host();
    assert!(request(&t, Detail::Logs).contains("/var/log/sssd/sssd_nss.log"));
    assert!(blocking(&t).is_empty());
    // An error message alone makes it a failing connection, too.
    t.description = "Setting up Jenkins over LDAP.".into();
    t.error_messages = "javax.naming.AuthenticationException: [LDAP: error code 49]".into();
    assert_eq!(details(&t), [Detail::Troubleshooting, Detail::Logs]);
    t.subject = String::new();
    t.description = "LDAP?".into();
    t.error_messages = String::new();
    assert_eq!(blocking(&t), [Detail::Description]);
}

#[test]
fn attachment_kinds_are_guessed_from_the_name() {
    use AttachmentKind::*;
    for (name, kind) in [
        ("screen.PNG", Screenshot),
        ("photo.jpeg", Screenshot),
        ("C:\\Users\\me\\Desktop\\error.jpg", Screenshot),
        ("capture.heic", Screenshot),
        ("sssd_nss.log", Log),
        ("sssd_pam.log.3", Log),
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
        "system": {"kind": "system", "os_family": "linux", "joined_via": "ldap_nslcd"}
    }))
    .unwrap();
    assert_eq!(
        t.system,
        AffectedSystem::System {
            os_family: OsFamily::Linux,
            joined_via: JoinMethod::LdapNslcd
        }
    );
    assert!(t.attachments.is_empty());
    let json = serde_json::to_value(missing_details(&t)).unwrap();
    assert_eq!(json[0]["detail"], "troubleshooting");
    assert_eq!(json[0]["blocking"], false);
    assert_eq!(json[2]["detail"], "logs");
    let t: TicketDetails =
        serde_json::from_value(serde_json::json!({"category": "how_to"})).unwrap();
    assert_eq!(t.system, AffectedSystem::Unknown);
    // Tickets stored before logs were asked per system named the item `agent_log`.
    let old: Vec<Detail> = serde_json::from_value(serde_json::json!(["agent_log"])).unwrap();
    assert_eq!(old, [Detail::Logs]);
}
