//! Data-protection use cases: the sub-processor registry (kept by the operator, public to all,
//! announced to subscribed orgs by mail), orgs' objections, and the Data Processing Agreement.

mod dpa;
mod registry;

pub use registry::FEED_ITEMS as REGISTRY_FEED_ITEMS;
