//! Errors of reading and validating a scenario file.

use std::fmt;

/// One problem found in a scenario file.
#[derive(Debug, Clone, PartialEq)]
pub struct Issue {
    /// The file (or `--set PATH=VALUE`) where the value was written, when it
    /// is not the scenario's own file: a base the scenario extends.
    pub file: Option<String>,
    /// 1-based line of the offending value, when it could be located.
    pub line: Option<usize>,
    /// Field path, e.g. `call_type[0].arrivals.per_hour`.
    pub path: String,
    /// The offending value as written (may be empty for a missing field).
    pub value: String,
    /// What was expected.
    pub message: String,
}

impl fmt::Display for Issue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.value.is_empty() {
            write!(f, "{}: {}", self.path, self.message)
        } else {
            write!(f, "{} = {}: {}", self.path, self.value, self.message)
        }
    }
}

impl Issue {
    /// `file:line: path = value: message`, with the file where the value
    /// was written (`file` when the issue does not name another).
    pub fn located(&self, file: &str) -> String {
        let file = self.file.as_deref().unwrap_or(file);
        match self.line {
            Some(line) => format!("{file}:{line}: {self}"),
            None => format!("{file}: {self}"),
        }
    }
}

/// Why a scenario could not be loaded. Every variant names the file.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    /// The file could not be read.
    #[error("{file}: cannot read the scenario file: {source}")]
    Io {
        /// File name as given.
        file: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// TOML syntax error, unknown field or wrong type.
    #[error("{file}:{line}:{column}: {path}{message}")]
    Parse {
        /// File name as given.
        file: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// Field path followed by ": ", or empty for a syntax error.
        path: String,
        /// The parser's message.
        message: String,
    },
    /// The file parsed but some values are invalid; all problems are listed.
    #[error("{}", format_issues(file, issues))]
    Invalid {
        /// File name as given.
        file: String,
        /// Every problem found, in file order where known.
        issues: Vec<Issue>,
    },
}

fn format_issues(file: &str, issues: &[Issue]) -> String {
    let mut out = String::new();
    for (i, issue) in issues.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(&issue.located(file));
    }
    out
}

/// 1-based line and column of a byte offset.
pub(crate) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let col = before.rfind('\n').map_or(offset, |p| offset - p - 1) + 1;
    (line, col)
}
