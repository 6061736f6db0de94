//! Calibration from a call log: `ccsim fit`.
//!
//! [`fit`] reads a call log once, row by row ([`log::CallLogReader`]), and
//! keeps only aggregates: counts per call type × date × interval, sufficient
//! statistics of handling times, a 0.1-second histogram of censored waits
//! per call type, busy agent-seconds per group × date × interval, and the
//! last abandonment of each caller seen within the redial window. Memory
//! therefore grows with intervals (and recent abandoning callers), not with
//! calls. The estimates ([`estimate`], [`km`]) become a runnable scenario
//! ([`FitResult::scenario_toml`]) whose comments give each estimate with its
//! standard error and sample size.

pub mod backtest;
pub mod calibrate;
pub mod estimate;
pub mod intervals;
pub mod km;
pub mod log;
mod render;
pub mod routing;
pub mod synth;

use std::collections::hash_map::DefaultHasher;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::path::Path;

use crate::calendar::Date;
use estimate::{DurationFit, DurationStats, PatienceFit};
use km::{CensoredHist, KmStep};
use log::{CallLogReader, LogOutcome, RowError};

pub use render::backtest_report;

/// An error of `ccsim fit`: bad input (exit 2) or an internal failure.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FitError {
    /// A file, row or value is wrong; the message names it.
    #[error("{0}")]
    Input(String),
    /// Something that should not happen.
    #[error("internal error: {0}")]
    Internal(String),
}

/// Options of [`fit`].
#[derive(Debug, Clone, PartialEq)]
pub struct FitOptions {
    /// Interval of the fitted scenario, seconds (divides a day).
    pub interval_s: u32,
    /// Skip malformed or impossible rows (counted and reported) instead of failing.
    pub skip_bad: bool,
    /// Service-level threshold, seconds: the fitted services' `answered_within_s`
    /// and the observed service level of the back-test.
    pub threshold_s: f64,
    /// A call from the same caller within this many seconds after an
    /// abandonment counts as a redial.
    pub redial_window_s: f64,
    /// Answered times up to this many seconds before the arrival are
    /// accepted (the clocks of two systems disagree): the wait counts as 0
    /// and the rows are counted.
    pub clock_tolerance_s: f64,
    /// Opening hours per weekday (Monday first; `None` closed), seconds after
    /// midnight on the fit's interval grid. `None`: from the log, trimmed to
    /// the intervals that hold `open_share` of the calls.
    pub open: Option<[Option<(u32, u32)>; 7]>,
    /// Share of a call type's offered calls the opening hours found from the
    /// log must hold (the stray calls of the emptiest edge intervals are left
    /// out and reported).
    pub open_share: f64,
}

impl Default for FitOptions {
    fn default() -> Self {
        FitOptions {
            interval_s: 1800,
            skip_bad: false,
            threshold_s: 20.0,
            redial_window_s: 3600.0,
            clock_tolerance_s: 0.0,
            open: None,
            open_share: 0.995,
        }
    }
}

/// Observed counts of one interval of one date (calls credited to the
/// interval of their arrival, like the simulation's statistics).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct IntervalObs {
    /// Offered: answered + abandoned.
    pub offered: u32,
    /// Answered.
    pub answered: u32,
    /// Abandoned.
    pub abandoned: u32,
    /// Answered with a wait <= the threshold.
    pub within: u32,
    /// Sum of the waits of answered calls, seconds.
    pub wait_answered_s: f64,
    /// Offered calls that are redials (same caller within the redial window
    /// after abandoning); 0 without caller ids.
    pub redials: u32,
}

impl IntervalObs {
    fn add(&mut self, o: &IntervalObs) {
        self.offered += o.offered;
        self.answered += o.answered;
        self.abandoned += o.abandoned;
        self.within += o.within;
        self.wait_answered_s += o.wait_answered_s;
        self.redials += o.redials;
    }
    /// Service level: answered within the threshold / offered.
    pub fn service_level(&self) -> Option<f64> {
        (self.offered > 0).then(|| f64::from(self.within) / f64::from(self.offered))
    }
    /// Abandoned / offered.
    pub fn abandon_rate(&self) -> Option<f64> {
        (self.offered > 0).then(|| f64::from(self.abandoned) / f64::from(self.offered))
    }
    /// Average speed of answer, seconds.
    pub fn asa_s(&self) -> Option<f64> {
        (self.answered > 0).then(|| self.wait_answered_s / f64::from(self.answered))
    }
}

/// Daily volume of one weekday.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DailyVolume {
    /// Days of this weekday in the log's date range.
    pub days: usize,
    /// Mean offered calls per day.
    pub mean: f64,
    /// Sample variance of the daily counts (0 with one day).
    pub var: f64,
}

impl DailyVolume {
    /// Standard error of the mean (NaN with one day).
    pub fn se(&self) -> f64 {
        if self.days < 2 {
            f64::NAN
        } else {
            (self.var / self.days as f64).sqrt()
        }
    }
}

/// Patience estimates of a call type.
#[derive(Debug, Clone, PartialEq)]
pub struct PatienceEstimate {
    /// Abandonments (events).
    pub events: u64,
    /// All waits (events + censored).
    pub observations: u64,
    /// Kaplan-Meier curve of the patience.
    pub km: Vec<KmStep>,
    /// Longest observed wait, seconds.
    pub max_wait_s: f64,
    /// Exponential fit.
    pub exponential: Option<PatienceFit>,
    /// Weibull fit.
    pub weibull: Option<PatienceFit>,
}

impl PatienceEstimate {
    /// The fit the scenario uses: Weibull when the likelihood-ratio test
    /// rejects the exponential (a Weibull with shape 1) at the 5% level,
    /// i.e. `2 (ll_weibull - ll_exp) > 3.84` (chi-square, 1 degree of
    /// freedom), else exponential.
    pub fn chosen(&self) -> Option<(&'static str, PatienceFit)> {
        match (self.exponential, self.weibull) {
            (Some(e), Some(w)) if 2.0 * (w.log_lik - e.log_lik) > 3.841 => Some(("weibull", w)),
            (Some(e), _) => Some(("exponential", e)),
            (None, Some(w)) => Some(("weibull", w)),
            (None, None) => None,
        }
    }
}

/// Redials of a call type (needs caller ids).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Redials {
    /// Abandoned calls with a caller id.
    pub abandoned_with_id: u64,
    /// Of those, followed by a call of the same caller within the window.
    pub redialed: u64,
    /// Mean delay from abandonment to the redial, seconds.
    pub mean_delay_s: f64,
}

/// Everything estimated for one call type.
#[derive(Debug, Clone, PartialEq)]
pub struct CallTypeFit {
    /// Name.
    pub name: String,
    /// Totals over the log.
    pub totals: IntervalObs,
    /// Calls with outcome `closed`.
    pub closed: u64,
    /// Calls with outcome `ivr`.
    pub ivr: u64,
    /// Daily volume per weekday (Monday first); `None` for weekdays absent from the date range.
    pub daily: [Option<DailyVolume>; 7],
    /// Intraday profile weights per weekday: offered calls per interval
    /// summed over the days of the weekday, or over the days of all
    /// weekdays of its pooling group (see [`pool_profiles`]).
    pub profile: [Vec<u64>; 7],
    /// How the profiles were formed (pooled or per weekday, with the test's p-value).
    pub profile_notes: Vec<String>,
    /// Opening per weekday: given (`--open`), or from the first to the end of
    /// the last interval with calls, trimmed to `open_share` of the calls.
    pub open: [Option<(u32, u32)>; 7],
    /// Offered calls outside the opening (left out of volumes and profiles).
    pub outside_open: u64,
    /// Whether the arrivals are first attempts (caller ids known: redials
    /// are left out of the volumes and simulated by the `redial` field).
    pub first_attempts: bool,
    /// Coefficient of variation of a gamma day factor and the pooled dispersion index.
    pub overdispersion: Option<(f64, f64)>,
    /// Handling-time sufficient statistics.
    pub handling: DurationStats,
    /// Lognormal fit of handling times.
    pub lognormal: Option<DurationFit>,
    /// Gamma fit of handling times.
    pub gamma: Option<DurationFit>,
    /// Patience.
    pub patience: PatienceEstimate,
    /// Redials, when the log has caller ids.
    pub redials: Option<Redials>,
    /// Handling from an interval report: mean, cv and how they were found
    /// (the distribution is an assumption without a cv column).
    pub handling_assumed: Option<(f64, f64, String)>,
    /// How the patience was estimated when not from per-call waits.
    pub patience_note: Option<String>,
    /// Observed counts per date and interval.
    pub observed: BTreeMap<Date, Vec<IntervalObs>>,
}

impl CallTypeFit {
    /// The handling fit the scenario uses (higher log-likelihood; both have
    /// two parameters) and its name.
    pub fn chosen_handling(&self) -> Option<(&'static str, DurationFit)> {
        match (self.lognormal, self.gamma) {
            (Some(l), Some(g)) if g.log_lik > l.log_lik => Some(("gamma", g)),
            (Some(l), _) => Some(("lognormal", l)),
            (None, Some(g)) => Some(("gamma", g)),
            (None, None) => None,
        }
    }

    /// Observed counts pooled over the dates of each weekday, per interval.
    pub fn pooled(&self, ipd: usize) -> [Vec<IntervalObs>; 7] {
        let mut out: [Vec<IntervalObs>; 7] = Default::default();
        for v in out.iter_mut() {
            *v = vec![IntervalObs::default(); ipd];
        }
        for (date, obs) in &self.observed {
            let w = date.weekday().index();
            for (k, o) in obs.iter().enumerate() {
                out[w][k].add(o);
            }
        }
        out
    }
}

/// Staffing of one agent group as the fitted scenario gives it.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupFit {
    /// Name.
    pub name: String,
    /// Call types served (indices into [`FitResult::call_types`]), most answered first.
    pub skills: Vec<usize>,
    /// Agents per interval of each weekday, Monday first.
    pub agents: [Vec<u32>; 7],
    /// Where the numbers come from (staffing table or an assumption).
    pub source: String,
}

/// Counts of rows that were not used or look suspicious.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RowReport {
    /// Data rows read.
    pub rows: u64,
    /// Rows skipped as malformed or impossible (with `skip_bad`).
    pub skipped: u64,
    /// The first skipped rows' messages.
    pub skipped_examples: Vec<String>,
    /// Rows identical to an earlier row with the same arrival (left out).
    pub duplicates: u64,
    /// Line of the first duplicate.
    pub first_duplicate_line: Option<u64>,
    /// Rows whose arrival is earlier than the previous row's (kept).
    pub out_of_order: u64,
    /// Line of the first out-of-order row.
    pub first_out_of_order_line: Option<u64>,
    /// Rows answered before their arrival within the clock tolerance (wait 0).
    pub clock_adjusted: u64,
    /// Line of the first such row.
    pub first_clock_adjusted_line: Option<u64>,
    /// The clock tolerance, seconds.
    pub clock_tolerance_s: f64,
}

impl RowReport {
    /// One line per kind of problem found, for stderr and the scenario's comments.
    pub fn lines(&self, file: &str) -> Vec<String> {
        let mut out = Vec::new();
        if self.skipped > 0 {
            out.push(format!(
                "{file}: skipped {} bad row(s) of {}; first: {}",
                self.skipped,
                self.rows,
                self.skipped_examples.join(" | ")
            ));
        }
        if self.duplicates > 0 {
            out.push(format!(
                "{file}: left out {} duplicated row(s) (first at line {})",
                self.duplicates,
                self.first_duplicate_line.unwrap_or(0)
            ));
        }
        if self.out_of_order > 0 {
            out.push(format!(
                "{file}: {} row(s) out of arrival order (first at line {}); kept, but redials and duplicates are detected only in order",
                self.out_of_order,
                self.first_out_of_order_line.unwrap_or(0)
            ));
        }
        if self.clock_adjusted > 0 {
            out.push(format!(
                "{file}: {} row(s) ({:.2}%) answered up to {} s before their arrival (first at line {}): clocks of two systems; their wait counts as 0 (--clock-tolerance)",
                self.clock_adjusted,
                100.0 * self.clock_adjusted as f64 / self.rows.max(1) as f64,
                self.clock_tolerance_s,
                self.first_clock_adjusted_line.unwrap_or(0)
            ));
        }
        out
    }
}

/// The result of [`fit`].
#[derive(Debug, Clone, PartialEq)]
pub struct FitResult {
    /// The call log's file name.
    pub calls_file: String,
    /// The staffing table's file name, if any.
    pub staffing_file: Option<String>,
    /// Options used.
    pub options: FitOptions,
    /// Row problems.
    pub rows: RowReport,
    /// First date of the log.
    pub first_date: Date,
    /// Days from the first to the last date, inclusive.
    pub days: u32,
    /// Call types in order of first appearance.
    pub call_types: Vec<CallTypeFit>,
    /// Agent groups.
    pub groups: Vec<GroupFit>,
    /// Availability calibrated by simulation (`--calibrate-availability`):
    /// written as every group's `shrinkage`.
    pub availability: Option<calibrate::Availability>,
    /// Waiting-time head starts estimated from a per-call log (`None` for
    /// interval reports and logs with fewer than two queued call types).
    pub credit_estimate: Option<routing::CreditEstimate>,
    /// The routing chosen by the back-test ([`routing::choose`]); `None`:
    /// strict skill order, not chosen.
    pub routing: Option<routing::RoutingChoice>,
}

impl FitResult {
    /// Intervals per day.
    pub fn intervals_per_day(&self) -> usize {
        (86_400 / self.options.interval_s) as usize
    }
}

impl TypeAcc {
    fn new(name: &str) -> TypeAcc {
        TypeAcc {
            name: name.to_string(),
            observed: BTreeMap::new(),
            closed: 0,
            ivr: 0,
            handling: DurationStats::default(),
            waits: CensoredHist::new(0.1),
            groups: HashMap::new(),
            abandoned_with_id: 0,
            redialed: 0,
            redial_delay_sum: 0.0,
            queued: routing::QueuedByMinute::new(),
        }
    }
}

/// Aggregates of one call type while reading.
struct TypeAcc {
    name: String,
    observed: BTreeMap<Date, Vec<IntervalObs>>,
    closed: u64,
    ivr: u64,
    handling: DurationStats,
    waits: CensoredHist,
    groups: HashMap<usize, u64>,
    abandoned_with_id: u64,
    redialed: u64,
    redial_delay_sum: f64,
    /// Answered calls that queued (waited > 1 s), per minute of answer.
    queued: routing::QueuedByMinute,
}

/// Reads a call log (and optionally a staffing table) and estimates every
/// input of a scenario.
///
/// # Errors
/// [`FitError::Input`] for unreadable files, a missing column, a bad row
/// (unless `skip_bad`; it names the file, line, column and value), an
/// empty log or a bad staffing table.
pub fn fit(
    calls: &Path,
    staffing: Option<&Path>,
    opts: &FitOptions,
) -> Result<FitResult, FitError> {
    if opts.interval_s == 0 || 86_400 % opts.interval_s != 0 || opts.interval_s % 60 != 0 {
        return Err(FitError::Input(format!(
            "--interval-minutes {}: must be a whole number of minutes dividing 1440",
            f64::from(opts.interval_s) / 60.0
        )));
    }
    let ipd = (86_400 / opts.interval_s) as usize;
    let isz = f64::from(opts.interval_s);
    let mut rdr = CallLogReader::open(calls)?;
    rdr.set_clock_tolerance(opts.clock_tolerance_s);
    let file = rdr.file.clone();
    let has_groups = rdr.has_groups();
    let mut types: Vec<TypeAcc> = Vec::new();
    let mut type_idx: HashMap<String, usize> = HashMap::new();
    let mut group_names: Vec<String> = Vec::new();
    let mut group_idx: HashMap<String, usize> = HashMap::new();
    // busy agent-seconds per group, date, interval
    let mut busy: Vec<BTreeMap<Date, Vec<f64>>> = Vec::new();
    let mut last_abandon: HashMap<String, (usize, f64)> = HashMap::new();
    let mut report = RowReport {
        clock_tolerance_s: opts.clock_tolerance_s,
        ..RowReport::default()
    };
    let mut prev_arrival = f64::NEG_INFINITY;
    let mut same_arrival: HashSet<u64> = HashSet::new();
    // Earliest and latest arrival dates, with the line of their first row.
    let mut min_date: Option<(Date, u64)> = None;
    let mut max_date: Option<(Date, u64)> = None;
    while let Some(row) = rdr.next_row() {
        report.rows += 1;
        let row = match row {
            Ok(r) => r,
            Err(e) => {
                let fatal = e.column.is_none() && e.message.starts_with("unreadable");
                if opts.skip_bad && !fatal {
                    report.skipped += 1;
                    if report.skipped_examples.len() < 3 {
                        report.skipped_examples.push(e.describe(&file));
                    }
                    continue;
                }
                return Err(row_error(&file, &e, opts.skip_bad));
            }
        };
        // Order and duplicates.
        let a = row.arrival.local_s;
        if a < prev_arrival {
            report.out_of_order += 1;
            report.first_out_of_order_line.get_or_insert(row.line);
        } else {
            if a > prev_arrival {
                same_arrival.clear();
            }
            prev_arrival = a;
            let mut h = DefaultHasher::new();
            (
                row.call_type,
                row.answered.map(|t| t.local_s.to_bits()),
                row.end.local_s.to_bits(),
                row.group,
                row.caller,
                row.outcome,
            )
                .hash(&mut h);
            if !same_arrival.insert(h.finish()) {
                report.duplicates += 1;
                report.first_duplicate_line.get_or_insert(row.line);
                continue;
            }
        }
        let ct = match type_idx.get(row.call_type) {
            Some(&i) => i,
            None => {
                type_idx.insert(row.call_type.to_string(), types.len());
                types.push(TypeAcc::new(row.call_type));
                types.len() - 1
            }
        };
        let date = row.arrival.date();
        if min_date.is_none_or(|(m, _)| date < m) {
            min_date = Some((date, row.line));
        }
        if max_date.is_none_or(|(m, _)| date > m) {
            max_date = Some((date, row.line));
        }
        if row.clock_adjusted {
            report.clock_adjusted += 1;
            report.first_clock_adjusted_line.get_or_insert(row.line);
        }
        // Redials: a call from a caller who abandoned within the window.
        let mut is_redial = false;
        if let Some(c) = row.caller {
            if let Some(&(pct, t)) = last_abandon.get(c) {
                let delay = row.arrival.instant() - t;
                if (0.0..=opts.redial_window_s).contains(&delay) {
                    types[pct].redialed += 1;
                    types[pct].redial_delay_sum += delay;
                    is_redial = true;
                }
                last_abandon.remove(c);
            }
            if report.rows % 65_536 == 0 {
                let cutoff = row.arrival.instant() - opts.redial_window_s;
                last_abandon.retain(|_, v| v.1 >= cutoff);
            }
        }
        let t = &mut types[ct];
        // A call answered before its arrival (within the clock tolerance) waited 0.
        let wait = (row.answered.unwrap_or(row.end).instant() - row.arrival.instant()).max(0.0);
        let k = ((row.arrival.second_of_day() / isz) as usize).min(ipd - 1);
        match row.outcome {
            LogOutcome::Closed => {
                t.closed += 1;
                continue;
            }
            LogOutcome::Ivr => {
                t.ivr += 1;
                continue;
            }
            LogOutcome::Answered | LogOutcome::Abandoned => {}
        }
        let cell = &mut t
            .observed
            .entry(date)
            .or_insert_with(|| vec![IntervalObs::default(); ipd])[k];
        cell.offered += 1;
        cell.redials += u32::from(is_redial);
        if let Some(ans) = row.answered {
            cell.answered += 1;
            cell.wait_answered_s += wait;
            if wait <= opts.threshold_s {
                cell.within += 1;
            }
            t.waits.add(wait, false);
            if wait > 1.0 {
                let e = t
                    .queued
                    .entry((ans.instant() / 60.0).floor() as i64)
                    .or_insert((0.0, 0));
                e.0 += wait;
                e.1 += 1;
            }
            t.handling.add(row.end.instant() - ans.instant());
            let g = match (has_groups, row.group) {
                (true, Some(name)) => match group_idx.get(name) {
                    Some(&g) => Some(g),
                    None => {
                        group_idx.insert(name.to_string(), group_names.len());
                        group_names.push(name.to_string());
                        busy.push(BTreeMap::new());
                        Some(group_names.len() - 1)
                    }
                },
                (true, None) => None,
                (false, _) => {
                    if group_names.is_empty() {
                        group_names.push("agents".into());
                        busy.push(BTreeMap::new());
                    }
                    Some(0)
                }
            };
            if let Some(g) = g {
                *t.groups.entry(g).or_insert(0) += 1;
                add_busy(&mut busy[g], ans.local_s, row.end.local_s, isz, ipd);
            }
        } else {
            cell.abandoned += 1;
            t.waits.add(wait, true);
            if let Some(c) = row.caller {
                t.abandoned_with_id += 1;
                last_abandon.insert(c.to_string(), (ct, row.end.instant()));
            }
        }
    }
    let (Some((first, first_line)), Some((last, last_line))) = (min_date, max_date) else {
        return Err(FitError::Input(format!(
            "{file}: no usable call in the log ({} row(s) read)",
            report.rows
        )));
    };
    let max_days = crate::scenario::validate::limits::MAX_DAYS;
    if (last.days_since(first) + 1) as f64 > max_days {
        return Err(FitError::Input(format!(
            "{file}: the log spans {} days, from {first} (line {first_line}) to {last} (line {last_line}): a scenario may have at most {max_days} days; check those rows' dates, or fit a shorter extract",
            last.days_since(first) + 1
        )));
    }
    let days = (last.days_since(first) + 1) as u32;
    let has_callers = rdr.has_callers();
    let call_types: Vec<CallTypeFit> = types
        .iter()
        .map(|t| finish_type(t, first, days, ipd, opts, has_callers))
        .collect();
    let groups = match staffing {
        Some(p) => groups_from_table(p, &types, &group_names, first, days, opts)?,
        None => groups_assumed(&types, &group_names, &busy, first, days, ipd, isz),
    };
    let queued: Vec<routing::QueuedByMinute> = types.into_iter().map(|t| t.queued).collect();
    let credit_estimate = routing::estimate_credits(&queued);
    Ok(FitResult {
        calls_file: file,
        staffing_file: staffing.map(|p| p.display().to_string()),
        options: opts.clone(),
        rows: report,
        first_date: first,
        days,
        call_types,
        groups,
        availability: None,
        credit_estimate,
        routing: None,
    })
}

fn row_error(file: &str, e: &RowError, skip_bad: bool) -> FitError {
    let hint = if skip_bad {
        ""
    } else {
        " (--skip-bad skips such rows and counts them)"
    };
    FitError::Input(format!("{}{hint}", e.describe(file)))
}

/// Spreads a service `[a, b)` (local seconds since 1970) over intervals.
fn add_busy(map: &mut BTreeMap<Date, Vec<f64>>, a: f64, b: f64, isz: f64, ipd: usize) {
    let mut t = a;
    let mut guard = 0;
    while t < b && guard < 1000 {
        guard += 1;
        let slot = (t / isz).floor();
        let slot_end = (slot + 1.0) * isz;
        let upto = b.min(slot_end);
        let day = (slot as i64).div_euclid(ipd as i64);
        let k = (slot as i64).rem_euclid(ipd as i64) as usize;
        let date = log::epoch().add_days(day);
        map.entry(date).or_insert_with(|| vec![0.0; ipd])[k] += upto - t;
        t = upto;
    }
}

fn finish_type(
    t: &TypeAcc,
    first: Date,
    days: u32,
    ipd: usize,
    opts: &FitOptions,
    has_callers: bool,
) -> CallTypeFit {
    let mut totals = IntervalObs::default();
    // All offered calls per weekday and interval: where the center was open.
    let mut all: [Vec<u64>; 7] = std::array::from_fn(|_| vec![0; ipd]);
    for (date, obs) in &t.observed {
        let w = date.weekday().index();
        for (k, o) in obs.iter().enumerate() {
            totals.add(o);
            all[w][k] += u64::from(o.offered);
        }
    }
    let isz = opts.interval_s;
    let open = opts
        .open
        .unwrap_or_else(|| trim_open(&all, opts.open_share, isz));
    let inside = |w: usize, k: usize| {
        open[w].is_some_and(|(a, b)| k as u32 * isz >= a && (k as u32 + 1) * isz <= b)
    };
    // Volumes and profiles: first attempts (redials left to the `redial`
    // field) inside the opening.
    let first_of = |o: &IntervalObs| {
        u64::from(if has_callers {
            o.offered - o.redials
        } else {
            o.offered
        })
    };
    let mut per_weekday: [Vec<f64>; 7] = Default::default();
    let mut profile: [Vec<u64>; 7] = std::array::from_fn(|_| vec![0; ipd]);
    let mut outside_open = 0;
    for d in 0..days {
        let date = first.add_days(i64::from(d));
        let w = date.weekday().index();
        let mut n = 0;
        if let Some(obs) = t.observed.get(&date) {
            for (k, o) in obs.iter().enumerate() {
                if inside(w, k) {
                    profile[w][k] += first_of(o);
                    n += first_of(o);
                } else {
                    outside_open += u64::from(o.offered);
                }
            }
        }
        per_weekday[w].push(n as f64);
    }
    let daily: [Option<DailyVolume>; 7] = std::array::from_fn(|w| {
        let v = &per_weekday[w];
        (!v.is_empty()).then(|| {
            let n = v.len() as f64;
            let mean = v.iter().sum::<f64>() / n;
            let var = if v.len() > 1 {
                v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)
            } else {
                0.0
            };
            DailyVolume {
                days: v.len(),
                mean,
                var,
            }
        })
    });
    let profile_notes = pool_profiles(&mut profile, &open);
    let groups: Vec<(usize, f64, f64)> = daily
        .iter()
        .flatten()
        .map(|d| (d.days, d.mean, d.var))
        .collect();
    let grouped = t.waits.grouped();
    let patience = PatienceEstimate {
        events: t.waits.events(),
        observations: t.waits.total(),
        km: km::kaplan_meier(&grouped),
        max_wait_s: grouped.last().map_or(0.0, |g| g.0),
        exponential: estimate::fit_exponential_censored(&t.waits),
        weibull: estimate::fit_weibull_censored(&t.waits),
    };
    CallTypeFit {
        name: t.name.clone(),
        totals,
        closed: t.closed,
        ivr: t.ivr,
        daily,
        profile,
        profile_notes,
        open,
        outside_open,
        first_attempts: has_callers,
        overdispersion: estimate::overdispersion(&groups),
        handling: t.handling,
        lognormal: estimate::fit_lognormal(&t.handling),
        gamma: estimate::fit_gamma(&t.handling),
        patience,
        redials: has_callers.then(|| Redials {
            abandoned_with_id: t.abandoned_with_id,
            redialed: t.redialed,
            mean_delay_s: if t.redialed > 0 {
                t.redial_delay_sum / t.redialed as f64
            } else {
                f64::NAN
            },
        }),
        observed: t.observed.clone(),
        handling_assumed: None,
        patience_note: None,
    }
}

/// Opening per weekday from the log: from the first to the end of the last
/// interval with offered calls, then trimmed at the edges: the emptiest edge
/// interval of the weekday is closed while the calls so left out stay within
/// `1 - share` of the weekday's offered calls (two stray calls just after
/// midnight would otherwise open a day at 00:00 and ask for agents for
/// them). The budget is per weekday, so that a weekday's real last interval
/// is never traded for another weekday's strays.
pub fn trim_open(all: &[Vec<u64>; 7], share: f64, isz: u32) -> [Option<(u32, u32)>; 7] {
    std::array::from_fn(|w| {
        let v = &all[w];
        let total: u64 = v.iter().sum();
        let budget = ((1.0 - share).max(0.0) * total as f64).floor() as u64;
        let mut a = v.iter().position(|&c| c > 0)?;
        let mut b = v.iter().rposition(|&c| c > 0)?;
        let mut used = 0;
        while a < b {
            let (c, left) = if v[a] <= v[b] {
                (v[a], true)
            } else {
                (v[b], false)
            };
            if used + c > budget {
                break;
            }
            used += c;
            if left {
                a += 1;
            } else {
                b -= 1;
            }
        }
        Some((a as u32 * isz, (b as u32 + 1) * isz))
    })
}

/// Pools the intraday profiles of weekdays with the same opening range when
/// a chi-square test of homogeneity (Pearson 1900; weekdays × intervals
/// contingency table, `(r-1)(c-1)` degrees of freedom) does not reject
/// equal shapes at the 5% level: one or few days per weekday give noisy
/// per-interval counts, and a noisy profile biases a simulated service level
/// down (the service level is concave in the load). Weekdays whose profiles
/// differ keep their own. Returns one note per group of weekdays.
pub fn pool_profiles(profile: &mut [Vec<u64>; 7], open: &[Option<(u32, u32)>; 7]) -> Vec<String> {
    use statrs::distribution::{ChiSquared, ContinuousCDF};
    let mut notes = Vec::new();
    let mut done = [false; 7];
    for w in 0..7 {
        if done[w] || open[w].is_none() {
            continue;
        }
        let days: Vec<usize> = (w..7).filter(|&d| !done[d] && open[d] == open[w]).collect();
        for &d in &days {
            done[d] = true;
        }
        let names: Vec<&str> = days
            .iter()
            .map(|&d| crate::calendar::Weekday::from_index(d).short())
            .collect();
        if days.len() < 2 {
            continue;
        }
        let ipd = profile[w].len();
        let row_tot: Vec<f64> = days
            .iter()
            .map(|&d| profile[d].iter().sum::<u64>() as f64)
            .collect();
        let col_tot: Vec<f64> = (0..ipd)
            .map(|k| days.iter().map(|&d| profile[d][k] as f64).sum())
            .collect();
        let total: f64 = row_tot.iter().sum();
        let cols = col_tot.iter().filter(|&&c| c > 0.0).count();
        let mut x2 = 0.0;
        for (i, &d) in days.iter().enumerate() {
            for k in 0..ipd {
                let e = row_tot[i] * col_tot[k] / total;
                if e > 0.0 {
                    x2 += (profile[d][k] as f64 - e).powi(2) / e;
                }
            }
        }
        let df = ((days.len() - 1) * cols.saturating_sub(1)) as f64;
        let p = ChiSquared::new(df.max(1.0)).map_or(0.0, |c| 1.0 - c.cdf(x2));
        if p > 0.05 {
            let pooled: Vec<u64> = (0..ipd)
                .map(|k| days.iter().map(|&d| profile[d][k]).sum())
                .collect();
            for &d in &days {
                profile[d] = pooled.clone();
            }
            notes.push(format!(
                "{}: one pooled profile (chi-square homogeneity test X2 = {x2:.1}, df = {df}, p = {p:.3})",
                names.join(", ")
            ));
        } else {
            notes.push(format!(
                "{}: a profile per weekday (shapes differ: chi-square X2 = {x2:.1}, df = {df}, p = {p:.2e})",
                names.join(", ")
            ));
        }
    }
    notes
}

/// Skills of group `g`: call types it answered, most answered first.
fn skills_of(types: &[TypeAcc], g: usize) -> Vec<usize> {
    let mut v: Vec<(usize, u64)> = types
        .iter()
        .enumerate()
        .filter_map(|(i, t)| t.groups.get(&g).map(|&n| (i, n)))
        .collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    v.into_iter().map(|x| x.0).collect()
}

/// Gives every call type no group serves to every group (least preferred),
/// so that the scenario routes it somewhere.
fn cover_all(groups: &mut [GroupFit], n_types: usize) {
    for ct in 0..n_types {
        if !groups.iter().any(|g| g.skills.contains(&ct)) {
            for g in groups.iter_mut() {
                g.skills.push(ct);
            }
        }
    }
}

fn groups_from_table(
    path: &Path,
    types: &[TypeAcc],
    log_groups: &[String],
    first: Date,
    days: u32,
    opts: &FitOptions,
) -> Result<Vec<GroupFit>, FitError> {
    let file = path.display().to_string();
    let rows = log::read_staffing(path)?;
    let ipd = (86_400 / opts.interval_s) as usize;
    let isz = f64::from(opts.interval_s);
    // The table's own interval: the smallest gap between starts of a group's day.
    let mut by: BTreeMap<(String, Date), Vec<(u32, f64)>> = BTreeMap::new();
    let mut names: Vec<String> = Vec::new();
    for r in &rows {
        if !names.contains(&r.group) {
            names.push(r.group.clone());
        }
        by.entry((r.group.clone(), r.date))
            .or_default()
            .push((r.start_s, r.agents));
    }
    let mut step = u32::MAX;
    for v in by.values_mut() {
        v.sort_by_key(|x| x.0);
        for w in v.windows(2) {
            if w[1].0 > w[0].0 {
                step = step.min(w[1].0 - w[0].0);
            }
        }
    }
    if step == u32::MAX {
        step = opts.interval_s;
    }
    let mut out = Vec::new();
    for name in &names {
        let g_log = log_groups.iter().position(|n| n == name);
        let skills = match (g_log, log_groups.len()) {
            (Some(g), _) => skills_of(types, g),
            // A log without a group column: every staffed group serves every call type.
            (None, 1) if log_groups[0] == "agents" => skills_of(types, 0),
            (None, _) => Vec::new(),
        };
        let mut sum: [Vec<f64>; 7] = std::array::from_fn(|_| vec![0.0; ipd]);
        let mut ndays = [0u32; 7];
        for d in 0..days {
            let date = first.add_days(i64::from(d));
            let w = date.weekday().index();
            ndays[w] += 1;
            let Some(v) = by.get(&(name.clone(), date)) else {
                continue;
            };
            for &(s, agents) in v {
                let (a, b) = (f64::from(s), f64::from(s) + f64::from(step));
                for (k, acc) in sum[w].iter_mut().enumerate() {
                    let (ia, ib) = (k as f64 * isz, (k + 1) as f64 * isz);
                    let overlap = (b.min(ib) - a.max(ia)).max(0.0);
                    *acc += agents * overlap / isz;
                }
            }
        }
        let agents = std::array::from_fn(|w| {
            sum[w]
                .iter()
                .map(|&x| {
                    if ndays[w] == 0 {
                        0
                    } else {
                        (x / f64::from(ndays[w])).round() as u32
                    }
                })
                .collect()
        });
        out.push(GroupFit {
            name: name.clone(),
            skills,
            agents,
            source: format!(
                "from {file}: mean agents on duty per interval over the days of each weekday, rounded"
            ),
        });
    }
    out.retain(|g| !g.skills.is_empty() || g.agents.iter().flatten().any(|&a| a > 0));
    if out.is_empty() {
        return Err(FitError::Input(format!("{file}: no staffing rows")));
    }
    // Groups with agents but no call answered in the log serve every call type.
    let n = types.len();
    for g in out.iter_mut() {
        if g.skills.is_empty() {
            g.skills = (0..n).collect();
        }
    }
    cover_all(&mut out, n);
    Ok(out)
}

/// Occupancy assumed without a staffing table.
pub const ASSUMED_OCCUPANCY: f64 = 0.85;

fn groups_assumed(
    types: &[TypeAcc],
    names: &[String],
    busy: &[BTreeMap<Date, Vec<f64>>],
    first: Date,
    days: u32,
    ipd: usize,
    isz: f64,
) -> Vec<GroupFit> {
    let mut out = Vec::new();
    for (g, name) in names.iter().enumerate() {
        let mut sum: [Vec<f64>; 7] = std::array::from_fn(|_| vec![0.0; ipd]);
        let mut ndays = [0u32; 7];
        for d in 0..days {
            let date = first.add_days(i64::from(d));
            let w = date.weekday().index();
            ndays[w] += 1;
            if let Some(v) = busy[g].get(&date) {
                for (k, x) in v.iter().enumerate() {
                    sum[w][k] += x / isz;
                }
            }
        }
        let agents = std::array::from_fn(|w| {
            sum[w]
                .iter()
                .map(|&x| {
                    if ndays[w] == 0 {
                        0
                    } else {
                        (x / f64::from(ndays[w]) / ASSUMED_OCCUPANCY).ceil() as u32
                    }
                })
                .collect()
        });
        out.push(GroupFit {
            name: name.clone(),
            skills: skills_of(types, g),
            agents,
            source: format!(
                "ASSUMPTION (no staffing table): mean busy agents per interval / {ASSUMED_OCCUPANCY} occupancy, rounded up. A log shows busy agents, not idle ones: EDIT with the real staffing"
            ),
        });
    }
    if out.is_empty() {
        out.push(GroupFit {
            name: "agents".into(),
            skills: Vec::new(),
            agents: std::array::from_fn(|_| vec![1; ipd]),
            source: "ASSUMPTION (no answered call, no staffing table): 1 agent; EDIT".into(),
        });
    }
    cover_all(&mut out, types.len());
    out
}

/// Parses `--open`: `mon-fri=07:00-24:00,sat=08:00-14:00` (weekday sets as
/// `mon`, `mon-fri`, `sat,sun`, `all`; hours `HH:MM-HH:MM` or `closed`;
/// weekdays not named are closed). Times must fall on the fit's interval
/// grid of `interval_s` seconds.
///
/// # Errors
/// What is wrong, naming the part of the value.
pub fn parse_open(spec: &str, interval_s: u32) -> Result<[Option<(u32, u32)>; 7], String> {
    use crate::calendar::{parse_clock, parse_weekday_set};
    let mut out = [None; 7];
    let mut pending: Vec<&str> = Vec::new();
    let mut any = false;
    for part in spec.split(',') {
        let Some((days, hours)) = part.split_once('=') else {
            pending.push(part);
            continue;
        };
        pending.push(days);
        let set = pending.join(",");
        pending.clear();
        let mask = parse_weekday_set(&set).ok_or_else(|| {
            format!(
                "`{}`: not weekdays like mon, mon-fri, sat,sun or all",
                set.trim()
            )
        })?;
        let hours = hours.trim();
        let range = if hours.eq_ignore_ascii_case("closed") {
            None
        } else {
            let (a, b) = hours
                .split_once('-')
                .and_then(|(a, b)| Some((parse_clock(a)?, parse_clock(b)?)))
                .filter(|(a, b)| a < b && *b <= 86_400)
                .ok_or_else(|| {
                    format!("`{hours}`: not opening hours like 07:00-24:00 or closed")
                })?;
            if a % interval_s != 0 || b % interval_s != 0 {
                return Err(format!(
                    "`{hours}`: the hours must fall on the fit's {}-minute intervals",
                    interval_s / 60
                ));
            }
            Some((a, b))
        };
        for (w, on) in mask.iter().enumerate() {
            if *on {
                out[w] = range;
            }
        }
        any = true;
    }
    if !pending.is_empty() || !any {
        return Err(format!(
            "`{}`: each weekday set needs hours, like mon-fri=07:00-24:00",
            pending.join(",").trim()
        ));
    }
    Ok(out)
}
