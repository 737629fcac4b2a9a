//! Customer-supplied personal data of a user: names, email, phones, postal addresses, SSH keys'
//! comments and operator-defined custom attributes. In memory only in clear; the store keeps
//! every field as AEAD ciphertext under the user's own data key.

use crate::error::CoreError;
use crate::secret::Personal;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Most phone numbers, addresses or custom attributes one user may carry.
pub const MAX_ITEMS: usize = 20;

/// A postal address.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Address {
    #[serde(default)]
    pub label: Option<String>,
    #[serde(default)]
    pub street: Option<String>,
    #[serde(default)]
    pub locality: Option<String>,
    #[serde(default)]
    pub region: Option<String>,
    #[serde(default)]
    pub postal_code: Option<String>,
    #[serde(default)]
    pub country: Option<String>,
}

/// The personal data fields of a user, each independently encrypted at rest.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PersonalData {
    pub given_name: Personal<Option<String>>,
    pub family_name: Personal<Option<String>>,
    pub phones: Personal<Vec<String>>,
    pub addresses: Personal<Vec<Address>>,
    pub custom: Personal<BTreeMap<String, String>>,
}

fn check_text(field: &str, s: &str, max: usize) -> Result<(), CoreError> {
    if s.chars().count() > max {
        return Err(CoreError::invalid(
            field,
            format!("must be at most {max} characters"),
        ));
    }
    if s.chars().any(|c| c.is_control() && c != '\n') {
        return Err(CoreError::invalid(
            field,
            "must not contain control characters",
        ));
    }
    Ok(())
}

impl PersonalData {
    /// Checks every field; errors name the field with its index (`phones[2]`).
    pub fn validate(&self) -> Result<(), CoreError> {
        for (name, v) in [
            ("given_name", &self.given_name.0),
            ("family_name", &self.family_name.0),
        ] {
            if let Some(v) = v {
                check_text(name, v, 200)?;
            }
        }
        if self.phones.0.len() > MAX_ITEMS {
            return Err(CoreError::invalid(
                "phones",
                format!("at most {MAX_ITEMS} numbers"),
            ));
        }
        for (i, p) in self.phones.0.iter().enumerate() {
            let field = format!("phones[{i}]");
            if p.trim().is_empty() {
                return Err(CoreError::invalid(field, "must not be empty"));
            }
            if !p
                .chars()
                .all(|c| c.is_ascii_digit() || " +-().x".contains(c))
            {
                return Err(CoreError::invalid(
                    field,
                    "may contain only digits, spaces and + - ( ) . x",
                ));
            }
            check_text(&field, p, 40)?;
        }
        if self.addresses.0.len() > MAX_ITEMS {
            return Err(CoreError::invalid(
                "addresses",
                format!("at most {MAX_ITEMS} addresses"),
            ));
        }
        for (i, a) in self.addresses.0.iter().enumerate() {
            for (name, v) in [
                ("label", &a.label),
                ("street", &a.street),
                ("locality", &a.locality),
                ("region", &a.region),
                ("postal_code", &a.postal_code),
                ("country", &a.country),
            ] {
                if let Some(v) = v {
                    check_text(&format!("addresses[{i}].{name}"), v, 300)?;
                }
            }
        }
        if self.custom.0.len() > MAX_ITEMS {
            return Err(CoreError::invalid(
                "custom",
                format!("at most {MAX_ITEMS} attributes"),
            ));
        }
        for (k, v) in &self.custom.0 {
            if k.is_empty()
                || k.len() > 64
                || !k
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            {
                return Err(CoreError::invalid(
                    format!("custom.{k}"),
                    "attribute names are 1-64 letters, digits, '_' or '-'",
                ));
            }
            check_text(&format!("custom.{k}"), v, 1000)?;
        }
        Ok(())
    }
}
