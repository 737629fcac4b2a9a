//! SLA targets: how much business time the provider gives itself to first respond to and to
//! resolve a ticket, by severity and plan class, and when a ticket counts as near its breach.
//!
//! The provider's support policy says "Target response times, along with time to resolution,
//! will vary based on severity" and that paying customers "receive the benefit of full
//! support assistance". The numbers are not in the policy, so they are data
//! ([`SlaTargetsSpec`]) an operator can set; [`SlaTargets::default_policy`] is the provider's
//! default. Durations are *business* time, counted by the [`sla_clock`](super::sla_clock) on
//! a support [`Calendar`](super::Calendar): on the policy calendar (09:00–17:00) one business
//! day is 8 business hours, and that is how the defaults below are written.
//!
//! Default policy (first response / resolution, business time):
//!
//! | severity | paying (monthly, annual, JumpStart trial) | free (best effort) |
//! |----------|-------------------------------------------|--------------------|
//! | S1       | 1 h / 1 day (8 h)                         | 1 day / 5 days     |
//! | S2       | 4 h / 3 days (24 h)                       | 2 days / 10 days   |
//! | S3       | 8 h / 5 days (40 h)                       | 3 days / 15 days   |
//! | S4       | 2 days (16 h) / 10 days (80 h)            | 5 days / 20 days   |
//!
//! A JumpStart org counts as paying while its trial runs and as free once it has ended.
//! Free targets are *best effort*: the desk orders and escalates by them, but does not promise
//! them to the customer. A ticket is near its breach once 75% of its target has elapsed or
//! less than one business hour is left, whichever comes first — so a target of one business
//! hour or less is near its breach from the start.

use super::severity::Severity;
use super::sla_clock::{ClockState, SlaStatus};
use crate::directory::plan::{Plan, PlanKind};
use crate::error::{CoreError, CoreResult};
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

/// Which column of targets applies to an org.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlanClass {
    /// Monthly and annual plans, and a JumpStart trial while it runs.
    Paying,
    /// The free plan, and a JumpStart org whose trial has ended.
    Free,
}

impl PlanClass {
    /// The class of `plan` at instant `at` (e.g. when the ticket was opened).
    pub fn of(plan: &Plan, at: Timestamp) -> Self {
        match plan.kind {
            PlanKind::Monthly | PlanKind::Annual => Self::Paying,
            PlanKind::Jumpstart if !plan.trial_expired(at) => Self::Paying,
            PlanKind::Jumpstart | PlanKind::Free => Self::Free,
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Self::Paying => "paying",
            Self::Free => "free",
        }
    }
}

/// The two targets of a ticket, in business time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Targets {
    /// From opening to the first answer by a person.
    pub first_response: SignedDuration,
    /// From opening to resolution.
    pub resolution: SignedDuration,
}

/// The targets of one plan class, per severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClassTargets {
    /// Whether these targets are aims rather than commitments to the customer.
    pub best_effort: bool,
    pub s1: Targets,
    pub s2: Targets,
    pub s3: Targets,
    pub s4: Targets,
}

impl ClassTargets {
    /// The targets of `severity`.
    pub fn get(&self, severity: Severity) -> Targets {
        match severity {
            Severity::S1 => self.s1,
            Severity::S2 => self.s2,
            Severity::S3 => self.s3,
            Severity::S4 => self.s4,
        }
    }
}

/// When a running target counts as near its breach: once `percent_elapsed` percent of it has
/// elapsed, or once no more than `remaining` is left — whichever comes first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct NearBreach {
    /// 1–99.
    pub percent_elapsed: u8,
    /// Business time left at or below which the target is near its breach; zero to rely on
    /// the percentage alone.
    pub remaining: SignedDuration,
}

/// The SLA targets as written: the unvalidated serde form of [`SlaTargets`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlaTargetsSpec {
    pub paying: ClassTargets,
    pub free: ClassTargets,
    pub near_breach: NearBreach,
}

/// Where a running target stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Urgency {
    /// Not breached, and either not near its breach or not running (paused, stopped).
    OnTrack,
    /// Running and past the near-breach threshold: escalate.
    NearBreach,
    /// Breached.
    Breached,
}

/// Validated SLA targets. Build with [`SlaTargets::new`]; deserializing goes through the same
/// checks, and serializing writes the [`SlaTargetsSpec`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "SlaTargetsSpec", into = "SlaTargetsSpec")]
pub struct SlaTargets {
    spec: SlaTargetsSpec,
}

impl SlaTargets {
    /// Checks written targets: every target positive; first response no later than
    /// resolution; a less urgent severity never faster than a more urgent one; free never
    /// faster than paying; a near-breach percentage of 1–99 and a non-negative remainder.
    /// Errors name the field, e.g. `paying.s2.resolution`.
    pub fn new(spec: SlaTargetsSpec) -> CoreResult<Self> {
        for class in [PlanClass::Paying, PlanClass::Free] {
            let targets = Self::class_of(&spec, class);
            let mut previous: Option<(Severity, Targets)> = None;
            for s in Severity::ALL {
                let t = targets.get(s);
                let at = |field: &str| format!("{}.{}.{field}", class.as_str(), s.as_str());
                for (field, d) in [
                    ("first_response", t.first_response),
                    ("resolution", t.resolution),
                ] {
                    if !d.is_positive() {
                        return Err(CoreError::invalid(
                            at(field),
                            format!("a target must be positive, got {d:#}"),
                        ));
                    }
                }
                if t.first_response > t.resolution {
                    return Err(CoreError::invalid(
                        at("first_response"),
                        format!(
                            "the first response ({:#}) may not come after the resolution ({:#})",
                            t.first_response, t.resolution
                        ),
                    ));
                }
                if let Some((p, pt)) = previous {
                    for (field, mine, theirs) in [
                        ("first_response", t.first_response, pt.first_response),
                        ("resolution", t.resolution, pt.resolution),
                    ] {
                        if mine < theirs {
                            return Err(CoreError::invalid(
                                at(field),
                                format!(
                                    "{mine:#} is faster than {p}'s {theirs:#}; a less urgent \
                                     severity never gets a faster target"
                                ),
                            ));
                        }
                    }
                }
                previous = Some((s, t));
            }
        }
        for s in Severity::ALL {
            let (paying, free) = (spec.paying.get(s), spec.free.get(s));
            for (field, f, p) in [
                ("first_response", free.first_response, paying.first_response),
                ("resolution", free.resolution, paying.resolution),
            ] {
                if f < p {
                    return Err(CoreError::invalid(
                        format!("free.{}.{field}", s.as_str()),
                        format!(
                            "{f:#} is faster than the paying target of {p:#}; paying customers \
                             receive full support, so free targets are never faster"
                        ),
                    ));
                }
            }
        }
        let nb = spec.near_breach;
        if !(1..=99).contains(&nb.percent_elapsed) {
            return Err(CoreError::invalid(
                "near_breach.percent_elapsed",
                format!("must be 1-99, got {}", nb.percent_elapsed),
            ));
        }
        if nb.remaining.is_negative() {
            return Err(CoreError::invalid(
                "near_breach.remaining",
                format!("must not be negative, got {:#}", nb.remaining),
            ));
        }
        Ok(Self { spec })
    }

    /// The provider's default targets (see the module documentation for the table).
    pub fn default_policy() -> Self {
        const HOUR: i64 = 1;
        const DAY: i64 = 8 * HOUR;
        let t = |first: i64, resolve: i64| Targets {
            first_response: SignedDuration::from_hours(first),
            resolution: SignedDuration::from_hours(resolve),
        };
        Self {
            spec: SlaTargetsSpec {
                paying: ClassTargets {
                    best_effort: false,
                    s1: t(HOUR, DAY),
                    s2: t(4 * HOUR, 3 * DAY),
                    s3: t(8 * HOUR, 5 * DAY),
                    s4: t(2 * DAY, 10 * DAY),
                },
                free: ClassTargets {
                    best_effort: true,
                    s1: t(DAY, 5 * DAY),
                    s2: t(2 * DAY, 10 * DAY),
                    s3: t(3 * DAY, 15 * DAY),
                    s4: t(5 * DAY, 20 * DAY),
                },
                near_breach: NearBreach {
                    percent_elapsed: 75,
                    remaining: SignedDuration::from_hours(1),
                },
            },
        }
    }

    /// The targets for a ticket of `severity` opened at `at` by an org on `plan`.
    pub fn targets_for(&self, plan: &Plan, severity: Severity, at: Timestamp) -> Targets {
        self.for_class(PlanClass::of(plan, at), severity)
    }

    /// The targets of `severity` for a plan class.
    pub fn for_class(&self, class: PlanClass, severity: Severity) -> Targets {
        Self::class_of(&self.spec, class).get(severity)
    }

    /// Whether the class's targets are aims rather than commitments.
    pub fn is_best_effort(&self, class: PlanClass) -> bool {
        Self::class_of(&self.spec, class).best_effort
    }

    /// The near-breach threshold.
    pub fn near_breach(&self) -> NearBreach {
        self.spec.near_breach
    }

    /// Where a clock with `target` stands, from its reading (see
    /// [`sla_status`](super::sla_status)): breached, near its breach (only while running —
    /// a paused or stopped clock does not move), or on track.
    pub fn urgency(&self, target: SignedDuration, status: &SlaStatus) -> Urgency {
        if status.is_breached() {
            return Urgency::Breached;
        }
        if status.state != Some(ClockState::Running) {
            return Urgency::OnTrack;
        }
        let nb = self.spec.near_breach;
        let by_share = status.elapsed.as_nanos().saturating_mul(100)
            >= target
                .as_nanos()
                .saturating_mul(i128::from(nb.percent_elapsed));
        if by_share || status.remaining <= nb.remaining {
            Urgency::NearBreach
        } else {
            Urgency::OnTrack
        }
    }

    /// The targets as written.
    pub fn spec(&self) -> &SlaTargetsSpec {
        &self.spec
    }

    fn class_of(spec: &SlaTargetsSpec, class: PlanClass) -> &ClassTargets {
        match class {
            PlanClass::Paying => &spec.paying,
            PlanClass::Free => &spec.free,
        }
    }
}

impl Default for SlaTargets {
    fn default() -> Self {
        Self::default_policy()
    }
}

impl TryFrom<SlaTargetsSpec> for SlaTargets {
    type Error = CoreError;
    fn try_from(spec: SlaTargetsSpec) -> CoreResult<Self> {
        Self::new(spec)
    }
}

impl From<SlaTargets> for SlaTargetsSpec {
    fn from(t: SlaTargets) -> Self {
        t.spec
    }
}

#[cfg(test)]
mod tests;
