//! `skydir import users FILE --org ORG`: CSV or LDIF into an org, with a progress bar, a dry-run,
//! an all-or-nothing mode and every refused row reported with its line number. Password hashes
//! from the source directory are kept as they are and upgraded to Argon2id at each user's next
//! login.

use crate::config::Config;
use crate::wiring;
use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use skydir_core::access::Actor;
use skydir_core::directory::OrgSlug;
use skydir_core::service::ImportOptions;
use std::path::Path;
use std::process::ExitCode;

/// Runs an import and prints its report. Exit 1 when any row was refused.
pub async fn users(
    cfg: Config,
    file: &Path,
    org: &str,
    dry_run: bool,
    all_or_nothing: bool,
    quiet: bool,
) -> anyhow::Result<ExitCode> {
    let slug = OrgSlug::parse(org).map_err(|e| anyhow::anyhow!("--org: {e}"))?;
    let format = skydir_import::Format::from_path(file)?;
    let reader =
        std::fs::File::open(file).with_context(|| format!("cannot open {}", file.display()))?;
    let parsed = skydir_import::parse(format, std::io::BufReader::new(reader))
        .with_context(|| format!("{}", file.display()))?;
    let wired = wiring::open(&cfg, false).await?;

    let bar = if quiet {
        ProgressBar::hidden()
    } else {
        ProgressBar::new(parsed.rows.len() as u64)
    };
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {bar:40} {pos}/{len} users ({per_sec})",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let opts = ImportOptions {
        dry_run,
        all_or_nothing: all_or_nothing && parsed.errors.is_empty(),
    };
    let refuse_all = all_or_nothing && !parsed.errors.is_empty();
    let progress = |done: u64, _total: u64| bar.set_position(done);
    let mut report = wired
        .dir
        .import_users(
            &Actor::System,
            &slug,
            parsed.rows,
            ImportOptions {
                dry_run: opts.dry_run || refuse_all,
                ..opts
            },
            &progress,
        )
        .await?;
    bar.finish_and_clear();
    wired.store.close().await;

    report.errors.extend(parsed.errors);
    report.errors.sort_by_key(|e| e.line);
    for e in &report.errors {
        eprintln!(
            "{}: line {}: {}: {}",
            file.display(),
            e.line,
            e.field,
            e.reason
        );
    }
    let written = if dry_run || refuse_all {
        "dry run, nothing written"
    } else {
        "written"
    };
    println!(
        "{} valid rows, {} users created, {} rows refused, {} entries skipped ({written})",
        report.valid,
        report.created,
        report.errors.len(),
        parsed.skipped,
    );
    if refuse_all {
        println!("--all-or-nothing: nothing was imported because some rows were refused");
    }
    Ok(if report.errors.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
