//! Measures the LDAP read model: loads N synthetic users (shaped like `bench/gen_users.py`'s) from
//! an in-memory fake store into a `ReadModel` and reports the process's resident memory, the
//! time to load and to apply one change. With `--dump` it instead prints every entry of a small,
//! varied org (groups, nesting, a cycle, staged users, SSH keys) before and after a series of
//! changes, so two versions of the model can be diffed for identical answers.
//!
//!     cargo run --release -p skydir-ldap --example model_memory -- 100000 [GROUPS]
//!     cargo run --release -p skydir-ldap --example model_memory -- --dump > out.txt

#[path = "../tests/support/fake_store.rs"]
mod fake_store;

use fake_store::{Fake, State, gid, group, org, uid};
use skydir_core::change::Touched;
use skydir_core::directory::{GroupMember, Name};
use skydir_ldap::model::{OrgView, ReadModel, Tree};
use skydir_ldap::ops::search::project;
use std::sync::Mutex;
use std::time::Instant;

fn status(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}
/// Every entry of the view (containers, users, groups) with every attribute, one line a value.
fn dump(label: &str, view: &OrgView) {
    println!("=== {label}");
    let all = ["*".to_string(), "+".to_string()];
    let entries = view
        .containers
        .iter()
        .chain(view.users())
        .chain(view.groups.values());
    for e in entries {
        let r = project(e, &all, false);
        println!("dn: {}", r.dn);
        for a in r.attributes {
            for v in a.vals {
                println!("{}: {}", a.atype, String::from_utf8_lossy(&v));
            }
        }
        println!();
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let o = org()?;
    let tree = Tree::new("dc=skydir");
    if args.first().map(String::as_str) == Some("--dump") {
        let fake = Fake {
            org: o.clone(),
            s: Mutex::new(State {
                n: 120,
                varied: true,
                ..State::default()
            }),
        };
        let teams = (1..=6)
            .map(|g| group(g, &format!("team-{g}"), o.id))
            .collect::<Result<Vec<_>, _>>()?;
        fake.with(|s| {
            s.groups = teams;
            for i in 1..=120 {
                s.edges.push((gid(1 + i % 4), GroupMember::User(uid(i))));
            }
            s.edges.push((gid(5), GroupMember::Group(gid(1))));
            s.edges.push((gid(6), GroupMember::Group(gid(5))));
            s.edges.push((gid(1), GroupMember::Group(gid(6)))); // a cycle
            s.edges.push((gid(2), GroupMember::User(uid(999)))); // unknown user
            s.admins = vec![uid(1)];
        });
        let model = ReadModel::new(tree);
        model.load_all(&fake).await?;
        let view = |m: &ReadModel| -> Result<std::sync::Arc<OrgView>, &str> {
            m.get(o.id).ok_or("no org")
        };
        dump("loaded", view(&model)?.as_ref());
        let touched = |users: Vec<usize>, groups: Vec<usize>, memberships: bool| Touched {
            seq: 0,
            org: o.id,
            reload: false,
            org_record: false,
            users: users.into_iter().map(uid).collect(),
            groups: groups.into_iter().map(gid).collect(),
            memberships,
            admins: false,
            service_accounts: false,
        };
        // 1: a user's mail changes, another is deleted, a staged one becomes active.
        fake.with(|s| {
            s.email.insert(4, "changed@example.org".into());
            s.gone.insert(8);
            s.varied = true;
        });
        model
            .apply(&fake, &touched(vec![4, 8], vec![], false))
            .await?;
        dump("user changes", view(&model)?.as_ref());
        // 2: memberships move: user 9 joins team-6, team-5 loses team-1.
        fake.with(|s| {
            s.edges.push((gid(6), GroupMember::User(uid(9))));
            s.edges
                .retain(|e| *e != (gid(5), GroupMember::Group(gid(1))));
        });
        model.apply(&fake, &touched(vec![], vec![], true)).await?;
        dump("membership changes", view(&model)?.as_ref());
        // 3: a group is renamed, another deleted (with its edges); a user becomes staged.
        let renamed = Name::parse("renamed")?;
        fake.with(|s| {
            if let Some(g) = s.groups.iter_mut().find(|g| g.id == gid(2)) {
                g.name = renamed;
            }
            s.groups.retain(|g| g.id != gid(3));
            s.edges
                .retain(|(g, m)| *g != gid(3) && *m != GroupMember::Group(gid(3)));
            s.staged.insert(10);
        });
        model
            .apply(&fake, &touched(vec![10], vec![2, 3], true))
            .await?;
        dump("group changes", view(&model)?.as_ref());
        return Ok(());
    }
    let n: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let groups: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(0);
    let fake = Fake {
        org: o.clone(),
        s: Mutex::new(State {
            n,
            ..State::default()
        }),
    };
    let all_groups = (1..=groups)
        .map(|g| group(g, &format!("group-{g}"), o.id))
        .collect::<Result<Vec<_>, _>>()?;
    fake.with(|s| {
        s.groups = all_groups;
        if groups > 0 {
            for i in 1..=n {
                s.edges
                    .push((gid(1 + i % groups), GroupMember::User(uid(i))));
            }
        }
    });
    let before = status("VmRSS:");
    let t = Instant::now();
    let model = ReadModel::new(tree);
    model.load_all(&fake).await?;
    let load = t.elapsed();
    let after = status("VmRSS:");
    let t = Instant::now();
    fake.with(|s| {
        s.email.insert(n / 2, "changed@example.org".into());
    });
    let change = Touched {
        seq: 0,
        org: o.id,
        reload: false,
        org_record: false,
        users: vec![uid(n / 2)],
        groups: Vec::new(),
        memberships: false,
        admins: false,
        service_accounts: false,
    };
    model.apply(&fake, &change).await?;
    let apply = t.elapsed();
    let users = model.get(o.id).map_or(0, |v| v.users().len());
    println!(
        "users={users} groups={groups} rss_before={} MiB rss_after_load={} MiB model={:.0} B/user \
         rss_after_change={} MiB peak={} MiB load={:.2?} one_change={:.2?}",
        before / 1024,
        after / 1024,
        (after.saturating_sub(before) * 1024) as f64 / n.max(1) as f64,
        status("VmRSS:") / 1024,
        status("VmHWM:") / 1024,
        load,
        apply
    );
    Ok(())
}
