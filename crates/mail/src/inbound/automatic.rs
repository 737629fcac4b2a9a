//! Is this message from a robot? Auto-replies, bounces and list traffic are never answered, or
//! two robots would write to each other forever (RFC 3834 §2).
//!
//! The marks read here are the message's own: `Auto-Submitted` other than `no` (RFC 3834),
//! `Precedence: bulk|junk|list` (the older convention vacation programs honour), any
//! `List-Id` (RFC 2919), and any `multipart/report` (RFC 6522: delivery-status bounces,
//! read receipts, feedback reports — reports are machine-made by definition). The sender's
//! address (`mailer-daemon@`, `noreply@`) is judged by the core
//! (`InboundMail::is_automatic`).

use mail_parser::{HeaderName, Message, MimeHeaders};

/// Whether the message carries any mark of automatic sending.
pub(super) fn is_automatic(message: &Message<'_>) -> bool {
    let auto_submitted =
        raw_values(message, "auto-submitted").any(|v| !matches!(keyword(v).as_str(), "" | "no"));
    let precedence = raw_values(message, "precedence")
        .any(|v| matches!(keyword(v).as_str(), "bulk" | "junk" | "list"));
    let list = message
        .headers()
        .iter()
        .any(|h| h.name == HeaderName::ListId);
    let report = message.content_type().is_some_and(|ct| {
        ct.ctype().eq_ignore_ascii_case("multipart")
            && ct
                .subtype()
                .is_some_and(|s| s.eq_ignore_ascii_case("report"))
    });
    auto_submitted || precedence || list || report
}

/// The unparsed values of the top-level header fields called `name`.
fn raw_values<'a>(message: &'a Message<'_>, name: &'a str) -> impl Iterator<Item = &'a str> {
    message
        .headers()
        .iter()
        .filter(move |h| h.name().eq_ignore_ascii_case(name))
        .filter_map(|h| h.value().as_text())
}

/// The leading keyword of a value such as `auto-replied (vacation)`, lowercase.
fn keyword(value: &str) -> String {
    value
        .trim()
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect::<String>()
        .to_ascii_lowercase()
}
