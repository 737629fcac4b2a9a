//! `skydir mail ingest`: the MTA's pipe into the support desk. One message on standard input
//! becomes a ticket, a reply, an automatic answer or nothing (a duplicate, a robot); the desk's
//! answer is delivered before the command exits.
//!
//! Exit codes follow sysexits(3), which MTAs understand: 0 handled; 65 (`EX_DATAERR`) the input
//! is not a mail message at all (retrying cannot help; a copy is kept under
//! `inbound/unreadable/`); 75 (`EX_TEMPFAIL`) it could not be processed now — the store was
//! unavailable — and is kept under `inbound/retry/` (the MTA retries too; a second delivery is
//! recognized by its Message-ID). Every run first takes up the messages kept for retry.

use crate::config::Config;
use crate::datadir::DataDir;
use crate::mailer;
use crate::wiring;
use anyhow::Context;
use sha2::{Digest, Sha256};
use skydir_core::access::Actor;
use skydir_core::service::MailOutcome;
use skydir_mail::Limits;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

const EX_DATAERR: u8 = 65;
const EX_TEMPFAIL: u8 = 75;

/// How long delivering the desk's answers may hold up the MTA (the server's dispatcher
/// delivers whatever is left).
const DELIVERY_BUDGET: Duration = Duration::from_secs(30);

/// Runs the command.
pub async fn ingest(cfg: Config) -> anyhow::Result<ExitCode> {
    let limits = Limits::default();
    let mut raw = Vec::new();
    std::io::stdin()
        .take(limits.max_message_bytes + 1)
        .read_to_end(&mut raw)
        .context("reading the message from standard input")?;
    let data = DataDir::prepare(&cfg.data_dir)?;
    if raw.len() as u64 > limits.max_message_bytes {
        eprintln!(
            "skydir mail ingest: the message is larger than {} bytes and was not accepted",
            limits.max_message_bytes
        );
        return Ok(ExitCode::from(EX_DATAERR));
    }
    let mail = match skydir_mail::parse(&raw, &limits) {
        Ok(m) => m,
        Err(e) => {
            let kept = keep(&data.root.join("inbound").join("unreadable"), &raw)?;
            eprintln!(
                "skydir mail ingest: not a mail message ({e}); kept as {}",
                kept.display()
            );
            return Ok(ExitCode::from(EX_DATAERR));
        }
    };
    let wired = match wiring::open(&cfg, false).await {
        Ok(w) => w,
        Err(e) => {
            let kept = keep(&data.inbound_retry(), &raw)?;
            eprintln!(
                "skydir mail ingest: cannot open the store ({e:#}); kept for retry as {}",
                kept.display()
            );
            return Ok(ExitCode::from(EX_TEMPFAIL));
        }
    };
    retry_kept(&wired.dir, &data, &limits).await;
    let code = match wired.dir.ingest_mail(&Actor::System, mail).await {
        Ok(outcome) => {
            println!("{}", describe(&outcome));
            ExitCode::SUCCESS
        }
        Err(e) => {
            let kept = keep(&data.inbound_retry(), &raw)?;
            eprintln!(
                "skydir mail ingest: could not process the message ({e}); kept for retry as {}",
                kept.display()
            );
            ExitCode::from(EX_TEMPFAIL)
        }
    };
    match mailer::transport(&cfg, &data) {
        Ok(transport) => {
            let domain = cfg.desk_contacts().mail_domain().to_string();
            let delivery = mailer::deliver_due(&wired.dir, &transport, &domain);
            if tokio::time::timeout(DELIVERY_BUDGET, delivery)
                .await
                .is_err()
            {
                eprintln!("skydir mail ingest: delivery continues in the server's mail queue");
            }
        }
        Err(e) => eprintln!("skydir mail ingest: answers stay queued: {e:#}"),
    }
    wired.store.close().await;
    Ok(code)
}

/// One line for the MTA's log and the operator.
fn describe(o: &MailOutcome) -> String {
    match o {
        MailOutcome::Created { number } => format!("created ticket #{number}"),
        MailOutcome::Appended { number } => format!("added to ticket #{number}"),
        MailOutcome::Answered { reason } => format!("answered without a ticket ({reason})"),
        MailOutcome::Ignored { reason } => format!("not answered ({reason})"),
        MailOutcome::Duplicate => "already handled (duplicate delivery)".to_string(),
    }
}

/// Writes `raw` into `dir` (mode 0700) under its SHA-256, durably; returns the path.
fn keep(dir: &Path, raw: &[u8]) -> anyhow::Result<PathBuf> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    let path = dir.join(format!("{}.eml", hex::encode(Sha256::digest(raw))));
    let tmp = path.with_extension("tmp");
    {
        use std::io::Write;
        let mut f = std::fs::File::create(&tmp)
            .with_context(|| format!("cannot write {}", tmp.display()))?;
        f.set_permissions(std::fs::Permissions::from_mode(0o600))?;
        f.write_all(raw)?;
        f.sync_all()?;
    }
    std::fs::rename(&tmp, &path)?;
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(path)
}

/// Takes up the messages an earlier run kept for retry; each handled one is removed.
async fn retry_kept(
    dir: &skydir_core::service::Directory<skydir_store::Store>,
    data: &DataDir,
    limits: &Limits,
) {
    let Ok(entries) = std::fs::read_dir(data.inbound_retry()) else {
        return;
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "eml"))
        .collect();
    files.sort();
    for path in files {
        let Ok(raw) = std::fs::read(&path) else {
            continue;
        };
        let handled = match skydir_mail::parse(&raw, limits) {
            Ok(mail) => dir.ingest_mail(&Actor::System, mail).await.is_ok(),
            Err(_) => true,
        };
        if handled {
            let _ = std::fs::remove_file(&path);
        }
    }
}
