//! skydir-mail: the support desk's doors for e-mail.
//!
//! Customers write to the desk by mail and the desk answers by mail, but the desk's rules —
//! which org a sender belongs to, whether they are who they say, which ticket a reply joins,
//! whether a robot wrote it — live in `skydir-core` and see only
//! [`InboundMail`](skydir_core::support::InboundMail) and
//! [`OutboundMail`](skydir_core::support::OutboundMail). This crate is the wire in between:
//!
//! - **In**: [`parse`] turns raw RFC 5322/MIME bytes into an `InboundMail` — ids for threading,
//!   sender and recipients, decoded subject and text, attachments, the robot marks and the
//!   `Authentication-Results` verdicts ([`parse_authentication_results`]). The
//!   `skydir mail ingest` command (fed by the MTA) and the HTTP ingest endpoint call it.
//! - **Out**: a background dispatcher calls [`render`] to write an `OutboundMail` as a message
//!   and [`Transport::send`] to hand it to an SMTP relay or drop it into the outbox directory,
//!   retrying when the error [`is_transient`](MailError::is_transient).
//! - **Tests**: [`testing::SmtpSink`] is a real SMTP server for tests of the delivery path.
//!
//! Nothing here logs or puts into an error a message's text, its addresses or its
//! attachments: mail is personal data.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod auth_results;
mod deliver;
mod error;
mod inbound;
mod outbound;
pub mod testing;

pub use auth_results::parse_authentication_results;
pub use deliver::{RelayOptions, Security, SmtpRelay, Transport, outbox_file_name};
pub use error::MailError;
pub use inbound::{Limits, parse};
pub use outbound::render;
