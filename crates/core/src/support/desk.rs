//! The desk's whole policy in one value: the calendar SLA clocks run on, the targets, the
//! severity definitions, the supported-versions list, and the contacts every answer shows.
//!
//! Each part is validated data with a default equal to the provider's policy; the server may
//! load others from configuration. The desk's use cases read it from here and nowhere else, so
//! an acknowledgement, the queue and the SLA report always agree.

use super::calendar::Calendar;
use super::lifecycle::SupportedVersions;
use super::severity::SeverityDefinitions;
use super::targets::SlaTargets;
use crate::error::{CoreError, CoreResult};
use serde::{Deserialize, Serialize};

/// Where customers reach the provider, shown in every automatic answer and in the portal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contacts {
    /// The support address: tickets by mail, and the `From:` of the desk's mail.
    pub support: String,
    /// Sales and Customer Success (training, implementation, migration).
    pub sales: String,
    /// Product feedback, and the way to the support leadership.
    pub feedback: String,
    /// Where SLA warnings and breaches are sent (the support team's leads).
    pub escalations: String,
    /// The provider's privacy contact (its data protection officer or privacy team): named in
    /// the privacy statement, and where the breach watch sends its reminders. Staff accounts
    /// have handles but no addresses, so this address (an alias or list) is how the
    /// operator's people are reached.
    #[serde(default = "default_privacy")]
    pub privacy: String,
    /// Base URL of the public pages (knowledge base, support policy), without a trailing `/`.
    pub public_url: String,
    /// The authserv-ids of the operator's own receiving mail servers, whose
    /// `Authentication-Results` the desk trusts (lowercase). Empty: no mail is verified.
    pub trusted_authserv_ids: Vec<String>,
}

impl Contacts {
    /// The defaults of a fresh deployment on this machine.
    pub fn local() -> Self {
        Self {
            support: "support@skydir.localhost".into(),
            sales: "sales@skydir.localhost".into(),
            feedback: "feedback@skydir.localhost".into(),
            escalations: "escalations@skydir.localhost".into(),
            privacy: default_privacy(),
            public_url: "https://127.0.0.1:8443".into(),
            trusted_authserv_ids: Vec::new(),
        }
    }

    /// The domain of the support address, used in the desk's `Message-ID`s.
    pub fn mail_domain(&self) -> &str {
        self.support
            .rsplit_once('@')
            .map_or("skydir.localhost", |(_, d)| d)
    }

    /// Checks the addresses and the URL.
    pub fn check(&self) -> CoreResult<()> {
        for (field, v) in [
            ("support_address", &self.support),
            ("sales_address", &self.sales),
            ("feedback_address", &self.feedback),
            ("escalation_address", &self.escalations),
            ("privacy_address", &self.privacy),
        ] {
            crate::directory::Email::parse(v)
                .map_err(|e| CoreError::invalid(field, format!("'{v}' is not an address: {e}")))?;
        }
        if !(self.public_url.starts_with("https://") || self.public_url.starts_with("http://"))
            || self.public_url.ends_with('/')
        {
            return Err(CoreError::invalid(
                "public_url",
                "must start with https:// (or http://) and not end with '/'",
            ));
        }
        Ok(())
    }
}

fn default_privacy() -> String {
    "privacy@skydir.localhost".into()
}

/// Everything the desk decides by.
#[derive(Debug, Clone)]
pub struct DeskPolicy {
    pub calendar: Calendar,
    pub targets: SlaTargets,
    pub severities: SeverityDefinitions,
    pub versions: SupportedVersions,
    pub contacts: Contacts,
}

impl DeskPolicy {
    /// The provider's policy with `contacts`.
    pub fn with_contacts(contacts: Contacts) -> CoreResult<Self> {
        contacts.check()?;
        Ok(Self {
            calendar: Calendar::us_support()?,
            targets: SlaTargets::default_policy(),
            severities: SeverityDefinitions::default_policy(),
            versions: SupportedVersions::default_policy()?,
            contacts,
        })
    }

    /// The support hours in words, from the calendar itself, e.g. "Monday to Friday
    /// 09:00–17:00 (America/Denver), closed on holidays (US federal)".
    pub fn hours_text(&self) -> String {
        use super::holidays::DayOfWeek::*;
        let spec = self.calendar.spec();
        let days = [
            (Monday, "Monday"),
            (Tuesday, "Tuesday"),
            (Wednesday, "Wednesday"),
            (Thursday, "Thursday"),
            (Friday, "Friday"),
            (Saturday, "Saturday"),
            (Sunday, "Sunday"),
        ];
        let hours = |d| -> String {
            spec.weekly_hours
                .day(d)
                .iter()
                .map(|h| format!("{}–{}", h.open.strftime("%H:%M"), h.close.strftime("%H:%M")))
                .collect::<Vec<_>>()
                .join(", ")
        };
        // Runs of consecutive days with the same hours: "Monday to Friday 09:00–17:00".
        let mut runs: Vec<(usize, usize, String)> = Vec::new();
        for (i, (d, _)) in days.iter().enumerate() {
            let h = hours(*d);
            if h.is_empty() {
                continue;
            }
            match runs.last_mut() {
                Some((_, end, last)) if *end + 1 == i && *last == h => *end = i,
                _ => runs.push((i, i, h)),
            }
        }
        let parts: Vec<String> = runs
            .iter()
            .map(|(a, b, h)| {
                let (from, to) = (days[*a].1, days[*b].1);
                match b - a {
                    0 => format!("{from} {h}"),
                    1 => format!("{from} and {to} {h}"),
                    _ => format!("{from} to {to} {h}"),
                }
            })
            .collect();
        let zone = self
            .calendar
            .time_zone()
            .iana_name()
            .unwrap_or(spec.time_zone.as_str());
        let mut text = format!("{} ({zone})", parts.join("; "));
        let federal: Vec<_> = super::holidays::us_federal()
            .iter()
            .map(|r| r.spec().clone())
            .collect();
        if spec.holidays == federal {
            text.push_str(", U.S. Federal holidays excluded");
        } else if !spec.holidays.is_empty() {
            let names: Vec<&str> = spec.holidays.iter().map(|h| h.name.as_str()).collect();
            text.push_str(&format!(", closed on {}", names.join(", ")));
        }
        text
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn the_default_policy_builds_and_names_its_hours() {
        let p = DeskPolicy::with_contacts(Contacts::local()).unwrap();
        assert_eq!(
            p.hours_text(),
            "Monday to Friday 09:00–17:00 (America/Denver), U.S. Federal holidays excluded"
        );
        assert_eq!(p.contacts.mail_domain(), "skydir.localhost");
    }

    #[test]
    fn bad_contacts_are_refused_naming_the_setting() {
        let mut c = Contacts::local();
        c.sales = "not an address".into();
        let e = DeskPolicy::with_contacts(c).unwrap_err();
        assert!(e.to_string().starts_with("sales_address"), "{e}");
        let mut c = Contacts::local();
        c.public_url = "ftp://x/".into();
        assert!(DeskPolicy::with_contacts(c).is_err());
    }
}
