//! Finding, creating and opening the book file.
//!
//! Before anything is written, the path is looked at as a file (missing, a
//! dangling link, a folder or device, empty, not SQLite) and then, through
//! SQLite, as a database ([`schema::identify`]): only a book goes further.
//!
//! A new book is built under a temporary name in its folder and put in place
//! complete, so no process ever sees half a book. Creating a book and bringing
//! one up to date (WAL mode, upgrades, the application_id stamp) happen under
//! an exclusive lock on a side file, `<book>.lock`, removed when released:
//! several processes starting at once on a new or an old book wait for each
//! other, and each then opens the finished book.

use std::fs::{File, OpenOptions};
use std::io::{ErrorKind, Read};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rusqlite::{OpenFlags, TransactionBehavior};

use super::schema::{self, Identity};
use super::{BUSY_TIMEOUT, Book, Connection, NewBook, Result, StoreError, events, map_busy, set_setting};

/// What a path holds, seen as a file.
enum OnDisk {
    Missing,
    /// A file starting with SQLite's header (or an empty one whose WAL holds the data).
    Sqlite,
}

fn shown(path: &Path) -> String {
    path.display().to_string()
}

/// Refuse the names SQLite would take for something other than a file: an
/// empty name (a temporary database), `:memory:` and `file:` URIs.
fn check_name(path: &Path) -> Result<()> {
    let name = path.to_string_lossy();
    if name.is_empty() || name == ":memory:" || name.starts_with("file:") {
        return Err(StoreError::NotAFileName(name.into_owned()));
    }
    Ok(())
}

/// What is at `path`, read without SQLite and without writing.
fn on_disk(path: &Path) -> Result<OnDisk> {
    let meta = match std::fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(OnDisk::Missing),
        Err(e) if e.kind() == ErrorKind::NotADirectory => {
            return Err(StoreError::CannotCreate {
                path: shown(path),
                reason: "a part of the path is a file, not a folder".into(),
            });
        }
        Err(e) => return Err(StoreError::CannotOpen { path: shown(path), reason: e.to_string() }),
    };
    let meta = if meta.file_type().is_symlink() {
        match std::fs::metadata(path) {
            Ok(m) => m,
            Err(e) if matches!(e.kind(), ErrorKind::NotFound | ErrorKind::NotADirectory) => {
                let target = std::fs::read_link(path).map(|t| shown(&t)).unwrap_or_else(|_| "?".into());
                return Err(StoreError::DanglingLink { path: shown(path), target });
            }
            Err(e) => return Err(StoreError::CannotOpen { path: shown(path), reason: e.to_string() }),
        }
    } else {
        meta
    };
    if meta.is_dir() {
        return Err(StoreError::NotAFile { path: shown(path), what: "a folder" });
    }
    if !meta.is_file() {
        return Err(StoreError::NotAFile { path: shown(path), what: "a device, pipe or socket" });
    }
    if meta.len() == 0 {
        // A book whose every page is still in its WAL (a process killed
        // before the first checkpoint) is left to SQLite.
        let wal = std::fs::metadata(side(path, "-wal")).map(|m| m.len()).unwrap_or(0);
        return if wal > 0 { Ok(OnDisk::Sqlite) } else { Err(StoreError::EmptyFile(shown(path))) };
    }
    let mut head = [0u8; 16];
    let read = File::open(path).and_then(|mut f| f.read_exact(&mut head));
    match read {
        Ok(()) if &head == b"SQLite format 3\0" => Ok(OnDisk::Sqlite),
        Ok(()) => Err(StoreError::NotABook { path: shown(path) }),
        Err(e) if e.kind() == ErrorKind::UnexpectedEof => Err(StoreError::NotABook { path: shown(path) }),
        Err(e) => Err(StoreError::CannotOpen { path: shown(path), reason: e.to_string() }),
    }
}

/// `path` with `suffix` appended to its file name.
fn side(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

/// The folder a book lives in ("." for a bare file name).
fn folder(path: &Path) -> PathBuf {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// An error writing beside the book: a read-only folder says so.
fn beside_error(path: &Path, e: std::io::Error) -> StoreError {
    match e.kind() {
        ErrorKind::PermissionDenied | ErrorKind::ReadOnlyFilesystem => StoreError::ReadOnlyFolder(shown(&folder(path))),
        _ => StoreError::CannotCreate { path: shown(path), reason: e.to_string() },
    }
}

/// The exclusive lock of `<book>.lock`, held while a book is created or
/// brought up to date. The file is removed on release; a waiter that then
/// holds the lock of a removed file tries again on the file at the path.
pub(super) struct SideLock {
    path: PathBuf,
    _file: File,
}

impl SideLock {
    fn acquire(book: &Path) -> Result<SideLock> {
        // Beside the real file when the book is a link to it (where SQLite
        // keeps its -wal and -shm too).
        let real = std::fs::canonicalize(book).unwrap_or_else(|_| book.to_path_buf());
        let path = side(&real, ".lock");
        let started = Instant::now();
        loop {
            let mut opts = OpenOptions::new();
            opts.read(true).write(true).create(true).truncate(false);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt;
                opts.mode(0o600);
            }
            let file = opts.open(&path).map_err(|e| beside_error(book, e))?;
            match file.try_lock() {
                Ok(()) => {}
                Err(std::fs::TryLockError::WouldBlock) => {
                    if started.elapsed() >= BUSY_TIMEOUT {
                        return Err(StoreError::Busy(BUSY_TIMEOUT.as_secs()));
                    }
                    std::thread::sleep(Duration::from_millis(5 + fastrand::u64(0..20)));
                    continue;
                }
                Err(std::fs::TryLockError::Error(e)) => {
                    return Err(StoreError::CannotOpen { path: shown(&path), reason: e.to_string() });
                }
            }
            if same_file(&file, &path) {
                return Ok(SideLock { path, _file: file });
            }
        }
    }
}

/// The open `file` is the one now at `path` (not one removed by the
/// previous holder).
fn same_file(file: &File, path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (file.metadata(), std::fs::metadata(path)) {
            (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = file;
        path.exists()
    }
}

impl Drop for SideLock {
    fn drop(&mut self) {
        // Removed while still locked; the lock goes with the file handle.
        let _ = std::fs::remove_file(&self.path);
    }
}

/// A connection to an existing file: read-write, never creating it, never
/// reading the name as a URI.
fn connect(path: &Path) -> Result<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags).map_err(|e| sqlite_open_error(path, e))?;
    // SQLite opens a file it may not write read-only, without a word; every
    // command would then fail at its first write (or its WAL index).
    if conn.is_readonly(rusqlite::MAIN_DB)? {
        return Err(StoreError::CannotOpen {
            path: shown(path),
            reason: "the file is read-only; give yourself write access to it, or work on a copy".into(),
        });
    }
    conn.busy_timeout(BUSY_TIMEOUT)?;
    Ok(conn)
}

/// SQLite's errors while opening, in words: not a database, a read-only
/// folder (no room for the -wal and -shm files), busy after the wait.
fn sqlite_open_error(path: &Path, e: rusqlite::Error) -> StoreError {
    use rusqlite::ErrorCode::*;
    match e.sqlite_error_code() {
        Some(NotADatabase) => StoreError::NotABook { path: shown(path) },
        Some(CannotOpen | ReadOnly | PermissionDenied) if !folder_writable(path) => {
            StoreError::ReadOnlyFolder(shown(&folder(path)))
        }
        Some(ReadOnly) => StoreError::CannotOpen { path: shown(path), reason: "the file is read-only".into() },
        _ => map_busy(e.into()),
    }
}

/// Whether a file can be created in the book's folder (only asked once an
/// open has failed).
fn folder_writable(path: &Path) -> bool {
    let probe = folder(path).join(format!(".huikuan-probe-{}", std::process::id()));
    match OpenOptions::new().write(true).create_new(true).open(&probe) {
        Ok(_) => {
            let _ = std::fs::remove_file(&probe);
            true
        }
        Err(e) => !matches!(e.kind(), ErrorKind::PermissionDenied | ErrorKind::ReadOnlyFilesystem),
    }
}

/// What the SQLite file at `path` is; anything but a book (or a newer book)
/// is refused here, before any write.
fn identify(conn: &Connection, path: &Path) -> Result<Identity> {
    let id = schema::identify(conn).map_err(|e| sqlite_open_error(path, e))?;
    match id {
        Identity::Book { version, .. } => {
            let known = schema::current_version();
            if version > known {
                return Err(StoreError::NewerSchema { found: version, known });
            }
        }
        Identity::Foreign { application_id } => {
            return Err(StoreError::ForeignDatabase { path: shown(path), application_id });
        }
        Identity::Empty => return Err(StoreError::EmptyDatabase(shown(path))),
    }
    Ok(id)
}

impl Book {
    /// Open the existing book at `path`, bringing it up to date. A missing
    /// path is an error: reading never creates a book.
    pub fn open(path: &Path) -> Result<Book> {
        check_name(path)?;
        match on_disk(path)? {
            OnDisk::Missing => Err(StoreError::NoBook(shown(path))),
            OnDisk::Sqlite => open_existing(path, None),
        }
    }

    /// Open the book at `path`, creating it (mode 0600, with its folders)
    /// when nothing is there. Returns the book and whether this call created
    /// it; of several processes creating the same book at once, one does and
    /// the others open it.
    pub fn open_or_create(path: &Path, new: &NewBook) -> Result<(Book, bool)> {
        check_name(path)?;
        if let OnDisk::Sqlite = on_disk(path)? {
            return Ok((open_existing(path, None)?, false));
        }
        make_folder(path)?;
        let lock = SideLock::acquire(path)?;
        match on_disk(path)? {
            OnDisk::Sqlite => Ok((open_existing(path, Some(&lock))?, false)),
            OnDisk::Missing => {
                build(path, new)?;
                Ok((open_existing(path, Some(&lock))?, true))
            }
        }
    }

    /// Create a new book; refused when anything is at `path`.
    pub fn create(path: &Path, new: &NewBook) -> Result<Book> {
        check_name(path)?;
        let exists = |path: &Path| -> Result<Book> {
            identify(&connect(path)?, path)?;
            Err(StoreError::BookExists(shown(path)))
        };
        if let OnDisk::Sqlite = on_disk(path)? {
            return exists(path);
        }
        make_folder(path)?;
        let lock = SideLock::acquire(path)?;
        if let OnDisk::Sqlite = on_disk(path)? {
            return exists(path);
        }
        build(path, new)?;
        open_existing(path, Some(&lock))
    }
}

fn make_folder(path: &Path) -> Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| beside_error(path, e))?;
    }
    Ok(())
}

/// Open a book known to be at `path`: identify it, bring it up to date under
/// the side lock when it needs it (`held` when the caller holds it), and set
/// the connection's options.
fn open_existing(path: &Path, held: Option<&SideLock>) -> Result<Book> {
    let mut conn = connect(path)?;
    if !identify(&conn, path)?.is_ready() {
        let _lock = match held {
            Some(_) => None,
            None => Some(SideLock::acquire(path)?),
        };
        // Another process may have brought it up to date while we waited.
        if !identify(&conn, path)?.is_ready() {
            to_wal(&conn, path)?;
            schema::migrate(&mut conn).map_err(map_busy)?;
        }
    }
    configure(&conn)?;
    Ok(Book { conn, path: path.to_path_buf() })
}

/// Switch the book to WAL. SQLite answers "busy" at once, without waiting,
/// when another connection holds any lock at that moment (the switch turns a
/// read into a write, which the busy handler never retries): so wait here.
fn to_wal(conn: &Connection, path: &Path) -> Result<()> {
    let started = Instant::now();
    loop {
        match conn.pragma_update(None, "journal_mode", "WAL") {
            Ok(()) => return Ok(()),
            Err(e)
                if e.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseBusy)
                    && started.elapsed() < BUSY_TIMEOUT =>
            {
                std::thread::sleep(Duration::from_millis(5 + fastrand::u64(0..20)));
            }
            Err(e) => return Err(sqlite_open_error(path, e)),
        }
    }
}

/// The connection's options for every command.
fn configure(conn: &Connection) -> Result<()> {
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    // A bigger page cache keeps a long import's changes in memory
    // instead of spilling them to the WAL page by page (64 MiB at most).
    conn.pragma_update(None, "cache_size", -65_536)?;
    // Bulk commands run a handful of statements per row: keep them all
    // prepared, and keep their plans (the query-planner stability
    // guarantee): otherwise binding a new customer id makes SQLite
    // re-prepare a statement that compares a parameter with a partial
    // index's condition, on every row.
    conn.set_prepared_statement_cache_capacity(64);
    // Statement journals (kept for every statement a trigger or
    // constraint could abort) and sorts stay in memory instead of
    // temporary files written and read back on every bank line.
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    conn.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)?;
    Ok(())
}

/// Build a complete book under a temporary name beside `path`, then put it
/// in place without replacing anything there. The caller holds the side
/// lock, so temporary books left by killed creators are removed first.
fn build(path: &Path, new: &NewBook) -> Result<()> {
    let dir = folder(path);
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let prefix = format!(".{name}.new-");
    if let Ok(entries) = std::fs::read_dir(&dir) {
        for entry in entries.flatten() {
            if entry.file_name().to_string_lossy().starts_with(&prefix) {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
    let tmp = dir.join(format!("{prefix}{}", std::process::id()));
    let result = build_at(&tmp, new).and_then(|()| publish(&tmp, path));
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let _ = std::fs::remove_file(side(&tmp, suffix));
    }
    result
}

fn build_at(tmp: &Path, new: &NewBook) -> Result<()> {
    let mut opts = OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    opts.open(tmp).map_err(|e| beside_error(tmp, e))?;
    let mut conn = connect(tmp)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    schema::migrate(&mut conn)?;
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    set_setting(&tx, "company", new.company)?;
    set_setting(&tx, "currency", new.currency)?;
    let (en, zh) = (format!("created the book ({})", new.currency), format!("新建账簿（{}）", new.currency));
    events::record(&tx, "init", &en, &zh, None)?;
    tx.commit()?;
    // Closing checkpoints the WAL into the file and removes it.
    conn.close().map_err(|(_, e)| StoreError::from(e))?;
    File::open(tmp).and_then(|f| f.sync_all()).map_err(|e| beside_error(tmp, e))?;
    Ok(())
}

/// Put the finished book at `path`: a hard link never replaces a file that
/// appeared meanwhile; where links are not supported, a rename.
fn publish(tmp: &Path, path: &Path) -> Result<()> {
    match std::fs::hard_link(tmp, path) {
        Ok(()) => {}
        // Something that is not huikuan put a file there: open_existing
        // will say what it is.
        Err(e) if e.kind() == ErrorKind::AlreadyExists => return Ok(()),
        Err(_) if !path.exists() => std::fs::rename(tmp, path).map_err(|e| beside_error(path, e))?,
        Err(e) => return Err(beside_error(path, e)),
    }
    if let Ok(d) = File::open(folder(path)) {
        let _ = d.sync_all();
    }
    Ok(())
}
