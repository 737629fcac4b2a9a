//! The desk's use cases over the in-memory store: mail intake, threading, replies, the queue.
//! (The same flows run end to end through the real doors in `skydir-testkit`.)

use super::*;
use crate::access::StaffRole;
use crate::ports::DeskStore;
use crate::secret::Personal;
use crate::support::{
    AuthResult, AuthResults, Category, Detail, Identity, InboundAttachment, InboundMail, Severity,
    TicketStatus, Visibility,
};

struct Desk {
    dir: Directory<MemoryStore>,
    store: MemoryStore,
    org: Org,
    agent: Actor,
    admin: Actor,
}

async fn desk() -> Desk {
    let (dir, store) = directory();
    let org = org(
        &dir,
        "acme",
        Plan::new(PlanKind::Monthly, Some(20), None).unwrap(),
    )
    .await;
    for name in ["alice", "bob"] {
        dir.create_user(
            &provision(),
            &org.slug,
            new_user(name, Some("a long passphrase")),
        )
        .await
        .unwrap();
    }
    dir.grant_admin(&provision(), &org.slug, &Username::parse("alice").unwrap())
        .await
        .unwrap();
    let alice = store
        .users_with_email(&Email::parse("alice@example.com").unwrap())
        .unwrap()[0];
    let (staff, _) = dir
        .create_staff(&op(), "ann", StaffRole::Agent)
        .await
        .unwrap();
    Desk {
        dir,
        store,
        org,
        agent: Actor::SupportAgent { staff: staff.id },
        admin: Actor::OrgAdmin {
            org: alice.0,
            user: alice.1,
        },
    }
}

fn mail(from: &str, id: &str, subject: &str, text: &str) -> InboundMail {
    InboundMail {
        message_id: Some(id.into()),
        from: Some(from.into()),
        subject: subject.into(),
        text: text.into(),
        recipients: vec!["support@skydir.localhost".into()],
        ..InboundMail::default()
    }
}

#[tokio::test]
async fn mail_from_an_active_admin_opens_an_acknowledged_ticket_once() {
    let d = desk().await;
    let m = mail(
        "Alice@Example.com",
        "m1@example.com",
        "LDAP binds fail for everyone",
        "Since 9am every LDAP bind fails with error 49, nobody can log in.\n\
         Troubleshooting: restarted the VPN concentrator.\n",
    );
    let out = d.dir.ingest_mail(&Actor::System, m.clone()).await.unwrap();
    let MailOutcome::Created { number } = out else {
        panic!("{out:?}")
    };
    let t = d.store.ticket_by_number(number).await.unwrap().unwrap();
    assert_eq!(t.category, Category::Defect);
    assert_eq!(t.severity, Severity::S1);
    assert!(
        matches!(t.identity, Identity::UnverifiedMail { .. }),
        "no trusted MTA configured"
    );
    // It says what fails and how: the logs are asked for, but the work starts at once.
    assert_eq!(t.status(), TicketStatus::New);
    assert_eq!(t.missing, vec![Detail::Logs]);
    assert_eq!(
        d.store.pending_mail_count().await.unwrap(),
        1,
        "the acknowledgement"
    );
    let msgs = d.store.messages(t.org, t.id).await.unwrap();
    assert_eq!(msgs.len(), 2);
    assert!(
        msgs[1]
            .body
            .contains("[ ] Applicable logs: If a Linux host joined over LDAP")
            && !msgs[1].body.contains("skydir-agent"),
        "{}",
        msgs[1].body
    );
    // A second delivery of the same message does nothing.
    assert_eq!(
        d.dir.ingest_mail(&Actor::System, m).await.unwrap(),
        MailOutcome::Duplicate
    );
    assert_eq!(d.store.pending_mail_count().await.unwrap(), 1);
}

#[tokio::test]
async fn a_mailed_file_whose_type_is_not_a_media_type_is_kept_as_octet_stream() {
    let d = desk().await;
    let mut m = mail(
        "alice@example.com",
        "m-ct@example.com",
        "LDAP binds fail for everyone",
        "Since 9am every LDAP bind fails with error 49, nobody can log in.\n",
    );
    let file = |name: &str, ct: &str| InboundAttachment {
        filename: name.into(),
        content_type: ct.into(),
        content: b"log".to_vec(),
    };
    m.attachments = vec![
        file("sssd.log", "text/html\r\nX-Evil: 1"),
        file("notes.txt", "Text/Plain"),
    ];
    let MailOutcome::Created { number } = d.dir.ingest_mail(&Actor::System, m).await.unwrap()
    else {
        panic!("the mail is not dropped")
    };
    let t = d.store.ticket_by_number(number).await.unwrap().unwrap();
    let msgs = d.store.messages(t.org, t.id).await.unwrap();
    let types: Vec<&str> = msgs[0]
        .attachments
        .iter()
        .map(|a| a.content_type.as_str())
        .collect();
    assert_eq!(types, ["application/octet-stream", "text/plain"]);
}

#[tokio::test]
async fn verified_mail_is_marked_so_when_our_mta_vouches_for_it() {
    let d = desk().await;
    let mut policy = d.dir.desk_policy().unwrap().as_ref().clone();
    policy.contacts.trusted_authserv_ids = vec!["mx.skydir.test".into()];
    let dir = d.dir.clone().with_desk(policy);
    let mut m = mail(
        "alice@example.com",
        "v1@example.com",
        "How do I add a group?",
        "How do I add a group with the API? Thanks.",
    );
    m.auth_results = vec![AuthResults {
        authserv_id: "mx.skydir.test".into(),
        results: vec![AuthResult {
            method: "dmarc".into(),
            result: "pass".into(),
            properties: vec![("header.from".into(), "example.com".into())],
        }],
    }];
    let MailOutcome::Created { number } = dir.ingest_mail(&Actor::System, m).await.unwrap() else {
        panic!()
    };
    let t = d.store.ticket_by_number(number).await.unwrap().unwrap();
    assert_eq!(
        t.identity,
        Identity::VerifiedMail {
            method: "dmarc".into()
        }
    );
    assert_eq!(t.category, Category::HowTo);
    assert_eq!(t.status(), TicketStatus::New);
}

#[tokio::test]
async fn non_admins_strangers_and_robots_get_no_ticket() {
    let d = desk().await;
    let bob = mail(
        "bob@example.com",
        "b1@x",
        "Help",
        "My laptop cannot log in.",
    );
    assert_eq!(
        d.dir.ingest_mail(&Actor::System, bob).await.unwrap(),
        MailOutcome::Answered {
            reason: "not_an_admin".into()
        }
    );
    let eve = mail("eve@elsewhere.test", "e1@x", "Help", "Please help.");
    assert_eq!(
        d.dir.ingest_mail(&Actor::System, eve).await.unwrap(),
        MailOutcome::Answered {
            reason: "unknown_sender".into()
        }
    );
    let mut robot = mail("alice@example.com", "r1@x", "Out of office", "I am away.");
    robot.automatic = true;
    assert!(matches!(
        d.dir.ingest_mail(&Actor::System, robot).await.unwrap(),
        MailOutcome::Ignored { .. }
    ));
    assert_eq!(d.store.pending_mail_count().await.unwrap(), 2);
    // A second message from the stranger the same day is not answered again (backscatter).
    let again = mail(
        "eve@elsewhere.test",
        "e2@x",
        "Help!!",
        "Please help us now.",
    );
    assert!(matches!(
        d.dir.ingest_mail(&Actor::System, again).await.unwrap(),
        MailOutcome::Ignored { .. }
    ));
    assert_eq!(d.store.pending_mail_count().await.unwrap(), 2);
    // Only skydir itself (or the operator's gateway) delivers mail.
    let m = mail("alice@example.com", "x@x", "s", "t");
    assert!(d.dir.ingest_mail(&d.agent, m).await.is_err());
}

#[tokio::test]
async fn replies_thread_by_tag_or_references_and_reopen_the_ticket() {
    let d = desk().await;
    let first = mail(
        "alice@example.com",
        "t1@example.com",
        "LDAP binds fail",
        "Please help!",
    );
    let MailOutcome::Created { number } = d.dir.ingest_mail(&Actor::System, first).await.unwrap()
    else {
        panic!()
    };
    // Neither what fails nor an error message: the ticket waits for the customer's answer.
    let t = d.store.ticket_by_number(number).await.unwrap().unwrap();
    assert_eq!(t.status(), TicketStatus::WaitingOnCustomer);
    let by_tag = mail(
        "alice@example.com",
        "t2@example.com",
        &format!("Re: [#{number}] LDAP binds fail"),
        "We restarted everything. Log attached.",
    );
    assert_eq!(
        d.dir.ingest_mail(&Actor::System, by_tag).await.unwrap(),
        MailOutcome::Appended { number }
    );
    let t = d.store.ticket_by_number(number).await.unwrap().unwrap();
    assert_eq!(
        t.status(),
        TicketStatus::Open,
        "the answer resumes the clock"
    );
    let mut by_refs = mail(
        "alice@example.com",
        "t3@example.com",
        "Re: no tag",
        "One more thing.",
    );
    by_refs.in_reply_to = vec!["t2@example.com".into()];
    assert_eq!(
        d.dir.ingest_mail(&Actor::System, by_refs).await.unwrap(),
        MailOutcome::Appended { number }
    );
    // A stranger quoting the tag does not get onto the ticket.
    let eve = mail(
        "eve@elsewhere.test",
        "t4@x",
        &format!("[#{number}] hi"),
        "let me in",
    );
    assert!(matches!(
        d.dir.ingest_mail(&Actor::System, eve).await.unwrap(),
        MailOutcome::Answered { .. }
    ));
    assert_eq!(d.store.messages(t.org, t.id).await.unwrap().len(), 4);
}

#[tokio::test]
async fn agents_reply_by_mail_and_note_privately_and_customers_never_see_notes() {
    let d = desk().await;
    let view = d
        .dir
        .open_ticket(
            &d.admin,
            &d.org.slug,
            NewTicket {
                subject: Personal("Adding groups".into()),
                category: Category::HowTo,
                severity: None,
                impact: None,
                description: Personal("How do I add a group with the API, please?".into()),
                troubleshooting: Personal(String::new()),
                error_messages: Personal(String::new()),
                system: None,
                attachments: vec![],
                critical: false,
            },
            crate::support::Channel::Api,
        )
        .await
        .unwrap();
    assert_eq!(view.status, TicketStatus::New);
    assert!(view.first_response.due.is_some());
    let before = d.store.pending_mail_count().await.unwrap();
    d.dir
        .agent_reply(
            &d.agent,
            view.number,
            "Internal: check docs".into(),
            Visibility::Internal,
            None,
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        d.store.pending_mail_count().await.unwrap(),
        before,
        "notes are not mailed"
    );
    let v = d
        .dir
        .agent_reply(
            &d.agent,
            view.number,
            "Use POST /groups.".into(),
            Visibility::Public,
            None,
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(v.status, TicketStatus::Open);
    assert!(v.first_response.breached_at.is_none());
    assert_eq!(d.store.pending_mail_count().await.unwrap(), before + 1);
    let customer = d
        .dir
        .get_ticket(&d.admin, &d.org.slug, view.number)
        .await
        .unwrap();
    let bodies: Vec<String> = customer
        .messages
        .unwrap()
        .iter()
        .map(|m| m.body.get().clone())
        .collect();
    assert!(bodies.iter().all(|b| !b.contains("Internal")), "{bodies:?}");
    assert!(bodies.iter().any(|b| b.contains("POST /groups")));
    // Customers cannot work tickets; agents cannot open them.
    assert!(
        d.dir
            .update_ticket(&d.admin, view.number, TicketPatch::default())
            .await
            .is_err()
    );
    // A form posting every field as it is changes nothing and audits nothing.
    let chain = crate::audit::ChainKey::for_org(Some(d.org.id));
    let events = d.store.events(chain).len();
    let same = d
        .dir
        .update_ticket(
            &d.agent,
            view.number,
            TicketPatch {
                status: Some(v.status),
                severity: Some(v.severity),
                category: Some(v.category),
                assignee: Some(v.assignee),
            },
        )
        .await
        .unwrap();
    let changed: Vec<_> = d.store.events(chain)[events..]
        .iter()
        .filter(|e| e.detail.get("fields").is_some())
        .map(|e| e.action.clone())
        .collect();
    assert!(changed.is_empty(), "no change audited: {changed:?}");
    assert_eq!(same.updated_at, v.updated_at);
    // Resolve, then the customer rates it.
    d.dir
        .update_ticket(
            &d.agent,
            view.number,
            TicketPatch {
                status: Some(TicketStatus::Resolved),
                ..TicketPatch::default()
            },
        )
        .await
        .unwrap();
    let rated = d
        .dir
        .rate_ticket(&d.admin, &d.org.slug, view.number, 5, "quick")
        .await
        .unwrap();
    assert_eq!(rated.satisfaction.map(|s| s.rating), Some(5));
}

#[tokio::test]
async fn the_queue_puts_the_most_urgent_first_and_is_for_agents_only() {
    let d = desk().await;
    for (i, (subject, text)) in [
        ("Question", "How do I add a user to a group, please?"),
        (
            "Outage",
            "LDAP is down, nobody can log in. Troubleshooting: restarted. Error: 49",
        ),
    ]
    .iter()
    .enumerate()
    {
        d.dir
            .ingest_mail(
                &Actor::System,
                mail("alice@example.com", &format!("q{i}@x"), subject, text),
            )
            .await
            .unwrap();
    }
    let q = d.dir.support_queue(&d.agent).await.unwrap();
    let sev: Vec<Severity> = q.iter().map(|i| i.ticket.severity).collect();
    assert_eq!(sev, vec![Severity::S1, Severity::S4]);
    assert!(d.dir.support_queue(&op()).await.is_err());
    assert!(d.dir.support_queue(&d.admin).await.is_err());
}

#[tokio::test]
async fn the_sla_watch_warns_then_records_a_breach_once_and_mails_the_escalation_address() {
    let store = MemoryStore::default();
    // Monday 1 June 2026, 09:00 in Denver (MDT).
    let clock = Arc::new(FixedClock(Mutex::new(
        "2026-06-01T15:00:00Z".parse().unwrap(),
    )));
    let dir = Directory::new(
        store.clone(),
        clock.clone(),
        Arc::new(CounterRng(AtomicU64::new(1))),
        Arc::new(InlinePasswordWork(fast())),
    );
    let o = org(
        &dir,
        "acme",
        Plan::new(PlanKind::Annual, Some(5), None).unwrap(),
    )
    .await;
    dir.create_user(
        &provision(),
        &o.slug,
        new_user("alice", Some("a long passphrase")),
    )
    .await
    .unwrap();
    dir.grant_admin(&provision(), &o.slug, &Username::parse("alice").unwrap())
        .await
        .unwrap();
    let alice = store
        .users_with_email(&Email::parse("alice@example.com").unwrap())
        .unwrap()[0];
    let admin = Actor::OrgAdmin {
        org: alice.0,
        user: alice.1,
    };
    let t = dir
        .open_ticket(
            &admin,
            &o.slug,
            NewTicket {
                subject: Personal("LDAP down".into()),
                category: Category::Defect,
                severity: Some(Severity::S1),
                impact: None,
                description: Personal("Every LDAP bind fails since 9am for all users.".into()),
                troubleshooting: Personal("Restarted the proxy.".into()),
                error_messages: Personal("error 49".into()),
                system: None,
                attachments: vec![NewAttachment {
                    filename: "skydir-agent.log".into(),
                    content_type: crate::support::MediaType::parse("text/plain").unwrap(),
                    content: b"log".to_vec(),
                }],
                critical: false,
            },
            crate::support::Channel::Api,
        )
        .await
        .unwrap();
    assert_eq!(t.status, TicketStatus::New);
    let mails = || async { store.pending_mail_count().await.unwrap() };
    let before = mails().await;
    let set = |t: &str| *clock.0.lock().unwrap() = t.parse().unwrap();

    set("2026-06-01T15:10:00Z");
    let r = dir.sla_watch(&Actor::System).await.unwrap();
    assert_eq!(
        (r.warnings, r.breaches),
        (1, 0),
        "a one-hour target warns at once"
    );
    assert_eq!(mails().await, before + 1, "the escalation mail");
    assert_eq!(
        dir.sla_watch(&Actor::System).await.unwrap(),
        WatchRound::default()
    );

    set("2026-06-01T16:01:00Z");
    let r = dir.sla_watch(&Actor::System).await.unwrap();
    assert_eq!((r.warnings, r.breaches), (0, 1));
    assert_eq!(
        dir.sla_watch(&Actor::System).await.unwrap(),
        WatchRound::default()
    );
    let breaches = store
        .events(ChainKey::Org(o.id))
        .iter()
        .filter(|e| e.action == "ticket.sla_breach")
        .count();
    assert_eq!(breaches, 1, "the breach is recorded");
    let (staff, _) = dir
        .create_staff(&op(), "ann", StaffRole::Agent)
        .await
        .unwrap();
    let agent = Actor::SupportAgent { staff: staff.id };
    let seen = dir.get_ticket_as_staff(&agent, t.number).await.unwrap();
    let notes: Vec<String> = seen
        .messages
        .unwrap()
        .into_iter()
        .filter(|m| m.visibility == Visibility::Internal)
        .map(|m| m.body.get().clone())
        .collect();
    assert_eq!(notes.len(), 2, "{notes:?}");
    assert!(notes[1].contains("SLA breach"), "{notes:?}");
    // The report: agents and operators read it, customers do not.
    let from: Timestamp = "2026-06-01T00:00:00Z".parse().unwrap();
    let to: Timestamp = "2026-07-01T00:00:00Z".parse().unwrap();
    let rows = dir.sla_report(&agent, from, to).await.unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].first_response.breached, 1);
    assert!(dir.sla_report(&op(), from, to).await.is_ok());
    assert!(dir.sla_report(&admin, from, to).await.is_err());
    assert!(dir.sla_report(&agent, to, from).await.is_err());
    // Only skydir runs the watch.
    assert!(dir.sla_watch(&agent).await.is_err());
}

fn account_ticket(subject: &str, text: &str) -> crate::service::NewTicket {
    crate::service::NewTicket {
        subject: Personal(subject.into()),
        category: Category::AccountSecurity,
        severity: None,
        impact: None,
        description: Personal(text.into()),
        troubleshooting: Personal(String::new()),
        error_messages: Personal(String::new()),
        system: None,
        attachments: vec![],
        critical: false,
    }
}

/// "No JumpCloud employee will ever ask you for your password": every automatic answer the
/// desk writes — acknowledgements of every category and of every account-security request,
/// answers to non-admins and strangers, verification requests, reset links, invitations — is
/// held to it, and so are macros and agents' public replies, which are refused when they ask.
#[tokio::test]
async fn no_automatic_answer_macro_or_reply_ever_asks_for_a_password() {
    use crate::support::security::asks_for_a_password;
    let d = desk().await;
    for category in Category::ALL {
        d.dir
            .open_ticket(
                &d.admin,
                &d.org.slug,
                crate::service::NewTicket {
                    category,
                    ..account_ticket(
                        "Our LDAP binds fail",
                        "Since this morning binds fail with error 49 for everyone.",
                    )
                },
                crate::support::Channel::Api,
            )
            .await
            .unwrap();
    }
    for (subject, text) in [
        (
            "Password",
            "Please reset the password of bob, he forgot it.",
        ),
        ("Access", "Please add bob to the VPN group."),
        ("Admin", "Please make bob an administrator of our account."),
        ("Delete", "Please delete the account of bob."),
        (
            "Info",
            "Which plan are we on and how many seats do we have?",
        ),
    ] {
        d.dir
            .open_ticket(
                &d.admin,
                &d.org.slug,
                account_ticket(subject, text),
                crate::support::Channel::Api,
            )
            .await
            .unwrap();
    }
    for (from, id) in [
        ("bob@example.com", "nonadmin@example.com"),
        ("eve@elsewhere.test", "stranger@elsewhere.test"),
        ("alice@example.com", "admin@example.com"),
    ] {
        d.dir
            .ingest_mail(
                &Actor::System,
                mail(from, id, "Help", "Nobody can log in since 9am, error 49."),
            )
            .await
            .unwrap();
    }
    let last = d.store.next_ticket_number().await.unwrap() - 1;
    d.dir
        .open_verification(
            &d.agent,
            last,
            crate::support::SecurityRequest::DeleteAccount,
            Some(&Username::parse("bob").unwrap()),
        )
        .await
        .unwrap();
    d.dir
        .send_password_reset(&d.admin, &d.org.slug, &Username::parse("bob").unwrap())
        .await
        .unwrap();
    let mut carol = new_user("carol", None);
    carol.password = PasswordInput::Invite;
    d.dir
        .create_user(&d.admin, &d.org.slug, carol)
        .await
        .unwrap();

    let mails = d.store.with_desk(|s| s.queued()).unwrap();
    let messages = d.store.with_desk(|s| s.all_messages()).unwrap();
    assert!(mails.len() >= 18, "{} mails", mails.len());
    for m in &mails {
        assert!(!asks_for_a_password(&m.text), "{}\n{}", m.subject, m.text);
    }
    for m in messages
        .iter()
        .filter(|m| matches!(m.author, crate::support::MessageAuthor::Desk))
    {
        assert!(!asks_for_a_password(&m.body), "{}", m.body);
    }
    // The answer to a password request says staff never touch passwords.
    assert!(
        mails
            .iter()
            .any(|m| m.text.contains("never change a password")),
        "the password request's answer"
    );

    // Agents cannot save a macro, nor send a public reply, that asks for one.
    let name = Name::parse("verify").unwrap();
    let e = d
        .dir
        .put_macro(
            &d.agent,
            &name,
            "Verify",
            "To verify your identity, please reply with your current password.",
            Visibility::Public,
            None,
        )
        .await
        .unwrap_err();
    assert!(e.to_string().contains("will ever ask"), "{e}");
    let e = d
        .dir
        .agent_reply(
            &d.agent,
            last,
            "Please send us your password so we can check.".into(),
            Visibility::Public,
            None,
            vec![],
        )
        .await
        .unwrap_err();
    assert!(matches!(e, CoreError::Invalid { .. }), "{e:?}");
}

/// "JumpCloud will not take this action for you at any time. If for some reason you are
/// unable to do that on your own, we will work with you to find the root cause of the issue
/// and will treat the issue as a defect": a request to be given access, or a role, is answered
/// with who does it — and the ticket becomes a defect report on its own.
#[tokio::test]
async fn a_refused_access_request_becomes_a_defect_ticket_on_its_own() {
    let d = desk().await;
    for text in [
        "Please add bob to the VPN group.",
        "Please make bob an administrator of our account.",
    ] {
        let t = d
            .dir
            .open_ticket(
                &d.admin,
                &d.org.slug,
                account_ticket("Access for bob", text),
                crate::support::Channel::Api,
            )
            .await
            .unwrap();
        assert_eq!(t.category, Category::Defect, "{text}");
        assert_ne!(
            t.status,
            TicketStatus::Resolved,
            "worked, not closed: {text}"
        );
        let stored = d.store.ticket_by_number(t.number).await.unwrap().unwrap();
        let msgs = d.store.messages(stored.org, stored.id).await.unwrap();
        let ack = &msgs[1].body;
        assert!(
            ack.contains("treat that as a defect") && ack.contains("root cause"),
            "{ack}"
        );
        assert!(ack.contains("never"), "{ack}");
    }
    // Nothing was granted: Bob is in no group and no admin.
    let bob = d
        .store
        .user_by_name(d.org.id, &Username::parse("bob").unwrap())
        .await
        .unwrap()
        .unwrap();
    assert!(!d.store.admins(d.org.id).await.unwrap().contains(&bob.id));
}
