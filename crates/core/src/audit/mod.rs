//! The audit log: one append-only, hash-chained sequence of events per organization (plus one
//! for the deployment itself). Events name actors and targets by opaque id only, so the log
//! holds no personal data in clear and can be kept after a subject's erasure.

mod chain;
mod event;

pub use chain::{ChainBreak, GENESIS, chain_hash, verify_chain};
pub use event::{AuditDraft, AuditEvent, ChainKey, Outcome};
