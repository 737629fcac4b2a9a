//! Mail as the support desk sees it: an inbound message already parsed out of RFC 5322/MIME
//! (by `skydir-mail`), and an outbound message the desk wants sent. No wire format lives here —
//! only the facts the desk's rules need, and the rules themselves:
//!
//! - **Who sent it, really.** A `From:` address alone proves nothing. The receiving MTA records
//!   its SPF, DKIM and DMARC verdicts in `Authentication-Results` (RFC 8601); the desk trusts
//!   only headers stamped by the operator's own MTA (its *authserv-id*), because anyone can
//!   write such a header into a message before sending it. [`sender_check`] says whether the
//!   sender's domain passed DMARC, or SPF and DKIM both aligned with it.
//! - **Is it a person?** Auto-replies, bounces and list traffic (RFC 3834 `Auto-Submitted`,
//!   `Precedence: bulk`, mailer-daemons) are never answered, or two robots would write to each
//!   other forever ([`InboundMail::is_automatic`]).
//! - **Which ticket?** The ticket tag `[#1042]` in a subject, then `In-Reply-To`/`References`
//!   ([`ticket_tag`], [`parse_ticket_tag`]).

use crate::ids::{MailId, OrgId, TicketId};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use std::fmt;

/// One inbound message, parsed.
#[derive(Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct InboundMail {
    /// `Message-ID` without angle brackets, if the message has one.
    pub message_id: Option<String>,
    /// `In-Reply-To` ids, without angle brackets.
    pub in_reply_to: Vec<String>,
    /// `References` ids, without angle brackets, oldest first.
    pub references: Vec<String>,
    /// The first `From:` address as written (not yet checked).
    pub from: Option<String>,
    /// The display name of the `From:` address, if any.
    pub from_name: Option<String>,
    /// Every recipient address (`To`, `Cc`, `Delivered-To`, `X-Original-To`), as written: the
    /// plus-address `support+<org>@…` picks the org of a sender who administers several.
    pub recipients: Vec<String>,
    pub subject: String,
    /// `Date:`, when present and valid.
    pub date: Option<Timestamp>,
    /// The text of the message: the `text/plain` part, or the text of the HTML part.
    pub text: String,
    pub attachments: Vec<InboundAttachment>,
    /// Every `Authentication-Results` header, in the order they appear (newest first).
    pub auth_results: Vec<AuthResults>,
    /// `Auto-Submitted` other than `no`, `Precedence: bulk|junk|list`, a `List-Id`, or a
    /// mailer-daemon / postmaster sender.
    pub automatic: bool,
    /// SHA-256 of the raw message, which stands in for a missing `Message-ID` when duplicates
    /// are recognized.
    pub raw_sha256: [u8; 32],
    /// Size of the raw message in bytes.
    pub raw_len: u64,
}

/// The message is customer content: `Debug` shows its shape, never its text or addresses.
impl fmt::Debug for InboundMail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InboundMail")
            .field("has_message_id", &self.message_id.is_some())
            .field("in_reply_to", &self.in_reply_to.len())
            .field("references", &self.references.len())
            .field("text_chars", &self.text.chars().count())
            .field("attachments", &self.attachments.len())
            .field("auth_results", &self.auth_results.len())
            .field("automatic", &self.automatic)
            .field("raw_len", &self.raw_len)
            .finish_non_exhaustive()
    }
}

impl InboundMail {
    /// Whether a robot sent this (see the field); robots are never answered.
    pub fn is_automatic(&self) -> bool {
        if self.automatic {
            return true;
        }
        let from = self.from.as_deref().unwrap_or("").to_ascii_lowercase();
        let local = from.split('@').next().unwrap_or("");
        matches!(local, "mailer-daemon" | "postmaster")
            || local.starts_with("noreply")
            || local.starts_with("no-reply")
    }

    /// The key that recognizes a second delivery of this message: its `Message-ID`, or the
    /// hash of its bytes when it has none.
    pub fn dedupe_key(&self) -> String {
        match &self.message_id {
            Some(id) if !id.trim().is_empty() => format!("id:{}", id.trim()),
            _ => format!("sha256:{}", hex::encode(self.raw_sha256)),
        }
    }
}

/// An attachment of an inbound message.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboundAttachment {
    /// The file name as sent (may be empty); sanitized before it is stored or shown.
    pub filename: String,
    /// `type/subtype`, lowercase.
    pub content_type: String,
    pub content: Vec<u8>,
}

impl fmt::Debug for InboundAttachment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InboundAttachment")
            .field("content_type", &self.content_type)
            .field("len", &self.content.len())
            .finish_non_exhaustive()
    }
}

/// One `Authentication-Results` header (RFC 8601).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct AuthResults {
    /// The authserv-id: who stamped the header (lowercase).
    pub authserv_id: String,
    pub results: Vec<AuthResult>,
}

/// One method's verdict in an `Authentication-Results` header, e.g.
/// `dmarc=pass header.from=example.com`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct AuthResult {
    /// `spf`, `dkim`, `dmarc`, … (lowercase).
    pub method: String,
    /// `pass`, `fail`, `none`, … (lowercase).
    pub result: String,
    /// `ptype.property=value` pairs, e.g. (`header.from`, `example.com`); names lowercase.
    pub properties: Vec<(String, String)>,
}

impl AuthResult {
    /// The value of property `name` (e.g. `header.d`), if present.
    pub fn property(&self, name: &str) -> Option<&str> {
        self.properties
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Whether a message's sender is who its `From:` says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "verdict", rename_all = "snake_case")]
pub enum SenderCheck {
    /// The trusted MTA saw DMARC pass for the sender's domain (`method` = `dmarc`), or SPF and
    /// DKIM both pass aligned with it (`method` = `spf+dkim`).
    Verified { method: String },
    /// Not shown to be genuine; `reason` says why, for the ticket's record.
    Unverified { reason: String },
}

impl SenderCheck {
    /// True for [`SenderCheck::Verified`].
    pub fn is_verified(&self) -> bool {
        matches!(self, Self::Verified { .. })
    }
}

/// Whether `domain` is `of` or a subdomain of it (relaxed alignment, RFC 7489 §3.1).
fn aligned(domain: &str, of: &str) -> bool {
    let d = domain.trim().trim_end_matches('.').to_ascii_lowercase();
    let o = of.trim().trim_end_matches('.').to_ascii_lowercase();
    !o.is_empty() && (d == o || d.ends_with(&format!(".{o}")) || o.ends_with(&format!(".{d}")))
}

/// The domain of an address or a bare domain (`smtp.mailfrom` may be either).
fn domain_of(v: &str) -> &str {
    v.rsplit_once('@').map_or(v, |(_, d)| d)
}

/// Judges the sender of `mail`, whose `From:` domain is `from_domain`, by the
/// `Authentication-Results` headers stamped by one of `trusted` authserv-ids. Headers from
/// anyone else are ignored: a sender can forge those.
pub fn sender_check(mail: &InboundMail, from_domain: &str, trusted: &[String]) -> SenderCheck {
    if trusted.is_empty() {
        return SenderCheck::Unverified {
            reason: "no trusted mail server is configured (mail_trusted_authserv_ids)".into(),
        };
    }
    let ours: Vec<&AuthResult> = mail
        .auth_results
        .iter()
        .filter(|h| {
            // OpenDKIM/OpenDMARC may append a job id: `mx.example.org/4F3C2`.
            let id = h.authserv_id.split('/').next().unwrap_or("");
            trusted.iter().any(|t| t.eq_ignore_ascii_case(id))
        })
        .flat_map(|h| h.results.iter())
        .collect();
    if ours.is_empty() {
        return SenderCheck::Unverified {
            reason: "the message carries no authentication results from our mail server".into(),
        };
    }
    let pass = |r: &&AuthResult, method: &str| r.method == method && r.result == "pass";
    let dmarc = ours.iter().any(|r| {
        pass(r, "dmarc")
            && r.property("header.from")
                .is_none_or(|d| aligned(d, from_domain))
    });
    if dmarc {
        return SenderCheck::Verified {
            method: "dmarc".into(),
        };
    }
    let spf = ours.iter().any(|r| {
        pass(r, "spf")
            && r.property("smtp.mailfrom")
                .or_else(|| r.property("smtp.helo"))
                .is_some_and(|v| aligned(domain_of(v), from_domain))
    });
    let dkim = ours.iter().any(|r| {
        pass(r, "dkim")
            && r.property("header.d")
                .or_else(|| r.property("header.i").map(domain_of))
                .is_some_and(|d| aligned(d, from_domain))
    });
    if spf && dkim {
        return SenderCheck::Verified {
            method: "spf+dkim".into(),
        };
    }
    let failed: Vec<String> = ours
        .iter()
        .filter(|r| matches!(r.method.as_str(), "dmarc" | "spf" | "dkim"))
        .map(|r| format!("{}={}", r.method, r.result))
        .collect();
    SenderCheck::Unverified {
        reason: if failed.is_empty() {
            "our mail server reported no DMARC, SPF or DKIM result".into()
        } else {
            format!(
                "our mail server reported {} without an aligned pass for the sender's domain",
                failed.join(", ")
            )
        },
    }
}

/// The tag that marks a ticket's number in mail subjects, e.g. `[#1042]`.
pub fn ticket_tag(number: u64) -> String {
    format!("[#{number}]")
}

/// The ticket number of the first tag `[#<digits>]` in `subject`, if any.
pub fn parse_ticket_tag(subject: &str) -> Option<u64> {
    let mut rest = subject;
    while let Some(i) = rest.find("[#") {
        let after = &rest[i + 2..];
        let digits: String = after.chars().take_while(char::is_ascii_digit).collect();
        if !digits.is_empty() && after[digits.len()..].starts_with(']') && digits.len() <= 18 {
            return digits.parse().ok();
        }
        rest = after;
    }
    None
}

/// A message the desk wants sent. Rendering (RFC 5322, MIME) and delivery (SMTP or the
/// on-disk outbox) are `skydir-mail`'s; the desk decides only what is said, to whom, and how
/// it threads.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboundMail {
    pub id: MailId,
    /// The org the mail is about (its key seals the queued copy), if any.
    pub org: Option<OrgId>,
    /// The ticket it belongs to, if any.
    pub ticket: Option<TicketId>,
    /// `From:` (the desk's address).
    pub from: String,
    pub to: Vec<String>,
    pub subject: String,
    /// The plain-text body.
    pub text: String,
    /// Our `Message-ID`, without angle brackets.
    pub message_id: String,
    pub in_reply_to: Option<String>,
    /// Oldest first.
    pub references: Vec<String>,
    /// An automatic answer (acknowledgement, refusal, notification): marked
    /// `Auto-Submitted: auto-replied` so well-behaved robots do not answer it.
    pub auto_reply: bool,
    pub created_at: Timestamp,
}

impl fmt::Debug for OutboundMail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OutboundMail")
            .field("id", &self.id)
            .field("org", &self.org)
            .field("ticket", &self.ticket)
            .field("recipients", &self.to.len())
            .field("auto_reply", &self.auto_reply)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests;
