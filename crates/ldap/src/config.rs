//! LDAP listener settings, with the defaults an operator gets without configuring anything.

use crate::dn::Dn;
use crate::error::LdapError;
use skydir_throttle::{Limits, Throttle};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

/// How the LDAP front end listens and what it tolerates.
#[derive(Debug, Clone)]
pub struct LdapConfig {
    /// Suffix under which every org's naming context `o=<org>,<suffix>` hangs.
    pub suffix: String,
    /// LDAP with StartTLS (and, if `allow_plain`, without it).
    pub ldap_addr: Option<SocketAddr>,
    /// LDAPS (TLS from the first byte).
    pub ldaps_addr: Option<SocketAddr>,
    /// Accept binds and searches on the plain port without StartTLS (benchmarks, trusted
    /// loopback set-ups). Off by default: credentials never cross the network in clear.
    pub allow_plain: bool,
    /// A connection with no request for this long is closed.
    pub idle_timeout: Duration,
    /// Largest PDU accepted; a bigger one closes the connection.
    pub max_message_bytes: usize,
    /// Most connections open at once; more are refused at accept.
    pub max_connections: usize,
    /// Most entries a search returns when the client asks for more (or for no limit).
    pub size_limit: usize,
    /// The per-address budgets shared with the HTTP front end (default: none limited).
    pub throttle: Arc<Throttle>,
}

impl Default for LdapConfig {
    fn default() -> Self {
        Self {
            suffix: "dc=skydir".into(),
            ldap_addr: None,
            ldaps_addr: None,
            allow_plain: false,
            idle_timeout: Duration::from_secs(300),
            max_message_bytes: 1024 * 1024,
            max_connections: 4096,
            size_limit: 1000,
            throttle: Arc::new(Throttle::new(Limits {
                anonymous: None,
                failures: None,
                strict: None,
                mail_senders: None,
            })),
        }
    }
}

impl LdapConfig {
    /// Checks the settings that can be wrong.
    pub fn validate(&self) -> Result<(), LdapError> {
        let dn = Dn::parse(&self.suffix)
            .map_err(|e| LdapError::Config(format!("suffix '{}': {e}", self.suffix)))?;
        if dn.is_root() {
            return Err(LdapError::Config("suffix must not be empty".into()));
        }
        if self.max_message_bytes < 1024 {
            return Err(LdapError::Config(
                "max message size must be at least 1024 bytes".into(),
            ));
        }
        if self.max_connections == 0 || self.size_limit == 0 {
            return Err(LdapError::Config(
                "max connections and size limit must be at least 1".into(),
            ));
        }
        Ok(())
    }
}
