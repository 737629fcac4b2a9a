#![allow(clippy::unwrap_used)]

use super::*;
use crate::support::desk::Contacts;

fn policy() -> DeskPolicy {
    DeskPolicy::with_contacts(Contacts::local()).unwrap()
}

#[test]
fn search_terms_are_plain_words_without_query_syntax() {
    assert_eq!(
        search_terms("How do I fix LDAP bind error 49?"),
        vec!["fix", "ldap", "bind", "error", "49"]
    );
    assert_eq!(
        search_terms("\"ldap\" OR title:* NEAR(a b) -x"),
        vec!["ldap", "title", "near"]
    );
    assert!(search_terms("  ?? ** ").is_empty());
    assert_eq!(search_terms(&"word ".repeat(3)), vec!["word"]);
    let many: String = (0..40).map(|i| format!("w{i} ")).collect();
    assert_eq!(search_terms(&many).len(), 12);
}

#[test]
fn the_built_in_pages_say_what_the_desk_enforces() {
    let p = policy();
    let pages = builtin(&p).unwrap();
    let slugs: Vec<&str> = pages.iter().map(|(s, _)| s.as_str()).collect();
    assert_eq!(
        slugs,
        [
            "support-policy",
            "supported-versions",
            "supported-protocols"
        ]
    );
    let policy_page = &pages[0].1;
    assert!(
        !policy_page.body.contains("skydir-agent"),
        "the agent is not released: its log is never asked for"
    );
    for needle in [
        "Monday to Friday 09:00–17:00 (America/Denver), U.S. Federal holidays excluded",
        "/var/log/sssd/sssd_<domain>.log",
        "journalctl -u nslcd",
        "sales@skydir.localhost",
        "| S1 Critical |",
        "1 business hour",
        "never ask you for your password",
        "languages other than English",
    ] {
        assert!(policy_page.body.contains(needle), "{needle:?} missing");
    }
    let versions = &pages[1].1;
    assert!(
        versions.body.contains("| Windows | Windows 10 |"),
        "{}",
        versions.body
    );
    assert!(versions.body.contains("2025-10-14"));
    for (_, a) in pages {
        let a = a.checked().unwrap();
        assert_eq!(a.visibility, Visibility::Public);
    }
}

#[test]
fn articles_are_checked() {
    let ok = ArticleInput {
        title: " Binding with SSSD ".into(),
        body: "Use ldaps://".into(),
        category: KbCategory::Ldap,
        visibility: Visibility::Public,
        tags: vec!["SSSD".into(), "sssd".into()],
    };
    let a = ok.clone().checked().unwrap();
    assert_eq!(
        (a.title.as_str(), a.tags.clone()),
        ("Binding with SSSD", vec!["sssd".to_string()])
    );
    let bad = ArticleInput {
        title: String::new(),
        ..ok.clone()
    };
    assert!(bad.checked().is_err());
    let bad = ArticleInput {
        body: "x".repeat(MAX_BODY_BYTES + 1),
        ..ok.clone()
    };
    assert!(bad.checked().is_err());
    assert!(KbCategory::parse("ldap").is_ok());
    let e = KbCategory::parse("bananas").unwrap_err().to_string();
    assert!(e.contains("getting_started"), "{e}");
}
