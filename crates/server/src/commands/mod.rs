//! The CLI commands. Each returns an exit code; errors bubble up to `main` with context.

mod audit;
mod import;
mod mail;
mod privacy;
mod serve;
mod token;

use crate::cli::{
    AuditCommand, Cli, Command, ImportCommand, MailCommand, PrivacyCommand, TokenCommand,
};
use crate::config::{Config, Env};
use std::process::ExitCode;

/// Runs one parsed command line.
pub async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let env: Env = std::env::vars().collect();
    match cli.command {
        Command::Serve(args) => {
            let cfg = Config::load(&cli.global, &args, &env)?;
            crate::telemetry::init_logging(cfg.log_format, "info");
            serve::run(cfg).await
        }
        Command::Token(TokenCommand::Create { operator: _, name }) => {
            let cfg = Config::load(&cli.global, &Default::default(), &env)?;
            token::create_operator(cfg, &name).await
        }
        Command::Import(ImportCommand::Users {
            file,
            org,
            dry_run,
            all_or_nothing,
            quiet,
        }) => {
            let cfg = Config::load(&cli.global, &Default::default(), &env)?;
            import::users(cfg, &file, &org, dry_run, all_or_nothing, quiet).await
        }
        Command::Mail(MailCommand::Ingest) => {
            let cfg = Config::load(&cli.global, &Default::default(), &env)?;
            // Warnings on stderr, where the MTA keeps them: e.g. why an acknowledgement could
            // not be sent (it stays queued).
            crate::telemetry::init_logging(cfg.log_format, "warn");
            mail::ingest(cfg).await
        }
        Command::Audit(AuditCommand::Verify) => {
            let cfg = Config::load(&cli.global, &Default::default(), &env)?;
            audit::verify(cfg).await
        }
        Command::Privacy(PrivacyCommand::Records { format }) => {
            let cfg = Config::load(&cli.global, &Default::default(), &env)?;
            privacy::records(cfg, &format).await
        }
        Command::Privacy(PrivacyCommand::Retention { dry_run }) => {
            let cfg = Config::load(&cli.global, &Default::default(), &env)?;
            privacy::retention(cfg, dry_run).await
        }
    }
}
