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
//!    * simulate the current staffing; every interval whose service level
//!      or abandonment misses the target *at the stated confidence* gets one
//!      more agent (two when it misses by more than 15 points);
//!    * in the same round, one class of intervals (every third interval,
//!      rotating over rounds so that removals are never adjacent) is
//!      simulated with one agent less; where the interval still meets its
//!      targets, the agent is removed;
//!    * the search stops when every interval meets its targets and a full
//!      rotation removed nothing. The cheapest staffing seen that met every
//!      target is returned.
//!
//!    "Meets at confidence c" means the one-sided lower confidence bound of
//!    the interval's service level (`mean − z_c · s/√n` over replications) is
//!    at least the target, and the upper bound of its abandonment rate is at
//!    most the maximum; `c = 0.5` uses the means.
//! 3. **Several groups**: groups are optimised one at a time, in the order
//!    given, each against the targets of the services whose call types it
//!    serves, holding the other groups at their current staffing (a
//!    Gauss–Seidel pass; skills and routing are the scenario's own).
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
    s.services
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
    let mut any = false;
    let mut deficit: f64 = 0.0;
    for &s in services {
        let Some(f) = fig[s][key] else { continue };
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
approximation of handling and patience); then simulation with common random numbers: add an agent where an \
interval misses a target at the stated confidence, remove one where the interval still meets its targets \
without it (probing every third interval at a time), until stable (Feldman, Mandelbaum, Massey & Whitt 2008)";

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

/// Interval-by-interval search state of one group.
struct Search<'a> {
    sc: &'a Scenario,
    g: usize,
    services: Vec<usize>,
    reps: u32,
    seed: u64,
    simulations: u32,
    /// Traffic of each `weekday * ipd + interval` key, for sized corrections.
    traffic: Vec<Traffic>,
    targets: GroupTargets,
    paid: PaidDays,
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
        g: usize,
        reps: u32,
        seed: u64,
        progress: Option<fn(&RoundInfo)>,
        only: Option<Selection>,
    ) -> Self {
        let ipd = sc.horizon.intervals_per_day();
        let mut traffic = vec![Traffic::default(); 7 * ipd];
        for w in present_weekdays(sc) {
            for (i, t) in group_traffic(sc, g, w).into_iter().enumerate() {
                traffic[w * ipd + i] = t;
            }
        }
        Search {
            sc,
            g,
            services: services_of_group(sc, g),
            reps,
            seed,
            simulations: 0,
            traffic,
            targets: group_targets(sc, g),
            paid: PaidDays::of_group(sc, g),
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

    fn with(&self, base: &Scenario, s: &Staffing) -> Scenario {
        let mut sc = base.clone();
        sc.groups[self.g].staffing = s.clone();
        sc
    }

    fn simulate(&mut self, list: &[Scenario], reps: u32) -> Vec<Summary> {
        self.simulations += list.len() as u32;
        summaries(list, reps, self.seed)
    }

    fn report(&self, round: u32, reps: u32, missing: usize, with_calls: usize, s: &Staffing) {
        if let Some(p) = self.progress {
            p(&RoundInfo {
                group: self.sc.groups[self.g].name.clone(),
                round,
                replications: reps,
                missing,
                with_calls,
                paid_hours: self.paid.hours(s),
            });
        }
    }

    /// Scheduled agents that the Erlang A model of interval `key`, its load
    /// scaled so that at `n` scheduled agents it gives the observed service
    /// level (or abandonment, without a service-level target), asks for the
    /// targets. `None` when the interval has no traffic to model.
    fn sized(&self, key: usize, n: u32, sl: f64, ab: f64) -> Option<u32> {
        let tr = self.traffic[key];
        let t = &self.targets;
        let shrink = self.sc.groups[self.g].shrinkage;
        if tr.mol <= 0.0 {
            return None;
        }
        let avail = self.sc.groups[self.g].available(n).max(1);
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
        Some(scheduled_for(a, shrink))
    }

    /// Per-interval search from `start`; returns the staffing, the rounds
    /// run and whether `max_iterations` stopped it before it converged.
    ///
    /// Early rounds run a fifth of the replications and judge the means:
    /// every interval moves to what its calibrated Erlang A model asks
    /// ([`Search::sized`]), up or down (down by at most 15% a round). The
    /// final rounds run every replication and judge at the confidence: an
    /// interval that misses moves up by what its model asks (at least one
    /// agent); one class of every third interval is probed with one agent
    /// less and keeps the removal where it still meets its targets; they
    /// stop when every interval meets its targets and a full rotation of
    /// probes removed nothing.
    fn per_interval(
        &mut self,
        base: &Scenario,
        start: Staffing,
        judge: &mut Judge,
        max_iterations: u32,
    ) -> (Staffing, u32, bool) {
        let ipd = self.sc.horizon.intervals_per_day();
        let is = self.sc.horizon.interval_s;
        let keys = self.keys();
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
                let now = figures(&sim[0], ipd, is);
                let (mut moved, mut missing, mut with_calls) = (0u32, 0, 0);
                let mut next = s.clone();
                for &k in &keys {
                    let (w, i) = (k / ipd, k % ipd);
                    let Some(d) = verdict(&now, &self.services, self.sc, k, &mut early_judge)
                    else {
                        continue;
                    };
                    with_calls += 1;
                    let (sl, ab) = worst_figures(&now, &self.services, k, &mut early_judge);
                    let n = s[w][i];
                    let want = self.sized(k, n, sl, ab).unwrap_or(n);
                    let new = if d > 0.0 {
                        missing += 1;
                        want.max(n + 1)
                    } else {
                        want.max(n - n.div_ceil(7).min(n)).min(n)
                    };
                    moved += new.abs_diff(n);
                    next[w][i] = new;
                }
                self.report(rounds, early, missing, with_calls, &s);
                s = next;
                if moved as usize <= keys.len() / 50 {
                    break;
                }
            }
        }
        // Final rounds: every replication, at the confidence, with probes.
        // An interval that misses after one of its agents was removed gets
        // it back and is not probed again, so the search cannot cycle on
        // sampling noise at the boundary; it stops once every interval
        // meets its targets and a full rotation of probes removed nothing.
        let mut best: Option<(f64, Staffing)> = None;
        let mut quiet_rounds = 0u32;
        let classes = 3usize;
        let mut converged = false;
        let mut class = 0usize;
        let mut removed = vec![false; 7 * ipd];
        let mut frozen = vec![false; 7 * ipd];
        let mut ok_rounds = 0u32;
        while rounds < max_iterations {
            rounds += 1;
            let mut probe = s.clone();
            let mut probed = Vec::new();
            for &k in &keys {
                let (w, i) = (k / ipd, k % ipd);
                if i % classes == class && s[w][i] > 0 && !frozen[k] {
                    probe[w][i] -= 1;
                    probed.push(k);
                }
            }
            class = (class + 1) % classes;
            let sims = self.simulate(&[self.with(base, &s), self.with(base, &probe)], self.reps);
            let now = figures(&sims[0], ipd, is);
            let low = figures(&sims[1], ipd, is);
            let mut next = s.clone();
            let mut removals = false;
            let (mut missing, mut with_calls) = (0, 0);
            for &k in &keys {
                let (w, i) = (k / ipd, k % ipd);
                match verdict(&now, &self.services, self.sc, k, judge) {
                    None => {
                        // No offered calls for this group's services.
                    }
                    Some(d) if d > 0.0 => {
                        with_calls += 1;
                        missing += 1;
                        let n = s[w][i];
                        next[w][i] = if removed[k] {
                            frozen[k] = true;
                            n + 1
                        } else {
                            // Sized on the confidence bounds.
                            let (sl, ab) = worst_figures(&now, &self.services, k, judge);
                            self.sized(k, n, sl, ab).unwrap_or(n).max(n + 1)
                        };
                    }
                    Some(_)
                        if probed.contains(&k)
                            && verdict(&low, &self.services, self.sc, k, judge) == Some(0.0) =>
                    {
                        with_calls += 1;
                        next[w][i] -= 1;
                        removed[k] = true;
                        removals = true;
                    }
                    Some(_) => with_calls += 1,
                }
            }
            self.report(rounds, self.reps, missing, with_calls, &s);
            if missing == 0 {
                let cost = self.paid.hours(&s);
                if best.as_ref().is_none_or(|(c, _)| cost <= *c) {
                    best = Some((cost, s.clone()));
                }
            }
            if missing == 0 {
                ok_rounds += 1;
            }
            // Two rotations of probes after the first round that met every
            // target are enough: later removals are worth little.
            if missing == 0 && (!removals || ok_rounds > 2 * classes as u32) {
                quiet_rounds += 1;
                if quiet_rounds >= classes as u32 || ok_rounds > 2 * classes as u32 {
                    converged = true;
                    break;
                }
            } else {
                quiet_rounds = 0;
            }
            s = next;
        }
        (best.map(|(_, s)| s).unwrap_or(s), rounds, !converged)
    }
}

/// Service level and abandonment of the worst service of the group in
/// interval `key` as `judge` sees them (the lower confidence bound of the
/// service level, the upper one of abandonment; NaN when no service has
/// calls there).
fn worst_figures(
    fig: &[Vec<Option<IntervalFigures>>],
    services: &[usize],
    key: usize,
    judge: &mut Judge,
) -> (f64, f64) {
    let (mut sl, mut ab) = (f64::INFINITY, f64::NEG_INFINITY);
    for &s in services {
        if let Some(f) = fig[s][key] {
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
    let mut iterations = Vec::new();
    let mut max_reached = Vec::new();
    let mut simulations = 0;
    for &g in groups {
        let (guess, sipp) = analytic_guess(&current, g);
        let mut search = Search::new(sc, g, reps, seed, o.progress, o.only.clone());
        // Outside the intervals asked about, the scenario's staffing stays.
        let (mut guess, mut sipp) = (guess, sipp);
        for w in 0..7 {
            for i in 0..ipd {
                if !selected(o.only.as_ref(), w, i) {
                    guess[w][i] = current.groups[g].staffing[w][i];
                    sipp[w][i] = current.groups[g].staffing[w][i];
                }
            }
        }
        let (found, rounds, stopped) = match o.mode {
            Mode::PerInterval => {
                search.per_interval(&current, guess.clone(), &mut judge, o.max_iterations)
            }
            Mode::Aggregate => aggregate(&mut search, &current, &guess, o)?,
        };
        current.groups[g].staffing = found;
        simulations += search.simulations;
        iterations.push(rounds);
        if stopped {
            max_reached.push(sc.groups[g].name.clone());
        }
        guesses.push(guess);
        sipps.push(sipp);
    }
    // Final figures: the staffing found, the SIPP staffing and the input.
    let mut sipp_sc = current.clone();
    for (j, &g) in groups.iter().enumerate() {
        sipp_sc.groups[g].staffing = sipps[j].clone();
    }
    let sims = summaries(&[current.clone(), sipp_sc.clone(), sc.clone()], reps, seed);
    simulations += 3;
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
    guess: &Staffing,
    o: &StaffOptions,
) -> Result<(Staffing, u32, bool), OptimizeError> {
    let sc = search.sc;
    let mut judge = Judge::new(o.confidence);
    let mut mean_judge = Judge::new(0.5);
    let (mut lo, mut hi) = (0.0f64, 1.0f64);
    let mut best: Option<Staffing> = None;
    let mut rounds = 0;
    let mut start = guess.clone();
    for step in 0..6 {
        // First the unrelaxed targets judged on means, then bisection below.
        let factor = if step == 0 { 1.0 } else { 0.5 * (lo + hi) };
        // Relax the targets of the group's services by `factor`.
        let mut relaxed = sc.clone();
        for &s in &search.services {
            let tg = &mut relaxed.services[s].targets;
            tg.service_level = tg.service_level.map(|x| x * factor);
            tg.max_abandon_rate = tg.max_abandon_rate.map(|x| x + (1.0 - x) * (1.0 - factor));
        }
        let mut inner = Search::new(
            &relaxed,
            search.g,
            search.reps,
            search.seed,
            search.progress,
            search.only.clone(),
        );
        let (found, r, _) =
            inner.per_interval(base, start.clone(), &mut mean_judge, o.max_iterations);
        rounds += r;
        search.simulations += inner.simulations + 1;
        let summary = &summaries(&[search.with(base, &found)], search.reps, search.seed)[0];
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
            best = Some(found.clone());
        } else if step == 0 {
            // Not even the means of every interval at target suffice.
            break;
        } else {
            lo = factor;
        }
        start = found;
    }
    match best {
        Some(b) => Ok((b, rounds, false)),
        None => {
            // Even the full per-interval targets did not suffice: use them.
            let (found, r, stopped) =
                search.per_interval(base, guess.clone(), &mut judge, o.max_iterations);
            Ok((found, rounds + r, stopped))
        }
    }
}
