//! CSV import: a header row naming the columns (any order, any case), then one user per row.
//!
//! This is the format people make in a spreadsheet, so the reader is forgiving where it is safe
//! (a UTF-8 byte-order mark, blank rows, surrounding spaces, `Active` for `active`) and strict
//! where guessing could import the wrong thing (unknown or repeated columns, rows with the wrong
//! number of cells, half a POSIX account, both a password and a hash).
//!
//! Columns: see [`CSV_COLUMNS`], plus `custom.<name>` for custom attributes. Multi-valued cells:
//! `phones` separated by `;`; `ssh_keys` one per line (in a quoted cell) or separated by `;`;
//! `addresses` as JSON, an array of objects with the keys of
//! [`Address`](skydir_core::directory::Address) (or one such object). Empty cells are absent.

use crate::error::{ImportError, quote};
use crate::fields::{self, RowErrors, non_empty, posix_id, push_unique};
use crate::{Parsed, skip_bom};
use skydir_core::directory::{Address, Email, PersonalData, Posix, SshKey, UserStatus, Username};
use skydir_core::secret::{Personal, Secret};
use skydir_core::service::{NewUser, PasswordInput, RowError};
use std::collections::BTreeMap;
use std::io::Read;
use zeroize::Zeroize;

/// The columns a CSV header may name (besides `custom.<name>`). `username` and `email` are
/// required; `password` (clear text) and `password_hash` are exclusive per row;
/// `uid_number`, `gid_number`, `home_directory` and `login_shell` come all together or not at all.
pub const CSV_COLUMNS: &[&str] = &[
    "username",
    "email",
    "password",
    "password_hash",
    "status",
    "given_name",
    "family_name",
    "phones",
    "addresses",
    "uid_number",
    "gid_number",
    "home_directory",
    "login_shell",
    "ssh_keys",
];

const POSIX_COLUMNS: [&str; 4] = ["uid_number", "gid_number", "home_directory", "login_shell"];

/// What one header cell names.
enum Column {
    /// Index into [`CSV_COLUMNS`].
    Known(usize),
    /// `custom.<name>`, with the name as written.
    Custom(String),
    /// An empty header cell: its cells must stay empty.
    Blank,
}

/// The header, resolved.
struct Layout {
    columns: Vec<Column>,
    /// For each of [`CSV_COLUMNS`], its position in a row.
    position: [Option<usize>; CSV_COLUMNS.len()],
}

fn known_list() -> String {
    let mut s = CSV_COLUMNS.join(", ");
    s.push_str(", custom.<name>");
    s
}

fn valid_custom_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

impl Layout {
    fn from_header(record: &csv::ByteRecord, line: u64) -> Result<Layout, ImportError> {
        let mut cells = Vec::with_capacity(record.len());
        for cell in record {
            let text =
                std::str::from_utf8(cell).map_err(|_| ImportError::HeaderNotUtf8 { line })?;
            cells.push(text.trim());
        }
        if let [only] = cells.as_slice() {
            for separator in [';', '\t'] {
                if only.contains(separator) {
                    return Err(ImportError::WrongSeparator { line, separator });
                }
            }
        }
        let mut layout = Layout {
            columns: Vec::with_capacity(cells.len()),
            position: [None; CSV_COLUMNS.len()],
        };
        let mut unknown = None;
        let mut customs = Vec::new();
        for (i, name) in cells.iter().enumerate() {
            let lower = name.to_ascii_lowercase();
            let column = if name.is_empty() {
                Column::Blank
            } else if let Some(k) = CSV_COLUMNS.iter().position(|c| *c == lower) {
                if layout.position[k].replace(i).is_some() {
                    return Err(ImportError::DuplicateColumn {
                        line,
                        column: CSV_COLUMNS[k].to_string(),
                    });
                }
                Column::Known(k)
            } else if lower.starts_with("custom.") {
                let custom = &name["custom.".len()..];
                if !valid_custom_name(custom) {
                    return Err(ImportError::BadCustomColumn {
                        line,
                        column: quote(name),
                    });
                }
                if customs.contains(&custom) {
                    return Err(ImportError::DuplicateColumn {
                        line,
                        column: quote(name),
                    });
                }
                customs.push(custom);
                Column::Custom(custom.to_string())
            } else {
                unknown.get_or_insert(*name);
                Column::Blank
            };
            layout.columns.push(column);
        }
        let recognized = layout.position.iter().flatten().count() + customs.len();
        if recognized == 0 {
            return Err(ImportError::NotAHeader {
                line,
                cells: cells.len(),
                known: known_list(),
            });
        }
        if let Some(column) = unknown {
            return Err(ImportError::UnknownColumn {
                line,
                column: quote(column),
                known: known_list(),
            });
        }
        for required in ["username", "email"] {
            if layout.index(required).is_none() {
                return Err(ImportError::MissingColumn {
                    line,
                    column: required,
                });
            }
        }
        Ok(layout)
    }

    fn index(&self, column: &str) -> Option<usize> {
        let k = CSV_COLUMNS.iter().position(|c| *c == column)?;
        self.position[k]
    }
}

/// One data row, with its cells checked for UTF-8.
struct Row<'a> {
    layout: &'a Layout,
    cells: Vec<&'a str>,
}

impl Row<'_> {
    /// The cell as written (untrimmed), or `""` when the column is absent.
    fn raw(&self, column: &str) -> &str {
        self.layout
            .index(column)
            .and_then(|i| self.cells.get(i).copied())
            .unwrap_or("")
    }

    /// The trimmed cell, `None` when empty or the column is absent.
    fn text(&self, column: &str) -> Option<&str> {
        let t = self.raw(column).trim();
        (!t.is_empty()).then_some(t)
    }
}

/// Parses a CSV import file: a header row naming [`CSV_COLUMNS`] and `custom.<name>` columns in
/// any order and case (`username` and `email` required), then one user per row. Empty cells are
/// absent; `phones` are separated by `;`; `ssh_keys` are one per line of a quoted cell or
/// separated by `;`; `addresses` is JSON (an array of objects with the keys of
/// [`Address`], or one object); `status` defaults to `active`.
///
/// Each row's problems are reported in [`Parsed::errors`] with the line where the row starts
/// (a quoted cell may span lines) and the column at fault; an `Err` means the file as a whole
/// cannot be read: empty, no header, or a header with unknown, repeated or missing columns.
pub fn parse_csv(input: impl Read) -> Result<Parsed, ImportError> {
    // Held in memory so a row's line can be found from its byte offset (the CSV reader's own
    // line count leaves out the blank lines before a row), and wiped afterwards: it holds any
    // clear-text passwords the file has.
    let mut data = Vec::new();
    skip_bom(input)?.read_to_end(&mut data)?;
    let result = parse_bytes(&data);
    data.zeroize();
    result
}

fn parse_bytes(data: &[u8]) -> Result<Parsed, ImportError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(data);
    let mut record = csv::ByteRecord::new();
    let layout = loop {
        if !read(&mut reader, &mut record)? {
            return Err(ImportError::Empty);
        }
        if !is_blank(&record) {
            break Layout::from_header(&record, line_of(data, &record))?;
        }
    };
    let mut parsed = Parsed::default();
    while read(&mut reader, &mut record)? {
        let line = line_of(data, &record);
        if is_blank(&record) {
            parsed.skipped += 1;
            continue;
        }
        if record.len() != layout.columns.len() {
            parsed.errors.push(RowError {
                line,
                field: "row".into(),
                reason: format!(
                    "has {} cells but the header has {} columns; quote cells that contain commas",
                    record.len(),
                    layout.columns.len()
                ),
            });
            continue;
        }
        match user(&layout, &record, line) {
            Ok(u) => parsed.rows.push((line, u)),
            Err(e) => parsed.errors.extend(e),
        }
    }
    Ok(parsed)
}

fn read(
    reader: &mut csv::Reader<&[u8]>,
    record: &mut csv::ByteRecord,
) -> Result<bool, ImportError> {
    reader.read_byte_record(record).map_err(|e| {
        let line = e.position().map_or(0, csv::Position::line);
        match e.into_kind() {
            csv::ErrorKind::Io(io) => ImportError::Io(io),
            other => ImportError::Csv {
                line,
                reason: format!("{other:?}"),
            },
        }
    })
}

/// The line where `record` starts: the reader reports the position before the blank lines it
/// skipped, so count those too.
fn line_of(data: &[u8], record: &csv::ByteRecord) -> u64 {
    let Some(pos) = record.position() else {
        return 0;
    };
    let start = usize::try_from(pos.byte()).unwrap_or(usize::MAX);
    let blank = data
        .get(start..)
        .unwrap_or_default()
        .iter()
        .take_while(|b| matches!(b, b'\n' | b'\r'))
        .filter(|b| **b == b'\n')
        .count();
    pos.line() + blank as u64
}

fn is_blank(record: &csv::ByteRecord) -> bool {
    record.iter().all(|c| c.trim_ascii().is_empty())
}

fn column_name(layout: &Layout, i: usize) -> String {
    match layout.columns.get(i) {
        Some(Column::Known(k)) => CSV_COLUMNS[*k].to_string(),
        Some(Column::Custom(name)) => format!("custom.{name}"),
        _ => format!("column {}", i + 1),
    }
}

/// The core names POSIX fields `posix.uid_number`; the CSV column is `uid_number`.
fn rename(core_field: &str) -> String {
    core_field
        .strip_prefix("posix.")
        .unwrap_or(core_field)
        .to_string()
}

fn user(layout: &Layout, record: &csv::ByteRecord, line: u64) -> Result<NewUser, Vec<RowError>> {
    let mut errs = RowErrors::new(line);
    let mut cells = Vec::with_capacity(record.len());
    for (i, cell) in record.iter().enumerate() {
        let text = std::str::from_utf8(cell).unwrap_or_else(|_| {
            errs.push(
                column_name(layout, i),
                "not valid UTF-8; save the file as UTF-8",
            );
            ""
        });
        if matches!(layout.columns.get(i), Some(Column::Blank)) && !text.trim().is_empty() {
            errs.push(
                column_name(layout, i),
                "has a value but its column has no name in the header",
            );
        }
        cells.push(text);
    }
    let row = Row { layout, cells };

    let username = Username::parse(row.raw("username").trim()).map_err(|e| errs.core(e, rename));
    let email = Email::parse(row.raw("email")).map_err(|e| errs.core(e, rename));
    let status = match row.text("status") {
        None => Ok(UserStatus::Active),
        Some(s) => UserStatus::parse(&s.to_ascii_lowercase()).map_err(|e| errs.core(e, rename)),
    };
    let password = password(&row, &mut errs);
    let posix = posix(&row, &mut errs);

    let mut ssh_keys = Vec::new();
    let keys = fields::split_ssh_keys(row.raw("ssh_keys"));
    for (i, key) in keys.iter().enumerate() {
        match SshKey::parse(key) {
            Ok(k) => ssh_keys.push(k),
            Err(e) if keys.len() > 1 => errs.core(e, |f| format!("{f}[{i}]")),
            Err(e) => errs.core(e, rename),
        }
    }

    let mut phones = Vec::new();
    for p in row.raw("phones").split(';') {
        push_unique(&mut phones, p);
    }
    let addresses = row.text("addresses").map_or_else(Vec::new, |cell| {
        addresses(cell).unwrap_or_else(|(field, reason)| {
            errs.push(field, reason);
            Vec::new()
        })
    });
    let mut custom = BTreeMap::new();
    for (i, column) in layout.columns.iter().enumerate() {
        if let (Column::Custom(name), Some(value)) = (column, row.cells.get(i))
            && let Some(v) = non_empty(value)
        {
            custom.insert(name.clone(), v);
        }
    }
    let personal = PersonalData {
        given_name: Personal(row.text("given_name").map(str::to_string)),
        family_name: Personal(row.text("family_name").map(str::to_string)),
        phones: Personal(phones),
        addresses: Personal(addresses),
        custom: Personal(custom),
    };
    if let Err(e) = personal.validate() {
        errs.core(e, rename);
    }

    match (username, email, status, password, posix) {
        (Ok(username), Ok(email), Ok(status), Some(password), Some(posix)) if errs.is_empty() => {
            Ok(NewUser {
                username,
                email,
                password,
                status,
                posix,
                ssh_keys,
                personal,
            })
        }
        _ => Err(errs.into_vec()),
    }
}

/// The row's password, `None` after recording an error.
fn password(row: &Row<'_>, errs: &mut RowErrors) -> Option<PasswordInput> {
    // Clear-text passwords are taken as written (spaces may be part of them), but a cell of
    // nothing but spaces is an empty cell.
    let plain = row.raw("password");
    let hash = row.text("password_hash");
    match (plain.trim().is_empty(), hash) {
        (true, None) => Some(PasswordInput::None),
        (false, None) => Some(PasswordInput::Plain(Secret::new(plain))),
        (true, Some(h)) => match fields::password_hash(h.to_string()) {
            Ok(secret) => Some(PasswordInput::Hash(secret)),
            Err(reason) => {
                errs.push("password_hash", reason);
                None
            }
        },
        (false, Some(_)) => {
            errs.push(
                "password",
                "give either password or password_hash, not both",
            );
            None
        }
    }
}

/// The row's POSIX account: `Some(None)` when no POSIX cell is filled, `None` after recording an
/// error.
fn posix(row: &Row<'_>, errs: &mut RowErrors) -> Option<Option<Posix>> {
    let given: Vec<Option<&str>> = POSIX_COLUMNS.iter().map(|c| row.text(c)).collect();
    if given.iter().all(Option::is_none) {
        return Some(None);
    }
    let mut ok = true;
    for (column, value) in POSIX_COLUMNS.iter().zip(&given) {
        if value.is_none() {
            errs.push(
                *column,
                "missing; uid_number, gid_number, home_directory and login_shell go together: \
                 give all four or none",
            );
            ok = false;
        }
    }
    let mut id = |column: &str| match posix_id(row.raw(column)) {
        Ok(n) => Some(n),
        Err(reason) => {
            if row.text(column).is_some() {
                errs.push(column, reason);
            }
            None
        }
    };
    let (uid, gid) = (id("uid_number"), id("gid_number"));
    let (Some(uid_number), Some(gid_number), true) = (uid, gid, ok) else {
        return None;
    };
    let posix = Posix {
        uid_number,
        gid_number,
        home_directory: row.text("home_directory").unwrap_or_default().to_string(),
        login_shell: row.text("login_shell").unwrap_or_default().to_string(),
    };
    match posix.validate() {
        Ok(()) => Some(Some(posix)),
        Err(e) => {
            errs.core(e, rename);
            None
        }
    }
}

/// Parses the `addresses` cell: a JSON array of address objects, or one object. Errors are
/// `(field, reason)` and never quote the cell (addresses are personal data).
fn addresses(cell: &str) -> Result<Vec<Address>, (String, String)> {
    let shape = "must be JSON: an array of objects with the keys label, street, locality, \
                 region, postal_code and country (or one such object)";
    let value: serde_json::Value = serde_json::from_str(cell)
        .map_err(|e| ("addresses".to_string(), format!("{shape}; {e}")))?;
    let items = match value {
        serde_json::Value::Array(items) => items,
        object @ serde_json::Value::Object(_) => vec![object],
        _ => return Err(("addresses".into(), shape.into())),
    };
    items
        .into_iter()
        .enumerate()
        .map(|(i, item)| {
            let field = format!("addresses[{i}]");
            if !item.is_object() {
                return Err((field, shape.to_string()));
            }
            // Every field is an optional string, so serde's messages can only quote key names,
            // numbers or type names, never the text of an address.
            serde_json::from_value::<Address>(item).map_err(|e| (field, e.to_string()))
        })
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Parsed {
        parse_csv(s.as_bytes()).unwrap()
    }

    fn fatal(s: &str) -> String {
        parse_csv(s.as_bytes()).unwrap_err().to_string()
    }

    fn errors(s: &str) -> Vec<(u64, String, String)> {
        parse(s)
            .errors
            .into_iter()
            .map(|e| (e.line, e.field, e.reason))
            .collect()
    }

    fn fields_of(s: &str) -> Vec<(u64, String)> {
        errors(s).into_iter().map(|(l, f, _)| (l, f)).collect()
    }

    #[test]
    fn minimal_row() {
        let p = parse("Username,EMAIL\njdoe,JDoe@Example.com\n");
        assert_eq!(p.rows.len(), 1);
        assert!(p.errors.is_empty());
        let (line, u) = &p.rows[0];
        assert_eq!(*line, 2);
        assert_eq!(u.username.as_str(), "jdoe");
        assert_eq!(u.email.as_str(), "jdoe@example.com");
        assert_eq!(u.status, UserStatus::Active);
        assert!(matches!(u.password, PasswordInput::None));
        assert!(u.posix.is_none());
    }

    #[test]
    fn every_column() {
        let csv = "username,email,password,status,given_name,family_name,phones,addresses,\
                   uid_number,gid_number,home_directory,login_shell,ssh_keys,custom.Dept\n\
                   ann,ann@example.com, pa ss ,Suspended,Ann,Lee,+1 555 0100; +1 555 0101,\
                   \"[{\"\"street\"\":\"\"1 Main St\"\",\"\"country\"\":\"\"US\"\"}]\",\
                   10001,10001,/home/ann,/bin/zsh,\"ssh-ed25519 AAAA a;b\nssh-rsa AAAA\",Sales\n";
        let p = parse(csv);
        assert_eq!(p.errors, vec![]);
        let u = &p.rows[0].1;
        assert!(matches!(&u.password, PasswordInput::Plain(s) if s.expose() == " pa ss "));
        let p = parse("username,email,password\nann,ann@example.com,   \n");
        assert!(matches!(p.rows[0].1.password, PasswordInput::None));
        assert_eq!(u.status, UserStatus::Suspended);
        assert_eq!(u.personal.given_name.0.as_deref(), Some("Ann"));
        assert_eq!(u.personal.family_name.0.as_deref(), Some("Lee"));
        assert_eq!(u.personal.phones.0, vec!["+1 555 0100", "+1 555 0101"]);
        assert_eq!(
            u.personal.addresses.0,
            vec![Address {
                street: Some("1 Main St".into()),
                country: Some("US".into()),
                ..Address::default()
            }]
        );
        assert_eq!(
            u.posix,
            Some(Posix {
                uid_number: 10001,
                gid_number: 10001,
                home_directory: "/home/ann".into(),
                login_shell: "/bin/zsh".into()
            })
        );
        let keys: Vec<_> = u.ssh_keys.iter().map(SshKey::as_str).collect();
        assert_eq!(keys, vec!["ssh-ed25519 AAAA a;b", "ssh-rsa AAAA"]);
        assert_eq!(
            u.personal.custom.0.get("Dept").map(String::as_str),
            Some("Sales")
        );
    }

    #[test]
    fn header_problems_are_fatal_and_name_line_and_column() {
        assert_eq!(fatal(""), "the file is empty");
        assert_eq!(fatal(" \n\n"), "the file is empty");
        assert_eq!(
            fatal("username,email,foo\n"),
            format!(
                "line 1: unknown column 'foo'; known columns are: {}",
                known_list()
            )
        );
        assert!(fatal("jdoe,jdoe@example.com,hunter2\n").contains("none of its 3 cells"));
        assert!(!fatal("jdoe,jdoe@example.com,hunter2\n").contains("hunter2"));
        assert_eq!(
            fatal("username;email\n"),
            "line 1: the columns seem to be separated by ';'; save the file with ',' as the separator"
        );
        assert_eq!(
            fatal("username\n"),
            "line 1: missing required column 'email'; the header needs at least 'username' and 'email'"
        );
        assert_eq!(
            fatal("\n\nusername,email,Email\n"),
            "line 3: column 'email' appears more than once"
        );
        assert!(fatal("username,email,custom.a b\n").starts_with("line 1: column 'custom.a b'"));
        assert!(fatal("username,email,custom.x,custom.x\n").contains("more than once"));
        assert_eq!(
            parse_csv(&b"username,email,\xff\n"[..])
                .unwrap_err()
                .to_string(),
            "line 1: the header is not valid UTF-8; save the file as UTF-8"
        );
    }

    #[test]
    fn header_only_is_an_empty_import_and_bom_is_ignored() {
        let p = parse("\u{feff}username,email\n");
        assert!(p.rows.is_empty() && p.errors.is_empty());
        let p = parse("\u{feff}username,email\nann,ann@example.com");
        assert_eq!(p.rows.len(), 1);
    }

    #[test]
    fn row_errors_name_line_and_field() {
        let h = "username,email,password,password_hash,status,phones,uid_number,gid_number,\
                 home_directory,login_shell,ssh_keys,addresses\n";
        let row = |cells: &str| format!("{h}ok,ok@example.com,,,,,,,,,,\n{cells}\n");
        let cases: Vec<(&str, Vec<&str>)> = vec![
            ("Bad Name,a@example.com,,,,,,,,,,", vec!["username"]),
            ("a,not-an-email,,,,,,,,,,", vec!["email"]),
            ("a,Eve <eve@x.org>,,,,,,,,,,", vec!["email"]),
            ("a,<eve@x.org>,,,,,,,,,,", vec!["email"]),
            ("a,eve@x.org (boss),,,,,,,,,,", vec!["email"]),
            (",,,,,,,,,,,x", vec!["username", "email", "addresses"]),
            ("a,a@example.com,pw,{SSHA}AAAA,,,,,,,,", vec!["password"]),
            ("a,a@example.com,,{MD5}abc,,,,,,,,", vec!["password_hash"]),
            ("a,a@example.com,,,retired,,,,,,,", vec!["status"]),
            ("a,a@example.com,,,,call me,,,,,,", vec!["phones[0]"]),
            (
                "a,a@example.com,,,,,10001,,,,,",
                vec!["gid_number", "home_directory", "login_shell"],
            ),
            ("a,a@example.com,,,,,x,10001,/h,/s,,", vec!["uid_number"]),
            ("a,a@example.com,,,,,500,10001,/h,/s,,", vec!["uid_number"]),
            (
                "a,a@example.com,,,,,10001,10001,home,/s,,",
                vec!["home_directory"],
            ),
            ("a,a@example.com,,,,,,,,,ssh-dss AAAA,", vec!["ssh_keys"]),
            (
                "a,a@example.com,,,,,,,,,ssh-rsa AAAA;ssh-rsa !!,",
                vec!["ssh_keys[1]"],
            ),
            ("a,a@example.com,,,,,,,,,,[1]", vec!["addresses[0]"]),
            (
                "a,a@example.com,,,,,,,,,,{\"zip\":\"1\"}",
                vec!["addresses[0]"],
            ),
            ("a,a@example.com", vec!["row"]),
        ];
        for (cells, want) in cases {
            let got = fields_of(&row(cells));
            let want: Vec<(u64, String)> = want.iter().map(|f| (3, f.to_string())).collect();
            assert_eq!(got, want, "{cells}");
        }
    }

    #[test]
    fn core_wording_is_kept() {
        let e = errors("username,email\nann,ann.example.com\n");
        assert_eq!(e, vec![(2, "email".into(), "must contain '@'".into())]);
    }

    #[test]
    fn line_is_where_a_multiline_row_starts() {
        let p = parse(
            "username,email,ssh_keys\n\"a\",a@example.com,\"ssh-rsa AAAA\nssh-rsa BBBB\"\nb,b@x,\n",
        );
        assert_eq!(p.rows[0].0, 2);
        assert_eq!(p.errors[0].line, 4);
        assert_eq!(p.errors[0].field, "email");
    }

    #[test]
    fn blank_rows_are_skipped_and_cells_under_blank_headers_refused() {
        let p = parse("username,email,\nann,ann@example.com,\n,,\n\nbob,bob@example.com,oops\n");
        assert_eq!(p.rows.len(), 1);
        assert_eq!(p.skipped, 1);
        assert_eq!(p.errors.len(), 1);
        assert_eq!(
            (p.errors[0].line, p.errors[0].field.as_str()),
            (5, "column 3")
        );
    }

    #[test]
    fn non_utf8_cells_are_row_errors() {
        let p = parse_csv(&b"username,email,given_name\nann,ann@example.com,\xe9\n"[..]).unwrap();
        assert_eq!(p.errors.len(), 1);
        assert_eq!(p.errors[0].field, "given_name");
    }

    #[test]
    fn passwords_never_reach_debug_or_errors() {
        let p = parse(
            "username,email,password,password_hash\nann,ann@example.com,hunter2,\n\
             bob,bob@example.com,,{hunter3}x\ncid,x,hunter4,{SSHA}hunter5\n",
        );
        let all = format!("{p:?}");
        for s in ["hunter2", "hunter3", "hunter4", "hunter5"] {
            assert!(!all.contains(s), "{all}");
        }
    }
}
