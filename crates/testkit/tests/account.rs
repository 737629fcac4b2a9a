//! A person's own account through the real doors: sessions end when the way in changes — a
//! new password (REST, the portal, a mailed reset link) signs them out everywhere else and
//! ends their personal API tokens unless they keep them; removing the authenticator ends their
//! other sessions — and a new email address is used (published over LDAP, reset links sent
//! to it) only once the link mailed to it is opened, the old address being told.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use ldap3::{LdapConnAsync, LdapConnSettings, Scope, SearchEntry};
use reqwest::Method;
use serde_json::{Value, json};
use skydir_testkit::{Browser, TestApp, TestClock, decode_mail, each_backend};
use std::sync::Arc;

const PW: &str = "correct horse battery staple";
const PW2: &str = "a brand new long passphrase";

/// Whether `token` still gets in (`GET /api/v1/me/tokens`).
async fn works(app: &TestApp, token: &str) -> bool {
    let (s, b) = app
        .call(Method::GET, "/api/v1/me/tokens", Some(token), None)
        .await
        .unwrap();
    assert!(s == 200 || s == 401, "{s} {b}");
    s == 200
}

async fn personal_token(app: &TestApp, session: &str, name: &str) -> String {
    let (s, b) = app
        .call(
            Method::POST,
            "/api/v1/me/tokens",
            Some(session),
            Some(json!({ "name": name })),
        )
        .await
        .unwrap();
    assert_eq!(s, 201, "{b}");
    b["token"].as_str().unwrap().to_string()
}

/// Acme with its admin alice (her session) and bob, who has a password.
async fn acme(app: &TestApp) -> String {
    let alice = app
        .org_with_admin("acme", json!({"plan": "free"}), "alice", PW)
        .await
        .unwrap();
    app.add_user(&alice, "acme", "bob", PW).await.unwrap();
    alice
}

fn change(current: &str, new: &str, keep: Option<bool>) -> Value {
    let mut b = json!({"current_password": current, "new_password": new});
    if let Some(k) = keep {
        b["keep_api_tokens"] = json!(k);
    }
    b
}

#[tokio::test]
async fn a_new_password_signs_out_every_other_device_and_the_api_tokens_unless_kept() {
    each_backend(|app| async move {
        let alice = acme(&app).await;
        let laptop = app.login("acme", "bob", PW).await.unwrap();
        let phone = app.login("acme", "bob", PW).await.unwrap();
        let script = personal_token(&app, &laptop, "backup script").await;
        let path = "/api/v1/orgs/acme/users/bob/password";
        let (s, b) = app
            .call(
                Method::PUT,
                path,
                Some(&laptop),
                Some(change(PW, PW2, None)),
            )
            .await
            .unwrap();
        assert_eq!(s, 200, "{b}");
        assert_eq!(b, json!({"sessions_ended": 1, "api_tokens_ended": 1}));
        assert!(works(&app, &laptop).await, "the device he changed it on");
        assert!(!works(&app, &phone).await, "the other device is signed out");
        assert!(!works(&app, &script).await, "the API token ends by default");
        assert!(works(&app, &alice).await, "nobody else's session");
        // Keeping the API tokens: the script's new token lives on, the other device does not.
        let phone = app.login("acme", "bob", PW2).await.unwrap();
        let script = personal_token(&app, &laptop, "deploy script").await;
        let (s, b) = app
            .call(
                Method::PUT,
                path,
                Some(&laptop),
                Some(change(PW2, PW, Some(true))),
            )
            .await
            .unwrap();
        assert_eq!(s, 200, "{b}");
        assert_eq!(b, json!({"sessions_ended": 1, "api_tokens_ended": 0}));
        assert!(works(&app, &script).await && works(&app, &laptop).await);
        assert!(!works(&app, &phone).await);
        // The endings are in the org's audit log.
        let (_, audit) = app
            .call(
                Method::GET,
                "/api/v1/orgs/acme/audit?limit=500",
                Some(&alice),
                None,
            )
            .await
            .unwrap();
        let ended: Vec<&Value> = audit
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["action"] == "user.sessions.ended")
            .collect();
        assert_eq!(ended.len(), 2, "{audit}");
        app
    })
    .await;
}

#[tokio::test]
async fn the_portal_form_signs_out_elsewhere_and_keeps_api_tokens_only_when_ticked() {
    each_backend(|app| async move {
        acme(&app).await;
        let mut b = Browser::new(&app).unwrap();
        let (s, _, to) = b.log_in("acme", "bob", PW).await.unwrap();
        assert_eq!((s, to.as_deref()), (303, Some("/portal/profile")));
        let elsewhere = app.login("acme", "bob", PW).await.unwrap();
        let script = personal_token(&app, &elsewhere, "backup script").await;
        let (_, page, _) = b.get("/portal/profile").await.unwrap();
        assert!(page.contains("Keep my API tokens working"), "{page}");
        let at = page.find("id=\"keep_api_tokens\"").unwrap();
        let tag = &page[at..at + page[at..].find('>').unwrap()];
        assert!(!tag.contains("checked"), "unchecked by default: {tag}");
        let csrf = b.csrf().unwrap();
        let (s, _, to) = b
            .post_form(
                "/portal/profile/password",
                &[
                    ("csrf", &csrf),
                    ("current", PW),
                    ("new_password", PW2),
                    ("repeat", PW2),
                ],
            )
            .await
            .unwrap();
        assert_eq!(s, 303);
        let to = to.unwrap();
        assert_eq!(to, "/portal/profile?done=password&sessions=1&tokens=1");
        let (s, page, _) = b.get(&to).await.unwrap();
        assert_eq!(s, 200, "still signed in here");
        assert!(
            page.contains("1 other session and 1 API token were ended."),
            "{page}"
        );
        assert!(!works(&app, &elsewhere).await && !works(&app, &script).await);
        // Ticked, the API tokens stay.
        let elsewhere = app.login("acme", "bob", PW2).await.unwrap();
        let script = personal_token(&app, &elsewhere, "deploy script").await;
        let (s, _, to) = b
            .post_form(
                "/portal/profile/password",
                &[
                    ("csrf", &csrf),
                    ("current", PW2),
                    ("new_password", PW),
                    ("repeat", PW),
                    ("keep_api_tokens", "on"),
                ],
            )
            .await
            .unwrap();
        assert_eq!(
            (s, to.as_deref()),
            (
                303,
                Some("/portal/profile?done=password&sessions=1&tokens=0")
            )
        );
        assert!(works(&app, &script).await);
        assert!(!works(&app, &elsewhere).await);
        app
    })
    .await;
}

#[tokio::test]
async fn a_mailed_reset_link_ends_every_session_and_removing_the_authenticator_the_others() {
    each_backend(|app| async move {
        acme(&app).await;
        let laptop = app.login("acme", "bob", PW).await.unwrap();
        let script = personal_token(&app, &laptop, "backup script").await;
        // Bob forgot his password: a link to his address, used from outside any session.
        let mut b = Browser::new(&app).unwrap();
        b.get("/portal/forgot").await.unwrap();
        let csrf = b.csrf().unwrap();
        b.post_form(
            "/portal/forgot",
            &[("csrf", &csrf), ("org", "acme"), ("username", "bob")],
        )
        .await
        .unwrap();
        let link = app.mailed_link("bob@acme.test", "reset").await.unwrap();
        let (s, out) = app
            .call(
                Method::POST,
                "/api/v1/auth/password",
                None,
                Some(json!({"token": link, "password": PW2})),
            )
            .await
            .unwrap();
        assert_eq!(s, 200, "{out}");
        assert_eq!(
            (
                out["sessions_ended"].as_u64(),
                out["api_tokens_ended"].as_u64()
            ),
            (Some(1), Some(1))
        );
        assert!(!works(&app, &laptop).await && !works(&app, &script).await);

        // An admin mails him a link; on its page he keeps his API tokens this time.
        let laptop = app.login("acme", "bob", PW2).await.unwrap();
        let script = personal_token(&app, &laptop, "backup script").await;
        let mut admin = Browser::new(&app).unwrap();
        admin.log_in("acme", "alice", PW).await.unwrap();
        admin.get("/admin/users/bob").await.unwrap();
        let csrf = admin.csrf().unwrap();
        let (s, _, _) = admin
            .post_form("/admin/users/bob/reset", &[("csrf", &csrf)])
            .await
            .unwrap();
        assert_eq!(s, 303);
        let second = app
            .wait_for_link("bob@acme.test", "reset", Some(&link), || app.outbox())
            .await
            .unwrap();
        let (s, page, _) = b.get(&format!("/portal/reset/{second}")).await.unwrap();
        assert_eq!(s, 200);
        assert!(page.contains("Keep my API tokens working"), "{page}");
        let csrf = b.csrf().unwrap();
        let (s, page, _) = b
            .post_form(
                &format!("/portal/reset/{second}"),
                &[
                    ("csrf", &csrf),
                    ("new_password", PW),
                    ("repeat", PW),
                    ("keep_api_tokens", "on"),
                ],
            )
            .await
            .unwrap();
        assert_eq!(s, 200, "{page}");
        assert!(page.contains("Your new password is set."), "{page}");
        assert!(
            page.contains("Signed out everywhere: 1 session and 0 API tokens ended."),
            "{page}"
        );
        assert!(!works(&app, &laptop).await && works(&app, &script).await);

        // Two devices; an authenticator enrolled on one, then removed there.
        let laptop = app.login("acme", "bob", PW).await.unwrap();
        let phone = app.login("acme", "bob", PW).await.unwrap();
        let script = personal_token(&app, &laptop, "backup script").await;
        let (s, e) = app
            .call(Method::POST, "/api/v1/me/totp", Some(&laptop), None)
            .await
            .unwrap();
        assert_eq!(s, 201, "{e}");
        let secret = e["secret_base32"].as_str().unwrap().to_string();
        let (s, b) = app
            .call(
                Method::PUT,
                "/api/v1/me/totp",
                Some(&laptop),
                Some(json!({"code": code(&secret, -30)})),
            )
            .await
            .unwrap();
        assert_eq!(s, 204, "{b}");
        let (s, b) = app
            .call(
                Method::DELETE,
                "/api/v1/me/totp",
                Some(&laptop),
                Some(json!({"code": code(&secret, 0)})),
            )
            .await
            .unwrap();
        assert_eq!(s, 200, "{b}");
        assert_eq!(b, json!({"sessions_ended": 1, "api_tokens_ended": 0}));
        assert!(works(&app, &laptop).await, "the device it was removed on");
        assert!(!works(&app, &phone).await);
        assert!(
            works(&app, &script).await,
            "API tokens never needed the code"
        );
        app
    })
    .await;
}

/// The authenticator code of `secret_b32` at `offset` seconds from now.
fn code(secret_b32: &str, offset: i64) -> String {
    let secret = totp_rs::Secret::try_from_base32(secret_b32).unwrap();
    let totp = totp_rs::Builder::new().with_secret(secret).build().unwrap();
    #[allow(clippy::disallowed_methods)]
    let now = jiff::Timestamp::now().as_second() + offset;
    totp.generate(now as u64).to_string()
}

/// Bob's `mail` as LDAP publishes it (bound as bob).
async fn ldap_mail(app: &TestApp) -> Vec<String> {
    let settings = LdapConnSettings::new().set_config(Arc::new(
        skydir_testkit::tls_trusting(&app.cert_path).unwrap(),
    ));
    let (conn, mut ldap) = LdapConnAsync::with_settings(settings, &app.ldaps_url)
        .await
        .unwrap();
    ldap3::drive!(conn);
    ldap.simple_bind("uid=bob,ou=users,o=acme,dc=skydir", PW)
        .await
        .unwrap()
        .success()
        .unwrap();
    let (rs, _) = ldap
        .search(
            "o=acme,dc=skydir",
            Scope::Subtree,
            "(uid=bob)",
            vec!["mail"],
        )
        .await
        .unwrap()
        .success()
        .unwrap();
    let _ = ldap.unbind().await;
    let entry = SearchEntry::construct(rs.into_iter().next().unwrap());
    entry.attrs.get("mail").cloned().unwrap_or_default()
}

/// The mails in the outbox addressed to `to`, decoded.
fn mails_to(app: &TestApp, to: &str) -> Vec<String> {
    app.outbox()
        .iter()
        .map(|m| decode_mail(m))
        .filter(|m| {
            m.lines()
                .find(|l| l.to_ascii_lowercase().starts_with("to:"))
                .is_some_and(|l| l.contains(to))
        })
        .collect()
}

/// Waits (the mailer sends once a second) for a mail to `to` containing `needle`.
async fn wait_for_mail(app: &TestApp, to: &str, needle: &str) -> String {
    for _ in 0..150 {
        if let Some(m) = mails_to(app, to).into_iter().find(|m| m.contains(needle)) {
            return m;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("no mail to {to} saying {needle:?}: {:?}", mails_to(app, to));
}

#[tokio::test]
async fn a_new_email_address_is_published_only_once_the_link_mailed_to_it_is_opened() {
    each_backend(|app| async move {
        acme(&app).await;
        let bob = app.login("acme", "bob", PW).await.unwrap();
        let path = "/api/v1/orgs/acme/users/bob";
        let (s, v) = app
            .call(
                Method::PATCH,
                path,
                Some(&bob),
                Some(json!({"email": "bob@newmail.test"})),
            )
            .await
            .unwrap();
        assert_eq!(s, 200, "{v}");
        assert_eq!(v["email"], "bob@acme.test", "the account keeps its address");
        assert_eq!(v["pending_email"], "bob@newmail.test");
        assert!(v["pending_email_expires_at"].is_string());
        // Not published until confirmed.
        let link = app.mailed_link("bob@newmail.test", "email").await.unwrap();
        assert_eq!(ldap_mail(&app).await, ["bob@acme.test"]);
        // The old address was told, with the new one masked.
        let notice = wait_for_mail(&app, "bob@acme.test", "is being changed").await;
        assert!(notice.contains("b***@newmail.test"), "{notice}");
        assert!(!notice.contains("/portal/email/"), "{notice}");
        // The link's page names the account and asks for one click.
        let mut browser = Browser::new(&app).unwrap();
        let (s, page, _) = browser.get(&format!("/portal/email/{link}")).await.unwrap();
        assert_eq!(s, 200);
        assert!(page.contains("bob@newmail.test") && page.contains("Confirm this address"));
        assert_eq!(
            ldap_mail(&app).await,
            ["bob@acme.test"],
            "opening the page confirms nothing"
        );
        let (s, b) = app
            .call(
                Method::POST,
                "/api/v1/auth/email",
                None,
                Some(json!({"token": link})),
            )
            .await
            .unwrap();
        assert_eq!(s, 200, "{b}");
        assert_eq!(
            b,
            json!({"org": "acme", "username": "bob", "email": "bob@newmail.test"})
        );
        // Published over LDAP from now on, and nothing else ended.
        let mut mail = Vec::new();
        for _ in 0..50 {
            mail = ldap_mail(&app).await;
            if mail == ["bob@newmail.test"] {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        assert_eq!(mail, ["bob@newmail.test"]);
        assert!(works(&app, &bob).await, "confirming ends no session");
        let (_, v) = app.call(Method::GET, path, Some(&bob), None).await.unwrap();
        assert_eq!(v["email"], "bob@newmail.test");
        assert!(v.get("pending_email").is_none(), "{v}");
        // The link works once, and says so.
        let (s, b) = app
            .call(
                Method::POST,
                "/api/v1/auth/email",
                None,
                Some(json!({"token": link})),
            )
            .await
            .unwrap();
        assert_eq!((s, b["field"].as_str()), (400, Some("link")), "{b}");
        assert!(
            b["detail"].as_str().unwrap().contains("already used"),
            "{b}"
        );
        let (s, page, _) = browser.get(&format!("/portal/email/{link}")).await.unwrap();
        assert_eq!(s, 400);
        assert!(page.contains("already used"), "{page}");
        app
    })
    .await;
}

#[tokio::test]
async fn an_admins_change_waits_for_the_new_address_and_an_expired_link_changes_nothing() {
    for backend in skydir_testkit::Backend::all() {
        let clock = Arc::new(TestClock::default());
        let app = TestApp::spawn_with_clock(backend, &[], clock.clone())
            .await
            .unwrap();
        let alice = acme(&app).await;
        let bob = app.login("acme", "bob", PW).await.unwrap();
        let path = "/api/v1/orgs/acme/users/bob";
        // The admin redirects bob's address: it waits for the new mailbox, like his own would.
        let (s, v) = app
            .call(
                Method::PATCH,
                path,
                Some(&alice),
                Some(json!({"email": "bob@elsewhere.test"})),
            )
            .await
            .unwrap();
        assert_eq!(
            (s, &v["email"], &v["pending_email"]),
            (200, &json!("bob@acme.test"), &json!("bob@elsewhere.test"))
        );
        let first = app
            .mailed_link("bob@elsewhere.test", "email")
            .await
            .unwrap();
        wait_for_mail(&app, "bob@acme.test", "An administrator of acme Inc.").await;
        // Bob sees it pending, sends it again (the first link is replaced) …
        let (_, v) = app.call(Method::GET, path, Some(&bob), None).await.unwrap();
        assert_eq!(v["pending_email"], "bob@elsewhere.test");
        let (s, b) = app
            .call(
                Method::POST,
                &format!("{path}/pending-email"),
                Some(&bob),
                None,
            )
            .await
            .unwrap();
        assert_eq!(s, 200, "{b}");
        let second = app
            .wait_for_link("bob@elsewhere.test", "email", Some(&first), || app.outbox())
            .await
            .unwrap();
        let (s, b) = app
            .call(
                Method::POST,
                "/api/v1/auth/email",
                None,
                Some(json!({"token": first})),
            )
            .await
            .unwrap();
        assert_eq!(s, 400);
        assert!(b["detail"].as_str().unwrap().contains("newer link"), "{b}");
        // … and a day later the link has expired: nothing changed.
        clock.advance(jiff::SignedDuration::from_hours(25));
        let (s, b) = app
            .call(
                Method::POST,
                "/api/v1/auth/email",
                None,
                Some(json!({"token": second})),
            )
            .await
            .unwrap();
        assert_eq!((s, b["field"].as_str()), (400, Some("link")), "{b}");
        assert!(b["detail"].as_str().unwrap().contains("expired"), "{b}");
        let bob = app.login("acme", "bob", PW).await.unwrap();
        assert_eq!(ldap_mail(&app).await, ["bob@acme.test"]);
        // Reset links still go to the address on the account.
        let mut browser = Browser::new(&app).unwrap();
        browser.get("/portal/forgot").await.unwrap();
        let csrf = browser.csrf().unwrap();
        browser
            .post_form(
                "/portal/forgot",
                &[("csrf", &csrf), ("org", "acme"), ("username", "bob")],
            )
            .await
            .unwrap();
        app.mailed_link("bob@acme.test", "reset").await.unwrap();
        // He cancels; there is nothing pending any more.
        let (s, _) = app
            .call(
                Method::DELETE,
                &format!("{path}/pending-email"),
                Some(&bob),
                None,
            )
            .await
            .unwrap();
        assert_eq!(s, 204);
        let (_, v) = app.call(Method::GET, path, Some(&bob), None).await.unwrap();
        assert!(v.get("pending_email").is_none(), "{v}");
        let (s, _) = app
            .call(
                Method::DELETE,
                &format!("{path}/pending-email"),
                Some(&bob),
                None,
            )
            .await
            .unwrap();
        assert_eq!(s, 404);
        app.stop().await.unwrap();
    }
}
