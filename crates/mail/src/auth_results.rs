//! A small, forgiving parser for `Authentication-Results` (RFC 8601).
//!
//! The desk decides whether a sender is genuine from the verdicts its own MTA stamped into the
//! message (`skydir_core::support::sender_check`), so those verdicts must be read exactly: the
//! authserv-id (who stamped the header), then `method=result` items with their
//! `ptype.property=value` properties. No maintained crate parses this well, and real headers
//! stray from the grammar — comments with semicolons inside (`(2048-bit key; unprotected)`),
//! quoted values, folded lines, unknown methods, Microsoft 365 leaving out the authserv-id — so
//! this parser follows RFC 8601 §2.2 where input follows it and skips what it cannot read up to
//! the next `;` instead of giving up on the whole header.
//!
//! Names (authserv-id, method, result, property) are lowercased; values are kept as written,
//! without their quotes. `reason="…"` and properties without a `ptype.` (Microsoft's `action=`)
//! are kept as properties named as written (`reason`, `action`). Method versions (`dkim/1`) and
//! the header's version number are dropped. It never panics and runs in linear time.

use skydir_core::support::{AuthResult, AuthResults};

/// Parses the value (everything after the colon) of one `Authentication-Results` header.
///
/// A header without an authserv-id (it starts with `method=`, as Microsoft 365 writes them)
/// gets an empty `authserv_id`, which no trusted id matches.
pub fn parse_authentication_results(value: &str) -> AuthResults {
    let mut c = Cursor::new(value);
    c.skip_cfws();
    let start = c.pos;
    let id = c.token(|ch| ch == '=');
    let mut results = Vec::new();
    let authserv_id = if c.peek() == Some('=') {
        // No authserv-id: the header starts with the first result.
        c.pos = start;
        results.extend(resinfo(&mut c));
        String::new()
    } else {
        let id = if id.is_empty() && c.peek() == Some('"') {
            c.value()
        } else {
            id
        };
        c.skip_cfws();
        c.skip_version();
        id.to_lowercase()
    };
    loop {
        c.skip_cfws();
        match c.peek() {
            None => break,
            Some(';') => {
                c.bump();
                results.extend(resinfo(&mut c));
            }
            Some(_) => c.skip_past_item(),
        }
    }
    AuthResults {
        authserv_id,
        results,
    }
}

/// One `method=result` item with its properties, the cursor just after the `;` before it.
/// `None` for `none` (no result) and for items that cannot be read; the cursor then stands at
/// the next `;` or the end.
fn resinfo(c: &mut Cursor) -> Option<AuthResult> {
    c.skip_cfws();
    let method = c.token(|ch| ch == '=' || ch == '/').to_lowercase();
    c.skip_cfws();
    if c.peek() == Some('/') {
        c.bump();
        c.skip_cfws();
        c.token(|ch| ch == '=');
        c.skip_cfws();
    }
    if method.is_empty() || c.peek() != Some('=') {
        c.skip_past_item();
        return None;
    }
    c.bump();
    c.skip_cfws();
    let result = c.token(|_| false).to_lowercase();
    if result.is_empty() {
        c.skip_past_item();
        return None;
    }
    let mut properties = Vec::new();
    loop {
        c.skip_cfws();
        if matches!(c.peek(), None | Some(';')) {
            break;
        }
        let before = c.pos;
        if let Some(property) = property(c) {
            properties.push(property);
        } else if c.pos == before {
            // A stray character no rule reads: step over it.
            c.bump();
        }
    }
    Some(AuthResult {
        method,
        result,
        properties,
    })
}

/// One `ptype.property=value` (or `reason=value`, or a non-standard `name=value`).
fn property(c: &mut Cursor) -> Option<(String, String)> {
    let ptype = c.token(|ch| ch == '=' || ch == '.');
    c.skip_cfws();
    let name = if c.peek() == Some('.') {
        c.bump();
        c.skip_cfws();
        let property = c.token(|ch| ch == '=');
        c.skip_cfws();
        if property.is_empty() {
            return None;
        }
        format!("{ptype}.{property}")
    } else {
        ptype
    };
    if name.is_empty() || c.peek() != Some('=') {
        return None;
    }
    c.bump();
    c.skip_cfws();
    Some((name.to_lowercase(), c.value()))
}

/// A position in the header's characters.
struct Cursor {
    chars: Vec<char>,
    pos: usize,
}

impl Cursor {
    fn new(s: &str) -> Self {
        Self {
            chars: s.chars().collect(),
            pos: 0,
        }
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn bump(&mut self) -> Option<char> {
        let ch = self.peek()?;
        self.pos += 1;
        Some(ch)
    }

    /// Skips folding white space and comments, which nest and may hold quoted pairs.
    fn skip_cfws(&mut self) {
        while let Some(ch) = self.peek() {
            if ch.is_whitespace() {
                self.bump();
            } else if ch == '(' {
                self.skip_comment();
            } else {
                break;
            }
        }
    }

    /// Skips one comment, the cursor on its `(`; an unclosed comment runs to the end.
    fn skip_comment(&mut self) {
        let mut depth = 0usize;
        while let Some(ch) = self.bump() {
            match ch {
                '\\' => {
                    self.bump();
                }
                '(' => depth += 1,
                ')' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return;
                    }
                }
                _ => {}
            }
        }
    }

    /// Reads a run of characters up to white space, a comment, `;`, a quote, or a character
    /// `stop` names.
    fn token(&mut self, stop: impl Fn(char) -> bool) -> String {
        let mut out = String::new();
        while let Some(ch) = self.peek() {
            if ch.is_whitespace() || matches!(ch, '(' | ')' | ';' | '"') || stop(ch) {
                break;
            }
            out.push(ch);
            self.pos += 1;
        }
        out
    }

    /// Reads a quoted string (the cursor on its opening quote) without its quotes, resolving
    /// quoted pairs; an unclosed string runs to the end.
    fn quoted(&mut self) -> String {
        let mut out = String::new();
        self.bump();
        while let Some(ch) = self.bump() {
            match ch {
                '"' => break,
                '\\' => {
                    if let Some(next) = self.bump() {
                        out.push(next);
                    }
                }
                _ => out.push(ch),
            }
        }
        out
    }

    /// Reads a value: a token, a quoted string, or a quoted local-part followed by `@domain`.
    fn value(&mut self) -> String {
        if self.peek() != Some('"') {
            return self.token(|_| false);
        }
        let mut out = self.quoted();
        if self.peek() == Some('@') {
            out.push_str(&self.token(|_| false));
        }
        out
    }

    /// Skips the header's version number after the authserv-id, if there is one.
    fn skip_version(&mut self) {
        let start = self.pos;
        while self.peek().is_some_and(|ch| ch.is_ascii_digit()) {
            self.pos += 1;
        }
        let ends = match self.peek() {
            None => true,
            Some(ch) => ch.is_whitespace() || ch == ';' || ch == '(',
        };
        if self.pos == start || !ends {
            self.pos = start;
        }
    }

    /// Skips to the next `;` outside comments and quoted strings, or to the end.
    fn skip_past_item(&mut self) {
        while let Some(ch) = self.peek() {
            match ch {
                ';' => return,
                '(' => self.skip_comment(),
                '"' => {
                    self.quoted();
                }
                _ => self.pos += 1,
            }
        }
    }
}

#[cfg(test)]
mod tests;
