//! Nobody learns which accounts exist, through any door of a real server: a REST login, the
//! portal's sign-in form and an LDAP bind (OpenLDAP's `ldapwhoami`) answer an unknown org, an
//! unknown user, a wrong password, a locked account and a suspended one — right password or
//! not — in exactly the same words and status; the real reason is in the org's audit log, and
//! the owner of a locked account gets a mail. (That each of these costs the same password work
//! is proven in the core by counting it, and measured by `bench/oracle/run.sh`.)

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use reqwest::Method;
use serde_json::{Value, json};
use skydir_testkit::{Browser, TestApp, decode_mail, each_backend};

const PW: &str = "correct horse battery staple";

/// A REST login's answer with what differs between any two refusals left out (its instance).
async fn rest_login(app: &TestApp, org: &str, user: &str, pw: &str) -> (u16, Value, bool) {
    let resp = app
        .req(Method::POST, "/api/v1/auth/login", None)
        .json(&json!({"org": org, "username": user, "password": pw}))
        .send()
        .await
        .unwrap();
    let retry_after = resp.headers().contains_key("retry-after");
    let (status, mut body) = TestApp::json(resp).await.unwrap();
    if let Some(o) = body.as_object_mut() {
        o.remove("instance");
    }
    (status, body, retry_after)
}

/// `ldapwhoami`'s exit code and what it printed, for a bind as `uid=<user>,…,o=<org>`.
async fn ldap_bind(app: &TestApp, org: &str, user: &str, pw: &str) -> (i32, String) {
    let dn = format!("uid={user},ou=users,o={org},dc=skydir");
    app.ldap_tool(
        "ldapwhoami",
        &["-x", "-H", &app.ldaps_url, "-D", &dn, "-w", pw],
    )
    .await
}

/// The portal's answer to a sign-in: status and the error shown on the page.
async fn portal_login(app: &TestApp, org: &str, user: &str, pw: &str) -> (u16, String) {
    let mut browser = Browser::new(app).unwrap();
    let (status, html, _) = browser.log_in(org, user, pw).await.unwrap();
    let error = html
        .split("role=\"alert\"")
        .nth(1)
        .and_then(|r| r.split('<').next())
        .map(|s| s.trim_start_matches('>').to_string())
        .unwrap_or(html);
    (status, error)
}

#[tokio::test]
async fn unknown_wrong_locked_and_suspended_read_the_same_at_every_door() {
    each_backend(|app| async move {
        let admin = app
            .org_with_admin("acme", json!({"plan": "free"}), "alice", PW)
            .await
            .unwrap();
        for u in ["bob", "carol", "dave"] {
            app.add_user(&admin, "acme", u, PW).await.unwrap();
        }
        let (s, b) = app
            .call(
                Method::PATCH,
                "/api/v1/orgs/acme/users/carol",
                Some(&admin),
                Some(json!({"status": "suspended"})),
            )
            .await
            .unwrap();
        assert_eq!(s, 200, "{b}");
        // Five wrong passwords lock dave (the org's default policy).
        for _ in 0..5 {
            let (s, _, _) = rest_login(&app, "acme", "dave", "wrong password").await;
            assert_eq!(s, 401);
        }

        let cases = [
            ("unknown org", "nowhere", "bob", PW),
            ("unknown user", "acme", "ghost", PW),
            ("wrong password", "acme", "bob", "wrong password"),
            ("locked, right password", "acme", "dave", PW),
            ("locked, wrong password", "acme", "dave", "wrong password"),
            ("suspended, right password", "acme", "carol", PW),
            (
                "suspended, wrong password",
                "acme",
                "carol",
                "wrong password",
            ),
        ];
        let mut rest = Vec::new();
        let mut ldap = Vec::new();
        let mut portal = Vec::new();
        for (what, org, user, pw) in cases {
            rest.push((what, rest_login(&app, org, user, pw).await));
            ldap.push((what, ldap_bind(&app, org, user, pw).await));
            portal.push((what, portal_login(&app, org, user, pw).await));
        }
        let (_, first) = &rest[0];
        assert_eq!(first.0, 401, "{first:?}");
        assert!(!first.2, "no Retry-After: it would tell a lock");
        for (what, answer) in &rest {
            assert_eq!(answer, first, "REST: {what} reads differently");
        }
        let (_, first) = &ldap[0];
        assert_eq!(first.0, 49, "{first:?}");
        for (what, answer) in &ldap {
            assert_eq!(answer, first, "LDAP: {what} reads differently");
        }
        let (_, first) = &portal[0];
        assert_eq!(first.0, 401, "{first:?}");
        for (what, answer) in &portal {
            assert_eq!(answer, first, "portal: {what} reads differently");
        }

        // The org's admins see the real reasons in the audit log.
        let (_, events) = app
            .call(
                Method::GET,
                "/api/v1/orgs/acme/audit?limit=1000",
                Some(&admin),
                None,
            )
            .await
            .unwrap();
        let reasons: Vec<&str> = events
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["outcome"] == "denied")
            .filter_map(|e| e["detail"]["reason"].as_str())
            .collect();
        for reason in ["unknown_name", "locked", "inactive"] {
            assert!(reasons.contains(&reason), "{reason} not in {reasons:?}");
        }
        // Dave, whose account locked, was told so at his own address — once (the mailer sends
        // once a second).
        let told = || {
            app.outbox()
                .iter()
                .map(|m| decode_mail(m))
                .filter(|m| m.contains("dave@acme.test") && m.contains("is locked for now"))
                .count()
        };
        for _ in 0..100 {
            if told() > 0 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        assert_eq!(told(), 1);
        app
    })
    .await;
}
