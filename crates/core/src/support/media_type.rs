//! The media type of an attachment (`text/plain`, `application/pdf; name=x`), parsed before it
//! is stored.
//!
//! Why: the type is sent back verbatim as the `Content-Type` of the download and written into
//! the headers of mail the desk sends, so a value such as `text/html\r\nX-Evil: 1` would be header
//! injection waiting to happen. An attachment's type is therefore an RFC 9110 §8.3.1
//! `media-type` — `type "/" subtype *( OWS ";" OWS parameter )`, type and subtype tokens,
//! parameters `token=token` or `token="quoted string"` — checked by the `mime` crate, in
//! printable ASCII only (no CR, LF or other control characters), at most [`MAX_LEN`]
//! characters, and no wildcard (`*/*`, `text/*` describe requests, not files). It is stored
//! in the crate's normal form: type, subtype and parameter names lowercase.
//!
//! Where it comes from decides what a bad one means: the REST API and the portal refuse the
//! request naming the field; inbound mail is never dropped for it — the file is kept as
//! [`MediaType::octet_stream`] (see `service::desk::mail_in`).

use crate::error::CoreError;
use std::fmt;

/// Longest media type accepted, parameters included.
pub const MAX_LEN: usize = 255;

/// A checked media type, in normal form.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct MediaType(String);

impl MediaType {
    /// Parses a media type; errors name the field `content_type` (callers prefix it, e.g.
    /// `attachments[0].content_type`).
    pub fn parse(s: &str) -> Result<Self, CoreError> {
        let invalid = |why: &str| CoreError::invalid("content_type", why.to_string());
        let s = s.trim_matches(' ');
        if s.is_empty() {
            return Err(invalid("must not be empty"));
        }
        if s.bytes().any(|b| b.is_ascii_control()) {
            return Err(invalid(
                "must be one media type like text/plain, without line breaks or control characters",
            ));
        }
        if !s.is_ascii() {
            return Err(invalid("must be ASCII"));
        }
        if s.len() > MAX_LEN {
            return Err(invalid(&format!("must be at most {MAX_LEN} characters")));
        }
        let parsed: mime::Mime = s.parse().map_err(|_| {
            invalid(
                "must be a media type like text/plain or application/pdf (type/subtype, \
                 optionally followed by ;name=value parameters)",
            )
        })?;
        // mime 0.3 lets `text/` through with an empty subtype.
        if parsed.subtype().as_str().is_empty() {
            return Err(invalid("must have a subtype after '/', like text/plain"));
        }
        if parsed.type_() == mime::STAR || parsed.subtype() == mime::STAR {
            return Err(invalid("must name a type of file, not a wildcard"));
        }
        Ok(Self(parsed.to_string()))
    }

    /// `application/octet-stream`: what a file of unknown or unusable type is kept as.
    pub fn octet_stream() -> Self {
        Self(mime::APPLICATION_OCTET_STREAM.to_string())
    }

    /// The media type in normal form.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for MediaType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for MediaType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "MediaType({:?})", self.0)
    }
}

impl From<MediaType> for String {
    fn from(m: MediaType) -> String {
        m.0
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn norm(s: &str) -> Result<String, String> {
        MediaType::parse(s)
            .map(String::from)
            .map_err(|e| e.to_string())
    }

    #[test]
    fn media_types_are_accepted_in_normal_form() {
        assert_eq!(norm("text/plain"), Ok("text/plain".into()));
        assert_eq!(norm(" Image/PNG "), Ok("image/png".into()));
        assert_eq!(
            norm("text/plain; charset=UTF-8"),
            Ok("text/plain; charset=utf-8".into())
        );
        assert_eq!(
            norm("application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
            Ok("application/vnd.openxmlformats-officedocument.wordprocessingml.document".into())
        );
        assert_eq!(
            norm("application/octet-stream; name=\"sssd log.txt\""),
            Ok("application/octet-stream; name=\"sssd log.txt\"".into())
        );
        assert_eq!(
            MediaType::octet_stream().as_str(),
            "application/octet-stream"
        );
    }

    #[test]
    fn anything_else_is_refused_naming_the_field() {
        for bad in [
            "text/html\r\nX-Evil: 1",
            "text/html\nX-Evil: 1",
            "text/html\r",
            "text/plain; name=\"a\r\nb\"",
            "text/plain\u{0}",
            "text/plain\t",
            "text",
            "/plain",
            "text/",
            "text/plain/x",
            "text/pl ain",
            "text plain",
            "text/plain; charset",
            "text/plain; =x",
            "text/plain; name=\"unterminated",
            "*/*",
            "text/*",
            "tëxt/plain",
            "",
            "   ",
        ] {
            let e = norm(bad).err().unwrap_or_default();
            assert!(e.starts_with("content_type"), "{bad:?}: {e}");
        }
        assert!(norm(&format!("text/{}", "x".repeat(MAX_LEN))).is_err());
    }

    proptest! {
        /// Never panics; what it accepts is printable ASCII and a fixed point.
        #[test]
        fn parse_is_total_and_idempotent(s in "[ -~\r\n\t]{0,60}") {
            if let Ok(m) = MediaType::parse(&s) {
                prop_assert!(m.as_str().bytes().all(|b| (b' '..=b'~').contains(&b)));
                prop_assert_eq!(MediaType::parse(m.as_str()).ok(), Some(m.clone()));
            }
        }
    }
}
