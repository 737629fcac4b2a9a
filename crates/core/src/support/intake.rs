//! Is a new ticket complete enough to work on? The policy's checklist, what of it applies to
//! this ticket, and which missing item stops the work.
//!
//! The provider's support policy asks tickets to include a "Detailed Issue Description",
//! "Troubleshooting Actions Taken", "Pertinent Error Messages and Screenshots" and "Applicable
//! OS logs". [`checklist`] goes through these four items, in that order, for a ticket and says
//! of each whether it was received, is missing (with the sentence asking for it, and whether
//! the work waits for it), or is not needed here (and why). The acknowledgement shows the
//! whole checklist; only a *blocking* missing item pauses the ticket's clock.
//!
//! Rules, by what the ticket is:
//! - A **question or request** (how-to, onboarding, account security, feedback …) needs only
//!   to say what it asks — its subject counts, as a mail's subject often is the question. The
//!   other items are not needed, and its clock runs at once.
//! - **Help connecting a resource** ([`Category::Integration`]) is a question ("which base DN
//!   should Jenkins use?") unless it reports a failure — in its words
//!   ([`reads_as_failure`](super::classify::reads_as_failure)) or by its error messages. Then
//!   what was set up or tried, the error and the logs help, without holding it; only a missing
//!   description holds it.
//! - A **defect** needs to say what fails: a description of at least
//!   [`MIN_DESCRIPTION_CHARS`] characters, or the error messages (or a screenshot). Without
//!   either, both are asked for and block. Otherwise whatever is missing — troubleshooting,
//!   error messages, logs — is asked for without holding the ticket.
//! - **Logs** are those the affected system's client really writes ([`LogSource`]): SSSD's
//!   under `/var/log/sssd/`, nslcd's in the journal, none for an application or a system with
//!   no client of ours. A log file attached (`.log`, `.txt`, a numbered or compressed log)
//!   counts. Logs never block.

mod logs;

pub use logs::{LogSource, SSSD_LOG_DIR};

use super::category::Category;
use super::classify::reads_as_failure;
use crate::directory::{JoinMethod, OsFamily};
use serde::{Deserialize, Serialize};

/// The shortest description, in characters after trimming, taken as a description at all.
pub const MIN_DESCRIPTION_CHARS: usize = 20;

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
}

/// Which system a ticket is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AffectedSystem {
    /// No system of the org: an application or device connected over LDAP, RADIUS, SSO….
    NoSystem,
    /// Not said.
    #[default]
    Unknown,
    /// One of the org's systems.
    System {
        os_family: OsFamily,
        #[serde(default)]
        joined_via: JoinMethod,
    },
}

/// What a ticket carries, as far as completeness goes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketDetails {
    pub category: Category,
    /// The subject line (a question is often all there).
    #[serde(default)]
    pub subject: String,
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
    /// Whether the logs are attached (besides any attached log file).
    #[serde(default, alias = "agent_log_attached")]
    pub logs_attached: bool,
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
    /// The logs of the system's client (tickets from before this was asked per system say
    /// `agent_log`).
    #[serde(alias = "agent_log")]
    Logs,
}

impl Detail {
    /// The policy's four items, in its order.
    pub const ALL: [Detail; 4] = [
        Self::Description,
        Self::Troubleshooting,
        Self::ErrorMessages,
        Self::Logs,
    ];

    /// How an agent reads it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Description => "description",
            Self::Troubleshooting => "troubleshooting already taken",
            Self::ErrorMessages => "error messages",
            Self::Logs => "logs",
        }
    }

    /// The item as the policy names it, for the customer's checklist.
    pub fn policy_name(self) -> &'static str {
        match self {
            Self::Description => "Detailed issue description",
            Self::Troubleshooting => "Troubleshooting actions taken",
            Self::ErrorMessages => "Pertinent error messages and screenshots",
            Self::Logs => "Applicable logs",
        }
    }
}

/// Where an item of the checklist stands for a ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ItemState {
    /// The ticket carries it.
    Received,
    /// It is missing: the sentence asking for it, and whether the work waits for it.
    Missing { request: String, blocking: bool },
    /// It does not apply to this ticket, and why.
    NotNeeded { why: String },
}

/// One item of the policy's checklist and where it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChecklistItem {
    pub detail: Detail,
    pub state: ItemState,
}

/// A missing item, the sentence asking the customer for it, and whether the work waits for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Missing {
    pub detail: Detail,
    pub request: String,
    pub blocking: bool,
}

/// What the policy's items mean for a ticket (see the module documentation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Nature {
    /// Something does not work as documented.
    Defect,
    /// A connection to a resource fails.
    Connecting,
    /// A question or a request.
    Question,
}

fn nature(ticket: &TicketDetails, errors: bool) -> Nature {
    match ticket.category {
        Category::Defect => Nature::Defect,
        Category::Integration
            if errors
                || reads_as_failure(&format!("{}\n{}", ticket.subject, ticket.description)) =>
        {
            Nature::Connecting
        }
        _ => Nature::Question,
    }
}

/// The policy's four items for `ticket`, in the policy's order (see the module documentation).
pub fn checklist(ticket: &TicketDetails) -> Vec<ChecklistItem> {
    let screenshot = ticket
        .attachments
        .iter()
        .any(|a| a.kind == AttachmentKind::Screenshot);
    let errors = !ticket.error_messages.trim().is_empty() || screenshot;
    let nature = nature(ticket, errors);
    let description = ticket.description.trim();
    // A question may be all in its subject; a defect's subject only names it.
    let said = match nature {
        Nature::Question | Nature::Connecting => {
            format!("{} {description}", ticket.subject.trim())
        }
        Nature::Defect => description.to_string(),
    };
    let described = said.trim().chars().count() >= MIN_DESCRIPTION_CHARS;
    let troubleshooting = !ticket.troubleshooting.trim().is_empty();
    let logs = ticket.logs_attached
        || ticket
            .attachments
            .iter()
            .any(|a| a.kind == AttachmentKind::Log);
    // A defect must say what fails, in words or by its error messages.
    let what_fails = described || errors;

    let item = |detail, state| ChecklistItem { detail, state };
    let missing = |request: &str, blocking| ItemState::Missing {
        request: request.to_string(),
        blocking,
    };
    let not_needed = |why: &str| ItemState::NotNeeded {
        why: why.to_string(),
    };
    let description_item = if described {
        ItemState::Received
    } else {
        let request = if nature == Nature::Question {
            "Please tell us what you would like to know or to have done, with enough detail \
             for us to answer."
        } else if said.trim().is_empty() {
            "Please describe the issue in detail: what you were doing, what you expected to \
             happen and what happened instead."
        } else {
            "Please tell us more about the issue: what you were doing, what you expected to \
             happen and what happened instead."
        };
        missing(request, nature != Nature::Defect || !what_fails)
    };
    let mut items = vec![item(Detail::Description, description_item)];
    if nature == Nature::Question {
        for detail in [Detail::Troubleshooting, Detail::ErrorMessages, Detail::Logs] {
            items.push(item(
                detail,
                not_needed("not needed for a question or request"),
            ));
        }
        return items;
    }
    items.push(item(
        Detail::Troubleshooting,
        match (troubleshooting, nature) {
            (true, _) => ItemState::Received,
            (false, Nature::Defect) => missing(
                "Please tell us what you have already tried to fix the issue, even if it did \
                 not help.",
                false,
            ),
            (false, _) => missing(
                "Please tell us how the connection is set up and what you have tried so far.",
                false,
            ),
        },
    ));
    items.push(item(
        Detail::ErrorMessages,
        match (errors, nature) {
            (true, _) => ItemState::Received,
            (false, Nature::Defect) => missing(
                "Please paste the exact error messages you see, or attach screenshots of them.",
                !what_fails,
            ),
            (false, _) => missing(
                "Please paste the exact error message the connection fails with, or attach a \
                 screenshot of it.",
                false,
            ),
        },
    ));
    let source = LogSource::of(ticket.system);
    items.push(item(
        Detail::Logs,
        match (source.request(), logs) {
            (None, _) => match source {
                LogSource::NoneApplies(why) => not_needed(&format!("none apply: {why}")),
                _ => not_needed("none apply"),
            },
            (Some(_), true) => ItemState::Received,
            (Some(request), false) => missing(&request, false),
        },
    ));
    items
}

/// The items `ticket` lacks, in the policy's order; empty when it lacks nothing that applies.
pub fn missing_details(ticket: &TicketDetails) -> Vec<Missing> {
    missing_in(&checklist(ticket))
}

/// The missing items of a checklist, in its order.
pub fn missing_in(items: &[ChecklistItem]) -> Vec<Missing> {
    items
        .iter()
        .filter_map(|i| match &i.state {
            ItemState::Missing { request, blocking } => Some(Missing {
                detail: i.detail,
                request: request.clone(),
                blocking: *blocking,
            }),
            _ => None,
        })
        .collect()
}

/// The last component of a path, whichever separator it uses.
fn file_name(name: &str) -> &str {
    name.rsplit(['/', '\\']).next().unwrap_or(name)
}

#[cfg(test)]
mod tests;
