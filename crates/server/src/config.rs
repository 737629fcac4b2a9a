//! Configuration, layered: built-in defaults → `skydir.toml` → `SKYDIR_*` environment (with
//! `*_FILE` variants for secrets) → command-line flags. Unknown keys in the file are errors, so a
//! typo never silently falls back to a default.

use crate::cli::{GlobalArgs, ServeArgs};
use anyhow::{Context, bail};
use serde::Deserialize;
use skydir_core::auth::Argon2Params;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

/// Where the process reads its environment from (a map in tests).
pub type Env = HashMap<String, String>;

/// The resolved configuration.
#[derive(Clone)]
pub struct Config {
    pub data_dir: PathBuf,
    pub http_addr: SocketAddr,
    /// `None` = the embedded SQLite database in the data directory.
    pub database_url: Option<String>,
    /// Key-encryption key file (default `<data_dir>/keys/kek`, generated on first start).
    pub kek_file: Option<PathBuf>,
    /// The key-encryption key itself, hex, from `SKYDIR_KEK` (prefer the file).
    pub kek_hex: Option<String>,
    pub tls_cert: Option<PathBuf>,
    pub tls_key: Option<PathBuf>,
    pub argon2: Argon2Params,
    /// Concurrent password hashes (bounds CPU and memory use of Argon2).
    pub password_workers: usize,
    /// Most queued re-hashes of legacy password hashes per second (0: re-hash inside the login).
    pub rehash_per_second: u32,
    pub log_format: LogFormat,
    /// LDAP with StartTLS (`None` = off). Default 127.0.0.1:3890.
    pub ldap_addr: Option<SocketAddr>,
    /// LDAPS (`None` = off). Default 127.0.0.1:6360.
    pub ldaps_addr: Option<SocketAddr>,
    /// The LDAP suffix every org's naming context hangs under. Default `dc=skydir`.
    pub ldap_suffix: String,
    /// Serve binds and searches on the plain LDAP port without StartTLS (benchmarks only).
    pub ldap_allow_plaintext: bool,
    /// The Prometheus endpoint's own plain-HTTP listener (`None` = off). Default
    /// 127.0.0.1:9464; never the HTTPS listener.
    pub metrics_addr: Option<SocketAddr>,
    /// Allow `metrics_addr` on an address other machines can reach.
    pub metrics_allow_remote: bool,
    /// Where the desk's mail goes: `smtp://host:port` (STARTTLS) or `smtps://…`; `None`
    /// writes `.eml` files to `<data_dir>/outbox/`.
    pub smtp_url: Option<String>,
    /// Send to an `smtp://` relay on this machine in clear (refused for any other host).
    pub smtp_allow_plaintext: bool,
    /// PEM file of the CA(s) that sign a private relay's certificate.
    pub smtp_ca_file: Option<PathBuf>,
    /// The support desk's contacts: the support address (mail `From:` and intake address),
    /// sales / Customer Success, feedback, and the public base URL of the pages.
    pub support_address: String,
    pub sales_address: String,
    pub feedback_address: String,
    /// Where SLA warnings and breaches are mailed, and the breach watch's escalations.
    pub escalation_address: String,
    /// The provider's privacy contact: named in the privacy statement (and as whom to ask
    /// while `processing_location` is not set); the breach watch's reminders go here.
    pub privacy_address: String,
    /// Default `https://<http_addr>`.
    pub public_url: Option<String>,
    /// The authserv-ids of our own receiving MTAs, whose `Authentication-Results` are trusted.
    pub mail_trusted_authserv_ids: Vec<String>,
    /// Where this deployment processes data (e.g. "EU (Frankfurt)"), stated in access reports
    /// and the record of processing.
    pub processing_location: Option<String>,
    /// Days a confirmed organization deletion waits, cancellable, before the purge.
    pub org_deletion_grace_days: u32,
    /// Seconds between runs of the retention job (purging deleted organizations).
    pub retention_interval_secs: u64,
    /// Per-client-address budgets in front of HTTP and LDAP (see `skydir-throttle`).
    pub rate_limits: skydir_throttle::Limits,
    /// Reverse proxies whose `X-Forwarded-For` names the client (none by default).
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// Settings that were given but no longer do anything, to warn about at start.
    pub ignored: Vec<&'static str>,
}

/// Why `attachment_retention_days` is ignored.
pub const ATTACHMENT_RETENTION_IGNORED: &str = "attachment_retention_days is no longer used: \
    files of closed tickets are kept while their organization uses the service, unless its \
    admins choose a shorter period (admin console, Privacy; or PUT \
    /api/v1/orgs/{slug}/privacy/retention)";

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("data_dir", &self.data_dir)
            .field("http_addr", &self.http_addr)
            .field(
                "database",
                &self.database_url.as_ref().map(|u| redact_url(u)),
            )
            .field("kek_file", &self.kek_file)
            .field("kek", &self.kek_hex.as_ref().map(|_| "***"))
            .field("smtp", &self.smtp_url.as_ref().map(|u| redact_url(u)))
            .field("smtp_allow_plaintext", &self.smtp_allow_plaintext)
            .field("smtp_ca_file", &self.smtp_ca_file)
            .finish_non_exhaustive()
    }
}

/// Log output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

/// The file layer; every key optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    data_dir: Option<PathBuf>,
    http_addr: Option<String>,
    database_url: Option<String>,
    kek_file: Option<PathBuf>,
    tls_cert: Option<PathBuf>,
    tls_key: Option<PathBuf>,
    argon2_memory_kib: Option<u32>,
    argon2_iterations: Option<u32>,
    argon2_parallelism: Option<u32>,
    password_workers: Option<usize>,
    rehash_per_second: Option<u32>,
    log_format: Option<LogFormat>,
    ldap_addr: Option<String>,
    ldaps_addr: Option<String>,
    ldap_suffix: Option<String>,
    ldap_allow_plaintext: Option<bool>,
    metrics_addr: Option<String>,
    metrics_allow_remote: Option<bool>,
    smtp_url: Option<String>,
    smtp_allow_plaintext: Option<bool>,
    smtp_ca_file: Option<PathBuf>,
    support_address: Option<String>,
    sales_address: Option<String>,
    feedback_address: Option<String>,
    escalation_address: Option<String>,
    privacy_address: Option<String>,
    public_url: Option<String>,
    mail_trusted_authserv_ids: Option<Vec<String>>,
    processing_location: Option<String>,
    org_deletion_grace_days: Option<u32>,
    retention_interval_secs: Option<u64>,
    attachment_retention_days: Option<u32>,
    rate_limit_anonymous: Option<String>,
    rate_limit_failures: Option<String>,
    rate_limit_strict: Option<String>,
    rate_limit_mail_senders: Option<String>,
    trusted_proxies: Option<Vec<String>>,
}

/// Hides the password of a database URL for display.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            let user = creds.split(':').next().unwrap_or("");
            format!("{}{}:***{}", &url[..s + 3], user, &url[at..])
        }
        _ => url.to_string(),
    }
}

fn env_value(env: &Env, key: &str) -> anyhow::Result<Option<String>> {
    if let Some(v) = env.get(key) {
        return Ok(Some(v.clone()));
    }
    let file_key = format!("{key}_FILE");
    if let Some(path) = env.get(&file_key) {
        let v = std::fs::read_to_string(path)
            .with_context(|| format!("{file_key}: cannot read {path}"))?;
        return Ok(Some(v.trim().to_string()));
    }
    Ok(None)
}

fn parse_num<T: std::str::FromStr>(key: &str, v: String) -> anyhow::Result<T> {
    v.trim()
        .parse()
        .map_err(|_| anyhow::anyhow!("{key}: '{v}' is not a valid number"))
}

/// An optional listener address: `off` (or empty) disables the listener.
fn parse_opt_addr(source: &str, v: &str) -> anyhow::Result<Option<SocketAddr>> {
    match v.trim() {
        "" | "off" => Ok(None),
        v => parse_addr(source, v).map(Some),
    }
}

/// Where the Prometheus endpoint listens unless told otherwise.
pub const DEFAULT_METRICS_ADDR: &str = "127.0.0.1:9464";

/// The metrics listener speaks plain HTTP and answers anyone who reaches it, so an address
/// other machines can reach is refused unless the operator says it is meant.
fn check_metrics_addr(addr: Option<SocketAddr>, allow_remote: bool) -> anyhow::Result<()> {
    match addr {
        Some(a) if !a.ip().is_loopback() && !allow_remote => bail!(
            "metrics_addr {a} is not a loopback address: the metrics listener speaks plain HTTP \
             to anyone who reaches it. Keep it on 127.0.0.1 or ::1 (scrape through an agent or \
             tunnel on this machine), set metrics_allow_remote = true \
             (SKYDIR_METRICS_ALLOW_REMOTE, --metrics-allow-remote) for a private network you \
             trust, or turn it off with metrics_addr = \"off\""
        ),
        _ => Ok(()),
    }
}

fn parse_bool(source: &str, v: &str) -> anyhow::Result<bool> {
    match v.trim() {
        "true" | "1" | "yes" | "on" => Ok(true),
        "false" | "0" | "no" | "off" => Ok(false),
        other => bail!("{source}: '{other}' is not true or false"),
    }
}

fn parse_addr(source: &str, v: &str) -> anyhow::Result<SocketAddr> {
    v.parse()
        .map_err(|_| anyhow::anyhow!("{source}: '{v}' is not an address like 127.0.0.1:8443"))
}

impl Config {
    /// Resolves the configuration from all layers.
    pub fn load(global: &GlobalArgs, serve: &ServeArgs, env: &Env) -> anyhow::Result<Self> {
        let mut cfg = Config {
            data_dir: PathBuf::from("skydir-data"),
            http_addr: parse_addr("default", "127.0.0.1:8443")?,
            database_url: None,
            kek_file: None,
            kek_hex: None,
            tls_cert: None,
            tls_key: None,
            argon2: Argon2Params::default(),
            password_workers: 2,
            rehash_per_second: 20,
            log_format: LogFormat::Text,
            ldap_addr: parse_opt_addr("default", "127.0.0.1:3890")?,
            ldaps_addr: parse_opt_addr("default", "127.0.0.1:6360")?,
            ldap_suffix: "dc=skydir".into(),
            ldap_allow_plaintext: false,
            metrics_addr: parse_opt_addr("default", DEFAULT_METRICS_ADDR)?,
            metrics_allow_remote: false,
            smtp_url: None,
            smtp_allow_plaintext: false,
            smtp_ca_file: None,
            support_address: "support@skydir.localhost".into(),
            sales_address: "sales@skydir.localhost".into(),
            feedback_address: "feedback@skydir.localhost".into(),
            escalation_address: "escalations@skydir.localhost".into(),
            privacy_address: "privacy@skydir.localhost".into(),
            public_url: None,
            mail_trusted_authserv_ids: Vec::new(),
            processing_location: None,
            org_deletion_grace_days: 30,
            retention_interval_secs: 3600,
            rate_limits: skydir_throttle::Limits::default(),
            trusted_proxies: Vec::new(),
            ignored: Vec::new(),
        };

        // File layer.
        let file_path = global
            .config
            .clone()
            .or_else(|| env.get("SKYDIR_CONFIG").map(PathBuf::from))
            .or_else(|| {
                Path::new("skydir.toml")
                    .exists()
                    .then(|| PathBuf::from("skydir.toml"))
            });
        if let Some(path) = file_path {
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("cannot read config file {}", path.display()))?;
            let f: FileConfig =
                toml::from_str(&text).with_context(|| format!("config file {}", path.display()))?;
            if let Some(v) = f.data_dir {
                cfg.data_dir = v;
            }
            if let Some(v) = f.http_addr {
                cfg.http_addr = parse_addr("http_addr in the config file", &v)?;
            }
            cfg.database_url = f.database_url.or(cfg.database_url);
            cfg.kek_file = f.kek_file.or(cfg.kek_file);
            cfg.tls_cert = f.tls_cert.or(cfg.tls_cert);
            cfg.tls_key = f.tls_key.or(cfg.tls_key);
            if let Some(v) = f.argon2_memory_kib {
                cfg.argon2.memory_kib = v;
            }
            if let Some(v) = f.argon2_iterations {
                cfg.argon2.iterations = v;
            }
            if let Some(v) = f.argon2_parallelism {
                cfg.argon2.parallelism = v;
            }
            if let Some(v) = f.password_workers {
                cfg.password_workers = v;
            }
            if let Some(v) = f.rehash_per_second {
                cfg.rehash_per_second = v;
            }
            if let Some(v) = f.log_format {
                cfg.log_format = v;
            }
            if let Some(v) = f.ldap_addr {
                cfg.ldap_addr = parse_opt_addr("ldap_addr in the config file", &v)?;
            }
            if let Some(v) = f.ldaps_addr {
                cfg.ldaps_addr = parse_opt_addr("ldaps_addr in the config file", &v)?;
            }
            if let Some(v) = f.ldap_suffix {
                cfg.ldap_suffix = v;
            }
            if let Some(v) = f.ldap_allow_plaintext {
                cfg.ldap_allow_plaintext = v;
            }
            if let Some(v) = f.metrics_addr {
                cfg.metrics_addr = parse_opt_addr("metrics_addr in the config file", &v)?;
            }
            if let Some(v) = f.metrics_allow_remote {
                cfg.metrics_allow_remote = v;
            }
            cfg.smtp_url = f.smtp_url.or(cfg.smtp_url);
            if let Some(v) = f.smtp_allow_plaintext {
                cfg.smtp_allow_plaintext = v;
            }
            cfg.smtp_ca_file = f.smtp_ca_file.or(cfg.smtp_ca_file);
            cfg.support_address = f.support_address.unwrap_or(cfg.support_address);
            cfg.sales_address = f.sales_address.unwrap_or(cfg.sales_address);
            cfg.feedback_address = f.feedback_address.unwrap_or(cfg.feedback_address);
            cfg.escalation_address = f.escalation_address.unwrap_or(cfg.escalation_address);
            cfg.privacy_address = f.privacy_address.unwrap_or(cfg.privacy_address);
            cfg.public_url = f.public_url.or(cfg.public_url);
            cfg.processing_location = f.processing_location.or(cfg.processing_location);
            if let Some(v) = f.org_deletion_grace_days {
                cfg.org_deletion_grace_days = v;
            }
            if let Some(v) = f.retention_interval_secs {
                cfg.retention_interval_secs = v;
            }
            if f.attachment_retention_days.is_some() {
                cfg.ignored.push(ATTACHMENT_RETENTION_IGNORED);
            }
            if let Some(v) = f.mail_trusted_authserv_ids {
                cfg.mail_trusted_authserv_ids = v;
            }
            for (key, v) in crate::limits::RATE_KEYS.into_iter().zip([
                f.rate_limit_anonymous,
                f.rate_limit_failures,
                f.rate_limit_strict,
                f.rate_limit_mail_senders,
            ]) {
                if let Some(v) = v {
                    let source = format!("{key} in the config file");
                    crate::limits::set_rate(&mut cfg.rate_limits, key, &v, &source)?;
                }
            }
            if let Some(v) = f.trusted_proxies {
                cfg.trusted_proxies = crate::limits::parse_proxies(
                    v.iter().map(String::as_str),
                    "trusted_proxies in the config file",
                )?;
            }
        }

        // Environment layer.
        if let Some(v) = env_value(env, "SKYDIR_DATA_DIR")? {
            cfg.data_dir = v.into();
        }
        if let Some(v) = env_value(env, "SKYDIR_HTTP_ADDR")? {
            cfg.http_addr = parse_addr("SKYDIR_HTTP_ADDR", &v)?;
        }
        if let Some(v) = env_value(env, "SKYDIR_DATABASE_URL")? {
            cfg.database_url = Some(v);
        }
        if let Some(v) = env.get("SKYDIR_KEK_FILE") {
            cfg.kek_file = Some(v.into());
        }
        if let Some(v) = env.get("SKYDIR_KEK") {
            cfg.kek_hex = Some(v.clone());
        }
        if let Some(v) = env.get("SKYDIR_TLS_CERT") {
            cfg.tls_cert = Some(v.into());
        }
        if let Some(v) = env.get("SKYDIR_TLS_KEY") {
            cfg.tls_key = Some(v.into());
        }
        if let Some(v) = env_value(env, "SKYDIR_ARGON2_MEMORY_KIB")? {
            cfg.argon2.memory_kib = parse_num("SKYDIR_ARGON2_MEMORY_KIB", v)?;
        }
        if let Some(v) = env_value(env, "SKYDIR_ARGON2_ITERATIONS")? {
            cfg.argon2.iterations = parse_num("SKYDIR_ARGON2_ITERATIONS", v)?;
        }
        if let Some(v) = env_value(env, "SKYDIR_ARGON2_PARALLELISM")? {
            cfg.argon2.parallelism = parse_num("SKYDIR_ARGON2_PARALLELISM", v)?;
        }
        if let Some(v) = env_value(env, "SKYDIR_ORG_DELETION_GRACE_DAYS")? {
            cfg.org_deletion_grace_days = parse_num("SKYDIR_ORG_DELETION_GRACE_DAYS", v)?;
        }
        if let Some(v) = env_value(env, "SKYDIR_RETENTION_INTERVAL_SECS")? {
            cfg.retention_interval_secs = parse_num("SKYDIR_RETENTION_INTERVAL_SECS", v)?;
        }
        if env_value(env, "SKYDIR_ATTACHMENT_RETENTION_DAYS")?.is_some()
            && !cfg.ignored.contains(&ATTACHMENT_RETENTION_IGNORED)
        {
            cfg.ignored.push(ATTACHMENT_RETENTION_IGNORED);
        }
        if let Some(v) = env_value(env, "SKYDIR_PASSWORD_WORKERS")? {
            cfg.password_workers = parse_num("SKYDIR_PASSWORD_WORKERS", v)?;
        }
        if let Some(v) = env_value(env, "SKYDIR_REHASH_PER_SECOND")? {
            cfg.rehash_per_second = parse_num("SKYDIR_REHASH_PER_SECOND", v)?;
        }
        if let Some(v) = env_value(env, "SKYDIR_LOG_FORMAT")? {
            cfg.log_format = match v.as_str() {
                "text" => LogFormat::Text,
                "json" => LogFormat::Json,
                other => bail!("SKYDIR_LOG_FORMAT: '{other}' is not text or json"),
            };
        }

        if let Some(v) = env_value(env, "SKYDIR_LDAP_ADDR")? {
            cfg.ldap_addr = parse_opt_addr("SKYDIR_LDAP_ADDR", &v)?;
        }
        if let Some(v) = env_value(env, "SKYDIR_LDAPS_ADDR")? {
            cfg.ldaps_addr = parse_opt_addr("SKYDIR_LDAPS_ADDR", &v)?;
        }
        if let Some(v) = env_value(env, "SKYDIR_LDAP_SUFFIX")? {
            cfg.ldap_suffix = v;
        }
        if let Some(v) = env_value(env, "SKYDIR_LDAP_ALLOW_PLAINTEXT")? {
            cfg.ldap_allow_plaintext = parse_bool("SKYDIR_LDAP_ALLOW_PLAINTEXT", &v)?;
        }
        if let Some(v) = env_value(env, "SKYDIR_METRICS_ADDR")? {
            cfg.metrics_addr = parse_opt_addr("SKYDIR_METRICS_ADDR", &v)?;
        }
        if let Some(v) = env_value(env, "SKYDIR_METRICS_ALLOW_REMOTE")? {
            cfg.metrics_allow_remote = parse_bool("SKYDIR_METRICS_ALLOW_REMOTE", &v)?;
        }

        if let Some(v) = env_value(env, "SKYDIR_SMTP_URL")? {
            cfg.smtp_url = (!v.trim().is_empty()).then(|| v.trim().to_string());
        }
        if let Some(v) = env_value(env, "SKYDIR_SMTP_ALLOW_PLAINTEXT")? {
            cfg.smtp_allow_plaintext = parse_bool("SKYDIR_SMTP_ALLOW_PLAINTEXT", &v)?;
        }
        if let Some(v) = env.get("SKYDIR_SMTP_CA_FILE") {
            cfg.smtp_ca_file = (!v.trim().is_empty()).then(|| PathBuf::from(v.trim()));
        }
        for (key, slot) in [
            ("SKYDIR_SUPPORT_ADDRESS", &mut cfg.support_address),
            ("SKYDIR_SALES_ADDRESS", &mut cfg.sales_address),
            ("SKYDIR_FEEDBACK_ADDRESS", &mut cfg.feedback_address),
            ("SKYDIR_ESCALATION_ADDRESS", &mut cfg.escalation_address),
            ("SKYDIR_PRIVACY_ADDRESS", &mut cfg.privacy_address),
        ] {
            if let Some(v) = env_value(env, key)? {
                *slot = v.trim().to_string();
            }
        }
        if let Some(v) = env_value(env, "SKYDIR_PROCESSING_LOCATION")? {
            cfg.processing_location = Some(v.trim().to_string()).filter(|v| !v.is_empty());
        }
        if let Some(v) = env_value(env, "SKYDIR_PUBLIC_URL")? {
            cfg.public_url = Some(v.trim().trim_end_matches('/').to_string());
        }
        if let Some(v) = env_value(env, "SKYDIR_MAIL_TRUSTED_AUTHSERV_IDS")? {
            cfg.mail_trusted_authserv_ids = v
                .split(',')
                .map(|s| s.trim().to_ascii_lowercase())
                .filter(|s| !s.is_empty())
                .collect();
        }

        for key in crate::limits::RATE_KEYS {
            let var = format!("SKYDIR_{}", key.to_ascii_uppercase());
            if let Some(v) = env_value(env, &var)? {
                crate::limits::set_rate(&mut cfg.rate_limits, key, &v, &var)?;
            }
        }
        if let Some(v) = env_value(env, "SKYDIR_TRUSTED_PROXIES")? {
            cfg.trusted_proxies =
                crate::limits::parse_proxies(v.split(','), "SKYDIR_TRUSTED_PROXIES")?;
        }

        // Flag layer.
        if let Some(v) = &global.data_dir {
            cfg.data_dir = v.clone();
        }
        if let Some(v) = &global.database_url {
            cfg.database_url = Some(v.clone());
        }
        if let Some(v) = &serve.http_addr {
            cfg.http_addr = parse_addr("--http-addr", v)?;
        }
        if let Some(v) = &serve.ldap_addr {
            cfg.ldap_addr = parse_opt_addr("--ldap-addr", v)?;
        }
        if let Some(v) = &serve.ldaps_addr {
            cfg.ldaps_addr = parse_opt_addr("--ldaps-addr", v)?;
        }
        if serve.ldap_allow_plaintext {
            cfg.ldap_allow_plaintext = true;
        }
        if let Some(v) = &serve.metrics_addr {
            cfg.metrics_addr = parse_opt_addr("--metrics-addr", v)?;
        }
        if serve.metrics_allow_remote {
            cfg.metrics_allow_remote = true;
        }

        if cfg.tls_cert.is_some() != cfg.tls_key.is_some() {
            bail!(
                "give both a TLS certificate and its key (SKYDIR_TLS_CERT and SKYDIR_TLS_KEY), or neither"
            );
        }
        check_metrics_addr(cfg.metrics_addr, cfg.metrics_allow_remote)?;
        if cfg.retention_interval_secs == 0 {
            bail!("retention_interval_secs must be at least 1");
        }
        if cfg.org_deletion_grace_days > 365 {
            bail!("org_deletion_grace_days must be at most 365");
        }
        if cfg.password_workers == 0 {
            bail!("password_workers must be at least 1");
        }
        cfg.argon2
            .check()
            .map_err(|e| anyhow::anyhow!("argon2 parameters: {e}"))?;
        // The relay is checked now, so a mistake (plain text to another host, an unreadable
        // CA file) stops the start instead of leaving the desk's mail queued.
        if let Some(url) = cfg.smtp_url.as_deref().filter(|u| !u.trim().is_empty()) {
            skydir_mail::SmtpRelay::from_url(url, &cfg.relay_options())
                .map_err(|e| anyhow::anyhow!("the desk's mail relay (smtp_url): {e}"))?;
        }
        cfg.desk_contacts()
            .check()
            .map_err(|e| anyhow::anyhow!("support desk settings: {e}"))?;
        Ok(cfg)
    }

    /// What the mail dispatcher needs to know about the relay besides its URL.
    pub fn relay_options(&self) -> skydir_mail::RelayOptions {
        skydir_mail::RelayOptions {
            allow_plaintext: self.smtp_allow_plaintext,
            ca_file: self.smtp_ca_file.clone(),
        }
    }

    /// The support desk's contacts from these settings.
    pub fn desk_contacts(&self) -> skydir_core::support::Contacts {
        skydir_core::support::Contacts {
            support: self.support_address.clone(),
            sales: self.sales_address.clone(),
            feedback: self.feedback_address.clone(),
            escalations: self.escalation_address.clone(),
            privacy: self.privacy_address.clone(),
            public_url: self
                .public_url
                .clone()
                .unwrap_or_else(|| format!("https://{}", self.http_addr)),
            trusted_authserv_ids: self.mail_trusted_authserv_ids.clone(),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Env {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn layers_apply_in_order_defaults_file_env_flags() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("skydir.toml");
        std::fs::write(
            &file,
            "data_dir = \"/from/file\"\nhttp_addr = \"127.0.0.1:1111\"\n",
        )
        .unwrap();
        let global = GlobalArgs {
            config: Some(file.clone()),
            ..Default::default()
        };
        let c = Config::load(&global, &ServeArgs::default(), &env(&[])).unwrap();
        assert_eq!(c.data_dir, PathBuf::from("/from/file"));
        assert_eq!(c.http_addr.port(), 1111);
        let c = Config::load(
            &global,
            &ServeArgs::default(),
            &env(&[("SKYDIR_HTTP_ADDR", "127.0.0.1:2222")]),
        )
        .unwrap();
        assert_eq!(c.http_addr.port(), 2222);
        let serve = ServeArgs {
            http_addr: Some("127.0.0.1:3333".into()),
            ..Default::default()
        };
        let c = Config::load(
            &global,
            &serve,
            &env(&[("SKYDIR_HTTP_ADDR", "127.0.0.1:2222")]),
        )
        .unwrap();
        assert_eq!(c.http_addr.port(), 3333);
    }

    #[test]
    fn secrets_come_from_files_and_bad_values_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let secret = dir.path().join("db");
        std::fs::write(&secret, "postgres://u:pw@127.0.0.1/x\n").unwrap();
        let e = env(&[("SKYDIR_DATABASE_URL_FILE", secret.to_str().unwrap())]);
        let c = Config::load(&GlobalArgs::default(), &ServeArgs::default(), &e).unwrap();
        assert_eq!(
            c.database_url.as_deref(),
            Some("postgres://u:pw@127.0.0.1/x")
        );
        assert!(!format!("{c:?}").contains("pw"));
        let err = Config::load(
            &GlobalArgs::default(),
            &ServeArgs::default(),
            &env(&[("SKYDIR_HTTP_ADDR", "nope")]),
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("SKYDIR_HTTP_ADDR"), "{err}");
        let file = dir.path().join("bad.toml");
        std::fs::write(&file, "data_dri = \"x\"\n").unwrap();
        let global = GlobalArgs {
            config: Some(file),
            ..Default::default()
        };
        let err = format!(
            "{:#}",
            Config::load(&global, &ServeArgs::default(), &env(&[])).unwrap_err()
        );
        assert!(err.contains("data_dri"), "{err}");
    }

    #[test]
    fn ldap_listens_on_the_contract_ports_and_plaintext_needs_asking() {
        let none = Config::load(&GlobalArgs::default(), &ServeArgs::default(), &env(&[])).unwrap();
        assert_eq!(
            none.ldap_addr.map(|a| a.to_string()).as_deref(),
            Some("127.0.0.1:3890")
        );
        assert_eq!(
            none.ldaps_addr.map(|a| a.to_string()).as_deref(),
            Some("127.0.0.1:6360")
        );
        assert!(!none.ldap_allow_plaintext);
        let by_env = Config::load(
            &GlobalArgs::default(),
            &ServeArgs::default(),
            &env(&[("SKYDIR_LDAP_ALLOW_PLAINTEXT", "true")]),
        )
        .unwrap();
        assert!(by_env.ldap_allow_plaintext);
        let serve = ServeArgs {
            ldap_allow_plaintext: true,
            ..Default::default()
        };
        let by_flag = Config::load(&GlobalArgs::default(), &serve, &env(&[])).unwrap();
        assert!(by_flag.ldap_allow_plaintext);
    }

    #[test]
    fn metrics_listen_on_loopback_by_default_and_elsewhere_only_when_allowed() {
        let load = |pairs: &[(&str, &str)], serve: &ServeArgs| {
            Config::load(&GlobalArgs::default(), serve, &env(pairs))
        };
        let none = ServeArgs::default();
        let c = load(&[], &none).unwrap();
        assert_eq!(
            c.metrics_addr.map(|a| a.to_string()).as_deref(),
            Some(DEFAULT_METRICS_ADDR)
        );
        let c = load(&[("SKYDIR_METRICS_ADDR", "off")], &none).unwrap();
        assert_eq!(c.metrics_addr, None);
        let c = load(&[("SKYDIR_METRICS_ADDR", "[::1]:9100")], &none).unwrap();
        assert_eq!(c.metrics_addr.map(|a| a.port()), Some(9100));
        for public in ["0.0.0.0:9464", "10.1.2.3:9464", "[::]:9464"] {
            let err = format!(
                "{:#}",
                load(&[("SKYDIR_METRICS_ADDR", public)], &none).unwrap_err()
            );
            assert!(err.contains("not a loopback address"), "{err}");
            let c = load(
                &[
                    ("SKYDIR_METRICS_ADDR", public),
                    ("SKYDIR_METRICS_ALLOW_REMOTE", "true"),
                ],
                &none,
            )
            .unwrap();
            assert!(c.metrics_addr.is_some());
        }
        let flags = ServeArgs {
            metrics_addr: Some("0.0.0.0:9464".into()),
            metrics_allow_remote: true,
            ..Default::default()
        };
        assert!(load(&[("SKYDIR_METRICS_ADDR", "off")], &flags).is_ok());
        let err = load(&[("SKYDIR_METRICS_ADDR", "nope")], &none)
            .unwrap_err()
            .to_string();
        assert!(err.contains("SKYDIR_METRICS_ADDR"), "{err}");
    }

    #[test]
    fn the_privacy_contact_is_set_and_the_old_file_retention_is_ignored_with_a_warning() {
        let none = Config::load(&GlobalArgs::default(), &ServeArgs::default(), &env(&[])).unwrap();
        assert_eq!(none.desk_contacts().privacy, "privacy@skydir.localhost");
        assert!(none.ignored.is_empty());
        let c = Config::load(
            &GlobalArgs::default(),
            &ServeArgs::default(),
            &env(&[
                ("SKYDIR_PRIVACY_ADDRESS", "dpo@provider.test"),
                ("SKYDIR_ATTACHMENT_RETENTION_DAYS", "30"),
            ]),
        )
        .unwrap();
        assert_eq!(c.desk_contacts().privacy, "dpo@provider.test");
        assert_eq!(c.ignored, [ATTACHMENT_RETENTION_IGNORED]);
        let err = Config::load(
            &GlobalArgs::default(),
            &ServeArgs::default(),
            &env(&[("SKYDIR_PRIVACY_ADDRESS", "not an address")]),
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("privacy_address"), "{err}");
    }

    #[test]
    fn the_relay_is_spoken_to_over_tls_unless_it_is_on_this_machine_and_plaintext_is_allowed() {
        let load = |pairs: &[(&str, &str)]| {
            Config::load(&GlobalArgs::default(), &ServeArgs::default(), &env(pairs))
        };
        let c = load(&[("SKYDIR_SMTP_URL", "smtp://relay.example.com:587")]).unwrap();
        assert!(!c.smtp_allow_plaintext);
        assert_eq!(c.relay_options(), skydir_mail::RelayOptions::default());
        let c = load(&[
            ("SKYDIR_SMTP_URL", "smtp://127.0.0.1:25"),
            ("SKYDIR_SMTP_ALLOW_PLAINTEXT", "true"),
        ])
        .unwrap();
        assert!(c.relay_options().allow_plaintext);
        for host in ["relay.example.com", "10.0.0.25", "127.0.0.1.example.com"] {
            let url = format!("smtp://{host}:25");
            let err = format!(
                "{:#}",
                load(&[
                    ("SKYDIR_SMTP_URL", &url),
                    ("SKYDIR_SMTP_ALLOW_PLAINTEXT", "true"),
                ])
                .unwrap_err()
            );
            assert!(
                err.contains("smtp_allow_plaintext is only for a relay on this machine"),
                "{err}"
            );
            assert!(err.contains(host), "{err}");
        }
        let err = format!(
            "{:#}",
            load(&[("SKYDIR_SMTP_ALLOW_PLAINTEXT", "maybe")]).unwrap_err()
        );
        assert!(err.contains("SKYDIR_SMTP_ALLOW_PLAINTEXT"), "{err}");

        // The file layer, and a CA file that must exist and hold certificates.
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("skydir.toml");
        let ca = dir.path().join("relay-ca.pem");
        std::fs::write(
            &file,
            format!(
                "smtp_url = \"smtp://relay.internal:587\"\nsmtp_ca_file = \"{}\"\n",
                ca.display()
            ),
        )
        .unwrap();
        let global = GlobalArgs {
            config: Some(file.clone()),
            ..Default::default()
        };
        let err = format!(
            "{:#}",
            Config::load(&global, &ServeArgs::default(), &env(&[])).unwrap_err()
        );
        assert!(err.contains("relay-ca.pem"), "{err}");
        let pem = rcgen::generate_simple_self_signed(vec!["relay.internal".to_string()])
            .unwrap()
            .cert
            .pem();
        std::fs::write(&ca, pem).unwrap();
        let c = Config::load(&global, &ServeArgs::default(), &env(&[])).unwrap();
        assert_eq!(c.smtp_ca_file.as_deref(), Some(ca.as_path()));
        std::fs::write(
            &file,
            "smtp_url = \"smtp://relay.example.com\"\nsmtp_allow_plaintext = true\n",
        )
        .unwrap();
        assert!(Config::load(&global, &ServeArgs::default(), &env(&[])).is_err());
    }
}
