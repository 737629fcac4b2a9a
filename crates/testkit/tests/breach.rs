//! The breach register through REST, the operator console and real SMTP, on both backends: an
//! incident recorded by the operator with its notices drafted at once, the people and admins
//! it affects computed, the notices delivered to an SMTP receiver and tracked, the 72-hour
//! verdict, the supervisory-authority draft, and the watch that reminds and escalates as a
//! controlled clock moves.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
// The operator records the time of awareness from the wall clock, as a person would.
#![allow(clippy::disallowed_methods)]

use reqwest::Method;
use serde_json::{Value, json};
use skydir_mail::testing::SmtpSink;
use skydir_testkit::{Browser, TestApp, TestClock, each_backend, each_backend_with};
use std::sync::Arc;
use std::time::Duration;

const PW: &str = "correct horse battery staple";

/// Org `slug` whose first admin `users[0]` took the invitation mailed to the sink (after the
/// first `start` mails) and added the other users.
async fn org_with(app: &TestApp, sink: &SmtpSink, start: usize, slug: &str, users: &[&str]) {
    let admin = app
        .org_with_admin_via(
            slug,
            json!({"plan": "annual", "seats": 10}),
            users[0],
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
    for u in &users[1..] {
        app.add_user(&admin, slug, u, PW).await.unwrap();
    }
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
            let before = sink.received().len();
            org_with(&app, sink, before, "acme", &["dora", "ada", "bob"]).await;
            org_with(&app, sink, before, "beta", &["zed"]).await;
            // The first admins' invitations are in; count the notices from here.
            let start = sink.received().len();

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

/// The mails the sink got since `from` that went to `to`: subject and text, decoded.
fn mails_to(sink: &SmtpSink, from: usize, to: &str) -> Vec<String> {
    let limits = skydir_mail::Limits {
        max_message_bytes: 1 << 20,
    };
    sink.received()[from..]
        .iter()
        .filter(|r| r.rcpt_to.iter().any(|t| t == to))
        .map(|r| {
            let m = skydir_mail::parse(&r.data, &limits).unwrap();
            format!("{}\n\n{}", m.subject, m.text)
        })
        .collect()
}

#[tokio::test]
async fn the_breach_watch_reminds_and_escalates_over_smtp_as_the_clock_moves_until_notified() {
    let sink = SmtpSink::start().await.unwrap();
    let url = sink.url();
    let settings = [
        ("SKYDIR_SMTP_URL", url.as_str()),
        ("SKYDIR_SMTP_ALLOW_PLAINTEXT", "true"),
        ("SKYDIR_PRIVACY_ADDRESS", "dpo@provider.test"),
        ("SKYDIR_ESCALATION_ADDRESS", "board@provider.test"),
    ];
    for backend in skydir_testkit::Backend::all() {
        let clock = Arc::new(TestClock::default());
        let mut app = TestApp::spawn_with_clock(backend, &settings, clock.clone())
            .await
            .unwrap();
        let start = sink.received().len();
        org_with(&app, &sink, start, "acme", &["dora", "ada"]).await;
        // The reminders are counted from here, after dora's invitation.
        let start = sink.received().len();
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
        assert_eq!(
            b["drafts"].as_array().unwrap().len(),
            2,
            "drafted at once: {b}"
        );

        // Each step falls due as the clock moves; a start runs the watch at once.
        let step = |hours: i64| {
            clock.advance(jiff::SignedDuration::from_hours(hours));
        };
        step(23);
        app.restart().await.unwrap();
        sink.wait_for(start + 1, Duration::from_secs(20)).await;
        let dpo = mails_to(&sink, start, "dpo@provider.test");
        assert_eq!(dpo.len(), 1, "the 24-hour reminder: {dpo:?}");
        assert!(
            dpo[0].contains("not been notified yet, 24 hours after"),
            "{}",
            dpo[0]
        );
        assert!(
            dpo[0].contains(&format!("/operator/breaches/{id}")),
            "{}",
            dpo[0]
        );
        // Another start within the same step sends nothing again.
        app.restart().await.unwrap();
        step(24);
        app.restart().await.unwrap();
        sink.wait_for(start + 2, Duration::from_secs(20)).await;
        let dpo = mails_to(&sink, start, "dpo@provider.test");
        assert_eq!(dpo.len(), 2, "once each: {dpo:?}");
        assert!(
            dpo[1].contains("not been notified yet, 48 hours after"),
            "{}",
            dpo[1]
        );
        assert!(mails_to(&sink, start, "board@provider.test").is_empty());
        step(18);
        app.restart().await.unwrap();
        sink.wait_for(start + 3, Duration::from_secs(20)).await;
        let board = mails_to(&sink, start, "board@provider.test");
        assert_eq!(board.len(), 1, "the 66-hour escalation: {board:?}");
        assert!(
            board[0].contains("ESCALATION. A personal data breach"),
            "{}",
            board[0]
        );
        assert_eq!(mails_to(&sink, start, "dpo@provider.test").len(), 3);

        // The operator sends the drafted notices from the console, in one action.
        let mut browser = Browser::new(&app).unwrap();
        browser.staff_sign_in(&app.operator_token).await.unwrap();
        let (s, html, _) = browser
            .get(&format!("/operator/breaches/{id}"))
            .await
            .unwrap();
        assert_eq!(s, 200);
        assert!(html.contains("66-hour escalation"), "{html}");
        assert!(html.contains("5 h 5"), "about six hours left: {html}");
        let csrf = browser.csrf().unwrap();
        let (s, _, to) = browser
            .post_form(
                &format!("/operator/breaches/{id}"),
                &[("csrf", &csrf), ("action", "notify")],
            )
            .await
            .unwrap();
        assert_eq!(
            (s, to),
            (303, Some(format!("/operator/breaches/{id}?done=notify")))
        );
        sink.wait_for(start + 3 + 3, Duration::from_secs(20)).await;
        assert_eq!(mails_to(&sink, start, "ada@acme.test").len(), 1);

        // Notified: the watch stops, even past the deadline.
        step(10);
        app.restart().await.unwrap();
        let (_, v) = app
            .op(Method::GET, &format!("/api/v1/breaches/{id}"), None)
            .await
            .unwrap();
        assert_eq!(v["clock"]["status"], "notified within 72 h", "{v}");
        let steps: Vec<&str> = v["alerts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["alert"].as_str().unwrap())
            .collect();
        assert_eq!(steps, ["reminder_24h", "reminder_48h", "escalation_66h"]);
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert_eq!(
            mails_to(&sink, start, "dpo@provider.test").len(),
            3,
            "no more reminders"
        );
        app.stop().await.unwrap();
    }
}

#[tokio::test]
async fn operators_register_a_breach_in_the_console_and_see_its_clock_and_drafted_notices() {
    each_backend(|app| async move {
        let admin = app
            .org_with_admin("acme", json!({"plan": "annual", "seats": 10}), "dora", PW)
            .await
            .unwrap();
        for u in ["ada", "bob"] {
            app.add_user(&admin, "acme", u, PW).await.unwrap();
        }
        let mut b = Browser::new(&app).unwrap();
        b.staff_sign_in(&app.operator_token).await.unwrap();
        let (s, html, _) = b.get("/operator/breaches").await.unwrap();
        assert_eq!(s, 200);
        assert!(html.contains("href=\"/operator/breaches\" aria-current=\"page\""));
        assert!(html.contains("No breach has been recorded."));
        let csrf = b.csrf().unwrap();
        let aware = (jiff::Timestamp::now() - jiff::SignedDuration::from_hours(2))
            .strftime("%Y-%m-%dT%H:%M")
            .to_string();
        let mut fields = vec![
            ("csrf", csrf.as_str()),
            (
                "nature",
                "A support laptop with an export of the directory was stolen",
            ),
            ("approx_subjects", "3"),
            ("approx_records", "3"),
            ("consequences", "Names and addresses may be misused"),
            ("measures", "Disk encrypted; remote wipe sent"),
            ("contact", "dpo@provider.test"),
            ("aware_at", aware.as_str()),
            ("occurred_at", ""),
            ("orgs", "acme"),
        ];
        // Without a category it is refused, naming the field, and nothing is recorded.
        let (s, html, _) = b.post_form("/operator/breaches", &fields).await.unwrap();
        assert_eq!(s, 400);
        assert!(html.contains("id=\"categories-error\""), "{html}");
        fields.push(("categories", "identity"));
        fields.push(("categories", "contact"));
        let (s, _, to) = b.post_form("/operator/breaches", &fields).await.unwrap();
        assert_eq!(s, 303);
        let to = to.unwrap();
        assert!(to.ends_with("?done=recorded"), "{to}");
        let (s, html, _) = b.get(&to).await.unwrap();
        assert_eq!(s, 200);
        assert!(
            html.contains(">open</span> 70 h") || html.contains(">open</span> 69 h"),
            "{html}"
        );
        assert!(html.contains("Drafted notices"));
        assert!(
            html.contains("Send the drafted notices (4)"),
            "3 people and the admin: {html}"
        );
        assert!(html.contains("A support laptop with an export of the directory was stolen"));
        assert!(
            html.contains("(a) Nature of the breach"),
            "the authority draft"
        );
        let (s, html, _) = b.get("/operator/breaches").await.unwrap();
        assert_eq!(s, 200);
        assert!(html.contains("1 organization(s), 3 people"), "{html}");
        let (_, all) = app.op(Method::GET, "/api/v1/breaches", None).await.unwrap();
        assert_eq!(all.as_array().unwrap().len(), 1);
        assert_eq!(
            all[0]["facts"]["categories"],
            json!(["identity", "contact"])
        );
        // The filing with the authority is one button too; a second time is refused.
        let path = to.split('?').next().unwrap().to_string();
        let (s, _, _) = b
            .post_form(&path, &[("csrf", &csrf), ("action", "authority-notified")])
            .await
            .unwrap();
        assert_eq!(s, 303);
        let (s, html, _) = b
            .post_form(&path, &[("csrf", &csrf), ("action", "authority-notified")])
            .await
            .unwrap();
        assert_eq!(s, 409);
        assert!(html.contains("already recorded"), "{html}");
        app
    })
    .await;
}
