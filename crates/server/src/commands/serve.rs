//! `skydir serve`: start, tell the operator where to log in, run until SIGINT/SIGTERM.

use crate::config::Config;
use crate::server;
use std::process::ExitCode;

/// Runs the server in the foreground.
pub async fn run(cfg: Config) -> anyhow::Result<ExitCode> {
    let data_dir = cfg.data_dir.clone();
    let running = server::start(cfg).await?;
    println!(
        "skydir is serving https://{}/ (data in {})",
        running.addr,
        data_dir.display()
    );
    if let Some(a) = running.ldap_addr {
        println!(
            "LDAP (StartTLS) on ldap://{a}/, suffix {}",
            running.ldap_suffix
        );
    }
    if let Some(a) = running.ldaps_addr {
        println!("LDAPS on ldaps://{a}/");
    }
    if let Some(a) = running.metrics_addr {
        println!("Prometheus metrics on http://{a}/metrics");
    }
    if running.generated_cert {
        println!(
            "generated a self-signed TLS certificate: {}",
            running.cert_path.display()
        );
    }
    if let Some(token) = &running.operator_token {
        println!();
        println!("First start: an operator account was created. Its API token is shown only now:");
        println!();
        println!("    {token}");
        println!();
        println!("Use it as 'Authorization: Bearer <token>', e.g.");
        println!(
            "    curl --cacert {} -H 'Authorization: Bearer {token}' https://{}/api/v1/orgs",
            running.cert_path.display(),
            running.addr
        );
        println!(
            "Lost it? Run: skydir token create --operator --data-dir {}",
            data_dir.display()
        );
    }
    println!("Press Ctrl-C to stop.");
    use std::io::Write;
    let _ = std::io::stdout().flush();
    shutdown_signal().await;
    tracing::info!("shutting down");
    running.stop().await;
    Ok(ExitCode::SUCCESS)
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(s) => s,
                Err(_) => {
                    let _ = ctrl_c.await;
                    return;
                }
            };
        tokio::select! {
            _ = ctrl_c => {},
            _ = term.recv() => {},
        }
    }
    #[cfg(not(unix))]
    {
        let _ = ctrl_c.await;
    }
}
