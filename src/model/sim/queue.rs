//! Stage two: a caller reaches the queue, is routed to an idle agent or
//! waits; a waiting caller may abandon and redial.
//!
//! Per-call state lives only while a caller waits, in a slot reused through
//! a free list; a caller answered at once never takes a slot. Abandonment is
//! an event that carries the slot's generation, so an abandonment scheduled
//! for a caller who was answered meanwhile is recognised as stale and
//! ignored. Abandoned callers stay in their FIFO queue until they reach its
//! head and are skipped there (lazy deletion), so abandoning costs O(1).

use std::collections::VecDeque;

use rand::RngExt;

use super::journey::{Call, Event, Journey, Stage};
use super::trace::{CallRecord, Outcome};
use super::{Center, Replication, one_if};

/// A waiting caller.
#[derive(Debug, Clone, Copy, Default)]
struct Slot {
    call: Call,
    generation: u32,
    abandoned: bool,
}

/// Marks a call type whose waiting items take no line (deferred items).
const NO_LINE: u16 = u16::MAX;

/// The waiting callers: one FIFO queue of slots per call type.
pub(super) struct Waiting {
    slots: Vec<Slot>,
    free: Vec<u32>,
    queues: Vec<VecDeque<u32>>,
    /// Callers waiting, per call type.
    pub count: Vec<u32>,
    /// Callers waiting, in all.
    pub total: u32,
    /// Service whose lines each call type's waiting calls take (`NO_LINE`
    /// for deferred items).
    line_of: Vec<u16>,
    /// Voice calls waiting, per service.
    lines: Vec<u32>,
    /// Waiting lines of each call type's service (`u32::MAX`: no limit, or
    /// deferred items).
    line_limit: Vec<u32>,
}

impl Waiting {
    pub fn new(c: &Center) -> Self {
        let n_call_types = c.call_types.len();
        Waiting {
            line_of: c
                .call_types
                .iter()
                .map(|m| {
                    if m.deferred {
                        NO_LINE
                    } else {
                        m.service as u16
                    }
                })
                .collect(),
            lines: vec![0; c.services.len()],
            line_limit: c
                .call_types
                .iter()
                .map(|m| {
                    if m.deferred {
                        u32::MAX
                    } else {
                        c.services[m.service].max_waiting
                    }
                })
                .collect(),
            slots: Vec::with_capacity(1024),
            free: Vec::with_capacity(1024),
            queues: (0..n_call_types)
                .map(|_| VecDeque::with_capacity(256))
                .collect(),
            count: vec![0; n_call_types],
            total: 0,
        }
    }

    pub fn reset(&mut self) {
        self.lines.fill(0);
        self.slots.clear();
        self.free.clear();
        self.queues.iter_mut().for_each(VecDeque::clear);
        self.count.fill(0);
        self.total = 0;
    }

    /// Puts `call` at the back of its queue; returns its slot and generation.
    pub fn enqueue(&mut self, call: Call) -> (u32, u32) {
        let slot = match self.free.pop() {
            Some(s) => s,
            None => {
                self.slots.push(Slot::default());
                (self.slots.len() - 1) as u32
            }
        };
        let s = &mut self.slots[slot as usize];
        s.call = call;
        s.abandoned = false;
        let ct = call.journey.ct();
        self.queues[ct].push_back(slot);
        self.count[ct] += 1;
        self.total += 1;
        let generation = s.generation;
        self.take_line(ct, 1);
        (slot, generation)
    }

    /// Adds `n` (1 or -1 as wrapping) to the lines taken by `ct`'s service.
    #[inline]
    fn take_line(&mut self, ct: usize, n: u32) {
        let s = self.line_of[ct];
        if s != NO_LINE {
            let l = &mut self.lines[usize::from(s)];
            *l = l.wrapping_add(n);
        }
    }

    /// Whether every waiting line of `ct`'s service is taken.
    #[inline]
    pub fn lines_full(&self, ct: usize) -> bool {
        let max = self.line_limit[ct];
        max != u32::MAX && self.lines[usize::from(self.line_of[ct])] >= max
    }

    fn free_slot(&mut self, slot: u32) {
        let s = &mut self.slots[slot as usize];
        s.generation = s.generation.wrapping_add(1);
        self.free.push(slot);
    }

    /// Removes the first caller of `ct`'s queue who is still waiting.
    pub fn pop(&mut self, ct: usize) -> Option<Call> {
        self.pop_slot(ct).map(|slot| self.slots[slot as usize].call)
    }

    /// Removes the first caller of `ct`'s queue who is still waiting and
    /// returns their slot, already free: read its call (with
    /// [`Waiting::call_in`]) before the next `enqueue`.
    pub fn pop_slot(&mut self, ct: usize) -> Option<u32> {
        while let Some(slot) = self.queues[ct].pop_front() {
            let abandoned = self.slots[slot as usize].abandoned;
            self.free_slot(slot);
            if !abandoned {
                self.count[ct] -= 1;
                self.total -= 1;
                self.take_line(ct, u32::MAX);
                return Some(slot);
            }
        }
        None
    }

    /// The call last held by `slot`.
    #[inline]
    pub fn call_in(&self, slot: u32) -> Call {
        self.slots[slot as usize].call
    }

    /// Arrival instant of the first caller of `ct`'s queue still waiting
    /// (abandoned callers at the head are removed on the way).
    pub fn head_arrival(&mut self, ct: usize) -> f64 {
        while let Some(&slot) = self.queues[ct].front() {
            let s = self.slots[slot as usize];
            if !s.abandoned {
                return s.call.arrival;
            }
            self.queues[ct].pop_front();
            self.free_slot(slot);
        }
        f64::INFINITY
    }

    /// The call in `slot` if it is still the one that arrived with
    /// `generation` and still waiting.
    pub fn get(&self, slot: u32, generation: u32) -> Option<&Call> {
        let s = &self.slots[slot as usize];
        (s.generation == generation && !s.abandoned).then_some(&s.call)
    }

    /// Marks the caller in `slot` as gone if it is still the one that
    /// arrived with `generation`; returns its call.
    pub fn leave(&mut self, slot: u32, generation: u32) -> Option<Call> {
        let s = &mut self.slots[slot as usize];
        if s.generation != generation || s.abandoned {
            return None;
        }
        s.abandoned = true;
        let call = s.call;
        self.count[call.journey.ct()] -= 1;
        self.total -= 1;
        self.take_line(call.journey.ct(), u32::MAX);
        Some(call)
    }
}

impl Replication<'_> {
    /// A caller reaches the queue: the values of the call are drawn, it is
    /// counted as offered, and it goes to an idle agent or waits. `pack` is
    /// the pack of an outbound item or `NO_PACK`.
    pub(super) fn reach_queue(&mut self, now: f64, j: Journey, pack: u32) {
        let ct = j.ct();
        let model = &self.c.call_types[ct];
        // Every value is drawn for every caller, answered at once or not, each
        // from its own stream: the k-th caller to reach this queue draws the
        // same values in every scenario run with this seed.
        let rng = &mut self.rng[ct];
        let work = rng.handling.next(&model.handling);
        let wrap = model
            .wrap_up
            .as_ref()
            .map_or(0.0, |w| w.sample(&mut rng.wrap_up));
        let patience = match &model.patience {
            Some(p) => rng.patience.next(p),
            None => f64::INFINITY,
        };
        let resolved = model.first_contact_resolution >= 1.0 || {
            let u: f64 = rng.resolution.random();
            u < model.first_contact_resolution
        };
        let cell = self.cell_of(now);
        let first_cell = if j.attempt > 0 { j.first_cell } else { cell };
        // Built in place: a journey assembled apart and then copied into
        // the call made the copy wait on its fresh field stores (a
        // store-forwarding stall measured at a fifth of this function).
        let mut call = Call {
            journey: j,
            arrival: now,
            work,
            wrap,
            cell,
            pack,
            resolved,
        };
        call.journey.first_cell = first_cell;
        call.journey.stage = Stage::Queue;
        let agent = self.select_agent(ct);
        // Every line taken: the caller hears a busy signal.
        let busy_signal = agent.is_none() && self.waiting.lines_full(ct);
        // A first attempt is counted in the interval it reaches the queue in
        // (its `first_cell` is `cell`): one look-up for both counts.
        let first = j.attempt == 0;
        if let Some(c) = self.call_cell(ct, cell) {
            if first {
                c.callers += 1.0;
            }
            if busy_signal {
                c.blocked += 1.0;
            } else {
                c.offered += 1.0;
            }
        }
        if busy_signal {
            self.redial_or_lose(now, call.journey);
            return;
        }
        if let Some(g) = agent {
            self.start_service(now, g, &call);
            return;
        }
        // Everyone able to answer is busy: wait.
        let model = &self.c.call_types[ct];
        let offer = model.callback.map(|cb| cb.offer_after_s);
        let (slot, generation) = self.waiting.enqueue(call);
        if patience.is_finite() {
            self.events
                .push(now + patience, Event::Abandon { slot, generation });
        }
        if let Some(after) = offer
            && after < patience
        {
            self.events
                .push(now + after, Event::CallbackOffer { slot, generation });
        }
    }

    /// A waiting caller's patience runs out (ignored if already answered).
    pub(super) fn on_abandon(&mut self, now: f64, slot: u32, generation: u32) {
        if let Some(call) = self.waiting.leave(slot, generation) {
            self.record_abandon(now, &call);
        }
    }

    /// A service closes: its waiting callers are dropped (counted as
    /// abandoned). Deferred items are never dropped: they are the backlog.
    pub(super) fn on_close(&mut self, now: f64, service: usize) {
        let c = self.c;
        for &ct in &c.services[service].call_types {
            let ct = ct as usize;
            if c.call_types[ct].deferred {
                continue;
            }
            while let Some(call) = self.waiting.pop(ct) {
                self.record_abandon(now, &call);
            }
        }
    }

    /// Counts an abandonment and decides whether the caller calls again.
    fn record_abandon(&mut self, now: f64, call: &Call) {
        let j = call.journey;
        let (ct, wait) = (j.ct(), now - call.arrival);
        if let Some(t) = &mut self.trace {
            t.push(CallRecord {
                caller: j.caller,
                call_type: j.call_type,
                arrival: call.arrival,
                answered: None,
                end: now,
                group: None,
                outcome: Outcome::Abandoned,
            });
        }
        let c = self.c;
        let threshold = c.call_types[ct].threshold_s;
        if let Some(cc) = self.call_cell(ct, call.cell) {
            cc.abandoned += 1.0;
            cc.wait_abandoned_s += wait;
            cc.abandoned_within += one_if(wait <= threshold);
        }
        self.redial_or_lose(now, j);
    }

    /// A caller who abandoned or got a busy signal calls again (after a
    /// delay) or is lost.
    fn redial_or_lose(&mut self, now: f64, j: Journey) {
        let ct = j.ct();
        if let Some((p, delay, max)) = &self.c.call_types[ct].redial
            && u32::from(j.attempt) + 1 < *max
        {
            let u: f64 = self.rng[ct].redial.random();
            if u < *p {
                let d = delay.sample(&mut self.rng[ct].redial_delay);
                let next = Journey {
                    attempt: j.attempt + 1,
                    stage: Stage::Ivr,
                    ..j
                };
                self.events.push(now + d, Event::Arrive(next));
                return;
            }
        }
        if let Some(cc) = self.call_cell(ct, j.first_cell) {
            cc.callers_lost += 1.0;
        }
    }
}
