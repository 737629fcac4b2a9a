//! Macros: the agents' saved answers. A macro is a reply (public or an internal note) with a
//! few placeholders, and optionally the status the ticket moves to with it — "ask for the
//! agent log and wait on the customer" in one click, worded the same way every time.
//!
//! Placeholders: `{ticket}` (the number), `{subject}`, `{requester}` (the requester's given
//! name, or "there"), `{agent}` (the agent's handle), `{kb}` (the knowledge base's address).
//! Anything else in braces is left as written.

use super::record::Visibility;
use super::ticket::TicketStatus;
use crate::directory::Name;
use crate::error::{CoreError, CoreResult};
use crate::ids::MacroId;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// A saved answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Macro {
    pub id: MacroId,
    /// How agents call it, e.g. `ask-agent-log`.
    pub name: Name,
    pub title: String,
    pub body: String,
    pub visibility: Visibility,
    /// The status the ticket moves to with the reply.
    pub status: Option<TicketStatus>,
    pub updated_at: Timestamp,
}

/// What fills a macro's placeholders.
#[derive(Debug, Clone, Copy)]
pub struct MacroContext<'a> {
    pub ticket: u64,
    pub subject: &'a str,
    pub requester: Option<&'a str>,
    pub agent: &'a str,
    pub kb: &'a str,
}

impl Macro {
    /// Checks a macro's title and body.
    pub fn check(title: &str, body: &str) -> CoreResult<()> {
        if title.trim().is_empty() || title.chars().count() > 200 {
            return Err(CoreError::invalid("title", "must be 1-200 characters"));
        }
        super::security::never_ask_for_a_password("title", title)?;
        super::security::never_ask_for_a_password("body", body)?;
        super::record::check_body("body", body)
    }

    /// The reply with its placeholders filled in.
    pub fn render(&self, c: &MacroContext<'_>) -> String {
        self.body
            .replace("{ticket}", &c.ticket.to_string())
            .replace("{subject}", c.subject)
            .replace("{requester}", c.requester.unwrap_or("there"))
            .replace("{agent}", c.agent)
            .replace("{kb}", c.kb)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn placeholders_are_filled_and_others_left_alone() {
        let m = Macro {
            id: MacroId::from_random([1; 16]),
            name: Name::parse("ask-log").unwrap(),
            title: "Ask for the agent log".into(),
            body: "Hi {requester}, about #{ticket} ({subject}): please attach the log. See {kb}. \
                   {unknown} — {agent}"
                .into(),
            visibility: Visibility::Public,
            status: Some(TicketStatus::WaitingOnCustomer),
            updated_at: Timestamp::UNIX_EPOCH,
        };
        let text = m.render(&MacroContext {
            ticket: 12,
            subject: "LDAP",
            requester: None,
            agent: "ann",
            kb: "https://x/kb",
        });
        assert_eq!(
            text,
            "Hi there, about #12 (LDAP): please attach the log. See https://x/kb. {unknown} — ann"
        );
        assert!(Macro::check("", "x").is_err());
        assert!(Macro::check("t", " ").is_err());
    }
}
