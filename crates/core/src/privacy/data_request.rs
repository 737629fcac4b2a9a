//! Data subjects' requests (GDPR Art. 12, 15–18): access, erasure, rectification and
//! restriction. A request from a signed-in person is theirs by their login; one that arrives
//! without a login (the public form) first proves control of the address through a mailed link
//! — nothing is disclosed or deleted before. Each request is due one month after it is received
//! (Art. 12(3)); the organization may extend it once, by up to two further months, telling the
//! person why; its admins are reminded a week before it is due.

use crate::error::{CoreError, CoreResult};
use crate::ids::{DataRequestId, OrgId, UserId};
use jiff::{SignedDuration, Timestamp, ToSpan};
use serde::{Deserialize, Serialize};

/// What is asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestKind {
    Access,
    Erasure,
    Rectification,
    Restriction,
}

impl RequestKind {
    pub fn parse(s: &str) -> CoreResult<Self> {
        match s {
            "access" => Ok(Self::Access),
            "erasure" => Ok(Self::Erasure),
            "rectification" => Ok(Self::Rectification),
            "restriction" => Ok(Self::Restriction),
            _ => Err(CoreError::invalid(
                "kind",
                "must be access, erasure, rectification or restriction",
            )),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Access => "access",
            Self::Erasure => "erasure",
            Self::Rectification => "rectification",
            Self::Restriction => "restriction",
        }
    }
}

/// Where a request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestState {
    /// Waiting for the person to open the mailed link.
    AwaitingVerification,
    Open,
    Completed,
    Rejected,
}

impl RequestState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::AwaitingVerification => "awaiting_verification",
            Self::Open => "open",
            Self::Completed => "completed",
            Self::Rejected => "rejected",
        }
    }
}

/// An extension of the deadline (Art. 12(3)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Extension {
    pub reason: String,
    pub at: Timestamp,
    pub previous_due: Timestamp,
}

/// A data subject's request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataRequest {
    pub id: DataRequestId,
    pub org: OrgId,
    pub kind: RequestKind,
    /// The person, once known (at once for a signed-in request, at verification otherwise).
    pub subject: Option<UserId>,
    /// The address the request came from, where answers go.
    pub email: String,
    /// What they ask, in their words.
    pub details: String,
    /// `self_service` (signed in) or `email` (verified by a mailed link).
    pub channel: String,
    pub state: RequestState,
    pub received_at: Timestamp,
    pub verified_at: Option<Timestamp>,
    /// SHA-256 (hex) of the mailed verification token.
    pub token_hash: Option<String>,
    pub due_at: Timestamp,
    pub extension: Option<Extension>,
    pub reminded_at: Option<Timestamp>,
    pub closed_at: Option<Timestamp>,
    /// The admin's note on completion or the reason for a rejection.
    pub outcome: Option<String>,
    pub version: u64,
}

/// How long the verification link stays valid.
pub const VERIFY_WITHIN: SignedDuration = SignedDuration::from_hours(72);
/// How long before the deadline the admins are reminded.
pub const REMIND_BEFORE: SignedDuration = SignedDuration::from_hours(24 * 7);

/// One calendar month after `t` (Art. 12(3): "within one month of receipt"), in UTC.
pub fn one_month_after(t: Timestamp, months: i64) -> Timestamp {
    t.to_zoned(jiff::tz::TimeZone::UTC)
        .checked_add(months.months())
        .map(|z| z.timestamp())
        .unwrap_or(t)
}

fn note(field: &str, s: &str) -> CoreResult<String> {
    let t = s.trim();
    if t.is_empty() || t.chars().count() > 2000 {
        return Err(CoreError::invalid(field, "must be 1-2000 characters"));
    }
    Ok(t.to_string())
}

/// Checks what the person wrote (may be empty for access and erasure).
pub fn check_details(s: &str) -> CoreResult<String> {
    let t = s.trim();
    if t.chars().count() > 4000 || t.chars().any(|c| c.is_control() && c != '\n') {
        return Err(CoreError::invalid(
            "details",
            "must be at most 4000 characters of text",
        ));
    }
    Ok(t.to_string())
}

impl DataRequest {
    /// The link was opened in time.
    pub fn verify(&mut self, subject: Option<UserId>, now: Timestamp) -> CoreResult<()> {
        if self.state != RequestState::AwaitingVerification {
            return Err(CoreError::conflict(
                "request",
                "this request is already verified",
            ));
        }
        if now > self.received_at + VERIFY_WITHIN {
            return Err(CoreError::conflict(
                "token",
                "this link has expired; send the request again",
            ));
        }
        self.state = RequestState::Open;
        self.subject = subject;
        self.verified_at = Some(now);
        self.version += 1;
        Ok(())
    }

    fn open(&self) -> CoreResult<()> {
        match self.state {
            RequestState::Open => Ok(()),
            RequestState::AwaitingVerification => Err(CoreError::conflict(
                "request",
                "the person has not verified this request yet; nothing may be disclosed or done",
            )),
            s => Err(CoreError::conflict(
                "request",
                format!("this request is already {}", s.as_str()),
            )),
        }
    }

    /// Extends the deadline once, by one or two months, with a reason (told to the person).
    pub fn extend(&mut self, months: i64, reason: &str, now: Timestamp) -> CoreResult<()> {
        self.open()?;
        if self.extension.is_some() {
            return Err(CoreError::conflict(
                "request",
                "the deadline was already extended; GDPR Art. 12(3) allows two further months at most",
            ));
        }
        if !(1..=2).contains(&months) {
            return Err(CoreError::invalid("months", "must be 1 or 2"));
        }
        let reason = note("reason", reason)?;
        let previous_due = self.due_at;
        self.due_at = one_month_after(self.due_at, months);
        self.extension = Some(Extension {
            reason,
            at: now,
            previous_due,
        });
        self.reminded_at = None;
        self.version += 1;
        Ok(())
    }

    /// Completes it with the admin's note.
    pub fn complete(&mut self, outcome: &str, now: Timestamp) -> CoreResult<()> {
        self.open()?;
        self.outcome = Some(note("note", outcome)?);
        self.state = RequestState::Completed;
        self.closed_at = Some(now);
        self.version += 1;
        Ok(())
    }

    /// Rejects it with the reason (e.g. manifestly unfounded, Art. 12(5)).
    pub fn reject(&mut self, reason: &str, now: Timestamp) -> CoreResult<()> {
        self.open()?;
        self.outcome = Some(note("reason", reason)?);
        self.state = RequestState::Rejected;
        self.closed_at = Some(now);
        self.version += 1;
        Ok(())
    }

    /// Whether the admins are due a reminder at `now`.
    pub fn needs_reminder(&self, now: Timestamp) -> bool {
        self.state == RequestState::Open
            && self.reminded_at.is_none()
            && now + REMIND_BEFORE >= self.due_at
    }

    /// `on time`, `overdue` or, when closed, `answered on time` / `answered late`.
    pub fn timeliness(&self, now: Timestamp) -> &'static str {
        match self.closed_at {
            Some(at) if at <= self.due_at => "answered on time",
            Some(_) => "answered late",
            None if now > self.due_at => "overdue",
            None => "on time",
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn t(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn request(received: &str) -> DataRequest {
        let r = t(received);
        DataRequest {
            id: DataRequestId::from_random([1; 16]),
            org: OrgId::from_random([2; 16]),
            kind: RequestKind::Access,
            subject: None,
            email: "ada@acme.test".into(),
            details: String::new(),
            channel: "email".into(),
            state: RequestState::AwaitingVerification,
            received_at: r,
            verified_at: None,
            token_hash: None,
            due_at: one_month_after(r, 1),
            extension: None,
            reminded_at: None,
            closed_at: None,
            outcome: None,
            version: 1,
        }
    }

    #[test]
    fn due_one_calendar_month_after_receipt_and_extended_once_with_a_reason() {
        let mut r = request("2026-01-31T10:00:00Z");
        assert_eq!(
            r.due_at,
            t("2026-02-28T10:00:00Z"),
            "the month's last day when shorter"
        );
        assert!(
            r.complete("done", r.received_at)
                .unwrap_err()
                .to_string()
                .contains("not verified")
        );
        r.verify(None, t("2026-02-01T00:00:00Z")).unwrap();
        assert!(!r.needs_reminder(t("2026-02-20T00:00:00Z")));
        assert!(r.needs_reminder(t("2026-02-21T10:00:00Z")));
        assert!(r.extend(3, "complex", r.received_at).is_err());
        assert!(r.extend(2, " ", r.received_at).is_err());
        r.extend(
            2,
            "Several systems hold the data",
            t("2026-02-10T00:00:00Z"),
        )
        .unwrap();
        assert_eq!(r.due_at, t("2026-04-28T10:00:00Z"));
        assert!(r.extend(1, "again", r.received_at).is_err(), "once");
        assert_eq!(r.timeliness(t("2026-04-29T00:00:00Z")), "overdue");
        r.complete("Report sent", t("2026-04-01T00:00:00Z"))
            .unwrap();
        assert_eq!(r.timeliness(t("2026-05-01T00:00:00Z")), "answered on time");
        assert!(r.reject("x", r.received_at).is_err());
    }

    #[test]
    fn the_verification_link_expires() {
        let mut r = request("2026-01-01T00:00:00Z");
        assert!(
            r.verify(None, t("2026-01-04T00:00:01Z"))
                .unwrap_err()
                .to_string()
                .contains("expired")
        );
        r.verify(None, t("2026-01-03T00:00:00Z")).unwrap();
        assert!(r.verify(None, t("2026-01-03T00:00:00Z")).is_err());
    }
}
