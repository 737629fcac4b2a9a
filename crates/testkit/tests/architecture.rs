//! Layering holds: dependencies between our crates point one way (ARCHITECTURE.md).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::Value;
use std::collections::BTreeMap;
use std::process::Command;

fn our_deps() -> BTreeMap<String, Vec<String>> {
    let out = Command::new(env!("CARGO"))
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: Value = serde_json::from_slice(&out.stdout).unwrap();
    meta["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let deps = p["dependencies"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|d| d["kind"].is_null())
                .map(|d| d["name"].as_str().unwrap().to_string())
                .filter(|n| n.starts_with("skydir"))
                .collect();
            (p["name"].as_str().unwrap().to_string(), deps)
        })
        .collect()
}

#[test]
fn crate_dependencies_point_one_way() {
    let deps = our_deps();
    assert!(
        deps["skydir-core"].is_empty(),
        "core depends on none of ours: {:?}",
        deps["skydir-core"]
    );
    assert!(
        deps["skydir-throttle"].is_empty(),
        "the rate limits depend on none of ours: {:?}",
        deps["skydir-throttle"]
    );
    for front in ["skydir-store", "skydir-import", "skydir-mail"] {
        assert_eq!(
            deps[front],
            ["skydir-core"],
            "{front} may depend on core only"
        );
    }
    // The two network front ends share the per-address budgets.
    for front in ["skydir-http", "skydir-ldap"] {
        assert_eq!(
            deps[front],
            ["skydir-core", "skydir-throttle"],
            "{front} may depend on core and throttle only"
        );
    }
    for (name, d) in &deps {
        if name != "skydir-testkit" {
            assert!(
                !d.contains(&"skydir-testkit".to_string()),
                "{name} must not depend on the testkit"
            );
        }
    }
    // No SQL in the front ends or the core.
    let out = Command::new(env!("CARGO"))
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    let meta: Value = serde_json::from_slice(&out.stdout).unwrap();
    for p in meta["packages"].as_array().unwrap() {
        let name = p["name"].as_str().unwrap();
        if [
            "skydir-core",
            "skydir-http",
            "skydir-ldap",
            "skydir-import",
            "skydir-mail",
        ]
        .contains(&name)
        {
            let sql = p["dependencies"]
                .as_array()
                .unwrap()
                .iter()
                .any(|d| d["name"] == "sqlx" && d["kind"].is_null());
            assert!(!sql, "{name} must not use SQL");
        }
    }
}
