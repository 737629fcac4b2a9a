//! Sub-processors (GDPR Art. 28): the third parties the provider uses to deliver the service,
//! each with its purpose, the categories of personal data it receives, where it processes them
//! and when its data processing agreement was signed.
//!
//! The registry is public, and every addition, change and removal is kept as a dated
//! [`RegistryEvent`] — the items of the public RSS feed ("Subscribe to this RSS feed to be
//! alerted when our GDPR policies and sub-processors change") and of the mails sent to the
//! orgs that subscribed. A removed sub-processor stays in the registry, marked removed, so the
//! feed can still say what was removed.
//!
//! A new deployment's registry starts with the sub-processors the statement names, each
//! marked as an example ("example — edit before going live") until the operator confirms or
//! replaces it: the public page is never silently empty, and never silently wrong. Examples
//! are no announced fact: confirming one is its addition to the feed, and removing one that
//! was never confirmed leaves nothing to announce.

use crate::directory::Name;
use crate::error::{CoreError, CoreResult};
use crate::ids::{RegistryEventId, SubProcessorId};
use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// A sub-processor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubProcessor {
    pub id: SubProcessorId,
    /// Its address in the registry, e.g. `aws`.
    pub slug: Name,
    pub name: String,
    pub purpose: String,
    /// The categories of personal data it receives, in words ("contact details", …).
    pub data_categories: Vec<String>,
    /// Where it processes them, e.g. "EU (Frankfurt)".
    pub location: String,
    /// When the provider's data processing agreement with it was signed.
    pub dpa_date: Date,
    pub added_at: Timestamp,
    pub updated_at: Timestamp,
    /// Set once it no longer processes anything for the provider.
    pub removed_at: Option<Timestamp>,
    /// An example entry seeded from the statement, not yet confirmed by the operator.
    #[serde(default)]
    pub example: bool,
}

/// The mark examples carry on the console and the public page.
pub const EXAMPLE_MARK: &str = "example — edit before going live";

/// A sub-processor the statement names, as a new deployment's registry lists it until the
/// operator confirms or replaces it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Example {
    pub slug: &'static str,
    pub name: &'static str,
    pub purpose: &'static str,
    pub data_categories: &'static [&'static str],
    pub location: &'static str,
}

/// The sub-processors the GDPR statement names (AWS, Fivetran, Snowflake, Segment, Drift,
/// Optimizely, SendGrid), with what such a provider typically uses each for.
pub const STATEMENT_EXAMPLES: &[Example] = &[
    Example {
        slug: "aws",
        name: "Amazon Web Services, Inc.",
        purpose: "Hosting of the service: servers, storage and backups",
        data_categories: &["directory records", "contact details", "activity records"],
        location: "United States",
    },
    Example {
        slug: "fivetran",
        name: "Fivetran",
        purpose: "Moving business records into the data warehouse",
        data_categories: &["contact details", "activity records"],
        location: "United States",
    },
    Example {
        slug: "snowflake",
        name: "Snowflake",
        purpose: "Data warehouse for reporting",
        data_categories: &["contact details", "activity records"],
        location: "United States",
    },
    Example {
        slug: "segment",
        name: "Segment",
        purpose: "Website and product usage analytics",
        data_categories: &["contact details", "usage data"],
        location: "United States",
    },
    Example {
        slug: "drift",
        name: "Drift",
        purpose: "Chat with visitors of the website",
        data_categories: &["contact details", "chat messages"],
        location: "United States",
    },
    Example {
        slug: "optimizely",
        name: "Optimizely",
        purpose: "Experiments on the website",
        data_categories: &["usage data"],
        location: "United States",
    },
    Example {
        slug: "sendgrid",
        name: "SendGrid, Inc.",
        purpose: "Delivery of the service's email",
        data_categories: &["contact details"],
        location: "United States",
    },
];

/// What a sub-processor's entry says, as the operator writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubProcessorInput {
    pub name: String,
    pub purpose: String,
    pub data_categories: Vec<String>,
    pub location: String,
    pub dpa_date: Date,
}

fn line(field: &str, v: &str, max: usize) -> CoreResult<String> {
    let t = v.trim();
    if t.is_empty() || t.chars().count() > max || t.chars().any(char::is_control) {
        return Err(CoreError::invalid(
            field,
            format!("must be 1-{max} characters on one line"),
        ));
    }
    Ok(t.to_string())
}

impl SubProcessorInput {
    /// Checks and tidies every field.
    pub fn checked(self) -> CoreResult<Self> {
        let mut cats = Vec::new();
        for c in &self.data_categories {
            let c = line("data_categories", c, 80)?;
            if !cats.contains(&c) {
                cats.push(c);
            }
        }
        if cats.is_empty() {
            return Err(CoreError::invalid(
                "data_categories",
                "name at least one category of personal data it receives",
            ));
        }
        Ok(Self {
            name: line("name", &self.name, 120)?,
            purpose: line("purpose", &self.purpose, 500)?,
            data_categories: cats,
            location: line("location", &self.location, 120)?,
            dpa_date: self.dpa_date,
        })
    }
}

/// What happened to the registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RegistryChange {
    Added,
    Changed,
    Removed,
}

impl RegistryChange {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Added => "added",
            Self::Changed => "changed",
            Self::Removed => "removed",
        }
    }
}

/// One dated change of the registry: an item of the feed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistryEvent {
    pub id: RegistryEventId,
    pub at: Timestamp,
    pub change: RegistryChange,
    /// The entry as it stood after the change (before it, for a removal).
    pub subprocessor: SubProcessor,
    /// What changed, in words (for a change).
    pub note: String,
}

impl RegistryEvent {
    /// The feed item's title.
    pub fn title(&self) -> String {
        let name = &self.subprocessor.name;
        match self.change {
            RegistryChange::Added => format!("New sub-processor: {name}"),
            RegistryChange::Changed => format!("Sub-processor changed: {name}"),
            RegistryChange::Removed => format!("Sub-processor removed: {name}"),
        }
    }

    /// The feed item's text.
    pub fn description(&self) -> String {
        let s = &self.subprocessor;
        let mut text = format!(
            "{} — purpose: {}; personal data: {}; location: {}; DPA signed {}.",
            s.name,
            s.purpose,
            s.data_categories.join(", "),
            s.location,
            s.dpa_date
        );
        if !self.note.is_empty() {
            text.push(' ');
            text.push_str(&self.note);
        }
        text
    }
}

/// What changed between two entries, in words ("location: US → EU (Frankfurt)").
pub fn differences(before: &SubProcessor, after: &SubProcessorInput) -> String {
    let mut d = Vec::new();
    let mut diff = |what: &str, a: String, b: String| {
        if a != b {
            d.push(format!("{what}: {a} → {b}"));
        }
    };
    diff("name", before.name.clone(), after.name.clone());
    diff("purpose", before.purpose.clone(), after.purpose.clone());
    diff(
        "personal data",
        before.data_categories.join(", "),
        after.data_categories.join(", "),
    );
    diff("location", before.location.clone(), after.location.clone());
    diff(
        "DPA date",
        before.dpa_date.to_string(),
        after.dpa_date.to_string(),
    );
    d.join("; ")
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn input() -> SubProcessorInput {
        SubProcessorInput {
            name: " Amazon Web Services ".into(),
            purpose: "Hosting".into(),
            data_categories: vec!["contact details".into(), "contact details".into()],
            location: "EU (Frankfurt)".into(),
            dpa_date: "2024-05-01".parse().unwrap(),
        }
    }

    #[test]
    fn entries_are_checked_and_tidied() {
        let i = input().checked().unwrap();
        assert_eq!(i.name, "Amazon Web Services");
        assert_eq!(i.data_categories, vec!["contact details"]);
        let e = SubProcessorInput {
            data_categories: vec![],
            ..input()
        }
        .checked()
        .unwrap_err();
        assert!(e.to_string().starts_with("data_categories"), "{e}");
        assert!(
            SubProcessorInput {
                location: "\n".into(),
                ..input()
            }
            .checked()
            .is_err()
        );
    }

    #[test]
    fn a_change_says_what_changed() {
        let at = Timestamp::UNIX_EPOCH;
        let before = SubProcessor {
            id: SubProcessorId::from_random([1; 16]),
            slug: Name::parse("aws").unwrap(),
            name: "Amazon Web Services".into(),
            purpose: "Hosting".into(),
            data_categories: vec!["contact details".into()],
            location: "US".into(),
            dpa_date: "2024-05-01".parse().unwrap(),
            added_at: at,
            updated_at: at,
            removed_at: None,
            example: false,
        };
        let after = input().checked().unwrap();
        assert_eq!(
            differences(&before, &after),
            "location: US → EU (Frankfurt)"
        );
    }
}
