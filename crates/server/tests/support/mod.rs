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
            "--metrics-addr",
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

/// A mail as text, with quoted-printable soft line breaks and `=XX` escapes undone (enough to
/// read the links and words in skydir's own plain-text mail).
pub fn decode_mail(raw: &str) -> String {
    let joined = raw.replace("=\r\n", "").replace("=\n", "");
    let b = joined.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        if b[i] == b'='
            && i + 2 < b.len()
            && let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2]))
        {
            out.push((h * 16 + l) as u8);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The `.eml` files the server wrote to its outbox (`<data>/outbox`, used when no SMTP relay
/// is configured), oldest first.
pub fn outbox_files(data: &Path) -> Vec<PathBuf> {
    let mut files: Vec<(std::time::SystemTime, PathBuf)> = std::fs::read_dir(data.join("outbox"))
        .map(|rd| {
            rd.filter_map(Result::ok)
                .filter(|e| e.path().extension().is_some_and(|x| x == "eml"))
                .map(|e| {
                    let t = e
                        .metadata()
                        .and_then(|m| m.modified())
                        .unwrap_or(std::time::UNIX_EPOCH);
                    (t, e.path())
                })
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files.into_iter().map(|(_, p)| p).collect()
}

/// Every mail in the outbox, raw, oldest first.
pub fn outbox(data: &Path) -> Vec<String> {
    outbox_files(data)
        .into_iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .collect()
}

/// The token of the newest `/portal/{page}/…` link (`invitation` or `reset`) among `mails`
/// (raw, oldest first) addressed to `to`.
pub fn link_in(mails: &[String], to: &str, page: &str) -> Option<String> {
    let marker = format!("/portal/{page}/");
    mails.iter().rev().map(|m| decode_mail(m)).find_map(|m| {
        let to_line = m
            .lines()
            .find(|l| l.to_ascii_lowercase().starts_with("to:"))?
            .to_ascii_lowercase();
        if !to_line.contains(&to.to_ascii_lowercase()) {
            return None;
        }
        let at = m.find(&marker)? + marker.len();
        Some(
            m[at..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
                .collect(),
        )
    })
}

/// Waits (up to 20 s: the mailer sends once a second) for a `/portal/{page}/` link mailed to
/// `to`, read from `mails`; returns its token.
pub async fn wait_for_link(to: &str, page: &str, mails: impl Fn() -> Vec<String>) -> String {
    for _ in 0..200 {
        if let Some(t) = link_in(&mails(), to, page) {
            return t;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no /portal/{page}/ link was mailed to {to}")
}

/// Logs `username` of `org` in; their session token.
pub async fn login(c: &reqwest::Client, base: &str, org: &str, username: &str, pw: &str) -> String {
    let r = c
        .post(format!("{base}/api/v1/auth/login"))
        .json(&serde_json::json!({"org": org, "username": username, "password": pw}))
        .send()
        .await
        .unwrap();
    let s = r.status().as_u16();
    let b: Value = r.json().await.unwrap_or(Value::Null);
    assert_eq!(s, 200, "login of {username}: {b}");
    b["token"].as_str().unwrap().to_string()
}

/// The way a provider hands an organization over: with the operator's token `op`, creates
/// the org `org` (JSON with slug, name, plan, …) with its first administrator `admin` (JSON
/// with username, email, given_name, …); the administrator takes the invitation from `mails`
/// (raw messages, e.g. the outbox or an SMTP sink's), sets `pw` and logs in. Returns the
/// administrator's session token.
pub async fn org_with_admin(
    c: &reqwest::Client,
    base: &str,
    op: &str,
    org: Value,
    admin: Value,
    pw: &str,
    mails: impl Fn() -> Vec<String>,
) -> String {
    let mut body = org;
    body["admin"] = admin.clone();
    let (s, b) = call(
        c,
        base,
        op,
        reqwest::Method::POST,
        "/api/v1/orgs",
        Some(body.clone()),
    )
    .await;
    assert_eq!(s, 201, "creating {body}: {b}");
    let email = admin["email"].as_str().unwrap();
    let token = wait_for_link(email, "invitation", mails).await;
    let r = c
        .post(format!("{base}/api/v1/auth/password"))
        .json(&serde_json::json!({"token": token, "password": pw}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap_or_default());
    login(
        c,
        base,
        body["slug"].as_str().unwrap(),
        admin["username"].as_str().unwrap(),
        pw,
    )
    .await
}
