//! Is a customer's system supported, end of life, or out of date?
//!
//! The provider's support policy says: "If your systems are End of Life, unpatched, or
//! otherwise out of date, our policy is to request an update to your systems before we
//! provide support. For a current list of the versions of hardware and software we support,
//! please check our Knowledge Base." That list is data here — a [`SupportedVersionsSpec`] an
//! operator edits, validated into [`SupportedVersions`] — and [`SupportedVersions::check`]
//! reads a [`System`]'s reported OS version and agent version against it on a given day.
//!
//! The list has, per [`OsFamily`], the minimum skydir agent version and one or more
//! *platforms* (Windows; macOS; Ubuntu, Red Hat Enterprise Linux, Debian). A platform has the
//! oldest version supported at all and its *releases*: a name, the versions that belong to it
//! (`from` inclusive, `before` exclusive), its end-of-life date if known, and optionally the
//! lowest patch level of it that is supported. A Linux system's `os_version` names its
//! distribution (`ubuntu 22.04`, `Red Hat Enterprise Linux 9.4`, `debian 12`); a bare version
//! is read against the family's only platform, and is ambiguous when there are several.
//!
//! For the OS, in this order:
//! 1. A release whose end of life is on or before `today` ⇒ [`Lifecycle::EndOfLife`].
//! 2. Older than the platform's minimum, or than the release's minimum patch level ⇒
//!    [`Lifecycle::OutOfDate`].
//! 3. In no listed release (an unknown distribution, an unparseable version, a version newer
//!    than or between the listed releases) ⇒ [`Lifecycle::Unlisted`]: the desk cannot tell,
//!    so it asks instead of refusing.
//! 4. Otherwise [`Lifecycle::Supported`].
//!
//! The agent: no reported version ⇒ `Unlisted`; older than the family's minimum ⇒
//! `OutOfDate`. [`SupportedVersions::check`] gives the most pressing of the two findings
//! (end of life, then out of date, then unlisted; the OS before the agent on a tie).

mod defaults;

use super::version::Version;
use crate::directory::system::{OsFamily, System};
use crate::error::{CoreError, CoreResult};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// One release of a platform, e.g. "Ubuntu 22.04 LTS" or "Windows 11 24H2".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Release {
    /// The name customers know it by.
    pub name: String,
    /// The first version belonging to the release.
    pub from: Version,
    /// The first version after it; versions in `[from, before)` belong to the release.
    pub before: Version,
    /// The day the vendor stops security updates, if known; from that day on the release is
    /// end of life.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_of_life: Option<Date>,
    /// The lowest (patched) version of the release that is supported, if above `from`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minimum: Option<Version>,
}

/// An operating system of a family, e.g. Ubuntu among the Linux systems.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Platform {
    /// Its name, e.g. "Ubuntu".
    pub name: String,
    /// The lowercase names that may start a reported `os_version`, e.g. `ubuntu`, `rhel`.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// The oldest version supported at all.
    pub minimum: Version,
    /// Its releases.
    pub releases: Vec<Release>,
}

/// What is supported of one OS family.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FamilyVersions {
    /// The oldest skydir agent supported on this family.
    pub agent_minimum: Version,
    /// Its platforms.
    pub platforms: Vec<Platform>,
}

/// The supported-versions list as written: the unvalidated serde form of
/// [`SupportedVersions`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupportedVersionsSpec {
    pub windows: FamilyVersions,
    pub macos: FamilyVersions,
    pub linux: FamilyVersions,
}

/// Where a system stands. `what` names the thing in the customer's terms; `advice` is the
/// sentence shown to the customer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Lifecycle {
    /// Supported.
    Supported,
    /// The release reached end of life on `since`.
    EndOfLife {
        what: String,
        since: Date,
        advice: String,
    },
    /// Older than the supported `minimum` (unpatched or otherwise out of date).
    OutOfDate {
        what: String,
        minimum: Version,
        advice: String,
    },
    /// Not in the list, so the desk cannot tell; it asks rather than refuses.
    Unlisted { what: String, advice: String },
}

impl Lifecycle {
    /// Whether the policy asks for an update before support is given.
    pub fn needs_update(&self) -> bool {
        matches!(self, Self::EndOfLife { .. } | Self::OutOfDate { .. })
    }

    /// How pressing the finding is: end of life, then out of date, then unlisted.
    fn rank(&self) -> u8 {
        match self {
            Self::Supported => 0,
            Self::Unlisted { .. } => 1,
            Self::OutOfDate { .. } => 2,
            Self::EndOfLife { .. } => 3,
        }
    }
}

/// The validated supported-versions list. Build with [`SupportedVersions::new`];
/// deserializing goes through the same checks, and serializing writes the spec.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "SupportedVersionsSpec", into = "SupportedVersionsSpec")]
pub struct SupportedVersions {
    spec: SupportedVersionsSpec,
}

const UPDATE_FIRST: &str = "Our policy is to ask you to update your systems before we provide \
                            support";
const SEE_KB: &str = "The current list of the versions we support is in our Knowledge Base.";

impl SupportedVersions {
    /// Checks a written list: names and lowercase aliases present and unique within a family
    /// (every platform of a family with several needs an alias), releases that end after they
    /// start, do not overlap and keep their minimum inside themselves. Releases are kept
    /// sorted. Errors name the field, e.g. `linux.platforms[0].releases[1].before`.
    pub fn new(mut spec: SupportedVersionsSpec) -> CoreResult<Self> {
        for family in [OsFamily::Windows, OsFamily::Macos, OsFamily::Linux] {
            let versions = match family {
                OsFamily::Windows => &mut spec.windows,
                OsFamily::Macos => &mut spec.macos,
                OsFamily::Linux => &mut spec.linux,
            };
            check_family(family, versions)?;
        }
        Ok(Self { spec })
    }

    /// The list as written (releases sorted).
    pub fn spec(&self) -> &SupportedVersionsSpec {
        &self.spec
    }

    /// What is supported of `family`.
    pub fn family(&self, family: OsFamily) -> &FamilyVersions {
        match family {
            OsFamily::Windows => &self.spec.windows,
            OsFamily::Macos => &self.spec.macos,
            OsFamily::Linux => &self.spec.linux,
        }
    }

    /// Where `system` stands on `today`: the most pressing of [`check_os`](Self::check_os)
    /// and — when the system reports a skydir agent — [`check_agent`](Self::check_agent), the
    /// OS first on a tie. A system without an agent (one joined over LDAP: the agent is not
    /// released yet) is judged by its OS alone.
    pub fn check(&self, system: &System, today: Date) -> Lifecycle {
        let os = self.check_os(system.os_family, &system.os_version, today);
        let Some(reported) = system.agent_version.as_deref() else {
            return os;
        };
        let agent = self.check_agent(system.os_family, Some(reported));
        if agent.rank() > os.rank() { agent } else { os }
    }

    /// Where an OS of `family` reporting `os_version` stands on `today`.
    pub fn check_os(&self, family: OsFamily, os_version: &str, today: Date) -> Lifecycle {
        let reported = os_version.trim();
        let Some((platform, rest)) = self.platform(family, reported) else {
            let names: Vec<&str> = self
                .family(family)
                .platforms
                .iter()
                .map(|p| p.name.as_str())
                .collect();
            return unlisted(
                reported,
                format!(
                    "We could not tell which {} system '{reported}' is (we support {}). Please \
                     tell us the exact operating system and version of this system. {SEE_KB}",
                    family.as_str(),
                    names.join(", ")
                ),
            );
        };
        let version = match rest
            .split_whitespace()
            .find(|t| t.starts_with(|c: char| c.is_ascii_digit()))
            .ok_or_else(|| CoreError::invalid("version", "no version number found"))
            .and_then(Version::parse_reported)
        {
            Ok(v) => v,
            Err(e) => {
                let why = match e {
                    CoreError::Invalid { reason, .. } => reason,
                    other => other.to_string(),
                };
                return unlisted(
                    reported,
                    format!(
                        "We could not read the {} version '{reported}' ({why}). Please tell us \
                         the exact version of this system. {SEE_KB}",
                        platform.name
                    ),
                );
            }
        };
        let release = platform
            .releases
            .iter()
            .find(|r| r.from <= version && version < r.before);
        if let Some(r) = release
            && let Some(eol) = r.end_of_life
            && eol <= today
        {
            return Lifecycle::EndOfLife {
                what: r.name.clone(),
                since: eol,
                advice: format!(
                    "{} reached end of life on {eol}. {UPDATE_FIRST}: please update this system \
                     to a supported version. {SEE_KB}",
                    r.name
                ),
            };
        }
        let minimum = release
            .and_then(|r| r.minimum.as_ref())
            .filter(|m| version < **m)
            .or(Some(&platform.minimum).filter(|m| version < **m));
        if let Some(minimum) = minimum {
            let what = format!("{} {}", platform.name, version);
            return Lifecycle::OutOfDate {
                advice: format!(
                    "{what} is older than {minimum}, the oldest version we support. \
                     {UPDATE_FIRST}: please update this system to {} {minimum} or later. \
                     {SEE_KB}",
                    platform.name
                ),
                what,
                minimum: minimum.clone(),
            };
        }
        if release.is_none() {
            return unlisted(
                reported,
                format!(
                    "{} {version} is not in our list of supported versions. Please check the \
                     current list in our Knowledge Base; we will tell you if this system needs \
                     an update.",
                    platform.name
                ),
            );
        }
        Lifecycle::Supported
    }

    /// Where the skydir agent of a system of `family` stands, from the version it reported.
    pub fn check_agent(&self, family: OsFamily, agent_version: Option<&str>) -> Lifecycle {
        let what = "the skydir agent".to_string();
        let Some(reported) = agent_version.map(str::trim).filter(|v| !v.is_empty()) else {
            return Lifecycle::Unlisted {
                what,
                advice: "This system has not reported which version of the skydir agent it \
                         runs. Please make sure the agent is installed and running, or tell us \
                         its version."
                    .to_string(),
            };
        };
        let version = match Version::parse_reported(reported) {
            Ok(v) => v,
            Err(_) => {
                return Lifecycle::Unlisted {
                    what,
                    advice: format!(
                        "We could not read the skydir agent version '{reported}'. Please tell \
                         us the version of the agent on this system."
                    ),
                };
            }
        };
        let minimum = &self.family(family).agent_minimum;
        if version < *minimum {
            return Lifecycle::OutOfDate {
                what: format!("the skydir agent {version}"),
                minimum: minimum.clone(),
                advice: format!(
                    "The skydir agent {version} on this system is older than {minimum}, the \
                     oldest version we support. {UPDATE_FIRST}: please update the agent to \
                     {minimum} or later. {SEE_KB}"
                ),
            };
        }
        Lifecycle::Supported
    }

    /// The platform of `family` that `reported` names, with the rest of the text: the one
    /// whose longest alias starts it, else the family's only platform.
    fn platform<'s>(&self, family: OsFamily, reported: &'s str) -> Option<(&Platform, &'s str)> {
        let platforms = &self.family(family).platforms;
        let mut best: Option<(&Platform, usize)> = None;
        for p in platforms {
            for alias in &p.aliases {
                let starts = reported
                    .get(..alias.len())
                    .is_some_and(|head| head.eq_ignore_ascii_case(alias));
                let boundary = reported
                    .get(alias.len()..)
                    .is_some_and(|rest| rest.chars().next().is_none_or(|c| !c.is_alphabetic()));
                if starts && boundary && best.is_none_or(|(_, len)| alias.len() > len) {
                    best = Some((p, alias.len()));
                }
            }
        }
        match best {
            Some((p, len)) => Some((p, reported.get(len..).unwrap_or(""))),
            None if platforms.len() == 1 => platforms.first().map(|p| (p, reported)),
            None => None,
        }
    }
}

impl TryFrom<SupportedVersionsSpec> for SupportedVersions {
    type Error = CoreError;
    fn try_from(spec: SupportedVersionsSpec) -> CoreResult<Self> {
        Self::new(spec)
    }
}

impl From<SupportedVersions> for SupportedVersionsSpec {
    fn from(v: SupportedVersions) -> Self {
        v.spec
    }
}

fn unlisted(reported: &str, advice: String) -> Lifecycle {
    Lifecycle::Unlisted {
        what: if reported.is_empty() {
            "this system's operating system".to_string()
        } else {
            reported.to_string()
        },
        advice,
    }
}

fn check_family(family: OsFamily, v: &mut FamilyVersions) -> CoreResult<()> {
    let f = family.as_str();
    if v.platforms.is_empty() {
        return Err(CoreError::invalid(
            format!("{f}.platforms"),
            format!("list at least one {f} platform"),
        ));
    }
    let several = v.platforms.len() > 1;
    let mut names: Vec<String> = Vec::new();
    let mut aliases: Vec<String> = Vec::new();
    for (i, p) in v.platforms.iter_mut().enumerate() {
        let at = format!("{f}.platforms[{i}]");
        let name = p.name.trim().to_lowercase();
        if name.is_empty() {
            return Err(CoreError::invalid(
                format!("{at}.name"),
                "a platform needs a name",
            ));
        }
        if names.contains(&name) {
            return Err(CoreError::invalid(
                format!("{at}.name"),
                format!("'{}' is listed twice", p.name),
            ));
        }
        names.push(name);
        if several && p.aliases.is_empty() {
            return Err(CoreError::invalid(
                format!("{at}.aliases"),
                format!(
                    "{f} has several platforms, so '{}' needs a name that starts its reported \
                     versions, e.g. '{}'",
                    p.name,
                    p.name.to_lowercase()
                ),
            ));
        }
        for (j, alias) in p.aliases.iter().enumerate() {
            let ok = !alias.trim().is_empty()
                && alias.trim() == alias
                && alias.is_ascii()
                && !alias
                    .chars()
                    .any(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
            if !ok {
                return Err(CoreError::invalid(
                    format!("{at}.aliases[{j}]"),
                    format!("'{alias}' must be lowercase ASCII words without digits"),
                ));
            }
            if aliases.contains(alias) {
                return Err(CoreError::invalid(
                    format!("{at}.aliases[{j}]"),
                    format!("'{alias}' names two {f} platforms"),
                ));
            }
            aliases.push(alias.clone());
        }
        p.releases.sort_by(|a, b| a.from.cmp(&b.from));
        for (j, r) in p.releases.iter().enumerate() {
            let at = format!("{at}.releases[{j}]");
            if r.name.trim().is_empty() {
                return Err(CoreError::invalid(
                    format!("{at}.name"),
                    "a release needs a name",
                ));
            }
            if r.before <= r.from {
                return Err(CoreError::invalid(
                    format!("{at}.before"),
                    format!(
                        "{}: versions run from {} before {}, which is empty",
                        r.name, r.from, r.before
                    ),
                ));
            }
            if let Some(m) = &r.minimum
                && !(r.from <= *m && *m < r.before)
            {
                return Err(CoreError::invalid(
                    format!("{at}.minimum"),
                    format!(
                        "{}: the minimum {m} is not a version of the release ({} before {})",
                        r.name, r.from, r.before
                    ),
                ));
            }
        }
        for (j, pair) in p.releases.windows(2).enumerate() {
            if let [a, b] = pair
                && b.from < a.before
            {
                return Err(CoreError::invalid(
                    format!("{at}.releases[{}].from", j + 1),
                    format!(
                        "{} overlaps {} (which runs before {})",
                        b.name, a.name, a.before
                    ),
                ));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
