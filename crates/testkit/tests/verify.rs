//! Verified requests and authenticators through the real doors, on both backends: an agent
//! opens a verification, every active admin gets a link by SMTP, the link's page changes
//! nothing until an admin confirms with a form, skydir then acts; authenticator enrollment,
//! logins that ask for the code, and a confirmation that needs it.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use reqwest::Method;
use serde_json::{Value, json};
use skydir_mail::testing::{Received, SmtpSink};
use skydir_testkit::{TestApp, each_backend_with};
use std::time::Duration;

const PW: &str = "correct horse battery staple";

fn link(r: &Received) -> String {
    let text = String::from_utf8_lossy(&r.data).replace("=\r\n", "");
    let i = text.find("/verify/skv_").expect("a confirmation link");
    text[i + 8..i + 8 + 47].to_string()
}

/// Org `acme` whose first admin alice took the invitation mailed to the sink (after the first
/// `start` mails), added carol (an admin too) and bob; a support agent. Returns (alice, agent)
/// tokens.
async fn setup(app: &TestApp, sink: &SmtpSink, start: usize) -> (String, String) {
    let alice = app
        .org_with_admin_via(
            "acme",
            json!({"name": "Acme", "plan": "annual", "seats": 9}),
            "alice",
            PW,
            || {
                sink.received()[start..]
                    .iter()
                    .map(|r| String::from_utf8_lossy(&r.data).into_owned())
                    .collect()
            },
        )
        .await
        .unwrap();
    for n in ["carol", "bob"] {
        app.add_user(&alice, "acme", n, PW).await.unwrap();
    }
    app.make_admin(&alice, "acme", "carol").await.unwrap();
    let (_, staff) = app
        .op(
            Method::POST,
            "/api/v1/staff",
            Some(json!({"handle": "ann"})),
        )
        .await
        .unwrap();
    (alice, staff["token"].as_str().unwrap().to_string())
}

async fn form(app: &TestApp, token: &str, fields: &str) -> (u16, String) {
    let r = app
        .req(Method::POST, &format!("/verify/{token}"), None)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(fields.to_string())
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

async fn admins(app: &TestApp, token: &str) -> Value {
    app.call(Method::GET, "/api/v1/orgs/acme/admins", Some(token), None)
        .await
        .unwrap()
        .1
}

#[tokio::test]
async fn only_an_admins_confirmation_makes_skydir_do_what_an_agent_asked() {
    let sink = SmtpSink::start().await.unwrap();
    let url = sink.url();
    // The sink is on 127.0.0.1 and speaks only plain text.
    let env = [
        ("SKYDIR_SMTP_URL", url.as_str()),
        ("SKYDIR_SMTP_ALLOW_PLAINTEXT", "true"),
    ];
    each_backend_with(&env, |app| {
        let sink = &sink;
        async move {
            let before = sink.received().len();
            let (alice, agent) = setup(&app, sink, before).await;
            // Alice's invitation is in; count the verification's mails from here.
            let start = sink.received().len();
            let (s, t) = app
                .call(Method::POST, "/api/v1/orgs/acme/tickets", Some(&alice),
                      Some(json!({"subject": "Delete Bob's account", "category": "account_security",
                                  "description": "Bob left the company: please delete his account for good."})))
                .await
                .unwrap();
            assert_eq!(s, 201, "{t}");
            let n = t["id"].as_u64().unwrap();
            // What the policy forbids is refused with its reason.
            let (s, e) = app
                .call(Method::POST, &format!("/api/v1/support/tickets/{n}/verifications"), Some(&agent),
                      Some(json!({"request": "change_password", "username": "bob"})))
                .await
                .unwrap();
            assert_eq!(s, 403, "{e}");
            assert!(e["detail"].as_str().unwrap().contains("never change a password"), "{e}");
            // Making an admin is never a verified request: the org's admins do it themselves.
            let (s, e) = app
                .call(Method::POST, &format!("/api/v1/support/tickets/{n}/verifications"), Some(&agent),
                      Some(json!({"request": "make_admin", "username": "bob"})))
                .await
                .unwrap();
            assert_eq!(s, 403, "{e}");
            assert!(e["detail"].as_str().unwrap().contains("admin console"), "{e}");
            assert!(!admins(&app, &alice).await.to_string().contains("bob"), "nothing changed");
            let (_, vs) = app
                .call(Method::GET, &format!("/api/v1/support/tickets/{n}/verifications"), Some(&agent), None)
                .await
                .unwrap();
            assert_eq!(vs, json!([]), "no verification was opened");
            // An agent cannot just do it.
            let (s, _) = app.call(Method::PUT, "/api/v1/orgs/acme/admins/bob", Some(&agent), None).await.unwrap();
            assert_eq!(s, 403);
            let (s, _) = app.call(Method::DELETE, "/api/v1/orgs/acme/users/bob", Some(&agent), None).await.unwrap();
            assert_eq!(s, 403);
            // A verification: a link to each active admin.
            let (s, v) = app
                .call(Method::POST, &format!("/api/v1/support/tickets/{n}/verifications"), Some(&agent),
                      Some(json!({"request": "delete_account", "username": "bob"})))
                .await
                .unwrap();
            assert_eq!(s, 201, "{v}");
            assert_eq!((v["state"].as_str(), v["sent_to"].as_u64()), (Some("pending"), Some(2)));
            let got = sink.wait_for(start + 3, Duration::from_secs(20)).await;
            let links: Vec<(&Received, String)> = got[start..]
                .iter()
                .filter(|r| String::from_utf8_lossy(&r.data).contains("/verify/skv_"))
                .map(|r| (r, link(r)))
                .collect();
            assert_eq!(links.len(), 2, "alice and carol");
            let mut to: Vec<String> = links.iter().map(|(r, _)| r.rcpt_to[0].clone()).collect();
            to.sort();
            assert_eq!(to, ["alice@acme.test", "carol@acme.test"]);
            // Opening the page changes nothing.
            let (_, carol_link) = links.iter().find(|(r, _)| r.rcpt_to[0] == "carol@acme.test").unwrap();
            let page = app.req(Method::GET, &format!("/verify/{carol_link}"), None).send().await.unwrap();
            assert_eq!(page.status(), 200);
            assert_eq!(page.headers()["cache-control"], "no-store");
            let html = page.text().await.unwrap();
            assert!(html.contains("delete the account of the user &#39;bob&#39;") || html.contains("delete the account of the user 'bob'"), "{html}");
            let bob_path = "/api/v1/orgs/acme/users/bob";
            let (s, _) = app.call(Method::GET, bob_path, Some(&alice), None).await.unwrap();
            assert_eq!(s, 200, "bob is still there");
            app.login("acme", "bob", PW).await.unwrap();
            // Carol confirms with the form; skydir deletes the account.
            let (s, html) = form(&app, carol_link, "decision=confirm").await;
            assert_eq!(s, 200, "{html}");
            assert!(html.contains("skydir has carried it out"), "{html}");
            let (s, _) = app.call(Method::GET, bob_path, Some(&alice), None).await.unwrap();
            assert_eq!(s, 404, "bob is gone");
            assert!(app.login("acme", "bob", PW).await.is_err());
            // The other link is spent.
            let (_, alice_link) = links.iter().find(|(r, _)| r.rcpt_to[0] == "alice@acme.test").unwrap();
            let (s, html) = form(&app, alice_link, "decision=reject").await;
            assert_eq!(s, 409, "{html}");
            assert!(html.contains("already confirmed"), "{html}");
            let (_, vs) = app
                .call(Method::GET, &format!("/api/v1/support/tickets/{n}/verifications"), Some(&agent), None)
                .await
                .unwrap();
            assert_eq!(vs[0]["state"], "confirmed");
            // The audit log says who did what: the agent opened, an admin confirmed, skydir acted.
            let (_, log) = app.call(Method::GET, "/api/v1/orgs/acme/audit?limit=500", Some(&alice), None).await.unwrap();
            let actions: Vec<(String, String)> = log
                .as_array()
                .unwrap()
                .iter()
                .map(|e| (e["action"].as_str().unwrap().to_string(), e["actor"].as_str().unwrap().to_string()))
                .collect();
            for (action, actor) in [("verification.open", "agent:"), ("verification.confirmed", "admin:"), ("user.delete", "system")] {
                assert!(actions.iter().any(|(a, b)| a == action && b.starts_with(actor)), "{action} by {actor}: {actions:?}");
            }
            // A made-up link is not found.
            let (s, _) = form(&app, "skv_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "decision=confirm").await;
            assert_eq!(s, 404);
            app
        }
    })
    .await;
}

/// The code of the 30-second step `offset` seconds from now. Each code counts once, and the
/// server accepts the steps just before and after the current one: using the previous, the
/// current and the next step in turn needs no waiting.
fn code(secret_b32: &str, offset: i64) -> String {
    let secret = totp_rs::Secret::try_from_base32(secret_b32).unwrap();
    let totp = totp_rs::Builder::new().with_secret(secret).build().unwrap();
    #[allow(clippy::disallowed_methods)]
    let now = jiff::Timestamp::now().as_second() + offset;
    totp.generate(now as u64).to_string()
}

#[tokio::test]
async fn an_authenticator_guards_logins_and_the_confirmation_of_a_disclosure() {
    let sink = SmtpSink::start().await.unwrap();
    let url = sink.url();
    // The sink is on 127.0.0.1 and speaks only plain text.
    let env = [
        ("SKYDIR_SMTP_URL", url.as_str()),
        ("SKYDIR_SMTP_ALLOW_PLAINTEXT", "true"),
    ];
    each_backend_with(&env, |app| {
        let sink = &sink;
        async move {
            let before = sink.received().len();
            let (alice, agent) = setup(&app, sink, before).await;
            let start = sink.received().len();
            // Enroll: the secret once, confirmed by a first code.
            let (s, e) = app.call(Method::POST, "/api/v1/me/totp", Some(&alice), None).await.unwrap();
            assert_eq!(s, 201, "{e}");
            assert!(e["otpauth_uri"].as_str().unwrap().starts_with("otpauth://totp/skydir:alice%40acme"));
            let secret = e["secret_base32"].as_str().unwrap().to_string();
            let (s, b) = app.call(Method::PUT, "/api/v1/me/totp", Some(&alice), Some(json!({"code": "000000"}))).await.unwrap();
            assert_eq!((s, b["field"].as_str()), (400, Some("totp")), "{b}");
            let (s, b) = app.call(Method::PUT, "/api/v1/me/totp", Some(&alice), Some(json!({"code": code(&secret, -30)}))).await.unwrap();
            assert_eq!(s, 204, "{b}");
            // Nobody enrolls someone else's; the operator has no account to enroll.
            let (s, _) = app.op(Method::POST, "/api/v1/me/totp", None).await.unwrap();
            assert_eq!(s, 403);
            // Logins now ask for the code.
            let (s, b) = app
                .call(Method::POST, "/api/v1/auth/login", None, Some(json!({"org": "acme", "username": "alice", "password": PW})))
                .await
                .unwrap();
            assert_eq!((s, b["type"].as_str()), (401, Some("https://skydir.dev/problems/second-factor-required")), "{b}");
            let (s, b) = app
                .call(Method::POST, "/api/v1/auth/login", None,
                      Some(json!({"org": "acme", "username": "alice", "password": PW, "totp": code(&secret, 0)})))
                .await
                .unwrap();
            assert_eq!(s, 200, "{b}");

            // A disclosure, confirmed with the code.
            let (_, t) = app
                .call(Method::POST, "/api/v1/orgs/acme/tickets", Some(&alice),
                      Some(json!({"subject": "Our admins", "category": "account_security",
                                  "description": "Who are the admins of our account? We lost track."})))
                .await
                .unwrap();
            let n = t["id"].as_u64().unwrap();
            let (s, _) = app
                .call(Method::POST, &format!("/api/v1/support/tickets/{n}/verifications"), Some(&agent),
                      Some(json!({"request": "disclose_account_information"})))
                .await
                .unwrap();
            assert_eq!(s, 201);
            let got = sink.wait_for(start + 4, Duration::from_secs(20)).await;
            let alice_link = got[start..]
                .iter()
                .filter(|r| r.rcpt_to[0] == "alice@acme.test" && String::from_utf8_lossy(&r.data).contains("/verify/skv_"))
                .map(link)
                .next_back()
                .unwrap();
            let (_, prompt) = app.call(Method::GET, &format!("/api/v1/verifications/{alice_link}"), None, None).await.unwrap();
            assert_eq!(prompt["needs_totp"], true, "{prompt}");
            let (s, html) = form(&app, &alice_link, "decision=confirm").await;
            assert_eq!(s, 400);
            assert!(html.contains("authenticator code (TOTP) is required"), "the error next to the field: {html}");
            let (s, b) = app
                .call(Method::POST, &format!("/api/v1/verifications/{alice_link}"), None,
                      Some(json!({"decision": "confirm", "totp": code(&secret, 30)})))
                .await
                .unwrap();
            assert_eq!((s, b["state"].as_str()), (200, Some("confirmed")), "{b}");
            let (_, full) = app.call(Method::GET, &format!("/api/v1/orgs/acme/tickets/{n}"), Some(&alice), None).await.unwrap();
            let text = full["messages"].to_string();
            assert!(text.contains("Account information of 'acme'"), "{text}");
            assert!(text.contains("Administrators: alice, carol"), "{text}");
            app
        }
    })
    .await;
}
