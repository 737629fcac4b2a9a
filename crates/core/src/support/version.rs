//! Version numbers as systems report them, compared numerically.
//!
//! The support policy asks customers to update systems that are "End of Life, unpatched, or
//! otherwise out of date", so the desk compares reported versions with the minimums of the
//! supported-versions list ([`lifecycle`](super::lifecycle)). Versions like `22.04`,
//! `10.0.19045`, `14.2.1` and `2.5.0` must compare part by part as numbers — `10.0.9` comes
//! before `10.0.19045`, which a comparison of the text gets wrong — and missing parts count as
//! zero, so `2.5` and `2.5.0` are the same version. A [`Version`] keeps the text it was written
//! as for display and compares by its numbers.

use crate::error::{CoreError, CoreResult};
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::str::FromStr;

/// Longest version text accepted.
const MAX_LEN: usize = 64;
/// Most dot-separated parts accepted.
const MAX_PARTS: usize = 16;

/// A version: numbers separated by dots, optionally after a `v`. Equality, order and hash go
/// by the numbers with trailing zeros dropped (`2.5 == 2.5.0`, `22.04 == 22.4`); `Display` and
/// serde write the text as given.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Version {
    text: String,
    /// The numbers, trailing zeros dropped.
    parts: Vec<u64>,
}

impl Version {
    /// Parses a version exactly: `22.04`, `10.0.19045`, `v2.5.0`. Errors say what is wrong:
    /// empty, too long, a character that is not a digit or dot, an empty part (`1..2`, `.1`,
    /// `1.`), a part too large for 64 bits, or more than 16 parts.
    pub fn parse(s: &str) -> CoreResult<Self> {
        let text = s.trim();
        if text.is_empty() {
            return Err(invalid(format!(
                "a version may not be empty; {}",
                expected()
            )));
        }
        if text.len() > MAX_LEN {
            return Err(invalid(format!(
                "a version may be at most {MAX_LEN} characters, got {}",
                text.len()
            )));
        }
        let digits = text
            .strip_prefix('v')
            .or_else(|| text.strip_prefix('V'))
            .unwrap_or(text);
        if let Some(bad) = digits.chars().find(|c| !(c.is_ascii_digit() || *c == '.')) {
            return Err(invalid(format!(
                "'{text}' is not a version: '{bad}' is neither a digit nor a dot; {}",
                expected()
            )));
        }
        let mut parts = Vec::new();
        for part in digits.split('.') {
            if part.is_empty() {
                return Err(invalid(format!(
                    "'{text}' is not a version: it has an empty part; {}",
                    expected()
                )));
            }
            let n = part.parse::<u64>().map_err(|_| {
                invalid(format!(
                    "'{text}' is not a version: the part '{part}' is too large"
                ))
            })?;
            parts.push(n);
        }
        if parts.len() > MAX_PARTS {
            return Err(invalid(format!(
                "'{text}' has {} parts; a version has at most {MAX_PARTS}",
                parts.len()
            )));
        }
        while parts.last() == Some(&0) {
            parts.pop();
        }
        Ok(Self {
            text: text.to_string(),
            parts,
        })
    }

    /// Parses the version a system or agent reports: the leading version of `s`, ignoring a
    /// pre-release or build suffix after `-`, `+`, `_` or `~` (`2.5.0-rc1` and `12.5+deb1`
    /// read as `2.5.0` and `12.5`). Errors as [`Version::parse`] does when no version leads.
    pub fn parse_reported(s: &str) -> CoreResult<Self> {
        let text = s.trim();
        let cut = text.find(['-', '+', '_', '~']).unwrap_or(text.len());
        let head = text.get(..cut).unwrap_or(text);
        if head.is_empty() {
            return Self::parse(text);
        }
        Self::parse(head)
    }

    /// The version as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Its numbers, trailing zeros dropped (`10.0` gives `[10]`, `0.0` gives `[]`).
    pub fn parts(&self) -> &[u64] {
        &self.parts
    }
}

fn expected() -> &'static str {
    "expected numbers separated by dots, like 22.04, 10.0.19045 or 2.5.0"
}

fn invalid(reason: String) -> CoreError {
    CoreError::invalid("version", reason)
}

impl PartialEq for Version {
    fn eq(&self, other: &Self) -> bool {
        self.parts == other.parts
    }
}

impl Eq for Version {}

impl Hash for Version {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.parts.hash(state);
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        // Trailing zeros are dropped, so comparing the lists compares missing parts as zero.
        self.parts.cmp(&other.parts)
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl FromStr for Version {
    type Err = CoreError;
    fn from_str(s: &str) -> CoreResult<Self> {
        Self::parse(s)
    }
}

impl TryFrom<String> for Version {
    type Error = CoreError;
    fn try_from(s: String) -> CoreResult<Self> {
        Self::parse(&s)
    }
}

impl From<Version> for String {
    fn from(v: Version) -> Self {
        v.text
    }
}

#[cfg(test)]
mod tests;
