//! Data-protection use cases: the sub-processor registry (kept by the operator, public to all,
//! announced to subscribed orgs by mail), orgs' objections, the Data Processing Agreement, and
//! the access report about a person.

mod access;
mod dpa;
mod registry;

pub use registry::FEED_ITEMS as REGISTRY_FEED_ITEMS;
