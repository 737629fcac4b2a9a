//! Use cases: one async function per thing a front end can ask. Each follows the same steps —
//! authorize the actor, validate against plan and policy, build one [`Change`] holding the writes
//! and their audit events, commit it — so a rule is enforced once for every interface.

mod access_log;
mod admins;
mod audit;
mod auth;
mod bindings;
mod decoy;
mod desk;
mod email_change;
mod groups;
mod invitations;
mod lock_notice;
mod my_tokens;
mod orgs;
mod password_check;
mod password_reset;
mod privacy;
mod resources;
mod service_accounts;
mod sign_out;
mod staff;
mod staff_totp;
mod systems;
mod tokens;
mod totp;
mod users;
mod views;

pub use access_log::AccessEvent;
pub use audit::ChainReport;
pub use auth::LoginOutcome;
pub use bindings::NewBinding;
pub use desk::{
    Decision, MailFate, MailOutcome, MessageView, NewAttachment, NewTicket, QueueItem, TicketPatch,
    TicketView, VerificationPrompt, VerificationView, WatchRound,
};
pub use email_change::EmailChangePrompt;
pub use groups::{GroupPatch, GroupView, MemberRef, NewGroup};
pub use invitations::{InvitationState, InvitationView};
pub use my_tokens::MAX_TOKEN_DAYS;
pub use orgs::{FirstAdmin, NewOrg, OrgPatch};
pub use password_check::RehashJob;
pub use password_reset::{PasswordSet, ResetPrompt};
pub use privacy::{
    Affected, AttachmentPurge, BreachView, BreachWatchRound, ConnectorPatch, NoticeView,
    PurgeOutcome, REGISTRY_FEED_ITEMS, RetentionView, Webhook,
};
pub use resources::{NewResource, ResourcePatch};
pub use service_accounts::NewServiceAccount;
pub use sign_out::{Ended, Keep};
pub use systems::{NewSystem, SystemPatch};
pub use tokens::IssuedToken;
pub use totp::TotpProvisioning;
pub use users::{ImportOptions, ImportReport, NewUser, PasswordInput, RowError, UserPatch};
pub use views::{Contact, PendingEmail, UserView};

use crate::access::{Action, Actor, authorize};
use crate::audit::AuditDraft;
use crate::change::Change;
use crate::directory::{Org, OrgSlug};
use crate::error::{CoreError, CoreResult};
use crate::ports::{Clock, DirectoryStore, PasswordWork, RehashQueue, Rng};
use crate::support::DeskPolicy;
use jiff::Timestamp;
use std::sync::Arc;

/// The directory's use cases over a store and the other ports.
pub struct Directory<S> {
    store: S,
    clock: Arc<dyn Clock>,
    rng: Arc<dyn Rng>,
    passwords: Arc<dyn PasswordWork>,
    rehash: Option<Arc<dyn RehashQueue>>,
    desk: Option<Arc<DeskPolicy>>,
    /// Where the provider runs this deployment, as the access report and the record of
    /// processing state it (e.g. "EU (Frankfurt)").
    location: Option<Arc<str>>,
    /// How long a confirmed organization deletion waits, cancellable, before the purge.
    deletion_grace: jiff::SignedDuration,
    /// The decoy hash unknown names are checked against (see [`decoy`]), made on first use.
    decoy: Arc<std::sync::OnceLock<String>>,
}

impl<S> std::fmt::Debug for Directory<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Directory")
    }
}

impl<S: Clone> Clone for Directory<S> {
    fn clone(&self) -> Self {
        Self {
            store: self.store.clone(),
            clock: self.clock.clone(),
            rng: self.rng.clone(),
            passwords: self.passwords.clone(),
            rehash: self.rehash.clone(),
            desk: self.desk.clone(),
            location: self.location.clone(),
            deletion_grace: self.deletion_grace,
            decoy: self.decoy.clone(),
        }
    }
}

impl<S: DirectoryStore> Directory<S> {
    /// Wires the use cases to their ports.
    pub fn new(
        store: S,
        clock: Arc<dyn Clock>,
        rng: Arc<dyn Rng>,
        passwords: Arc<dyn PasswordWork>,
    ) -> Self {
        Self {
            store,
            clock,
            rng,
            passwords,
            rehash: None,
            desk: None,
            location: None,
            deletion_grace: jiff::SignedDuration::from_hours(24 * 30),
            decoy: Arc::default(),
        }
    }

    /// The same use cases with another grace period before deleted organizations are purged.
    pub fn with_org_deletion_grace(mut self, grace: jiff::SignedDuration) -> Self {
        self.deletion_grace = grace;
        self
    }

    /// The same use cases, stating where the provider processes the data.
    pub fn with_processing_location(mut self, location: &str) -> Self {
        let l = location.trim();
        self.location = (!l.is_empty()).then(|| Arc::from(l));
        self
    }

    /// The same use cases with the support desk's policy (calendar, targets, contacts …);
    /// without it the desk runs on the provider's default policy and local contacts.
    pub fn with_desk(mut self, policy: DeskPolicy) -> Self {
        self.desk = Some(Arc::new(policy));
        self
    }

    /// The same use cases, with re-hashes of legacy hashes queued to `queue` instead of done
    /// inside the login (see [`RehashQueue`]).
    pub fn with_rehash_queue(mut self, queue: Arc<dyn RehashQueue>) -> Self {
        self.rehash = Some(queue);
        self
    }

    /// The store (for front ends that need health checks).
    pub fn store(&self) -> &S {
        &self.store
    }

    /// The current time from the clock port.
    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }

    fn random<const N: usize>(&self) -> [u8; N] {
        let mut b = [0u8; N];
        self.rng.fill(&mut b);
        b
    }

    /// Loads an org by slug; a missing org is `NotFound`.
    async fn org(&self, slug: &OrgSlug) -> CoreResult<Org> {
        self.store
            .org_by_slug(slug)
            .await?
            .ok_or_else(|| CoreError::not_found("organization", slug.as_str()))
    }

    /// Loads the org and authorizes `action(org.id)` for `actor`, recording a refusal in the
    /// org's audit chain so denied attempts are visible to the org's admins.
    async fn org_for(
        &self,
        actor: &Actor,
        slug: &OrgSlug,
        action: impl FnOnce(crate::ids::OrgId) -> Action,
    ) -> CoreResult<Org> {
        let org = self.org(slug).await?;
        // An org actor asking about another org learns nothing, not even that it exists.
        if actor.org().is_some_and(|own| own != org.id) {
            return Err(CoreError::not_found("organization", slug.as_str()));
        }
        self.check(actor, &action(org.id), &target("org", org.id))
            .await?;
        Ok(org)
    }

    /// Authorizes, auditing refusals of authenticated actors.
    async fn check(&self, actor: &Actor, action: &Action, target: &str) -> CoreResult<()> {
        match authorize(actor, action) {
            Ok(()) => Ok(()),
            Err(e) => {
                // Refusals are audited in the org's chain only for actors of that org or staff;
                // anonymous callers are not allowed to write to anyone's log.
                let visible = !matches!(actor, Actor::Anonymous)
                    && actor.org().is_none_or(|o| Some(o) == action.org());
                if visible {
                    let draft = AuditDraft::new(actor, action, target, self.now()).denied();
                    let _ = self
                        .store
                        .commit(Change::new(action.org()).audit(draft))
                        .await;
                }
                Err(e)
            }
        }
    }
}

/// Validated name of an entity kind for messages.
pub(crate) fn target(kind: &str, id: impl std::fmt::Display) -> String {
    format!("{kind}:{id}")
}

#[cfg(test)]
mod tests;
