//! The outbound mail queue's use cases, for the dispatcher that delivers it: claim due mail,
//! then record each attempt's result. Transient failures are retried with growing pauses
//! (1 min, 5 min, 15 min, 1 h, then every 4 h) for up to two days; permanent ones (a refused
//! address) and mail that never got through are given up and recorded for the operator.

use crate::access::{Action, Actor};
use crate::audit::{AuditDraft, ChainKey};
use crate::change::{Change, Write};
use crate::error::{CoreError, CoreResult};
use crate::ports::{DeskStore, DirectoryStore, QueuedMail};
use crate::service::{Directory, target};
use jiff::SignedDuration;
use serde_json::json;

/// How long a claimed mail is reserved for its dispatcher.
const LEASE: SignedDuration = SignedDuration::from_mins(2);
/// Attempts after which a mail is given up (about two days with the pauses below).
pub const MAX_ATTEMPTS: u32 = 16;

/// The pause before attempt `attempts + 1`.
fn backoff(attempts: u32) -> SignedDuration {
    match attempts {
        0 | 1 => SignedDuration::from_mins(1),
        2 => SignedDuration::from_mins(5),
        3 => SignedDuration::from_mins(15),
        4 => SignedDuration::from_hours(1),
        _ => SignedDuration::from_hours(4),
    }
}

impl<S: DirectoryStore + DeskStore> Directory<S> {
    fn dispatcher(actor: &Actor) -> CoreResult<()> {
        match actor {
            Actor::System => Ok(()),
            _ => Err(CoreError::forbidden(
                "only skydir's mail dispatcher sends mail",
            )),
        }
    }

    /// Claims up to `limit` queued mails due now, reserving them for this dispatcher.
    pub async fn claim_outbound_mail(
        &self,
        actor: &Actor,
        limit: u32,
    ) -> CoreResult<Vec<QueuedMail>> {
        Self::dispatcher(actor)?;
        let now = self.now();
        self.store.claim_mail(now, now + LEASE, limit).await
    }

    /// Records a delivered mail: it leaves the queue.
    pub async fn mail_delivered(&self, actor: &Actor, queued: &QueuedMail) -> CoreResult<()> {
        Self::dispatcher(actor)?;
        let mut audit = AuditDraft::new(
            actor,
            &Action::ListOrgs,
            target("mail", queued.mail.id),
            self.now(),
        )
        .with_detail(
            json!({ "attempts": queued.attempts + 1, "recipients": queued.mail.to.len() }),
        );
        audit.chain = ChainKey::for_org(queued.mail.org);
        audit.action = "mail.delivered".into();
        self.store
            .commit(
                Change::new(queued.mail.org)
                    .write(Write::MailDelivered(queued.mail.id))
                    .audit(audit),
            )
            .await
    }

    /// Records a failed attempt: `transient` failures are retried later, others given up.
    /// `error` must hold no personal data (the kind of failure and the server's code).
    pub async fn mail_failed(
        &self,
        actor: &Actor,
        queued: &QueuedMail,
        transient: bool,
        error: &str,
    ) -> CoreResult<MailFate> {
        Self::dispatcher(actor)?;
        let attempts = queued.attempts + 1;
        let retry_at =
            (transient && attempts < MAX_ATTEMPTS).then(|| self.now() + backoff(attempts));
        let mut audit = AuditDraft::new(
            actor,
            &Action::ListOrgs,
            target("mail", queued.mail.id),
            self.now(),
        )
        .with_detail(json!({ "attempts": attempts, "error": error, "retry": retry_at.is_some() }));
        audit.chain = ChainKey::for_org(queued.mail.org);
        audit.action = if retry_at.is_some() {
            "mail.deferred"
        } else {
            "mail.failed"
        }
        .into();
        self.store
            .commit(
                Change::new(queued.mail.org)
                    .write(Write::MailFailed {
                        id: queued.mail.id,
                        attempts,
                        retry_at,
                        error: error.chars().take(300).collect(),
                    })
                    .audit(audit),
            )
            .await?;
        Ok(match retry_at {
            Some(at) => MailFate::RetryAt(at),
            None => MailFate::GivenUp,
        })
    }

    /// Mail waiting to be delivered.
    pub async fn pending_mail(&self) -> CoreResult<u64> {
        self.store.pending_mail_count().await
    }
}

/// What becomes of a mail after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailFate {
    RetryAt(jiff::Timestamp),
    GivenUp,
}
