//! Properties: the parser survives anything, and what the desk renders comes back intact.

use crate::common::{FIXTURES, fixture};
use jiff::Timestamp;
use proptest::prelude::*;
use skydir_core::ids::MailId;
use skydir_core::support::OutboundMail;
use skydir_mail::{Limits, parse, parse_authentication_results, render};

/// Every attachment is a MIME part, and every part but the root starts after a `--` boundary.
fn check_invariants(raw: &[u8]) {
    if let Ok(m) = parse(raw, &Limits::default()) {
        let dashes = raw.windows(2).filter(|w| w == b"--").count();
        assert!(m.attachments.len() <= dashes + 1);
        assert_eq!(m.raw_len, raw.len() as u64);
    }
}

#[derive(Debug, Clone)]
enum Mutation {
    Flip(usize, u8),
    Insert(usize, Vec<u8>),
    Delete(usize, usize),
    Truncate(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let interesting = prop::sample::select(vec![
        b"--".to_vec(),
        b"\r\n".to_vec(),
        b"\n\n".to_vec(),
        b"=?UTF-8?B?".to_vec(),
        b"?=".to_vec(),
        b"Content-Type: multipart/mixed; boundary=x\n".to_vec(),
        b"Content-Transfer-Encoding: base64\n".to_vec(),
        b"(".to_vec(),
        b"\"".to_vec(),
        b";".to_vec(),
        b"=".to_vec(),
        vec![0xff, 0xfe, 0x00],
    ]);
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::Flip(i, b)),
        (any::<usize>(), interesting).prop_map(|(i, s)| Mutation::Insert(i, s)),
        (any::<usize>(), 0usize..64).prop_map(|(i, n)| Mutation::Delete(i, n)),
        any::<usize>().prop_map(Mutation::Truncate),
    ]
}

fn apply(raw: &mut Vec<u8>, m: &Mutation) {
    if raw.is_empty() {
        return;
    }
    let at = |i: usize| i % raw.len();
    match m {
        Mutation::Flip(i, b) => {
            let i = at(*i);
            raw[i] = *b;
        }
        Mutation::Insert(i, s) => {
            let i = at(*i);
            raw.splice(i..i, s.iter().copied());
        }
        Mutation::Delete(i, n) => {
            let i = at(*i);
            let end = (i + n).min(raw.len());
            raw.drain(i..end);
        }
        Mutation::Truncate(i) => {
            let i = at(*i);
            raw.truncate(i);
        }
    }
}

fn word() -> impl Strategy<Value = String> {
    prop_oneof![
        "[A-Za-z0-9#\\[\\]:,.!?-]{1,12}",
        "[a-zäöüßéèçñøå]{1,10}",
        "[Ѐ-ӿ]{1,8}",
        "[一-龥]{1,6}",
        prop::sample::select(vec!["🙂".to_owned(), "–".to_owned(), "“quoted”".to_owned()]),
    ]
}

fn msg_id() -> impl Strategy<Value = String> {
    "[A-Za-z0-9._=+-]{1,24}@[a-z0-9-]{1,12}\\.[a-z]{2,6}"
}

fn outbound_mail() -> impl Strategy<Value = OutboundMail> {
    (
        prop::collection::vec(word(), 1..12),
        prop::collection::vec("[ -~äöü€]{0,100}", 0..8),
        msg_id(),
        prop::option::of(msg_id()),
        prop::collection::vec(msg_id(), 0..6),
        prop::collection::btree_set("[a-z]{1,8}(\\+[a-z0-9]{1,5})?@[a-z]{1,8}\\.test", 1..4),
        any::<bool>(),
        0i64..4_000_000_000,
    )
        .prop_map(
            |(subject, lines, message_id, in_reply_to, references, to, auto_reply, secs)| {
                OutboundMail {
                    id: MailId::from_random([1; 16]),
                    org: None,
                    ticket: None,
                    from: "support@desk.skydir.test".into(),
                    to: to.into_iter().collect(),
                    subject: subject.join(" "),
                    text: lines.iter().map(|l| format!("{l}\n")).collect(),
                    message_id,
                    in_reply_to,
                    references,
                    auto_reply,
                    created_at: Timestamp::from_second(secs).unwrap(),
                }
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn parse_never_panics_on_arbitrary_bytes(raw in prop::collection::vec(any::<u8>(), 0..4096)) {
        check_invariants(&raw);
    }

    #[test]
    fn parse_never_panics_on_mutated_fixtures(
        which in 0..FIXTURES.len(),
        mutations in prop::collection::vec(mutation(), 1..12),
    ) {
        let mut raw = fixture(FIXTURES[which]);
        for m in &mutations {
            apply(&mut raw, m);
        }
        check_invariants(&raw);
    }

    #[test]
    fn the_auth_results_parser_never_panics(value in "\\PC{0,300}", bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        let _ = parse_authentication_results(&value);
        let _ = parse_authentication_results(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn what_is_rendered_parses_back_the_same(mail in outbound_mail()) {
        let rendered = render(&mail, "desk.skydir.test").unwrap();
        let back = parse(&rendered, &Limits::default()).unwrap();
        prop_assert_eq!(&back.subject, &mail.subject);
        // Line ends at the very end of the text are not kept (a text of one empty line reads
        // back empty); everything before them is.
        prop_assert_eq!(back.text.trim_end_matches('\n'), mail.text.trim_end_matches('\n'));
        prop_assert_eq!(back.message_id.as_deref(), Some(mail.message_id.as_str()));
        prop_assert_eq!(back.in_reply_to, mail.in_reply_to.clone().into_iter().collect::<Vec<_>>());
        prop_assert_eq!(&back.references, &mail.references);
        prop_assert_eq!(&back.recipients, &mail.to);
        prop_assert_eq!(back.automatic, mail.auto_reply);
        prop_assert_eq!(back.date, Some(mail.created_at));
    }
}
