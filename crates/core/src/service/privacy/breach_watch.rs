//! The breach watch as a use case. The server runs [`Directory::breach_watch`] every minute:
//! for each breach not yet notified, the step due (the 24- and 48-hour reminders, the 66-hour
//! escalation, the 72-hour overdue mark — see `privacy::breach_watch`) is mailed to the
//! provider's privacy contact (the escalation and the overdue mark to the escalation address
//! too) and recorded on the breach, with its audit event, in the change that queues the mail.
//! The breach's version guards that change, so several server processes or a restart never
//! repeat a step.

use crate::access::{Action, Actor};
use crate::audit::AuditDraft;
use crate::change::{Change, Write};
use crate::error::{CoreError, CoreResult};
use crate::ids::MailId;
use crate::ports::{DeskStore, DirectoryStore, PrivacyStore};
use crate::privacy::{Alert, AlertSent};
use crate::service::{Directory, target};
use crate::support::OutboundMail;
use serde_json::json;

/// What one round of the watch did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BreachWatchRound {
    pub reminders: usize,
    pub escalations: usize,
    /// Breaches marked overdue.
    pub overdue: usize,
}

impl<S: DirectoryStore + DeskStore + PrivacyStore> Directory<S> {
    /// Takes every step of the breach watch that is due now (see the module docs). Only
    /// skydir itself runs it.
    pub async fn breach_watch(&self, actor: &Actor) -> CoreResult<BreachWatchRound> {
        if !matches!(actor, Actor::System) {
            return Err(CoreError::forbidden("only skydir's breach watch runs this"));
        }
        let policy = self.desk_policy()?;
        let mut round = BreachWatchRound::default();
        for breach in self.store.breaches().await? {
            let now = self.now();
            let due = breach.alerts_due(now);
            let Some(&latest) = due.last() else {
                continue;
            };
            let drafted: usize = self
                .affected(&breach)
                .await?
                .iter()
                .map(|a| a.subjects.len() + a.admins.len())
                .sum();
            let (subject, text) =
                breach.alert_mail(latest, now, drafted, &policy.contacts.public_url);
            let mut to = vec![policy.contacts.privacy.clone()];
            if latest.escalates() && policy.contacts.escalations != policy.contacts.privacy {
                to.push(policy.contacts.escalations.clone());
            }
            let mail = OutboundMail {
                id: MailId::from_random(self.random()),
                org: None,
                ticket: None,
                from: policy.contacts.support.clone(),
                to,
                subject,
                text,
                message_id: self.mail_message_id(&policy, None),
                in_reply_to: None,
                references: Vec::new(),
                auto_reply: true,
                created_at: now,
            };
            let mut updated = breach.clone();
            let mut change = Change::new(None);
            for alert in &due {
                let sent = (*alert == latest).then_some(mail.id);
                updated.alerts.push(AlertSent {
                    alert: *alert,
                    at: now,
                    mail: sent,
                });
                let mut audit = AuditDraft::new(
                    actor,
                    &Action::ManagePrivacyRegistry,
                    target("breach", breach.id),
                    now,
                )
                .with_detail(json!({
                    "step": alert.as_str(),
                    "mailed": sent.is_some(),
                    "status": breach.clock(now).status,
                }));
                audit.action = alert.audit_action().into();
                change = change.audit(audit);
            }
            updated.version += 1;
            change = change
                .write(Write::PutBreach(Box::new(updated)))
                .write(Write::QueueMail(Box::new(mail)));
            match self.store.commit(change).await {
                Ok(()) => match latest {
                    Alert::Reminder24h | Alert::Reminder48h => round.reminders += 1,
                    Alert::Escalation66h => round.escalations += 1,
                    Alert::Overdue72h => round.overdue += 1,
                },
                // Someone notified it or another watch got there first: the next round sees
                // the new state.
                Err(CoreError::Conflict { field, .. }) if field == "breach" => {}
                Err(e) => return Err(e),
            }
        }
        Ok(round)
    }
}
