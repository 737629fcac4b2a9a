//! The default supported-versions list: the provider's starting data, which an operator
//! edits as vendors publish dates (it is the "current list of the versions … we support" the
//! policy points to).
//!
//! Sources and rules for the dates:
//! - **Windows**: Microsoft's end-of-servicing dates. Windows 10 as a whole ended on
//!   2025-10-14 (earlier feature updates are out of date: 22H2, build 19045, is the minimum).
//!   Each Windows 11 feature update is its own release, with the **Home and Pro** date — the
//!   earliest of the editions; Enterprise and Education get a year longer, which an operator
//!   whose customers run those editions may enter instead. Windows versions are the build
//!   numbers the agent reports (`10.0.22631`), not marketing names.
//! - **macOS**: Apple publishes no end-of-life dates and in practice patches the current and
//!   the two previous major versions. A major version is taken to reach end of life on the day
//!   the third newer one shipped: macOS 12 on 2024-09-16 (macOS 15), macOS 13 on 2025-09-15
//!   (macOS 26). Later dates are left open until that release ships.
//! - **Ubuntu**: the end of Canonical's standard security maintenance (not the paid Ubuntu Pro
//!   extension): 20.04 LTS on 2025-05-31. 22.04, 24.04 and 26.04 LTS are announced by month
//!   only (2027, 2029, 2031), so their days are left open. Interim releases are not listed.
//! - **Red Hat Enterprise Linux**: the end of Maintenance Support: 8 on 2029-05-31 (and only
//!   8.10, the last minor release, is still patched), 9 on 2032-05-31, 10 on 2035-05-31.
//! - **Debian**: the end of the free Debian LTS support: 11 on 2026-08-31, 12 on 2028-06-30;
//!   13's date is not yet announced.
//! - **Agent**: 2.5.0 on every family, a placeholder the operator sets to its agent releases.

use super::{FamilyVersions, Platform, Release, SupportedVersions, SupportedVersionsSpec};
use crate::error::CoreResult;
use crate::support::version::Version;
use jiff::civil::{Date, date};

/// A release from its name, versions `[from, before)`, end of life and minimum.
fn release(
    name: &str,
    from: &str,
    before: &str,
    end_of_life: Option<Date>,
    minimum: Option<&str>,
) -> CoreResult<Release> {
    Ok(Release {
        name: name.to_string(),
        from: Version::parse(from)?,
        before: Version::parse(before)?,
        end_of_life,
        minimum: minimum.map(Version::parse).transpose()?,
    })
}

fn platform(
    name: &str,
    aliases: &[&str],
    minimum: &str,
    releases: Vec<Release>,
) -> CoreResult<Platform> {
    Ok(Platform {
        name: name.to_string(),
        aliases: aliases.iter().map(|a| a.to_string()).collect(),
        minimum: Version::parse(minimum)?,
        releases,
    })
}

impl SupportedVersions {
    /// The provider's default list (see the module documentation of `defaults` for where each
    /// date comes from). Fails only if the built-in data is malformed, which the tests rule
    /// out.
    pub fn default_policy() -> CoreResult<Self> {
        let windows = platform(
            "Windows",
            &["windows", "microsoft windows"],
            "10.0.19045",
            vec![
                release(
                    "Windows 10",
                    "10.0.10240",
                    "10.0.19046",
                    Some(date(2025, 10, 14)),
                    Some("10.0.19045"),
                )?,
                release(
                    "Windows 11 21H2",
                    "10.0.22000",
                    "10.0.22001",
                    Some(date(2023, 10, 10)),
                    None,
                )?,
                release(
                    "Windows 11 22H2",
                    "10.0.22621",
                    "10.0.22622",
                    Some(date(2024, 10, 8)),
                    None,
                )?,
                release(
                    "Windows 11 23H2",
                    "10.0.22631",
                    "10.0.22632",
                    Some(date(2025, 11, 11)),
                    None,
                )?,
                release(
                    "Windows 11 24H2",
                    "10.0.26100",
                    "10.0.26101",
                    Some(date(2026, 10, 13)),
                    None,
                )?,
                release(
                    "Windows 11 25H2",
                    "10.0.26200",
                    "10.0.26201",
                    Some(date(2027, 10, 12)),
                    None,
                )?,
            ],
        )?;
        let macos = platform(
            "macOS",
            &["macos", "mac os x", "os x", "mac os"],
            "12",
            vec![
                release(
                    "macOS 12 Monterey",
                    "12",
                    "13",
                    Some(date(2024, 9, 16)),
                    None,
                )?,
                release(
                    "macOS 13 Ventura",
                    "13",
                    "14",
                    Some(date(2025, 9, 15)),
                    None,
                )?,
                release("macOS 14 Sonoma", "14", "15", None, None)?,
                release("macOS 15 Sequoia", "15", "16", None, None)?,
                release("macOS 26 Tahoe", "26", "27", None, None)?,
            ],
        )?;
        let ubuntu = platform(
            "Ubuntu",
            &["ubuntu"],
            "20.04",
            vec![
                release(
                    "Ubuntu 20.04 LTS",
                    "20.04",
                    "20.05",
                    Some(date(2025, 5, 31)),
                    None,
                )?,
                release("Ubuntu 22.04 LTS", "22.04", "22.05", None, None)?,
                release("Ubuntu 24.04 LTS", "24.04", "24.05", None, None)?,
                release("Ubuntu 26.04 LTS", "26.04", "26.05", None, None)?,
            ],
        )?;
        let rhel = platform(
            "Red Hat Enterprise Linux",
            &["red hat enterprise linux", "redhat", "rhel"],
            "8",
            vec![
                release("RHEL 8", "8", "9", Some(date(2029, 5, 31)), Some("8.10"))?,
                release("RHEL 9", "9", "10", Some(date(2032, 5, 31)), None)?,
                release("RHEL 10", "10", "11", Some(date(2035, 5, 31)), None)?,
            ],
        )?;
        let debian = platform(
            "Debian",
            &["debian"],
            "11",
            vec![
                release(
                    "Debian 11 bullseye",
                    "11",
                    "12",
                    Some(date(2026, 8, 31)),
                    None,
                )?,
                release(
                    "Debian 12 bookworm",
                    "12",
                    "13",
                    Some(date(2028, 6, 30)),
                    None,
                )?,
                release("Debian 13 trixie", "13", "14", None, None)?,
            ],
        )?;
        let agent = || Version::parse("2.5.0");
        Self::new(SupportedVersionsSpec {
            windows: FamilyVersions {
                agent_minimum: agent()?,
                platforms: vec![windows],
            },
            macos: FamilyVersions {
                agent_minimum: agent()?,
                platforms: vec![macos],
            },
            linux: FamilyVersions {
                agent_minimum: agent()?,
                platforms: vec![ubuntu, rhel, debian],
            },
        })
    }
}
