//! The outbound door: hands a rendered message to an SMTP relay, or — when no relay is
//! configured — drops it into the on-disk outbox, so a fresh installation can run its whole
//! support flow without a mail server and an operator can read what would have been sent.
//!
//! The background dispatcher calls [`Transport::send`] for each queued mail and retries it
//! later when the error [`is_transient`](crate::MailError::is_transient). Both transports are
//! idempotent as far as they can be: the outbox overwrites the same file for the same mail; a
//! relay may see a retried message twice, and the recipient's client collapses the copies by
//! their shared `Message-ID`.

mod outbox;
mod smtp;

pub use outbox::file_name as outbox_file_name;
pub use smtp::{RelayOptions, Security, SmtpRelay};

use crate::error::MailError;
use skydir_core::support::OutboundMail;
use std::path::{Path, PathBuf};

/// Where outbound mail goes.
#[derive(Debug)]
#[non_exhaustive]
pub enum Transport {
    /// Through an SMTP relay.
    Smtp(SmtpRelay),
    /// Into one `.eml` file per message in this directory.
    Outbox(PathBuf),
}

impl Transport {
    /// The transport the configuration asks for: the relay of `smtp_url` (the
    /// `SKYDIR_SMTP_URL` setting — `smtp://host:port` with STARTTLS, `smtps://host:port`,
    /// optionally with `user:password@`) with the operator's `options`, or without one the
    /// outbox directory `outbox_dir`. A blank URL counts as none.
    pub fn from_settings(
        smtp_url: Option<&str>,
        options: &RelayOptions,
        outbox_dir: &Path,
    ) -> Result<Self, MailError> {
        match smtp_url.map(str::trim).filter(|u| !u.is_empty()) {
            Some(url) => Ok(Self::Smtp(SmtpRelay::from_url(url, options)?)),
            None => Ok(Self::Outbox(outbox_dir.to_path_buf())),
        }
    }

    /// Delivers `rendered` (the output of [`render`](crate::render) for `mail`): over SMTP with
    /// `mail.from` as the envelope sender and `mail.to` as the recipients, or as the outbox file
    /// named after `mail.message_id`.
    pub async fn send(&self, mail: &OutboundMail, rendered: &[u8]) -> Result<(), MailError> {
        match self {
            Self::Smtp(relay) => relay.send(mail, rendered).await,
            Self::Outbox(dir) => {
                let key = if mail.message_id.is_empty() {
                    mail.id.to_string()
                } else {
                    mail.message_id.clone()
                };
                outbox::write(dir, &key, rendered).await.map(|_| ())
            }
        }
    }
}
