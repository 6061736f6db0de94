//! The planner's edits of an opened scenario, as the page sends them, and
//! the overlay file they become: `extends = "<opened file>"` plus only what
//! changed. Every edit is validated by loading that overlay through
//! [`Scenario::load_overlay_text`], the code that reads scenario files; a
//! validation issue is mapped back to the field of the page it came from.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::{Value, json};

use crate::calendar::{Weekday, format_clock};
use crate::scenario::{Loaded, Scenario, ScenarioError};

/// A scenario opened from the folder: its file, the hash of its bytes as
/// read, and the validated scenario with its merged TOML value.
#[derive(Debug, Clone)]
pub struct Opened {
    /// File name inside the scenarios folder.
    pub file: String,
    /// Full path.
    pub path: PathBuf,
    /// Hash of the file's bytes (see [`hash`]).
    pub hash: String,
    /// The validated scenario and its warnings.
    pub loaded: Loaded,
    /// The merged scenario as TOML values (overlays resolved).
    pub resolved: toml::Table,
}

/// FNV-1a (64 bits) of `bytes` with their length, in hex: tells whether a
/// file changed since the page read it (not a security measure).
pub fn hash(bytes: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}-{}", bytes.len())
}

impl Opened {
    /// Reads and validates `path` (named `file` in the folder).
    ///
    /// # Errors
    /// The scenario error (unreadable, invalid).
    pub fn read(path: &Path, file: &str) -> Result<Opened, ScenarioError> {
        let bytes = std::fs::read(path).map_err(|source| ScenarioError::Io {
            file: file.to_string(),
            source,
        })?;
        let loaded = Scenario::load_with(path, &[])?;
        // The resolved text of a valid scenario is valid TOML.
        let resolved = loaded
            .resolved_toml()
            .parse::<toml::Table>()
            .unwrap_or_default();
        Ok(Opened {
            file: file.to_string(),
            path: path.to_path_buf(),
            hash: hash(&bytes),
            loaded,
            resolved,
        })
    }

    /// The validated scenario.
    pub fn scenario(&self) -> &Scenario {
        &self.loaded.scenario
    }
}

/// The levers of the page. Every field is optional: absent means unchanged.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Edits {
    /// Per agent group, by name.
    #[serde(default)]
    pub groups: BTreeMap<String, GroupEdit>,
    /// Per service, by name.
    #[serde(default)]
    pub services: BTreeMap<String, ServiceEdit>,
    /// Per call type, by name.
    #[serde(default)]
    pub call_types: BTreeMap<String, CallTypeEdit>,
    /// A share of a call type's callers routed to a new priority call type.
    #[serde(default)]
    pub priority: Option<PriorityEdit>,
}

/// Edits of an agent group.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupEdit {
    /// Scheduled agents per weekday (Monday first) and interval of the day.
    pub staffing: Option<Vec<Vec<f64>>>,
    /// Share of scheduled agents not available.
    pub shrinkage: Option<f64>,
}

/// Edits of a service.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceEdit {
    /// Opening hours per weekday, Monday first: `"08:00-18:00"`, `"closed"`.
    pub open: Option<Vec<String>>,
}

/// Edits of a call type.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CallTypeEdit {
    /// Factor on the volume over the whole horizon (1 = unchanged).
    pub volume: Option<f64>,
    /// Factor on handling times over the whole horizon (1 = unchanged).
    pub handling: Option<f64>,
}

/// Route `share` of call type `from`'s callers to a new call type `name`,
/// the same in every other respect, one priority class higher; every group
/// that serves `from` serves it too.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PriorityEdit {
    /// The call type split.
    pub from: String,
    /// Share routed to the priority call type, strictly between 0 and 1.
    pub share: f64,
    /// Name of the new call type (default "priority").
    pub name: Option<String>,
}

/// A problem with one field of the page.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldError {
    /// The page's field: `group.NAME.staffing`, `service.NAME.open`,
    /// `call_type.NAME.volume`, `priority`, or `general`.
    pub field: String,
    /// The message, as a scenario file would get it.
    pub message: String,
}

impl FieldError {
    fn new(field: impl Into<String>, message: impl Into<String>) -> FieldError {
        FieldError {
            field: field.into(),
            message: message.into(),
        }
    }

    /// As JSON for the page.
    pub fn to_json(&self) -> Value {
        json!({ "field": self.field, "message": self.message })
    }
}

/// Opening hours of one weekday as written in a scenario file.
pub fn hours_text(ranges: &[(u32, u32)]) -> String {
    if ranges.is_empty() {
        return "closed".into();
    }
    ranges
        .iter()
        .map(|&(a, b)| format!("{}-{}", format_clock(a), format_clock(b)))
        .collect::<Vec<_>>()
        .join(",")
}

/// A number as TOML: whole numbers as integers, others rounded to 6 decimals.
fn num(x: f64) -> toml::Value {
    let r = (x * 1e6).round() / 1e6;
    if r.fract() == 0.0 && r.abs() < 1e15 {
        toml::Value::Integer(r as i64)
    } else {
        toml::Value::Float(r)
    }
}

/// Every number of `v` (a number, list or table of them) times `f`.
fn scaled(v: &toml::Value, f: f64) -> toml::Value {
    match v {
        toml::Value::Integer(i) => num(*i as f64 * f),
        toml::Value::Float(x) => num(x * f),
        toml::Value::Array(a) => toml::Value::Array(a.iter().map(|x| scaled(x, f)).collect()),
        toml::Value::Table(t) => {
            toml::Value::Table(t.iter().map(|(k, x)| (k.clone(), scaled(x, f))).collect())
        }
        other => other.clone(),
    }
}

fn named_entry<'a>(t: &'a toml::Table, array: &str, name: &str) -> Option<&'a toml::Table> {
    t.get(array)?
        .as_array()?
        .iter()
        .filter_map(toml::Value::as_table)
        .find(|e| e.get("name").and_then(toml::Value::as_str) == Some(name))
}

fn table(pairs: Vec<(&str, toml::Value)>) -> toml::Table {
    pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}

/// The `from`/`agents` keys of a staffing grid: `from` at the earliest
/// staffed interval, one list per weekday to the latest (0 for a day
/// without agents). Values are written as given: validation judges them.
fn agents_keys(grid: &[Vec<f64>], interval_s: u32) -> (toml::Value, toml::Value) {
    let first = grid
        .iter()
        .filter_map(|d| d.iter().position(|&n| n != 0.0))
        .min();
    let last = grid
        .iter()
        .filter_map(|d| d.iter().rposition(|&n| n != 0.0))
        .max();
    let (Some(f), Some(l)) = (first, last) else {
        return (toml::Value::String("00:00".into()), toml::Value::Integer(0));
    };
    let mut agents = toml::Table::new();
    for w in Weekday::ALL {
        let d = &grid[w.index()];
        let v = if d.iter().all(|&n| n == 0.0) {
            toml::Value::Integer(0)
        } else {
            toml::Value::Array(d[f..=l].iter().map(|&n| num(n)).collect())
        };
        agents.insert(w.short().to_string(), v);
    }
    (
        toml::Value::String(format_clock(f as u32 * interval_s)),
        toml::Value::Table(agents),
    )
}

/// What an overlay says, in the planner's words, one line per change.
pub type Changes = Vec<String>;

/// The overlay of `edits` on `opened`, named `name`: its TOML text and the
/// changes in words. Checks only what validation cannot see (unknown
/// names, grid shapes, the priority share); the values themselves are
/// judged by [`validate`].
///
/// # Errors
/// Every problem found, each with its field.
pub fn overlay(
    opened: &Opened,
    edits: &Edits,
    name: &str,
) -> Result<(String, Changes), Vec<FieldError>> {
    let sc = opened.scenario();
    let ipd = sc.horizon.intervals_per_day();
    let mut errors = Vec::new();
    let mut changes = Vec::new();
    let mut services = Vec::new();
    for (sname, e) in &edits.services {
        let field = format!("service.{sname}.open");
        let Some(s) = sc.services.iter().find(|s| &s.name == sname) else {
            errors.push(FieldError::new(
                field,
                format!("no service is named {sname:?}"),
            ));
            continue;
        };
        let Some(open) = &e.open else { continue };
        if open.len() != 7 {
            errors.push(FieldError::new(
                field,
                "give the hours of 7 weekdays, Monday first",
            ));
            continue;
        }
        let before: Vec<String> = s.open.iter().map(|r| hours_text(r)).collect();
        if before.iter().zip(open).all(|(a, b)| a == b.trim()) {
            continue;
        }
        let mut t = toml::Table::new();
        for w in Weekday::ALL {
            let v = open[w.index()].trim();
            t.insert(w.short().to_string(), toml::Value::String(v.to_string()));
            if v != before[w.index()] {
                changes.push(format!(
                    "{sname}: open {} {v} (was {})",
                    w.short(),
                    before[w.index()]
                ));
            }
        }
        // The base's weekday keys (`mon-fri`) would merge with these: drop them.
        let mut entry = table(vec![("name", toml::Value::String(sname.clone()))]);
        if named_entry(&opened.resolved, "service", sname).is_some_and(|b| b.contains_key("open")) {
            entry.insert(
                "unset".into(),
                toml::Value::Array(vec![toml::Value::String("open".into())]),
            );
        }
        entry.insert("open".into(), toml::Value::Table(t));
        services.push(toml::Value::Table(entry));
    }

    // Call types: factors first, then the priority split of the edited entry.
    let mut call_types: Vec<(String, toml::Table)> = Vec::new();
    for (cname, e) in &edits.call_types {
        let base = named_entry(&opened.resolved, "call_type", cname);
        let Some(base) = base else {
            errors.push(FieldError::new(
                format!("call_type.{cname}"),
                format!("no call type is named {cname:?}"),
            ));
            continue;
        };
        let mut out = table(vec![("name", toml::Value::String(cname.clone()))]);
        let start = toml::Value::Datetime(toml_date(sc.horizon.start));
        let mut add_factor = |key: &str, f: Option<f64>, words: &str| {
            let Some(f) = f.filter(|&f| f != 1.0) else {
                return;
            };
            let mut list = base
                .get(key)
                .and_then(toml::Value::as_array)
                .cloned()
                .unwrap_or_default();
            list.push(toml::Value::Table(table(vec![
                ("from", start.clone()),
                ("factor", num(f)),
            ])));
            out.insert(key.to_string(), toml::Value::Array(list));
            changes.push(format!("{cname}: {words} x{f}"));
        };
        add_factor("volume_factors", e.volume, "volume");
        add_factor("handling_effects", e.handling, "handling time");
        if out.len() > 1 {
            call_types.push((cname.clone(), out));
        }
    }
    let mut new_skill: Option<(String, String)> = None;
    if let Some(p) = &edits.priority {
        let pname = p.name.clone().unwrap_or_else(|| "priority".into());
        let src = named_entry(&opened.resolved, "call_type", &p.from);
        if !(p.share > 0.0 && p.share < 1.0) {
            errors.push(FieldError::new(
                "priority",
                format!(
                    "share = {}: must be between 0 and 1 (exclusive), e.g. 0.15",
                    p.share
                ),
            ));
        } else if sc.call_type_index(&pname).is_some() {
            errors.push(FieldError::new(
                "priority",
                format!("name = {pname:?}: a call type of that name exists; choose another"),
            ));
        } else if let Some(src) = src {
            let Some(arrivals) = src.get("arrivals").and_then(toml::Value::as_table) else {
                errors.push(FieldError::new(
                    "priority",
                    format!(
                        "from = {:?}: this call type has no arrivals to split",
                        p.from
                    ),
                ));
                return Err(errors);
            };
            // The source as edited above, then split.
            let mut edited = src.clone();
            if let Some((_, t)) = call_types.iter().find(|(n, _)| *n == p.from) {
                for (k, v) in t {
                    edited.insert(k.clone(), v.clone());
                }
            }
            let mut keep = toml::Table::new();
            let mut moved = toml::Table::new();
            for key in ["per_day", "per_hour"] {
                if let Some(v) = arrivals.get(key) {
                    keep.insert(key.into(), scaled(v, 1.0 - p.share));
                    moved.insert(key.into(), scaled(v, p.share));
                }
            }
            match call_types.iter_mut().find(|(n, _)| *n == p.from) {
                Some((_, t)) => {
                    t.insert("arrivals".into(), toml::Value::Table(keep));
                }
                None => call_types.push((
                    p.from.clone(),
                    table(vec![
                        ("name", toml::Value::String(p.from.clone())),
                        ("arrivals", toml::Value::Table(keep)),
                    ]),
                )),
            }
            let mut copy = edited;
            copy.insert("name".into(), toml::Value::String(pname.clone()));
            let mut arr = arrivals.clone();
            for (k, v) in moved {
                arr.insert(k, v);
            }
            copy.insert("arrivals".into(), toml::Value::Table(arr));
            let prio = copy
                .get("priority")
                .and_then(toml::Value::as_integer)
                .unwrap_or(0);
            copy.insert("priority".into(), toml::Value::Integer(prio + 1));
            // Packs are items released at fixed times, not callers to split.
            copy.remove("packs");
            call_types.push((pname.clone(), copy));
            changes.push(format!(
                "{:.0}% of {} callers routed to a new call type {pname:?}, served first",
                p.share * 100.0,
                p.from
            ));
            new_skill = Some((p.from.clone(), pname));
        } else {
            errors.push(FieldError::new(
                "priority",
                format!("from = {:?}: no call type of that name", p.from),
            ));
        }
    }

    let mut groups = Vec::new();
    for (gi, g) in sc.groups.iter().enumerate() {
        let e = edits.groups.get(&g.name);
        let mut out = table(vec![("name", toml::Value::String(g.name.clone()))]);
        if let Some(grid) = e.and_then(|e| e.staffing.as_ref()) {
            let field = format!("group.{}.staffing", g.name);
            if grid.len() != 7 || grid.iter().any(|d| d.len() != ipd) {
                errors.push(FieldError::new(
                    field,
                    format!("give 7 weekdays of {ipd} intervals each, Monday first"),
                ));
            } else if grid.iter().flatten().any(|x| !x.is_finite()) {
                errors.push(FieldError::new(field, "every cell must be a number"));
            } else {
                let changed: usize = (0..7)
                    .flat_map(|w| (0..ipd).map(move |i| (w, i)))
                    .filter(|&(w, i)| grid[w][i] != f64::from(g.staffing[w][i]))
                    .count();
                if changed > 0 {
                    let (from, agents) = agents_keys(grid, sc.horizon.interval_s);
                    // The grid replaces the base's agents and shifts whole
                    // (its weekday keys would otherwise merge with these).
                    let base = named_entry(&opened.resolved, "agent_group", &g.name);
                    let unset: Vec<toml::Value> = ["agents", "shifts"]
                        .into_iter()
                        .filter(|k| base.is_some_and(|b| b.contains_key(*k)))
                        .map(|k| toml::Value::String(k.into()))
                        .collect();
                    if !unset.is_empty() {
                        out.insert("unset".into(), toml::Value::Array(unset));
                    }
                    out.insert("from".into(), from);
                    out.insert("agents".into(), agents);
                    let before = crate::cost::paid_hours(sc, gi);
                    let after =
                        crate::cost::PaidDays::of_group(sc, gi).hours(&std::array::from_fn(|w| {
                            grid[w].iter().map(|&x| x.max(0.0) as u32).collect()
                        }));
                    changes.push(format!(
                        "{}: staffing changed in {changed} weekday intervals ({:+.0} paid agent-hours at today's opening hours)",
                        g.name,
                        after - before
                    ));
                }
            }
        }
        if let Some(s) = e.and_then(|e| e.shrinkage).filter(|&s| s != g.shrinkage) {
            out.insert("shrinkage".into(), num(s));
            changes.push(format!("{}: shrinkage {s} (was {})", g.name, g.shrinkage));
        }
        if let Some((from, pname)) = &new_skill {
            let skills = named_entry(&opened.resolved, "agent_group", &g.name)
                .and_then(|b| b.get("skills"))
                .and_then(toml::Value::as_array);
            if let Some(skills) = skills.filter(|s| s.iter().any(|x| x.as_str() == Some(from))) {
                let mut s = skills.clone();
                s.push(toml::Value::String(pname.clone()));
                out.insert("skills".into(), toml::Value::Array(s));
            }
        }
        if out.len() > 1 {
            groups.push(toml::Value::Table(out));
        }
    }
    for gname in edits.groups.keys() {
        if sc.group_index(gname).is_none() {
            errors.push(FieldError::new(
                format!("group.{gname}"),
                format!("no agent group is named {gname:?}"),
            ));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }

    let mut top = toml::Table::new();
    top.insert("extends".into(), toml::Value::String(opened.file.clone()));
    top.insert("name".into(), toml::Value::String(name.to_string()));
    top.insert(
        "description".into(),
        toml::Value::String(if changes.is_empty() {
            format!("{} as it is", sc.name)
        } else {
            format!("{} with: {}", sc.name, changes.join("; "))
        }),
    );
    if !services.is_empty() {
        top.insert("service".into(), toml::Value::Array(services));
    }
    if !call_types.is_empty() {
        top.insert(
            "call_type".into(),
            toml::Value::Array(
                call_types
                    .into_iter()
                    .map(|(_, t)| toml::Value::Table(t))
                    .collect(),
            ),
        );
    }
    if !groups.is_empty() {
        top.insert("agent_group".into(), toml::Value::Array(groups));
    }
    let mut text = format!(
        "# {name}: written by `ccsim serve` ({} {}).\n# Everything not named here comes from {}.\n",
        env!("CARGO_PKG_NAME"),
        env!("CARGO_PKG_VERSION"),
        opened.file
    );
    text.push_str(&crate::scenario::overlay::to_toml(&top));
    Ok((text, changes))
}

fn toml_date(d: crate::calendar::Date) -> toml::value::Datetime {
    let (y, m, day) = d.ymd();
    toml::value::Datetime {
        date: Some(toml::value::Date {
            year: y as u16,
            month: m as u8,
            day: day as u8,
        }),
        time: None,
        offset: None,
    }
}

/// Loads `text`, the overlay of `opened` saved as `label`, through the
/// scenario reader; a validation issue is mapped to the page's field it
/// came from.
///
/// # Errors
/// One [`FieldError`] per issue.
pub fn validate(
    opened: &Opened,
    label: &str,
    text: &str,
    edits: &Edits,
) -> Result<Loaded, Vec<FieldError>> {
    match Scenario::load_overlay_text(&opened.path, label, text) {
        Ok(l) => Ok(l),
        Err(ScenarioError::Invalid { issues, .. }) => Err(issues
            .iter()
            .map(|i| FieldError::new(field_of(opened.scenario(), &i.path, edits), i.to_string()))
            .collect()),
        Err(e) => Err(vec![FieldError::new("general", e.to_string())]),
    }
}

/// The page's field of a scenario field path such as `agent_group[0].agents.mon[3]`.
fn field_of(sc: &Scenario, path: &str, edits: &Edits) -> String {
    let entry = |prefix: &str| -> Option<(usize, &str)> {
        let rest = path.strip_prefix(prefix)?.strip_prefix('[')?;
        let (i, rest) = rest.split_once(']')?;
        Some((i.parse().ok()?, rest))
    };
    if let Some((g, rest)) = entry("agent_group") {
        let Some(name) = sc.groups.get(g).map(|g| &g.name) else {
            return "general".into();
        };
        return if rest.starts_with(".shrinkage") {
            format!("group.{name}.shrinkage")
        } else if rest.starts_with(".skills") {
            "priority".into()
        } else {
            format!("group.{name}.staffing")
        };
    }
    if let Some((s, rest)) = entry("service") {
        if let (Some(svc), true) = (sc.services.get(s), rest.starts_with(".open")) {
            return format!("service.{}.open", svc.name);
        }
        return "general".into();
    }
    if let Some((c, rest)) = entry("call_type") {
        let Some(ct) = sc.call_types.get(c) else {
            return "priority".into();
        };
        if rest.starts_with(".volume_factors") {
            return format!("call_type.{}.volume", ct.name);
        }
        if rest.starts_with(".handling_effects") {
            return format!("call_type.{}.handling", ct.name);
        }
        if edits.priority.as_ref().is_some_and(|p| p.from == ct.name) {
            return "priority".into();
        }
    }
    "general".into()
}

/// The scenario as the page shows it.
pub fn view(sc: &Scenario) -> Value {
    let ipd = sc.horizon.intervals_per_day();
    let is = sc.horizon.interval_s;
    // Rows of the grid: every interval where a service opens or a group is
    // staffed, on whole hours.
    let mut first = ipd;
    let mut end = 0;
    for s in &sc.services {
        for &(a, b) in s.open.iter().flatten() {
            first = first.min((a / is) as usize);
            end = end.max(b.div_ceil(is) as usize);
        }
    }
    for g in &sc.groups {
        for d in &g.staffing {
            if let (Some(f), Some(l)) = (
                d.iter().position(|&n| n > 0),
                d.iter().rposition(|&n| n > 0),
            ) {
                first = first.min(f);
                end = end.max(l + 1);
            }
        }
    }
    if first >= end {
        (first, end) = (0, ipd);
    }
    let per_hour = (3600 / is).max(1) as usize;
    let first = first / per_hour * per_hour;
    let end = end.div_ceil(per_hour) * per_hour;
    let cost = crate::cost::summary(sc);
    let end_date = sc.horizon.start.add_days(i64::from(sc.horizon.days) - 1);
    json!({
        "name": sc.name,
        "description": sc.description,
        "extends": sc.provenance.extends,
        "horizon": {
            "start": sc.horizon.start.to_string(),
            "end": end_date.to_string(),
            "days": sc.horizon.days,
            "interval_minutes": is / 60,
            "holidays": sc.horizon.holidays.iter().map(ToString::to_string).collect::<Vec<_>>(),
        },
        "run": { "replications": sc.run.replications, "seed": sc.run.seed },
        "grid": {
            "first": first,
            "end": end.min(ipd),
            "labels": (0..ipd).map(|i| format_clock(i as u32 * is)).collect::<Vec<_>>(),
        },
        "services": sc.services.iter().map(|s| {
            let t = &s.targets;
            let mut targets = vec![];
            if let Some(v) = t.service_level {
                targets.push(format!("{:.0}% answered within {} s", v * 100.0, t.answered_within_s));
            }
            if let Some(v) = t.max_abandon_rate {
                targets.push(format!("at most {:.0}% abandoned", v * 100.0));
            }
            if let (Some(v), Some(w)) = (t.handled_within_share, t.handled_within_s) {
                targets.push(format!("{:.0}% handled within {w} s", v * 100.0));
            }
            if let Some(v) = t.first_contact_resolution {
                targets.push(format!("{:.0}% resolved at first contact", v * 100.0));
            }
            json!({
                "name": s.name,
                "open": s.open.iter().map(|r| hours_text(r)).collect::<Vec<_>>(),
                "open_changes": s.open_changes.len(),
                "targets": targets,
            })
        }).collect::<Vec<_>>(),
        "call_types": sc.call_types.iter().map(|c| json!({
            "name": c.name,
            "service": sc.services[c.service].name,
            "priority": c.priority,
            "channel": format!("{:?}", c.channel).to_lowercase(),
        })).collect::<Vec<_>>(),
        "groups": sc.groups.iter().enumerate().map(|(g, grp)| json!({
            "name": grp.name,
            "skills": grp.skills.iter().map(|&c| sc.call_types[c].name.clone()).collect::<Vec<_>>(),
            "shrinkage": grp.shrinkage,
            "staffing": grp.staffing,
            "paid_hours": cost.groups[g].paid_hours,
        })).collect::<Vec<_>>(),
        "windows": sc.windows.iter().map(|w| json!({
            "name": w.name,
            "days": w.days,
            "first": w.first_interval,
            "end": w.end_interval,
        })).collect::<Vec<_>>(),
        "paid_hours": cost.paid_hours,
        "fte": cost.fte,
        "cost": cost.cost,
        "currency": cost.currency,
    })
}
