//! The self-service portal's support pages over real HTTPS with a browser's mechanics — cookies,
//! form posts, multipart uploads, redirects — on both backends: an admin logs in, files a
//! ticket with a screenshot, reads the acknowledgement, replies, resolves and rates it; a user
//! is told to ask their admin; forms without the CSRF token are refused.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use reqwest::Method;
use reqwest::multipart::{Form, Part};
use serde_json::json;
use skydir_http::SESSION_COOKIE as SESSION;
use skydir_testkit::{TestApp, csrf_field, each_backend, tls_trusting};
use std::collections::HashMap;

const PW: &str = "correct horse battery staple";

/// A browser-like client: keeps cookies, does not follow redirects (the test reads them).
struct Browser {
    http: reqwest::Client,
    base: String,
    cookies: HashMap<String, String>,
    /// The `csrf` field of the last page with a form.
    csrf: Option<String>,
}

impl Browser {
    fn new(app: &TestApp) -> Self {
        let http = reqwest::Client::builder()
            .tls_backend_preconfigured(tls_trusting(&app.cert_path).unwrap())
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        Self {
            http,
            base: app.base.clone(),
            cookies: HashMap::new(),
            csrf: None,
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn keep(&mut self, resp: &reqwest::Response) {
        for v in resp.headers().get_all("set-cookie") {
            let v = v.to_str().unwrap();
            assert!(v.contains("Secure") && v.contains("SameSite=Strict"), "{v}");
            let (kv, _) = v.split_once(';').unwrap();
            let (k, val) = kv.split_once('=').unwrap();
            if v.contains("Max-Age=0") {
                self.cookies.remove(k);
            } else {
                if k == SESSION {
                    self.csrf = None;
                }
                self.cookies.insert(k.to_string(), val.to_string());
            }
        }
    }

    /// Keeps the response's cookies; returns its status, body and redirect target.
    async fn finish(&mut self, r: reqwest::Response) -> (u16, String, Option<String>) {
        self.keep(&r);
        let status = r.status().as_u16();
        let location = r
            .headers()
            .get("location")
            .map(|l| l.to_str().unwrap().to_string());
        let body = r.text().await.unwrap();
        if let Some(token) = csrf_field(&body) {
            self.csrf = Some(token);
        }
        (status, body, location)
    }

    async fn get(&mut self, path: &str) -> (u16, String, Option<String>) {
        let r = self
            .http
            .get(format!("{}{path}", self.base))
            .header("cookie", self.cookie_header())
            .send()
            .await
            .unwrap();
        self.finish(r).await
    }

    /// A POST as a browser sends it from one of our pages (with the cookies and our Origin).
    fn post(&self, path: &str) -> reqwest::RequestBuilder {
        self.http
            .post(format!("{}{path}", self.base))
            .header("cookie", self.cookie_header())
            .header("origin", self.base.clone())
    }

    async fn post_form(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
    ) -> (u16, String, Option<String>) {
        let body = fields
            .iter()
            .map(|(k, v)| format!("{k}={}", url_encode(v)))
            .collect::<Vec<_>>()
            .join("&");
        let r = self
            .post(path)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .unwrap();
        self.finish(r).await
    }

    async fn post_multipart(&mut self, path: &str, form: Form) -> (u16, String, Option<String>) {
        let r = self.post(path).multipart(form).send().await.unwrap();
        self.finish(r).await
    }

    /// The CSRF token of the last page with a form.
    fn csrf(&self) -> String {
        self.csrf.clone().expect("a page with a form first")
    }

    async fn login(&mut self, username: &str) -> (u16, String, Option<String>) {
        self.get("/portal/login").await;
        let csrf = self.csrf();
        self.post_form(
            "/portal/login",
            &[
                ("csrf", &csrf),
                ("org", "acme"),
                ("username", username),
                ("password", PW),
            ],
        )
        .await
    }
}

fn url_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            b' ' => "+".to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Org `acme` whose first admin alice took her invitation from the outbox and added bob.
async fn acme(app: &TestApp) {
    let alice = app
        .org_with_admin(
            "acme",
            json!({"name": "Acme", "plan": "monthly", "seats": 5}),
            "alice",
            PW,
        )
        .await
        .unwrap();
    let (s, b) = app
        .call(Method::POST, "/api/v1/orgs/acme/users", Some(&alice),
            Some(json!({"username": "bob", "email": "bob@acme.test", "password": PW, "given_name": "bob"})))
        .await
        .unwrap();
    assert_eq!(s, 201, "{b}");
}

#[tokio::test]
async fn an_admin_files_follows_resolves_and_rates_a_ticket_in_the_portal() {
    each_backend(|app| async move {
        acme(&app).await;
        let mut b = Browser::new(&app);
        // Not logged in: sent to the login page.
        let (s, _, to) = b.get("/portal/tickets").await;
        assert_eq!((s, to.as_deref()), (303, Some("/portal/login")));
        // A wrong password says nothing about which part was wrong.
        b.get("/portal/login").await;
        let csrf = b.csrf();
        let (s, html, _) = b
            .post_form(
                "/portal/login",
                &[
                    ("csrf", &csrf),
                    ("org", "acme"),
                    ("username", "alice"),
                    ("password", "nope"),
                ],
            )
            .await;
        assert_eq!(s, 401);
        assert!(
            html.contains("Wrong organization, username or password"),
            "{html}"
        );
        // Without the form's CSRF token nothing happens.
        let (s, _, _) = b
            .post_form(
                "/portal/login",
                &[
                    ("csrf", "forged"),
                    ("org", "acme"),
                    ("username", "alice"),
                    ("password", PW),
                ],
            )
            .await;
        assert_eq!(s, 403);
        let (s, _, to) = b.login("alice").await;
        // Admins land in their console.
        assert_eq!((s, to.as_deref()), (303, Some("/admin")));
        assert!(b.cookies.contains_key(SESSION));
        let (s, html, _) = b.get("/portal/tickets").await;
        assert_eq!(s, 200);
        assert!(html.contains("No tickets yet"), "{html}");
        assert!(
            html.contains("Support hours: Monday to Friday 09:00"),
            "hours in the portal: {html}"
        );
        assert!(
            html.contains("mailto:support@skydir.localhost"),
            "contacts in the portal"
        );
        let (_, form, _) = b.get("/portal/tickets/new").await;
        assert!(
            form.contains("<label for=\"description\">"),
            "every field labelled: {form}"
        );
        assert!(form.contains("/assets/suggest.js"));

        // A field error comes back next to its field, and the draft is kept.
        let bad = Form::new()
            .text("csrf", b.csrf())
            .text("subject", "VPN logins")
            .text("category", "defect")
            .text(
                "description",
                "VPN logins fail since this morning for all staff.",
            )
            .text("system", "no-such-host");
        let (s, html, _) = b.post_multipart("/portal/tickets/new", bad).await;
        assert_eq!(s, 400, "{html}");
        assert!(html.contains("id=\"system-error\""), "{html}");
        assert!(
            html.contains("VPN logins fail since this morning"),
            "draft kept"
        );

        let png: Vec<u8> = (0..512u32).map(|i| i as u8).collect();
        let good = Form::new()
            .text("csrf", b.csrf())
            .text("subject", "VPN logins fail")
            .text("category", "defect")
            .text("severity", "s2")
            .text(
                "description",
                "VPN logins fail since this morning for all staff.",
            )
            .text("troubleshooting", "Restarted the VPN gateway.")
            .text("error_messages", "auth failed: invalid credentials (49)")
            .part(
                "attachments",
                Part::bytes(png.clone())
                    .file_name("screenshot.png")
                    .mime_str("image/png")
                    .unwrap(),
            )
            .part(
                "attachments",
                Part::bytes(b"agent log".to_vec())
                    .file_name("skydir-agent.log")
                    .mime_str("text/plain")
                    .unwrap(),
            );
        let (s, html, to) = b.post_multipart("/portal/tickets/new", good).await;
        assert_eq!(
            (s, to.as_deref()),
            (303, Some("/portal/tickets/1")),
            "{html}"
        );
        let (_, html, _) = b.get("/portal/tickets/1").await;
        assert!(html.contains("VPN logins fail"), "{html}");
        assert!(
            html.contains("Automatic answer"),
            "the acknowledgement is in the thread"
        );
        assert!(html.contains("ticket #1"), "{html}");
        let link = html
            .split("href=\"/portal/tickets/1/attachments/")
            .nth(1)
            .unwrap();
        let id = &link[..36];
        let r = b
            .http
            .get(format!("{}/portal/tickets/1/attachments/{id}", b.base))
            .header("cookie", b.cookie_header())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let got = r.bytes().await.unwrap().to_vec();
        assert!(
            got == png || got == b"agent log",
            "an uploaded file comes back whole"
        );

        // The ticket is the same one the API shows.
        let token = app.login("acme", "alice", PW).await.unwrap();
        let (_, t) = app
            .call(
                Method::GET,
                "/api/v1/orgs/acme/tickets/1",
                Some(&token),
                None,
            )
            .await
            .unwrap();
        assert_eq!(
            (t["channel"].as_str(), t["severity"].as_str()),
            (Some("portal"), Some("s2"))
        );
        assert_eq!(t["messages"][0]["attachments"].as_array().unwrap().len(), 2);

        // Reply, resolve, rate.
        let reply = Form::new()
            .text("csrf", b.csrf())
            .text("body", "It works again after the restart, thanks.");
        let (s, _, _) = b.post_multipart("/portal/tickets/1/reply", reply).await;
        assert_eq!(s, 303);
        let csrf = b.csrf();
        let (s, _, _) = b
            .post_form(
                "/portal/tickets/1/status",
                &[("csrf", &csrf), ("status", "resolved")],
            )
            .await;
        assert_eq!(s, 303);
        let (s, _, _) = b
            .post_form(
                "/portal/tickets/1/rating",
                &[("csrf", &csrf), ("rating", "5"), ("comment", "quick")],
            )
            .await;
        assert_eq!(s, 303);
        let (_, html, _) = b.get("/portal/tickets/1").await;
        assert!(html.contains("You rated this 5 of 5."), "{html}");
        assert!(html.contains("It works again after the restart"));

        // Log out: the session no longer works.
        let session = b.cookies.get(SESSION).cloned().unwrap();
        let (s, _, _) = b.post_form("/portal/logout", &[("csrf", &csrf)]).await;
        assert_eq!(s, 303);
        let (s, _) = app
            .call(
                Method::GET,
                "/api/v1/orgs/acme/tickets",
                Some(&session),
                None,
            )
            .await
            .unwrap();
        assert_eq!(s, 401, "the session token is revoked");
        app
    })
    .await;
}

#[tokio::test]
async fn a_user_who_is_not_an_admin_is_told_to_ask_their_admin() {
    each_backend(|app| async move {
        acme(&app).await;
        let mut b = Browser::new(&app);
        let (s, _, _) = b.login("bob").await;
        assert_eq!(s, 303);
        let (_, html, _) = b.get("/portal/tickets").await;
        assert!(html.contains("please ask your IT administrator"), "{html}");
        let form = Form::new()
            .text("csrf", b.csrf())
            .text("subject", "help")
            .text("category", "how_to")
            .text("description", "How do I change my own password, please?");
        let (s, html, _) = b.post_multipart("/portal/tickets/new", form).await;
        assert_eq!(s, 403, "{html}");
        assert!(html.contains("ask your IT administrator"), "{html}");
        app
    })
    .await;
}

#[tokio::test]
async fn a_user_reads_and_downloads_everything_held_about_them_in_the_portal() {
    each_backend(|app| async move {
        acme(&app).await;
        let mut b = Browser::new(&app);
        let (s, _, to) = b.get("/portal/my-data").await;
        assert_eq!((s, to.as_deref()), (303, Some("/portal/login")));
        let (s, _, _) = b.login("bob").await;
        assert!(s == 303 || s == 200, "{s}");
        let (s, html, _) = b.get("/portal/my-data").await;
        assert_eq!(s, 200, "{html}");
        for needle in [
            "Your data",
            "bob@acme.test",
            "Why and for how long",
            "Your rights",
            "href=\"/portal/my-data.json\"",
        ] {
            assert!(html.contains(needle), "{needle} missing from My data");
        }
        assert!(!html.contains("alice@acme.test"), "only their own data");
        let (s, json, _) = b.get("/portal/my-data.json").await;
        assert_eq!(s, 200);
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v["subject"]["username"], "bob");
        app
    })
    .await;
}

/// The admin console records how a system joins the directory (the support desk asks for
/// that client's logs); SSSD and nslcd are refused for a system that is not Linux.
#[tokio::test]
async fn an_admin_records_how_a_system_joins_in_the_console() {
    each_backend(|app| async move {
        acme(&app).await;
        let mut b = Browser::new(&app);
        let (s, _, to) = b.login("alice").await;
        assert_eq!((s, to.as_deref()), (303, Some("/admin")));
        let (s, html, _) = b.get("/admin/systems").await;
        assert_eq!(s, 200);
        assert!(
            html.contains("<label for=\"joined_via\">How it joins the directory</label>"),
            "{html}"
        );
        assert!(
            html.contains("<option value=\"ldap_sssd\">LDAP with SSSD</option>"),
            "{html}"
        );
        let csrf = b.csrf();
        let (s, _, to) = b
            .post_form(
                "/admin/systems",
                &[
                    ("csrf", &csrf),
                    ("hostname", "web-01"),
                    ("os_family", "linux"),
                    ("os_version", "ubuntu 24.04"),
                    ("joined_via", "ldap_sssd"),
                ],
            )
            .await;
        assert_eq!((s, to.as_deref()), (303, Some("/admin/systems")));
        let (_, html, _) = b.get("/admin/systems").await;
        let row = html
            .split("</tr>")
            .find(|r| r.contains("web-01"))
            .unwrap_or_else(|| panic!("{html}"));
        assert!(row.contains("LDAP with SSSD"), "{row}");
        let (s, html, _) = b
            .post_form(
                "/admin/systems",
                &[
                    ("csrf", &csrf),
                    ("hostname", "desk-07"),
                    ("os_family", "windows"),
                    ("os_version", "10.0.26100"),
                    ("joined_via", "ldap_nslcd"),
                ],
            )
            .await;
        assert_eq!(s, 400, "{html}");
        assert!(html.contains("id=\"joined_via-error\""), "{html}");
        assert!(html.contains("runs on Linux"), "{html}");
        let alice = app.login("acme", "alice", PW).await.unwrap();
        let (_, list) = app
            .call(Method::GET, "/api/v1/orgs/acme/systems", Some(&alice), None)
            .await
            .unwrap();
        assert_eq!(list["items"].as_array().unwrap().len(), 1, "{list}");
        assert_eq!(list["items"][0]["joined_via"], "ldap_sssd", "{list}");
        app
    })
    .await;
}
