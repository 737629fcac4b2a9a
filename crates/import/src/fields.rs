//! Conversions both readers share: collecting a row's errors, turning core errors into row errors
//! named in the file's terms, checking imported password hashes without ever quoting them,
//! splitting multi-valued cells, and POSIX numbers.
//!
//! Keeping these in one place makes a CSV cell and an LDIF value with the same content get the
//! same verdict in the same words.

use skydir_core::CoreError;
use skydir_core::auth::credential::is_supported_hash;
use skydir_core::auth::legacy::split_scheme;
use skydir_core::directory::personal::MAX_ITEMS;
use skydir_core::secret::Secret;
use skydir_core::service::RowError;
use zeroize::Zeroize;

/// The errors of one row, all reported at the line where the row starts.
pub(crate) struct RowErrors {
    line: u64,
    list: Vec<RowError>,
}

impl RowErrors {
    pub(crate) fn new(line: u64) -> Self {
        Self {
            line,
            list: Vec::new(),
        }
    }

    /// Records that `field` is wrong because of `reason`.
    pub(crate) fn push(&mut self, field: impl Into<String>, reason: impl Into<String>) {
        self.list.push(RowError {
            line: self.line,
            field: field.into(),
            reason: reason.into(),
        });
    }

    /// Records a core refusal, naming the field with `rename` applied to the core's field name.
    pub(crate) fn core(&mut self, e: CoreError, rename: impl Fn(&str) -> String) {
        match e {
            CoreError::Invalid { field, reason } | CoreError::Conflict { field, reason } => {
                self.push(rename(&field), reason)
            }
            other => self.push("row", other.to_string()),
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    pub(crate) fn into_vec(self) -> Vec<RowError> {
        self.list
    }
}

/// What `is_supported_hash` accepts, in words.
const HASH_FORMATS: &str = "{SSHA}, {SSHA512}, {CRYPT}$2b$…, {ARGON2}$argon2… or $argon2id$…";

/// Well-known LDAP password schemes skydir cannot verify. Only names from this list are ever
/// quoted in a message: an unknown `{…}` prefix might be the start of a clear-text password.
const KNOWN_UNSUPPORTED: &[&str] = &[
    "MD5",
    "SMD5",
    "SHA",
    "SHA256",
    "SSHA256",
    "SHA384",
    "SSHA384",
    "SHA512",
    "PBKDF2",
    "PBKDF2-SHA1",
    "PBKDF2-SHA256",
    "PBKDF2-SHA512",
    "CLEARTEXT",
    "SASL",
    "KERBEROS",
    "K5KEY",
    "NS-MTA-MD5",
    "UNIX",
];

/// Checks an imported password hash and wraps it. On refusal the value is wiped and the reason
/// never contains any part of it.
pub(crate) fn password_hash(mut value: String) -> Result<Secret, String> {
    match hash_problem(&value) {
        None => Ok(Secret::new(value)),
        Some(reason) => {
            value.zeroize();
            Err(reason)
        }
    }
}

fn hash_problem(v: &str) -> Option<String> {
    if is_supported_hash(v) && shape_is_plausible(v) {
        return None;
    }
    let generic = || format!("unsupported password hash; expected {HASH_FORMATS}");
    let Some((scheme, _)) = split_scheme(v) else {
        return Some(generic());
    };
    let upper = scheme.to_ascii_uppercase();
    Some(match upper.as_str() {
        "CRYPT" => "only bcrypt {CRYPT} hashes ($2a$, $2b$, $2y$ with cost and 53 characters of \
                    salt and hash) can be imported"
            .to_string(),
        "SSHA" | "SSHA512" => {
            format!(
                "this {{{upper}}} value is malformed: expected base64 of the digest followed by the salt"
            )
        }
        "ARGON2" => "this {ARGON2} value is not a valid $argon2…$ PHC string".to_string(),
        s if KNOWN_UNSUPPORTED.contains(&s) => {
            format!("{{{upper}}} hashes cannot be imported; expected {HASH_FORMATS}")
        }
        _ => generic(),
    })
}

/// Checks the core accepts by prefix, tightened where the core's check is loose: salted SHA
/// values must be longer than their digest (else there is no salt and login would fail later),
/// and bcrypt values must have bcrypt's fixed shape.
fn shape_is_plausible(v: &str) -> bool {
    use base64::Engine;
    let Some((scheme, rest)) = split_scheme(v) else {
        return true; // a bare $argon2… PHC string, fully parsed by the core
    };
    let decoded_len = || {
        base64::engine::general_purpose::STANDARD
            .decode(rest.trim())
            .map(|b| b.len())
            .unwrap_or(0)
    };
    match scheme.to_ascii_uppercase().as_str() {
        "SSHA" => decoded_len() > 20,
        "SSHA512" => decoded_len() > 64,
        "CRYPT" => is_bcrypt(rest),
        _ => true,
    }
}

/// `$2b$NN$` followed by 53 characters of bcrypt's base64 alphabet.
fn is_bcrypt(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 60
        && b[0] == b'$'
        && b[1] == b'2'
        && matches!(b[2], b'a' | b'b' | b'y')
        && b[3] == b'$'
        && b[4].is_ascii_digit()
        && b[5].is_ascii_digit()
        && b[6] == b'$'
        && b[7..]
            .iter()
            .all(|c| c.is_ascii_alphanumeric() || *c == b'.' || *c == b'/')
}

/// Splits a cell holding several SSH keys: one per line, or separated by `;`. A `;` only
/// separates when a key type follows it, so a `;` inside a key's comment stays in the comment.
pub(crate) fn split_ssh_keys(cell: &str) -> Vec<&str> {
    let mut keys = Vec::new();
    for line in cell.lines() {
        let mut start = 0;
        for (i, _) in line.match_indices(';') {
            let after = line[i + 1..].trim_start();
            if ["ssh-", "ecdsa-", "sk-"]
                .iter()
                .any(|p| after.starts_with(p))
            {
                keys.push(&line[start..i]);
                start = i + 1;
            }
        }
        keys.push(&line[start..]);
    }
    keys.into_iter()
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .collect()
}

/// Parses a uidNumber or gidNumber.
pub(crate) fn posix_id(s: &str) -> Result<u32, String> {
    s.trim()
        .parse::<u32>()
        .map_err(|_| "must be a whole number from 0 to 4294967295".to_string())
}

/// Adds `value` unless it is empty or already present (exports often repeat a phone number under
/// two attributes). Stops one past the core's limit, which is enough for the core to refuse the
/// list and keeps a hostile cell of many thousand values from costing quadratic time.
pub(crate) fn push_unique(list: &mut Vec<String>, value: &str) {
    let value = value.trim();
    if list.len() <= MAX_ITEMS && !value.is_empty() && !list.iter().any(|v| v == value) {
        list.push(value.to_string());
    }
}

/// `Some(trimmed)` unless the value is empty or only whitespace.
pub(crate) fn non_empty(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use base64::Engine;

    fn b64(bytes: &[u8]) -> String {
        base64::engine::general_purpose::STANDARD.encode(bytes)
    }

    #[test]
    fn supported_hashes_are_wrapped() {
        let ssha = format!("{{SSHA}}{}", b64(&[7u8; 24]));
        assert_eq!(password_hash(ssha.clone()).unwrap().expose(), ssha);
        let ssha512 = format!("{{ssha512}}{}", b64(&[7u8; 72]));
        assert!(password_hash(ssha512).is_ok());
        let bcrypt = format!("{{CRYPT}}$2b$12${}", "a".repeat(53));
        assert!(password_hash(bcrypt).is_ok());
        let argon = "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA".to_string();
        assert!(password_hash(argon.clone()).is_ok());
        assert!(password_hash(format!("{{ARGON2}}{argon}")).is_ok());
    }

    #[test]
    fn refusals_never_quote_the_value() {
        for (v, want) in [
            ("hunter2", "unsupported password hash"),
            ("{hunter2}secret", "unsupported password hash"),
            (
                "{MD5}X03MO1qnZdYdgyfeuILPmQ==",
                "{MD5} hashes cannot be imported",
            ),
            ("{SSHA}", "{SSHA} value is malformed"),
            ("{SSHA}AAAA", "{SSHA} value is malformed"),
            ("{CRYPT}abcdefghijklm", "only bcrypt {CRYPT}"),
            ("{CRYPT}$2b$12$short", "only bcrypt {CRYPT}"),
            ("{ARGON2}nope", "{ARGON2} value is not a valid"),
        ] {
            let reason = password_hash(v.to_string()).unwrap_err();
            assert!(reason.contains(want), "{v}: {reason}");
            assert!(!reason.contains("hunter2"));
            assert!(!reason.contains("X03MO1"));
        }
    }

    #[test]
    fn ssh_keys_split_on_newlines_and_on_semicolons_before_a_key() {
        let cell = "ssh-ed25519 AAAA a;b@host ; ssh-rsa BBBB\n\necdsa-sha2-nistp256 CCCC\r\n";
        assert_eq!(
            split_ssh_keys(cell),
            vec![
                "ssh-ed25519 AAAA a;b@host",
                "ssh-rsa BBBB",
                "ecdsa-sha2-nistp256 CCCC"
            ]
        );
        assert!(split_ssh_keys("  ").is_empty());
    }

    #[test]
    fn small_helpers() {
        assert_eq!(posix_id(" 10001 "), Ok(10001));
        assert!(posix_id("-1").is_err());
        assert!(posix_id("4294967296").is_err());
        let mut l = vec![];
        push_unique(&mut l, " +1 555 ");
        push_unique(&mut l, "+1 555");
        push_unique(&mut l, "");
        assert_eq!(l, vec!["+1 555".to_string()]);
        assert_eq!(non_empty("  "), None);
        assert_eq!(non_empty(" a "), Some("a".into()));
    }
}
