//! Tests of the supported-versions list: the default data read against real version strings
//! on fixed days, the order of findings, the agent check and the list's validation.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::*;
use crate::directory::Name;
use crate::ids::{OrgId, SystemId};
use jiff::civil::date;

fn list() -> SupportedVersions {
    SupportedVersions::default_policy().unwrap()
}

fn system(family: OsFamily, os_version: &str, agent: Option<&str>) -> System {
    System {
        id: SystemId::from_random([7; 16]),
        org: OrgId::from_random([1; 16]),
        hostname: Name::parse("web-1").unwrap(),
        os_family: family,
        os_version: os_version.to_string(),
        joined_via: crate::directory::JoinMethod::Unknown,
        agent_version: agent.map(str::to_string),
        last_contact: None,
        created_at: "2026-01-01T00:00:00Z".parse().unwrap(),
    }
}

/// A one-letter code and the finding's `what`, for tables: S supported, E end of life,
/// O out of date, U unlisted.
fn code(l: &Lifecycle) -> (char, String) {
    match l {
        Lifecycle::Supported => ('S', String::new()),
        Lifecycle::EndOfLife { what, .. } => ('E', what.clone()),
        Lifecycle::OutOfDate { what, .. } => ('O', what.clone()),
        Lifecycle::Unlisted { what, .. } => ('U', what.clone()),
    }
}

/// Real version strings read against the default list on Monday 2 March 2026, written out by
/// hand: (family, os_version, code, what).
#[test]
fn the_default_list_on_2_march_2026() {
    use OsFamily::{Linux, Macos, Windows};
    let today = date(2026, 3, 2);
    let table = [
        (Windows, "10.0.19045", 'E', "Windows 10"),
        (Windows, "10.0.18363", 'E', "Windows 10"),
        (Windows, "10.0.22000.2538", 'E', "Windows 11 21H2"),
        (Windows, "10.0.22621.4317", 'E', "Windows 11 22H2"),
        (Windows, "10.0.22631.4460", 'E', "Windows 11 23H2"),
        (Windows, "10.0.26100.2605", 'S', ""),
        (Windows, "10.0.26200", 'S', ""),
        (Windows, "Windows 10.0.26200.7462", 'S', ""),
        (Windows, "10.0.26300", 'U', "10.0.26300"),
        (Windows, "6.3.9600", 'O', "Windows 6.3.9600"),
        (Windows, "Windows 11 Pro", 'U', "Windows 11 Pro"),
        (Macos, "12.7.6", 'E', "macOS 12 Monterey"),
        (Macos, "13.7.8", 'E', "macOS 13 Ventura"),
        (Macos, "14.2.1", 'S', ""),
        (Macos, "macOS 14.2.1", 'S', ""),
        (Macos, "macOS Sonoma 14.7", 'S', ""),
        (Macos, "15.3", 'S', ""),
        (Macos, "26.1", 'S', ""),
        (Macos, "16.0", 'U', "16.0"),
        (Macos, "11.7.10", 'O', "macOS 11.7.10"),
        (Macos, "Sonoma", 'U', "Sonoma"),
        (Linux, "ubuntu 22.04", 'S', ""),
        (Linux, "Ubuntu 22.04.4 LTS", 'S', ""),
        (Linux, "ubuntu 22.4", 'S', ""),
        (Linux, "ubuntu 24.04", 'S', ""),
        (Linux, "ubuntu 20.04.6", 'E', "Ubuntu 20.04 LTS"),
        (Linux, "ubuntu 18.04", 'O', "Ubuntu 18.04"),
        (Linux, "ubuntu 24.10", 'U', "ubuntu 24.10"),
        (Linux, "rhel 9.4", 'S', ""),
        (Linux, "Red Hat Enterprise Linux 8.10", 'S', ""),
        (Linux, "Red Hat Enterprise Linux Server 8.10", 'S', ""),
        (Linux, "RHEL 8.6", 'O', "Red Hat Enterprise Linux 8.6"),
        (Linux, "rhel 7.9", 'O', "Red Hat Enterprise Linux 7.9"),
        (Linux, "rhel 10.0", 'S', ""),
        (Linux, "debian 12", 'S', ""),
        (Linux, "Debian 12.5", 'S', ""),
        (Linux, "debian 12.5+deb12u1", 'S', ""),
        (Linux, "debian 11", 'S', ""),
        (Linux, "debian 13", 'S', ""),
        (Linux, "debian 10", 'O', "Debian 10"),
        // A bare version cannot tell Ubuntu, RHEL and Debian apart.
        (Linux, "24.04", 'U', "24.04"),
        (Linux, "12", 'U', "12"),
        (Linux, "fedora 40", 'U', "fedora 40"),
        (Linux, "ubuntux 22.04", 'U', "ubuntux 22.04"),
        (Linux, "ubuntu", 'U', "ubuntu"),
        (Linux, "ubuntu jammy", 'U', "ubuntu jammy"),
        (Linux, "", 'U', "this system's operating system"),
    ];
    let l = list();
    for (family, os, want, what) in table {
        let got = code(&l.check_os(family, os, today));
        assert_eq!(got, (want, what.to_string()), "{family:?} '{os}'");
    }
}

/// Policy: "If your systems are End of Life … our policy is to request an update to your
/// systems before we provide support. For a current list of the versions of hardware and
/// software we support, please check our Knowledge Base."
#[test]
fn end_of_life_systems_are_asked_to_update_before_support() {
    let l = list();
    let ubuntu = |today| l.check_os(OsFamily::Linux, "ubuntu 20.04", today);
    assert_eq!(ubuntu(date(2025, 5, 30)), Lifecycle::Supported);
    let eol = ubuntu(date(2025, 5, 31));
    let Lifecycle::EndOfLife {
        what,
        since,
        advice,
    } = &eol
    else {
        panic!("expected end of life, got {eol:?}");
    };
    assert_eq!(what, "Ubuntu 20.04 LTS");
    assert_eq!(*since, date(2025, 5, 31));
    assert_eq!(
        advice,
        "Ubuntu 20.04 LTS reached end of life on 2025-05-31. Our policy is to ask you to \
         update your systems before we provide support: please update this system to a \
         supported version. The current list of the versions we support is in our Knowledge \
         Base."
    );
    assert!(eol.needs_update());
    // Debian 11 is supported until its LTS ends, Windows 11 24H2 until 13 October 2026.
    let later = date(2026, 12, 2);
    assert!(matches!(
        l.check_os(OsFamily::Linux, "debian 11", later),
        Lifecycle::EndOfLife { .. }
    ));
    assert!(matches!(
        l.check_os(OsFamily::Windows, "10.0.26100.2605", later),
        Lifecycle::EndOfLife { .. }
    ));
    assert_eq!(
        l.check_os(OsFamily::Windows, "10.0.26200", later),
        Lifecycle::Supported
    );
}

/// Policy: "If your systems are … unpatched, or otherwise out of date, our policy is to
/// request an update to your systems before we provide support."
#[test]
fn unpatched_or_out_of_date_systems_are_asked_to_update_before_support() {
    let l = list();
    let today = date(2026, 3, 2);
    // Unpatched: RHEL 8 is patched only at 8.10.
    let rhel = l.check_os(OsFamily::Linux, "rhel 8.6", today);
    let Lifecycle::OutOfDate {
        what,
        minimum,
        advice,
    } = &rhel
    else {
        panic!("expected out of date, got {rhel:?}");
    };
    assert_eq!(what, "Red Hat Enterprise Linux 8.6");
    assert_eq!(minimum.as_str(), "8.10");
    assert!(
        advice.starts_with("Red Hat Enterprise Linux 8.6 is older than 8.10"),
        "{advice}"
    );
    assert!(advice.contains("before we provide support"), "{advice}");
    assert!(advice.contains("update this system to Red Hat Enterprise Linux 8.10 or later"));
    assert!(advice.ends_with("is in our Knowledge Base."), "{advice}");
    assert!(rhel.needs_update());
    // Windows 10 before 22H2, while Windows 10 itself was still serviced.
    let early = l.check_os(OsFamily::Windows, "10.0.18363", date(2025, 1, 2));
    assert!(
        matches!(&early, Lifecycle::OutOfDate { minimum, .. } if minimum.as_str() == "10.0.19045"),
        "{early:?}"
    );
    // Older than anything listed.
    let old = l.check_os(OsFamily::Linux, "ubuntu 18.04", today);
    assert!(
        matches!(&old, Lifecycle::OutOfDate { minimum, .. } if minimum.as_str() == "20.04"),
        "{old:?}"
    );
    // An out-of-date agent.
    let agent = l.check_agent(OsFamily::Macos, Some("2.4.9"));
    let Lifecycle::OutOfDate {
        what,
        minimum,
        advice,
    } = &agent
    else {
        panic!("expected out of date, got {agent:?}");
    };
    assert_eq!(what, "the skydir agent 2.4.9");
    assert_eq!(minimum.as_str(), "2.5.0");
    assert!(
        advice.contains("please update the agent to 2.5.0 or later"),
        "{advice}"
    );
}

#[test]
fn what_is_not_listed_is_asked_about_rather_than_refused() {
    let l = list();
    let today = date(2026, 3, 2);
    let bare = l.check_os(OsFamily::Linux, "22.04", today);
    assert!(!bare.needs_update());
    let Lifecycle::Unlisted { advice, .. } = &bare else {
        panic!("expected unlisted, got {bare:?}");
    };
    assert!(advice.contains("which linux system '22.04' is"), "{advice}");
    assert!(
        advice.contains("Ubuntu, Red Hat Enterprise Linux, Debian"),
        "{advice}"
    );
    let Lifecycle::Unlisted { advice, .. } = l.check_os(OsFamily::Macos, "14.x", today) else {
        panic!("expected unlisted");
    };
    assert!(
        advice.contains("could not read the macOS version '14.x'"),
        "{advice}"
    );
    assert!(advice.contains("is not a version"), "{advice}");
    let Lifecycle::Unlisted { advice, .. } = l.check_os(OsFamily::Linux, "ubuntu 24.10", today)
    else {
        panic!("expected unlisted");
    };
    assert!(
        advice.contains("Ubuntu 24.10 is not in our list"),
        "{advice}"
    );
}

#[test]
fn the_agent_is_checked_numerically_and_a_missing_version_is_asked_for() {
    let l = list();
    let agent = |v: Option<&str>| code(&l.check_agent(OsFamily::Linux, v)).0;
    assert_eq!(agent(Some("2.5.0")), 'S');
    assert_eq!(agent(Some("2.5")), 'S');
    assert_eq!(agent(Some("v2.5.1")), 'S');
    assert_eq!(agent(Some("2.10.0")), 'S');
    // A pre-release suffix is ignored (documented).
    assert_eq!(agent(Some("2.5.0-rc1")), 'S');
    assert_eq!(agent(Some("2.4.99")), 'O');
    assert_eq!(agent(Some("1.9")), 'O');
    assert_eq!(agent(None), 'U');
    assert_eq!(agent(Some("  ")), 'U');
    assert_eq!(agent(Some("latest")), 'U');
    let Lifecycle::Unlisted { advice, .. } = l.check_agent(OsFamily::Linux, None) else {
        panic!("expected unlisted");
    };
    assert!(advice.contains("has not reported which version of the skydir agent"));
}

#[test]
fn a_system_gets_its_most_pressing_finding_os_first_on_a_tie() {
    let l = list();
    let today = date(2026, 3, 2);
    let check = |family, os, agent| code(&l.check(&system(family, os, agent), today));
    // OS end of life beats an old agent.
    assert_eq!(
        check(OsFamily::Macos, "12.7.6", Some("2.0.0")),
        ('E', "macOS 12 Monterey".into())
    );
    // A supported OS with an old agent.
    assert_eq!(
        check(OsFamily::Macos, "14.2.1", Some("2.0.0")),
        ('O', "the skydir agent 2.0.0".into())
    );
    // Both out of date: the OS.
    assert_eq!(
        check(OsFamily::Linux, "rhel 8.6", Some("2.0.0")),
        ('O', "Red Hat Enterprise Linux 8.6".into())
    );
    // An unlisted OS with an old agent: the agent needs an update, which is more pressing.
    assert_eq!(
        check(OsFamily::Linux, "fedora 40", Some("2.0.0")),
        ('O', "the skydir agent 2.0.0".into())
    );
    // Both unlisted: the OS.
    assert_eq!(
        check(OsFamily::Linux, "fedora 40", None),
        ('U', "fedora 40".into())
    );
    assert_eq!(
        check(OsFamily::Linux, "ubuntu 24.04", Some("2.5.0")),
        ('S', String::new())
    );
    // No agent reported (a host joined over LDAP; the agent is not released): the OS alone
    // decides, and nobody is asked to install an agent.
    assert_eq!(
        check(OsFamily::Linux, "ubuntu 24.04", None),
        ('S', String::new())
    );
}

#[test]
fn the_default_list_is_sorted_checked_and_round_trips_through_serde() {
    let l = list();
    assert_eq!(SupportedVersions::new(l.spec().clone()).unwrap(), l);
    let json = serde_json::to_value(&l).unwrap();
    assert_eq!(json["linux"]["platforms"][0]["name"], "Ubuntu");
    assert_eq!(
        json["linux"]["platforms"][0]["releases"][0]["end_of_life"],
        "2025-05-31"
    );
    assert_eq!(json["windows"]["agent_minimum"], "2.5.0");
    let back: SupportedVersions = serde_json::from_value(json).unwrap();
    assert_eq!(back, l);
    for family in [OsFamily::Windows, OsFamily::Macos, OsFamily::Linux] {
        for p in &l.family(family).platforms {
            assert!(p.releases.windows(2).all(|w| w[0].before <= w[1].from));
            // Every listed release is supported, end of life or out of date, never unlisted.
            for r in &p.releases {
                let os = format!("{} {}", p.aliases[0], r.from);
                let got = l.check_os(family, &os, date(2026, 3, 2));
                assert!(!matches!(got, Lifecycle::Unlisted { .. }), "{os}: {got:?}");
            }
        }
    }
}

fn invalid(spec: SupportedVersionsSpec) -> (String, String) {
    match SupportedVersions::new(spec) {
        Err(CoreError::Invalid { field, reason }) => (field, reason),
        other => panic!("expected an invalid error, got {other:?}"),
    }
}

fn v(s: &str) -> Version {
    Version::parse(s).unwrap()
}

#[test]
fn a_written_list_is_checked_with_errors_naming_the_field() {
    let base = list().spec().clone();

    let mut s = base.clone();
    s.macos.platforms.clear();
    assert_eq!(invalid(s).0, "macos.platforms");

    let mut s = base.clone();
    s.linux.platforms[1].releases[0].before = v("8");
    let (field, reason) = invalid(s);
    assert_eq!(field, "linux.platforms[1].releases[0].before");
    assert!(reason.contains("which is empty"), "{reason}");

    let mut s = base.clone();
    s.linux.platforms[0].releases[1].from = v("20.04.9");
    let (field, reason) = invalid(s);
    assert_eq!(field, "linux.platforms[0].releases[1].from");
    assert!(reason.contains("overlaps Ubuntu 20.04 LTS"), "{reason}");

    let mut s = base.clone();
    s.linux.platforms[1].releases[0].minimum = Some(v("9.1"));
    assert_eq!(invalid(s).0, "linux.platforms[1].releases[0].minimum");

    let mut s = base.clone();
    s.linux.platforms[2].aliases = vec!["ubuntu".into()];
    let (field, reason) = invalid(s);
    assert_eq!(field, "linux.platforms[2].aliases[0]");
    assert!(reason.contains("names two linux platforms"), "{reason}");

    let mut s = base.clone();
    s.linux.platforms[2].aliases.clear();
    assert_eq!(invalid(s).0, "linux.platforms[2].aliases");

    for bad in ["Debian", " debian", "", "debian12", "débian"] {
        let mut s = base.clone();
        s.linux.platforms[2].aliases = vec![bad.into()];
        assert_eq!(invalid(s).0, "linux.platforms[2].aliases[0]", "{bad:?}");
    }

    let mut s = base.clone();
    s.linux.platforms[2].name = "ubuntu".into();
    assert!(invalid(s).1.contains("listed twice"));

    let mut s = base.clone();
    s.windows.platforms[0].releases[2].name = " ".into();
    assert_eq!(invalid(s).0, "windows.platforms[0].releases[2].name");

    // One platform in a family needs no alias; releases are sorted on the way in.
    let mut s = base.clone();
    s.macos.platforms[0].aliases.clear();
    s.macos.platforms[0].releases.reverse();
    let l = SupportedVersions::new(s).unwrap();
    assert_eq!(
        l.family(OsFamily::Macos).platforms[0].releases[0].name,
        "macOS 12 Monterey"
    );
    assert_eq!(
        l.check_os(OsFamily::Macos, "14.2.1", date(2026, 3, 2)),
        Lifecycle::Supported
    );
}

#[test]
fn a_bad_list_is_refused_on_deserialization() {
    let mut json = serde_json::to_value(list()).unwrap();
    json["macos"]["platforms"][0]["releases"][0]["from"] = "twelve".into();
    let e = serde_json::from_value::<SupportedVersions>(json)
        .unwrap_err()
        .to_string();
    assert!(e.contains("'twelve' is not a version"), "{e}");
    let mut json = serde_json::to_value(list()).unwrap();
    json["macos"]["platforms"][0]["releases"][0]["before"] = "11".into();
    let e = serde_json::from_value::<SupportedVersions>(json)
        .unwrap_err()
        .to_string();
    assert!(e.contains("macos.platforms[0].releases[0].before"), "{e}");
}

#[test]
fn findings_have_a_tagged_serde_form() {
    let l = list().check_os(OsFamily::Linux, "ubuntu 20.04", date(2026, 3, 2));
    let json = serde_json::to_value(&l).unwrap();
    assert_eq!(json["status"], "end_of_life");
    assert_eq!(json["since"], "2025-05-31");
    assert_eq!(serde_json::from_value::<Lifecycle>(json).unwrap(), l);
    assert_eq!(
        serde_json::to_value(Lifecycle::Supported).unwrap(),
        serde_json::json!({"status": "supported"})
    );
}
