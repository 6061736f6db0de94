//! SLA per staffing level: the scenario is simulated at every level of one
//! agent group with the same seed (common random numbers), all levels and
//! replications in parallel, and each level reports every service KPI with
//! its confidence interval and the probability of meeting each target.

use serde::Serialize;

use super::{OptimizeError, Selection, find_group, selected};
use crate::cost::paid_hours;
use crate::experiment::{summaries, with_threads};
use crate::scenario::Scenario;
use crate::stats::kpi::Kpi;
use crate::stats::summary::{Compliance, Kpis};

/// The staffing levels of a sweep.
#[derive(Debug, Clone, PartialEq)]
pub enum Levels {
    /// Agent counts. Each replaces the group's staffing in every interval
    /// where the group is staffed today (> 0), or everywhere when the group's
    /// staffing is constant.
    Agents(Vec<u32>),
    /// Factors multiplying the group's staffing profile, rounded to whole agents.
    Scale(Vec<f64>),
    /// Agents added to (or removed from) today's profile in the chosen
    /// intervals (`--add -2..10`), never below 0.
    Add(Vec<i64>),
}

impl Levels {
    /// Number of levels.
    pub fn len(&self) -> usize {
        match self {
            Levels::Agents(v) => v.len(),
            Levels::Scale(v) => v.len(),
            Levels::Add(v) => v.len(),
        }
    }
    /// True when there is no level.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Label of level `i`: "22" or "x1.05".
    pub fn label(&self, i: usize) -> String {
        match self {
            Levels::Agents(v) => v[i].to_string(),
            Levels::Scale(v) => format!("x{}", trim_float(v[i])),
            Levels::Add(v) => format!("{:+}", v[i]),
        }
    }
}

fn trim_float(x: f64) -> String {
    let s = format!("{x:.4}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.to_string()
}

fn parse_num<T: std::str::FromStr>(flag: &str, whole: &str, s: &str) -> Result<T, OptimizeError> {
    s.trim().parse().map_err(|_| {
        OptimizeError::Input(format!(
            "{flag} {whole}: `{s}` is not a number (use A..B[:STEP] or a comma list)"
        ))
    })
}

/// Parses `--agents`: `20..40`, `20..40:2` or `20,22,25`.
///
/// # Errors
/// [`OptimizeError::Input`] naming the flag and the value.
pub fn parse_agents(s: &str) -> Result<Levels, OptimizeError> {
    let flag = "--agents";
    let v: Vec<u32> = if let Some((a, rest)) = s.split_once("..") {
        let (b, step) = rest.split_once(':').unwrap_or((rest, "1"));
        let (a, b, step): (u32, u32, u32) = (
            parse_num(flag, s, a)?,
            parse_num(flag, s, b)?,
            parse_num(flag, s, step)?,
        );
        if step == 0 || b < a {
            return Err(OptimizeError::Input(format!(
                "{flag} {s}: need A <= B and STEP >= 1"
            )));
        }
        (a..=b).step_by(step as usize).collect()
    } else {
        s.split(',')
            .map(|x| parse_num(flag, s, x))
            .collect::<Result<_, _>>()?
    };
    if v.is_empty() || v.len() > 10_000 {
        return Err(OptimizeError::Input(format!(
            "{flag} {s}: between 1 and 10000 levels"
        )));
    }
    Ok(Levels::Agents(v))
}

/// Parses `--add`: `-2..10`, `-2..10:2` or `0,2,4` (agents added to
/// today's profile; negative removes).
///
/// # Errors
/// [`OptimizeError::Input`] naming the flag and the value.
pub fn parse_add(s: &str) -> Result<Levels, OptimizeError> {
    let flag = "--add";
    // A leading minus belongs to the first number, not to a range.
    let v: Vec<i64> = if let Some((a, rest)) = s.split_once("..") {
        let (b, step) = rest.split_once(':').unwrap_or((rest, "1"));
        let (a, b, step): (i64, i64, i64) = (
            parse_num(flag, s, a)?,
            parse_num(flag, s, b)?,
            parse_num(flag, s, step)?,
        );
        if step < 1 || b < a || b - a > 10_000 || a.abs() > 1_000_000 || b.abs() > 1_000_000 {
            return Err(OptimizeError::Input(format!(
                "{flag} {s}: need A <= B, STEP >= 1 and at most 10000 levels"
            )));
        }
        (a..=b).step_by(step as usize).collect()
    } else {
        s.split(',')
            .map(|x| parse_num(flag, s, x))
            .collect::<Result<_, _>>()?
    };
    if v.is_empty() || v.len() > 10_000 {
        return Err(OptimizeError::Input(format!(
            "{flag} {s}: between 1 and 10000 levels"
        )));
    }
    Ok(Levels::Add(v))
}

/// Parses `--scale`: `0.8..1.2:0.05`, or `0.9,1,1.1`.
///
/// # Errors
/// [`OptimizeError::Input`] naming the flag and the value.
pub fn parse_scale(s: &str) -> Result<Levels, OptimizeError> {
    let flag = "--scale";
    let v: Vec<f64> = if let Some((a, rest)) = s.split_once("..") {
        let (b, step) = rest.split_once(':').unwrap_or((rest, "0.1"));
        let (a, b, step): (f64, f64, f64) = (
            parse_num(flag, s, a)?,
            parse_num(flag, s, b)?,
            parse_num(flag, s, step)?,
        );
        if !(a.is_finite() && b.is_finite() && step.is_finite() && step > 0.0 && a <= b) {
            return Err(OptimizeError::Input(format!(
                "{flag} {s}: need finite A <= B and STEP > 0"
            )));
        }
        let n = ((b - a) / step + 1e-9).floor() as usize;
        if n >= 10_000 {
            return Err(OptimizeError::Input(format!("{flag} {s}: too many levels")));
        }
        (0..=n).map(|i| a + step * i as f64).collect()
    } else {
        s.split(',')
            .map(|x| parse_num(flag, s, x))
            .collect::<Result<_, _>>()?
    };
    if let Some(x) = v.iter().find(|x| !(x.is_finite() && **x >= 0.0)) {
        return Err(OptimizeError::Input(format!(
            "{flag} {s}: factor {x} must be >= 0"
        )));
    }
    if v.is_empty() {
        return Err(OptimizeError::Input(format!("{flag} {s}: no level")));
    }
    Ok(Levels::Scale(v))
}

/// `sc` with group `g` staffed at level `i` of `levels`, in the intervals
/// of `only` (every interval without it).
pub fn apply_level(
    sc: &Scenario,
    g: usize,
    levels: &Levels,
    i: usize,
    only: Option<&Selection>,
) -> Scenario {
    let mut out = sc.clone();
    let staffing = &mut out.groups[g].staffing;
    let first = staffing[0].first().copied().unwrap_or(0);
    let constant = staffing.iter().flatten().all(|&n| n == first);
    for (w, day) in staffing.iter_mut().enumerate() {
        for (k, n) in day.iter_mut().enumerate() {
            if !selected(only, w, k) {
                continue;
            }
            match levels {
                Levels::Add(v) => {
                    *n = (i64::from(*n) + v[i]).clamp(0, i64::from(u32::MAX)) as u32;
                }
                Levels::Agents(v) => {
                    if constant || *n > 0 {
                        *n = v[i];
                    }
                }
                Levels::Scale(v) => *n = (f64::from(*n) * v[i]).round() as u32,
            }
        }
    }
    out
}

/// How to run a sweep.
#[derive(Debug, Clone)]
pub struct SweepOptions {
    /// The agent group whose staffing varies.
    pub group: String,
    /// The levels.
    pub levels: Levels,
    /// Replications per level (default: the scenario's).
    pub replications: Option<u32>,
    /// Master seed (default: the scenario's).
    pub seed: Option<u64>,
    /// Worker threads (default: all cores). Results do not depend on it.
    pub threads: Option<usize>,
    /// A level meets a target when the share of replications meeting it over
    /// the horizon is at least this.
    pub confidence: f64,
    /// Only these intervals change (`--days`, `--window`).
    pub only: Option<Selection>,
}

/// One service at one level.
#[derive(Debug, Clone, Serialize)]
pub struct ServiceAtLevel {
    /// Service name.
    pub name: String,
    /// KPIs over the horizon with their 95% CIs.
    pub kpis: Kpis,
    /// Each target with its value and the probability of meeting it.
    pub compliance: Vec<Compliance>,
}

/// Results of one level.
#[derive(Debug, Clone, Serialize)]
pub struct LevelResult {
    /// "22" or "x1.05".
    pub level: String,
    /// Agents (for `--agents`) or the factor (for `--scale`).
    pub value: f64,
    /// Paid agent-hours of the group over the horizon.
    pub agent_hours: f64,
    /// True when every staffing target (service level, abandonment) of
    /// every service is met with the chosen confidence.
    pub meets_targets: bool,
    /// Per service.
    pub services: Vec<ServiceAtLevel>,
}

/// A finished sweep.
#[derive(Debug, Clone, Serialize)]
pub struct SweepResult {
    /// Scenario name.
    pub scenario: String,
    /// Group varied.
    pub group: String,
    /// Replications per level.
    pub replications: u32,
    /// Master seed (common to all levels).
    pub seed: u64,
    /// Confidence used to mark levels.
    pub confidence: f64,
    /// The intervals that vary (`--days`, `--window`), in the planner's
    /// words; `None`: every interval.
    pub selection: Option<String>,
    /// Paid agent-hours of the group with today's staffing.
    pub today_agent_hours: f64,
    /// ccsim version.
    pub ccsim_version: &'static str,
    /// Per level, in the order given.
    pub levels: Vec<LevelResult>,
    /// Index into `levels` of the cheapest level meeting every target, if any.
    pub smallest_meeting: Option<usize>,
    /// What the marking means.
    pub note: &'static str,
}

/// True for targets that staffing moves (service level and abandonment);
/// the handling-time target does not depend on the number of agents.
pub fn is_staffing_target(c: &Compliance) -> bool {
    matches!(c.kpi, Kpi::ServiceLevel | Kpi::AbandonRate)
}

/// Runs a sweep.
///
/// # Errors
/// [`OptimizeError::Input`] for an unknown group or bad options;
/// [`OptimizeError::Run`] when the pool cannot start.
pub fn run(sc: &Scenario, o: &SweepOptions) -> Result<SweepResult, OptimizeError> {
    let simulate = |scenarios: &[Scenario], reps, seed| -> Result<_, OptimizeError> {
        Ok(Some(with_threads(o.threads, || {
            summaries(scenarios, reps, seed)
        })?))
    };
    run_with(sc, o, simulate)?
        .ok_or_else(|| OptimizeError::Input("the sweep simulated nothing".into()))
}

/// [`run`] with the simulation of the levels (`scenarios`, replications,
/// seed) done by `simulate`: the command line's shards and merge
/// (`--shard K/N`, `ccsim merge`) come in here. `None` when `simulate`
/// returned no summaries (a shard, which writes a partial result instead).
///
/// # Errors
/// As [`run`], and the errors of `simulate`.
pub fn run_with<E: From<OptimizeError>>(
    sc: &Scenario,
    o: &SweepOptions,
    simulate: impl FnOnce(&[Scenario], u32, u64) -> Result<Option<Vec<crate::stats::Summary>>, E>,
) -> Result<Option<SweepResult>, E> {
    let g = find_group(sc, &o.group)?;
    if o.levels.is_empty() {
        return Err(OptimizeError::Input("no staffing level given".into()).into());
    }
    if !(0.0..=1.0).contains(&o.confidence) {
        return Err(OptimizeError::Input(format!(
            "--confidence {}: must be a share in [0, 1]",
            o.confidence
        ))
        .into());
    }
    super::staff::require_targets(sc, &[g])?;
    let reps = o.replications.unwrap_or(sc.run.replications);
    let seed = o.seed.unwrap_or(sc.run.seed);
    let scenarios: Vec<Scenario> = (0..o.levels.len())
        .map(|i| apply_level(sc, g, &o.levels, i, o.only.as_ref()))
        .collect();
    let Some(summaries) = simulate(&scenarios, reps, seed)? else {
        return Ok(None);
    };
    let mut levels = Vec::with_capacity(summaries.len());
    for (i, (s, lsc)) in summaries.iter().zip(&scenarios).enumerate() {
        let services: Vec<ServiceAtLevel> = s
            .services
            .iter()
            .map(|e| ServiceAtLevel {
                name: e.name.clone(),
                kpis: e.kpis.clone(),
                compliance: e.compliance.clone(),
            })
            .collect();
        let meets_targets = services.iter().all(|sv| {
            sv.compliance
                .iter()
                .filter(|c| is_staffing_target(c))
                .all(|c| c.met_share >= o.confidence)
        });
        levels.push(LevelResult {
            level: o.levels.label(i),
            value: match &o.levels {
                Levels::Agents(v) => f64::from(v[i]),
                Levels::Scale(v) => v[i],
                Levels::Add(v) => v[i] as f64,
            },
            agent_hours: paid_hours(lsc, g),
            meets_targets,
            services,
        });
    }
    let smallest_meeting = levels
        .iter()
        .enumerate()
        .filter(|(_, l)| l.meets_targets)
        .min_by(|a, b| {
            a.1.agent_hours
                .total_cmp(&b.1.agent_hours)
                .then(a.1.value.total_cmp(&b.1.value))
        })
        .map(|(i, _)| i);
    Ok(Some(SweepResult {
        scenario: sc.name.clone(),
        group: o.group.clone(),
        replications: reps,
        seed,
        confidence: o.confidence,
        selection: o.only.as_ref().map(|s| s.label.clone()),
        today_agent_hours: paid_hours(sc, g),
        ccsim_version: env!("CARGO_PKG_VERSION"),
        levels,
        smallest_meeting,
        note: "a level meets the targets when, for every service-level and abandonment target, \
               the share of replications meeting it over the horizon is at least `confidence`; \
               the handling-time target does not depend on staffing and is not used",
    }))
}
