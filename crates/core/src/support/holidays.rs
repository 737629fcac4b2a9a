//! Holidays as data: rules an operator can write down, and the dates they close.
//!
//! A support calendar closes on public holidays, and which days those are is a matter of law
//! that differs per country and changes over time (Juneteenth became a US federal holiday in
//! 2021). So a holiday is a [`HolidayRule`] — a date rule, an observance rule and an optional
//! span of years — rather than a list of dates, and [`us_federal`] is just the rules of
//! 5 U.S.C. 6103(a) written in that form.
//!
//! Observance matters at year boundaries: New Year's Day 2022 fell on a Saturday and was
//! observed on Friday 31 December 2021, so [`observed_holidays`] for 2021 includes that day even
//! though it belongs to the 2022 rule.

use crate::error::{CoreError, CoreResult};
use jiff::civil::{Date, Weekday};
use serde::{Deserialize, Serialize};

/// A day of the week, in the serde form calendars are written in (`"monday"` … `"sunday"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DayOfWeek {
    Monday,
    Tuesday,
    Wednesday,
    Thursday,
    Friday,
    Saturday,
    Sunday,
}

impl DayOfWeek {
    /// All seven days, Monday first.
    pub const ALL: [DayOfWeek; 7] = [
        Self::Monday,
        Self::Tuesday,
        Self::Wednesday,
        Self::Thursday,
        Self::Friday,
        Self::Saturday,
        Self::Sunday,
    ];

    /// The same day as jiff's [`Weekday`].
    pub fn to_weekday(self) -> Weekday {
        match self {
            Self::Monday => Weekday::Monday,
            Self::Tuesday => Weekday::Tuesday,
            Self::Wednesday => Weekday::Wednesday,
            Self::Thursday => Weekday::Thursday,
            Self::Friday => Weekday::Friday,
            Self::Saturday => Weekday::Saturday,
            Self::Sunday => Weekday::Sunday,
        }
    }

    /// The day of jiff's [`Weekday`].
    pub fn from_weekday(weekday: Weekday) -> Self {
        match weekday {
            Weekday::Monday => Self::Monday,
            Weekday::Tuesday => Self::Tuesday,
            Weekday::Wednesday => Self::Wednesday,
            Weekday::Thursday => Self::Thursday,
            Weekday::Friday => Self::Friday,
            Weekday::Saturday => Self::Saturday,
            Weekday::Sunday => Self::Sunday,
        }
    }
}

/// What happens when a holiday falls on a weekend.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Observance {
    /// The holiday is observed on the day it falls on, weekend or not.
    #[default]
    None,
    /// A Saturday holiday is observed on the Friday before, a Sunday holiday on the Monday
    /// after (5 U.S.C. 6103(b) and Executive Order 11582 for US federal employees).
    NearestWeekday,
}

/// Which day of a year a holiday falls on, before observance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum HolidayDate {
    /// The same month and day every year (4 July). 29 February is refused: it does not occur
    /// every year.
    Fixed { month: i8, day: i8 },
    /// The `nth` (1–4) given weekday of the month (the 3rd Monday of January).
    NthWeekday {
        nth: i8,
        weekday: DayOfWeek,
        month: i8,
    },
    /// The last given weekday of the month (the last Monday of May).
    LastWeekday { weekday: DayOfWeek, month: i8 },
}

/// A holiday rule as written by an operator: the unvalidated serde form of a [`HolidayRule`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HolidayRuleSpec {
    /// The holiday's name, e.g. "Independence Day".
    pub name: String,
    /// The day it falls on.
    pub date: HolidayDate,
    /// Where it is observed when it falls on a weekend.
    #[serde(default)]
    pub observance: Observance,
    /// The first year the holiday exists (Juneteenth: 2021); `None` for always.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_year: Option<i16>,
    /// The last year the holiday exists; `None` for still in force.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_year: Option<i16>,
}

/// A validated holiday rule. Build one with [`HolidayRule::new`]; deserializing checks the same.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "HolidayRuleSpec", into = "HolidayRuleSpec")]
pub struct HolidayRule {
    spec: HolidayRuleSpec,
}

/// One closed day produced by a rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holiday {
    /// The holiday's name.
    pub name: String,
    /// The day the holiday itself falls on.
    pub actual: Date,
    /// The day it is observed, i.e. the day that is closed.
    pub observed: Date,
}

/// The years jiff's civil dates cover.
const MIN_YEAR: i16 = -9999;
const MAX_YEAR: i16 = 9999;

impl HolidayRule {
    /// [`HolidayRule::new`] with errors naming the rule as `field` (e.g. `holidays[3]`).
    pub(crate) fn parse(spec: HolidayRuleSpec, field: &str) -> CoreResult<Self> {
        if spec.name.trim().is_empty() {
            return Err(CoreError::invalid(
                format!("{field}.name"),
                "a holiday needs a name",
            ));
        }
        let month = match spec.date {
            HolidayDate::Fixed { month, .. }
            | HolidayDate::NthWeekday { month, .. }
            | HolidayDate::LastWeekday { month, .. } => month,
        };
        if !(1..=12).contains(&month) {
            return Err(CoreError::invalid(
                format!("{field}.date.month"),
                format!("{month} is not a month; expected 1 (January) to 12 (December)"),
            ));
        }
        match spec.date {
            HolidayDate::Fixed { month, day } => {
                // 2001 is not a leap year, so 29 February is refused here.
                let days = Date::new(2001, month, 1).map_or(0, |d| d.days_in_month());
                if day < 1 || day > days {
                    let hint = if month == 2 && day == 29 {
                        "; 29 February does not occur every year"
                    } else {
                        ""
                    };
                    return Err(CoreError::invalid(
                        format!("{field}.date.day"),
                        format!("month {month} has no day {day} every year (1 to {days}){hint}"),
                    ));
                }
            }
            HolidayDate::NthWeekday { nth, .. } => {
                if !(1..=4).contains(&nth) {
                    return Err(CoreError::invalid(
                        format!("{field}.date.nth"),
                        format!(
                            "{nth} is out of range; expected 1 to 4 (not every month has a 5th \
                             weekday; use last_weekday for the last one)"
                        ),
                    ));
                }
            }
            HolidayDate::LastWeekday { .. } => {}
        }
        for (name, year) in [
            ("first_year", spec.first_year),
            ("last_year", spec.last_year),
        ] {
            if let Some(y) = year
                && !(MIN_YEAR..=MAX_YEAR).contains(&y)
            {
                return Err(CoreError::invalid(
                    format!("{field}.{name}"),
                    format!("{y} is outside the supported years {MIN_YEAR} to {MAX_YEAR}"),
                ));
            }
        }
        if let (Some(first), Some(last)) = (spec.first_year, spec.last_year)
            && first > last
        {
            return Err(CoreError::invalid(
                format!("{field}.last_year"),
                format!("last year {last} is before first year {first}"),
            ));
        }
        Ok(Self { spec })
    }

    /// Checks a rule: a non-empty name, a month 1–12, a day that exists in that month every
    /// year, an `nth` of 1–4 (use `last_weekday` for "the last"), and `first_year ≤ last_year`.
    /// Errors name the offending field as `holiday.…`.
    pub fn new(spec: HolidayRuleSpec) -> CoreResult<Self> {
        Self::parse(spec, "holiday")
    }

    /// The rule as written.
    pub fn spec(&self) -> &HolidayRuleSpec {
        &self.spec
    }

    /// The holiday's name.
    pub fn name(&self) -> &str {
        &self.spec.name
    }

    /// The day the holiday falls on in `year`, before observance; `None` if the rule is not in
    /// force that year.
    pub fn actual_date(&self, year: i16) -> Option<Date> {
        if self.spec.first_year.is_some_and(|first| year < first)
            || self.spec.last_year.is_some_and(|last| year > last)
        {
            return None;
        }
        match self.spec.date {
            HolidayDate::Fixed { month, day } => Date::new(year, month, day).ok(),
            HolidayDate::NthWeekday {
                nth,
                weekday,
                month,
            } => Date::new(year, month, 1)
                .and_then(|d| d.nth_weekday_of_month(nth, weekday.to_weekday()))
                .ok(),
            HolidayDate::LastWeekday { weekday, month } => Date::new(year, month, 1)
                .and_then(|d| d.nth_weekday_of_month(-1, weekday.to_weekday()))
                .ok(),
        }
    }

    /// The holiday of `year` with its observed day, which may lie in the year before or after
    /// (New Year's Day 2022 was observed on 31 December 2021).
    pub fn occurrence(&self, year: i16) -> Option<Holiday> {
        let actual = self.actual_date(year)?;
        let observed = match (self.spec.observance, actual.weekday()) {
            (Observance::NearestWeekday, Weekday::Saturday) => actual.yesterday().ok()?,
            (Observance::NearestWeekday, Weekday::Sunday) => actual.tomorrow().ok()?,
            _ => actual,
        };
        Some(Holiday {
            name: self.spec.name.clone(),
            actual,
            observed,
        })
    }

    /// A rule known to be valid, for the built-in sets.
    fn known(
        name: &str,
        date: HolidayDate,
        observance: Observance,
        first_year: Option<i16>,
    ) -> Self {
        Self {
            spec: HolidayRuleSpec {
                name: name.to_string(),
                date,
                observance,
                first_year,
                last_year: None,
            },
        }
    }
}

impl TryFrom<HolidayRuleSpec> for HolidayRule {
    type Error = CoreError;
    fn try_from(spec: HolidayRuleSpec) -> CoreResult<Self> {
        Self::new(spec)
    }
}

impl From<HolidayRule> for HolidayRuleSpec {
    fn from(rule: HolidayRule) -> Self {
        rule.spec
    }
}

/// The holidays whose observed day falls in civil `year`, in date order (then by name). This
/// includes an observance pulled into `year` by a neighbouring year's holiday — 31 December 2021
/// for New Year's Day 2022 — and leaves out one pushed out of it.
pub fn observed_holidays(rules: &[HolidayRule], year: i16) -> Vec<Holiday> {
    let mut out: Vec<Holiday> = rules
        .iter()
        .flat_map(|rule| {
            [year.checked_sub(1), Some(year), year.checked_add(1)]
                .into_iter()
                .flatten()
                .filter_map(|y| rule.occurrence(y))
        })
        .filter(|h| h.observed.year() == year)
        .collect();
    out.sort_by(|a, b| {
        a.observed
            .cmp(&b.observed)
            .then_with(|| a.name.cmp(&b.name))
    });
    out
}

/// The eleven legal public holidays of 5 U.S.C. 6103(a), observed on the nearest weekday.
///
/// Inauguration Day (6103(c)) is left out: it is a holiday only for federal employees in the
/// Washington, D.C. area. Juneteenth exists from 2021 (signed into law 17 June 2021 and
/// observed that year on Friday 18 June).
pub fn us_federal() -> Vec<HolidayRule> {
    use DayOfWeek::{Monday, Thursday};
    // Fixed dates move off weekends; floating ones always fall on their weekday.
    let fixed = |name, month, day| {
        let date = HolidayDate::Fixed { month, day };
        HolidayRule::known(name, date, Observance::NearestWeekday, None)
    };
    let nth = |name, nth, weekday, month| {
        let date = HolidayDate::NthWeekday {
            nth,
            weekday,
            month,
        };
        HolidayRule::known(name, date, Observance::None, None)
    };
    let juneteenth = HolidayRule::known(
        "Juneteenth National Independence Day",
        HolidayDate::Fixed { month: 6, day: 19 },
        Observance::NearestWeekday,
        Some(2021),
    );
    let memorial = HolidayRule::known(
        "Memorial Day",
        HolidayDate::LastWeekday {
            weekday: Monday,
            month: 5,
        },
        Observance::None,
        None,
    );
    vec![
        fixed("New Year's Day", 1, 1),
        nth("Birthday of Martin Luther King, Jr.", 3, Monday, 1),
        nth("Washington's Birthday", 3, Monday, 2),
        memorial,
        juneteenth,
        fixed("Independence Day", 7, 4),
        nth("Labor Day", 1, Monday, 9),
        nth("Columbus Day", 2, Monday, 10),
        fixed("Veterans Day", 11, 11),
        nth("Thanksgiving Day", 4, Thursday, 11),
        fixed("Christmas Day", 12, 25),
    ]
}

#[cfg(test)]
mod tests;
