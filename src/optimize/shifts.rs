//! Shift plans: per-interval requirements turned into shifts that cover
//! them at least paid cost, as an integer program (set covering).
//!
//! For each weekday, the shift patterns are: every start every
//! `start_step_s` (30 minutes) within the day's staffed window (from the
//! first to the last interval with a requirement), every allowed length that
//! fits in the window, and for lengths with a break, every placement of the
//! break within its window. With `x_p` the number of agents working pattern
//! `p`, `c_p` its paid hours and `r_i` the requirement of interval `i`:
//!
//! ```text
//! minimise   Σ_p c_p x_p
//! subject to Σ_{p covers i} x_p >= r_i   for every interval i of the window
//!            x_p integer >= 0
//! ```
//!
//! The program is solved with good_lp's pure-Rust microlp backend with a
//! relative MIP gap (1% by default) and a time limit: proving optimality
//! exactly can take minutes for no practical gain. The paid hours are
//! compared with the per-interval lower bound `Σ_i r_i · interval length`,
//! which no shift plan can beat (shifts cannot follow every change of the
//! requirement).

use good_lp::{
    Expression, ProblemVariables, ResolutionError, Solution, SolverModel, Variable, WithMipGap,
    WithTimeLimit, microlp, variable,
};
use serde::Serialize;

use super::OptimizeError;
use super::staff::Staffing;
use crate::calendar::{Weekday, format_clock};

/// An allowed shift length.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ShiftLength {
    /// Name in outputs ("full-time", "part-time").
    pub kind: &'static str,
    /// Time from start to end, seconds.
    pub length_s: u32,
    /// Unpaid break, seconds (0: none).
    pub break_s: u32,
    /// Earliest break start after the shift start, seconds.
    pub break_from_s: u32,
    /// Latest break start after the shift start, seconds.
    pub break_to_s: u32,
}

/// The rules shift patterns follow.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ShiftRules {
    /// Shifts start every this many seconds (from the start of the window).
    pub start_step_s: u32,
    /// Allowed lengths.
    pub lengths: Vec<ShiftLength>,
    /// Relative MIP gap at which the solver stops.
    pub mip_gap: f32,
    /// Time limit of each solve, seconds.
    pub time_limit_s: f64,
}

impl Default for ShiftRules {
    /// Starts every 30 minutes; full-time 8 h with a 30-minute unpaid break
    /// starting 3 to 5 hours in; full-time 6 h; part-time 4 h; gap 1%, 10 s.
    fn default() -> Self {
        ShiftRules {
            start_step_s: 1800,
            lengths: vec![
                ShiftLength {
                    kind: "full-time",
                    length_s: 8 * 3600,
                    break_s: 1800,
                    break_from_s: 3 * 3600,
                    break_to_s: 5 * 3600,
                },
                ShiftLength {
                    kind: "full-time",
                    length_s: 6 * 3600,
                    break_s: 0,
                    break_from_s: 0,
                    break_to_s: 0,
                },
                ShiftLength {
                    kind: "part-time",
                    length_s: 4 * 3600,
                    break_s: 0,
                    break_from_s: 0,
                    break_to_s: 0,
                },
            ],
            mip_gap: 0.01,
            time_limit_s: 10.0,
        }
    }
}

/// A shift pattern on one day, in intervals.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Pattern {
    kind: &'static str,
    start: usize,
    end: usize,
    /// Break as [from, to) in intervals (empty when from == to).
    brk: (usize, usize),
    paid_hours: f64,
}

impl Pattern {
    fn covers(&self, i: usize) -> bool {
        i >= self.start && i < self.end && !(i >= self.brk.0 && i < self.brk.1)
    }
}

/// Shifts of one kind on one weekday.
#[derive(Debug, Clone, Serialize)]
pub struct Shift {
    /// Weekday.
    pub weekday: Weekday,
    /// "full-time" or "part-time".
    pub kind: &'static str,
    /// Start, HH:MM.
    pub start: String,
    /// End, HH:MM.
    pub end: String,
    /// Unpaid break "HH:MM-HH:MM", if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub break_window: Option<String>,
    /// Paid hours of one such shift.
    pub paid_hours: f64,
    /// Agents working it.
    pub agents: u32,
}

/// A solved shift plan of one group for the weekdays of a week.
#[derive(Debug, Clone, Serialize)]
pub struct ShiftPlan {
    /// Agent group (empty until the plan is attached to one).
    pub group: String,
    /// The shifts, by weekday and start.
    pub shifts: Vec<Shift>,
    /// Agents present per interval of each weekday.
    #[serde(skip)]
    pub coverage: Staffing,
    /// Paid hours per weekday (index 0 = Monday).
    pub paid_hours_by_weekday: [f64; 7],
    /// Lower bound per weekday: the sum of requirements times the interval length.
    pub lower_bound_by_weekday: [f64; 7],
    /// Bound of the shift rules per weekday: the optimum of the linear
    /// relaxation, which no plan with these shift patterns can beat.
    pub rules_bound_by_weekday: [f64; 7],
}

fn ceil_div(a: u32, b: u32) -> usize {
    a.div_ceil(b) as usize
}

fn patterns(req: &[u32], interval_s: u32, rules: &ShiftRules) -> Vec<Pattern> {
    let (Some(f), Some(l)) = (
        req.iter().position(|&r| r > 0),
        req.iter().rposition(|&r| r > 0),
    ) else {
        return Vec::new();
    };
    let window_end = l + 1;
    let step = ceil_div(rules.start_step_s.max(1), interval_s).max(1);
    let ih = f64::from(interval_s) / 3600.0;
    let mut out = Vec::new();
    let add = |out: &mut Vec<Pattern>, kind, start: usize, len: usize, brk: (usize, usize)| {
        let p = Pattern {
            kind,
            start,
            end: start + len,
            brk,
            paid_hours: (len - (brk.1 - brk.0)) as f64 * ih,
        };
        if !out.contains(&p) {
            out.push(p);
        }
    };
    for sl in &rules.lengths {
        let len = ceil_div(sl.length_s, interval_s).max(1);
        if f + len > window_end {
            continue;
        }
        let mut starts: Vec<usize> = (f..=window_end - len).step_by(step).collect();
        // So that the end of the window is always reachable.
        starts.push(window_end - len);
        for s in starts {
            if sl.break_s == 0 {
                add(&mut out, sl.kind, s, len, (s, s));
            } else {
                let bl = ceil_div(sl.break_s, interval_s).max(1);
                let from = (sl.break_from_s / interval_s) as usize;
                let to = (sl.break_to_s / interval_s) as usize;
                for b in from..=to.max(from) {
                    if b + bl < len {
                        add(&mut out, sl.kind, s, len, (s + b, s + b + bl));
                    }
                }
            }
        }
    }
    if out.is_empty() {
        // The window is shorter than every shift length: one shift covering it.
        let len = window_end - f;
        add(&mut out, "part-time", f, len, (f, f));
    }
    out
}

/// Solves the covering program of one day's requirements.
fn solve_day(
    req: &[u32],
    interval_s: u32,
    rules: &ShiftRules,
    integer: bool,
) -> Result<Vec<(Pattern, f64)>, OptimizeError> {
    let pats = patterns(req, interval_s, rules);
    if pats.is_empty() {
        return Ok(Vec::new());
    }
    let max_r = req.iter().copied().max().unwrap_or(0);
    let mut vars = ProblemVariables::new();
    let x: Vec<Variable> = pats
        .iter()
        .map(|_| {
            let v = variable().min(0).max(f64::from(max_r));
            vars.add(if integer { v.integer() } else { v })
        })
        .collect();
    let objective: Expression = pats.iter().zip(&x).map(|(p, &v)| p.paid_hours * v).sum();
    let mut model = vars
        .minimise(objective)
        .using(microlp)
        .with_mip_gap(rules.mip_gap)
        .map_err(|e| OptimizeError::Solver(format!("MIP gap {}: {e}", rules.mip_gap)))?
        .with_time_limit(rules.time_limit_s);
    for (i, &r) in req.iter().enumerate() {
        if r == 0 {
            continue;
        }
        let cover: Expression = pats
            .iter()
            .zip(&x)
            .filter(|(p, _)| p.covers(i))
            .map(|(_, &v)| Expression::from(v))
            .sum();
        model = model.with(cover.geq(f64::from(r)));
    }
    let sol = match model.solve() {
        Ok(s) => s,
        Err(ResolutionError::Infeasible) => {
            return Err(OptimizeError::Solver(
                "no shift pattern covers some interval (the requirements cannot be met)".into(),
            ));
        }
        Err(e) => return Err(OptimizeError::Solver(e.to_string())),
    };
    Ok(pats
        .iter()
        .zip(&x)
        .filter_map(|(p, &v)| {
            let x = sol.value(v).max(0.0);
            let x = if integer { x.round() } else { x };
            (x > 1e-9).then_some((*p, x))
        })
        .collect())
}

/// Builds the shift plan covering `req` (per weekday and interval) on the
/// weekdays listed in `weekdays`; other weekdays keep `keep`.
///
/// # Errors
/// [`OptimizeError::Solver`] when the solver fails.
pub fn plan(
    req: &Staffing,
    keep: &Staffing,
    weekdays: &[usize],
    interval_s: u32,
    rules: &ShiftRules,
) -> Result<ShiftPlan, OptimizeError> {
    let ih = f64::from(interval_s) / 3600.0;
    let mut coverage = keep.clone();
    let mut shifts = Vec::new();
    let mut paid = [0.0; 7];
    let mut lower = [0.0; 7];
    let mut relaxed = [0.0; 7];
    for &w in weekdays {
        relaxed[w] = solve_day(&req[w], interval_s, rules, false)?
            .iter()
            .map(|(p, x)| p.paid_hours * x)
            .sum();
        let day: Vec<(Pattern, u32)> = solve_day(&req[w], interval_s, rules, true)?
            .into_iter()
            .map(|(p, x)| (p, x as u32))
            .collect();
        let cov = &mut coverage[w];
        cov.iter_mut().for_each(|c| *c = 0);
        for (p, n) in &day {
            for (i, c) in cov.iter_mut().enumerate() {
                if p.covers(i) {
                    *c += n;
                }
            }
            paid[w] += p.paid_hours * f64::from(*n);
            let clock = |i: usize| format_clock((i as u32 * interval_s).min(86_400));
            shifts.push(Shift {
                weekday: Weekday::from_index(w),
                kind: p.kind,
                start: clock(p.start),
                end: clock(p.end),
                break_window: (p.brk.1 > p.brk.0)
                    .then(|| format!("{}-{}", clock(p.brk.0), clock(p.brk.1))),
                paid_hours: p.paid_hours,
                agents: *n,
            });
        }
        lower[w] = req[w].iter().map(|&r| f64::from(r)).sum::<f64>() * ih;
    }
    Ok(ShiftPlan {
        group: String::new(),
        shifts,
        coverage,
        paid_hours_by_weekday: paid,
        lower_bound_by_weekday: lower,
        rules_bound_by_weekday: relaxed,
    })
}

/// One interval of a re-simulated shift plan.
#[derive(Debug, Clone, Serialize)]
pub struct PlannedInterval {
    /// Weekday.
    pub weekday: Weekday,
    /// Start (serialised as HH:MM).
    pub start: crate::calendar::ClockTime,
    /// Agent group.
    pub group: String,
    /// Agents required (found by `staff`).
    pub required: u32,
    /// Agents present in the shift plan.
    pub planned: u32,
    /// Simulated service level with the plan (worst service of the group).
    pub service_level: crate::stats::Estimate,
    /// Simulated abandonment rate with the plan (same service).
    pub abandon_rate: crate::stats::Estimate,
}

/// A shift plan for every optimised group, re-simulated and repaired.
#[derive(Debug, Clone, Serialize)]
pub struct ShiftResult {
    /// Per group, its plan.
    pub groups: Vec<ShiftPlan>,
    /// Paid agent-hours of the plan over the horizon.
    pub paid_hours: f64,
    /// Per-interval lower bound over the horizon (sum of requirements).
    pub lower_bound_hours: f64,
    /// `paid_hours / lower_bound_hours − 1`.
    pub gap_to_lower_bound: f64,
    /// The least paid hours any plan made of the allowed shift patterns can
    /// reach for the final requirements (linear relaxation): the part of the
    /// gap due to the shift rules rather than to the solver.
    pub shift_rules_bound_hours: f64,
    /// Repair rounds run (requirements raised where the plan missed).
    pub repair_rounds: u32,
    /// Intervals with calls that miss a target with the final plan.
    pub intervals_missing: usize,
    /// The rules used.
    pub rules: ShiftRules,
    /// Per interval: requirement, agents the plan puts there and the
    /// simulated figures of the plan.
    pub intervals: Vec<PlannedInterval>,
    /// The scenario staffed with the plan's coverage (not serialised).
    #[serde(skip)]
    pub staffed: crate::scenario::Scenario,
}

/// Turns the requirements found by [`super::staff::run`] into shift plans,
/// re-simulates the plans (same seed and replications) and repairs them:
/// where an interval misses a target at the confidence, its requirement is
/// raised by one and the program solved again, up to `max_repairs` rounds.
///
/// # Errors
/// [`OptimizeError::Solver`] when the solver fails.
pub fn plan_and_repair(
    staff: &super::staff::StaffResult,
    rules: &ShiftRules,
    max_repairs: u32,
) -> Result<ShiftResult, OptimizeError> {
    use super::staff::{Judge, figures, present_weekdays, verdict};
    let sc = &staff.staffed;
    let ipd = sc.horizon.intervals_per_day();
    let is = sc.horizon.interval_s;
    let weekdays = present_weekdays(sc);
    let mut judge = Judge::new(staff.confidence);
    let mut req: Vec<Staffing> = staff
        .groups
        .iter()
        .map(|&g| sc.groups[g].staffing.clone())
        .collect();
    let lower_req = req.clone();
    let mut rounds = 0;
    loop {
        let mut plans = Vec::new();
        let mut current = sc.clone();
        for (j, &g) in staff.groups.iter().enumerate() {
            let mut p = plan(&req[j], &sc.groups[g].staffing, &weekdays, is, rules)?;
            p.group = sc.groups[g].name.clone();
            current.groups[g].staffing = p.coverage.clone();
            plans.push(p);
        }
        let sim = &crate::experiment::summaries(
            std::slice::from_ref(&current),
            staff.replications,
            staff.seed,
        )[0];
        let fig = figures(sim, ipd, is);
        let mut missing = 0;
        for (j, &g) in staff.groups.iter().enumerate() {
            let services = super::services_of_group(sc, g);
            for &w in &weekdays {
                for (i, r) in req[j][w].iter_mut().enumerate() {
                    if verdict(&fig, &services, sc, w * ipd + i, &mut judge)
                        .is_some_and(|d| d > 0.0)
                    {
                        missing += 1;
                        *r += 1;
                    }
                }
            }
        }
        if missing == 0 || rounds >= max_repairs {
            let intervals = staff
                .intervals
                .iter()
                .filter_map(|iv| {
                    let g = sc.group_index(&iv.group)?;
                    let i = (iv.start.secs() / is) as usize;
                    let k = iv.weekday.index() * ipd + i;
                    let worst = super::services_of_group(sc, g)
                        .into_iter()
                        .filter_map(|s| fig[s][k])
                        .min_by(|a, b| a.service_level.mean.total_cmp(&b.service_level.mean))?;
                    Some(PlannedInterval {
                        weekday: iv.weekday,
                        start: iv.start,
                        group: iv.group.clone(),
                        required: iv.agents,
                        planned: current.groups[g].staffing[iv.weekday.index()][i],
                        service_level: worst.service_level,
                        abandon_rate: worst.abandon_rate,
                    })
                })
                .collect();
            let days: Vec<usize> = (0..sc.horizon.days as usize)
                .map(|d| sc.horizon.weekday(d).index())
                .collect();
            let ih = f64::from(is) / 3600.0;
            let paid: f64 = plans
                .iter()
                .map(|p| {
                    days.iter()
                        .map(|&w| p.paid_hours_by_weekday[w])
                        .sum::<f64>()
                })
                .sum();
            let lower: f64 = lower_req
                .iter()
                .map(|r| {
                    days.iter()
                        .map(|&w| r[w].iter().map(|&n| f64::from(n)).sum::<f64>() * ih)
                        .sum::<f64>()
                })
                .sum();
            let rules_bound: f64 = plans
                .iter()
                .map(|p| {
                    days.iter()
                        .map(|&w| p.rules_bound_by_weekday[w])
                        .sum::<f64>()
                })
                .sum();
            return Ok(ShiftResult {
                intervals,
                shift_rules_bound_hours: rules_bound,
                groups: plans,
                paid_hours: paid,
                lower_bound_hours: lower,
                gap_to_lower_bound: if lower > 0.0 { paid / lower - 1.0 } else { 0.0 },
                repair_rounds: rounds,
                intervals_missing: missing,
                rules: rules.clone(),
                staffed: current,
            });
        }
        rounds += 1;
    }
}
