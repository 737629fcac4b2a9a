//! Uniqueness rules come back as conflicts naming the field (without personal data in the
//! reason), the seat check holds inside the transaction, and a refused change leaves nothing.

use crate::fixtures::*;
use skydir_core::CoreError;
use skydir_core::change::{Change, Write};
use skydir_core::directory::{BindingSubject, Email, GroupMember, Plan};
use skydir_core::page::PageRequest;
use skydir_core::ports::DirectoryStore;
use skydir_store::testing::TempStore;

on_both_backends!(
    every_uniqueness_rule_names_its_field,
    free_plan_allows_ten_users_and_refuses_the_eleventh,
    concurrent_creations_cannot_overrun_the_seats,
    a_refused_change_leaves_no_write_and_no_audit_event,
);

async fn every_uniqueness_rule_names_its_field(t: &TempStore) {
    let o = new_org(t, "acme").await;
    let other = new_org(t, "other").await;

    // Org slug.
    let (field, reason) =
        conflict_of(try_commit(t, None, vec![Write::CreateOrg(org("acme"))]).await);
    assert_eq!(field, "slug");
    assert!(reason.contains("'acme'"), "{reason}");

    // Username, per org.
    let ann = new_user(t, &o, "ann").await;
    let mut dup = user(&o, "ann");
    dup.email = Email::parse("someone.else@example.com").unwrap();
    let (field, reason) = conflict_of(
        try_commit(
            t,
            Some(o.id),
            vec![Write::CreateUser {
                user: Box::new(dup),
                credential: None,
            }],
        )
        .await,
    );
    assert_eq!(field, "username");
    assert_eq!(
        reason,
        "a user named 'ann' already exists in this organization"
    );
    new_user(t, &other, "ann").await; // same name in another org is fine

    // Email, per org, through the blind index; the reason never repeats the address.
    let mut same_mail = user(&o, "ann2");
    same_mail.email = Email::parse("ANN@example.com").unwrap();
    let (field, reason) = conflict_of(
        try_commit(
            t,
            Some(o.id),
            vec![Write::CreateUser {
                user: Box::new(same_mail),
                credential: None,
            }],
        )
        .await,
    );
    assert_eq!(field, "email");
    assert_eq!(reason, "another user of this organization has this email");
    assert!(!reason.contains("example.com"));

    // Email conflict on update too.
    let mut bob = new_user(t, &o, "bob").await;
    bob.email = ann.email.clone();
    let (field, _) =
        conflict_of(try_commit(t, Some(o.id), vec![Write::UpdateUser(Box::new(bob))]).await);
    assert_eq!(field, "email");

    // uidNumber, per org.
    let mut clash = user(&o, "carl");
    clash.posix.uid_number = ann.posix.uid_number;
    let (field, _) = conflict_of(
        try_commit(
            t,
            Some(o.id),
            vec![Write::CreateUser {
                user: Box::new(clash),
                credential: None,
            }],
        )
        .await,
    );
    assert_eq!(field, "posix.uid_number");

    // Group name and gidNumber.
    let g = new_group(t, &o, "staff").await;
    let (field, reason) =
        conflict_of(try_commit(t, Some(o.id), vec![Write::CreateGroup(group(&o, "staff"))]).await);
    assert_eq!(field, "name");
    assert!(reason.contains("group named 'staff'"), "{reason}");
    let mut gid = group(&o, "other-staff");
    gid.gid_number = g.gid_number;
    let (field, _) = conflict_of(try_commit(t, Some(o.id), vec![Write::CreateGroup(gid)]).await);
    assert_eq!(field, "gid_number");

    // System hostname.
    commit(
        t,
        Some(o.id),
        vec![Write::CreateSystem(system(&o, "web-1"))],
    )
    .await;
    let (field, reason) = conflict_of(
        try_commit(
            t,
            Some(o.id),
            vec![Write::CreateSystem(system(&o, "web-1"))],
        )
        .await,
    );
    assert_eq!(field, "hostname");
    assert!(reason.contains("'web-1'"), "{reason}");
    commit(
        t,
        Some(other.id),
        vec![Write::CreateSystem(system(&other, "web-1"))],
    )
    .await;

    // Resource name.
    let r = resource(&o, "wiki");
    commit(t, Some(o.id), vec![Write::CreateResource(r.clone())]).await;
    let (field, reason) = conflict_of(
        try_commit(
            t,
            Some(o.id),
            vec![Write::CreateResource(resource(&o, "wiki"))],
        )
        .await,
    );
    assert_eq!(field, "name");
    assert!(reason.contains("resource named 'wiki'"), "{reason}");

    // Duplicate membership and binding.
    let add = Write::AddMember {
        group: g.id,
        member: GroupMember::User(ann.id),
    };
    commit(t, Some(o.id), vec![add.clone()]).await;
    let (field, _) = conflict_of(try_commit(t, Some(o.id), vec![add]).await);
    assert_eq!(field, "member");
    commit(
        t,
        Some(o.id),
        vec![Write::CreateBinding(binding(
            &o,
            &r,
            BindingSubject::Group(g.id),
        ))],
    )
    .await;
    let (field, _) = conflict_of(
        try_commit(
            t,
            Some(o.id),
            vec![Write::CreateBinding(binding(
                &o,
                &r,
                BindingSubject::Group(g.id),
            ))],
        )
        .await,
    );
    assert_eq!(field, "subject");
}

async fn free_plan_allows_ten_users_and_refuses_the_eleventh(t: &TempStore) {
    let o = new_org(t, "acme").await;
    let create = |name: &str| {
        Change::new(Some(o.id))
            .write(Write::CreateUser {
                user: Box::new(user(&o, name)),
                credential: None,
            })
            .audit(draft(Some(o.id), "user.create"))
            .seats(Plan::free(), now())
    };
    for i in 1..=9 {
        t.store.commit(create(&format!("user{i}"))).await.unwrap();
    }
    // Nine users: a batch of two would make eleven.
    let mut two = create("user10");
    two.writes.push(Write::CreateUser {
        user: Box::new(user(&o, "user11")),
        credential: None,
    });
    let r = t.store.commit(two).await;
    assert!(
        matches!(r, Err(CoreError::PlanLimit { limit: 10, .. })),
        "{r:?}"
    );
    // The tenth is fine.
    t.store.commit(create("user10")).await.unwrap();
    // The eleventh is refused with the plan's error.
    let r = t.store.commit(create("user11")).await;
    match r {
        Err(CoreError::PlanLimit {
            plan,
            limit,
            remedy,
        }) => {
            assert_eq!((plan.as_str(), limit), ("free", 10));
            assert!(remedy.contains("upgrade"), "{remedy}");
        }
        other => panic!("expected PlanLimit, got {other:?}"),
    }
    assert_eq!(t.store.count_users(o.id).await.unwrap(), 10);
}

async fn concurrent_creations_cannot_overrun_the_seats(t: &TempStore) {
    let o = new_org(t, "acme").await;
    let mut tasks = Vec::new();
    for i in 0..16 {
        let store = t.store.clone();
        let u = user(&o, &format!("u{i}"));
        tasks.push(tokio::spawn(async move {
            let org = u.org;
            let c = Change::new(Some(org))
                .write(Write::CreateUser {
                    user: Box::new(u),
                    credential: None,
                })
                .audit(draft(Some(org), "user.create"))
                .seats(Plan::free(), now());
            store.commit(c).await
        }));
    }
    let mut ok = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(()) => ok += 1,
            Err(CoreError::PlanLimit { .. }) => {}
            Err(e) => panic!("unexpected error {e:?}"),
        }
    }
    assert_eq!(ok, 10);
    assert_eq!(t.store.count_users(o.id).await.unwrap(), 10);
}

async fn a_refused_change_leaves_no_write_and_no_audit_event(t: &TempStore) {
    let o = new_org(t, "acme").await;
    new_group(t, &o, "taken").await;
    let chain = skydir_core::audit::ChainKey::Org(o.id);
    let before = t.store.audit_head(chain).await.unwrap();

    let first = group(&o, "fresh");
    let fresh_user = user(&o, "fresh-user");
    let change = Change::new(Some(o.id))
        .write(Write::CreateGroup(first.clone()))
        .write(Write::CreateUser {
            user: Box::new(fresh_user.clone()),
            credential: None,
        })
        .write(Write::CreateGroup(group(&o, "taken")))
        .audit(draft(Some(o.id), "group.create"))
        .audit(draft(None, "deployment.note"));
    let (field, _) = conflict_of(t.store.commit(change).await);
    assert_eq!(field, "name");

    let s = &t.store;
    assert_eq!(s.group_by_id(o.id, first.id).await.unwrap(), None);
    assert_eq!(s.user_by_id(o.id, fresh_user.id).await.unwrap(), None);
    assert_eq!(s.audit_head(chain).await.unwrap(), before);
    assert_eq!(
        s.audit_head(skydir_core::audit::ChainKey::Deployment)
            .await
            .unwrap(),
        None
    );
    let groups = s.list_groups(o.id, &PageRequest::first(10)).await.unwrap();
    assert_eq!(groups.items.len(), 1);
}
