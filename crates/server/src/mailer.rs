//! The mail dispatcher: delivers the desk's queued mail (the transactional outbox) over SMTP,
//! or into `<data_dir>/outbox/` as `.eml` files when no relay is configured.
//!
//! `skydir serve` runs it in the background, polling the queue every second; `skydir mail
//! ingest` runs one round before it exits so an acknowledgement leaves at once. Several
//! dispatchers (processes on one PostgreSQL, or the CLI beside the server) never send the same
//! mail at once: each claims what it sends for a short lease. A crash after the relay accepted
//! a mail but before it was marked delivered sends it once more — at least once, never lost.

use skydir_core::access::Actor;
use skydir_core::service::{Directory, MailFate};
use skydir_mail::Transport;
use skydir_store::Store;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// Mails claimed per round.
const BATCH: u32 = 50;

/// How long a round waits before looking again when the queue was empty.
const POLL: Duration = Duration::from_secs(1);

/// What one round did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Round {
    pub delivered: usize,
    pub deferred: usize,
    pub failed: usize,
}

/// Delivers every queued mail that is due, in batches, until none is left.
pub async fn deliver_due(dir: &Directory<Store>, transport: &Transport, hostname: &str) -> Round {
    let mut round = Round::default();
    loop {
        let batch = match dir.claim_outbound_mail(&Actor::System, BATCH).await {
            Ok(b) => b,
            Err(e) => {
                tracing::warn!(error = %e, "cannot read the mail queue");
                return round;
            }
        };
        if batch.is_empty() {
            return round;
        }
        for queued in batch {
            let sent = match skydir_mail::render(&queued.mail, hostname) {
                Ok(raw) => transport.send(&queued.mail, &raw).await,
                Err(e) => Err(e),
            };
            let recorded = match sent {
                Ok(()) => {
                    round.delivered += 1;
                    dir.mail_delivered(&Actor::System, &queued)
                        .await
                        .map(|_| ())
                }
                Err(e) => {
                    let transient = e.is_transient();
                    tracing::warn!(mail = %queued.mail.id, error = %e, transient, "mail not delivered");
                    match dir
                        .mail_failed(&Actor::System, &queued, transient, &e.to_string())
                        .await
                    {
                        Ok(MailFate::RetryAt(_)) => {
                            round.deferred += 1;
                            Ok(())
                        }
                        Ok(MailFate::GivenUp) => {
                            round.failed += 1;
                            Ok(())
                        }
                        Err(e) => Err(e),
                    }
                }
            };
            if let Err(e) = recorded {
                // The lease runs out and the mail is tried again: sent twice at worst.
                tracing::warn!(error = %e, "cannot record a delivery attempt");
            }
        }
    }
}

/// The running background dispatcher.
#[derive(Debug)]
pub struct Dispatcher {
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl Dispatcher {
    /// Starts delivering in the background.
    pub fn start(dir: Directory<Store>, transport: Arc<Transport>, hostname: String) -> Self {
        let (stop, mut stopped) = watch::channel(false);
        let task = tokio::spawn(async move {
            loop {
                let round = deliver_due(&dir, &transport, &hostname).await;
                if round.delivered + round.deferred + round.failed > 0 {
                    tracing::info!(
                        delivered = round.delivered,
                        deferred = round.deferred,
                        failed = round.failed,
                        "mail queue round"
                    );
                }
                tokio::select! {
                    _ = tokio::time::sleep(POLL) => {}
                    _ = stopped.changed() => break,
                }
            }
        });
        Self { stop, task }
    }

    /// Stops after the round in progress.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        let _ = self.task.await;
    }
}

/// The transport the configuration asks for.
pub fn transport(
    cfg: &crate::config::Config,
    data: &crate::datadir::DataDir,
) -> anyhow::Result<Transport> {
    Transport::from_settings(
        cfg.smtp_url.as_deref(),
        &cfg.relay_options(),
        &data.outbox(),
    )
    .map_err(|e| anyhow::anyhow!("mail delivery settings (SKYDIR_SMTP_URL): {e}"))
}
