//! The smallest staffing per interval of each weekday that meets the
//! service-level and abandonment targets, found by simulation.
//!
//! # Method
//!
//! In the spirit of Feldman, Mandelbaum, Massey & Whitt (2008), "Staffing of
//! time-varying queues to achieve time-stable performance" (Management
//! Science 54(2)): start from an analytic staffing, simulate it, and correct
//! it interval by interval until every interval meets its target.
//!
//! 1. **First guess** (per interval of each weekday, for the group's call
//!    types): Erlang A (M/M/n+M) with the *modified offered load* (MOL): the
//!    load `m(t)` of an infinite-server queue, `m' = λ(t) − m/AHT`, solved
//!    exactly over the piecewise-constant rates of the day and averaged over
//!    the interval, so a rate that triples at 8:00 is felt with the delay
//!    the handling time imposes. Handling and patience enter through their
//!    means only (the exponential approximation); several call types are
//!    pooled with rate-weighted means, and a call type served by several
//!    groups is split in proportion to the groups' current staffing.
//! 2. **Simulation correction**, all with the same seed (common random
//!    numbers), iterated until stable (at most `max_iterations`):
//!    * early rounds with a fifth of the replications (at least 20) judge
//!      the means at the bound the full run will have, and move every
//!      interval to what its Erlang A model, calibrated on the simulated
//!      figure, asks (down by at most a seventh a round), until little moves;
//!    * final rounds with every replication simulate the staffing and a
//!      probe with one agent less in every interval not yet shown to need
//!      its agents; an interval that misses its target *at the stated
//!      confidence* is raised by what its calibrated model asks (at least
//!      one agent); one that still meets its targets in the probe loses the
//!      agent (each passed with its neighbours reduced too, so removing all
//!      of them at once is safe); one that fails in the probe keeps its
//!      agents and is not probed again;
//!    * the search stops when every interval meets its targets and the
//!      probe removed nothing, or less than 0.1% of the paid hours. The cheapest staffing seen that met every
//!      target is returned, with its simulation (not run again).
//!
//!    "Meets at confidence c" means the one-sided lower confidence bound of
//!    the interval's service level (`mean − z_c · s/√n` over replications) is
//!    at least the target, and the upper bound of its abandonment rate is at
//!    most the maximum; `c = 0.5` uses the means.
//! 3. **Several groups** are searched together, each interval of each
//!    group moved by its own verdict in the same rounds, so that groups
//!    that help each other (overflow skills) converge together; groups not
//!    chosen with `--group` keep their staffing. A service that several
//!    groups serve is judged, for each group, on the call types the group
//!    serves first (as routing sends an arriving call), each against the
//!    service's targets, so that no group is raised for calls it cannot
//!    take; a service that one group serves alone is judged as a whole.
//!
//! Intervals in which the group's call types have no arrivals get no agents.
//! The SIPP yardstick (Erlang C per interval with the interval's own rate,
//! no abandonment) is computed and simulated beside it.

use serde::Serialize;
use statrs::distribution::{ContinuousCDF, Normal};

use super::{OptimizeError, Selection, find_group, selected, services_of_group};
use crate::analytic;
use crate::calendar::{ClockTime, Weekday};
use crate::cost::{PaidDays, paid_hours};
use crate::experiment::{summaries, with_threads};
use crate::scenario::Scenario;
use crate::stats::Summary;
use crate::stats::estimate::{Estimate, TQuantiles};
use crate::stats::kpi::Kpi;

/// Which figure must meet the targets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Mode {
    /// Every interval with offered calls meets every target (default).
    PerInterval,
    /// The horizon's aggregate meets the targets (what a contract measures).
    Aggregate,
}

/// How to search.
#[derive(Debug, Clone)]
pub struct StaffOptions {
    /// Groups to optimise, in order; empty means every group.
    pub groups: Vec<String>,
    /// Per interval or aggregate.
    pub mode: Mode,
    /// One-sided confidence with which a target must be met (0.5: the mean).
    pub confidence: f64,
    /// Replications per simulation (default: the scenario's).
    pub replications: Option<u32>,
    /// Master seed (default: the scenario's).
    pub seed: Option<u64>,
    /// Worker threads (default: all cores). Results do not depend on it.
    pub threads: Option<usize>,
    /// Maximum correction rounds per group.
    pub max_iterations: u32,
    /// Called after each round (progress on stderr).
    pub progress: Option<fn(&RoundInfo)>,
    /// Only these intervals change (`--days`, `--window`); the others keep
    /// the scenario's staffing. `None`: every interval.
    pub only: Option<Selection>,
    /// Re-simulate the staffing found with this seed and count the
    /// intervals that meet their targets (`--verify-seed`).
    pub verify_seed: Option<u64>,
}

impl Default for StaffOptions {
    fn default() -> Self {
        StaffOptions {
            groups: Vec::new(),
            mode: Mode::PerInterval,
            confidence: 0.95,
            replications: None,
            seed: None,
            threads: None,
            max_iterations: 60,
            progress: None,
            only: None,
            verify_seed: None,
        }
    }
}

/// The targets an interval of a group must meet: the strictest of its services.
#[derive(Debug, Clone, Copy)]
struct GroupTargets {
    threshold_s: f64,
    service_level: Option<f64>,
    max_abandon: Option<f64>,
}

fn group_targets(sc: &Scenario, g: usize) -> GroupTargets {
    let mut t = GroupTargets {
        threshold_s: f64::INFINITY,
        service_level: None,
        max_abandon: None,
    };
    for s in services_of_group(sc, g) {
        let tg = &sc.services[s].targets;
        t.threshold_s = t.threshold_s.min(tg.answered_within_s);
        if let Some(x) = tg.service_level {
            t.service_level = Some(t.service_level.map_or(x, |y: f64| y.max(x)));
        }
        if let Some(x) = tg.max_abandon_rate {
            t.max_abandon = Some(t.max_abandon.map_or(x, |y: f64| y.min(x)));
        }
    }
    if !t.threshold_s.is_finite() {
        t.threshold_s = 20.0;
    }
    t
}

/// Traffic of one interval as the simulation sees it, for the analytic
/// staffing (see [`group_traffic`]).
#[derive(Debug, Clone, Copy, Default)]
struct Traffic {
    /// Calls per second reaching the queue: first attempts while open,
    /// closed-hours retries after opening, redials at the target abandonment.
    lambda: f64,
    /// Same, as the modified offered load divided by the busy time.
    mol: f64,
    /// Mean time an agent is busy per call: handling times every factor and
    /// effect in force on the dates, plus after-call work, seconds.
    busy_s: f64,
    /// Mean patience, seconds (`None`: callers never abandon).
    patience: Option<f64>,
}

/// Offered traffic of group `g` in each interval of weekday `w`, averaged
/// over the non-holiday dates of that weekday in the horizon: volume
/// factors, handling factors and effects (of the call type and of the
/// group), after-call work, callers who retry at opening (spread by their
/// mean delay) and redials of callers who abandon (at the target rate).
/// A call type served by several groups is split in proportion to the
/// groups' staffing.
fn group_traffic(sc: &Scenario, g: usize, w: usize) -> Vec<Traffic> {
    let h = &sc.horizon;
    let ipd = h.intervals_per_day();
    let dt = f64::from(h.interval_s);
    let grp = &sc.groups[g];
    let dates: Vec<crate::calendar::Date> = (0..h.days as usize)
        .map(|d| h.date(d))
        .filter(|d| d.weekday().index() == w && !h.holidays.contains(d))
        .collect();
    let mut lam = vec![0.0; ipd];
    let mut mol = vec![0.0; ipd];
    let mut busy = vec![0.0; ipd];
    let mut p_sum = vec![0.0; ipd];
    let mut p_w = vec![0.0; ipd];
    if dates.is_empty() {
        return vec![Traffic::default(); ipd];
    }
    for &c in &grp.skills {
        let ct = &sc.call_types[c];
        if ct.channel.is_deferred() {
            continue;
        }
        // Volume and handling factors over the dates of this weekday.
        let (mut vol, mut hf) = (0.0, 0.0);
        for &d in &dates {
            let v = ct.volume_factor(d);
            vol += v;
            hf += v * ct.handling_factor(d) * grp.handling_factor_on(c, d);
        }
        let vol_mean = vol / dates.len() as f64;
        let hf_mean = if vol > 0.0 { hf / vol } else { 1.0 };
        let busy_s = (ct.handling.mean() * hf_mean * grp.handling_factor
            + ct.wrap_up.map_or(0.0, |d| d.mean()))
        .max(1e-9);
        let servers: Vec<usize> = (0..sc.groups.len())
            .filter(|&k| sc.groups[k].skills.contains(&c))
            .collect();
        let open = &sc.services[ct.service].open[w];
        let max_ab = sc.services[ct.service]
            .targets
            .max_abandon_rate
            .unwrap_or(0.05);
        let redial = ct.redial.as_ref().map_or(0.0, |r| r.probability * max_ab);
        // First attempts while open, and retries at the next opening.
        let mut rate = vec![0.0; ipd];
        let mut pending = 0.0;
        for i in 0..ipd {
            let r = ct.rate_per_s[w].get(i).copied().unwrap_or(0.0) * vol_mean;
            let share = open_share(open, i, dt);
            rate[i] += r * share;
            if let Some(ch) = &ct.closed_hours {
                pending += r * (1.0 - share) * dt * ch.retry_share;
                if share > 0.0 && pending > 0.0 {
                    // Spread over the following intervals by the mean delay.
                    let mean = ch.delay.map_or(0.0, |d| d.mean());
                    let mut left = pending;
                    for (j, slot) in rate.iter_mut().enumerate().skip(i) {
                        let k = (j - i) as f64;
                        let part = if mean <= 0.0 {
                            left
                        } else {
                            pending * ((-k * dt / mean).exp() - (-(k + 1.0) * dt / mean).exp())
                        };
                        *slot += part.min(left) / dt;
                        left -= part.min(left);
                        if left <= 1e-12 {
                            break;
                        }
                    }
                    pending = 0.0;
                }
            }
        }
        // Infinite-server load m' = λ − m/busy. The day is run twice and
        // only the second pass is recorded, so it starts from the load the
        // same day leaves at midnight (zero after a night closure).
        let mut m = 0.0;
        for (pass, i) in (0..2).flat_map(|p| (0..ipd).map(move |i| (p, i))) {
            let total: f64 = servers
                .iter()
                .map(|&k| f64::from(sc.groups[k].staffing[w][i]))
                .sum();
            let share = if total > 0.0 {
                f64::from(grp.staffing[w][i]) / total
            } else {
                1.0 / servers.len() as f64
            };
            let r = rate[i] * (1.0 + redial);
            let target = r * busy_s;
            let decay = (-dt / busy_s).exp();
            let avg = target + (m - target) * (busy_s / dt) * (1.0 - decay);
            m = target + (m - target) * decay;
            if pass == 0 {
                continue;
            }
            let l = r * share;
            lam[i] += l;
            mol[i] += avg / busy_s * share;
            busy[i] += l * busy_s;
            if let Some(p) = &ct.patience {
                p_sum[i] += l * p.mean();
                p_w[i] += l;
            }
        }
    }
    (0..ipd)
        .map(|i| {
            if lam[i] > 0.0 {
                Traffic {
                    lambda: lam[i],
                    mol: mol[i],
                    busy_s: busy[i] / lam[i],
                    patience: (p_w[i] > 0.0).then(|| p_sum[i] / p_w[i]),
                }
            } else {
                Traffic::default()
            }
        })
        .collect()
}

/// Share of interval `i` (length `dt` seconds) inside the open ranges.
fn open_share(ranges: &[(u32, u32)], i: usize, dt: f64) -> f64 {
    let (a, b) = (i as f64 * dt, (i + 1) as f64 * dt);
    let open: f64 = ranges
        .iter()
        .map(|&(s, e)| (b.min(f64::from(e)) - a.max(f64::from(s))).max(0.0))
        .sum();
    (open / dt).clamp(0.0, 1.0)
}

/// Agents available (not scheduled) that Erlang A (or Erlang C without
/// patience) asks for `lambda` calls per second of `busy_s` seconds each.
fn erlang_agents(lambda: f64, busy_s: f64, patience: Option<f64>, t: &GroupTargets) -> u32 {
    if lambda <= 0.0 {
        return 0;
    }
    let fallback = analytic::sqrt_staffing(lambda * busy_s, 1.0).max(1);
    analytic::min_agents(
        lambda,
        busy_s,
        patience,
        t.threshold_s,
        t.service_level.unwrap_or(0.0),
        if patience.is_some() {
            t.max_abandon
        } else {
            None
        },
        1_000_000,
    )
    .ok()
    .flatten()
    .unwrap_or(fallback)
    .max(1)
}

/// Scheduled agents that give at least `available` agents after
/// shrinkage, as the simulation counts them (`round(n × (1 − shrinkage))`).
pub fn scheduled_for(available: u32, shrinkage: f64) -> u32 {
    let keep = 1.0 - shrinkage;
    let mut n = (f64::from(available) / keep).floor().max(0.0) as u32;
    while ((f64::from(n) * keep).round() as u32) < available {
        n += 1;
    }
    n
}

/// Per-weekday staffing: `[weekday][interval]`.
pub type Staffing = [Vec<u32>; 7];

/// The analytic first guess for group `g` (Erlang A with the modified
/// offered load) and the SIPP staffing (Erlang C with each interval's
/// rate), both in **scheduled** agents: the traffic is the one the
/// simulation sees ([`group_traffic`]) and the available agents are
/// divided by the group's shrinkage.
pub fn analytic_guess(sc: &Scenario, g: usize) -> (Staffing, Staffing) {
    let t = group_targets(sc, g);
    let shrink = sc.groups[g].shrinkage;
    let mut guess = sc.groups[g].staffing.clone();
    let mut sipp = sc.groups[g].staffing.clone();
    for w in present_weekdays(sc) {
        for (i, tr) in group_traffic(sc, g, w).iter().enumerate() {
            guess[w][i] = scheduled_for(erlang_agents(tr.mol, tr.busy_s, tr.patience, &t), shrink);
            sipp[w][i] = scheduled_for(erlang_agents(tr.lambda, tr.busy_s, None, &t), shrink);
        }
    }
    (guess, sipp)
}

/// Weekdays that occur in the horizon.
pub fn present_weekdays(sc: &Scenario) -> Vec<usize> {
    let mut v: Vec<usize> = (0..(sc.horizon.days as usize).min(7))
        .map(|d| sc.horizon.weekday(d).index())
        .collect();
    v.sort_unstable();
    v
}

/// Per-interval figures of one service read from a summary.
#[derive(Debug, Clone, Copy)]
pub struct IntervalFigures {
    /// Offered calls (mean over replications, total over the pooled days).
    pub offered: f64,
    /// Service level.
    pub service_level: Estimate,
    /// Abandonment rate.
    pub abandon_rate: Estimate,
}

/// `[service][weekday * ipd + interval]` figures of a summary.
pub(crate) fn figures(
    s: &Summary,
    ipd: usize,
    interval_s: u32,
) -> Vec<Vec<Option<IntervalFigures>>> {
    entity_figures(&s.services, ipd, interval_s)
}

/// `[entity][weekday * ipd + interval]` figures of services or call types.
fn entity_figures(
    entities: &[crate::stats::EntitySummary],
    ipd: usize,
    interval_s: u32,
) -> Vec<Vec<Option<IntervalFigures>>> {
    entities
        .iter()
        .map(|e| {
            let mut v = vec![None; 7 * ipd];
            for iv in &e.intervals {
                let i = (iv.start.secs() / interval_s) as usize;
                let (Some(o), Some(sl), Some(ab)) = (
                    iv.kpis.get(Kpi::Offered),
                    iv.kpis.get(Kpi::ServiceLevel),
                    iv.kpis.get(Kpi::AbandonRate),
                ) else {
                    continue;
                };
                if o.mean > 0.0 && i < ipd {
                    v[iv.weekday.index() * ipd + i] = Some(IntervalFigures {
                        offered: o.mean,
                        service_level: sl,
                        abandon_rate: ab,
                    });
                }
            }
            v
        })
        .collect()
}

/// Judges estimates against targets at a one-sided confidence.
#[derive(Debug, Clone)]
pub struct Judge {
    z: f64,
    t: TQuantiles,
}

impl Judge {
    /// A judge at one-sided confidence `confidence` (0.5 judges means).
    pub fn new(confidence: f64) -> Judge {
        let z = Normal::new(0.0, 1.0)
            .map(|n| n.inverse_cdf(confidence.clamp(0.5, 0.999_999)))
            .unwrap_or(0.0);
        Judge {
            z,
            t: TQuantiles::default(),
        }
    }
    /// The same judge for estimates from `from` replications that predicts
    /// the verdict at `to` replications: the standard error shrinks as
    /// `√(from/to)`, so the bound is `mean − z·s·√(from/to)/√from`.
    pub fn scaled(&self, from: u32, to: u32) -> Judge {
        Judge {
            z: self.z * (f64::from(from) / f64::from(to.max(1))).sqrt(),
            t: TQuantiles::default(),
        }
    }
    fn se(&mut self, e: &Estimate) -> f64 {
        if e.n < 2 || !e.ci95.is_finite() {
            0.0
        } else {
            e.ci95 / self.t.get(e.n - 1)
        }
    }
    /// Lower confidence bound of `e`.
    pub fn lower(&mut self, e: &Estimate) -> f64 {
        e.mean - self.z * self.se(e)
    }
    /// Upper confidence bound of `e`.
    pub fn upper(&mut self, e: &Estimate) -> f64 {
        e.mean + self.z * self.se(e)
    }
}

/// Verdict on one interval: `None` when it has no offered calls; else
/// `Some(deficit)`, the shortfall of its service level (0 when every target
/// is met at the confidence, positive when one is missed).
pub(crate) fn verdict(
    fig: &[Vec<Option<IntervalFigures>>],
    services: &[usize],
    sc: &Scenario,
    key: usize,
    judge: &mut Judge,
) -> Option<f64> {
    deficit(services.iter().map(|&s| (fig[s][key], s)), sc, judge)
}

/// Shortfall of `(figures, service whose targets apply)` rows: `None` when
/// no row has offered calls, else the largest miss (0 when all meet).
fn deficit(
    rows: impl Iterator<Item = (Option<IntervalFigures>, usize)>,
    sc: &Scenario,
    judge: &mut Judge,
) -> Option<f64> {
    let mut any = false;
    let mut deficit: f64 = 0.0;
    for (f, s) in rows {
        let Some(f) = f else { continue };
        any = true;
        let tg = &sc.services[s].targets;
        if let Some(x) = tg.service_level
            && f.service_level.mean.is_finite()
        {
            let lo = judge.lower(&f.service_level);
            if lo < x {
                deficit = deficit.max((x - lo).max(1e-9));
            }
        }
        if let Some(x) = tg.max_abandon_rate
            && f.abandon_rate.mean.is_finite()
        {
            let hi = judge.upper(&f.abandon_rate);
            if hi > x {
                deficit = deficit.max((hi - x).max(1e-9));
            }
        }
    }
    any.then_some(deficit)
}

/// What one group's search judges. A service whose voice call types are
/// all served first by the group is judged as a whole (its targets are the
/// service's); a service shared with other groups is judged on the call
/// types the group serves first, each against the service's targets, so
/// that a group is never asked to fix calls it cannot take (the search of
/// the group that owns them does).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unit {
    /// A service, judged on its own figures.
    Service(usize),
    /// A call type (index) judged against the targets of its service.
    CallType(usize, usize),
}

/// The group that serves call type `c` first, as routing sends an arriving
/// call: where it ranks highest among the skills, then fewer skills, then
/// file order.
fn owner(sc: &Scenario, c: usize) -> Option<usize> {
    (0..sc.groups.len())
        .filter_map(|g| {
            let pos = sc.groups[g].skills.iter().position(|&x| x == c)?;
            Some((pos, sc.groups[g].skills.len(), g))
        })
        .min()
        .map(|(_, _, g)| g)
}

/// The units group `g` is judged on (see [`Unit`]).
fn units_of_group(sc: &Scenario, g: usize) -> Vec<Unit> {
    let mut units = Vec::new();
    for s in services_of_group(sc, g) {
        let voice: Vec<usize> = (0..sc.call_types.len())
            .filter(|&c| sc.call_types[c].service == s && !sc.call_types[c].channel.is_deferred())
            .collect();
        let own: Vec<usize> = voice
            .iter()
            .copied()
            .filter(|&c| owner(sc, c) == Some(g))
            .collect();
        if own.len() == voice.len() {
            // Every call of the service is the group's first concern.
            units.push(Unit::Service(s));
        } else {
            // Calls the group only takes as overflow are judged in the
            // search of the group that serves them first.
            units.extend(own.into_iter().map(|c| Unit::CallType(c, s)));
        }
    }
    if units.is_empty() {
        // A group that serves nothing first (pure overflow) is judged on
        // every service it serves.
        units = services_of_group(sc, g)
            .into_iter()
            .map(Unit::Service)
            .collect();
    }
    units
}

/// Figures of a summary by service and by call type.
struct Figs {
    services: Vec<Vec<Option<IntervalFigures>>>,
    call_types: Vec<Vec<Option<IntervalFigures>>>,
}

impl Figs {
    fn of(s: &Summary, ipd: usize, interval_s: u32) -> Figs {
        Figs {
            services: entity_figures(&s.services, ipd, interval_s),
            call_types: entity_figures(&s.call_types, ipd, interval_s),
        }
    }
    fn row(&self, u: Unit, key: usize) -> (Option<IntervalFigures>, usize) {
        match u {
            Unit::Service(s) => (self.services[s][key], s),
            Unit::CallType(c, s) => (self.call_types[c][key], s),
        }
    }
    fn verdict(&self, units: &[Unit], sc: &Scenario, key: usize, judge: &mut Judge) -> Option<f64> {
        deficit(units.iter().map(|&u| self.row(u, key)), sc, judge)
    }
}

/// One interval of the result.
#[derive(Debug, Clone, Serialize)]
pub struct IntervalPlan {
    /// Weekday.
    pub weekday: Weekday,
    /// Start (serialised as HH:MM).
    pub start: ClockTime,
    /// Agent group.
    pub group: String,
    /// Agents found (the requirement).
    pub agents: u32,
    /// Agents in the input scenario.
    pub input_agents: u32,
    /// Analytic first guess (Erlang A, modified offered load).
    pub analytic_agents: u32,
    /// SIPP staffing (Erlang C with the interval's rate, no abandonment).
    pub sipp_agents: u32,
    /// Offered calls per day (mean over replications and over the
    /// non-holiday dates of the weekday), as `run --intervals` shows them.
    pub offered: f64,
    /// Simulated service level with the agents found (worst service of the group).
    pub service_level: Estimate,
    /// Simulated abandonment rate with the agents found (same service).
    pub abandon_rate: Estimate,
    /// Simulated service level of the SIPP staffing.
    pub sipp_service_level: Option<Estimate>,
    /// Simulated service level of the input staffing.
    pub input_service_level: Option<Estimate>,
    /// Whether the interval meets its targets at the stated confidence.
    pub meets_targets: bool,
}

/// The staffing found, re-simulated with another seed (`--verify-seed`).
#[derive(Debug, Clone, Serialize)]
pub struct Verification {
    /// The other seed.
    pub seed: u64,
    /// Replications of the re-simulation.
    pub replications: u32,
    /// Intervals (of the groups staffed, in the selection) with calls.
    pub intervals_with_calls: usize,
    /// Of those, the intervals whose mean meets every target.
    pub meeting_at_means: usize,
    /// Of those, the intervals that meet every target at the confidence.
    pub meeting_at_confidence: usize,
}

/// The result of `ccsim staff`.
#[derive(Debug, Clone, Serialize)]
pub struct StaffResult {
    /// Scenario name.
    pub scenario: String,
    /// Replications per simulation.
    pub replications: u32,
    /// Master seed.
    pub seed: u64,
    /// One-sided confidence of the targets.
    pub confidence: f64,
    /// Per interval or aggregate.
    pub mode: Mode,
    /// ccsim version.
    pub ccsim_version: &'static str,
    /// Paid agent-hours over the horizon with the staffing found (groups optimised).
    pub agent_hours: f64,
    /// Paid agent-hours of the input scenario (same groups).
    pub input_agent_hours: f64,
    /// Paid agent-hours of the SIPP staffing (same groups).
    pub sipp_agent_hours: f64,
    /// Correction rounds run, per group.
    pub iterations: Vec<u32>,
    /// The intervals asked about (`--days`, `--window`), in the planner's
    /// words; `None`: every interval.
    pub selection: Option<String>,
    /// Days of the horizon.
    pub horizon_days: u32,
    /// Groups whose search `--max-iterations` stopped before it converged.
    pub max_iterations_reached: Vec<String>,
    /// Simulations run in all.
    pub simulations: u32,
    /// Intervals with offered calls that miss a target at the confidence.
    pub intervals_missing: usize,
    /// Intervals with offered calls.
    pub intervals_with_calls: usize,
    /// The intervals that miss a target, as "mon 08:00 group".
    pub intervals_still_missing: Vec<String>,
    /// Per group and interval with traffic.
    pub intervals: Vec<IntervalPlan>,
    /// The staffing found re-simulated with another seed, when asked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verification: Option<Verification>,
    /// Horizon compliance of each service with the staffing found.
    pub services: Vec<crate::stats::EntitySummary>,
    /// How the figures were obtained.
    pub method: &'static str,
    /// The staffed scenario (not serialised).
    #[serde(skip)]
    pub staffed: Scenario,
    /// Indices of the groups optimised (not serialised).
    #[serde(skip)]
    pub groups: Vec<usize>,
}

/// Description of the method, copied into results.
pub const METHOD: &str = "first guess: Erlang A per interval with the modified offered load (exponential \
approximation of handling and patience); then simulation with common random numbers, early rounds with a \
fifth of the replications: raise an interval that misses a target at the stated confidence by what its \
calibrated Erlang A model asks, remove an agent where the interval still meets its targets without it \
(every interval probed at once), until stable; groups searched together, each judged on the call types it \
serves first (Feldman, Mandelbaum, Massey & Whitt 2008)";

/// What the search reports after each round (for progress on stderr).
#[derive(Debug, Clone)]
pub struct RoundInfo {
    /// Group being staffed.
    pub group: String,
    /// Round number, from 1.
    pub round: u32,
    /// Replications of the round's simulations.
    pub replications: u32,
    /// Intervals with calls that miss a target (at the means in early
    /// rounds, at the confidence in the final ones).
    pub missing: usize,
    /// Intervals with calls.
    pub with_calls: usize,
    /// Paid agent-hours of the staffing simulated.
    pub paid_hours: f64,
}

/// Staffing of each group searched, in the order of [`Search::groups`].
type Plan = Vec<Staffing>;

/// Interval-by-interval search state of the groups staffed together.
struct Search<'a> {
    sc: &'a Scenario,
    /// Groups searched.
    groups: Vec<usize>,
    /// Services of those groups.
    services: Vec<usize>,
    /// What each group is judged on.
    units: Vec<Vec<Unit>>,
    reps: u32,
    seed: u64,
    simulations: u32,
    /// Traffic of each group and `weekday * ipd + interval` key, for sized
    /// corrections.
    traffic: Vec<Vec<Traffic>>,
    targets: Vec<GroupTargets>,
    paid: Vec<PaidDays>,
    progress: Option<fn(&RoundInfo)>,
    only: Option<Selection>,
}

/// Replications of the early rounds: a fifth of the full number, at least
/// 20 (all of them when there are fewer than 40).
fn early_replications(reps: u32) -> u32 {
    if reps < 40 { reps } else { (reps / 5).max(20) }
}

impl<'a> Search<'a> {
    fn new(
        sc: &'a Scenario,
        groups: &[usize],
        reps: u32,
        seed: u64,
        progress: Option<fn(&RoundInfo)>,
        only: Option<Selection>,
    ) -> Self {
        let ipd = sc.horizon.intervals_per_day();
        let traffic = groups
            .iter()
            .map(|&g| {
                let mut traffic = vec![Traffic::default(); 7 * ipd];
                for w in present_weekdays(sc) {
                    for (i, t) in group_traffic(sc, g, w).into_iter().enumerate() {
                        traffic[w * ipd + i] = t;
                    }
                }
                traffic
            })
            .collect();
        let mut services: Vec<usize> = groups
            .iter()
            .flat_map(|&g| services_of_group(sc, g))
            .collect();
        services.sort_unstable();
        services.dedup();
        Search {
            sc,
            groups: groups.to_vec(),
            services,
            units: groups.iter().map(|&g| units_of_group(sc, g)).collect(),
            reps,
            seed,
            simulations: 0,
            traffic,
            targets: groups.iter().map(|&g| group_targets(sc, g)).collect(),
            paid: groups.iter().map(|&g| PaidDays::of_group(sc, g)).collect(),
            progress,
            only,
        }
    }

    /// The `weekday * ipd + interval` keys the search may change.
    fn keys(&self) -> Vec<usize> {
        let ipd = self.sc.horizon.intervals_per_day();
        present_weekdays(self.sc)
            .into_iter()
            .flat_map(|w| (0..ipd).map(move |i| w * ipd + i))
            .filter(|&k| selected(self.only.as_ref(), k / ipd, k % ipd))
            .collect()
    }

    fn with(&self, base: &Scenario, plan: &[Staffing]) -> Scenario {
        let mut sc = base.clone();
        for (j, &g) in self.groups.iter().enumerate() {
            sc.groups[g].staffing = plan[j].clone();
        }
        sc
    }

    fn hours(&self, plan: &[Staffing]) -> f64 {
        self.paid.iter().zip(plan).map(|(p, s)| p.hours(s)).sum()
    }

    fn simulate(&mut self, list: &[Scenario], reps: u32) -> Vec<Summary> {
        self.simulations += list.len() as u32;
        summaries(list, reps, self.seed)
    }

    fn report(&self, round: u32, reps: u32, missing: usize, with_calls: usize, plan: &[Staffing]) {
        if let Some(p) = self.progress {
            let names: Vec<&str> = self
                .groups
                .iter()
                .map(|&g| self.sc.groups[g].name.as_str())
                .collect();
            p(&RoundInfo {
                group: names.join(", "),
                round,
                replications: reps,
                missing,
                with_calls,
                paid_hours: self.hours(plan),
            });
        }
    }

    /// Scheduled agents of group `j` that the Erlang A model of interval
    /// `key`, its load scaled so that at `n` scheduled agents it gives the
    /// observed service level (or abandonment, without a service-level
    /// target), asks for the targets. `None` when the interval has no
    /// traffic to model.
    fn sized(&self, j: usize, key: usize, n: u32, sl: f64, ab: f64) -> Option<u32> {
        let tr = self.traffic[j][key];
        let t = &self.targets[j];
        let grp = &self.sc.groups[self.groups[j]];
        if tr.mol <= 0.0 {
            return None;
        }
        let avail = grp.available(n).max(1);
        let model = |k: f64, a: u32| {
            analytic::Queue {
                lambda_per_s: k * tr.mol,
                aht_s: tr.busy_s,
                n: a,
                patience_s: tr.patience,
            }
            .metrics(t.threshold_s)
            .ok()
        };
        // The figure to match: service level (decreasing in the load) or
        // abandonment (increasing).
        let by_sl = t.service_level.is_some() && sl.is_finite();
        let (obs, sign) = if by_sl {
            (sl, 1.0)
        } else if t.max_abandon.is_some() && ab.is_finite() {
            (ab, -1.0)
        } else {
            return None;
        };
        let value = |k: f64| {
            model(k, avail).map_or(if by_sl { 0.0 } else { 1.0 }, |m| {
                if by_sl { m.service_level } else { m.p_abandon }
            })
        };
        // Bisection on log k in [1/8, 8]: value(k) moves against the load.
        let (mut lo, mut hi) = (
            -3.0f64 * std::f64::consts::LN_2,
            3.0 * std::f64::consts::LN_2,
        );
        for _ in 0..30 {
            let mid = 0.5 * (lo + hi);
            if sign * (value(mid.exp()) - obs) > 0.0 {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        let k = (0.5 * (lo + hi)).exp();
        let a = erlang_agents(k * tr.mol, tr.busy_s, tr.patience, t);
        Some(scheduled_for(a, grp.shrinkage))
    }

    /// Per-interval search of every group together from `start`; returns
    /// the staffing, the rounds run, whether `max_iterations` stopped it
    /// before it converged, and the full-replication summary of the
    /// staffing returned (when one was run).
    ///
    /// The groups move together, each judged on its own units ([`Unit`]),
    /// so each round sees the others as they are now (two groups that help
    /// each other converge together, not one after the other).
    ///
    /// Early rounds run a fifth of the replications and judge the means:
    /// every interval moves to what its calibrated Erlang A model asks
    /// ([`Search::sized`]), up or down (down by at most a seventh a round).
    /// The final rounds run every replication and judge at the confidence,
    /// with two simulations a round: the staffing, and a probe with one
    /// agent less in every interval that has not yet shown it needs its
    /// agents. An interval that misses moves up by what its model asks (at
    /// least one agent; one exactly, and no more probes, if it lost an agent
    /// before); an interval that still meets its targets in the probe loses
    /// the agent. Removing every interval that passed at once is safe: each
    /// passed with its neighbours reduced too. The search stops when every
    /// interval meets its targets and the probe removed nothing (or less
    /// than a thousandth of the paid hours).
    fn per_interval(
        &mut self,
        base: &Scenario,
        start: Plan,
        judge: &mut Judge,
        max_iterations: u32,
    ) -> (Plan, u32, bool, Option<Summary>) {
        let ipd = self.sc.horizon.intervals_per_day();
        let is = self.sc.horizon.interval_s;
        let keys: Vec<(usize, usize)> = (0..self.groups.len())
            .flat_map(|j| self.keys().into_iter().map(move |k| (j, k)))
            .collect();
        let units = self.units.clone();
        let mut s = start;
        let mut rounds = 0;
        // Early rounds: fewer replications, means, sized moves both ways.
        let early = early_replications(self.reps);
        // Early verdicts predict the final ones: the confidence bound the
        // full replications will have.
        let mut early_judge = judge.scaled(early, self.reps);
        if early < self.reps {
            for _ in 0..8 {
                if rounds >= max_iterations {
                    break;
                }
                rounds += 1;
                let sim = self.simulate(&[self.with(base, &s)], early);
                let now = Figs::of(&sim[0], ipd, is);
                let (mut moved, mut missing, mut with_calls) = (0u32, 0, 0);
                let mut next = s.clone();
                for &(j, k) in &keys {
                    let (w, i) = (k / ipd, k % ipd);
                    let Some(d) = now.verdict(&units[j], self.sc, k, &mut early_judge) else {
                        continue;
                    };
                    with_calls += 1;
                    let (sl, ab) = worst_figures(&now, &units[j], k, &mut early_judge);
                    let n = s[j][w][i];
                    let want = self.sized(j, k, n, sl, ab).unwrap_or(n);
                    let new = if d > 0.0 {
                        missing += 1;
                        want.max(n + 1)
                    } else {
                        want.max(n - n.div_ceil(7).min(n)).min(n)
                    };
                    moved += new.abs_diff(n);
                    next[j][w][i] = new;
                }
                self.report(rounds, early, missing, with_calls, &s);
                s = next;
                if moved as usize <= keys.len() / 50 {
                    break;
                }
            }
        }
        // Final rounds: every replication, at the confidence, the staffing
        // and its probe side by side.
        let mut best: Option<(f64, Plan, Summary)> = None;
        let mut converged = false;
        // `removed`: lost an agent to a probe; `frozen`: needs every agent
        // it has (missed after a removal, or failed its probe), not probed
        // again.
        let slot = |j: usize, k: usize| j * 7 * ipd + k;
        let mut removed = vec![false; self.groups.len() * 7 * ipd];
        let mut frozen = removed.clone();
        while rounds < max_iterations {
            rounds += 1;
            let mut probe = s.clone();
            let mut probed = vec![false; removed.len()];
            for &(j, k) in &keys {
                let (w, i) = (k / ipd, k % ipd);
                if s[j][w][i] > 0 && !frozen[slot(j, k)] {
                    probe[j][w][i] -= 1;
                    probed[slot(j, k)] = true;
                }
            }
            let mut list = vec![self.with(base, &s)];
            if probed.contains(&true) {
                list.push(self.with(base, &probe));
            }
            let mut sims = self.simulate(&list, self.reps);
            let now = Figs::of(&sims[0], ipd, is);
            let low = sims.get(1).map(|x| Figs::of(x, ipd, is));
            let mut next = s.clone();
            let mut removals = false;
            let (mut missing, mut with_calls) = (0, 0);
            for &(j, k) in &keys {
                let (w, i) = (k / ipd, k % ipd);
                let Some(d) = now.verdict(&units[j], self.sc, k, judge) else {
                    // No offered calls for this group's units.
                    continue;
                };
                with_calls += 1;
                let n = s[j][w][i];
                let at = slot(j, k);
                if d > 0.0 {
                    missing += 1;
                    next[j][w][i] = if removed[at] {
                        frozen[at] = true;
                        n + 1
                    } else {
                        // Sized on the confidence bounds.
                        let (sl, ab) = worst_figures(&now, &units[j], k, judge);
                        self.sized(j, k, n, sl, ab).unwrap_or(n).max(n + 1)
                    };
                } else if probed[at]
                    && low
                        .as_ref()
                        .is_some_and(|l| l.verdict(&units[j], self.sc, k, judge) == Some(0.0))
                {
                    next[j][w][i] -= 1;
                    removed[at] = true;
                    removals = true;
                } else if probed[at] {
                    frozen[at] = true;
                }
            }
            self.report(rounds, self.reps, missing, with_calls, &s);
            if missing == 0 {
                let cost = self.hours(&s);
                if best.as_ref().is_none_or(|(c, _, _)| cost <= *c) {
                    best = Some((cost, s.clone(), sims.swap_remove(0)));
                }
                // Done when the probe removed nothing, or less than a
                // thousandth of the paid hours: another round of two
                // simulations is not worth that.
                if !removals || cost - self.hours(&next) < 1e-3 * cost {
                    converged = true;
                    break;
                }
            }
            s = next;
        }
        match best {
            Some((_, b, sum)) => (b, rounds, !converged, Some(sum)),
            None => (s, rounds, !converged, None),
        }
    }
}

/// Service level and abandonment of the worst service of the group in
/// interval `key` as `judge` sees them (the lower confidence bound of the
/// service level, the upper one of abandonment; NaN when no service has
/// calls there).
fn worst_figures(fig: &Figs, units: &[Unit], key: usize, judge: &mut Judge) -> (f64, f64) {
    let (mut sl, mut ab) = (f64::INFINITY, f64::NEG_INFINITY);
    for &u in units {
        if let (Some(f), _) = fig.row(u, key) {
            if f.service_level.mean.is_finite() {
                sl = sl.min(judge.lower(&f.service_level));
            }
            if f.abandon_rate.mean.is_finite() {
                ab = ab.max(judge.upper(&f.abandon_rate));
            }
        }
    }
    (
        if sl.is_finite() { sl } else { f64::NAN },
        if ab.is_finite() { ab } else { f64::NAN },
    )
}

/// Refuses groups whose services have no service-level and no abandonment
/// target: there would be nothing to staff for (the answer would be 0
/// agents, silently).
///
/// # Errors
/// [`OptimizeError::Input`] naming the service and the fields to add.
pub fn require_targets(sc: &Scenario, groups: &[usize]) -> Result<(), OptimizeError> {
    for &g in groups {
        for s in services_of_group(sc, g) {
            let voice = sc.groups[g]
                .skills
                .iter()
                .any(|&c| sc.call_types[c].service == s && !sc.call_types[c].channel.is_deferred());
            let t = &sc.services[s].targets;
            if voice && t.service_level.is_none() && t.max_abandon_rate.is_none() {
                return Err(OptimizeError::Input(format!(
                    "service `{}` (service[{s}].targets) has no service-level or abandonment target, so there is nothing to staff for: add `service_level` (e.g. 0.8 with `answered_within_s = 20`) or `max_abandon_rate` (e.g. 0.05) to service[{s}].targets",
                    sc.services[s].name
                )));
            }
        }
    }
    Ok(())
}

/// Finds the staffing. See the module documentation for the method.
///
/// # Errors
/// [`OptimizeError::Input`] for an unknown group or invalid option;
/// [`OptimizeError::Run`] when the pool cannot start.
pub fn run(sc: &Scenario, o: &StaffOptions) -> Result<StaffResult, OptimizeError> {
    if !(0.5..1.0).contains(&o.confidence) {
        return Err(OptimizeError::Input(format!(
            "--confidence {}: must be in [0.5, 1) (0.5 judges the means)",
            o.confidence
        )));
    }
    if let Some(r @ (0 | 1)) = o.replications {
        return Err(OptimizeError::Input(format!(
            "--replications {r}: at least 2 are needed for confidence intervals"
        )));
    }
    let groups: Vec<usize> = if o.groups.is_empty() {
        (0..sc.groups.len()).collect()
    } else {
        o.groups
            .iter()
            .map(|n| find_group(sc, n))
            .collect::<Result<_, _>>()?
    };
    if groups.is_empty() {
        return Err(OptimizeError::Input(
            "the scenario has no agent group".into(),
        ));
    }
    require_targets(sc, &groups)?;
    if let Some(sel) = &o.only {
        // Some selected interval must have calls for one of the groups.
        let ipd = sc.horizon.intervals_per_day();
        let busy = groups.iter().any(|&g| {
            present_weekdays(sc).into_iter().any(|w| {
                group_traffic(sc, g, w)
                    .iter()
                    .enumerate()
                    .any(|(i, t)| t.lambda > 0.0 && i < ipd && sel.contains(w, i))
            })
        });
        if !busy {
            return Err(OptimizeError::Input(format!(
                "{}: no interval with calls for the group(s) optimised in {} (the horizon's weekdays, holidays and opening hours leave none)",
                sel.flags, sel.label
            )));
        }
    }
    let reps = o.replications.unwrap_or(sc.run.replications).max(2);
    let seed = o.seed.unwrap_or(sc.run.seed);
    with_threads(o.threads, || search(sc, o, &groups, reps, seed))?
}

fn search(
    sc: &Scenario,
    o: &StaffOptions,
    groups: &[usize],
    reps: u32,
    seed: u64,
) -> Result<StaffResult, OptimizeError> {
    let ipd = sc.horizon.intervals_per_day();
    let is = sc.horizon.interval_s;
    let mut judge = Judge::new(o.confidence);
    let mut current = sc.clone();
    let mut guesses = Vec::new();
    let mut sipps = Vec::new();
    for &g in groups {
        let (mut guess, mut sipp) = analytic_guess(sc, g);
        // Outside the intervals asked about, the scenario's staffing stays.
        for w in 0..7 {
            for i in 0..ipd {
                if !selected(o.only.as_ref(), w, i) {
                    guess[w][i] = sc.groups[g].staffing[w][i];
                    sipp[w][i] = sc.groups[g].staffing[w][i];
                }
            }
        }
        guesses.push(guess);
        sipps.push(sipp);
    }
    let mut search = Search::new(sc, groups, reps, seed, o.progress, o.only.clone());
    let (found, rounds, stopped, last) = match o.mode {
        Mode::PerInterval => search.per_interval(sc, guesses.clone(), &mut judge, o.max_iterations),
        Mode::Aggregate => aggregate(&mut search, sc, &guesses, o)?,
    };
    for (j, &g) in groups.iter().enumerate() {
        current.groups[g].staffing = found[j].clone();
    }
    let mut simulations = search.simulations;
    // The groups are searched together: the same rounds for each.
    let iterations = vec![rounds; groups.len()];
    let max_reached: Vec<String> = if stopped {
        groups.iter().map(|&g| sc.groups[g].name.clone()).collect()
    } else {
        Vec::new()
    };
    // Final figures: the staffing found, the SIPP staffing and the input.
    let mut sipp_sc = current.clone();
    for (j, &g) in groups.iter().enumerate() {
        sipp_sc.groups[g].staffing = sipps[j].clone();
    }
    // The search already simulated the staffing found.
    let mut sims = summaries(&[sipp_sc.clone(), sc.clone()], reps, seed);
    simulations += 2;
    let found = match last {
        Some(x) => x,
        None => {
            simulations += 1;
            summaries(std::slice::from_ref(&current), reps, seed).remove(0)
        }
    };
    sims.insert(0, found);
    let fig = figures(&sims[0], ipd, is);
    let fig_sipp = figures(&sims[1], ipd, is);
    let fig_in = figures(&sims[2], ipd, is);
    let mut intervals = Vec::new();
    let (mut missing, mut with_calls) = (0, 0);
    let mut still_missing = Vec::new();
    // Dates of each weekday with calls: offered per interval is per day.
    let mut dates = [0u32; 7];
    for d in 0..sc.horizon.days as usize {
        if !sc.horizon.holidays.contains(&sc.horizon.date(d)) {
            dates[sc.horizon.weekday(d).index()] += 1;
        }
    }
    for (j, &g) in groups.iter().enumerate() {
        let services = services_of_group(sc, g);
        for w in present_weekdays(sc) {
            for i in 0..ipd {
                let k = w * ipd + i;
                if !selected(o.only.as_ref(), w, i) {
                    continue;
                }
                let Some(v) = verdict(&fig, &services, sc, k, &mut judge) else {
                    continue;
                };
                with_calls += 1;
                if v > 0.0 {
                    missing += 1;
                    still_missing.push(format!(
                        "{} {} {}",
                        Weekday::from_index(w).short(),
                        ClockTime::from_secs(i as u32 * is),
                        sc.groups[g].name
                    ));
                }
                // The worst service of the group in this interval.
                let worst = services
                    .iter()
                    .filter_map(|&s| fig[s][k].map(|f| (s, f)))
                    .min_by(|a, b| a.1.service_level.mean.total_cmp(&b.1.service_level.mean));
                let Some((s, f)) = worst else { continue };
                intervals.push(IntervalPlan {
                    weekday: Weekday::from_index(w),
                    start: ClockTime::from_secs(i as u32 * is),
                    group: sc.groups[g].name.clone(),
                    agents: current.groups[g].staffing[w][i],
                    input_agents: sc.groups[g].staffing[w][i],
                    analytic_agents: guesses[j][w][i],
                    sipp_agents: sipps[j][w][i],
                    offered: f.offered / f64::from(dates[w].max(1)),
                    service_level: f.service_level,
                    abandon_rate: f.abandon_rate,
                    sipp_service_level: fig_sipp[s][k].map(|x| x.service_level),
                    input_service_level: fig_in[s][k].map(|x| x.service_level),
                    meets_targets: v == 0.0,
                });
            }
        }
    }
    let verification = o.verify_seed.map(|vs| {
        let again = summaries(std::slice::from_ref(&current), reps, vs).remove(0);
        simulations += 1;
        let f = figures(&again, ipd, is);
        let mut means = Judge::new(0.5);
        let mut v = Verification {
            seed: vs,
            replications: reps,
            intervals_with_calls: 0,
            meeting_at_means: 0,
            meeting_at_confidence: 0,
        };
        for &g in groups {
            let services = services_of_group(sc, g);
            for w in present_weekdays(sc) {
                for i in (0..ipd).filter(|&i| selected(o.only.as_ref(), w, i)) {
                    let k = w * ipd + i;
                    let Some(d) = verdict(&f, &services, sc, k, &mut judge) else {
                        continue;
                    };
                    v.intervals_with_calls += 1;
                    v.meeting_at_confidence += usize::from(d == 0.0);
                    v.meeting_at_means +=
                        usize::from(verdict(&f, &services, sc, k, &mut means) == Some(0.0));
                }
            }
        }
        v
    });
    let hours = |x: &Scenario| groups.iter().map(|&g| paid_hours(x, g)).sum::<f64>();
    Ok(StaffResult {
        scenario: sc.name.clone(),
        replications: reps,
        seed,
        confidence: o.confidence,
        mode: o.mode,
        ccsim_version: env!("CARGO_PKG_VERSION"),
        agent_hours: hours(&current),
        input_agent_hours: hours(sc),
        sipp_agent_hours: hours(&sipp_sc),
        iterations,
        selection: o.only.as_ref().map(|s| s.label.clone()),
        horizon_days: sc.horizon.days,
        max_iterations_reached: max_reached,
        simulations,
        intervals_missing: missing,
        intervals_still_missing: still_missing,
        intervals_with_calls: with_calls,
        intervals,
        verification,
        services: sims[0].services.clone(),
        method: METHOD,
        staffed: current,
        groups: groups.to_vec(),
    })
}

/// Aggregate mode: the per-interval search judged on means, first with the
/// targets themselves and then with per-interval targets relaxed by a
/// common factor, bisected, so that the horizon aggregate of every service
/// meets its targets at the confidence. Falls back to the per-interval
/// search at the confidence when even the first step misses.
fn aggregate(
    search: &mut Search,
    base: &Scenario,
    guess: &Plan,
    o: &StaffOptions,
) -> Result<(Plan, u32, bool, Option<Summary>), OptimizeError> {
    let sc = search.sc;
    let mut judge = Judge::new(o.confidence);
    let mut mean_judge = Judge::new(0.5);
    let (mut lo, mut hi) = (0.0f64, 1.0f64);
    let mut best: Option<(Plan, Summary)> = None;
    let mut rounds = 0;
    let mut start = guess.clone();
    for step in 0..6 {
        // First the unrelaxed targets judged on means, then bisection below.
        let factor = if step == 0 { 1.0 } else { 0.5 * (lo + hi) };
        // Relax the targets of the groups' services by `factor`.
        let mut relaxed = sc.clone();
        for &s in &search.services {
            let tg = &mut relaxed.services[s].targets;
            tg.service_level = tg.service_level.map(|x| x * factor);
            tg.max_abandon_rate = tg.max_abandon_rate.map(|x| x + (1.0 - x) * (1.0 - factor));
        }
        let mut inner = Search::new(
            &relaxed,
            &search.groups,
            search.reps,
            search.seed,
            search.progress,
            search.only.clone(),
        );
        let (found, r, _, summary) =
            inner.per_interval(base, start.clone(), &mut mean_judge, o.max_iterations);
        rounds += r;
        search.simulations += inner.simulations;
        let summary = match summary {
            Some(x) => x,
            None => search
                .simulate(&[search.with(base, &found)], search.reps)
                .remove(0),
        };
        let ok = search.services.iter().all(|&s| {
            let e = &summary.services[s];
            let tg = &sc.services[s].targets;
            let sl_ok = match (tg.service_level, e.kpis.get(Kpi::ServiceLevel)) {
                (Some(x), Some(v)) if v.mean.is_finite() => judge.lower(&v) >= x,
                _ => true,
            };
            let ab_ok = match (tg.max_abandon_rate, e.kpis.get(Kpi::AbandonRate)) {
                (Some(x), Some(v)) if v.mean.is_finite() => judge.upper(&v) <= x,
                _ => true,
            };
            sl_ok && ab_ok
        });
        if ok {
            hi = factor;
            best = Some((found.clone(), summary));
        } else if step == 0 {
            // Not even the means of every interval at target suffice.
            break;
        } else {
            lo = factor;
        }
        start = found;
    }
    match best {
        Some((b, summary)) => Ok((b, rounds, false, Some(summary))),
        None => {
            // Even the full per-interval targets did not suffice: use them.
            let (found, r, stopped, summary) =
                search.per_interval(base, guess.clone(), &mut judge, o.max_iterations);
            Ok((found, rounds + r, stopped, summary))
        }
    }
}
