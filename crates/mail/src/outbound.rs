//! The outbound renderer: the core's [`OutboundMail`] → the bytes of an RFC 5322 message.
//!
//! The desk decides what is said, to whom and how it threads; this module writes it down the
//! way mail servers and clients expect, with lettre's message builder doing the encoding
//! (RFC 2047 for non-ASCII subjects and names, quoted-printable or base64 for the UTF-8 body,
//! folding of long headers). Threading ids are written in angle brackets exactly as given, our
//! own `Message-ID` included, so replies come back with ids the desk recognizes. Automatic
//! answers are marked `Auto-Submitted: auto-replied` (RFC 3834) so that well-behaved robots do
//! not answer them.

use crate::error::MailError;
use lettre::Message;
use lettre::message::header::{
    ContentType, Header, HeaderName, HeaderValue, InReplyTo, MIME_VERSION_1_0, MessageId,
    References,
};
use lettre::message::{Body, Mailbox};
use skydir_core::support::OutboundMail;
use std::time::SystemTime;

/// Renders `mail` as a complete message, ready for SMTP `DATA` or an `.eml` file.
///
/// The body is `mail.text` as UTF-8 `text/plain`, its lines ended with CRLF (a final line end
/// is added when the text lacks one). `hostname` is the desk's mail host name; it is used only to give a message without a
/// `message_id` the stable id `<{mail.id}@{hostname}>`. Fails with a typed error naming the
/// field when an address, our message id or the date cannot be written. `In-Reply-To` and
/// `References` ids that cannot be written as a msg-id (blank, spaces, angle brackets,
/// non-ASCII — they come from other people's mail) are left out rather than failing the reply.
pub fn render(mail: &OutboundMail, hostname: &str) -> Result<Vec<u8>, MailError> {
    let from = mailbox(&mail.from, "from", None)?;
    if mail.to.is_empty() {
        return Err(MailError::NoRecipients);
    }
    let message_id = if mail.message_id.is_empty() {
        if !is_hostname(hostname) {
            return Err(MailError::InvalidHostname);
        }
        format!("{}@{hostname}", mail.id)
    } else if is_msg_id(&mail.message_id) {
        mail.message_id.clone()
    } else {
        return Err(MailError::InvalidMessageId);
    };
    if mail.created_at < jiff::Timestamp::UNIX_EPOCH {
        return Err(MailError::InvalidDate {
            created_at: mail.created_at,
        });
    }

    let mut builder = Message::builder()
        .from(from)
        .subject(mail.subject.replace(['\r', '\n'], " "))
        .date(SystemTime::from(mail.created_at))
        .header(MessageId::from(format!("<{message_id}>")));
    for (i, to) in mail.to.iter().enumerate() {
        builder = builder.to(mailbox(to, "to", Some(i + 1))?);
    }
    if let Some(id) = mail.in_reply_to.as_deref().filter(|id| is_msg_id(id)) {
        builder = builder.header(InReplyTo::from(format!("<{id}>")));
    }
    let references: Vec<String> = mail
        .references
        .iter()
        .filter(|id| is_msg_id(id))
        .map(|id| format!("<{id}>"))
        .collect();
    if !references.is_empty() {
        builder = builder.header(References::from(references.join(" ")));
    }
    if mail.auto_reply {
        builder = builder.header(AutoSubmitted).header(AutoResponseSuppress);
    }
    // A raw body rather than lettre's `SinglePart`, which appends a line end of its own.
    let mut text = mail.text.clone();
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    let message = builder
        .header(MIME_VERSION_1_0)
        .header(ContentType::TEXT_PLAIN)
        .body(Body::new(text))
        .map_err(|e| MailError::Render {
            reason: e.to_string(),
        })?;
    Ok(message.formatted())
}

/// Parses one address (`ann@example.com` or `Ann <ann@example.com>`) of field `field`.
pub(crate) fn mailbox(
    address: &str,
    field: &'static str,
    position: Option<usize>,
) -> Result<Mailbox, MailError> {
    address
        .trim()
        .parse::<Mailbox>()
        .map_err(|_| MailError::InvalidAddress { field, position })
}

/// Whether `id` can be written as `<id>`: printable ASCII, no white space or angle brackets.
pub(crate) fn is_msg_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 900
        && id
            .bytes()
            .all(|b| b.is_ascii_graphic() && b != b'<' && b != b'>')
}

fn is_hostname(host: &str) -> bool {
    !host.is_empty()
        && host.len() <= 253
        && host
            .split('.')
            .all(|l| !l.is_empty() && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
}

/// `Auto-Submitted: auto-replied` (RFC 3834 §5).
#[derive(Debug, Clone)]
struct AutoSubmitted;

impl Header for AutoSubmitted {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("Auto-Submitted")
    }

    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Self)
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "auto-replied".to_owned())
    }
}

/// `X-Auto-Response-Suppress: All`: Microsoft Exchange's own switch for not answering a
/// message with out-of-office and other automatic replies, which ignores `Auto-Submitted`.
#[derive(Debug, Clone)]
struct AutoResponseSuppress;

impl Header for AutoResponseSuppress {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("X-Auto-Response-Suppress")
    }

    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Self)
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "All".to_owned())
    }
}
