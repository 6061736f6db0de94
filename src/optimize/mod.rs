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

pub mod requirement;
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

pub use crate::cost::services_of_group;

/// The intervals a planner asks about (`--days mon --window 08:00-10:00`):
/// only these change; every other interval is held as it is and still
/// simulated.
#[derive(Debug, Clone, PartialEq)]
pub struct Selection {
    /// Weekdays, Monday first.
    pub days: [bool; 7],
    /// First interval of the day.
    pub first: usize,
    /// One past the last interval of the day.
    pub end: usize,
    /// In the planner's words: "Monday 08:00-10:00", "mon-fri 08:00-10:00".
    pub label: String,
    /// The flags as given, for messages: "--days mon --window 08:00-10:00".
    pub flags: String,
}

const LONG_DAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

/// The long name of weekday `w` (0 = Monday).
pub fn long_day(w: usize) -> &'static str {
    LONG_DAYS[w % 7]
}

impl Selection {
    /// Parses `--days` and `--window` for scenario `sc`; `None` when
    /// neither is given (every interval).
    ///
    /// # Errors
    /// [`OptimizeError::Input`] naming the flag and its value: not a
    /// weekday selector, not one range on interval boundaries, or a window
    /// in which no service is open on the days chosen.
    pub fn parse(
        sc: &Scenario,
        days: Option<&str>,
        window: Option<&str>,
    ) -> Result<Option<Selection>, OptimizeError> {
        if days.is_none() && window.is_none() {
            return Ok(None);
        }
        let is = sc.horizon.interval_s;
        let mask = match days {
            None => [true; 7],
            Some(d) => crate::calendar::parse_weekday_set(d).ok_or_else(|| {
                OptimizeError::Input(format!(
                    "--days {d}: not a weekday selector (mon..sun, mon-fri, sat,sun, all)"
                ))
            })?,
        };
        let (first, end) = match window {
            None => (0, sc.horizon.intervals_per_day()),
            Some(w) => {
                let h = crate::calendar::parse_hours(w)
                    .filter(|h| h.len() == 1 && h[0].0 % is == 0 && h[0].1 % is == 0)
                    .ok_or_else(|| {
                        OptimizeError::Input(format!(
                            "--window {w}: must be one range HH:MM-HH:MM on {}-minute interval boundaries",
                            is / 60
                        ))
                    })?;
                ((h[0].0 / is) as usize, (h[0].1 / is) as usize)
            }
        };
        // Some service must be open in the window on one of the days.
        let open = sc.services.iter().any(|s| {
            (0..7).filter(|&w| mask[w]).any(|w| {
                s.open[w]
                    .iter()
                    .chain(s.open_changes.iter().flat_map(|(_, o)| o[w].iter()))
                    .any(|&(a, b)| {
                        (a as usize) < end * is as usize && (b as usize) > first * is as usize
                    })
            })
        });
        let flags = [("--days", days), ("--window", window)]
            .iter()
            .filter_map(|(f, v)| v.map(|v| format!("{f} {v}")))
            .collect::<Vec<_>>()
            .join(" ");
        if !open {
            return Err(OptimizeError::Input(format!(
                "{flags}: no service is open then (check the opening hours in the scenario)"
            )));
        }
        let day_words = match (0..7).filter(|&w| mask[w]).collect::<Vec<_>>().as_slice() {
            [w] => long_day(*w).to_string(),
            _ => days.unwrap_or("every day").to_string(),
        };
        let label = match window {
            Some(_) => format!(
                "{day_words} {}-{}",
                crate::calendar::format_clock(first as u32 * is),
                crate::calendar::format_clock(end as u32 * is)
            ),
            None => day_words,
        };
        Ok(Some(Selection {
            days: mask,
            first,
            end,
            label,
            flags,
        }))
    }

    /// Whether interval `i` of weekday `w` is selected.
    pub fn contains(&self, w: usize, i: usize) -> bool {
        self.days[w % 7] && i >= self.first && i < self.end
    }
}

/// Whether interval `i` of weekday `w` may change under `sel` (all may without one).
pub fn selected(sel: Option<&Selection>, w: usize, i: usize) -> bool {
    sel.is_none_or(|s| s.contains(w, i))
}

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
