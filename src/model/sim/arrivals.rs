//! Stage one of a journey: demand arrives, finds the service open or closed,
//! and goes through the IVR. Also the release of outbound packs.

use rand::RngExt;

use super::journey::{Event, Journey, NO_PACK, Stage};
use super::streams::{Draws, EXP1};
use super::{PackState, Replication};
use crate::calendar::DAY_S;
use crate::model::CallTypeModel;

/// Where a call type's arrival process stands.
#[derive(Debug, Clone, Copy, Default)]
struct ArrivalState {
    t: f64,
    day: u32,
    segment: u32,
    /// End and rate (day factor applied) of the current segment (`end` = 0
    /// before the first).
    end: f64,
    rate: f64,
}

/// Arrival instants per block drawn ahead.
const AHEAD: usize = 32;

/// A call type's next arrival instants, drawn ahead.
#[derive(Debug, Clone, Copy)]
struct Ahead {
    times: [f64; AHEAD],
    /// Next instant to hand out.
    pos: usize,
    /// Instants drawn.
    len: usize,
}

impl Ahead {
    const EMPTY: Ahead = Ahead {
        times: [f64::INFINITY; AHEAD],
        pos: 0,
        len: 0,
    };
}

/// The arrival processes of a replication: one pending arrival per call
/// type, kept out of the event heap. A call type's arrivals depend on
/// nothing the replication does, so they are drawn ahead, a block at a
/// time: the same instants, from the same draws in the same order, with
/// the segment and day logic out of the event loop.
pub(super) struct Arrivals {
    state: Vec<ArrivalState>,
    ahead: Vec<Ahead>,
    /// Next arrival instant of each call type (infinite when none is left).
    next: Vec<f64>,
    /// Day factor of each call type and day.
    pub day_factor: Vec<Vec<f64>>,
    next_caller: u32,
}

impl Arrivals {
    pub fn new(n_call_types: usize, days: usize) -> Self {
        Arrivals {
            state: vec![ArrivalState::default(); n_call_types],
            ahead: vec![Ahead::EMPTY; n_call_types],
            next: vec![f64::INFINITY; n_call_types],
            day_factor: vec![vec![1.0; days]; n_call_types],
            next_caller: 0,
        }
    }

    pub fn reset(&mut self) {
        self.state.fill(ArrivalState::default());
        self.ahead.fill(Ahead::EMPTY);
        self.next.fill(f64::INFINITY);
        self.next_caller = 0;
    }

    /// A new caller id.
    #[inline]
    pub fn new_caller(&mut self) -> u32 {
        let c = self.next_caller;
        self.next_caller = self.next_caller.wrapping_add(1);
        c
    }

    /// The earliest pending arrival: (time, call type); infinite when none.
    #[inline]
    pub fn earliest(&self) -> (f64, usize) {
        let mut best = (f64::INFINITY, 0);
        for (ct, &t) in self.next.iter().enumerate() {
            if t < best.0 {
                best = (t, ct);
            }
        }
        best
    }

    /// Moves call type `ct` to its next arrival.
    #[inline]
    pub fn advance(&mut self, ct: usize, model: &CallTypeModel, rng: &mut Draws) {
        let a = &mut self.ahead[ct];
        if a.pos == a.len {
            draw_ahead(a, model, &mut self.state[ct], rng, &self.day_factor[ct]);
        }
        self.next[ct] = a.times[a.pos];
        a.pos += 1;
    }
}

/// Draws the next block of a call type's arrival instants; after the
/// horizon, the block holds one infinite instant.
#[cold]
#[inline(never)]
fn draw_ahead(
    a: &mut Ahead,
    model: &CallTypeModel,
    st: &mut ArrivalState,
    rng: &mut Draws,
    day_factor: &[f64],
) {
    a.pos = 0;
    a.len = 0;
    while a.len < AHEAD {
        match next_arrival(model, st, rng, day_factor) {
            Some(t) => {
                a.times[a.len] = t;
                a.len += 1;
            }
            None => {
                a.times[a.len] = f64::INFINITY;
                a.len += 1;
                break;
            }
        }
    }
}

/// The next demand instant of a call type (the segment it falls in is left
/// in `st`), or `None` after the horizon. Piecewise-constant Poisson
/// arrivals are drawn exactly: a gap that crosses a segment's end is
/// discarded and drawing restarts at the next segment, which the memoryless
/// property makes exact.
fn next_arrival(
    model: &CallTypeModel,
    st: &mut ArrivalState,
    rng: &mut Draws,
    day_factor: &[f64],
) -> Option<f64> {
    let gap = |rng: &mut Draws, rate: f64| {
        if model.deterministic {
            1.0 / rate
        } else {
            rng.next(&EXP1) / rate
        }
    };
    // Fast path: the next arrival falls in the current segment.
    if st.t < st.end {
        let t = st.t + gap(rng, st.rate);
        if t < st.end {
            st.t = t;
            return Some(t);
        }
        st.t = st.end;
        st.segment += 1;
    }
    loop {
        let day = st.day as usize;
        let segs = model.days.get(day)?;
        let Some(seg) = segs.get(st.segment as usize) else {
            st.day += 1;
            st.segment = 0;
            continue;
        };
        let base = day as f64 * DAY_S;
        let (start, end) = (base + seg.start, base + seg.end);
        let rate = seg.rate * day_factor[day];
        if st.t < start {
            st.t = start;
        }
        if rate > 0.0 {
            let t = st.t + gap(rng, rate);
            if t < end {
                *st = ArrivalState {
                    t,
                    day: st.day,
                    segment: st.segment,
                    end,
                    rate,
                };
                return Some(t);
            }
        }
        st.t = end;
        st.segment += 1;
    }
}

impl Replication<'_> {
    /// A caller of `ct` drawn by the arrival process dials in.
    pub(super) fn on_dial(&mut self, now: f64, ct: usize) {
        let caller = self.arrivals.new_caller();
        self.on_attempt(now, Journey::first(caller, ct, Stage::Ivr));
    }

    /// A caller goes on with their journey at `now`: if their service is
    /// closed, the closed-hours rule applies; otherwise the next stage.
    /// Deferred items (e-mail, cases, outbound) are accepted at any hour and
    /// wait for the working hours.
    // Inlined into the event loop, where every dial comes from (measured:
    // about 2% on the M/M/22+M bench, fastest of 90 runs).
    #[inline(always)]
    pub(super) fn on_attempt(&mut self, now: f64, j: Journey) {
        let c = self.c;
        let model = &c.call_types[j.ct()];
        if !model.deferred && !c.services[model.service].is_open_in(self.interval_of(now), now) {
            self.on_closed(now, j);
            return;
        }
        match j.stage {
            Stage::Ivr => self.enter_ivr(now, j),
            Stage::Queue => self.reach_queue(now, j, NO_PACK),
        }
    }

    /// A caller finds the service closed: they call again at the next
    /// opening (after a delay, through the IVR again), or give up.
    fn on_closed(&mut self, now: f64, j: Journey) {
        let c = self.c;
        let ct = j.ct();
        let model = &c.call_types[ct];
        if let Some((share, delay)) = &model.closed_retry {
            let u: f64 = self.rng[ct].retry.random();
            if u < *share
                && let Some(open) = c.services[model.service].next_open(now, c.days)
            {
                let d = delay
                    .as_ref()
                    .map_or(0.0, |s| s.sample(&mut self.rng[ct].retry_delay));
                let next = Journey {
                    stage: Stage::Ivr,
                    ..j
                };
                self.events.push(open + d, Event::Arrive(next));
                return;
            }
        }
        let cell = self.cell_of(now);
        if let Some(cc) = self.call_cell(ct, cell) {
            cc.lost_while_closed += 1.0;
        }
        if j.attempt > 0
            && let Some(cc) = self.call_cell(ct, j.first_cell)
        {
            cc.callers_lost += 1.0;
        }
    }

    /// A caller enters the IVR: on a first attempt it may serve them alone;
    /// every attempt spends its duration there before the queue (a redial
    /// goes through the menus again, but its caller already wants an agent).
    /// Without an IVR the caller reaches the queue at once.
    fn enter_ivr(&mut self, now: f64, j: Journey) {
        let c = self.c;
        let ct = j.ct();
        let Some((share, duration)) = &c.call_types[ct].ivr else {
            self.reach_queue(now, j, NO_PACK);
            return;
        };
        if j.attempt == 0 {
            let u: f64 = self.rng[ct].ivr.random();
            if u < *share {
                let cell = self.cell_of(now);
                if let Some(cc) = self.call_cell(ct, cell) {
                    cc.ivr_served += 1.0;
                }
                return;
            }
        }
        match duration {
            Some(d) => {
                let at = now + d.sample(&mut self.rng[ct].ivr_time);
                let next = Journey {
                    stage: Stage::Queue,
                    ..j
                };
                self.events.push(at, Event::Arrive(next));
            }
            None => self.reach_queue(now, j, NO_PACK),
        }
    }

    /// A pack of items is released: each item reaches the queue now.
    pub(super) fn on_pack_release(&mut self, now: f64, ct: usize, size: u32) {
        let cell = self.cell_of(now);
        if let Some(c) = self.call_cell(ct, cell) {
            c.packs += 1.0;
        }
        let pack = self.packs.len() as u32;
        self.packs.push(PackState {
            release: now,
            remaining: size,
            last_end: now,
            cell,
            call_type: ct as u16,
        });
        for _ in 0..size {
            let caller = self.arrivals.new_caller();
            self.reach_queue(now, Journey::first(caller, ct, Stage::Queue), pack);
        }
    }
}
