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
    use HolidayDate::{Fixed, LastWeekday, NthWeekday};
    let near = Observance::NearestWeekday;
    // Floating holidays always fall on their weekday, so no observance applies to them.
    let none = Observance::None;
    vec![
        HolidayRule::known("New Year's Day", Fixed { month: 1, day: 1 }, near, None),
        HolidayRule::known(
            "Birthday of Martin Luther King, Jr.",
            NthWeekday {
                nth: 3,
                weekday: Monday,
                month: 1,
            },
            none,
            None,
        ),
        HolidayRule::known(
            "Washington's Birthday",
            NthWeekday {
                nth: 3,
                weekday: Monday,
                month: 2,
            },
            none,
            None,
        ),
        HolidayRule::known(
            "Memorial Day",
            LastWeekday {
                weekday: Monday,
                month: 5,
            },
            none,
            None,
        ),
        HolidayRule::known(
            "Juneteenth National Independence Day",
            Fixed { month: 6, day: 19 },
            near,
            Some(2021),
        ),
        HolidayRule::known("Independence Day", Fixed { month: 7, day: 4 }, near, None),
        HolidayRule::known(
            "Labor Day",
            NthWeekday {
                nth: 1,
                weekday: Monday,
                month: 9,
            },
            none,
            None,
        ),
        HolidayRule::known(
            "Columbus Day",
            NthWeekday {
                nth: 2,
                weekday: Monday,
                month: 10,
            },
            none,
            None,
        ),
        HolidayRule::known("Veterans Day", Fixed { month: 11, day: 11 }, near, None),
        HolidayRule::known(
            "Thanksgiving Day",
            NthWeekday {
                nth: 4,
                weekday: Thursday,
                month: 11,
            },
            none,
            None,
        ),
        HolidayRule::known("Christmas Day", Fixed { month: 12, day: 25 }, near, None),
    ]
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    const NY: &str = "New Year's Day";
    const MLK: &str = "Birthday of Martin Luther King, Jr.";
    const WASH: &str = "Washington's Birthday";
    const MEM: &str = "Memorial Day";
    const JUNE: &str = "Juneteenth National Independence Day";
    const IND: &str = "Independence Day";
    const LAB: &str = "Labor Day";
    const COL: &str = "Columbus Day";
    const VET: &str = "Veterans Day";
    const THX: &str = "Thanksgiving Day";
    const XMAS: &str = "Christmas Day";

    /// Every observed US federal holiday (the closed day), 2020–2035, written by hand from the
    /// weekday of 1 January of each year — not generated by the code under test.
    ///
    /// Cross-checked against the `holidays` package (PyPI, version 0.109): both give the same
    /// 175 closed days. The library lists a weekend holiday on its actual day *and* adds a
    /// "(observed)" weekday, so only weekdays are compared:
    ///
    /// ```text
    /// pip install holidays
    /// python3 -c "import holidays
    /// for y in range(2020, 2036):
    ///     h = holidays.US(years=[y - 1, y, y + 1], observed=True)
    ///     print(y, sorted(str(d) for d in h if d.year == y and d.weekday() < 5))"
    /// ```
    const US_FEDERAL_2020_2035: &[(i16, &[(&str, &str)])] = &[
        (
            2020,
            &[
                ("2020-01-01", NY),
                ("2020-01-20", MLK),
                ("2020-02-17", WASH),
                ("2020-05-25", MEM),
                ("2020-07-03", IND), // 4 July is a Saturday
                ("2020-09-07", LAB),
                ("2020-10-12", COL),
                ("2020-11-11", VET),
                ("2020-11-26", THX),
                ("2020-12-25", XMAS),
            ],
        ),
        (
            2021,
            &[
                ("2021-01-01", NY),
                ("2021-01-18", MLK),
                ("2021-02-15", WASH),
                ("2021-05-31", MEM),
                ("2021-06-18", JUNE), // the first Juneteenth: 19 June is a Saturday
                ("2021-07-05", IND),  // 4 July is a Sunday
                ("2021-09-06", LAB),
                ("2021-10-11", COL),
                ("2021-11-11", VET),
                ("2021-11-25", THX),
                ("2021-12-24", XMAS), // 25 December is a Saturday
                ("2021-12-31", NY),   // New Year's Day 2022 is a Saturday
            ],
        ),
        (
            2022,
            &[
                // No New Year's Day in 2022: it was observed on 31 December 2021.
                ("2022-01-17", MLK),
                ("2022-02-21", WASH),
                ("2022-05-30", MEM),
                ("2022-06-20", JUNE), // 19 June is a Sunday
                ("2022-07-04", IND),
                ("2022-09-05", LAB),
                ("2022-10-10", COL),
                ("2022-11-11", VET),
                ("2022-11-24", THX),
                ("2022-12-26", XMAS), // 25 December is a Sunday
            ],
        ),
        (
            2023,
            &[
                ("2023-01-02", NY), // 1 January is a Sunday
                ("2023-01-16", MLK),
                ("2023-02-20", WASH),
                ("2023-05-29", MEM),
                ("2023-06-19", JUNE),
                ("2023-07-04", IND),
                ("2023-09-04", LAB),
                ("2023-10-09", COL),
                ("2023-11-10", VET), // 11 November is a Saturday
                ("2023-11-23", THX),
                ("2023-12-25", XMAS),
            ],
        ),
        (
            2024,
            &[
                ("2024-01-01", NY),
                ("2024-01-15", MLK),
                ("2024-02-19", WASH),
                ("2024-05-27", MEM),
                ("2024-06-19", JUNE),
                ("2024-07-04", IND),
                ("2024-09-02", LAB),
                ("2024-10-14", COL),
                ("2024-11-11", VET),
                ("2024-11-28", THX),
                ("2024-12-25", XMAS),
            ],
        ),
        (
            2025,
            &[
                ("2025-01-01", NY),
                ("2025-01-20", MLK),
                ("2025-02-17", WASH),
                ("2025-05-26", MEM),
                ("2025-06-19", JUNE),
                ("2025-07-04", IND),
                ("2025-09-01", LAB),
                ("2025-10-13", COL),
                ("2025-11-11", VET),
                ("2025-11-27", THX),
                ("2025-12-25", XMAS),
            ],
        ),
        (
            2026,
            &[
                ("2026-01-01", NY),
                ("2026-01-19", MLK),
                ("2026-02-16", WASH),
                ("2026-05-25", MEM),
                ("2026-06-19", JUNE),
                ("2026-07-03", IND), // 4 July is a Saturday
                ("2026-09-07", LAB),
                ("2026-10-12", COL),
                ("2026-11-11", VET),
                ("2026-11-26", THX),
                ("2026-12-25", XMAS),
            ],
        ),
        (
            2027,
            &[
                ("2027-01-01", NY),
                ("2027-01-18", MLK),
                ("2027-02-15", WASH),
                ("2027-05-31", MEM),
                ("2027-06-18", JUNE), // 19 June is a Saturday
                ("2027-07-05", IND),  // 4 July is a Sunday
                ("2027-09-06", LAB),
                ("2027-10-11", COL),
                ("2027-11-11", VET),
                ("2027-11-25", THX),
                ("2027-12-24", XMAS), // 25 December is a Saturday
                ("2027-12-31", NY),   // New Year's Day 2028 is a Saturday
            ],
        ),
        (
            2028,
            &[
                ("2028-01-17", MLK),
                ("2028-02-21", WASH),
                ("2028-05-29", MEM),
                ("2028-06-19", JUNE),
                ("2028-07-04", IND),
                ("2028-09-04", LAB),
                ("2028-10-09", COL),
                ("2028-11-10", VET), // 11 November is a Saturday
                ("2028-11-23", THX),
                ("2028-12-25", XMAS),
            ],
        ),
        (
            2029,
            &[
                ("2029-01-01", NY),
                ("2029-01-15", MLK),
                ("2029-02-19", WASH),
                ("2029-05-28", MEM),
                ("2029-06-19", JUNE),
                ("2029-07-04", IND),
                ("2029-09-03", LAB),
                ("2029-10-08", COL),
                ("2029-11-12", VET), // 11 November is a Sunday
                ("2029-11-22", THX),
                ("2029-12-25", XMAS),
            ],
        ),
        (
            2030,
            &[
                ("2030-01-01", NY),
                ("2030-01-21", MLK),
                ("2030-02-18", WASH),
                ("2030-05-27", MEM),
                ("2030-06-19", JUNE),
                ("2030-07-04", IND),
                ("2030-09-02", LAB),
                ("2030-10-14", COL),
                ("2030-11-11", VET),
                ("2030-11-28", THX),
                ("2030-12-25", XMAS),
            ],
        ),
        (
            2031,
            &[
                ("2031-01-01", NY),
                ("2031-01-20", MLK),
                ("2031-02-17", WASH),
                ("2031-05-26", MEM),
                ("2031-06-19", JUNE),
                ("2031-07-04", IND),
                ("2031-09-01", LAB),
                ("2031-10-13", COL),
                ("2031-11-11", VET),
                ("2031-11-27", THX),
                ("2031-12-25", XMAS),
            ],
        ),
        (
            2032,
            &[
                ("2032-01-01", NY),
                ("2032-01-19", MLK),
                ("2032-02-16", WASH),
                ("2032-05-31", MEM),
                ("2032-06-18", JUNE), // 19 June is a Saturday
                ("2032-07-05", IND),  // 4 July is a Sunday
                ("2032-09-06", LAB),
                ("2032-10-11", COL),
                ("2032-11-11", VET),
                ("2032-11-25", THX),
                ("2032-12-24", XMAS), // 25 December is a Saturday
                ("2032-12-31", NY),   // New Year's Day 2033 is a Saturday
            ],
        ),
        (
            2033,
            &[
                ("2033-01-17", MLK),
                ("2033-02-21", WASH),
                ("2033-05-30", MEM),
                ("2033-06-20", JUNE), // 19 June is a Sunday
                ("2033-07-04", IND),
                ("2033-09-05", LAB),
                ("2033-10-10", COL),
                ("2033-11-11", VET),
                ("2033-11-24", THX),
                ("2033-12-26", XMAS), // 25 December is a Sunday
            ],
        ),
        (
            2034,
            &[
                ("2034-01-02", NY), // 1 January is a Sunday
                ("2034-01-16", MLK),
                ("2034-02-20", WASH),
                ("2034-05-29", MEM),
                ("2034-06-19", JUNE),
                ("2034-07-04", IND),
                ("2034-09-04", LAB),
                ("2034-10-09", COL),
                ("2034-11-10", VET), // 11 November is a Saturday
                ("2034-11-23", THX),
                ("2034-12-25", XMAS),
            ],
        ),
        (
            2035,
            &[
                ("2035-01-01", NY),
                ("2035-01-15", MLK),
                ("2035-02-19", WASH),
                ("2035-05-28", MEM),
                ("2035-06-19", JUNE),
                ("2035-07-04", IND),
                ("2035-09-03", LAB),
                ("2035-10-08", COL),
                ("2035-11-12", VET), // 11 November is a Sunday
                ("2035-11-22", THX),
                ("2035-12-25", XMAS),
            ],
        ),
    ];

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn us_federal_observed_days_2020_to_2035_match_the_hand_written_table() {
        let rules = us_federal();
        for (year, expected) in US_FEDERAL_2020_2035 {
            let got: Vec<(String, String)> = observed_holidays(&rules, *year)
                .into_iter()
                .map(|h| (h.observed.to_string(), h.name))
                .collect();
            let want: Vec<(String, String)> = expected
                .iter()
                .map(|(date, name)| (date.to_string(), name.to_string()))
                .collect();
            assert_eq!(got, want, "year {year}");
        }
    }

    #[test]
    fn every_observed_day_of_the_table_is_a_weekday() {
        for (_, rows) in US_FEDERAL_2020_2035 {
            for (date, name) in *rows {
                let wd = d(date).weekday();
                assert!(
                    !matches!(wd, Weekday::Saturday | Weekday::Sunday),
                    "{date} {name} is a {wd:?}"
                );
            }
        }
    }

    #[test]
    fn observed_days_keep_the_actual_day_they_stand_for() {
        let y2021 = observed_holidays(&us_federal(), 2021);
        let ny = y2021
            .iter()
            .find(|h| h.observed == d("2021-12-31"))
            .unwrap();
        assert_eq!((ny.name.as_str(), ny.actual), (NY, d("2022-01-01")));
        let june = y2021.iter().find(|h| h.name == JUNE).unwrap();
        assert_eq!(
            (june.actual, june.observed),
            (d("2021-06-19"), d("2021-06-18"))
        );
        assert!(
            observed_holidays(&us_federal(), 2022)
                .iter()
                .all(|h| h.name != NY),
            "New Year's Day 2022 belongs to 2021"
        );
    }

    #[test]
    fn juneteenth_does_not_exist_before_2021_and_inauguration_day_is_not_a_rule() {
        assert!(
            observed_holidays(&us_federal(), 2020)
                .iter()
                .all(|h| h.name != JUNE)
        );
        let rules = us_federal();
        assert_eq!(rules.len(), 11);
        assert!(rules.iter().all(|r| !r.name().contains("Inauguration")));
    }

    #[test]
    fn built_in_rules_pass_validation() {
        for rule in us_federal() {
            assert_eq!(HolidayRule::new(rule.spec().clone()).as_ref(), Ok(&rule));
        }
    }

    #[test]
    fn a_sunday_new_years_eve_rule_is_observed_in_the_next_year() {
        // A fixed 31 December holiday on a Sunday (2023) is observed Monday 1 January 2024.
        let rule = HolidayRule::new(HolidayRuleSpec {
            name: "Company day".into(),
            date: HolidayDate::Fixed { month: 12, day: 31 },
            observance: Observance::NearestWeekday,
            first_year: None,
            last_year: None,
        })
        .unwrap();
        let rules = [rule];
        assert!(observed_holidays(&rules, 2023).is_empty());
        let y2024: Vec<Date> = observed_holidays(&rules, 2024)
            .iter()
            .map(|h| h.observed)
            .collect();
        assert_eq!(y2024, vec![d("2024-01-01"), d("2024-12-31")]);
    }

    #[test]
    fn first_and_last_year_bound_a_rule() {
        let rule = HolidayRule::new(HolidayRuleSpec {
            name: "Jubilee".into(),
            date: HolidayDate::LastWeekday {
                weekday: DayOfWeek::Friday,
                month: 8,
            },
            observance: Observance::None,
            first_year: Some(2024),
            last_year: Some(2025),
        })
        .unwrap();
        assert_eq!(rule.actual_date(2023), None);
        assert_eq!(rule.actual_date(2024), Some(d("2024-08-30")));
        assert_eq!(rule.actual_date(2025), Some(d("2025-08-29")));
        assert_eq!(rule.actual_date(2026), None);
    }

    fn spec(date: HolidayDate) -> HolidayRuleSpec {
        HolidayRuleSpec {
            name: "X".into(),
            date,
            observance: Observance::None,
            first_year: None,
            last_year: None,
        }
    }

    fn invalid_field(spec: HolidayRuleSpec) -> String {
        match HolidayRule::new(spec) {
            Err(CoreError::Invalid { field, reason }) => format!("{field}: {reason}"),
            other => panic!("expected an invalid error, got {other:?}"),
        }
    }

    #[test]
    fn invalid_rules_are_refused_with_the_field_and_reason() {
        let e = invalid_field(spec(HolidayDate::Fixed { month: 13, day: 1 }));
        assert!(
            e.starts_with("holiday.date.month: 13 is not a month"),
            "{e}"
        );
        let e = invalid_field(spec(HolidayDate::Fixed { month: 4, day: 31 }));
        assert!(
            e.starts_with("holiday.date.day: month 4 has no day 31"),
            "{e}"
        );
        let e = invalid_field(spec(HolidayDate::Fixed { month: 2, day: 29 }));
        assert!(e.contains("29 February does not occur every year"), "{e}");
        let e = invalid_field(spec(HolidayDate::NthWeekday {
            nth: 5,
            weekday: DayOfWeek::Monday,
            month: 3,
        }));
        assert!(
            e.starts_with("holiday.date.nth") && e.contains("last_weekday"),
            "{e}"
        );
        let mut s = spec(HolidayDate::Fixed { month: 1, day: 1 });
        s.first_year = Some(2030);
        s.last_year = Some(2020);
        let e = invalid_field(s);
        assert!(
            e.starts_with("holiday.last_year: last year 2020 is before"),
            "{e}"
        );
        let mut s = spec(HolidayDate::Fixed { month: 1, day: 1 });
        s.name = "  ".into();
        assert!(invalid_field(s).starts_with("holiday.name"));
    }

    #[test]
    fn rules_round_trip_through_serde_and_deserializing_validates() {
        let rules = us_federal();
        let json = serde_json::to_string(&rules).unwrap();
        let back: Vec<HolidayRule> = serde_json::from_str(&json).unwrap();
        assert_eq!(back, rules);
        let memorial: HolidayRule = serde_json::from_str(
            r#"{"name":"Memorial Day","date":{"kind":"last_weekday","weekday":"monday","month":5}}"#,
        )
        .unwrap();
        assert_eq!(memorial.actual_date(2026), Some(d("2026-05-25")));
        let bad = serde_json::from_str::<HolidayRule>(
            r#"{"name":"X","date":{"kind":"fixed","month":2,"day":30}}"#,
        );
        assert!(bad.is_err_and(|e| e.to_string().contains("holiday.date.day")));
    }
}
