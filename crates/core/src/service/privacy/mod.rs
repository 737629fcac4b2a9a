//! Data-protection use cases: the sub-processor registry (kept by the operator, public to all,
//! announced to subscribed orgs by mail), orgs' objections, the Data Processing Agreement, and
//! the access report about a person, and erasure with its propagation to sub-processors.

mod access;
mod dpa;
mod erasure;
mod registry;

pub use erasure::{ConnectorPatch, Webhook};
pub use registry::FEED_ITEMS as REGISTRY_FEED_ITEMS;
