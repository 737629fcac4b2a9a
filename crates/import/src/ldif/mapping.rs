//! From LDAP entries to skydir users: which entries are users, and which attributes of
//! inetOrgPerson, posixAccount and ldapPublicKey fill which fields.
//!
//! | LDIF                                        | skydir                                   |
//! |---------------------------------------------|------------------------------------------|
//! | `uid` (lowercased: LDAP compares it so)     | `username`                               |
//! | `mail` (the first)                          | `email`                                  |
//! | `givenName`, `sn`                           | `given_name`, `family_name` (`cn` unused) |
//! | `telephoneNumber`, `mobile`, `homePhone`    | `phones`                                 |
//! | `street` or else `postalAddress` (`$` lines), `l`, `st`, `postalCode`, `c` | one address |
//! | `userPassword` (`{SSHA}`, `{SSHA512}`, `{CRYPT}$2b$`, `{ARGON2}`) | an imported hash   |
//! | `uidNumber`, `gidNumber`, `homeDirectory`, `loginShell` | POSIX account            |
//! | `sshPublicKey`                              | SSH keys                                 |
//!
//! An entry is a user when its objectClass includes inetOrgPerson or posixAccount; any other
//! entry (the base, `ou=…`, groups) is skipped. `loginShell` is optional in posixAccount
//! (RFC 2307), so when it is missing the core's default `/bin/bash` is used; the other three POSIX
//! attributes come together or not at all. A clear-text `userPassword` is refused rather than
//! imported: an export that holds clear text is a leak to be fixed at the source, and skydir
//! would have to apply the password policy to passwords nobody chose for it.

use super::reader::{Attr, Record, Value};
use crate::fields::{self, RowErrors, non_empty, posix_id, push_unique};
use base64::Engine;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use skydir_core::directory::{Address, Email, PersonalData, Posix, SshKey, UserStatus, Username};
use skydir_core::secret::Personal;
use skydir_core::service::{NewUser, PasswordInput, RowError};
use std::collections::BTreeMap;
use zeroize::Zeroize;

/// Base64 as LDIF writers produce it; missing padding is tolerated.
const BASE64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// What became of one record.
pub(crate) enum Outcome {
    User(Box<NewUser>),
    /// Not a user entry.
    Skipped,
    Refused(Vec<RowError>),
}

/// The attribute names used, lowercased, with their usual spelling for messages.
const NAMES: &[(&str, &str)] = &[
    ("uid", "uid"),
    ("mail", "mail"),
    ("givenname", "givenName"),
    ("sn", "sn"),
    ("telephonenumber", "telephoneNumber"),
    ("mobile", "mobile"),
    ("homephone", "homePhone"),
    ("street", "street"),
    ("postaladdress", "postalAddress"),
    ("l", "l"),
    ("st", "st"),
    ("postalcode", "postalCode"),
    ("c", "c"),
    ("userpassword", "userPassword"),
    ("uidnumber", "uidNumber"),
    ("gidnumber", "gidNumber"),
    ("homedirectory", "homeDirectory"),
    ("loginshell", "loginShell"),
    ("sshpublickey", "sshPublicKey"),
];

fn spelled(lower: &str) -> &'static str {
    NAMES
        .iter()
        .find(|(l, _)| *l == lower)
        .map_or("ldif", |(_, s)| s)
}

const PHONE_ATTRS: [&str; 3] = ["telephonenumber", "mobile", "homephone"];

/// Maps one record.
pub(crate) fn map(record: &Record) -> Outcome {
    if let Some(e) = &record.error {
        return Outcome::Refused(vec![e.clone()]);
    }
    let entry = Entry(record);
    if !entry.is_user() {
        return Outcome::Skipped;
    }
    let mut errs = RowErrors::new(record.line);

    let username = match entry.first("uid", &mut errs) {
        Some(uid) => Username::parse(&uid.trim().to_lowercase())
            .map_err(|e| errs.core(e, |_| "uid".into()))
            .ok(),
        None => {
            errs.push("uid", "missing; every user needs a uid");
            None
        }
    };
    let email = match entry.first("mail", &mut errs) {
        Some(mail) => Email::parse(&mail)
            .map_err(|e| errs.core(e, |_| "mail".into()))
            .ok(),
        None => {
            errs.push("mail", "missing; every user needs an email address");
            None
        }
    };
    let password = password(&entry, &mut errs);
    let posix = posix(&entry, &mut errs);

    let mut ssh_keys = Vec::new();
    for key in entry.all("sshpublickey", &mut errs) {
        match SshKey::parse(&key) {
            Ok(k) => ssh_keys.push(k),
            Err(e) => errs.core(e, |_| "sshPublicKey".into()),
        }
    }

    let mut phones = Vec::new();
    let mut phone_source = Vec::new();
    for attr in PHONE_ATTRS {
        for p in entry.all(attr, &mut errs) {
            push_unique(&mut phones, &p);
            phone_source.resize(phones.len(), spelled(attr));
        }
    }
    let (address, street_source) = address(&entry, &mut errs);
    let personal = PersonalData {
        given_name: Personal(
            entry
                .first("givenname", &mut errs)
                .and_then(|v| non_empty(&v)),
        ),
        family_name: Personal(entry.first("sn", &mut errs).and_then(|v| non_empty(&v))),
        phones: Personal(phones),
        addresses: Personal(address.into_iter().collect()),
        custom: Personal(BTreeMap::new()),
    };
    if let Err(e) = personal.validate() {
        errs.core(e, |field| {
            rename_personal(field, &phone_source, street_source)
        });
    }

    match (username, email, password, posix) {
        (Some(username), Some(email), Some(password), Some(posix)) if errs.is_empty() => {
            Outcome::User(Box::new(NewUser {
                username,
                email,
                password,
                status: UserStatus::Active,
                posix,
                ssh_keys,
                personal,
            }))
        }
        _ => Outcome::Refused(errs.into_vec()),
    }
}

/// Names a field the core's `PersonalData::validate` refused by the attribute it came from.
fn rename_personal(field: &str, phone_source: &[&str], street_source: &str) -> String {
    if let Some(i) = field
        .strip_prefix("phones[")
        .and_then(|r| r.strip_suffix(']'))
        .and_then(|i| i.parse::<usize>().ok())
    {
        return phone_source.get(i).unwrap_or(&"phones").to_string();
    }
    let name = match field {
        "given_name" => "givenName",
        "family_name" => "sn",
        "addresses[0].street" => street_source,
        "addresses[0].locality" => "l",
        "addresses[0].region" => "st",
        "addresses[0].postal_code" => "postalCode",
        "addresses[0].country" => "c",
        other => other,
    };
    name.to_string()
}

/// A record seen as an entry: attribute lookups and value decoding.
struct Entry<'a>(&'a Record);

impl Entry<'_> {
    /// The values of an attribute: those without options first, then those with options
    /// (`givenName;lang-fr`), each group in file order.
    fn values(&self, name: &str) -> impl Iterator<Item = &Attr> {
        let attrs = &self.0.attrs;
        let plain = attrs
            .iter()
            .filter(move |a| a.name == name && !a.has_options);
        let tagged = attrs
            .iter()
            .filter(move |a| a.name == name && a.has_options);
        plain.chain(tagged)
    }

    fn is_user(&self) -> bool {
        self.values("objectclass").any(|a| {
            decode(a).is_ok_and(|v| {
                let v = v.trim();
                v.eq_ignore_ascii_case("inetOrgPerson") || v.eq_ignore_ascii_case("posixAccount")
            })
        })
    }

    /// The first value of an attribute, decoded; `None` if absent or after recording why it
    /// could not be decoded.
    fn first(&self, name: &str, errs: &mut RowErrors) -> Option<String> {
        let attr = self.values(name).next()?;
        decode(attr)
            .map_err(|reason| errs.push(spelled(name), reason))
            .ok()
    }

    /// Every value of an attribute, decoded; undecodable ones are recorded as errors.
    fn all(&self, name: &str, errs: &mut RowErrors) -> Vec<String> {
        self.values(name)
            .filter_map(|a| decode(a).map_err(|r| errs.push(spelled(name), r)).ok())
            .collect()
    }
}

/// Decodes a value to text. The reason on failure never quotes the value.
fn decode(attr: &Attr) -> Result<String, &'static str> {
    match &attr.value {
        Value::Text(t) => Ok(t.clone()),
        Value::Base64(b) => {
            let bytes = BASE64
                .decode(b)
                .map_err(|_| "the base64 value after '::' is not valid base64")?;
            String::from_utf8(bytes).map_err(|e| {
                e.into_bytes().zeroize();
                "the base64 value after '::' does not decode to UTF-8 text"
            })
        }
        Value::Url => Err(
            "values given by URL (':<') are not imported; put the value itself \
                           in the file",
        ),
    }
}

/// The entry's password: `None` after recording an error.
fn password(entry: &Entry<'_>, errs: &mut RowErrors) -> Option<PasswordInput> {
    let mut first_problem = None;
    for attr in entry.values("userpassword") {
        let problem = match decode(attr) {
            Err(reason) => reason.to_string(),
            Ok(mut value) if !value.starts_with('{') && !value.starts_with("$argon2") => {
                value.zeroize();
                "clear-text userPassword values are not imported; export the hashes (slapcat \
                 keeps them) or let users set a password after the import"
                    .to_string()
            }
            Ok(value) => match fields::password_hash(value) {
                Ok(secret) => return Some(PasswordInput::Hash(secret)),
                Err(reason) => reason,
            },
        };
        first_problem.get_or_insert(problem);
    }
    match first_problem {
        None => Some(PasswordInput::None),
        Some(reason) => {
            errs.push("userPassword", reason);
            None
        }
    }
}

/// The entry's POSIX account: `Some(None)` when it has none, `None` after recording an error.
fn posix(entry: &Entry<'_>, errs: &mut RowErrors) -> Option<Option<Posix>> {
    let required = ["uidnumber", "gidnumber", "homedirectory"];
    let values: Vec<Option<String>> = required
        .iter()
        .map(|a| entry.first(a, errs).and_then(|v| non_empty(&v)))
        .collect();
    let shell = entry.first("loginshell", errs).and_then(|v| non_empty(&v));
    if values.iter().all(Option::is_none) && shell.is_none() {
        return Some(None);
    }
    let mut ok = true;
    for (attr, value) in required.iter().zip(&values) {
        if value.is_none() {
            errs.push(
                spelled(attr),
                "missing; uidNumber, gidNumber and homeDirectory go together (posixAccount)",
            );
            ok = false;
        }
    }
    let mut id = |i: usize| {
        let v = values[i].as_deref()?;
        posix_id(v)
            .map_err(|reason| errs.push(spelled(required[i]), reason))
            .ok()
    };
    let (uid, gid) = (id(0), id(1));
    let (Some(uid_number), Some(gid_number), Some(home), true) = (uid, gid, &values[2], ok) else {
        return None;
    };
    let posix = Posix {
        uid_number,
        gid_number,
        home_directory: home.clone(),
        login_shell: shell.unwrap_or_else(|| "/bin/bash".to_string()),
    };
    match posix.validate() {
        Ok(()) => Some(Some(posix)),
        Err(e) => {
            errs.core(e, |f| {
                match f {
                    "posix.uid_number" => "uidNumber",
                    "posix.gid_number" => "gidNumber",
                    "posix.home_directory" => "homeDirectory",
                    "posix.login_shell" => "loginShell",
                    other => other,
                }
                .to_string()
            });
            None
        }
    }
}

/// The entry's postal address, if it has any part of one, and the attribute its street came
/// from. `street` wins over `postalAddress`, which usually repeats the locality and postal code
/// that have attributes of their own.
fn address(entry: &Entry<'_>, errs: &mut RowErrors) -> (Option<Address>, &'static str) {
    let mut source = "street";
    let mut street = entry.first("street", errs).and_then(|v| non_empty(&v));
    if street.is_none() {
        street = entry
            .first("postaladdress", errs)
            .and_then(|v| non_empty(&postal_lines(&v)));
        source = "postalAddress";
    }
    let a = Address {
        label: None,
        street,
        locality: entry.first("l", errs).and_then(|v| non_empty(&v)),
        region: entry.first("st", errs).and_then(|v| non_empty(&v)),
        postal_code: entry.first("postalcode", errs).and_then(|v| non_empty(&v)),
        country: entry.first("c", errs).and_then(|v| non_empty(&v)),
    };
    let any = a.street.is_some()
        || a.locality.is_some()
        || a.region.is_some()
        || a.postal_code.is_some()
        || a.country.is_some();
    (any.then_some(a), source)
}

/// RFC 4517 PostalAddress: lines separated by `$`, with `\24` for a `$` and `\5C` for a `\` in a
/// line. Returns the lines joined by newlines.
fn postal_lines(v: &str) -> String {
    v.split('$')
        .map(|line| {
            line.replace("\\24", "$")
                .replace("\\5C", "\\")
                .replace("\\5c", "\\")
                .trim()
                .to_string()
        })
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn postal_address_lines_are_unescaped() {
        assert_eq!(
            postal_lines("1 Main St $ Suite \\2410$Springfield, IL 62701$"),
            "1 Main St\nSuite $10\nSpringfield, IL 62701"
        );
        assert_eq!(postal_lines("a\\5Cb"), "a\\b");
    }

    #[test]
    fn personal_fields_are_named_by_attribute() {
        let src = ["telephoneNumber", "mobile"];
        assert_eq!(rename_personal("phones[1]", &src, "street"), "mobile");
        assert_eq!(rename_personal("phones[9]", &src, "street"), "phones");
        assert_eq!(
            rename_personal("addresses[0].street", &src, "postalAddress"),
            "postalAddress"
        );
        assert_eq!(rename_personal("given_name", &src, "street"), "givenName");
    }
}
