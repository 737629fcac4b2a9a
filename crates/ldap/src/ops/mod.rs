//! The LDAP operations, one file each, over the shared server context.

pub mod bind;
pub mod dse;
pub mod search;

use crate::config::LdapConfig;
use crate::model::ReadModel;
use skydir_core::service::Directory;
use std::sync::Arc;

/// What every connection shares: the core's use cases, the read model and the settings.
#[derive(Debug)]
pub struct Ctx<S> {
    pub dir: Directory<S>,
    pub model: Arc<ReadModel>,
    pub cfg: LdapConfig,
}
