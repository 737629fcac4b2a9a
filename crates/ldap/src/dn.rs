//! Distinguished names (RFC 4514): parsed from what clients send, compared in normalized form.
//! Attribute types compare case-insensitively (and through their aliases); values compare as
//! the directory strings they are in our tree — case-folded with insignificant spaces removed —
//! so `UID=Alice, OU=Users,o=acme,dc=skydir` and `uid=alice,ou=users,o=acme,dc=skydir` are the
//! same entry, as in every LDAP server.

use crate::error::LdapError;
use crate::schema;

/// A parsed DN: its RDNs from the leaf up, each one `(canonical type, normalized value)`.
/// Multi-valued RDNs (`a=1+b=2`) keep their parts sorted, so order does not matter.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Dn {
    rdns: Vec<Vec<(String, String)>>,
}

impl Dn {
    /// The empty DN (the root DSE).
    pub fn root() -> Self {
        Self { rdns: Vec::new() }
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
        let mut rdns = Vec::new();
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
                    rdns.push(std::mem::take(&mut rdn));
                    if other.is_none() {
                        break;
                    }
                }
            }
        }
        Ok(Self { rdns })
    }

    /// True for the root DSE's empty name.
    pub fn is_root(&self) -> bool {
        self.rdns.is_empty()
    }

    /// Number of RDNs.
    pub fn len(&self) -> usize {
        self.rdns.len()
    }

    /// True when the DN has no RDN (same as [`Dn::is_root`]).
    pub fn is_empty(&self) -> bool {
        self.rdns.is_empty()
    }

    /// The DN of the parent entry (the root's parent is the root).
    pub fn parent(&self) -> Dn {
        Dn {
            rdns: self.rdns.iter().skip(1).cloned().collect(),
        }
    }

    /// True when `self` is `other` or lies below it.
    pub fn is_within(&self, other: &Dn) -> bool {
        self.rdns.len() >= other.rdns.len()
            && self.rdns[self.rdns.len() - other.rdns.len()..] == other.rdns[..]
    }

    /// The single-valued leaf RDN as `(type, value)`, if the leaf is single-valued.
    pub fn leaf(&self) -> Option<(&str, &str)> {
        match self.rdns.first()?.as_slice() {
            [(t, v)] => Some((t, v)),
            _ => None,
        }
    }

    /// The normalized string form (`uid=alice,ou=users,o=acme,dc=skydir`).
    pub fn normalized(&self) -> String {
        let mut out = String::new();
        for (i, rdn) in self.rdns.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            for (j, (t, v)) in rdn.iter().enumerate() {
                if j > 0 {
                    out.push('+');
                }
                out.push_str(t);
                out.push('=');
                out.push_str(&escape_value(v));
            }
        }
        out
    }
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

    proptest! {
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
