//! Everything that can go wrong at the desk's mail doors, in one enum.
//!
//! The variants say what happened in the operator's and the sender's terms: which header was bad,
//! which limit was crossed, whether the relay said "later" or "never". They never carry message
//! text, addresses or attachment contents — errors end up in logs, and mail is personal data. An
//! SMTP refusal keeps only its reply code and enhanced status code, not the relay's text (which
//! usually quotes the recipient's address).
//!
//! [`MailError::is_transient`] is the line the delivery queue cares about: transient failures are
//! retried later, permanent ones are not.

use std::path::PathBuf;
use std::time::Duration;
use thiserror::Error;

/// Why mail could not be parsed, rendered or delivered.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum MailError {
    /// The inbound message is bigger than the configured limit.
    #[error("the message is {size} bytes, more than the limit of {limit} bytes")]
    TooLarge {
        /// Size of the message in bytes.
        size: u64,
        /// The limit (`Limits::max_message_bytes`).
        limit: u64,
    },

    /// The input is not an e-mail message at all.
    #[error("this is not an e-mail message: {reason}")]
    NotAMessage {
        /// What is missing, e.g. "the input is empty".
        reason: &'static str,
    },

    /// An address of an outbound message cannot be written into a message or an SMTP envelope.
    #[error("the {field} address{} is not a valid e-mail address", position_suffix(*.position))]
    InvalidAddress {
        /// The field: `from` or `to`.
        field: &'static str,
        /// For lists (`to`), the 1-based position of the bad address.
        position: Option<usize>,
    },

    /// An outbound message has no recipient.
    #[error("the message has no recipient (to)")]
    NoRecipients,

    /// Our own `Message-ID` cannot be written as an RFC 5322 msg-id.
    #[error(
        "the message id is not valid: it must be printable ASCII without spaces or angle brackets"
    )]
    InvalidMessageId,

    /// The host name given for generated message ids is not a domain name.
    #[error("the mail host name is not a valid domain name")]
    InvalidHostname,

    /// The message's creation time cannot be written as a `Date:` header.
    #[error("the message's creation time {created_at} cannot be written as a mail date")]
    InvalidDate {
        /// The time, which is not personal data.
        created_at: jiff::Timestamp,
    },

    /// The mail library refused to build the message (a header it cannot represent).
    #[error("the message cannot be rendered: {reason}")]
    Render {
        /// lettre's explanation, which names no address.
        reason: String,
    },

    /// The SMTP URL of the configuration is unusable.
    #[error("the SMTP URL is not usable: {reason}")]
    InvalidSmtpUrl {
        /// What is wrong with it; never quotes the password.
        reason: String,
    },

    /// The CA file for the relay's certificate (`smtp_ca_file`) is unusable.
    #[error("the SMTP CA file {}: {reason}", .path.display())]
    SmtpCa {
        /// The file named by the configuration.
        path: PathBuf,
        /// Why it cannot be used.
        reason: String,
    },

    /// The relay does not offer STARTTLS, and mail is never sent in clear to it.
    #[error(
        "the mail relay does not offer STARTTLS, and skydir does not send mail in clear: enable \
         TLS on the relay, or use smtps:// (only a relay on this machine may be used without TLS, \
         with smtp_allow_plaintext)"
    )]
    NoStartTls,

    /// The TLS handshake with the relay failed, e.g. its certificate does not verify.
    #[error(
        "TLS with the mail relay failed ({reason}); check the relay's certificate and host name, \
         or set smtp_ca_file to the CA that signs a private relay's certificate"
    )]
    RelayTls {
        /// What the TLS library objected to (never an address).
        reason: String,
    },

    /// The relay answered with a 4xx reply: it may accept the message later.
    #[error("the mail relay deferred the message (SMTP {code}{})", enhanced_suffix(.enhanced))]
    Deferred {
        /// The SMTP reply code, e.g. 451.
        code: u16,
        /// The enhanced status code (RFC 3463), e.g. `4.3.0`, when the relay sent one.
        enhanced: Option<String>,
    },

    /// The relay answered with a 5xx reply about the message: it will not accept it.
    #[error("the mail relay refused the message (SMTP {code}{})", enhanced_suffix(.enhanced))]
    Refused {
        /// The SMTP reply code, e.g. 550.
        code: u16,
        /// The enhanced status code (RFC 3463), e.g. `5.1.1`, when the relay sent one.
        enhanced: Option<String>,
    },

    /// The relay refused our login, does not offer STARTTLS, or demands TLS or a login first:
    /// our configuration is wrong, not the message, so the message waits until it is fixed.
    #[error("the mail relay refused our connection setup ({reason}); check the SMTP URL")]
    RelaySetup {
        /// What the relay or the client objected to, without addresses.
        reason: String,
    },

    /// The relay could not be reached or the connection broke (refused, reset, TLS failure).
    #[error("the mail relay could not be reached: {reason}")]
    Unreachable {
        /// What failed, without addresses (e.g. "connection refused", "tls error").
        reason: String,
    },

    /// The relay did not answer in time.
    #[error("the mail relay did not answer within {}s", .after.as_secs())]
    Timeout {
        /// The time allowed.
        after: Duration,
    },

    /// The relay or the mail library rejected the message itself (e.g. a non-ASCII address
    /// the relay cannot carry).
    #[error("the message cannot be sent through this relay: {reason}")]
    Unsendable {
        /// The reason, without addresses.
        reason: String,
    },

    /// Writing to the outbox directory failed.
    #[error("writing the outbox file {}: {source}", .path.display())]
    Outbox {
        /// The file or directory that could not be written.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
}

fn position_suffix(position: Option<usize>) -> String {
    position.map_or_else(String::new, |p| format!(" at position {p}"))
}

fn enhanced_suffix(enhanced: &Option<String>) -> String {
    enhanced
        .as_deref()
        .map_or_else(String::new, |e| format!(", {e}"))
}

impl MailError {
    /// Whether a later attempt may succeed: the relay deferred, could not be reached, timed out,
    /// refused our login, offered no STARTTLS or no certificate we trust (the message waits
    /// until the relay or the configuration is fixed), or the outbox could not be written. Everything about the message
    /// itself (bad address, refusal with 5xx, parse failures) is permanent.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            Self::Deferred { .. }
                | Self::RelaySetup { .. }
                | Self::NoStartTls
                | Self::RelayTls { .. }
                | Self::Unreachable { .. }
                | Self::Timeout { .. }
                | Self::Outbox { .. }
        )
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_the_field_and_code_but_carry_no_address() {
        let e = MailError::InvalidAddress {
            field: "to",
            position: Some(2),
        };
        assert_eq!(
            e.to_string(),
            "the to address at position 2 is not a valid e-mail address"
        );
        let e = MailError::Refused {
            code: 550,
            enhanced: Some("5.1.1".into()),
        };
        assert_eq!(
            e.to_string(),
            "the mail relay refused the message (SMTP 550, 5.1.1)"
        );
        assert!(!e.is_transient());
        let e = MailError::Deferred {
            code: 451,
            enhanced: None,
        };
        assert_eq!(
            e.to_string(),
            "the mail relay deferred the message (SMTP 451)"
        );
        assert!(e.is_transient());
        assert!(MailError::NoStartTls.is_transient());
        assert!(
            MailError::NoStartTls
                .to_string()
                .contains("does not offer STARTTLS")
        );
    }
}
