//! Right-censored waits: a binned store and the Kaplan-Meier estimator.
//!
//! A caller's patience is seen only when it runs out before an agent
//! answers: an abandoned call is an *event* at its wait, an answered call is
//! *censored* at its wait (the patience was longer than the wait).

use std::collections::BTreeMap;

/// Longest wait kept apart in [`CensoredHist`], seconds (one day).
pub const MAX_WAIT_S: f64 = 86_400.0;

/// Counts of events and censored observations in bins of fixed width, so
/// that memory depends on the number of distinct (binned) waits, not on the
/// number of calls nor on the longest wait.
#[derive(Debug, Clone, PartialEq)]
pub struct CensoredHist {
    /// Bin width, seconds.
    pub width: f64,
    /// Per non-empty bin, by bin number: (events, censored). Sparse, so
    /// that one long wait costs one entry, not a bin for every 0.1 s before it.
    pub bins: BTreeMap<usize, (u64, u64)>,
    /// Exact sum of all times (events and censored), seconds.
    pub sum_all: f64,
    /// Exact sum of event times, seconds.
    pub sum_events: f64,
    /// Censored observations at exactly 0 (answered at once): they carry no
    /// information on patience and are kept out of the bins, where a
    /// midpoint would give them a small positive time.
    pub censored_at_zero: u64,
}

impl CensoredHist {
    /// An empty store with bins of `width` seconds.
    pub fn new(width: f64) -> CensoredHist {
        CensoredHist {
            width,
            bins: BTreeMap::new(),
            sum_all: 0.0,
            sum_events: 0.0,
            censored_at_zero: 0,
        }
    }

    /// Adds a time `t >= 0`: an event (`true`) or censored (`false`).
    pub fn add(&mut self, t: f64, event: bool) {
        let t = t.max(0.0);
        if t == 0.0 && !event {
            self.censored_at_zero += 1;
            return;
        }
        let k = ((t / self.width) as usize).min(self.max_bins() - 1);
        let bin = self.bins.entry(k).or_insert((0, 0));
        if event {
            bin.0 += 1;
            self.sum_events += t;
        } else {
            bin.1 += 1;
        }
        self.sum_all += t;
    }

    /// Bins cover waits up to [`MAX_WAIT_S`]; longer waits fall in the last
    /// bin, so that a corrupt row cannot blow up memory.
    pub fn max_bins(&self) -> usize {
        ((MAX_WAIT_S / self.width).ceil() as usize).max(1)
    }

    /// Number of events.
    pub fn events(&self) -> u64 {
        self.bins.values().map(|b| b.0).sum()
    }

    /// Number of observations.
    pub fn total(&self) -> u64 {
        self.censored_at_zero + self.bins.values().map(|b| b.0 + b.1).sum::<u64>()
    }

    /// The representative time of bin `k` (its midpoint).
    pub fn time(&self, k: usize) -> f64 {
        (k as f64 + 0.5) * self.width
    }

    /// Grouped observations `(time, events, censored)` in increasing time,
    /// empty bins left out: the input of [`kaplan_meier`].
    pub fn grouped(&self) -> Vec<(f64, u64, u64)> {
        let zero = (self.censored_at_zero > 0).then_some((0.0, 0, self.censored_at_zero));
        zero.into_iter()
            .chain(
                self.bins
                    .iter()
                    .filter(|(_, b)| b.0 + b.1 > 0)
                    .map(|(&k, b)| (self.time(k), b.0, b.1)),
            )
            .collect()
    }
}

/// One step of a Kaplan-Meier curve.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct KmStep {
    /// Event time.
    pub time: f64,
    /// At risk just before `time`.
    pub at_risk: u64,
    /// Events at `time`.
    pub events: u64,
    /// Survival S(t) just after `time`.
    pub survival: f64,
    /// Greenwood standard error of S(t).
    pub se: f64,
}

/// The Kaplan-Meier product-limit estimator (Kaplan & Meier 1958) of a
/// survival function from right-censored data.
///
/// Input: `(time, events, censored)` in increasing time. At each time with
/// events, `S(t) = prod_{t_i <= t} (1 - d_i / n_i)` where `n_i` is the number
/// at risk just before `t_i` (observations with time >= `t_i`; censored
/// observations at `t_i` count as at risk, the usual convention) and `d_i`
/// the events at `t_i`. The standard error is Greenwood's (1926):
/// `S(t) * sqrt(sum d_i / (n_i (n_i - d_i)))`.
pub fn kaplan_meier(data: &[(f64, u64, u64)]) -> Vec<KmStep> {
    let mut at_risk: u64 = data.iter().map(|d| d.1 + d.2).sum();
    let mut s = 1.0;
    let mut green = 0.0;
    let mut out = Vec::new();
    for &(time, d, c) in data {
        if d > 0 && at_risk > 0 {
            let n = at_risk as f64;
            let df = d as f64;
            s *= 1.0 - df / n;
            if at_risk > d {
                green += df / (n * (n - df));
            }
            out.push(KmStep {
                time,
                at_risk,
                events: d,
                survival: s,
                se: s * green.sqrt(),
            });
        }
        at_risk -= d + c;
    }
    out
}

/// Survival at `t` from a Kaplan-Meier curve (a right-continuous step function).
pub fn survival_at(km: &[KmStep], t: f64) -> f64 {
    km.iter()
        .take_while(|s| s.time <= t)
        .last()
        .map_or(1.0, |s| s.survival)
}

/// The median: the first time where S(t) <= 0.5, if the curve gets there.
pub fn median(km: &[KmStep]) -> Option<f64> {
    km.iter().find(|s| s.survival <= 0.5).map(|s| s.time)
}

/// The mean restricted to `[0, tau]`: the area under S(t) up to `tau`
/// (the whole mean when S reaches 0 before `tau`).
pub fn restricted_mean(km: &[KmStep], tau: f64) -> f64 {
    let (mut area, mut last_t, mut last_s) = (0.0, 0.0, 1.0);
    for s in km {
        if s.time >= tau {
            break;
        }
        area += last_s * (s.time - last_t);
        last_t = s.time;
        last_s = s.survival;
    }
    area + last_s * (tau - last_t).max(0.0)
}
