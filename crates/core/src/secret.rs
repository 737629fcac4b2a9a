//! Wrappers that keep secrets and personal data out of logs.
//!
//! `Debug` and `Display` print `***`, so a value that reaches a `tracing` field or a panic message
//! by mistake leaks nothing. Secrets are zeroized on drop.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use zeroize::Zeroize;

/// A secret string (password, token). Zeroized on drop; never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret itself; call only where the secret is consumed (hashing, comparison).
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl Drop for Secret {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(Secret)
    }
}

/// Personal data held in memory in clear. Prints as `***`; serializes transparently (the only
/// places that serialize it are the encrypted store and the subject's own/admin's views).
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Personal<T>(pub T);

impl<T> Personal<T> {
    /// The value itself.
    pub fn get(&self) -> &T {
        &self.0
    }
}

impl<T> fmt::Debug for Personal<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl<T: Serialize> Serialize for Personal<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Personal<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        T::deserialize(d).map(Personal)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_prints_the_value() {
        let s = Secret::new("hunter2");
        assert_eq!(format!("{s:?}"), "Secret(***)");
        let p = Personal("+1 555 0100".to_string());
        assert_eq!(format!("{p:?}"), "***");
        assert_eq!(
            serde_json::to_string(&p).ok().as_deref(),
            Some("\"+1 555 0100\"")
        );
    }
}
