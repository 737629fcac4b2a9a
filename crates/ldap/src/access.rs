//! The LDAP access log: binds are audited by the core's password check; searches are queued
//! here and written to the org's audit log in batches by one background task, so a search never
//! waits for a database write. The queue is bounded: if the writer falls far behind, searches
//! wait for room rather than go unrecorded.

use skydir_core::ports::DirectoryStore;
use skydir_core::service::{AccessEvent, Directory};
use tokio::sync::mpsc;

/// Most events waiting to be written.
const QUEUE: usize = 65_536;
/// Most events taken into one batch.
const BATCH: usize = 4_096;

/// The sending side, shared by every connection.
#[derive(Debug, Clone)]
pub struct AccessLog {
    tx: mpsc::Sender<AccessEvent>,
}

impl AccessLog {
    /// Starts the writer task; it ends once every sender is dropped and the queue is drained.
    pub fn start<S: DirectoryStore + Clone + Send + Sync + 'static>(
        dir: Directory<S>,
    ) -> (Self, tokio::task::JoinHandle<()>) {
        let (tx, rx) = mpsc::channel(QUEUE);
        (Self { tx }, tokio::spawn(write_batches(dir, rx)))
    }

    /// Queues an event (waits only when the queue is full).
    pub async fn record(&self, e: AccessEvent) {
        if self.tx.send(e).await.is_err() {
            tracing::error!("LDAP access log writer has stopped; an access went unrecorded");
        }
    }
}

async fn write_batches<S: DirectoryStore>(dir: Directory<S>, mut rx: mpsc::Receiver<AccessEvent>) {
    let mut batch = Vec::with_capacity(BATCH);
    while rx.recv_many(&mut batch, BATCH).await > 0 {
        let n = batch.len();
        if let Err(e) = dir.record_access(std::mem::take(&mut batch)).await {
            tracing::error!(error = %e, events = n, "could not write LDAP access events");
        }
    }
}
