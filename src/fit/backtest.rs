//! The back-test that judges: per interval the observed value, the simulated
//! mean and the 95% **prediction band of one realisation**, and overall the
//! bias, mean absolute error, correlation and coverage of the band.
//!
//! Each observed weekday × interval is one realisation (the calls of the
//! log's dates of that weekday, pooled), and every replication of the
//! fitted scenario simulates the same dates, so the spread of the
//! replications is the spread of such a realisation. With `n` replications
//! of mean `m` and standard deviation `s`, the band is the normal
//! prediction interval `m ± t(0.975, n-1) · s · sqrt(1 + 1/n)`, cut to the
//! KPI's range. A model that explains the data covers about 95% of the
//! observations; far fewer means a misfit that noise does not explain. (The
//! model was fitted to the same data, which pulls coverage a little up.)

use statrs::distribution::{ContinuousCDF, StudentsT};

use crate::calendar::{ClockTime, Weekday};
use crate::stats::{Estimate, Kpi, Summary};

use super::{FitResult, IntervalObs};

/// KPIs the back-test judges, with whether they are shares (cut to [0, 1]).
pub const JUDGED: [(Kpi, bool); 4] = [
    (Kpi::Offered, false),
    (Kpi::ServiceLevel, true),
    (Kpi::AbandonRate, true),
    (Kpi::AsaS, false),
];

/// One KPI of one weekday × interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BandCell {
    /// Observed value (pooled over the log's dates of the weekday).
    pub observed: f64,
    /// Simulated mean over replications.
    pub mean: f64,
    /// Lower end of the 95% prediction band of one realisation.
    pub lo: f64,
    /// Upper end.
    pub hi: f64,
}

impl BandCell {
    /// Whether the observation falls inside the band.
    pub fn inside(&self) -> bool {
        self.lo <= self.observed && self.observed <= self.hi
    }
}

/// One weekday × interval of a call type.
#[derive(Debug, Clone, PartialEq)]
pub struct BandRow {
    /// Weekday.
    pub weekday: Weekday,
    /// Interval start.
    pub start: ClockTime,
    /// Observed counts.
    pub obs: IntervalObs,
    /// Per judged KPI (in [`JUDGED`] order), when both sides define it.
    pub cells: [Option<BandCell>; 4],
}

/// Summary of one KPI over the intervals.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Judgement {
    /// The KPI.
    pub kpi: Kpi,
    /// Intervals judged.
    pub n: usize,
    /// Mean of simulated mean − observed.
    pub bias: f64,
    /// Mean absolute error |simulated mean − observed|.
    pub mae: f64,
    /// Pearson correlation of observed and simulated means over intervals
    /// (NaN when either is constant).
    pub correlation: f64,
    /// Share of observations inside their band.
    pub coverage: f64,
}

/// The back-test of one call type.
#[derive(Debug, Clone, PartialEq)]
pub struct CallTypeBacktest {
    /// Call type.
    pub name: String,
    /// Observed totals.
    pub totals: IntervalObs,
    /// Simulated overall KPIs, in [`JUDGED`] order.
    pub overall: [Option<Estimate>; 4],
    /// Weekday × interval rows with calls observed or simulated.
    pub rows: Vec<BandRow>,
    /// Per judged KPI.
    pub judged: Vec<Judgement>,
}

/// The 95% prediction band of one realisation from replications' estimate.
pub fn prediction_band(e: &Estimate, share: bool) -> Option<(f64, f64)> {
    if !e.mean.is_finite() || e.n < 2 || !e.ci95.is_finite() {
        return None;
    }
    let df = f64::from(e.n - 1);
    let t = StudentsT::new(0.0, 1.0, df).ok()?.inverse_cdf(0.975);
    let n = f64::from(e.n);
    let sd = e.ci95 * n.sqrt() / t;
    let half = t * sd * (1.0 + 1.0 / n).sqrt();
    let (mut lo, mut hi) = (e.mean - half, e.mean + half);
    lo = lo.max(0.0);
    if share {
        hi = hi.min(1.0);
    }
    Some((lo, hi))
}

fn observed(o: &IntervalObs, k: Kpi) -> Option<f64> {
    match k {
        Kpi::Offered => Some(f64::from(o.offered)),
        Kpi::ServiceLevel => o.service_level(),
        Kpi::AbandonRate => o.abandon_rate(),
        Kpi::AsaS => o.asa_s(),
        _ => None,
    }
}

/// Pearson correlation of paired values (NaN if either side is constant).
pub fn correlation(pairs: &[(f64, f64)]) -> f64 {
    let n = pairs.len() as f64;
    if pairs.len() < 2 {
        return f64::NAN;
    }
    let (mx, my) = (
        pairs.iter().map(|p| p.0).sum::<f64>() / n,
        pairs.iter().map(|p| p.1).sum::<f64>() / n,
    );
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for &(x, y) in pairs {
        sxy += (x - mx) * (y - my);
        sxx += (x - mx).powi(2);
        syy += (y - my).powi(2);
    }
    if sxx <= 0.0 || syy <= 0.0 {
        f64::NAN
    } else {
        sxy / (sxx * syy).sqrt()
    }
}

/// Judges the fitted scenario's simulation against the log, per call type.
pub fn judge(fit: &FitResult, summary: &Summary) -> Vec<CallTypeBacktest> {
    let ipd = fit.intervals_per_day();
    let mut out = Vec::new();
    for ct in &fit.call_types {
        let Some(es) = summary.call_types.iter().find(|e| e.name == ct.name) else {
            continue;
        };
        let pooled = ct.pooled(ipd);
        let mut rows = Vec::new();
        for iv in &es.intervals {
            let k = (iv.start.secs() / fit.options.interval_s) as usize;
            if k >= ipd {
                continue;
            }
            let obs = pooled[iv.weekday.index()][k];
            let sim_offered = iv.kpis.get(Kpi::Offered).map_or(0.0, |e| e.mean);
            if obs.offered == 0
                && sim_offered.partial_cmp(&0.0) != Some(std::cmp::Ordering::Greater)
            {
                continue;
            }
            let cells = JUDGED.map(|(kpi, share)| {
                let e = iv.kpis.get(kpi)?;
                let observed = observed(&obs, kpi)?;
                let (lo, hi) = prediction_band(&e, share)?;
                Some(BandCell {
                    observed,
                    mean: e.mean,
                    lo,
                    hi,
                })
            });
            rows.push(BandRow {
                weekday: iv.weekday,
                start: iv.start,
                obs,
                cells,
            });
        }
        let judged = JUDGED
            .iter()
            .enumerate()
            .map(|(i, &(kpi, _))| {
                let cells: Vec<BandCell> = rows.iter().filter_map(|r| r.cells[i]).collect();
                let n = cells.len();
                let nf = n.max(1) as f64;
                let pairs: Vec<(f64, f64)> = cells.iter().map(|c| (c.observed, c.mean)).collect();
                Judgement {
                    kpi,
                    n,
                    bias: cells.iter().map(|c| c.mean - c.observed).sum::<f64>() / nf,
                    mae: cells
                        .iter()
                        .map(|c| (c.mean - c.observed).abs())
                        .sum::<f64>()
                        / nf,
                    correlation: correlation(&pairs),
                    coverage: cells.iter().filter(|c| c.inside()).count() as f64 / nf,
                }
            })
            .collect();
        out.push(CallTypeBacktest {
            name: ct.name.clone(),
            totals: ct.totals,
            overall: JUDGED.map(|(k, _)| es.kpis.get(k)),
            rows,
            judged,
        });
    }
    out
}

/// The words of a coverage: what a planner can conclude from it.
pub fn verdict(coverage: f64, n: usize) -> &'static str {
    if n < 10 {
        "too few intervals to judge"
    } else if coverage >= 0.90 {
        "the misses are what chance explains: the model explains the data"
    } else if coverage >= 0.80 {
        "somewhat more misses than chance explains: check the intervals outside"
    } else {
        "MISFIT: far more misses than chance explains"
    }
}

/// The per-interval bands as CSV: call type, weekday, interval, observed
/// offered, and per KPI observed, mean, lo, hi, inside.
pub fn bands_csv(tests: &[CallTypeBacktest]) -> String {
    let mut s = String::from("call_type,weekday,interval_start,offered_obs");
    for (k, _) in JUDGED {
        let n = k.name();
        s.push_str(&format!(
            ",{n}_obs,{n}_sim_mean,{n}_band_lo,{n}_band_hi,{n}_inside"
        ));
    }
    s.push('\n');
    for t in tests {
        for r in &t.rows {
            s.push_str(&format!(
                "{},{},{},{}",
                super::synth::csv_field(&t.name),
                r.weekday,
                r.start,
                r.obs.offered
            ));
            for c in &r.cells {
                match c {
                    Some(c) => s.push_str(&format!(
                        ",{},{},{},{},{}",
                        c.observed,
                        c.mean,
                        c.lo,
                        c.hi,
                        u8::from(c.inside())
                    )),
                    None => s.push_str(",,,,,"),
                }
            }
            s.push('\n');
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn band_is_the_prediction_interval_of_one_value() {
        // 10 replications, sd 2: ci95 = t9 * 2 / sqrt(10); band half-width
        // = t9 * 2 * sqrt(1.1) = 2.262157 * 2.097618 = 4.745.
        let t9 = 2.262_157_162_8;
        let e = Estimate {
            mean: 50.0,
            ci95: t9 * 2.0 / 10f64.sqrt(),
            n: 10,
        };
        let (lo, hi) = prediction_band(&e, false).unwrap();
        assert!((hi - 50.0 - t9 * 2.0 * 1.1f64.sqrt()).abs() < 1e-6, "{hi}");
        assert!((50.0 - lo - (hi - 50.0)).abs() < 1e-9);
        // Shares are cut to [0, 1].
        let e = Estimate {
            mean: 0.98,
            ci95: 0.02,
            n: 10,
        };
        let (lo, hi) = prediction_band(&e, true).unwrap();
        assert_eq!(hi, 1.0);
        assert!(lo < 0.98);
        assert!(
            prediction_band(
                &Estimate {
                    mean: 1.0,
                    ci95: f64::NAN,
                    n: 1
                },
                false
            )
            .is_none()
        );
        assert!((correlation(&[(1.0, 2.0), (2.0, 4.0), (3.0, 6.5)]) - 0.9980).abs() < 1e-3);
        assert!(correlation(&[(1.0, 2.0), (1.0, 4.0)]).is_nan());
    }
}
