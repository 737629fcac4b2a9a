//! Email addresses: one strict parser for every address that comes from outside (REST, console
//! forms, imports, the public request form, configured desk addresses, inbound mail's sender),
//! and a lenient reader for addresses skydir stored itself.
//!
//! Why strict: an address ends up in mail headers, in the LDAP `mail` attribute (IA5String, so
//! ASCII) and in blind indexes that decide uniqueness. A display name (`Eve <eve@x.org>`),
//! angle brackets, a comment (`eve@x.org (boss)`) or a line break (`eve@x.org\r\nBcc: …`) is
//! not an address, and accepting one would let a form field smuggle header text or make two
//! spellings of one mailbox. What is accepted — an RFC 5322 `addr-spec` in the shape RFC 5321
//! §4.1.2 recommends mailboxes have — is checked by the `email_address` crate (the one lettre,
//! our outbound mail library, validates with) with display text and domain literals turned
//! off; the domain then goes through UTS #46 (`idna`, strict STD3 rules) to its ASCII form:
//!
//! - local part: a dot-atom of ASCII letters, digits and ``!#$%&'*+-/=?^_`{|}~``, at most 64
//!   characters; no quoted local parts (`"john doe"@x.org`) and no non-ASCII local parts;
//! - domain: at least two labels of letters, digits and hyphens; internationalized domains
//!   are accepted and stored as A-labels (`bücher.de` → `xn--bcher-kva.de`); no IP literals;
//! - at most 254 characters in all; surrounding spaces are dropped, any other space, line
//!   break or control character refuses the address;
//! - the stored form is lowercase.
//!
//! Why lenient on reading: addresses stored before this parser were checked only for shape
//! (one `@`, a dotted domain, no whitespace), so a few stored values (`<eve@x.org>`, a quoted
//! or non-ASCII local part) would fail the strict parser. Reading stored data must never fail,
//! so [`Email`]'s `Deserialize` and [`Email::stored`] apply that old shape check and nothing
//! more; only input goes through [`Email::parse`].

use crate::error::CoreError;
use email_address::{EmailAddress, Options};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Longest address (RFC 5321 §4.5.3.1.3's path minus its angle brackets).
const MAX_LEN: usize = 254;
/// Longest local part (RFC 5321 §4.5.3.1.1).
const MAX_LOCAL: usize = 64;

/// An email address, normalized to lowercase with an ASCII domain. See the module docs for
/// exactly what [`Email::parse`] accepts.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

fn invalid(why: impl Into<String>) -> CoreError {
    CoreError::invalid("email", why)
}

impl Email {
    /// Parses an address given by a person or another system, strictly: a bare `addr-spec`
    /// (`ann@example.com`), never a display name, angle brackets, comment or line break.
    pub fn parse(s: &str) -> Result<Self, CoreError> {
        let s = s.trim_matches(' ');
        if s.is_empty() {
            return Err(invalid("must not be empty"));
        }
        if s.contains(['<', '>']) {
            return Err(invalid(
                "must be a bare address like ann@example.com, without a name or angle brackets",
            ));
        }
        if s.contains(['(', ')']) {
            return Err(invalid(
                "must be a bare address like ann@example.com, without a comment in parentheses",
            ));
        }
        if s.contains('"') {
            return Err(invalid(
                "quoted local parts (\"…\"@example.com) are not accepted",
            ));
        }
        if s.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(invalid(
                "must be a bare address like ann@example.com: no spaces, line breaks or control characters",
            ));
        }
        if s.len() > MAX_LEN {
            return Err(invalid(format!("must be at most {MAX_LEN} characters")));
        }
        let (local, domain) = s
            .rsplit_once('@')
            .ok_or_else(|| invalid("must contain '@'"))?;
        if local.is_empty() || local.contains('@') {
            return Err(invalid("must have exactly one '@' with a name before it"));
        }
        if local.len() > MAX_LOCAL {
            return Err(invalid(format!(
                "the part before '@' must be at most {MAX_LOCAL} characters"
            )));
        }
        if !local.is_ascii() || !EmailAddress::is_valid_local_part(local) {
            return Err(invalid(
                "the part before '@' may hold only ASCII letters, digits and .!#$%&'*+-/=?^_`{|}~, \
                 with no dot at either end or two in a row",
            ));
        }
        let ascii = idna::domain_to_ascii_strict(domain).map_err(|_| {
            invalid("the domain after '@' is not a valid domain name, like example.com")
        })?;
        if ascii.split('.').count() < 2 || ascii.split('.').any(str::is_empty) {
            return Err(invalid(
                "the domain after '@' must contain a dot, like example.com",
            ));
        }
        let address = format!("{}@{ascii}", local.to_ascii_lowercase());
        if address.len() > MAX_LEN {
            return Err(invalid(format!("must be at most {MAX_LEN} characters")));
        }
        // The whole address once more through the crate lettre validates with, so what we store
        // is what the mailer accepts.
        let options = Options {
            minimum_sub_domains: 2,
            allow_domain_literal: false,
            allow_display_text: false,
            allow_long_local_parts: false,
        };
        EmailAddress::parse_with_options(&address, options).map_err(|e| invalid(reason(&e)))?;
        Ok(Self(address))
    }

    /// An address skydir stored itself (a user's, a subscription's, a request's). Checked only
    /// for the shape every earlier version of skydir guaranteed, so reading never fails on
    /// data the strict parser would refuse today. Never use this for input.
    pub fn stored(s: &str) -> Result<Self, CoreError> {
        let ok = !s.is_empty()
            && s.len() <= MAX_LEN
            && !s.chars().any(|c| c.is_whitespace() || c.is_control())
            && s.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty()
                    && !domain.contains('@')
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
            });
        if ok {
            Ok(Self(s.to_lowercase()))
        } else {
            Err(invalid("the stored address is malformed"))
        }
    }

    /// The normalized address.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The domain part (after `@`).
    pub fn domain(&self) -> &str {
        self.0.rsplit_once('@').map(|(_, d)| d).unwrap_or("")
    }
}

/// The `email_address` crate's verdict in the user's terms.
fn reason(e: &email_address::Error) -> String {
    use email_address::Error as E;
    match e {
        E::MissingSeparator => "must contain '@'",
        E::LocalPartEmpty => "must have a name before '@'",
        E::LocalPartTooLong => "the part before '@' must be at most 64 characters",
        E::DomainEmpty => "must have a domain after '@', like example.com",
        E::DomainTooLong | E::SubDomainTooLong => "the domain after '@' is too long",
        E::DomainTooFew | E::SubDomainEmpty => {
            "the domain after '@' must contain a dot, like example.com"
        }
        E::UnsupportedDomainLiteral => "IP address literals are not accepted as domains",
        E::UnsupportedDisplayName | E::MissingDisplayName | E::MissingEndBracket => {
            "must be a bare address like ann@example.com, without a name or angle brackets"
        }
        _ => "must be an address like ann@example.com",
    }
    .to_string()
}

/// Deserializing reads what skydir stored (see [`Email::stored`]); input never arrives as a
/// serialized `Email` — handlers take a string and call [`Email::parse`].
impl TryFrom<String> for Email {
    type Error = CoreError;
    fn try_from(s: String) -> Result<Self, CoreError> {
        Self::stored(&s)
    }
}

impl From<Email> for String {
    fn from(v: Email) -> String {
        v.0
    }
}

/// Email addresses are personal data: Debug does not print them.
impl fmt::Debug for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Email(***)")
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ok(s: &str) -> String {
        match Email::parse(s) {
            Ok(e) => e.0,
            Err(e) => format!("refused: {e}"),
        }
    }

    #[test]
    fn bare_addresses_are_normalized() {
        assert_eq!(ok(" Ann@Example.COM "), "ann@example.com");
        assert_eq!(
            ok("j.o'neil+tag@mail.example.org"),
            "j.o'neil+tag@mail.example.org"
        );
        assert_eq!(ok("a!#$%&*/=?^_`{|}~-@x.io"), "a!#$%&*/=?^_`{|}~-@x.io");
        assert_eq!(ok("ann@BÜCHER.de"), "ann@xn--bcher-kva.de");
        assert_eq!(ok("ann@xn--bcher-kva.de"), "ann@xn--bcher-kva.de");
        assert_eq!(
            format!("{:?}", Email::parse("a@example.com").ok()),
            "Some(Email(***))"
        );
    }

    #[test]
    fn anything_but_an_addr_spec_is_refused_with_a_reason() {
        let refused = |s: &str, why: &str| {
            let e = Email::parse(s)
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            assert!(e.starts_with("email"), "{s:?}: {e}");
            assert!(e.contains(why), "{s:?}: {e}");
        };
        refused("Eve <eve@x.org>", "angle brackets");
        refused("Eve<eve@x.org>", "angle brackets");
        refused("<eve@x.org>", "angle brackets");
        refused("eve@x.org (boss)", "comment");
        refused("eve@x.org(boss)", "comment");
        refused("(boss)eve@x.org", "comment");
        refused("eve@x.org\r\nBcc: y@z.org", "line breaks");
        refused("eve@x.org\nBcc:y@z.org", "line breaks");
        refused("eve@x.org\u{0}", "control");
        refused("\"john doe\"@x.org", "quoted");
        refused("\"john\"@x.org", "quoted");
        refused("ann", "'@'");
        refused("@x.org", "a name before it");
        refused("a@b@x.org", "exactly one '@'");
        refused("ann@localhost", "dot");
        refused("ann@x.org.", "domain");
        refused("ann@x..org", "domain");
        refused("ann@.x.org", "domain");
        refused("ann@[127.0.0.1]", "domain");
        refused("a..b@x.org", "two in a row");
        refused(".a@x.org", "either end");
        refused("a,b@x.org", "before '@'");
        refused("jürgen@x.org", "ASCII");
        refused("ann@x_y.org", "domain");
        refused("ann@-x.org", "domain");
        refused(&format!("{}@x.org", "a".repeat(65)), "64");
        refused(&format!("a@{}.org", "b".repeat(64)), "domain");
        let long = format!("a@{}.org", vec!["b".repeat(60); 5].join("."));
        refused(&long, "254");
        refused("", "empty");
    }

    #[test]
    fn limits_are_inclusive() {
        let local = "a".repeat(64);
        assert_eq!(ok(&format!("{local}@x.org")), format!("{local}@x.org"));
        // 64 + 1 + 189 = 254 characters.
        let domain = format!(
            "{}.{}.{}.org",
            "b".repeat(61),
            "c".repeat(61),
            "d".repeat(61)
        );
        let max = format!("{local}@{domain}");
        assert_eq!(max.len(), 254);
        assert_eq!(ok(&max), max);
    }

    #[test]
    fn what_was_stored_before_is_still_read() {
        // Forms the old shape check accepted (it refused only whitespace and control
        // characters, a missing or second '@' and an undotted domain).
        for old in [
            "<eve@x.org>",
            "eve<eve@x.org>",
            "\"john\"@x.org",
            "jürgen@bücher.de",
            "eve@x.org(boss)",
            "ann@[127.0.0.1]",
        ] {
            assert!(Email::parse(old).is_err(), "{old}");
            assert!(Email::stored(old).is_ok(), "{old}");
            let json = serde_json::to_string(old).unwrap();
            assert!(serde_json::from_str::<Email>(&json).is_ok(), "{old}");
        }
        assert!(Email::stored("no-at-sign").is_err());
        assert!(Email::stored("a b@x.org").is_err());
    }

    proptest! {
        /// The strict parser never accepts what the stored reader would refuse, and what it
        /// accepts is a fixed point of both.
        #[test]
        fn parsed_addresses_are_stored_addresses(s in "[ -~]{0,80}|[a-z.+]{1,10}@[a-zü.-]{1,20}") {
            if let Ok(e) = Email::parse(&s) {
                prop_assert_eq!(Email::stored(e.as_str()).ok(), Some(e.clone()));
                prop_assert_eq!(Email::parse(e.as_str()).ok(), Some(e.clone()));
                prop_assert!(e.as_str().is_ascii());
                prop_assert!(!e.as_str().contains(['<', '>', '(', ')', '"', ' ', '\r', '\n']));
            }
        }
    }
}
