//! Property-based fuzzing of the LDAP input path (`skydir_ldap::fuzzing::exercise`) on stable
//! Rust — random bytes, and valid PDUs with bytes flipped, cut or inserted — plus the regression
//! test for GHSA-qcxq-75wr-5cm8 (deeply nested filters exhausting the stack). The same function
//! is the cargo-fuzz target in `fuzz/`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use bytes::BytesMut;
use ldap3_proto::LdapCodec;
use ldap3_proto::control::LdapControl;
use ldap3_proto::proto::*;
use proptest::prelude::*;
use skydir_ldap::fuzzing::{deeply_nested_search, exercise};
use tokio_util::codec::Encoder;

fn encode(msg: LdapMsg) -> Vec<u8> {
    let mut buf = BytesMut::new();
    LdapCodec::default().encode(msg, &mut buf).unwrap();
    buf.to_vec()
}

fn seeds() -> Vec<Vec<u8>> {
    let search = LdapMsg {
        msgid: 2,
        op: LdapOp::SearchRequest(LdapSearchRequest {
            base: "o=acme,dc=skydir".into(),
            scope: LdapSearchScope::Subtree,
            aliases: LdapDerefAliases::Never,
            sizelimit: 0,
            timelimit: 0,
            typesonly: false,
            filter: LdapFilter::And(vec![
                LdapFilter::Equality("objectClass".into(), "posixAccount".into()),
                LdapFilter::Or(vec![
                    LdapFilter::Substring(
                        "cn".into(),
                        LdapSubstringFilter {
                            initial: Some("al".into()),
                            any: vec!["i".into()],
                            final_: Some("ll".into()),
                        },
                    ),
                    LdapFilter::Not(Box::new(LdapFilter::GreaterOrEqual(
                        "uidNumber".into(),
                        "10".into(),
                    ))),
                    LdapFilter::Present("mail".into()),
                    LdapFilter::Approx("sn".into(), "liddel".into()),
                ]),
            ]),
            attrs: vec!["uid".into(), "+".into()],
        }),
        ctrl: vec![LdapControl::SimplePagedResults {
            size: 10,
            cookie: vec![0, 0, 0, 0, 0, 0, 0, 5],
        }],
    };
    let bind = LdapMsg {
        msgid: 1,
        op: LdapOp::BindRequest(LdapBindRequest {
            version: 3,
            dn: "uid=alice,ou=users,o=acme,dc=skydir".into(),
            cred: LdapBindCred::Simple("secret".into()),
        }),
        ctrl: vec![],
    };
    let passwd = LdapMsg {
        msgid: 3,
        op: LdapOp::ExtendedRequest(
            LdapPasswordModifyRequest {
                user_identity: Some("dn:uid=alice,ou=users,o=acme,dc=skydir".into()),
                old_password: Some("old".into()),
                new_password: Some("new".into()),
            }
            .into(),
        ),
        ctrl: vec![],
    };
    let compare = LdapMsg {
        msgid: 4,
        op: LdapOp::CompareRequest(LdapCompareRequest {
            dn: "cn=eng,ou=groups,o=acme,dc=skydir".into(),
            atype: "member".into(),
            val: b"uid=alice,ou=users,o=acme,dc=skydir".to_vec(),
        }),
        ctrl: vec![],
    };
    vec![
        encode(bind),
        encode(search),
        encode(passwd),
        encode(compare),
    ]
}

#[test]
fn the_seeds_decode() {
    for s in seeds() {
        assert_eq!(exercise(&s), 1);
    }
    assert_eq!(exercise(&seeds().concat()), 4);
}

/// GHSA-qcxq-75wr-5cm8: a filter nested 100,000 deep must be refused, not recursed into. Run
/// on a thread with a small stack, so any unbounded recursion shows up as a crash here.
#[test]
fn a_hundred_thousand_nested_filters_are_refused_without_exhausting_the_stack() {
    let pdu = deeply_nested_search(100_000);
    assert!(pdu.len() < 1024 * 1024, "under the server's size limit");
    let decoded = std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(move || {
            let mut codec = LdapCodec::new(Some(1024 * 1024), None);
            let mut buf = BytesMut::from(&pdu[..]);
            tokio_util::codec::Decoder::decode(&mut codec, &mut buf).is_ok()
        })
        .unwrap()
        .join()
        .unwrap();
    assert!(!decoded, "the codec must refuse the nesting");
    // A legitimate depth still works.
    assert_eq!(exercise(&deeply_nested_search(50)), 1);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 4000, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(data in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = exercise(&data);
    }

    #[test]
    fn mutated_pdus_never_panic(
        which in 0usize..4,
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0u8..3), 1..8),
    ) {
        let mut data = seeds()[which].clone();
        for (at, byte, kind) in edits {
            if data.is_empty() {
                break;
            }
            let i = at.index(data.len());
            match kind {
                0 => data[i] = byte,
                1 => data.insert(i, byte),
                _ => data.truncate(i),
            }
        }
        let _ = exercise(&data);
    }
}
