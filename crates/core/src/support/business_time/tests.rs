//! Tests of business-time arithmetic: named examples (DST, year ends, weekends, holidays, long
//! spans, broken calendars) and property tests of the laws in the module header, on the US
//! support calendar and on a Berlin calendar with split hours and one-off closures.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::*;
use crate::support::{
    CalendarSpec, Closure, HolidayDate, HolidayRuleSpec, Observance, OpenHours, WeeklyHours,
    observed_holidays, us_federal,
};
use jiff::civil::{Date, DateTime, Time, Weekday, time};
use jiff::tz::TimeZone;
use proptest::prelude::*;

fn us() -> Calendar {
    Calendar::us_support().unwrap()
}

/// A civil time in `zone` as an instant.
fn at(zone: &str, s: &str) -> Timestamp {
    let tz = TimeZone::get(zone).unwrap();
    s.parse::<DateTime>()
        .unwrap()
        .to_zoned(tz)
        .unwrap()
        .timestamp()
}

fn den(s: &str) -> Timestamp {
    at("America/Denver", s)
}

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn h(hours: i64) -> SignedDuration {
    SignedDuration::from_hours(hours)
}

fn m(minutes: i64) -> SignedDuration {
    SignedDuration::from_mins(minutes)
}

fn hours(open: (i8, i8), close: (i8, i8)) -> OpenHours {
    OpenHours {
        open: time(open.0, open.1, 0, 0),
        close: time(close.0, close.1, 0, 0),
    }
}

fn calendar(name: &str, zone: &str, weekly_hours: WeeklyHours) -> CalendarSpec {
    CalendarSpec {
        name: name.into(),
        time_zone: zone.into(),
        weekly_hours,
        holidays: Vec::new(),
        closures: Vec::new(),
    }
}

/// Berlin: split hours Monday to Thursday, a short Friday, German fixed holidays (no weekend
/// observance) and closures — whole days and periods cutting into hours.
fn berlin() -> Calendar {
    let split = [hours((8, 0), (12, 0)), hours((13, 0), (17, 0))];
    let mut week = WeeklyHours::monday_to_friday(&split);
    week.friday = vec![hours((8, 0), (14, 0))];
    let mut spec = calendar("Berlin support", "Europe/Berlin", week);
    let fixed = |name: &str, month, day| HolidayRuleSpec {
        name: name.into(),
        date: HolidayDate::Fixed { month, day },
        observance: Observance::None,
        first_year: None,
        last_year: None,
    };
    spec.holidays = vec![
        fixed("Neujahr", 1, 1),
        fixed("Tag der Arbeit", 5, 1),
        fixed("Tag der Deutschen Einheit", 10, 3),
        fixed("1. Weihnachtstag", 12, 25),
        fixed("2. Weihnachtstag", 12, 26),
    ];
    for year in 2019..=2037 {
        spec.closures.push(Closure::Day {
            date: Date::new(year, 12, 24).unwrap(),
            reason: "Heiligabend".into(),
        });
        // Every year an off-site from Wednesday 10:30 of the second week of June to Friday
        // 09:15 (local), cutting into hours at both ends.
        let wed = Date::new(year, 6, 1)
            .unwrap()
            .nth_weekday_of_month(2, Weekday::Wednesday)
            .unwrap();
        let fri = wed.checked_add(jiff::Span::new().days(2)).unwrap();
        spec.closures.push(Closure::Period {
            start: at("Europe/Berlin", &format!("{wed}T10:30")),
            end: at("Europe/Berlin", &format!("{fri}T09:15")),
            reason: "off-site".into(),
        });
    }
    Calendar::new(spec).unwrap()
}

/// Open around the clock, every day, in `zone`.
fn always_open(zone: &str) -> Calendar {
    let all_day = hours((0, 0), (0, 0));
    let mut week = WeeklyHours::monday_to_friday(&[all_day]);
    week.saturday = vec![all_day];
    week.sunday = vec![all_day];
    Calendar::new(calendar("24/7", zone, week)).unwrap()
}

// ----- where the clock starts -----

#[test]
fn a_clock_started_on_saturday_starts_monday_at_nine() {
    let cal = us();
    assert_eq!(
        cal.next_business_instant(den("2026-03-14T10:17:23")),
        Ok(den("2026-03-16T09:00"))
    );
    // Labor Day 2026 is Monday 7 September: a Saturday start waits for Tuesday.
    assert_eq!(
        cal.next_business_instant(den("2026-09-05T10:00")),
        Ok(den("2026-09-08T09:00"))
    );
}

#[test]
fn inside_hours_the_clock_starts_at_the_next_whole_minute() {
    let cal = us();
    let on_minute = den("2026-03-16T10:00");
    assert_eq!(cal.next_business_instant(on_minute), Ok(on_minute));
    assert_eq!(
        cal.next_business_instant(den("2026-03-16T10:00:00.000000001")),
        Ok(den("2026-03-16T10:01"))
    );
    assert_eq!(
        cal.next_business_instant(den("2026-03-16T10:00:30")),
        Ok(den("2026-03-16T10:01"))
    );
    // Rounding up onto the close is not inside hours: the clock starts Monday.
    assert_eq!(
        cal.next_business_instant(den("2026-03-13T16:59:30")),
        Ok(den("2026-03-16T09:00"))
    );
    assert_eq!(
        cal.next_business_instant(den("2026-03-16T07:12:34")),
        Ok(den("2026-03-16T09:00"))
    );
}

// ----- adding business time -----

#[test]
fn a_year_end_start_skips_the_observed_new_years_day() {
    // 30 December 2021 is a Thursday; Friday 31 December is New Year's Day 2022 observed.
    assert_eq!(
        us().add(den("2021-12-30T16:00"), h(2)),
        Ok(den("2022-01-03T10:00"))
    );
}

#[test]
fn friday_half_past_four_plus_an_hour_is_monday_half_past_nine_or_tuesday_after_a_holiday() {
    let cal = us();
    assert_eq!(
        cal.add(den("2026-03-13T16:30"), h(1)),
        Ok(den("2026-03-16T09:30"))
    );
    // Monday 7 September 2026 is Labor Day.
    assert_eq!(
        cal.add(den("2026-09-04T16:30"), h(1)),
        Ok(den("2026-09-08T09:30"))
    );
}

#[test]
fn business_time_running_out_at_closing_ends_at_closing() {
    let cal = us();
    assert_eq!(
        cal.add(den("2026-03-16T09:00"), h(8)),
        Ok(den("2026-03-16T17:00"))
    );
    assert_eq!(
        cal.add(
            den("2026-03-16T09:00"),
            h(8) + SignedDuration::from_nanos(1)
        ),
        Ok(den("2026-03-17T09:00:00.000000001"))
    );
}

#[test]
fn adding_nothing_stays_put_and_adding_less_than_nothing_is_refused() {
    let cal = us();
    let saturday = den("2026-03-14T12:00");
    assert_eq!(cal.add(saturday, SignedDuration::ZERO), Ok(saturday));
    let e = cal.add(saturday, -m(1)).unwrap_err();
    assert!(matches!(&e, CoreError::Invalid { field, .. } if field == "duration"));
}

#[test]
fn spring_forward_in_denver_keeps_business_days_eight_hours() {
    // Clocks go from 02:00 to 03:00 on Sunday 8 March 2026.
    let cal = us();
    let friday = den("2026-03-06T13:00");
    let due = cal.add(friday, h(8)).unwrap();
    assert_eq!(due, den("2026-03-09T13:00"));
    assert_eq!(
        due.duration_since(friday),
        h(72 - 1),
        "one wall-clock hour fewer"
    );
    assert_eq!(
        cal.between(den("2026-03-06T09:00"), den("2026-03-09T17:00")),
        h(16)
    );
    assert_eq!(
        cal.between(den("2026-03-09T00:00"), den("2026-03-10T00:00")),
        h(8)
    );
}

#[test]
fn fall_back_in_denver_keeps_business_days_eight_hours() {
    // Clocks go from 02:00 back to 01:00 on Sunday 1 November 2026.
    let cal = us();
    let friday = den("2026-10-30T13:00");
    let due = cal.add(friday, h(8)).unwrap();
    assert_eq!(due, den("2026-11-02T13:00"));
    assert_eq!(
        due.duration_since(friday),
        h(72 + 1),
        "one wall-clock hour more"
    );
    assert_eq!(
        cal.between(den("2026-10-30T09:00"), den("2026-11-02T17:00")),
        h(16)
    );
}

#[test]
fn a_thousand_business_hours_from_the_first_monday_of_2026_end_on_2_july_at_five() {
    // Counted by hand: 125 business days from Monday 5 January 2026, less MLK Day, Washington's
    // Birthday, Memorial Day and Juneteenth: 19 + 19 + 22 + 22 + 20 + 21 days to the end of
    // June, then 1 and 2 July. Friday 3 July is Independence Day observed.
    let cal = us();
    let start = den("2026-01-05T09:00");
    assert_eq!(cal.add(start, h(1000)), Ok(den("2026-07-02T17:00")));
    assert_eq!(cal.add(start, h(1000) + m(1)), Ok(den("2026-07-06T09:01")));
    assert_eq!(cal.between(start, den("2026-07-02T17:00")), h(1000));
}

#[test]
fn ten_years_of_business_time_is_a_quick_walk() {
    let cal = us();
    let start = den("2026-01-05T09:00");
    let due = cal.add(start, h(20_000)).unwrap();
    assert_eq!(cal.between(start, due), h(20_000));
    assert_eq!(cal.local_date(due).year(), 2036);
}

#[test]
fn a_calendar_closed_for_over_ten_years_makes_the_arithmetic_fail() {
    let mut spec = calendar(
        "closed",
        "America/Denver",
        WeeklyHours::monday_to_friday(&[hours((9, 0), (17, 0))]),
    );
    spec.closures = vec![Closure::Period {
        start: ts("2026-01-01T00:00:00Z"),
        end: ts("2046-01-01T00:00:00Z"),
        reason: "closed for good".into(),
    }];
    let cal = Calendar::new(spec).unwrap();
    let t = ts("2025-12-31T22:00:00Z"); // 15:00 in Denver, open for two more hours
    assert_eq!(cal.add(t, h(1)), Ok(ts("2025-12-31T23:00:00Z")));
    for e in [
        cal.add(t, h(3)).unwrap_err(),
        cal.next_business_instant(ts("2026-06-01T00:00:00Z"))
            .unwrap_err(),
    ] {
        assert!(
            e.to_string().contains("no open hours in the ten years"),
            "{e}"
        );
    }
    // Counting business time over the closed years is fine: there is none.
    assert_eq!(
        cal.between(ts("2026-01-01T00:00:00Z"), ts("2040-01-01T00:00:00Z")),
        SignedDuration::ZERO
    );
}

#[test]
fn a_calendar_with_no_open_hours_at_all_is_refused_up_front() {
    let e = Calendar::new(calendar("never", "UTC", WeeklyHours::default())).unwrap_err();
    assert!(
        e.to_string().contains("closed every day of the week"),
        "{e}"
    );
}

// ----- business time between two instants -----

#[test]
fn between_counts_only_open_time() {
    let cal = us();
    assert_eq!(
        cal.between(den("2026-03-14T00:00"), den("2026-03-16T00:00")),
        SignedDuration::ZERO,
        "a weekend"
    );
    assert_eq!(
        cal.between(den("2026-03-16T12:00"), den("2026-03-16T10:00")),
        SignedDuration::ZERO,
        "backwards"
    );
    // Thanksgiving week 2026: Monday to Wednesday and Friday.
    assert_eq!(
        cal.between(den("2026-11-23T00:00"), den("2026-11-30T00:00")),
        h(32)
    );
    assert_eq!(
        cal.between(den("2026-03-16T08:00"), den("2026-03-16T09:30:15")),
        m(30) + SignedDuration::from_secs(15)
    );
}

#[test]
fn berlin_split_hours_and_closures_are_counted() {
    let cal = berlin();
    let b = |s| at("Europe/Berlin", s);
    // Monday 8 June 2026: 08:00–12:00 and 13:00–17:00.
    assert_eq!(
        cal.add(b("2026-06-08T11:30"), h(1)),
        Ok(b("2026-06-08T13:30"))
    );
    // The off-site runs from Wednesday 10 June 10:30 to Friday 12 June 09:15.
    assert_eq!(
        cal.add(b("2026-06-10T10:00"), h(1)),
        Ok(b("2026-06-12T09:45"))
    );
    assert_eq!(
        cal.between(b("2026-06-10T00:00"), b("2026-06-13T00:00")),
        h(2) + m(30) + h(4) + m(45)
    );
}

// ----- properties -----

/// Instants from 2019 through 2036, to the nanosecond, often on a whole minute.
fn instant() -> impl Strategy<Value = Timestamp> {
    let lo = ts("2019-01-01T00:00:00Z").as_second();
    let hi = ts("2037-01-01T00:00:00Z").as_second();
    (
        lo..hi,
        prop_oneof![Just(0i32), 0..1_000_000_000i32],
        any::<bool>(),
    )
        .prop_map(|(s, ns, whole_minute)| {
            if whole_minute {
                Timestamp::new(s - s.rem_euclid(60), 0).unwrap()
            } else {
                Timestamp::new(s, ns).unwrap()
            }
        })
}

/// Business durations up to 300 hours, sometimes zero, sometimes to the nanosecond.
fn duration() -> impl Strategy<Value = SignedDuration> {
    prop_oneof![
        Just(SignedDuration::ZERO),
        (1..=300 * 60i64).prop_map(SignedDuration::from_mins),
        (1..=300 * 3_600_000_000_000i64).prop_map(SignedDuration::from_nanos),
    ]
}

/// Whether `x` (a result of `add` with `d > 0`) is "in (open, close]" by an independent
/// reading of the US policy: the instant just before it is on a weekday that is not an
/// observed federal holiday, between 09:00 and 17:00 in Denver.
fn us_in_hours(x: Timestamp) -> bool {
    let tz = TimeZone::get("America/Denver").unwrap();
    let local = tz.to_datetime(x - SignedDuration::from_nanos(1));
    let weekday = !matches!(local.weekday(), Weekday::Saturday | Weekday::Sunday);
    let holiday = observed_holidays(&us_federal(), local.year())
        .iter()
        .any(|h| h.observed == local.date());
    let hours = local.time() >= time(9, 0, 0, 0) && local.time() < time(17, 0, 0, 0);
    weekday && !holiday && hours
}

/// Whether the instant just before `x` is inside the Berlin calendar's written hours.
fn berlin_in_hours(x: Timestamp) -> bool {
    let tz = TimeZone::get("Europe/Berlin").unwrap();
    let local = tz.to_datetime(x - SignedDuration::from_nanos(1));
    let t = local.time();
    let within = |a: Time, b: Time| a <= t && t < b;
    let (eight, noon, one, two, five) = (
        time(8, 0, 0, 0),
        time(12, 0, 0, 0),
        time(13, 0, 0, 0),
        time(14, 0, 0, 0),
        time(17, 0, 0, 0),
    );
    let in_week = match local.weekday() {
        Weekday::Friday => within(eight, two),
        Weekday::Saturday | Weekday::Sunday => false,
        _ => within(eight, noon) || within(one, five),
    };
    let (month, day) = (local.month(), local.day());
    let closed_day = matches!((month, day), (1, 1) | (5, 1) | (10, 3) | (12, 24..=26));
    in_week && !closed_day
}

fn check_laws(
    cal: &Calendar,
    in_hours: fn(Timestamp) -> bool,
    t: Timestamp,
    u: Timestamp,
    a: SignedDuration,
    b: SignedDuration,
) -> Result<(), TestCaseError> {
    let ta = cal.add(t, a).unwrap();
    let tab = cal.add(t, a + b).unwrap();
    // Additive for every instant t, open or not.
    prop_assert_eq!(cal.add(ta, b).unwrap(), tab);
    // Monotonic in the duration.
    prop_assert!(ta <= tab);
    // Monotonic in the start.
    let (early, late) = (t.min(u), t.max(u));
    prop_assert!(cal.add(early, a).unwrap() <= cal.add(late, a).unwrap());
    // between undoes add.
    prop_assert_eq!(cal.between(t, ta), a);
    prop_assert_eq!(cal.between(t, tab), a + b);
    // Never outside hours: in (open, close].
    if a.is_positive() {
        prop_assert!(ta > t);
        prop_assert!(cal.is_open(ta - SignedDuration::from_nanos(1)));
        prop_assert!(in_hours(ta), "{} is outside hours", ta);
    } else {
        prop_assert_eq!(ta, t);
    }
    // between is additive over a split point.
    let mut abc = [t, u, ta];
    abc.sort();
    let [p, q, r] = abc;
    prop_assert_eq!(cal.between(p, r), cal.between(p, q) + cal.between(q, r));
    // The clock starts on an open whole minute, less than a minute of business time later.
    let start = cal.next_business_instant(t).unwrap();
    prop_assert!(start >= t && cal.is_open(start));
    prop_assert_eq!(start.as_second().rem_euclid(60), 0);
    prop_assert_eq!(start.subsec_nanosecond(), 0);
    prop_assert!(cal.between(t, start) < SignedDuration::from_secs(60));
    if !cal.is_open(t) {
        prop_assert_eq!(cal.between(t, start), SignedDuration::ZERO);
    }
    Ok(())
}

proptest! {
    #[test]
    fn us_support_obeys_the_laws(
        t in instant(), u in instant(), a in duration(), b in duration()
    ) {
        check_laws(&us(), us_in_hours, t, u, a, b)?;
    }

    #[test]
    fn berlin_with_closures_obeys_the_laws(
        t in instant(), u in instant(), a in duration(), b in duration()
    ) {
        check_laws(&berlin(), berlin_in_hours, t, u, a, b)?;
    }

    #[test]
    fn an_always_open_calendar_counts_real_time_whatever_the_zone(
        t in instant(), u in instant(), d in duration()
    ) {
        for zone in ["UTC", "America/Denver", "Europe/Berlin"] {
            let cal = always_open(zone);
            prop_assert_eq!(cal.add(t, d).unwrap(), t + d);
            prop_assert_eq!(cal.between(t.min(u), t.max(u)), t.max(u).duration_since(t.min(u)));
        }
    }
}
