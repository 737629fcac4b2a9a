//! `render`: the headers a conforming message needs, typed errors, and what the parser reads
//! back from it.

use crate::common::outbound;
use skydir_mail::{Limits, MailError, parse, render};

const HOST: &str = "desk.skydir.test";

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

/// The header block, unfolded, one field per entry.
fn headers(rendered: &str) -> Vec<String> {
    let head = rendered.split("\r\n\r\n").next().unwrap();
    let mut out: Vec<String> = Vec::new();
    for line in head.split("\r\n") {
        if line.starts_with([' ', '\t']) {
            out.last_mut().unwrap().push_str(line);
        } else {
            out.push(line.to_owned());
        }
    }
    out
}

fn header<'a>(all: &'a [String], name: &str) -> Option<&'a str> {
    all.iter()
        .find_map(|h| h.strip_prefix(&format!("{name}: ")))
}

#[test]
fn a_rendered_message_has_every_header_it_needs() {
    let rendered = text(&render(&outbound(), HOST).unwrap());
    assert!(rendered.is_ascii(), "the message must be 7-bit clean");
    assert!(rendered.lines().all(|l| l.len() <= 998));
    let h = headers(&rendered);
    assert_eq!(
        header(&h, "From"),
        Some("\"skydir Support\" <support@desk.skydir.test>")
    );
    assert_eq!(
        header(&h, "To"),
        Some("\"Ann Example\" <ann@acme.test>, bob@acme.test")
    );
    assert_eq!(
        header(&h, "Message-ID"),
        Some("<ticket-1042-ack.7f3a@desk.skydir.test>")
    );
    assert_eq!(
        header(&h, "In-Reply-To"),
        Some("<CAF=orig-1@mail.acme.test>")
    );
    assert_eq!(
        header(&h, "References"),
        Some("<CAF=orig-0@mail.acme.test> <CAF=orig-1@mail.acme.test>")
    );
    assert_eq!(header(&h, "Date"), Some("Tue, 14 Jan 2025 16:30:05 +0000"));
    assert_eq!(header(&h, "Auto-Submitted"), Some("auto-replied"));
    assert_eq!(header(&h, "MIME-Version"), Some("1.0"));
    assert_eq!(
        header(&h, "Content-Type"),
        Some("text/plain; charset=utf-8")
    );
    let subject = header(&h, "Subject").unwrap();
    assert!(subject.starts_with("[#1042] "), "{subject}");
    assert!(subject.contains("=?utf-8?"), "{subject}");
}

#[test]
fn the_parser_reads_back_what_was_rendered() {
    let mail = outbound();
    let back = parse(&render(&mail, HOST).unwrap(), &Limits::default()).unwrap();
    assert_eq!(back.subject, mail.subject);
    assert_eq!(back.text, mail.text);
    assert_eq!(back.message_id.as_deref(), Some(mail.message_id.as_str()));
    assert_eq!(back.in_reply_to, vec![mail.in_reply_to.clone().unwrap()]);
    assert_eq!(back.references, mail.references);
    assert_eq!(back.recipients, ["ann@acme.test", "bob@acme.test"]);
    assert_eq!(back.from.as_deref(), Some("support@desk.skydir.test"));
    assert_eq!(back.date, Some(mail.created_at));
    assert!(back.automatic);
}

#[test]
fn a_personal_answer_is_not_marked_automatic() {
    let mail = skydir_core::support::OutboundMail {
        auto_reply: false,
        in_reply_to: None,
        references: vec![],
        ..outbound()
    };
    let rendered = text(&render(&mail, HOST).unwrap());
    let h = headers(&rendered);
    assert_eq!(header(&h, "Auto-Submitted"), None);
    assert_eq!(header(&h, "In-Reply-To"), None);
    assert_eq!(header(&h, "References"), None);
    assert!(
        !parse(rendered.as_bytes(), &Limits::default())
            .unwrap()
            .automatic
    );
}

#[test]
fn invalid_addresses_are_named_by_field_and_position() {
    let bad_from = skydir_core::support::OutboundMail {
        from: "not an address".into(),
        ..outbound()
    };
    assert!(matches!(
        render(&bad_from, HOST),
        Err(MailError::InvalidAddress {
            field: "from",
            position: None
        })
    ));
    let bad_to = skydir_core::support::OutboundMail {
        to: vec!["ann@acme.test".into(), "bob@".into()],
        ..outbound()
    };
    let err = render(&bad_to, HOST).unwrap_err();
    assert!(matches!(
        err,
        MailError::InvalidAddress {
            field: "to",
            position: Some(2)
        }
    ));
    assert!(!err.to_string().contains("bob"), "{err}");
    let nobody = skydir_core::support::OutboundMail {
        to: vec![],
        ..outbound()
    };
    assert!(matches!(
        render(&nobody, HOST),
        Err(MailError::NoRecipients)
    ));
}

#[test]
fn our_message_id_must_be_writable_and_a_missing_one_is_derived_from_the_mail_id() {
    for id in ["two words@desk", "<x@desk>", "naïve@desk"] {
        let mail = skydir_core::support::OutboundMail {
            message_id: id.into(),
            ..outbound()
        };
        assert!(
            matches!(render(&mail, HOST), Err(MailError::InvalidMessageId)),
            "{id}"
        );
    }
    let mail = skydir_core::support::OutboundMail {
        message_id: String::new(),
        ..outbound()
    };
    let rendered = text(&render(&mail, HOST).unwrap());
    let expected = format!("<{}@{HOST}>", mail.id);
    assert_eq!(
        header(&headers(&rendered), "Message-ID"),
        Some(expected.as_str())
    );
    assert_eq!(rendered, text(&render(&mail, HOST).unwrap()), "stable");
    assert!(matches!(
        render(&mail, "bad host"),
        Err(MailError::InvalidHostname)
    ));
}

#[test]
fn threading_ids_that_cannot_be_written_are_left_out() {
    let mail = skydir_core::support::OutboundMail {
        in_reply_to: Some("has space@x".into()),
        references: vec!["ok@x".into(), "".into(), "<bracketed@x>".into()],
        ..outbound()
    };
    let h = headers(&text(&render(&mail, HOST).unwrap()));
    assert_eq!(header(&h, "In-Reply-To"), None);
    assert_eq!(header(&h, "References"), Some("<ok@x>"));
}

#[test]
fn a_subject_cannot_inject_headers() {
    let mail = skydir_core::support::OutboundMail {
        subject: "hello\r\nBcc: victim@evil.test".into(),
        ..outbound()
    };
    let rendered = text(&render(&mail, HOST).unwrap());
    assert!(!headers(&rendered).iter().any(|h| h.starts_with("Bcc:")));
    let back = parse(rendered.as_bytes(), &Limits::default()).unwrap();
    assert_eq!(back.subject, "hello  Bcc: victim@evil.test");
}

#[test]
fn a_date_before_1970_cannot_be_written() {
    let mail = skydir_core::support::OutboundMail {
        created_at: "1969-12-31T23:59:59Z".parse().unwrap(),
        ..outbound()
    };
    assert!(matches!(
        render(&mail, HOST),
        Err(MailError::InvalidDate { .. })
    ));
}

#[test]
fn the_body_is_whole_lines() {
    let mail = skydir_core::support::OutboundMail {
        text: "no final line end".into(),
        ..outbound()
    };
    let rendered = render(&mail, HOST).unwrap();
    assert!(rendered.ends_with(b"\r\n\r\nno final line end\r\n"));
    let back = parse(&rendered, &Limits::default()).unwrap();
    assert_eq!(back.text, "no final line end\n");
}

#[test]
fn one_recipient_entry_holds_one_address() {
    for entry in [
        "ann@acme.test, bob@acme.test",
        "ann@acme.test bob@acme.test",
        "Ann <ann@acme.test> x",
    ] {
        let mail = skydir_core::support::OutboundMail {
            to: vec![entry.into()],
            ..outbound()
        };
        assert!(
            matches!(
                render(&mail, HOST),
                Err(MailError::InvalidAddress {
                    field: "to",
                    position: Some(1)
                })
            ),
            "{entry}"
        );
    }
}
