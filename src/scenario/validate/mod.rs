//! From [`RawScenario`] to [`Scenario`]: every value checked, every name
//! resolved, every problem reported with its line, field path and value.
//!
//! One submodule per entity: [`calendar`] (horizon and run settings),
//! [`services`], [`call_types`] (arrivals and distributions),
//! [`agent_groups`] (staffing and shifts) and [`outages`] (outages, windows
//! and routing). This module holds the [`Validator`] they share and the
//! checks across entities.

mod agent_groups;
mod calendar;
mod call_types;
mod cost;
mod outages;
mod services;
mod shift_rules;
mod warnings;

use std::collections::{HashMap, HashSet};
use std::fmt::Display;

use super::error::{Issue, ScenarioError, line_col};
use super::locate::Locator;
use super::overlay::MergedLocator;
use super::raw::{NumOrList, PerWeekday, RawScenario};
use super::{Horizon, Outage, Scenario, Service};
use crate::calendar::{Date, parse_clock, parse_weekday_set};
use agent_groups::validate_group;
use calendar::{validate_horizon, validate_run};
use call_types::validate_call_type;
use outages::{validate_outage, validate_routing, validate_window};
use services::validate_service;

/// Largest accepted values: far above any real center, low enough that a
/// typo cannot make a run take days or overflow a counter.
pub mod limits {
    /// Days in a horizon.
    pub const MAX_DAYS: f64 = 3660.0;
    /// Replications.
    pub const MAX_REPLICATIONS: f64 = 1_000_000.0;
    /// Calls per hour of one call type.
    pub const MAX_PER_HOUR: f64 = 1_000_000.0;
    /// Calls per day of one call type.
    pub const MAX_PER_DAY: f64 = 10_000_000.0;
    /// Mean of a duration, seconds (about 115 days).
    pub const MAX_MEAN_S: f64 = 1e7;
    /// Coefficient of variation.
    pub const MAX_CV: f64 = 20.0;
    /// Agents in one group in one interval.
    pub const MAX_AGENTS: f64 = 1_000_000.0;
    /// Expected random failures of one outage in one replication.
    pub const MAX_OUTAGES_PER_REPLICATION: f64 = 100_000.0;
    /// Expected calls in one replication, all call types together.
    pub const MAX_CALLS_PER_REPLICATION: f64 = 2e9;
    /// Cost of one agent-hour, in the scenario's currency.
    pub const MAX_HOURLY_COST: f64 = 1e6;
}

/// Parses TOML text into the raw mirror.
///
/// # Errors
/// [`ScenarioError::Parse`] with line, column and field path.
pub fn parse(text: &str, file: &str) -> Result<RawScenario, ScenarioError> {
    let to_err = |span: Option<std::ops::Range<usize>>, path: String, message: String| {
        let (line, column) = span.map_or((1, 1), |s| line_col(text, s.start));
        ScenarioError::Parse {
            file: file.to_string(),
            line,
            column,
            path,
            message,
        }
    };
    let de = toml::Deserializer::parse(text).map_err(|e| syntax_error(text, file, &e))?;
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let path = if path == "." || path.is_empty() {
            String::new()
        } else {
            format!("{path}: ")
        };
        to_err(inner.span(), path, inner.message().trim().to_string())
    })
}

/// A TOML syntax error with its line and column.
pub(crate) fn syntax_error(text: &str, file: &str, e: &toml::de::Error) -> ScenarioError {
    let mut message = e.message().trim().to_string();
    // toml says "duplicate key" without the key: name it from the span.
    if message.starts_with("duplicate key")
        && let Some(key) = e.span().and_then(|s| text.get(s)).map(str::trim)
        && !key.is_empty()
        && !message.contains(key)
    {
        message = format!("duplicate key `{key}`");
    }
    let (line, column) = e.span().map_or((1, 1), |s| line_col(text, s.start));
    ScenarioError::Parse {
        file: file.to_string(),
        line,
        column,
        path: String::new(),
        message,
    }
}

/// Where the values of a scenario were written: one file's text, or the
/// files and `--set`s of an overlay.
pub(crate) enum Loc<'a> {
    /// A file on its own.
    Text(Locator<'a>),
    /// A merged overlay.
    Merged(MergedLocator<'a>),
}

impl Loc<'_> {
    /// The file (`None`: the scenario's own) and line of a field path.
    pub(crate) fn find(&self, path: &str) -> (Option<String>, Option<usize>) {
        match self {
            Loc::Text(l) => (None, l.line(path)),
            Loc::Merged(m) => m.find(path),
        }
    }
}

pub(super) struct Validator<'a> {
    loc: Loc<'a>,
    issues: Vec<Issue>,
    warnings: Vec<Issue>,
}

impl Validator<'_> {
    fn issue(&self, path: &str, value: impl Display, message: impl Into<String>) -> Issue {
        let (file, line) = self.loc.find(path);
        Issue {
            file,
            line,
            path: path.to_string(),
            value: value.to_string(),
            message: message.into(),
        }
    }

    pub(super) fn err(&mut self, path: &str, value: impl Display, message: impl Into<String>) {
        let i = self.issue(path, value, message);
        self.issues.push(i);
    }

    /// A likely mistake: the scenario runs, but the planner should look.
    pub(super) fn warn(&mut self, path: &str, value: impl Display, message: impl Into<String>) {
        let i = self.issue(path, value, message);
        self.warnings.push(i);
    }

    /// A finite number in `[min, max]`.
    pub(super) fn num(&mut self, path: &str, x: f64, min: f64, max: f64) -> Option<f64> {
        if !x.is_finite() {
            self.err(path, x, "must be a finite number");
            None
        } else if x < min || x > max {
            self.err(path, x, format!("must be between {min} and {max}"));
            None
        } else {
            Some(x)
        }
    }

    /// A finite number > 0 and <= max.
    pub(super) fn positive(&mut self, path: &str, x: f64, max: f64) -> Option<f64> {
        if !x.is_finite() {
            self.err(path, x, "must be a finite number");
            None
        } else if x <= 0.0 {
            self.err(path, x, "must be > 0");
            None
        } else if x > max {
            self.err(path, x, format!("must be at most {max}"));
            None
        } else {
            Some(x)
        }
    }

    /// A probability in [0, 1].
    pub(super) fn prob(&mut self, path: &str, x: f64) -> Option<f64> {
        if !x.is_finite() || !(0.0..=1.0).contains(&x) {
            self.err(path, x, "must be a probability between 0 and 1");
            None
        } else {
            Some(x)
        }
    }

    /// A whole number in `[min, max]`.
    pub(super) fn whole(&mut self, path: &str, x: f64, min: f64, max: f64) -> Option<u32> {
        let v = self.num(path, x, min, max)?;
        if v.fract() != 0.0 {
            self.err(path, x, "must be a whole number");
            return None;
        }
        Some(v as u32)
    }

    pub(super) fn clock(&mut self, path: &str, s: &str) -> Option<u32> {
        let c = parse_clock(s);
        if c.is_none() {
            self.err(
                path,
                format!("{s:?}"),
                "must be a clock time HH:MM from 00:00 to 24:00",
            );
        }
        c
    }

    pub(super) fn date(&mut self, path: &str, d: &toml::value::Datetime) -> Option<Date> {
        match (&d.date, &d.time) {
            (Some(date), None) => {
                let r = Date::from_ymd(
                    i64::from(date.year),
                    u32::from(date.month),
                    u32::from(date.day),
                );
                if r.is_none() {
                    self.err(path, d, "is not a valid date");
                }
                r
            }
            _ => {
                self.err(path, d, "must be a date like 2025-01-06, without a time");
                None
            }
        }
    }

    /// Resolves a per-weekday value into one optional value per weekday,
    /// each with the path it came from.
    pub(super) fn per_weekday<'v, T>(
        &mut self,
        path: &str,
        v: &'v PerWeekday<T>,
    ) -> [Option<(String, &'v T)>; 7] {
        let mut out: [Option<(String, &'v T)>; 7] = Default::default();
        match v {
            PerWeekday::All(x) => {
                for d in out.iter_mut() {
                    *d = Some((path.to_string(), x));
                }
            }
            PerWeekday::ByDay(map) => {
                for (key, x) in map {
                    let sub = format!("{path}.{key}");
                    let Some(mask) = parse_weekday_set(key) else {
                        self.err(
                            &sub,
                            "",
                            format!("`{key}` is not a weekday selector (mon..sun, ranges like mon-fri, lists like sat,sun, or all)"),
                        );
                        continue;
                    };
                    for (d, on) in mask.iter().enumerate() {
                        if !on {
                            continue;
                        }
                        if out[d].is_some() {
                            self.err(
                                &sub,
                                "",
                                format!(
                                    "weekday {} is given twice",
                                    crate::calendar::Weekday::from_index(d)
                                ),
                            );
                        }
                        out[d] = Some((sub.clone(), x));
                    }
                }
            }
        }
        out
    }
}

/// Validates a parsed scenario. `text` is the file's text (for line numbers).
///
/// # Errors
/// [`ScenarioError::Invalid`] listing every problem.
pub fn validate(
    raw: &RawScenario,
    text: &str,
    file: &str,
    default_name: &str,
) -> Result<Scenario, ScenarioError> {
    validate_at(raw, Loc::Text(Locator::new(text)), file, default_name).map(|(sc, _)| sc)
}

/// Validates a parsed scenario whose values were written where `loc`
/// says; returns it with its warnings (likely mistakes, see [`warnings`]).
///
/// # Errors
/// [`ScenarioError::Invalid`] listing every problem.
pub(crate) fn validate_at(
    raw: &RawScenario,
    loc: Loc<'_>,
    file: &str,
    default_name: &str,
) -> Result<(Scenario, Vec<Issue>), ScenarioError> {
    let mut v = Validator {
        loc,
        issues: Vec::new(),
        warnings: Vec::new(),
    };
    let horizon = validate_horizon(&mut v, raw);
    let run = validate_run(&mut v, raw);
    let ipd = horizon.as_ref().map_or(48, Horizon::intervals_per_day);
    let interval_s = horizon.as_ref().map_or(1800, |h| h.interval_s);

    if raw.services.is_empty() {
        v.err("service", "", "at least one [[service]] is required");
    }
    if raw.call_types.is_empty() {
        v.err("call_type", "", "at least one [[call_type]] is required");
    }
    if raw.agent_groups.is_empty() {
        v.err(
            "agent_group",
            "",
            "at least one [[agent_group]] is required",
        );
    }
    check_unique(
        &mut v,
        "service",
        raw.services.iter().map(|s| s.name.as_str()),
    );
    check_unique(
        &mut v,
        "call_type",
        raw.call_types.iter().map(|s| s.name.as_str()),
    );
    check_unique(
        &mut v,
        "agent_group",
        raw.agent_groups.iter().map(|s| s.name.as_str()),
    );

    let services: Vec<Service> = raw
        .services
        .iter()
        .enumerate()
        .filter_map(|(i, s)| validate_service(&mut v, i, s))
        .collect();

    let mut call_types = Vec::new();
    for (i, ct) in raw.call_types.iter().enumerate() {
        if let Some(c) = validate_call_type(&mut v, i, ct, raw, &services, ipd, interval_s) {
            call_types.push(c);
        }
    }

    let mut groups = Vec::new();
    // Names resolved through maps: validation stays linear in the number of
    // groups and call types, valid or not.
    let mut call_type_index: HashMap<&str, usize> = HashMap::new();
    for (i, c) in raw.call_types.iter().enumerate() {
        call_type_index.entry(c.name.as_str()).or_insert(i);
    }
    for (i, g) in raw.agent_groups.iter().enumerate() {
        groups.push(validate_group(
            &mut v,
            i,
            g,
            raw,
            &call_type_index,
            ipd,
            interval_s,
        ));
    }
    let skilled: HashSet<&str> = raw
        .agent_groups
        .iter()
        .flat_map(|g| g.skills.iter().map(String::as_str))
        .collect();
    for (i, ct) in raw.call_types.iter().enumerate() {
        if !skilled.contains(ct.name.as_str()) && !raw.agent_groups.is_empty() {
            v.err(&format!("call_type[{i}].name"), format!("{:?}", ct.name), "no agent_group has this call type in its skills: its calls could never be answered");
        }
    }

    let mut windows = Vec::new();
    for (i, w) in raw.windows.iter().enumerate() {
        windows.extend(validate_window(&mut v, i, w, interval_s));
    }
    let routing = validate_routing(&mut v, raw.routing.as_ref());
    let cost = cost::validate_cost(&mut v, raw.cost.as_ref());
    let shift_rules =
        shift_rules::validate_shift_rules(&mut v, raw.shift_rules.as_ref(), file, interval_s);
    check_unique(
        &mut v,
        "outage",
        raw.outages.iter().map(|o| o.name.as_str()),
    );
    let outages: Vec<Outage> = raw
        .outages
        .iter()
        .enumerate()
        .filter_map(|(i, o)| validate_outage(&mut v, i, o, raw, horizon.as_ref()))
        .collect();
    if let (Some(h), true) = (&horizon, v.issues.is_empty()) {
        let per_day: f64 = call_types
            .iter()
            .map(|c| {
                c.rate_per_s
                    .iter()
                    .map(|d| d.iter().sum::<f64>() * f64::from(interval_s))
                    .sum::<f64>()
                    / 7.0
            })
            .sum();
        let total = per_day * f64::from(h.days);
        if total > limits::MAX_CALLS_PER_REPLICATION {
            v.err("horizon.days", h.days, format!("about {total:.3e} calls per replication: more than the {:.0e} that ccsim accepts", limits::MAX_CALLS_PER_REPLICATION));
        }
    }

    if !v.issues.is_empty() {
        // A value shared by several weekdays is checked once per weekday:
        // report it once.
        let mut seen = HashSet::new();
        v.issues
            .retain(|i| seen.insert((i.path.clone(), i.message.clone())));
        v.issues.sort_by_key(|i| i.line.unwrap_or(usize::MAX));
        return Err(ScenarioError::Invalid {
            file: file.to_string(),
            issues: v.issues,
        });
    }
    let (Some(horizon), Some(run)) = (horizon, run) else {
        unreachable!("horizon and run are valid when no issue was found")
    };
    let sc = Scenario {
        name: raw.name.clone().unwrap_or_else(|| default_name.to_string()),
        description: raw.description.clone(),
        horizon,
        run,
        services,
        call_types,
        groups,
        windows,
        routing,
        outages,
        cost,
        shift_rules,
        provenance: super::Provenance::default(),
    };
    // Rules that allow no shift where the center is open (needs the
    // validated opening hours and holidays).
    shift_rules::check_coverage(&mut v, raw.shift_rules.as_ref(), &sc);
    if !v.issues.is_empty() {
        return Err(ScenarioError::Invalid {
            file: file.to_string(),
            issues: v.issues,
        });
    }
    warnings::check(&mut v, raw, &sc);
    Ok((sc, v.warnings))
}

pub(super) fn names<'a>(it: impl Iterator<Item = &'a String>) -> String {
    let v: Vec<String> = it.map(|s| format!("{s:?}")).collect();
    if v.is_empty() {
        "none".into()
    } else {
        v.join(", ")
    }
}

pub(super) fn check_unique<'a>(
    v: &mut Validator<'_>,
    what: &str,
    it: impl Iterator<Item = &'a str>,
) {
    let mut seen = HashSet::new();
    for (i, name) in it.enumerate() {
        if name.trim().is_empty() {
            v.err(
                &format!("{what}[{i}].name"),
                format!("{name:?}"),
                "must not be empty",
            );
        } else if !seen.insert(name) {
            v.err(
                &format!("{what}[{i}].name"),
                format!("{name:?}"),
                format!("another {what} has the same name"),
            );
        }
    }
}

/// Interval index of a `from` clock time; must fall on an interval boundary.
pub(super) fn from_index(
    v: &mut Validator<'_>,
    path: &str,
    from: Option<&str>,
    interval_s: u32,
) -> Option<usize> {
    let Some(s) = from else { return Some(0) };
    let c = v.clock(path, s)?;
    if c % interval_s != 0 || c >= 86_400 {
        v.err(
            path,
            format!("{s:?}"),
            format!(
                "must be the start of an interval ({} minutes long) before 24:00",
                interval_s / 60
            ),
        );
        return None;
    }
    Some((c / interval_s) as usize)
}

/// Values per interval of a day from a number (all intervals) or a list starting at `first`.
pub(super) fn per_interval(
    v: &mut Validator<'_>,
    path: &str,
    x: &NumOrList,
    first: usize,
    ipd: usize,
    check: &mut dyn FnMut(&mut Validator<'_>, &str, f64) -> Option<f64>,
) -> Option<Vec<f64>> {
    match x {
        NumOrList::Num(n) => check(v, path, *n).map(|n| vec![n; ipd]),
        NumOrList::List(list) => {
            if first + list.len() > ipd {
                v.err(path, format!("[{} values]", list.len()), format!("{} values from interval {first} run past the end of the day ({ipd} intervals)", list.len()));
                return None;
            }
            let mut out = vec![0.0; ipd];
            let mut ok = true;
            for (k, &val) in list.iter().enumerate() {
                match check(v, &format!("{path}[{k}]"), val) {
                    Some(val) => out[first + k] = val,
                    None => ok = false,
                }
            }
            ok.then_some(out)
        }
    }
}
