//! Groups and memberships, systems, resources and access bindings: round-trips, updates,
//! deletes (with what hangs off them) and listings.

use crate::fixtures::*;
use skydir_core::change::Write;
use skydir_core::directory::{
    BindingSubject, GroupMember, JoinMethod, Name, OsFamily, ResourceKind,
};
use skydir_core::page::PageRequest;
use skydir_core::ports::DirectoryStore;
use skydir_store::testing::TempStore;

on_both_backends!(
    groups_round_trip_update_and_list,
    memberships_add_list_remove,
    delete_group_takes_its_edges_and_bindings,
    systems_round_trip_update_delete_list,
    systems_written_without_how_they_join_read_as_unknown,
    resources_and_bindings_round_trip,
);

async fn groups_round_trip_update_and_list(t: &TempStore) {
    let o = new_org(t, "acme").await;
    let g = new_group(t, &o, "engineering").await;
    let s = &t.store;
    assert_eq!(
        s.group_by_name(o.id, &g.name).await.unwrap(),
        Some(g.clone())
    );
    let mut changed = g.clone();
    changed.name = Name::parse("eng").unwrap();
    changed.description = "builders".into();
    commit(t, Some(o.id), vec![Write::UpdateGroup(changed.clone())]).await;
    assert_eq!(
        s.group_by_id(o.id, g.id).await.unwrap(),
        Some(changed.clone())
    );
    assert_eq!(s.group_by_name(o.id, &g.name).await.unwrap(), None);

    for n in ["ops", "design", "sales", "admins"] {
        new_group(t, &o, n).await;
    }
    let p1 = s.list_groups(o.id, &PageRequest::first(3)).await.unwrap();
    let names: Vec<_> = p1.items.iter().map(|g| g.name.to_string()).collect();
    assert_eq!(names, ["admins", "design", "eng"]);
    let mut next = PageRequest::first(3);
    next.after = p1.next.clone();
    let p2 = s.list_groups(o.id, &next).await.unwrap();
    let names: Vec<_> = p2.items.iter().map(|g| g.name.to_string()).collect();
    assert_eq!(names, ["ops", "sales"]);
    assert_eq!(p2.next, None);
}

async fn memberships_add_list_remove(t: &TempStore) {
    let o = new_org(t, "acme").await;
    let a = new_user(t, &o, "a").await;
    let b = new_user(t, &o, "b").await;
    let parent = new_group(t, &o, "all").await;
    let child = new_group(t, &o, "eng").await;
    let add = |group, member| Write::AddMember { group, member };
    commit(
        t,
        Some(o.id),
        vec![
            add(parent.id, GroupMember::Group(child.id)),
            add(parent.id, GroupMember::User(a.id)),
            add(child.id, GroupMember::User(b.id)),
        ],
    )
    .await;
    let s = &t.store;
    let mut members = s.members(o.id, parent.id).await.unwrap();
    members.sort_by_key(|m| format!("{m:?}"));
    let mut want = vec![GroupMember::Group(child.id), GroupMember::User(a.id)];
    want.sort_by_key(|m| format!("{m:?}"));
    assert_eq!(members, want);
    let mut edges = s.memberships(o.id).await.unwrap();
    edges.sort_by_key(|e| format!("{e:?}"));
    let mut want = vec![
        (parent.id, GroupMember::Group(child.id)),
        (parent.id, GroupMember::User(a.id)),
        (child.id, GroupMember::User(b.id)),
    ];
    want.sort_by_key(|e| format!("{e:?}"));
    assert_eq!(edges, want);

    commit(
        t,
        Some(o.id),
        vec![Write::RemoveMember {
            group: parent.id,
            member: GroupMember::User(a.id),
        }],
    )
    .await;
    assert_eq!(
        s.members(o.id, parent.id).await.unwrap(),
        vec![GroupMember::Group(child.id)]
    );
    let r = try_commit(
        t,
        Some(o.id),
        vec![Write::RemoveMember {
            group: parent.id,
            member: GroupMember::User(a.id),
        }],
    )
    .await;
    assert!(
        matches!(r, Err(skydir_core::CoreError::NotFound { .. })),
        "{r:?}"
    );
}

async fn delete_group_takes_its_edges_and_bindings(t: &TempStore) {
    let o = new_org(t, "acme").await;
    let u = new_user(t, &o, "a").await;
    let parent = new_group(t, &o, "all").await;
    let doomed = new_group(t, &o, "eng").await;
    let r = resource(&o, "wiki");
    let b = binding(&o, &r, BindingSubject::Group(doomed.id));
    commit(
        t,
        Some(o.id),
        vec![
            Write::AddMember {
                group: parent.id,
                member: GroupMember::Group(doomed.id),
            },
            Write::AddMember {
                group: doomed.id,
                member: GroupMember::User(u.id),
            },
            Write::CreateResource(r.clone()),
            Write::CreateBinding(b.clone()),
        ],
    )
    .await;
    commit(t, Some(o.id), vec![Write::DeleteGroup(doomed.id)]).await;
    let s = &t.store;
    assert_eq!(s.group_by_id(o.id, doomed.id).await.unwrap(), None);
    assert!(s.memberships(o.id).await.unwrap().is_empty());
    assert_eq!(s.binding_by_id(o.id, b.id).await.unwrap(), None);
    assert!(s.user_by_id(o.id, u.id).await.unwrap().is_some());
    let again = try_commit(t, Some(o.id), vec![Write::DeleteGroup(doomed.id)]).await;
    assert!(
        matches!(again, Err(skydir_core::CoreError::NotFound { .. })),
        "{again:?}"
    );
}

/// Rows from before migration 0023 (written here without the column) take its default.
async fn systems_written_without_how_they_join_read_as_unknown(t: &TempStore) {
    let o = new_org(t, "acme").await;
    let sys = system(&o, "old-1");
    let raw = Raw::open(t).await;
    raw.exec(&format!(
        "INSERT INTO systems (id, org_id, hostname, os_family, os_version, created_at) \
         VALUES ('{}', '{}', 'old-1', 'linux', '22.04', 0)",
        sys.id, o.id
    ))
    .await;
    raw.close().await;
    let read = t
        .store
        .system_by_name(o.id, &sys.hostname)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(read.joined_via, JoinMethod::Unknown);
    assert_eq!(read.os_version, "22.04");
}

async fn systems_round_trip_update_delete_list(t: &TempStore) {
    let o = new_org(t, "acme").await;
    let mut sys = system(&o, "web-1");
    sys.last_contact = None;
    sys.agent_version = None;
    commit(t, Some(o.id), vec![Write::CreateSystem(sys.clone())]).await;
    let s = &t.store;
    assert_eq!(
        s.system_by_name(o.id, &sys.hostname).await.unwrap(),
        Some(sys.clone())
    );

    sys.os_family = OsFamily::Windows;
    sys.os_version = "10.0.19045".into();
    sys.joined_via = JoinMethod::NotJoined;
    sys.agent_version = Some("2.0.0".into());
    sys.last_contact = Some(now());
    commit(t, Some(o.id), vec![Write::UpdateSystem(sys.clone())]).await;
    assert_eq!(
        s.system_by_name(o.id, &sys.hostname).await.unwrap(),
        Some(sys.clone())
    );

    for h in ["db-1", "web-2", "cache-1"] {
        commit(t, Some(o.id), vec![Write::CreateSystem(system(&o, h))]).await;
    }
    let page = s.list_systems(o.id, &PageRequest::first(10)).await.unwrap();
    let names: Vec<_> = page.items.iter().map(|x| x.hostname.to_string()).collect();
    assert_eq!(names, ["cache-1", "db-1", "web-1", "web-2"]);

    commit(t, Some(o.id), vec![Write::DeleteSystem(sys.id)]).await;
    assert_eq!(s.system_by_name(o.id, &sys.hostname).await.unwrap(), None);
    let r = try_commit(t, Some(o.id), vec![Write::DeleteSystem(sys.id)]).await;
    assert!(
        matches!(r, Err(skydir_core::CoreError::NotFound { .. })),
        "{r:?}"
    );
}

async fn resources_and_bindings_round_trip(t: &TempStore) {
    let o = new_org(t, "acme").await;
    let u = new_user(t, &o, "a").await;
    let g = new_group(t, &o, "eng").await;
    let mut r = resource(&o, "wiki");
    let r2 = resource(&o, "vpn");
    commit(
        t,
        Some(o.id),
        vec![
            Write::CreateResource(r.clone()),
            Write::CreateResource(r2.clone()),
        ],
    )
    .await;
    let s = &t.store;
    assert_eq!(
        s.resource_by_name(o.id, &r.name).await.unwrap(),
        Some(r.clone())
    );
    r.kind = ResourceKind::SsoApp;
    r.description = "the wiki, via SSO".into();
    commit(t, Some(o.id), vec![Write::UpdateResource(r.clone())]).await;
    assert_eq!(
        s.resource_by_name(o.id, &r.name).await.unwrap(),
        Some(r.clone())
    );
    let names: Vec<_> = s
        .list_resources(o.id, &PageRequest::first(10))
        .await
        .unwrap()
        .items
        .iter()
        .map(|x| x.name.to_string())
        .collect();
    assert_eq!(names, ["vpn", "wiki"]);

    let bu = binding(&o, &r, BindingSubject::User(u.id));
    let bg = binding(&o, &r, BindingSubject::Group(g.id));
    let b2 = binding(&o, &r2, BindingSubject::Group(g.id));
    commit(
        t,
        Some(o.id),
        vec![
            Write::CreateBinding(bu.clone()),
            Write::CreateBinding(bg.clone()),
            Write::CreateBinding(b2.clone()),
        ],
    )
    .await;
    assert_eq!(
        s.binding_by_id(o.id, bu.id).await.unwrap(),
        Some(bu.clone())
    );
    assert_eq!(
        s.binding_by_id(o.id, bg.id).await.unwrap(),
        Some(bg.clone())
    );

    // Listed by id, two per page.
    let mut want: Vec<_> = [&bu, &bg, &b2].iter().map(|b| b.id.to_string()).collect();
    want.sort();
    let mut seen = Vec::new();
    let mut page = PageRequest::first(2);
    loop {
        let p = s.list_bindings(o.id, &page).await.unwrap();
        seen.extend(p.items.iter().map(|b| b.id.to_string()));
        match p.next {
            Some(n) => page.after = Some(n),
            None => break,
        }
    }
    assert_eq!(seen, want);

    commit(t, Some(o.id), vec![Write::DeleteBinding(bu.id)]).await;
    assert_eq!(s.binding_by_id(o.id, bu.id).await.unwrap(), None);
    // Deleting a resource takes its bindings with it.
    commit(t, Some(o.id), vec![Write::DeleteResource(r.id)]).await;
    assert_eq!(s.resource_by_name(o.id, &r.name).await.unwrap(), None);
    assert_eq!(s.binding_by_id(o.id, bg.id).await.unwrap(), None);
    assert_eq!(s.binding_by_id(o.id, b2.id).await.unwrap(), Some(b2));

    // A binding to a resource that does not exist is NotFound.
    let ghost = resource(&o, "ghost");
    let r = try_commit(
        t,
        Some(o.id),
        vec![Write::CreateBinding(binding(
            &o,
            &ghost,
            BindingSubject::User(u.id),
        ))],
    )
    .await;
    assert!(
        matches!(r, Err(skydir_core::CoreError::NotFound { .. })),
        "{r:?}"
    );
}
