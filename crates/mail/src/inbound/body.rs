//! What a person wrote and what they attached: the text of an inbound message and its files.
//!
//! mail-parser sorts the MIME tree into body parts and attachments the way JMAP (RFC 8621)
//! does; this module picks the text the desk shows (the first `text/plain` body part, else the
//! HTML part as readable text) and turns every attachment — inline images included — into the
//! core's [`InboundAttachment`], each part at most once.

use mail_parser::decoders::html::html_to_text;
use mail_parser::{Message, MessagePart, MimeHeaders, PartType};
use skydir_core::support::InboundAttachment;

/// The message's text with line ends as `\n`: the first `text/plain` body part that says
/// anything, else the text of the first HTML body part, else empty. (Some clients send an
/// empty plain-text alternative beside the HTML that holds the message.)
pub(super) fn text(message: &Message<'_>) -> String {
    let part = |id: &u32| message.parts.get(usize::try_from(*id).ok()?);
    let plain = message
        .text_body
        .iter()
        .filter_map(part)
        .find_map(|p| match &p.body {
            PartType::Text(text) if !text.trim().is_empty() => Some(text.to_string()),
            _ => None,
        });
    let text = plain.or_else(|| {
        message
            .html_body
            .iter()
            .chain(&message.text_body)
            .filter_map(part)
            .find_map(|p| match &p.body {
                PartType::Html(html) => Some(html_to_text(html)),
                _ => None,
            })
    });
    text.map(|t| t.replace("\r\n", "\n")).unwrap_or_default()
}

/// Every attachment of the message, each MIME part once, with its decoded content.
pub(super) fn attachments(message: &Message<'_>) -> Vec<InboundAttachment> {
    let mut seen: Vec<u32> = Vec::new();
    let mut out = Vec::new();
    for &id in &message.attachments {
        if seen.contains(&id) {
            continue;
        }
        seen.push(id);
        let Some(part) = usize::try_from(id).ok().and_then(|i| message.parts.get(i)) else {
            continue;
        };
        if matches!(part.body, PartType::Multipart(_)) {
            continue;
        }
        out.push(InboundAttachment {
            filename: part.attachment_name().unwrap_or("").trim().to_owned(),
            content_type: content_type(part),
            content: part.contents().to_vec(),
        });
    }
    out
}

/// The part's `type/subtype`, lowercase; when it is missing or malformed, what its body was
/// decoded as.
fn content_type(part: &MessagePart<'_>) -> String {
    let declared = part.content_type().and_then(|ct| {
        let kind = ct.ctype().trim().to_ascii_lowercase();
        let sub = ct.subtype()?.trim().to_ascii_lowercase();
        (is_token(&kind) && is_token(&sub)).then(|| format!("{kind}/{sub}"))
    });
    declared.unwrap_or_else(|| {
        match part.body {
            PartType::Text(_) => "text/plain",
            PartType::Html(_) => "text/html",
            PartType::Message(_) => "message/rfc822",
            _ => "application/octet-stream",
        }
        .to_owned()
    })
}

/// Whether `s` is an RFC 2045 token (what a type or subtype may be).
fn is_token(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`{|}~".contains(&b))
}
