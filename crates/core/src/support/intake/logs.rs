//! Which logs a ticket's system really writes, and the words that ask for them.
//!
//! The policy asks for "Applicable OS logs". What applies depends on how the system joins the
//! directory, because the client that talks to skydir is what writes the log worth reading: on
//! a Linux host joined over LDAP with SSSD, SSSD's domain, NSS and PAM logs under
//! `/var/log/sssd/`; with nslcd, which logs to syslog, its lines in the journal. An application
//! connected over LDAP keeps its own log, and a Windows or macOS system has no client of ours
//! on it: the native skydir agent is not released, so the desk never asks for its log.

use super::AffectedSystem;
use crate::directory::{JoinMethod, OsFamily};

/// SSSD's log directory.
pub const SSSD_LOG_DIR: &str = "/var/log/sssd";

/// Where the logs worth reading for a ticket are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogSource {
    /// A Linux host joined over LDAP with SSSD.
    Sssd,
    /// A Linux host joined over LDAP with nslcd.
    Nslcd,
    /// A Linux host whose way of joining is not recorded: SSSD's or nslcd's.
    LinuxClient,
    /// No system was named: whichever client is involved.
    Unnamed,
    /// No log of ours exists for this ticket; the reason says why.
    NoneApplies(&'static str),
}

impl LogSource {
    /// The logs for a ticket about `system`.
    pub fn of(system: AffectedSystem) -> Self {
        match system {
            AffectedSystem::NoSystem => Self::NoneApplies(
                "an application connected to the directory writes its own log, not one of \
                 ours; its error message is what we need",
            ),
            AffectedSystem::Unknown => Self::Unnamed,
            AffectedSystem::System {
                os_family,
                joined_via,
            } => match (joined_via, os_family) {
                (JoinMethod::LdapSssd, _) => Self::Sssd,
                (JoinMethod::LdapNslcd, _) => Self::Nslcd,
                (JoinMethod::NotJoined, _) => Self::NoneApplies(
                    "the system does not join the directory, so nothing on it writes a log of \
                     ours",
                ),
                (JoinMethod::Unknown, OsFamily::Linux) => Self::LinuxClient,
                (JoinMethod::Unknown, OsFamily::Windows) => Self::NoneApplies(
                    "the skydir agent for Windows is not released yet, so nothing of ours \
                     writes a log on a Windows system",
                ),
                (JoinMethod::Unknown, OsFamily::Macos) => Self::NoneApplies(
                    "the skydir agent for macOS is not released yet, so nothing of ours writes \
                     a log on a Mac",
                ),
            },
        }
    }

    /// The sentence asking for the logs, or `None` when none apply.
    pub fn request(self) -> Option<String> {
        let sssd = format!(
            "{SSSD_LOG_DIR}/sssd_<domain>.log (<domain> as in the [domain/…] section of \
             /etc/sssd/sssd.conf), {SSSD_LOG_DIR}/sssd_nss.log and {SSSD_LOG_DIR}/sssd_pam.log"
        );
        match self {
            Self::Sssd => Some(format!(
                "Please attach SSSD's logs from the affected host: {sssd}. For more detail, set \
                 debug_level = 6 in those sections of sssd.conf (or run sssctl debug-level 6), \
                 restart SSSD and reproduce the problem before you collect them."
            )),
            Self::Nslcd => Some(
                "Please send nslcd's log from the affected host: nslcd writes to syslog, so \
                 attach the output of journalctl -u nslcd --since \"1 hour ago\" (or the nslcd \
                 lines of /var/log/syslog or /var/log/messages). For more detail, stop the \
                 service and run nslcd -d while you reproduce the problem."
                    .to_string(),
            ),
            Self::LinuxClient => Some(format!(
                "Please attach the logs of the LDAP client on the affected host: with SSSD, \
                 {sssd}; with nslcd, the output of journalctl -u nslcd. (Record how the system \
                 joins on its page in the console, and we will ask for the right one.)"
            )),
            Self::Unnamed => Some(format!(
                "If a Linux host joined over LDAP is involved, please name it and attach its \
                 client's logs: with SSSD, {sssd}; with nslcd, the output of journalctl -u \
                 nslcd. An application connected over LDAP writes its own log: its lines about \
                 the LDAP connection help."
            )),
            Self::NoneApplies(_) => None,
        }
    }
}
