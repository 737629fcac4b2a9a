//! The LDAP operations, one file each, over the shared server context.

pub mod bind;
pub mod compare;
pub mod dse;
pub mod passwd;
pub mod search;
pub mod sight;

use crate::config::LdapConfig;
use crate::model::ReadModel;
use crate::server::CommittedSeq;
use skydir_core::service::Directory;
use std::sync::Arc;

/// What every connection shares: the core's use cases, the read model and the settings.
pub struct Ctx<S> {
    pub dir: Directory<S>,
    pub model: Arc<ReadModel>,
    pub cfg: LdapConfig,
    /// The store's change-notice counter: a search first waits until the model has applied
    /// every change committed before it, so a write through REST is seen by the next search.
    pub committed: CommittedSeq,
    /// Where searches are recorded (in batches, off the request path).
    pub access: crate::access::AccessLog,
}

impl<S> std::fmt::Debug for Ctx<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ctx")
            .field("cfg", &self.cfg)
            .finish_non_exhaustive()
    }
}
