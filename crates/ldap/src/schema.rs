//! The schema skydir publishes: the attribute types of its entries (names, aliases, OIDs,
//! syntaxes and how values compare) and the object classes, rendered for the schema subentry
//! (`cn=Subschema`) that clients such as Apache Directory Studio and python-ldap read.

/// How values of an attribute compare in filters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Matching {
    /// caseIgnoreMatch / caseIgnoreSubstringsMatch / caseIgnoreOrderingMatch.
    CaseIgnore,
    /// caseExactMatch (SSH keys).
    CaseExact,
    /// integerMatch / integerOrderingMatch.
    Integer,
    /// distinguishedNameMatch.
    Dn,
    /// generalizedTimeMatch / generalizedTimeOrderingMatch (values are `YYYYMMDDhhmmssZ`).
    Time,
}

/// One attribute type.
#[derive(Debug)]
pub struct AttributeType {
    pub oid: &'static str,
    /// Names, the first being the canonical one.
    pub names: &'static [&'static str],
    pub syntax: &'static str,
    pub matching: Matching,
    pub single_value: bool,
    /// Operational attributes are returned only when asked for by name or with `+`.
    pub operational: bool,
}

const DIRECTORY_STRING: &str = "1.3.6.1.4.1.1466.115.121.1.15";
const IA5_STRING: &str = "1.3.6.1.4.1.1466.115.121.1.26";
const INTEGER: &str = "1.3.6.1.4.1.1466.115.121.1.27";
const DN: &str = "1.3.6.1.4.1.1466.115.121.1.12";
const OID: &str = "1.3.6.1.4.1.1466.115.121.1.38";
const OCTET_STRING: &str = "1.3.6.1.4.1.1466.115.121.1.40";
const GENERALIZED_TIME: &str = "1.3.6.1.4.1.1466.115.121.1.24";
const UUID: &str = "1.3.6.1.1.16.1";

macro_rules! at {
    ($oid:expr, [$($n:expr),+], $syn:expr, $m:ident, $single:expr, $op:expr) => {
        AttributeType {
            oid: $oid,
            names: &[$($n),+],
            syntax: $syn,
            matching: Matching::$m,
            single_value: $single,
            operational: $op,
        }
    };
}

/// The position of `objectClass` in [`ATTRIBUTES`].
pub const OBJECT_CLASS: usize = 0;

/// Every attribute type skydir's entries carry.
pub static ATTRIBUTES: &[AttributeType] = &[
    at!("2.5.4.0", ["objectClass"], OID, CaseIgnore, false, false),
    at!(
        "2.5.4.3",
        ["cn", "commonName"],
        DIRECTORY_STRING,
        CaseIgnore,
        false,
        false
    ),
    at!(
        "2.5.4.4",
        ["sn", "surname"],
        DIRECTORY_STRING,
        CaseIgnore,
        false,
        false
    ),
    at!(
        "2.5.4.42",
        ["givenName", "gn"],
        DIRECTORY_STRING,
        CaseIgnore,
        false,
        false
    ),
    at!(
        "2.16.840.1.113730.3.1.241",
        ["displayName"],
        DIRECTORY_STRING,
        CaseIgnore,
        true,
        false
    ),
    at!(
        "0.9.2342.19200300.100.1.1",
        ["uid", "userid"],
        DIRECTORY_STRING,
        CaseIgnore,
        false,
        false
    ),
    at!(
        "0.9.2342.19200300.100.1.3",
        ["mail", "rfc822Mailbox"],
        IA5_STRING,
        CaseIgnore,
        false,
        false
    ),
    at!(
        "2.5.4.10",
        ["o", "organizationName"],
        DIRECTORY_STRING,
        CaseIgnore,
        false,
        false
    ),
    at!(
        "2.5.4.11",
        ["ou", "organizationalUnitName"],
        DIRECTORY_STRING,
        CaseIgnore,
        false,
        false
    ),
    at!(
        "0.9.2342.19200300.100.1.25",
        ["dc", "domainComponent"],
        IA5_STRING,
        CaseIgnore,
        true,
        false
    ),
    at!(
        "2.5.4.13",
        ["description"],
        DIRECTORY_STRING,
        CaseIgnore,
        false,
        false
    ),
    at!(
        "1.3.6.1.1.1.1.0",
        ["uidNumber"],
        INTEGER,
        Integer,
        true,
        false
    ),
    at!(
        "1.3.6.1.1.1.1.1",
        ["gidNumber"],
        INTEGER,
        Integer,
        true,
        false
    ),
    at!(
        "1.3.6.1.1.1.1.3",
        ["homeDirectory"],
        IA5_STRING,
        CaseExact,
        true,
        false
    ),
    at!(
        "1.3.6.1.1.1.1.4",
        ["loginShell"],
        IA5_STRING,
        CaseExact,
        true,
        false
    ),
    at!(
        "1.3.6.1.1.1.1.2",
        ["gecos"],
        IA5_STRING,
        CaseIgnore,
        true,
        false
    ),
    at!(
        "1.3.6.1.1.1.1.12",
        ["memberUid"],
        IA5_STRING,
        CaseIgnore,
        false,
        false
    ),
    at!("2.5.4.31", ["member"], DN, Dn, false, false),
    at!("1.2.840.113556.1.2.102", ["memberOf"], DN, Dn, false, true),
    at!(
        "1.3.6.1.4.1.24552.500.1.1.1.13",
        ["sshPublicKey"],
        OCTET_STRING,
        CaseExact,
        false,
        false
    ),
    at!(
        "1.3.6.1.1.16.4",
        ["entryUUID"],
        UUID,
        CaseIgnore,
        true,
        true
    ),
    at!(
        "2.5.18.1",
        ["createTimestamp"],
        GENERALIZED_TIME,
        Time,
        true,
        true
    ),
    at!(
        "2.5.18.2",
        ["modifyTimestamp"],
        GENERALIZED_TIME,
        Time,
        true,
        true
    ),
    at!("2.5.18.10", ["subschemaSubentry"], DN, Dn, true, true),
    at!(
        "2.5.21.9",
        ["structuralObjectClass"],
        OID,
        CaseIgnore,
        true,
        true
    ),
    at!(
        "2.5.18.9",
        ["hasSubordinates"],
        DIRECTORY_STRING,
        CaseIgnore,
        true,
        true
    ),
    at!(
        "1.3.6.1.4.1.1466.101.120.5",
        ["namingContexts"],
        DN,
        Dn,
        false,
        true
    ),
    at!(
        "1.3.6.1.4.1.1466.101.120.13",
        ["supportedControl"],
        OID,
        CaseIgnore,
        false,
        true
    ),
    at!(
        "1.3.6.1.4.1.1466.101.120.7",
        ["supportedExtension"],
        OID,
        CaseIgnore,
        false,
        true
    ),
    at!(
        "1.3.6.1.4.1.1466.101.120.15",
        ["supportedLDAPVersion"],
        INTEGER,
        Integer,
        false,
        true
    ),
    at!(
        "1.3.6.1.4.1.1466.101.120.14",
        ["supportedSASLMechanisms"],
        DIRECTORY_STRING,
        CaseIgnore,
        false,
        true
    ),
    at!(
        "1.3.6.1.4.1.4203.1.3.5",
        ["supportedFeatures"],
        OID,
        CaseIgnore,
        false,
        true
    ),
    at!(
        "1.3.6.1.1.4",
        ["vendorName"],
        DIRECTORY_STRING,
        CaseIgnore,
        true,
        true
    ),
    at!(
        "1.3.6.1.1.5",
        ["vendorVersion"],
        DIRECTORY_STRING,
        CaseIgnore,
        true,
        true
    ),
    at!(
        "2.5.21.5",
        ["attributeTypes"],
        DIRECTORY_STRING,
        CaseIgnore,
        false,
        true
    ),
    at!(
        "2.5.21.6",
        ["objectClasses"],
        DIRECTORY_STRING,
        CaseIgnore,
        false,
        true
    ),
    at!(
        "2.5.21.4",
        ["matchingRules"],
        DIRECTORY_STRING,
        CaseIgnore,
        false,
        true
    ),
    at!(
        "1.3.6.1.4.1.1466.101.120.16",
        ["ldapSyntaxes"],
        DIRECTORY_STRING,
        CaseIgnore,
        false,
        true
    ),
];

/// The object classes, as RFC 4512 descriptions for the subschema entry.
pub static OBJECT_CLASSES: &[&str] = &[
    "( 2.5.6.0 NAME 'top' ABSTRACT MUST objectClass )",
    "( 2.5.6.4 NAME 'organization' SUP top STRUCTURAL MUST o MAY description )",
    "( 2.5.6.5 NAME 'organizationalUnit' SUP top STRUCTURAL MUST ou MAY description )",
    "( 1.3.6.1.4.1.1466.344 NAME 'dcObject' SUP top AUXILIARY MUST dc )",
    "( 2.5.6.6 NAME 'person' SUP top STRUCTURAL MUST ( sn $ cn ) MAY description )",
    "( 2.5.6.7 NAME 'organizationalPerson' SUP person STRUCTURAL MAY ou )",
    "( 2.16.840.1.113730.3.2.2 NAME 'inetOrgPerson' SUP organizationalPerson STRUCTURAL \
     MAY ( displayName $ givenName $ mail $ uid ) )",
    "( 1.3.6.1.1.1.2.0 NAME 'posixAccount' SUP top AUXILIARY \
     MUST ( cn $ uid $ uidNumber $ gidNumber $ homeDirectory ) MAY ( loginShell $ gecos $ description ) )",
    "( 1.3.6.1.4.1.24552.500.1.1.2.0 NAME 'ldapPublicKey' SUP top AUXILIARY MAY ( sshPublicKey $ uid ) )",
    "( 2.5.6.9 NAME 'groupOfNames' SUP top STRUCTURAL MUST cn MAY ( member $ description ) )",
    "( 1.3.6.1.1.1.2.2 NAME 'posixGroup' SUP top AUXILIARY MUST ( cn $ gidNumber ) \
     MAY ( memberUid $ description ) )",
    "( 2.5.20.1 NAME 'subschema' AUXILIARY MAY ( attributeTypes $ objectClasses $ matchingRules $ ldapSyntaxes ) )",
];

/// The attribute type called `name` (any of its names, any case, or its OID).
pub fn attribute(name: &str) -> Option<&'static AttributeType> {
    type_index(name).and_then(|i| ATTRIBUTES.get(i))
}

/// The position in [`ATTRIBUTES`] of the attribute type called `name` (any of its names, any
/// case, or its OID). Entries store attribute types as these positions.
pub fn type_index(name: &str) -> Option<usize> {
    ATTRIBUTES
        .iter()
        .position(|a| a.names.iter().any(|n| n.eq_ignore_ascii_case(name)) || a.oid == name)
}

/// The lower-cased canonical name of `name` (unknown names are simply lower-cased), used as the
/// key of attribute lookups and in normalized DNs.
pub fn canonical_name(name: &str) -> String {
    match attribute(name) {
        Some(a) => a.names[0].to_ascii_lowercase(),
        None => name.to_ascii_lowercase(),
    }
}

/// How values of `name` compare (unknown attributes compare case-insensitively).
pub fn matching(name: &str) -> Matching {
    attribute(name).map_or(Matching::CaseIgnore, |a| a.matching)
}

/// True when `name` is operational (returned only on request).
pub fn is_operational(name: &str) -> bool {
    attribute(name).is_some_and(|a| a.operational)
}

/// The `attributeTypes` values of the subschema entry.
pub fn attribute_type_descriptions() -> Vec<String> {
    ATTRIBUTES
        .iter()
        .map(|a| {
            let names = if a.names.len() == 1 {
                format!("'{}'", a.names[0])
            } else {
                let quoted: Vec<String> = a.names.iter().map(|n| format!("'{n}'")).collect();
                format!("( {} )", quoted.join(" "))
            };
            let eq = match a.matching {
                Matching::CaseIgnore => "caseIgnoreMatch",
                Matching::CaseExact => "caseExactMatch",
                Matching::Integer => "integerMatch",
                Matching::Dn => "distinguishedNameMatch",
                Matching::Time => "generalizedTimeMatch",
            };
            let mut d = format!("( {} NAME {names} EQUALITY {eq} SYNTAX {}", a.oid, a.syntax);
            if a.single_value {
                d.push_str(" SINGLE-VALUE");
            }
            if a.operational {
                d.push_str(" NO-USER-MODIFICATION USAGE directoryOperation");
            }
            d.push_str(" )");
            d
        })
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn names_aliases_and_oids_resolve_to_one_type() {
        assert_eq!(canonical_name("commonName"), "cn");
        assert_eq!(canonical_name("CN"), "cn");
        assert_eq!(canonical_name("2.5.4.3"), "cn");
        assert_eq!(canonical_name("x-Custom"), "x-custom");
        assert_eq!(matching("UIDNUMBER"), Matching::Integer);
        assert!(is_operational("memberOf") && !is_operational("mail"));
    }

    #[test]
    fn every_name_and_oid_is_unique() {
        let mut seen = std::collections::HashSet::new();
        for a in ATTRIBUTES {
            assert!(seen.insert(a.oid.to_string()), "{}", a.oid);
            for n in a.names {
                assert!(seen.insert(n.to_ascii_lowercase()), "{n}");
            }
        }
        assert_eq!(attribute_type_descriptions().len(), ATTRIBUTES.len());
        // Entries keep a type as one byte.
        assert!(ATTRIBUTES.len() <= usize::from(u8::MAX));
        assert_eq!(type_index("CommonName"), Some(1));
        assert_eq!(type_index("2.5.4.0"), Some(OBJECT_CLASS));
        assert_eq!(ATTRIBUTES[OBJECT_CLASS].names, ["objectClass"]);
        assert_eq!(type_index("x-unknown"), None);
    }
}
