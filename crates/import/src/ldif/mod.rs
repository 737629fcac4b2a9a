//! LDIF import, for moving a directory from OpenLDAP (or 389-ds) to skydir with its users'
//! password hashes, so nobody has to reset a password on the day of the move.
//!
//! Two layers: [`reader`] is RFC 2849 syntax (lines, folding, base64, records) and knows nothing
//! of users; [`mapping`] decides which entries are users and fills a `NewUser` from their
//! attributes. No LDIF crate on crates.io reports line numbers per record or tolerates a bad
//! record without failing the file, which an import report needs, so the reader is our own.

mod mapping;
mod reader;

use crate::error::ImportError;
use crate::{Parsed, skip_bom};
use mapping::Outcome;
use std::io::{BufReader, Read};

/// Parses an LDIF file as `slapcat` or `ldapsearch -LLL` writes it.
///
/// Entries whose objectClass includes inetOrgPerson or posixAccount become users (see the
/// mapping table in the crate's source, `ldif/mapping.rs`); other entries are counted in
/// [`Parsed::skipped`]. A record with a syntax error, a change record other than
/// `changetype: add`, or an unusable user attribute is reported in [`Parsed::errors`] at the line
/// of its `dn:`, naming the attribute. An `Err` means the stream could not be read, the file is
/// empty, its `version:` is not 1, or a line is absurdly long.
pub fn parse_ldif(input: impl Read) -> Result<Parsed, ImportError> {
    let mut reader = reader::Reader::new(BufReader::new(skip_bom(input)?));
    let mut parsed = Parsed::default();
    while let Some(record) = reader.next_record()? {
        match mapping::map(&record) {
            Outcome::User(user) => parsed.rows.push((record.line, *user)),
            Outcome::Skipped => parsed.skipped += 1,
            Outcome::Refused(errors) => parsed.errors.extend(errors),
        }
    }
    if !reader.saw_content() {
        return Err(ImportError::Empty);
    }
    Ok(parsed)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use skydir_core::directory::{Address, Posix, UserStatus};
    use skydir_core::service::PasswordInput;

    const SSHA: &str = "e1NTSEF9bEhGelh1bDR3bnpSSXRzc1ZjVG52WFdSak5nQkFnTUVCUVlIQ0E9PQ==";

    fn parse(s: &str) -> Parsed {
        parse_ldif(s.as_bytes()).unwrap()
    }

    fn errors(s: &str) -> Vec<(u64, String)> {
        parse(s)
            .errors
            .into_iter()
            .map(|e| (e.line, e.field))
            .collect()
    }

    fn user(extra: &str) -> String {
        format!(
            "dn: uid=ann,ou=people,dc=example,dc=org\nobjectClass: inetOrgPerson\nuid: ann\n\
             mail: ann@example.org\nsn: Lee\ncn: Ann Lee\n{extra}"
        )
    }

    #[test]
    fn a_full_user() {
        let s = user(&format!(
            "objectClass: posixAccount\ngivenName: Ann\ntelephoneNumber: +1 555 0100\n\
             mobile: +1 555 0199\ntelephoneNumber;x-work: +1 555 0100\n\
             postalAddress: 1 Main St$Springfield\nl: Springfield\nst: IL\npostalCode: 62701\n\
             c: US\nuserPassword:: {SSHA}\nuidNumber: 10001\ngidNumber: 10001\n\
             homeDirectory: /home/ann\nsshPublicKey: ssh-ed25519 AAAA ann@laptop\n"
        ));
        let p = parse(&s);
        assert_eq!(p.errors, vec![]);
        let (line, u) = &p.rows[0];
        assert_eq!(*line, 1);
        assert_eq!(u.username.as_str(), "ann");
        assert_eq!(u.email.as_str(), "ann@example.org");
        assert_eq!(u.status, UserStatus::Active);
        assert_eq!(u.personal.given_name.0.as_deref(), Some("Ann"));
        assert_eq!(u.personal.family_name.0.as_deref(), Some("Lee"));
        assert_eq!(u.personal.phones.0, vec!["+1 555 0100", "+1 555 0199"]);
        assert_eq!(
            u.personal.addresses.0,
            vec![Address {
                street: Some("1 Main St\nSpringfield".into()),
                locality: Some("Springfield".into()),
                region: Some("IL".into()),
                postal_code: Some("62701".into()),
                country: Some("US".into()),
                label: None,
            }]
        );
        assert!(matches!(&u.password, PasswordInput::Hash(h) if h.expose().starts_with("{SSHA}")));
        assert_eq!(
            u.posix,
            Some(Posix {
                uid_number: 10001,
                gid_number: 10001,
                home_directory: "/home/ann".into(),
                login_shell: "/bin/bash".into(),
            })
        );
        assert_eq!(u.ssh_keys.len(), 1);
    }

    #[test]
    fn non_users_are_skipped_and_uids_lowercased() {
        let p = parse(
            "dn: dc=example,dc=org\nobjectClass: dcObject\n\n\
             dn: ou=people,dc=example,dc=org\nobjectClass: organizationalUnit\n\n\
             dn: cn=staff,dc=example,dc=org\nobjectClass: posixGroup\nmemberUid: ann\n\n\
             dn: uid=Bob,dc=example,dc=org\nobjectclass: POSIXACCOUNT\nuid: Bob\nmail: b@x.org\n\
             uidNumber: 10002\ngidNumber: 10002\nhomeDirectory: /home/bob\nloginShell: /bin/sh\n",
        );
        assert_eq!((p.rows.len(), p.skipped, p.errors.len()), (1, 3, 0));
        assert_eq!(p.rows[0].0, 11);
        assert_eq!(p.rows[0].1.username.as_str(), "bob");
    }

    #[test]
    fn every_error_names_the_dn_line_and_the_attribute() {
        let head = "dn: dc=x\nobjectClass: top\n\n";
        let cases: Vec<(String, Vec<&str>)> = vec![
            (
                "dn: uid=a\nobjectClass: inetOrgPerson\nmail: a@x.org\n".into(),
                vec!["uid"],
            ),
            (
                "dn: uid=a\nobjectClass: inetOrgPerson\nuid: a\n".into(),
                vec!["mail"],
            ),
            (user("").replace("uid: ann", "uid: a b"), vec!["uid"]),
            (
                user("").replace("ann@example.org", "ann.example.org"),
                vec!["mail"],
            ),
            (user("userPassword: secret\n"), vec!["userPassword"]),
            (user("userPassword: {MD5}abc\n"), vec!["userPassword"]),
            (user("userPassword:: !!!\n"), vec!["userPassword"]),
            (
                user("uidNumber: 10001\n"),
                vec!["gidNumber", "homeDirectory"],
            ),
            (
                user("loginShell: /bin/sh\n"),
                vec!["uidNumber", "gidNumber", "homeDirectory"],
            ),
            (
                user("uidNumber: x\ngidNumber: 10001\nhomeDirectory: /h\n"),
                vec!["uidNumber"],
            ),
            (
                user("uidNumber: 10001\ngidNumber: 5\nhomeDirectory: /h\n"),
                vec!["gidNumber"],
            ),
            (
                user("uidNumber: 10001\ngidNumber: 10001\nhomeDirectory: h\n"),
                vec!["homeDirectory"],
            ),
            (user("sshPublicKey: ssh-dss AAAA\n"), vec!["sshPublicKey"]),
            (user("mobile: call me\n"), vec!["mobile"]),
            (user("givenName:< file:///etc/passwd\n"), vec!["givenName"]),
            (user("givenName:: /w==\n"), vec!["givenName"]),
            (
                user("jpegPhoto:< file:///x.jpg\njpegPhoto:: /9j/\n"),
                vec![],
            ),
            (user("changetype: add\n"), vec![]),
            (
                user("").replace("objectClass", "changetype: delete\nobjectClass"),
                vec!["changetype"],
            ),
            (user("this is not ldif\n"), vec!["ldif"]),
        ];
        for (record, want) in cases {
            let got = errors(&format!("{head}{record}"));
            let want: Vec<(u64, String)> = want.iter().map(|f| (4, f.to_string())).collect();
            assert_eq!(got, want, "{record}");
        }
    }

    #[test]
    fn clear_text_passwords_are_refused_without_being_quoted() {
        let p = parse(&user("userPassword: hunter2\n"));
        let e = &p.errors[0];
        assert!(
            e.reason
                .starts_with("clear-text userPassword values are not imported")
        );
        assert!(!format!("{p:?}").contains("hunter2"));
    }

    #[test]
    fn a_later_supported_hash_wins_over_an_unsupported_first() {
        let p = parse(&user(&format!(
            "userPassword: {{MD5}}abc\nuserPassword:: {SSHA}\n"
        )));
        assert!(p.errors.is_empty());
        assert!(matches!(p.rows[0].1.password, PasswordInput::Hash(_)));
    }

    #[test]
    fn empty_and_comment_only_files() {
        assert!(matches!(parse_ldif(&b""[..]), Err(ImportError::Empty)));
        assert!(matches!(parse_ldif(&b"\n\n"[..]), Err(ImportError::Empty)));
        let p = parse("# nothing to see\n");
        assert!(p.rows.is_empty() && p.errors.is_empty());
    }
}
