//! `skydir privacy retention [--dry-run]`: runs the retention rules now (purging deleted
//! organizations whose grace period is over, deleting the files of tickets closed longer ago
//! than their organization's admins chose) and says what it did or would do.
//!
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

/// Runs (or previews) the retention rules.
pub async fn retention(cfg: Config, dry_run: bool) -> anyhow::Result<ExitCode> {
    let wired = wiring::open(&cfg, false).await?;
    let done = wired.dir.purge_due_orgs(&Actor::System, dry_run).await;
    let files = wired
        .dir
        .purge_expired_attachments(&Actor::System, dry_run)
        .await;
    wired.store.close().await;
    let (done, files) = (done?, files?);
    let delete = if dry_run { "would delete" } else { "deleted" };
    for f in &files {
        println!(
            "{delete} {} file(s), {} bytes, of closed ticket #{} ({})",
            f.files, f.bytes, f.ticket, f.organization
        );
    }
    let verb = if dry_run { "would purge" } else { "purged" };
    for p in &done {
        println!("{verb} organization {} ({} users)", p.organization, p.users);
    }
    println!(
        "{} organization(s) {verb}{}",
        done.len(),
        if dry_run {
            " (dry run: nothing changed)"
        } else {
            ""
        }
    );
    Ok(ExitCode::SUCCESS)
}
