//! Copies of the book: one snapshot, written under a temporary name, checked,
//! then given its name.
//!
//! A copy is taken inside ONE read transaction of the book (SQLite's online
//! backup with every page in one step), so writers in other processes go on
//! committing meanwhile and never make it start over. It is written to a
//! hidden temporary file next to the target (`.NAME.partial-PID`, mode
//! 0600), synced, opened as a book and checked (`integrity_check`), synced
//! again, and only then linked to its name, and the folder synced. Killed
//! at any moment, it leaves either no file at the target name or a complete,
//! checked book there; a temporary file left by a killed run is removed by
//! the next backup to that name.

use std::fs::{File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rusqlite::backup::{Backup, StepResult};

use super::{BUSY_TIMEOUT, Book, Connection, Result, StoreError};

/// The pause before another try when the book could not be read at once.
const PAUSE: Duration = Duration::from_millis(20);

/// Refused: `dest` exists (a file, a folder or a link, even a dangling one).
/// A backup never overwrites.
pub fn refuse_existing(dest: &Path) -> Result<()> {
    if dest.symlink_metadata().is_ok() {
        let shown = dest.display();
        return Err(StoreError::invalid(
            format!("{shown} exists; a backup never overwrites a file"),
            format!("{shown} 已存在；备份不会覆盖文件"),
        ));
    }
    Ok(())
}

/// Copy the book into the new file `dest` (its folder is created when
/// missing) and check the copy; see the module's notes for how.
///
/// `dest` must not exist, neither now nor when the copy is put in place: it
/// is never overwritten.
pub fn backup_to(book: &Book, dest: &Path) -> Result<()> {
    refuse_existing(dest)?;
    let cannot = |e| cannot_write(dest, e);
    let Some(name) = dest.file_name().map(|n| n.to_string_lossy().into_owned()) else {
        return Err(cannot(io::Error::new(io::ErrorKind::InvalidInput, "not a file name")));
    };
    let dir = match dest.parent().filter(|d| !d.as_os_str().is_empty()) {
        Some(d) => d.to_path_buf(),
        None => PathBuf::from("."),
    };
    if dir.symlink_metadata().is_ok() && !dir.is_dir() {
        return Err(cannot(io::Error::other(format!("{} is not a folder", dir.display()))));
    }
    std::fs::create_dir_all(&dir).map_err(cannot)?;
    remove_stale_partials(&dir, &name);
    let partial = dir.join(format!("{}{}", partial_prefix(&name), std::process::id()));
    let result = copy_and_check(book, &partial, dest).and_then(|()| {
        sync(&partial).map_err(cannot)?;
        put_in_place(&partial, dest).map_err(|e| match e.kind() {
            io::ErrorKind::AlreadyExists => refuse_existing(dest).err().unwrap_or_else(|| cannot(e)),
            _ => cannot(e),
        })?;
        sync(&dir).map_err(cannot)
    });
    if result.is_err() {
        remove_partial(&partial);
    }
    result
}

/// The one line for a backup that cannot be written, naming the target.
fn cannot_write(dest: &Path, e: io::Error) -> StoreError {
    let shown = dest.display();
    StoreError::invalid(format!("cannot write the backup {shown}: {e}"), format!("无法写入备份 {shown}：{e}"))
}

/// Every temporary file of a backup to `name` starts with this.
fn partial_prefix(name: &str) -> String {
    format!(".{name}.partial-")
}

/// Copy the book into `partial` in one read transaction, then check it;
/// errors name `dest`.
fn copy_and_check(book: &Book, partial: &Path, dest: &Path) -> Result<()> {
    let mut opts = OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    opts.open(partial).map_err(|e| cannot_write(dest, e))?;
    {
        let mut copy = Connection::open(partial)?;
        // The file is synced as a whole once it is complete: a journal of
        // its own would only double the writing, since a copy that is
        // interrupted is thrown away, never recovered.
        copy.pragma_update(None, "journal_mode", "OFF")?;
        copy.pragma_update(None, "synchronous", "OFF")?;
        // -1: every page in one step, that is in one read transaction of
        // the book. Copied step by step, the backup starts over whenever
        // another process commits between two steps, and never ends under
        // continuous writers.
        // A lock that cannot be had at once (SQLite's busy handler does not
        // wait on the source) is waited for as long as any command waits.
        let backup = Backup::new(&book.conn, &mut copy)?;
        let waited = Instant::now();
        loop {
            match backup.step(-1)? {
                StepResult::Done => break,
                StepResult::More => {}
                _ if waited.elapsed() < BUSY_TIMEOUT => std::thread::sleep(PAUSE),
                _ => return Err(StoreError::Busy(BUSY_TIMEOUT.as_secs())),
            }
        }
    }
    sync(partial).map_err(|e| cannot_write(dest, e))?;
    // `integrity_check` does all that `quick_check` does and more (index
    // contents, UNIQUE constraints): running both would only read the copy
    // twice.
    let copy = Book::open(partial)?;
    let ok: String = copy.conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
    if ok != "ok" {
        let shown = dest.display();
        return Err(StoreError::invalid(
            format!("{shown}: the copy fails its integrity check ({ok})"),
            format!("{shown}：备份未通过完整性检查（{ok}）"),
        ));
    }
    Ok(())
}

/// Give the complete copy its name, never replacing a file that appeared
/// there meanwhile: a hard link fails when the name is taken (a rename
/// would overwrite it). Where the file system has no hard links, a rename
/// after a last look.
fn put_in_place(partial: &Path, dest: &Path) -> io::Result<()> {
    match std::fs::hard_link(partial, dest) {
        Ok(()) => {
            std::fs::remove_file(partial)?;
            Ok(())
        }
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Err(e),
        Err(_) => {
            if dest.symlink_metadata().is_ok() {
                return Err(io::Error::from(io::ErrorKind::AlreadyExists));
            }
            std::fs::rename(partial, dest)
        }
    }
}

/// fsync a file or a folder.
fn sync(path: &Path) -> io::Result<()> {
    File::open(path)?.sync_all()
}

/// Remove a temporary copy and any side file SQLite left beside it.
fn remove_partial(partial: &Path) {
    for suffix in ["", "-journal", "-wal", "-shm"] {
        let mut p = partial.as_os_str().to_owned();
        p.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(p));
    }
}

/// Remove the temporary files of earlier backups to `name` in `dir` whose
/// process is gone (killed mid-copy). Those of a backup still running are
/// left alone. Only where the process table can be read (`/proc`).
fn remove_stale_partials(dir: &Path, name: &str) {
    let proc = Path::new("/proc");
    if !proc.join("self").exists() {
        return;
    }
    let prefix = partial_prefix(name);
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let file = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = file.strip_prefix(&prefix) else { continue };
        let pid = rest.split('-').next().unwrap_or("");
        if !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()) && !proc.join(pid).exists() {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;
    use crate::store::customers::{self, NewCustomer};

    #[test]
    fn a_backup_opens_as_a_book_with_the_same_rows() {
        let book = Book::in_memory();
        let today = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        let c = NewCustomer {
            code: "ACME".into(),
            name: "Acme Trading Ltd.".into(),
            terms_days: Some(45),
            credit_limit: None,
            credit_score: None,
            email: None,
            phone: None,
            notes: None,
            aliases: vec!["ACME CO".into()],
            accounts: Vec::new(),
            contacts: Vec::new(),
            salesperson: None,
        };
        customers::insert(&book.conn, &c, today).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("copy.sqlite");
        backup_to(&book, &dest).unwrap();

        let copy = Book::open(&dest).unwrap();
        let original = customers::get(&book.conn, "ACME").unwrap();
        let copied = customers::get(&copy.conn, "ACME").unwrap();
        assert_eq!((copied.id, &copied.name, copied.terms_days), (original.id, &original.name, original.terms_days));
        assert_eq!(crate::store::book_settings(&copy.conn).unwrap().company, "Test Co.");
    }

    #[test]
    fn a_backup_leaves_only_the_copy_and_removes_what_a_dead_run_left() {
        let book = Book::in_memory();
        let dir = tempfile::tempdir().unwrap();
        // A killed run's leftovers: a process id no process has.
        let dead = dir.path().join(".copy.sqlite.partial-4000000000");
        std::fs::write(&dead, b"half").unwrap();
        std::fs::write(dir.path().join(".copy.sqlite.partial-4000000000-journal"), b"x").unwrap();
        let dest = dir.path().join("copy.sqlite");
        backup_to(&book, &dest).unwrap();
        let mut names: Vec<String> =
            std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into()).collect();
        names.sort();
        assert_eq!(names, ["copy.sqlite"]);
    }

    #[test]
    fn a_backup_never_replaces_a_file() {
        let book = Book::in_memory();
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("copy.sqlite");
        std::fs::write(&dest, b"mine").unwrap();
        assert!(backup_to(&book, &dest).is_err());
        assert_eq!(std::fs::read(&dest).unwrap(), b"mine");
        let partial = dir.path().join(".copy.sqlite.partial-1");
        std::fs::write(&partial, b"a copy").unwrap();
        assert_eq!(put_in_place(&partial, &dest).unwrap_err().kind(), io::ErrorKind::AlreadyExists);
        assert_eq!(std::fs::read(&dest).unwrap(), b"mine");
    }
}
