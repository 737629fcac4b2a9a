//! The breach register through REST and real SMTP, on both backends: an incident recorded by
//! the operator, the people and admins it affects computed, the notices delivered to an SMTP
//! receiver and tracked, the 72-hour verdict, and the supervisory-authority draft.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
// The operator records the time of awareness from the wall clock, as a person would.
#![allow(clippy::disallowed_methods)]

use reqwest::Method;
use serde_json::{Value, json};
use skydir_mail::testing::SmtpSink;
use skydir_testkit::{TestApp, each_backend_with};
use std::time::Duration;

const PW: &str = "correct horse battery staple";

async fn org_with(app: &TestApp, slug: &str, users: &[&str]) {
    let (s, b) = app
        .op(Method::POST, "/api/v1/orgs", Some(json!({"slug": slug, "name": format!("{slug} Inc."), "plan": "annual", "seats": 10})))
        .await
        .unwrap();
    assert_eq!(s, 201, "{b}");
    for u in users {
        let (s, b) = app
            .op(
                Method::POST,
                &format!("/api/v1/orgs/{slug}/users"),
                Some(json!({"username": u, "email": format!("{u}@{slug}.test"), "password": PW})),
            )
            .await
            .unwrap();
        assert_eq!(s, 201, "{b}");
    }
    app.op(
        Method::PUT,
        &format!("/api/v1/orgs/{slug}/admins/{}", users[0]),
        None,
    )
    .await
    .unwrap();
}

fn incident(aware_hours_ago: i64, orgs: Value) -> Value {
    let aware = jiff::Timestamp::now() - jiff::SignedDuration::from_hours(aware_hours_ago);
    json!({"nature": "A misconfigured backup bucket was readable from the internet",
           "categories": ["identity", "contact"], "approx_subjects": 3, "approx_records": 12,
           "consequences": "Phishing using names and email addresses",
           "measures": "Bucket closed, access logs reviewed, keys rotated",
           "contact": "Data Protection Officer, dpo@provider.test",
           "aware_at": aware.to_string(), "orgs": orgs})
}

#[tokio::test]
async fn a_breach_is_notified_to_everyone_concerned_over_smtp_within_72_hours() {
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
            org_with(&app, "acme", &["dora", "ada", "bob"]).await;
            org_with(&app, "beta", &["zed"]).await;

            // Only the operator keeps the register; bad input is refused with the reason.
            let dora = app.login("acme", "dora", PW).await.unwrap();
            let (s, _) = app
                .call(
                    Method::POST,
                    "/api/v1/breaches",
                    Some(&dora),
                    Some(incident(1, json!(["acme"]))),
                )
                .await
                .unwrap();
            assert_eq!(s, 403);
            let mut bad = incident(1, json!(["acme"]));
            bad["categories"] = json!(["emails"]);
            let (s, e) = app
                .op(Method::POST, "/api/v1/breaches", Some(bad))
                .await
                .unwrap();
            assert_eq!((s, e["field"].as_str()), (400, Some("categories")), "{e}");
            assert!(
                e["detail"]
                    .as_str()
                    .unwrap()
                    .contains("support_communication")
            );
            let mut bad = incident(1, json!(["acme"]));
            bad["aware_at"] = json!("yesterday");
            let (s, _) = app
                .op(Method::POST, "/api/v1/breaches", Some(bad))
                .await
                .unwrap();
            assert_eq!(s, 400);

            let (s, b) = app
                .op(
                    Method::POST,
                    "/api/v1/breaches",
                    Some(incident(1, json!(["acme"]))),
                )
                .await
                .unwrap();
            assert_eq!(s, 201, "{b}");
            let id = b["id"].as_str().unwrap().to_string();
            assert_eq!(b["clock"]["status"], "open");
            assert!(
                b["clock"]["summary"].as_str().unwrap().starts_with("70 h")
                    || b["clock"]["summary"].as_str().unwrap().starts_with("71 h"),
                "{}",
                b["clock"]
            );
            assert_eq!(b["affected_orgs"], json!(["acme"]));
            assert_eq!(
                (
                    b["affected_subjects"].as_u64(),
                    b["affected_admins"].as_u64()
                ),
                (Some(3), Some(1))
            );

            let (s, v) = app
                .op(
                    Method::POST,
                    &format!("/api/v1/breaches/{id}/notifications"),
                    None,
                )
                .await
                .unwrap();
            assert_eq!(s, 200, "{v}");
            assert_eq!(v["clock"]["status"], "notified within 72 h");
            assert_eq!(v["notices"].as_array().unwrap().len(), 4);
            let (s, e) = app
                .op(
                    Method::POST,
                    &format!("/api/v1/breaches/{id}/notifications"),
                    None,
                )
                .await
                .unwrap();
            assert_eq!(s, 409, "notices go out once: {e}");

            // Every person concerned and the admin got theirs over SMTP; beta's user did not.
            let got = sink.wait_for(start + 4, Duration::from_secs(20)).await;
            let mails: Vec<(Vec<String>, String)> = got[start..]
                .iter()
                .map(|r| {
                    (
                        r.rcpt_to.clone(),
                        String::from_utf8_lossy(&r.data).to_string(),
                    )
                })
                .collect();
            for who in ["dora@acme.test", "ada@acme.test", "bob@acme.test"] {
                let m = mails
                    .iter()
                    .find(|(to, m)| to == &[who.to_string()] && m.contains("security incident"))
                    .unwrap_or_else(|| panic!("no notice to {who}"));
                assert!(m.1.contains("Bucket closed") && m.1.contains("dpo@provider.test"));
            }
            assert!(
                mails
                    .iter()
                    .any(|(to, m)| to == &["dora@acme.test".to_string()]
                        && m.contains("Personal data breach notification"))
            );
            assert!(
                !mails
                    .iter()
                    .any(|(to, _)| to.iter().any(|t| t.contains("beta.test")))
            );

            // The register tracks each delivery.
            let mut v = Value::Null;
            for _ in 0..100 {
                v = app
                    .op(Method::GET, &format!("/api/v1/breaches/{id}"), None)
                    .await
                    .unwrap()
                    .1;
                if v["delivered"] == 4 {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            assert_eq!(v["delivered"], 4, "{v}");
            assert!(
                v["deliveries"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .all(|d| d["delivery"] == "delivered" && d["delivered_at"].is_string())
            );
            assert!(
                !v.to_string().contains("@acme.test"),
                "people by pseudonymous id only"
            );

            // The supervisory authority draft and its filing.
            let draft = app
                .req(
                    Method::GET,
                    &format!("/api/v1/breaches/{id}/authority-draft"),
                    Some(app.operator_token.as_str()),
                )
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            for needle in [
                "(a) Nature of the breach",
                "identity, contact details",
                "3 identified",
                "(b) Name and contact details",
                "(c) Likely consequences",
                "(d) Measures taken",
                "notified within 72 h",
            ] {
                assert!(draft.contains(needle), "{needle} missing:\n{draft}");
            }
            let (s, v) = app
                .op(
                    Method::POST,
                    &format!("/api/v1/breaches/{id}/authority-notified"),
                    None,
                )
                .await
                .unwrap();
            assert_eq!(s, 200);
            assert!(v["authority_notified_at"].is_string());

            // Aware 80 hours ago and not yet notified: overdue, then notified late.
            let (_, late) = app
                .op(
                    Method::POST,
                    "/api/v1/breaches",
                    Some(incident(80, json!([]))),
                )
                .await
                .unwrap();
            assert_eq!(late["clock"]["status"], "overdue", "{late}");
            assert_eq!(
                late["affected_orgs"],
                json!(["acme", "beta"]),
                "no scope: every organization"
            );
            let lid = late["id"].as_str().unwrap();
            let (_, v) = app
                .op(
                    Method::POST,
                    &format!("/api/v1/breaches/{lid}/notifications"),
                    None,
                )
                .await
                .unwrap();
            assert_eq!(v["clock"]["status"], "notified late");
            assert!(
                v["clock"]["summary"]
                    .as_str()
                    .unwrap()
                    .contains("after the 72-hour deadline")
            );
            let (_, all) = app.op(Method::GET, "/api/v1/breaches", None).await.unwrap();
            assert_eq!(all.as_array().unwrap().len(), 2);
            app
        }
    })
    .await;
}
