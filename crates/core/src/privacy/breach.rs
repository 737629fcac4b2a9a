//! The breach register (GDPR Art. 33/34). An incident is recorded with what Art. 33(3) asks —
//! its nature, the categories of data and approximate numbers of people and records, likely
//! consequences, measures, a contact point — and the time the provider became aware of it,
//! which starts the 72-hour clock. The register computes who is affected, sends them (and
//! their organizations' admins) the notices, tracks each notice's delivery, and says whether
//! notification came within 72 hours or how late. Records name people by pseudonymous id only.

use super::breach_watch::AlertSent;
use super::inventory::DataCategory;
use crate::error::{CoreError, CoreResult};
use crate::ids::{BreachId, MailId, OrgId, UserId};
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

/// The notification deadline after awareness (Art. 33(1)).
pub const DEADLINE: SignedDuration = SignedDuration::from_hours(72);

/// An incident as the operator records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BreachFacts {
    /// What happened (Art. 33(3)(a)).
    pub nature: String,
    pub categories: Vec<DataCategory>,
    /// Approximate number of people concerned, as assessed (the register also counts them).
    pub approx_subjects: u64,
    pub approx_records: u64,
    /// Likely consequences (Art. 33(3)(c)).
    pub consequences: String,
    /// Measures taken or proposed, including to mitigate effects (Art. 33(3)(d)).
    pub measures: String,
    /// The data protection officer or other contact point (Art. 33(3)(b)).
    pub contact: String,
    /// When the provider became aware of it: the clock starts here.
    pub aware_at: Timestamp,
    /// When it happened, if known.
    pub occurred_at: Option<Timestamp>,
}

fn text(field: &str, s: &str, max: usize) -> CoreResult<String> {
    let t = s.trim();
    if t.is_empty() || t.chars().count() > max {
        return Err(CoreError::invalid(
            field,
            format!("must be 1-{max} characters"),
        ));
    }
    Ok(t.to_string())
}

impl BreachFacts {
    /// Checks the facts against what Art. 33(3) requires and `now`.
    pub fn check(mut self, now: Timestamp) -> CoreResult<Self> {
        self.nature = text("nature", &self.nature, 4000)?;
        self.consequences = text("consequences", &self.consequences, 4000)?;
        self.measures = text("measures", &self.measures, 4000)?;
        self.contact = text("contact", &self.contact, 500)?;
        if self.categories.is_empty() {
            return Err(CoreError::invalid(
                "categories",
                "name at least one category of personal data concerned",
            ));
        }
        self.categories.sort();
        self.categories.dedup();
        if self.aware_at > now {
            return Err(CoreError::invalid("aware_at", "is in the future"));
        }
        if self.occurred_at.is_some_and(|o| o > self.aware_at) {
            return Err(CoreError::invalid(
                "occurred_at",
                "is after the time of awareness",
            ));
        }
        Ok(self)
    }
}

/// Whom a notice went to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Recipient {
    /// A person whose data is concerned (Art. 34).
    DataSubject,
    /// An admin of an affected organization, the controller (Art. 33(2)).
    OrgAdmin,
}

/// One notice sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notice {
    pub org: OrgId,
    pub user: UserId,
    pub recipient: Recipient,
    pub mail: MailId,
}

/// A recorded breach.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Breach {
    pub id: BreachId,
    pub facts: BreachFacts,
    /// The organizations concerned; empty means every organization.
    pub orgs: Vec<OrgId>,
    pub recorded_at: Timestamp,
    pub recorded_by: String,
    pub notices: Vec<Notice>,
    /// When skydir sent the notices.
    pub notified_at: Option<Timestamp>,
    /// When the operator filed the notification with the supervisory authority.
    pub authority_notified_at: Option<Timestamp>,
    /// The reminders, escalation and overdue mark the breach watch sent (see
    /// [`super::breach_watch`]).
    #[serde(default)]
    pub alerts: Vec<AlertSent>,
    pub version: u64,
}

/// A notice drafted from the recorded facts, ready to send: what each person concerned — or
/// each admin — of one organization receives when the operator sends the notices.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NoticeDraft {
    /// The organization (slug).
    pub org: String,
    pub recipient: Recipient,
    /// How many people of the organization receive it.
    pub recipients: usize,
    pub subject: String,
    pub text: String,
}

/// The 72-hour clock as the register shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BreachClock {
    pub deadline: Timestamp,
    /// Seconds left until the deadline (negative once it passed); `None` once notified.
    pub seconds_left: Option<i64>,
    /// `open`, `overdue`, `notified within 72 h` or `notified late`.
    pub status: &'static str,
    /// In words, e.g. "41 h 12 min left" or "notified 8 h 5 min after the 72-hour deadline".
    pub summary: String,
}

fn hours_minutes(secs: i64) -> String {
    let s = secs.abs();
    format!("{} h {} min", s / 3600, (s % 3600) / 60)
}

impl Breach {
    pub fn deadline(&self) -> Timestamp {
        self.facts
            .aware_at
            .checked_add(DEADLINE)
            .unwrap_or(self.facts.aware_at)
    }

    /// The clock at `now`.
    pub fn clock(&self, now: Timestamp) -> BreachClock {
        let deadline = self.deadline();
        match self.notified_at {
            Some(at) => {
                let late = at.duration_since(deadline).as_secs();
                let (status, summary) = if late <= 0 {
                    (
                        "notified within 72 h",
                        format!(
                            "notified within 72 h ({} after awareness)",
                            hours_minutes(at.duration_since(self.facts.aware_at).as_secs())
                        ),
                    )
                } else {
                    (
                        "notified late",
                        format!(
                            "notified {} after the 72-hour deadline",
                            hours_minutes(late)
                        ),
                    )
                };
                BreachClock {
                    deadline,
                    seconds_left: None,
                    status,
                    summary,
                }
            }
            None => {
                let left = deadline.duration_since(now).as_secs();
                // At the deadline itself the time is up: the watch marks it overdue then.
                let (status, summary) = if left > 0 {
                    ("open", format!("{} left", hours_minutes(left)))
                } else {
                    (
                        "overdue",
                        format!(
                            "the 72-hour deadline passed {} ago; notify now and give the reasons for the delay",
                            hours_minutes(left)
                        ),
                    )
                };
                BreachClock {
                    deadline,
                    seconds_left: Some(left),
                    status,
                    summary,
                }
            }
        }
    }

    fn categories_text(&self) -> String {
        self.facts
            .categories
            .iter()
            .map(|c| c.label())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The notice to a person concerned (Art. 34(2): plain language, the nature, the contact
    /// point, likely consequences and measures).
    pub fn subject_notice(&self, organization: &str) -> (String, String) {
        let f = &self.facts;
        (
            "Important: a security incident concerning your personal data".into(),
            format!(
                "We are writing to tell you about a security incident at the provider of \
                 {organization}'s directory service that concerns your personal data.\n\n\
                 What happened: {}\n\n\
                 Which of your data: {}\n\n\
                 What this may mean for you: {}\n\n\
                 What we have done and what we propose: {}\n\n\
                 Questions: {}\n\n\
                 You may also contact your organization's IT administrator, and you have the \
                 right to lodge a complaint with a data protection supervisory authority.\n",
                f.nature,
                self.categories_text(),
                f.consequences,
                f.measures,
                f.contact
            ),
        )
    }

    /// The notice to an affected organization's admins (Art. 33(2): the processor tells the
    /// controller), with what they need for their own notifications.
    pub fn admin_notice(&self, organization: &str, subjects: usize) -> (String, String) {
        let f = &self.facts;
        (
            format!("Personal data breach notification for {organization}"),
            format!(
                "As the processor of {organization}'s directory, we notify you of a personal \
                 data breach (GDPR Art. 33(2)).\n\n\
                 Nature: {}\n\
                 Categories of personal data: {}\n\
                 People of your organization concerned: {subjects} (each is being told \
                 directly)\n\
                 Approximate number of records (all organizations): {}\n\
                 Likely consequences: {}\n\
                 Measures taken or proposed: {}\n\
                 Became aware: {}\n\
                 Contact point: {}\n",
                f.nature,
                self.categories_text(),
                f.approx_records,
                f.consequences,
                f.measures,
                f.aware_at.strftime("%Y-%m-%d %H:%M UTC"),
                f.contact
            ),
        )
    }

    /// The draft of the notification to the supervisory authority, with every item of
    /// Art. 33(3) and, when late, the place for the reasons of the delay (Art. 33(1)).
    pub fn authority_draft(&self, now: Timestamp, orgs: &[String], subjects: usize) -> String {
        let f = &self.facts;
        let clock = self.clock(now);
        let when = |t: Timestamp| t.strftime("%Y-%m-%d %H:%M UTC").to_string();
        let mut out = format!(
            "Notification of a personal data breach to the supervisory authority\n\
             (GDPR Article 33)\n\n\
             Reference: {id}\n\
             Became aware: {aware}\n\
             Occurred: {occurred}\n\
             Notification deadline (72 h): {deadline}\n\
             Status: {status}\n\n\
             (a) Nature of the breach: {nature}\n\
             \x20   Categories of personal data concerned: {cats}\n\
             \x20   Categories of data subjects: users of the organizations' directories \
             ({orgs_n} organization(s): {orgs})\n\
             \x20   Approximate number of data subjects concerned: {approx_s} (assessed); \
             {subjects} identified in the register\n\
             \x20   Approximate number of personal data records concerned: {approx_r}\n\
             (b) Name and contact details of the data protection officer or other contact \
             point: {contact}\n\
             (c) Likely consequences of the breach: {consequences}\n\
             (d) Measures taken or proposed, including to mitigate its possible adverse \
             effects: {measures}\n\n\
             Data subjects and controllers informed: {informed}\n",
            id = self.id,
            aware = when(f.aware_at),
            occurred = f.occurred_at.map_or_else(|| "not yet known".into(), when),
            deadline = when(clock.deadline),
            status = clock.summary,
            nature = f.nature,
            cats = self.categories_text(),
            orgs_n = orgs.len(),
            orgs = orgs.join(", "),
            approx_s = f.approx_subjects,
            approx_r = f.approx_records,
            contact = f.contact,
            consequences = f.consequences,
            measures = f.measures,
            informed = self.notified_at.map_or_else(
                || "not yet".to_string(),
                |t| format!("{} ({} notices)", when(t), self.notices.len())
            ),
        );
        if clock.status == "notified late" || clock.status == "overdue" {
            out.push_str(
                "\nReasons for the delay (Art. 33(1)): <state why notification was not made \
                 within 72 hours>\n",
            );
        }
        out
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn t(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn breach(aware: &str) -> Breach {
        Breach {
            id: BreachId::from_random([1; 16]),
            facts: BreachFacts {
                nature: "A backup copy was exposed".into(),
                categories: vec![DataCategory::Contact],
                approx_subjects: 10,
                approx_records: 40,
                consequences: "Phishing".into(),
                measures: "Access revoked".into(),
                contact: "dpo@provider.test".into(),
                aware_at: t(aware),
                occurred_at: None,
            },
            orgs: vec![],
            recorded_at: t(aware),
            recorded_by: "operator:x".into(),
            notices: vec![],
            notified_at: None,
            authority_notified_at: None,
            alerts: vec![],
            version: 1,
        }
    }

    #[test]
    fn the_clock_runs_72_hours_from_awareness() {
        let mut b = breach("2026-06-01T12:00:00Z");
        let c = b.clock(t("2026-06-02T18:30:00Z"));
        assert_eq!(c.status, "open");
        assert_eq!(c.summary, "41 h 30 min left");
        assert_eq!(c.deadline, t("2026-06-04T12:00:00Z"));
        let c = b.clock(t("2026-06-04T20:05:00Z"));
        assert_eq!(c.status, "overdue");
        assert!(c.summary.contains("passed 8 h 5 min ago"), "{}", c.summary);
        b.notified_at = Some(t("2026-06-04T11:59:00Z"));
        assert_eq!(
            b.clock(t("2026-07-01T00:00:00Z")).status,
            "notified within 72 h"
        );
        b.notified_at = Some(t("2026-06-04T12:01:00Z"));
        let c = b.clock(t("2026-07-01T00:00:00Z"));
        assert_eq!(c.status, "notified late");
        assert_eq!(c.summary, "notified 0 h 1 min after the 72-hour deadline");
    }

    #[test]
    fn the_authority_draft_holds_every_item_of_article_33_3() {
        let b = breach("2026-06-01T12:00:00Z");
        let d = b.authority_draft(t("2026-06-05T12:00:00Z"), &["acme".into()], 7);
        for needle in [
            "(a) Nature of the breach: A backup copy was exposed",
            "Categories of personal data concerned: contact details",
            "Approximate number of data subjects concerned: 10 (assessed); 7 identified",
            "Approximate number of personal data records concerned: 40",
            "(b) Name and contact details of the data protection officer or other contact point: dpo@provider.test",
            "(c) Likely consequences of the breach: Phishing",
            "(d) Measures taken or proposed",
            "Reasons for the delay",
        ] {
            assert!(d.contains(needle), "{needle} missing:\n{d}");
        }
    }

    #[test]
    fn facts_are_checked() {
        let now = t("2026-06-01T12:00:00Z");
        let f = breach("2026-06-01T11:00:00Z").facts;
        assert!(f.clone().check(now).is_ok());
        let mut bad = f.clone();
        bad.categories.clear();
        assert!(bad.check(now).is_err());
        let mut bad = f.clone();
        bad.aware_at = t("2026-06-02T00:00:00Z");
        assert!(bad.check(now).unwrap_err().to_string().contains("future"));
        let mut bad = f;
        bad.contact = " ".into();
        assert!(bad.check(now).is_err());
    }
}
