//! The breach watch in the background: once a minute, take every step of the 72-hour clock
//! that is due — the 24- and 48-hour reminders, the 66-hour escalation, the 72-hour overdue
//! mark (see `Directory::breach_watch`). Running it in several server processes is safe —
//! each step is recorded on its breach in the same change that queues its mail.

use skydir_core::access::Actor;
use skydir_core::service::Directory;
use skydir_store::Store;
use std::time::Duration;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// How often the clocks are read.
const EVERY: Duration = Duration::from_secs(60);

/// The running watch.
#[derive(Debug)]
pub struct BreachWatch {
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl BreachWatch {
    /// Starts watching; the first round runs at once.
    pub fn start(dir: Directory<Store>) -> Self {
        let (stop, mut stopped) = watch::channel(false);
        let task = tokio::spawn(async move {
            loop {
                match dir.breach_watch(&Actor::System).await {
                    Ok(r) if r.reminders + r.escalations + r.overdue > 0 => {
                        tracing::info!(
                            reminders = r.reminders,
                            escalations = r.escalations,
                            overdue = r.overdue,
                            "breach watch"
                        );
                    }
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "breach watch round failed"),
                }
                tokio::select! {
                    _ = tokio::time::sleep(EVERY) => {}
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
