//! Helpers shared by the binary's integration tests: start `skydir serve` as a child process,
//! read its banner, and talk HTTPS to it trusting its generated certificate.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, dead_code)]

use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_skydir");

pub struct Server {
    pub child: Child,
    pub base: String,
    pub token: Option<String>,
    pub stdout: Vec<String>,
}

pub fn skydir(data: &Path) -> Command {
    let mut c = Command::new(BIN);
    c.arg("--data-dir").arg(data);
    c.env_remove("SKYDIR_DATABASE_URL")
        .env("SKYDIR_ARGON2_MEMORY_KIB", "1024")
        .env("SKYDIR_ARGON2_ITERATIONS", "1");
    c
}

/// Starts `skydir serve` and reads its banner (which ends with "Press Ctrl-C to stop.").
pub fn serve(data: &Path) -> Server {
    serve_env(data, &[])
}

/// [`serve`] with extra environment.
pub fn serve_env(data: &Path, env: &[(&str, &str)]) -> Server {
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log_path(data))
        .unwrap();
    let mut child = skydir(data)
        .args([
            "serve",
            "--http-addr",
            "127.0.0.1:0",
            "--ldap-addr",
            "127.0.0.1:0",
            "--ldaps-addr",
            "127.0.0.1:0",
        ])
        .env("SKYDIR_LOG", "debug")
        .envs(env.iter().copied())
        .stdout(Stdio::piped())
        .stderr(Stdio::from(log))
        .spawn()
        .unwrap();
    let out = child.stdout.take().unwrap();
    let mut lines = BufReader::new(out).lines();
    let mut stdout = Vec::new();
    let mut base = None;
    let mut token = None;
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        let Some(Ok(line)) = lines.next() else { break };
        if let Some(rest) = line.strip_prefix("skydir is serving ") {
            base = Some(
                rest.split_whitespace()
                    .next()
                    .unwrap()
                    .trim_end_matches('/')
                    .to_string(),
            );
        }
        if line.trim_start().starts_with("skd_") {
            token = Some(line.trim().to_string());
        }
        let done = line.starts_with("Press Ctrl-C to stop.");
        stdout.push(line);
        if done {
            break;
        }
    }
    std::thread::spawn(move || for _ in lines {});
    Server {
        child,
        base: base.expect("no address printed"),
        token,
        stdout,
    }
}

/// Where a test server's stderr (its log) goes: next to the data directory.
pub fn log_path(data: &Path) -> PathBuf {
    data.with_extension("log")
}

pub fn client(data: &Path) -> reqwest::Client {
    use rustls::pki_types::CertificateDer;
    use rustls::pki_types::pem::PemObject;
    let mut roots = rustls::RootCertStore::empty();
    for c in CertificateDer::pem_file_iter(data.join("tls/cert.pem")).unwrap() {
        roots.add(c.unwrap()).unwrap();
    }
    let tls = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_root_certificates(roots)
    .with_no_client_auth();
    reqwest::Client::builder()
        .tls_backend_preconfigured(tls)
        .build()
        .unwrap()
}

pub async fn call(
    c: &reqwest::Client,
    base: &str,
    token: &str,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut rb = c
        .request(method, format!("{base}{path}"))
        .bearer_auth(token);
    if let Some(b) = body {
        rb = rb.json(&b);
    }
    let r = rb.send().await.unwrap();
    let s = r.status().as_u16();
    let t = r.text().await.unwrap();
    (s, serde_json::from_str(&t).unwrap_or(Value::Null))
}

pub fn tmp() -> (tempfile::TempDir, PathBuf) {
    let t = tempfile::tempdir().unwrap();
    let d = t.path().join("data");
    (t, d)
}
