//! Tests of the validated calendar: its checks, hours, holidays, closures, DST and serde form.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::*;
use jiff::SignedDuration;
use jiff::civil::DateTime;

fn us() -> Calendar {
    Calendar::us_support().unwrap()
}

/// A civil time in Denver as an instant.
fn den(s: &str) -> Timestamp {
    let tz = TimeZone::get("America/Denver").unwrap();
    s.parse::<DateTime>()
        .unwrap()
        .to_zoned(tz)
        .unwrap()
        .timestamp()
}

fn d(s: &str) -> Date {
    s.parse().unwrap()
}

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn hours(open: (i8, i8), close: (i8, i8)) -> OpenHours {
    OpenHours {
        open: time(open.0, open.1, 0, 0),
        close: time(close.0, close.1, 0, 0),
    }
}

/// Hours on one day of the week only.
fn one_day(day: DayOfWeek, open: Vec<OpenHours>) -> WeeklyHours {
    let mut week = WeeklyHours::default();
    *week.day_mut(day) = open;
    week
}

fn spec_with(weekly_hours: WeeklyHours) -> CalendarSpec {
    CalendarSpec {
        name: "test".into(),
        time_zone: "America/Denver".into(),
        weekly_hours,
        holidays: Vec::new(),
        closures: Vec::new(),
    }
}

fn invalid(spec: CalendarSpec) -> (String, String) {
    match Calendar::new(spec) {
        Err(CoreError::Invalid { field, reason }) => (field, reason),
        other => panic!("expected an invalid error, got {other:?}"),
    }
}

#[test]
fn us_support_is_open_nine_to_five_denver_on_weekdays() {
    let cal = us();
    assert!(!cal.is_open(den("2026-03-16T08:59:59.999")));
    assert!(cal.is_open(den("2026-03-16T09:00")));
    assert!(cal.is_open(den("2026-03-16T16:59:59.999")));
    assert!(!cal.is_open(den("2026-03-16T17:00")));
    assert!(!cal.is_open(den("2026-03-14T12:00")), "Saturday");
    assert!(!cal.is_open(den("2026-03-15T12:00")), "Sunday");
    // 16:00Z is 09:00 MST (UTC−7) in winter, 10:00 MDT (UTC−6) in summer.
    assert_eq!(
        cal.open_intervals(d("2026-01-05")),
        vec![Interval {
            start: ts("2026-01-05T16:00:00Z"),
            end: ts("2026-01-06T00:00:00Z"),
        }]
    );
    assert_eq!(
        cal.open_intervals(d("2026-07-06")),
        vec![Interval {
            start: ts("2026-07-06T15:00:00Z"),
            end: ts("2026-07-06T23:00:00Z"),
        }]
    );
}

#[test]
fn observed_holidays_are_closed_all_day() {
    let cal = us();
    for day in [
        "2021-12-31",
        "2021-06-18",
        "2026-07-03",
        "2026-11-26",
        "2032-12-24",
    ] {
        assert!(cal.open_intervals(d(day)).is_empty(), "{day}");
    }
    // The actual (weekend) day of a moved holiday is just a weekend; the day after is open.
    assert_eq!(cal.open_intervals(d("2026-07-06")).len(), 1);
}

#[test]
fn every_open_day_of_2026_is_eight_hours_across_both_dst_transitions() {
    let cal = us();
    let mut day = d("2026-01-01");
    let mut open_days = 0;
    while day.year() == 2026 {
        for iv in cal.open_intervals(day) {
            assert_eq!(
                iv.end.duration_since(iv.start),
                SignedDuration::from_hours(8)
            );
            open_days += 1;
        }
        day = day.tomorrow().unwrap();
    }
    // 261 weekdays in 2026, less 11 observed holidays.
    assert_eq!(open_days, 250);
}

#[test]
fn next_opening_is_now_if_open_else_the_next_open_interval() {
    let cal = us();
    let inside = den("2026-03-16T11:22:33");
    assert_eq!(cal.next_opening(inside), Ok(inside));
    assert_eq!(
        cal.next_opening(den("2026-03-16T07:00")),
        Ok(den("2026-03-16T09:00"))
    );
    assert_eq!(
        cal.next_opening(den("2026-03-13T17:00")),
        Ok(den("2026-03-16T09:00")),
        "Friday close → Monday"
    );
    assert_eq!(
        cal.next_opening(den("2021-12-30T17:30")),
        Ok(den("2022-01-03T09:00")),
        "31 December 2021 is New Year's Day 2022 observed"
    );
}

#[test]
fn a_bad_time_zone_is_refused() {
    let mut spec = us().spec().clone();
    spec.time_zone = "America/Denvr".into();
    let (field, reason) = invalid(spec.clone());
    assert_eq!(field, "time_zone");
    assert!(
        reason.contains("'America/Denvr' is not a time zone"),
        "{reason}"
    );
    spec.time_zone = "Etc/Unknown".into();
    assert_eq!(invalid(spec).0, "time_zone");
}

#[test]
fn the_zone_name_is_looked_up_without_regard_to_case_and_stored_canonically() {
    let mut spec = us().spec().clone();
    spec.time_zone = "america/denver".into();
    assert_eq!(
        Calendar::new(spec).unwrap().spec().time_zone,
        "America/Denver"
    );
}

#[test]
fn hours_that_close_before_they_open_are_refused() {
    let week = one_day(DayOfWeek::Tuesday, vec![hours((17, 0), (9, 0))]);
    let (field, reason) = invalid(spec_with(week));
    assert_eq!(field, "weekly_hours.tuesday[0]");
    assert!(
        reason.contains("closes at 09:00:00 but opens at 17:00:00"),
        "{reason}"
    );
    let week = one_day(DayOfWeek::Tuesday, vec![hours((9, 0), (9, 0))]);
    assert_eq!(invalid(spec_with(week)).0, "weekly_hours.tuesday[0]");
}

#[test]
fn overlapping_hours_are_refused_but_touching_ones_are_fine() {
    let week = one_day(
        DayOfWeek::Monday,
        vec![hours((11, 0), (13, 0)), hours((9, 0), (12, 0))],
    );
    let (field, reason) = invalid(spec_with(week));
    assert_eq!(field, "weekly_hours.monday");
    assert!(
        reason.contains("09:00:00–12:00:00 overlaps 11:00:00–13:00:00"),
        "{reason}"
    );
    let week = one_day(
        DayOfWeek::Monday,
        vec![hours((12, 0), (17, 0)), hours((9, 0), (12, 0))],
    );
    let cal = Calendar::new(spec_with(week)).unwrap();
    assert_eq!(cal.spec().weekly_hours.monday[0], hours((9, 0), (12, 0)));
}

#[test]
fn other_bad_data_is_refused_with_its_field() {
    let week = one_day(
        DayOfWeek::Friday,
        vec![OpenHours {
            open: time(9, 0, 30, 0),
            close: time(17, 0, 0, 0),
        }],
    );
    assert!(invalid(spec_with(week)).1.contains("not a whole minute"));
    let (field, reason) = invalid(spec_with(WeeklyHours::default()));
    assert_eq!(field, "weekly_hours");
    assert!(reason.contains("closed every day"), "{reason}");

    let mut spec = us().spec().clone();
    spec.holidays[2].date = crate::support::HolidayDate::Fixed { month: 2, day: 30 };
    assert_eq!(invalid(spec).0, "holidays[2].date.day");

    let mut spec = us().spec().clone();
    spec.closures = vec![Closure::Period {
        start: ts("2026-03-16T20:00:00Z"),
        end: ts("2026-03-16T18:00:00Z"),
        reason: "off-site".into(),
    }];
    let (field, reason) = invalid(spec.clone());
    assert_eq!(field, "closures[0].end");
    assert!(reason.contains("not after it starts"), "{reason}");
    spec.closures = vec![Closure::Day {
        date: d("2026-03-16"),
        reason: " ".into(),
    }];
    assert_eq!(invalid(spec.clone()).0, "closures[0].reason");
    spec.name = String::new();
    assert_eq!(invalid(spec).0, "name");
}

#[test]
fn closures_remove_a_day_or_cut_an_interval() {
    let mut spec = us().spec().clone();
    spec.closures = vec![
        Closure::Day {
            date: d("2026-03-16"),
            reason: "company day".into(),
        },
        Closure::Period {
            start: den("2026-03-17T12:00"),
            end: den("2026-03-17T13:30"),
            reason: "all-hands".into(),
        },
    ];
    let cal = Calendar::new(spec).unwrap();
    assert!(cal.open_intervals(d("2026-03-16")).is_empty());
    assert_eq!(
        cal.open_intervals(d("2026-03-17")),
        vec![
            Interval {
                start: den("2026-03-17T09:00"),
                end: den("2026-03-17T12:00"),
            },
            Interval {
                start: den("2026-03-17T13:30"),
                end: den("2026-03-17T17:00"),
            },
        ]
    );
    assert!(!cal.is_open(den("2026-03-17T12:59")));
    assert_eq!(
        cal.next_opening(den("2026-03-16T10:00")),
        Ok(den("2026-03-17T09:00"))
    );
}

#[test]
fn a_calendar_closed_for_more_than_ten_years_is_an_error_not_a_hang() {
    let mut spec = spec_with(one_day(DayOfWeek::Monday, vec![hours((9, 0), (17, 0))]));
    spec.closures = vec![Closure::Period {
        start: ts("2020-01-01T00:00:00Z"),
        end: ts("2040-01-01T00:00:00Z"),
        reason: "gone fishing".into(),
    }];
    let cal = Calendar::new(spec).unwrap();
    let e = cal.next_opening(ts("2021-01-01T00:00:00Z")).unwrap_err();
    assert!(
        e.to_string().contains("no open hours in the ten years"),
        "{e}"
    );
    assert_eq!(
        cal.next_opening(ts("2035-01-01T00:00:00Z")),
        Ok(den("2040-01-02T09:00")),
        "within ten years of the reopening it is found"
    );
}

#[test]
fn midnight_close_means_the_end_of_the_day_and_dst_days_keep_their_length() {
    let all_day = hours((0, 0), (0, 0));
    let mut week = WeeklyHours::monday_to_friday(&[all_day]);
    week.saturday = vec![all_day];
    week.sunday = vec![all_day];
    let cal = Calendar::new(spec_with(week)).unwrap();
    let length = |day| {
        let ivs = cal.open_intervals(d(day));
        assert_eq!(ivs.len(), 1);
        ivs[0].end.duration_since(ivs[0].start)
    };
    assert_eq!(length("2026-03-07"), SignedDuration::from_hours(24));
    assert_eq!(length("2026-03-08"), SignedDuration::from_hours(23));
    assert_eq!(length("2026-11-01"), SignedDuration::from_hours(25));
    assert!(cal.is_open(den("2026-03-08T03:30")));
}

#[test]
fn hours_inside_a_dst_gap_stay_sorted_and_disjoint() {
    // Berlin springs forward on Sunday 29 March 2026 from 02:00 to 03:00.
    let week = one_day(
        DayOfWeek::Sunday,
        vec![hours((1, 0), (2, 30)), hours((2, 30), (4, 0))],
    );
    let mut spec = spec_with(week);
    spec.time_zone = "Europe/Berlin".into();
    let cal = Calendar::new(spec).unwrap();
    let ivs = cal.open_intervals(d("2026-03-29"));
    let total: i64 = ivs
        .iter()
        .map(|iv| iv.end.duration_since(iv.start).as_secs())
        .sum();
    assert!(ivs.windows(2).all(|w| w[0].end <= w[1].start), "{ivs:?}");
    // 01:00 to 04:00 on a day without the hour 02:00–03:00: two hours of real time.
    assert_eq!(total, 2 * 3600);
}

#[test]
fn a_calendar_round_trips_through_serde_and_deserializing_validates() {
    let cal = us();
    let json = serde_json::to_string(&cal).unwrap();
    let back: Calendar = serde_json::from_str(&json).unwrap();
    assert_eq!(back, cal);

    let written = r#"{
        "name": "Berlin support",
        "time_zone": "Europe/Berlin",
        "weekly_hours": {
            "monday": [{"open": "08:00", "close": "12:00"}, {"open": "13:00", "close": "17:00"}],
            "friday": [{"open": "08:00", "close": "14:00"}]
        },
        "holidays": [
            {"name": "Tag der Deutschen Einheit", "date": {"kind": "fixed", "month": 10, "day": 3}}
        ],
        "closures": [
            {"kind": "day", "date": "2026-12-24", "reason": "Heiligabend"},
            {"kind": "period", "start": "2026-06-01T10:00:00Z", "end": "2026-06-01T12:00:00Z",
             "reason": "Betriebsversammlung"}
        ]
    }"#;
    let berlin: Calendar = serde_json::from_str(written).unwrap();
    assert_eq!(berlin.open_intervals(d("2026-06-01")).len(), 2);
    assert!(
        berlin.open_intervals(d("2026-06-02")).is_empty(),
        "Tuesday is closed"
    );

    let bad = written.replace("Europe/Berlin", "Europe/Berlim");
    let e = serde_json::from_str::<Calendar>(&bad).unwrap_err();
    assert!(e.to_string().contains("time_zone"), "{e}");
}
