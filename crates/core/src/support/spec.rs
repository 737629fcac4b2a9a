//! The written form of a support calendar: plain serde data an operator can store and edit.
//!
//! Nothing here is checked. A [`CalendarSpec`] becomes a usable
//! [`Calendar`](super::Calendar) only through [`Calendar::new`](super::Calendar::new), which
//! refuses bad data (an unknown time zone, hours that close before they open or overlap, dates
//! that do not exist) with an error naming the field — so code holding a `Calendar` never has to
//! ask whether it makes sense.

use super::holidays::{DayOfWeek, HolidayRuleSpec};
use jiff::Timestamp;
use jiff::civil::{Date, Time};
use serde::{Deserialize, Serialize};

/// One open stretch of a day, as civil times in the calendar's zone: open at `open`, closed
/// from `close` on. Times are whole minutes. A `close` of `00:00` means midnight at the *end*
/// of the day, so `00:00`–`00:00` is open all day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenHours {
    /// When the stretch opens, e.g. `09:00`.
    pub open: Time,
    /// When it closes, e.g. `17:00`; `00:00` for midnight at the end of the day.
    pub close: Time,
}

/// The open hours of each day of the week; a day with no entries is closed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WeeklyHours {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub monday: Vec<OpenHours>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tuesday: Vec<OpenHours>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub wednesday: Vec<OpenHours>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub thursday: Vec<OpenHours>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub friday: Vec<OpenHours>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub saturday: Vec<OpenHours>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sunday: Vec<OpenHours>,
}

impl WeeklyHours {
    /// The same hours Monday to Friday, closed at weekends.
    pub fn monday_to_friday(hours: &[OpenHours]) -> Self {
        Self {
            monday: hours.to_vec(),
            tuesday: hours.to_vec(),
            wednesday: hours.to_vec(),
            thursday: hours.to_vec(),
            friday: hours.to_vec(),
            saturday: Vec::new(),
            sunday: Vec::new(),
        }
    }

    /// The hours of `day`.
    pub fn day(&self, day: DayOfWeek) -> &[OpenHours] {
        match day {
            DayOfWeek::Monday => &self.monday,
            DayOfWeek::Tuesday => &self.tuesday,
            DayOfWeek::Wednesday => &self.wednesday,
            DayOfWeek::Thursday => &self.thursday,
            DayOfWeek::Friday => &self.friday,
            DayOfWeek::Saturday => &self.saturday,
            DayOfWeek::Sunday => &self.sunday,
        }
    }

    /// The hours of `day`, to change them.
    pub fn day_mut(&mut self, day: DayOfWeek) -> &mut Vec<OpenHours> {
        match day {
            DayOfWeek::Monday => &mut self.monday,
            DayOfWeek::Tuesday => &mut self.tuesday,
            DayOfWeek::Wednesday => &mut self.wednesday,
            DayOfWeek::Thursday => &mut self.thursday,
            DayOfWeek::Friday => &mut self.friday,
            DayOfWeek::Saturday => &mut self.saturday,
            DayOfWeek::Sunday => &mut self.sunday,
        }
    }
}

/// A one-off closure on top of the weekly hours and holidays.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Closure {
    /// The whole civil day `date` (in the calendar's zone) is closed.
    Day { date: Date, reason: String },
    /// Closed from `start` (inclusive) to `end` (exclusive), e.g. an afternoon off-site.
    Period {
        start: Timestamp,
        end: Timestamp,
        reason: String,
    },
}

impl Closure {
    /// Why support is closed.
    pub fn reason(&self) -> &str {
        match self {
            Self::Day { reason, .. } | Self::Period { reason, .. } => reason,
        }
    }
}

/// A support calendar as written: the unvalidated serde form of a
/// [`Calendar`](super::Calendar).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarSpec {
    /// A name for people, e.g. "US support".
    pub name: String,
    /// The IANA time zone the hours are in, e.g. `America/Denver`.
    pub time_zone: String,
    /// The open hours of each weekday.
    pub weekly_hours: WeeklyHours,
    /// Holidays on which the calendar is closed all day (their observed day).
    #[serde(default)]
    pub holidays: Vec<HolidayRuleSpec>,
    /// One-off closures.
    #[serde(default)]
    pub closures: Vec<Closure>,
}
