//! Data protection through its doors, on both backends: the public sub-processor page and its
//! RSS 2.0 feed, subscriptions told by mail, objections, and the DPA for paying orgs only.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use reqwest::Method;
use serde_json::{Value, json};
use skydir_mail::testing::SmtpSink;
use skydir_testkit::{TestApp, each_backend_with};
use std::time::Duration;

const PW: &str = "correct horse battery staple";

async fn org_admin(app: &TestApp, slug: &str, plan: Value) -> String {
    let mut body = json!({"slug": slug, "name": slug});
    for (k, v) in plan.as_object().unwrap() {
        body[k] = v.clone();
    }
    let (s, b) = app
        .op(Method::POST, "/api/v1/orgs", Some(body))
        .await
        .unwrap();
    assert_eq!(s, 201, "{b}");
    let (s, _) = app
        .op(
            Method::POST,
            &format!("/api/v1/orgs/{slug}/users"),
            Some(json!({"username": "dora", "email": format!("dora@{slug}.test"), "password": PW})),
        )
        .await
        .unwrap();
    assert_eq!(s, 201);
    app.op(
        Method::PUT,
        &format!("/api/v1/orgs/{slug}/admins/dora"),
        None,
    )
    .await
    .unwrap();
    app.login(slug, "dora", PW).await.unwrap()
}

fn aws(location: &str) -> Value {
    json!({"slug": "aws", "name": "Amazon Web Services", "purpose": "Hosting of the service",
           "data_categories": ["directory records", "contact details"], "location": location,
           "dpa_date": "2024-05-01"})
}

async fn feed(app: &TestApp) -> rss::Channel {
    let r = app
        .req(Method::GET, "/privacy/subprocessors.rss", None)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/rss+xml")
    );
    let bytes = r.bytes().await.unwrap();
    rss::Channel::read_from(&bytes[..]).expect("a valid RSS 2.0 document")
}

#[tokio::test]
async fn the_public_registry_and_its_feed_announce_every_change_and_subscribers_are_mailed() {
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
            let start = sink.received().len();
            let acme = org_admin(&app, "acme", json!({"plan": "monthly", "seats": 5})).await;
            let (s, _) = app
                .call(Method::POST, "/api/v1/orgs/acme/privacy/subscriptions", Some(&acme),
                      Some(json!({"email": "privacy@acme.test"})))
                .await
                .unwrap();
            assert_eq!(s, 201);
            // Only the operator keeps the registry.
            let (s, _) = app.call(Method::POST, "/api/v1/privacy/subprocessors", Some(&acme), Some(aws("US"))).await.unwrap();
            assert_eq!(s, 403);
            let (s, b) = app.op(Method::POST, "/api/v1/privacy/subprocessors", Some(aws("US"))).await.unwrap();
            assert_eq!(s, 201, "{b}");
            let (s, b) = app.op(Method::POST, "/api/v1/privacy/subprocessors", Some(json!({"slug": "x", "name": "X", "purpose": "p", "data_categories": [], "location": "l", "dpa_date": "2024-01-01"}))).await.unwrap();
            assert_eq!((s, b["field"].as_str()), (400, Some("data_categories")), "{b}");
            let (s, _) = app.op(Method::PUT, "/api/v1/privacy/subprocessors/aws", Some(aws("EU (Frankfurt)"))).await.unwrap();
            assert_eq!(s, 200);
            let (s, _) = app.op(Method::DELETE, "/api/v1/privacy/subprocessors/aws", None).await.unwrap();
            assert_eq!(s, 200);

            let ch = feed(&app).await;
            let titles: Vec<&str> = ch.items().iter().map(|i| i.title().unwrap()).collect();
            assert_eq!(
                titles,
                ["Sub-processor removed: Amazon Web Services", "Sub-processor changed: Amazon Web Services", "New sub-processor: Amazon Web Services"]
            );
            assert!(ch.items()[1].description().unwrap().contains("location: US → EU (Frankfurt)"));
            for i in ch.items() {
                assert!(i.guid().is_some() && i.pub_date().is_some());
            }
            // The page: current entries, removed ones apart, the feed linked.
            let page = app.req(Method::GET, "/privacy/subprocessors", None).send().await.unwrap().text().await.unwrap();
            assert!(page.contains("href=\"/privacy/subprocessors.rss\""));
            assert!(page.contains("No longer used"), "{page}");
            // Subscribers were told of each change.
            let got = sink.wait_for(start + 3, Duration::from_secs(20)).await;
            let to_sub: Vec<String> = got[start..]
                .iter()
                .filter(|r| r.rcpt_to == ["privacy@acme.test"])
                .map(|r| String::from_utf8_lossy(&r.data).to_string())
                .collect();
            assert_eq!(to_sub.len(), 3, "one mail per change");
            assert!(to_sub.iter().any(|m| m.contains("New sub-processor: Amazon Web Services")));

            // Objections reach the provider.
            app.op(Method::POST, "/api/v1/privacy/subprocessors", Some(json!({"slug": "sendgrid", "name": "SendGrid", "purpose": "Mail delivery", "data_categories": ["email addresses"], "location": "US", "dpa_date": "2024-02-01"}))).await.unwrap();
            let (s, o) = app
                .call(Method::POST, "/api/v1/orgs/acme/privacy/objections", Some(&acme),
                      Some(json!({"subprocessor": "sendgrid", "reason": "We need EU-only mail delivery."})))
                .await
                .unwrap();
            assert_eq!(s, 201, "{o}");
            let (_, all) = app.op(Method::GET, "/api/v1/privacy/objections", None).await.unwrap();
            assert_eq!(all[0]["reason"], "We need EU-only mail delivery.");
            app
        }
    })
    .await;
}

#[tokio::test]
async fn only_paying_orgs_execute_the_dpa_and_download_it_signed() {
    each_backend_with(&[], |app| async move {
        let paying = org_admin(&app, "acme", json!({"plan": "annual", "seats": 5})).await;
        let free = org_admin(&app, "tiny", json!({"plan": "free"})).await;
        let trial = org_admin(&app, "trial", json!({"plan": "jumpstart", "trial_ends": "2099-01-01T00:00:00Z"})).await;
        let (s, _) = app.call(Method::GET, "/api/v1/privacy/dpa", None, None).await.unwrap();
        assert_eq!(s, 404, "nothing published yet");
        let (s, _) = app
            .op(Method::POST, "/api/v1/privacy/dpa/versions",
                Some(json!({"version": "2026-01", "text": "This Data Processing Agreement is made between the provider and the customer.\n\nSecond paragraph."})))
            .await
            .unwrap();
        assert_eq!(s, 201);
        let page = app.req(Method::GET, "/privacy/dpa", None).send().await.unwrap().text().await.unwrap();
        assert!(page.contains("This Data Processing Agreement is made between"), "public for review");
        let sign = json!({"version": "2026-01", "signer_name": "Dora Admin", "signer_title": "CTO"});
        for (token, plan) in [(&free, "free plan"), (&trial, "JumpStart trial")] {
            let org = if plan == "free plan" { "tiny" } else { "trial" };
            let (s, e) = app.call(Method::POST, &format!("/api/v1/orgs/{org}/dpa"), Some(token), Some(sign.clone())).await.unwrap();
            assert_eq!(s, 403, "{e}");
            let d = e["detail"].as_str().unwrap();
            assert!(d.contains("paying customers only") && d.contains(plan), "{d}");
        }
        let (s, _) = app.op(Method::POST, "/api/v1/orgs/acme/dpa", Some(sign.clone())).await.unwrap();
        assert_eq!(s, 403, "the operator does not sign for a customer");
        let (s, sig) = app.call(Method::POST, "/api/v1/orgs/acme/dpa", Some(&paying), Some(sign)).await.unwrap();
        assert_eq!(s, 201, "{sig}");
        let id = sig["id"].as_str().unwrap();
        let doc = app
            .req(Method::GET, &format!("/api/v1/orgs/acme/dpa/{id}/document"), Some(&paying))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(doc.contains("Signed by: Dora Admin, CTO"), "{doc}");
        assert!(doc.contains("Version: 2026-01"));
        let (_, list) = app.call(Method::GET, "/api/v1/orgs/acme/dpa", Some(&paying), None).await.unwrap();
        assert_eq!(list.as_array().unwrap().len(), 1);
        app
    })
    .await;
}
