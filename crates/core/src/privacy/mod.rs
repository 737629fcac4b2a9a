//! Data protection (the provider's GDPR statement, SPEC §4): the rules and records a provider
//! of a directory service must keep — sub-processors and their public registry, the Data
//! Processing Agreement, the statement and its feed, the breach register and its watch — as
//! data and pure functions. The use cases are in
//! `service::privacy`; storage behind the `PrivacyStore` port.

pub mod breach;
pub mod breach_watch;
pub mod data_request;
pub mod dpa;
pub mod erasure;
pub mod feed;
pub mod inventory;
pub mod location;
pub mod org_deletion;
pub mod records;
pub mod report;
pub mod retention;
pub mod statement;
pub mod subprocessor;
pub mod webhook;

pub use breach::{Breach, BreachFacts, NoticeDraft};
pub use breach_watch::{Alert, AlertSent};
pub use data_request::{DataRequest, RequestKind, RequestState};
pub use dpa::{DpaSignature, DpaVersion};
pub use erasure::{Connector, ConnectorSecret, DeliveryState, ErasureRequest};
pub use org_deletion::{DeletionState, OrgDeletion};

pub use feed::{FeedEntry, PolicyDocument, PolicyEvent};
pub use location::ProcessingLocation;
pub use retention::OrgRetention;
pub use statement::{Statement, StatementVersion};
pub use subprocessor::{
    EXAMPLE_MARK, RegistryChange, RegistryEvent, STATEMENT_EXAMPLES, SubProcessor,
    SubProcessorInput, differences,
};

use crate::directory::Email;
use crate::ids::{ObjectionId, OrgId, SubscriptionId, UserId};
use jiff::Timestamp;

/// An org's subscription to registry changes: an address to mail them to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscription {
    pub id: SubscriptionId,
    pub org: OrgId,
    pub email: Email,
    pub created_at: Timestamp,
}

/// An org's objection to a sub-processor (Art. 28(2)): recorded for the provider to answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Objection {
    pub id: ObjectionId,
    pub org: OrgId,
    /// The sub-processor's slug.
    pub subprocessor: String,
    pub reason: String,
    /// The admin who objected.
    pub by: UserId,
    pub at: Timestamp,
}
