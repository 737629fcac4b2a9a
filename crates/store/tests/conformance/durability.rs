//! SQLite durability: a commit the store has acknowledged survives the process being killed
//! with SIGKILL straight after. The test re-runs this test binary as a child that commits in a
//! loop and prints an acknowledgement after each commit returns.

use crate::fixtures::*;
use skydir_core::change::Write;
use skydir_core::directory::{OrgSlug, Username};
use skydir_core::ports::DirectoryStore;
use skydir_store::{Kek, KeyringLocation, Store, StoreConfig};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

const DIR_ENV: &str = "SKYDIR_KILL9_DIR";
const ACKS_WANTED: usize = 25;

fn config(dir: &Path) -> StoreConfig {
    StoreConfig {
        database_url: format!("sqlite://{}", dir.join("skydir.db").display()),
        keyring: KeyringLocation::SqliteFile(dir.join("keyring.db")),
        kek: Kek::from_bytes([7; 32]),
        max_connections: 2,
    }
}

#[tokio::test]
async fn sqlite_acknowledged_commits_survive_kill_9() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "durability::kill9_child",
            "--exact",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(DIR_ENV, dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(n) = line.strip_prefix("ACK ") {
                let _ = tx.send(n.trim().parse::<usize>().unwrap());
            }
        }
    });
    let mut acked = Vec::new();
    while acked.len() < ACKS_WANTED {
        match rx.recv_timeout(Duration::from_secs(120)) {
            Ok(n) => acked.push(n),
            Err(e) => panic!("the child stopped acknowledging commits: {e}"),
        }
    }
    child.kill().unwrap(); // SIGKILL on Unix: no destructors, no flush, no checkpoint
    child.wait().unwrap();
    while let Ok(n) = rx.try_recv() {
        acked.push(n);
    }

    let store = Store::open(config(dir.path())).await.unwrap();
    let org = store
        .org_by_slug(&OrgSlug::parse("kill9").unwrap())
        .await
        .unwrap()
        .unwrap();
    for n in acked {
        let name = Username::parse(&format!("user{n}")).unwrap();
        let u = store.user_by_name(org.id, &name).await.unwrap();
        assert!(u.is_some(), "acknowledged user{n} was lost");
    }
    store.close().await;
}

/// The child half of [`sqlite_acknowledged_commits_survive_kill_9`]; does nothing on its own.
#[tokio::test]
#[ignore = "helper process for sqlite_acknowledged_commits_survive_kill_9"]
async fn kill9_child() {
    let Ok(dir) = std::env::var(DIR_ENV) else {
        return;
    };
    let store = Store::open(config(Path::new(&dir))).await.unwrap();
    let o = org("kill9");
    let t_org = o.id;
    let c = skydir_core::change::Change::new(Some(t_org))
        .write(Write::CreateOrg(o.clone()))
        .audit(draft(Some(t_org), "org.create"));
    store.commit(c).await.unwrap();
    for n in 0.. {
        let u = user(&o, &format!("user{n}"));
        let c = skydir_core::change::Change::new(Some(t_org))
            .write(Write::CreateUser {
                user: Box::new(u),
                credential: None,
            })
            .audit(draft(Some(t_org), "user.create"));
        store.commit(c).await.unwrap();
        println!("ACK {n}");
    }
}
