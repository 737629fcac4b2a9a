//! The inbound door: raw RFC 5322/MIME bytes → the core's [`InboundMail`].
//!
//! Whoever hands the desk a message — the `skydir mail ingest` command fed by the MTA, or the
//! HTTP endpoint — calls [`parse`]. It refuses only what cannot be a message at all (too big,
//! empty, no header fields, or nothing a person could have sent); everything else is read as
//! well as it can be, because a customer's odd mail client must not lose their ticket. MIME
//! decoding and charsets are mail-parser's; which headers count, how text is chosen, what is an
//! attachment and what marks a robot are decided here.
//!
//! Per-attachment size limits are the core's business and are not applied here: only the whole
//! message is bounded ([`Limits::max_message_bytes`]), before any parsing starts.

mod automatic;
mod body;
mod headers;

use crate::auth_results::parse_authentication_results;
use crate::error::MailError;
use mail_parser::{HeaderName, MessageParser};
use sha2::{Digest, Sha256};
use skydir_core::support::InboundMail;

/// Bounds on inbound messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The largest raw message accepted, in bytes (default 40 MiB).
    pub max_message_bytes: u64,
}

impl Limits {
    /// The default bound on a raw message: 40 MiB, room for a 25–30 MiB attachment after
    /// base64 has grown it by a third.
    pub const DEFAULT_MAX_MESSAGE_BYTES: u64 = 40 * 1024 * 1024;
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_message_bytes: Self::DEFAULT_MAX_MESSAGE_BYTES,
        }
    }
}

/// Parses one raw message into what the desk needs to know about it.
///
/// Refuses input over `limits.max_message_bytes` ([`MailError::TooLarge`]) and input that is
/// not a message ([`MailError::NotAMessage`]): empty, without header fields, with no `From`,
/// no `Message-ID` and no body at all, or — in debug builds only, see below — with a MIME
/// structure too damaged to read. Never panics.
pub fn parse(raw: &[u8], limits: &Limits) -> Result<InboundMail, MailError> {
    let raw_len = u64::try_from(raw.len()).unwrap_or(u64::MAX);
    if raw_len > limits.max_message_bytes {
        return Err(MailError::TooLarge {
            size: raw_len,
            limit: limits.max_message_bytes,
        });
    }
    if raw.iter().all(u8::is_ascii_whitespace) {
        return Err(MailError::NotAMessage {
            reason: "the input is empty",
        });
    }
    // mail-parser 0.11.9 has `debug_assert!`s that hostile input reaches (nested messages with
    // broken boundaries, found by fuzzing); they panic in debug builds and are compiled out of
    // release builds. A stranger's message must never take its caller down, so a panic while
    // reading it refuses the message instead.
    std::panic::catch_unwind(|| read(raw, raw_len)).unwrap_or(Err(MailError::NotAMessage {
        reason: "its MIME structure is too damaged to read",
    }))
}

/// Reads a message already known to be within the limits and not blank.
fn read(raw: &[u8], raw_len: u64) -> Result<InboundMail, MailError> {
    let message = MessageParser::default()
        .parse(raw)
        .filter(|m| m.parts.first().is_some_and(|root| !root.headers.is_empty()))
        .ok_or(MailError::NotAMessage {
            reason: "it has no header fields",
        })?;

    let (from, from_name) = headers::sender(&message);
    let message_id = headers::message_id(&message);
    let text = body::text(&message);
    let attachments = body::attachments(&message);
    if from.is_none() && message_id.is_none() && text.trim().is_empty() && attachments.is_empty() {
        return Err(MailError::NotAMessage {
            reason: "it has no From, no Message-ID and no body",
        });
    }

    let auth_results = message
        .headers()
        .iter()
        .filter(|h| h.name == HeaderName::AuthenticationResults)
        .map(|h| parse_authentication_results(h.value().as_text().unwrap_or("")))
        .collect();

    Ok(InboundMail {
        message_id,
        in_reply_to: headers::ids(message.in_reply_to()),
        references: headers::ids(message.references()),
        from,
        from_name,
        recipients: headers::recipients(&message),
        subject: message.subject().unwrap_or("").trim().to_owned(),
        date: headers::date(&message),
        text,
        attachments,
        auth_results,
        automatic: automatic::is_automatic(&message),
        raw_sha256: Sha256::digest(raw).into(),
        raw_len,
    })
}
