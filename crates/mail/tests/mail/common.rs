//! Fixtures and a sample outbound mail shared by the tests.

use jiff::Timestamp;
use skydir_core::ids::MailId;
use skydir_core::support::{InboundMail, OutboundMail};
use skydir_mail::{Limits, parse};
use std::path::PathBuf;

pub const FIXTURES: &[&str] = &[
    "reply_encoded_subject.eml",
    "alternative_html.eml",
    "mixed_attachments.eml",
    "three_auth_results.eml",
    "auto_reply.eml",
    "bounce.eml",
    "no_message_id.eml",
    "windows_1252.eml",
];

pub fn fixture_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

pub fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(fixture_path(name)).unwrap()
}

pub fn parsed(name: &str) -> InboundMail {
    parse(&fixture(name), &Limits::default()).unwrap()
}

/// An acknowledgement the desk sends for ticket 1042.
pub fn outbound() -> OutboundMail {
    OutboundMail {
        id: MailId::from_random([7; 16]),
        org: None,
        ticket: None,
        from: "skydir Support <support@desk.skydir.test>".into(),
        to: vec![
            "Ann Example <ann@acme.test>".into(),
            "bob@acme.test".into(),
        ],
        subject: "[#1042] Anmeldung schlägt fehl – wir kümmern uns".into(),
        text: "Hello Ann,\n\nwe received your request and will answer within 4 business hours.\n\n-- \nskydir Support\n".into(),
        message_id: "ticket-1042-ack.7f3a@desk.skydir.test".into(),
        in_reply_to: Some("CAF=orig-1@mail.acme.test".into()),
        references: vec![
            "CAF=orig-0@mail.acme.test".into(),
            "CAF=orig-1@mail.acme.test".into(),
        ],
        auto_reply: true,
        created_at: "2025-01-14T16:30:05Z".parse::<Timestamp>().unwrap(),
    }
}
