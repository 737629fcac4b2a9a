//! Tests of the SLA clock: named examples (pauses over a weekend, breaches, resolution,
//! reopening, bad input) and property tests that the reading is a function of the history up
//! to `now`, agrees with an incremental tracker, and puts the due and breach instants where
//! the elapsed business time reaches the target.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::*;
use jiff::civil::DateTime;
use jiff::tz::TimeZone;
use proptest::prelude::*;
use std::collections::BTreeMap;

use ClockState::{Paused, Running, Stopped};

fn us() -> Calendar {
    Calendar::us_support().unwrap()
}

fn den(s: &str) -> Timestamp {
    let tz = TimeZone::get("America/Denver").unwrap();
    s.parse::<DateTime>()
        .unwrap()
        .to_zoned(tz)
        .unwrap()
        .timestamp()
}

fn h(hours: i64) -> SignedDuration {
    SignedDuration::from_hours(hours)
}

fn m(minutes: i64) -> SignedDuration {
    SignedDuration::from_mins(minutes)
}

fn ev(at: &str, state: ClockState) -> ClockEvent {
    ClockEvent { at: den(at), state }
}

fn status(events: &[ClockEvent], target: SignedDuration, now: &str) -> SlaStatus {
    sla_status(&us(), events, target, den(now)).unwrap()
}

#[test]
fn a_running_clock_reports_elapsed_remaining_and_due_from_the_next_whole_minute() {
    let events = [ev("2026-03-16T10:00:30", Running)];
    let s = status(&events, h(8), "2026-03-16T12:00");
    assert_eq!(s.state, Some(Running));
    assert_eq!(s.elapsed, h(1) + m(59));
    assert_eq!(s.remaining, h(6) + m(1));
    assert_eq!(s.due, Some(den("2026-03-17T10:01")));
    assert!(!s.is_breached());
}

#[test]
fn a_ticket_created_on_saturday_counts_from_monday_nine() {
    let events = [ev("2026-03-14T11:00", Running)];
    let s = status(&events, h(4), "2026-03-15T12:00");
    assert_eq!(
        (s.elapsed, s.due),
        (SignedDuration::ZERO, Some(den("2026-03-16T13:00")))
    );
}

#[test]
fn pausing_friday_at_four_until_tuesday_moves_the_due_time_by_the_business_time_lost() {
    let cal = us();
    let created = ev("2026-03-13T10:00", Running);
    let (pause, resume) = (
        ev("2026-03-13T16:00", Paused),
        ev("2026-03-17T10:00", Running),
    );

    let unpaused = status(&[created], h(8), "2026-03-13T12:00");
    assert_eq!(unpaused.due, Some(den("2026-03-16T10:00")));

    // While paused there is no due time, only what is left.
    let waiting = status(&[created, pause], h(8), "2026-03-16T12:00");
    assert_eq!(waiting.state, Some(Paused));
    assert_eq!(waiting.due, None);
    assert_eq!((waiting.elapsed, waiting.remaining), (h(6), h(2)));

    let resumed = status(&[created, pause, resume], h(8), "2026-03-17T10:30");
    assert_eq!(resumed.due, Some(den("2026-03-17T12:00")));
    // Lost: Friday 16–17, all of Monday, Tuesday 9–10.
    let lost = cal.between(pause.at, resume.at);
    assert_eq!(lost, h(10));
    let moved = cal.between(unpaused.due.unwrap(), resumed.due.unwrap());
    assert_eq!(moved, lost);
}

#[test]
fn the_target_is_breached_at_the_due_instant_once_the_clock_runs_past_it() {
    let events = [ev("2026-03-16T09:00", Running)];
    let on_time = status(&events, h(2), "2026-03-16T11:00");
    assert_eq!(
        (on_time.remaining, on_time.breached_at),
        (SignedDuration::ZERO, None)
    );
    let late = sla_status(&us(), &events, h(2), den("2026-03-16T11:00:00.000000001")).unwrap();
    assert_eq!(late.breached_at, Some(den("2026-03-16T11:00")));
    assert_eq!(
        late.due,
        Some(den("2026-03-16T11:00")),
        "the due instant stays in view"
    );
}

#[test]
fn a_due_time_at_closing_is_breached_overnight_though_no_business_time_passes() {
    let events = [ev("2026-03-16T09:00", Running)];
    let s = status(&events, h(8), "2026-03-16T20:00");
    assert_eq!((s.elapsed, s.remaining), (h(8), SignedDuration::ZERO));
    assert_eq!(s.breached_at, Some(den("2026-03-16T17:00")));
}

#[test]
fn pausing_exactly_at_the_due_instant_meets_the_target_until_the_clock_runs_again() {
    let events = [
        ev("2026-03-16T09:00", Running),
        ev("2026-03-16T11:00", Paused),
        ev("2026-03-16T13:00", Running),
    ];
    let paused = status(&events, h(2), "2026-03-16T12:00");
    assert_eq!((paused.state, paused.breached_at), (Some(Paused), None));
    let at_resume = status(&events, h(2), "2026-03-16T13:00");
    assert_eq!(
        (at_resume.due, at_resume.breached_at),
        (Some(den("2026-03-16T13:00")), None)
    );
    let after = status(&events, h(2), "2026-03-16T13:05");
    assert_eq!(after.breached_at, Some(den("2026-03-16T13:00")));
}

#[test]
fn resolving_stops_the_clock_and_a_reopened_ticket_counts_on() {
    let events = [
        ev("2026-03-16T09:00", Running),
        ev("2026-03-16T10:00", Stopped),
        ev("2026-03-18T15:00", Running),
    ];
    let resolved = status(&events, h(4), "2026-03-18T12:00");
    assert_eq!(resolved.state, Some(Stopped));
    assert_eq!((resolved.elapsed, resolved.due), (h(1), None));
    let reopened = status(&events, h(4), "2026-03-18T16:00");
    assert_eq!(reopened.elapsed, h(2));
    assert_eq!(reopened.due, Some(den("2026-03-19T10:00")));
}

#[test]
fn a_breach_stays_on_record_after_resolution() {
    let events = [
        ev("2026-03-16T09:00", Running),
        ev("2026-03-16T12:00", Stopped),
    ];
    let s = status(&events, h(2), "2026-04-01T12:00");
    assert_eq!(s.state, Some(Stopped));
    assert_eq!((s.elapsed, s.remaining), (h(3), SignedDuration::ZERO));
    assert_eq!(
        (s.due, s.breached_at),
        (None, Some(den("2026-03-16T11:00")))
    );
}

#[test]
fn before_the_first_event_the_clock_has_not_started() {
    let events = [ev("2026-03-16T09:00", Running)];
    let s = status(&events, h(2), "2026-03-16T08:00");
    assert_eq!(
        s,
        SlaStatus {
            state: None,
            elapsed: SignedDuration::ZERO,
            remaining: h(2),
            due: None,
            breached_at: None,
        }
    );
    assert_eq!(status(&[], h(2), "2026-03-16T08:00"), s);
}

#[test]
fn repeated_events_change_nothing() {
    let plain = [
        ev("2026-03-16T09:00", Running),
        ev("2026-03-16T11:00", Paused),
    ];
    let repeated = [
        ev("2026-03-16T09:00", Running),
        ev("2026-03-16T10:00:30", Running),
        ev("2026-03-16T11:00", Paused),
        ev("2026-03-16T11:30", Paused),
    ];
    assert_eq!(
        status(&plain, h(8), "2026-03-16T15:00"),
        status(&repeated, h(8), "2026-03-16T15:00")
    );
}

#[test]
fn bad_input_is_refused_with_its_field() {
    let cal = us();
    let now = den("2026-03-16T12:00");
    for target in [SignedDuration::ZERO, -h(1)] {
        let e = sla_status(&cal, &[], target, now).unwrap_err();
        assert!(
            matches!(&e, CoreError::Invalid { field, .. } if field == "target"),
            "{e}"
        );
    }
    let events = [
        ev("2026-03-16T09:00", Running),
        ev("2026-03-16T11:00", Paused),
        ev("2026-03-16T10:00", Running),
    ];
    let e = sla_status(&cal, &events, h(1), now).unwrap_err();
    assert!(
        matches!(&e, CoreError::Invalid { field, .. } if field == "events[2].at"),
        "{e}"
    );
    assert!(e.to_string().contains("time order"), "{e}");
}

#[test]
fn clock_events_have_a_plain_serde_form() {
    let e = ev("2026-03-16T09:00", Paused);
    let json = serde_json::to_string(&e).unwrap();
    assert_eq!(json, r#"{"at":"2026-03-16T15:00:00Z","state":"paused"}"#);
    assert_eq!(serde_json::from_str::<ClockEvent>(&json).unwrap(), e);
}

// ----- properties -----

const DAY: i64 = 86_400;

/// A history: created (running) at an instant of 2019–2035, then up to eight changes, some at
/// the same instant, some within the same minute, some days apart.
fn history() -> impl Strategy<Value = Vec<ClockEvent>> {
    let lo = "2019-01-01T00:00:00Z"
        .parse::<Timestamp>()
        .unwrap()
        .as_second();
    let hi = "2036-01-01T00:00:00Z"
        .parse::<Timestamp>()
        .unwrap()
        .as_second();
    let state = prop_oneof![Just(Running), Just(Paused), Just(Stopped)];
    let gap = prop_oneof![Just(0i64), 1..60i64, 60..4 * DAY];
    (lo..hi, proptest::collection::vec((gap, state), 0..8)).prop_map(|(created, changes)| {
        let mut at = Timestamp::from_second(created).unwrap();
        let mut events = vec![ClockEvent { at, state: Running }];
        for (gap, state) in changes {
            at += SignedDuration::from_secs(gap);
            events.push(ClockEvent { at, state });
        }
        events
    })
}

fn target() -> impl Strategy<Value = SignedDuration> {
    (1..=80 * 60i64).prop_map(SignedDuration::from_mins)
}

/// Query instants as offsets from the first event, in a random order; some before it.
fn queries() -> impl Strategy<Value = Vec<i64>> {
    proptest::collection::vec(-DAY..30 * DAY, 1..8).prop_shuffle()
}

fn at_offset(events: &[ClockEvent], offset: i64) -> Timestamp {
    events[0].at + SignedDuration::from_secs(offset)
}

/// What a ticket service counting up call by call would hold: updated once per event as it
/// arrives, read at any later instant.
struct Tracker {
    counted: SignedDuration,
    running_since: Option<Timestamp>,
    state: Option<ClockState>,
}

impl Tracker {
    fn on(&mut self, cal: &Calendar, event: ClockEvent) {
        match (self.running_since, event.state) {
            (None, Running) => {
                self.running_since = Some(cal.next_business_instant(event.at).unwrap());
            }
            (Some(since), Paused | Stopped) => {
                self.counted += cal.between(since, event.at);
                self.running_since = None;
            }
            _ => {}
        }
        self.state = Some(event.state);
    }

    fn elapsed(&self, cal: &Calendar, now: Timestamp) -> SignedDuration {
        self.counted
            + self
                .running_since
                .map_or(SignedDuration::ZERO, |s| cal.between(s, now))
    }
}

proptest! {
    #[test]
    fn the_reading_depends_only_on_the_history_up_to_now_whatever_the_call_order(
        events in history(), target in target(), offsets in queries()
    ) {
        let cal = us();
        let mut first_answers = BTreeMap::new();
        for offset in &offsets {
            let now = at_offset(&events, *offset);
            let full = sla_status(&cal, &events, target, now).unwrap();
            let known: Vec<ClockEvent> =
                events.iter().copied().filter(|e| e.at <= now).collect();
            prop_assert_eq!(sla_status(&cal, &known, target, now).unwrap(), full);
            first_answers.insert(now, full);
        }
        for (now, answer) in first_answers {
            prop_assert_eq!(sla_status(&cal, &events, target, now).unwrap(), answer);
        }
    }

    #[test]
    fn the_recomputed_reading_agrees_with_an_incremental_tracker(
        events in history(), target in target(), offsets in queries()
    ) {
        let cal = us();
        let mut sorted = offsets.clone();
        sorted.sort();
        let mut tracker = Tracker {
            counted: SignedDuration::ZERO,
            running_since: None,
            state: None,
        };
        let mut pending = events.iter().copied().peekable();
        for offset in sorted {
            let now = at_offset(&events, offset);
            while let Some(event) = pending.next_if(|e| e.at <= now) {
                tracker.on(&cal, event);
            }
            let s = sla_status(&cal, &events, target, now).unwrap();
            prop_assert_eq!(s.elapsed, tracker.elapsed(&cal, now));
            prop_assert_eq!(s.state, tracker.state);
            prop_assert_eq!(s.remaining, (target - s.elapsed).max(SignedDuration::ZERO));
            prop_assert_eq!(s.due.is_some(), s.state == Some(Running));
        }
    }

    #[test]
    fn elapsed_grows_only_by_business_time_and_a_breach_never_moves(
        events in history(), target in target(), offsets in queries()
    ) {
        let cal = us();
        let mut sorted = offsets.clone();
        sorted.sort();
        let readings: Vec<(Timestamp, SlaStatus)> = sorted
            .iter()
            .map(|o| {
                let now = at_offset(&events, *o);
                (now, sla_status(&cal, &events, target, now).unwrap())
            })
            .collect();
        for pair in readings.windows(2) {
            let ((t1, s1), (t2, s2)) = (pair[0], pair[1]);
            prop_assert!(s1.elapsed <= s2.elapsed);
            prop_assert!(s2.elapsed - s1.elapsed <= cal.between(t1, t2));
            if let Some(b) = s1.breached_at {
                prop_assert_eq!(s2.breached_at, Some(b));
            }
        }
    }

    #[test]
    fn due_and_breach_instants_are_where_elapsed_reaches_the_target(
        events in history(), target in target(), offsets in queries()
    ) {
        let cal = us();
        for offset in offsets {
            let now = at_offset(&events, offset);
            let s = sla_status(&cal, &events, target, now).unwrap();
            if let Some(b) = s.breached_at {
                prop_assert!(b < now);
                let at_breach = sla_status(&cal, &events, target, b).unwrap();
                prop_assert_eq!(at_breach.elapsed, target);
                prop_assert_eq!(at_breach.state, Some(Running));
                prop_assert_eq!(at_breach.breached_at, None);
            }
            // With no event between now and just past the due instant, the clock reaches
            // the target exactly at `due` and is breached right after.
            if let (Some(due), None) = (s.due, s.breached_at) {
                let just_after = due + SignedDuration::from_nanos(1);
                if events.iter().all(|e| e.at <= now || e.at > just_after) {
                    let at_due = sla_status(&cal, &events, target, due).unwrap();
                    prop_assert_eq!(at_due.elapsed, target);
                    prop_assert_eq!(at_due.due, Some(due));
                    prop_assert_eq!(at_due.breached_at, None);
                    let after = sla_status(&cal, &events, target, just_after).unwrap();
                    prop_assert_eq!(after.breached_at, Some(due));
                }
            }
        }
    }
}
