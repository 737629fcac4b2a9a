//! The 72-hour clock running by itself: while a recorded breach is not yet notified, the
//! provider's privacy contact is reminded 24 and 48 hours after awareness, the reminder
//! becomes an escalation (to the escalation address too) at 66 hours, and at 72 hours the
//! register marks the breach overdue. Each step happens once: the breach record keeps the
//! alerts sent, and the watch writes that record in the same change that queues the mail.
//! A watch that was not running when a step fell due sends only the latest step due and
//! records the earlier ones as passed, so nobody gets three mails at once.

use super::breach::Breach;
use crate::ids::MailId;
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

/// One step of the watch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Alert {
    /// 24 hours after awareness.
    #[serde(rename = "reminder_24h")]
    Reminder24h,
    /// 48 hours after awareness.
    #[serde(rename = "reminder_48h")]
    Reminder48h,
    /// 66 hours after awareness: six hours left.
    #[serde(rename = "escalation_66h")]
    Escalation66h,
    /// 72 hours after awareness: the deadline passed.
    #[serde(rename = "overdue_72h")]
    Overdue72h,
}

impl Alert {
    /// Every step, in order.
    pub const ALL: [Alert; 4] = [
        Alert::Reminder24h,
        Alert::Reminder48h,
        Alert::Escalation66h,
        Alert::Overdue72h,
    ];

    /// When after awareness the step falls due.
    pub fn after(self) -> SignedDuration {
        SignedDuration::from_hours(match self {
            Alert::Reminder24h => 24,
            Alert::Reminder48h => 48,
            Alert::Escalation66h => 66,
            Alert::Overdue72h => 72,
        })
    }

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Alert::Reminder24h => "reminder_24h",
            Alert::Reminder48h => "reminder_48h",
            Alert::Escalation66h => "escalation_66h",
            Alert::Overdue72h => "overdue_72h",
        }
    }

    /// The audit action that records it.
    pub fn audit_action(self) -> &'static str {
        match self {
            Alert::Reminder24h | Alert::Reminder48h => "breach.reminder",
            Alert::Escalation66h => "breach.escalation",
            Alert::Overdue72h => "breach.overdue",
        }
    }

    /// In words.
    pub fn label(self) -> &'static str {
        match self {
            Alert::Reminder24h => "24-hour reminder",
            Alert::Reminder48h => "48-hour reminder",
            Alert::Escalation66h => "66-hour escalation",
            Alert::Overdue72h => "marked overdue at 72 hours",
        }
    }

    /// Whether the escalation address is told too (not only the privacy contact).
    pub fn escalates(self) -> bool {
        matches!(self, Alert::Escalation66h | Alert::Overdue72h)
    }
}

/// A step the watch took.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertSent {
    pub alert: Alert,
    pub at: Timestamp,
    /// The mail sent; `None` for a step that had passed unsent when a later one was due.
    pub mail: Option<MailId>,
}

impl Breach {
    /// The steps due at `now` and not yet taken, in order; none once the notices went out.
    pub fn alerts_due(&self, now: Timestamp) -> Vec<Alert> {
        if self.notified_at.is_some() {
            return Vec::new();
        }
        let elapsed = now.duration_since(self.facts.aware_at);
        Alert::ALL
            .into_iter()
            .filter(|a| elapsed >= a.after())
            .filter(|a| !self.alerts.iter().any(|s| s.alert == *a))
            .collect()
    }

    /// The mail of `alert` to the provider's people: where the clock stands, what the breach
    /// is, and the one action that sends the drafted notices.
    pub fn alert_mail(
        &self,
        alert: Alert,
        now: Timestamp,
        drafted: usize,
        public_url: &str,
    ) -> (String, String) {
        let clock = self.clock(now);
        let reference = self.id.to_string();
        let short = reference.get(..8).unwrap_or(&reference);
        let subject = match alert {
            Alert::Reminder24h | Alert::Reminder48h => format!(
                "Breach {short}: {} h since awareness, not yet notified ({})",
                alert.after().as_hours(),
                clock.summary
            ),
            Alert::Escalation66h => format!(
                "ESCALATION: breach {short} must be notified within {}",
                clock.summary.trim_end_matches(" left")
            ),
            Alert::Overdue72h => {
                format!("OVERDUE: breach {short} passed its 72-hour notification deadline")
            }
        };
        let f = &self.facts;
        let when = |t: Timestamp| t.strftime("%Y-%m-%d %H:%M UTC").to_string();
        let mut text = match alert {
            Alert::Reminder24h | Alert::Reminder48h => format!(
                "A personal data breach in the register has not been notified yet, {} hours \
                 after the provider became aware of it.\n\n",
                alert.after().as_hours()
            ),
            Alert::Escalation66h => "ESCALATION. A personal data breach has not been notified \
                 66 hours after the provider became aware of it: six hours remain before the \
                 72-hour deadline of GDPR Art. 33(1).\n\n"
                .to_string(),
            Alert::Overdue72h => "The 72-hour deadline of GDPR Art. 33(1) has passed and the \
                 breach below is not notified. The register now marks it overdue. Notify \
                 without further delay and record the reasons for the delay in the \
                 notification to the supervisory authority.\n\n"
                .to_string(),
        };
        text.push_str(&format!(
            "Reference: {reference}\n\
             Became aware: {}\n\
             Deadline: {}\n\
             Clock: {}\n\
             Nature: {}\n\
             Categories: {}\n\
             Notices drafted and ready to send: {drafted}\n\n\
             Send the drafted notices in one step in the operator console:\n  \
             {public_url}/operator/breaches/{reference}\n\
             or over the API: POST {public_url}/api/v1/breaches/{reference}/notifications\n\
             The supervisory-authority draft: {public_url}/api/v1/breaches/{reference}/authority-draft\n",
            when(f.aware_at),
            when(clock.deadline),
            clock.summary,
            f.nature,
            f.categories
                .iter()
                .map(|c| c.label())
                .collect::<Vec<_>>()
                .join(", "),
        ));
        (subject, text)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::ids::BreachId;
    use crate::privacy::BreachFacts;
    use crate::privacy::inventory::DataCategory;

    fn t(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn breach() -> Breach {
        Breach {
            id: BreachId::from_random([7; 16]),
            facts: BreachFacts {
                nature: "A laptop with an export was stolen".into(),
                categories: vec![DataCategory::Identity],
                approx_subjects: 5,
                approx_records: 5,
                consequences: "Identity theft".into(),
                measures: "Remote wipe".into(),
                contact: "dpo@provider.test".into(),
                aware_at: t("2026-06-01T12:00:00Z"),
                occurred_at: None,
            },
            orgs: vec![],
            recorded_at: t("2026-06-01T12:00:00Z"),
            recorded_by: "operator:x".into(),
            notices: vec![],
            notified_at: None,
            authority_notified_at: None,
            alerts: vec![],
            version: 1,
        }
    }

    fn taken(b: &mut Breach, due: &[Alert], at: &str) {
        for a in due {
            b.alerts.push(AlertSent {
                alert: *a,
                at: t(at),
                mail: None,
            });
        }
    }

    #[test]
    fn reminders_fall_at_24_and_48_hours_an_escalation_at_66_and_overdue_at_72() {
        let mut b = breach();
        assert!(b.alerts_due(t("2026-06-02T11:59:00Z")).is_empty());
        let due = b.alerts_due(t("2026-06-02T12:00:00Z"));
        assert_eq!(due, [Alert::Reminder24h]);
        taken(&mut b, &due, "2026-06-02T12:00:00Z");
        assert!(b.alerts_due(t("2026-06-03T11:00:00Z")).is_empty(), "once");
        let due = b.alerts_due(t("2026-06-03T12:01:00Z"));
        assert_eq!(due, [Alert::Reminder48h]);
        taken(&mut b, &due, "2026-06-03T12:01:00Z");
        let due = b.alerts_due(t("2026-06-04T06:00:00Z"));
        assert_eq!(due, [Alert::Escalation66h]);
        assert!(due[0].escalates() && !Alert::Reminder48h.escalates());
        taken(&mut b, &due, "2026-06-04T06:00:00Z");
        let due = b.alerts_due(t("2026-06-04T12:00:00Z"));
        assert_eq!(due, [Alert::Overdue72h]);
        taken(&mut b, &due, "2026-06-04T12:00:00Z");
        assert!(b.alerts_due(t("2026-07-01T00:00:00Z")).is_empty());
    }

    #[test]
    fn a_watch_that_was_away_catches_up_in_one_step_and_none_after_notification() {
        let mut b = breach();
        assert_eq!(
            b.alerts_due(t("2026-06-04T07:00:00Z")),
            [Alert::Reminder24h, Alert::Reminder48h, Alert::Escalation66h]
        );
        b.notified_at = Some(t("2026-06-04T07:30:00Z"));
        assert!(b.alerts_due(t("2026-06-05T00:00:00Z")).is_empty());
    }

    #[test]
    fn steps_are_stored_under_their_wire_names() {
        for a in Alert::ALL {
            assert_eq!(
                serde_json::to_value(a).unwrap(),
                serde_json::json!(a.as_str())
            );
        }
    }

    #[test]
    fn the_mail_says_where_the_clock_stands_and_how_to_send_the_drafts() {
        let b = breach();
        let (subject, text) = b.alert_mail(
            Alert::Escalation66h,
            t("2026-06-04T06:00:00Z"),
            12,
            "https://dir.example",
        );
        assert!(subject.starts_with("ESCALATION: breach"), "{subject}");
        assert!(subject.ends_with("within 6 h 0 min"), "{subject}");
        for needle in [
            "six hours remain",
            "Notices drafted and ready to send: 12",
            "https://dir.example/operator/breaches/",
            "Deadline: 2026-06-04 12:00 UTC",
        ] {
            assert!(text.contains(needle), "{needle} missing:\n{text}");
        }
        let (subject, _) = b.alert_mail(
            Alert::Reminder24h,
            t("2026-06-02T12:00:00Z"),
            1,
            "https://dir.example",
        );
        assert!(subject.contains("24 h since awareness"), "{subject}");
        assert!(subject.contains("48 h 0 min left"), "{subject}");
    }
}
