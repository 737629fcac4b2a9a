//! Whole files, as people bring them: a spreadsheet's CSV, an Excel CSV with a byte-order mark and
//! CRLF, a `slapcat` export and an `ldapsearch -L` output; and files with one mistake per row,
//! checked for the exact line and field of every error.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use skydir_core::directory::{Address, Posix, SshKey, UserStatus};
use skydir_core::service::{NewUser, PasswordInput};
use skydir_import::{Format, Parsed, parse, parse_csv, parse_ldif};
use std::path::Path;

fn fixture(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn parse_fixture(name: &str) -> Parsed {
    let format = Format::from_path(Path::new(name)).unwrap();
    parse(format, fixture(name).as_slice()).unwrap()
}

/// The 1-based line of the first line of `name` that starts with `prefix`.
fn line_of(name: &str, prefix: &str) -> u64 {
    let text = String::from_utf8(fixture(name)).unwrap();
    let i = text
        .lines()
        .position(|l| l.starts_with(prefix))
        .unwrap_or_else(|| panic!("{prefix} not in {name}"));
    i as u64 + 1
}

fn user<'a>(p: &'a Parsed, username: &str) -> &'a (u64, NewUser) {
    p.rows
        .iter()
        .find(|(_, u)| u.username.as_str() == username)
        .unwrap_or_else(|| panic!("no user {username}"))
}

fn hash(u: &NewUser) -> &str {
    match &u.password {
        PasswordInput::Hash(h) => h.expose(),
        other => panic!("expected a hash, got {other:?}"),
    }
}

fn keys(u: &NewUser) -> Vec<&str> {
    u.ssh_keys.iter().map(SshKey::as_str).collect()
}

const ANN_ED25519: &str =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHk0ZSt2bWx1c2ZqZ2hzZGZqa2hnc2RramZoZ2tz ann@laptop";
const ANN_RSA: &str = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQDM3Zl2cXBvbmRlcmluZ2xvbmdrZXlib2R5Zm9ydGVzdGluZ2ZvbGRpbmdpbnRoZWxkaWZmaXh0dXJlcw== ann@desktop";
const SECRET_SSHA: &str = "{SSHA}lHFzXul4wnzRItssVcTnvXWRjNgBAgMEBQYHCA==";

#[test]
fn slapcat_export() {
    let p = parse_fixture("slapcat.ldif");
    assert_eq!(p.errors, vec![]);
    assert_eq!(p.skipped, 5, "base, two ou entries and two groups");
    assert_eq!(p.rows.len(), 3);

    let (line, ann) = user(&p, "ann");
    assert_eq!(*line, line_of("slapcat.ldif", "dn: uid=ann"));
    assert_eq!(ann.email.as_str(), "ann@example.org");
    assert_eq!(ann.status, UserStatus::Active);
    assert_eq!(hash(ann), SECRET_SSHA, "base64 decoded across a fold");
    assert_eq!(ann.personal.given_name.0.as_deref(), Some("Ann"));
    assert_eq!(ann.personal.family_name.0.as_deref(), Some("Lée"));
    assert_eq!(ann.personal.phones.0, vec!["+1 555 0100", "+1 555 0199"]);
    assert_eq!(
        ann.personal.addresses.0,
        vec![Address {
            label: None,
            street: Some("1 Main St\nSuite 4\nSpringfield, IL 62701".into()),
            locality: Some("Springfield".into()),
            region: Some("IL".into()),
            postal_code: Some("62701".into()),
            country: Some("US".into()),
        }]
    );
    assert_eq!(
        ann.posix,
        Some(Posix {
            uid_number: 10001,
            gid_number: 10000,
            home_directory: "/home/ann".into(),
            login_shell: "/bin/zsh".into(),
        })
    );
    assert_eq!(
        keys(ann),
        vec![ANN_ED25519, ANN_RSA],
        "folded keys unfolded"
    );

    let (_, bob) = user(&p, "bob");
    assert_eq!(bob.email.as_str(), "bob@example.org");
    assert!(hash(bob).starts_with("{SSHA512}"));
    assert_eq!(bob.posix, None);
    assert!(bob.personal.phones.0.is_empty());
    assert!(bob.personal.addresses.0.is_empty());

    let (_, carol) = user(&p, "carol");
    assert_eq!(carol.email.as_str(), "carol@example.org", "first mail wins");
    assert!(hash(carol).starts_with("{CRYPT}$2b$10$"));
    assert_eq!(
        carol.personal.given_name.0.as_deref(),
        Some("Carole"),
        "a tagged value is used when there is no plain one"
    );
    assert_eq!(carol.personal.phones.0, vec!["+1 555 0300"], "deduplicated");
    assert_eq!(
        carol.posix.as_ref().map(|p| p.login_shell.as_str()),
        Some("/bin/bash"),
        "loginShell is optional in posixAccount"
    );
}

#[test]
fn ldapsearch_output_with_version_comments_crlf_and_changetype_add() {
    let p = parse_fixture("ldapsearch.ldif");
    assert_eq!(p.errors, vec![]);
    assert_eq!((p.rows.len(), p.skipped), (2, 0));

    let (line, dave) = user(&p, "dave");
    assert_eq!(*line, 11);
    assert!(hash(dave).starts_with("{ARGON2}$argon2id$"));
    assert_eq!(
        dave.personal.addresses.0[0].street.as_deref(),
        Some("9 Elm Road"),
        "street wins over postalAddress"
    );
    let (line, eve) = user(&p, "eve");
    assert_eq!(*line, 32, "the base64 dn line");
    assert_eq!(eve.personal.phones.0, vec!["+48 22 555 01 01"]);
    assert!(matches!(eve.password, PasswordInput::None));
}

#[test]
fn spreadsheet_csv() {
    let p = parse_fixture("users.csv");
    assert_eq!(p.errors, vec![]);
    assert_eq!((p.rows.len(), p.skipped), (3, 0));

    let (line, ann) = user(&p, "ann");
    assert_eq!(*line, 2);
    assert!(
        matches!(&ann.password, PasswordInput::Plain(s) if s.expose() == "correct horse, battery")
    );
    assert_eq!(ann.personal.phones.0, vec!["+1 555 0100", "+1 555 0199"]);
    assert_eq!(
        ann.personal.addresses.0,
        vec![Address {
            label: Some("work".into()),
            street: Some("1 Main St".into()),
            locality: Some("Springfield".into()),
            region: None,
            postal_code: Some("62701".into()),
            country: Some("US".into()),
        }]
    );
    assert_eq!(keys(ann), vec![ANN_ED25519, ANN_RSA]);
    assert_eq!(
        ann.posix.as_ref().map(|p| (p.uid_number, p.gid_number)),
        Some((10001, 10000))
    );
    let custom = &ann.personal.custom.0;
    assert_eq!(
        custom.get("department").map(String::as_str),
        Some("Engineering")
    );
    assert_eq!(
        custom.get("employee_id").map(String::as_str),
        Some("E-0001")
    );

    let (line, bob) = user(&p, "bob");
    assert_eq!(*line, 4, "after a two-line quoted cell");
    assert_eq!(bob.email.as_str(), "bob@example.org");
    assert_eq!(hash(bob), SECRET_SSHA);
    assert_eq!(bob.status, UserStatus::Staged);
    assert!(bob.personal.custom.0.is_empty());

    let (line, carol) = user(&p, "carol");
    assert_eq!(*line, 6, "after a blank line");
    assert_eq!(carol.status, UserStatus::Suspended);
    assert!(matches!(carol.password, PasswordInput::None));
}

#[test]
fn excel_csv_with_bom_and_crlf() {
    let p = parse_fixture("excel.csv");
    assert_eq!(p.errors, vec![]);
    assert_eq!((p.rows.len(), p.skipped), (1, 1));
    assert_eq!(p.rows[0].0, 2);
    assert_eq!(p.rows[0].1.personal.given_name.0.as_deref(), Some("Davé"));
}

fn error_fields(p: &Parsed) -> Vec<(u64, &str)> {
    p.errors
        .iter()
        .map(|e| (e.line, e.field.as_str()))
        .collect()
}

#[test]
fn bad_csv_rows_are_reported_by_line_and_column() {
    let p = parse_csv(fixture("bad.csv").as_slice()).unwrap();
    let mut want = Vec::new();
    for (row, fields) in [
        ("Bad Name,", vec!["username"]),
        ("nomail,", vec!["email"]),
        ("atless,", vec!["email"]),
        ("both,", vec!["password"]),
        ("md5,", vec!["password_hash"]),
        ("retired,", vec!["status"]),
        ("phone,", vec!["phones[0]"]),
        ("halfposix,", vec!["home_directory", "login_shell"]),
        ("lowuid,", vec!["uid_number"]),
        ("relshell,", vec!["login_shell"]),
        ("dsa,", vec!["ssh_keys"]),
        ("short,", vec!["row"]),
    ] {
        for f in fields {
            want.push((line_of("bad.csv", row), f));
        }
    }
    assert_eq!(error_fields(&p), want);
    let ok: Vec<_> = p
        .rows
        .iter()
        .map(|(l, u)| (*l, u.username.as_str()))
        .collect();
    assert_eq!(ok, vec![(2, "ok1"), (line_of("bad.csv", "ok2,"), "ok2")]);
    let atless = p.errors.iter().find(|e| e.field == "email" && e.line == 6);
    assert_eq!(atless.map(|e| e.reason.as_str()), Some("must contain '@'"));
}

#[test]
fn bad_ldif_records_are_reported_by_dn_line_and_attribute() {
    let p = parse_ldif(fixture("bad.ldif").as_slice()).unwrap();
    let mut want = Vec::new();
    for (dn, fields) in [
        ("dn: uid=nomail,", vec!["mail"]),
        ("dn: uid=clear,", vec!["userPassword"]),
        ("dn: uid=md5,", vec!["userPassword"]),
        ("dn: uid=halfposix,", vec!["gidNumber", "homeDirectory"]),
        ("dn: uid=dsa,", vec!["sshPublicKey"]),
        ("dn: uid=url,", vec!["givenName"]),
        ("dn: uid=mod,", vec!["changetype"]),
        ("dn: uid=garbage,", vec!["ldif"]),
        ("dn: uid=Bad Name,", vec!["uid"]),
        ("dn: uid=mail,", vec!["mail"]),
    ] {
        for f in fields {
            want.push((line_of("bad.ldif", dn), f));
        }
    }
    assert_eq!(error_fields(&p), want);
    assert_eq!(p.skipped, 1);
    assert_eq!(p.rows.len(), 1);
    assert_eq!(p.rows[0].0, line_of("bad.ldif", "dn: uid=ok,"));

    let reason = |dn: &str| {
        let line = line_of("bad.ldif", dn);
        p.errors
            .iter()
            .find(|e| e.line == line)
            .map(|e| e.reason.clone())
            .unwrap_or_default()
    };
    assert!(
        reason("dn: uid=clear,").starts_with("clear-text userPassword values are not imported")
    );
    assert!(reason("dn: uid=md5,").starts_with("{MD5} hashes cannot be imported"));
    assert!(reason("dn: uid=url,").contains("URL"));
    assert!(reason("dn: uid=mod,").contains("'modify'"));
    let garbage = line_of("bad.ldif", "this line has no colon");
    assert!(reason("dn: uid=garbage,").starts_with(&format!("line {garbage}: expected")));
    assert_eq!(
        reason("dn: uid=mail,"),
        "the domain after '@' must contain a dot, like example.com"
    );
}

#[test]
fn secrets_stay_out_of_debug_and_errors() {
    for name in ["slapcat.ldif", "bad.ldif", "users.csv", "bad.csv"] {
        let p = parse_fixture(name);
        let shown = format!("{p:?}");
        for secret in [
            "hunter2",
            "correct horse",
            "lHFzXul4wnzRItssVcTnv",
            "e1NTSEF9",
            "X03MO1qnZdYdgyfeuILPmQ",
            "$2b$10$N9qo8u",
        ] {
            assert!(!shown.contains(secret), "{name}: {secret} shown");
        }
    }
}
