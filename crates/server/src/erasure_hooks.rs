//! The erasure webhook dispatcher: every second, posts each due erasure webhook to its
//! sub-processor's connector, signed (`Skydir-Signature`), and records what came of it —
//! `2xx` with `{"erased": true}` confirms at once, any other `2xx` means accepted (the
//! connector confirms later by callback), anything else or no answer within ten seconds is
//! retried with back-off (see `privacy::erasure::RETRY_AFTER_SECS`). Bodies and errors are
//! never logged: they name the person being erased.

use skydir_core::privacy::erasure::Attempt;
use skydir_core::privacy::webhook::SIGNATURE_HEADER;
use skydir_core::service::{Directory, Webhook};
use skydir_store::Store;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;
use tokio::task::JoinHandle;

const POLL: Duration = Duration::from_secs(1);
const TIMEOUT: Duration = Duration::from_secs(10);

/// An HTTP client for the connectors: public web PKI roots, no proxy from the environment.
pub fn client() -> anyhow::Result<reqwest::Client> {
    let roots = rustls::RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(reqwest::Client::builder()
        .tls_backend_preconfigured(tls)
        .timeout(TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .build()?)
}

async fn post(client: &reqwest::Client, hook: &Webhook) -> Attempt {
    let sent = client
        .post(&hook.url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header(SIGNATURE_HEADER, &hook.signature)
        .body(hook.body.clone())
        .send()
        .await;
    match sent {
        Ok(resp) if resp.status().is_success() => {
            let erased = resp
                .json::<serde_json::Value>()
                .await
                .ok()
                .is_some_and(|v| v["erased"] == serde_json::Value::Bool(true));
            if erased {
                Attempt::Erased
            } else {
                Attempt::Accepted
            }
        }
        Ok(resp) => Attempt::Failed(format!("HTTP {}", resp.status().as_u16())),
        Err(e) if e.is_timeout() => Attempt::Failed("no answer within 10 s".into()),
        Err(e) if e.is_connect() => Attempt::Failed("connection refused or unreachable".into()),
        Err(_) => Attempt::Failed("the request failed".into()),
    }
}

/// Posts every webhook due now; returns how many were attempted.
pub async fn dispatch_due(dir: &Directory<Store>, client: &reqwest::Client) -> usize {
    let hooks = match dir.erasure_webhooks_due().await {
        Ok(h) => h,
        Err(e) => {
            tracing::warn!(error = %e, "cannot read the erasure webhooks due");
            return 0;
        }
    };
    for hook in &hooks {
        let attempt = post(client, hook).await;
        let outcome = match &attempt {
            Attempt::Accepted => "accepted",
            Attempt::Erased => "erased",
            Attempt::Failed(_) => "failed",
        };
        tracing::info!(request = %hook.request, connector = %hook.connector, outcome, "erasure webhook");
        if let Err(e) = dir
            .record_webhook(hook.request, &hook.connector, attempt)
            .await
        {
            tracing::warn!(request = %hook.request, error = %e, "cannot record an erasure webhook");
        }
    }
    hooks.len()
}

/// The running dispatcher.
#[derive(Debug)]
pub struct ErasureHooks {
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl ErasureHooks {
    /// Starts dispatching.
    pub fn start(dir: Directory<Store>, client: reqwest::Client) -> Self {
        let (stop, mut stopped) = watch::channel(false);
        let task = tokio::spawn(async move {
            loop {
                dispatch_due(&dir, &client).await;
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
