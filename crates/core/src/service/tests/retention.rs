//! Retention over the in-memory store with a controlled clock: files of closed tickets stay
//! while the organization uses the service, and go only after the period its admins chose.

use super::*;
use crate::ports::DeskStore;
use crate::secret::Personal;
use crate::support::{Category, Severity, TicketStatus};

struct Closed {
    dir: Directory<MemoryStore>,
    store: MemoryStore,
    clock: Arc<FixedClock>,
    org: Org,
    admin: Actor,
    number: u64,
}

/// Acme with its admin Alice, who filed a ticket with a ten-byte file and closed it on
/// 1 June 2026.
async fn a_closed_ticket_with_a_file() -> Closed {
    let (dir, store, clock) = clocked("2026-06-01T15:00:00Z", 9);
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
                subject: Personal("Agent log".into()),
                category: Category::HowTo,
                severity: Some(Severity::S4),
                impact: None,
                description: Personal("How do I read this agent log file we attached?".into()),
                troubleshooting: Personal("Read the docs.".into()),
                error_messages: Personal("none".into()),
                system: None,
                attachments: vec![NewAttachment {
                    filename: "agent.log".into(),
                    content_type: crate::support::MediaType::parse("text/plain").unwrap(),
                    content: b"0123456789".to_vec(),
                }],
                critical: false,
            },
            crate::support::Channel::Api,
        )
        .await
        .unwrap();
    assert!(
        dir.purge_expired_attachments(&Actor::System, false)
            .await
            .unwrap()
            .is_empty(),
        "open tickets keep their files"
    );
    dir.set_ticket_status_as_customer(&admin, &o.slug, t.number, TicketStatus::Closed)
        .await
        .unwrap();
    Closed {
        dir,
        store,
        clock,
        org: o,
        admin,
        number: t.number,
    }
}

impl Closed {
    fn at(&self, t: &str) {
        *self.clock.0.lock().unwrap() = t.parse().unwrap();
    }

    async fn file_kept(&self) -> bool {
        let ticket = self
            .store
            .ticket_by_number(self.number)
            .await
            .unwrap()
            .unwrap();
        let msgs = self.store.messages(self.org.id, ticket.id).await.unwrap();
        let meta = &msgs[0].attachments[0];
        assert_eq!(
            meta.filename, "agent.log",
            "the conversation keeps the file's name"
        );
        self.store
            .attachment(self.org.id, ticket.id, meta.id)
            .await
            .unwrap()
            .is_some()
    }
}

#[tokio::test]
async fn closed_tickets_keep_their_files_while_the_org_is_active_without_an_opt_in() {
    let c = a_closed_ticket_with_a_file().await;
    let view = c.dir.org_retention(&c.admin, &c.org.slug).await.unwrap();
    assert_eq!(view.attachment_days, None);
    assert_eq!(
        view.attachments,
        "kept while the organization uses the service"
    );
    // Ten years later, with the job run and previewed: nothing goes.
    c.at("2036-06-02T15:00:00Z");
    for dry_run in [true, false] {
        assert!(
            c.dir
                .purge_expired_attachments(&Actor::System, dry_run)
                .await
                .unwrap()
                .is_empty()
        );
    }
    assert!(c.file_kept().await);
    // The provider cannot choose it for the organization.
    assert!(
        c.dir
            .set_org_retention(&op(), &c.org.slug, Some(30))
            .await
            .is_err(),
        "the admin's own setting"
    );
}

#[tokio::test]
async fn closed_tickets_lose_their_files_after_the_retention_period_and_a_dry_run_changes_nothing()
{
    let c = a_closed_ticket_with_a_file().await;
    assert!(
        c.dir
            .set_org_retention(&c.admin, &c.org.slug, Some(0))
            .await
            .is_err(),
        "at least a day"
    );
    let view = c
        .dir
        .set_org_retention(&c.admin, &c.org.slug, Some(365))
        .await
        .unwrap();
    assert_eq!(view.attachment_days, Some(365));
    let audited = c
        .store
        .events(ChainKey::Org(c.org.id))
        .into_iter()
        .filter(|e| e.action == "privacy.retention")
        .count();
    assert_eq!(audited, 1, "the choice is in the org's audit log");
    c.at("2027-05-31T15:00:00Z");
    assert!(
        c.dir
            .purge_expired_attachments(&Actor::System, false)
            .await
            .unwrap()
            .is_empty(),
        "not before the chosen period"
    );
    c.at("2027-06-02T15:00:00Z");
    let preview = c
        .dir
        .purge_expired_attachments(&Actor::System, true)
        .await
        .unwrap();
    assert_eq!(
        (preview.len(), preview[0].files, preview[0].bytes),
        (1, 1, 10)
    );
    let again = c
        .dir
        .purge_expired_attachments(&Actor::System, true)
        .await
        .unwrap();
    assert_eq!(again.len(), 1, "the dry run changed nothing");
    let done = c
        .dir
        .purge_expired_attachments(&Actor::System, false)
        .await
        .unwrap();
    assert_eq!(done.len(), 1);
    assert!(
        c.dir
            .purge_expired_attachments(&Actor::System, false)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        c.dir
            .purge_expired_attachments(&c.admin, true)
            .await
            .is_err(),
        "the provider's job"
    );
    assert!(!c.file_kept().await, "the file is gone");
    // Back to keeping the files: the admin's choice, audited again.
    let view = c
        .dir
        .set_org_retention(&c.admin, &c.org.slug, None)
        .await
        .unwrap();
    assert_eq!(view.attachment_days, None);
}
