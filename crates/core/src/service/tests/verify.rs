//! Verified requests over the in-memory store: links go to every active admin, only their
//! confirmation (with an authenticator code when enrolled) makes skydir act, and what the
//! policy forbids is refused outright.

use super::*;
use crate::access::StaffRole;
use crate::ports::DeskStore;
use crate::secret::Personal;
use crate::service::{Decision, NewTicket};
use crate::support::{Category, SecurityRequest};

struct World {
    dir: Directory<MemoryStore>,
    store: MemoryStore,
    org: Org,
    agent: Actor,
    alice: Actor,
    clock: Arc<FixedClock>,
}

async fn world() -> World {
    let store = MemoryStore::default();
    let clock = Arc::new(FixedClock(Mutex::new(
        "2026-06-01T15:00:00Z".parse().unwrap(),
    )));
    let dir = Directory::new(
        store.clone(),
        clock.clone(),
        Arc::new(CounterRng(AtomicU64::new(7))),
        Arc::new(InlinePasswordWork(fast())),
    );
    let o = org(
        &dir,
        "acme",
        Plan::new(PlanKind::Monthly, Some(9), None).unwrap(),
    )
    .await;
    for n in ["alice", "bob"] {
        dir.create_user(
            &provision(),
            &o.slug,
            new_user(n, Some("a long passphrase")),
        )
        .await
        .unwrap();
    }
    dir.grant_admin(&provision(), &o.slug, &Username::parse("alice").unwrap())
        .await
        .unwrap();
    let a = store
        .users_with_email(&Email::parse("alice@example.com").unwrap())
        .unwrap()[0];
    let (staff, _) = dir
        .create_staff(&op(), "ann", StaffRole::Agent)
        .await
        .unwrap();
    World {
        dir,
        store,
        org: o,
        agent: Actor::SupportAgent { staff: staff.id },
        alice: Actor::OrgAdmin {
            org: a.0,
            user: a.1,
        },
        clock,
    }
}

async fn ticket(w: &World) -> u64 {
    w.dir
        .open_ticket(
            &w.alice,
            &w.org.slug,
            NewTicket {
                subject: Personal("Make Bob an admin".into()),
                category: Category::AccountSecurity,
                severity: None,
                impact: None,
                description: Personal("Please make Bob an administrator of our account.".into()),
                troubleshooting: Personal(String::new()),
                error_messages: Personal(String::new()),
                system: None,
                attachments: vec![],
                critical: false,
            },
            crate::support::Channel::Api,
        )
        .await
        .unwrap()
        .number
}

/// The confirmation tokens in the queued mail, in order.
async fn tokens(store: &MemoryStore) -> Vec<String> {
    let far: Timestamp = "2100-01-01T00:00:00Z".parse().unwrap();
    store
        .claim_mail(far, far, 100)
        .await
        .unwrap()
        .iter()
        .filter_map(|q| {
            let i = q.mail.text.find("/verify/skv_")?;
            Some(q.mail.text[i + 8..i + 8 + 47].to_string())
        })
        .collect()
}

fn bob() -> Username {
    Username::parse("bob").unwrap()
}

fn bob_id(w: &World) -> crate::ids::UserId {
    w.store
        .users_with_email(&Email::parse("bob@example.com").unwrap())
        .unwrap()[0]
        .1
}

#[tokio::test]
async fn an_admins_confirmation_makes_skydir_delete_the_account_and_nothing_before_it() {
    let w = world().await;
    let n = ticket(&w).await;
    let v = w
        .dir
        .open_verification(&w.agent, n, SecurityRequest::DeleteAccount, Some(&bob()))
        .await
        .unwrap();
    assert_eq!((v.state, v.sent_to), ("pending", 1));
    let bob_id = bob_id(&w);
    assert!(
        w.dir
            .store()
            .user_by_id(w.org.id, bob_id)
            .await
            .unwrap()
            .is_some(),
        "nothing happens before a confirmation"
    );
    let t = tokens(&w.store).await;
    assert_eq!(t.len(), 1, "one link per active admin");
    let prompt = w.dir.verification_prompt(&t[0]).await.unwrap();
    assert!(
        prompt
            .describe
            .contains("delete the account of the user 'bob'"),
        "{}",
        prompt.describe
    );
    assert!(!prompt.needs_totp);
    assert_eq!(
        w.dir
            .decide_verification(&t[0], Decision::Confirm, None)
            .await
            .unwrap(),
        "confirmed"
    );
    assert!(
        w.dir
            .store()
            .user_by_id(w.org.id, bob_id)
            .await
            .unwrap()
            .is_none()
    );
    let deleted = w
        .store
        .events(ChainKey::Org(w.org.id))
        .into_iter()
        .find(|e| e.action == "user.delete" && e.actor == "system")
        .expect("skydir deleted it, audited");
    assert!(deleted.detail["verification"].is_string());
    // A link works once.
    let again = w
        .dir
        .decide_verification(&t[0], Decision::Confirm, None)
        .await;
    assert!(
        matches!(again, Err(CoreError::Conflict { .. })),
        "{again:?}"
    );
    // A made-up link finds nothing.
    assert!(w.dir.verification_prompt("skv_nope").await.is_err());
}

/// "Will not take this action for you at any time": an agent cannot even open a request to
/// make someone an admin — and one stored before that rule is refused when an admin confirms
/// it, because skydir asks `support::security::may_carry_out` before it acts.
#[tokio::test]
async fn making_someone_an_admin_is_never_verified_into_happening() {
    use crate::support::verification::{token_from_random, token_hash};
    use crate::support::{Challenge, VerificationRequest, VerificationState, VerifiedAction};
    let w = world().await;
    let n = ticket(&w).await;
    let e = w
        .dir
        .open_verification(&w.agent, n, SecurityRequest::MakeAdmin, Some(&bob()))
        .await
        .unwrap_err();
    assert!(
        e.to_string().contains("never make anyone an administrator")
            && e.to_string().contains("admin console"),
        "{e}"
    );
    assert!(tokens(&w.store).await.is_empty(), "no link went out");
    // A request of the old kind, already in the store with a link for Alice.
    let ticket = w.store.ticket_by_number(n).await.unwrap().unwrap();
    let Actor::OrgAdmin { user: alice, .. } = w.alice else {
        unreachable!()
    };
    let Actor::SupportAgent { staff } = w.agent else {
        unreachable!()
    };
    let token = token_from_random([42; 32]);
    let now = w.dir.now();
    let old = VerificationRequest {
        id: crate::ids::VerificationId::from_random([43; 16]),
        org: w.org.id,
        ticket: ticket.id,
        ticket_number: n,
        action: VerifiedAction::MakeAdmin { user: bob_id(&w) },
        subject_username: Some("bob".into()),
        opened_by: staff,
        opened_at: now,
        expires_at: now + crate::support::verification::LIFETIME,
        state: VerificationState::Pending,
        version: 1,
    };
    let challenge = Challenge {
        verification: old.id,
        admin: alice,
        token_hash: token_hash(&token).unwrap(),
    };
    w.store
        .commit(crate::change::Change::new(Some(w.org.id)).write(
            crate::change::Write::CreateVerification {
                request: Box::new(old),
                challenges: vec![challenge],
            },
        ))
        .await
        .unwrap();
    let e = w
        .dir
        .decide_verification(&token, Decision::Confirm, None)
        .await
        .unwrap_err();
    assert!(matches!(e, CoreError::Forbidden { .. }), "{e:?}");
    assert!(
        !w.dir
            .store()
            .admins(w.org.id)
            .await
            .unwrap()
            .contains(&bob_id(&w)),
        "Bob is no admin"
    );
}

#[tokio::test]
async fn what_the_policy_forbids_is_refused_and_links_expire() {
    let w = world().await;
    let n = ticket(&w).await;
    for never in [
        SecurityRequest::ChangePassword,
        SecurityRequest::AddToResource,
        SecurityRequest::MakeAdmin,
    ] {
        let e = w
            .dir
            .open_verification(&w.agent, n, never, Some(&bob()))
            .await
            .unwrap_err();
        assert!(matches!(e, CoreError::Forbidden { .. }), "{e:?}");
    }
    // Customers cannot open verifications, agents cannot decide them.
    assert!(
        w.dir
            .open_verification(
                &w.alice,
                n,
                SecurityRequest::DiscloseAccountInformation,
                None
            )
            .await
            .is_err()
    );
    w.dir
        .open_verification(
            &w.agent,
            n,
            SecurityRequest::DiscloseAccountInformation,
            None,
        )
        .await
        .unwrap();
    let t = tokens(&w.store).await;
    *w.clock.0.lock().unwrap() = "2026-06-02T15:00:01Z".parse().unwrap();
    let e = w
        .dir
        .decide_verification(&t[0], Decision::Confirm, None)
        .await
        .unwrap_err();
    assert!(e.to_string().contains("expired"), "{e}");
}

#[tokio::test]
async fn an_enrolled_admin_confirms_with_a_code_and_a_rejection_does_nothing() {
    let w = world().await;
    // Alice enrolls an authenticator.
    let p = w.dir.begin_totp(&w.alice).await.unwrap();
    let secret = totp_rs::Secret::try_from_base32(p.secret_base32.expose()).unwrap();
    let totp = totp_rs::Builder::new().with_secret(secret).build().unwrap();
    let now = |w: &World| w.dir.now().as_second() as u64;
    w.dir
        .confirm_totp(&w.alice, &totp.generate(now(&w)).to_string())
        .await
        .unwrap();
    *w.clock.0.lock().unwrap() = "2026-06-01T15:01:00Z".parse().unwrap();
    let n = ticket(&w).await;
    w.dir
        .open_verification(&w.agent, n, SecurityRequest::DeleteAccount, Some(&bob()))
        .await
        .unwrap();
    let t = tokens(&w.store).await;
    let token = t.last().unwrap();
    assert!(w.dir.verification_prompt(token).await.unwrap().needs_totp);
    let e = w
        .dir
        .decide_verification(token, Decision::Confirm, None)
        .await
        .unwrap_err();
    assert_eq!(e, CoreError::SecondFactorRequired);
    let wrong = Secret::new("000000");
    assert!(
        w.dir
            .decide_verification(token, Decision::Confirm, Some(&wrong))
            .await
            .is_err()
    );
    let code = Secret::new(totp.generate(now(&w)).to_string());
    assert_eq!(
        w.dir
            .decide_verification(token, Decision::Reject, Some(&code))
            .await
            .unwrap(),
        "rejected"
    );
    assert!(
        w.dir
            .store()
            .user_by_name(w.org.id, &bob())
            .await
            .unwrap()
            .is_some(),
        "nothing done"
    );

    // Deleting the only active admin is refused even when confirmed.
    *w.clock.0.lock().unwrap() = "2026-06-01T15:03:00Z".parse().unwrap();
    w.dir
        .open_verification(
            &w.agent,
            n,
            SecurityRequest::DeleteAccount,
            Some(&Username::parse("alice").unwrap()),
        )
        .await
        .unwrap();
    let t = tokens(&w.store).await;
    let code = Secret::new(totp.generate(now(&w)).to_string());
    let e = w
        .dir
        .decide_verification(t.last().unwrap(), Decision::Confirm, Some(&code))
        .await
        .unwrap_err();
    assert!(e.to_string().contains("last active administrator"), "{e}");
}

/// "Deleting your account without proper authorization" is not done — and with it, it is:
/// support opens a request to delete the organization, an active admin confirms it through the
/// mailed link, and skydir schedules the purge after the grace period; any admin can cancel
/// until then, and nothing happens before the confirmation.
#[tokio::test]
async fn an_admins_confirmation_schedules_the_organizations_deletion_and_any_admin_may_cancel() {
    use crate::privacy::org_deletion::DeletionState;
    let w = world().await;
    let n = ticket(&w).await;
    let v = w
        .dir
        .open_verification(&w.agent, n, SecurityRequest::DeleteOrganization, None)
        .await
        .unwrap();
    assert_eq!((v.action, v.state), ("delete_organization", "pending"));
    assert!(
        w.dir.org_deletion(&w.alice, &w.org.slug).await.is_err(),
        "nothing before the confirmation"
    );
    let t = tokens(&w.store).await;
    let prompt = w.dir.verification_prompt(&t[0]).await.unwrap();
    assert!(
        prompt.describe.contains("delete the organization 'acme'"),
        "{}",
        prompt.describe
    );
    w.dir
        .decide_verification(&t[0], Decision::Confirm, None)
        .await
        .unwrap();
    let d = w.dir.org_deletion(&w.alice, &w.org.slug).await.unwrap();
    assert_eq!(d.state, DeletionState::Scheduled);
    assert!(d.confirmed_by.unwrap().starts_with("verification:"));
    let mails = w
        .store
        .with_desk(|s| s.queued_to("alice@example.com"))
        .unwrap();
    assert!(
        mails
            .iter()
            .any(|m| m.text.contains("will be purged") && m.text.contains("can cancel")),
        "the admins are told"
    );
    // Alice cancels; a second request, confirmed, runs its course to the purge.
    w.dir
        .cancel_org_deletion(&w.alice, &w.org.slug)
        .await
        .unwrap();
    let n = ticket(&w).await;
    w.dir
        .open_verification(&w.agent, n, SecurityRequest::DeleteOrganization, None)
        .await
        .unwrap();
    let fresh: Vec<String> = tokens(&w.store)
        .await
        .into_iter()
        .filter(|x| !t.contains(x))
        .collect();
    assert_eq!(fresh.len(), 1, "one link for the one active admin");
    w.dir
        .decide_verification(&fresh[0], Decision::Confirm, None)
        .await
        .unwrap();
    let purge_at = w
        .dir
        .org_deletion(&w.alice, &w.org.slug)
        .await
        .unwrap()
        .purge_at
        .unwrap();
    *w.clock.0.lock().unwrap() = purge_at;
    let purged = w.dir.purge_due_orgs(&Actor::System, false).await.unwrap();
    assert_eq!(purged.len(), 1);
    assert!(
        w.dir
            .store()
            .org_by_slug(&w.org.slug)
            .await
            .unwrap()
            .is_none()
    );
    // The agent could never do it directly.
    assert!(w.dir.purge_due_orgs(&w.agent, false).await.is_err());
}
