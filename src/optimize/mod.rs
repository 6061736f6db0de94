//! Staffing decisions built on the simulation: SLA-per-staffing-level sweeps
//! ([`sweep`]), the cheapest per-interval staffing that meets the targets
//! ([`staff`]) and shift plans that cover it ([`shifts`]).
//!
//! Nothing here simulates on its own: every figure comes from the
//! replication driver of [`crate::experiment`] ([`summaries`],
//! [`with_threads`]), exactly as `ccsim run` does.
//!
//! [`summaries`]: crate::experiment::summaries
//! [`with_threads`]: crate::experiment::with_threads
//! Alternatives are simulated with the same master seed, so replication `r`
//! of every alternative sees the same callers (common random numbers) and
//! differences between alternatives are not drowned in sampling noise.

pub mod shifts;
pub mod staff;
pub mod sweep;

use crate::calendar::Weekday;
use crate::experiment::RunError;
use crate::scenario::Scenario;

/// Errors of the staffing tools.
#[derive(Debug, thiserror::Error)]
pub enum OptimizeError {
    /// A value given by the user is invalid (the message names it).
    #[error("{0}")]
    Input(String),
    /// The replications could not run (the worker threads did not start).
    #[error(transparent)]
    Run(#[from] RunError),
    /// The integer program could not be solved.
    #[error("shift plan: {0}")]
    Solver(String),
}

/// Paid agent-hours of group `g` over the horizon of `sc`: agents per
/// interval times the interval length, summed over the horizon's days.
pub fn agent_hours(sc: &Scenario, g: usize) -> f64 {
    let h = &sc.horizon;
    let per_interval = f64::from(h.interval_s) / 3600.0;
    (0..h.days as usize)
        .map(|d| {
            let w = h.weekday(d).index();
            sc.groups[g].staffing[w]
                .iter()
                .map(|&n| f64::from(n))
                .sum::<f64>()
        })
        .sum::<f64>()
        * per_interval
}

/// Paid agent-hours of all groups of `sc` over the horizon.
pub fn total_agent_hours(sc: &Scenario) -> f64 {
    (0..sc.groups.len()).map(|g| agent_hours(sc, g)).sum()
}

pub use crate::cost::services_of_group;

/// Index of the group named `name`, or an input error listing the groups.
///
/// # Errors
/// [`OptimizeError::Input`] naming the flag and the value.
pub fn find_group(sc: &Scenario, name: &str) -> Result<usize, OptimizeError> {
    sc.group_index(name).ok_or_else(|| {
        let names: Vec<&str> = sc.groups.iter().map(|g| g.name.as_str()).collect();
        OptimizeError::Input(format!(
            "--group {name}: no agent group of that name (groups: {})",
            names.join(", ")
        ))
    })
}

/// The `agents`/`from` lines describing `staffing` in a scenario file:
/// `from` is the earliest staffed interval of any weekday and each weekday
/// lists its agents from there to the latest staffed interval (0 for a day
/// without agents).
pub fn staffing_lines(staffing: &[Vec<u32>; 7], interval_s: u32) -> (String, String) {
    let first = staffing
        .iter()
        .filter_map(|d| d.iter().position(|&n| n > 0))
        .min();
    let last = staffing
        .iter()
        .filter_map(|d| d.iter().rposition(|&n| n > 0))
        .max();
    let (Some(f), Some(l)) = (first, last) else {
        return ("from = \"00:00\"".into(), "agents = 0".into());
    };
    let days: Vec<String> = Weekday::ALL
        .iter()
        .map(|w| {
            let d = &staffing[w.index()];
            if d.iter().all(|&n| n == 0) {
                format!("{} = 0", w.short())
            } else {
                let list: Vec<String> = d[f..=l].iter().map(u32::to_string).collect();
                format!("{} = [{}]", w.short(), list.join(", "))
            }
        })
        .collect();
    (
        format!(
            "from = \"{}\"",
            crate::calendar::format_clock(f as u32 * interval_s)
        ),
        format!("agents = {{ {} }}", days.join(", ")),
    )
}

/// The `shifts = [...]` lines of a group's shift plan: one entry per shift
/// pattern, the weekdays with the same pattern and head count merged.
pub fn shift_lines(plan: &shifts::ShiftPlan) -> Vec<String> {
    /// A shift as written: start, end, break, agents.
    type Key = (String, String, Option<String>, u32);
    // Each shift with its weekdays, in order of first appearance.
    let mut entries: Vec<(Key, Vec<Weekday>)> = Vec::new();
    for sh in &plan.shifts {
        let key = (
            sh.start.clone(),
            sh.end.clone(),
            sh.break_window.clone(),
            sh.agents,
        );
        match entries.iter_mut().find(|(k, _)| *k == key) {
            Some((_, days)) => days.push(sh.weekday),
            None => entries.push((key, vec![sh.weekday])),
        }
    }
    let secs = |c: &str| f64::from(crate::calendar::parse_clock(c).unwrap_or(0));
    let mut out = vec!["shifts = [".to_string()];
    for ((start, end, brk, agents), days) in &entries {
        let hours = (secs(end) - secs(start)) / 3600.0;
        let days: Vec<&str> = days.iter().map(|d| d.short()).collect();
        let breaks = brk
            .as_deref()
            .and_then(|b| b.split_once('-'))
            .map(|(a, b)| {
                format!(
                    ", breaks = [{{ at = \"{a}\", minutes = {} }}]",
                    (secs(b) - secs(a)) / 60.0
                )
            })
            .unwrap_or_default();
        out.push(format!(
            "  {{ start = \"{start}\", hours = {hours}, days = \"{}\", count = {agents}{breaks} }},",
            days.join(",")
        ));
    }
    out.push("]".to_string());
    out
}

/// Rewrites the scenario file `text` so that the agent groups of `staffed`
/// listed in `groups` carry their new staffing as agents per interval: in
/// each `[[agent_group]]` table of those groups the `agents`, `from` and
/// `shifts` keys are replaced; every other line (comments included) is
/// kept. A comment line records the origin. The result is parsed and
/// validated again and must give exactly the new staffing.
///
/// # Errors
/// [`OptimizeError::Input`] when a group's table is not found in the text
/// (for example an inline `agent_group = [...]` array) or when the rewritten
/// text does not validate to the new staffing.
pub fn rewrite_staffing(
    text: &str,
    file: &str,
    staffed: &Scenario,
    groups: &[usize],
    note: &str,
) -> Result<String, OptimizeError> {
    let lines: Vec<(usize, Vec<String>)> = groups
        .iter()
        .map(|&g| {
            let (from, agents) =
                staffing_lines(&staffed.groups[g].staffing, staffed.horizon.interval_s);
            (g, vec![from, agents])
        })
        .collect();
    rewrite_groups(text, file, staffed, &lines, note)
}

/// Rewrites the scenario file `text` so that each agent group `g` of
/// `groups` gets the staffing lines given with it (replacing its `agents`,
/// `from` and `shifts` keys); as [`rewrite_staffing`] otherwise, including
/// the check that the result reads back as `staffed`.
///
/// # Errors
/// As [`rewrite_staffing`].
pub fn rewrite_groups(
    text: &str,
    file: &str,
    staffed: &Scenario,
    groups_lines: &[(usize, Vec<String>)],
    note: &str,
) -> Result<String, OptimizeError> {
    let groups: Vec<usize> = groups_lines.iter().map(|(g, _)| *g).collect();
    let lines: Vec<&str> = text.lines().collect();
    // Locate [[agent_group]] tables: (start line, end line exclusive).
    let mut tables = Vec::new();
    let mut cur: Option<usize> = None;
    for (n, l) in lines.iter().enumerate() {
        let t = l.trim_start();
        if t.starts_with('[') {
            if let Some(s) = cur.take() {
                tables.push((s, n));
            }
            if t.starts_with("[[agent_group]]") {
                cur = Some(n);
            }
        }
    }
    if let Some(s) = cur {
        tables.push((s, lines.len()));
    }
    let key_of = |l: &str| -> Option<String> {
        let t = l.trim_start();
        let (k, _) = t.split_once('=')?;
        let k = k.trim().trim_matches('"');
        (!k.is_empty() && !t.starts_with('#')).then(|| k.to_string())
    };
    let mut out: Vec<String> = Vec::new();
    let mut pos = 0;
    let mut done = vec![false; groups.len()];
    for &(s, e) in &tables {
        // Which group is this table?
        let name = lines[s..e].iter().find_map(|l| {
            (key_of(l).as_deref() == Some("name")).then(|| {
                l.split_once('=')
                    .map(|(_, v)| {
                        v.trim()
                            .split('#')
                            .next()
                            .unwrap_or("")
                            .trim()
                            .trim_matches('"')
                            .to_string()
                    })
                    .unwrap_or_default()
            })
        });
        let Some(j) = name
            .as_deref()
            .and_then(|n| groups.iter().position(|&g| staffed.groups[g].name == n))
        else {
            continue;
        };
        out.extend(lines[pos..s].iter().map(|l| l.to_string()));
        out.push(lines[s].to_string());
        out.push(format!("# {note}"));
        out.extend(groups_lines[j].1.iter().cloned());
        let mut n = s + 1;
        while n < e {
            let l = lines[n];
            if matches!(key_of(l).as_deref(), Some("agents" | "from" | "shifts")) {
                // Skip the value, which may span lines (a multi-line array).
                let mut depth: i32 = 0;
                loop {
                    let body = lines[n].split('#').next().unwrap_or("");
                    depth += body.matches(['[', '{']).count() as i32;
                    depth -= body.matches([']', '}']).count() as i32;
                    n += 1;
                    if depth <= 0 || n >= e {
                        break;
                    }
                }
                continue;
            }
            out.push(l.to_string());
            n += 1;
        }
        pos = e;
        done[j] = true;
    }
    out.extend(lines[pos..].iter().map(|l| l.to_string()));
    if let Some(j) = done.iter().position(|d| !d) {
        return Err(OptimizeError::Input(format!(
            "{file}: cannot find the [[agent_group]] table of group `{}` to rewrite its staffing",
            staffed.groups[groups[j]].name
        )));
    }
    let mut text = out.join("\n");
    text.push('\n');
    let check = Scenario::from_toml(&text, file, &staffed.name).map_err(|e| {
        OptimizeError::Input(format!("the rewritten scenario does not validate: {e}"))
    })?;
    for &g in &groups {
        let present = crate::optimize::staff::present_weekdays(staffed);
        for w in present {
            if check.groups[g].staffing[w] != staffed.groups[g].staffing[w] {
                return Err(OptimizeError::Input(format!(
                    "{file}: the rewritten staffing of group `{}` does not read back as written",
                    staffed.groups[g].name
                )));
            }
        }
    }
    Ok(text)
}
