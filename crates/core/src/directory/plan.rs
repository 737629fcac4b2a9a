//! Plans and their limits.
//!
//! "All accounts receive 10 free users": `free` allows 10 users forever; `monthly` and `annual`
//! allow those 10 plus the seats the operator sold (a seat is a user beyond the free ones);
//! `jumpstart` is a trial with unlimited users until its end date, after which the org keeps
//! every record but cannot grow past the free limit until it moves to a paid plan.

use crate::error::CoreError;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Users every org may have for free, forever — on a paid plan too, where seats come on top.
pub const FREE_USER_LIMIT: u64 = 10;

/// The kind of plan an org is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PlanKind {
    Free,
    Monthly,
    Annual,
    Jumpstart,
}

impl PlanKind {
    /// Parses the wire name.
    pub fn parse(s: &str) -> Result<Self, CoreError> {
        match s {
            "free" => Ok(Self::Free),
            "monthly" => Ok(Self::Monthly),
            "annual" => Ok(Self::Annual),
            "jumpstart" => Ok(Self::Jumpstart),
            other => Err(CoreError::invalid(
                "plan",
                format!("unknown plan '{other}'; expected one of free, monthly, annual, jumpstart"),
            )),
        }
    }

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Free => "free",
            Self::Monthly => "monthly",
            Self::Annual => "annual",
            Self::Jumpstart => "jumpstart",
        }
    }

    /// Whether the plan is paid (full support, may execute the DPA).
    pub fn is_paying(self) -> bool {
        matches!(self, Self::Monthly | Self::Annual)
    }
}

impl fmt::Display for PlanKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An org's plan with its terms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    pub kind: PlanKind,
    /// Seats sold, for `monthly` and `annual`: users beyond the [`FREE_USER_LIMIT`] free ones.
    pub seats: Option<u64>,
    /// End of the trial, for `jumpstart`.
    pub trial_ends: Option<Timestamp>,
}

impl Plan {
    /// Builds a plan, checking that the terms fit the kind.
    pub fn new(
        kind: PlanKind,
        seats: Option<u64>,
        trial_ends: Option<Timestamp>,
    ) -> Result<Self, CoreError> {
        match kind {
            PlanKind::Free => {
                if seats.is_some() {
                    return Err(CoreError::invalid(
                        "seats",
                        "the free plan has no seats to set",
                    ));
                }
                if trial_ends.is_some() {
                    return Err(CoreError::invalid(
                        "trial_ends",
                        "only jumpstart has a trial end",
                    ));
                }
            }
            PlanKind::Monthly | PlanKind::Annual => {
                match seats {
                    None => {
                        return Err(CoreError::invalid(
                            "seats",
                            format!("the {kind} plan needs a seat count"),
                        ));
                    }
                    Some(0) => return Err(CoreError::invalid("seats", "must be at least 1")),
                    Some(_) => {}
                }
                if trial_ends.is_some() {
                    return Err(CoreError::invalid(
                        "trial_ends",
                        "only jumpstart has a trial end",
                    ));
                }
            }
            PlanKind::Jumpstart => {
                if seats.is_some() {
                    return Err(CoreError::invalid("seats", "jumpstart has unlimited users"));
                }
                if trial_ends.is_none() {
                    return Err(CoreError::invalid(
                        "trial_ends",
                        "jumpstart needs a trial end date",
                    ));
                }
            }
        }
        Ok(Self {
            kind,
            seats,
            trial_ends,
        })
    }

    /// The free plan.
    pub fn free() -> Self {
        Self {
            kind: PlanKind::Free,
            seats: None,
            trial_ends: None,
        }
    }

    /// How many users the org may have at `now`; `None` means unlimited.
    pub fn user_limit(&self, now: Timestamp) -> Option<u64> {
        match self.kind {
            PlanKind::Free => Some(FREE_USER_LIMIT),
            PlanKind::Monthly | PlanKind::Annual => {
                Some(FREE_USER_LIMIT.saturating_add(self.seats.unwrap_or(0)))
            }
            PlanKind::Jumpstart => match self.trial_ends {
                Some(end) if now < end => None,
                _ => Some(FREE_USER_LIMIT),
            },
        }
    }

    /// Whether a jumpstart trial has ended at `now`.
    pub fn trial_expired(&self, now: Timestamp) -> bool {
        self.kind == PlanKind::Jumpstart && self.trial_ends.is_none_or(|end| now >= end)
    }

    /// Checks that an org with `current` users may add `adding` more at `now`. The error names
    /// the plan, the limit and the way to lift it.
    pub fn check_growth(&self, current: u64, adding: u64, now: Timestamp) -> Result<(), CoreError> {
        let Some(limit) = self.user_limit(now) else {
            return Ok(());
        };
        if current.saturating_add(adding) <= limit {
            return Ok(());
        }
        Err(self.limit_error(limit, now))
    }

    /// The plan-limit error for this plan at `now`.
    pub fn limit_error(&self, limit: u64, now: Timestamp) -> CoreError {
        let (plan, remedy) = match self.kind {
            PlanKind::Free => (
                "free".to_string(),
                "upgrade to the monthly or annual plan, or start a JumpStart trial, to add more users"
                    .to_string(),
            ),
            PlanKind::Monthly | PlanKind::Annual => (
                format!(
                    "{} ({} seats + {FREE_USER_LIMIT} free users)",
                    self.kind,
                    self.seats.unwrap_or(0)
                ),
                "ask your provider for more seats on your plan".to_string(),
            ),
            PlanKind::Jumpstart if self.trial_expired(now) => (
                "jumpstart (trial ended)".to_string(),
                "the trial has ended and nothing was deleted; move to the monthly or annual plan \
                 to add users beyond the free limit"
                    .to_string(),
            ),
            PlanKind::Jumpstart => ("jumpstart".to_string(), "contact your provider".to_string()),
        };
        CoreError::PlanLimit {
            plan,
            limit,
            remedy,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap_or(Timestamp::UNIX_EPOCH)
    }

    #[test]
    fn free_allows_ten_and_refuses_the_eleventh_naming_plan_limit_and_way_out() {
        let p = Plan::free();
        let now = ts("2026-01-01T00:00:00Z");
        assert!(p.check_growth(9, 1, now).is_ok());
        let e = p
            .check_growth(10, 1, now)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(e.contains("free"), "{e}");
        assert!(e.contains("10"), "{e}");
        assert!(e.contains("upgrade"), "{e}");
    }

    /// "All accounts receive 10 free users": whatever the plan and its seats, the first ten
    /// users are free — a paid plan's seats are the users beyond them.
    #[test]
    fn every_plan_gets_ten_free_users_and_seats_come_on_top() {
        let now = ts("2026-01-01T00:00:00Z");
        let later = ts("2027-01-01T00:00:00Z");
        let plans = [
            Some(Plan::free()),
            Plan::new(PlanKind::Monthly, Some(1), None).ok(),
            Plan::new(PlanKind::Annual, Some(1), None).ok(),
            Plan::new(PlanKind::Jumpstart, None, Some(ts("2026-06-01T00:00:00Z"))).ok(),
        ];
        for p in plans.iter().flatten() {
            for at in [now, later] {
                let limit = p.user_limit(at);
                assert!(
                    limit.is_none_or(|l| l >= FREE_USER_LIMIT),
                    "{p:?} at {at}: {limit:?}"
                );
                assert!(p.check_growth(0, FREE_USER_LIMIT, at).is_ok(), "{p:?}");
            }
        }
        let monthly = Plan::new(PlanKind::Monthly, Some(5), None).ok();
        assert_eq!(monthly.map(|p| p.user_limit(now)), Some(Some(15)));
    }

    #[test]
    fn jumpstart_is_unlimited_until_its_end_then_free_limit() {
        let end = ts("2026-02-01T00:00:00Z");
        let p = Plan::new(PlanKind::Jumpstart, None, Some(end)).ok();
        let p = p.as_ref();
        assert!(p.is_some_and(|p| p.check_growth(5000, 1, ts("2026-01-31T23:59:59Z")).is_ok()));
        let e = p
            .and_then(|p| p.check_growth(5000, 1, end).err())
            .map(|e| e.to_string());
        assert!(e.is_some_and(|m| m.contains("trial ended") && m.contains("nothing was deleted")));
        assert!(p.is_some_and(|p| p.check_growth(9, 1, end).is_ok()));
    }

    #[test]
    fn paid_plans_need_seats_and_honour_them() {
        assert!(Plan::new(PlanKind::Monthly, None, None).is_err());
        assert!(Plan::new(PlanKind::Annual, Some(0), None).is_err());
        let p = Plan::new(PlanKind::Annual, Some(25), None).ok();
        let now = ts("2026-01-01T00:00:00Z");
        // 25 seats on top of the 10 free users.
        assert!(
            p.as_ref()
                .is_some_and(|p| p.check_growth(34, 1, now).is_ok())
        );
        let e = p
            .as_ref()
            .and_then(|p| p.check_growth(35, 1, now).err())
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            e.contains("annual") && e.contains("35") && e.contains("seats"),
            "{e}"
        );
        assert!(Plan::new(PlanKind::Free, Some(3), None).is_err());
        assert!(Plan::new(PlanKind::Jumpstart, None, None).is_err());
    }
}
