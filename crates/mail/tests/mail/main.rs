//! skydir-mail through its public API: the fixture messages a desk really receives, rendering
//! and its round trip through the parser, delivery to a real SMTP server and to the outbox,
//! and properties over arbitrary input. One test binary, so it links once.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
mod delivery;
mod inbound;
mod outbound;
mod properties;
