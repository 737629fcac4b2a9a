//! The access report (GDPR Art. 15/20) as a use case: the person themself, signed in, or an
//! admin of their org asks for it; the provider's staff cannot (they have no access to personal
//! data). Every report is an audited read of personal data.

use super::all_pages;
use crate::access::{Action, Actor};
use crate::audit::{AuditDraft, ChainKey};
use crate::change::Change;
use crate::directory::{BindingSubject, GroupMember, Org, OrgSlug, User, Username};
use crate::error::CoreResult;
use crate::ids::{GroupId, UserId};
use crate::ports::{DeskStore, DirectoryStore, PrivacyStore, TicketFilter};
use crate::privacy::report::{
    AccessLine, AccessReport, ActivityLine, ContractLine, Memberships, OwnMessage, REPORT_FORMAT,
    RIGHTS, Recipient, ReportSubject, TicketLine, activity_line, concerns, section, user_data,
};
use crate::service::{Directory, target};
use crate::support::MessageAuthor;
use std::collections::{BTreeSet, HashMap, HashSet};

/// Audit events read per store round trip while looking for the person's.
const AUDIT_BATCH: u32 = 5000;

impl<S: DirectoryStore + DeskStore + PrivacyStore> Directory<S> {
    /// The report about `username` of org `slug` (their org's admins, or the user themself).
    pub async fn access_report(
        &self,
        actor: &Actor,
        slug: &OrgSlug,
        username: &Username,
    ) -> CoreResult<AccessReport> {
        let org = self.org_for(actor, slug, Action::ReadOrg).await?;
        let user = self.user_in(&org, username).await?;
        self.report(actor, &org, user).await
    }

    /// The report about the signed-in user.
    pub async fn my_access_report(&self, actor: &Actor) -> CoreResult<AccessReport> {
        let (org, user) = self
            .signed_in_user(
                actor,
                "the access report is about a user of the directory; sign in as that user",
            )
            .await?;
        self.report(actor, &org, user).await
    }

    pub(super) async fn report(
        &self,
        actor: &Actor,
        org: &Org,
        user: User,
    ) -> CoreResult<AccessReport> {
        let action = Action::ExportPersonalData(org.id, user.id);
        self.check(actor, &action, &target("user", user.id)).await?;
        let password_set = self.store.credential(org.id, user.id).await?.is_some();
        let pending_email = self
            .store
            .pending_email_change(org.id, user.id)
            .await?
            .and_then(|c| c.new_email);
        let authenticator = self
            .store
            .totp(org.id, user.id)
            .await?
            .is_some_and(|t| t.confirmed);
        let memberships = self.report_memberships(org, user.id).await?;
        let activity = self.report_activity(org, user.id).await?;
        let tickets = self.report_tickets(org, user.id).await?;
        let contracts = self.report_contracts(org, &user).await?;
        let recipients: Vec<Recipient> = self
            .store
            .subprocessors()
            .await?
            .iter()
            // Examples the operator has not confirmed are no statement of fact.
            .filter(|s| s.removed_at.is_none() && !s.example)
            .map(Recipient::from)
            .collect();
        let mut locations: BTreeSet<String> =
            recipients.iter().map(|r| r.location.clone()).collect();
        locations.insert(self.processing_location()?.describe());
        let report = AccessReport {
            format: REPORT_FORMAT,
            generated_at: self.now(),
            subject: ReportSubject {
                id: user.id,
                username: user.username.as_str().to_string(),
                organization: org.name.clone(),
                organization_slug: org.slug.as_str().to_string(),
            },
            controller: format!(
                "{}, the organization that holds your account, decides what is kept about you and why",
                org.name
            ),
            processor: "the provider of this directory service processes it on the \
                        organization's behalf and under its instructions"
                .into(),
            personal_data: user_data(&user, pending_email.as_ref(), password_set, authenticator),
            memberships,
            activity,
            tickets,
            contracts,
            other_records: [
                "user.memberships",
                "audit.events",
                "tickets.messages",
                "privacy.contracts",
            ]
            .into_iter()
            .filter_map(section)
            .collect(),
            recipients,
            locations: locations.into_iter().collect(),
            rights: RIGHTS.to_vec(),
        };
        let mut audit =
            AuditDraft::new(actor, &action, target("user", user.id), report.generated_at);
        audit.detail = serde_json::json!({ "format": REPORT_FORMAT });
        self.store
            .commit(Change::new(Some(org.id)).audit(audit))
            .await?;
        Ok(report)
    }

    async fn report_memberships(&self, org: &Org, user: UserId) -> CoreResult<Memberships> {
        let admin = self.is_admin(org, user).await?;
        let groups = all_pages(|p| async move { self.store.list_groups(org.id, &p).await }).await?;
        let names: HashMap<GroupId, String> = groups
            .iter()
            .map(|g| (g.id, g.name.as_str().to_string()))
            .collect();
        let edges = self.store.memberships(org.id).await?;
        let direct: HashSet<GroupId> = edges
            .iter()
            .filter(|(_, m)| *m == GroupMember::User(user))
            .map(|(g, _)| *g)
            .collect();
        // Groups reached through groups: walk child → parent edges from the direct ones.
        let mut all = direct.clone();
        let mut frontier: Vec<GroupId> = direct.iter().copied().collect();
        while let Some(g) = frontier.pop() {
            for (parent, m) in &edges {
                if *m == GroupMember::Group(g) && all.insert(*parent) {
                    frontier.push(*parent);
                }
            }
        }
        let name = |g: &GroupId| names.get(g).cloned().unwrap_or_else(|| g.to_string());
        let mut direct_names: Vec<String> = direct.iter().map(name).collect();
        direct_names.sort();
        let mut nested: Vec<String> = all.difference(&direct).map(name).collect();
        nested.sort();
        let resources =
            all_pages(|p| async move { self.store.list_resources(org.id, &p).await }).await?;
        let bindings =
            all_pages(|p| async move { self.store.list_bindings(org.id, &p).await }).await?;
        let mut access = Vec::new();
        for b in bindings {
            let granted = match b.subject {
                BindingSubject::User(u) if u == user => "directly".to_string(),
                BindingSubject::Group(g) if all.contains(&g) => {
                    format!("through group {}", name(&g))
                }
                _ => continue,
            };
            if let Some(r) = resources.iter().find(|r| r.id == b.resource) {
                access.push(AccessLine {
                    resource: r.name.as_str().to_string(),
                    kind: r.kind.as_str().to_string(),
                    granted,
                });
            }
        }
        access.sort_by(|a, b| (&a.resource, &a.granted).cmp(&(&b.resource, &b.granted)));
        Ok(Memberships {
            admin,
            groups: direct_names,
            nested_groups: nested,
            access,
        })
    }

    async fn report_activity(&self, org: &Org, user: UserId) -> CoreResult<Vec<ActivityLine>> {
        let chain = ChainKey::Org(org.id);
        let mut out = Vec::new();
        let mut after = 0;
        loop {
            let batch = self.store.audit_events(chain, after, AUDIT_BATCH).await?;
            let Some(last) = batch.last() else { break };
            after = last.seq;
            let n = batch.len();
            out.extend(
                batch
                    .iter()
                    .filter(|e| concerns(e, user))
                    .map(|e| activity_line(e, user)),
            );
            if n < AUDIT_BATCH as usize {
                break;
            }
        }
        Ok(out)
    }

    async fn report_tickets(&self, org: &Org, user: UserId) -> CoreResult<Vec<TicketLine>> {
        let filter = TicketFilter::default();
        let filter = &filter;
        let tickets =
            all_pages(|p| async move { self.store.tickets(org.id, filter, &p).await }).await?;
        let mut out = Vec::new();
        for t in tickets {
            let messages = self.store.messages(org.id, t.id).await?;
            let own: Vec<OwnMessage> = messages
                .iter()
                .filter(|m| m.author == MessageAuthor::Customer { user })
                .map(|m| OwnMessage {
                    at: m.at,
                    body: m.body.clone(),
                    attachments: m.attachments.iter().map(|a| a.filename.clone()).collect(),
                })
                .collect();
            let role = if t.requester == user {
                "requester"
            } else if !own.is_empty() {
                "participant"
            } else {
                continue;
            };
            out.push(TicketLine {
                number: t.number,
                subject: t.subject.clone(),
                status: t.status().as_str().to_string(),
                opened_at: t.created_at,
                role,
                messages: own,
            });
        }
        out.sort_by_key(|t| t.number);
        Ok(out)
    }

    async fn report_contracts(&self, org: &Org, user: &User) -> CoreResult<Vec<ContractLine>> {
        let mut out = Vec::new();
        for s in self.store.dpa_signatures(org.id).await? {
            if s.signer == user.id {
                out.push(ContractLine {
                    record: "dpa_signature",
                    detail: format!(
                        "signed the Data Processing Agreement version {} as {}, {}",
                        s.version, s.signer_name, s.signer_title
                    ),
                    at: s.signed_at,
                });
            }
        }
        for s in self.store.subscriptions().await? {
            if s.org == org.id && s.email == user.email {
                out.push(ContractLine {
                    record: "subprocessor_subscription",
                    detail: format!("{} receives sub-processor changes", s.email.as_str()),
                    at: s.created_at,
                });
            }
        }
        for o in self.store.objections(Some(org.id)).await? {
            if o.by == user.id {
                out.push(ContractLine {
                    record: "subprocessor_objection",
                    detail: format!("objected to {}: {}", o.subprocessor, o.reason),
                    at: o.at,
                });
            }
        }
        out.sort_by_key(|c| c.at);
        Ok(out)
    }
}
