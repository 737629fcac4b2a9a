//! Deterministic import files of any size, for benchmarks and load tests of the import path.
//!
//! User `i` (from 1) is `user{i:05}` with email `user{i:05}@<domain>`, a given and family name,
//! two phone numbers, an ed25519 SSH key, POSIX ids `10000 + i`, and the password hash the caller
//! passes (the same for everyone: hashing is not what these files measure). The LDIF is written as
//! `slapcat` writes it — base entry and `ou=people` first, lines folded at 76 columns,
//! `userPassword` in base64 — so benchmarks exercise the same code paths a real migration does.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use std::fmt::Write;

/// One generated user's fields.
struct Fake {
    username: String,
    given: String,
    family: String,
    phones: [String; 2],
    id: u64,
    ssh_key: String,
}

fn fake(i: usize) -> Fake {
    let username = format!("user{i:05}");
    // An ed25519 public key blob: string "ssh-ed25519", then 32 key bytes derived from `i`.
    let mut blob = Vec::with_capacity(51);
    blob.extend_from_slice(&11u32.to_be_bytes());
    blob.extend_from_slice(b"ssh-ed25519");
    blob.extend_from_slice(&32u32.to_be_bytes());
    let seed = (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    blob.extend((0..32u64).map(|k| (seed.rotate_left((k * 7) as u32) >> 56) as u8 ^ k as u8));
    Fake {
        ssh_key: format!("ssh-ed25519 {} {username}@example", STANDARD.encode(&blob)),
        given: format!("Given{i:05}"),
        family: format!("Family{i:05}"),
        phones: [
            format!("+1 555 {:04}", i % 10_000),
            format!("+1 666 {:04}", i % 10_000),
        ],
        id: 10_000 + i as u64,
        username,
    }
}

/// The mail domain for a suffix: its `dc=` parts joined with dots, or `example.org` when there
/// are fewer than two.
fn domain(suffix: &str) -> String {
    let dcs: Vec<&str> = suffix
        .split(',')
        .filter_map(|rdn| {
            let (attr, value) = rdn.split_once('=')?;
            attr.trim()
                .eq_ignore_ascii_case("dc")
                .then_some(value.trim())
        })
        .collect();
    if dcs.len() >= 2 {
        dcs.join(".").to_ascii_lowercase()
    } else {
        "example.org".to_string()
    }
}

/// Appends `line` folded as slapcat does: at most 76 bytes on the first line, then continuation
/// lines of a space and up to 75 bytes.
fn push_folded(out: &mut String, line: &str) {
    let mut rest = line;
    let mut width = 76;
    loop {
        if rest.len() <= width {
            out.push_str(rest);
            out.push('\n');
            return;
        }
        let mut cut = width;
        while !rest.is_char_boundary(cut) {
            cut -= 1;
        }
        out.push_str(&rest[..cut]);
        out.push_str("\n ");
        rest = &rest[cut..];
        width = 75;
    }
}

/// An LDIF file with `n` users under `ou=people,<suffix>`, each with `hash` as `userPassword`
/// (none when `hash` is empty), preceded by the base entry and the `ou=people` entry as slapcat
/// writes them (no base entry when `suffix` is empty). Parses back into `n` rows and no errors.
pub fn generate_ldif(n: usize, suffix: &str, hash: &str) -> String {
    let mail = domain(suffix);
    let people = if suffix.is_empty() {
        "ou=people".to_string()
    } else {
        format!("ou=people,{suffix}")
    };
    let password = (!hash.is_empty()).then(|| STANDARD.encode(hash));
    let mut out = String::with_capacity(n * 700 + 300);
    let top = suffix
        .split(',')
        .next()
        .and_then(|rdn| rdn.split_once('='))
        .map_or("example", |(_, v)| v.trim());
    if !suffix.is_empty() {
        push_folded(&mut out, &format!("dn: {suffix}"));
        out.push_str("objectClass: top\nobjectClass: dcObject\nobjectClass: organization\n");
        push_folded(&mut out, &format!("o: {top}"));
        push_folded(&mut out, &format!("dc: {top}"));
        out.push('\n');
    }
    push_folded(&mut out, &format!("dn: {people}"));
    out.push_str("objectClass: organizationalUnit\nou: people\n\n");
    for i in 1..=n {
        let f = fake(i);
        let u = &f.username;
        push_folded(&mut out, &format!("dn: uid={u},{people}"));
        out.push_str(
            "objectClass: top\nobjectClass: person\nobjectClass: organizationalPerson\n\
             objectClass: inetOrgPerson\nobjectClass: posixAccount\n\
             objectClass: ldapPublicKey\n",
        );
        // Writing to a String cannot fail.
        let _ = write!(
            out,
            "cn: {g} {s}\nsn: {s}\ngivenName: {g}\nuid: {u}\nmail: {u}@{mail}\n\
             telephoneNumber: {p0}\nmobile: {p1}\nuidNumber: {id}\ngidNumber: {id}\n\
             homeDirectory: /home/{u}\nloginShell: /bin/bash\n",
            g = f.given,
            s = f.family,
            p0 = f.phones[0],
            p1 = f.phones[1],
            id = f.id,
        );
        push_folded(&mut out, &format!("sshPublicKey: {}", f.ssh_key));
        if let Some(p) = &password {
            push_folded(&mut out, &format!("userPassword:: {p}"));
        }
        out.push('\n');
    }
    out
}

/// Quotes a CSV cell when it needs it.
fn cell(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// A CSV file with a header and `n` users, each with `hash` in `password_hash` (empty when
/// `hash` is empty). Parses back into `n` rows and no errors.
pub fn generate_csv(n: usize, hash: &str) -> String {
    let mut out = String::with_capacity(n * 250 + 200);
    out.push_str(
        "username,email,password_hash,status,given_name,family_name,phones,uid_number,\
         gid_number,home_directory,login_shell,ssh_keys\n",
    );
    let hash = cell(hash);
    for i in 1..=n {
        let f = fake(i);
        let u = &f.username;
        // Writing to a String cannot fail.
        let _ = writeln!(
            out,
            "{u},{u}@example.org,{hash},active,{},{},{};{},{id},{id},/home/{u},/bin/bash,{}",
            f.given,
            f.family,
            f.phones[0],
            f.phones[1],
            cell(&f.ssh_key),
            id = f.id,
        );
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn folding_keeps_lines_short_and_reversible() {
        let mut out = String::new();
        let line = format!("description: {}", "é".repeat(100));
        push_folded(&mut out, &line);
        assert!(out.lines().all(|l| l.len() <= 76));
        let unfolded: String = out
            .lines()
            .enumerate()
            .map(|(i, l)| if i == 0 { l } else { &l[1..] })
            .collect();
        assert_eq!(unfolded, line);
    }

    #[test]
    fn domain_from_suffix() {
        assert_eq!(domain("dc=Example,dc=com"), "example.com");
        assert_eq!(domain("o=acme"), "example.org");
        assert_eq!(domain(""), "example.org");
    }

    #[test]
    fn deterministic() {
        assert_eq!(generate_csv(3, "h"), generate_csv(3, "h"));
        assert_eq!(
            generate_ldif(3, "dc=a,dc=b", "h"),
            generate_ldif(3, "dc=a,dc=b", "h")
        );
        assert_ne!(fake(1).ssh_key, fake(2).ssh_key);
    }
}
