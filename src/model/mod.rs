//! The contact-center model: a validated [`Scenario`] compiled into flat,
//! index-based tables ([`Center`]) and the per-replication simulation
//! ([`sim`]) that runs on them.
//!
//! Routing follows the two decisions of the field's reference designs: when a
//! call arrives, the router looks for an idle agent in the groups that have
//! the call type as a skill, preferring groups where it is a higher skill
//! (specialists first: then groups with fewer skills, then file order); if
//! none is idle the call waits in
//! its call type's FIFO queue. When an agent frees up (or a shift starts), it
//! takes the head of the first non-empty queue in its own skill order.
//! Both decisions have an alternative in `[routing]`: arriving calls can go
//! to the least busy group (load balancing), and freed agents can take the
//! call that has waited longest within the highest priority class.

pub mod dist;
pub mod sim;

use crate::calendar::DAY_S;
use crate::engine::stable_hash;
use crate::scenario::{AtClose, CallSelection, OutageEffect, Routing, Scenario};
pub use dist::Sampler;

/// A constant-rate stretch of a day during which a call type's demand arrives.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Segment {
    /// Start, seconds after midnight.
    pub start: f64,
    /// End, seconds after midnight.
    pub end: f64,
    /// Demand rate, calls per second (before the day's random factor).
    pub rate: f64,
    /// Whether the service is open: demand while closed is deferred or lost.
    pub open: bool,
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
    /// Demand segments of each day of the horizon (volume factors applied).
    pub days: Vec<Vec<Segment>>,
    /// Groups that serve it, in order of preference.
    pub routing: Vec<u16>,
    /// Waiting-time head start under [`CallSelection::WaitingCredit`], seconds.
    pub priority_credit_s: f64,
    /// Gamma day factor (mean 1) for overdispersion, if any.
    pub day_factor: Option<rand_distr::Gamma<f64>>,
    /// Handling-time factor of each day (horizon plus one day of drain).
    pub handling_factor: Vec<f64>,
    /// Closed-hours demand: share retrying at opening and their delay.
    pub closed_retry: Option<(f64, Option<Sampler>)>,
    /// Redials: probability, delay, attempts at most.
    pub redial: Option<(f64, Sampler, u32)>,
    /// After-call work.
    pub wrap_up: Option<Sampler>,
    /// Probability of resolution at first contact.
    pub first_contact_resolution: f64,
    /// IVR: share served by it alone, and the time spent in it.
    pub ivr: Option<(f64, Option<Sampler>)>,
    /// Deferred channel (e-mail, case, outbound): never abandons, taken by
    /// agents only when none of their voice calls waits.
    pub deferred: bool,
    /// Call type that unresolved answered calls become.
    pub escalate_to: Option<u16>,
    /// Completion target on the service's working-hours clock, seconds
    /// (infinite when none).
    pub target_working_s: f64,
    /// Packs released on each day of the horizon: (seconds after midnight, size).
    pub packs: Vec<Vec<(f64, u32)>>,
    /// Call back offered to this call type's waiting callers.
    pub callback: Option<CallbackModel>,
    /// For the queue of call backs of a call type (see [`CallbackModel`]):
    /// that call type.
    pub callback_of: Option<u16>,
}

/// A call back offered to waiting callers, compiled. Accepted call backs
/// wait in a queue of their own: a call type appended after the scenario's
/// (`item`), deferred (worked in idle time, never abandoned, not dropped at
/// closing), served by the groups of its call type and counted on it.
#[derive(Debug, Clone, Copy)]
pub struct CallbackModel {
    /// Wait after which the offer is made, seconds.
    pub offer_after_s: f64,
    /// Share of the callers offered who accept.
    pub accept_share: f64,
    /// Promise, working seconds of the service after accepting.
    pub within_s: f64,
    /// Index of the call type that holds the accepted call backs.
    pub item: u16,
}

/// An agent group, compiled.
#[derive(Debug, Clone)]
pub struct GroupModel {
    /// Call types it serves, in the order it takes them: higher priority
    /// class first, then its own skill order.
    pub skills: Vec<u16>,
    /// Agents scheduled in each interval of the horizon plus one day.
    pub scheduled: Vec<u32>,
    /// Agents available (scheduled less shrinkage) in each interval.
    pub available: Vec<u32>,
    /// Factor on handling times.
    pub handling_factor: f64,
    /// Per call type, the group's handling-time factor of each day (horizon
    /// plus one day); empty when it is 1 throughout.
    pub skill_factor: Vec<Vec<f64>>,
    /// Deferred items are taken only while more agents than this are idle.
    pub blend_reserve: u32,
    /// Ends of the tiers of `skills`: skills in one tier share the deferred
    /// rank (with `calls_first`) and the priority class; the longest-waiting
    /// policy compares queues within a tier only.
    pub tiers: Vec<u16>,
}

/// An application whose outages stop work on some call types, compiled.
#[derive(Debug, Clone)]
pub struct OutageModel {
    /// Stable hash of the name: the source id of its random stream.
    pub key: u64,
    /// Service whose continuity it affects.
    pub service: usize,
    /// Affected call types.
    pub call_types: Vec<u16>,
    /// Effect.
    pub effect: OutageEffect,
    /// Random failures: (mean up time, mean repair time), seconds.
    pub random: Option<(f64, f64)>,
    /// Scheduled outages, (start, end) in seconds from the horizon start, sorted.
    pub scheduled: Vec<(f64, f64)>,
}

/// A service, compiled.
#[derive(Debug, Clone)]
pub struct ServiceModel {
    /// Its call types.
    pub call_types: Vec<u16>,
    /// Open ranges (seconds after midnight) of each day, horizon plus one day.
    pub open: Vec<Vec<(u32, u32)>>,
    /// Closing instants of each day at which waiting callers are dropped;
    /// empty unless `at_close = "drop"`.
    pub drops: Vec<Vec<f64>>,
    /// Each day's last closing instant (seconds after midnight), when the
    /// service opens that day: where the backlog at close is measured.
    pub day_close: Vec<Option<f64>>,
    /// Lines for waiting voice calls (`u32::MAX`: no limit).
    pub max_waiting: u32,
    /// Interval length, seconds (of `open_by_interval`).
    pub interval_s: f64,
    /// Per interval of the horizon plus one day: `CLOSED` throughout,
    /// `OPEN` throughout, or `PARTLY` open (then `open` decides).
    pub open_by_interval: Vec<u8>,
}

/// `ServiceModel::open_by_interval`: closed throughout the interval.
const CLOSED: u8 = 0;
/// `ServiceModel::open_by_interval`: open throughout the interval.
const OPEN: u8 = 1;
/// `ServiceModel::open_by_interval`: open in part of the interval.
const PARTLY: u8 = 2;

impl ServiceModel {
    /// Open (working) seconds of the service between instants `a` and `b`
    /// (seconds from the horizon start). Time past the last planned day
    /// counts as working time.
    pub fn working_seconds(&self, a: f64, b: f64) -> f64 {
        if b <= a {
            return 0.0;
        }
        let last = self.open.len();
        let (da, db) = ((a / DAY_S) as usize, (b / DAY_S) as usize);
        let mut total = 0.0;
        for d in da..=db.min(last.saturating_sub(1)) {
            let base = d as f64 * DAY_S;
            for &(s, e) in &self.open[d] {
                let (s, e) = (base + f64::from(s), base + f64::from(e));
                total += (e.min(b) - s.max(a)).max(0.0);
            }
        }
        let beyond = last as f64 * DAY_S;
        if b > beyond {
            total += b - a.max(beyond);
        }
        total
    }

    /// Whether the service is open at `t` (seconds from the horizon start).
    #[inline]
    pub fn is_open(&self, t: f64) -> bool {
        self.is_open_in((t / self.interval_s) as usize, t)
    }

    /// [`ServiceModel::is_open`] when the interval index of `t`,
    /// `(t / interval_s) as usize`, is already known.
    #[inline]
    pub fn is_open_in(&self, k: usize, t: f64) -> bool {
        match self.open_by_interval.get(k) {
            Some(&OPEN) => true,
            Some(&PARTLY) => self.is_open_in_day(t),
            _ => false,
        }
    }

    /// [`ServiceModel::is_open`] from the day's open ranges.
    fn is_open_in_day(&self, t: f64) -> bool {
        let d = (t / DAY_S) as usize;
        let Some(day) = self.open.get(d) else {
            return false;
        };
        let s = t - d as f64 * DAY_S;
        day.iter()
            .any(|&(a, b)| s >= f64::from(a) && s < f64::from(b))
    }

    /// The first opening instant at or after `t` (seconds from the horizon
    /// start), if any before the horizon's end.
    pub fn next_open(&self, t: f64, days: usize) -> Option<f64> {
        let first = (t / DAY_S) as usize;
        for d in first..days.min(self.open.len()) {
            for &(s, e) in &self.open[d] {
                let (s, e) = (
                    d as f64 * DAY_S + f64::from(s),
                    d as f64 * DAY_S + f64::from(e),
                );
                if t < e {
                    return Some(t.max(s));
                }
            }
        }
        None
    }
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
    /// Calls arriving before this instant are not counted.
    pub warmup_s: f64,
    /// How long after the horizon's end calls still in the system may finish.
    pub drain_limit_s: f64,
    /// Routing policies.
    pub routing: Routing,
    /// Application outages.
    pub outages: Vec<OutageModel>,
}

impl Center {
    /// Compiles a validated scenario.
    pub fn new(sc: &Scenario) -> Center {
        let h = &sc.horizon;
        let interval_s = f64::from(h.interval_s);
        let ipd = h.intervals_per_day();
        let days = h.days as usize;
        // Every per-day table covers the horizon plus one day, in which calls
        // still in the system are finished.
        let dates: Vec<_> = (0..=days).map(|d| h.date(d)).collect();
        let call_types = sc
            .call_types
            .iter()
            .enumerate()
            .map(|(ci, ct)| {
                let service = &sc.services[ct.service];
                // Specialists first: the group where the call type ranks
                // highest among its skills, then the group with fewer
                // skills, then file order.
                let mut routing: Vec<(usize, usize, usize)> = sc
                    .groups
                    .iter()
                    .enumerate()
                    .filter_map(|(gi, g)| {
                        g.skills
                            .iter()
                            .position(|&s| s == ci)
                            .map(|rank| (rank, g.skills.len(), gi))
                    })
                    .collect();
                routing.sort_unstable();
                let keep_closed = ct.closed_hours.is_some();
                let day_plans = dates[..days]
                    .iter()
                    .map(|&date| {
                        let open = service.hours_on(date, &h.holidays);
                        let factor = if h.holidays.contains(&date) {
                            0.0
                        } else {
                            ct.volume_factor(date)
                        };
                        let rates: Vec<f64> = ct.rate_per_s[date.weekday().index()]
                            .iter()
                            .map(|r| r * factor)
                            .collect();
                        day_segments(&rates, open, interval_s, keep_closed)
                    })
                    .collect();
                let day_factor = (ct.day_cv > 0.0)
                    .then(|| {
                        rand_distr::Gamma::new(1.0 / (ct.day_cv * ct.day_cv), ct.day_cv * ct.day_cv)
                            .ok()
                    })
                    .flatten();
                CallTypeModel {
                    key: stable_hash(&ct.name),
                    service: ct.service,
                    threshold_s: service.targets.answered_within_s,
                    handled_within_s: service.targets.handled_within_s.unwrap_or(f64::INFINITY),
                    handling: Sampler::new(&ct.handling),
                    patience: ct.patience.as_ref().map(Sampler::new),
                    deterministic: ct.process == crate::scenario::ArrivalProcess::Deterministic,
                    days: day_plans,
                    routing: routing.into_iter().map(|(_, _, g)| g as u16).collect(),
                    priority_credit_s: ct.priority_credit_s,
                    day_factor,
                    handling_factor: dates.iter().map(|&d| ct.handling_factor(d)).collect(),
                    closed_retry: ct
                        .closed_hours
                        .as_ref()
                        .map(|c| (c.retry_share, c.delay.as_ref().map(Sampler::new))),
                    redial: ct
                        .redial
                        .as_ref()
                        .map(|r| (r.probability, Sampler::new(&r.delay), r.max_attempts)),
                    wrap_up: ct.wrap_up.as_ref().map(Sampler::new),
                    first_contact_resolution: ct.first_contact_resolution,
                    ivr: ct
                        .ivr
                        .as_ref()
                        .map(|i| (i.self_service_share, i.duration.as_ref().map(Sampler::new))),
                    deferred: ct.channel.is_deferred(),
                    escalate_to: ct.escalate_to.map(|e| e as u16),
                    target_working_s: ct.target.map_or(f64::INFINITY, |t| t.within_working_s),
                    packs: dates[..days]
                        .iter()
                        .map(|&date| {
                            if h.holidays.contains(&date) {
                                return Vec::new();
                            }
                            ct.packs
                                .iter()
                                .filter(|p| p.days[date.weekday().index()])
                                .map(|p| (f64::from(p.at), p.size))
                                .collect()
                        })
                        .collect(),
                    callback: None,
                    callback_of: None,
                }
            })
            .collect::<Vec<_>>();
        // The queues of accepted call backs, after the scenario's call types.
        let mut call_types = call_types;
        for (ci, ct) in sc.call_types.iter().enumerate() {
            if let Some(cb) = ct.callback {
                let item = call_types.len() as u16;
                call_types[ci].callback = Some(CallbackModel {
                    offer_after_s: cb.offer_after_s,
                    accept_share: cb.accept_share,
                    within_s: cb.within_s,
                    item,
                });
                let origin = &call_types[ci];
                let queue = CallTypeModel {
                    key: origin.key,
                    patience: None,
                    days: Vec::new(),
                    day_factor: None,
                    closed_retry: None,
                    redial: None,
                    ivr: None,
                    deferred: true,
                    target_working_s: cb.within_s,
                    packs: vec![Vec::new(); days],
                    callback: None,
                    callback_of: Some(ci as u16),
                    ..origin.clone()
                };
                call_types.push(queue);
            }
        }
        let groups = sc
            .groups
            .iter()
            .map(|g| {
                // Voice first (deferred channels fill idle time) unless the
                // group blends them in skill order, then priority class,
                // then the group's own order.
                // Call backs are deferred work of their call type's rank.
                let mut skills: Vec<(bool, i32, usize, u16)> = g
                    .skills
                    .iter()
                    .enumerate()
                    .flat_map(|(rank, &c)| {
                        let ct = &sc.call_types[c];
                        let own = (
                            g.calls_first && ct.channel.is_deferred(),
                            -ct.priority,
                            rank,
                            c as u16,
                        );
                        let callback = call_types[c]
                            .callback
                            .map(|cb| (g.calls_first, -ct.priority, rank, cb.item));
                        std::iter::once(own).chain(callback)
                    })
                    .collect();
                skills.sort_unstable();
                let tiers = (1..=skills.len())
                    .filter(|&i| {
                        i == skills.len()
                            || (skills[i].0, skills[i].1) != (skills[i - 1].0, skills[i - 1].1)
                    })
                    .map(|i| i as u16)
                    .collect();
                let scheduled: Vec<u32> = dates
                    .iter()
                    .flat_map(|d| g.staffing[d.weekday().index()].iter().copied())
                    .collect();
                GroupModel {
                    skills: skills.into_iter().map(|(_, _, _, c)| c).collect(),
                    available: scheduled.iter().map(|&n| g.available(n)).collect(),
                    scheduled,
                    handling_factor: g.handling_factor,
                    blend_reserve: g.blend_reserve,
                    skill_factor: (0..call_types.len())
                        .map(|ct| {
                            let ct = call_types[ct].callback_of.map_or(ct, usize::from);
                            let f: Vec<f64> =
                                dates.iter().map(|&d| g.handling_factor_on(ct, d)).collect();
                            if f.iter().all(|&x| x == 1.0) {
                                Vec::new()
                            } else {
                                f
                            }
                        })
                        .collect(),
                    tiers,
                }
            })
            .collect();
        let services = sc
            .services
            .iter()
            .enumerate()
            .map(|(si, s)| {
                let open: Vec<Vec<(u32, u32)>> = dates
                    .iter()
                    .map(|&d| s.hours_on(d, &h.holidays).to_vec())
                    .collect();
                let drops = (0..open.len())
                    .map(|d| match s.at_close {
                        AtClose::Serve => Vec::new(),
                        // A range ending at 24:00 is no closing when the next day opens at 00:00.
                        AtClose::Drop => open[d]
                            .iter()
                            .filter(|&&(_, e)| {
                                e < 86_400
                                    || !open
                                        .get(d + 1)
                                        .is_some_and(|n| n.iter().any(|&(b, _)| b == 0))
                            })
                            .map(|&(_, e)| f64::from(e))
                            .collect(),
                    })
                    .collect();
                let day_close = open
                    .iter()
                    .map(|r| r.last().map(|&(_, e)| f64::from(e)))
                    .collect();
                let int = h.interval_s;
                let open_by_interval = open
                    .iter()
                    .flat_map(|ranges| {
                        (0..ipd as u32).map(move |i| {
                            let (a, b) = (i * int, (i + 1) * int);
                            let covered: u32 = ranges
                                .iter()
                                .map(|&(s, e)| e.min(b).saturating_sub(s.max(a)))
                                .sum();
                            match covered {
                                0 => CLOSED,
                                c if c >= int => OPEN,
                                _ => PARTLY,
                            }
                        })
                    })
                    .collect();
                ServiceModel {
                    interval_s,
                    open_by_interval,
                    max_waiting: s.max_waiting.unwrap_or(u32::MAX),
                    day_close,
                    call_types: (0..sc.call_types.len())
                        .filter(|&c| sc.call_types[c].service == si)
                        .map(|c| c as u16)
                        .collect(),
                    open,
                    drops,
                }
            })
            .collect();
        Center {
            call_types,
            groups,
            services,
            interval_s,
            intervals_per_day: ipd,
            days,
            warmup_s: sc.run.warmup_s,
            drain_limit_s: DAY_S,
            routing: Routing {
                call_selection: match sc.routing.call_selection {
                    CallSelection::LongestWaiting
                        if sc.call_types.iter().any(|c| c.priority_credit_s > 0.0) =>
                    {
                        CallSelection::WaitingCredit
                    }
                    other => other,
                },
                ..sc.routing
            },
            outages: sc
                .outages
                .iter()
                .map(|o| {
                    let mut scheduled: Vec<(f64, f64)> = o
                        .scheduled
                        .iter()
                        .map(|&(date, a, b)| {
                            let base = date.days_since(h.start) as f64 * DAY_S;
                            (base + f64::from(a), base + f64::from(b))
                        })
                        .collect();
                    scheduled.sort_by(|x, y| x.0.total_cmp(&y.0));
                    OutageModel {
                        key: stable_hash(&o.name),
                        service: o.service,
                        call_types: o.call_types.iter().map(|&c| c as u16).collect(),
                        effect: o.effect,
                        random: o.random,
                        scheduled,
                    }
                })
                .collect(),
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

    /// Agents of group `g` available in interval `k` of the horizon (or of the
    /// day after it; later intervals repeat that day).
    #[inline]
    pub fn staffing(&self, g: usize, k: usize) -> u32 {
        let a = &self.groups[g].available;
        a[k.min(a.len() - 1)]
    }

    /// Agents of group `g` scheduled in interval `k` (before shrinkage).
    #[inline]
    pub fn scheduled(&self, g: usize, k: usize) -> u32 {
        let a = &self.groups[g].scheduled;
        a[k.min(a.len() - 1)]
    }

    /// Expected number of calls reaching an open service in one replication
    /// (before warm-up, redials and deferred closed-hours demand).
    pub fn expected_calls(&self) -> f64 {
        self.call_types
            .iter()
            .flat_map(|c| c.days.iter().flatten())
            .filter(|s| s.open)
            .map(|s| (s.end - s.start) * s.rate)
            .sum()
    }
}

/// Splits a day into constant-rate segments: intervals cut at the opening
/// hours, zero rates dropped, equal neighbours merged. Closed stretches are
/// kept (with `open = false`) only when `keep_closed` is set.
fn day_segments(
    rates: &[f64],
    open: &[(u32, u32)],
    interval_s: f64,
    keep_closed: bool,
) -> Vec<Segment> {
    let mut out: Vec<Segment> = Vec::new();
    let mut push = |start: f64, end: f64, rate: f64, is_open: bool| {
        if end <= start {
            return;
        }
        match out.last_mut() {
            Some(last) if last.end == start && last.rate == rate && last.open == is_open => {
                last.end = end
            }
            _ => out.push(Segment {
                start,
                end,
                rate,
                open: is_open,
            }),
        }
    };
    for (k, &rate) in rates.iter().enumerate() {
        if rate <= 0.0 {
            continue;
        }
        let (a, b) = (k as f64 * interval_s, (k + 1) as f64 * interval_s);
        let mut t = a;
        for &(s, e) in open {
            let (s, e) = (a.max(f64::from(s)), b.min(f64::from(e)));
            if e <= s {
                continue;
            }
            if keep_closed {
                push(t, s, rate, false);
            }
            push(s, e, rate, true);
            t = e;
        }
        if keep_closed {
            push(t, b, rate, false);
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
        let seg = |start, end, rate, open| Segment {
            start,
            end,
            rate,
            open,
        };
        let segs = day_segments(&rates, &[(0, 86_400)], 21_600.0, false);
        assert_eq!(
            segs,
            vec![
                seg(21_600.0, 64_800.0, 1.0, true),
                seg(64_800.0, 86_400.0, 2.0, true)
            ]
        );
        let open = [(30_000, 40_000), (70_000, 80_000)];
        let segs = day_segments(&rates, &open, 21_600.0, false);
        assert_eq!(
            segs,
            vec![
                seg(30_000.0, 40_000.0, 1.0, true),
                seg(70_000.0, 80_000.0, 2.0, true)
            ]
        );
        let segs = day_segments(&rates, &open, 21_600.0, true);
        assert_eq!(
            segs,
            vec![
                seg(21_600.0, 30_000.0, 1.0, false),
                seg(30_000.0, 40_000.0, 1.0, true),
                seg(40_000.0, 64_800.0, 1.0, false),
                seg(64_800.0, 70_000.0, 2.0, false),
                seg(70_000.0, 80_000.0, 2.0, true),
                seg(80_000.0, 86_400.0, 2.0, false),
            ]
        );
    }
}
