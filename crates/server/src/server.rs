//! The HTTPS listener: accepts TCP, completes TLS (with a handshake timeout so idle sockets
//! cannot pile up), and serves the axum application over HTTP/1.1 or HTTP/2.

use crate::config::Config;
use crate::metrics_listener::MetricsListener;
use crate::tls;
use crate::wiring;
use anyhow::Context;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use hyper_util::service::TowerToHyperService;
use skydir_core::access::Actor;
use skydir_core::ports::Clock;
use skydir_http::{AppState, CsrfKey, Gate, ReadyCheck, TrustedProxies, router};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio_rustls::TlsAcceptor;
use tower::ServiceExt;

/// What the console's CSRF key is derived for (from the deployment key in the keyring).
const CSRF_KEY_PURPOSE: &[u8] = b"skydir/console/csrf";

/// How long a client has to finish the TLS handshake.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// A started server.
#[derive(Debug)]
pub struct Running {
    /// The bound HTTPS address (useful with port 0).
    pub addr: SocketAddr,
    /// The operator's one-time token, when this start created the operator.
    pub operator_token: Option<String>,
    /// The certificate clients should trust (self-signed by default).
    pub cert_path: PathBuf,
    /// True when this start generated the certificate.
    pub generated_cert: bool,
    /// The bound LDAP (StartTLS) address, if enabled.
    pub ldap_addr: Option<SocketAddr>,
    /// The bound LDAPS address, if enabled.
    pub ldaps_addr: Option<SocketAddr>,
    /// The LDAP suffix.
    pub ldap_suffix: String,
    /// The bound metrics (plain HTTP) address, if enabled.
    pub metrics_addr: Option<SocketAddr>,
    ldap: Option<skydir_ldap::LdapRunning>,
    metrics: Option<MetricsListener>,
    mail: crate::mailer::Dispatcher,
    sla: crate::sla_watch::SlaWatch,
    breaches: crate::breach_watch::BreachWatch,
    erasure: crate::erasure_hooks::ErasureHooks,
    retention: crate::retention::Retention,
    shutdown: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl Running {
    /// Stops accepting connections and waits for the accept loop to end.
    pub async fn stop(self) {
        if let Some(l) = self.ldap {
            l.stop().await;
        }
        if let Some(m) = self.metrics {
            m.stop().await;
        }
        self.mail.stop().await;
        self.sla.stop().await;
        self.breaches.stop().await;
        self.erasure.stop().await;
        self.retention.stop().await;
        let _ = self.shutdown.send(true);
        let _ = self.task.await;
    }
}

/// Opens the store, bootstraps the operator on first start, binds and starts serving.
pub async fn start(cfg: Config) -> anyhow::Result<Running> {
    start_with_clock(cfg, Arc::new(crate::adapters::SystemClock)).await
}

/// [`start`] with another clock than the system's: the test kit moves time with it to watch
/// deadlines pass. The binary always runs on the system clock.
pub async fn start_with_clock(cfg: Config, clock: Arc<dyn Clock>) -> anyhow::Result<Running> {
    for warning in &cfg.ignored {
        tracing::warn!("{warning}");
    }
    let mut wired = wiring::open_with_clock(&cfg, true, clock).await?;
    if cfg.rehash_per_second > 0 {
        let queue = crate::rehash::start(wired.dir.clone(), cfg.rehash_per_second, 4096);
        wired.dir = wired.dir.with_rehash_queue(Arc::new(queue));
    }
    let operator_token = wired
        .dir
        .bootstrap_operator()
        .await
        .context("creating the operator account")?
        .map(|t| t.secret.expose().to_string());

    wired
        .dir
        .sync_builtin_articles()
        .await
        .context("writing the built-in knowledge-base articles")?;
    let seeded = wired
        .dir
        .seed_subprocessor_examples(&Actor::System)
        .await
        .context("seeding the sub-processor register")?;
    if seeded > 0 {
        tracing::info!(
            entries = seeded,
            "the sub-processor register lists the statement's sub-processors as examples: \
             confirm, edit or remove them in the operator console (Data protection)"
        );
    }
    match wired.dir.publish_privacy_statement(&Actor::System).await {
        Ok(Some(v)) => tracing::info!(version = v.version, "privacy statement published"),
        Ok(None) => {}
        // Serving must not depend on it; the next start tries again.
        Err(e) => tracing::warn!(error = %e, "the privacy statement could not be published"),
    }

    let (cert_path, key_path) = match (&cfg.tls_cert, &cfg.tls_key) {
        (Some(c), Some(k)) => (c.clone(), k.clone()),
        _ => wired.data.tls(),
    };
    let generated_cert = if cfg.tls_cert.is_none() {
        tls::ensure_self_signed(&cert_path, &key_path)?
    } else {
        false
    };
    let tls_config = tls::server_config(&cert_path, &key_path)?;
    let acceptor = TlsAcceptor::from(tls_config.clone());

    // One set of budgets for both protocols: an address has one budget whichever door it
    // knocks on.
    let throttle = Arc::new(skydir_throttle::Throttle::new(cfg.rate_limits));
    let ldap = if cfg.ldap_addr.is_some() || cfg.ldaps_addr.is_some() {
        let ldap_cfg = skydir_ldap::LdapConfig {
            suffix: cfg.ldap_suffix.clone(),
            ldap_addr: cfg.ldap_addr,
            ldaps_addr: cfg.ldaps_addr,
            allow_plain: cfg.ldap_allow_plaintext,
            throttle: throttle.clone(),
            ..Default::default()
        };
        Some(
            skydir_ldap::start(
                ldap_cfg,
                wired.dir.clone(),
                wired.store.subscribe(),
                {
                    let store = wired.store.clone();
                    Arc::new(move || store.touched_seq())
                },
                Some(tls_config),
            )
            .await
            .context("starting LDAP")?,
        )
    } else {
        None
    };

    let metrics = match cfg.metrics_addr {
        Some(addr) => Some(MetricsListener::start(addr).await?),
        None => None,
    };

    let transport = crate::mailer::transport(&cfg, &wired.data)?;
    let mail = crate::mailer::Dispatcher::start(
        wired.dir.clone(),
        Arc::new(transport),
        cfg.desk_contacts().mail_domain().to_string(),
    );

    let sla = crate::sla_watch::SlaWatch::start(wired.dir.clone());
    let breaches = crate::breach_watch::BreachWatch::start(wired.dir.clone());
    let erasure = crate::erasure_hooks::ErasureHooks::start(
        wired.dir.clone(),
        crate::erasure_hooks::client()?,
    );
    let retention = crate::retention::Retention::start(
        wired.dir.clone(),
        Duration::from_secs(cfg.retention_interval_secs),
    );

    let store = wired.store.clone();
    let ready: ReadyCheck = Arc::new(move || {
        let store = store.clone();
        Box::pin(async move { store.ping().await.is_ok() })
    });
    let csrf_key = wired
        .store
        .deployment_secret(CSRF_KEY_PURPOSE)
        .await
        .context("deriving the console's CSRF key")?;
    let app = router(AppState {
        dir: wired.dir,
        ready,
        csrf_key: CsrfKey::new(csrf_key),
        ldap_suffix: cfg.ldap_suffix.clone(),
        gate: Gate {
            throttle,
            proxies: TrustedProxies(cfg.trusted_proxies.clone()),
        },
        read_mail: Arc::new(|raw: &[u8]| {
            let limits = skydir_mail::Limits {
                max_message_bytes: skydir_http::MAX_UPLOAD_BYTES as u64,
            };
            skydir_mail::parse(raw, &limits).map_err(|e| match e {
                skydir_mail::MailError::TooLarge { .. } => skydir_http::Unreadable::TooLarge,
                other => skydir_http::Unreadable::NotMail(other.to_string()),
            })
        }),
    });

    let listener = TcpListener::bind(cfg.http_addr)
        .await
        .with_context(|| format!("cannot listen on {}", cfg.http_addr))?;
    let addr = listener.local_addr()?;
    let (shutdown, mut stop) = watch::channel(false);
    let task = tokio::spawn(async move {
        loop {
            let accepted = tokio::select! {
                a = listener.accept() => a,
                _ = stop.changed() => break,
            };
            let (tcp, peer) = match accepted {
                Ok(v) => v,
                Err(e) => {
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            };
            let _ = tcp.set_nodelay(true);
            let acceptor = acceptor.clone();
            let app = app.clone();
            tokio::spawn(async move {
                let tls = match tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(tcp)).await
                {
                    Ok(Ok(s)) => s,
                    Ok(Err(e)) => {
                        tracing::debug!(error = %e, "TLS handshake failed");
                        return;
                    }
                    Err(_) => return,
                };
                // The rate limits count by the client's address.
                let app = app.map_request(move |mut req: hyper::Request<hyper::body::Incoming>| {
                    req.extensions_mut()
                        .insert(axum::extract::ConnectInfo(peer));
                    req
                });
                let svc = TowerToHyperService::new(app);
                if let Err(e) = auto::Builder::new(TokioExecutor::new())
                    .serve_connection_with_upgrades(TokioIo::new(tls), svc)
                    .await
                {
                    tracing::debug!(error = %e, "connection ended with an error");
                }
            });
        }
        wired.store.close().await;
    });
    Ok(Running {
        addr,
        ldap_addr: ldap.as_ref().and_then(|l| l.ldap_addr),
        ldaps_addr: ldap.as_ref().and_then(|l| l.ldaps_addr),
        ldap_suffix: cfg.ldap_suffix.clone(),
        ldap,
        metrics_addr: metrics.as_ref().map(|m| m.addr),
        metrics,
        mail,
        sla,
        breaches,
        erasure,
        retention,
        operator_token,
        cert_path,
        generated_cert,
        shutdown,
        task,
    })
}
