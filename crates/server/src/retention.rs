//! The retention job in the background: every `retention_interval_secs`, purge the
//! organizations whose deletion grace period is over (see `Directory::purge_due_orgs`) and
//! remind admins of data subjects' requests due within a week, and delete the files of tickets
//! closed longer ago than their organization's admins chose (organizations that chose nothing
//! keep them while they use the service). Safe
//! to run in several processes: a purge commits its request's next version, so a second
//! runner's purge of the same organization conflicts and does nothing.

use skydir_core::access::Actor;
use skydir_core::service::Directory;
use skydir_store::Store;
use std::time::Duration;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// The running job.
#[derive(Debug)]
pub struct Retention {
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl Retention {
    /// Starts the job.
    pub fn start(dir: Directory<Store>, every: Duration) -> Self {
        let (stop, mut stopped) = watch::channel(false);
        let task = tokio::spawn(async move {
            loop {
                match dir.purge_due_orgs(&Actor::System, false).await {
                    Ok(done) => {
                        for p in done {
                            tracing::info!(org = %p.organization, users = p.users, "organization purged");
                        }
                    }
                    Err(e) => tracing::warn!(error = %e, "retention round failed"),
                }
                match dir.purge_expired_attachments(&Actor::System, false).await {
                    Ok(done) if !done.is_empty() => {
                        let files: u64 = done.iter().map(|p| p.files).sum();
                        tracing::info!(
                            tickets = done.len(),
                            files,
                            "closed tickets' files deleted"
                        );
                    }
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "attachment retention failed"),
                }
                match dir.remind_data_requests(&Actor::System).await {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(requests = n, "data request reminders sent"),
                    Err(e) => tracing::warn!(error = %e, "data request reminders failed"),
                }
                tokio::select! {
                    _ = tokio::time::sleep(every) => {}
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
