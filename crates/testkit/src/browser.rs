//! A browser's mechanics over real HTTPS for tests of the console pages: it keeps cookies
//! (checking they are `__Host-` cookies, `Secure; HttpOnly; SameSite=Strict`, `Path=/` with no
//! `Domain`), does not follow redirects (the test reads them), and posts forms from our own
//! origin with the CSRF token of the last page it was shown.

use crate::{TestApp, tls_trusting};
use std::collections::HashMap;

/// A browser-like client.
#[derive(Debug)]
pub struct Browser {
    http: reqwest::Client,
    base: String,
    cookies: HashMap<String, String>,
    /// The `csrf` field of the last page that had a form (forgotten when a session starts).
    csrf: Option<String>,
}

/// Status, body and redirect target of a response.
pub type Page = (u16, String, Option<String>);

impl Browser {
    /// A browser for `app`, trusting its certificate.
    pub fn new(app: &TestApp) -> anyhow::Result<Self> {
        let http = reqwest::Client::builder()
            .tls_backend_preconfigured(tls_trusting(&app.cert_path)?)
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        Ok(Self {
            http,
            base: app.base.clone(),
            cookies: HashMap::new(),
            csrf: None,
        })
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    async fn finish(&mut self, r: reqwest::Response) -> anyhow::Result<Page> {
        for v in r.headers().get_all("set-cookie") {
            let v = v.to_str()?;
            let attrs: Vec<&str> = v.split(';').map(str::trim).collect();
            anyhow::ensure!(
                ["Secure", "HttpOnly", "SameSite=Strict", "Path=/"]
                    .iter()
                    .all(|a| attrs.contains(a))
                    && !attrs
                        .iter()
                        .any(|a| a.to_ascii_lowercase().starts_with("domain=")),
                "a cookie without Secure; HttpOnly; SameSite=Strict; Path=/ or with a Domain: {v}"
            );
            let kv = attrs.first().copied().unwrap_or_default();
            if let Some((k, val)) = kv.split_once('=') {
                anyhow::ensure!(k.starts_with("__Host-"), "a cookie without __Host-: {v}");
                if v.contains("Max-Age=0") {
                    self.cookies.remove(k);
                } else {
                    if k == skydir_http::SESSION_COOKIE {
                        self.csrf = None;
                    }
                    self.cookies.insert(k.to_string(), val.to_string());
                }
            }
        }
        let status = r.status().as_u16();
        let location = r
            .headers()
            .get("location")
            .and_then(|l| l.to_str().ok())
            .map(str::to_string);
        let body = r.text().await?;
        if let Some(token) = csrf_field(&body) {
            self.csrf = Some(token);
        }
        Ok((status, body, location))
    }

    /// The value of cookie `name`, if the browser holds it.
    pub fn cookie(&self, name: &str) -> Option<&str> {
        self.cookies.get(name).map(String::as_str)
    }

    /// `GET path`.
    pub async fn get(&mut self, path: &str) -> anyhow::Result<Page> {
        let r = self
            .http
            .get(format!("{}{path}", self.base))
            .header("cookie", self.cookie_header())
            .send()
            .await?;
        self.finish(r).await
    }

    /// Posts a form as a browser sends it from one of our pages; repeated names are repeated
    /// fields (checkboxes).
    pub async fn post_form(&mut self, path: &str, fields: &[(&str, &str)]) -> anyhow::Result<Page> {
        let body: String = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish();
        let r = self
            .http
            .post(format!("{}{path}", self.base))
            .header("cookie", self.cookie_header())
            .header("origin", self.base.clone())
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await?;
        self.finish(r).await
    }

    /// The CSRF token of the last page with a form (as a person's browser submits it).
    pub fn csrf(&self) -> anyhow::Result<String> {
        self.csrf
            .clone()
            .ok_or_else(|| anyhow::anyhow!("no CSRF token yet: get a page with a form first"))
    }

    /// Signs in at `/staff/login` with a staff token.
    pub async fn staff_sign_in(&mut self, token: &str) -> anyhow::Result<Page> {
        self.get("/staff/login").await?;
        let csrf = self.csrf()?;
        self.post_form("/staff/login", &[("csrf", &csrf), ("token", token)])
            .await
    }

    /// Logs in at `/portal/login`.
    pub async fn log_in(
        &mut self,
        org: &str,
        username: &str,
        password: &str,
    ) -> anyhow::Result<Page> {
        self.get("/portal/login").await?;
        let csrf = self.csrf()?;
        self.post_form(
            "/portal/login",
            &[
                ("csrf", &csrf),
                ("org", org),
                ("username", username),
                ("password", password),
            ],
        )
        .await
    }
}

/// The value of the first `csrf` field in a page.
pub fn csrf_field(html: &str) -> Option<String> {
    let marker = "name=\"csrf\" value=\"";
    let at = html.find(marker)? + marker.len();
    let rest = &html[at..];
    Some(rest[..rest.find('"')?].to_string())
}
