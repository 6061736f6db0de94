//! Output of the commands: stdout written through a locked handle whose
//! errors are handled (a closed pipe ends the command quietly, any other
//! error is exit 1, never a panic), and result folders written whole.

use std::io::Write;
use std::path::Path;

use super::CliError;
use crate::io::OutDir;

/// Writes `text` to stdout and flushes it.
///
/// # Errors
/// [`CliError::pipe_closed`] (exit 0, no message) when the reader went away,
/// as `head` does; an internal error (exit 1) for any other write error.
pub fn emit(text: &str) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Err(CliError::pipe_closed()),
        Err(e) => Err(CliError::internal(format!(
            "cannot write to standard output: {e}"
        ))),
    }
}

/// Writes `files` (name, body) into the folder `dir` as one set: they are
/// written into a staging folder beside it and swapped in (see [`OutDir`]).
///
/// # Errors
/// Exit 2 naming the path when the folder cannot be written.
pub fn write_folder(dir: &Path, files: &[(&str, String)]) -> Result<(), CliError> {
    write_folder_with(dir, files, |_| Ok(()))
}

/// [`write_folder`], with `extra` writing more files (plots) into the
/// staging folder before it is swapped in.
///
/// # Errors
/// As [`write_folder`]; the error of `extra`.
pub fn write_folder_with(
    dir: &Path,
    files: &[(&str, String)],
    extra: impl FnOnce(&Path) -> Result<(), String>,
) -> Result<(), CliError> {
    let bad = |e: String| CliError::input(format!("--out: cannot write results: {e}"));
    let out = OutDir::create(dir).map_err(|e| bad(e.to_string()))?;
    for (name, body) in files {
        crate::io::write_atomic(&out.path().join(name), body.as_bytes())
            .map_err(|e| bad(e.to_string()))?;
    }
    extra(out.path()).map_err(bad)?;
    out.commit().map_err(|e| bad(e.to_string()))
}
