//! Opening an input file: the one way every import (customers, invoices,
//! payments, bank statements, bank profiles) reads the file it is given
//! (DESIGN §7).
//!
//! - Only a regular file is read. A FIFO, a device (`/dev/zero`), a socket
//!   or a directory is refused from its metadata, before it is opened, so a
//!   FIFO never blocks; the file is then opened non-blocking and checked
//!   again, in case the path changed in between.
//! - A file larger than the limit is refused before a byte is read, and the
//!   read itself stops one byte past the limit, so a file whose size lies
//!   (a file of `/proc`, one still growing) cannot exhaust memory either.
//!
//! The path `-` means standard input ([`read_input_or_stdin`], used by the
//! customer, invoice and payment imports): read to its end within the same
//! limit, named `stdin` in messages.
//!
//! The limit is the book's setting `max_input_mb` when the book exists, else
//! [`DEFAULT_MAX_INPUT_MB`]: the import command asks [`InputLimit::for_book_at`]
//! (which opens an existing book, never creates one) and hands the limit to
//! the reader ([`crate::import::csvfile::CsvFile::read`], the statement
//! reader's `ReadOptions::max_input`).

use std::fs::{File, Metadata, OpenOptions};
use std::io::Read;
use std::path::Path;

use crate::store::{Book, Connection, setting};

/// The input size limit of a book without the setting, in MiB (1 GiB).
pub const DEFAULT_MAX_INPUT_MB: u64 = 1024;

/// The largest input file read, in bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InputLimit(u64);

impl Default for InputLimit {
    fn default() -> InputLimit {
        InputLimit::megabytes(DEFAULT_MAX_INPUT_MB)
    }
}

impl InputLimit {
    /// A limit of `mb` MiB.
    pub fn megabytes(mb: u64) -> InputLimit {
        InputLimit(mb.saturating_mul(1024 * 1024))
    }

    /// A limit in bytes (tests).
    pub fn bytes(n: u64) -> InputLimit {
        InputLimit(n)
    }

    pub fn in_bytes(self) -> u64 {
        self.0
    }

    /// The limit in MiB, rounded up, as messages show it.
    pub fn in_megabytes(self) -> u64 {
        self.0.div_ceil(1024 * 1024)
    }

    /// The book's `max_input_mb`, or the default when it is not set.
    pub fn of_book(conn: &Connection) -> crate::store::Result<InputLimit> {
        let set = setting(conn, "max_input_mb")?.and_then(|v| v.trim().parse::<u64>().ok()).filter(|mb| *mb > 0);
        Ok(set.map_or_else(InputLimit::default, InputLimit::megabytes))
    }

    /// The limit of the book at `path` when there is one, the default when
    /// there is none yet (the book is not created here).
    pub fn for_book_at(path: &Path) -> crate::error::Result<InputLimit> {
        if !path.exists() {
            return Ok(InputLimit::default());
        }
        let book = Book::open(path)?;
        Ok(InputLimit::of_book(&book.conn)?)
    }
}

/// Why an input file was not read; [`InputError::en`] and [`InputError::zh`]
/// give the reason (the caller puts the file name before it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InputError {
    /// The operating system's reason (no such file, permission denied, …).
    Io(String),
    /// Not a regular file: what it is, in English and Chinese.
    NotAFile(&'static str, &'static str),
    /// Larger than the limit.
    TooLarge(InputLimit),
}

impl InputError {
    pub fn en(&self) -> String {
        match self {
            InputError::Io(reason) => format!("cannot read: {reason}"),
            InputError::NotAFile(what, _) => format!("is {what}, not a regular file; give the path of a file"),
            InputError::TooLarge(limit) => format!(
                "the file is larger than the input limit of {} MB; split it, or raise the limit with \
                 `huikuan config set max_input_mb N`",
                limit.in_megabytes()
            ),
        }
    }

    pub fn zh(&self) -> String {
        match self {
            InputError::Io(reason) => format!("无法读取：{reason}"),
            InputError::NotAFile(_, what) => format!("是{what}，不是普通文件；请给出文件的路径"),
            InputError::TooLarge(limit) => format!(
                "文件超过输入大小上限 {} MB；请拆分文件，或用 `huikuan config set max_input_mb N` 提高上限",
                limit.in_megabytes()
            ),
        }
    }
}

/// What a path that is not a regular file is, in English and Chinese.
fn not_a_file(meta: &Metadata) -> Option<(&'static str, &'static str)> {
    let t = meta.file_type();
    if t.is_file() {
        return None;
    }
    if t.is_dir() {
        return Some(("a directory", "文件夹"));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return Some(("a FIFO (named pipe)", "命名管道（FIFO）"));
        }
        if t.is_char_device() || t.is_block_device() {
            return Some(("a device", "设备文件"));
        }
        if t.is_socket() {
            return Some(("a socket", "套接字"));
        }
    }
    Some(("not a regular file", "特殊文件"))
}

/// Check a file's metadata: a regular file within the limit.
fn check(meta: &Metadata, limit: InputLimit) -> Result<(), InputError> {
    if let Some((en, zh)) = not_a_file(meta) {
        return Err(InputError::NotAFile(en, zh));
    }
    if meta.len() > limit.in_bytes() {
        return Err(InputError::TooLarge(limit));
    }
    Ok(())
}

fn open_nonblocking(path: &Path) -> std::io::Result<File> {
    let mut opts = OpenOptions::new();
    opts.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.custom_flags(libc::O_NONBLOCK);
    }
    opts.open(path)
}

/// Whether `path` is `-`, which means standard input.
pub fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// The name messages give an input: `stdin` for `-`, else the path as given.
pub fn input_name(path: &Path) -> String {
    if is_stdin(path) { "stdin".to_string() } else { path.display().to_string() }
}

/// [`read_input`], or standard input when `path` is `-` (read to its end,
/// at most `limit` bytes of it: one byte more is refused as too large).
pub fn read_input_or_stdin(path: &Path, limit: InputLimit) -> Result<Vec<u8>, InputError> {
    if !is_stdin(path) {
        return read_input(path, limit);
    }
    read_limited(std::io::stdin().lock(), limit)
}

/// Read `from` to its end, refusing more than `limit` bytes.
fn read_limited(from: impl Read, limit: InputLimit) -> Result<Vec<u8>, InputError> {
    let mut bytes = Vec::new();
    from.take(limit.in_bytes().saturating_add(1)).read_to_end(&mut bytes).map_err(|e| InputError::Io(e.to_string()))?;
    if bytes.len() as u64 > limit.in_bytes() {
        return Err(InputError::TooLarge(limit));
    }
    Ok(bytes)
}

/// Open the input at `path` for reading in passes, without reading it: the
/// regular file (checked as [`read_input`] checks it), or for `-` standard
/// input copied to an unnamed temporary file (at most `limit` bytes of it:
/// one byte more is refused as too large). The caller reads from offset 0
/// and stops one byte past `limit`.
pub fn open_input_or_stdin(path: &Path, limit: InputLimit) -> Result<File, InputError> {
    let io = |e: std::io::Error| InputError::Io(e.to_string());
    if is_stdin(path) {
        let mut spool = tempfile::tempfile().map_err(io)?;
        let n = std::io::copy(&mut std::io::stdin().lock().take(limit.in_bytes().saturating_add(1)), &mut spool)
            .map_err(io)?;
        if n > limit.in_bytes() {
            return Err(InputError::TooLarge(limit));
        }
        // From its start, as a file opened is: its first bytes say what it
        // is (a workbook, not text).
        std::io::Seek::seek(&mut spool, std::io::SeekFrom::Start(0)).map_err(io)?;
        return Ok(spool);
    }
    check(&std::fs::metadata(path).map_err(io)?, limit)?;
    let file = open_nonblocking(path).map_err(io)?;
    check(&file.metadata().map_err(io)?, limit)?;
    Ok(file)
}

/// Read an opened input from its start to its end, at most `limit` bytes.
pub fn read_opened(mut file: &File, limit: InputLimit) -> Result<Vec<u8>, InputError> {
    use std::io::{Seek, SeekFrom};
    file.seek(SeekFrom::Start(0)).map_err(|e| InputError::Io(e.to_string()))?;
    read_limited(file, limit)
}

/// Read the regular file at `path`, at most `limit` bytes of it.
pub fn read_input(path: &Path, limit: InputLimit) -> Result<Vec<u8>, InputError> {
    let io = |e: std::io::Error| InputError::Io(e.to_string());
    check(&std::fs::metadata(path).map_err(io)?, limit)?;
    let file = open_nonblocking(path).map_err(io)?;
    let meta = file.metadata().map_err(io)?;
    check(&meta, limit)?;
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0).saturating_add(1));
    file.take(limit.in_bytes().saturating_add(1)).read_to_end(&mut bytes).map_err(io)?;
    if bytes.len() as u64 > limit.in_bytes() {
        return Err(InputError::TooLarge(limit));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_regular_file_within_the_limit_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.csv");
        std::fs::write(&p, b"code,name\n").unwrap();
        assert_eq!(read_input(&p, InputLimit::bytes(10)).unwrap(), b"code,name\n");
        assert_eq!(read_input(&p, InputLimit::bytes(9)), Err(InputError::TooLarge(InputLimit::bytes(9))));
    }

    #[test]
    fn directories_and_devices_are_not_files() {
        let dir = tempfile::tempdir().unwrap();
        let e = read_input(dir.path(), InputLimit::default()).unwrap_err();
        assert_eq!(e.en(), "is a directory, not a regular file; give the path of a file");
        #[cfg(unix)]
        assert!(matches!(read_input(Path::new("/dev/zero"), InputLimit::default()), Err(InputError::NotAFile(..))));
    }

    #[test]
    fn a_file_whose_size_lies_is_read_only_to_the_limit() {
        // Files of /proc report a size of 0 whatever they hold.
        let p = Path::new("/proc/self/status");
        if p.exists() {
            assert_eq!(std::fs::metadata(p).unwrap().len(), 0);
            assert_eq!(read_input(p, InputLimit::bytes(16)), Err(InputError::TooLarge(InputLimit::bytes(16))));
            assert!(read_input(p, InputLimit::default()).unwrap().len() > 16);
        }
    }

    #[test]
    fn a_stream_is_read_to_the_limit_and_no_further() {
        assert_eq!(read_limited(&b"code,name\n"[..], InputLimit::bytes(10)).unwrap(), b"code,name\n");
        let e = read_limited(std::io::repeat(b'x'), InputLimit::bytes(64)).unwrap_err();
        assert_eq!(e, InputError::TooLarge(InputLimit::bytes(64)));
        assert_eq!(input_name(Path::new("-")), "stdin");
        assert_eq!(input_name(Path::new("a.csv")), "a.csv");
    }

    #[test]
    fn the_limit_is_shown_in_megabytes() {
        assert_eq!(InputLimit::default().in_megabytes(), 1024);
        assert_eq!(InputLimit::bytes(1).in_megabytes(), 1);
    }
}
