//! Personal data cannot be added to the schema quietly: every column of either backend's
//! migrations that holds it — sealed (`*_ct`), blind-indexed (`*_bidx`, `*_gidx`) or an
//! address's hash — must be declared in the core's inventory (`privacy::inventory`), which the
//! access report and the record of processing are written from.

#![allow(clippy::unwrap_used, clippy::panic)]

use skydir_core::privacy::inventory::SEALED_COLUMNS;
use std::path::Path;

fn holds_personal_data(column: &str) -> bool {
    column.ends_with("_ct")
        || column.ends_with("_bidx")
        || column.ends_with("_gidx")
        || column.contains("email")
        || column.contains("address")
}

/// `table.column` for every column that `CREATE TABLE` or `ALTER TABLE … ADD COLUMN` defines.
fn columns(sql: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut table: Option<String> = None;
    for line in sql.lines() {
        let line = line.split("--").next().unwrap_or_default().trim();
        let words: Vec<&str> = line.split_whitespace().collect();
        let upper: Vec<String> = words.iter().map(|w| w.to_ascii_uppercase()).collect();
        let up: Vec<&str> = upper.iter().map(String::as_str).collect();
        match up.as_slice() {
            ["CREATE", "TABLE", "IF", "NOT", "EXISTS", ..] => {
                table = Some(words[5].trim_end_matches('(').to_string())
            }
            ["CREATE", "TABLE", ..] => table = Some(words[2].trim_end_matches('(').to_string()),
            ["ALTER", "TABLE", _, "ADD", "COLUMN", ..] => {
                out.push(format!("{}.{}", words[2], words[5]))
            }
            [")" | ");", ..] => table = None,
            [first, ..] if table.is_some() => {
                let keyword =
                    ["CONSTRAINT", "PRIMARY", "UNIQUE", "FOREIGN", "CHECK"].contains(first);
                if !keyword {
                    out.push(format!(
                        "{}.{}",
                        table.as_deref().unwrap_or_default(),
                        words[0]
                    ));
                }
            }
            _ => {}
        }
    }
    out
}

#[test]
fn every_column_holding_personal_data_is_declared_in_the_inventory() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
    let mut seen = 0;
    for backend in ["sqlite", "postgres"] {
        let mut files: Vec<_> = std::fs::read_dir(root.join(backend))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        for f in files {
            let sql = std::fs::read_to_string(&f).unwrap();
            for col in columns(&sql).into_iter().filter(|c| {
                holds_personal_data(c.split_once('.').map(|(_, c)| c).unwrap_or_default())
            }) {
                seen += 1;
                assert!(
                    SEALED_COLUMNS.iter().any(|(c, _)| *c == col),
                    "{} defines {col}, which holds personal data but is not declared in \
                     skydir_core::privacy::inventory::SEALED_COLUMNS: declare what it holds \
                     (and add the item to the inventory) before storing it",
                    f.display()
                );
            }
        }
    }
    assert!(
        seen >= 2 * SEALED_COLUMNS.len(),
        "the scan finds the columns ({seen})"
    );
}

#[test]
fn the_scan_sees_new_tables_and_added_columns() {
    let sql = "CREATE TABLE x (\n  id TEXT PRIMARY KEY,\n  note_ct TEXT NOT NULL, -- sealed\n  CONSTRAINT u UNIQUE (id)\n);\nALTER TABLE users ADD COLUMN phone_bidx TEXT;";
    assert_eq!(columns(sql), ["x.id", "x.note_ct", "users.phone_bidx"]);
}
