//! skydir-testkit: a real skydir server on an ephemeral port with a fresh database, and an HTTPS
//! client that trusts its generated certificate. Integration tests drive it exactly as a user's
//! tools would; a [`TestClock`] lets a test move the server's time to watch deadlines pass.

mod browser;
mod clock;

pub use browser::{Browser, csrf_field};
pub use clock::TestClock;

use anyhow::Context;
use reqwest::{Method, RequestBuilder, Response};
use serde_json::Value;
use skydir::cli::{GlobalArgs, ServeArgs};
use skydir::config::{Config, Env};
use skydir::server::{Running, start_with_clock};
use skydir_core::ports::Clock;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Which database a test app runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// SQLite always; PostgreSQL too when `SKYDIR_TEST_DATABASE_URL` is set.
    pub fn all() -> Vec<Backend> {
        let mut v = vec![Backend::Sqlite];
        if std::env::var("SKYDIR_TEST_DATABASE_URL").is_ok() {
            v.push(Backend::Postgres);
        }
        v
    }
}

/// Runs `f` against a fresh server on every backend of [`Backend::all`], stopping each after.
/// A test harness: a server that cannot start fails the test with the reason.
pub async fn each_backend<F, Fut>(f: F)
where
    F: Fn(TestApp) -> Fut,
    Fut: std::future::Future<Output = TestApp>,
{
    each_backend_with(&[], f).await
}

/// [`each_backend`] with extra settings for every server.
#[allow(clippy::panic)]
pub async fn each_backend_with<F, Fut>(extra: &[(&str, &str)], f: F)
where
    F: Fn(TestApp) -> Fut,
    Fut: std::future::Future<Output = TestApp>,
{
    for backend in Backend::all() {
        let app = match TestApp::spawn_with(backend, extra).await {
            Ok(app) => app,
            Err(e) => panic!("starting a server on {backend:?}: {e:#}"),
        };
        if let Err(e) = f(app).await.stop().await {
            panic!("stopping the server on {backend:?}: {e:#}");
        }
    }
}

/// A running server plus a client for it.
#[derive(Debug)]
pub struct TestApp {
    pub backend: Backend,
    pub base: String,
    pub client: reqwest::Client,
    /// The operator token printed at first start.
    pub operator_token: String,
    pub data_dir: PathBuf,
    /// The PostgreSQL database URL, when on PostgreSQL.
    pub database_url: Option<String>,
    /// `ldap://127.0.0.1:<port>` (StartTLS) and `ldaps://127.0.0.1:<port>`.
    pub ldap_url: String,
    pub ldaps_url: String,
    /// The server's (self-signed) certificate, for LDAP clients to trust.
    pub cert_path: PathBuf,
    /// `http://127.0.0.1:<port>/metrics`: the Prometheus endpoint's own listener.
    pub metrics_url: String,
    running: Option<Running>,
    env: Env,
    clock: ServerClock,
    _tmp: Arc<tempfile::TempDir>,
}

/// The clock a test app runs on (kept across restarts).
#[derive(Clone)]
struct ServerClock(Arc<dyn Clock>);

impl std::fmt::Debug for ServerClock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ServerClock")
    }
}

async fn fresh_pg_database() -> anyhow::Result<String> {
    let admin = std::env::var("SKYDIR_TEST_DATABASE_URL")
        .context("SKYDIR_TEST_DATABASE_URL is needed for PostgreSQL tests")?;
    let name = format!("skydir_app_{}", uuid::Uuid::new_v4().simple());
    let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(&admin)
        .await
        .with_context(|| format!("PostgreSQL at {admin} is unreachable"))?;
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut conn)
        .await?;
    let base = match admin.rfind('/') {
        Some(i) => admin[..i].to_string(),
        None => admin.clone(),
    };
    Ok(format!("{base}/{name}"))
}

fn ldap_urls(r: &Running) -> (String, String) {
    let url = |scheme: &str, a: Option<std::net::SocketAddr>| {
        a.map(|a| format!("{scheme}://{a}")).unwrap_or_default()
    };
    (url("ldap", r.ldap_addr), url("ldaps", r.ldaps_addr))
}

fn metrics_url(r: &Running) -> String {
    r.metrics_addr
        .map(|a| format!("http://{a}/metrics"))
        .unwrap_or_default()
}

/// An HTTPS client trusting only `cert` (the server's self-signed certificate).
pub fn client_trusting(cert: &Path) -> anyhow::Result<reqwest::Client> {
    Ok(reqwest::Client::builder()
        .tls_backend_preconfigured(tls_trusting(cert)?)
        .build()?)
}

/// A rustls client configuration trusting only `cert` (for HTTPS and LDAPS clients alike).
pub fn tls_trusting(cert: &Path) -> anyhow::Result<rustls::ClientConfig> {
    use rustls::pki_types::CertificateDer;
    use rustls::pki_types::pem::PemObject;
    let mut roots = rustls::RootCertStore::empty();
    for c in CertificateDer::pem_file_iter(cert)? {
        roots.add(c?)?;
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    Ok(rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_root_certificates(roots)
        .with_no_client_auth())
}

impl TestApp {
    /// Starts a server on SQLite with fast Argon2 parameters.
    pub async fn spawn() -> anyhow::Result<Self> {
        Self::spawn_on(Backend::Sqlite).await
    }

    /// Starts a server on the given backend.
    pub async fn spawn_on(backend: Backend) -> anyhow::Result<Self> {
        Self::spawn_with(backend, &[]).await
    }

    /// Starts a server on the given backend with extra `SKYDIR_*` settings (e.g. an SMTP
    /// relay for the desk's mail).
    pub async fn spawn_with(backend: Backend, extra: &[(&str, &str)]) -> anyhow::Result<Self> {
        Self::spawn_with_clock(backend, extra, Arc::new(skydir::adapters::SystemClock)).await
    }

    /// [`TestApp::spawn_with`] on `clock` (a [`TestClock`] the test moves); restarts keep it.
    pub async fn spawn_with_clock(
        backend: Backend,
        extra: &[(&str, &str)],
        clock: Arc<dyn Clock>,
    ) -> anyhow::Result<Self> {
        let tmp = Arc::new(tempfile::tempdir()?);
        let data_dir = tmp.path().join("data");
        let mut env: Env = [
            ("SKYDIR_DATA_DIR", data_dir.display().to_string()),
            ("SKYDIR_HTTP_ADDR", "127.0.0.1:0".to_string()),
            ("SKYDIR_LDAP_ADDR", "127.0.0.1:0".to_string()),
            ("SKYDIR_LDAPS_ADDR", "127.0.0.1:0".to_string()),
            ("SKYDIR_METRICS_ADDR", "127.0.0.1:0".to_string()),
            ("SKYDIR_ARGON2_MEMORY_KIB", "1024".to_string()),
            ("SKYDIR_ARGON2_ITERATIONS", "1".to_string()),
            // The suites sign in, fail and browse hundreds of times from 127.0.0.1: their
            // budgets are on (every request goes through the gate) but out of reach.
            // `rate_limits.rs` sets its own.
            ("SKYDIR_RATE_LIMIT_ANONYMOUS", "100000/1min".to_string()),
            ("SKYDIR_RATE_LIMIT_FAILURES", "100000/1min".to_string()),
            ("SKYDIR_RATE_LIMIT_STRICT", "100000/1min".to_string()),
            ("SKYDIR_RATE_LIMIT_MAIL_SENDERS", "100000/1min".to_string()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        let database_url = match backend {
            Backend::Sqlite => None,
            Backend::Postgres => Some(fresh_pg_database().await?),
        };
        if let Some(url) = &database_url {
            env.insert("SKYDIR_DATABASE_URL".into(), url.clone());
        }
        for (k, v) in extra {
            env.insert((*k).to_string(), (*v).to_string());
        }
        let cfg = Config::load(&GlobalArgs::default(), &ServeArgs::default(), &env)?;
        let running = start_with_clock(cfg, clock.clone()).await?;
        let operator_token = running
            .operator_token
            .clone()
            .context("first start printed no operator token")?;
        let client = client_trusting(&running.cert_path)?;
        let (ldap_url, ldaps_url) = ldap_urls(&running);
        Ok(Self {
            backend,
            ldap_url,
            ldaps_url,
            cert_path: running.cert_path.clone(),
            metrics_url: metrics_url(&running),
            base: format!("https://{}", running.addr),
            client,
            operator_token,
            data_dir,
            database_url,
            running: Some(running),
            env,
            clock: ServerClock(clock),
            _tmp: tmp,
        })
    }

    /// Stops and starts the server again on the same data (and the same port is not kept).
    pub async fn restart(&mut self) -> anyhow::Result<Option<String>> {
        if let Some(r) = self.running.take() {
            r.stop().await;
        }
        let cfg = Config::load(&GlobalArgs::default(), &ServeArgs::default(), &self.env)?;
        let running = start_with_clock(cfg, self.clock.0.clone()).await?;
        self.base = format!("https://{}", running.addr);
        (self.ldap_url, self.ldaps_url) = ldap_urls(&running);
        self.metrics_url = metrics_url(&running);
        let token = running.operator_token.clone();
        self.running = Some(running);
        Ok(token)
    }

    /// [`TestApp::restart`] with settings changed (`""` removes one), as an operator edits the
    /// configuration between two starts.
    pub async fn restart_with(&mut self, changes: &[(&str, &str)]) -> anyhow::Result<()> {
        for (k, v) in changes {
            if v.is_empty() {
                self.env.remove(*k);
            } else {
                self.env.insert((*k).to_string(), (*v).to_string());
            }
        }
        self.restart().await.map(|_| ())
    }

    /// The environment the server was configured with (for running CLI commands against it).
    pub fn env(&self) -> &Env {
        &self.env
    }

    /// A request with a bearer token (`None` = anonymous).
    pub fn req(&self, method: Method, path: &str, token: Option<&str>) -> RequestBuilder {
        let rb = self
            .client
            .request(method, format!("{}{}", self.base, path));
        match token {
            Some(t) => rb.bearer_auth(t),
            None => rb,
        }
    }

    /// Sends a JSON request as the operator and returns status and body.
    pub async fn op(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> anyhow::Result<(u16, Value)> {
        let token = self.operator_token.clone();
        self.call(method, path, Some(&token), body).await
    }

    /// Sends a JSON request with `token` and returns status and JSON body (`Null` when empty).
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> anyhow::Result<(u16, Value)> {
        let mut rb = self.req(method, path, token);
        if let Some(b) = body {
            rb = rb.json(&b);
        }
        let resp = rb.send().await?;
        Self::json(resp).await
    }

    /// Status and JSON body of a response.
    pub async fn json(resp: Response) -> anyhow::Result<(u16, Value)> {
        let status = resp.status().as_u16();
        let text = resp.text().await?;
        let v = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        Ok((status, v))
    }

    /// The Prometheus text the metrics listener serves now.
    pub async fn scrape_metrics(&self) -> anyhow::Result<String> {
        Ok(self
            .client
            .get(&self.metrics_url)
            .send()
            .await?
            .text()
            .await?)
    }

    /// Runs one of OpenLDAP's client tools (`ldapsearch`, `ldapwhoami`, `ldapcompare` …)
    /// trusting this server's certificate: its exit code and everything it printed.
    #[allow(clippy::panic)] // a missing tool must fail the test that needs it, loudly
    pub async fn ldap_tool(&self, bin: &str, args: &[&str]) -> (i32, String) {
        let out = tokio::process::Command::new(bin)
            .args(args)
            .env("LDAPTLS_CACERT", &self.cert_path)
            .env("LDAPTLS_REQCERT", "demand")
            .output()
            .await
            .unwrap_or_else(|e| panic!("cannot run {bin} (install ldap-utils): {e}"));
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        (out.status.code().unwrap_or(-1), text)
    }

    /// Logs a user in and returns their token.
    pub async fn login(&self, org: &str, username: &str, password: &str) -> anyhow::Result<String> {
        let (status, body) = self
            .call(
                Method::POST,
                "/api/v1/auth/login",
                None,
                Some(serde_json::json!({"org": org, "username": username, "password": password})),
            )
            .await?;
        anyhow::ensure!(status == 200, "login failed: {status} {body}");
        body["token"]
            .as_str()
            .map(str::to_string)
            .context("no token in login response")
    }

    /// Stops the server (and drops the PostgreSQL database).
    pub async fn stop(mut self) -> anyhow::Result<()> {
        if let Some(r) = self.running.take() {
            r.stop().await;
        }
        if let (Some(url), Ok(admin)) = (
            &self.database_url,
            std::env::var("SKYDIR_TEST_DATABASE_URL"),
        ) && let Some(name) = url.rsplit('/').next()
        {
            let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(&admin).await?;
            let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
                "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
            )))
            .execute(&mut conn)
            .await;
        }
        Ok(())
    }
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

/// The token of the newest `/portal/{page}/…` link (`invitation` or `reset`) among `mails`
/// addressed to `to` (`mails` oldest first, as raw messages).
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

impl TestApp {
    /// Every mail the server has written to its outbox (`<data>/outbox/*.eml`, used when no
    /// SMTP relay is configured), oldest first.
    pub fn outbox(&self) -> Vec<String> {
        let dir = self.data_dir.join("outbox");
        let mut files: Vec<(std::time::SystemTime, PathBuf)> = std::fs::read_dir(&dir)
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
        files
            .into_iter()
            .filter_map(|(_, p)| std::fs::read_to_string(p).ok())
            .collect()
    }

    /// Waits (up to 15 s: the mailer sends once a second) for a `/portal/{page}/` link mailed
    /// to `to`, read from `mails`, that `skip` does not already hold; returns its token.
    pub async fn wait_for_link(
        &self,
        to: &str,
        page: &str,
        skip: Option<&str>,
        mails: impl Fn() -> Vec<String>,
    ) -> anyhow::Result<String> {
        for _ in 0..150 {
            if let Some(t) = link_in(&mails(), to, page)
                && Some(t.as_str()) != skip
            {
                return Ok(t);
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        anyhow::bail!("no /portal/{page}/ link was mailed to {to}")
    }

    /// A `/portal/{page}/` link mailed to `to` through the outbox.
    pub async fn mailed_link(&self, to: &str, page: &str) -> anyhow::Result<String> {
        self.wait_for_link(to, page, None, || self.outbox()).await
    }

    /// Sets a password with a mailed link's token, as the link's owner (`POST
    /// /api/v1/auth/password`).
    pub async fn accept_link(&self, token: &str, password: &str) -> anyhow::Result<()> {
        let (s, b) = self
            .call(
                Method::POST,
                "/api/v1/auth/password",
                None,
                Some(serde_json::json!({"token": token, "password": password})),
            )
            .await?;
        anyhow::ensure!(
            s == 200,
            "setting the password with the link failed: {s} {b}"
        );
        Ok(())
    }

    /// The way a provider hands an organization over: the operator creates `slug` with `plan`
    /// (JSON fields `plan`, `seats`, `trial_ends`) and its first administrator `admin`
    /// (`admin@<slug>.test`), who takes the invitation from the outbox, chooses `password` and
    /// logs in. Returns the admin's session token.
    pub async fn org_with_admin(
        &self,
        slug: &str,
        plan: Value,
        admin: &str,
        password: &str,
    ) -> anyhow::Result<String> {
        self.org_with_admin_via(slug, plan, admin, password, || self.outbox())
            .await
    }

    /// [`TestApp::org_with_admin`], reading the invitation from `mails` (e.g. an SMTP sink's).
    pub async fn org_with_admin_via(
        &self,
        slug: &str,
        plan: Value,
        admin: &str,
        password: &str,
        mails: impl Fn() -> Vec<String>,
    ) -> anyhow::Result<String> {
        let mut body = plan;
        anyhow::ensure!(body.is_object(), "plan must be a JSON object");
        body["slug"] = Value::from(slug);
        if body.get("name").is_none() {
            body["name"] = Value::from(format!("{slug} Inc."));
        }
        let email = format!("{admin}@{slug}.test");
        body["admin"] = serde_json::json!({"username": admin, "email": email});
        let (s, b) = self.op(Method::POST, "/api/v1/orgs", Some(body)).await?;
        anyhow::ensure!(s == 201, "creating {slug} failed: {s} {b}");
        let token = self
            .wait_for_link(&email, "invitation", None, mails)
            .await?;
        self.accept_link(&token, password).await?;
        self.login(slug, admin, password).await
    }

    /// An org admin adds `username` (`username@<slug>.test`) with a password the admin chose.
    pub async fn add_user(
        &self,
        admin_token: &str,
        slug: &str,
        username: &str,
        password: &str,
    ) -> anyhow::Result<Value> {
        let (s, b) = self
            .call(
                Method::POST,
                &format!("/api/v1/orgs/{slug}/users"),
                Some(admin_token),
                Some(serde_json::json!({
                    "username": username,
                    "email": format!("{username}@{slug}.test"),
                    "password": password,
                })),
            )
            .await?;
        anyhow::ensure!(s == 201, "adding {username} to {slug} failed: {s} {b}");
        Ok(b)
    }

    /// An org admin makes `username` an admin too.
    pub async fn make_admin(
        &self,
        admin_token: &str,
        slug: &str,
        username: &str,
    ) -> anyhow::Result<()> {
        let (s, b) = self
            .call(
                Method::PUT,
                &format!("/api/v1/orgs/{slug}/admins/{username}"),
                Some(admin_token),
                None,
            )
            .await?;
        anyhow::ensure!(
            s == 204 || s == 200,
            "making {username} admin failed: {s} {b}"
        );
        Ok(())
    }
}
