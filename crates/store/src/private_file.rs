//! SQLite database files are created owner-only (0600) before SQLite opens them. SQLite gives
//! a database's `-wal` and `-shm` files the mode of the database file itself, so the whole set
//! stays private whatever the process umask is: the files hold every org's (encrypted) data
//! and the keyring.

use crate::error::{StoreError, StoreResult};
use std::io::ErrorKind;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

/// Creates the empty file `path` with mode 0600 unless it exists (SQLite takes an empty file
/// for a new database). A missing directory is left for SQLite to report; in-memory and URI
/// names (`:memory:`, `file:…`) are no files to create.
pub(crate) fn create_private(path: &Path) -> StoreResult<()> {
    let name = path.to_string_lossy();
    if name.is_empty() || name == ":memory:" || name.starts_with("file:") {
        return Ok(());
    }
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
    {
        Ok(_) => Ok(()),
        Err(e) if matches!(e.kind(), ErrorKind::AlreadyExists | ErrorKind::NotFound) => Ok(()),
        Err(e) => Err(StoreError::Config(format!(
            "cannot create {}: {e}",
            path.display()
        ))),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn the_file_is_made_0600_and_an_existing_one_is_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("x.db");
        create_private(&db).unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&db), 0o600);
        std::fs::write(&db, "kept").unwrap();
        create_private(&db).unwrap();
        assert_eq!(std::fs::read_to_string(&db).unwrap(), "kept");
        create_private(&dir.path().join("missing/x.db")).unwrap();
        create_private(Path::new(":memory:")).unwrap();
        create_private(Path::new("file:sqlx-in-memory-0")).unwrap();
        assert!(!Path::new("file:sqlx-in-memory-0").exists());
    }
}
