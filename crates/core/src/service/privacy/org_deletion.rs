//! Organization deletion as use cases: an admin asks (the request is mailed to them with a
//! confirmation link, and the other admins are told); a second admin or the link confirms; a
//! grace period follows during which any admin cancels; then the retention job purges every
//! row, destroys the keys and tells the connectors through one erasure request per user.

use super::all_pages;
use crate::access::{Action, Actor, authorize};
use crate::audit::AuditDraft;
use crate::change::{Change, Write};
use crate::directory::{Org, OrgSlug, User};
use crate::error::{CoreError, CoreResult};
use crate::ids::{ErasureId, OrgDeletionId, UserId};
use crate::ports::{DeskStore, DirectoryStore, PrivacyStore};
use crate::privacy::erasure::{ErasureRequest, SubjectContact};
use crate::privacy::org_deletion::{DeletionState, LINK_VALID, OrgDeletion};
use crate::service::{Directory, target};
use crate::support::OutboundMail;
use crate::support::verification::{token_from_random, token_hash};
use serde::Serialize;
use serde_json::json;

/// What one purge did (or, in a dry run, would do).
#[derive(Debug, Clone, Serialize)]
pub struct PurgeOutcome {
    pub organization: String,
    pub purge_at: Option<jiff::Timestamp>,
    pub users: u64,
    pub purged: bool,
}

fn admin_of(actor: &Actor) -> CoreResult<(crate::ids::OrgId, UserId)> {
    match *actor {
        Actor::OrgAdmin { org, user } => Ok((org, user)),
        Actor::Anonymous => Err(CoreError::Unauthenticated),
        _ => Err(CoreError::forbidden(
            "an organization's deletion is asked for and confirmed by its own admins",
        )),
    }
}

impl<S: DirectoryStore + DeskStore + PrivacyStore> Directory<S> {
    /// An admin asks for the org's deletion.
    pub async fn request_org_deletion(
        &self,
        actor: &Actor,
        slug: &OrgSlug,
    ) -> CoreResult<OrgDeletion> {
        let org = self
            .org_for(actor, slug, Action::RequestOrgDeletion)
            .await?;
        let (_, me) = admin_of(actor)?;
        if let Some(open) = self
            .current_deletion(&org)
            .await?
            .filter(OrgDeletion::is_open)
        {
            return Err(CoreError::conflict(
                "deletion",
                format!(
                    "a deletion of this organization is already {}",
                    open.state.as_str()
                ),
            ));
        }
        let requester = self.user_by_id(&org, me).await?;
        let now = self.now();
        let token = token_from_random(self.random());
        let hash = token_hash(&token)
            .ok_or_else(|| CoreError::Internal("a fresh token does not parse".into()))?;
        let d = OrgDeletion {
            id: OrgDeletionId::from_random(self.random()),
            org: org.id,
            slug: org.slug.as_str().to_string(),
            name: org.name.clone(),
            requested_by: me,
            requested_at: now,
            token_hash: hex::encode(hash),
            token_expires_at: now + LINK_VALID,
            state: DeletionState::AwaitingConfirmation,
            confirmed_by: None,
            confirmed_at: None,
            purge_at: None,
            cancelled_by: None,
            cancelled_at: None,
            purged_at: None,
            users_erased: 0,
            version: 1,
        };
        let policy = self.desk_policy()?;
        let url = &policy.contacts.public_url;
        let mut change = Change::new(Some(org.id))
            .write(Write::PutOrgDeletion(Box::new(d.clone())))
            .audit(AuditDraft::new(
                actor,
                &Action::RequestOrgDeletion(org.id),
                target("org", org.id),
                now,
            ));
        change = change.write(Write::QueueMail(Box::new(self.deletion_mail(
            &requester,
            format!("Confirm the deletion of {} and all its data", org.name),
            format!(
                "You asked to delete the organization {} ({}) and all its data.\n\n\
                 To confirm, open this link within 24 hours and press the button:\n\
                 {url}/org-deletion/{token}\n\n\
                 Another administrator of the organization can confirm instead. Once confirmed, \
                 the organization is purged after {} days unless an administrator cancels. After \
                 the purge nothing can be recovered: sign-ins, LDAP binds and API tokens stop \
                 working, and the service (including the free users) no longer works for you.\n\n\
                 If you did not ask for this, cancel it: DELETE {url}/api/v1/orgs/{}/deletion\n",
                org.name,
                org.slug,
                self.deletion_grace.as_hours() / 24,
                org.slug
            ),
        ))));
        for admin in self.store.admins(org.id).await? {
            if admin == me {
                continue;
            }
            let other = self.user_by_id(&org, admin).await?;
            change = change.write(Write::QueueMail(Box::new(self.deletion_mail(
                &other,
                format!("{} asked to delete {}", requester.username, org.name),
                format!(
                    "{} asked to delete the organization {} and all its data.\n\n\
                     As another administrator you can confirm it (POST {url}/api/v1/orgs/{}/deletion/confirm) \
                     or cancel it (DELETE {url}/api/v1/orgs/{}/deletion).\n",
                    requester.username, org.name, org.slug, org.slug
                ),
            ))));
        }
        self.store.commit(change).await?;
        Ok(d)
    }

    /// The writes that schedule the org's deletion because an active admin (`admin`)
    /// confirmed a verified request support opened for it (`verification`): confirmed at once
    /// — the admin's confirmation through the mailed link is the second factor the admins' own
    /// request asks for — purged after the grace period unless an admin cancels; every admin
    /// is told.
    pub(in crate::service) async fn deletion_by_verification(
        &self,
        org: &Org,
        admin: UserId,
        verification: crate::ids::VerificationId,
    ) -> CoreResult<Change> {
        if let Some(open) = self
            .current_deletion(org)
            .await?
            .filter(OrgDeletion::is_open)
        {
            return Err(CoreError::conflict(
                "verification",
                format!(
                    "a deletion of this organization is already {}",
                    open.state.as_str()
                ),
            ));
        }
        let now = self.now();
        let purge_at = now.checked_add(self.deletion_grace).unwrap_or(now);
        // No link confirms this one: the token is random and already expired.
        let unusable = hex::encode(
            token_hash(&token_from_random(self.random()))
                .ok_or_else(|| CoreError::Internal("a fresh token does not parse".into()))?,
        );
        let d = OrgDeletion {
            id: OrgDeletionId::from_random(self.random()),
            org: org.id,
            slug: org.slug.as_str().to_string(),
            name: org.name.clone(),
            requested_by: admin,
            requested_at: now,
            token_hash: unusable,
            token_expires_at: now,
            state: DeletionState::Scheduled,
            confirmed_by: Some(format!("verification:{verification}")),
            confirmed_at: Some(now),
            purge_at: Some(purge_at),
            cancelled_by: None,
            cancelled_at: None,
            purged_at: None,
            users_erased: 0,
            version: 1,
        };
        let url = self.desk_policy()?.contacts.public_url.clone();
        let mut change = Change::new(Some(org.id))
            .write(Write::PutOrgDeletion(Box::new(d)))
            .audit(
                AuditDraft::new(
                    &Actor::System,
                    &Action::RequestOrgDeletion(org.id),
                    target("org", org.id),
                    now,
                )
                .named("org.deletion.scheduled")
                .with_detail(json!({"verification": verification.to_string()})),
            );
        for id in self.store.admins(org.id).await? {
            let a = self.user_by_id(org, id).await?;
            change = change.write(Write::QueueMail(Box::new(self.deletion_mail(
                &a,
                format!(
                    "{} will be deleted on {}",
                    org.name,
                    purge_at.strftime("%Y-%m-%d")
                ),
                format!(
                    "An administrator of {name} confirmed the request to support to delete the \
                     organization {name} ({slug}) and all its data. It will be purged on {date} \
                     (UTC); after that nothing can be recovered, and sign-ins, LDAP binds and API \
                     tokens stop working.\n\n\
                     Until then any administrator can cancel it: the admin console's Privacy page, \
                     or DELETE {url}/api/v1/orgs/{slug}/deletion\n",
                    name = org.name,
                    slug = org.slug,
                    date = purge_at.strftime("%Y-%m-%d %H:%M"),
                ),
            ))));
        }
        Ok(change)
    }

    fn deletion_mail(&self, to: &User, subject: String, text: String) -> OutboundMail {
        self.privacy_mail(Some(to.org), to.email.as_str(), subject, text)
    }

    async fn user_by_id(&self, org: &Org, id: UserId) -> CoreResult<User> {
        self.store
            .user_by_id(org.id, id)
            .await?
            .ok_or_else(|| CoreError::not_found("user", id.to_string()))
    }

    async fn current_deletion(&self, org: &Org) -> CoreResult<Option<OrgDeletion>> {
        Ok(self
            .store
            .org_deletions(Some(org.id))
            .await?
            .into_iter()
            .next())
    }

    /// The org's latest deletion request, or `NotFound`.
    async fn latest_deletion(&self, org: &Org) -> CoreResult<OrgDeletion> {
        self.current_deletion(org)
            .await?
            .ok_or_else(|| CoreError::not_found("deletion", org.slug.as_str().to_string()))
    }

    /// The org's latest deletion request (its admins).
    pub async fn org_deletion(&self, actor: &Actor, slug: &OrgSlug) -> CoreResult<OrgDeletion> {
        let org = self
            .org_for(actor, slug, Action::RequestOrgDeletion)
            .await?;
        self.latest_deletion(&org).await
    }

    /// A second admin confirms.
    pub async fn confirm_org_deletion(
        &self,
        actor: &Actor,
        slug: &OrgSlug,
    ) -> CoreResult<OrgDeletion> {
        let org = self
            .org_for(actor, slug, Action::RequestOrgDeletion)
            .await?;
        let (_, me) = admin_of(actor)?;
        let mut d = self.latest_deletion(&org).await?;
        d.confirm_by_admin(me, self.now(), self.deletion_grace)?;
        self.save_deletion(actor, &d, "confirmed").await?;
        Ok(d)
    }

    /// The requester confirms through the mailed link (the token is the credential).
    pub async fn confirm_org_deletion_link(&self, token: &str) -> CoreResult<OrgDeletion> {
        let hash = token_hash(token)
            .map(hex::encode)
            .ok_or_else(|| CoreError::not_found("deletion", "this link".to_string()))?;
        let mut d = self
            .store
            .org_deletions(None)
            .await?
            .into_iter()
            .find(|d| d.token_hash == hash)
            .ok_or_else(|| CoreError::not_found("deletion", "this link".to_string()))?;
        d.confirm_by_link(self.now(), self.deletion_grace)?;
        self.save_deletion(&Actor::System, &d, "confirmed_by_link")
            .await?;
        Ok(d)
    }

    /// Any admin cancels before the purge.
    pub async fn cancel_org_deletion(
        &self,
        actor: &Actor,
        slug: &OrgSlug,
    ) -> CoreResult<OrgDeletion> {
        let org = self
            .org_for(actor, slug, Action::RequestOrgDeletion)
            .await?;
        let (_, me) = admin_of(actor)?;
        let mut d = self.latest_deletion(&org).await?;
        d.cancel(me, self.now())?;
        self.save_deletion(actor, &d, "cancelled").await?;
        Ok(d)
    }

    async fn save_deletion(&self, actor: &Actor, d: &OrgDeletion, what: &str) -> CoreResult<()> {
        let mut audit = AuditDraft::new(
            actor,
            &Action::RequestOrgDeletion(d.org),
            target("org", d.org),
            self.now(),
        );
        audit.detail = json!({ "deletion": d.id, "change": what, "purge_at": d.purge_at });
        self.store
            .commit(
                Change::new(Some(d.org))
                    .write(Write::PutOrgDeletion(Box::new(d.clone())))
                    .audit(audit),
            )
            .await
    }

    /// Purges every organization whose grace period is over (the retention job, as `System`
    /// or an operator); with `dry_run`, only says what it would purge.
    pub async fn purge_due_orgs(
        &self,
        actor: &Actor,
        dry_run: bool,
    ) -> CoreResult<Vec<PurgeOutcome>> {
        authorize(actor, &Action::ManagePrivacyRegistry)?;
        let now = self.now();
        let connectors = self.store.connectors().await?;
        let mut out = Vec::new();
        for mut d in self.store.org_deletions(None).await? {
            if !d.is_due(now) {
                continue;
            }
            let users = all_pages(|p| {
                let org = d.org;
                async move { self.store.list_users(org, &p).await }
            })
            .await?;
            let n = users.len() as u64;
            if !dry_run {
                let mut change = Change::new(None);
                for u in &users {
                    let r = ErasureRequest::new(
                        ErasureId::from_random(self.random()),
                        d.org,
                        u.id,
                        "system:org-deletion".into(),
                        now,
                        SubjectContact {
                            username: u.username.as_str().to_string(),
                            email: u.email.as_str().to_string(),
                        },
                        &connectors,
                    );
                    change = change.write(Write::PutErasure(Box::new(r)));
                }
                d.purged(n, now);
                let mut audit = AuditDraft::new(
                    actor,
                    &Action::ManagePrivacyRegistry,
                    target("org", d.org),
                    now,
                );
                audit.action = "org.purge".into();
                audit.detail = json!({ "deletion": d.id, "users": n });
                change = change
                    .write(Write::PurgeOrg(d.org))
                    .write(Write::PutOrgDeletion(Box::new(d.clone())))
                    .audit(audit);
                self.store.commit(change).await?;
            }
            out.push(PurgeOutcome {
                organization: d.slug.clone(),
                purge_at: d.purge_at,
                users: n,
                purged: !dry_run,
            });
        }
        Ok(out)
    }
}
