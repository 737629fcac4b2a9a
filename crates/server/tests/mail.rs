//! The support desk's mail door as an MTA uses it: raw RFC 5322 messages piped into
//! `skydir mail ingest`, the desk's answers caught by a real SMTP listener (or found in the
//! on-disk outbox), and the tickets read back over the REST API.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use reqwest::Method;
use serde_json::{Value, json};
use skydir_mail::testing::{Received, SmtpSink};
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::Duration;
use support::*;

const PW: &str = "correct horse battery staple";

/// Pipes `raw` into `skydir mail ingest` with `env`.
fn ingest(data: &Path, env: &[(&str, &str)], raw: &str) -> Output {
    let mut child = skydir(data)
        .args(["mail", "ingest"])
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(raw.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).trim().to_string()
}

fn message(from: &str, id: &str, subject: &str, extra_headers: &str, body: &str) -> String {
    format!(
        "From: {from}\r\nTo: support@skydir.localhost\r\nSubject: {subject}\r\n\
         Message-ID: <{id}>\r\nDate: Tue, 01 Dec 2026 15:00:00 +0000\r\n{extra_headers}\
         MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    )
}

fn text(r: &Received) -> String {
    String::from_utf8_lossy(&r.data).replace("=\r\n", "")
}

/// The value of header `name` in a received message.
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

/// An org `acme` on the monthly plan whose first admin `alice@acme.test` (given name Alice)
/// took her invitation — from `sink` when the server relays to one, else from the outbox — and
/// added a plain user `bob@acme.test`; returns alice's token.
async fn acme(c: &reqwest::Client, s: &Server, data: &Path, sink: Option<&SmtpSink>) -> String {
    let op = s.token.clone().unwrap();
    let org = json!({"slug": "acme", "name": "Acme", "plan": "monthly", "seats": 20});
    let admin = json!({"username": "alice", "email": "alice@acme.test", "given_name": "Alice"});
    let alice = match sink {
        Some(sink) => {
            org_with_admin(c, &s.base, &op, org, admin, PW, || {
                sink.received()
                    .iter()
                    .map(|r| String::from_utf8_lossy(&r.data).into_owned())
                    .collect()
            })
            .await
        }
        None => org_with_admin(c, &s.base, &op, org, admin, PW, || outbox(data)).await,
    };
    let (st, b) = call(
        c,
        &s.base,
        &alice,
        Method::POST,
        "/api/v1/orgs/acme/users",
        Some(
            json!({"username": "bob", "email": "bob@acme.test", "password": PW,
                    "given_name": "Bob"}),
        ),
    )
    .await;
    assert_eq!(st, 201, "{b}");
    alice
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admins_mail_piped_into_ingest_opens_an_acknowledged_ticket_once_and_replies_thread() {
    // The relay offers STARTTLS with a certificate of a private CA the operator trusts.
    let sink = SmtpSink::start_tls().await.unwrap();
    let (_t, data) = tmp();
    let env = [
        ("SKYDIR_SMTP_URL", sink.url()),
        (
            "SKYDIR_SMTP_CA_FILE",
            sink.ca_file().unwrap().display().to_string(),
        ),
        (
            "SKYDIR_MAIL_TRUSTED_AUTHSERV_IDS",
            "mx.skydir.test".to_string(),
        ),
    ];
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let mut server = serve_env(&data, &env);
    let c = client(&data);
    let alice = acme(&c, &server, &data, Some(&sink)).await;
    // Alice's invitation came first; count the desk's mail from here.
    let start = sink.received().len();

    let first = message(
        "Alice Admin <alice@acme.test>",
        "first@mail.acme.test",
        "LDAP binds fail for everyone",
        "Authentication-Results: mx.skydir.test; dmarc=pass header.from=acme.test\r\n",
        // Neither what fails nor an error message: the work cannot start.
        "Nobody can log in!\r\n",
    );
    let out = ingest(&data, &env, &first);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(stdout(&out), "created ticket #1");

    // The acknowledgement arrives over SMTP, threaded, marked automatic, saying when to
    // expect an answer and what is missing.
    let got = sink.wait_for(start + 1, Duration::from_secs(20)).await;
    assert_eq!(got.len(), start + 1, "one acknowledgement");
    let ack = &got[start];
    assert!(ack.tls, "the acknowledgement went over STARTTLS");
    assert_eq!(ack.rcpt_to, vec!["alice@acme.test".to_string()]);
    assert_eq!(
        header(ack, "In-Reply-To").as_deref(),
        Some("<first@mail.acme.test>")
    );
    assert_eq!(
        header(ack, "Auto-Submitted").as_deref(),
        Some("auto-replied")
    );
    assert!(
        header(ack, "Subject").unwrap().starts_with("[#1] "),
        "{:?}",
        header(ack, "Subject")
    );
    let body = text(ack);
    assert!(body.contains("Hello Alice,"), "{body}");
    assert!(body.contains("ticket #1"), "{body}");
    assert!(
        body.contains("(needed before we can start)"),
        "asks for what blocks the work: {body}"
    );
    assert!(
        body.contains("/var/log/sssd/sssd_pam.log") && !body.contains("skydir-agent"),
        "asks for the logs a joined host's client writes, never the agent's: {body}"
    );
    assert!(
        body.contains("Once you reply, you can expect a first response within"),
        "{body}"
    );
    assert!(
        body.contains("Monday to Friday 09:00"),
        "support hours: {body}"
    );

    // The ticket, over REST, with the contract's fields.
    let (st, list) = call(
        &c,
        &server.base,
        &alice,
        Method::GET,
        "/api/v1/orgs/acme/tickets",
        None,
    )
    .await;
    assert_eq!(st, 200, "{list}");
    let t = &list["items"][0];
    assert_eq!(t["id"], 1);
    assert_eq!(t["subject"], "LDAP binds fail for everyone");
    assert_eq!(t["category"], "defect");
    assert_eq!(t["severity"], "s1");
    assert_eq!(t["status"], "waiting_on_customer");
    assert_eq!(t["identity"]["kind"], "verified_mail", "{t}");
    assert!(
        t["first_response_due"].is_null(),
        "paused while waiting: {t}"
    );
    assert_eq!(t["sla"]["first_response"]["state"], "paused");

    // A second delivery of the same message creates nothing and sends nothing.
    let again = ingest(&data, &env, &first);
    assert!(again.status.success());
    assert_eq!(stdout(&again), "already handled (duplicate delivery)");

    // The reply, threaded by In-Reply-To to the acknowledgement, resumes the clock.
    let ack_id = header(ack, "Message-ID").unwrap();
    let reply = message(
        "alice@acme.test",
        "second@mail.acme.test",
        "Re: your ticket",
        &format!("In-Reply-To: {ack_id}\r\nReferences: <first@mail.acme.test> {ack_id}\r\n"),
        "SSSD's logs are attached. Error: ldap_bind: Invalid credentials (49)\r\n",
    );
    let out = ingest(&data, &env, &reply);
    assert_eq!(stdout(&out), "added to ticket #1", "{out:?}");
    let (_, t) = call(
        &c,
        &server.base,
        &alice,
        Method::GET,
        "/api/v1/orgs/acme/tickets/1",
        None,
    )
    .await;
    assert_eq!(t["status"], "open", "{t}");
    let due = t["first_response_due"].as_str().expect("due while running");
    assert!(due.ends_with('Z'), "RFC 3339 UTC: {due}");
    let bodies: Vec<&str> = t["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["body"].as_str().unwrap())
        .collect();
    assert_eq!(
        bodies.len(),
        3,
        "request, acknowledgement, reply: {bodies:?}"
    );
    assert!(bodies[2].contains("SSSD's logs are attached"));
    assert_eq!(
        sink.received().len(),
        start + 1,
        "replies are not acknowledged again"
    );
    server.child.kill().unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_relay_without_starttls_gets_nothing_in_clear_and_the_mail_waits_with_the_reason() {
    // A relay that does not offer STARTTLS, named without smtp_allow_plaintext.
    let sink = SmtpSink::start().await.unwrap();
    let (_t, data) = tmp();
    let url = sink.url();
    let env = [("SKYDIR_SMTP_URL", url.as_str())];
    // The org is set up while mail still goes to the outbox (no relay could carry Alice's
    // invitation); then the server starts again, pointed at the relay.
    let mut setup = serve_env(&data, &[]);
    let c = client(&data);
    let alice = acme(&c, &setup, &data, None).await;
    setup.child.kill().unwrap();
    let _ = setup.child.wait();
    let mut server = serve_env(&data, &env);

    let out = ingest(
        &data,
        &env,
        &message(
            "alice@acme.test",
            "clear@mail.acme.test",
            "Jenkins",
            "",
            "Which base DN should Jenkins use?",
        ),
    );
    assert!(out.status.success(), "{out:?}");
    assert_eq!(stdout(&out), "created ticket #1");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("mail not delivered") && stderr.contains("does not offer STARTTLS"),
        "the reason is logged: {stderr}"
    );
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert!(sink.received().is_empty(), "nothing was sent in clear");

    // The mail stays queued for a retry, and the org's audit log says why.
    let (st, audit) = call(
        &c,
        &server.base,
        &alice,
        Method::GET,
        "/api/v1/orgs/acme/audit?limit=200",
        None,
    )
    .await;
    assert_eq!(st, 200, "{audit}");
    let deferred: Vec<&Value> = audit
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "mail.deferred")
        .collect();
    assert_eq!(deferred.len(), 1, "{audit}");
    assert_eq!(deferred[0]["detail"]["retry"], true);
    assert!(
        deferred[0]["detail"]["error"]
            .as_str()
            .unwrap()
            .contains("does not offer STARTTLS"),
        "{}",
        deferred[0]
    );
    server.child.kill().unwrap();
}

#[test]
fn plain_text_to_a_relay_on_another_host_is_refused_at_start() {
    let (_t, data) = tmp();
    let out = skydir(&data)
        .args(["serve", "--http-addr", "127.0.0.1:0"])
        .env("SKYDIR_SMTP_URL", "smtp://relay.example.com:25")
        .env("SKYDIR_SMTP_ALLOW_PLAINTEXT", "true")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("smtp_allow_plaintext is only for a relay on this machine")
            && stderr.contains("relay.example.com"),
        "{stderr}"
    );
    assert!(!data.join("skydir.db").exists(), "nothing was started");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn non_admins_strangers_and_robots_get_no_ticket_and_garbage_is_refused() {
    let sink = SmtpSink::start().await.unwrap();
    let (_t, data) = tmp();
    let url = sink.url();
    // The sink is on 127.0.0.1 and speaks only plain text.
    let env = [
        ("SKYDIR_SMTP_URL", url.as_str()),
        ("SKYDIR_SMTP_ALLOW_PLAINTEXT", "true"),
    ];
    let mut server = serve_env(&data, &env);
    let c = client(&data);
    let alice = acme(&c, &server, &data, Some(&sink)).await;
    // Alice's invitation came first; count the desk's mail from here.
    let start = sink.received().len();

    let bob = message(
        "bob@acme.test",
        "b@acme.test",
        "Laptop",
        "",
        "My laptop cannot log in.",
    );
    let out = ingest(&data, &env, &bob);
    assert_eq!(
        stdout(&out),
        "answered without a ticket (not_an_admin)",
        "{out:?}"
    );
    let eve = message(
        "eve@elsewhere.test",
        "e@elsewhere.test",
        "Hi",
        "",
        "Please help us.",
    );
    let out = ingest(&data, &env, &eve);
    assert_eq!(
        stdout(&out),
        "answered without a ticket (unknown_sender)",
        "{out:?}"
    );
    let robot = message(
        "alice@acme.test",
        "ooo@acme.test",
        "Out of office",
        "Auto-Submitted: auto-replied\r\n",
        "I am away until Monday.",
    );
    let out = ingest(&data, &env, &robot);
    assert_eq!(stdout(&out), "not answered (automatic message)", "{out:?}");

    let got = sink.wait_for(start + 2, Duration::from_secs(20)).await;
    assert_eq!(
        got.len(),
        start + 2,
        "bob and eve are answered, the robot is not"
    );
    let got = &got[start..];
    let to_bob = got.iter().find(|r| r.rcpt_to == ["bob@acme.test"]).unwrap();
    assert!(
        text(to_bob).contains("ask your IT administrator"),
        "{}",
        text(to_bob)
    );
    let to_eve = got
        .iter()
        .find(|r| r.rcpt_to == ["eve@elsewhere.test"])
        .unwrap();
    assert!(
        text(to_eve).contains("How to get support"),
        "{}",
        text(to_eve)
    );

    // Nothing at all is not mail: refused with the reason, exit 65, nothing created.
    let out = ingest(&data, &env, "");
    assert_eq!(out.status.code(), Some(65), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a mail message"));
    let (_, list) = call(
        &c,
        &server.base,
        &alice,
        Method::GET,
        "/api/v1/orgs/acme/tickets",
        None,
    )
    .await;
    assert_eq!(list["items"], Value::Array(vec![]), "{list}");
    server.child.kill().unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_relay_the_desk_writes_its_mail_to_the_outbox_directory() {
    let (_t, data) = tmp();
    let mut server = serve_env(&data, &[]);
    let c = client(&data);
    acme(&c, &server, &data, None).await;
    // The first admin's invitation went to the outbox too; the desk's mail comes after it.
    let before = outbox_files(&data);
    assert_eq!(before.len(), 1, "{before:?}");
    let m = message(
        "alice@acme.test",
        "howto@acme.test",
        "How do I add a group?",
        "",
        "How do I add a group with the API? Thank you.",
    );
    let out = ingest(&data, &[], &m);
    assert_eq!(stdout(&out), "created ticket #1", "{out:?}");
    let mut files: Vec<_> = Vec::new();
    for _ in 0..200 {
        files = outbox_files(&data)
            .into_iter()
            .filter(|f| !before.contains(f))
            .collect();
        if !files.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(files.len(), 1, "{files:?}");
    assert!(files[0].extension().is_some_and(|e| e == "eml"));
    let eml = std::fs::read_to_string(&files[0]).unwrap();
    assert!(eml.contains("To: alice@acme.test"), "{eml}");
    assert!(eml.contains("[#1]"), "{eml}");
    server.child.kill().unwrap();
}

/// A how-to question by mail is answered on the clock: no troubleshooting or error messages
/// are asked of it, and its acknowledgement lists the policy's checklist without holding it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_how_to_question_piped_into_ingest_starts_its_clock_and_lists_the_checklist() {
    let (_t, data) = tmp();
    let mut server = serve_env(&data, &[]);
    let c = client(&data);
    let alice = acme(&c, &server, &data, None).await;
    let m = message(
        "alice@acme.test",
        "jenkins@acme.test",
        "Jenkins",
        "",
        "Hi, we are connecting Jenkins to the directory over LDAP.\r\n\
         Which base DN should Jenkins use?",
    );
    let out = ingest(&data, &[], &m);
    assert_eq!(stdout(&out), "created ticket #1", "{out:?}");
    let (st, t) = call(
        &c,
        &server.base,
        &alice,
        Method::GET,
        "/api/v1/orgs/acme/tickets/1",
        None,
    )
    .await;
    assert_eq!(st, 200, "{t}");
    assert_eq!(t["status"], "new", "{t}");
    assert_eq!(t["sla"]["first_response"]["state"], "running", "{t}");
    assert!(t["first_response_due"].is_string(), "{t}");
    assert_eq!(t["missing"], json!([]), "{t}");
    let ack = t["messages"][1]["body"].as_str().unwrap();
    for line in [
        "[x] Detailed issue description: received.",
        "[-] Troubleshooting actions taken: not needed for a question or request.",
        "[-] Pertinent error messages and screenshots: not needed for a question or request.",
        "[-] Applicable logs: not needed for a question or request.",
        "You can expect a first response by",
    ] {
        assert!(ack.contains(line), "{line}: {ack}");
    }
    assert!(!ack.contains("waits for you"), "{ack}");
    assert!(!ack.contains("Once you reply"), "{ack}");
    server.child.kill().unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_that_cannot_be_stored_now_is_kept_and_taken_up_by_the_next_run() {
    let (_t, data) = tmp();
    // No server has ever run here: there is no key-encryption key yet, so nothing can be
    // stored — the message must be kept, not lost.
    std::fs::create_dir_all(&data).unwrap();
    let m = message(
        "alice@acme.test",
        "kept@acme.test",
        "Hello",
        "",
        "How do I add users?",
    );
    let out = Command::new(BIN)
        .args(["--data-dir", data.to_str().unwrap(), "mail", "ingest"])
        .env_remove("SKYDIR_DATABASE_URL")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            c.stdin.take().unwrap().write_all(m.as_bytes())?;
            c.wait_with_output()
        })
        .unwrap();
    assert_eq!(out.status.code(), Some(75), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("kept for retry"));
    let kept = std::fs::read_dir(data.join("inbound/retry"))
        .unwrap()
        .count();
    assert_eq!(kept, 1);

    // Once the deployment exists, the next run takes the kept message up first.
    let mut server = serve_env(&data, &[]);
    let c = client(&data);
    let alice = acme(&c, &server, &data, None).await;
    let other = message(
        "alice@acme.test",
        "later@acme.test",
        "Second",
        "",
        "How do I add groups?",
    );
    let out = ingest(&data, &[], &other);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(
        std::fs::read_dir(data.join("inbound/retry"))
            .unwrap()
            .count(),
        0
    );
    let (_, list) = call(
        &c,
        &server.base,
        &alice,
        Method::GET,
        "/api/v1/orgs/acme/tickets",
        None,
    )
    .await;
    assert_eq!(list["items"].as_array().unwrap().len(), 2, "{list}");
    server.child.kill().unwrap();
}
