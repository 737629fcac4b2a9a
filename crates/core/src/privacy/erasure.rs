//! Erasure (GDPR Art. 17) and its propagation (Art. 19): a request erases the person here —
//! their record deleted, their key destroyed so every copy sealed under it is unreadable — and
//! tells every active sub-processor connector, one delivery each. A delivery is `pending`
//! until a webhook is accepted (`sent`), then waits for the connector's signed confirmation
//! (`confirmed`); deliveries that keep failing become `failed` after the last retry, and an
//! operator may resolve any unconfirmed delivery with a note (`resolved`) or send a failed one
//! again. When every delivery is confirmed or resolved the request is complete, the contact
//! details kept only to tell the connectors are dropped, and the certificate lists what was
//! erased where. The request names the person only by their pseudonymous id.

use crate::directory::Name;
use crate::error::{CoreError, CoreResult};
use crate::ids::{ConnectorId, ErasureId, OrgId, UserId};
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Waits between delivery attempts: the first retry comes quickly (a receiver restarting),
/// the last a day later. After the last, the delivery is `failed`.
pub const RETRY_AFTER_SECS: &[i64] = &[2, 10, 60, 300, 1800, 7200, 21_600, 86_400];

/// A connector's shared secret (HMAC-SHA256 key). Never printed; serialized only into the
/// sealed store record.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ConnectorSecret(String);

impl ConnectorSecret {
    /// Checks a secret: 32–256 printable ASCII characters.
    pub fn parse(s: &str) -> CoreResult<Self> {
        if s.len() < 32 || s.len() > 256 || !s.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(CoreError::invalid(
                "secret",
                "must be 32-256 printable ASCII characters without spaces",
            ));
        }
        Ok(Self(s.to_string()))
    }

    /// The key bytes, for signing and verifying only.
    pub fn expose(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

impl fmt::Debug for ConnectorSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ConnectorSecret(…)")
    }
}

/// A sub-processor's erasure connector.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Connector {
    pub id: ConnectorId,
    pub slug: Name,
    pub name: String,
    /// Where erasure webhooks are posted: `https://…`, or `http://` to a loopback address.
    pub url: String,
    pub secret: ConnectorSecret,
    /// Inactive connectors are told nothing new.
    pub active: bool,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// Checks a webhook URL: HTTPS, or plain HTTP only to this machine (tests, a local relay).
pub fn check_url(url: &str) -> CoreResult<String> {
    let u = url.trim();
    let bad = |why: &str| Err(CoreError::invalid("url", why));
    if u.len() > 2000 {
        return bad("must be at most 2000 characters");
    }
    let Ok(parsed) = url::Url::parse(u) else {
        return bad("must be an absolute https:// URL");
    };
    let loopback = match parsed.host() {
        Some(url::Host::Domain(d)) => d == "localhost",
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => return bad("names no host"),
    };
    match parsed.scheme() {
        "https" => Ok(parsed.to_string()),
        "http" if loopback => Ok(parsed.to_string()),
        "http" => bad("must use https (plain http only to 127.0.0.1, ::1 or localhost)"),
        _ => bad("must be an https:// URL"),
    }
}

/// Where one connector's delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryState {
    Pending,
    Sent,
    Confirmed,
    Failed,
    Resolved,
}

impl DeliveryState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Sent => "sent",
            Self::Confirmed => "confirmed",
            Self::Failed => "failed",
            Self::Resolved => "resolved",
        }
    }

    /// Nothing more will happen to it.
    pub fn is_settled(self) -> bool {
        matches!(self, Self::Confirmed | Self::Resolved)
    }
}

/// One connector's part of a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delivery {
    pub connector: Name,
    pub connector_name: String,
    pub state: DeliveryState,
    pub attempts: u32,
    /// When to try next (pending only).
    pub next_attempt_at: Option<Timestamp>,
    /// The last failure, in words (no personal data).
    pub last_error: Option<String>,
    pub sent_at: Option<Timestamp>,
    pub settled_at: Option<Timestamp>,
    /// The operator's note when they resolved it.
    pub resolution: Option<String>,
}

/// What a webhook attempt came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attempt {
    /// The connector accepted it and will confirm by callback.
    Accepted,
    /// The connector says it erased the person already.
    Erased,
    /// No answer, or an error status.
    Failed(String),
}

/// The contact details connectors need to find the person, kept (sealed) only until every
/// connector has settled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubjectContact {
    pub username: String,
    pub email: String,
}

/// One thing erased, and where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErasedItem {
    pub what: String,
    pub how: String,
}

/// An erasure request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErasureRequest {
    pub id: ErasureId,
    pub org: OrgId,
    /// The person, by pseudonymous id only.
    pub subject: UserId,
    /// Who asked (an actor label: `admin:<id>`, `operator:<id>`, …).
    pub requested_by: String,
    pub requested_at: Timestamp,
    /// What was erased in skydir itself.
    pub erased: Vec<ErasedItem>,
    pub deliveries: Vec<Delivery>,
    pub contact: Option<SubjectContact>,
    pub completed_at: Option<Timestamp>,
    /// Optimistic version: 1 when created, +1 per change.
    pub version: u64,
}

fn later(now: Timestamp, secs: i64) -> Timestamp {
    now.checked_add(SignedDuration::from_secs(secs))
        .unwrap_or(now)
}

impl ErasureRequest {
    /// A new request, recording what erasing a user removes here ([`erased_here`]) and
    /// telling `connectors` (the active ones), due at once.
    pub fn new(
        id: ErasureId,
        org: OrgId,
        subject: UserId,
        requested_by: String,
        now: Timestamp,
        contact: SubjectContact,
        connectors: &[Connector],
    ) -> Self {
        let deliveries = connectors
            .iter()
            .filter(|c| c.active)
            .map(|c| Delivery {
                connector: c.slug.clone(),
                connector_name: c.name.clone(),
                state: DeliveryState::Pending,
                attempts: 0,
                next_attempt_at: Some(now),
                last_error: None,
                sent_at: None,
                settled_at: None,
                resolution: None,
            })
            .collect();
        let mut r = Self {
            id,
            org,
            subject,
            requested_by,
            requested_at: now,
            erased: erased_here(),
            deliveries,
            contact: Some(contact),
            completed_at: None,
            version: 1,
        };
        r.settle(now);
        r
    }

    /// `pending` until every delivery is settled, then `completed`.
    pub fn state(&self) -> &'static str {
        if self.completed_at.is_some() {
            "completed"
        } else if self
            .deliveries
            .iter()
            .any(|d| d.state == DeliveryState::Failed)
        {
            "needs_attention"
        } else {
            "in_progress"
        }
    }

    /// The earliest pending delivery's next attempt.
    pub fn next_due(&self) -> Option<Timestamp> {
        self.deliveries
            .iter()
            .filter(|d| d.state == DeliveryState::Pending)
            .filter_map(|d| d.next_attempt_at)
            .min()
    }

    /// Connectors whose attempt is due at `now`.
    pub fn due(&self, now: Timestamp) -> Vec<Name> {
        self.deliveries
            .iter()
            .filter(|d| {
                d.state == DeliveryState::Pending && d.next_attempt_at.is_some_and(|t| t <= now)
            })
            .map(|d| d.connector.clone())
            .collect()
    }

    fn delivery(&mut self, connector: &Name) -> CoreResult<&mut Delivery> {
        self.deliveries
            .iter_mut()
            .find(|d| d.connector == *connector)
            .ok_or_else(|| CoreError::not_found("connector", connector.as_str().to_string()))
    }

    /// Records a webhook attempt.
    pub fn record_attempt(
        &mut self,
        connector: &Name,
        attempt: Attempt,
        now: Timestamp,
    ) -> CoreResult<()> {
        let d = self.delivery(connector)?;
        if d.state != DeliveryState::Pending {
            return Ok(()); // settled or resolved meanwhile: nothing to do
        }
        d.attempts += 1;
        match attempt {
            Attempt::Accepted => {
                d.state = DeliveryState::Sent;
                d.sent_at = Some(now);
                d.next_attempt_at = None;
                d.last_error = None;
            }
            Attempt::Erased => {
                d.state = DeliveryState::Confirmed;
                d.sent_at = Some(now);
                d.settled_at = Some(now);
                d.next_attempt_at = None;
                d.last_error = None;
            }
            Attempt::Failed(why) => {
                d.last_error = Some(why.chars().take(300).collect());
                match RETRY_AFTER_SECS.get(d.attempts as usize - 1) {
                    Some(secs) => d.next_attempt_at = Some(later(now, *secs)),
                    None => {
                        d.state = DeliveryState::Failed;
                        d.next_attempt_at = None;
                    }
                }
            }
        }
        self.settle(now);
        Ok(())
    }

    /// The connector confirms the erasure (its signed callback). Idempotent.
    pub fn confirm(&mut self, connector: &Name, now: Timestamp) -> CoreResult<()> {
        let d = self.delivery(connector)?;
        if d.state == DeliveryState::Resolved || d.state == DeliveryState::Confirmed {
            return Ok(());
        }
        d.state = DeliveryState::Confirmed;
        d.settled_at = Some(now);
        d.sent_at = d.sent_at.or(Some(now));
        d.next_attempt_at = None;
        self.settle(now);
        Ok(())
    }

    /// An operator settles an unconfirmed delivery by hand, saying how.
    pub fn resolve(&mut self, connector: &Name, note: &str, now: Timestamp) -> CoreResult<()> {
        let note = note.trim();
        if note.is_empty() || note.chars().count() > 1000 {
            return Err(CoreError::invalid(
                "note",
                "say how the erasure was settled with the sub-processor (1-1000 characters)",
            ));
        }
        let d = self.delivery(connector)?;
        if d.state.is_settled() {
            return Err(CoreError::conflict(
                "connector",
                format!(
                    "the delivery to {} is already {}",
                    d.connector,
                    d.state.as_str()
                ),
            ));
        }
        d.state = DeliveryState::Resolved;
        d.resolution = Some(note.to_string());
        d.settled_at = Some(now);
        d.next_attempt_at = None;
        self.settle(now);
        Ok(())
    }

    /// An operator sends a failed delivery again, from the first retry step.
    pub fn retry(&mut self, connector: &Name, now: Timestamp) -> CoreResult<()> {
        let d = self.delivery(connector)?;
        if d.state != DeliveryState::Failed {
            return Err(CoreError::conflict(
                "connector",
                format!(
                    "only a failed delivery is sent again; this one is {}",
                    d.state.as_str()
                ),
            ));
        }
        d.state = DeliveryState::Pending;
        d.attempts = 0;
        d.next_attempt_at = Some(now);
        Ok(())
    }

    /// Completes the request once every delivery is settled, dropping the contact details.
    fn settle(&mut self, now: Timestamp) {
        if self.completed_at.is_none() && self.deliveries.iter().all(|d| d.state.is_settled()) {
            self.completed_at = Some(now);
            self.contact = None;
        }
    }

    /// The erasure certificate, once complete.
    pub fn certificate(&self, org_name: &str) -> CoreResult<Certificate> {
        let Some(completed_at) = self.completed_at else {
            let waiting: Vec<&str> = self
                .deliveries
                .iter()
                .filter(|d| !d.state.is_settled())
                .map(|d| d.connector.as_str())
                .collect();
            return Err(CoreError::conflict(
                "erasure",
                format!(
                    "the erasure is not complete: still waiting for {}",
                    waiting.join(", ")
                ),
            ));
        };
        Ok(Certificate {
            certificate: "skydir.erasure-certificate/1",
            request: self.id,
            organization: org_name.to_string(),
            subject: self.subject,
            requested_by: self.requested_by.clone(),
            requested_at: self.requested_at,
            completed_at,
            erased_here: self.erased.clone(),
            sub_processors: self
                .deliveries
                .iter()
                .map(|d| CertifiedDelivery {
                    name: d.connector_name.clone(),
                    connector: d.connector.as_str().to_string(),
                    outcome: d.state.as_str(),
                    at: d.settled_at,
                    note: d.resolution.clone(),
                })
                .collect(),
        })
    }
}

/// The erasure certificate: what was erased where, naming the person only by pseudonym.
#[derive(Debug, Clone, Serialize)]
pub struct Certificate {
    pub certificate: &'static str,
    pub request: ErasureId,
    pub organization: String,
    pub subject: UserId,
    pub requested_by: String,
    pub requested_at: Timestamp,
    pub completed_at: Timestamp,
    pub erased_here: Vec<ErasedItem>,
    pub sub_processors: Vec<CertifiedDelivery>,
}

/// One sub-processor's part in the certificate.
#[derive(Debug, Clone, Serialize)]
pub struct CertifiedDelivery {
    pub name: String,
    pub connector: String,
    /// `confirmed` by the sub-processor, or `resolved` by the operator (with the note).
    pub outcome: &'static str,
    pub at: Option<Timestamp>,
    pub note: Option<String>,
}

/// What erasing a user removes in skydir itself, from the inventory: each item held under
/// the person's key or in their record, and how it goes.
pub fn erased_here() -> Vec<ErasedItem> {
    use super::inventory::INVENTORY;
    let mut out: Vec<ErasedItem> = INVENTORY
        .iter()
        .filter(|i| i.key.starts_with("user."))
        .map(|i| ErasedItem {
            what: i.label.to_string(),
            how: if i.own_key {
                "deleted, and its encryption key destroyed (backups unreadable)".into()
            } else {
                "deleted".into()
            },
        })
        .collect();
    out.push(ErasedItem {
        what: "messages they wrote in support tickets, with their files".into(),
        how: "unreadable: sealed under their destroyed key".into(),
    });
    out.push(ErasedItem {
        what: "activity records".into(),
        how: "kept for accountability under a pseudonymous id only; no personal data".into(),
    });
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn connector(slug: &str, active: bool) -> Connector {
        Connector {
            id: ConnectorId::from_random([7; 16]),
            slug: Name::parse(slug).unwrap(),
            name: slug.to_uppercase(),
            url: "http://127.0.0.1:1/hook".into(),
            secret: ConnectorSecret::parse(&"s".repeat(32)).unwrap(),
            active,
            created_at: Timestamp::UNIX_EPOCH,
            updated_at: Timestamp::UNIX_EPOCH,
        }
    }

    fn request(connectors: &[Connector]) -> ErasureRequest {
        ErasureRequest::new(
            ErasureId::from_random([1; 16]),
            OrgId::from_random([2; 16]),
            UserId::from_random([3; 16]),
            "admin:x".into(),
            Timestamp::UNIX_EPOCH,
            SubjectContact {
                username: "ada".into(),
                email: "ada@acme.test".into(),
            },
            connectors,
        )
    }

    fn name(s: &str) -> Name {
        Name::parse(s).unwrap()
    }

    #[test]
    fn without_active_connectors_the_request_completes_at_once_and_forgets_the_contact() {
        let r = request(&[connector("crm", false)]);
        assert_eq!(r.state(), "completed");
        assert!(r.contact.is_none());
        let c = r.certificate("Acme").unwrap();
        assert!(c.sub_processors.is_empty());
        assert!(
            c.erased_here
                .iter()
                .any(|e| e.what == "email address" && e.how.contains("key destroyed"))
        );
    }

    #[test]
    fn failures_back_off_then_fail_and_the_operator_settles_the_rest() {
        let t0 = Timestamp::UNIX_EPOCH;
        let mut r = request(&[connector("crm", true), connector("mail", true)]);
        assert_eq!(r.due(t0).len(), 2);
        r.record_attempt(&name("crm"), Attempt::Failed("HTTP 500".into()), t0)
            .unwrap();
        assert_eq!(r.deliveries[0].next_attempt_at, Some(later(t0, 2)));
        assert_eq!(r.due(t0), [name("mail")]);
        r.record_attempt(&name("mail"), Attempt::Accepted, t0)
            .unwrap();
        assert_eq!(r.deliveries[1].state, DeliveryState::Sent);
        assert!(
            r.certificate("Acme")
                .unwrap_err()
                .to_string()
                .contains("still waiting for crm, mail")
        );
        let mut now;
        for _ in 1..RETRY_AFTER_SECS.len() {
            now = r.next_due().unwrap();
            r.record_attempt(&name("crm"), Attempt::Failed("timeout".into()), now)
                .unwrap();
        }
        now = r.next_due().unwrap();
        r.record_attempt(&name("crm"), Attempt::Failed("timeout".into()), now)
            .unwrap();
        assert_eq!(r.deliveries[0].state, DeliveryState::Failed);
        assert_eq!(
            r.deliveries[0].attempts as usize,
            RETRY_AFTER_SECS.len() + 1
        );
        assert_eq!(r.state(), "needs_attention");
        r.retry(&name("crm"), now).unwrap();
        assert_eq!(r.due(now), [name("crm")]);
        assert!(
            r.resolve(&name("crm"), " ", now).is_err(),
            "a note is required"
        );
        r.resolve(&name("crm"), "deleted by hand in the CRM, ticket 42", now)
            .unwrap();
        assert!(r.contact.is_some(), "still waiting for mail");
        r.confirm(&name("mail"), now).unwrap();
        r.confirm(&name("mail"), now).unwrap();
        assert_eq!(r.state(), "completed");
        assert!(r.contact.is_none());
        let c = r.certificate("Acme").unwrap();
        let outcomes: Vec<&str> = c.sub_processors.iter().map(|d| d.outcome).collect();
        assert_eq!(outcomes, ["resolved", "confirmed"]);
        assert!(r.resolve(&name("mail"), "x", now).is_err());
        assert!(r.confirm(&name("nope"), now).is_err());
    }

    #[test]
    fn webhook_urls_are_https_or_loopback() {
        assert!(check_url("https://crm.example/hooks/erase").is_ok());
        assert!(check_url("http://127.0.0.1:9000/x").is_ok());
        assert!(check_url("http://[::1]:9000/x").is_ok());
        assert!(check_url("http://crm.example/x").is_err());
        assert!(check_url("ftp://x").is_err());
        assert!(check_url("https://").is_err());
        assert!(check_url("crm.example").is_err());
        assert!(ConnectorSecret::parse("short").is_err());
        assert_eq!(
            format!("{:?}", ConnectorSecret::parse(&"k".repeat(40)).unwrap()),
            "ConnectorSecret(…)"
        );
    }
}
