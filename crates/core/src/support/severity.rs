//! How urgent a ticket is.
//!
//! The provider's support policy says "support is direct and severity based", that "issues
//! that impact the customers' ability to integrate … with resources actively used by their
//! business to manage the daily business needs of their users will take priority", and that
//! "Target response times, along with time to resolution, will vary based on severity". This
//! module holds the four severities, their written definitions as data an operator may reword
//! ([`SeverityDefinitions`]), and [`assess`], which turns the facts of an issue into the
//! severity those definitions give it. The targets per severity live in
//! [`targets`](super::targets).

use crate::error::{CoreError, CoreResult};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A ticket's severity. `Ord` sorts the most urgent first: `S1 < S2 < S3 < S4`, so sorting
/// tickets by severity puts S1 at the top.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Severity {
    /// Critical: the customer cannot use the service with resources their business depends on.
    #[serde(rename = "s1")]
    S1,
    /// Major: seriously degraded, and a workaround is hard or missing.
    #[serde(rename = "s2")]
    S2,
    /// Minor: limited impact, or a workaround exists.
    #[serde(rename = "s3")]
    S3,
    /// A question or a request; nothing is broken.
    #[serde(rename = "s4")]
    S4,
}

impl Severity {
    /// Every severity, most urgent first.
    pub const ALL: [Severity; 4] = [Self::S1, Self::S2, Self::S3, Self::S4];

    /// Parses `s1`, `S1` or `1` (and likewise for 2–4), forgiving surrounding spaces.
    pub fn parse(s: &str) -> CoreResult<Self> {
        let t = s.trim();
        let digits = t
            .strip_prefix('s')
            .or_else(|| t.strip_prefix('S'))
            .unwrap_or(t);
        match digits {
            "1" => Ok(Self::S1),
            "2" => Ok(Self::S2),
            "3" => Ok(Self::S3),
            "4" => Ok(Self::S4),
            _ => Err(CoreError::invalid(
                "severity",
                format!("unknown severity '{t}'; expected s1, s2, s3 or s4 (or 1-4)"),
            )),
        }
    }

    /// The wire name, `s1`–`s4`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::S1 => "s1",
            Self::S2 => "s2",
            Self::S3 => "s3",
            Self::S4 => "s4",
        }
    }

    /// The level, 1 (most urgent) to 4.
    pub fn level(self) -> u8 {
        match self {
            Self::S1 => 1,
            Self::S2 => 2,
            Self::S3 => 3,
            Self::S4 => 4,
        }
    }

    /// Whether `self` is handled before `other`.
    pub fn is_more_urgent_than(self, other: Severity) -> bool {
        self < other
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "S{}", self.level())
    }
}

/// What an issue does to the customer's use of the service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Effect {
    /// They cannot use the service for the affected resources at all.
    Blocked,
    /// It works, but seriously degraded.
    Degraded,
    /// Limited impact: an inconvenience, a cosmetic fault, a few users.
    Minor,
    /// Nothing is broken: a question or a request.
    None,
}

/// The facts of an issue that decide its severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Impact {
    /// What the issue does to the customer's use of the service.
    pub effect: Effect,
    /// Whether the affected resources are actively used by the customer's business to manage
    /// the daily business needs of its users (rather than, say, a test lab or a pilot).
    pub actively_used: bool,
    /// Whether the customer has a reasonable workaround.
    pub workaround: bool,
}

/// The severity the written definitions give an issue:
///
/// | effect   | no workaround, actively used | no workaround, not in daily use | workaround |
/// |----------|------------------------------|---------------------------------|------------|
/// | blocked  | S1                           | S2                              | S2         |
/// | degraded | S2                           | S2                              | S3         |
/// | minor    | S3                           | S3                              | S3         |
/// | none     | S4                           | S4                              | S4         |
///
/// Only an outage of resources the business actively uses, with no way around it, is S1 —
/// that is the policy's "will take priority". Staff may still set another severity on a
/// ticket; this is the starting point and the check of a customer's choice.
pub fn assess(impact: &Impact) -> Severity {
    match impact.effect {
        Effect::Blocked if impact.actively_used && !impact.workaround => Severity::S1,
        Effect::Blocked => Severity::S2,
        Effect::Degraded if !impact.workaround => Severity::S2,
        Effect::Degraded | Effect::Minor => Severity::S3,
        Effect::None => Severity::S4,
    }
}

/// The written definition of one severity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeverityDefinition {
    /// A short name, e.g. "Critical".
    pub name: String,
    /// What makes an issue this severity, in the customer's terms.
    pub definition: String,
}

/// The written definitions of the four severities, as shown to customers and staff.
/// Deserializing goes through the same checks as [`SeverityDefinitions::new`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "DefinitionsSpec", into = "DefinitionsSpec")]
pub struct SeverityDefinitions {
    spec: DefinitionsSpec,
}

/// The serde form of [`SeverityDefinitions`]: one entry per severity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DefinitionsSpec {
    pub s1: SeverityDefinition,
    pub s2: SeverityDefinition,
    pub s3: SeverityDefinition,
    pub s4: SeverityDefinition,
}

impl SeverityDefinitions {
    /// Checks that every severity has a name and a definition, and that no two share one.
    pub fn new(spec: DefinitionsSpec) -> CoreResult<Self> {
        let defs = Self { spec };
        for s in Severity::ALL {
            let d = defs.get(s);
            if d.name.trim().is_empty() {
                return Err(CoreError::invalid(
                    format!("{}.name", s.as_str()),
                    format!("severity {s} needs a name"),
                ));
            }
            if d.definition.trim().is_empty() {
                return Err(CoreError::invalid(
                    format!("{}.definition", s.as_str()),
                    format!("severity {s} needs a definition"),
                ));
            }
            for t in Severity::ALL.into_iter().filter(|&t| t > s) {
                let e = defs.get(t);
                if e.name.trim().eq_ignore_ascii_case(d.name.trim()) {
                    return Err(CoreError::invalid(
                        format!("{}.name", t.as_str()),
                        format!("severities {s} and {t} are both called '{}'", d.name.trim()),
                    ));
                }
            }
        }
        Ok(defs)
    }

    /// The provider's definitions.
    pub fn default_policy() -> Self {
        let def = |name: &str, definition: &str| SeverityDefinition {
            name: name.to_string(),
            definition: definition.to_string(),
        };
        Self {
            spec: DefinitionsSpec {
                s1: def(
                    "Critical",
                    "You cannot use the service with resources your business actively depends \
                     on to manage the daily needs of its users, and there is no workaround.",
                ),
                s2: def(
                    "Major",
                    "The service is seriously degraded, or unusable for resources your business \
                     does not depend on daily, and a workaround is hard or missing.",
                ),
                s3: def(
                    "Minor",
                    "The issue has limited impact, or a reasonable workaround exists.",
                ),
                s4: def("Question", "A question or a request; nothing is broken."),
            },
        }
    }

    /// The definition of `severity`.
    pub fn get(&self, severity: Severity) -> &SeverityDefinition {
        match severity {
            Severity::S1 => &self.spec.s1,
            Severity::S2 => &self.spec.s2,
            Severity::S3 => &self.spec.s3,
            Severity::S4 => &self.spec.s4,
        }
    }

    /// The definitions as written.
    pub fn spec(&self) -> &DefinitionsSpec {
        &self.spec
    }
}

impl Default for SeverityDefinitions {
    fn default() -> Self {
        Self::default_policy()
    }
}

impl TryFrom<DefinitionsSpec> for SeverityDefinitions {
    type Error = CoreError;
    fn try_from(spec: DefinitionsSpec) -> CoreResult<Self> {
        Self::new(spec)
    }
}

impl From<SeverityDefinitions> for DefinitionsSpec {
    fn from(d: SeverityDefinitions) -> Self {
        d.spec
    }
}

#[cfg(test)]
mod tests;
