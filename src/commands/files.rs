//! Documents written to files (letters, statements, packs, exports): names
//! that are unique and stable per customer, and files that are created new,
//! readable by their owner only, and never overwrite anything.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// A customer code as it goes into a file name: its letters and digits
/// (CJK included), everything else — separators, dots, slashes — left out.
fn reduce(code: &str) -> String {
    code.chars().filter(|c| c.is_alphanumeric()).collect()
}

/// The part of a file name that stands for each customer, by id: the code
/// reduced to its letters and digits, with `-<id>` added when two codes of
/// the book reduce alike (compared without case, as some file systems do)
/// or a code reduces to nothing. Give every customer of the book, not only
/// those written now, so a customer's name stays the same from run to run.
pub fn customer_stems<'a>(customers: impl IntoIterator<Item = (i64, &'a str)>) -> HashMap<i64, String> {
    let reduced: Vec<(i64, String)> = customers.into_iter().map(|(id, code)| (id, reduce(code))).collect();
    let mut count: HashMap<String, usize> = HashMap::new();
    for (_, r) in &reduced {
        *count.entry(r.to_lowercase()).or_default() += 1;
    }
    reduced
        .into_iter()
        .map(|(id, r)| {
            let stem = match r.as_str() {
                "" => format!("customer-{id}"),
                _ if count[&r.to_lowercase()] > 1 => format!("{r}-{id}"),
                _ => r,
            };
            (id, stem)
        })
        .collect()
}

/// What became of a document.
#[derive(Debug, PartialEq, Eq)]
pub enum Written {
    New(PathBuf),
    /// A file of that name was there already: left as it was.
    Exists(PathBuf),
}

/// Create `dir/name` with `content`, readable and writable by its owner only
/// (0600 whatever the umask), unless a file of that name exists: that one
/// is never overwritten. The directory is created if needed.
pub fn create_new(dir: &Path, name: &str, content: &[u8]) -> Result<Written> {
    std::fs::create_dir_all(dir).map_err(|e| io_at(dir, e))?;
    let path = dir.join(name);
    create_new_at(&path, content)
}

/// [`create_new`] at a path the user named.
pub fn create_new_at(path: &Path, content: &[u8]) -> Result<Written> {
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut file = match opts.open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => return Ok(Written::Exists(path.to_path_buf())),
        Err(e) => return Err(io_at(path, e)),
    };
    // A file left half-written is removed: nothing half-written stays.
    if let Err(e) = file.write_all(content).and_then(|()| file.sync_all()) {
        drop(file);
        let _ = std::fs::remove_file(path);
        return Err(io_at(path, e));
    }
    Ok(Written::New(path.to_path_buf()))
}

/// [`create_new_at`], refusing when the file exists: for a document the
/// user named on the command line.
pub fn create_or_refuse(path: &Path, content: &[u8]) -> Result<PathBuf> {
    match create_new_at(path, content)? {
        Written::New(p) => Ok(p),
        Written::Exists(p) => Err(Error::user(
            format!("{} exists; it is not overwritten (choose another name or remove it)", p.display()),
            format!("{} 已存在，不会覆盖（请换一个文件名或先删除它）", p.display()),
        )),
    }
}

/// [`create_or_refuse`] for a document too large to hold: `write` writes it
/// into a temporary file beside `path` (0600), which takes the name only
/// once complete and synced, and never over a file that exists by then (a
/// hard link: atomic, no overwrite). If `write` fails, or the file cannot
/// be completed, the temporary file is removed and `path` is untouched.
pub fn stream_or_refuse(path: &Path, write: impl FnOnce(&mut dyn Write) -> Result<()>) -> Result<PathBuf> {
    let exists = || {
        Error::user(
            format!("{} exists; it is not overwritten (choose another name or remove it)", path.display()),
            format!("{} 已存在，不会覆盖（请换一个文件名或先删除它）", path.display()),
        )
    };
    // Refused before the work, not after it.
    if path.symlink_metadata().is_ok() {
        return Err(exists());
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    // (tempfile's error names its own random path: the user is told of
    // the directory, and why.)
    let tmp = tempfile::NamedTempFile::new_in(dir).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => {
            Error::user(format!("{}: no such directory", dir.display()), format!("{}：目录不存在", dir.display()))
        }
        kind => io_at(dir, std::io::Error::from(kind)),
    })?;
    let mut out = std::io::BufWriter::new(tmp);
    write(&mut out)?;
    let tmp = out.into_inner().map_err(|e| io_at(path, e.into_error()))?;
    tmp.as_file().sync_all().map_err(|e| io_at(path, e))?;
    match tmp.persist_noclobber(path) {
        Ok(_) => Ok(path.to_path_buf()),
        Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => Err(exists()),
        Err(e) => Err(io_at(path, e.error)),
    }
}

fn io_at(path: &Path, e: std::io::Error) -> Error {
    Error::user(format!("{}: {e}", path.display()), format!("{}：{e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_keep_their_letters_and_codes_that_reduce_alike_get_their_id() {
        let stems =
            customer_stems([(1, "华远"), (2, "东方"), (3, "A.B"), (4, "A_B"), (5, "a/b"), (6, "C-1"), (7, "./")]);
        assert_eq!(stems[&1], "华远");
        assert_eq!(stems[&2], "东方");
        assert_eq!((stems[&3].as_str(), stems[&4].as_str(), stems[&5].as_str()), ("AB-3", "AB-4", "ab-5"));
        assert_eq!(stems[&6], "C1");
        assert_eq!(stems[&7], "customer-7");
        let mut all: Vec<&String> = stems.values().collect();
        all.sort();
        all.dedup();
        assert_eq!(all.len(), 7, "every customer has a name of its own");
    }

    #[test]
    fn a_document_is_created_private_and_never_overwrites() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("letters");
        let first = create_new(&sub, "a.txt", b"first").unwrap();
        assert_eq!(first, Written::New(sub.join("a.txt")));
        assert_eq!(create_new(&sub, "a.txt", b"second").unwrap(), Written::Exists(sub.join("a.txt")));
        assert_eq!(std::fs::read(sub.join("a.txt")).unwrap(), b"first");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(sub.join("a.txt")).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let e = create_or_refuse(&sub.join("a.txt"), b"third").unwrap_err();
        assert!(e.to_string().contains("exists; it is not overwritten"), "{e}");
    }
}
