//! The command line. Flags are the last layer of configuration (defaults → `skydir.toml` →
//! `SKYDIR_*` environment → flags).

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// skydir — an open-source Directory-as-a-Service.
#[derive(Debug, Parser)]
#[command(name = "skydir", version, about)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command understands.
#[derive(Debug, Args, Clone, Default)]
pub struct GlobalArgs {
    /// Configuration file (default: ./skydir.toml when present; env SKYDIR_CONFIG).
    #[arg(long, global = true)]
    pub config: Option<PathBuf>,
    /// Data directory (env SKYDIR_DATA_DIR; default ./skydir-data).
    #[arg(long, global = true)]
    pub data_dir: Option<PathBuf>,
    /// Database URL: sqlite path or postgres://… (env SKYDIR_DATABASE_URL[_FILE]).
    #[arg(long, global = true)]
    pub database_url: Option<String>,
}

/// What to do.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the server.
    Serve(ServeArgs),
    /// Manage API tokens.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Import data.
    #[command(subcommand)]
    Import(ImportCommand),
    /// Work with the audit log.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// The support desk's mail.
    #[command(subcommand)]
    Mail(MailCommand),
    /// Data-protection records.
    #[command(subcommand)]
    Privacy(PrivacyCommand),
}

/// `skydir privacy …`.
#[derive(Debug, Subcommand)]
pub enum PrivacyCommand {
    /// Print the record of processing activities (GDPR Art. 30(2)).
    Records {
        /// `text` (default) or `json`.
        #[arg(long, default_value = "text")]
        format: String,
    },
    /// Run the retention rules now: purge the organizations whose deletion grace period is
    /// over, and delete the files of tickets closed longer ago than their organization's
    /// admins chose. `--dry-run` only says what would be done.
    Retention {
        #[arg(long)]
        dry_run: bool,
    },
}

/// `skydir mail …`.
#[derive(Debug, Subcommand)]
pub enum MailCommand {
    /// Handle one RFC 5322 message read from standard input (for an MTA's pipe transport):
    /// exit 0 when it was handled, 65 when it cannot be read as mail, 75 when it could not be
    /// processed now (it is then kept under <data-dir>/inbound/retry/ and retried by the next
    /// run).
    Ingest,
}

/// `skydir serve`.
#[derive(Debug, Args, Clone, Default)]
pub struct ServeArgs {
    /// HTTPS listen address (env SKYDIR_HTTP_ADDR; default 127.0.0.1:8443).
    #[arg(long)]
    pub http_addr: Option<String>,
    /// LDAP (StartTLS) listen address, or `off` (env SKYDIR_LDAP_ADDR; default 127.0.0.1:3890).
    #[arg(long)]
    pub ldap_addr: Option<String>,
    /// LDAPS listen address, or `off` (env SKYDIR_LDAPS_ADDR; default 127.0.0.1:6360).
    #[arg(long)]
    pub ldaps_addr: Option<String>,
    /// Accept binds and searches on the plain LDAP port without StartTLS (benchmarks and
    /// trusted loopback set-ups only; env SKYDIR_LDAP_ALLOW_PLAINTEXT).
    #[arg(long)]
    pub ldap_allow_plaintext: bool,
    /// The Prometheus endpoint's plain-HTTP listen address, or `off` (env SKYDIR_METRICS_ADDR;
    /// default 127.0.0.1:9464). It is never served on the HTTPS listener.
    #[arg(long)]
    pub metrics_addr: Option<String>,
    /// Allow a metrics address that other machines can reach (a private network you trust;
    /// env SKYDIR_METRICS_ALLOW_REMOTE).
    #[arg(long)]
    pub metrics_allow_remote: bool,
}

/// `skydir token …`.
#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create an API token and print it once.
    Create {
        /// A token for the deployment's operator.
        #[arg(long, required = true)]
        operator: bool,
        /// A label for the token.
        #[arg(long, default_value = "cli")]
        name: String,
    },
}

/// `skydir import …`.
#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Import users from a CSV or LDIF file into an org.
    Users {
        /// The .csv or .ldif file.
        file: PathBuf,
        /// The org's slug.
        #[arg(long)]
        org: String,
        /// Check every row and report, but write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Write nothing unless every row is valid.
        #[arg(long)]
        all_or_nothing: bool,
        /// No progress bar.
        #[arg(long)]
        quiet: bool,
    },
}

/// `skydir audit …`.
#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Verify every audit chain; exit 1 if any is broken.
    Verify,
}
