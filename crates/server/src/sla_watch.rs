//! The SLA watch in the background: once a minute, act on every near-breach warning and breach
//! that is due (see `Directory::sla_watch`). Running it in several server processes is safe —
//! each event is recorded on its ticket in the same change that acts on it.

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
pub struct SlaWatch {
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl SlaWatch {
    /// Starts watching.
    pub fn start(dir: Directory<Store>) -> Self {
        let (stop, mut stopped) = watch::channel(false);
        let task = tokio::spawn(async move {
            loop {
                match dir.sla_watch(&Actor::System).await {
                    Ok(r) if r.warnings + r.breaches > 0 => {
                        tracing::info!(warnings = r.warnings, breaches = r.breaches, "SLA watch");
                    }
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "SLA watch round failed"),
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
