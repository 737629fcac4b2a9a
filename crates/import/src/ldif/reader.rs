//! The RFC 2849 layer: bytes in, records of attribute/value pairs out, each with its line.
//!
//! Handles what `slapcat` and `ldapsearch -LLL` write: an optional `version: 1` line, `#`
//! comments (folded ones too), lines folded at 76 columns (a continuation starts with one space),
//! `attr: value`, `attr:: base64`, `attr:< url`, attribute options (`cn;lang-en`), blank lines
//! between records, and `changetype: add`. Other change types describe modifications, not
//! entries, and are refused per record.
//!
//! Values stay undecoded until the mapping asks for them, so a malformed or binary value of an
//! attribute the import ignores (a `jpegPhoto`) never costs a user. A syntax error refuses only
//! its record; only an unreadable stream, an unsupported version or an absurdly long line stops
//! the whole file.

use crate::error::{ImportError, quote};
use skydir_core::service::RowError;
use std::io::{BufRead, Read};
use zeroize::Zeroize;

/// Longest physical or folded line accepted (a large `jpegPhoto` fits; a runaway file does not).
pub(crate) const MAX_LINE: usize = 8 * 1024 * 1024;

/// How a value was written.
pub(crate) enum Value {
    /// `attr: value` — the text after the colon and leading spaces.
    Text(String),
    /// `attr:: base64`, not yet decoded.
    Base64(String),
    /// `attr:< url` — never fetched.
    Url,
}

/// One `attr: value` line of a record.
pub(crate) struct Attr {
    /// The attribute type, lowercased, without options.
    pub(crate) name: String,
    /// Whether options (`;lang-en`, `;binary`) followed the type.
    pub(crate) has_options: bool,
    pub(crate) value: Value,
}

/// One LDIF record (the lines between blank lines), minus `dn`, `changetype` and controls.
pub(crate) struct Record {
    /// Line of the `dn:` (or of the record's first line).
    pub(crate) line: u64,
    pub(crate) attrs: Vec<Attr>,
    /// The first syntax problem, if any: the record is then refused as a whole.
    pub(crate) error: Option<RowError>,
}

impl Drop for Record {
    /// Password hashes are secrets too: wipe them with the record.
    fn drop(&mut self) {
        for a in &mut self.attrs {
            if a.name == "userpassword" {
                match &mut a.value {
                    Value::Text(s) | Value::Base64(s) => s.zeroize(),
                    Value::Url => {}
                }
            }
        }
    }
}

impl Record {
    fn new(line: u64) -> Self {
        Self {
            line,
            attrs: Vec::new(),
            error: None,
        }
    }

    fn refuse(&mut self, field: &str, reason: impl Into<String>) {
        if self.error.is_none() {
            self.error = Some(RowError {
                line: self.line,
                field: field.to_string(),
                reason: reason.into(),
            });
        }
    }
}

/// Where the record being read is, relative to its `dn:` line.
#[derive(PartialEq, Eq)]
enum Stage {
    /// Expecting `dn:`.
    Dn,
    /// After `dn:`: `control:` and `changetype:` may come.
    Head,
    /// Attribute values.
    Body,
    /// A change record other than add: the rest is ignored.
    Refused,
}

/// Reads records one at a time from a stream.
pub(crate) struct Reader<R> {
    input: R,
    /// Number of the last physical line read.
    line_no: u64,
    buf: Vec<u8>,
    /// The logical line being unfolded, and the line it starts on.
    logical: Vec<u8>,
    logical_line: u64,
    logical_too_long: bool,
    in_comment: bool,
    /// Whether the next logical line is the first of the file (where `version:` may be).
    first: bool,
    record: Option<(Record, Stage)>,
    done: bool,
    /// Whether any line held more than whitespace.
    saw_content: bool,
}

impl<R> Drop for Reader<R> {
    fn drop(&mut self) {
        self.buf.zeroize();
        self.logical.zeroize();
    }
}

impl<R: BufRead> Reader<R> {
    pub(crate) fn new(input: R) -> Self {
        Self {
            input,
            line_no: 0,
            buf: Vec::new(),
            logical: Vec::new(),
            logical_line: 0,
            logical_too_long: false,
            in_comment: false,
            first: true,
            record: None,
            done: false,
            saw_content: false,
        }
    }

    /// The next record, `None` at the end of the input.
    pub(crate) fn next_record(&mut self) -> Result<Option<Record>, ImportError> {
        while !self.done {
            if !self.read_physical()? {
                self.done = true;
                self.finish_logical()?;
                break;
            }
            let len = strip_eol(&self.buf).len();
            let content = &self.buf[..len];
            if !self.saw_content && !content.iter().all(u8::is_ascii_whitespace) {
                self.saw_content = true;
            }
            if content.first() == Some(&b' ') {
                if self.in_comment {
                    continue;
                }
                if self.logical_line == 0 {
                    // A continuation with nothing to continue: harmless if blank.
                    if !content.iter().all(u8::is_ascii_whitespace) {
                        let n = self.line_no;
                        self.record_mut(n).0.refuse(
                            "ldif",
                            format!(
                                "line {n} starts with a space but continues nothing; a folded \
                                 line must follow the line it continues"
                            ),
                        );
                    }
                    continue;
                }
                if self.logical.len() + len - 1 > MAX_LINE {
                    self.logical_too_long = true;
                } else {
                    self.logical.extend_from_slice(&self.buf[1..len]);
                }
                continue;
            }
            let is_comment = content.first() == Some(&b'#');
            self.finish_logical()?;
            self.in_comment = false;
            if len == 0 {
                if let Some((record, _)) = self.record.take() {
                    return Ok(Some(record));
                }
            } else if is_comment {
                self.in_comment = true;
            } else {
                self.logical_line = self.line_no;
                self.logical.clear();
                self.logical.extend_from_slice(&self.buf[..len]);
            }
        }
        Ok(self.record.take().map(|(r, _)| r))
    }

    /// Whether the input so far held anything but whitespace.
    pub(crate) fn saw_content(&self) -> bool {
        self.saw_content
    }

    /// Reads one physical line into `buf`; `false` at the end of the input.
    fn read_physical(&mut self) -> Result<bool, ImportError> {
        self.buf.as_mut_slice().zeroize();
        self.buf.clear();
        let limit = MAX_LINE as u64 + 2;
        let n = <&mut R as Read>::take(&mut self.input, limit).read_until(b'\n', &mut self.buf)?;
        if n == 0 {
            return Ok(false);
        }
        self.line_no += 1;
        if n as u64 == limit && self.buf.last() != Some(&b'\n') {
            return Err(ImportError::LineTooLong {
                line: self.line_no,
                max: MAX_LINE,
            });
        }
        Ok(true)
    }

    fn record_mut(&mut self, line: u64) -> &mut (Record, Stage) {
        self.record
            .get_or_insert_with(|| (Record::new(line), Stage::Dn))
    }

    /// Interprets the unfolded line just completed, if any.
    fn finish_logical(&mut self) -> Result<(), ImportError> {
        if self.logical_line == 0 {
            return Ok(());
        }
        let line = std::mem::replace(&mut self.logical_line, 0);
        let too_long = std::mem::replace(&mut self.logical_too_long, false);
        let mut bytes = std::mem::take(&mut self.logical);
        let first = std::mem::replace(&mut self.first, false);
        let result = self.logical_line_done(line, &bytes, first, too_long);
        // The line may have been a userPassword: wipe it before the buffer is reused.
        bytes.as_mut_slice().zeroize();
        bytes.clear();
        self.logical = bytes;
        result
    }

    fn logical_line_done(
        &mut self,
        line: u64,
        bytes: &[u8],
        first: bool,
        too_long: bool,
    ) -> Result<(), ImportError> {
        if first && let Some(found) = version(bytes) {
            if found != "1" {
                return Err(ImportError::LdifVersion {
                    line,
                    found: quote(&found),
                });
            }
            return Ok(());
        }
        let (record, stage) = self.record_mut(line);
        if record.error.is_some() || *stage == Stage::Refused {
            return Ok(());
        }
        if too_long {
            record.refuse(
                "ldif",
                format!("line {line}: the value is longer than {MAX_LINE} bytes"),
            );
            return Ok(());
        }
        let Ok(text) = std::str::from_utf8(bytes) else {
            record.refuse(
                "ldif",
                format!(
                    "line {line} is not valid UTF-8; binary values must be base64 encoded \
                     ('attr:: …')"
                ),
            );
            return Ok(());
        };
        let attr = match parse_line(text) {
            Ok(a) => a,
            Err(reason) => {
                record.refuse("ldif", format!("line {line}: {reason}"));
                return Ok(());
            }
        };
        match stage {
            Stage::Dn => {
                if attr.name != "dn" || attr.has_options {
                    record.refuse(
                        "dn",
                        format!(
                            "line {line}: a record must start with 'dn:'; separate records with \
                             a blank line"
                        ),
                    );
                } else {
                    record.line = line;
                    *stage = Stage::Head;
                }
            }
            Stage::Head if attr.name == "control" => {}
            Stage::Head if attr.name == "changetype" => {
                let kind = match &attr.value {
                    Value::Text(t) => t.trim().to_ascii_lowercase(),
                    _ => String::new(),
                };
                if kind == "add" {
                    *stage = Stage::Body;
                } else {
                    record.refuse(
                        "changetype",
                        format!(
                            "only entries and 'changetype: add' records can be imported; this \
                             is a '{}' record",
                            quote(&kind)
                        ),
                    );
                    *stage = Stage::Refused;
                }
            }
            Stage::Head | Stage::Body => {
                if attr.name == "dn" {
                    record.refuse(
                        "dn",
                        format!(
                            "line {line}: a second 'dn:' in one record; separate records with a \
                             blank line"
                        ),
                    );
                } else {
                    *stage = Stage::Body;
                    record.attrs.push(attr);
                }
            }
            Stage::Refused => {}
        }
        Ok(())
    }
}

fn strip_eol(buf: &[u8]) -> &[u8] {
    let b = buf.strip_suffix(b"\n").unwrap_or(buf);
    b.strip_suffix(b"\r").unwrap_or(b)
}

/// `Some(value)` if the line is `version: …` (any case).
fn version(bytes: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(bytes).ok()?;
    let (name, value) = text.split_once(':')?;
    name.eq_ignore_ascii_case("version")
        .then(|| value.trim().to_string())
}

/// Parses `AttributeDescription ":" value-spec` (RFC 2849 `attrval-spec`).
fn parse_line(text: &str) -> Result<Attr, String> {
    let Some((description, rest)) = text.split_once(':') else {
        return Err(format!(
            "expected 'attribute: value', got '{}'",
            quote(text.split_whitespace().next().unwrap_or(""))
        ));
    };
    let mut parts = description.split(';');
    let name = parts.next().unwrap_or("");
    let valid_name = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.' || c == '_');
    if !valid_name {
        return Err(format!("'{}' is not an attribute name", quote(description)));
    }
    let options: Vec<&str> = parts.collect();
    if options
        .iter()
        .any(|o| o.is_empty() || !o.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
    {
        return Err(format!(
            "'{}' has malformed attribute options",
            quote(description)
        ));
    }
    let value = if let Some(b64) = rest.strip_prefix(':') {
        Value::Base64(b64.trim().to_string())
    } else if rest.starts_with('<') {
        Value::Url
    } else {
        Value::Text(rest.trim_start_matches(' ').to_string())
    };
    Ok(Attr {
        name: name.to_ascii_lowercase(),
        has_options: !options.is_empty(),
        value,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    fn records(s: &str) -> Vec<Record> {
        let mut r = Reader::new(s.as_bytes());
        let mut out = Vec::new();
        while let Some(rec) = r.next_record().unwrap() {
            out.push(rec);
        }
        out
    }

    fn text(a: &Attr) -> String {
        match &a.value {
            Value::Text(t) => format!("T:{t}"),
            Value::Base64(b) => format!("B:{b}"),
            Value::Url => "U".into(),
        }
    }

    fn pairs(r: &Record) -> Vec<(String, String)> {
        r.attrs.iter().map(|a| (a.name.clone(), text(a))).collect()
    }

    #[test]
    fn records_folding_comments_and_lines() {
        let s = "version: 1\n# a comment\n#  folded\n  comment\ndn: uid=a,dc=x\nobjectClass: top\r\n\
                 description: fol\n ded\n  twice\nmail;lang-en:: YUBiLmM=\nphoto:< file:///x\n\n\n\
                 # between\ndn: uid=b,dc=x\nCN: b\n";
        let r = records(s);
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].line, 5);
        assert!(r[0].error.is_none());
        assert_eq!(
            pairs(&r[0]),
            vec![
                ("objectclass".into(), "T:top".into()),
                ("description".into(), "T:folded twice".into()),
                ("mail".into(), "B:YUBiLmM=".into()),
                ("photo".into(), "U".into()),
            ]
        );
        assert!(r[0].attrs[2].has_options);
        assert_eq!(r[1].line, 15);
        assert_eq!(pairs(&r[1]), vec![("cn".into(), "T:b".into())]);
    }

    #[test]
    fn changetype_add_is_an_entry_others_are_refused() {
        let r = records(
            "dn: uid=a,dc=x\ncontrol: 1.2.3 true\nchangetype: add\nuid: a\n\n\
             dn: uid=b,dc=x\nchangetype: modify\nreplace: mail\nmail: b@x.org\n-\n",
        );
        assert!(r[0].error.is_none());
        assert_eq!(pairs(&r[0]), vec![("uid".into(), "T:a".into())]);
        let e = r[1].error.as_ref().unwrap();
        assert_eq!((e.line, e.field.as_str()), (6, "changetype"));
        assert!(e.reason.contains("'modify' record"));
    }

    #[test]
    fn syntax_errors_refuse_only_their_record() {
        let r = records(
            "uid: a\n\ndn: uid=b\nno colon here\n\ndn: uid=c\n;bad: 1\n\n dangling\n\n\
             dn: x\ndn: y\n\ndn: ok\n",
        );
        let errs: Vec<_> = r
            .iter()
            .map(|r| r.error.as_ref().map(|e| (e.line, e.field.clone())))
            .collect();
        assert_eq!(
            errs,
            vec![
                Some((1, "dn".into())),
                Some((3, "ldif".into())),
                Some((6, "ldif".into())),
                Some((9, "ldif".into())),
                Some((11, "dn".into())),
                None,
            ]
        );
    }

    #[test]
    fn version_must_be_one_and_only_first() {
        let e = Reader::new(&b"version: 2\n"[..])
            .next_record()
            .err()
            .unwrap();
        assert_eq!(
            e.to_string(),
            "line 1: unsupported LDIF version '2'; only 'version: 1' exists"
        );
        let r = records("version: 1\n\ndn: a\nversion: 3\n");
        assert_eq!(pairs(&r[0]), vec![("version".into(), "T:3".into())]);
    }

    #[test]
    fn non_utf8_lines_refuse_the_record() {
        let mut rd = Reader::new(&b"dn: a\ncn: \xff\n\ndn: b\n"[..]);
        let a = rd.next_record().unwrap().unwrap();
        assert!(a.error.as_ref().unwrap().reason.contains("not valid UTF-8"));
        let b = rd.next_record().unwrap().unwrap();
        assert!(b.error.is_none());
    }
}
