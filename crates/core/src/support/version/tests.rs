//! Tests of version parsing and numeric comparison, with property tests of the order's laws.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::*;
use proptest::prelude::*;

fn v(s: &str) -> Version {
    Version::parse(s).unwrap()
}

fn reason(r: CoreResult<Version>) -> String {
    match r {
        Err(CoreError::Invalid { field, reason }) => {
            assert_eq!(field, "version");
            reason
        }
        other => panic!("expected an invalid error, got {other:?}"),
    }
}

#[test]
fn versions_compare_as_numbers_not_as_text() {
    assert!(v("10.0.9") < v("10.0.19045"));
    assert!(v("10.0.19045") < v("10.0.22000"));
    assert!(v("9") < v("10"));
    assert!(v("22.04") < v("22.10"));
    assert!(v("20.04") < v("22.04"));
    assert!(v("14.2.1") < v("14.10"));
    assert!(v("2.5.0") < v("2.10.0"));
    assert!(v("2.5.0") > v("2.4.99"));
    assert!(v("1.2") < v("1.2.0.1"));
    assert_eq!(v("12").cmp(&v("12.5")), Ordering::Less);
}

#[test]
fn trailing_zeros_and_leading_zeros_do_not_change_a_version() {
    assert_eq!(v("2.5"), v("2.5.0"));
    assert_eq!(v("2.5"), v("2.5.0.0"));
    assert_eq!(v("22.04"), v("22.4"));
    assert_eq!(v("0"), v("0.0.0"));
    assert_eq!(v("v2.5.0"), v("2.5"));
    assert_eq!(v("10.0").parts(), [10]);
    assert!(v("0.0").parts().is_empty());
    // The text is kept as written.
    assert_eq!(v("22.04").to_string(), "22.04");
    assert_eq!(v(" 10.0.19045 ").as_str(), "10.0.19045");
    assert_eq!("14.2.1".parse::<Version>().unwrap(), v("14.2.1"));
}

#[test]
fn unparseable_versions_are_refused_with_a_clear_reason() {
    let r = reason(Version::parse(""));
    assert!(
        r.contains("may not be empty") && r.contains("like 22.04"),
        "{r}"
    );
    let r = reason(Version::parse("22.04 LTS"));
    assert!(
        r.contains("'22.04 LTS' is not a version: ' ' is neither"),
        "{r}"
    );
    let r = reason(Version::parse("Sonoma"));
    assert!(r.contains("'S' is neither a digit nor a dot"), "{r}");
    for empty_part in ["1..2", ".1", "1.", "."] {
        let r = reason(Version::parse(empty_part));
        assert!(r.contains("empty part"), "{empty_part}: {r}");
    }
    let r = reason(Version::parse("1.99999999999999999999"));
    assert!(r.contains("'99999999999999999999' is too large"), "{r}");
    let r = reason(Version::parse(&["1"; 17].join(".")));
    assert!(r.contains("17 parts"), "{r}");
    let r = reason(Version::parse(&"1".repeat(65)));
    assert!(r.contains("at most 64 characters"), "{r}");
    assert!(Version::parse("-1").is_err());
    assert!(Version::parse("1.2.3-rc1").is_err());
}

#[test]
fn reported_versions_drop_a_pre_release_or_build_suffix() {
    assert_eq!(Version::parse_reported("2.5.0-rc1").unwrap(), v("2.5.0"));
    assert_eq!(Version::parse_reported("12.5+deb12u1").unwrap(), v("12.5"));
    assert_eq!(Version::parse_reported("1.4_beta").unwrap(), v("1.4"));
    assert_eq!(Version::parse_reported(" 2.5.0 ").unwrap(), v("2.5.0"));
    assert_eq!(
        Version::parse_reported("2.5.0-rc1").unwrap().as_str(),
        "2.5.0"
    );
    assert!(Version::parse_reported("-rc1").is_err());
    assert!(Version::parse_reported("abc").is_err());
    assert!(Version::parse_reported("").is_err());
}

#[test]
fn versions_serialize_as_their_text_and_are_checked_on_the_way_in() {
    assert_eq!(serde_json::to_string(&v("22.04")).unwrap(), "\"22.04\"");
    let back: Version = serde_json::from_str("\"10.0.19045\"").unwrap();
    assert_eq!(back.as_str(), "10.0.19045");
    let e = serde_json::from_str::<Version>("\"22.x\"")
        .unwrap_err()
        .to_string();
    assert!(e.contains("'22.x' is not a version"), "{e}");
}

/// A version's text from its parts: decimal, or with leading zeros, or with `v`.
fn spelled(parts: Vec<u64>) -> impl Strategy<Value = String> {
    let n = parts.len();
    (proptest::collection::vec(0usize..3, n), any::<bool>()).prop_map(move |(zeros, vee)| {
        let body: Vec<String> = parts
            .iter()
            .zip(&zeros)
            .map(|(p, z)| format!("{}{p}", "0".repeat(*z)))
            .collect();
        format!("{}{}", if vee { "v" } else { "" }, body.join("."))
    })
}

fn parts() -> impl Strategy<Value = Vec<u64>> {
    // At most four parts of up to ten digits, so any spelling fits in 64 characters.
    proptest::collection::vec(
        prop_oneof![0u64..4, 0u64..30_000, 0..=u64::from(u32::MAX)],
        1..5,
    )
}

fn version() -> impl Strategy<Value = Version> {
    parts()
        .prop_flat_map(spelled)
        .prop_map(|s| Version::parse(&s).unwrap())
}

/// Trailing zeros dropped.
fn normal(mut p: Vec<u64>) -> Vec<u64> {
    while p.last() == Some(&0) {
        p.pop();
    }
    p
}

proptest! {
    #[test]
    fn the_order_is_antisymmetric(a in version(), b in version()) {
        prop_assert_eq!(a.cmp(&b), b.cmp(&a).reverse());
        prop_assert_eq!(a.cmp(&b) == Ordering::Equal, a == b);
        if a <= b && b <= a {
            prop_assert_eq!(&a, &b);
        }
    }

    #[test]
    fn the_order_is_transitive(a in version(), b in version(), c in version()) {
        if a <= b && b <= c {
            prop_assert!(a <= c);
        }
        if a < b && b < c {
            prop_assert!(a < c);
        }
    }

    #[test]
    fn equality_is_equality_of_the_numbers_without_trailing_zeros(
        p in parts(), q in parts(), extra in 0usize..4
    ) {
        let a = Version::parse(&p.iter().map(u64::to_string).collect::<Vec<_>>().join("."))
            .unwrap();
        // The same version with zeros appended is equal to it.
        let mut padded = p.clone();
        padded.extend(std::iter::repeat_n(0, extra));
        let a0 = Version::parse(
            &padded.iter().map(u64::to_string).collect::<Vec<_>>().join(".")
        ).unwrap();
        prop_assert_eq!(&a, &a0);
        prop_assert_eq!(a.cmp(&a0), Ordering::Equal);
        let b = Version::parse(&q.iter().map(u64::to_string).collect::<Vec<_>>().join("."))
            .unwrap();
        prop_assert_eq!(a == b, normal(p.clone()) == normal(q.clone()));
        // And the order is the order of the numbers, missing parts counting as zero.
        let width = p.len().max(q.len());
        let pad = |x: &[u64]| {
            let mut x = x.to_vec();
            x.resize(width, 0);
            x
        };
        prop_assert_eq!(a.cmp(&b), pad(&p).cmp(&pad(&q)));
    }

    #[test]
    fn spelling_does_not_change_a_version(
        (p, s) in parts().prop_flat_map(|p| (Just(p.clone()), spelled(p)))
    ) {
        let plain = p.iter().map(u64::to_string).collect::<Vec<_>>().join(".");
        let a = Version::parse(&plain).unwrap();
        prop_assert_eq!(a.as_str(), plain.as_str());
        let b = Version::parse(&s).unwrap();
        prop_assert_eq!(&a, &b);
        prop_assert_eq!(b.as_str(), s.as_str());
        let n = normal(p);
        prop_assert_eq!(a.parts(), n.as_slice());
    }

    #[test]
    fn parsing_never_panics(s in any::<String>()) {
        let _ = Version::parse(&s);
        let _ = Version::parse_reported(&s);
    }
}
