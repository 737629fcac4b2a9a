//! The privacy feed ("Subscribe to this RSS feed to be alerted when our GDPR policies and
//! sub-processors change"): one dated item per change of the sub-processor registry and per
//! published version of the privacy statement or of the Data Processing Agreement. Every item
//! has a stable id (its guid) and a date; subscribers get the same items by mail.

use super::subprocessor::RegistryEvent;
use crate::ids::RegistryEventId;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// Which policy document a version belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PolicyDocument {
    /// The privacy statement (`/privacy`).
    Statement,
    /// The Data Processing Agreement (`/privacy/dpa`).
    Dpa,
}

/// A published version of a policy document: an item of the feed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyEvent {
    pub id: RegistryEventId,
    pub at: Timestamp,
    pub document: PolicyDocument,
    pub version: String,
    /// What changed, in words (the statement's sections, say); empty for a DPA version.
    pub note: String,
}

impl PolicyEvent {
    /// The item's title.
    pub fn title(&self) -> String {
        match (self.document, self.version.as_str()) {
            (PolicyDocument::Statement, "1") => "Privacy statement published (version 1)".into(),
            (PolicyDocument::Statement, v) => format!("Privacy statement updated (version {v})"),
            (PolicyDocument::Dpa, v) => format!("Data Processing Agreement version {v} published"),
        }
    }

    /// The item's text.
    pub fn description(&self) -> String {
        let day = self.at.strftime("%Y-%m-%d");
        match self.document {
            PolicyDocument::Statement => {
                let mut s = format!(
                    "Version {} of our privacy statement applies from {day}.",
                    self.version
                );
                if !self.note.is_empty() {
                    s.push(' ');
                    s.push_str(&self.note);
                }
                s
            }
            PolicyDocument::Dpa => format!(
                "Version {} of our Data Processing Agreement was published on {day}; customers \
                 on a paying plan may execute it.",
                self.version
            ),
        }
    }

    /// The page the item links to.
    pub fn path(&self) -> &'static str {
        match self.document {
            PolicyDocument::Statement => "/privacy",
            PolicyDocument::Dpa => "/privacy/dpa",
        }
    }
}

/// One item of the feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FeedEntry {
    Registry(RegistryEvent),
    Policy(PolicyEvent),
}

impl FeedEntry {
    /// The stable id (the RSS guid), e.g. `urn:uuid:…`.
    pub fn guid(&self) -> String {
        let id = match self {
            FeedEntry::Registry(e) => e.id,
            FeedEntry::Policy(e) => e.id,
        };
        format!("urn:uuid:{id}")
    }

    pub fn at(&self) -> Timestamp {
        match self {
            FeedEntry::Registry(e) => e.at,
            FeedEntry::Policy(e) => e.at,
        }
    }

    pub fn title(&self) -> String {
        match self {
            FeedEntry::Registry(e) => e.title(),
            FeedEntry::Policy(e) => e.title(),
        }
    }

    pub fn description(&self) -> String {
        match self {
            FeedEntry::Registry(e) => e.description(),
            FeedEntry::Policy(e) => e.description(),
        }
    }

    /// The page the item links to.
    pub fn path(&self) -> &'static str {
        match self {
            FeedEntry::Registry(_) => "/privacy/subprocessors",
            FeedEntry::Policy(e) => e.path(),
        }
    }

    /// The item's category: `added`, `changed`, `removed`, `privacy-statement` or `dpa`.
    pub fn category(&self) -> &'static str {
        match self {
            FeedEntry::Registry(e) => e.change.as_str(),
            FeedEntry::Policy(e) => match e.document {
                PolicyDocument::Statement => "privacy-statement",
                PolicyDocument::Dpa => "dpa",
            },
        }
    }
}

/// Both kinds of item, newest first, at most `limit`.
pub fn merge(
    registry: Vec<RegistryEvent>,
    policy: Vec<PolicyEvent>,
    limit: usize,
) -> Vec<FeedEntry> {
    let mut all: Vec<FeedEntry> = registry
        .into_iter()
        .map(FeedEntry::Registry)
        .chain(policy.into_iter().map(FeedEntry::Policy))
        .collect();
    all.sort_by_key(|e| std::cmp::Reverse(e.at()));
    all.truncate(limit);
    all
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn event(document: PolicyDocument, version: &str, at: &str, seed: u8) -> PolicyEvent {
        PolicyEvent {
            id: RegistryEventId::from_random([seed; 16]),
            at: at.parse().unwrap(),
            document,
            version: version.into(),
            note: String::new(),
        }
    }

    #[test]
    fn policy_versions_are_dated_items_with_stable_guids_newest_first() {
        let s1 = event(PolicyDocument::Statement, "1", "2026-01-01T00:00:00Z", 1);
        let s2 = PolicyEvent {
            note: "Changed: Where it is processed.".into(),
            ..event(PolicyDocument::Statement, "2", "2026-03-01T00:00:00Z", 2)
        };
        let d = event(PolicyDocument::Dpa, "2026-02", "2026-02-01T00:00:00Z", 3);
        assert_eq!(s1.title(), "Privacy statement published (version 1)");
        assert_eq!(s2.title(), "Privacy statement updated (version 2)");
        assert!(
            s2.description()
                .ends_with("Changed: Where it is processed.")
        );
        assert_eq!(
            d.title(),
            "Data Processing Agreement version 2026-02 published"
        );
        let feed = merge(vec![], vec![s1.clone(), s2, d], 2);
        assert_eq!(feed.len(), 2);
        assert_eq!(feed[0].category(), "privacy-statement");
        assert_eq!(feed[1].path(), "/privacy/dpa");
        let again = FeedEntry::Policy(s1.clone());
        assert_eq!(again.guid(), FeedEntry::Policy(s1).guid());
        assert!(again.guid().starts_with("urn:uuid:"));
    }
}
