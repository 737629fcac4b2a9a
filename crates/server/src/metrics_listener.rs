//! The Prometheus endpoint's own listener: plain HTTP on an address apart from the HTTPS one
//! (by default loopback, checked in `config`), so the public port never tells anyone how the
//! deployment is used, and a local Prometheus or agent scrapes without TLS set-up.

use anyhow::Context;
use std::net::SocketAddr;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// A started metrics listener.
#[derive(Debug)]
pub struct MetricsListener {
    /// The bound address (useful with port 0).
    pub addr: SocketAddr,
    shutdown: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl MetricsListener {
    /// Binds `addr` and serves `GET /metrics` from the process-wide recorder.
    pub async fn start(addr: SocketAddr) -> anyhow::Result<Self> {
        let listener = TcpListener::bind(addr).await.with_context(|| {
            format!(
                "cannot listen for metrics on {addr} (choose another with --metrics-addr, or \
                 turn it off with --metrics-addr off)"
            )
        })?;
        let addr = listener.local_addr()?;
        let app = skydir_http::metrics_router(crate::telemetry::metrics_handle());
        let (shutdown, mut stop) = watch::channel(false);
        let task = tokio::spawn(async move {
            let served = axum::serve(listener, app)
                .with_graceful_shutdown(async move {
                    let _ = stop.changed().await;
                })
                .await;
            if let Err(e) = served {
                tracing::warn!(error = %e, "the metrics listener stopped");
            }
        });
        Ok(Self {
            addr,
            shutdown,
            task,
        })
    }

    /// Stops accepting scrapes and waits for the listener to end.
    pub async fn stop(self) {
        let _ = self.shutdown.send(true);
        let _ = self.task.await;
    }
}
