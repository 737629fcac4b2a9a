//! `skydir privacy records`: prints the record of processing activities (GDPR Art. 30(2)) —
//! text for a person, `--format json` for a program — from the live deployment's data.

use crate::config::Config;
use crate::wiring;
use skydir_core::access::Actor;
use std::process::ExitCode;

/// Prints the record.
pub async fn records(cfg: Config, format: &str) -> anyhow::Result<ExitCode> {
    if format != "text" && format != "json" {
        anyhow::bail!("--format {format}: use text or json");
    }
    let wired = wiring::open(&cfg, false).await?;
    let record = wired.dir.processing_record(&Actor::System).await;
    wired.store.close().await;
    let record = record?;
    if format == "json" {
        println!("{}", serde_json::to_string_pretty(&record)?);
    } else {
        print!("{}", record.to_text());
    }
    Ok(ExitCode::SUCCESS)
}
