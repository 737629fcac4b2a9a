//! Tests of the ticket categories: wire names, parsing and descriptions.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::*;
use std::collections::HashSet;

#[test]
fn the_wire_names_are_snake_case_and_parse_back() {
    let names: Vec<&str> = Category::ALL.iter().map(|c| c.as_str()).collect();
    assert_eq!(
        names,
        [
            "defect",
            "integration",
            "how_to",
            "onboarding",
            "customization",
            "unsupported_integration",
            "professional_services",
            "end_user_support",
            "account_security",
            "feedback",
        ]
    );
    for c in Category::ALL {
        assert_eq!(Category::parse(c.as_str()).unwrap(), c);
        assert_eq!(c.to_string(), c.as_str());
        // The serde form is the wire name too.
        assert_eq!(serde_json::to_string(&c).unwrap(), format!("\"{c}\""));
        let back: Category = serde_json::from_str(&format!("\"{c}\"")).unwrap();
        assert_eq!(back, c);
    }
    assert_eq!(Category::parse("  How_To ").unwrap(), Category::HowTo);
}

#[test]
fn an_unknown_name_is_refused_with_every_valid_name() {
    let Err(CoreError::Invalid { field, reason }) = Category::parse("billing") else {
        panic!("expected an invalid error");
    };
    assert_eq!(field, "category");
    assert!(
        reason.starts_with("unknown category 'billing'; expected one of "),
        "{reason}"
    );
    for c in Category::ALL {
        assert!(reason.contains(c.as_str()), "{reason} lacks {c}");
    }
    assert!(Category::parse("").is_err());
    assert!(Category::parse("how-to").is_err());
    assert!(serde_json::from_str::<Category>("\"billing\"").is_err());
}

#[test]
fn every_category_has_its_own_one_line_description() {
    let mut seen = HashSet::new();
    for c in Category::ALL {
        let d = c.description();
        assert!(
            !d.is_empty() && !d.contains('\n') && d.ends_with('.'),
            "{c}: {d}"
        );
        assert!(d.len() < 100, "{c}: {d}");
        assert!(seen.insert(d), "{c} shares its description");
    }
}

#[test]
fn only_defects_and_integrations_are_issues() {
    let issues: Vec<Category> = Category::ALL.into_iter().filter(|c| c.is_issue()).collect();
    assert_eq!(issues, [Category::Defect, Category::Integration]);
}
