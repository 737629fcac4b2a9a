//! Rate limits in front of every door, driven past and back through a real server: REST
//! logins, the portal's forms, OpenLDAP's `ldapwhoami`/`ldapsearch`, the public data request
//! and the mail gateway. Each budget is set small here, spent, answered 429 with
//! `Retry-After` (LDAP: busy, 51), and given back after the wait it names; authenticated
//! traffic passes all along. The budgets live in memory, not in the store, so one backend
//! (SQLite) is enough.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use reqwest::Method;
use serde_json::{Value, json};
use skydir_testkit::{Backend, Browser, TestApp};
use std::time::Duration;

const PW: &str = "correct horse battery staple";

async fn server(settings: &[(&str, &str)]) -> TestApp {
    TestApp::spawn_with(Backend::Sqlite, settings)
        .await
        .unwrap()
}

/// A REST login: status, body and `Retry-After` in seconds.
async fn login(app: &TestApp, user: &str, pw: &str) -> (u16, Value, Option<u64>) {
    let resp = app
        .req(Method::POST, "/api/v1/auth/login", None)
        .json(&json!({"org": "acme", "username": user, "password": pw}))
        .send()
        .await
        .unwrap();
    let retry = retry_after(&resp);
    let (s, b) = TestApp::json(resp).await.unwrap();
    (s, b, retry)
}

fn retry_after(resp: &reqwest::Response) -> Option<u64> {
    resp.headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
}

/// `ldapwhoami` or `ldapsearch` with `args` over LDAPS: exit code and output.
async fn ldap(app: &TestApp, tool: &str, args: &[&str]) -> (i32, String) {
    let mut all = vec!["-x", "-H", &app.ldaps_url];
    all.extend_from_slice(args);
    app.ldap_tool(tool, &all).await
}

/// Whether /metrics counted a refusal by `limit` over `protocol`.
fn counted(metrics: &str, limit: &str, protocol: &str) -> bool {
    metrics.lines().any(|l| {
        l.starts_with("skydir_rate_limited_total{")
            && l.contains(&format!("limit=\"{limit}\""))
            && l.contains(&format!("protocol=\"{protocol}\""))
    })
}

async fn wait(secs: u64) {
    tokio::time::sleep(Duration::from_secs(secs) + Duration::from_millis(300)).await;
}

#[tokio::test]
async fn failed_sign_ins_stop_guessing_at_every_door_and_right_passwords_never_pay() {
    // 3 failures, then one more every 10 s.
    let app = server(&[("SKYDIR_RATE_LIMIT_FAILURES", "3/30s")]).await;
    app.org_with_admin("acme", json!({"plan": "free"}), "alice", PW)
        .await
        .unwrap();
    // Signing in with the right password costs nothing, however often and however many at
    // once (an application's connection pool).
    for _ in 0..6 {
        assert_eq!(login(&app, "alice", PW).await.0, 200);
    }
    let at_once: Vec<_> = (0..10).map(|_| login(&app, "alice", PW)).collect();
    for (s, b, _) in futures_util::future::join_all(at_once).await {
        assert_eq!(s, 200, "{b}");
    }
    let token = app.login("acme", "alice", PW).await.unwrap();
    for _ in 0..3 {
        assert_eq!(login(&app, "alice", "guess").await.0, 401);
    }
    // The budget is spent: even the right password is refused, before it is checked.
    let (s, b, retry) = login(&app, "alice", PW).await;
    assert_eq!(s, 429, "{b}");
    assert_eq!(
        b["type"].as_str(),
        Some("https://skydir.dev/problems/too-many-requests")
    );
    let retry = retry.expect("Retry-After");
    assert!((1..=10).contains(&retry), "{retry}");
    assert_eq!(b["retry_after"].as_u64(), Some(retry));
    // The same address is refused at the portal's form and at an LDAP bind.
    let mut browser = Browser::new(&app).unwrap();
    let (s, html, _) = browser.log_in("acme", "alice", PW).await.unwrap();
    assert_eq!(s, 429, "{html}");
    assert!(html.contains("Try again in"), "{html}");
    let dn = "uid=alice,ou=users,o=acme,dc=skydir";
    let (code, text) = ldap(&app, "ldapwhoami", &["-D", dn, "-w", PW]).await;
    assert_eq!(code, 51, "{text}");
    assert!(text.contains("try again in"), "{text}");
    // What is already signed in carries on.
    let (s, _) = app
        .call(Method::GET, "/api/v1/me/tokens", Some(&token), None)
        .await
        .unwrap();
    assert_eq!(s, 200);
    // After the wait it named, one more try is allowed: the right password gets in.
    wait(retry).await;
    assert_eq!(login(&app, "alice", PW).await.0, 200);
    let (code, text) = ldap(&app, "ldapwhoami", &["-D", dn, "-w", PW]).await;
    assert_eq!(code, 0, "{text}");
    let m = app.scrape_metrics().await.unwrap();
    assert!(
        counted(&m, "failures", "http") && counted(&m, "failures", "ldap"),
        "{m}"
    );
    app.stop().await.unwrap();
}

#[tokio::test]
async fn unauthenticated_requests_have_a_budget_that_made_up_credentials_do_not_escape() {
    // 12 at once, then one every 5 s.
    let app = server(&[("SKYDIR_RATE_LIMIT_ANONYMOUS", "12/1min")]).await;
    let operator = app.operator_token.clone();
    let get = |path: &'static str, token: Option<&'static str>| {
        let app = &app;
        async move {
            let resp = app.req(Method::GET, path, token).send().await.unwrap();
            (resp.status().as_u16(), retry_after(&resp))
        }
    };
    let mut served = 0;
    let mut refused = None;
    for _ in 0..20 {
        match get("/privacy/subprocessors", None).await {
            (200, _) => served += 1,
            (429, r) => {
                refused = r;
                break;
            }
            other => panic!("{other:?}"),
        }
    }
    assert!((12..=13).contains(&served), "served {served}");
    assert!(refused.is_some(), "a 429 with Retry-After");
    // A made-up token or session cookie does not make a request authenticated.
    assert_eq!(get("/api/v1/orgs", Some("skd_made_up")).await.0, 429);
    let resp = app
        .req(Method::GET, "/kb", None)
        .header("cookie", "__Host-skydir_session=skd_made_up")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 429);
    // Nor does claiming to be someone else: without trusted proxies the header is ignored.
    let resp = app
        .req(Method::GET, "/kb", None)
        .header("x-forwarded-for", "203.0.113.77")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 429);
    // (The made-up credentials above were charged too: the wait is the latest one named.)
    let retry = retry_after(&resp).expect("Retry-After");
    // The budget is the address's, whatever the protocol: an anonymous LDAP search is busy.
    let (code, text) = ldap(&app, "ldapsearch", &["-b", "", "-s", "base"]).await;
    assert_eq!(code, 51, "{text}");
    // A real token is never limited by address.
    for _ in 0..30 {
        let (s, _) = app
            .call(Method::GET, "/api/v1/orgs", Some(&operator), None)
            .await
            .unwrap();
        assert_eq!(s, 200);
    }
    wait(retry).await;
    assert_eq!(get("/privacy/subprocessors", None).await.0, 200);
    let m = app.scrape_metrics().await.unwrap();
    assert!(
        counted(&m, "anonymous", "http") && counted(&m, "anonymous", "ldap"),
        "{m}"
    );
    app.stop().await.unwrap();
}

#[tokio::test]
async fn doors_that_send_mail_or_take_links_have_a_stricter_budget() {
    let mut app = server(&[]).await;
    app.org_with_admin("acme", json!({"plan": "monthly", "seats": 5}), "alice", PW)
        .await
        .unwrap();
    // The org is set up (its admin's invitation link was one of these doors); now the tight
    // budgets: 2 at once, then one every 5 s.
    app.restart_with(&[
        ("SKYDIR_RATE_LIMIT_STRICT", "2/10s"),
        ("SKYDIR_RATE_LIMIT_MAIL_SENDERS", "2/10s"),
    ])
    .await
    .unwrap();
    let forgot = || async {
        let mut b = Browser::new(&app).unwrap();
        b.get("/portal/forgot").await.unwrap();
        let csrf = b.csrf().unwrap();
        b.post_form(
            "/portal/forgot",
            &[("csrf", &csrf), ("org", "acme"), ("username", "alice")],
        )
        .await
        .unwrap()
    };
    assert_eq!(forgot().await.0, 200);
    assert_eq!(forgot().await.0, 200);
    let (s, html, _) = forgot().await;
    assert_eq!(s, 429, "{html}");
    // The public data request shares the budget (it mails a confirmation link).
    let resp = app
        .req(Method::POST, "/api/v1/privacy/data-requests", None)
        .json(&json!({"kind": "access", "email": "someone@example.com"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 429);
    let retry = retry_after(&resp).expect("Retry-After");
    // Mail to the desk: each sender has its own budget.
    let mail = |from: &str, n: u32| {
        format!(
            "From: {from}\r\nTo: support@skydir.localhost\r\nSubject: Help {n}\r\n\
             Message-ID: <m{n}.{from}>\r\n\r\nHow do I add a group?\r\n"
        )
    };
    let inbound = |raw: String| {
        let req = app
            .req(
                Method::POST,
                "/api/v1/mail/inbound",
                Some(&app.operator_token),
            )
            .header("content-type", "message/rfc822")
            .body(raw);
        async move {
            let resp = req.send().await.unwrap();
            (resp.status().as_u16(), retry_after(&resp))
        }
    };
    assert_eq!(inbound(mail("spam@example.net", 1)).await.0, 200);
    assert_eq!(inbound(mail("spam@example.net", 2)).await.0, 200);
    let (s, mail_retry) = inbound(mail("SPAM@example.net", 3)).await;
    assert_eq!(s, 429, "the gateway is told to try again later");
    assert!(mail_retry.is_some());
    assert_eq!(inbound(mail("alice@acme.test", 4)).await.0, 200);
    wait(retry.max(mail_retry.unwrap())).await;
    assert_eq!(forgot().await.0, 200);
    assert_eq!(inbound(mail("spam@example.net", 5)).await.0, 200);
    let m = app.scrape_metrics().await.unwrap();
    assert!(
        counted(&m, "strict", "http") && counted(&m, "mail_sender", "mail"),
        "{m}"
    );
    app.stop().await.unwrap();
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_forwarded_client_has_its_own_budget() {
    let app = server(&[
        ("SKYDIR_RATE_LIMIT_ANONYMOUS", "3/1min"),
        ("SKYDIR_TRUSTED_PROXIES", "127.0.0.1, ::1"),
    ])
    .await;
    let get = |client: &'static str| {
        let req = app
            .req(Method::GET, "/kb", None)
            .header("x-forwarded-for", format!("198.51.100.9, {client}"));
        async move { req.send().await.unwrap().status().as_u16() }
    };
    for _ in 0..3 {
        assert_eq!(get("203.0.113.1").await, 200);
    }
    assert_eq!(get("203.0.113.1").await, 429);
    assert_eq!(
        get("203.0.113.2").await,
        200,
        "another client behind the proxy"
    );
    app.stop().await.unwrap();
}

#[test]
fn every_throttled_door_is_a_routed_path() {
    let mut routed = skydir_http::routed_paths::<skydir_store::Store>();
    routed.extend(skydir_http::page_paths::<skydir_store::Store>());
    let (sign_in, strict) = skydir_http::throttled_doors();
    for door in sign_in.iter().chain(strict) {
        assert!(routed.contains(door), "{door} is not routed any more");
    }
}
