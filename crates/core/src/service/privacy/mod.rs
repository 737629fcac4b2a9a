//! Data-protection use cases: the sub-processor registry (kept by the operator, seeded with
//! the statement's examples, public to all, announced to subscribed orgs by mail), orgs'
//! objections, the Data Processing Agreement, the privacy statement's versions and the feed,
//! the access report about a person, erasure with its propagation to sub-processors, the
//! breach register and its watch, retention, and the deletion of whole organizations.

mod access;
mod breach;
mod breach_watch;
mod data_requests;
mod dpa;
mod erasure;
mod org_deletion;
mod records;
mod registry;
mod registry_examples;
mod retention;
mod statement;

pub use breach::{Affected, BreachView, NoticeView};
pub use breach_watch::BreachWatchRound;
pub use erasure::{ConnectorPatch, Webhook};
pub use org_deletion::PurgeOutcome;
pub use registry::FEED_ITEMS as REGISTRY_FEED_ITEMS;
pub use retention::{AttachmentPurge, RetentionView};

use crate::access::Actor;
use crate::directory::{Org, User};
use crate::error::{CoreError, CoreResult};
use crate::ids::OrgId;
use crate::page::{MAX_PAGE, Page, PageRequest};
use crate::ports::DirectoryStore;
use crate::service::Directory;
use crate::support::OutboundMail;

impl<S: DirectoryStore + crate::ports::DeskStore> Directory<S> {
    /// The signed-in person's org and record; `refusal` says why anyone else is refused.
    pub(super) async fn signed_in_user(
        &self,
        actor: &Actor,
        refusal: &str,
    ) -> CoreResult<(Org, User)> {
        let (org, user) = match *actor {
            Actor::User { org, user } | Actor::OrgAdmin { org, user } => (org, user),
            Actor::Anonymous => return Err(CoreError::Unauthenticated),
            _ => return Err(CoreError::forbidden(refusal)),
        };
        let org = self
            .store
            .org_by_id(org)
            .await?
            .ok_or_else(|| CoreError::not_found("org", org.to_string()))?;
        let user = self
            .store
            .user_by_id(org.id, user)
            .await?
            .ok_or_else(|| CoreError::not_found("user", user.to_string()))?;
        Ok((org, user))
    }
}

impl<S: DirectoryStore> Directory<S> {
    /// A data-protection notice from the desk's address to one person, about `org` (its
    /// delivery is then recorded in the org's audit chain) or about none (the deployment's).
    pub(super) fn privacy_mail(
        &self,
        org: Option<OrgId>,
        to: &str,
        subject: String,
        text: String,
    ) -> OutboundMail {
        let policy = self.desk_policy().ok();
        OutboundMail {
            id: crate::ids::MailId::from_random(self.random()),
            org,
            ticket: None,
            from: policy
                .as_ref()
                .map(|p| p.contacts.support.clone())
                .unwrap_or_default(),
            to: vec![to.to_string()],
            subject,
            text,
            message_id: policy
                .as_ref()
                .map(|p| self.mail_message_id(p, None))
                .unwrap_or_default(),
            in_reply_to: None,
            references: Vec::new(),
            auto_reply: true,
            created_at: self.now(),
        }
    }
}

/// Reads every page of a cursor listing.
pub(super) async fn all_pages<T, F, Fut>(mut fetch: F) -> CoreResult<Vec<T>>
where
    F: FnMut(PageRequest) -> Fut,
    Fut: Future<Output = CoreResult<Page<T>>>,
{
    let mut out = Vec::new();
    let mut page = PageRequest::first(MAX_PAGE);
    loop {
        let p = fetch(page.clone()).await?;
        out.extend(p.items);
        match p.next {
            Some(next) => page.after = Some(next),
            None => return Ok(out),
        }
    }
}
