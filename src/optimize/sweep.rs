//! SLA per staffing level: the scenario is simulated at every level of one
//! agent group with the same seed (common random numbers), all levels and
//! replications in parallel, and each level reports every service KPI with
//! its confidence interval and the probability of meeting each target.

use serde::Serialize;

use super::{OptimizeError, Selection, find_group, selected, services_of_group};
use crate::cost::{PaidDays, paid_hours};
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

/// Parses integer levels: `A..B`, `A..B:STEP` or a comma list, each at
/// least `min` and at most 1,000,000 in size (a leading minus belongs to the
/// number, so `-2..10` is a range), at most 10,000 levels. The one parser
/// of `--agents` (`min` 0) and `--add` (negative removes agents).
fn parse_int_levels(flag: &str, s: &str, min: i64) -> Result<Vec<i64>, OptimizeError> {
    const MAX: i64 = 1_000_000;
    let v: Vec<i64> = if let Some((a, rest)) = s.split_once("..") {
        let (b, step) = rest.split_once(':').unwrap_or((rest, "1"));
        let (a, b, step): (i64, i64, i64) = (
            parse_num(flag, s, a)?,
            parse_num(flag, s, b)?,
            parse_num(flag, s, step)?,
        );
        if step < 1 || b < a || a.abs() > MAX || b.abs() > MAX || (b - a) / step >= 10_000 {
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
    if let Some(x) = v.iter().find(|&&x| x < min || x.abs() > MAX) {
        return Err(OptimizeError::Input(format!(
            "{flag} {s}: level {x} must be between {min} and {MAX}"
        )));
    }
    Ok(v)
}

/// Parses `--agents`: `20..40`, `20..40:2` or `20,22,25`.
///
/// # Errors
/// [`OptimizeError::Input`] naming the flag and the value.
pub fn parse_agents(s: &str) -> Result<Levels, OptimizeError> {
    let v = parse_int_levels("--agents", s, 0)?;
    // Between 0 and 1,000,000: fits a u32.
    Ok(Levels::Agents(v.into_iter().map(|x| x as u32).collect()))
}

/// Parses `--add`: `-2..10`, `-2..10:2` or `0,2,4` (agents added to
/// today's profile; negative removes).
///
/// # Errors
/// [`OptimizeError::Input`] naming the flag and the value.
pub fn parse_add(s: &str) -> Result<Levels, OptimizeError> {
    Ok(Levels::Add(parse_int_levels("--add", s, -1_000_000)?))
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

/// Whether a staffing profile is the same in every interval (as
/// `agents = 22`): `--agents` then sets every interval.
fn is_constant(staffing: &[Vec<u32>; 7]) -> bool {
    let first = staffing[0].first().copied().unwrap_or(0);
    staffing.iter().flatten().all(|&n| n == first)
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
    let constant = is_constant(&out.groups[g].staffing);
    let staffing = &mut out.groups[g].staffing;
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
    /// With `--days`/`--window`: the same figures over the selected
    /// intervals only (what the level is judged on).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub window: Option<WindowAtLevel>,
}

/// A service's figures over the selected intervals (`--days`, `--window`).
#[derive(Debug, Clone, Serialize)]
pub struct WindowAtLevel {
    /// The selection in the planner's words ("Monday 08:00-10:00").
    pub name: String,
    /// KPIs over those intervals with their 95% CIs.
    pub kpis: Kpis,
    /// Each target read on those intervals, with the probability of meeting it.
    pub compliance: Vec<Compliance>,
}

impl ServiceAtLevel {
    /// The figures a level is judged on: the selected intervals' when
    /// `--days`/`--window` is given, else the horizon's.
    pub fn judged(&self) -> (&Kpis, &[Compliance]) {
        match &self.window {
            Some(w) => (&w.kpis, &w.compliance),
            None => (&self.kpis, &self.compliance),
        }
    }
}

/// One weekday of the answer: the selected intervals in which the group
/// works, with the agents of the cheapest level meeting the targets and
/// today's.
#[derive(Debug, Clone, Serialize)]
pub struct AnswerDay {
    /// "Monday".
    pub weekday: &'static str,
    /// Interval starts, "08:00".
    pub starts: Vec<String>,
    /// Scheduled agents of the cheapest level meeting the targets.
    pub agents: Vec<u32>,
    /// Scheduled agents today (the scenario's staffing).
    pub today: Vec<u32>,
}

/// The sweep's answer in the planner's terms: what the cheapest level that
/// meets the targets means, in scheduled agents per interval and paid hours.
#[derive(Debug, Clone, Serialize)]
pub struct SweepAnswer {
    /// Label of the cheapest level meeting the targets; `None` when no level does.
    pub level: Option<String>,
    /// Per weekday of the selection present in the horizon (empty without
    /// `--days`/`--window`).
    pub days: Vec<AnswerDay>,
    /// Paid agent-hours of the group over the horizon at that level.
    pub paid_agent_hours: Option<f64>,
    /// Paid agent-hours of the group over the horizon today.
    pub today_paid_agent_hours: f64,
    /// `paid_agent_hours - today_paid_agent_hours`.
    pub change_paid_agent_hours: Option<f64>,
    /// Days of the horizon.
    pub horizon_days: u32,
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
    /// The scenario's description, for titles.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The intervals that vary (`--days`, `--window`), in the planner's
    /// words; `None`: every interval.
    pub selection: Option<String>,
    /// What the levels are judged on: the selected intervals
    /// ("Monday 08:00-10:00") or "the horizon".
    pub judged_on: String,
    /// The services judged: those whose voice calls the group answers.
    pub judged_services: Vec<String>,
    /// What the levels are: "agents", "agents added" or "factor".
    pub level_unit: &'static str,
    /// Paid agent-hours of the group with today's staffing.
    pub today_agent_hours: f64,
    /// ccsim version.
    pub ccsim_version: &'static str,
    /// Per level, in the order given.
    pub levels: Vec<LevelResult>,
    /// Index into `levels` of the cheapest level meeting every target, if any.
    pub smallest_meeting: Option<usize>,
    /// The answer in scheduled agents and paid hours.
    pub answer: SweepAnswer,
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
    check_changes(sc, g, o)?;
    let reps = o.replications.unwrap_or(sc.run.replications);
    let seed = o.seed.unwrap_or(sc.run.seed);
    // With a selection, every level also reports (and is judged on) the
    // selected intervals: a reporting window appended after the scenario's own.
    let window = o.only.as_ref().map(|sel| crate::scenario::Window {
        name: sel.label.clone(),
        days: sel.days,
        first_interval: sel.first,
        end_interval: sel.end,
    });
    let scenarios: Vec<Scenario> = (0..o.levels.len())
        .map(|i| {
            let mut l = apply_level(sc, g, &o.levels, i, o.only.as_ref());
            l.windows.extend(window.clone());
            l
        })
        .collect();
    let Some(summaries) = simulate(&scenarios, reps, seed)? else {
        return Ok(None);
    };
    let judged: Vec<String> = services_of_group(sc, g)
        .into_iter()
        .filter(|&s| {
            sc.groups[g]
                .skills
                .iter()
                .any(|&c| sc.call_types[c].service == s && !sc.call_types[c].channel.is_deferred())
        })
        .map(|s| sc.services[s].name.clone())
        .collect();
    let mut levels = Vec::with_capacity(summaries.len());
    for (i, (s, lsc)) in summaries.iter().zip(&scenarios).enumerate() {
        let services: Vec<ServiceAtLevel> = s
            .services
            .iter()
            .map(|e| ServiceAtLevel {
                name: e.name.clone(),
                kpis: e.kpis.clone(),
                compliance: e.compliance.clone(),
                window: window.as_ref().and_then(|_| {
                    e.windows.last().map(|w| WindowAtLevel {
                        name: w.name.clone(),
                        kpis: w.kpis.clone(),
                        compliance: w.compliance.clone(),
                    })
                }),
            })
            .collect();
        let meets_targets = services
            .iter()
            .filter(|sv| judged.contains(&sv.name))
            .all(|sv| {
                sv.judged()
                    .1
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
    let today_agent_hours = paid_hours(sc, g);
    let answer = answer(
        sc,
        g,
        o.only.as_ref(),
        smallest_meeting.map(|i| (&levels[i], &scenarios[i])),
        today_agent_hours,
    );
    Ok(Some(SweepResult {
        scenario: sc.name.clone(),
        description: sc.description.clone(),
        group: o.group.clone(),
        replications: reps,
        seed,
        confidence: o.confidence,
        selection: o.only.as_ref().map(|s| s.label.clone()),
        judged_on: o
            .only
            .as_ref()
            .map_or_else(|| "the horizon".to_string(), |s| s.label.clone()),
        judged_services: judged,
        level_unit: match o.levels {
            Levels::Agents(_) => "agents",
            Levels::Add(_) => "agents added",
            Levels::Scale(_) => "factor",
        },
        today_agent_hours,
        ccsim_version: env!("CARGO_PKG_VERSION"),
        levels,
        smallest_meeting,
        answer,
        note: "a level meets the targets when, for every service-level and abandonment target \
               of every service the group answers, the share of replications meeting it over \
               the judged intervals (`judged_on`: the selected intervals, else the horizon) is at \
               least `confidence`; the handling-time target does not depend on staffing and is \
               not used",
    }))
}

/// Whether level changes reach interval `i` of weekday `w` where today's
/// staffing is `n`: `--agents` replaces only staffed intervals (every one
/// when the staffing is constant), `--scale` multiplies (0 stays 0), `--add`
/// adds to any.
fn changes(levels: &Levels, constant: bool, n: u32) -> bool {
    match levels {
        Levels::Agents(_) => constant || n > 0,
        Levels::Scale(_) => n > 0,
        Levels::Add(_) => true,
    }
}

/// Refuses a sweep whose levels change no interval in which the group
/// works (a service it answers open on some date of the horizon): the
/// levels would all be the same scenario.
fn check_changes(sc: &Scenario, g: usize, o: &SweepOptions) -> Result<(), OptimizeError> {
    let paid = PaidDays::of_group(sc, g);
    let staffing = &sc.groups[g].staffing;
    let constant = is_constant(staffing);
    let any = (0..7).any(|w| {
        staffing[w].iter().enumerate().any(|(i, &n)| {
            selected(o.only.as_ref(), w, i) && paid.is_paid(w, i) && changes(&o.levels, constant, n)
        })
    });
    if any {
        return Ok(());
    }
    let what = match &o.levels {
        Levels::Add(_) => "works",
        _ => "is staffed",
    };
    Err(match &o.only {
        Some(sel) => OptimizeError::Input(format!(
            "{}: group `{}` {what} in no interval of {} in which a service it answers is open within the horizon, so every level would be the same",
            sel.flags, sc.groups[g].name, sel.label
        )),
        None => OptimizeError::Input(format!(
            "--group {}: the group {what} in no interval in which a service it answers is open, so every level would be the same",
            sc.groups[g].name
        )),
    })
}

/// The answer for the cheapest level meeting the targets (`chosen`: its
/// result and scenario): per weekday of the selection, the agents in the
/// selected intervals in which the group works, against today's.
fn answer(
    sc: &Scenario,
    g: usize,
    only: Option<&Selection>,
    chosen: Option<(&LevelResult, &Scenario)>,
    today_agent_hours: f64,
) -> SweepAnswer {
    let paid = PaidDays::of_group(sc, g);
    let is = sc.horizon.interval_s;
    let days = match (only, chosen) {
        (Some(sel), Some((_, lsc))) => super::staff::present_weekdays(sc)
            .into_iter()
            .filter(|&w| sel.days[w])
            .filter_map(|w| {
                let ivs: Vec<usize> = (sel.first..sel.end)
                    .filter(|&i| paid.is_paid(w, i))
                    .collect();
                (!ivs.is_empty()).then(|| AnswerDay {
                    weekday: super::long_day(w),
                    starts: ivs
                        .iter()
                        .map(|&i| crate::calendar::format_clock(i as u32 * is))
                        .collect(),
                    agents: ivs.iter().map(|&i| lsc.groups[g].staffing[w][i]).collect(),
                    today: ivs.iter().map(|&i| sc.groups[g].staffing[w][i]).collect(),
                })
            })
            .collect(),
        _ => Vec::new(),
    };
    SweepAnswer {
        level: chosen.map(|(l, _)| l.level.clone()),
        days,
        paid_agent_hours: chosen.map(|(l, _)| l.agent_hours),
        today_paid_agent_hours: today_agent_hours,
        change_paid_agent_hours: chosen.map(|(l, _)| l.agent_hours - today_agent_hours),
        horizon_days: sc.horizon.days,
    }
}
