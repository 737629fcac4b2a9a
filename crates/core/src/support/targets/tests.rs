//! Tests of the SLA targets: the default table, plan classes, validation, serde and the
//! near-breach rule.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::*;
use crate::support::{Calendar, ClockEvent, sla_status};

fn h(hours: i64) -> SignedDuration {
    SignedDuration::from_hours(hours)
}

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn monthly() -> Plan {
    Plan::new(PlanKind::Monthly, Some(10), None).unwrap()
}

fn jumpstart_until(end: &str) -> Plan {
    Plan::new(PlanKind::Jumpstart, None, Some(ts(end))).unwrap()
}

fn invalid(spec: SlaTargetsSpec) -> (String, String) {
    match SlaTargets::new(spec) {
        Err(CoreError::Invalid { field, reason }) => (field, reason),
        other => panic!("expected an invalid error, got {other:?}"),
    }
}

/// The default targets, written out by hand: (severity, paying first response, paying
/// resolution, free first response, free resolution), in business hours.
#[test]
fn the_default_targets_table() {
    let table = [
        (Severity::S1, 1, 8, 8, 40),
        (Severity::S2, 4, 24, 16, 80),
        (Severity::S3, 8, 40, 24, 120),
        (Severity::S4, 16, 80, 40, 160),
    ];
    let t = SlaTargets::default_policy();
    assert_eq!(t, SlaTargets::default());
    for (s, pf, pr, ff, fr) in table {
        assert_eq!(
            t.for_class(PlanClass::Paying, s),
            Targets {
                first_response: h(pf),
                resolution: h(pr)
            },
            "paying {s}"
        );
        assert_eq!(
            t.for_class(PlanClass::Free, s),
            Targets {
                first_response: h(ff),
                resolution: h(fr)
            },
            "free {s}"
        );
    }
    assert!(!t.is_best_effort(PlanClass::Paying));
    assert!(t.is_best_effort(PlanClass::Free));
    assert_eq!(
        t.near_breach(),
        NearBreach {
            percent_elapsed: 75,
            remaining: h(1)
        }
    );
    // The default passes its own checks.
    assert_eq!(SlaTargets::new(*t.spec()).unwrap(), t);
}

/// Policy: "Target response times, along with time to resolution, will vary based on
/// severity".
#[test]
fn target_response_and_resolution_times_vary_by_severity() {
    let t = SlaTargets::default_policy();
    for class in [PlanClass::Paying, PlanClass::Free] {
        for pair in Severity::ALL.windows(2) {
            let (more, less) = (t.for_class(class, pair[0]), t.for_class(class, pair[1]));
            assert!(
                more.first_response < less.first_response,
                "{class:?} {pair:?}"
            );
            assert!(more.resolution < less.resolution, "{class:?} {pair:?}");
        }
    }
}

/// Policy: "Paying Customers – … month-to-month or annual contract billing plans … receive
/// the benefit of full support assistance" — their targets are faster than free ones and
/// are commitments; JumpStart is treated as paying while the trial runs.
#[test]
fn paying_plans_and_running_jumpstart_trials_get_the_paying_targets() {
    let t = SlaTargets::default_policy();
    let now = ts("2026-03-02T16:00:00Z");
    let annual = Plan::new(PlanKind::Annual, Some(50), None).unwrap();
    let trial = jumpstart_until("2026-04-01T00:00:00Z");
    let ended = jumpstart_until("2026-03-01T00:00:00Z");
    assert_eq!(PlanClass::of(&monthly(), now), PlanClass::Paying);
    assert_eq!(PlanClass::of(&annual, now), PlanClass::Paying);
    assert_eq!(PlanClass::of(&trial, now), PlanClass::Paying);
    assert_eq!(PlanClass::of(&ended, now), PlanClass::Free);
    assert_eq!(PlanClass::of(&Plan::free(), now), PlanClass::Free);
    for s in Severity::ALL {
        let paying = t.targets_for(&monthly(), s, now);
        assert_eq!(t.targets_for(&annual, s, now), paying);
        assert_eq!(t.targets_for(&trial, s, now), paying);
        let free = t.targets_for(&Plan::free(), s, now);
        assert_eq!(t.targets_for(&ended, s, now), free);
        assert!(paying.first_response < free.first_response);
        assert!(paying.resolution < free.resolution);
    }
    // The trial ends exactly at its end instant.
    assert_eq!(
        PlanClass::of(&trial, ts("2026-04-01T00:00:00Z")),
        PlanClass::Free
    );
}

#[test]
fn targets_must_be_positive_and_first_response_no_later_than_resolution() {
    let base = *SlaTargets::default_policy().spec();

    let mut spec = base;
    spec.paying.s2.resolution = SignedDuration::ZERO;
    let (field, reason) = invalid(spec);
    assert_eq!(field, "paying.s2.resolution");
    assert!(reason.contains("positive"), "{reason}");

    let mut spec = base;
    spec.free.s1.first_response = h(-1);
    assert_eq!(invalid(spec).0, "free.s1.first_response");

    let mut spec = base;
    spec.paying.s3.first_response = h(41);
    let (field, reason) = invalid(spec);
    assert_eq!(field, "paying.s3.first_response");
    assert!(reason.contains("41h") && reason.contains("40h"), "{reason}");

    // Equal first response and resolution is allowed.
    let mut spec = base;
    spec.paying.s1.first_response = h(8);
    spec.paying.s2.first_response = h(8);
    assert!(SlaTargets::new(spec).is_ok());
}

#[test]
fn a_less_urgent_severity_never_gets_a_faster_target() {
    let mut spec = *SlaTargets::default_policy().spec();
    spec.paying.s3.resolution = h(20);
    let (field, reason) = invalid(spec);
    assert_eq!(field, "paying.s3.resolution");
    assert!(reason.contains("S2's 24h"), "{reason}");

    let mut spec = *SlaTargets::default_policy().spec();
    spec.free.s2.first_response = h(4);
    assert_eq!(invalid(spec).0, "free.s2.first_response");
}

#[test]
fn free_targets_are_never_faster_than_paying_ones() {
    let mut spec = *SlaTargets::default_policy().spec();
    spec.paying.s4 = Targets {
        first_response: h(40),
        resolution: h(200),
    };
    let (field, reason) = invalid(spec);
    assert_eq!(field, "free.s4.resolution");
    assert!(reason.contains("paying"), "{reason}");
}

#[test]
fn the_near_breach_threshold_is_checked() {
    for bad in [0, 100, 255] {
        let mut spec = *SlaTargets::default_policy().spec();
        spec.near_breach.percent_elapsed = bad;
        assert_eq!(invalid(spec).0, "near_breach.percent_elapsed");
    }
    let mut spec = *SlaTargets::default_policy().spec();
    spec.near_breach.remaining = h(-1);
    assert_eq!(invalid(spec).0, "near_breach.remaining");
    let mut spec = *SlaTargets::default_policy().spec();
    spec.near_breach.remaining = SignedDuration::ZERO;
    spec.near_breach.percent_elapsed = 99;
    assert!(SlaTargets::new(spec).is_ok());
}

#[test]
fn targets_round_trip_through_serde_as_iso_durations_and_are_checked_on_the_way_in() {
    let t = SlaTargets::default_policy();
    let json = serde_json::to_value(t).unwrap();
    assert_eq!(json["paying"]["s1"]["first_response"], "PT1H");
    assert_eq!(json["free"]["best_effort"], true);
    assert_eq!(json["near_breach"]["percent_elapsed"], 75);
    let back: SlaTargets = serde_json::from_value(json.clone()).unwrap();
    assert_eq!(back, t);
    let mut bad = json;
    bad["paying"]["s1"]["resolution"] = "PT30M".into();
    let e = serde_json::from_value::<SlaTargets>(bad)
        .unwrap_err()
        .to_string();
    assert!(e.contains("paying.s1.first_response"), "{e}");
}

fn running(elapsed: SignedDuration, target: SignedDuration) -> SlaStatus {
    SlaStatus {
        state: Some(ClockState::Running),
        elapsed,
        remaining: target - elapsed,
        due: Some(ts("2026-03-02T16:00:00Z")),
        breached_at: None,
    }
}

#[test]
fn a_running_target_is_near_its_breach_at_75_percent_or_under_an_hour_left() {
    let t = SlaTargets::default_policy();
    let m = SignedDuration::from_mins;
    // 10 business hours: 75% is 7h30m, which comes before the last hour.
    let target = h(10);
    assert_eq!(
        t.urgency(target, &running(m(449), target)),
        Urgency::OnTrack
    );
    assert_eq!(
        t.urgency(target, &running(m(450), target)),
        Urgency::NearBreach
    );
    // 80 business hours: 75% is 60h.
    let target = h(80);
    assert_eq!(t.urgency(target, &running(h(59), target)), Urgency::OnTrack);
    assert_eq!(
        t.urgency(target, &running(h(60), target)),
        Urgency::NearBreach
    );
    // 2 business hours: the last hour starts at 1h, before 75% (1h30m).
    let target = h(2);
    assert_eq!(t.urgency(target, &running(m(59), target)), Urgency::OnTrack);
    assert_eq!(
        t.urgency(target, &running(m(60), target)),
        Urgency::NearBreach
    );
    // 1 business hour (paying S1 first response): near its breach from the start.
    let target = h(1);
    assert_eq!(
        t.urgency(target, &running(SignedDuration::ZERO, target)),
        Urgency::NearBreach
    );
}

#[test]
fn only_a_running_clock_is_near_its_breach_and_a_breach_is_a_breach() {
    let t = SlaTargets::default_policy();
    let target = h(8);
    let mut status = running(h(7), target);
    status.state = Some(ClockState::Paused);
    status.due = None;
    assert_eq!(t.urgency(target, &status), Urgency::OnTrack);
    status.state = Some(ClockState::Stopped);
    assert_eq!(t.urgency(target, &status), Urgency::OnTrack);
    status.state = None;
    assert_eq!(t.urgency(target, &status), Urgency::OnTrack);
    status.breached_at = Some(ts("2026-03-02T16:00:00Z"));
    status.state = Some(ClockState::Stopped);
    assert_eq!(t.urgency(target, &status), Urgency::Breached);
}

/// With the policy calendar and clock: a paying S2 ticket opened Monday 09:00 Denver has a
/// first response due at 13:00, is near its breach from 12:00 (one hour left; 75% would be
/// 12:00 too), and is breached once the clock runs past 13:00.
#[test]
fn urgency_follows_the_sla_clock_on_the_policy_calendar() {
    let cal = Calendar::us_support().unwrap();
    let t = SlaTargets::default_policy();
    let target = t
        .targets_for(&monthly(), Severity::S2, ts("2026-03-02T16:00:00Z"))
        .first_response;
    assert_eq!(target, h(4));
    // Monday 2 March 2026, 09:00 MST (UTC−7).
    let events = [ClockEvent {
        at: ts("2026-03-02T16:00:00Z"),
        state: ClockState::Running,
    }];
    let at = |s: &str| {
        let status = sla_status(&cal, &events, target, ts(s)).unwrap();
        t.urgency(target, &status)
    };
    assert_eq!(at("2026-03-02T18:59:00Z"), Urgency::OnTrack);
    assert_eq!(at("2026-03-02T19:00:00Z"), Urgency::NearBreach);
    assert_eq!(at("2026-03-02T19:59:59Z"), Urgency::NearBreach);
    // Breached once the clock runs past the due instant.
    assert_eq!(at("2026-03-02T20:00:00Z"), Urgency::NearBreach);
    assert_eq!(at("2026-03-02T20:00:01Z"), Urgency::Breached);
}
