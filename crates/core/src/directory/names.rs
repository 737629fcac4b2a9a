//! Names parsed at the edge: org slugs, usernames, group/resource names (email addresses are
//! [`super::email`]).
//!
//! Parse, don't validate: once a value has one of these types it is known to be well formed,
//! and it is safe to place in an LDAP DN, a URL path or a log line.

use crate::error::CoreError;
use serde::{Deserialize, Serialize};
use std::fmt;

fn check_identifier(field: &str, s: &str, max: usize) -> Result<(), CoreError> {
    if s.is_empty() {
        return Err(CoreError::invalid(field, "must not be empty"));
    }
    if s.len() > max {
        return Err(CoreError::invalid(
            field,
            format!("must be at most {max} characters"),
        ));
    }
    let first = s.chars().next().unwrap_or('-');
    if !first.is_ascii_lowercase() && !first.is_ascii_digit() {
        return Err(CoreError::invalid(
            field,
            "must start with a lowercase letter or a digit",
        ));
    }
    if let Some(bad) = s
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || "-_.".contains(*c)))
    {
        return Err(CoreError::invalid(
            field,
            format!(
                "contains '{bad}'; only lowercase letters, digits, '-', '_' and '.' are allowed"
            ),
        ));
    }
    Ok(())
}

macro_rules! ident_newtype {
    ($(#[$m:meta])* $name:ident, $field:literal, $max:literal) => {
        $(#[$m])*
        #[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// Parses and checks the value.
            pub fn parse(s: &str) -> Result<Self, CoreError> {
                check_identifier($field, s, $max)?;
                Ok(Self(s.to_string()))
            }

            /// The checked value.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = CoreError;
            fn try_from(s: String) -> Result<Self, CoreError> {
                Self::parse(&s)
            }
        }

        impl From<$name> for String {
            fn from(v: $name) -> String {
                v.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({:?})", stringify!($name), self.0)
            }
        }
    };
}

ident_newtype!(
    /// An organization's unique slug (`acme`), used in URLs and as `o=<slug>` in LDAP.
    OrgSlug, "slug", 63
);
ident_newtype!(
    /// A username, unique within its org; the LDAP `uid`.
    Username, "username", 64
);
ident_newtype!(
    /// The name of a group, system, resource or token, unique within its org and kind.
    Name, "name", 128
);

/// Checks a free-text description (groups, resources): at most 1000 characters, no control
/// characters except newlines.
pub fn check_description(d: &str) -> Result<String, CoreError> {
    if d.chars().count() > 1000 || d.chars().any(|c| c.is_control() && c != '\n') {
        return Err(CoreError::invalid(
            "description",
            "must be at most 1000 characters without control characters",
        ));
    }
    Ok(d.to_string())
}

#[cfg(test)]
mod fuzz {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Parsers of outside input never panic, and what they accept round-trips.
        #[test]
        fn name_parsers_never_panic(s in ".{0,300}") {
            if let Ok(v) = OrgSlug::parse(&s) { prop_assert_eq!(OrgSlug::parse(v.as_str()).ok(), Some(v)); }
            if let Ok(v) = Username::parse(&s) { prop_assert_eq!(Username::parse(v.as_str()).ok(), Some(v)); }
            if let Ok(v) = Name::parse(&s) { prop_assert_eq!(Name::parse(v.as_str()).ok(), Some(v)); }
            if let Ok(v) = crate::directory::Email::parse(&s) { prop_assert_eq!(crate::directory::Email::parse(v.as_str()).ok(), Some(v)); }
            let _ = crate::directory::SshKey::parse(&s);
            let _ = crate::directory::UserStatus::parse(&s);
            let _ = crate::auth::credential::is_supported_hash(&s);
            let _ = crate::auth::token::token_hash(&s);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_accept_and_refuse_with_reasons() {
        assert!(OrgSlug::parse("acme-corp").is_ok());
        assert!(Username::parse("j.smith_2").is_ok());
        let e = Username::parse("J Smith").err();
        assert_eq!(
            e,
            Some(CoreError::invalid(
                "username",
                "must start with a lowercase letter or a digit"
            ))
        );
        let e = OrgSlug::parse("ac/me").err().map(|e| e.to_string());
        assert!(e.is_some_and(|m| m.contains("'/'")));
        assert!(OrgSlug::parse("").is_err());
        assert!(OrgSlug::parse(&"a".repeat(64)).is_err());
    }
}
