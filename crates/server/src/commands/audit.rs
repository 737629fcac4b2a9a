//! `skydir audit verify`: walks every hash chain and reports each one; exit 1 on any break.

use crate::config::Config;
use crate::wiring;
use skydir_core::access::Actor;
use std::process::ExitCode;

/// Verifies all audit chains.
pub async fn verify(cfg: Config) -> anyhow::Result<ExitCode> {
    let wired = wiring::open(&cfg, false).await?;
    let reports = wired.dir.verify_audit(&Actor::System).await?;
    wired.store.close().await;
    let mut broken = 0;
    for r in &reports {
        match &r.broken {
            None => println!("ok      {} ({} events)", r.chain, r.events),
            Some(why) => {
                broken += 1;
                println!("BROKEN  {} ({} events): {why}", r.chain, r.events);
            }
        }
    }
    println!("{} chains verified, {} broken", reports.len(), broken);
    Ok(if broken == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
