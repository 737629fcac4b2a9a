//! An organization's own retention choice. The statement promises "we will retain your data
//! for as long as you continue using our services", so the provider deletes nothing of an
//! active organization on its own: the files of closed tickets stay while the organization
//! uses the service, unless the organization's admins opt into a shorter period — their
//! setting, not the provider's.

use crate::error::{CoreError, CoreResult};
use crate::ids::{OrgId, UserId};
use jiff::{SignedDuration, Timestamp};
use serde::Serialize;

/// The longest period an admin may choose, in days (ten years).
pub const MAX_DAYS: u32 = 3650;

/// What an organization chose for the files of its closed tickets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct OrgRetention {
    pub org: OrgId,
    /// Days after a ticket is closed that its files are deleted; `None`: kept while the
    /// organization uses the service.
    pub attachment_days: Option<u32>,
    /// The admin who chose it.
    pub set_by: UserId,
    pub set_at: Timestamp,
}

impl OrgRetention {
    /// How long files of closed tickets are kept, when the org opted into a limit.
    pub fn attachment_period(&self) -> Option<SignedDuration> {
        self.attachment_days
            .map(|d| SignedDuration::from_hours(24 * i64::from(d)))
    }

    /// The choice in words.
    pub fn describe(choice: Option<u32>) -> String {
        match choice {
            None => "kept while the organization uses the service".into(),
            Some(1) => "deleted 1 day after the ticket is closed".into(),
            Some(d) => format!("deleted {d} days after the ticket is closed"),
        }
    }
}

/// Checks an admin's choice of days.
pub fn check_days(days: u32) -> CoreResult<u32> {
    if (1..=MAX_DAYS).contains(&days) {
        Ok(days)
    } else {
        Err(CoreError::invalid(
            "attachment_days",
            format!(
                "must be 1-{MAX_DAYS} days, or none to keep the files while the organization \
                 uses the service"
            ),
        ))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn an_admin_chooses_between_one_day_and_ten_years() {
        assert!(check_days(0).is_err());
        assert_eq!(check_days(90).unwrap(), 90);
        assert!(check_days(MAX_DAYS + 1).is_err());
        assert_eq!(
            OrgRetention::describe(None),
            "kept while the organization uses the service"
        );
        assert_eq!(
            OrgRetention::describe(Some(30)),
            "deleted 30 days after the ticket is closed"
        );
    }
}
