//! The support desk's storage: customer text sealed at rest (under the author's own key, so
//! erasing them shreds their messages), optimistic ticket versions, numbering, the mail thread
//! index and handled-mail record, the deployment-wide sender index, and the outbound queue's
//! leases.

use crate::fixtures::*;
use skydir_core::CoreError;
use skydir_core::change::Write;
use skydir_core::directory::{Email, Org, User};
use skydir_core::ids::{AttachmentId, MailId, MessageId, TicketId};
use skydir_core::page::PageRequest;
use skydir_core::ports::{DeskStore, TicketFilter};
use skydir_core::support::{
    AttachmentMeta, Category, Channel, Eligibility, HistoryEntry, Identity, MessageAuthor,
    OutboundMail, PlanClass, Queue, Severity, SlaMarks, StoredAttachment, Ticket, TicketHistory,
    TicketMessage, TicketStatus, Visibility,
};
use skydir_store::Backend;
use skydir_store::testing::TempStore;

on_both_backends!(
    ticket_text_is_ciphertext_at_rest_and_an_erased_authors_messages_read_as_erased,
    tickets_are_numbered_versioned_listed_and_found_by_their_mail,
    queued_mail_is_claimed_once_until_its_lease_runs_out,
);

fn ticket(org: &Org, requester: &User, number: u64, subject: &str) -> Ticket {
    Ticket {
        id: TicketId::from_random(rand_bytes()),
        org: org.id,
        number,
        subject: subject.into(),
        category: Category::Defect,
        severity: Severity::S2,
        plan_class: PlanClass::Paying,
        requester: requester.id,
        channel: Channel::Email,
        identity: Identity::VerifiedMail {
            method: "dmarc".into(),
        },
        eligibility: Eligibility::Covered {
            queue: Queue::Support,
        },
        queue: Some(Queue::Support),
        assignee: None,
        system: None,
        missing: vec![],
        history: TicketHistory::new(vec![HistoryEntry::Created {
            at: now(),
            status: TicketStatus::New,
        }])
        .unwrap(),
        satisfaction: None,
        sla_marks: SlaMarks::default(),
        created_at: now(),
        updated_at: now(),
        version: 1,
    }
}

fn message(
    t: &Ticket,
    author: MessageAuthor,
    body: &str,
    files: &[&StoredAttachment],
) -> TicketMessage {
    TicketMessage {
        id: MessageId::from_random(rand_bytes()),
        ticket: t.id,
        org: t.org,
        at: now(),
        author,
        visibility: Visibility::Public,
        body: body.into(),
        mail_id: Some("msgid-needle@mail.acme.test".into()),
        attachments: files.iter().map(|f| f.meta.clone()).collect(),
    }
}

fn file(name: &str, content: &[u8]) -> StoredAttachment {
    StoredAttachment {
        meta: AttachmentMeta {
            id: AttachmentId::from_random(rand_bytes()),
            filename: name.into(),
            content_type: "text/plain".into(),
            size: content.len() as u64,
            sha256: "00".repeat(32),
        },
        content: content.to_vec(),
    }
}

fn mail(org: Option<&Org>, text: &str) -> OutboundMail {
    OutboundMail {
        id: MailId::from_random(rand_bytes()),
        org: org.map(|o| o.id),
        ticket: None,
        from: "support@skydir.localhost".into(),
        to: vec!["recipient-needle@acme.test".into()],
        subject: "[#1] Subject".into(),
        text: text.into(),
        message_id: format!("m.{}@skydir.localhost", MailId::from_random(rand_bytes())),
        in_reply_to: None,
        references: vec![],
        auto_reply: true,
        created_at: now(),
    }
}

fn rand_bytes() -> [u8; 16] {
    *uuid::Uuid::new_v4().as_bytes()
}

const NEEDLES: &[&str] = &[
    "Secret Subject Needle",
    "Customer Body Needle",
    "Desk Body Needle",
    "Attachment Needle Bytes",
    "needle-file.txt",
    "Mail Needle Text",
    "recipient-needle@acme.test",
    "msgid-needle@mail.acme.test",
    "inbound-needle@x",
];

async fn assert_no_needles(t: &TempStore) {
    let raw = Raw::open(t).await;
    let dump: Vec<String> = match t.backend {
        Backend::Sqlite => {
            raw.exec("PRAGMA wal_checkpoint(TRUNCATE)").await;
            let path = t.sqlite_data.clone().unwrap();
            raw.close().await;
            let bytes = std::fs::read(path).unwrap();
            vec![String::from_utf8_lossy(&bytes).to_string()]
        }
        Backend::Postgres => {
            let mut rows = Vec::new();
            for table in [
                "tickets",
                "ticket_messages",
                "ticket_attachments",
                "mail_threads",
                "inbound_mail",
                "outbox",
            ] {
                rows.extend(raw.texts(&format!("SELECT t::text FROM {table} t")).await);
            }
            raw.close().await;
            rows
        }
    };
    for d in &dump {
        for n in NEEDLES {
            assert!(!d.contains(n), "{n:?} stored in clear");
        }
    }
}

async fn ticket_text_is_ciphertext_at_rest_and_an_erased_authors_messages_read_as_erased(
    t: &TempStore,
) {
    let o = new_org(t, "acme").await;
    let alice = new_user(t, &o, "alice").await;
    let number = t.store.next_ticket_number().await.unwrap();
    let tk = ticket(&o, &alice, number, "Secret Subject Needle");
    let f = file("needle-file.txt", b"Attachment Needle Bytes");
    let from_alice = message(
        &tk,
        MessageAuthor::Customer { user: alice.id },
        "Customer Body Needle",
        &[&f],
    );
    let from_desk = message(&tk, MessageAuthor::Desk, "Desk Body Needle", &[]);
    commit(
        t,
        Some(o.id),
        vec![
            Write::CreateTicket(Box::new(tk.clone())),
            Write::AddMessage {
                message: Box::new(from_alice.clone()),
                attachments: vec![f.clone()],
            },
            Write::AddMessage {
                message: Box::new(from_desk),
                attachments: vec![],
            },
            Write::LinkMail {
                ticket: tk.id,
                message_ids: vec!["msgid-needle@mail.acme.test".into()],
            },
            Write::RecordInbound {
                key: "id:inbound-needle@x".into(),
                outcome: "created:1".into(),
                ticket: Some(tk.id),
                at: now(),
            },
            Write::QueueMail(Box::new(mail(Some(&o), "Mail Needle Text"))),
        ],
    )
    .await;
    // Read back in clear through the store.
    let back = t.store.ticket(o.id, tk.id).await.unwrap().unwrap();
    assert_eq!(back.subject, "Secret Subject Needle");
    let msgs = t.store.messages(o.id, tk.id).await.unwrap();
    assert_eq!(
        msgs.iter().map(|m| m.body.as_str()).collect::<Vec<_>>(),
        ["Customer Body Needle", "Desk Body Needle"]
    );
    assert_eq!(msgs[0].attachments[0].filename, "needle-file.txt");
    let a = t
        .store
        .attachment(o.id, tk.id, f.meta.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(a.content, b"Attachment Needle Bytes");
    // Another org cannot purge its files; the retention rule can, and only the files go.
    commit(
        t,
        Some(new_org(t, "initech").await.id),
        vec![Write::PurgeAttachments(tk.id)],
    )
    .await;
    assert!(
        t.store
            .attachment(o.id, tk.id, f.meta.id)
            .await
            .unwrap()
            .is_some()
    );
    // Another org sees nothing of it.
    let other = new_org(t, "globex").await;
    assert!(t.store.ticket(other.id, tk.id).await.unwrap().is_none());
    assert!(t.store.messages(other.id, tk.id).await.unwrap().is_empty());
    assert!(
        t.store
            .attachment(other.id, tk.id, f.meta.id)
            .await
            .unwrap()
            .is_none()
    );
    // Not one needle on disk.
    assert_no_needles(t).await;

    commit(t, Some(o.id), vec![Write::PurgeAttachments(tk.id)]).await;
    assert!(
        t.store
            .attachment(o.id, tk.id, f.meta.id)
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(
        t.store.messages(o.id, tk.id).await.unwrap()[0].attachments[0].filename,
        "needle-file.txt"
    );

    // Erasing alice shreds what she wrote; the desk's message stays.
    commit(t, Some(o.id), vec![Write::EraseUser(alice.id)]).await;
    let msgs = t.store.messages(o.id, tk.id).await.unwrap();
    assert!(msgs[0].body.contains("erased"), "{}", msgs[0].body);
    assert!(msgs[0].attachments.is_empty());
    assert_eq!(msgs[1].body, "Desk Body Needle");
    assert!(
        t.store
            .attachment(o.id, tk.id, f.meta.id)
            .await
            .unwrap()
            .is_none()
    );
}

async fn tickets_are_numbered_versioned_listed_and_found_by_their_mail(t: &TempStore) {
    let o = new_org(t, "acme").await;
    let g = new_org(t, "globex").await;
    let ann = new_user(t, &o, "ann").await;
    let ann_too = new_user(t, &g, "ann").await;
    // The same address in two orgs: found in both.
    let email = Email::parse("ann@example.com").unwrap();
    let mut found = t.store.users_by_email(&email).await.unwrap();
    found.sort();
    let mut want = vec![(o.id, ann.id), (g.id, ann_too.id)];
    want.sort();
    assert_eq!(found, want);
    assert!(
        t.store
            .users_by_email(&Email::parse("nobody@example.com").unwrap())
            .await
            .unwrap()
            .is_empty()
    );

    let n1 = t.store.next_ticket_number().await.unwrap();
    let n2 = t.store.next_ticket_number().await.unwrap();
    assert_eq!(n2, n1 + 1);
    let t1 = ticket(&o, &ann, n1, "first");
    let t2 = ticket(&o, &ann, n2, "second");
    commit(
        t,
        Some(o.id),
        vec![
            Write::CreateTicket(Box::new(t1.clone())),
            Write::CreateTicket(Box::new(t2.clone())),
            Write::LinkMail {
                ticket: t1.id,
                message_ids: vec!["Thread-1@Mail.Acme.Test".into()],
            },
        ],
    )
    .await;
    // A number is unique.
    let dup = ticket(&o, &ann, n1, "dup");
    let (field, _) =
        conflict_of(try_commit(t, Some(o.id), vec![Write::CreateTicket(Box::new(dup))]).await);
    assert_eq!(field, "number");

    // Versions: the next version lands, a stale one is a conflict.
    let mut next = t1.clone();
    next.version = 2;
    next.history = TicketHistory::new(vec![
        HistoryEntry::Created {
            at: now(),
            status: TicketStatus::New,
        },
        HistoryEntry::Status {
            at: now(),
            to: TicketStatus::Resolved,
        },
    ])
    .unwrap();
    commit(
        t,
        Some(o.id),
        vec![Write::UpdateTicket(Box::new(next.clone()))],
    )
    .await;
    let (field, _) =
        conflict_of(try_commit(t, Some(o.id), vec![Write::UpdateTicket(Box::new(next))]).await);
    assert_eq!(field, "ticket");
    let back = t.store.ticket_by_number(n1).await.unwrap().unwrap();
    assert_eq!((back.version, back.status()), (2, TicketStatus::Resolved));
    // A ticket cannot be updated through another org's change.
    let mut foreign = back.clone();
    foreign.version = 3;
    assert!(
        try_commit(t, Some(g.id), vec![Write::UpdateTicket(Box::new(foreign))])
            .await
            .is_err()
    );

    // Listing: newest first, paged by number; open ones only on request.
    let page = t
        .store
        .tickets(o.id, &TicketFilter::default(), &PageRequest::first(1))
        .await
        .unwrap();
    assert_eq!(
        page.items.iter().map(|t| t.number).collect::<Vec<_>>(),
        [n2]
    );
    let rest = t
        .store
        .tickets(
            o.id,
            &TicketFilter::default(),
            &PageRequest {
                after: page.next.clone(),
                limit: 5,
            },
        )
        .await
        .unwrap();
    assert_eq!(
        rest.items.iter().map(|t| t.number).collect::<Vec<_>>(),
        [n1]
    );
    let open = t
        .store
        .tickets(
            o.id,
            &TicketFilter { open_only: true },
            &PageRequest::first(5),
        )
        .await
        .unwrap();
    assert_eq!(open.items.len(), 1);
    assert_eq!(t.store.open_tickets().await.unwrap().len(), 1);
    assert!(
        t.store
            .tickets(g.id, &TicketFilter::default(), &PageRequest::first(5))
            .await
            .unwrap()
            .items
            .is_empty()
    );

    // Threads: found whatever the brackets or the domain's case; unknown ids find nothing.
    let ids = vec![
        "unknown@x".to_string(),
        "<thread-1@mail.acme.test>".to_string(),
    ];
    assert!(
        t.store
            .ticket_for_mail(&["<Thread-1@MAIL.acme.test>".into()])
            .await
            .unwrap()
            .is_some()
    );
    assert_eq!(
        t.store.ticket_for_mail(&ids).await.unwrap(),
        None,
        "the local part keeps its case"
    );
    assert_eq!(
        t.store
            .ticket_for_mail(&["<Thread-1@mail.acme.test>".into()])
            .await
            .unwrap(),
        Some((o.id, t1.id))
    );

    // Handled mail: a second record of the same key is a conflict on `message_id`.
    let record = || Write::RecordInbound {
        key: "id:abc@x".into(),
        outcome: "ignored".into(),
        ticket: None,
        at: now(),
    };
    assert!(!t.store.inbound_seen("id:abc@x").await.unwrap());
    commit(t, None, vec![record()]).await;
    assert!(t.store.inbound_seen("id:abc@x").await.unwrap());
    let (field, _) = conflict_of(try_commit(t, None, vec![record()]).await);
    assert_eq!(field, "message_id");
}

async fn queued_mail_is_claimed_once_until_its_lease_runs_out(t: &TempStore) {
    let o = new_org(t, "acme").await;
    let a = mail(Some(&o), "one");
    let b = mail(None, "two");
    commit(t, Some(o.id), vec![Write::QueueMail(Box::new(a.clone()))]).await;
    commit(t, None, vec![Write::QueueMail(Box::new(b.clone()))]).await;
    assert_eq!(t.store.pending_mail_count().await.unwrap(), 2);
    let at = now();
    let lease = at + jiff::SignedDuration::from_mins(2);
    let claimed = t.store.claim_mail(at, lease, 10).await.unwrap();
    assert_eq!(claimed.len(), 2);
    assert_eq!(claimed[0].mail, a, "the mail comes back whole");
    assert!(
        t.store.claim_mail(at, lease, 10).await.unwrap().is_empty(),
        "leased"
    );
    let later = lease + jiff::SignedDuration::from_secs(1);
    assert_eq!(
        t.store
            .claim_mail(later, later + jiff::SignedDuration::from_mins(2), 10)
            .await
            .unwrap()
            .len(),
        2
    );

    // Delivered: gone. Deferred: not before its time. Given up: no longer pending.
    commit(t, Some(o.id), vec![Write::MailDelivered(a.id)]).await;
    let retry = later + jiff::SignedDuration::from_mins(10);
    commit(
        t,
        None,
        vec![Write::MailFailed {
            id: b.id,
            attempts: 1,
            retry_at: Some(retry),
            error: "451".into(),
        }],
    )
    .await;
    assert!(
        t.store
            .claim_mail(later, later, 10)
            .await
            .unwrap()
            .is_empty()
    );
    let again = t.store.claim_mail(retry, retry, 10).await.unwrap();
    assert_eq!((again.len(), again[0].attempts), (1, 1));
    commit(
        t,
        None,
        vec![Write::MailFailed {
            id: b.id,
            attempts: 2,
            retry_at: None,
            error: "550".into(),
        }],
    )
    .await;
    assert_eq!(t.store.pending_mail_count().await.unwrap(), 0);
    let e = try_commit(
        t,
        None,
        vec![Write::MailDelivered(MailId::from_random(rand_bytes()))],
    )
    .await;
    assert!(e.is_ok(), "delivering an unknown mail is a no-op: {e:?}");
    assert!(matches!(
        try_commit(
            t,
            None,
            vec![Write::MailFailed {
                id: b.id,
                attempts: 3,
                retry_at: None,
                error: "x".into()
            }]
        )
        .await,
        Err(CoreError::NotFound { .. })
    ));
}
