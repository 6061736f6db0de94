//! One replication of a [`Center`]: the event loop and its handlers, one
//! file per stage of a caller's journey.
//!
//! | file | stage |
//! |---|---|
//! | `journey.rs` | the values carried: [`Event`], [`Journey`] (who, call type, attempt, next stage), the call drawn at the queue |
//! | `arrivals.rs` | demand arrives, finds the service open or closed (one closed-hours rule), goes through the IVR; packs are released |
//! | `queue.rs` | the caller reaches the queue: values drawn, counted as offered, routed or waiting; abandonment, redial, drops at closing |
//! | `routing.rs` | which idle agent takes an arriving call, which waiting call a freed agent takes |
//! | `callback.rs` | a waiting caller offered a call back: accepted call backs leave the queue for a deferred one |
//! | `service.rs` | handling time, what is counted when a call is answered, what follows the service (packs, escalation) |
//! | `agents.rs` | staffing per interval, agent-time, interval and day boundaries, backlog at close |
//! | `outages.rs` | the outage plan of the replication, its effect on calls, continuity |
//! | `streams.rs` | one random stream per call type and purpose |
//! | `trace.rs` | per-call records, in trace mode only |

mod agents;
mod arrivals;
mod callback;
mod journey;
mod outages;
mod queue;
mod routing;
mod service;
mod streams;
mod trace;

use rand_distr::Distribution;

use super::Center;
use crate::calendar::DAY_S;
use crate::engine::{EventQueue, Stream, stream};
use crate::stats::cells::{CallCell, Tallies};
use agents::Agents;
use arrivals::Arrivals;
pub use journey::{Event, Journey, NO_CELL, Stage};
use outages::Outages;
use queue::Waiting;
use streams::CallStreams;
pub use streams::Draws;
pub use trace::{CallRecord, Outcome};

/// 1.0 if `c`, else 0.0: a count of a condition is added with it, without
/// a branch (whether a call was answered or handled within its target is a
/// coin toss the branch predictor would often lose). Adding 0.0 leaves a
/// count unchanged, bit for bit.
#[inline(always)]
fn one_if(c: bool) -> f64 {
    f64::from(u8::from(c))
}

/// Progress of a released pack.
#[derive(Debug, Clone, Copy)]
struct PackState {
    release: f64,
    remaining: u32,
    last_end: f64,
    cell: u32,
    call_type: u16,
}

/// The interval and the day of the instants being handled, kept with the
/// range of instants known to fall in each. Several steps of one event need
/// them (is the service open, which interval counts the call, which day's
/// handling factor applies), and `(t / interval_s) as usize` is a
/// floating-point division on the critical path: it is computed only when
/// an instant leaves the range of the last result, so results are those of
/// the division, bit for bit.
#[derive(Debug, Clone, Copy)]
struct Clock {
    interval: Window,
    day: Window,
}

/// `(t / width) as usize` for the instants of `[lo, hi)`. The range is the
/// unit's span shrunk by a relative margin (1e-12, far above the rounding
/// of the division and of the bounds), so that every instant in it divides
/// to `index`; an instant in the margin is divided each time.
#[derive(Debug, Clone, Copy)]
struct Window {
    lo: f64,
    hi: f64,
    index: usize,
}

impl Window {
    /// No instant: the first look-up divides.
    const EMPTY: Window = Window {
        lo: f64::INFINITY,
        hi: f64::NEG_INFINITY,
        index: 0,
    };

    /// `(t / width) as usize`, not clamped.
    #[inline(always)]
    fn index(&mut self, t: f64, width: f64) -> usize {
        if !(t >= self.lo && t < self.hi) {
            self.recompute(t, width);
        }
        debug_assert_eq!(self.index, (t / width) as usize, "window of {t}");
        self.index
    }

    #[cold]
    #[inline(never)]
    fn recompute(&mut self, t: f64, width: f64) {
        let index = (t / width) as usize;
        let (a, b) = (index as f64 * width, (index + 1) as f64 * width);
        let margin = b * 1e-12;
        *self = Window {
            lo: a + margin,
            hi: b - margin,
            index,
        };
    }
}

impl Clock {
    const NONE: Clock = Clock {
        interval: Window::EMPTY,
        day: Window::EMPTY,
    };
}

/// Reusable state of a replication. Create one per thread with
/// [`Replication::new`] and call [`Replication::run`] for each replication:
/// buffers are kept between runs.
pub struct Replication<'c> {
    c: &'c Center,
    events: EventQueue<Event>,
    agents: Agents,
    waiting: Waiting,
    arrivals: Arrivals,
    /// Random streams of each call type, one per purpose.
    rng: Vec<CallStreams>,
    outages: Outages,
    packs: Vec<PackState>,
    clock: Clock,
    trace: Option<Vec<CallRecord>>,
    /// The replication's statistics.
    pub tallies: Tallies,
    /// Number of events handled in the last run.
    pub events_handled: u64,
}

impl<'c> Replication<'c> {
    /// Allocates the state for simulating `center`.
    pub fn new(center: &'c Center) -> Self {
        let n_ct = center.call_types.len();
        let n_s = center.services.len();
        Replication {
            c: center,
            events: EventQueue::with_capacity(1024),
            agents: Agents::new(center.groups.len()),
            waiting: Waiting::new(center),
            arrivals: Arrivals::new(n_ct, center.days),
            rng: vec![CallStreams::new(0, 0, 0); n_ct],
            outages: Outages::new(n_s, n_ct),
            packs: Vec::new(),
            clock: Clock::NONE,
            trace: None,
            tallies: Tallies::new(n_ct, center.groups.len(), n_s, center.n_intervals()),
            events_handled: 0,
        }
    }

    /// Records every call of the next runs in a trace (for synthetic call
    /// logs). Costs memory per call: never used by normal runs.
    pub fn enable_trace(&mut self) {
        self.trace = Some(Vec::new());
    }

    /// The calls of the last run, in order of their end, if tracing.
    pub fn trace(&self) -> Option<&[CallRecord]> {
        self.trace.as_deref()
    }

    fn reset(&mut self, seed: u64, replication: u32) {
        self.events.clear();
        self.waiting.reset();
        self.agents.reset();
        self.arrivals.reset();
        for (i, ct) in self.c.call_types.iter().enumerate() {
            self.rng[i] = CallStreams::new(seed, replication, ct.key);
            let factors = &mut self.arrivals.day_factor[i];
            match &ct.day_factor {
                Some(g) => {
                    let mut rng = stream(seed, replication, ct.key, Stream::DayFactor);
                    factors.iter_mut().for_each(|f| *f = g.sample(&mut rng));
                }
                None => factors.fill(1.0),
            }
        }
        self.tallies.clear();
        self.events_handled = 0;
        self.packs.clear();
        self.clock = Clock::NONE;
        if let Some(t) = &mut self.trace {
            t.clear();
        }
        self.plan_outages(seed, replication);
    }

    /// Simulates replication `replication` with master seed `seed`; the
    /// results are in [`Replication::tallies`].
    pub fn run(&mut self, seed: u64, replication: u32) {
        self.reset(seed, replication);
        for ct in 0..self.c.call_types.len() {
            self.arrivals
                .advance(ct, &self.c.call_types[ct], &mut self.rng[ct].arrivals);
        }
        let (mut arrival_t, mut arrival_ct) = self.arrivals.earliest();
        self.events.push(0.0, Event::IntervalStart(0));
        // Calls in the system at the horizon's end may finish until the
        // drain limit; what still waits then is reported as unfinished.
        let stop = self.c.end_s() + self.c.drain_limit_s;
        loop {
            // The arrival processes are kept out of the heap (one pending
            // arrival per call type): the earliest is handled when it comes
            // strictly before the earliest event, so at equal times an agent
            // freed or a shift started is there for the arriving caller.
            if arrival_t < self.events.peek_time() {
                self.events_handled += 1;
                let ct = arrival_ct;
                self.arrivals
                    .advance(ct, &self.c.call_types[ct], &mut self.rng[ct].arrivals);
                self.on_dial(arrival_t, ct);
                (arrival_t, arrival_ct) = self.arrivals.earliest();
                continue;
            }
            let Some((now, event)) = self.events.pop() else {
                break;
            };
            if now > stop {
                break;
            }
            self.events_handled += 1;
            match event {
                Event::Arrive(journey) => self.on_attempt(now, journey),
                Event::PackRelease { call_type, size } => {
                    self.on_pack_release(now, call_type as usize, size)
                }
                Event::ServiceEnd { group } => self.on_service_end(now, group as usize),
                Event::Abandon { slot, generation } => self.on_abandon(now, slot, generation),
                Event::CallbackOffer { slot, generation } => {
                    self.on_callback_offer(now, slot, generation)
                }
                Event::IntervalStart(k) => self.on_interval_start(now, k as usize),
                Event::Close(s) => self.on_close(now, s as usize),
                Event::Outage { outage, start } => self.on_outage(now, outage as usize, start),
                Event::DayClose(s) => self.on_day_close(now, s as usize),
            }
        }
        self.close_outages();
        self.tallies.unfinished = f64::from(self.waiting.total);
    }

    /// The interval of instant `t`, `(t / interval_s) as usize`, not
    /// clamped (see [`Clock`]).
    #[inline]
    fn interval_of(&mut self, t: f64) -> usize {
        self.clock.interval.index(t, self.c.interval_s)
    }

    /// The day of instant `t`, `(t / DAY_S) as usize`, not clamped (see
    /// [`Clock`]).
    #[inline]
    fn day_of(&mut self, t: f64) -> usize {
        self.clock.day.index(t, DAY_S)
    }

    /// The interval of instant `t` (`NO_CELL` in the warm-up).
    #[inline]
    fn cell_of(&mut self, t: f64) -> u32 {
        if t < self.c.warmup_s {
            return NO_CELL;
        }
        let k = self.interval_of(t);
        k.min(self.c.n_intervals().saturating_sub(1)) as u32
    }

    /// The counters of call type `ct` in interval `cell`, if counted.
    #[inline]
    fn call_cell(&mut self, ct: usize, cell: u32) -> Option<&mut CallCell> {
        if cell == NO_CELL {
            None
        } else {
            self.tallies.calls[ct].get_mut(cell as usize)
        }
    }
}
