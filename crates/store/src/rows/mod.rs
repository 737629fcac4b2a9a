//! Mapping between table rows and the core's model: column lists, and the conversions every
//! table shares (ids as text, times as microseconds, enums as their wire names).

pub(crate) mod access;
pub(crate) mod article;
pub(crate) mod audit;
pub(crate) mod directory;
pub(crate) mod email_change;
pub(crate) mod mail;
pub(crate) mod org;
pub(crate) mod privacy;
pub(crate) mod service;
pub(crate) mod staff_totp;
pub(crate) mod ticket;
pub(crate) mod user;
pub(crate) mod verification;

use crate::error::{StoreError, StoreResult};
use jiff::Timestamp;

/// A time as stored: microseconds since the Unix epoch.
pub(crate) fn micros(t: Timestamp) -> i64 {
    t.as_microsecond()
}

/// An optional time as stored.
pub(crate) fn opt_micros(t: Option<Timestamp>) -> Option<i64> {
    t.map(micros)
}

/// A stored time back as a timestamp.
pub(crate) fn ts(v: i64, what: &str) -> StoreResult<Timestamp> {
    Timestamp::from_microsecond(v)
        .map_err(|_| StoreError::corrupt(format!("{what} is not a valid time")))
}

/// A stored optional time back as a timestamp.
pub(crate) fn opt_ts(v: Option<i64>, what: &str) -> StoreResult<Option<Timestamp>> {
    v.map(|v| ts(v, what)).transpose()
}

/// Parses a stored id of any typed-id kind.
pub(crate) fn id<T>(s: &str, parse: fn(&str) -> Option<T>, what: &str) -> StoreResult<T> {
    parse(s).ok_or_else(|| StoreError::corrupt(format!("{what} is not a uuid")))
}

/// A stored POSIX number back as `u32`.
pub(crate) fn u32_of(v: i64, what: &str) -> StoreResult<u32> {
    u32::try_from(v).map_err(|_| StoreError::corrupt(format!("{what} is out of range")))
}

/// A stored wire name back through the model's own parser.
pub(crate) fn parsed<T, E>(
    s: &str,
    parse: impl Fn(&str) -> Result<T, E>,
    what: &str,
) -> StoreResult<T> {
    parse(s).map_err(|_| StoreError::corrupt(format!("{what} has an unknown value")))
}
