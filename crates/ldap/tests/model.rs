//! The read model kept current by change notices answers exactly as one loaded from scratch,
//! and a change rebuilds only what it touched: every other user's entry is shared (the same
//! `Arc`) with the view before it.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use skydir_core::change::Touched;
use skydir_core::directory::{GroupMember, Name};
use skydir_core::ids::UserId;
use skydir_ldap::entry::Entry;
use skydir_ldap::model::{OrgView, ReadModel, Tree};
use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use support::fake_store::{Fake, State, gid, group, org, uid};

const N: usize = 120;

fn fake() -> Fake {
    let o = org().unwrap();
    let fake = Fake {
        org: o.clone(),
        s: Mutex::new(State {
            n: N,
            varied: true,
            ..State::default()
        }),
    };
    let teams: Vec<_> = (1..=6)
        .map(|g| group(g, &format!("team-{g}"), o.id).unwrap())
        .collect();
    fake.with(|s| {
        s.groups = teams;
        for i in 1..=N {
            s.edges.push((gid(1 + i % 4), GroupMember::User(uid(i))));
        }
        s.edges.push((gid(5), GroupMember::Group(gid(1))));
        s.edges.push((gid(6), GroupMember::Group(gid(5))));
        s.edges.push((gid(1), GroupMember::Group(gid(6))));
        s.admins = vec![uid(1)];
    });
    fake
}

fn touched(fake: &Fake, users: &[usize], groups: &[usize], memberships: bool) -> Touched {
    Touched {
        seq: 0,
        org: fake.org.id,
        reload: false,
        org_record: false,
        users: users.iter().map(|i| uid(*i)).collect(),
        groups: groups.iter().map(|i| gid(*i)).collect(),
        memberships,
        admins: false,
        service_accounts: false,
    }
}

fn all(view: &OrgView) -> Vec<Arc<Entry>> {
    view.containers
        .iter()
        .chain(view.users())
        .chain(view.groups.values())
        .cloned()
        .collect()
}

/// `kept` is what the store holds now, `fresh` a model loaded from it from scratch.
async fn assert_same_as_fresh(fake: &Fake, kept: &OrgView) {
    let fresh = ReadModel::new(Tree::new("dc=skydir"));
    fresh.load_all(fake).await.unwrap();
    let fresh = fresh.get(fake.org.id).unwrap();
    let (a, b) = (all(kept), all(&fresh));
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(**x, **y);
    }
    for i in 0..=N + 1 {
        let id = uid(i);
        assert_eq!(kept.user_entry(id), fresh.user_entry(id), "user {i}");
        assert_eq!(kept.groups_of(id), fresh.groups_of(id), "user {i}");
        if let Some(e) = kept.user_entry(id) {
            let (_, uid) = e.ndn.leaf().unwrap();
            assert!(Arc::ptr_eq(kept.user_by_uid(uid).unwrap(), e));
        }
    }
    for g in 1..=7 {
        assert_eq!(kept.group_entry(gid(g)), fresh.group_entry(gid(g)));
    }
}

/// The users whose entry is no longer the same `Arc` as before.
fn rebuilt(before: &OrgView, after: &OrgView) -> HashSet<usize> {
    (0..=N + 1)
        .filter(|i| {
            let id: UserId = uid(*i);
            match (before.user_entry(id), after.user_entry(id)) {
                (Some(a), Some(b)) => !Arc::ptr_eq(a, b),
                (None, None) => false,
                _ => true,
            }
        })
        .collect()
}

#[tokio::test]
async fn changes_give_the_view_a_fresh_load_gives_and_share_what_they_did_not_touch() {
    let fake = fake();
    let model = ReadModel::new(Tree::new("dc=skydir"));
    model.load_all(&fake).await.unwrap();
    let view = || model.get(fake.org.id).unwrap();
    let v0 = view();
    assert_same_as_fresh(&fake, &v0).await;
    assert!(
        v0.users().len() > 90 && v0.users().len() < N,
        "{}",
        v0.users().len()
    );

    // A user's mail changes and another user is deleted: only they are rebuilt.
    fake.with(|s| {
        s.email.insert(4, "changed@example.org".into());
        s.gone.insert(8);
    });
    model
        .apply(&fake, &touched(&fake, &[4, 8], &[], false))
        .await
        .unwrap();
    let v1 = view();
    assert_same_as_fresh(&fake, &v1).await;
    assert_eq!(rebuilt(&v0, &v1), HashSet::from([4, 8]));

    // User 9 joins team-6 (nested in team-1, itself in team-5 and team-6): only user 9 moves.
    fake.with(|s| s.edges.push((gid(6), GroupMember::User(uid(9)))));
    model
        .apply(&fake, &touched(&fake, &[], &[], true))
        .await
        .unwrap();
    let v2 = view();
    assert_same_as_fresh(&fake, &v2).await;
    assert_eq!(rebuilt(&v1, &v2), HashSet::from([9]));

    // team-5 drops team-1: the members of team-1 (and of team-6, nested in it) lose team-5.
    fake.with(|s| {
        s.edges
            .retain(|e| *e != (gid(5), GroupMember::Group(gid(1))))
    });
    model
        .apply(&fake, &touched(&fake, &[], &[], true))
        .await
        .unwrap();
    let v3 = view();
    assert_same_as_fresh(&fake, &v3).await;
    let moved = rebuilt(&v2, &v3);
    assert!(!moved.is_empty() && moved.len() < N / 2, "{moved:?}");
    assert!(
        moved.iter().all(|i| (1 + i % 4 == 1) || *i == 9),
        "{moved:?}"
    );

    // A group renamed, another deleted with its edges, a user staged, a staged one unstaged.
    fake.with(|s| {
        if let Some(g) = s.groups.iter_mut().find(|g| g.id == gid(2)) {
            g.name = Name::parse("renamed").unwrap();
        }
        s.groups.retain(|g| g.id != gid(3));
        s.edges
            .retain(|(g, m)| *g != gid(3) && *m != GroupMember::Group(gid(3)));
        s.staged.insert(10);
        s.varied = true;
    });
    model
        .apply(&fake, &touched(&fake, &[10], &[2, 3], true))
        .await
        .unwrap();
    let v4 = view();
    assert_same_as_fresh(&fake, &v4).await;
    assert!(v4.user_entry(uid(10)).is_none());
    // A group with nobody in it, and a group of everyone, are rebuilt like the rest.
    let everyone = group(7, "everyone", fake.org.id).unwrap();
    fake.with(|s| {
        s.groups.push(everyone);
        for i in 1..=N {
            s.edges.push((gid(7), GroupMember::User(uid(i))));
        }
        s.edges.retain(|(g, _)| *g != gid(4));
    });
    model
        .apply(&fake, &touched(&fake, &[], &[7], true))
        .await
        .unwrap();
    assert_same_as_fresh(&fake, &view()).await;
}
