//! Business-time arithmetic on a [`Calendar`]: where an SLA clock starts, the instant at which
//! a business duration has elapsed, and the business time between two instants.
//!
//! SLA targets ("first response within 8 business hours") count only time inside the
//! calendar's open intervals. Durations are [`SignedDuration`]s, exact to the nanosecond:
//! nothing here rounds except [`Calendar::next_business_instant`], which starts a clock on a
//! whole minute. The functions walk the calendar one civil day at a time and do constant work
//! per open interval, so adding 1,000 business hours visits about 180 days, never minutes.
//! A calendar closed for ten years in a row makes them fail rather than walk on.
//!
//! The laws the tests check:
//! - `add(t, 0) == t`, and for `d > 0`, `add(t, d)` lies in `(open, close]` of an open
//!   interval: it may be exactly a closing instant, never outside hours.
//! - `add` is monotonic in `d` and in `t`.
//! - `add(add(t, a), b) == add(t, a + b)` for *every* instant `t` (open or not) and all
//!   `a, b ≥ 0`, because `add` counts from `t` exactly and skips closed time itself.
//! - `between(t, add(t, d)) == d` for every `t`, and `between(a, c) == between(a, b) +
//!   between(b, c)` for `a ≤ b ≤ c`.

use super::calendar::{Calendar, HolidayYear, beyond_range};
use crate::error::{CoreError, CoreResult};
use jiff::{RoundMode, SignedDuration, Timestamp, TimestampRound, Unit};

/// How far ahead [`Calendar::next_business_instant`] looks for a whole open minute.
const MAX_SEARCH: SignedDuration = SignedDuration::from_hours(10 * 366 * 24);

impl Calendar {
    /// Where an SLA clock started at `t` begins counting: the first whole minute (of UTC, which
    /// is a whole minute of local time in every modern zone) at or after `t` at which the
    /// calendar is open. So inside hours it is `t` rounded *up* to the minute — `t` itself if
    /// already on one — and outside hours it is the next opening (rounded up likewise, should an
    /// opening fall between minutes after a closure). Errors if no such minute comes within ten
    /// years.
    pub fn next_business_instant(&self, t: Timestamp) -> CoreResult<Timestamp> {
        let limit = t.checked_add(MAX_SEARCH).unwrap_or(Timestamp::MAX);
        for iv in self.intervals_from(t) {
            let iv = iv?;
            if iv.start > limit {
                break;
            }
            let minute = ceil_minute(iv.start.max(t))?;
            if minute < iv.end {
                return Ok(minute);
            }
        }
        Err(CoreError::invalid(
            "calendar",
            format!(
                "calendar '{}' has no whole open minute in the ten years after {t}",
                self.name()
            ),
        ))
    }

    /// The instant at which `d` of business time has elapsed, counting from `start` (which
    /// need not be open). For `d > 0` the result lies in `(open, close]` of an open interval —
    /// exactly at a closing instant when `d` runs out there — and `add(start, 0)` is `start`.
    /// Errors if `d` is negative, or if the calendar stays closed for ten years on the way.
    pub fn add(&self, start: Timestamp, d: SignedDuration) -> CoreResult<Timestamp> {
        if d.is_negative() {
            return Err(CoreError::invalid(
                "duration",
                format!("business time to add must not be negative, got {d:#}"),
            ));
        }
        if d.is_zero() {
            return Ok(start);
        }
        let mut left = d;
        for iv in self.intervals_from(start) {
            let iv = iv?;
            let from = iv.start.max(start);
            let room = iv.end.duration_since(from);
            if left <= room {
                return from.checked_add(left).map_err(|_| beyond_range());
            }
            left = left.checked_sub(room).ok_or_else(beyond_range)?;
        }
        Err(beyond_range())
    }

    /// The business time in `[a, b)`: how long the calendar is open between the two instants;
    /// zero if `b ≤ a`.
    pub fn between(&self, a: Timestamp, b: Timestamp) -> SignedDuration {
        let mut total = SignedDuration::ZERO;
        if b <= a {
            return total;
        }
        let mut holidays = HolidayYear::default();
        let (mut day, last) = (self.local_date(a), self.local_date(b));
        loop {
            for iv in self.day_intervals(day, &mut holidays) {
                let (from, to) = (iv.start.max(a), iv.end.min(b));
                if from < to {
                    total = total.saturating_add(to.duration_since(from));
                }
            }
            match day.tomorrow() {
                Ok(next) if day < last => day = next,
                _ => return total,
            }
        }
    }
}

/// `t` rounded up to a whole minute.
fn ceil_minute(t: Timestamp) -> CoreResult<Timestamp> {
    t.round(
        TimestampRound::new()
            .smallest(Unit::Minute)
            .mode(RoundMode::Ceil),
    )
    .map_err(|_| beyond_range())
}

#[cfg(test)]
mod tests;
