//! Distinguished names (RFC 4514): parsed from what clients send, compared in normalized form.
//! Attribute types compare case-insensitively (and through their aliases); values compare as
//! the directory strings they are in our tree — case-folded with insignificant spaces removed —
//! so `UID=Alice, OU=Users,o=acme,dc=skydir` and `uid=alice,ou=users,o=acme,dc=skydir` are the
//! same entry, as in every LDAP server.

use crate::error::LdapError;
use crate::schema;

/// A parsed DN: its RDNs from the leaf up, each one a set of `(canonical type, normalized value)`
/// assertions. Multi-valued RDNs (`a=1+b=2`) keep their parts sorted, so order does not matter.
///
/// Stored compactly, since the read model holds one per entry: every assertion as
/// `type=value` (the value unescaped; types never contain `=`) back to back in one string, and
/// where each one ends, flagged when it is the last of its RDN. The layout follows from the RDNs
/// alone, so two DNs are equal exactly when both fields are.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Dn {
    text: Box<str>,
    /// End offset of each assertion in `text`; [`LAST`] marks the last one of an RDN.
    avas: Box<[u32]>,
}

/// Flag of an assertion that ends its RDN.
const LAST: u32 = 1 << 31;

impl std::fmt::Debug for Dn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Dn({:?})", self.normalized())
    }
}

impl Dn {
    /// The empty DN (the root DSE).
    pub fn root() -> Self {
        Self {
            text: Box::default(),
            avas: Box::default(),
        }
    }

    /// Parses an RFC 4514 string.
    pub fn parse(s: &str) -> Result<Self, LdapError> {
        let bad = |why: &str| LdapError::InvalidDn {
            reason: why.to_string(),
        };
        if s.trim().is_empty() {
            return Ok(Self::root());
        }
        if s.len() > 4096 {
            return Err(bad("longer than 4096 bytes"));
        }
        let mut text = String::with_capacity(s.len());
        let mut avas = Vec::new();
        let mut rdn: Vec<(String, String)> = Vec::new();
        let mut chars = s.chars().peekable();
        loop {
            // attribute type
            let mut ty = String::new();
            while let Some(&c) = chars.peek() {
                if c == '=' {
                    break;
                }
                ty.push(c);
                chars.next();
            }
            if chars.next() != Some('=') {
                return Err(bad("an RDN has no '='"));
            }
            let ty = ty.trim();
            if ty.is_empty()
                || !ty
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
            {
                return Err(bad(
                    "an attribute type is empty or has characters not allowed",
                ));
            }
            // value
            let mut raw: Vec<u8> = Vec::new();
            let mut end = None;
            let mut trailing_plain_spaces = 0usize;
            while let Some(c) = chars.next() {
                match c {
                    ',' | ';' | '+' => {
                        end = Some(c);
                        break;
                    }
                    '\\' => {
                        trailing_plain_spaces = 0;
                        let Some(n) = chars.next() else {
                            return Err(bad("a value ends with a lone backslash"));
                        };
                        if n.is_ascii_hexdigit() {
                            let Some(m) = chars.next().filter(char::is_ascii_hexdigit) else {
                                return Err(bad("a \\XX escape needs two hex digits"));
                            };
                            let pair = [n as u8, m as u8];
                            let hex = std::str::from_utf8(&pair).map_err(|_| bad("bad escape"))?;
                            let byte =
                                u8::from_str_radix(hex, 16).map_err(|_| bad("bad escape"))?;
                            raw.push(byte);
                        } else {
                            let mut buf = [0u8; 4];
                            raw.extend_from_slice(n.encode_utf8(&mut buf).as_bytes());
                        }
                    }
                    '"' => return Err(bad("quoted values are not supported")),
                    c => {
                        if c == ' ' {
                            trailing_plain_spaces += 1;
                        } else {
                            trailing_plain_spaces = 0;
                        }
                        let mut buf = [0u8; 4];
                        raw.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                    }
                }
            }
            raw.truncate(raw.len() - trailing_plain_spaces);
            let value = String::from_utf8(raw).map_err(|_| bad("a value is not UTF-8"))?;
            let value = value.trim_start();
            if value.starts_with('#') {
                return Err(bad("BER-encoded (#…) values are not supported"));
            }
            rdn.push((schema::canonical_name(ty), normalize_value(value)));
            match end {
                Some('+') => continue,
                other => {
                    rdn.sort();
                    let parts = rdn.len();
                    for (i, (t, v)) in rdn.drain(..).enumerate() {
                        text.push_str(&t);
                        text.push('=');
                        text.push_str(&v);
                        let flag = if i + 1 == parts { LAST } else { 0 };
                        avas.push(offset(text.len())? | flag);
                    }
                    if other.is_none() {
                        break;
                    }
                }
            }
        }
        Ok(Self {
            text: text.into_boxed_str(),
            avas: avas.into_boxed_slice(),
        })
    }

    /// The assertions as `(type, value, last of its RDN)`, leaf first.
    fn parts(&self) -> impl Iterator<Item = (&str, &str, bool)> + '_ {
        let mut start = 0usize;
        self.avas.iter().map(move |&a| {
            let end = (a & !LAST) as usize;
            let ava = self.text.get(start..end).unwrap_or_default();
            start = end;
            let (t, v) = ava.split_once('=').unwrap_or((ava, ""));
            (t, v, a & LAST != 0)
        })
    }

    /// True for the root DSE's empty name.
    pub fn is_root(&self) -> bool {
        self.avas.is_empty()
    }

    /// Number of RDNs.
    pub fn len(&self) -> usize {
        self.avas.iter().filter(|a| *a & LAST != 0).count()
    }

    /// True when the DN has no RDN (same as [`Dn::is_root`]).
    pub fn is_empty(&self) -> bool {
        self.avas.is_empty()
    }

    /// The DN of the parent entry (the root's parent is the root).
    pub fn parent(&self) -> Dn {
        let Some(i) = self.avas.iter().position(|a| a & LAST != 0) else {
            return Dn::root();
        };
        let cut = self.avas[i] & !LAST;
        Dn {
            text: self.text.get(cut as usize..).unwrap_or_default().into(),
            avas: self.avas[i + 1..].iter().map(|a| a - cut).collect(),
        }
    }

    /// True when `self` is `other` or lies below it.
    pub fn is_within(&self, other: &Dn) -> bool {
        let (mine, theirs) = (self.avas.len(), other.avas.len());
        if theirs == 0 {
            return true;
        }
        if theirs > mine {
            return false;
        }
        // `other` must be the tail of `self`, starting right after one of its RDNs.
        let first = mine - theirs;
        let cut = match first.checked_sub(1).map(|i| self.avas[i]) {
            None => 0,
            Some(a) if a & LAST != 0 => a & !LAST,
            Some(_) => return false,
        };
        self.text.as_bytes().get(cut as usize..) == Some(other.text.as_bytes())
            && self.avas[first..]
                .iter()
                .zip(other.avas.iter())
                .all(|(a, b)| a - cut == *b)
    }

    /// The single-valued leaf RDN as `(type, value)`, if the leaf is single-valued.
    pub fn leaf(&self) -> Option<(&str, &str)> {
        match self.parts().next()? {
            (t, v, true) => Some((t, v)),
            _ => None,
        }
    }

    /// The normalized string form (`uid=alice,ou=users,o=acme,dc=skydir`).
    pub fn normalized(&self) -> String {
        let mut out = String::with_capacity(self.text.len() + self.avas.len());
        let mut new_rdn = true;
        for (i, (t, v, last)) in self.parts().enumerate() {
            if i > 0 {
                out.push(if new_rdn { ',' } else { '+' });
            }
            out.push_str(t);
            out.push('=');
            out.push_str(&escape_value(v));
            new_rdn = last;
        }
        out
    }
}

/// `len` as an offset into a DN's text (DNs are at most 4096 bytes, far below [`LAST`]).
fn offset(len: usize) -> Result<u32, LdapError> {
    u32::try_from(len)
        .ok()
        .filter(|l| l & LAST == 0)
        .ok_or_else(|| LdapError::InvalidDn {
            reason: "too long".to_string(),
        })
}

/// Folds a directory-string value for comparison: lower case, runs of spaces as one, no leading
/// or trailing spaces (RFC 4518's insignificant-space handling, simplified to ASCII spaces).
pub fn normalize_value(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    for word in v.split(' ').filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(word.chars().flat_map(char::to_lowercase));
    }
    out
}

/// Escapes a value for use in a DN string (RFC 4514 §2.4).
pub fn escape_value(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    let last = v.chars().count().saturating_sub(1);
    for (i, c) in v.chars().enumerate() {
        match c {
            ',' | '+' | '"' | '\\' | '<' | '>' | ';' | '=' => {
                out.push('\\');
                out.push(c);
            }
            '#' if i == 0 => out.push_str("\\#"),
            ' ' if i == 0 || i == last => out.push_str("\\ "),
            '\0' => out.push_str("\\00"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn case_spaces_and_aliases_do_not_matter() {
        let a = Dn::parse("UID=Alice , OU=Users,o=acme,DC=skydir").unwrap();
        let b = Dn::parse("uid=alice,ou=users,o=acme,dc=skydir").unwrap();
        assert_eq!(a, b);
        assert_eq!(a.normalized(), "uid=alice,ou=users,o=acme,dc=skydir");
        let c = Dn::parse("commonName=Eng,ou=groups,o=acme,dc=skydir").unwrap();
        assert_eq!(c.leaf(), Some(("cn", "eng")));
    }

    #[test]
    fn escapes_round_trip_and_hex_escapes_decode() {
        let d = Dn::parse(r"cn=a\,b\2Bc,o=x").unwrap();
        assert_eq!(d.leaf(), Some(("cn", "a,b+c")));
        assert_eq!(d.normalized(), r"cn=a\,b\+c,o=x");
        assert_eq!(Dn::parse(&d.normalized()).unwrap(), d);
    }

    #[test]
    fn ancestry() {
        let leaf = Dn::parse("uid=a,ou=users,o=acme,dc=skydir").unwrap();
        let org = Dn::parse("o=acme,dc=skydir").unwrap();
        assert!(leaf.is_within(&org) && org.is_within(&org) && !org.is_within(&leaf));
        assert!(!leaf.is_within(&Dn::parse("o=acme2,dc=skydir").unwrap()));
        assert_eq!(leaf.parent().parent(), org);
        assert!(leaf.is_within(&Dn::root()));
    }

    #[test]
    fn multi_valued_rdns_ignore_order() {
        assert_eq!(
            Dn::parse("cn=a+sn=b,o=x").unwrap(),
            Dn::parse("sn=B+cn=A,o=x").unwrap()
        );
    }

    #[test]
    fn malformed_names_are_errors() {
        for s in [
            "uid",
            "=x",
            "uid=a,",
            "u id=a",
            r"uid=a\",
            r"uid=a\4",
            "uid=#04",
            "uid=\"q\"",
        ] {
            assert!(Dn::parse(s).is_err(), "{s:?} parsed");
        }
    }

    #[test]
    fn multi_valued_rdns_only_match_whole() {
        let d = Dn::parse("x=1,a=1+b=2,c=3").unwrap();
        assert_eq!(d.len(), 3);
        assert!(!d.is_within(&Dn::parse("b=2,c=3").unwrap()));
        assert!(d.is_within(&Dn::parse("b=2+a=1,c=3").unwrap()));
        assert_eq!(d.parent().leaf(), None);
        assert_eq!(d.parent().parent(), Dn::parse("c=3").unwrap());
        assert_eq!(d.normalized(), "x=1,a=1+b=2,c=3");
        assert!(Dn::root().parent().is_root() && Dn::root().leaf().is_none());
    }

    type Rdns = Vec<Vec<(String, String)>>;

    /// The RDNs of `d` as plain lists (the model the compact form must behave like).
    fn rdns(d: &Dn) -> Rdns {
        let mut out: Rdns = Vec::new();
        let mut new_rdn = true;
        for (t, v, last) in d.parts() {
            if new_rdn {
                out.push(Vec::new());
            }
            if let Some(r) = out.last_mut() {
                r.push((t.to_string(), v.to_string()));
            }
            new_rdn = last;
        }
        out
    }

    /// The normalized form of plain RDNs, as the list-based DN computed it.
    fn normalized(r: &Rdns) -> String {
        let rdn = |r: &Vec<(String, String)>| {
            let avas: Vec<String> = r
                .iter()
                .map(|(t, v)| format!("{t}={}", escape_value(v)))
                .collect();
            avas.join("+")
        };
        r.iter().map(rdn).collect::<Vec<_>>().join(",")
    }

    fn dn_text(r: &[Vec<(usize, String)>]) -> String {
        const TYPES: [&str; 5] = ["cn", "commonName", "UID", "o", "x-a"];
        let rdn = |r: &Vec<(usize, String)>| {
            let avas: Vec<String> = r
                .iter()
                .map(|(t, v)| format!("{}={}", TYPES[t % TYPES.len()], escape_value(v)))
                .collect();
            avas.join("+")
        };
        r.iter().map(rdn).collect::<Vec<_>>().join(",")
    }

    fn rdns_strategy() -> impl Strategy<Value = Vec<Vec<(usize, String)>>> {
        proptest::collection::vec(
            proptest::collection::vec((0usize..5, "[abAB ,+=\\\\<;#é]{1,3}"), 1..3),
            0..4,
        )
    }

    proptest! {
        #[test]
        fn the_compact_form_behaves_like_lists_of_rdns(
            a in rdns_strategy(),
            cut in 0usize..4,
            c in rdns_strategy(),
        ) {
            let b = a[cut.min(a.len())..].to_vec();
            let parsed: Vec<(Dn, Rdns)> = [a, b, c]
                .iter()
                .filter_map(|r| Dn::parse(&dn_text(r)).ok().map(|d| {
                    let want: Rdns = r
                        .iter()
                        .map(|rdn| {
                            let mut v: Vec<(String, String)> = rdn
                                .iter()
                                .map(|(t, v)| (
                                    schema::canonical_name(["cn", "commonName", "UID", "o", "x-a"][*t % 5]),
                                    normalize_value(v.trim_start()),
                                ))
                                .collect();
                            v.sort();
                            v
                        })
                        .collect();
                    (d, want)
                }))
                .collect();
            // And the tail of `a` cut inside an RDN, which must not count as an ancestor.
            let mut parsed = parsed;
            if let Some((_, want)) = parsed.first() {
                let mut cut_rdn: Rdns = want.iter().skip(cut.min(want.len())).cloned().collect();
                if let Some(first) = cut_rdn.first_mut().filter(|r| r.len() > 1) {
                    first.remove(0);
                    let text = cut_rdn
                        .iter()
                        .map(|r| {
                            r.iter()
                                .map(|(t, v)| format!("{t}={}", escape_value(v)))
                                .collect::<Vec<_>>()
                                .join("+")
                        })
                        .collect::<Vec<_>>()
                        .join(",");
                    parsed.push((Dn::parse(&text).unwrap(), cut_rdn));
                }
            }
            for (d, want) in &parsed {
                prop_assert_eq!(&rdns(d), want);
                prop_assert_eq!(d.len(), want.len());
                prop_assert_eq!(d.is_root(), want.is_empty());
                prop_assert_eq!(d.normalized(), normalized(want));
                prop_assert_eq!(rdns(&d.parent()), want.iter().skip(1).cloned().collect::<Rdns>());
                let leaf = want.first().filter(|r| r.len() == 1).map(|r| (r[0].0.as_str(), r[0].1.as_str()));
                prop_assert_eq!(d.leaf(), leaf);
                for (e, other) in &parsed {
                    prop_assert_eq!(d == e, want == other);
                    prop_assert_eq!(d.is_within(e), want.ends_with(other));
                }
            }
        }

        #[test]
        fn parsing_never_panics(s in ".{0,80}") {
            let _ = Dn::parse(&s);
        }

        #[test]
        fn normalized_form_parses_back_to_the_same_dn(
            vals in proptest::collection::vec("[ -~]{1,12}", 1..4)
        ) {
            let text: Vec<String> = vals.iter().map(|v| format!("cn={}", escape_value(v))).collect();
            if let Ok(d) = Dn::parse(&text.join(",")) {
                prop_assert_eq!(Dn::parse(&d.normalized()).unwrap(), d);
            }
        }
    }
}
