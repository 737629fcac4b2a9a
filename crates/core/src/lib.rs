//! skydir-core: the product's rules, and nothing else.
//!
//! Everything a front end (HTTP, LDAP, CLI, mail) may do goes through a function in `service`,
//! which authorizes the [`access::Actor`], validates against plan and policy, and hands one
//! atomic `Change` (writes plus their audit events) to the store port. This crate does
//! no I/O: no sockets, no SQL, no files and no clock — those arrive through ports.

pub mod access;
pub mod audit;
pub mod auth;
pub mod change;
pub mod directory;
pub mod error;
pub mod ids;
pub mod page;
pub mod ports;
pub mod privacy;
pub mod secret;
pub mod service;
pub mod support;

pub use error::{CoreError, CoreResult};
pub use jiff::Timestamp;
