//! `skydir token create --operator`: a new operator token, for when the first one is lost.
//! Needs access to the data directory (and keys), which is the proof of being the operator.

use crate::config::Config;
use crate::wiring;
use anyhow::Context;
use skydir_core::access::Actor;
use std::process::ExitCode;

/// Creates and prints an operator token.
pub async fn create_operator(cfg: Config, name: &str) -> anyhow::Result<ExitCode> {
    let wired = wiring::open(&cfg, false).await?;
    let token = wired
        .dir
        .create_operator_token(&Actor::System, name)
        .await
        .context("creating the token")?;
    println!("{}", token.secret.expose());
    wired.store.close().await;
    Ok(ExitCode::SUCCESS)
}
