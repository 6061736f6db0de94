//! `ccsim fit --calibrate-availability`: the share of the logged agents
//! effectively available (shrinkage) that reproduces the observed service
//! level and abandonment over the period.
//!
//! A staffing table says who was logged in, not who took calls: breaks,
//! meetings and after-call work hide in it. The search simulates the fitted
//! scenario with every group's `shrinkage` set to `s`, always with the same
//! seed (common random numbers: two values of `s` differ only by the agents,
//! not by the calls), and finds by bisection the root of
//!
//! ```text
//! g(s) = ½ [ (abandoned_sim(s) − abandoned_obs) / se_ab + (SL_obs − SL_sim(s)) / se_sl ]
//! ```
//!
//! which rises with `s` (fewer agents: more abandonment, lower service
//! level). `se_ab` and `se_sl` are the standard errors of the observed
//! period's rates from their day-to-day spread (`sd / sqrt(days)`; days are
//! nearly independent, calls within a day are not). Each term is a z-score,
//! and `g` is their mean, whose standard deviation is at most 1 (1 when the
//! two are perfectly correlated, as they nearly are through the load), so
//! the shares where `g = ±1.96` bound a conservative 95% interval.

use super::{FitResult, IntervalObs};

/// The calibrated availability.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Availability {
    /// Shrinkage: the share of the logged agents not available.
    pub shrinkage: f64,
    /// Lower end of the 95% interval.
    pub lo: f64,
    /// Upper end.
    pub hi: f64,
    /// Observed service level and abandonment over the period.
    pub observed: (f64, f64),
    /// Their standard errors (day-to-day).
    pub se: (f64, f64),
    /// Simulated service level and abandonment at `shrinkage`.
    pub simulated: (f64, f64),
    /// Simulations run by the search.
    pub evaluations: u32,
    /// Replications per simulation, and the seed shared by all.
    pub replications: u32,
    /// Seed.
    pub seed: u64,
}

/// Observed service level and abandonment over all call types and dates,
/// with standard errors from the spread of the daily rates.
pub fn observed_rates(fit: &FitResult) -> ((f64, f64), (f64, f64)) {
    let mut tot = IntervalObs::default();
    let mut days: std::collections::BTreeMap<crate::calendar::Date, IntervalObs> =
        std::collections::BTreeMap::new();
    for ct in &fit.call_types {
        tot.add(&ct.totals);
        for (d, obs) in &ct.observed {
            let e = days.entry(*d).or_default();
            for o in obs {
                e.add(o);
            }
        }
    }
    let sl = tot.service_level().unwrap_or(f64::NAN);
    let ab = tot.abandon_rate().unwrap_or(f64::NAN);
    let se = |f: &dyn Fn(&IntervalObs) -> Option<f64>| {
        let v: Vec<f64> = days.values().filter_map(f).collect();
        let n = v.len() as f64;
        if v.len() < 2 {
            return f64::NAN;
        }
        let m = v.iter().sum::<f64>() / n;
        (v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1.0) / n).sqrt()
    };
    (
        (sl, ab),
        (
            se(&IntervalObs::service_level).max(1e-4),
            se(&IntervalObs::abandon_rate).max(1e-4),
        ),
    )
}

/// Smallest shrinkage searched from, and largest.
pub const RANGE: (f64, f64) = (0.0, 0.8);

/// Bisection for `g(s) = target` on [`RANGE`], to 0.001.
fn solve(g: &mut dyn FnMut(f64) -> f64, target: f64) -> f64 {
    let (mut a, mut b) = RANGE;
    if g(a) >= target {
        return a;
    }
    if g(b) <= target {
        return b;
    }
    while b - a > 0.001 {
        let m = 0.5 * (a + b);
        if g(m) < target {
            a = m;
        } else {
            b = m;
        }
    }
    0.5 * (a + b)
}

/// Searches the shrinkage; `simulate(s)` returns the simulated service level
/// and abandonment with every group's shrinkage at `s` (same seed each time).
pub fn calibrate(
    observed: (f64, f64),
    se: (f64, f64),
    simulate: &mut dyn FnMut(f64) -> (f64, f64),
) -> (f64, f64, f64, u32) {
    let mut evals = 0;
    let mut cache: Vec<(f64, f64)> = Vec::new();
    let mut g = |s: f64| {
        let key = (s * 1e6).round();
        if let Some(&(_, v)) = cache.iter().find(|(k, _)| *k == key) {
            v
        } else {
            evals += 1;
            let (sl, ab) = simulate(s);
            let v = 0.5 * ((ab - observed.1) / se.1 + (observed.0 - sl) / se.0);
            cache.push((key, v));
            v
        }
    };
    let s = solve(&mut g, 0.0);
    let lo = solve(&mut g, -1.96);
    let hi = solve(&mut g, 1.96);
    (s, lo, hi, evals)
}

/// Simulated service level and abandonment over all call types (weighted by
/// simulated offered calls).
pub fn overall_rates(summary: &crate::stats::Summary) -> (f64, f64) {
    use crate::stats::Kpi;
    let (mut off, mut sl, mut ab) = (0.0, 0.0, 0.0);
    for e in &summary.call_types {
        let o = e.kpis.get(Kpi::Offered).map_or(0.0, |x| x.mean);
        if o > 0.0 {
            off += o;
            sl += o * e.kpis.get(Kpi::ServiceLevel).map_or(0.0, |x| x.mean);
            ab += o * e.kpis.get(Kpi::AbandonRate).map_or(0.0, |x| x.mean);
        }
    }
    if off > 0.0 {
        (sl / off, ab / off)
    } else {
        (f64::NAN, f64::NAN)
    }
}

/// Calibrates the availability of the fitted scenario `sc` (built from
/// `res`) against the log: every simulation uses `ro`'s replications and
/// seed.
///
/// # Errors
/// A failure of the replication driver (thread pool).
pub fn run(
    res: &FitResult,
    sc: &crate::scenario::Scenario,
    ro: &crate::experiment::RunOptions,
) -> Result<Availability, crate::experiment::RunError> {
    let (observed, se) = observed_rates(res);
    let mut err = None;
    let mut simulate = |s: f64| {
        let mut c = sc.clone();
        for g in &mut c.groups {
            g.shrinkage = s;
        }
        match crate::experiment::run(&c, ro, None) {
            Ok(out) => overall_rates(&out.summary),
            Err(e) => {
                err.get_or_insert(e);
                (f64::NAN, f64::NAN)
            }
        }
    };
    let (shrinkage, lo, hi, evaluations) = calibrate(observed, se, &mut simulate);
    let simulated = simulate(shrinkage);
    if let Some(e) = err {
        return Err(e);
    }
    Ok(Availability {
        shrinkage,
        lo,
        hi,
        observed,
        se,
        simulated,
        evaluations: evaluations + 1,
        replications: ro.replications.unwrap_or(sc.run.replications),
        seed: ro.seed.unwrap_or(sc.run.seed),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bisection_finds_the_share_and_its_interval() {
        // A linear model: SL = 0.9 - s, abandonment = 0.02 + 0.5 s; observed at s = 0.25.
        let obs = (0.65, 0.145);
        let se = (0.01, 0.005);
        let (s, lo, hi, n) = calibrate(obs, se, &mut |s| (0.9 - s, 0.02 + 0.5 * s));
        assert!((s - 0.25).abs() < 0.001, "{s}");
        // g(s) = ½ [(0.5 (s - 0.25)) / 0.005 + (s - 0.25) / 0.01] = 100 (s - 0.25):
        // g = ±1.96 at s = 0.25 ± 0.0196.
        assert!((lo - 0.2304).abs() < 0.001, "{lo}");
        assert!((hi - 0.2696).abs() < 0.001, "{hi}");
        assert!(n < 40, "{n}");
    }
}
