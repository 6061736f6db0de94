//! Overlays: a scenario file that `extends` another and gives only what
//! changes, and one-off changes from the command line (`--set PATH=VALUE`).
//!
//! The files are merged as TOML values, before the result is read into
//! [`super::raw::RawScenario`]: a field added to the format later is merged
//! by the same rules without any change here. The rules:
//!
//! * `extends = "base.toml"`, at the top of a file, names its base, a path
//!   relative to the file. A base may extend another (a chain); a file that
//!   comes back in its own chain is refused.
//! * Tables are merged key by key, at every depth: `[horizon]`, `[run]`,
//!   and inline tables such as `targets`, `handling` or `per_day`.
//! * Arrays of tables whose entries have a `name` (`[[service]]`,
//!   `[[call_type]]`, `[[agent_group]]`, `[[window]]`, `[[outage]]`) are
//!   matched by name: an entry of the overlay with the name of a base entry
//!   is merged into it key by key and keeps the base's position; an entry
//!   with a new name is added after the base's entries, in the overlay's
//!   order; `remove = true` drops the base's entry of that name.
//! * Every other value (numbers, strings, dates, and arrays such as `skills`,
//!   `holidays`, `handling_effects` or an `agents` list) replaces the base's.
//! * `unset = ["closed_hours", "handling.cv"]` in a table drops those fields
//!   of the base before merging (a field cannot be emptied otherwise).
//! * `name` and `description` are not inherited: they describe the file, and
//!   a file without `name` is named after itself.
//!
//! `--set PATH=VALUE` replaces (or adds) the value at `PATH` of the merged
//! scenario, entries addressed by name: `call_type.booking.handling.mean_s=200`,
//! `agent_group."front office".shrinkage=0.2`. `VALUE` is read as a TOML
//! value (`1.3`, `true`, `2025-03-01`, `[1, 2]`, `"text"`); anything that
//! is not one is taken as a string.
//!
//! Every merged value remembers the file (or `--set`) and the line where it
//! was written, so that errors point there.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::error::{Issue, ScenarioError};
use super::locate::Locator;

/// Longest chain of `extends` accepted.
pub const MAX_DEPTH: usize = 32;

/// One source of values: a file, or one `--set`.
#[derive(Debug, Clone)]
pub(crate) struct Layer {
    /// The file name as given, or `--set PATH=VALUE`.
    pub label: String,
    /// The file's text (for line numbers); `None` for a `--set`.
    pub text: Option<String>,
}

/// Where a value was written: a layer and the value's path in that layer.
#[derive(Debug, Clone)]
struct Origin {
    layer: usize,
    path: String,
}

#[derive(Debug, Clone)]
enum Kind {
    Table(Vec<(String, Node)>),
    Array(Vec<Node>),
    Leaf(toml::Value),
}

/// A TOML value with the origin of each of its parts.
#[derive(Debug, Clone)]
struct Node {
    origin: Origin,
    kind: Kind,
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

impl Node {
    fn from_value(v: toml::Value, layer: usize, path: String) -> Node {
        let kind = match v {
            toml::Value::Table(t) => Kind::Table(
                t.into_iter()
                    .map(|(k, v)| {
                        let p = join(&path, &k);
                        (k, Node::from_value(v, layer, p))
                    })
                    .collect(),
            ),
            toml::Value::Array(a) => Kind::Array(
                a.into_iter()
                    .enumerate()
                    .map(|(i, v)| Node::from_value(v, layer, format!("{path}[{i}]")))
                    .collect(),
            ),
            leaf => Kind::Leaf(leaf),
        };
        Node {
            origin: Origin { layer, path },
            kind,
        }
    }

    fn into_value(self) -> toml::Value {
        match self.kind {
            Kind::Table(t) => {
                toml::Value::Table(t.into_iter().map(|(k, n)| (k, n.into_value())).collect())
            }
            Kind::Array(a) => toml::Value::Array(a.into_iter().map(Node::into_value).collect()),
            Kind::Leaf(v) => v,
        }
    }

    /// Records the origin of every part under its path in the merged value.
    fn origins(&self, path: &str, out: &mut HashMap<String, Origin>) {
        out.insert(path.to_string(), self.origin.clone());
        match &self.kind {
            Kind::Table(t) => t.iter().for_each(|(k, n)| n.origins(&join(path, k), out)),
            Kind::Array(a) => a
                .iter()
                .enumerate()
                .for_each(|(i, n)| n.origins(&format!("{path}[{i}]"), out)),
            Kind::Leaf(_) => {}
        }
    }

    fn get(&self, key: &str) -> Option<&Node> {
        match &self.kind {
            Kind::Table(t) => t.iter().find(|(k, _)| k == key).map(|(_, n)| n),
            _ => None,
        }
    }

    fn take(&mut self, key: &str) -> Option<Node> {
        match &mut self.kind {
            Kind::Table(t) => {
                let i = t.iter().position(|(k, _)| k == key)?;
                Some(t.remove(i).1)
            }
            _ => None,
        }
    }

    /// The `name` of an entry of an array of tables.
    fn name(&self) -> Option<&str> {
        match &self.get("name")?.kind {
            Kind::Leaf(toml::Value::String(s)) => Some(s),
            _ => None,
        }
    }

    /// An array whose entries are all tables with a `name`.
    fn is_named_array(&self) -> bool {
        matches!(&self.kind, Kind::Array(a) if !a.is_empty() && a.iter().all(|e| e.name().is_some()))
    }

    fn describe(&self) -> String {
        match &self.kind {
            Kind::Table(_) => "a table".into(),
            Kind::Array(_) => "a list".into(),
            Kind::Leaf(v) => v.to_string(),
        }
    }
}

/// The merged scenario: its value, the layers it came from and where each
/// part was written.
#[derive(Debug, Clone)]
pub(crate) struct Merged {
    pub layers: Vec<Layer>,
    pub value: toml::Table,
    origins: HashMap<String, Origin>,
}

/// Finds the file and line of a field path of the merged scenario.
pub(crate) struct MergedLocator<'a> {
    merged: &'a Merged,
    locators: Vec<Option<Locator<'a>>>,
}

impl<'a> MergedLocator<'a> {
    pub(crate) fn new(merged: &'a Merged) -> Self {
        MergedLocator {
            merged,
            locators: merged
                .layers
                .iter()
                .map(|l| l.text.as_deref().map(Locator::new))
                .collect(),
        }
    }

    /// The file (`None`: the scenario's own file, the last one read) and
    /// line where the deepest existing prefix of `path` was written.
    pub(crate) fn find(&self, path: &str) -> (Option<String>, Option<usize>) {
        let layers = &self.merged.layers;
        let top = layers.iter().rposition(|l| l.text.is_some()).unwrap_or(0);
        let mut p = path;
        loop {
            if let Some(o) = self.merged.origins.get(p) {
                let line = self.locators[o.layer]
                    .as_ref()
                    .and_then(|l| l.line(&o.path));
                let file = (o.layer != top).then(|| layers[o.layer].label.clone());
                return (file, line);
            }
            match p.rfind(['.', '[']) {
                Some(i) => p = &p[..i],
                None => return (None, None),
            }
        }
    }
}

/// Errors found while merging, each with its layer and line.
struct Problems<'a> {
    layers: &'a [Layer],
    issues: Vec<Issue>,
}

impl Problems<'_> {
    fn at(
        &mut self,
        origin: &Origin,
        path: &str,
        value: impl Into<String>,
        message: impl Into<String>,
    ) {
        let layer = &self.layers[origin.layer];
        let line = layer
            .text
            .as_deref()
            .and_then(|t| Locator::new(t).line(&origin.path));
        self.issues.push(Issue {
            file: Some(layer.label.clone()),
            line,
            path: path.to_string(),
            value: value.into(),
            message: message.into(),
        });
    }
}

/// Merges `over` into `base` by the rules of the module documentation.
fn merge_table(base: &mut Node, mut over: Node, path: &str, pr: &mut Problems<'_>) {
    if let Some(unset) = over.take("unset") {
        let upath = join(path, "unset");
        let list: Vec<(String, Origin)> = match &unset.kind {
            Kind::Array(a) => a
                .iter()
                .filter_map(|n| match &n.kind {
                    Kind::Leaf(toml::Value::String(s)) => Some((s.clone(), n.origin.clone())),
                    _ => {
                        pr.at(&n.origin, &upath, n.describe(), "must be a field name in quotes, e.g. \"closed_hours\" or \"handling.cv\"");
                        None
                    }
                })
                .collect(),
            _ => {
                pr.at(&unset.origin, &upath, unset.describe(), "must be a list of field names, e.g. [\"closed_hours\"]");
                Vec::new()
            }
        };
        for (field, origin) in list {
            if !unset_path(base, &field) {
                pr.at(
                    &origin,
                    &upath,
                    format!("{field:?}"),
                    format!("the base has no field `{field}` here to unset"),
                );
            }
        }
    }
    let Kind::Table(entries) = over.kind else {
        return;
    };
    for (key, o) in entries {
        let kpath = join(path, &key);
        let Kind::Table(bt) = &mut base.kind else {
            return;
        };
        match bt.iter_mut().find(|(k, _)| *k == key) {
            Some((_, b)) => merge_value(b, o, &kpath, pr),
            None => {
                if let Some(strip) = strip_remove(o, &kpath, pr) {
                    bt.push((key, strip));
                }
            }
        }
    }
}

/// A value added where the base has none: `remove` makes no sense in it.
fn strip_remove(mut o: Node, path: &str, pr: &mut Problems<'_>) -> Option<Node> {
    if let Kind::Array(a) = &mut o.kind {
        for (i, e) in a.iter_mut().enumerate() {
            if let Some(r) = e.take("remove") {
                pr.at(
                    &r.origin,
                    &format!("{path}[{i}].remove"),
                    r.describe(),
                    "the base has no entry of this kind to remove",
                );
            }
        }
    }
    Some(o)
}

/// Removes a dotted field path from a table; false when it is not there.
fn unset_path(node: &mut Node, field: &str) -> bool {
    match field.split_once('.') {
        None => node.take(field).is_some(),
        Some((head, rest)) => match &mut node.kind {
            Kind::Table(t) => t
                .iter_mut()
                .find(|(k, _)| k == head)
                .is_some_and(|(_, n)| unset_path(n, rest)),
            _ => false,
        },
    }
}

fn merge_value(base: &mut Node, over: Node, path: &str, pr: &mut Problems<'_>) {
    match (&base.kind, &over.kind) {
        (Kind::Table(_), Kind::Table(_)) => merge_table(base, over, path, pr),
        (Kind::Array(_), Kind::Array(_)) if base.is_named_array() => {
            merge_named(base, over, path, pr);
        }
        _ => *base = over,
    }
}

/// Entries matched by `name`: merged, added, or removed with `remove = true`.
fn merge_named(base: &mut Node, over: Node, path: &str, pr: &mut Problems<'_>) {
    let Kind::Array(entries) = over.kind else {
        return;
    };
    for (i, mut e) in entries.into_iter().enumerate() {
        let epath = format!("{path}[{i}]");
        let Some(name) = e.name().map(str::to_string) else {
            pr.at(&e.origin, &epath, e.describe(), format!("an entry of `{path}` in an overlay needs a `name`: the name of the base's entry it changes, or a new one"));
            continue;
        };
        let remove = match e.take("remove") {
            None => false,
            Some(Node {
                kind: Kind::Leaf(toml::Value::Boolean(b)),
                ..
            }) => b,
            Some(r) => {
                pr.at(
                    &r.origin,
                    &format!("{epath}.remove"),
                    r.describe(),
                    "must be true or false",
                );
                continue;
            }
        };
        let Kind::Array(b) = &mut base.kind else {
            return;
        };
        let found = b.iter().position(|x| x.name() == Some(name.as_str()));
        match (found, remove) {
            (Some(k), true) => {
                b.remove(k);
            }
            (None, true) => {
                let known: Vec<String> = b
                    .iter()
                    .filter_map(|x| x.name().map(|n| format!("{n:?}")))
                    .collect();
                let at = e.get("name").map_or(e.origin.clone(), |n| n.origin.clone());
                pr.at(
                    &at,
                    &format!("{epath}.name"),
                    format!("{name:?}"),
                    format!(
                        "remove = true, but the base has no {path} of this name (known: {})",
                        known.join(", ")
                    ),
                );
            }
            (Some(k), false) => {
                let p = format!("{path}[{k}]");
                merge_table(&mut b[k], e, &p, pr);
            }
            (None, false) => b.push(e),
        }
    }
}

fn read_text(path: &Path, file: &str) -> Result<String, ScenarioError> {
    let bytes = std::fs::read(path).map_err(|source| ScenarioError::Io {
        file: file.to_string(),
        source,
    })?;
    String::from_utf8(bytes).map_err(|e| {
        // The line and column of the first byte that is not UTF-8.
        let at = e.utf8_error().valid_up_to();
        let bytes = e.as_bytes();
        let before = &bytes[..at];
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let column = at
            - before
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |p| p + 1)
            + 1;
        ScenarioError::Parse {
            file: file.to_string(),
            line,
            column,
            path: String::new(),
            message: format!(
                "the file is not UTF-8 text (byte 0x{:02x}); save it as UTF-8",
                bytes[at]
            ),
        }
    })
}

/// Parses a file's text as a TOML table; syntax errors with line and column.
pub(crate) fn parse_table(text: &str, file: &str) -> Result<toml::Table, ScenarioError> {
    text.parse::<toml::Table>()
        .map_err(|e| super::validate::syntax_error(text, file, &e))
}

/// A scenario file and the chain of files it extends, read but not merged.
#[derive(Debug)]
pub(crate) struct Chain {
    /// The files, the base of all first, the file asked for last.
    pub files: Vec<(String, String, toml::Table)>,
}

/// Reads a file and, through `extends`, its bases.
///
/// # Errors
/// Unreadable files, syntax errors, a bad `extends`, a cycle or a chain
/// longer than [`MAX_DEPTH`].
pub(crate) fn read_chain(path: &Path) -> Result<Chain, ScenarioError> {
    let mut files: Vec<(String, String, toml::Table)> = Vec::new();
    let mut seen: Vec<PathBuf> = Vec::new();
    let mut next = path.to_path_buf();
    // An error on the `extends` line of the last file read.
    let bad = |files: &[(String, String, toml::Table)], value: String, message: String| {
        let (file, text, _) = files.last().expect("a file was read");
        ScenarioError::Invalid {
            file: file.clone(),
            issues: vec![Issue {
                file: None,
                line: Locator::new(text).line("extends"),
                path: "extends".into(),
                value,
                message,
            }],
        }
    };
    loop {
        let file = next.display().to_string();
        let text = read_text(&next, &file)?;
        let table = parse_table(&text, &file)?;
        let canonical = std::fs::canonicalize(&next).unwrap_or_else(|_| next.clone());
        if let Some(k) = seen.iter().position(|p| *p == canonical) {
            let cycle: Vec<&str> = files[k..].iter().map(|(f, _, _)| f.as_str()).collect();
            let message = format!(
                "the files extend each other in a cycle: {} -> {file}",
                cycle.join(" -> ")
            );
            return Err(bad(&files, format!("{:?}", next_extends(&files)), message));
        }
        seen.push(canonical);
        let ext = match table.get("extends") {
            None => None,
            Some(toml::Value::String(s)) => Some(Ok(s.clone())),
            Some(other) => Some(Err(other.to_string())),
        };
        files.push((file, text, table));
        let ext = match ext {
            None => break,
            Some(Err(other)) => {
                let m = "must be the base scenario's file name in quotes, relative to this file";
                return Err(bad(&files, other, m.into()));
            }
            Some(Ok(ext)) => ext,
        };
        if files.len() > MAX_DEPTH {
            let m = format!("more than {MAX_DEPTH} files extend each other");
            return Err(bad(&files, format!("{ext:?}"), m));
        }
        let base = next
            .parent()
            .map_or_else(|| PathBuf::from(&ext), |d| d.join(&ext));
        if !base.is_file() {
            let m = format!(
                "cannot read the base scenario {} (the path is relative to this file)",
                base.display()
            );
            return Err(bad(&files, format!("{ext:?}"), m));
        }
        next = base;
    }
    files.reverse();
    Ok(Chain { files })
}

fn next_extends(files: &[(String, String, toml::Table)]) -> String {
    files
        .last()
        .and_then(|(_, _, t)| t.get("extends"))
        .and_then(|v| v.as_str())
        .unwrap_or_default()
        .to_string()
}

/// Merges a chain of files and the `--set` changes, in order.
///
/// # Errors
/// [`ScenarioError::Invalid`] listing every problem with its file and line.
pub(crate) fn merge(chain: Chain, sets: &[String]) -> Result<Merged, ScenarioError> {
    let top_file = chain
        .files
        .last()
        .map(|(f, _, _)| f.clone())
        .unwrap_or_default();
    let mut layers: Vec<Layer> = Vec::new();
    let mut nodes = Vec::new();
    let n_files = chain.files.len();
    for (k, (file, text, mut table)) in chain.files.into_iter().enumerate() {
        table.remove("extends");
        if k + 1 < n_files {
            // Not inherited: they describe the file.
            table.remove("name");
            table.remove("description");
        }
        layers.push(Layer {
            label: file,
            text: Some(text),
        });
        nodes.push(Node::from_value(
            toml::Value::Table(table),
            k,
            String::new(),
        ));
    }
    for s in sets {
        layers.push(Layer {
            label: format!("--set {s}"),
            text: None,
        });
    }
    let mut pr = Problems {
        layers: &layers,
        issues: Vec::new(),
    };
    let mut nodes = nodes.into_iter();
    let mut root = nodes.next().expect("a chain has a file");
    for over in nodes {
        merge_table(&mut root, over, "", &mut pr);
    }
    for (i, s) in sets.iter().enumerate() {
        apply_set(&mut root, n_files + i, s, &mut pr);
    }
    if !pr.issues.is_empty() {
        return Err(ScenarioError::Invalid {
            file: top_file,
            issues: pr.issues,
        });
    }
    let mut origins = HashMap::new();
    root.origins("", &mut origins);
    let toml::Value::Table(value) = root.into_value() else {
        unreachable!("the root of a scenario is a table")
    };
    Ok(Merged {
        layers,
        value,
        origins,
    })
}

/// Splits `a.b."c d".e` into its keys.
fn split_path(path: &str) -> Option<Vec<String>> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut chars = path.trim().chars().peekable();
    let mut quoted_done = false;
    while let Some(c) = chars.next() {
        match c {
            '"' if cur.trim().is_empty() && !quoted_done => {
                cur.clear();
                for q in chars.by_ref() {
                    if q == '"' {
                        quoted_done = true;
                        break;
                    }
                    cur.push(q);
                }
                if !quoted_done {
                    return None;
                }
            }
            '.' => {
                let k = if quoted_done {
                    cur.clone()
                } else {
                    cur.trim().to_string()
                };
                if k.is_empty() && !quoted_done {
                    return None;
                }
                out.push(k);
                cur.clear();
                quoted_done = false;
            }
            c if quoted_done && !c.is_whitespace() => return None,
            c => cur.push(c),
        }
    }
    let k = if quoted_done {
        cur
    } else {
        cur.trim().to_string()
    };
    if k.is_empty() && !quoted_done {
        return None;
    }
    out.push(k);
    Some(out)
}

/// Reads the value of a `--set`: a TOML value, or else a string.
fn parse_set_value(s: &str) -> toml::Value {
    s.trim()
        .parse::<toml::Value>()
        .unwrap_or_else(|_| toml::Value::String(s.trim().to_string()))
}

/// Applies one `--set PATH=VALUE` to the merged value.
fn apply_set(root: &mut Node, layer: usize, spec: &str, pr: &mut Problems<'_>) {
    let origin = Origin {
        layer,
        path: String::new(),
    };
    let Some((path, value)) = spec.split_once('=') else {
        pr.at(
            &origin,
            "",
            "",
            "must be PATH=VALUE, e.g. --set agent_group.operators.shrinkage=0.2",
        );
        return;
    };
    let Some(keys) = split_path(path) else {
        pr.at(&origin, path.trim(), "", "is not a field path like call_type.booking.handling.mean_s (quote names with spaces or dots: agent_group.\"front office\".shrinkage)");
        return;
    };
    let value = Node::from_value(parse_set_value(value), layer, String::new());
    let mut node = root;
    let mut shown = String::new();
    let n = keys.len();
    let mut i = 0;
    while i < n {
        let key = &keys[i];
        let last = i + 1 == n;
        let what = node.describe();
        let Kind::Table(t) = &mut node.kind else {
            pr.at(
                &origin,
                &shown,
                what,
                format!("is not a table: it has no field `{key}`"),
            );
            return;
        };
        let here = join(&shown, key);
        if last {
            match t.iter_mut().find(|(k, _)| k == key) {
                Some((_, old)) if old.is_named_array() => {
                    pr.at(&origin, &here, "", format!("add the name of one `{key}` entry and a field, e.g. {key}.NAME.FIELD=VALUE"));
                }
                Some((_, old)) => *old = value,
                None => t.push((key.clone(), value)),
            }
            return;
        }
        let pos = match t.iter().position(|(k, _)| k == key) {
            Some(p) => p,
            None => {
                t.push((
                    key.clone(),
                    Node {
                        origin: origin.clone(),
                        kind: Kind::Table(Vec::new()),
                    },
                ));
                t.len() - 1
            }
        };
        let child = &mut t[pos].1;
        if child.is_named_array() {
            let name = &keys[i + 1];
            let Kind::Array(entries) = &mut child.kind else {
                unreachable!("checked above")
            };
            let Some(k) = entries.iter().position(|e| e.name() == Some(name.as_str())) else {
                let known: Vec<String> = entries
                    .iter()
                    .filter_map(|e| e.name().map(|n| format!("{n:?}")))
                    .collect();
                pr.at(
                    &origin,
                    &here,
                    format!("{name:?}"),
                    format!("no {key} has this name (known: {})", known.join(", ")),
                );
                return;
            };
            if i + 2 >= n {
                pr.at(&origin, &format!("{here}.{name}"), "", format!("give a field of {key} {name:?} after its name, e.g. {key}.{name}.FIELD=VALUE"));
                return;
            }
            shown = format!("{here}[{k}]");
            node = &mut entries[k];
            i += 2;
        } else {
            shown = here;
            node = child;
            i += 1;
        }
    }
}

/// The TOML text of a merged scenario: top-level values, then tables, then
/// arrays of tables, each field on its own line (values inline), in the
/// order of the files.
pub(crate) fn to_toml(value: &toml::Table) -> String {
    let mut out = String::new();
    let is_table_array = |v: &toml::Value| matches!(v, toml::Value::Array(a) if !a.is_empty() && a.iter().all(toml::Value::is_table));
    for (k, v) in value {
        if !v.is_table() && !is_table_array(v) {
            out.push_str(&format!("{} = {v}\n", key(k)));
        }
    }
    for (k, v) in value {
        if let toml::Value::Table(t) = v {
            out.push_str(&format!("\n[{}]\n", key(k)));
            for (fk, fv) in t {
                out.push_str(&format!("{} = {fv}\n", key(fk)));
            }
        }
    }
    for (k, v) in value {
        if let (true, toml::Value::Array(a)) = (is_table_array(v), v) {
            for e in a {
                out.push_str(&format!("\n[[{}]]\n", key(k)));
                if let toml::Value::Table(t) = e {
                    for (fk, fv) in t {
                        out.push_str(&format!("{} = {fv}\n", key(fk)));
                    }
                }
            }
        }
    }
    out
}

fn key(k: &str) -> String {
    if !k.is_empty()
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        k.to_string()
    } else {
        toml::Value::String(k.to_string()).to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_dotted_paths_with_quoted_keys() {
        assert_eq!(
            split_path("agent_group.\"front office\".shrinkage"),
            Some(vec![
                "agent_group".into(),
                "front office".into(),
                "shrinkage".into()
            ])
        );
        assert_eq!(split_path("a..b"), None);
        assert_eq!(split_path("a.\"b"), None);
    }

    #[test]
    fn set_values_are_toml_or_strings() {
        assert_eq!(parse_set_value("1.3"), toml::Value::Float(1.3));
        assert_eq!(parse_set_value(" 7"), toml::Value::Integer(7));
        assert_eq!(
            parse_set_value("07:00-18:00"),
            toml::Value::String("07:00-18:00".into())
        );
        assert_eq!(
            parse_set_value("\"drop\""),
            toml::Value::String("drop".into())
        );
    }
}
