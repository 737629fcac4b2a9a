//! Audit event types: the draft a service writes and the chained record the store keeps.

use crate::access::{Action, Actor};
use crate::ids::OrgId;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Which chain an event belongs to: an org's, or the deployment's own (org creation, staff).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ChainKey {
    Deployment,
    Org(OrgId),
}

impl ChainKey {
    /// The chain an action on `org` belongs to.
    pub fn for_org(org: Option<OrgId>) -> Self {
        org.map_or(Self::Deployment, Self::Org)
    }

    /// Stable text form stored in the database (`-` for the deployment chain).
    pub fn as_text(&self) -> String {
        match self {
            Self::Deployment => "-".to_string(),
            Self::Org(o) => o.to_string(),
        }
    }

    /// Inverse of [`ChainKey::as_text`].
    pub fn from_text(s: &str) -> Option<Self> {
        if s == "-" {
            Some(Self::Deployment)
        } else {
            OrgId::parse(s).map(Self::Org)
        }
    }
}

impl fmt::Display for ChainKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.as_text())
    }
}

/// Whether the audited operation happened or was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Success,
    Denied,
}

impl Outcome {
    /// Stable text form.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Success => "success",
            Self::Denied => "denied",
        }
    }
}

/// What a service asks the store to append, in the same transaction as its writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditDraft {
    pub chain: ChainKey,
    pub at: Timestamp,
    /// Pseudonymous actor (`admin:<uuid>`), from [`Actor`]'s `Display`.
    pub actor: String,
    /// Stable action name, e.g. `user.create`.
    pub action: String,
    /// Opaque target reference, e.g. `user:<uuid>`; never a name or address.
    pub target: String,
    pub outcome: Outcome,
    /// Extra facts without personal data (field names changed, counts, plan names).
    pub detail: serde_json::Value,
}

impl AuditDraft {
    /// A successful `action` by `actor` on `target`.
    pub fn new(actor: &Actor, action: &Action, target: impl Into<String>, at: Timestamp) -> Self {
        Self {
            chain: ChainKey::for_org(action.org()),
            at,
            actor: actor.to_string(),
            action: action.name().to_string(),
            target: target.into(),
            outcome: Outcome::Success,
            detail: serde_json::Value::Null,
        }
    }

    /// Adds detail facts.
    pub fn with_detail(mut self, detail: serde_json::Value) -> Self {
        self.detail = detail;
        self
    }

    /// Marks the event as a refusal.
    pub fn denied(mut self) -> Self {
        self.outcome = Outcome::Denied;
        self
    }

    /// Names the event more precisely than its action's name (e.g. `staff.login`).
    pub fn named(mut self, action: &str) -> Self {
        self.action = action.to_string();
        self
    }
}

/// A stored event: the draft plus its position and hashes in its chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEvent {
    pub chain: String,
    pub seq: u64,
    pub at: Timestamp,
    pub actor: String,
    pub action: String,
    pub target: String,
    pub outcome: Outcome,
    pub detail: serde_json::Value,
    /// Hex SHA-256 of the previous event (or [`super::GENESIS`]).
    pub prev_hash: String,
    /// Hex SHA-256 over `prev_hash` and this event's canonical fields.
    pub hash: String,
}
