//! Whole-file failures of an import.
//!
//! A problem with one row or record is not an error here: it becomes a
//! [`RowError`](skydir_core::service::RowError) in [`Parsed::errors`](crate::Parsed) so the rest
//! of the file still imports. `ImportError` is for files that cannot be read at all — unreadable
//! input, no header, unknown columns — where going on would only produce noise. Messages name the
//! line and say what to do, and never quote a cell that might hold a password.

use thiserror::Error;

/// Why a whole import file was refused.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ImportError {
    /// The input could not be read.
    #[error("reading the import file: {0}")]
    Io(#[from] std::io::Error),

    /// The file name's extension does not say which format the file is in.
    #[error("'{path}': cannot tell the format from the file name; use a .csv, .ldif or .ldf file")]
    UnknownExtension {
        /// The path as given.
        path: String,
    },

    /// A format name (as on a command line) is neither `csv` nor `ldif`.
    #[error("unknown import format '{name}'; expected csv or ldif")]
    UnknownFormat {
        /// The name as given.
        name: String,
    },

    /// The file holds nothing but whitespace.
    #[error("the file is empty")]
    Empty,

    /// A CSV header names a column this importer does not know.
    #[error("line {line}: unknown column '{column}'; known columns are: {known}")]
    UnknownColumn {
        /// Line of the header.
        line: u64,
        /// The unknown column, as written (shortened if long).
        column: String,
        /// The known columns, comma separated.
        known: String,
    },

    /// The first CSV line does not name any known column: most likely the header is missing.
    #[error(
        "line {line}: the first line must name the columns, but none of its {cells} cells is a \
         known column; start the file with a header such as 'username,email,password' \
         (known columns are: {known})"
    )]
    NotAHeader {
        /// Line of the would-be header.
        line: u64,
        /// How many cells it has.
        cells: usize,
        /// The known columns, comma separated.
        known: String,
    },

    /// The CSV header looks separated by `;` or tabs rather than commas.
    #[error(
        "line {line}: the columns seem to be separated by '{separator}'; save the file with ',' \
         as the separator"
    )]
    WrongSeparator {
        /// Line of the header.
        line: u64,
        /// The separator that seems to be used.
        separator: char,
    },

    /// A required CSV column is absent from the header.
    #[error(
        "line {line}: missing required column '{column}'; the header needs at least 'username' and 'email'"
    )]
    MissingColumn {
        /// Line of the header.
        line: u64,
        /// The missing column.
        column: &'static str,
    },

    /// A CSV column appears twice in the header.
    #[error("line {line}: column '{column}' appears more than once")]
    DuplicateColumn {
        /// Line of the header.
        line: u64,
        /// The repeated column.
        column: String,
    },

    /// A `custom.<name>` CSV column has a name the directory does not accept.
    #[error(
        "line {line}: column '{column}': custom attribute names are 1-64 letters, digits, '_' or '-'"
    )]
    BadCustomColumn {
        /// Line of the header.
        line: u64,
        /// The column, as written (shortened if long).
        column: String,
    },

    /// The CSV header is not valid UTF-8.
    #[error("line {line}: the header is not valid UTF-8; save the file as UTF-8")]
    HeaderNotUtf8 {
        /// Line of the header.
        line: u64,
    },

    /// The CSV reader failed in a way that is not about one row.
    #[error("line {line}: the file is not readable as CSV: {reason}")]
    Csv {
        /// Line where reading stopped.
        line: u64,
        /// What the CSV reader reported.
        reason: String,
    },

    /// The LDIF file declares a version other than 1.
    #[error("line {line}: unsupported LDIF version '{found}'; only 'version: 1' exists")]
    LdifVersion {
        /// Line of the `version:` line.
        line: u64,
        /// The version as written (shortened if long).
        found: String,
    },

    /// A physical line is too long to be part of a sane import file.
    #[error("line {line}: longer than {max} bytes; is this really an import file?")]
    LineTooLong {
        /// The line.
        line: u64,
        /// The limit in bytes.
        max: usize,
    },
}

/// Shortens text quoted in a message and escapes control characters, so a hostile or binary file
/// cannot make an error message huge or rewrite a terminal.
pub(crate) fn quote(s: &str) -> String {
    const MAX: usize = 64;
    let mut out: String = s.chars().take(MAX).flat_map(char::escape_debug).collect();
    if s.chars().nth(MAX).is_some() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quote_escapes_and_shortens() {
        assert_eq!(quote("a\nb"), "a\\nb");
        assert_eq!(quote(&"x".repeat(100)).chars().count(), 65);
        assert_eq!(quote("ok"), "ok");
    }

    #[test]
    fn messages_name_the_line() {
        let e = ImportError::UnknownColumn {
            line: 1,
            column: "foo".into(),
            known: "username, email".into(),
        };
        assert_eq!(
            e.to_string(),
            "line 1: unknown column 'foo'; known columns are: username, email"
        );
    }
}
