//! The breach register as use cases (operators): record an incident — its notices are drafted
//! from the facts at once, so the register shows exactly what will be sent — see who it
//! affects and the 72-hour clock, send the drafted notices — to every person concerned and to
//! the admins of every organization concerned — in one action and one commit through the
//! mail outbox, follow each notice's delivery (read back from the audit log, where the
//! dispatcher records it), produce the supervisory-authority draft, and record its filing.

use super::all_pages;
use crate::access::{Action, Actor, authorize};
use crate::audit::{AuditDraft, ChainKey};
use crate::change::{Change, Write};
use crate::directory::{Org, OrgSlug, User};
use crate::error::{CoreError, CoreResult};
use crate::ids::{BreachId, MailId, UserId};
use crate::ports::{DeskStore, DirectoryStore, PrivacyStore, TicketFilter};
use crate::privacy::breach::{Breach, BreachClock, BreachFacts, Notice, NoticeDraft, Recipient};
use crate::privacy::inventory::DataCategory;
use crate::service::{Directory, target};
use crate::support::MessageAuthor;
use jiff::Timestamp;
use serde::Serialize;
use serde_json::json;
use std::collections::{BTreeSet, HashMap};

/// An organization concerned and its people.
#[derive(Debug, Clone)]
pub struct Affected {
    pub org: Org,
    pub subjects: Vec<User>,
    pub admins: Vec<User>,
}

/// One notice and how its delivery went.
#[derive(Debug, Clone, Serialize)]
pub struct NoticeView {
    pub org: String,
    /// The person, by pseudonymous id.
    pub user: UserId,
    pub recipient: Recipient,
    pub mail: MailId,
    /// `queued`, `retrying`, `delivered` or `failed`.
    pub delivery: &'static str,
    pub delivered_at: Option<Timestamp>,
}

/// A breach as the register shows it.
#[derive(Debug, Clone, Serialize)]
pub struct BreachView {
    #[serde(flatten)]
    pub breach: Breach,
    pub clock: BreachClock,
    /// Organizations concerned (slugs), and how many people and admins in them.
    pub affected_orgs: Vec<String>,
    pub affected_subjects: usize,
    pub affected_admins: usize,
    /// The notices drafted from the facts, as they will be sent (empty once sent).
    pub drafts: Vec<NoticeDraft>,
    pub deliveries: Vec<NoticeView>,
    /// Counts of the notices by delivery state.
    pub delivered: usize,
    pub pending: usize,
    pub failed: usize,
}

impl<S: DirectoryStore + DeskStore + PrivacyStore> Directory<S> {
    /// Records a breach (operators). `orgs` empty means every organization.
    pub async fn record_breach(
        &self,
        actor: &Actor,
        facts: BreachFacts,
        orgs: &[OrgSlug],
    ) -> CoreResult<BreachView> {
        self.check(actor, &Action::ManagePrivacyRegistry, "breaches")
            .await?;
        let now = self.now();
        let facts = facts.check(now)?;
        let mut ids = Vec::new();
        for slug in orgs {
            let o = self
                .store
                .org_by_slug(slug)
                .await?
                .ok_or_else(|| CoreError::not_found("org", slug.as_str().to_string()))?;
            if !ids.contains(&o.id) {
                ids.push(o.id);
            }
        }
        let breach = Breach {
            id: BreachId::from_random(self.random()),
            facts,
            orgs: ids,
            recorded_at: now,
            recorded_by: actor.to_string(),
            notices: Vec::new(),
            notified_at: None,
            authority_notified_at: None,
            alerts: Vec::new(),
            version: 1,
        };
        let view = self.breach_view(&breach).await?;
        let drafted: usize = view.drafts.iter().map(|d| d.recipients).sum();
        let mut audit = AuditDraft::new(
            actor,
            &Action::ManagePrivacyRegistry,
            target("breach", breach.id),
            now,
        )
        .with_detail(json!({ "orgs": view.affected_orgs.len(), "notices_drafted": drafted }));
        audit.action = "breach.recorded".into();
        self.store
            .commit(
                Change::new(None)
                    .write(Write::PutBreach(Box::new(breach)))
                    .audit(audit),
            )
            .await?;
        Ok(view)
    }

    /// The register, newest first (operators).
    pub async fn breaches(&self, actor: &Actor) -> CoreResult<Vec<BreachView>> {
        authorize(actor, &Action::ManagePrivacyRegistry)?;
        let mut out = Vec::new();
        for b in self.store.breaches().await? {
            out.push(self.breach_view(&b).await?);
        }
        Ok(out)
    }

    /// One breach (operators).
    pub async fn breach(&self, actor: &Actor, id: BreachId) -> CoreResult<BreachView> {
        authorize(actor, &Action::ManagePrivacyRegistry)?;
        let b = self.stored_breach(id).await?;
        self.breach_view(&b).await
    }

    /// Sends the notices to everyone concerned, once (operators).
    pub async fn notify_breach(&self, actor: &Actor, id: BreachId) -> CoreResult<BreachView> {
        self.check(actor, &Action::ManagePrivacyRegistry, &target("breach", id))
            .await?;
        let mut b = self.stored_breach(id).await?;
        if let Some(at) = b.notified_at {
            return Err(CoreError::conflict(
                "breach",
                format!(
                    "the notices went out at {}; see their deliveries in the register",
                    at.strftime("%Y-%m-%d %H:%M UTC")
                ),
            ));
        }
        let now = self.now();
        let mut change = Change::new(None);
        let mut notices = Vec::new();
        for a in self.affected(&b).await? {
            let [to_subjects, to_admins] = drafts(&b, &a);
            let mut mail = |user: &User, draft: &NoticeDraft| {
                let m = self.privacy_mail(
                    None,
                    user.email.as_str(),
                    draft.subject.clone(),
                    draft.text.clone(),
                );
                notices.push(Notice {
                    org: a.org.id,
                    user: user.id,
                    recipient: draft.recipient,
                    mail: m.id,
                });
                m
            };
            let mut mails = Vec::new();
            for u in &a.subjects {
                mails.push(mail(u, &to_subjects));
            }
            for u in &a.admins {
                mails.push(mail(u, &to_admins));
            }
            for m in mails {
                change = change.write(Write::QueueMail(Box::new(m)));
            }
        }
        b.notices = notices;
        b.notified_at = Some(now);
        b.version += 1;
        let mut audit = AuditDraft::new(
            actor,
            &Action::ManagePrivacyRegistry,
            target("breach", b.id),
            now,
        );
        audit.action = "breach.notify".into();
        audit.detail = json!({ "notices": b.notices.len(), "status": b.clock(now).status });
        change = change
            .write(Write::PutBreach(Box::new(b.clone())))
            .audit(audit);
        self.store.commit(change).await?;
        self.breach_view(&b).await
    }

    /// Records that the notification was filed with the supervisory authority (operators).
    pub async fn breach_authority_notified(
        &self,
        actor: &Actor,
        id: BreachId,
    ) -> CoreResult<BreachView> {
        self.check(actor, &Action::ManagePrivacyRegistry, &target("breach", id))
            .await?;
        let mut b = self.stored_breach(id).await?;
        if b.authority_notified_at.is_some() {
            return Err(CoreError::conflict(
                "breach",
                "the filing with the supervisory authority is already recorded",
            ));
        }
        b.authority_notified_at = Some(self.now());
        b.version += 1;
        self.put_breach(actor, &b, "authority_notified").await?;
        self.breach_view(&b).await
    }

    /// The draft of the notification to the supervisory authority (operators).
    pub async fn breach_authority_draft(&self, actor: &Actor, id: BreachId) -> CoreResult<String> {
        authorize(actor, &Action::ManagePrivacyRegistry)?;
        let b = self.stored_breach(id).await?;
        let affected = self.affected(&b).await?;
        let orgs: Vec<String> = affected
            .iter()
            .map(|a| a.org.slug.as_str().to_string())
            .collect();
        let subjects = affected.iter().map(|a| a.subjects.len()).sum();
        Ok(b.authority_draft(self.now(), &orgs, subjects))
    }

    async fn stored_breach(&self, id: BreachId) -> CoreResult<Breach> {
        self.store
            .breaches()
            .await?
            .into_iter()
            .find(|b| b.id == id)
            .ok_or_else(|| CoreError::not_found("breach", id.to_string()))
    }

    async fn put_breach(&self, actor: &Actor, b: &Breach, what: &str) -> CoreResult<()> {
        let mut audit = AuditDraft::new(
            actor,
            &Action::ManagePrivacyRegistry,
            target("breach", b.id),
            self.now(),
        );
        audit.action = format!("breach.{what}");
        self.store
            .commit(
                Change::new(None)
                    .write(Write::PutBreach(Box::new(b.clone())))
                    .audit(audit),
            )
            .await
    }

    /// Who the breach concerns: the organizations in scope; in each, everyone whose data of
    /// the named categories is held — only the people in tickets when the breach concerns
    /// support communication alone, only the DPA signers for contract records alone — and
    /// the organization's admins.
    pub async fn affected(&self, b: &Breach) -> CoreResult<Vec<Affected>> {
        let orgs: Vec<Org> = if b.orgs.is_empty() {
            all_pages(|p| async move { self.store.list_orgs(&p).await }).await?
        } else {
            let mut v = Vec::new();
            for id in &b.orgs {
                v.extend(self.store.org_by_id(*id).await?);
            }
            v
        };
        let narrow: BTreeSet<DataCategory> = b.facts.categories.iter().copied().collect();
        let only = |allowed: &[DataCategory]| narrow.iter().all(|c| allowed.contains(c));
        let mut out = Vec::new();
        for org in orgs {
            let users = all_pages(|p| {
                let id = org.id;
                async move { self.store.list_users(id, &p).await }
            })
            .await?;
            let admin_ids = self.store.admins(org.id).await?;
            let subjects: Vec<User> = if only(&[
                DataCategory::SupportCommunication,
                DataCategory::ContractRecords,
            ]) {
                let mut ids = BTreeSet::new();
                if narrow.contains(&DataCategory::SupportCommunication) {
                    let filter = TicketFilter::default();
                    let filter = &filter;
                    let id = org.id;
                    for t in all_pages(|p| async move { self.store.tickets(id, filter, &p).await })
                        .await?
                    {
                        ids.insert(t.requester);
                        for m in self.store.messages(org.id, t.id).await? {
                            if let MessageAuthor::Customer { user } = m.author {
                                ids.insert(user);
                            }
                        }
                    }
                }
                if narrow.contains(&DataCategory::ContractRecords) {
                    for s in self.store.dpa_signatures(org.id).await? {
                        ids.insert(s.signer);
                    }
                }
                users
                    .iter()
                    .filter(|u| ids.contains(&u.id))
                    .cloned()
                    .collect()
            } else {
                users.clone()
            };
            let admins = users
                .iter()
                .filter(|u| admin_ids.contains(&u.id))
                .cloned()
                .collect();
            out.push(Affected {
                org,
                subjects,
                admins,
            });
        }
        Ok(out)
    }

    async fn breach_view(&self, b: &Breach) -> CoreResult<BreachView> {
        let now = self.now();
        let affected = self.affected(b).await?;
        // Deliveries, as the dispatcher recorded them in the deployment's audit chain.
        let mut fate: HashMap<String, (&'static str, Option<Timestamp>)> = HashMap::new();
        if !b.notices.is_empty() {
            let wanted: BTreeSet<String> =
                b.notices.iter().map(|n| target("mail", n.mail)).collect();
            let mut after = 0;
            loop {
                let batch = self
                    .store
                    .audit_events(ChainKey::Deployment, after, 5000)
                    .await?;
                let Some(last) = batch.last() else { break };
                after = last.seq;
                let n = batch.len();
                for e in batch.iter().filter(|e| wanted.contains(&e.target)) {
                    let state = match e.action.as_str() {
                        "mail.delivered" => ("delivered", Some(e.at)),
                        "mail.failed" => ("failed", None),
                        "mail.deferred" => ("retrying", None),
                        _ => continue,
                    };
                    fate.insert(e.target.clone(), state);
                }
                if n < 5000 {
                    break;
                }
            }
        }
        let slugs: HashMap<_, _> = affected
            .iter()
            .map(|a| (a.org.id, a.org.slug.as_str().to_string()))
            .collect();
        let deliveries: Vec<NoticeView> = b
            .notices
            .iter()
            .map(|n| {
                let (delivery, delivered_at) = fate
                    .get(&target("mail", n.mail))
                    .copied()
                    .unwrap_or(("queued", None));
                NoticeView {
                    org: slugs
                        .get(&n.org)
                        .cloned()
                        .unwrap_or_else(|| n.org.to_string()),
                    user: n.user,
                    recipient: n.recipient,
                    mail: n.mail,
                    delivery,
                    delivered_at,
                }
            })
            .collect();
        let count = |s: &str| deliveries.iter().filter(|d| d.delivery == s).count();
        let drafts = if b.notified_at.is_some() {
            Vec::new()
        } else {
            affected
                .iter()
                .flat_map(|a| drafts(b, a))
                .filter(|d| d.recipients > 0)
                .collect()
        };
        Ok(BreachView {
            drafts,
            clock: b.clock(now),
            affected_orgs: affected
                .iter()
                .map(|a| a.org.slug.as_str().to_string())
                .collect(),
            affected_subjects: affected.iter().map(|a| a.subjects.len()).sum(),
            affected_admins: affected.iter().map(|a| a.admins.len()).sum(),
            delivered: count("delivered"),
            pending: count("queued") + count("retrying"),
            failed: count("failed"),
            deliveries,
            breach: b.clone(),
        })
    }
}

/// The two notices of one organization concerned, drafted from the facts: to each person
/// concerned (Art. 34) and to each of its admins (Art. 33(2)).
fn drafts(b: &Breach, a: &Affected) -> [NoticeDraft; 2] {
    let org = a.org.slug.as_str().to_string();
    let (subject, text) = b.subject_notice(&a.org.name);
    let to_subjects = NoticeDraft {
        org: org.clone(),
        recipient: Recipient::DataSubject,
        recipients: a.subjects.len(),
        subject,
        text,
    };
    let (subject, text) = b.admin_notice(&a.org.name, a.subjects.len());
    let to_admins = NoticeDraft {
        org,
        recipient: Recipient::OrgAdmin,
        recipients: a.admins.len(),
        subject,
        text,
    };
    [to_subjects, to_admins]
}
