//! The contact-center model: a validated [`Scenario`] compiled into flat,
//! index-based tables ([`Center`]) and the per-replication simulation
//! ([`sim`]) that runs on them.
//!
//! Routing follows the two decisions of the field's reference designs: when a
//! call arrives, the router looks for an idle agent in the groups that have
//! the call type as a skill, preferring groups where it is a higher skill
//! (specialists first, then by group order); if none is idle the call waits in
//! its call type's FIFO queue. When an agent frees up (or a shift starts), it
//! takes the head of the first non-empty queue in its own skill order.

pub mod dist;
pub mod sim;

use crate::calendar::DAY_S;
use crate::engine::stable_hash;
use crate::scenario::{AtClose, Scenario};
pub use dist::Sampler;

/// A constant-rate stretch of a day during which a call type arrives.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Segment {
    /// Start, seconds after midnight.
    pub start: f64,
    /// End, seconds after midnight.
    pub end: f64,
    /// Arrival rate, calls per second.
    pub rate: f64,
}

/// A call type, compiled.
#[derive(Debug, Clone)]
pub struct CallTypeModel {
    /// Stable hash of the name: the source id of its random streams.
    pub key: u64,
    /// Service index.
    pub service: usize,
    /// Service-level threshold, seconds.
    pub threshold_s: f64,
    /// Handling-time target, seconds (infinite when none).
    pub handled_within_s: f64,
    /// Handling time sampler.
    pub handling: Sampler,
    /// Patience sampler; `None` means infinite patience.
    pub patience: Option<Sampler>,
    /// True for evenly spaced arrivals.
    pub deterministic: bool,
    /// Arrival segments per weekday, Monday first.
    pub segments: [Vec<Segment>; 7],
    /// Groups that serve it, in order of preference.
    pub routing: Vec<u16>,
}

/// An agent group, compiled.
#[derive(Debug, Clone)]
pub struct GroupModel {
    /// Call types it serves, in its order of preference.
    pub skills: Vec<u16>,
    /// Agents per interval of each weekday.
    pub staffing: [Vec<u32>; 7],
}

/// A service, compiled.
#[derive(Debug, Clone)]
pub struct ServiceModel {
    /// Its call types.
    pub call_types: Vec<u16>,
    /// Closing instants (seconds after midnight) per weekday at which waiting
    /// callers are dropped; empty unless `at_close = "drop"`.
    pub drops: [Vec<f64>; 7],
}

/// A scenario compiled for simulation: no names, no maps, only indices.
#[derive(Debug, Clone)]
pub struct Center {
    /// Call types.
    pub call_types: Vec<CallTypeModel>,
    /// Agent groups.
    pub groups: Vec<GroupModel>,
    /// Services.
    pub services: Vec<ServiceModel>,
    /// Interval length, seconds.
    pub interval_s: f64,
    /// Intervals per day.
    pub intervals_per_day: usize,
    /// Days in the horizon.
    pub days: usize,
    /// Weekday index of day 0.
    pub start_weekday: usize,
    /// Calls arriving before this instant are not counted.
    pub warmup_s: f64,
    /// How long after the horizon's end calls still in the system may finish.
    pub drain_limit_s: f64,
}

impl Center {
    /// Compiles a validated scenario.
    pub fn new(sc: &Scenario) -> Center {
        let interval_s = f64::from(sc.horizon.interval_s);
        let ipd = sc.horizon.intervals_per_day();
        let call_types = sc
            .call_types
            .iter()
            .enumerate()
            .map(|(ci, ct)| {
                let service = &sc.services[ct.service];
                let mut routing: Vec<(usize, usize)> = sc
                    .groups
                    .iter()
                    .enumerate()
                    .filter_map(|(gi, g)| {
                        g.skills
                            .iter()
                            .position(|&s| s == ci)
                            .map(|rank| (rank, gi))
                    })
                    .collect();
                routing.sort_unstable();
                let segments = std::array::from_fn(|d| {
                    day_segments(&ct.rate_per_s[d], &service.open[d], interval_s)
                });
                CallTypeModel {
                    key: stable_hash(&ct.name),
                    service: ct.service,
                    threshold_s: service.targets.answered_within_s,
                    handled_within_s: service.targets.handled_within_s.unwrap_or(f64::INFINITY),
                    handling: Sampler::new(&ct.handling),
                    patience: ct.patience.as_ref().map(Sampler::new),
                    deterministic: ct.process == crate::scenario::ArrivalProcess::Deterministic,
                    segments,
                    routing: routing.into_iter().map(|(_, g)| g as u16).collect(),
                }
            })
            .collect();
        let groups = sc
            .groups
            .iter()
            .map(|g| GroupModel {
                skills: g.skills.iter().map(|&s| s as u16).collect(),
                staffing: g.staffing.clone(),
            })
            .collect();
        let services = sc
            .services
            .iter()
            .enumerate()
            .map(|(si, s)| ServiceModel {
                call_types: (0..sc.call_types.len())
                    .filter(|&c| sc.call_types[c].service == si)
                    .map(|c| c as u16)
                    .collect(),
                drops: std::array::from_fn(|d| match s.at_close {
                    AtClose::Serve => Vec::new(),
                    AtClose::Drop => s.open[d]
                        .iter()
                        .filter(|&&(_, e)| {
                            e < 86_400 || !s.open[(d + 1) % 7].iter().any(|&(b, _)| b == 0)
                        })
                        .map(|&(_, e)| f64::from(e))
                        .collect(),
                }),
            })
            .collect();
        Center {
            call_types,
            groups,
            services,
            interval_s,
            intervals_per_day: ipd,
            days: sc.horizon.days as usize,
            start_weekday: sc.horizon.start.weekday().index(),
            warmup_s: sc.run.warmup_s,
            drain_limit_s: DAY_S,
        }
    }

    /// Intervals over the horizon.
    pub fn n_intervals(&self) -> usize {
        self.days * self.intervals_per_day
    }

    /// End of the horizon, seconds.
    pub fn end_s(&self) -> f64 {
        self.days as f64 * DAY_S
    }

    /// Weekday index of day `d` (which may lie past the horizon).
    #[inline]
    pub fn weekday_of_day(&self, d: usize) -> usize {
        (self.start_weekday + d) % 7
    }

    /// Agents of group `g` scheduled in interval `k` of the horizon (or after it).
    #[inline]
    pub fn staffing(&self, g: usize, k: usize) -> u32 {
        let d = k / self.intervals_per_day;
        self.groups[g].staffing[self.weekday_of_day(d)][k % self.intervals_per_day]
    }

    /// Expected number of calls offered in one replication (before warm-up).
    pub fn expected_calls(&self) -> f64 {
        (0..self.days)
            .map(|d| {
                let w = self.weekday_of_day(d);
                self.call_types
                    .iter()
                    .map(|c| {
                        c.segments[w]
                            .iter()
                            .map(|s| (s.end - s.start) * s.rate)
                            .sum::<f64>()
                    })
                    .sum::<f64>()
            })
            .sum()
    }
}

/// Splits a day into constant-rate open segments: intervals intersected with
/// opening hours, zero rates dropped, equal neighbours merged.
fn day_segments(rates: &[f64], open: &[(u32, u32)], interval_s: f64) -> Vec<Segment> {
    let mut out: Vec<Segment> = Vec::new();
    for (k, &rate) in rates.iter().enumerate() {
        if rate <= 0.0 {
            continue;
        }
        let (a, b) = (k as f64 * interval_s, (k + 1) as f64 * interval_s);
        for &(s, e) in open {
            let (s, e) = (a.max(f64::from(s)), b.min(f64::from(e)));
            if e <= s {
                continue;
            }
            match out.last_mut() {
                Some(last) if last.end == s && last.rate == rate => last.end = e,
                _ => out.push(Segment {
                    start: s,
                    end: e,
                    rate,
                }),
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_follow_rates_and_opening_hours() {
        let rates = [0.0, 1.0, 1.0, 2.0];
        let segs = day_segments(&rates, &[(0, 86_400)], 21_600.0);
        assert_eq!(
            segs,
            vec![
                Segment {
                    start: 21_600.0,
                    end: 64_800.0,
                    rate: 1.0
                },
                Segment {
                    start: 64_800.0,
                    end: 86_400.0,
                    rate: 2.0
                }
            ]
        );
        let segs = day_segments(&rates, &[(30_000, 40_000), (70_000, 80_000)], 21_600.0);
        assert_eq!(segs.len(), 2);
        assert_eq!(
            segs[0],
            Segment {
                start: 30_000.0,
                end: 40_000.0,
                rate: 1.0
            }
        );
        assert_eq!(
            segs[1],
            Segment {
                start: 70_000.0,
                end: 80_000.0,
                rate: 2.0
            }
        );
    }
}
