//! Shift plans: per-interval requirements turned into shifts that cover
//! them at least paid cost, as an integer program (set covering).
//!
//! For each weekday, the shift patterns are those the scenario's
//! `[shift_rules]` allow ([`crate::scenario::ShiftRules::patterns`]): every
//! start every `start_step_s` (30 minutes) within the day's staffed window
//! (from the first to the last interval with a requirement) or within the
//! allowed starts, every allowed length that fits, for lengths with a break
//! every placement of the break within its window, and split shifts around a
//! closure when allowed. No pattern works an interval where every service of
//! the group is closed. With `x_p` the number of agents working pattern `p`,
//! `c_p` its paid hours and `r_i` the requirement of interval `i`:
//!
//! ```text
//! minimise   Σ_p c_p x_p
//! subject to Σ_{p covers i} x_p >= r_i   for every interval i of the window
//!            Σ_{p part-time} c_p x_p <= share · Σ_p c_p x_p   (when share < 1)
//!            x_p integer >= 0
//! ```
//!
//! `c_p` counts each worked interval by the share of the weekday's dates on
//! which it is paid ([`crate::cost::PaidDays`]): on a weekday whose dates
//! all have the same hours that is the shift's paid hours, and the horizon
//! figures are the dates times the per-date figures, as `crate::cost` counts
//! them (holidays and closed hours cost nothing).
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
use crate::cost::PaidDays;
pub use crate::scenario::ShiftLength;
use crate::scenario::shift_rules::{PART_TIME, Pattern};

/// The scenario's shift rules with the solver's settings.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ShiftRules {
    /// Lengths, starts, breaks, split shifts, part-time share.
    #[serde(flatten)]
    pub shifts: crate::scenario::ShiftRules,
    /// Relative MIP gap at which the solver stops.
    pub mip_gap: f32,
    /// Time limit of each solve, seconds.
    pub time_limit_s: f64,
}

impl Default for ShiftRules {
    /// The built-in shift rules (see [`crate::scenario::ShiftRules`]); gap 1%, 10 s.
    fn default() -> Self {
        ShiftRules {
            shifts: crate::scenario::ShiftRules::default(),
            mip_gap: 0.01,
            time_limit_s: 10.0,
        }
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
    /// Unpaid break "HH:MM-HH:MM", if any (for a split shift: the closure).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub break_window: Option<String>,
    /// Split around a closure of every service of the group.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub split: bool,
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
    /// Paid hours per date of each weekday (index 0 = Monday).
    pub paid_hours_by_weekday: [f64; 7],
    /// Lower bound per date of each weekday: the sum of requirements times
    /// the interval length.
    pub lower_bound_by_weekday: [f64; 7],
    /// Bound of the shift rules per date of each weekday: the optimum of the
    /// linear relaxation, which no plan with these shift patterns can beat.
    pub rules_bound_by_weekday: [f64; 7],
    /// Dates of the horizon on which each weekday is paid (open for the
    /// group): horizon figures are these times the per-date figures.
    pub dates_by_weekday: [u32; 7],
}

impl ShiftPlan {
    /// Σ over weekdays of dates × a per-date figure.
    fn horizon(&self, per_date: &[f64; 7]) -> f64 {
        per_date
            .iter()
            .zip(&self.dates_by_weekday)
            .map(|(x, &n)| x * f64::from(n))
            .sum()
    }
}

/// One weekday's inputs: requirement, open intervals, weight of each
/// interval (share of the weekday's dates on which it is paid).
struct Day<'a> {
    req: &'a [u32],
    open: Vec<bool>,
    weight: Vec<f64>,
}

impl Day<'_> {
    /// Paid hours per date of pattern `p`.
    fn cost(&self, p: &Pattern, ih: f64) -> f64 {
        p.worked().map(|i| self.weight[i]).sum::<f64>() * ih
    }
}

/// Solves the covering program of one day's requirements.
fn solve_day(
    day: &Day<'_>,
    pats: &[Pattern],
    interval_s: u32,
    rules: &ShiftRules,
    integer: bool,
) -> Result<Vec<(Pattern, f64)>, OptimizeError> {
    if pats.is_empty() {
        return Ok(Vec::new());
    }
    let ih = f64::from(interval_s) / 3600.0;
    let max_r = day.req.iter().copied().max().unwrap_or(0);
    let mut vars = ProblemVariables::new();
    let x: Vec<Variable> = pats
        .iter()
        .map(|_| {
            let v = variable().min(0).max(f64::from(max_r));
            vars.add(if integer { v.integer() } else { v })
        })
        .collect();
    let cost: Vec<f64> = pats.iter().map(|p| day.cost(p, ih)).collect();
    let objective: Expression = cost.iter().zip(&x).map(|(&c, &v)| c * v).sum();
    let mut model = vars
        .minimise(objective.clone())
        .using(microlp)
        .with_mip_gap(rules.mip_gap)
        .map_err(|e| OptimizeError::Solver(format!("MIP gap {}: {e}", rules.mip_gap)))?
        .with_time_limit(rules.time_limit_s);
    for (i, &r) in day.req.iter().enumerate() {
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
    let share = rules.shifts.max_part_time_share;
    if share < 1.0 {
        let part: Expression = pats
            .iter()
            .zip(&x)
            .zip(&cost)
            .filter(|((p, _), _)| p.kind == PART_TIME)
            .map(|((_, &v), &c)| c * v)
            .sum();
        model = model.with(part.leq(share * objective));
    }
    let sol = match model.solve() {
        Ok(s) => s,
        Err(ResolutionError::Infeasible) if share < 1.0 => {
            return Err(OptimizeError::Input(format!(
                "{}: shift_rules.max_part_time_share = {share}: the requirements cannot be covered with at most this share of part-time hours (the full-time shifts do not fit the opening hours)",
                rules.shifts.origin.as_deref().unwrap_or("shift rules")
            )));
        }
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
/// weekdays listed in `weekdays`; other weekdays keep `keep`. `paid` says
/// on how many dates each interval is paid (open for the group): no shift
/// works an interval that is never open, and costs count paid dates only.
///
/// # Errors
/// [`OptimizeError::Input`] when the scenario's shift rules allow no shift
/// over an interval with a requirement; [`OptimizeError::Solver`] when the
/// solver fails.
pub fn plan(
    req: &Staffing,
    keep: &Staffing,
    weekdays: &[usize],
    interval_s: u32,
    rules: &ShiftRules,
    paid: &PaidDays,
) -> Result<ShiftPlan, OptimizeError> {
    let ih = f64::from(interval_s) / 3600.0;
    let mut coverage = keep.clone();
    let mut shifts = Vec::new();
    let mut paid_h = [0.0; 7];
    let mut lower = [0.0; 7];
    let mut relaxed = [0.0; 7];
    let mut dates = [0u32; 7];
    for &w in weekdays {
        let n = paid.days[w].iter().copied().max().unwrap_or(0);
        dates[w] = n;
        let open: Vec<bool> = (0..req[w].len()).map(|i| paid.is_paid(w, i)).collect();
        // A requirement where every service of the group is closed on
        // every date (staffing kept from the input) is not planned: no one
        // is paid to wait through a closure.
        let day_req: Vec<u32> = req[w]
            .iter()
            .zip(&open)
            .map(|(&r, &o)| if o { r } else { 0 })
            .collect();
        let day = Day {
            req: &day_req,
            open,
            weight: (0..req[w].len())
                .map(|i| {
                    if n == 0 {
                        1.0
                    } else {
                        f64::from(paid.days[w].get(i).copied().unwrap_or(0)) / f64::from(n)
                    }
                })
                .collect(),
        };
        let pats = rules.shifts.patterns(day.req, &day.open, interval_s);
        if let Some(i) =
            (0..day.req.len()).find(|&i| day.req[i] > 0 && !pats.iter().any(|p| p.covers(i)))
        {
            return Err(OptimizeError::Input(format!(
                "{}: shift_rules: no allowed shift works {} {} where {} agent(s) are required ({}): allow other starts or lengths, or split shifts",
                rules
                    .shifts
                    .origin
                    .as_deref()
                    .unwrap_or("built-in shift rules"),
                Weekday::from_index(w).short(),
                format_clock(i as u32 * interval_s),
                day.req[i],
                rules.shifts.describe()
            )));
        }
        relaxed[w] = solve_day(&day, &pats, interval_s, rules, false)?
            .iter()
            .map(|(p, x)| day.cost(p, ih) * x)
            .sum();
        let chosen: Vec<(Pattern, u32)> = solve_day(&day, &pats, interval_s, rules, true)?
            .into_iter()
            .map(|(p, x)| (p, x as u32))
            .collect();
        let cov = &mut coverage[w];
        cov.iter_mut().for_each(|c| *c = 0);
        for (p, n) in &chosen {
            for (i, c) in cov.iter_mut().enumerate() {
                if p.covers(i) {
                    *c += n;
                }
            }
            paid_h[w] += day.cost(p, ih) * f64::from(*n);
            let clock = |i: usize| format_clock((i as u32 * interval_s).min(86_400));
            shifts.push(Shift {
                weekday: Weekday::from_index(w),
                kind: p.kind,
                start: clock(p.start),
                end: clock(p.end),
                break_window: (p.brk.1 > p.brk.0)
                    .then(|| format!("{}-{}", clock(p.brk.0), clock(p.brk.1))),
                split: p.split,
                paid_hours: p.paid_hours,
                agents: *n,
            });
        }
        lower[w] = day
            .req
            .iter()
            .zip(&day.weight)
            .map(|(&r, &wt)| f64::from(r) * wt)
            .sum::<f64>()
            * ih;
    }
    Ok(ShiftPlan {
        group: String::new(),
        shifts,
        coverage,
        paid_hours_by_weekday: paid_h,
        lower_bound_by_weekday: lower,
        rules_bound_by_weekday: relaxed,
        dates_by_weekday: dates,
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
    /// Paid agent-hours of the plan over the horizon (paid dates and open
    /// hours only, as `crate::cost` counts them).
    pub paid_hours: f64,
    /// Per-interval lower bound over the horizon (sum of requirements times
    /// the interval length, paid dates only).
    pub lower_bound_hours: f64,
    /// `paid_hours / lower_bound_hours − 1`.
    pub gap_to_lower_bound: f64,
    /// The least paid hours any plan made of the allowed shift patterns can
    /// reach for the final requirements (linear relaxation): the part of the
    /// gap due to the shift rules rather than to the solver.
    pub shift_rules_bound_hours: f64,
    /// `shift_rules_bound_hours / lower_bound_hours − 1`: the part of the
    /// gap no plan under these rules can close.
    pub shift_rules_gap_to_lower_bound: f64,
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
    let paid_days: Vec<PaidDays> = staff
        .groups
        .iter()
        .map(|&g| PaidDays::of_group(sc, g))
        .collect();
    let mut rounds = 0;
    loop {
        let mut plans = Vec::new();
        let mut current = sc.clone();
        for (j, &g) in staff.groups.iter().enumerate() {
            let mut p = plan(
                &req[j],
                &sc.groups[g].staffing,
                &weekdays,
                is,
                rules,
                &paid_days[j],
            )?;
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
            let paid: f64 = plans
                .iter()
                .map(|p| p.horizon(&p.paid_hours_by_weekday))
                .sum();
            let lower: f64 = lower_req
                .iter()
                .zip(&paid_days)
                .map(|(r, d)| d.hours(r))
                .sum();
            let rules_bound: f64 = plans
                .iter()
                .map(|p| p.horizon(&p.rules_bound_by_weekday))
                .sum();
            let gap = |x: f64| if lower > 0.0 { x / lower - 1.0 } else { 0.0 };
            return Ok(ShiftResult {
                intervals,
                shift_rules_bound_hours: rules_bound,
                groups: plans,
                paid_hours: paid,
                lower_bound_hours: lower,
                gap_to_lower_bound: gap(paid),
                shift_rules_gap_to_lower_bound: gap(rules_bound),
                repair_rounds: rounds,
                intervals_missing: missing,
                rules: rules.clone(),
                staffed: current,
            });
        }
        rounds += 1;
    }
}
