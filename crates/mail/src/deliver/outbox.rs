//! The outbox: one `.eml` file per message in a directory, written so that a reader never sees
//! half a message and a crash never leaves one behind.
//!
//! Each message goes to a temporary file in the same directory, is flushed to disk, renamed
//! over its final name, and the directory entry is flushed too. The name comes from the
//! message's `Message-ID`, so sending the same mail again replaces its file instead of adding
//! a second one. The directory is created private (0700) and files are private (0600): they
//! hold customers' mail.

use crate::error::MailError;
use sha2::{Digest, Sha256};
use std::fs::{DirBuilder, File};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Writes `rendered` as the outbox file for `message_id` in `dir` and returns its path.
pub(super) async fn write(
    dir: &Path,
    message_id: &str,
    rendered: &[u8],
) -> Result<PathBuf, MailError> {
    let dir = dir.to_path_buf();
    let path = dir.join(file_name(message_id));
    let bytes = rendered.to_vec();
    let target = path.clone();
    tokio::task::spawn_blocking(move || write_atomically(&dir, &target, &bytes))
        .await
        .map_err(|e| MailError::Outbox {
            path: path.clone(),
            source: std::io::Error::other(e.to_string()),
        })??;
    Ok(path)
}

fn write_atomically(dir: &Path, path: &Path, bytes: &[u8]) -> Result<(), MailError> {
    let at = |p: &Path| {
        let p = p.to_path_buf();
        move |source| MailError::Outbox { path: p, source }
    };
    let mut builder = DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir).map_err(at(dir))?;

    let mut tmp = tempfile::Builder::new()
        .prefix(".outbox-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(at(dir))?;
    tmp.write_all(bytes).map_err(at(path))?;
    tmp.as_file().sync_all().map_err(at(path))?;
    tmp.persist(path).map_err(|e| MailError::Outbox {
        path: path.to_path_buf(),
        source: e.error,
    })?;
    File::open(dir).and_then(|d| d.sync_all()).map_err(at(dir))
}

/// The outbox file name for a message id: the id itself when it is a safe file name, else the
/// id with unsafe characters replaced and a hash of the original appended (so two different
/// ids never share a file), always ending in `.eml`.
pub fn file_name(message_id: &str) -> String {
    const MAX_STEM: usize = 150;
    let safe =
        |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@' | '+' | '=');
    let stem: String = message_id
        .chars()
        .map(|c| if safe(c) { c } else { '_' })
        .take(MAX_STEM)
        .collect();
    let stem = stem.trim_start_matches('.');
    if !stem.is_empty() && stem == message_id {
        return format!("{stem}.eml");
    }
    let hash = Sha256::digest(message_id.as_bytes());
    let hex: String = hash.iter().take(8).map(|b| format!("{b:02x}")).collect();
    if stem.is_empty() {
        format!("{hex}.eml")
    } else {
        format!("{stem}-{hex}.eml")
    }
}

#[cfg(test)]
mod tests {
    use super::file_name;

    #[test]
    fn safe_ids_are_their_own_file_names() {
        assert_eq!(
            file_name("4f1c2a7e-77c1@desk.example.com"),
            "4f1c2a7e-77c1@desk.example.com.eml"
        );
    }

    #[test]
    fn unsafe_ids_are_cleaned_and_made_unique() {
        let a = file_name("../../etc/passwd");
        assert!(!a.contains('/'), "{a}");
        assert!(!a.starts_with('.'), "{a}");
        assert_ne!(file_name("a/b@x"), file_name("a_b@x"));
        assert_ne!(file_name("a/b@x"), file_name("a\\b@x"));
        assert_eq!(file_name("a/b@x"), file_name("a/b@x"));
        let long = "x".repeat(1000);
        assert!(file_name(&long).len() < 200);
        assert!(file_name("").ends_with(".eml"));
        assert!(file_name("...").len() > 4);
    }
}
