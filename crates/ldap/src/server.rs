//! Starts the LDAP listeners and the task that keeps the read model current. Subscribes to the
//! store's change notices *before* loading the model, so no change can fall between the two.

use crate::access::AccessLog;
use crate::config::LdapConfig;
use crate::conn::{self, Io};
use crate::error::LdapError;
use crate::model::{ReadModel, Tree};
use crate::ops::Ctx;
use skydir_core::change::Touched;
use skydir_core::ports::DirectoryStore;
use skydir_core::service::Directory;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, broadcast, watch};
use tokio::task::JoinSet;
use tokio_rustls::TlsAcceptor;

/// Running LDAP listeners.
#[derive(Debug)]
pub struct LdapRunning {
    /// Where plain LDAP (with StartTLS) listens, if enabled.
    pub ldap_addr: Option<SocketAddr>,
    /// Where LDAPS listens, if enabled.
    pub ldaps_addr: Option<SocketAddr>,
    /// The read model (exposed for health and metrics).
    pub model: Arc<ReadModel>,
    shutdown: watch::Sender<bool>,
    tasks: JoinSet<()>,
    access_writer: tokio::task::JoinHandle<()>,
}

impl LdapRunning {
    /// Stops accepting connections and the model updater.
    pub async fn stop(mut self) {
        let _ = self.shutdown.send(true);
        while self.tasks.join_next().await.is_some() {}
        // The access-log writer ends once the last connection is gone and its queue is written;
        // a connection still open keeps it waiting, so do not wait long.
        let _ = tokio::time::timeout(Duration::from_secs(2), self.access_writer).await;
    }
}

/// The number of the last change notice the store sent (see `Store::touched_seq`).
pub type CommittedSeq = Arc<dyn Fn() -> u64 + Send + Sync>;

/// Binds the configured listeners, loads the read model and starts serving. `changes` must be
/// a fresh subscription to the store's change notices and `committed` the store's notice
/// counter. `tls` is the server's certificate configuration (its ALPN list is replaced).
pub async fn start<S>(
    cfg: LdapConfig,
    dir: Directory<S>,
    changes: broadcast::Receiver<Touched>,
    committed: CommittedSeq,
    tls: Option<Arc<rustls::ServerConfig>>,
) -> Result<LdapRunning, LdapError>
where
    S: DirectoryStore + Clone + Send + Sync + 'static,
{
    cfg.validate()?;
    let model = Arc::new(ReadModel::new(Tree::new(&cfg.suffix)));
    // Everything committed before this point is in what load_all reads.
    let before = committed();
    let orgs = model.load_all(dir.store()).await?;
    model.mark_applied(before);
    tracing::info!(orgs, "LDAP read model loaded");
    let acceptor = tls.map(|c| {
        let mut c = (*c).clone();
        c.alpn_protocols.clear();
        TlsAcceptor::from(Arc::new(c))
    });
    if cfg.ldaps_addr.is_some() && acceptor.is_none() {
        return Err(LdapError::Config("LDAPS needs a TLS certificate".into()));
    }
    let (shutdown, stop) = watch::channel(false);
    let mut tasks = JoinSet::new();
    tasks.spawn(keep_current(
        model.clone(),
        dir.store().clone(),
        changes,
        committed.clone(),
        stop.clone(),
    ));
    let (access, access_writer) = AccessLog::start(dir.clone());
    let ctx = Arc::new(Ctx {
        access,
        dir,
        model: model.clone(),
        cfg: cfg.clone(),
        committed,
    });
    let permits = Arc::new(Semaphore::new(cfg.max_connections));
    let bound = |addr: SocketAddr| async move {
        TcpListener::bind(addr)
            .await
            .map_err(|source| LdapError::Listen {
                addr: addr.to_string(),
                source,
            })
    };
    let mut ldap_addr = None;
    if let Some(addr) = cfg.ldap_addr {
        let l = bound(addr).await?;
        ldap_addr = Some(l.local_addr().map_err(|source| LdapError::Listen {
            addr: addr.to_string(),
            source,
        })?);
        tasks.spawn(accept_loop(
            l,
            ctx.clone(),
            permits.clone(),
            Mode::Plain(acceptor.clone()),
            stop.clone(),
        ));
    }
    let mut ldaps_addr = None;
    if let (Some(addr), Some(acc)) = (cfg.ldaps_addr, acceptor) {
        let l = bound(addr).await?;
        ldaps_addr = Some(l.local_addr().map_err(|source| LdapError::Listen {
            addr: addr.to_string(),
            source,
        })?);
        tasks.spawn(accept_loop(l, ctx, permits, Mode::Ldaps(acc), stop));
    }
    Ok(LdapRunning {
        ldap_addr,
        ldaps_addr,
        model,
        shutdown,
        tasks,
        access_writer,
    })
}

#[derive(Clone)]
enum Mode {
    /// Plain TCP, StartTLS offered when a certificate is there.
    Plain(Option<TlsAcceptor>),
    /// TLS from the first byte.
    Ldaps(TlsAcceptor),
}

async fn accept_loop<S>(
    listener: TcpListener,
    ctx: Arc<Ctx<S>>,
    permits: Arc<Semaphore>,
    mode: Mode,
    mut stop: watch::Receiver<bool>,
) where
    S: DirectoryStore + Clone + Send + Sync + 'static,
{
    loop {
        let accepted = tokio::select! {
            a = listener.accept() => a,
            _ = stop.changed() => return,
        };
        let (tcp, client): (TcpStream, _) = match accepted {
            Ok((tcp, peer)) => (tcp, Some(skydir_throttle::ClientKey::from(peer.ip()))),
            Err(e) => {
                tracing::warn!(error = %e, "LDAP accept failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let Ok(permit) = permits.clone().try_acquire_owned() else {
            tracing::warn!("LDAP connection refused: too many connections");
            continue;
        };
        let _ = tcp.set_nodelay(true);
        let ctx = ctx.clone();
        let mode = mode.clone();
        tokio::spawn(async move {
            let _permit = permit;
            match mode {
                Mode::Plain(starttls) => {
                    let allow = ctx.cfg.allow_plain;
                    conn::serve(ctx, Box::new(tcp) as Box<dyn Io>, starttls, allow, client).await;
                }
                Mode::Ldaps(acceptor) => {
                    let tls =
                        match tokio::time::timeout(Duration::from_secs(10), acceptor.accept(tcp))
                            .await
                        {
                            Ok(Ok(s)) => s,
                            _ => return,
                        };
                    conn::serve(ctx, Box::new(tls) as Box<dyn Io>, None, true, client).await;
                }
            }
        });
    }
}

/// Applies change notices to the model as they come; on falling behind, reloads everything.
async fn keep_current<S: DirectoryStore>(
    model: Arc<ReadModel>,
    store: S,
    mut changes: broadcast::Receiver<Touched>,
    committed: CommittedSeq,
    mut stop: watch::Receiver<bool>,
) {
    loop {
        let next = tokio::select! {
            n = changes.recv() => n,
            _ = stop.changed() => return,
        };
        let outcome = match next {
            Ok(t) => {
                let r = model.apply(&store, &t).await;
                model.mark_applied(t.seq);
                r
            }
            Err(broadcast::error::RecvError::Lagged(n)) => {
                tracing::warn!(missed = n, "LDAP read model fell behind; reloading");
                let before = committed();
                let r = model.load_all(&store).await.map(|_| ());
                model.mark_applied(before);
                r
            }
            Err(broadcast::error::RecvError::Closed) => return,
        };
        if let Err(e) = outcome {
            tracing::error!(error = %e, "LDAP read model could not apply a change");
        }
    }
}
