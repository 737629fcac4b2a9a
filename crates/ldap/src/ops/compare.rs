//! Compare (RFC 4511 §4.10): "does this entry hold this value?", which applications use for
//! group checks (`member` of a group, `memberOf` of a user) without reading the entry.
//!
//! It answers from the same snapshot and under the same rule as search ([`super::sight`]), so
//! it can never tell more than a search would: an entry the identity cannot see — another org's,
//! or another user's for a plain user — is `noSuchObject`, exactly like one that does not exist.
//! The answers follow OpenLDAP's slapd: compareTrue (6) or compareFalse (5) under the
//! attribute's equality rule (case-insensitive for `cn`, `uid`, `mail`; DN values normalized;
//! integers as numbers; `homeDirectory`, `loginShell` and SSH keys exact), undefinedAttributeType
//! (17) for a type the schema does not know, noSuchAttribute (16) when the entry lacks the
//! attribute, invalidAttributeSyntax (21) for a value the attribute's syntax cannot hold.

use super::{Ctx, sight};
use crate::dn::Dn;
use crate::entry::Entry;
use crate::filter::{self, Tri};
use crate::schema;
use crate::session::Identity;
use ldap3_proto::proto::{LdapCompareRequest, LdapFilter, LdapResultCode};

/// A compare's answer: the result code and its message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompareOutcome {
    pub code: LdapResultCode,
    pub message: String,
}

fn answer(code: LdapResultCode, message: &str) -> CompareOutcome {
    CompareOutcome {
        code,
        message: message.to_string(),
    }
}

/// Runs a compare request for `id`. `starttls` says whether StartTLS is on offer (it shows in
/// the root DSE).
pub fn compare<S>(
    ctx: &Ctx<S>,
    id: &Identity,
    req: &LdapCompareRequest,
    starttls: bool,
) -> CompareOutcome {
    let Ok(dn) = Dn::parse(&req.dn) else {
        return answer(
            LdapResultCode::InvalidDNSyntax,
            "the entry's name is not a valid DN",
        );
    };
    // The assertion first, as slapd does: its verdict says nothing about any entry.
    if let Err(refused) = check_assertion(&req.atype, &req.val) {
        return refused;
    }
    if let Some(e) = sight::public_entry(ctx, id, &dn, starttls) {
        return assert_on(&e, &req.atype, &req.val);
    }
    let sight = match sight::sight(ctx, id) {
        Ok(s) => s,
        Err(r) => return answer(r.code, r.message),
    };
    match sight.entry(&ctx.model.tree().suffix_entry, &dn) {
        Some(e) => assert_on(e, &req.atype, &req.val),
        None => answer(LdapResultCode::NoSuchObject, "no such object"),
    }
}

/// The assertion's value as text, if `atype` is a known type and `value` fits its syntax.
fn check_assertion<'v>(atype: &str, value: &'v [u8]) -> Result<&'v str, CompareOutcome> {
    use LdapResultCode as C;
    let Some(ty) = schema::attribute(atype) else {
        return Err(answer(C::UndefinedAttributeType, "unknown attribute type"));
    };
    let Ok(value) = std::str::from_utf8(value) else {
        return Err(answer(C::InvalidAttributeSyntax, "the value is not UTF-8"));
    };
    if !filter::is_valid_assertion(ty, value) {
        return Err(answer(
            C::InvalidAttributeSyntax,
            "the value does not fit the attribute's syntax",
        ));
    }
    Ok(value)
}

/// Whether `entry` holds `value` under `atype`'s equality rule (the entry is one the caller
/// may see).
pub fn assert_on(entry: &Entry, atype: &str, value: &[u8]) -> CompareOutcome {
    use LdapResultCode as C;
    let value = match check_assertion(atype, value) {
        Ok(v) => v,
        Err(refused) => return refused,
    };
    let has = schema::type_index(atype).and_then(|i| entry.get_type(i));
    if has.is_none_or(|a| a.values.is_empty()) {
        return answer(C::NoSuchAttribute, "the entry has no such attribute");
    }
    let eq = LdapFilter::Equality(atype.to_string(), value.to_string());
    match filter::eval(&eq, entry, 0) {
        Tri::True => answer(C::CompareTrue, ""),
        Tri::False | Tri::Undefined => answer(C::CompareFalse, ""),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn group() -> Entry {
        Entry::builder("cn=admins,ou=groups,o=acme,dc=skydir")
            .with("objectClass", ["top", "groupOfNames", "posixGroup"])
            .with("cn", ["admins"])
            .with("gidNumber", ["5000"])
            .with("member", ["uid=jane,ou=users,o=acme,dc=skydir"])
            .with("memberUid", ["jane"])
            .with("description", ["The Admins"])
            .build()
    }

    fn code(atype: &str, value: &str) -> LdapResultCode {
        assert_on(&group(), atype, value.as_bytes()).code
    }

    #[test]
    fn values_compare_by_the_attributes_equality_rule() {
        use LdapResultCode as C;
        assert_eq!(
            code("member", "uid=jane,ou=users,o=acme,dc=skydir"),
            C::CompareTrue
        );
        assert_eq!(
            code("member", "UID=Jane, OU=Users,O=ACME,DC=skydir"),
            C::CompareTrue,
            "DN values are normalized"
        );
        assert_eq!(
            code("member", "uid=bob,ou=users,o=acme,dc=skydir"),
            C::CompareFalse
        );
        assert_eq!(code("MEMBERUID", "JANE"), C::CompareTrue);
        assert_eq!(code("commonName", "ADMINS"), C::CompareTrue);
        assert_eq!(code("description", "the  admins"), C::CompareTrue);
        assert_eq!(code("objectClass", "posixgroup"), C::CompareTrue);
        assert_eq!(code("gidNumber", "5000"), C::CompareTrue);
        assert_eq!(code("gidNumber", "5001"), C::CompareFalse);
    }

    #[test]
    fn what_cannot_be_compared_says_why_as_slapd_does() {
        use LdapResultCode as C;
        assert_eq!(code("x-unknown", "1"), C::UndefinedAttributeType);
        assert_eq!(code("mail", "jane@acme.test"), C::NoSuchAttribute);
        assert_eq!(code("gidNumber", "abc"), C::InvalidAttributeSyntax);
        assert_eq!(code("gidNumber", " 5000"), C::InvalidAttributeSyntax);
        assert_eq!(code("gidNumber", "+5000"), C::InvalidAttributeSyntax);
        assert_eq!(code("gidNumber", "05000"), C::InvalidAttributeSyntax);
        assert_eq!(code("member", "not a dn"), C::InvalidAttributeSyntax);
        assert_eq!(
            assert_on(&group(), "cn", &[0xff, 0xfe]).code,
            C::InvalidAttributeSyntax
        );
    }
}
