//! skydir-import: turns the files people bring to skydir — a CSV from a spreadsheet, an LDIF
//! exported from OpenLDAP with `slapcat` or `ldapsearch -LLL` — into the core's
//! [`NewUser`] rows for
//! [`Directory::import_users`](skydir_core::service::Directory::import_users).
//!
//! Parsing is separate from importing so every front end (HTTP upload, CLI, tests, benchmarks)
//! reads files the same way, and so a file can be checked without touching a store. A bad row
//! never stops the others: it is reported as a [`RowError`] with the line where its record starts
//! and the field at fault, in the file's own terms (`mail`, `uid_number`) with the core's wording.
//! Only problems with the file as a whole are an [`ImportError`].
//!
//! Passwords are wrapped in [`Secret`](skydir_core::secret::Secret) as soon as they are read and
//! are never quoted in an error.

mod csv;
mod error;
mod fields;
mod generate;
mod ldif;

pub use crate::csv::{CSV_COLUMNS, parse_csv};
pub use crate::error::ImportError;
pub use crate::generate::{generate_csv, generate_ldif};
pub use crate::ldif::parse_ldif;

use skydir_core::service::{NewUser, RowError};
use std::io::Read;
use std::path::Path;
use std::str::FromStr;

/// The file formats an import can come in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// Comma-separated values with a header row; see [`parse_csv`].
    Csv,
    /// LDAP Data Interchange Format (RFC 2849); see [`parse_ldif`].
    Ldif,
}

impl Format {
    /// Tells the format from a file name's extension: `.csv`, or `.ldif` / `.ldf` (any case).
    pub fn from_path(p: &Path) -> Result<Format, ImportError> {
        let ext = p
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        match ext.as_deref() {
            Some("csv") => Ok(Format::Csv),
            Some("ldif" | "ldf") => Ok(Format::Ldif),
            _ => Err(ImportError::UnknownExtension {
                path: error::quote(&p.display().to_string()),
            }),
        }
    }

    /// The format's name as accepted by [`FromStr`]: `csv` or `ldif`.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Ldif => "ldif",
        }
    }
}

impl FromStr for Format {
    type Err = ImportError;

    /// Parses `csv`, `ldif` or `ldf` (any case), as given on a command line or in a query string.
    fn from_str(s: &str) -> Result<Self, ImportError> {
        match s.trim().to_ascii_lowercase().as_str() {
            "csv" => Ok(Format::Csv),
            "ldif" | "ldf" => Ok(Format::Ldif),
            _ => Err(ImportError::UnknownFormat {
                name: error::quote(s),
            }),
        }
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a file held: the users it describes, the rows it refused, and how many records were
/// skipped on purpose (LDIF entries that are not users, blank CSV rows).
#[derive(Debug, Default)]
pub struct Parsed {
    /// Each user with the 1-based line where its record starts, ready for
    /// [`Directory::import_users`](skydir_core::service::Directory::import_users).
    pub rows: Vec<(u64, NewUser)>,
    /// Refused rows: the line where the record starts, the field at fault (as the file names it)
    /// and why. A row may have several.
    pub errors: Vec<RowError>,
    /// Records skipped silently: LDIF entries that are not users (the base entry, `ou=…`, groups)
    /// and CSV rows whose cells are all empty.
    pub skipped: u64,
}

/// Parses `input` in the given format.
pub fn parse(format: Format, input: impl Read) -> Result<Parsed, ImportError> {
    match format {
        Format::Csv => parse_csv(input),
        Format::Ldif => parse_ldif(input),
    }
}

/// Wraps `input` so that a leading UTF-8 byte-order mark (as Excel and Notepad write) is dropped.
pub(crate) fn skip_bom<R: Read>(mut input: R) -> std::io::Result<impl Read> {
    const BOM: [u8; 3] = [0xEF, 0xBB, 0xBF];
    let mut head = [0u8; 3];
    let mut n = 0;
    while n < head.len() {
        match input.read(&mut head[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    let head = if head[..n] == BOM {
        &[][..]
    } else {
        &head[..n]
    };
    Ok(std::io::Cursor::new(head.to_vec()).chain(input))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn format_from_path_and_name() {
        assert_eq!(
            Format::from_path(Path::new("users.CSV")).unwrap(),
            Format::Csv
        );
        assert_eq!(
            Format::from_path(Path::new("/tmp/export.ldif")).unwrap(),
            Format::Ldif
        );
        assert_eq!(Format::from_path(Path::new("a.ldf")).unwrap(), Format::Ldif);
        let e = Format::from_path(Path::new("users.xlsx")).unwrap_err();
        assert_eq!(
            e.to_string(),
            "'users.xlsx': cannot tell the format from the file name; use a .csv, .ldif or .ldf file"
        );
        assert!(Format::from_path(Path::new("noext")).is_err());
        assert_eq!("LDIF".parse::<Format>().unwrap(), Format::Ldif);
        assert_eq!(Format::Csv.to_string(), "csv");
        assert!("xml".parse::<Format>().is_err());
    }

    #[test]
    fn bom_is_skipped_only_when_present() {
        let read = |b: &[u8]| {
            let mut out = Vec::new();
            skip_bom(b).unwrap().read_to_end(&mut out).unwrap();
            out
        };
        assert_eq!(read(b"\xEF\xBB\xBFabc"), b"abc");
        assert_eq!(read(b"abcdef"), b"abcdef");
        assert_eq!(read(b"ab"), b"ab");
        assert_eq!(read(b""), b"");
        assert_eq!(read(b"\xEF\xBB"), b"\xEF\xBB");
    }
}
