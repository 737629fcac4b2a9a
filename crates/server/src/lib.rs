//! The skydir binary's library half: configuration, the data directory, TLS, wiring the store
//! and services to the front ends, and the CLI commands. `main.rs` only parses arguments; the
//! test kit starts the same server in-process through [`server::start`].

pub mod adapters;
pub mod breach_watch;
pub mod cli;
pub mod commands;
pub mod config;
pub mod datadir;
pub mod erasure_hooks;
pub mod limits;
pub mod mailer;
pub mod metrics_listener;
pub mod rehash;
pub mod retention;
pub mod server;
pub mod sla_watch;
pub mod telemetry;
pub mod tls;
pub mod wiring;
