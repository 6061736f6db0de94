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

use super::{OptimizeError, agent_hours, find_group, services_of_group};
use crate::analytic;
use crate::calendar::{ClockTime, Weekday};
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

/// Offered traffic of group `g` in each interval of weekday `w`: (rate per
/// second, MOL-equivalent rate, mean handling, mean patience).
fn group_traffic(sc: &Scenario, g: usize, w: usize) -> Vec<(f64, f64, f64, Option<f64>)> {
    let ipd = sc.horizon.intervals_per_day();
    let dt = f64::from(sc.horizon.interval_s);
    let grp = &sc.groups[g];
    let mut out = vec![(0.0, 0.0, 0.0, None); ipd];
    let mut lam = vec![0.0; ipd];
    let mut mol = vec![0.0; ipd];
    let mut h_sum = vec![0.0; ipd];
    let mut p_sum = vec![0.0; ipd];
    let mut p_w = vec![0.0; ipd];
    for &c in &grp.skills {
        let ct = &sc.call_types[c];
        let h = ct.handling.mean().max(1e-9);
        // Share of this call type's traffic that group g takes.
        let servers: Vec<usize> = (0..sc.groups.len())
            .filter(|&k| sc.groups[k].skills.contains(&c))
            .collect();
        // The day starts with the load left by the previous weekday's
        // traffic (zero after a night closure, steady state around the clock).
        let prev = &ct.rate_per_s[(w + 6) % 7];
        let open = &sc.services[ct.service].open;
        let mut m = 0.0;
        for (i, &rate) in prev.iter().enumerate() {
            let target = rate * open_share(&open[(w + 6) % 7], i, dt) * h;
            m = target + (m - target) * (-dt / h).exp();
        }
        for i in 0..ipd {
            // Calls arrive only while the service is open.
            let rate =
                ct.rate_per_s[w].get(i).copied().unwrap_or(0.0) * open_share(&open[w], i, dt);
            let total: f64 = servers
                .iter()
                .map(|&k| f64::from(sc.groups[k].staffing[w][i]))
                .sum();
            let share = if total > 0.0 {
                f64::from(grp.staffing[w][i]) / total
            } else {
                1.0 / servers.len() as f64
            };
            // Infinite-server load over the interval: m(t) = λh + (m0 − λh)e^{−t/h}.
            let target = rate * h;
            let decay = (-dt / h).exp();
            let avg = target + (m - target) * (h / dt) * (1.0 - decay);
            m = target + (m - target) * decay;
            let l = rate * share;
            lam[i] += l;
            mol[i] += avg / h * share;
            h_sum[i] += l * h;
            if let Some(p) = &ct.patience {
                p_sum[i] += l * p.mean();
                p_w[i] += l;
            }
        }
    }
    for i in 0..ipd {
        if lam[i] > 0.0 {
            let patience = (p_w[i] > 0.0).then(|| p_sum[i] / p_w[i]);
            out[i] = (lam[i], mol[i], h_sum[i] / lam[i], patience);
        }
    }
    out
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

fn erlang_agents(lambda: f64, aht: f64, patience: Option<f64>, t: &GroupTargets) -> u32 {
    if lambda <= 0.0 {
        return 0;
    }
    let fallback = analytic::sqrt_staffing(lambda * aht, 1.0).max(1);
    analytic::min_agents(
        lambda,
        aht,
        patience,
        t.threshold_s,
        t.service_level.unwrap_or(0.0),
        if patience.is_some() {
            t.max_abandon
        } else {
            None
        },
        100_000,
    )
    .ok()
    .flatten()
    .unwrap_or(fallback)
    .max(1)
}

/// Per-weekday staffing: `[weekday][interval]`.
pub type Staffing = [Vec<u32>; 7];

/// The analytic first guess for group `g` (Erlang A with the modified
/// offered load) and the SIPP staffing (Erlang C with each interval's rate).
pub fn analytic_guess(sc: &Scenario, g: usize) -> (Staffing, Staffing) {
    let t = group_targets(sc, g);
    let mut guess = sc.groups[g].staffing.clone();
    let mut sipp = sc.groups[g].staffing.clone();
    for w in present_weekdays(sc) {
        for (i, &(lam, mol, aht, patience)) in group_traffic(sc, g, w).iter().enumerate() {
            guess[w][i] = erlang_agents(mol, aht, patience, &t);
            sipp[w][i] = erlang_agents(lam, aht, None, &t);
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
    /// Offered calls (mean per replication, over the pooled days).
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
    /// Simulations run in all.
    pub simulations: u32,
    /// Intervals with offered calls that miss a target at the confidence.
    pub intervals_missing: usize,
    /// Intervals with offered calls.
    pub intervals_with_calls: usize,
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

/// Interval-by-interval search state of one group.
struct Search<'a> {
    sc: &'a Scenario,
    g: usize,
    services: Vec<usize>,
    reps: u32,
    seed: u64,
    simulations: u32,
}

impl Search<'_> {
    fn keys(&self) -> Vec<usize> {
        let ipd = self.sc.horizon.intervals_per_day();
        present_weekdays(self.sc)
            .into_iter()
            .flat_map(|w| (0..ipd).map(move |i| w * ipd + i))
            .collect()
    }

    fn with(&self, base: &Scenario, s: &Staffing) -> Scenario {
        let mut sc = base.clone();
        sc.groups[self.g].staffing = s.clone();
        sc
    }

    fn simulate(&mut self, list: &[Scenario]) -> Vec<Summary> {
        self.simulations += list.len() as u32;
        summaries(list, self.reps, self.seed)
    }

    /// Per-interval search from `start`; returns the staffing, rounds run
    /// and the verdicts at the returned staffing.
    fn per_interval(
        &mut self,
        base: &Scenario,
        start: Staffing,
        judge: &mut Judge,
        max_iterations: u32,
    ) -> (Staffing, u32) {
        let ipd = self.sc.horizon.intervals_per_day();
        let is = self.sc.horizon.interval_s;
        let keys = self.keys();
        let mut s = start;
        let mut best: Option<(u64, Staffing)> = None;
        let mut quiet_rounds = 0u32;
        let classes = 3usize;
        let mut rounds = 0;
        for round in 0..max_iterations {
            rounds = round + 1;
            let class = round as usize % classes;
            let mut probe = s.clone();
            let mut probed = Vec::new();
            for &k in &keys {
                let (w, i) = (k / ipd, k % ipd);
                if i % classes == class && s[w][i] > 0 {
                    probe[w][i] -= 1;
                    probed.push(k);
                }
            }
            let sims = self.simulate(&[self.with(base, &s), self.with(base, &probe)]);
            let now = figures(&sims[0], ipd, is);
            let low = figures(&sims[1], ipd, is);
            let mut next = s.clone();
            let mut changed = false;
            let mut all_ok = true;
            for &k in &keys {
                let (w, i) = (k / ipd, k % ipd);
                match verdict(&now, &self.services, self.sc, k, judge) {
                    None => {
                        // No offered calls for this group's services.
                    }
                    Some(d) if d > 0.0 => {
                        all_ok = false;
                        next[w][i] += if d > 0.15 { 2 } else { 1 };
                        changed = true;
                    }
                    Some(_)
                        if probed.contains(&k)
                            && verdict(&low, &self.services, self.sc, k, judge) == Some(0.0) =>
                    {
                        next[w][i] -= 1;
                        changed = true;
                    }
                    Some(_) => {}
                }
            }
            if all_ok {
                let cost: u64 = s.iter().flatten().map(|&n| u64::from(n)).sum();
                if best.as_ref().is_none_or(|(c, _)| cost <= *c) {
                    best = Some((cost, s.clone()));
                }
            }
            if all_ok && !changed {
                quiet_rounds += 1;
                if quiet_rounds >= classes as u32 {
                    break;
                }
            } else {
                quiet_rounds = 0;
            }
            s = next;
        }
        (best.map(|(_, s)| s).unwrap_or(s), rounds)
    }
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
    let mut simulations = 0;
    for &g in groups {
        let (guess, sipp) = analytic_guess(&current, g);
        let mut search = Search {
            sc,
            g,
            services: services_of_group(sc, g),
            reps,
            seed,
            simulations: 0,
        };
        let (found, rounds) = match o.mode {
            Mode::PerInterval => {
                search.per_interval(&current, guess.clone(), &mut judge, o.max_iterations)
            }
            Mode::Aggregate => aggregate(&mut search, &current, &guess, o)?,
        };
        current.groups[g].staffing = found;
        simulations += search.simulations;
        iterations.push(rounds);
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
    for (j, &g) in groups.iter().enumerate() {
        let services = services_of_group(sc, g);
        for w in present_weekdays(sc) {
            for i in 0..ipd {
                let k = w * ipd + i;
                let Some(v) = verdict(&fig, &services, sc, k, &mut judge) else {
                    continue;
                };
                with_calls += 1;
                if v > 0.0 {
                    missing += 1;
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
                    offered: f.offered,
                    service_level: f.service_level,
                    abandon_rate: f.abandon_rate,
                    sipp_service_level: fig_sipp[s][k].map(|x| x.service_level),
                    input_service_level: fig_in[s][k].map(|x| x.service_level),
                    meets_targets: v == 0.0,
                });
            }
        }
    }
    let hours = |x: &Scenario| groups.iter().map(|&g| agent_hours(x, g)).sum::<f64>();
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
        simulations,
        intervals_missing: missing,
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
) -> Result<(Staffing, u32), OptimizeError> {
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
        let mut inner = Search {
            sc: &relaxed,
            g: search.g,
            services: search.services.clone(),
            reps: search.reps,
            seed: search.seed,
            simulations: 0,
        };
        let (found, r) = inner.per_interval(base, start.clone(), &mut mean_judge, o.max_iterations);
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
        Some(b) => Ok((b, rounds)),
        None => {
            // Even the full per-interval targets did not suffice: use them.
            let (found, r) = search.per_interval(base, guess.clone(), &mut judge, o.max_iterations);
            Ok((found, rounds + r))
        }
    }
}
