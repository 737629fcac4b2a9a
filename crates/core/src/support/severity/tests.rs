//! Tests of the severities: parsing, ordering, the assessment table and the definitions.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::*;

#[test]
fn severities_parse_from_s1_capital_s1_and_1() {
    for (s, level) in Severity::ALL.into_iter().zip(1..) {
        assert_eq!(s.level(), level);
        assert_eq!(Severity::parse(&format!("s{level}")).unwrap(), s);
        assert_eq!(Severity::parse(&format!("S{level}")).unwrap(), s);
        assert_eq!(Severity::parse(&format!(" {level} ")).unwrap(), s);
        assert_eq!(Severity::parse(s.as_str()).unwrap(), s);
        assert_eq!(s.to_string(), format!("S{level}"));
        assert_eq!(serde_json::to_string(&s).unwrap(), format!("\"s{level}\""));
    }
    for bad in ["", "s", "s0", "5", "s5", "ss1", "critical", "1.0", "-1"] {
        let e = Severity::parse(bad).unwrap_err().to_string();
        assert!(e.contains("expected s1, s2, s3 or s4"), "{bad}: {e}");
    }
}

#[test]
fn s1_is_the_most_urgent_and_sorts_first() {
    let mut v = vec![Severity::S3, Severity::S1, Severity::S4, Severity::S2];
    v.sort();
    assert_eq!(v, Severity::ALL);
    assert!(Severity::S1.is_more_urgent_than(Severity::S2));
    assert!(!Severity::S4.is_more_urgent_than(Severity::S3));
    assert!(!Severity::S2.is_more_urgent_than(Severity::S2));
}

fn impact(effect: Effect, actively_used: bool, workaround: bool) -> Impact {
    Impact {
        effect,
        actively_used,
        workaround,
    }
}

/// The whole assessment table, written out by hand.
#[test]
fn the_whole_assessment_table() {
    use Effect::*;
    // (effect, actively used, workaround) → severity
    let table = [
        (Blocked, true, false, Severity::S1),
        (Blocked, true, true, Severity::S2),
        (Blocked, false, false, Severity::S2),
        (Blocked, false, true, Severity::S2),
        (Degraded, true, false, Severity::S2),
        (Degraded, true, true, Severity::S3),
        (Degraded, false, false, Severity::S2),
        (Degraded, false, true, Severity::S3),
        (Minor, true, false, Severity::S3),
        (Minor, true, true, Severity::S3),
        (Minor, false, false, Severity::S3),
        (Minor, false, true, Severity::S3),
        (None, true, false, Severity::S4),
        (None, true, true, Severity::S4),
        (None, false, false, Severity::S4),
        (None, false, true, Severity::S4),
    ];
    for (effect, used, workaround, want) in table {
        assert_eq!(
            assess(&impact(effect, used, workaround)),
            want,
            "{effect:?} used={used} workaround={workaround}"
        );
    }
}

/// Policy: "issues that impact the customers' ability to integrate … with resources actively
/// used by their business to manage the daily business needs of their users will take
/// priority."
#[test]
fn issues_with_resources_actively_used_by_the_business_take_priority() {
    let blocked_in_use = assess(&impact(Effect::Blocked, true, false));
    assert_eq!(blocked_in_use, Severity::S1);
    // The same outage of a resource the business does not use daily is less urgent …
    assert!(blocked_in_use.is_more_urgent_than(assess(&impact(Effect::Blocked, false, false))));
    // … and no issue is ever less urgent because its resources are in daily use.
    for effect in [
        Effect::Blocked,
        Effect::Degraded,
        Effect::Minor,
        Effect::None,
    ] {
        for workaround in [false, true] {
            assert!(
                assess(&impact(effect, true, workaround))
                    <= assess(&impact(effect, false, workaround))
            );
        }
    }
    // S1 is reserved for exactly that case.
    for effect in [
        Effect::Blocked,
        Effect::Degraded,
        Effect::Minor,
        Effect::None,
    ] {
        for used in [false, true] {
            for workaround in [false, true] {
                let s = assess(&impact(effect, used, workaround));
                assert_eq!(
                    s == Severity::S1,
                    effect == Effect::Blocked && used && !workaround
                );
            }
        }
    }
}

#[test]
fn a_workaround_never_makes_an_issue_more_urgent() {
    for effect in [
        Effect::Blocked,
        Effect::Degraded,
        Effect::Minor,
        Effect::None,
    ] {
        for used in [false, true] {
            assert!(assess(&impact(effect, used, true)) >= assess(&impact(effect, used, false)));
        }
    }
}

#[test]
fn the_default_definitions_say_what_each_severity_means() {
    let d = SeverityDefinitions::default_policy();
    assert_eq!(d, SeverityDefinitions::default());
    assert_eq!(d.get(Severity::S1).name, "Critical");
    assert!(d.get(Severity::S1).definition.contains("actively depends"));
    assert_eq!(d.get(Severity::S2).name, "Major");
    assert!(
        d.get(Severity::S2)
            .definition
            .contains("seriously degraded")
    );
    assert_eq!(d.get(Severity::S3).name, "Minor");
    assert!(d.get(Severity::S3).definition.contains("workaround exists"));
    assert_eq!(d.get(Severity::S4).name, "Question");
    assert!(d.get(Severity::S4).definition.contains("request"));
    // The default passes its own checks.
    assert_eq!(SeverityDefinitions::new(d.spec().clone()).unwrap(), d);
}

#[test]
fn definitions_round_trip_through_serde_and_are_checked_on_the_way_in() {
    let d = SeverityDefinitions::default_policy();
    let json = serde_json::to_value(&d).unwrap();
    assert_eq!(json["s1"]["name"], "Critical");
    let back: SeverityDefinitions = serde_json::from_value(json.clone()).unwrap();
    assert_eq!(back, d);

    let mut blank = json.clone();
    blank["s3"]["definition"] = "  ".into();
    let e = serde_json::from_value::<SeverityDefinitions>(blank)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("s3.definition") && e.contains("S3 needs a definition"),
        "{e}"
    );

    let mut spec = d.spec().clone();
    spec.s2.name = String::new();
    let Err(CoreError::Invalid { field, .. }) = SeverityDefinitions::new(spec) else {
        panic!("expected an invalid error");
    };
    assert_eq!(field, "s2.name");

    let mut spec = d.spec().clone();
    spec.s4.name = "critical".into();
    let Err(CoreError::Invalid { field, reason }) = SeverityDefinitions::new(spec) else {
        panic!("expected an invalid error");
    };
    assert_eq!(field, "s4.name");
    assert!(reason.contains("S1 and S4"), "{reason}");
}
