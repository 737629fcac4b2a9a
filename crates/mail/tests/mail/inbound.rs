//! `parse` over realistic messages: one test per behaviour, asserting the parsed fields.

use crate::common::{fixture, parsed};
use jiff::Timestamp;
use sha2::{Digest, Sha256};
use skydir_core::support::{SenderCheck, parse_ticket_tag, sender_check};
use skydir_mail::{Limits, MailError, parse};

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn parse_str(raw: &str) -> Result<skydir_core::support::InboundMail, MailError> {
    parse(raw.as_bytes(), &Limits::default())
}

#[test]
fn a_reply_keeps_its_thread_sender_recipients_and_decoded_subject() {
    let raw = fixture("reply_encoded_subject.eml");
    let m = parsed("reply_encoded_subject.eml");
    assert_eq!(m.message_id.as_deref(), Some("CAF=reply-2@mail.acme.test"));
    assert_eq!(m.in_reply_to, vec!["ticket-1042-ack@desk.skydir.test"]);
    assert_eq!(
        m.references,
        vec![
            "CAF=orig-1@mail.acme.test",
            "ticket-1042-ack@desk.skydir.test"
        ]
    );
    assert_eq!(m.from.as_deref(), Some("ann@acme.test"));
    assert_eq!(m.from_name.as_deref(), Some("Ann Example"));
    // To, Cc, then Delivered-To and X-Original-To, which repeat To and are kept once.
    assert_eq!(
        m.recipients,
        vec![
            "support+acme@desk.skydir.test",
            "bob@acme.test",
            "it-team@acme.test"
        ]
    );
    assert_eq!(m.subject, "Re: [#1042] Anmeldung schlägt fehl – LDAP bind");
    assert_eq!(parse_ticket_tag(&m.subject), Some(1042));
    assert_eq!(m.date, Some(ts("2025-01-14T16:30:05Z")));
    assert!(
        m.text
            .starts_with("Hello,\n\nthe bind still fails after the upgrade to 2.4.1:\n"),
        "{:?}",
        m.text
    );
    assert!(!m.text.contains('\r'));
    assert!(m.attachments.is_empty());
    assert!(m.auth_results.is_empty());
    assert!(!m.is_automatic());
    assert_eq!(m.raw_len, raw.len() as u64);
    assert_eq!(m.raw_sha256, <[u8; 32]>::from(Sha256::digest(&raw)));
}

#[test]
fn delivered_to_and_x_original_to_count_as_recipients() {
    let m = parse_str(
        "From: ann@acme.test\nTo: all-staff@acme.test\nDelivered-To: support+acme@desk.skydir.test\n\
         X-Original-To: <desk@skydir.test>\nSubject: hi\n\nhello\n",
    )
    .unwrap();
    assert_eq!(
        m.recipients,
        vec![
            "all-staff@acme.test",
            "support+acme@desk.skydir.test",
            "desk@skydir.test"
        ]
    );
}

#[test]
fn an_html_message_with_an_empty_plain_part_is_read_from_its_html() {
    let m = parsed("alternative_html.eml");
    assert_eq!(m.from_name.as_deref(), Some("Zoë Lee"));
    for expected in [
        "Since this morning none of our users can log in.",
        "Version: 2.4.1",
        "120",
        "Thanks & regards",
        "Zoë",
    ] {
        assert!(m.text.contains(expected), "{expected:?} in {:?}", m.text);
    }
    assert!(!m.text.contains('<'), "{:?}", m.text);
    assert!(!m.text.contains("color: red"), "{:?}", m.text);
    assert!(m.attachments.is_empty());
}

#[test]
fn attachments_are_decoded_with_their_names_and_types() {
    let m = parsed("mixed_attachments.eml");
    assert_eq!(m.text, "Screenshot and agent log attached. Ünicode test.\n");
    assert_eq!(m.attachments.len(), 2, "{:?}", m.attachments);

    // Base64, inline with a Content-ID: an inline image is an attachment too.
    let png = &m.attachments[0];
    assert_eq!(png.filename, "screenshot.png");
    assert_eq!(png.content_type, "image/png");
    assert_eq!(png.content, fixture("expected/screenshot.png"));

    // Quoted-printable, named only by `Content-Type; name=`.
    let log = &m.attachments[1];
    assert_eq!(log.filename, "skydir-agent.log");
    assert_eq!(log.content_type, "text/plain");
    let expected = String::from_utf8(fixture("expected/skydir-agent.log"))
        .unwrap()
        .replace('\n', "\r\n");
    assert_eq!(String::from_utf8(log.content.clone()).unwrap(), expected);
}

#[test]
fn every_authentication_results_header_is_kept_in_order_and_only_ours_is_trusted() {
    let m = parsed("three_auth_results.eml");
    let ids: Vec<&str> = m
        .auth_results
        .iter()
        .map(|h| h.authserv_id.as_str())
        .collect();
    assert_eq!(
        ids,
        ["mx.skydir.test", "mx.relay.example", "desk.skydir.test"]
    );
    let ours = &m.auth_results[0].results;
    assert_eq!(
        ours.iter()
            .map(|r| (r.method.as_str(), r.result.as_str()))
            .collect::<Vec<_>>(),
        [("dkim", "pass"), ("spf", "softfail"), ("dmarc", "fail")]
    );
    assert_eq!(ours[0].property("header.d"), Some("relay.example"));
    assert_eq!(ours[1].property("smtp.mailfrom"), Some("ann@acme.test"));

    // The sender wrote the last header themselves, under a look-alike id, claiming a pass.
    let forged = &m.auth_results[2].results;
    assert!(
        forged
            .iter()
            .any(|r| r.method == "dmarc" && r.result == "pass")
    );
    let check = sender_check(&m, "acme.test", &["mx.skydir.test".to_owned()]);
    match check {
        SenderCheck::Unverified { reason } => assert!(reason.contains("dmarc=fail"), "{reason}"),
        other => panic!("a forged header verified the sender: {other:?}"),
    }
}

#[test]
fn an_auto_reply_is_automatic() {
    let m = parsed("auto_reply.eml");
    assert!(m.automatic);
    assert!(m.is_automatic());
    assert_eq!(m.in_reply_to, vec!["ticket-1042-ack@desk.skydir.test"]);
    assert_eq!(m.date, Some(ts("2025-01-17T15:00:00Z")));
}

#[test]
fn a_bounce_is_automatic_and_keeps_its_report_and_the_returned_message() {
    let m = parsed("bounce.eml");
    assert!(m.automatic);
    assert_eq!(m.from.as_deref(), Some("MAILER-DAEMON@mx.acme.test"));
    assert!(
        m.text
            .contains("could not\nbe delivered to one or more recipients"),
        "{:?}",
        m.text
    );
    let types: Vec<&str> = m
        .attachments
        .iter()
        .map(|a| a.content_type.as_str())
        .collect();
    assert_eq!(types, ["message/delivery-status", "message/rfc822"]);
    let report = String::from_utf8_lossy(&m.attachments[0].content);
    assert!(report.contains("Status: 5.1.1"), "{report}");
    let returned = String::from_utf8_lossy(&m.attachments[1].content);
    assert!(
        returned.contains("Message-ID: <ticket-1042-ack@desk.skydir.test>"),
        "{returned}"
    );
}

#[test]
fn a_multipart_report_is_automatic_even_without_auto_submitted() {
    let raw = String::from_utf8(fixture("bounce.eml"))
        .unwrap()
        .replace("Auto-Submitted: auto-replied\n", "");
    assert!(!raw.contains("Auto-Submitted"));
    assert!(parse_str(&raw).unwrap().automatic);
}

#[test]
fn a_message_without_message_id_is_recognized_by_its_hash() {
    let raw = fixture("no_message_id.eml");
    let m = parsed("no_message_id.eml");
    assert_eq!(m.message_id, None);
    assert_eq!(m.from.as_deref(), Some("carl@initech.test"));
    assert_eq!(m.from_name, None);
    assert_eq!(
        m.dedupe_key(),
        format!("sha256:{}", hex_of(&Sha256::digest(&raw)))
    );
}

fn hex_of(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn windows_1252_text_and_headers_become_unicode() {
    let m = parsed("windows_1252.eml");
    assert_eq!(m.subject, "“Café” login fails");
    assert_eq!(m.from_name.as_deref(), Some("Jörg Müller"));
    assert_eq!(
        m.text,
        "The “Café” kiosk login fails; the fee is 5 € per seat.\nGrüße, Jörg\n"
    );
}

#[test]
fn robots_are_recognized_by_their_headers() {
    let with = |header: &str| {
        parse_str(&format!(
            "From: ann@acme.test\nMessage-ID: <x@acme.test>\n{header}\nSubject: s\n\nbody\n"
        ))
        .unwrap()
        .automatic
    };
    assert!(with("Auto-Submitted: auto-generated"));
    assert!(with(
        "Auto-Submitted: auto-notified; owner-email=\"a@b.test\""
    ));
    assert!(!with("Auto-Submitted: no"));
    assert!(!with("Auto-Submitted: No (sent by a person)"));
    assert!(with("Precedence: bulk"));
    assert!(with("Precedence: JUNK"));
    assert!(with("Precedence: list"));
    assert!(!with("Precedence: first-class"));
    assert!(with("List-Id: Acme staff <staff.acme.test>"));
    assert!(!with("X-Mailer: Thunderbird"));
}

#[test]
fn a_bad_date_is_no_date() {
    for date in [
        "Date: yesterday",
        "Date: Mon, 31 Feb 2025 10:00:00 +0000",
        "Date:",
    ] {
        let m = parse_str(&format!("From: ann@acme.test\n{date}\n\nbody\n")).unwrap();
        assert_eq!(m.date, None, "{date}");
    }
    let m = parse_str("From: a@acme.test\nDate: 1 Mar 2025 23:59:60 -0330\n\nbody\n").unwrap();
    assert_eq!(m.date, Some(ts("2025-03-02T03:29:59Z")));
}

#[test]
fn a_message_over_the_limit_is_refused_before_parsing() {
    let raw = fixture("no_message_id.eml");
    let limit = raw.len() as u64 - 1;
    match parse(
        &raw,
        &Limits {
            max_message_bytes: limit,
        },
    ) {
        Err(MailError::TooLarge { size, limit: l }) => {
            assert_eq!((size, l), (raw.len() as u64, limit));
        }
        other => panic!("{other:?}"),
    }
    assert!(
        parse(
            &raw,
            &Limits {
                max_message_bytes: raw.len() as u64
            }
        )
        .is_ok()
    );
    assert_eq!(Limits::default().max_message_bytes, 40 * 1024 * 1024);
}

#[test]
fn what_is_not_a_message_is_refused_with_the_reason() {
    let reason = |raw: &str| match parse_str(raw) {
        Err(MailError::NotAMessage { reason }) => reason,
        other => panic!("{raw:?} gave {other:?}"),
    };
    assert_eq!(reason(""), "the input is empty");
    assert_eq!(reason(" \r\n\t\n"), "the input is empty");
    assert_eq!(reason("hello world\n"), "it has no header fields");
    assert_eq!(
        reason("Subject: hi\nX-Note: nothing else\n\n  \n"),
        "it has no From, no Message-ID and no body"
    );
    // Any one of them is enough to be a message.
    assert!(parse_str("Message-ID: <a@b>\n\n").is_ok());
    assert!(parse_str("From: a@b.test\n\n").is_ok());
    assert!(parse_str("Subject: hi\n\nbody\n").is_ok());
}

#[test]
fn nested_messages_with_broken_boundaries_do_not_panic() {
    // Found by the fuzzer: mail-parser 0.11.9 reaches a `debug_assert!` on it, which panics in
    // debug builds. The message must be refused or read, never crash the caller.
    for raw in [
        fixture("damaged_nested_rfc822.eml"),
        b"From: a@b.test\nContent-Type: multipart/mixed; boundary=\"b\"\n\n--b\n\
          Content-Type: message/rfc822\n\ne\nContent-Type: message/rfc822\n\nx\n\n--b--\n"
            .to_vec(),
    ] {
        if let Err(e) = parse(&raw, &Limits::default()) {
            assert!(matches!(e, MailError::NotAMessage { .. }), "{e:?}");
        }
    }
}
