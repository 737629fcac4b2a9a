//! Property tests standing in for a fuzzer (no nightly toolchain here): arbitrary bytes,
//! format-shaped noise and mutated valid files must never make a parser panic, and whatever comes
//! back must be coherent — lines that exist in the input, named fields, the same answer however
//! the input is chunked by the reader.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use proptest::prelude::*;
use skydir_import::{ImportError, Parsed, generate_csv, generate_ldif, parse_csv, parse_ldif};
use std::io::Read;

const SSHA: &str = "{SSHA}lHFzXul4wnzRItssVcTnvXWRjNgBAgMEBQYHCA==";

fn line_count(input: &[u8]) -> u64 {
    input.iter().filter(|b| **b == b'\n').count() as u64 + 1
}

/// What every answer must satisfy, whatever the input.
fn check(input: &[u8], result: &Result<Parsed, ImportError>) {
    let lines = line_count(input);
    match result {
        Ok(p) => {
            for (line, _) in &p.rows {
                assert!((1..=lines).contains(line), "row at line {line} of {lines}");
            }
            for e in &p.errors {
                assert!(
                    (1..=lines).contains(&e.line),
                    "error at line {} of {lines}",
                    e.line
                );
                assert!(!e.field.is_empty() && !e.reason.is_empty(), "{e:?}");
            }
            let _ = format!("{p:?}");
        }
        Err(e) => assert!(!e.to_string().is_empty()),
    }
}

/// In LDIF, a user's line is always its `dn:` line.
fn check_ldif_rows(input: &[u8], p: &Parsed) {
    let lines: Vec<&[u8]> = input.split(|b| *b == b'\n').collect();
    for (line, _) in &p.rows {
        let mut l = lines[*line as usize - 1];
        if *line == 1 {
            l = l.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(l);
        }
        assert!(
            l.len() >= 3 && l[..3].eq_ignore_ascii_case(b"dn:"),
            "line {line}"
        );
    }
}

/// A reader that hands out one byte per call, to shake out buffering assumptions.
struct Trickle<'a>(&'a [u8]);

impl Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match (self.0.split_first(), buf.first_mut()) {
            (Some((b, rest)), Some(slot)) => {
                *slot = *b;
                self.0 = rest;
                Ok(1)
            }
            _ => Ok(0),
        }
    }
}

/// A comparable summary of an outcome (the Debug of users hides their data).
fn summary(r: &Result<Parsed, ImportError>) -> String {
    match r {
        Ok(p) => {
            let rows: Vec<_> = p
                .rows
                .iter()
                .map(|(l, u)| (*l, u.username.as_str(), u.email.as_str()))
                .collect();
            format!("{rows:?} {:?} {}", p.errors, p.skipped)
        }
        Err(e) => e.to_string(),
    }
}

fn both(input: &[u8]) {
    let csv = parse_csv(input);
    check(input, &csv);
    let ldif = parse_ldif(input);
    check(input, &ldif);
    if let Ok(p) = &ldif {
        check_ldif_rows(input, p);
    }
}

/// LDIF-shaped lines: real attribute lines, folds, comments, blanks and noise.
fn ldif_line() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("dn: uid=a,ou=people,dc=x".to_string()),
        Just("dn:: dWlkPWE=".to_string()),
        Just("objectClass: inetOrgPerson".to_string()),
        Just("objectClass: posixAccount".to_string()),
        Just("uid: a".to_string()),
        Just("mail: a@example.org".to_string()),
        Just(format!("userPassword: {SSHA}")),
        Just(
            "userPassword:: e1NTSEF9bEhGelh1bDR3bnpSSXRzc1ZjVG52WFdSak5nQkFnTUVCUVlIQ0E9PQ=="
                .to_string()
        ),
        Just("uidNumber: 10001".to_string()),
        Just("gidNumber: 10001".to_string()),
        Just("homeDirectory: /home/a".to_string()),
        Just("changetype: add".to_string()),
        Just("changetype: modify".to_string()),
        Just("version: 1".to_string()),
        Just("-".to_string()),
        Just(String::new()),
        "#[ -~]{0,10}",
        " [ -~]{0,20}",
        "[a-zA-Z]{1,12}(;[a-z-]{1,6})?:{1,2}[<]? ?[ -~]{0,30}",
        "[ -~]{0,40}",
        "\\PC{0,20}",
    ]
}

/// CSV-shaped rows: a header of real (and not) column names, then cells with separators,
/// quotes and newlines.
fn csv_text() -> impl Strategy<Value = String> {
    let column = prop_oneof![
        Just("username"),
        Just("email"),
        Just("password"),
        Just("password_hash"),
        Just("status"),
        Just("phones"),
        Just("addresses"),
        Just("uid_number"),
        Just("gid_number"),
        Just("home_directory"),
        Just("login_shell"),
        Just("ssh_keys"),
        Just("custom.dept"),
        Just("bogus"),
        Just(""),
    ];
    let cell = prop_oneof![
        Just("a".to_string()),
        Just("a@example.org".to_string()),
        Just(SSHA.to_string()),
        Just("10001".to_string()),
        Just("/home/a".to_string()),
        Just("\"ssh-rsa AAAA\nssh-rsa AAAA\"".to_string()),
        Just("\"[{\"\"street\"\":\"\"x\"\"}]\"".to_string()),
        "[ -~]{0,12}",
        "\\PC{0,8}",
    ];
    (
        prop::collection::vec(column, 1..8),
        prop::collection::vec(prop::collection::vec(cell, 0..10), 0..8),
        prop_oneof![Just("\n"), Just("\r\n")],
    )
        .prop_map(|(header, rows, eol)| {
            let mut s = header.join(",");
            for r in rows {
                s.push_str(eol);
                s.push_str(&r.join(","));
            }
            s
        })
}

#[derive(Debug, Clone)]
enum Edit {
    Replace(usize, u8),
    Insert(usize, u8),
    Delete(usize),
    Truncate(usize),
}

fn edits() -> impl Strategy<Value = Vec<Edit>> {
    let byte = prop_oneof![
        Just(b'\n'),
        Just(b' '),
        Just(b':'),
        Just(b','),
        Just(b'"'),
        Just(b'#'),
        Just(b'$'),
        Just(b'{'),
        Just(b'\r'),
        any::<u8>(),
    ];
    let edit = prop_oneof![
        (any::<usize>(), byte.clone()).prop_map(|(i, b)| Edit::Replace(i, b)),
        (any::<usize>(), byte).prop_map(|(i, b)| Edit::Insert(i, b)),
        any::<usize>().prop_map(Edit::Delete),
        any::<usize>().prop_map(Edit::Truncate),
    ];
    prop::collection::vec(edit, 1..12)
}

fn mutate(mut data: Vec<u8>, edits: &[Edit]) -> Vec<u8> {
    for e in edits {
        let len = data.len().max(1);
        match *e {
            Edit::Replace(i, b) if !data.is_empty() => data[i % len] = b,
            Edit::Insert(i, b) => data.insert(i % (data.len() + 1), b),
            Edit::Delete(i) if !data.is_empty() => {
                data.remove(i % len);
            }
            Edit::Truncate(i) => data.truncate(i % (data.len() + 1)),
            _ => {}
        }
    }
    data
}

fn fixtures() -> Vec<Vec<u8>> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut files: Vec<Vec<u8>> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| std::fs::read(e.unwrap().path()).unwrap())
        .collect();
    files.push(generate_ldif(4, "dc=example,dc=org", SSHA).into_bytes());
    files.push(generate_csv(4, SSHA).into_bytes());
    files
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes(input in prop::collection::vec(any::<u8>(), 0..2048)) {
        both(&input);
    }

    #[test]
    fn arbitrary_text(input in "\\PC{0,400}") {
        both(input.as_bytes());
    }

    #[test]
    fn ldif_shaped_noise(lines in prop::collection::vec(ldif_line(), 0..40), crlf in any::<bool>()) {
        let input = lines.join(if crlf { "\r\n" } else { "\n" });
        both(input.as_bytes());
    }

    #[test]
    fn csv_shaped_noise(input in csv_text()) {
        both(input.as_bytes());
    }

    #[test]
    fn mutated_valid_files(which in any::<prop::sample::Index>(), edits in edits()) {
        let files = fixtures();
        let input = mutate(files[which.index(files.len())].clone(), &edits);
        both(&input);
    }

    #[test]
    fn chunking_does_not_change_the_answer(which in any::<prop::sample::Index>(), edits in edits()) {
        let files = fixtures();
        let input = mutate(files[which.index(files.len())].clone(), &edits);
        prop_assert_eq!(
            summary(&parse_ldif(Trickle(&input))),
            summary(&parse_ldif(input.as_slice()))
        );
        prop_assert_eq!(
            summary(&parse_csv(Trickle(&input))),
            summary(&parse_csv(input.as_slice()))
        );
    }
}

#[test]
fn pathological_shapes_do_not_panic() {
    let many_folds = format!("dn: a\ncn: x{}\n", "\n y".repeat(50_000));
    let deep_quotes = format!("username,email\n{}", "\"".repeat(10_001));
    let many_records = "dn: a\n\n".repeat(20_000);
    let cells = format!("username,email\n{}\n", ",".repeat(100_000));
    for input in [many_folds, deep_quotes, many_records, cells] {
        both(input.as_bytes());
    }
    // One physical line past the limit is refused as a whole, not read without bound.
    let long = format!("dn: a\ncn: {}\n", "x".repeat(9 * 1024 * 1024));
    assert!(matches!(
        parse_ldif(long.as_bytes()),
        Err(ImportError::LineTooLong { line: 2, .. })
    ));
}
