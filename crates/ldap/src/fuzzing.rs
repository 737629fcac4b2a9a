//! The path every byte from the network takes — PDU decoding, then DN parsing, filter
//! evaluation, attribute selection and compare's value assertions — as one function, so the cargo-fuzz target in `fuzz/`
//! and the property tests in `tests/fuzz.rs` exercise exactly what a connection does.
//! It must never panic, overflow the stack or allocate without bound, whatever the input.

use crate::dn::Dn;
use crate::entry::Entry;
use crate::filter;
use crate::ops::compare;
use crate::ops::search::project;
use bytes::BytesMut;
use ldap3_proto::LdapCodec;
use ldap3_proto::proto::{LdapOp, LdapPasswordModifyRequest};
use tokio_util::codec::Decoder;

/// Largest PDU the harness accepts (as a connection with a small limit would).
pub const MAX_PDU: usize = 64 * 1024;

fn sample() -> Entry {
    Entry::builder("uid=alice,ou=users,o=acme,dc=skydir")
        .with("objectClass", ["top", "inetOrgPerson", "posixAccount"])
        .with("uid", ["alice"])
        .with("cn", ["Alice Liddell"])
        .with("mail", ["alice@example.com"])
        .with("uidNumber", ["10000"])
        .with("memberOf", ["cn=eng,ou=groups,o=acme,dc=skydir"])
        .build()
}

/// Decodes every PDU in `data` and runs what the server would run on each. Returns how many
/// PDUs decoded (the rest of the input is dropped at the first error, as a connection is).
pub fn exercise(data: &[u8]) -> usize {
    let mut codec = LdapCodec::new(Some(MAX_PDU), None);
    let mut buf = BytesMut::from(data);
    let entry = sample();
    let mut n = 0;
    while let Ok(Some(msg)) = codec.decode(&mut buf) {
        n += 1;
        match &msg.op {
            LdapOp::SearchRequest(req) => {
                let _ = Dn::parse(&req.base);
                if filter::matches(&req.filter, &entry) {
                    let _ = project(&entry, &req.attrs, req.typesonly);
                }
            }
            LdapOp::BindRequest(req) => {
                let _ = Dn::parse(&req.dn);
            }
            LdapOp::CompareRequest(req) => {
                let _ = Dn::parse(&req.dn);
                let _ = compare::assert_on(&entry, &req.atype, &req.val);
            }
            LdapOp::ExtendedRequest(req) => {
                let _ = LdapPasswordModifyRequest::try_from(req);
            }
            _ => {}
        }
    }
    n
}

/// BER for a search request (message id 7) whose filter is `depth` NOTs around `(uid=*)`, built without recursion.
pub fn deeply_nested_search(depth: usize) -> Vec<u8> {
    fn len(n: usize) -> Vec<u8> {
        if n < 0x80 {
            vec![n as u8]
        } else {
            let b = (n as u64).to_be_bytes();
            let skip = b.iter().take_while(|x| **x == 0).count();
            let mut v = vec![0x80 | (8 - skip) as u8];
            v.extend_from_slice(&b[skip..]);
            v
        }
    }
    let inner = vec![0x87, 3, b'u', b'i', b'd']; // present uid
    let mut lens = vec![inner.len()];
    for _ in 0..depth {
        let l = *lens.last().unwrap_or(&0);
        lens.push(1 + len(l).len() + l);
    }
    let mut filter = Vec::with_capacity(*lens.last().unwrap_or(&0));
    for k in (0..depth).rev() {
        filter.push(0xA2); // [2] NOT, constructed
        filter.extend(len(lens[k]));
    }
    filter.extend(inner);
    let mut body = vec![
        0x04, 0x00, 0x0A, 0x01, 0x02, 0x0A, 0x01, 0x00, 0x02, 0x01, 0x00,
    ];
    body.extend([0x02, 0x01, 0x00, 0x01, 0x01, 0x00]);
    body.extend(filter);
    body.extend([0x30, 0x00]);
    let mut op = vec![0x63];
    op.extend(len(body.len()));
    op.extend(body);
    let mut msg = vec![0x02, 0x01, 0x07];
    msg.extend(op);
    let mut out = vec![0x30];
    out.extend(len(msg.len()));
    out.extend(msg);
    out
}
