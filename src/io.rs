//! Whole-file writes: a temporary file in the same folder, then a rename, so
//! a reader never sees a half-written result; and whole-folder writes
//! ([`OutDir`]): every file of a result set is written into a new sibling
//! folder that is then swapped in, so a folder never mixes two runs.
//!
//! A target that is not a regular file (a symbolic link, a device node, a
//! FIFO, a socket, a folder) is refused: a rename would replace it.

use std::io::Write;
use std::path::{Path, PathBuf};

fn with_path(path: &Path, e: &std::io::Error) -> std::io::Error {
    std::io::Error::new(e.kind(), format!("{}: {e}", path.display()))
}

fn refuse(path: &Path, what: &str) -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::InvalidInput,
        format!(
            "{}: {what}; ccsim writes its results as new regular files and does not replace it (remove it or choose another path)",
            path.display()
        ),
    )
}

/// Checks that `path` is missing or a regular file, i.e. that a rename onto
/// it replaces nothing but an earlier result.
///
/// # Errors
/// `InvalidInput` naming the path for a symbolic link, a folder, a device
/// node, a FIFO or a socket.
pub fn check_target(path: &Path) -> std::io::Result<()> {
    match std::fs::symlink_metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(with_path(path, &e)),
        Ok(m) if m.file_type().is_file() => Ok(()),
        Ok(m) if m.file_type().is_symlink() => Err(refuse(path, "is a symbolic link")),
        Ok(m) if m.is_dir() => Err(refuse(path, "is a folder, not a file")),
        Ok(_) => Err(refuse(
            path,
            "is a device node, FIFO or socket, not a regular file",
        )),
    }
}

/// Whether the process with this id is still running. Without `/proc`
/// every process counts as running, so nothing is removed.
fn alive(pid: u32) -> bool {
    let proc = Path::new("/proc");
    !proc.is_dir() || proc.join(pid.to_string()).exists()
}

/// The process id of `.{stem}.{tag}{pid}` if `name` has that form.
fn temp_pid(name: &str, tag: &str) -> Option<u32> {
    let rest = name.strip_prefix('.')?;
    let at = rest.rfind(tag)?;
    let digits = &rest[at + tag.len()..];
    if at == 0 || digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// Whether `name` is a temporary file or folder that ccsim left behind when
/// it was killed (its process no longer runs).
fn is_stale_temp(name: &str) -> bool {
    ["tmp", "old"]
        .iter()
        .any(|tag| temp_pid(name, &format!(".{tag}")).is_some_and(|p| !alive(p)))
}

/// Removes the temporary files and folders that killed ccsim processes
/// left in `dir`. Best effort: errors are ignored.
pub fn clean_stale_temps(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if is_stale_temp(&name) {
            let p = e.path();
            let _ = match e.file_type() {
                Ok(t) if t.is_dir() => std::fs::remove_dir_all(&p),
                _ => std::fs::remove_file(&p),
            };
        }
    }
}

/// Writes `bytes` to `path` atomically (temporary file + rename).
///
/// # Errors
/// The I/O error, with the path in its message; `InvalidInput` when `path`
/// is a symbolic link, a folder or a special file (see [`check_target`]).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_atomic_with(path, |f| f.write_all(bytes))
}

/// Writes `path` atomically from `fill`, which streams the content into a
/// buffered temporary file (for files too large to hold in memory, such as
/// a shard's partial result); the file is renamed into place only when
/// `fill` succeeded.
///
/// # Errors
/// As [`write_atomic`], and the error `fill` returned.
pub fn write_atomic_with(
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    write_via_temp(path, &format!("tmp{}", std::process::id()), true, fill)
}

/// [`write_atomic_with`] for a folder that processes on other machines
/// write into at the same time (the shards of a cluster job on a shared
/// file system): the temporary file is named after this host and process,
/// and no temporary file of another process is removed, since whether a
/// process of another machine still runs cannot be known here.
///
/// # Errors
/// As [`write_atomic_with`].
pub fn write_atomic_shared(
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .map(|h| h.trim().replace(|c: char| !c.is_ascii_alphanumeric(), "_"))
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "host".into());
    let tag = format!("tmp-{host}-{}", std::process::id());
    write_via_temp(path, &tag, false, fill)
}

fn write_via_temp(
    path: &Path,
    tag: &str,
    clean: bool,
    fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| with_path(dir, &e))?;
    check_target(path)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{tag}"));
    let result = (|| {
        let mut w = std::io::BufWriter::new(std::fs::File::create(&tmp)?);
        fill(&mut w)?;
        let f = w.into_inner().map_err(|e| e.into_error())?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    } else if clean {
        clean_stale_temps(dir);
    }
    result.map_err(|e| with_path(path, &e))
}

/// A result folder written whole: files go into a staging folder beside the
/// target, and [`OutDir::commit`] swaps it in with renames. A kill before
/// the commit leaves the earlier folder untouched (and a staging folder that
/// the next write removes); a kill during the swap leaves the earlier
/// folder complete under `.NAME.oldPID`, never a mix of two runs.
///
/// When the target already holds files that this write does not produce
/// (files of the user's or of another command), they are kept: the new
/// files are then moved in one by one, each whole.
#[derive(Debug)]
pub struct OutDir {
    target: PathBuf,
    staging: PathBuf,
    committed: bool,
}

impl OutDir {
    /// Prepares a staging folder for `target` (created if missing).
    ///
    /// # Errors
    /// `InvalidInput` naming the path when `target` is a file, a special
    /// file or a link to something other than a folder; other I/O errors
    /// with the path.
    pub fn create(target: &Path) -> std::io::Result<OutDir> {
        let meta = std::fs::symlink_metadata(target);
        let target = match &meta {
            Ok(m) if m.file_type().is_symlink() => {
                // A link to a folder: write through it, into the folder.
                let real = std::fs::canonicalize(target).map_err(|e| with_path(target, &e))?;
                if !real.is_dir() {
                    return Err(refuse(
                        target,
                        "is a symbolic link to something other than a folder",
                    ));
                }
                real
            }
            Ok(m) if m.is_dir() => {
                std::fs::canonicalize(target).map_err(|e| with_path(target, &e))?
            }
            Ok(m) if m.is_file() => return Err(refuse(target, "is a file, not a folder")),
            Ok(_) => {
                return Err(refuse(
                    target,
                    "is a device node, FIFO or socket, not a folder",
                ));
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let parent = target
                    .parent()
                    .filter(|p| !p.as_os_str().is_empty())
                    .unwrap_or(Path::new("."));
                std::fs::create_dir_all(parent).map_err(|e| with_path(parent, &e))?;
                let parent = std::fs::canonicalize(parent).map_err(|e| with_path(parent, &e))?;
                match target.file_name() {
                    Some(n) => parent.join(n),
                    None => return Err(refuse(target, "has no folder name")),
                }
            }
            Err(e) => return Err(with_path(target, e)),
        };
        let (Some(parent), Some(name)) = (target.parent(), target.file_name()) else {
            return Err(refuse(&target, "is the root folder"));
        };
        clean_stale_temps(parent);
        let staging = parent.join(format!(
            ".{}.tmp{}",
            name.to_string_lossy(),
            std::process::id()
        ));
        if staging.exists() {
            std::fs::remove_dir_all(&staging).map_err(|e| with_path(&staging, &e))?;
        }
        std::fs::create_dir(&staging).map_err(|e| with_path(&staging, &e))?;
        Ok(OutDir {
            target,
            staging,
            committed: false,
        })
    }

    /// The folder to write into (the staging folder).
    pub fn path(&self) -> &Path {
        &self.staging
    }

    /// The final folder.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Moves the written files into the target folder.
    ///
    /// # Errors
    /// The I/O error with its path; the earlier results then stay as they were
    /// (or, when foreign files are kept, each file is either old or new).
    pub fn commit(mut self) -> std::io::Result<()> {
        let result = self.swap();
        if result.is_ok() {
            self.committed = true;
        }
        result
    }

    fn swap(&self) -> std::io::Result<()> {
        let target = &self.target;
        check_entries(&self.staging, target)?;
        if !target.exists() {
            return std::fs::rename(&self.staging, target).map_err(|e| with_path(target, &e));
        }
        let ours: Vec<std::ffi::OsString> = std::fs::read_dir(&self.staging)
            .map_err(|e| with_path(&self.staging, &e))?
            .map(|e| e.map(|e| e.file_name()))
            .collect::<Result<_, _>>()
            .map_err(|e| with_path(&self.staging, &e))?;
        let theirs: Vec<std::ffi::OsString> = std::fs::read_dir(target)
            .map_err(|e| with_path(target, &e))?
            .map(|e| e.map(|e| e.file_name()))
            .collect::<Result<_, _>>()
            .map_err(|e| with_path(target, &e))?;
        let only_ours = theirs
            .iter()
            .all(|n| ours.contains(n) || is_stale_temp(&n.to_string_lossy()));
        if only_ours {
            // Two renames: the earlier set is complete at every moment.
            let name = target.file_name().unwrap_or_default().to_string_lossy();
            let old = target.with_file_name(format!(".{name}.old{}", std::process::id()));
            std::fs::rename(target, &old).map_err(|e| with_path(target, &e))?;
            if let Err(e) = std::fs::rename(&self.staging, target) {
                let _ = std::fs::rename(&old, target);
                return Err(with_path(target, &e));
            }
            let _ = std::fs::remove_dir_all(&old);
            return Ok(());
        }
        move_into(&self.staging, target)?;
        let _ = std::fs::remove_dir_all(&self.staging);
        clean_stale_temps(target);
        Ok(())
    }
}

/// Refuses when an entry that the new set would replace in `to` is a
/// symbolic link or a special file (or a file where a folder goes).
fn check_entries(from: &Path, to: &Path) -> std::io::Result<()> {
    if !to.exists() {
        return Ok(());
    }
    for e in std::fs::read_dir(from).map_err(|e| with_path(from, &e))? {
        let e = e.map_err(|e| with_path(from, &e))?;
        let dest = to.join(e.file_name());
        if e.file_type().is_ok_and(|t| t.is_dir()) {
            match std::fs::symlink_metadata(&dest) {
                Ok(m) if m.is_dir() => check_entries(&e.path(), &dest)?,
                Ok(_) => return Err(refuse(&dest, "is not a folder")),
                Err(_) => {}
            }
        } else {
            check_target(&dest)?;
        }
    }
    Ok(())
}

/// Moves every entry of `from` into `to`, file by file (each rename whole).
fn move_into(from: &Path, to: &Path) -> std::io::Result<()> {
    for e in std::fs::read_dir(from).map_err(|e| with_path(from, &e))? {
        let e = e.map_err(|e| with_path(from, &e))?;
        let dest = to.join(e.file_name());
        if e.file_type().is_ok_and(|t| t.is_dir()) && dest.is_dir() {
            move_into(&e.path(), &dest)?;
            clean_stale_temps(&dest);
        } else {
            check_target(&dest)?;
            std::fs::rename(e.path(), &dest).map_err(|err| with_path(&dest, &err))?;
        }
    }
    Ok(())
}

impl Drop for OutDir {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.staging);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_temp_names() {
        assert_eq!(temp_pid(".kpis.csv.tmp123", ".tmp"), Some(123));
        assert_eq!(temp_pid(".out.old7", ".old"), Some(7));
        assert_eq!(temp_pid(".tmp12", ".tmp"), None);
        assert_eq!(temp_pid("kpis.csv.tmp12", ".tmp"), None);
        assert_eq!(temp_pid(".a.tmp12x", ".tmp"), None);
        // This process is alive: its temp files are not stale.
        assert!(!is_stale_temp(&format!(".a.tmp{}", std::process::id())));
    }
}
