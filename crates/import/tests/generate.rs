//! The benchmark generators must produce what they promise: `n` valid users that parse back with
//! no errors, deterministically, with the hash passed through untouched.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use skydir_core::service::PasswordInput;
use skydir_import::{Parsed, generate_csv, generate_ldif, parse_csv, parse_ldif};

const SSHA: &str = "{SSHA}lHFzXul4wnzRItssVcTnvXWRjNgBAgMEBQYHCA==";
const BCRYPT: &str = "{CRYPT}$2b$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy";

fn assert_users(p: &Parsed, n: usize, domain: &str, hash: &str) {
    assert_eq!(p.errors, vec![]);
    assert_eq!(p.rows.len(), n);
    let mut last_line = 0;
    for (i, (line, u)) in p.rows.iter().enumerate() {
        assert!(*line > last_line, "lines increase");
        last_line = *line;
        let name = format!("user{:05}", i + 1);
        assert_eq!(u.username.as_str(), name);
        assert_eq!(u.email.as_str(), format!("{name}@{domain}"));
        assert_eq!(u.personal.phones.0.len(), 2);
        assert_eq!(u.ssh_keys.len(), 1);
        let posix = u.posix.as_ref().unwrap();
        assert_eq!(posix.uid_number, 10_000 + i as u32 + 1);
        assert_eq!(posix.home_directory, format!("/home/{name}"));
        match (&u.password, hash.is_empty()) {
            (PasswordInput::Hash(h), false) => assert_eq!(h.expose(), hash),
            (PasswordInput::None, true) => {}
            (other, _) => panic!("unexpected password {other:?}"),
        }
    }
}

#[test]
fn generated_ldif_parses_back() {
    for hash in [SSHA, BCRYPT, ""] {
        let text = generate_ldif(300, "dc=example,dc=com", hash);
        assert!(text.lines().all(|l| l.len() <= 76), "folded like slapcat");
        let p = parse_ldif(text.as_bytes()).unwrap();
        assert_users(&p, 300, "example.com", hash);
        assert_eq!(p.skipped, 2, "base entry and ou=people");
    }
    let p = parse_ldif(generate_ldif(3, "", SSHA).as_bytes()).unwrap();
    assert_users(&p, 3, "example.org", SSHA);
    assert_eq!(p.skipped, 1);
}

#[test]
fn generated_csv_parses_back() {
    for hash in [SSHA, BCRYPT, ""] {
        let p = parse_csv(generate_csv(300, hash).as_bytes()).unwrap();
        assert_users(&p, 300, "example.org", hash);
        assert_eq!(p.rows[0].0, 2);
    }
}

#[test]
fn zero_users_is_a_valid_file() {
    let p = parse_csv(generate_csv(0, SSHA).as_bytes()).unwrap();
    assert!(p.rows.is_empty() && p.errors.is_empty());
    let p = parse_ldif(generate_ldif(0, "dc=example,dc=com", SSHA).as_bytes()).unwrap();
    assert!(p.rows.is_empty() && p.errors.is_empty());
}

#[test]
fn generators_are_deterministic_and_scale() {
    assert_eq!(generate_csv(50, SSHA), generate_csv(50, SSHA));
    let big = generate_csv(100_001, "");
    assert!(big.contains("\nuser100001,user100001@example.org,"));
}
