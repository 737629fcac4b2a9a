//! `docs/promises.md` stays honest: every promise row names at least one automated test in its
//! last column, and every test it names exists as a test — a `#[test]`/`#[tokio::test]`
//! function, a store conformance case run on both backends (`on_both_backends!`), or a browser
//! journey of `web-tests/journeys.mjs` — so `cargo test NAME` (or `./web-tests/run`) runs it.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .unwrap()
        .to_path_buf()
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        let name = e.file_name().to_string_lossy().to_string();
        if p.is_dir() && name != "target" && !name.starts_with('.') && name != "node_modules" {
            rust_files(&p, out);
        } else if name.ends_with(".rs") {
            out.push(p);
        }
    }
}

/// Every test function of the workspace, by name.
fn tests_in_the_workspace() -> BTreeSet<String> {
    let mut files = Vec::new();
    for d in ["crates", "bench", "fuzz"] {
        let p = root().join(d);
        if p.is_dir() {
            rust_files(&p, &mut files);
        }
    }
    let mut tests = BTreeSet::new();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let t = line.trim_start();
            let Some(rest) = t
                .strip_prefix("async fn ")
                .or_else(|| t.strip_prefix("fn "))
                .or_else(|| t.strip_prefix("pub async fn "))
                .or_else(|| t.strip_prefix("pub fn "))
            else {
                continue;
            };
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            let attributed = lines[i.saturating_sub(6)..i]
                .iter()
                .any(|l| l.contains("#[test]") || l.contains("#[tokio::test"));
            if attributed {
                tests.insert(name);
            }
        }
        // Cases of the store conformance suite and proptest blocks.
        for (start, _) in text.match_indices("on_both_backends!(") {
            let list = &text[start..];
            let end = list.find(");").unwrap_or(list.len());
            for n in list["on_both_backends!(".len()..end].split([',', '\n', ' ']) {
                let n = n.trim();
                if !n.is_empty() && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                    tests.insert(n.to_string());
                }
            }
        }
        if text.contains("proptest!") {
            for (i, line) in lines.iter().enumerate() {
                if line.trim_start().starts_with("fn ")
                    && lines[..i]
                        .iter()
                        .rev()
                        .take(40)
                        .any(|l| l.contains("proptest!"))
                {
                    let n: String = line.trim_start()[3..]
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                        .collect();
                    tests.insert(n);
                }
            }
        }
    }
    tests
}

/// The browser journeys, by name.
fn journeys() -> BTreeSet<String> {
    let text = std::fs::read_to_string(root().join("web-tests/journeys.mjs")).unwrap_or_default();
    text.match_indices("journey('")
        .filter_map(|(i, m)| {
            let rest = &text[i + m.len()..];
            rest.find("',").map(|e| rest[..e].replace("\\'", "'"))
        })
        .collect()
}

/// Backticked names in a cell that look like test names (snake case, three words or more).
fn named_tests(cell: &str) -> Vec<String> {
    cell.split('`')
        .skip(1)
        .step_by(2)
        .map(|s| s.rsplit("::").next().unwrap_or(s).trim().to_string())
        .filter(|s| {
            s.matches('_').count() >= 2
                && s.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        })
        .collect()
}

#[test]
fn every_promise_names_tests_that_exist() {
    let doc = std::fs::read_to_string(root().join("docs/promises.md")).unwrap();
    let tests = tests_in_the_workspace();
    let journeys = journeys();
    assert!(tests.len() > 500, "only {} tests found", tests.len());
    assert!(
        journeys.len() > 20,
        "only {} journeys found",
        journeys.len()
    );
    let mut rows = 0;
    let mut problems = Vec::new();
    for line in doc.lines() {
        if !line.starts_with('|') || line.starts_with("|---") || line.contains("| promise") {
            continue;
        }
        let cells: Vec<&str> = line.trim_matches('|').split(" | ").collect();
        let Some(test_cell) = cells.last() else {
            continue;
        };
        rows += 1;
        let promise = cells.first().copied().unwrap_or_default();
        if test_cell.contains("*planned*") {
            continue;
        }
        let names = named_tests(test_cell);
        let quoted_journeys: Vec<&str> = test_cell
            .split('"')
            .skip(1)
            .step_by(2)
            .filter(|j| {
                journeys.iter().any(|name| {
                    name.starts_with(j.trim_end_matches(" …").trim_end_matches('…').trim())
                })
            })
            .collect();
        if names.is_empty() && quoted_journeys.is_empty() {
            problems.push(format!("names no test: {promise}"));
        }
        for n in names {
            if !tests.contains(&n) {
                problems.push(format!("`{n}` is not a test (row: {promise})"));
            }
        }
    }
    assert!(rows >= 30, "only {rows} promise rows read");
    assert!(
        problems.is_empty(),
        "docs/promises.md:\n{}",
        problems.join("\n")
    );
}
