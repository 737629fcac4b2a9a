#![allow(clippy::unwrap_used, clippy::panic)]

use super::*;

fn result(method: &str, verdict: &str, props: &[(&str, &str)]) -> AuthResult {
    AuthResult {
        method: method.into(),
        result: verdict.into(),
        properties: props
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    }
}

fn mail_with(headers: Vec<AuthResults>) -> InboundMail {
    InboundMail {
        from: Some("ann@acme.test".into()),
        auth_results: headers,
        ..InboundMail::default()
    }
}

fn stamped(by: &str, results: Vec<AuthResult>) -> AuthResults {
    AuthResults {
        authserv_id: by.into(),
        results,
    }
}

fn trusted() -> Vec<String> {
    vec!["mx.skydir.test".into()]
}

#[test]
fn dmarc_pass_from_our_mail_server_verifies_the_sender() {
    let m = mail_with(vec![stamped(
        "mx.skydir.test",
        vec![result("dmarc", "pass", &[("header.from", "acme.test")])],
    )]);
    assert_eq!(
        sender_check(&m, "acme.test", &trusted()),
        SenderCheck::Verified {
            method: "dmarc".into()
        }
    );
}

#[test]
fn a_job_id_after_the_authserv_id_still_names_our_server() {
    let m = mail_with(vec![stamped(
        "mx.skydir.test/4F3C2",
        vec![result("dmarc", "pass", &[("header.from", "acme.test")])],
    )]);
    assert!(sender_check(&m, "acme.test", &trusted()).is_verified());
}

#[test]
fn results_stamped_by_anyone_else_are_ignored() {
    // A forger can write any header into the message before sending it.
    let m = mail_with(vec![stamped(
        "mx.attacker.test",
        vec![result("dmarc", "pass", &[("header.from", "acme.test")])],
    )]);
    let c = sender_check(&m, "acme.test", &trusted());
    assert!(!c.is_verified(), "{c:?}");
    // And with no trusted server configured, nothing is verified at all.
    let ours = mail_with(vec![stamped(
        "mx.skydir.test",
        vec![result("dmarc", "pass", &[("header.from", "acme.test")])],
    )]);
    assert!(!sender_check(&ours, "acme.test", &[]).is_verified());
}

#[test]
fn dmarc_for_another_domain_does_not_count() {
    let m = mail_with(vec![stamped(
        "mx.skydir.test",
        vec![result("dmarc", "pass", &[("header.from", "evil.test")])],
    )]);
    let c = sender_check(&m, "acme.test", &trusted());
    assert!(!c.is_verified());
}

#[test]
fn spf_and_dkim_both_aligned_verify_without_dmarc() {
    let both = mail_with(vec![stamped(
        "MX.skydir.test",
        vec![
            result("spf", "pass", &[("smtp.mailfrom", "bounce@mail.acme.test")]),
            result("dkim", "pass", &[("header.d", "acme.test")]),
        ],
    )]);
    assert_eq!(
        sender_check(&both, "acme.test", &trusted()),
        SenderCheck::Verified {
            method: "spf+dkim".into()
        }
    );
    let spf_only = mail_with(vec![stamped(
        "mx.skydir.test",
        vec![
            result("spf", "pass", &[("smtp.mailfrom", "acme.test")]),
            result("dkim", "fail", &[("header.d", "acme.test")]),
        ],
    )]);
    match sender_check(&spf_only, "acme.test", &trusted()) {
        SenderCheck::Unverified { reason } => assert!(reason.contains("dkim=fail"), "{reason}"),
        v => panic!("{v:?}"),
    }
    let unaligned_dkim = mail_with(vec![stamped(
        "mx.skydir.test",
        vec![
            result("spf", "pass", &[("smtp.mailfrom", "acme.test")]),
            result("dkim", "pass", &[("header.d", "bulkmailer.test")]),
        ],
    )]);
    assert!(!sender_check(&unaligned_dkim, "acme.test", &trusted()).is_verified());
}

#[test]
fn dmarc_fail_is_unverified_with_the_reason() {
    let m = mail_with(vec![stamped(
        "mx.skydir.test",
        vec![result("dmarc", "fail", &[("header.from", "acme.test")])],
    )]);
    match sender_check(&m, "acme.test", &trusted()) {
        SenderCheck::Unverified { reason } => assert!(reason.contains("dmarc=fail"), "{reason}"),
        v => panic!("{v:?}"),
    }
    let none = mail_with(vec![]);
    match sender_check(&none, "acme.test", &trusted()) {
        SenderCheck::Unverified { reason } => assert!(reason.contains("no authentication")),
        v => panic!("{v:?}"),
    }
}

#[test]
fn ticket_tags_round_trip_and_ignore_lookalikes() {
    assert_eq!(ticket_tag(1042), "[#1042]");
    assert_eq!(parse_ticket_tag("Re: [#1042] LDAP bind fails"), Some(1042));
    assert_eq!(parse_ticket_tag("RE: AW: Fwd: [#7]"), Some(7));
    assert_eq!(parse_ticket_tag("[#] [#x1] [#12a] then [#99]"), Some(99));
    assert_eq!(parse_ticket_tag("issue #1042"), None);
    assert_eq!(parse_ticket_tag("[#1234567890123456789012]"), None);
    assert_eq!(parse_ticket_tag(""), None);
}

#[test]
fn robots_are_recognized() {
    let mut m = InboundMail {
        from: Some("MAILER-DAEMON@mx.acme.test".into()),
        ..InboundMail::default()
    };
    assert!(m.is_automatic());
    m.from = Some("no-reply@vendor.test".into());
    assert!(m.is_automatic());
    m.from = Some("ann@acme.test".into());
    assert!(!m.is_automatic());
    m.automatic = true;
    assert!(m.is_automatic());
}

#[test]
fn duplicates_are_keyed_by_message_id_or_content() {
    let mut m = InboundMail {
        message_id: Some("abc@acme.test".into()),
        raw_sha256: [7; 32],
        ..InboundMail::default()
    };
    assert_eq!(m.dedupe_key(), "id:abc@acme.test");
    m.message_id = None;
    assert_eq!(m.dedupe_key(), format!("sha256:{}", "07".repeat(32)));
}

#[test]
fn debug_output_never_shows_addresses_or_text() {
    let m = InboundMail {
        from: Some("ann@acme.test".into()),
        subject: "secret subject".into(),
        text: "my phone is 555".into(),
        ..InboundMail::default()
    };
    let d = format!("{m:?}");
    assert!(
        !d.contains("ann@") && !d.contains("secret") && !d.contains("555"),
        "{d}"
    );
}
