//! The root DSE (what a client reads first to learn the server's capabilities and naming
//! contexts) and the subschema entry. Anonymous clients may read both; the root DSE lists only
//! the suffix to them, and the bound org's own naming context once bound, so org names never
//! leak to strangers.

use crate::entry::Entry;
use crate::schema;

/// OID of the StartTLS extended operation (RFC 4511 §4.14).
pub const OID_STARTTLS: &str = "1.3.6.1.4.1.1466.20037";
/// OID of the WhoAmI extended operation (RFC 4532).
pub const OID_WHOAMI: &str = "1.3.6.1.4.1.4203.1.11.3";
/// OID of the paged-results control (RFC 2696).
pub const OID_PAGED_RESULTS: &str = "1.2.840.113556.1.4.319";
/// OID of the notice of disconnection (RFC 4511 §4.4.1).
pub const OID_NOTICE_OF_DISCONNECTION: &str = "1.3.6.1.4.1.1466.20036";
/// All-operational-attributes feature (RFC 3673).
const OID_ALL_OPERATIONAL: &str = "1.3.6.1.4.1.4203.1.5.1";

/// The DN of the subschema entry.
pub const SUBSCHEMA_DN: &str = "cn=Subschema";

/// The root DSE. `naming_context` is the bound org's context, or the suffix when anonymous.
pub fn root_dse(naming_context: &str, starttls: bool) -> Entry {
    let mut ext = vec![OID_WHOAMI, super::passwd::OID_PASSWORD_MODIFY];
    if starttls {
        ext.push(OID_STARTTLS);
    }
    Entry::builder("")
        .with("objectClass", ["top"])
        .with("namingContexts", [naming_context])
        .with("supportedLDAPVersion", ["3"])
        .with("supportedControl", [OID_PAGED_RESULTS])
        .with("supportedExtension", ext)
        .with("supportedFeatures", [OID_ALL_OPERATIONAL])
        .with("subschemaSubentry", [SUBSCHEMA_DN])
        .with("vendorName", ["skydir"])
        .with("vendorVersion", [env!("CARGO_PKG_VERSION")])
        .build()
}

/// The subschema entry (`cn=Subschema`).
pub fn subschema() -> Entry {
    Entry::builder(SUBSCHEMA_DN)
        .with("objectClass", ["top", "subentry", "subschema"])
        .with("cn", ["Subschema"])
        .with("attributeTypes", schema::attribute_type_descriptions())
        .with("objectClasses", schema::OBJECT_CLASSES.iter().copied())
        .build()
}
