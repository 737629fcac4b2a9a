//! Data subjects' requests through their doors, on both backends, with real SMTP: a request
//! through the public form waits for the mailed link; the admins answer within one month,
//! extend once with a reason, complete (the access report is mailed; an erasure erases) or
//! reject — and the person is told each step.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use reqwest::Method;
use serde_json::{Value, json};
use skydir_mail::testing::SmtpSink;
use skydir_testkit::{TestApp, each_backend_with};
use std::time::Duration;

const PW: &str = "correct horse battery staple";

/// Mails to `to` after the first `start`, waiting until there are at least `n`.
async fn mails_to(sink: &SmtpSink, start: usize, to: &str, n: usize) -> Vec<String> {
    for _ in 0..200 {
        let got: Vec<String> = sink.received()[start..]
            .iter()
            .filter(|r| r.rcpt_to == [to.to_string()])
            .map(|r| {
                String::from_utf8_lossy(&r.data)
                    .replace("=\r\n", "")
                    .replace("=3D", "=")
            })
            .collect();
        if got.len() >= n {
            return got;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("fewer than {n} mails to {to}");
}

fn token_in(mail: &str) -> String {
    let at = mail.find("skv_").expect("a token");
    mail[at..].chars().take(47).collect()
}

async fn public(app: &TestApp, email: &str, kind: &str) -> (u16, Value) {
    app.call(
        Method::POST,
        "/api/v1/privacy/data-requests",
        None,
        Some(json!({"org": "acme", "email": email, "kind": kind})),
    )
    .await
    .unwrap()
}

#[tokio::test]
async fn requests_are_verified_answered_within_a_month_and_the_person_is_told() {
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
            let dora = app
                .org_with_admin_via("acme", json!({"name": "Acme Corp", "plan": "annual", "seats": 10}), "dora", PW, || {
                    sink.received()[before..].iter().map(|r| String::from_utf8_lossy(&r.data).into_owned()).collect()
                })
                .await
                .unwrap();
            let (s, b) = app.call(Method::POST, "/api/v1/orgs/acme/users", Some(&dora),
                Some(json!({"username": "ada", "email": "ada@acme.test", "password": PW, "family_name": "Lovelase"}))).await.unwrap();
            assert_eq!(s, 201, "{b}");
            // Dora's invitation is in; count the requests' mails from here.
            let start = sink.received().len();

            // The public form answers the same for anyone and mails only a directory address.
            let (s, known) = public(&app, "ada@acme.test", "access").await;
            assert_eq!(s, 202);
            let (s, unknown) = public(&app, "nobody@acme.test", "access").await;
            assert_eq!((s, &unknown), (202, &known), "the form reveals nobody");
            let (s, e) = public(&app, "ada@acme.test", "everything").await;
            assert_eq!((s, e["field"].as_str()), (400, Some("kind")));
            let (_, list) = app.call(Method::GET, "/api/v1/orgs/acme/data-requests", Some(&dora), None).await.unwrap();
            assert_eq!(list.as_array().unwrap().len(), 1);
            let id = list[0]["id"].as_str().unwrap().to_string();
            assert_eq!(list[0]["state"], "awaiting_verification");
            let (s, e) = app.call(Method::POST, &format!("/api/v1/orgs/acme/data-requests/{id}/complete"), Some(&dora), Some(json!({"note": "x"}))).await.unwrap();
            assert_eq!(s, 409, "nothing is disclosed before the person confirms: {e}");
            let (s, _) = app.op(Method::GET, "/api/v1/orgs/acme/data-requests", None).await.unwrap();
            assert_eq!(s, 403, "the organization answers, not the provider's staff");

            // The person confirms with the mailed link: due one month after receipt.
            let mail = mails_to(sink, start, "ada@acme.test", 1).await.pop().unwrap();
            assert!(mail.contains("Nothing is disclosed or done until you confirm"));
            let (s, v) = app.call(Method::POST, "/api/v1/privacy/data-requests/verify", None, Some(json!({"token": token_in(&mail)}))).await.unwrap();
            assert_eq!(s, 200, "{v}");
            assert_eq!(v["state"], "open");
            let (_, r) = app.call(Method::GET, &format!("/api/v1/orgs/acme/data-requests/{id}"), Some(&dora), None).await.unwrap();
            let received: jiff::Timestamp = r["received_at"].as_str().unwrap().parse().unwrap();
            let due: jiff::Timestamp = r["due_at"].as_str().unwrap().parse().unwrap();
            let days = due.duration_since(received).as_hours() / 24;
            assert!((28..=31).contains(&days), "one month: {days} days");
            assert_eq!(r["timeliness"], "on time");
            mails_to(sink, start, "dora@acme.test", 1).await;

            // Extended once, with the reason told; then answered: the report is mailed.
            let (s, r) = app.call(Method::POST, &format!("/api/v1/orgs/acme/data-requests/{id}/extend"), Some(&dora),
                Some(json!({"months": 2, "reason": "Our records are spread over several systems"}))).await.unwrap();
            assert_eq!(s, 200, "{r}");
            assert_eq!(r["extension_reason"], "Our records are spread over several systems");
            let (s, _) = app.call(Method::POST, &format!("/api/v1/orgs/acme/data-requests/{id}/extend"), Some(&dora),
                Some(json!({"months": 1, "reason": "again"}))).await.unwrap();
            assert_eq!(s, 409, "once");
            let told = mails_to(sink, start, "ada@acme.test", 2).await;
            assert!(told[1].contains("Our records are spread over several systems"));
            let (s, r) = app.call(Method::POST, &format!("/api/v1/orgs/acme/data-requests/{id}/complete"), Some(&dora),
                Some(json!({"note": "Here is everything we hold."}))).await.unwrap();
            assert_eq!(s, 200, "{r}");
            assert_eq!((r["state"].as_str(), r["timeliness"].as_str()), (Some("completed"), Some("answered on time")));
            let answer = mails_to(sink, start, "ada@acme.test", 3).await.pop().unwrap();
            assert!(answer.contains("skydir.access-report/1") && answer.contains("Lovelase"), "the report is mailed");

            // Self-service: a rectification request, rejected with the reason.
            let ada = app.login("acme", "ada", PW).await.unwrap();
            let (s, mine) = app.call(Method::POST, "/api/v1/me/data-requests", Some(&ada),
                Some(json!({"kind": "rectification", "details": "My family name is Lovelace, not Lovelase"}))).await.unwrap();
            assert_eq!(s, 201, "{mine}");
            assert_eq!((mine["state"].as_str(), mine["channel"].as_str()), (Some("open"), Some("self_service")));
            let rid = mine["id"].as_str().unwrap();
            let (s, _) = app.call(Method::POST, &format!("/api/v1/orgs/acme/data-requests/{rid}/reject"), Some(&ada), Some(json!({"note": "x"}))).await.unwrap();
            assert_eq!(s, 403, "the person does not answer their own request");
            let (s, _) = app.call(Method::POST, &format!("/api/v1/orgs/acme/data-requests/{rid}/reject"), Some(&dora),
                Some(json!({"note": "You can correct it yourself in your account"}))).await.unwrap();
            assert_eq!(s, 200);
            let rejected = mails_to(sink, start, "ada@acme.test", 5).await.pop().unwrap();
            assert!(rejected.contains("supervisory authority"), "{rejected}");

            // An erasure request, verified then completed: the person is erased.
            let (s, _) = public(&app, "ada@acme.test", "erasure").await;
            assert_eq!(s, 202);
            let mail = mails_to(sink, start, "ada@acme.test", 6).await.pop().unwrap();
            let (s, _) = app.call(Method::POST, "/api/v1/privacy/data-requests/verify", None, Some(json!({"token": token_in(&mail)}))).await.unwrap();
            assert_eq!(s, 200);
            let (_, list) = app.call(Method::GET, "/api/v1/orgs/acme/data-requests", Some(&dora), None).await.unwrap();
            let eid = list.as_array().unwrap().iter().find(|r| r["kind"] == "erasure").unwrap()["id"].as_str().unwrap().to_string();
            let (s, r) = app.call(Method::POST, &format!("/api/v1/orgs/acme/data-requests/{eid}/complete"), Some(&dora),
                Some(json!({"note": "Erased as asked."}))).await.unwrap();
            assert_eq!(s, 200, "{r}");
            assert!(app.login("acme", "ada", PW).await.is_err(), "erased");
            let done = mails_to(sink, start, "ada@acme.test", 7).await.pop().unwrap();
            assert!(done.contains("erasure request is done"));
            app
        }
    })
    .await;
}
