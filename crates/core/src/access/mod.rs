//! Access control: who is asking ([`Actor`]), what they want ([`Action`]) and the one function
//! that decides ([`authorize`]). Every service calls it first; no front end decides on its own.

mod actor;
mod authorize;
mod staff;

pub use actor::Actor;
pub use authorize::{Action, authorize};
pub use staff::{Staff, StaffRole};
