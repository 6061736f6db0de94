//! Interval reports as input: `ccsim fit --intervals report.csv`.
//!
//! What a phone system's reporting exports when there is no per-call log:
//! per 15 or 30 minutes and queue, offered, answered, abandoned, answered
//! within the threshold, average handling time, average speed of answer and
//! often agents logged in. Columns are found by name (case-insensitive)
//! among the aliases of [`COLUMNS`]. The rows become the same per-interval
//! counts as a call log's, so volumes, profiles, overdispersion, opening
//! hours, the back-test and `--calibrate-availability` work unchanged;
//! handling and patience come from averages (see [`fit_intervals`]).

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use super::estimate::{DurationStats, PatienceFit};
use super::log::{Columns, header, open_csv, parse_timestamp, record_line};
use super::{
    ASSUMED_OCCUPANCY, FitError, FitOptions, FitResult, GroupFit, IntervalObs, RowReport, TypeAcc,
    finish_type,
};
use crate::calendar::{Date, parse_clock};

/// Columns of an interval report: the name ccsim writes first, then the
/// aliases of common ACD exports. `interval_start` is a timestamp
/// (`2025-01-13T08:00`, seconds optional) or, with a `date` column, a clock
/// time `08:00`. Times (`aht`, `asa`, `ata`) are seconds or `mm:ss` /
/// `hh:mm:ss`. `answered_within` may carry its threshold in its name
/// (`answered_within_20s`); otherwise `--threshold` is taken as the
/// report's.
pub const COLUMNS: [(&str, &[&str], bool); 12] = [
    (
        "interval_start",
        &[
            "interval_start",
            "interval",
            "start",
            "period",
            "datetime",
            "start_time",
        ],
        true,
    ),
    ("date", &["date", "day"], false),
    (
        "call_type",
        &[
            "call_type",
            "queue",
            "skill",
            "split",
            "application",
            "service",
        ],
        true,
    ),
    (
        "offered",
        &[
            "offered",
            "calls_offered",
            "contacts_offered",
            "offered_calls",
            "inbound_calls",
        ],
        true,
    ),
    (
        "answered",
        &[
            "answered",
            "handled",
            "calls_handled",
            "calls_answered",
            "acd_calls",
            "answered_calls",
        ],
        true,
    ),
    (
        "abandoned",
        &[
            "abandoned",
            "abandons",
            "calls_abandoned",
            "aband_calls",
            "abn_calls",
            "abandoned_calls",
        ],
        true,
    ),
    (
        "answered_within",
        &[
            "answered_within",
            "within_sl",
            "answered_in_sl",
            "sl_calls",
            "acceptable",
            "service_level_calls",
        ],
        true,
    ),
    (
        "aht",
        &[
            "aht",
            "aht_s",
            "avg_handle_time",
            "average_handle_time",
            "avg_handling_time",
        ],
        true,
    ),
    (
        "asa",
        &[
            "asa",
            "asa_s",
            "avg_speed_of_answer",
            "average_speed_of_answer",
            "avg_answer_time",
        ],
        true,
    ),
    (
        "ata",
        &[
            "ata",
            "ata_s",
            "avg_abandon_time",
            "avg_time_to_abandon",
            "average_abandon_time",
        ],
        false,
    ),
    (
        "aht_cv",
        &["aht_cv", "handling_cv", "cv_handle_time"],
        false,
    ),
    (
        "agents",
        &[
            "agents",
            "agents_staffed",
            "staffed",
            "logged_in",
            "agents_logged_in",
            "positions_staffed",
            "avg_agents",
        ],
        false,
    ),
];

/// Parses seconds: `185`, `185.5`, `03:05` (mm:ss) or `0:03:05` (h:mm:ss).
pub fn parse_secs(s: &str) -> Option<f64> {
    let s = s.trim();
    let parts: Vec<&str> = s.split(':').collect();
    let mut v = 0.0;
    for (i, p) in parts.iter().enumerate() {
        let x: f64 = p.trim().parse().ok()?;
        if !x.is_finite() || x < 0.0 || (i > 0 && x >= 60.0) || parts.len() > 3 {
            return None;
        }
        v = v * 60.0 + x;
    }
    Some(v)
}

/// The threshold a column name carries: `answered_within_20s` → 20.
fn threshold_in_name(name: &str) -> Option<f64> {
    let rest = name.strip_prefix("answered_within_")?;
    rest.strip_suffix('s').unwrap_or(rest).parse().ok()
}

/// Per call type while reading.
#[derive(Default)]
struct Acc {
    handled_s: f64,
    cv_sum: f64,
    cv_weight: f64,
    wait_s: f64,
    abandoned: f64,
    ata_rows: u64,
    answered: u64,
}

/// Fits a scenario from an interval report.
///
/// * Arrivals per weekday and interval, their day-to-day dispersion and the
///   opening hours: from `offered`, exactly as from a call log's counts.
/// * Handling: mean = Σ answered·AHT / Σ answered. The distribution is an
///   ASSUMPTION (exponential, cv 1) unless an `aht_cv` column gives the cv
///   (then lognormal with the answered-weighted mean cv).
/// * Patience: exponential, with mean θ = total waiting time / abandonments,
///   total waiting time = Σ answered·ASA + Σ abandoned·ATA (ASA stands in
///   for ATA without that column: an assumption, stated). For exponential
///   patience this is the censored maximum-likelihood estimate, and the
///   relation P(abandon) = E[wait] / θ that Brown et al. (2005, "Statistical
///   analysis of a telephone call center", JASA 100:36-50, §6) found in
///   real interval data.
/// * Agents: with an `agents` column, a group per call type with the mean
///   agents of each weekday's interval over its dates (rounded); without it
///   the same ASSUMPTION as for a call log (busy agents / 0.85).
///
/// # Errors
/// [`FitError::Input`] naming the file, line, column and value.
pub fn fit_intervals(path: &Path, opts: &FitOptions) -> Result<FitResult, FitError> {
    let file = path.display().to_string();
    let ipd = (86_400 / opts.interval_s) as usize;
    let isz = opts.interval_s;
    let mut rdr = open_csv(path)?;
    let cols: Columns = header(&mut rdr, &file)?;
    let mut c = [None; 12];
    for (i, (name, aliases, required)) in COLUMNS.iter().enumerate() {
        c[i] = cols.find(aliases);
        if i == 6 && c[i].is_none() {
            c[i] = cols
                .names
                .iter()
                .position(|n| threshold_in_name(n).is_some());
        }
        if *required && c[i].is_none() {
            return Err(FitError::Input(format!(
                "{file}:1: the header has no `{name}` column (aliases: {}; found: {})",
                aliases.join(", "),
                cols.names.join(", ").escape_debug()
            )));
        }
    }
    let col = |i: usize| c[i].unwrap_or(0);
    let threshold = c[6]
        .and_then(|i| threshold_in_name(&cols.names[i]))
        .unwrap_or(opts.threshold_s);
    let mut types: Vec<TypeAcc> = Vec::new();
    let mut accs: Vec<Acc> = Vec::new();
    let mut idx: HashMap<String, usize> = HashMap::new();
    // agents per call type, date, interval (agent-intervals summed; count of rows)
    let mut agents: Vec<BTreeMap<Date, Vec<f64>>> = Vec::new();
    let mut busy: Vec<BTreeMap<Date, Vec<f64>>> = Vec::new();
    let mut report = RowReport::default();
    let mut rec = csv::StringRecord::new();
    let (mut first, mut last): (Option<Date>, Option<Date>) = (None, None);
    // The report's own interval: the smallest gap between two starts of a queue's day.
    let mut starts: BTreeMap<(usize, Date), Vec<u32>> = BTreeMap::new();
    let mut rows_seen: Vec<(usize, Date, usize, f64)> = Vec::new();
    loop {
        match rdr.read_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = e.position().map_or(rdr.get_ref().line, |p| p.line());
                return Err(FitError::Input(format!(
                    "{file}:{line}: unreadable CSV: {e}"
                )));
            }
        }
        report.rows += 1;
        let line = record_line(&mut rdr, &rec);
        let bad = |i: usize, what: &str| {
            FitError::Input(format!(
                "{file}:{line}: column {}: `{}`: {what}",
                cols.label(col(i)),
                rec.get(col(i)).unwrap_or("").escape_debug()
            ))
        };
        if rec.len() != cols.names.len() {
            return Err(FitError::Input(format!(
                "{file}:{line}: {} field(s) where the header has {}",
                rec.len(),
                cols.names.len()
            )));
        }
        let f = |i: usize| rec.get(col(i)).unwrap_or("").trim();
        // Interval start.
        let (date, sec) = match c[1] {
            Some(_) => {
                let d = Date::parse(f(1)).ok_or_else(|| bad(1, "not a date like 2025-01-13"))?;
                let s = parse_clock(f(0))
                    .filter(|&s| s < 86_400)
                    .ok_or_else(|| bad(0, "not a clock time like 08:30"))?;
                (d, s)
            }
            None => {
                let raw = f(0);
                let full = if raw.len() == 16 {
                    format!("{raw}:00")
                } else {
                    raw.to_string()
                };
                let t = parse_timestamp(&full).ok_or_else(|| {
                    bad(
                        0,
                        "not an interval start like 2025-01-13T08:00 (or give a `date` column)",
                    )
                })?;
                (t.date(), t.second_of_day() as u32)
            }
        };
        let name = f(2);
        if name.is_empty() {
            return Err(bad(2, "the call type is empty"));
        }
        let count = |i: usize| -> Result<u32, FitError> {
            let v = f(i);
            v.parse::<f64>()
                .ok()
                .filter(|x| x.is_finite() && *x >= 0.0 && x.fract() == 0.0 && *x < 1e9)
                .map(|x| x as u32)
                .ok_or_else(|| bad(i, "not a whole number of calls >= 0"))
        };
        let (offered, answered, abandoned, within) = (count(3)?, count(4)?, count(5)?, count(6)?);
        if answered + abandoned > offered {
            return Err(bad(
                3,
                &format!("answered {answered} + abandoned {abandoned} exceed offered"),
            ));
        }
        if within > answered {
            return Err(bad(6, &format!("more than the {answered} answered")));
        }
        let secs = |i: usize, need: bool| -> Result<Option<f64>, FitError> {
            let v = f(i);
            if v.is_empty() {
                return if need {
                    Err(bad(i, "empty, but the interval has calls"))
                } else {
                    Ok(None)
                };
            }
            parse_secs(v)
                .map(Some)
                .ok_or_else(|| bad(i, "not a time in seconds like 185 or 03:05"))
        };
        let aht = secs(7, answered > 0)?;
        let asa = secs(8, answered > 0)?;
        let ata = match c[9] {
            Some(_) => secs(9, false)?,
            None => None,
        };
        // An optional number column: absent or empty is None.
        let opt_num =
            |i: usize, ok: &dyn Fn(f64) -> bool, what: &str| -> Result<Option<f64>, FitError> {
                if c[i].is_none() || f(i).is_empty() {
                    return Ok(None);
                }
                f(i).parse::<f64>()
                    .ok()
                    .filter(|&x| x.is_finite() && ok(x))
                    .map(Some)
                    .ok_or_else(|| bad(i, what))
            };
        let cv = opt_num(
            10,
            &|x| x > 0.0 && x <= 10.0,
            "not a coefficient of variation in (0, 10]",
        )?;
        let ag = opt_num(
            11,
            &|x| (0.0..1e6).contains(&x),
            "not a number of agents >= 0",
        )?;
        let ct = match idx.get(name) {
            Some(&i) => i,
            None => {
                idx.insert(name.to_string(), types.len());
                types.push(TypeAcc::new(name));
                accs.push(Acc::default());
                agents.push(BTreeMap::new());
                busy.push(BTreeMap::new());
                types.len() - 1
            }
        };
        first = Some(first.map_or(date, |d: Date| d.min(date)));
        last = Some(last.map_or(date, |d: Date| d.max(date)));
        let k = (sec / isz) as usize;
        let cell = &mut types[ct]
            .observed
            .entry(date)
            .or_insert_with(|| vec![IntervalObs::default(); ipd])[k];
        cell.offered += offered;
        cell.answered += answered;
        cell.abandoned += abandoned;
        cell.within += within;
        let (aht, asa) = (aht.unwrap_or(0.0), asa.unwrap_or(0.0));
        cell.wait_answered_s += f64::from(answered) * asa;
        let a = &mut accs[ct];
        a.handled_s += f64::from(answered) * aht;
        if let Some(cv) = cv {
            a.cv_sum += cv * f64::from(answered);
            a.cv_weight += f64::from(answered);
        }
        a.wait_s += f64::from(answered) * asa + f64::from(abandoned) * ata.unwrap_or(asa);
        a.abandoned += f64::from(abandoned);
        a.ata_rows += u64::from(ata.is_some());
        a.answered += u64::from(answered);
        busy[ct].entry(date).or_insert_with(|| vec![0.0; ipd])[k] += f64::from(answered) * aht;
        starts.entry((ct, date)).or_default().push(sec);
        if let Some(x) = ag {
            rows_seen.push((ct, date, k, x));
        }
    }
    let (Some(first), Some(last)) = (first, last) else {
        return Err(FitError::Input(format!(
            "{file}: no interval row in the report"
        )));
    };
    let max_days = crate::scenario::validate::limits::MAX_DAYS;
    if (last.days_since(first) + 1) as f64 > max_days {
        return Err(FitError::Input(format!(
            "{file}: the report spans {} days ({first} to {last}): a scenario may have at most {max_days} days",
            last.days_since(first) + 1
        )));
    }
    let days = (last.days_since(first) + 1) as u32;
    // The report's step, for agents of 15-minute rows in a 30-minute fit.
    let mut step = u32::MAX;
    for v in starts.values_mut() {
        v.sort_unstable();
        for w in v.windows(2) {
            if w[1] > w[0] {
                step = step.min(w[1] - w[0]);
            }
        }
    }
    let step = if step == u32::MAX { isz } else { step.min(isz) };
    for (ct, date, k, x) in rows_seen {
        agents[ct].entry(date).or_insert_with(|| vec![0.0; ipd])[k] +=
            x * f64::from(step) / f64::from(isz);
    }
    let mut call_types = Vec::new();
    for (i, t) in types.iter().enumerate() {
        let mut f = finish_type(t, first, days, ipd, opts, false);
        let a = &accs[i];
        let n = a.answered;
        f.handling = DurationStats::default();
        if n > 0 {
            let mean = (a.handled_s / n as f64).max(0.5);
            let (cv, note) = if a.cv_weight > 0.0 {
                (
                    a.cv_sum / a.cv_weight,
                    format!(
                        "lognormal with the report's answered-weighted cv (n = {n} answered calls)"
                    ),
                )
            } else {
                (
                    1.0,
                    format!(
                        "ASSUMPTION: exponential (cv 1); the report gives the mean only (n = {n} answered calls; an `aht_cv` column would give the cv)"
                    ),
                )
            };
            f.handling_assumed = Some((mean, cv, note));
        }
        f.patience.exponential = (a.abandoned > 0.0 && a.wait_s > 0.0).then(|| {
            let mean = a.wait_s / a.abandoned;
            PatienceFit {
                mean,
                se_mean: mean / a.abandoned.sqrt(),
                shape: 1.0,
                se_shape: f64::NAN,
                log_lik: f64::NAN,
            }
        });
        f.patience.weibull = None;
        f.patience.events = a.abandoned as u64;
        f.patience.observations = u64::from(f.totals.answered) + a.abandoned as u64;
        f.patience_note = Some(format!(
            "exponential patience from the report's averages: mean = total waiting time / abandonments = (Σ answered·ASA + Σ abandoned·{}) / Σ abandoned; the censored MLE for exponential patience and the relation P(abandon) = E[wait]/mean of Brown et al. (2005, JASA 100:36-50)",
            if a.ata_rows > 0 {
                "ATA"
            } else {
                "ASA (ASSUMPTION: no average-abandon-time column)"
            }
        ));
        call_types.push(f);
    }
    let has_agents = c[11].is_some();
    // Queues whose `agents` are the same in every row share one pool of
    // agents (an ACD counts a multi-skilled agent in each queue): one group
    // serving them all, most answered first, so the pool is not counted twice.
    let mut pools: Vec<Vec<usize>> = Vec::new();
    for ct in 0..types.len() {
        match pools
            .iter_mut()
            .find(|p| has_agents && agents[p[0]] == agents[ct])
        {
            Some(p) => p.push(ct),
            None => pools.push(vec![ct]),
        }
    }
    for p in &mut pools {
        p.sort_by_key(|&ct| std::cmp::Reverse(call_types[ct].totals.answered));
    }
    let groups: Vec<GroupFit> = pools
        .iter()
        .map(|pool| {
            let ct = pool[0];
            let src = if has_agents { &agents[ct] } else { &busy[ct] };
            let mut sum: [Vec<f64>; 7] = std::array::from_fn(|_| vec![0.0; ipd]);
            let mut ndays = [0u32; 7];
            for d in 0..days {
                let date = first.add_days(i64::from(d));
                let w = date.weekday().index();
                ndays[w] += 1;
                if let Some(v) = src.get(&date) {
                    for (k, x) in v.iter().enumerate() {
                        sum[w][k] += if has_agents { *x } else { x / f64::from(isz) };
                    }
                }
            }
            let agents = std::array::from_fn(|w| {
                sum[w]
                    .iter()
                    .map(|&x| {
                        let m = if ndays[w] == 0 { 0.0 } else { x / f64::from(ndays[w]) };
                        if has_agents {
                            m.round() as u32
                        } else {
                            (m / ASSUMED_OCCUPANCY).ceil() as u32
                        }
                    })
                    .collect()
            });
            let names: Vec<&str> = pool.iter().map(|&i| types[i].name.as_str()).collect();
            GroupFit {
                name: format!("{}_agents", names.join("_")),
                skills: pool.clone(),
                agents,
                source: if has_agents && pool.len() > 1 {
                    format!("from the `agents` column of {file}: the queues {} report the same agents in every row, taken as ONE pool serving them all; mean agents per interval over the days of each weekday, rounded", names.join(", "))
                } else if has_agents {
                    format!("from the `agents` column of {file}: mean agents of the queue per interval over the days of each weekday, rounded")
                } else {
                    format!("ASSUMPTION (no `agents` column): busy agents (answered x AHT per interval) / {ASSUMED_OCCUPANCY} occupancy, rounded up. EDIT with the real staffing")
                },
            }
        })
        .collect();
    let mut options = opts.clone();
    options.threshold_s = threshold;
    Ok(FitResult {
        calls_file: file,
        staffing_file: has_agents.then(|| format!("{} (agents column)", path.display())),
        options,
        rows: report,
        first_date: first,
        days,
        call_types,
        groups,
        availability: None,
        credit_estimate: None,
        routing: None,
    })
}
