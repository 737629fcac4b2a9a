//! The support desk through its REST doors, on SQLite and (when `SKYDIR_TEST_DATABASE_URL` is
//! set) PostgreSQL: admins open tickets and the policy answers at once; agents work the queue
//! and their replies arrive by SMTP; the policy's forbidden actions stay forbidden to agents;
//! raw mail enters through the gateway endpoint; attachments are kept and served back.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use reqwest::Method;
use serde_json::{Value, json};
use skydir_mail::testing::{Received, SmtpSink};
use skydir_testkit::{TestApp, each_backend, each_backend_with};
use std::time::Duration;

const PW: &str = "correct horse battery staple";

struct Acme {
    alice: String,
    bob: String,
}

/// The raw mails an SMTP sink received after its first `start`.
fn sink_mails(sink: &SmtpSink, start: usize) -> Vec<String> {
    sink.received()[start..]
        .iter()
        .map(|r| String::from_utf8_lossy(&r.data).into_owned())
        .collect()
}

/// Org `acme` on `plan` whose first admin alice (alice@acme.test, given name "alice") sets her
/// password with the invitation mailed to her — read from the SMTP sink (the mails after its
/// first `start`) when there is one, else from the outbox — and adds user bob and an
/// end-of-life Windows 10 system `build-01`.
async fn acme(app: &TestApp, plan: Value, sink: Option<(&SmtpSink, usize)>) -> Acme {
    let mut body = json!({"slug": "acme", "name": "Acme",
                          "admin": {"username": "alice", "email": "alice@acme.test", "given_name": "alice"}});
    for (k, v) in plan.as_object().unwrap() {
        body[k] = v.clone();
    }
    let (s, b) = app
        .op(Method::POST, "/api/v1/orgs", Some(body))
        .await
        .unwrap();
    assert_eq!(s, 201, "{b}");
    let invitation = match sink {
        Some((sink, start)) => {
            app.wait_for_link("alice@acme.test", "invitation", None, || {
                sink_mails(sink, start)
            })
            .await
        }
        None => app.mailed_link("alice@acme.test", "invitation").await,
    }
    .unwrap();
    app.accept_link(&invitation, PW).await.unwrap();
    let alice = app.login("acme", "alice", PW).await.unwrap();
    let (s, b) = app
        .call(
            Method::POST,
            "/api/v1/orgs/acme/users",
            Some(&alice),
            Some(json!({"username": "bob", "email": "bob@acme.test", "password": PW, "given_name": "bob"})),
        )
        .await
        .unwrap();
    assert_eq!(s, 201, "{b}");
    let (s, b) = app
        .call(
            Method::POST,
            "/api/v1/orgs/acme/systems",
            Some(&alice),
            Some(json!({"hostname": "build-01", "os_family": "windows",
                        "os_version": "10.0.19045", "agent_version": "3.0.0"})),
        )
        .await
        .unwrap();
    assert_eq!(s, 201, "{b}");
    Acme {
        alice,
        bob: app.login("acme", "bob", PW).await.unwrap(),
    }
}

async fn agent(app: &TestApp) -> (String, String) {
    let (s, b) = app
        .op(
            Method::POST,
            "/api/v1/staff",
            Some(json!({"handle": "ann"})),
        )
        .await
        .unwrap();
    assert_eq!(s, 201, "{b}");
    assert_eq!(b["role"], "agent");
    (
        b["token"].as_str().unwrap().to_string(),
        b["id"].as_str().unwrap().to_string(),
    )
}

async fn open(app: &TestApp, token: &str, ticket: Value) -> (u16, Value) {
    app.call(
        Method::POST,
        "/api/v1/orgs/acme/tickets",
        Some(token),
        Some(ticket),
    )
    .await
    .unwrap()
}

fn how_to() -> Value {
    json!({"subject": "Adding users to groups", "category": "how_to",
           "description": "How do I add a user to a group with the API, please?"})
}

fn outage() -> Value {
    json!({"subject": "LDAP down", "category": "defect",
           "impact": {"effect": "blocked", "actively_used": true, "workaround": false},
           "description": "Every LDAP bind fails since 9am; nobody can log in to the VPN.",
           "troubleshooting": "Restarted the VPN concentrator and checked the service account.",
           "error_messages": "ldap_bind: Invalid credentials (49)",
           "attachments": [{"filename": "sssd_pam.log", "content_type": "text/plain",
                            "content_base64": STANDARD.encode("pam_sss log line 1\n")}]})
}

fn body(r: &Received) -> String {
    String::from_utf8_lossy(&r.data).replace("=\r\n", "")
}

fn header(r: &Received, name: &str) -> Option<String> {
    let raw = String::from_utf8_lossy(&r.data).to_string();
    let head = raw
        .split("\r\n\r\n")
        .next()
        .unwrap_or("")
        .replace("\r\n ", " ");
    head.lines().find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.eq_ignore_ascii_case(name).then(|| v.trim().to_string())
    })
}

#[tokio::test]
async fn admins_open_tickets_over_rest_and_the_policy_answers_at_once() {
    each_backend(|app| async move {
        let a = acme(&app, json!({"plan": "monthly", "seats": 20}), None).await;
        let (s, t) = open(&app, &a.alice, how_to()).await;
        assert_eq!(s, 201, "{t}");
        assert_eq!(t["id"], 1);
        assert_eq!(
            (t["category"].as_str(), t["severity"].as_str()),
            (Some("how_to"), Some("s4"))
        );
        assert_eq!(t["status"], "new");
        assert_eq!(t["queue"], "support");
        assert_eq!(t["identity"]["kind"], "session");
        for f in ["first_response_due", "resolution_due"] {
            let due = t[f].as_str().unwrap_or_else(|| panic!("{f}: {t}"));
            assert!(
                due.ends_with('Z') && due.parse::<skydir_core::Timestamp>().is_ok(),
                "{due}"
            );
        }

        // Only active admins may ask: the user gets the policy's answer.
        let (s, e) = open(&app, &a.bob, how_to()).await;
        assert_eq!(s, 403, "{e}");
        assert!(
            e["detail"]
                .as_str()
                .unwrap()
                .contains("ask your IT administrator"),
            "{e}"
        );

        // A defect about an end-of-life system waits for the update, and says so.
        let mut eol = outage();
        eol["system"] = json!("build-01");
        let (s, t) = open(&app, &a.alice, eol).await;
        assert_eq!(s, 201, "{t}");
        assert_eq!(t["status"], "waiting_on_customer", "{t}");
        assert_eq!(t["severity"], "s1");
        let (_, full) = app
            .call(
                Method::GET,
                "/api/v1/orgs/acme/tickets/2",
                Some(&a.alice),
                None,
            )
            .await
            .unwrap();
        let ack = full["messages"][1]["body"].as_str().unwrap();
        assert_eq!(full["messages"][1]["author"], "desk");
        assert!(ack.contains("end of life"), "{ack}");
        assert!(ack.contains("update"), "{ack}");

        // What support does not cover is answered at once with the reason and the way.
        let (s, t) = open(
            &app,
            &a.alice,
            json!({"subject": "Our logo", "category": "customization",
                   "description": "Please customize the login page with our logo and colours."}),
        )
        .await;
        assert_eq!(s, 201, "{t}");
        assert_eq!(t["status"], "resolved");
        assert_eq!(t["eligibility"]["outcome"], "not_covered");
        assert!(
            t["eligibility"]["reason"]
                .as_str()
                .unwrap()
                .contains("customizations")
        );
        assert!(t["queue"].is_null());

        // Bad input names the field and changes nothing.
        let (s, e) = open(
            &app,
            &a.alice,
            json!({"subject": "x", "category": "bananas", "description": "something long enough"}),
        )
        .await;
        assert_eq!((s, e["field"].as_str()), (400, Some("category")), "{e}");
        assert!(
            e["detail"].as_str().unwrap().contains("how_to"),
            "lists the names: {e}"
        );
        let mut ghost = how_to();
        ghost["system"] = json!("no-such-host");
        let (s, e) = open(&app, &a.alice, ghost).await;
        assert_eq!((s, e["field"].as_str()), (400, Some("system")), "{e}");
        let (_, list) = app
            .call(
                Method::GET,
                "/api/v1/orgs/acme/tickets",
                Some(&a.alice),
                None,
            )
            .await
            .unwrap();
        let items = list["items"].as_array().unwrap();
        assert_eq!(items.len(), 3, "{list}");
        assert_eq!(items[0]["id"], 3, "newest first");
        for k in [
            "id",
            "subject",
            "category",
            "severity",
            "status",
            "first_response_due",
            "resolution_due",
        ] {
            assert!(items[0].get(k).is_some(), "{k} missing: {}", items[0]);
        }
        let (_, open_only) = app
            .call(
                Method::GET,
                "/api/v1/orgs/acme/tickets?status=open",
                Some(&a.alice),
                None,
            )
            .await
            .unwrap();
        assert_eq!(open_only["items"].as_array().unwrap().len(), 2);

        // The operator runs the deployment but reads no customer's tickets.
        let (s, _) = app
            .op(Method::GET, "/api/v1/orgs/acme/tickets", None)
            .await
            .unwrap();
        assert_eq!(s, 403);
        app
    })
    .await;
}

#[tokio::test]
async fn free_plans_get_the_policys_limits_and_best_effort_targets() {
    each_backend(|app| async move {
        let a = acme(&app, json!({"plan": "free"}), None).await;
        let (s, t) = open(
            &app,
            &a.alice,
            json!({"subject": "Migration", "category": "onboarding",
                   "description": "Can you help us plan our migration from OpenLDAP?"}),
        )
        .await;
        assert_eq!(s, 201, "{t}");
        assert_eq!(t["eligibility"]["outcome"], "not_covered");
        assert!(
            t["eligibility"]["remedy"]
                .as_str()
                .unwrap()
                .contains("sales@skydir.localhost")
        );
        let (_, t) = open(&app, &a.alice, how_to()).await;
        assert_eq!(t["sla"]["best_effort"], true, "{t}");
        app
    })
    .await;
}

#[tokio::test]
async fn agents_work_the_queue_reply_by_mail_and_never_do_what_the_policy_forbids() {
    // A relay as skydir expects one: STARTTLS with a certificate of a private CA, which the
    // server is told to trust.
    let sink = SmtpSink::start_tls().await.unwrap();
    let url = sink.url();
    let ca = sink.ca_file().unwrap().to_str().unwrap().to_string();
    let env = [
        ("SKYDIR_SMTP_URL", url.as_str()),
        ("SKYDIR_SMTP_CA_FILE", ca.as_str()),
    ];
    each_backend_with(&env, |app| {
        let sink = &sink;
        async move {
            // The sink serves every backend's run: count from here.
            let before = sink.received().len();
            let a = acme(&app, json!({"plan": "annual", "seats": 50}), Some((sink, before))).await;
            // Alice's invitation is in; count the desk's mails from here.
            let start = sink.received().len();
            let (agent, agent_id) = agent(&app).await;
            let (_, q4) = open(&app, &a.alice, how_to()).await;
            let (_, q1) = open(&app, &a.alice, outage()).await;
            assert_eq!(q1["status"], "new", "complete: {q1}");
            let acks = sink.wait_for(start + 2, Duration::from_secs(20)).await;
            assert_eq!(acks.len(), start + 2, "acknowledgements by mail");
            assert!(
                acks[start..].iter().all(|m| m.tls),
                "every acknowledgement went over STARTTLS"
            );
            let before = start + 2;

            // The queue: most urgent first.
            let (s, q) = app
                .call(Method::GET, "/api/v1/support/queue", Some(&agent), None)
                .await
                .unwrap();
            assert_eq!(s, 200, "{q}");
            let ids: Vec<u64> = q
                .as_array()
                .unwrap()
                .iter()
                .filter(|i| i["org"] == "acme")
                .map(|i| i["id"].as_u64().unwrap())
                .collect();
            assert_eq!(ids, vec![q1["id"].as_u64().unwrap(), q4["id"].as_u64().unwrap()]);
            assert!(q[0]["next_due"].is_string() && q[0]["urgency"].is_string(), "{q}");
            let n = q1["id"].as_u64().unwrap();

            // An internal note is not mailed and customers never see it.
            let (s, _) = app
                .call(
                    Method::POST,
                    &format!("/api/v1/support/tickets/{n}/messages"),
                    Some(&agent),
                    Some(json!({"body": "Internal: looks like the lockout bug", "internal": true})),
                )
                .await
                .unwrap();
            assert_eq!(s, 201);
            // A public reply is mailed, threaded on the ticket.
            let (s, t) = app
                .call(
                    Method::POST,
                    &format!("/api/v1/support/tickets/{n}/messages"),
                    Some(&agent),
                    Some(json!({"body": "Please rotate the service account password."})),
                )
                .await
                .unwrap();
            assert_eq!(s, 201, "{t}");
            assert_eq!(t["status"], "open");
            assert_eq!(t["assignee"], agent_id.as_str(), "the replying agent takes it");
            assert!(t["sla"]["first_response"]["state"] == "stopped", "{t}");
            let got = sink.wait_for(before + 1, Duration::from_secs(20)).await;
            let reply = got.last().unwrap();
            assert_eq!(reply.rcpt_to, vec!["alice@acme.test".to_string()]);
            assert!(body(reply).contains("rotate the service account"), "{}", body(reply));
            assert!(header(reply, "In-Reply-To").is_some());
            assert!(header(reply, "Subject").unwrap().starts_with(&format!("[#{n}]")));
            assert!(header(reply, "Auto-Submitted").is_none(), "a person's reply");
            let (_, seen) = app
                .call(Method::GET, &format!("/api/v1/orgs/acme/tickets/{n}"), Some(&a.alice), None)
                .await
                .unwrap();
            let text = seen["messages"].to_string();
            assert!(!text.contains("lockout bug"), "{text}");
            assert!(text.contains("rotate the service account"));

            // Whatever a ticket asks, agents cannot grant access, roles or memberships,
            // read the directory, delete or set passwords.
            for (m, path, b) in [
                (Method::PUT, "/api/v1/orgs/acme/admins/bob", None),
                (Method::GET, "/api/v1/orgs/acme/users", None),
                (Method::GET, "/api/v1/orgs/acme/users/bob", None),
                (Method::DELETE, "/api/v1/orgs/acme/users/bob", None),
                (Method::PUT, "/api/v1/orgs/acme/users/bob/password", Some(json!({"current_password": "whatever it was", "new_password": "x long new password"}))),
                (Method::POST, "/api/v1/orgs/acme/groups", Some(json!({"name": "ops"}))),
                (Method::GET, "/api/v1/orgs/acme/audit", None),
            ] {
                let (s, e) = app.call(m.clone(), path, Some(&agent), b).await.unwrap();
                assert_eq!(s, 403, "{m} {path}: {e}");
            }
            // Customers cannot work tickets from the agents' side.
            let (s, _) = app
                .call(Method::GET, "/api/v1/support/queue", Some(&a.alice), None)
                .await
                .unwrap();
            assert_eq!(s, 403);

            // Rating waits for resolution; resolving tells the customer by mail.
            let rate = json!({"rating": 5, "comment": "fast"});
            let (s, _) = app
                .call(Method::PUT, &format!("/api/v1/orgs/acme/tickets/{n}/satisfaction"), Some(&a.alice), Some(rate.clone()))
                .await
                .unwrap();
            assert_eq!(s, 409);
            let (s, t) = app
                .call(Method::PATCH, &format!("/api/v1/support/tickets/{n}"), Some(&agent),
                      Some(json!({"status": "resolved", "severity": "s2"})))
                .await
                .unwrap();
            assert_eq!(s, 200, "{t}");
            assert_eq!((t["status"].as_str(), t["severity"].as_str()), (Some("resolved"), Some("s2")));
            let got = sink.wait_for(before + 2, Duration::from_secs(20)).await;
            assert!(body(got.last().unwrap()).contains("resolved"));
            let (s, t) = app
                .call(Method::PUT, &format!("/api/v1/orgs/acme/tickets/{n}/satisfaction"), Some(&a.alice), Some(rate))
                .await
                .unwrap();
            assert_eq!(s, 200, "{t}");
            assert_eq!(t["satisfaction"]["rating"], 5);
            // The customer may reopen it.
            let (s, t) = app
                .call(Method::PATCH, &format!("/api/v1/orgs/acme/tickets/{n}"), Some(&a.alice),
                      Some(json!({"status": "open"})))
                .await
                .unwrap();
            assert_eq!((s, t["status"].as_str()), (200, Some("open")), "{t}");
            app
        }
    })
    .await;
}

#[tokio::test]
async fn raw_mail_enters_through_the_gateway_endpoint_only() {
    each_backend(|app| async move {
        let a = acme(&app, json!({"plan": "monthly", "seats": 5}), None).await;
        let raw = "From: alice@acme.test\r\nTo: support@skydir.localhost\r\n\
                   Subject: How do I add a group?\r\nMessage-ID: <gw1@acme.test>\r\n\r\n\
                   How do I add a group with the API? Thanks.\r\n";
        let post = |token: Option<String>, body: &'static str| {
            let req = app
                .req(Method::POST, "/api/v1/mail/inbound", token.as_deref())
                .header("content-type", "message/rfc822")
                .body(body);
            async move { TestApp::json(req.send().await.unwrap()).await.unwrap() }
        };
        let op = Some(app.operator_token.clone());
        let (s, b) = post(op.clone(), raw).await;
        assert_eq!(s, 200, "{b}");
        assert_eq!(
            (b["outcome"].as_str(), b["ticket"].as_u64()),
            (Some("created"), Some(1))
        );
        let (s, b) = post(op.clone(), raw).await;
        assert_eq!((s, b["outcome"].as_str()), (200, Some("duplicate")), "{b}");
        let (s, _) = post(None, raw).await;
        assert_eq!(s, 401);
        let (s, _) = post(Some(a.alice.clone()), raw).await;
        assert_eq!(s, 403);
        let (s, b) = post(op, "").await;
        assert_eq!((s, b["field"].as_str()), (400, Some("body")), "{b}");
        let (_, list) = app
            .call(
                Method::GET,
                "/api/v1/orgs/acme/tickets",
                Some(&a.alice),
                None,
            )
            .await
            .unwrap();
        assert_eq!(list["items"].as_array().unwrap().len(), 1);
        assert_eq!(list["items"][0]["channel"], "email");
        app
    })
    .await;
}

/// The desk asks only for what applies: a how-to question by mail (through the gateway door)
/// starts its clock at once and its acknowledgement lists the policy's checklist without
/// holding it; a defect report that says neither what fails nor what error it shows waits on
/// the customer; a Linux host joined over LDAP with SSSD (recorded over REST) is asked for
/// SSSD's logs at their paths, and the skydir agent's log is asked of nobody.
#[tokio::test]
async fn the_desk_asks_only_for_what_applies_and_holds_only_what_it_cannot_work_on() {
    each_backend(|app| async move {
        let a = acme(&app, json!({"plan": "monthly", "seats": 5}), None).await;
        let ticket = |n: u64| {
            let token = a.alice.clone();
            let app = &app;
            async move {
                let (s, t) = app
                    .call(
                        Method::GET,
                        &format!("/api/v1/orgs/acme/tickets/{n}"),
                        Some(&token),
                        None,
                    )
                    .await
                    .unwrap();
                assert_eq!(s, 200, "{t}");
                t
            }
        };

        // How the system joins is part of the system (default: not recorded).
        let (s, b) = app
            .call(
                Method::POST,
                "/api/v1/orgs/acme/systems",
                Some(&a.alice),
                Some(json!({"hostname": "web-01", "os_family": "linux",
                            "os_version": "ubuntu 24.04", "joined_via": "ldap_sssd"})),
            )
            .await
            .unwrap();
        assert_eq!((s, &b["joined_via"]), (201, &json!("ldap_sssd")), "{b}");
        let (_, b) = app
            .call(
                Method::GET,
                "/api/v1/orgs/acme/systems/build-01",
                Some(&a.alice),
                None,
            )
            .await
            .unwrap();
        assert_eq!(b["joined_via"], "unknown", "{b}");
        for (body, why) in [
            (json!({"joined_via": "agent"}), "not released"),
            (json!({"joined_via": "ldap_sssd"}), "runs on Linux"),
        ] {
            let (s, e) = app
                .call(
                    Method::PATCH,
                    "/api/v1/orgs/acme/systems/build-01",
                    Some(&a.alice),
                    Some(body),
                )
                .await
                .unwrap();
            assert_eq!((s, e["field"].as_str()), (400, Some("joined_via")), "{e}");
            assert!(e["detail"].as_str().unwrap().contains(why), "{e}");
        }

        // 1. A how-to question by mail: its clock runs at once.
        let raw = "From: alice@acme.test\r\nTo: support@skydir.localhost\r\n\
                   Subject: Jenkins\r\nMessage-ID: <q1@acme.test>\r\n\r\n\
                   Hi, we are connecting Jenkins to the directory over LDAP.\r\n\
                   Which base DN should Jenkins use?\r\n";
        let (s, b) = TestApp::json(
            app.req(
                Method::POST,
                "/api/v1/mail/inbound",
                Some(app.operator_token.as_str()),
            )
            .header("content-type", "message/rfc822")
            .body(raw)
            .send()
            .await
            .unwrap(),
        )
        .await
        .unwrap();
        assert_eq!((s, b["ticket"].as_u64()), (200, Some(1)), "{b}");
        let t = ticket(1).await;
        assert_eq!(t["status"], "new", "{t}");
        assert_eq!(t["sla"]["first_response"]["state"], "running", "{t}");
        assert!(t["first_response_due"].is_string(), "{t}");
        assert_eq!(t["missing"], json!([]), "{t}");
        let ack = t["messages"][1]["body"].as_str().unwrap();
        for line in [
            "What our support policy asks each request to include:",
            "[x] Detailed issue description: received.",
            "[-] Troubleshooting actions taken: not needed for a question or request.",
            "[-] Pertinent error messages and screenshots: not needed for a question or request.",
            "[-] Applicable logs: not needed for a question or request.",
            "You can expect a first response by",
        ] {
            assert!(ack.contains(line), "{line}: {ack}");
        }
        assert!(!ack.contains("waits for you"), "{ack}");

        // 2. A defect report that says neither what fails nor what error it shows waits.
        let (s, t) = open(
            &app,
            &a.alice,
            json!({"subject": "LDAP broken", "category": "defect", "description": "Help!"}),
        )
        .await;
        assert_eq!(s, 201, "{t}");
        assert_eq!(t["status"], "waiting_on_customer", "{t}");
        assert!(t["first_response_due"].is_null(), "paused: {t}");
        assert_eq!(
            t["missing"],
            json!(["description", "troubleshooting", "error_messages", "logs"]),
            "{t}"
        );
        let ack = ticket(2).await["messages"][1]["body"]
            .as_str()
            .unwrap()
            .to_string();
        assert!(
            ack.contains(
                "[ ] Pertinent error messages and screenshots (needed before we can start)"
            ) && ack.contains("Until we have what is marked as needed"),
            "{ack}"
        );

        // 3. A defect that says what fails, on the SSSD host: it starts at once and is asked
        //    for SSSD's logs at their paths.
        let (s, t) = open(
            &app,
            &a.alice,
            json!({"subject": "Logins fail on web-01", "category": "defect", "system": "web-01",
                   "description": "Since the upgrade nobody can log in to web-01 over SSH.",
                   "error_messages": "pam_sss(sshd:auth): received for user alice: 4"}),
        )
        .await;
        assert_eq!(s, 201, "{t}");
        assert_eq!(t["status"], "new", "{t}");
        assert_eq!(t["missing"], json!(["troubleshooting", "logs"]), "{t}");
        let ack = ticket(3).await["messages"][1]["body"]
            .as_str()
            .unwrap()
            .to_string();
        for path in [
            "/var/log/sssd/sssd_<domain>.log",
            "/var/log/sssd/sssd_nss.log",
            "/var/log/sssd/sssd_pam.log",
        ] {
            assert!(ack.contains(path), "{path}: {ack}");
        }
        assert!(ack.contains("We are working on your ticket without the missing items"));

        // Nobody is asked for the log of an agent that does not exist.
        for n in 1..=3 {
            let t = ticket(n).await;
            assert!(!t.to_string().contains("skydir-agent"), "{t}");
        }
        app
    })
    .await;
}

#[tokio::test]
async fn attachments_are_kept_sealed_and_served_only_to_who_may_read_the_ticket() {
    each_backend(|app| async move {
        let a = acme(&app, json!({"plan": "monthly", "seats": 5}), None).await;
        let (agent, _) = agent(&app).await;
        let png: Vec<u8> = (0..2048u32).map(|i| (i % 251) as u8).collect();
        let mut t = outage();
        t["attachments"].as_array_mut().unwrap().push(
            json!({"filename": "../../screen shot.png", "content_type": "image/png",
                         "content_base64": STANDARD.encode(&png)}),
        );
        let (s, t) = open(&app, &a.alice, t).await;
        assert_eq!(s, 201, "{t}");
        assert!(t["missing"].as_array().unwrap().is_empty(), "{t}");
        let (_, full) = app
            .call(
                Method::GET,
                "/api/v1/orgs/acme/tickets/1",
                Some(&a.alice),
                None,
            )
            .await
            .unwrap();
        let files = full["messages"][0]["attachments"].as_array().unwrap();
        assert_eq!(files.len(), 2, "{full}");
        let shot = files
            .iter()
            .find(|f| f["content_type"] == "image/png")
            .unwrap();
        assert_eq!(shot["filename"], "screen shot.png", "no path survives");
        assert_eq!(shot["size"], 2048);
        let id = shot["id"].as_str().unwrap();
        for (token, path) in [
            (
                &a.alice,
                format!("/api/v1/orgs/acme/tickets/1/attachments/{id}"),
            ),
            (
                &agent,
                format!("/api/v1/support/tickets/1/attachments/{id}"),
            ),
        ] {
            let resp = app
                .req(Method::GET, &path, Some(token))
                .send()
                .await
                .unwrap();
            assert_eq!(resp.status(), 200);
            assert!(
                resp.headers()["content-disposition"]
                    .to_str()
                    .unwrap()
                    .starts_with("attachment")
            );
            assert_eq!(resp.headers()["x-content-type-options"], "nosniff");
            assert_eq!(resp.bytes().await.unwrap().to_vec(), png);
        }
        // A user of the org, and anyone without a token, get nothing.
        let path = format!("/api/v1/orgs/acme/tickets/1/attachments/{id}");
        let (s, _) = app
            .call(Method::GET, &path, Some(&a.bob), None)
            .await
            .unwrap();
        assert_eq!(s, 403);
        let (s, _) = app.call(Method::GET, &path, None, None).await.unwrap();
        assert_eq!(s, 401);
        // Over the limit: refused naming the file, nothing stored.
        let mut big = how_to();
        big["attachments"] = json!([{"filename": "huge.bin",
            "content_base64": STANDARD.encode(vec![0u8; 10 * 1024 * 1024 + 1])}]);
        let (s, e) = open(&app, &a.alice, big).await;
        assert_eq!(
            (s, e["field"].as_str()),
            (400, Some("attachments[0]")),
            "{e}"
        );
        assert!(e["detail"].as_str().unwrap().contains("huge.bin"));
        app
    })
    .await;
}

#[tokio::test]
async fn the_sla_report_counts_tickets_per_severity_and_month_for_staff_only() {
    each_backend(|app| async move {
        let a = acme(&app, json!({"plan": "monthly", "seats": 5}), None).await;
        let (agent, _) = agent(&app).await;
        open(&app, &a.alice, how_to()).await;
        open(&app, &a.alice, outage()).await;
        let path = "/api/v1/support/reports/sla?from=2000-01-01&to=2100-01-01";
        let (s, rows) = app
            .call(Method::GET, path, Some(&agent), None)
            .await
            .unwrap();
        assert_eq!(s, 200, "{rows}");
        let sev: Vec<&str> = rows
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["severity"].as_str().unwrap())
            .collect();
        assert_eq!(sev, ["s1", "s4"], "{rows}");
        assert_eq!(rows[0]["tickets"], 1);
        assert_eq!(rows[0]["first_response"]["pending"], 1);
        assert!(rows[0]["month"].as_str().unwrap().len() == 7);
        let (s, _) = app.op(Method::GET, path, None).await.unwrap();
        assert_eq!(s, 200, "operators read reports: no customer data in them");
        let (s, _) = app
            .call(Method::GET, path, Some(&a.alice), None)
            .await
            .unwrap();
        assert_eq!(s, 403);
        let (s, e) = app
            .call(
                Method::GET,
                "/api/v1/support/reports/sla?from=yesterday&to=2100-01-01",
                Some(&agent),
                None,
            )
            .await
            .unwrap();
        assert_eq!((s, e["field"].as_str()), (400, Some("from")), "{e}");
        app
    })
    .await;
}

#[tokio::test]
async fn jumpstart_tickets_go_to_the_named_specialist_and_macros_answer_in_one_step() {
    each_backend(|app| async move {
        let a = acme(&app, json!({"plan": "jumpstart", "trial_ends": "2099-01-01T00:00:00Z"}), None).await;
        let (agent, agent_id) = agent(&app).await;
        // The operator names the specialist; admins and unknown handles are refused.
        let (s, _) = app
            .call(Method::PUT, "/api/v1/orgs/acme/specialist", Some(&a.alice), Some(json!({"handle": "ann"})))
            .await
            .unwrap();
        assert_eq!(s, 403);
        let (s, e) = app
            .op(Method::PUT, "/api/v1/orgs/acme/specialist", Some(json!({"handle": "nobody"})))
            .await
            .unwrap();
        assert_eq!((s, e["field"].as_str()), (400, Some("handle")), "{e}");
        let (s, _) = app
            .op(Method::PUT, "/api/v1/orgs/acme/specialist", Some(json!({"handle": "ann"})))
            .await
            .unwrap();
        assert_eq!(s, 204);
        let (_, t) = open(&app, &a.alice, how_to()).await;
        assert_eq!(t["queue"], "dedicated_specialist", "{t}");
        assert_eq!(t["assignee"], agent_id.as_str());
        let (_, full) = app
            .call(Method::GET, "/api/v1/orgs/acme/tickets/1", Some(&a.alice), None)
            .await
            .unwrap();
        assert!(
            full["messages"][1]["body"].as_str().unwrap().contains("ann will handle this ticket"),
            "{full}"
        );
        let (_, mine) = app
            .call(Method::GET, "/api/v1/support/queue?queue=dedicated_specialist&assignee=me", Some(&agent), None)
            .await
            .unwrap();
        assert_eq!(mine.as_array().unwrap().len(), 1, "{mine}");
        let (_, none) = app
            .call(Method::GET, "/api/v1/support/queue?assignee=none", Some(&agent), None)
            .await
            .unwrap();
        assert!(none.as_array().unwrap().iter().all(|i| i["id"] != 1), "{none}");
        let (s, e) = app
            .call(Method::GET, "/api/v1/support/queue?queue=vip", Some(&agent), None)
            .await
            .unwrap();
        assert_eq!((s, e["field"].as_str()), (400, Some("queue")));

        // A macro: the same words every time, with the status it sets.
        let (s, m) = app
            .call(Method::PUT, "/api/v1/support/macros/ask-log", Some(&agent),
                  Some(json!({"title": "Ask for the agent log",
                              "body": "Hi {requester}, please attach the agent log to #{ticket}. — {agent}",
                              "status": "waiting_on_customer"})))
            .await
            .unwrap();
        assert_eq!(s, 200, "{m}");
        let (_, list) = app.call(Method::GET, "/api/v1/support/macros", Some(&agent), None).await.unwrap();
        assert_eq!(list[0]["name"], "ask-log");
        let (s, t) = app
            .call(Method::POST, "/api/v1/support/tickets/1/messages", Some(&agent), Some(json!({"macro": "ask-log"})))
            .await
            .unwrap();
        assert_eq!(s, 201, "{t}");
        assert_eq!(t["status"], "waiting_on_customer");
        let last = t["messages"].as_array().unwrap().last().unwrap()["body"].as_str().unwrap().to_string();
        assert_eq!(last, "Hi alice, please attach the agent log to #1. — ann");
        let (s, _) = app
            .call(Method::POST, "/api/v1/support/tickets/1/messages", Some(&agent),
                  Some(json!({"macro": "ask-log", "body": "x"})))
            .await
            .unwrap();
        assert_eq!(s, 400);
        let (s, _) = app.call(Method::GET, "/api/v1/support/macros", Some(&a.alice), None).await.unwrap();
        assert_eq!(s, 403);
        app
    })
    .await;
}
