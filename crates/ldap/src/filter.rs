//! Search filter evaluation (RFC 4511 §4.5.1.7) with LDAP's three-valued logic: a filter on an
//! attribute the entry lacks, or with an assertion the attribute's syntax cannot hold, is
//! *Undefined* — and `!(Undefined)` is still Undefined, so `(!(uidNumber=abc))` matches nothing,
//! exactly as in OpenLDAP. Values compare by the attribute's matching rule from [`schema`].

use crate::dn::{Dn, normalize_value};
use crate::entry::{Attr, Entry};
use crate::schema::{self, Matching};
use ldap3_proto::proto::{LdapFilter, LdapSubstringFilter};
use std::cmp::Ordering;

/// Deepest nesting of and/or/not a filter may have (decoding already bounds BER depth).
pub const MAX_DEPTH: usize = 128;

/// The outcome of a filter on one entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tri {
    True,
    False,
    Undefined,
}

impl Tri {
    fn from_bool(b: bool) -> Self {
        if b { Tri::True } else { Tri::False }
    }
}

/// True when `filter` evaluates to TRUE on `entry`.
pub fn matches(filter: &LdapFilter, entry: &Entry) -> bool {
    eval(filter, entry, 0) == Tri::True
}

/// Evaluates `filter` on `entry`.
pub fn eval(filter: &LdapFilter, entry: &Entry, depth: usize) -> Tri {
    if depth > MAX_DEPTH {
        return Tri::Undefined;
    }
    match filter {
        LdapFilter::And(parts) => {
            let mut out = Tri::True;
            for p in parts {
                match eval(p, entry, depth + 1) {
                    Tri::False => return Tri::False,
                    Tri::Undefined => out = Tri::Undefined,
                    Tri::True => {}
                }
            }
            out
        }
        LdapFilter::Or(parts) => {
            let mut out = Tri::False;
            for p in parts {
                match eval(p, entry, depth + 1) {
                    Tri::True => return Tri::True,
                    Tri::Undefined => out = Tri::Undefined,
                    Tri::False => {}
                }
            }
            out
        }
        LdapFilter::Not(inner) => match eval(inner, entry, depth + 1) {
            Tri::True => Tri::False,
            Tri::False => Tri::True,
            Tri::Undefined => Tri::Undefined,
        },
        LdapFilter::Present(attr) => Tri::from_bool(present(entry, attr)),
        LdapFilter::Equality(attr, value) => {
            compare_each(entry, attr, value, |o| o == Ordering::Equal)
        }
        LdapFilter::GreaterOrEqual(attr, value) => {
            compare_each(entry, attr, value, |o| o != Ordering::Less)
        }
        LdapFilter::LessOrEqual(attr, value) => {
            compare_each(entry, attr, value, |o| o != Ordering::Greater)
        }
        // Approximate matching: equality after folding case and spaces (what OpenLDAP does for
        // most attributes without a phonetic plug-in).
        LdapFilter::Approx(attr, value) => {
            compare_each(entry, attr, value, |o| o == Ordering::Equal)
        }
        LdapFilter::Substring(attr, sub) => substring(entry, attr, sub),
        // Extensible matching is not offered (and not announced); RFC 4511 makes an
        // unrecognized matching rule Undefined.
        LdapFilter::Extensible(_) => Tri::Undefined,
    }
}

fn present(entry: &Entry, attr: &str) -> bool {
    let Some(index) = schema::type_index(attr) else {
        return false;
    };
    index == schema::OBJECT_CLASS || entry.get_type(index).is_some_and(|a| !a.values.is_empty())
}

/// A value normalized for comparison under `m`, or `None` if it cannot hold that syntax.
enum Norm {
    Text(String),
    Int(i128),
}

fn normalize(m: Matching, v: &str) -> Option<Norm> {
    match m {
        Matching::CaseIgnore | Matching::Time => Some(Norm::Text(normalize_value(v))),
        Matching::CaseExact => Some(Norm::Text(v.to_string())),
        Matching::Integer => is_ldap_integer(v)
            .then(|| v.parse::<i128>().ok())
            .flatten()
            .map(Norm::Int),
        Matching::Dn => Dn::parse(v).ok().map(|d| Norm::Text(d.normalized())),
    }
}

/// True when `value` can be asserted of an attribute of type `ty` (an integer for integer
/// types, a DN for DN types; any text otherwise).
pub fn is_valid_assertion(ty: &schema::AttributeType, value: &str) -> bool {
    normalize(ty.matching, value).is_some()
}

/// RFC 4517 §3.3.16's Integer, as slapd checks it: `0`, or digits without a leading zero after
/// an optional `-`; no spaces, no `+`.
fn is_ldap_integer(v: &str) -> bool {
    let digits = v.strip_prefix('-').unwrap_or(v);
    let first_ok = match digits.as_bytes().first() {
        Some(b'0') => digits.len() == 1 && digits.len() == v.len(),
        Some(b) => b.is_ascii_digit(),
        None => false,
    };
    first_ok && digits.bytes().all(|b| b.is_ascii_digit())
}

fn cmp(a: &Norm, b: &Norm) -> Option<Ordering> {
    match (a, b) {
        (Norm::Text(a), Norm::Text(b)) => Some(a.cmp(b)),
        (Norm::Int(a), Norm::Int(b)) => Some(a.cmp(b)),
        _ => None,
    }
}

/// The attribute `attr` (any name or OID) of `entry`, if the schema knows it and the entry has it.
fn attribute<'a>(entry: &'a Entry, attr: &str) -> Option<Attr<'a>> {
    entry.get_type(schema::type_index(attr)?)
}

fn compare_each(entry: &Entry, attr: &str, asserted: &str, ok: impl Fn(Ordering) -> bool) -> Tri {
    let Some(a) = attribute(entry, attr) else {
        return Tri::Undefined;
    };
    let m = a.ty.matching;
    let Some(want) = normalize(m, asserted) else {
        return Tri::Undefined;
    };
    let mut out = Tri::False;
    for v in a.values.iter() {
        match normalize(m, v).and_then(|have| cmp(&have, &want)) {
            Some(o) if ok(o) => return Tri::True,
            Some(_) => {}
            None => out = Tri::Undefined,
        }
    }
    out
}

fn substring(entry: &Entry, attr: &str, sub: &LdapSubstringFilter) -> Tri {
    let Some(a) = attribute(entry, attr) else {
        return Tri::Undefined;
    };
    let fold: fn(&str) -> String = match a.ty.matching {
        Matching::CaseExact => |s: &str| s.to_string(),
        Matching::Integer => return Tri::Undefined,
        Matching::Dn => |s: &str| normalize_value(s),
        Matching::CaseIgnore | Matching::Time => |s: &str| normalize_value(s),
    };
    let initial = sub.initial.as_deref().map(fold);
    let any: Vec<String> = sub.any.iter().map(|s| fold(s)).collect();
    let final_ = sub.final_.as_deref().map(fold);
    Tri::from_bool(
        a.values
            .iter()
            .any(|v| substring_matches(&fold(v), initial.as_deref(), &any, final_.as_deref())),
    )
}

/// `initial*any1*any2*final` against `value`, all already folded.
fn substring_matches(
    value: &str,
    initial: Option<&str>,
    any: &[String],
    final_: Option<&str>,
) -> bool {
    let mut rest = value;
    if let Some(i) = initial {
        match rest.strip_prefix(i) {
            Some(r) => rest = r,
            None => return false,
        }
    }
    for a in any {
        match rest.find(a.as_str()) {
            Some(pos) => rest = &rest[pos + a.len()..],
            None => return false,
        }
    }
    match final_ {
        Some(f) => rest.ends_with(f),
        None => true,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;
    use ldap3_proto::parse_ldap_filter_str;
    use proptest::prelude::*;

    fn alice() -> Entry {
        Entry::builder("uid=alice,ou=users,o=acme,dc=skydir")
            .with(
                "objectClass",
                ["top", "person", "inetOrgPerson", "posixAccount"],
            )
            .with("uid", ["alice"])
            .with("cn", ["Alice  Liddell"])
            .with("sn", ["Liddell"])
            .with("mail", ["Alice@Example.com"])
            .with("uidNumber", ["10001"])
            .with("memberOf", ["cn=eng,ou=groups,o=acme,dc=skydir"])
            .with("homeDirectory", ["/home/alice"])
            .build()
    }

    fn m(f: &str) -> bool {
        let filter = parse_ldap_filter_str(f).unwrap();
        matches(&filter, &alice())
    }

    #[test]
    fn the_filter_language() {
        assert!(m("(uid=alice)") && m("(UID=ALICE)") && m("(userid=alice)"));
        let spaced = LdapFilter::Equality("cn".into(), " alice   LIDDELL ".into());
        assert!(matches(&spaced, &alice()), "insignificant spaces");
        assert!(m("(mail=alice@example.com)"));
        assert!(m("(objectClass=*)") && m("(objectclass=inetorgperson)"));
        assert!(m("(&(uid=alice)(uidNumber>=10000)(uidNumber<=10001))"));
        assert!(!m("(uidNumber>=10002)") && m("(uidNumber<=10002)"));
        assert!(m("(|(uid=bob)(sn=liddell))") && !m("(|(uid=bob)(sn=x))"));
        assert!(m("(!(uid=bob))") && !m("(!(uid=alice))"));
        assert!(m("(cn=ali*)") && m("(cn=*lid*)") && m("(cn=*dell)") && m("(cn=a*ce*ll)"));
        assert!(!m("(cn=*alice)") && !m("(cn=li*)"));
        let dn = LdapFilter::Equality(
            "memberOf".into(),
            "CN=Eng, OU=Groups,O=acme,DC=skydir".into(),
        );
        assert!(matches(&dn, &alice()), "DN values compare as DNs");
        assert!(m("(sn~=LIDDELL)"));
        assert!(m("(homeDirectory=/home/alice)") && !m("(homeDirectory=/HOME/alice)"));
    }

    #[test]
    fn undefined_stays_undefined_under_not() {
        // Missing attribute and an assertion the syntax cannot hold are both Undefined.
        assert!(!m("(telephoneNumber=1)") && !m("(!(telephoneNumber=1))"));
        assert!(!m("(uidNumber=abc)") && !m("(!(uidNumber=abc))"));
        assert!(!m("(uidNumber=*1*)"), "no substring matching on integers");
        assert!(
            m("(|(uidNumber=abc)(uid=alice))"),
            "TRUE wins an OR with Undefined"
        );
        assert!(!m("(&(uidNumber=abc)(uid=alice))"));
    }

    #[test]
    fn integers_are_rfc_4517_integers() {
        for ok in ["0", "7", "10001", "-1", "-20005"] {
            assert!(is_ldap_integer(ok), "{ok}");
        }
        for bad in ["", "-", "-0", "007", "+5", " 5", "5 ", "1e3", "0x10", "٣"] {
            assert!(!is_ldap_integer(bad), "{bad:?}");
        }
    }

    #[test]
    fn substring_pieces_do_not_overlap() {
        assert!(!substring_matches("abc", Some("ab"), &[], Some("bc")));
        assert!(substring_matches("abbc", Some("ab"), &[], Some("bc")));
        assert!(!substring_matches(
            "aXa",
            Some("a"),
            &["a".into()],
            Some("a")
        ));
    }

    proptest! {
        #[test]
        fn parsed_filters_never_panic(s in "\\([a-zA-Z]{1,8}(=|>=|<=|~=)[a-z*]{0,8}\\)") {
            if let Ok(f) = parse_ldap_filter_str(&s) {
                let _ = eval(&f, &alice(), 0);
            }
        }

        #[test]
        fn not_is_an_involution_on_defined_results(v in "[a-z]{1,6}") {
            let f = parse_ldap_filter_str(&format!("(sn={v})")).unwrap();
            let nn = LdapFilter::Not(Box::new(LdapFilter::Not(Box::new(f.clone()))));
            prop_assert_eq!(eval(&f, &alice(), 0), eval(&nn, &alice(), 0));
        }
    }
}
