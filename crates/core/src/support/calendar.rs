//! A validated support calendar and its questions: is support open at this instant, when is it
//! open on this day, and when does it next open.
//!
//! Business hours are civil times in a named zone, but SLA arithmetic needs instants. This file
//! is where one becomes the other: each civil day maps to a sorted list of open [`Interval`]s
//! (weekly hours, minus holidays and closures), and everything else — the business-time
//! arithmetic in `business_time` — walks those intervals day by day. Time zones come from the
//! tz database bundled into the binary, not the host's, so every machine computes the same due
//! times.

use super::holidays::{DayOfWeek, HolidayRule, observed_holidays, us_federal};
use super::spec::{CalendarSpec, Closure, OpenHours, WeeklyHours};
use crate::error::{CoreError, CoreResult};
use jiff::Timestamp;
use jiff::civil::{Date, Time, time};
use jiff::tz::{TimeZone, TimeZoneDatabase};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, VecDeque};

/// How many consecutive days without open hours a search walks before giving up: ten years.
const MAX_CLOSED_DAYS: u32 = 10 * 366;

/// A half-open stretch `[start, end)` during which the calendar is open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Interval {
    /// The first open instant.
    pub start: Timestamp,
    /// The first closed instant after `start`.
    pub end: Timestamp,
}

impl Interval {
    /// Whether `t` lies in `[start, end)`.
    pub fn contains(&self, t: Timestamp) -> bool {
        self.start <= t && t < self.end
    }
}

/// A validated support calendar. Build one with [`Calendar::new`]; deserializing goes through
/// the same checks, and serializing writes its [`CalendarSpec`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "CalendarSpec", into = "CalendarSpec")]
pub struct Calendar {
    spec: CalendarSpec,
    tz: TimeZone,
    holidays: Vec<HolidayRule>,
    closed_days: BTreeSet<Date>,
    /// Closed periods, sorted by start.
    closed_periods: Vec<Interval>,
}

impl Calendar {
    /// Checks a written calendar: a name, a time zone known to the IANA database, whole-minute
    /// hours that open before they close and do not overlap, at least one open stretch in the
    /// week, valid holiday rules and closures with a reason (and periods that end after they
    /// start). Errors name the field, e.g. `weekly_hours.monday[1]`.
    pub fn new(mut spec: CalendarSpec) -> CoreResult<Self> {
        if spec.name.trim().is_empty() {
            return Err(CoreError::invalid("name", "a calendar needs a name"));
        }
        let tz = zone(&spec.time_zone)?;
        if let Some(canonical) = tz.iana_name() {
            spec.time_zone = canonical.to_string();
        }
        for day in DayOfWeek::ALL {
            check_day(day, spec.weekly_hours.day_mut(day))?;
        }
        if DayOfWeek::ALL
            .iter()
            .all(|&day| spec.weekly_hours.day(day).is_empty())
        {
            return Err(CoreError::invalid(
                "weekly_hours",
                "the calendar is closed every day of the week, so business time could never \
                 pass; give at least one day open hours",
            ));
        }
        let holidays = spec
            .holidays
            .iter()
            .enumerate()
            .map(|(i, h)| HolidayRule::parse(h.clone(), &format!("holidays[{i}]")))
            .collect::<CoreResult<Vec<_>>>()?;
        let mut closed_days = BTreeSet::new();
        let mut closed_periods = Vec::new();
        for (i, closure) in spec.closures.iter().enumerate() {
            if closure.reason().trim().is_empty() {
                return Err(CoreError::invalid(
                    format!("closures[{i}].reason"),
                    "say why support is closed",
                ));
            }
            match *closure {
                Closure::Day { date, .. } => {
                    closed_days.insert(date);
                }
                Closure::Period { start, end, .. } => {
                    if end <= start {
                        return Err(CoreError::invalid(
                            format!("closures[{i}].end"),
                            format!("the closure ends at {end}, not after it starts at {start}"),
                        ));
                    }
                    closed_periods.push(Interval { start, end });
                }
            }
        }
        closed_periods.sort();
        Ok(Self {
            spec,
            tz,
            holidays,
            closed_days,
            closed_periods,
        })
    }

    /// The provider's support policy: Monday to Friday, 09:00–17:00 `America/Denver`, closed on
    /// the US federal holidays. Fails only if the bundled tz database lacks `America/Denver`.
    pub fn us_support() -> CoreResult<Self> {
        const NINE: Time = time(9, 0, 0, 0);
        const FIVE_PM: Time = time(17, 0, 0, 0);
        Self::new(CalendarSpec {
            name: "US support".to_string(),
            time_zone: "America/Denver".to_string(),
            weekly_hours: WeeklyHours::monday_to_friday(&[OpenHours {
                open: NINE,
                close: FIVE_PM,
            }]),
            holidays: us_federal().iter().map(|r| r.spec().clone()).collect(),
            closures: Vec::new(),
        })
    }

    /// The calendar as written (hours sorted, zone name in its canonical spelling).
    pub fn spec(&self) -> &CalendarSpec {
        &self.spec
    }

    /// The calendar's name.
    pub fn name(&self) -> &str {
        &self.spec.name
    }

    /// The zone its hours are in.
    pub fn time_zone(&self) -> &TimeZone {
        &self.tz
    }

    /// Its holiday rules.
    pub fn holidays(&self) -> &[HolidayRule] {
        &self.holidays
    }

    /// Whether support is open at `t` (open instants are `[open, close)`).
    pub fn is_open(&self, t: Timestamp) -> bool {
        self.open_intervals(self.local_date(t))
            .iter()
            .any(|iv| iv.contains(t))
    }

    /// The open intervals of civil day `date` in the calendar's zone, in order; empty on a
    /// weekend, holiday or closed day. A closure period cuts the intervals it overlaps.
    pub fn open_intervals(&self, date: Date) -> Vec<Interval> {
        self.day_intervals(date, &mut HolidayYear::default())
    }

    /// The first instant at or after `t` at which support is open: `t` itself if open, else the
    /// start of the next open interval. Errors if the calendar stays closed for ten years.
    pub fn next_opening(&self, t: Timestamp) -> CoreResult<Timestamp> {
        match self.intervals_from(t).next() {
            Some(Ok(iv)) => Ok(iv.start.max(t)),
            Some(Err(e)) => Err(e),
            None => Err(beyond_range()),
        }
    }

    /// The civil date of `t` in the calendar's zone.
    pub(crate) fn local_date(&self, t: Timestamp) -> Date {
        self.tz.to_datetime(t).date()
    }

    /// The open intervals that end after `t`, in order, walking forward day by day without end.
    /// The walk yields an error (and stops) after ten years without an open interval, or at
    /// the end of the supported dates.
    pub(crate) fn intervals_from(&self, t: Timestamp) -> Intervals<'_> {
        Intervals {
            calendar: self,
            from: t,
            next_day: Some(self.local_date(t)),
            holidays: HolidayYear::default(),
            pending: VecDeque::new(),
            closed_days: 0,
            done: false,
        }
    }

    /// The open intervals of `date`, clamped to the day and cut by closures; `holidays` caches
    /// the holiday dates of one year across calls.
    pub(crate) fn day_intervals(&self, date: Date, holidays: &mut HolidayYear) -> Vec<Interval> {
        if self.closed_days.contains(&date) || holidays.is_holiday(&self.holidays, date) {
            return Vec::new();
        }
        let hours = self
            .spec
            .weekly_hours
            .day(DayOfWeek::from_weekday(date.weekday()));
        if hours.is_empty() {
            return Vec::new();
        }
        let day_start = self.instant(date, Time::midnight());
        let day_end = date
            .tomorrow()
            .ok()
            .and_then(|next| self.instant(next, Time::midnight()));
        let (Some(day_start), Some(day_end)) = (day_start, day_end) else {
            return Vec::new();
        };
        // Clamping keeps the intervals sorted, disjoint and inside the day even when a time
        // falls in a DST gap (where the civil-to-instant mapping runs backwards briefly).
        let mut out = Vec::with_capacity(hours.len());
        let mut floor = day_start;
        for h in hours {
            let clamp = |t: Timestamp| t.clamp(floor, day_end);
            let start = self.instant(date, h.open).map(clamp);
            let end = if h.close == Time::midnight() {
                Some(day_end)
            } else {
                self.instant(date, h.close).map(clamp)
            };
            if let (Some(start), Some(end)) = (start, end)
                && start < end
            {
                out.push(Interval { start, end });
                floor = end;
            }
        }
        self.cut_closed_periods(out, day_start, day_end)
    }

    /// Removes the closed periods from a day's intervals.
    fn cut_closed_periods(
        &self,
        mut intervals: Vec<Interval>,
        day_start: Timestamp,
        day_end: Timestamp,
    ) -> Vec<Interval> {
        for p in &self.closed_periods {
            if p.start >= day_end {
                break;
            }
            if p.end <= day_start {
                continue;
            }
            intervals = intervals
                .into_iter()
                .flat_map(|iv| {
                    let before = Interval {
                        start: iv.start,
                        end: iv.end.min(p.start),
                    };
                    let after = Interval {
                        start: iv.start.max(p.end),
                        end: iv.end,
                    };
                    [before, after].into_iter().filter(|i| i.start < i.end)
                })
                .collect();
        }
        intervals
    }

    /// The instant of civil `date` at `time` in the zone; in a DST gap, the instant the clocks
    /// show after the gap; in a fold, the earlier one (jiff's "compatible" choice).
    fn instant(&self, date: Date, time: Time) -> Option<Timestamp> {
        self.tz
            .to_ambiguous_timestamp(date.to_datetime(time))
            .compatible()
            .ok()
    }
}

impl TryFrom<CalendarSpec> for Calendar {
    type Error = CoreError;
    fn try_from(spec: CalendarSpec) -> CoreResult<Self> {
        Self::new(spec)
    }
}

impl From<Calendar> for CalendarSpec {
    fn from(calendar: Calendar) -> Self {
        calendar.spec
    }
}

/// Looks a zone up in the bundled IANA database.
fn zone(name: &str) -> CoreResult<TimeZone> {
    let unknown = || {
        CoreError::invalid(
            "time_zone",
            format!("'{name}' is not a time zone of the IANA database (e.g. America/Denver)"),
        )
    };
    let tz = TimeZoneDatabase::bundled()
        .get(name.trim())
        .map_err(|_| unknown())?;
    if tz.is_unknown() {
        return Err(unknown());
    }
    Ok(tz)
}

/// Nanoseconds after midnight, with a `00:00` close counted as the end of the day.
fn nanos(t: Time, is_close: bool) -> i64 {
    let n = t.duration_since(Time::midnight()).as_nanos();
    let n = i64::try_from(n).unwrap_or(i64::MAX);
    if is_close && n == 0 {
        86_400_000_000_000
    } else {
        n
    }
}

/// Checks one weekday's hours and sorts them by opening time.
fn check_day(day: DayOfWeek, hours: &mut [OpenHours]) -> CoreResult<()> {
    let name = format!("{day:?}").to_lowercase();
    for (i, h) in hours.iter().enumerate() {
        let field = format!("weekly_hours.{name}[{i}]");
        for t in [h.open, h.close] {
            if t.second() != 0 || t.subsec_nanosecond() != 0 {
                return Err(CoreError::invalid(
                    field,
                    format!("{t} is not a whole minute; hours are given in minutes"),
                ));
            }
        }
        let (open, close) = (nanos(h.open, false), nanos(h.close, true));
        if close <= open {
            return Err(CoreError::invalid(
                field,
                format!(
                    "closes at {} but opens at {}; the close must come after the open \
                     (00:00 closes at midnight at the end of the day)",
                    h.close, h.open
                ),
            ));
        }
    }
    hours.sort_by_key(|h| nanos(h.open, false));
    for (i, pair) in hours.windows(2).enumerate() {
        if let [a, b] = pair
            && nanos(b.open, false) < nanos(a.close, true)
        {
            return Err(CoreError::invalid(
                format!("weekly_hours.{name}"),
                format!(
                    "{}–{} overlaps {}–{} (stretches {} and {} after sorting by opening time)",
                    a.open,
                    a.close,
                    b.open,
                    b.close,
                    i,
                    i + 1
                ),
            ));
        }
    }
    Ok(())
}

/// The error for walking past the last supported date.
pub(crate) fn beyond_range() -> CoreError {
    CoreError::invalid(
        "calendar",
        "business time runs past the last supported date (9999-12-31)",
    )
}

/// The observed holiday dates of one civil year, computed once per year of a walk.
#[derive(Debug, Default)]
pub(crate) struct HolidayYear {
    year: Option<i16>,
    dates: BTreeSet<Date>,
}

impl HolidayYear {
    fn is_holiday(&mut self, rules: &[HolidayRule], date: Date) -> bool {
        if self.year != Some(date.year()) {
            self.year = Some(date.year());
            self.dates = observed_holidays(rules, date.year())
                .into_iter()
                .map(|h| h.observed)
                .collect();
        }
        self.dates.contains(&date)
    }
}

/// The walk behind [`Calendar::intervals_from`].
#[derive(Debug)]
pub(crate) struct Intervals<'a> {
    calendar: &'a Calendar,
    from: Timestamp,
    next_day: Option<Date>,
    holidays: HolidayYear,
    pending: VecDeque<Interval>,
    /// Days walked since the last open interval.
    closed_days: u32,
    done: bool,
}

impl Iterator for Intervals<'_> {
    type Item = CoreResult<Interval>;

    fn next(&mut self) -> Option<Self::Item> {
        while !self.done {
            if let Some(iv) = self.pending.pop_front() {
                if iv.end > self.from {
                    self.closed_days = 0;
                    return Some(Ok(iv));
                }
                continue;
            }
            let Some(day) = self.next_day else {
                self.done = true;
                return Some(Err(beyond_range()));
            };
            if self.closed_days >= MAX_CLOSED_DAYS {
                self.done = true;
                return Some(Err(CoreError::invalid(
                    "calendar",
                    format!(
                        "calendar '{}' has no open hours in the ten years before {day}; \
                         business time cannot be counted",
                        self.calendar.name()
                    ),
                )));
            }
            self.pending = self.calendar.day_intervals(day, &mut self.holidays).into();
            self.closed_days += 1;
            self.next_day = day.tomorrow().ok();
        }
        None
    }
}

#[cfg(test)]
mod tests;
