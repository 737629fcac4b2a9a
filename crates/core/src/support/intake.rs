//! Is a new ticket complete? What the policy asks a customer to include, and the sentence that
//! asks for each missing item.
//!
//! The provider's support policy asks tickets to include a "Detailed Issue Description",
//! "Troubleshooting Actions Taken", "Pertinent Error Messages and Screenshots" and "Applicable
//! OS logs: Windows: C:\Windows\Temp\skydir-agent.log; Mac & Linux:
//! /var/log/skydir-agent.log". [`missing_details`] reads what a ticket carries and returns,
//! in that order, the items it lacks, each with the request to send the customer.
//!
//! Rules:
//! - Every ticket needs a description of at least [`MIN_DESCRIPTION_CHARS`] characters.
//! - An *issue* — a defect or an integration problem ([`Category::is_issue`]) — also needs the
//!   troubleshooting already done; error messages, or a screenshot; and, when an enrolled
//!   system is involved, the agent log. Questions, requests and feedback need only the
//!   description: there is nothing to troubleshoot.
//! - The agent log counts as attached when the ticket says so or an attachment is named like
//!   it (`skydir-agent.log`, `skydir-agent.log.1`, `skydir-agent.log.gz`). The request names
//!   the path for the system's OS family, or both paths when the family is not known.

use super::category::Category;
use crate::directory::system::OsFamily;
use serde::{Deserialize, Serialize};

/// Where the skydir agent writes its log on Windows.
pub const AGENT_LOG_WINDOWS: &str = r"C:\Windows\Temp\skydir-agent.log";
/// Where the skydir agent writes its log on macOS and Linux.
pub const AGENT_LOG_UNIX: &str = "/var/log/skydir-agent.log";
/// The shortest description, in characters after trimming, taken as a description at all.
pub const MIN_DESCRIPTION_CHARS: usize = 20;

/// The agent log's path on `family`.
pub fn agent_log_path(family: OsFamily) -> &'static str {
    match family {
        OsFamily::Windows => AGENT_LOG_WINDOWS,
        OsFamily::Macos | OsFamily::Linux => AGENT_LOG_UNIX,
    }
}

/// What an attachment is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AttachmentKind {
    /// An image: a screenshot.
    Screenshot,
    /// A log or other text file.
    Log,
    /// Anything else.
    Other,
}

impl AttachmentKind {
    /// The kind a file name suggests by its extension: images are screenshots; `.log`,
    /// `.txt` and numbered or compressed logs are logs.
    pub fn from_name(name: &str) -> Self {
        let lower = file_name(name).to_ascii_lowercase();
        let ext = lower.rsplit_once('.').map_or("", |(_, e)| e);
        match ext {
            "png" | "jpg" | "jpeg" | "gif" | "bmp" | "webp" | "heic" | "tif" | "tiff" => {
                Self::Screenshot
            }
            "log" | "txt" => Self::Log,
            _ if lower.contains(".log") => Self::Log,
            _ => Self::Other,
        }
    }
}

/// A file attached to a ticket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    /// The file name as uploaded.
    pub name: String,
    pub kind: AttachmentKind,
}

impl Attachment {
    /// An attachment whose kind is guessed from its name.
    pub fn named(name: &str) -> Self {
        Self {
            name: name.to_string(),
            kind: AttachmentKind::from_name(name),
        }
    }

    /// Whether the file is named like the skydir agent's log.
    pub fn is_agent_log(&self) -> bool {
        let lower = file_name(&self.name).to_ascii_lowercase();
        lower.starts_with("skydir-agent") && lower.contains(".log")
    }
}

/// Which system a ticket is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(tag = "kind", content = "os_family", rename_all = "snake_case")]
pub enum AffectedSystem {
    /// No enrolled system: e.g. an LDAP client, a RADIUS device or the web console.
    NoSystem,
    /// A system whose OS family is not known.
    #[default]
    Unknown,
    /// A system of this OS family.
    Os(OsFamily),
}

/// What a ticket carries, as far as completeness goes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketDetails {
    pub category: Category,
    /// "Detailed Issue Description".
    #[serde(default)]
    pub description: String,
    /// "Troubleshooting Actions Taken".
    #[serde(default)]
    pub troubleshooting: String,
    /// "Pertinent Error Messages" as text.
    #[serde(default)]
    pub error_messages: String,
    #[serde(default)]
    pub attachments: Vec<Attachment>,
    /// Whether the agent log is attached (besides any attachment named like it).
    #[serde(default)]
    pub agent_log_attached: bool,
    #[serde(default)]
    pub system: AffectedSystem,
}

/// An item the policy asks a ticket to include.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Detail {
    Description,
    Troubleshooting,
    ErrorMessages,
    AgentLog,
}

impl Detail {
    /// How an agent reads it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Description => "description",
            Self::Troubleshooting => "troubleshooting already taken",
            Self::ErrorMessages => "error messages",
            Self::AgentLog => "agent log",
        }
    }
}

/// A missing item and the sentence asking the customer for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Missing {
    pub detail: Detail,
    pub request: String,
}

/// The items `ticket` lacks, in the policy's order; empty when it is complete.
pub fn missing_details(ticket: &TicketDetails) -> Vec<Missing> {
    let mut missing = Vec::new();
    let mut ask = |detail, request: String| missing.push(Missing { detail, request });
    let description = ticket.description.trim();
    if description.is_empty() {
        ask(
            Detail::Description,
            "Please describe the issue in detail: what you were doing, what you expected to \
             happen and what happened instead."
                .to_string(),
        );
    } else if description.chars().count() < MIN_DESCRIPTION_CHARS {
        ask(
            Detail::Description,
            "Please tell us more about the issue: what you were doing, what you expected to \
             happen and what happened instead."
                .to_string(),
        );
    }
    if !ticket.category.is_issue() {
        return missing;
    }
    if ticket.troubleshooting.trim().is_empty() {
        ask(
            Detail::Troubleshooting,
            "Please tell us what you have already tried to fix the issue, even if it did not \
             help."
                .to_string(),
        );
    }
    let screenshot = ticket
        .attachments
        .iter()
        .any(|a| a.kind == AttachmentKind::Screenshot);
    if ticket.error_messages.trim().is_empty() && !screenshot {
        ask(
            Detail::ErrorMessages,
            "Please paste the exact error messages you see, or attach screenshots of them."
                .to_string(),
        );
    }
    let log = ticket.agent_log_attached || ticket.attachments.iter().any(Attachment::is_agent_log);
    if !log {
        const ASK: &str = "Please attach the skydir agent log from the affected system:";
        match ticket.system {
            AffectedSystem::NoSystem => {}
            AffectedSystem::Os(family) => {
                ask(
                    Detail::AgentLog,
                    format!("{ASK} {}.", agent_log_path(family)),
                );
            }
            AffectedSystem::Unknown => ask(
                Detail::AgentLog,
                format!("{ASK} on Windows {AGENT_LOG_WINDOWS}, on Mac and Linux {AGENT_LOG_UNIX}."),
            ),
        }
    }
    missing
}

/// One message asking for every missing item, for a reply to the customer; `None` when
/// nothing is missing.
pub fn request_message(missing: &[Missing]) -> Option<String> {
    if missing.is_empty() {
        return None;
    }
    let mut text = String::from("To help us resolve your ticket quickly:");
    for m in missing {
        text.push_str("\n- ");
        text.push_str(&m.request);
    }
    Some(text)
}

/// The last component of a path, whichever separator it uses.
fn file_name(name: &str) -> &str {
    name.rsplit(['/', '\\']).next().unwrap_or(name)
}

#[cfg(test)]
mod tests;
