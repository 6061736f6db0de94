//! Outages of the applications agents work with: their plan for the
//! replication, their effect on calls, and the continuity they cost.

use rand::RngExt;
use rand_distr::Exp1;

use super::Replication;
use super::journey::Event;
use crate::engine::{Stream, stream};
use crate::scenario::OutageEffect;

/// The outages' state in a replication.
pub(super) struct Outages {
    /// Outages on, per service, and since when the service is down.
    down: Vec<u32>,
    down_since: Vec<f64>,
    /// No-answer outages on, per call type.
    pub blocked: Vec<u32>,
    /// Periods of no-completion outages of the replication, per call type
    /// (sorted, disjoint).
    pub no_completion: Vec<Vec<(f64, f64)>>,
    /// Scratch list of one outage's periods.
    plan: Vec<(f64, f64)>,
}

impl Outages {
    pub fn new(n_services: usize, n_call_types: usize) -> Self {
        Outages {
            down: vec![0; n_services],
            down_since: vec![0.0; n_services],
            blocked: vec![0; n_call_types],
            no_completion: vec![Vec::new(); n_call_types],
            plan: Vec::new(),
        }
    }
}

impl Replication<'_> {
    /// Draws the periods of every outage for the whole run and schedules
    /// their start and end events. Random failures form an alternating
    /// renewal process with exponential up and repair times, started in its
    /// stationary state, so the expected down share of any stretch of time is
    /// exactly MTTR / (MTBF + MTTR).
    pub(super) fn plan_outages(&mut self, seed: u64, replication: u32) {
        let c = self.c;
        let o = &mut self.outages;
        o.down.fill(0);
        o.blocked.fill(0);
        o.no_completion.iter_mut().for_each(Vec::clear);
        let end = c.end_s() + c.drain_limit_s;
        for (i, m) in c.outages.iter().enumerate() {
            let plan = &mut o.plan;
            plan.clear();
            plan.extend(m.scheduled.iter().copied());
            if let Some((up, repair)) = m.random {
                let mut rng = stream(seed, replication, m.key, Stream::Outages);
                let mut down = rng.random::<f64>() < repair / (up + repair);
                let mut t = 0.0;
                while t < end {
                    let e: f64 = rng.sample(Exp1);
                    let d = e * if down { repair } else { up };
                    if down {
                        plan.push((t, (t + d).min(end)));
                    }
                    t += d;
                    down = !down;
                }
            }
            plan.sort_by(|a, b| a.0.total_cmp(&b.0));
            merge_periods(plan);
            let outage = i as u16;
            for &(a, b) in plan.iter() {
                let (start, stop) = (true, false);
                self.events.push(a, Event::Outage { outage, start });
                self.events.push(
                    b,
                    Event::Outage {
                        outage,
                        start: stop,
                    },
                );
            }
            if m.effect == OutageEffect::NoCompletion {
                for &ct in &m.call_types {
                    o.no_completion[ct as usize].extend_from_slice(plan);
                }
            }
        }
        for v in &mut o.no_completion {
            v.sort_by(|a, b| a.0.total_cmp(&b.0));
            merge_periods(v);
        }
    }

    /// An outage starts or ends. While a no-answer outage is on, its call
    /// types are neither answered nor taken from their queues; when it ends,
    /// idle agents take the calls that waited.
    pub(super) fn on_outage(&mut self, now: f64, i: usize, start: bool) {
        let c = self.c;
        let m = &c.outages[i];
        let s = m.service;
        let no_answer = m.effect == OutageEffect::NoAnswer;
        let o = &mut self.outages;
        if start {
            if o.down[s] == 0 {
                o.down_since[s] = now;
            }
            o.down[s] += 1;
            if no_answer {
                for &ct in &m.call_types {
                    o.blocked[ct as usize] += 1;
                }
            }
            return;
        }
        o.down[s] -= 1;
        if o.down[s] == 0 {
            let since = o.down_since[s];
            self.credit_down(s, since, now);
        }
        if no_answer {
            for &ct in &m.call_types {
                self.outages.blocked[ct as usize] -= 1;
            }
            for g in 0..c.groups.len() {
                self.dispatch_all(now, g);
            }
        }
    }

    /// At the end of a run: credits the down time of outages still on.
    pub(super) fn close_outages(&mut self) {
        for s in 0..self.outages.down.len() {
            if self.outages.down[s] > 0 {
                let since = self.outages.down_since[s];
                self.credit_down(s, since, f64::INFINITY);
            }
        }
    }

    /// Credits the opening time of service `s` between `a` and `b` (clipped
    /// to the counted horizon) as down time, interval by interval.
    fn credit_down(&mut self, s: usize, a: f64, b: f64) {
        let c = self.c;
        let (a, b) = (a.max(c.warmup_s), b.min(c.end_s()));
        if b <= a {
            return;
        }
        let i = c.interval_s;
        let first = (a / i) as usize;
        let last = ((b / i).ceil() as usize).min(c.n_intervals());
        for k in first..last {
            let (x, y) = (a.max(k as f64 * i), b.min((k + 1) as f64 * i));
            if y > x {
                self.tallies.services[s][k].down_s += c.services[s].working_seconds(x, y);
            }
        }
    }
}

/// Merges sorted periods that overlap or touch, in place.
fn merge_periods(v: &mut Vec<(f64, f64)>) {
    let mut out = 0;
    for i in 0..v.len() {
        if out > 0 && v[i].0 <= v[out - 1].1 {
            v[out - 1].1 = v[out - 1].1.max(v[i].1);
        } else {
            v[out] = v[i];
            out += 1;
        }
    }
    v.truncate(out);
}

/// Whether `t` falls in one of the sorted, disjoint `periods`.
#[inline]
pub(super) fn in_periods(periods: &[(f64, f64)], t: f64) -> bool {
    if periods.is_empty() {
        return false;
    }
    let i = periods.partition_point(|&(a, _)| a <= t);
    i > 0 && t < periods[i - 1].1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_merge_and_contain() {
        let mut v = vec![(0.0, 2.0), (1.0, 3.0), (3.0, 4.0), (6.0, 7.0)];
        merge_periods(&mut v);
        assert_eq!(v, vec![(0.0, 4.0), (6.0, 7.0)]);
        assert!(in_periods(&v, 0.0) && in_periods(&v, 3.5) && in_periods(&v, 6.5));
        assert!(!in_periods(&v, 4.0) && !in_periods(&v, 5.0) && !in_periods(&v, 7.0));
        assert!(!in_periods(&[], 1.0));
    }
}
