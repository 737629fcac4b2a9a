//! The background re-hasher: successful logins with a legacy or outdated hash queue the
//! re-hash here instead of paying an Argon2 hash (and a write) inside the login. One task runs
//! the jobs, at most `per_second` of them a second, so the upgrade of a freshly migrated
//! directory never takes more than a bounded share of the CPU from logins and searches. The
//! queue holds one job per credential and refuses more than `capacity`; a refused or lost job
//! (a restart) just waits for that credential's next login.

use skydir_core::change::HashOwner;
use skydir_core::ids::OrgId;
use skydir_core::ports::{DirectoryStore, RehashQueue};
use skydir_core::service::{Directory, RehashJob};
use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::mpsc;

/// The sending side, given to the core.
#[derive(Debug)]
pub struct ChannelRehashQueue {
    tx: mpsc::Sender<RehashJob>,
    pending: Arc<Mutex<HashSet<(OrgId, HashOwner)>>>,
}

impl RehashQueue for ChannelRehashQueue {
    fn offer(&self, job: RehashJob) -> bool {
        let key = job.key();
        let Ok(mut pending) = self.pending.lock() else {
            return false;
        };
        if !pending.insert(key) {
            return false;
        }
        if self.tx.try_send(job).is_err() {
            pending.remove(&key);
            return false;
        }
        true
    }
}

/// Starts the re-hasher for `dir` and returns the queue to give it. `per_second` must be > 0.
pub fn start<S: DirectoryStore + Clone>(
    dir: Directory<S>,
    per_second: u32,
    capacity: usize,
) -> ChannelRehashQueue {
    let (tx, mut rx) = mpsc::channel::<RehashJob>(capacity.max(1));
    let pending: Arc<Mutex<HashSet<(OrgId, HashOwner)>>> = Arc::default();
    let done = pending.clone();
    let gap = Duration::from_secs(1) / per_second.max(1);
    tokio::spawn(async move {
        while let Some(job) = rx.recv().await {
            let key = job.key();
            if let Err(e) = dir.rehash(job).await {
                tracing::warn!(error = %e, "a queued password re-hash failed; the next login retries it");
            }
            if let Ok(mut p) = done.lock() {
                p.remove(&key);
            }
            tokio::time::sleep(gap).await;
        }
    });
    ChannelRehashQueue { tx, pending }
}
