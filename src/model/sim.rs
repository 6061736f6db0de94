//! One replication of a [`Center`]: the event loop and its handlers.
//!
//! Per-call state lives only while a caller waits, in a slot reused through a
//! free list; a caller answered at once never takes a slot. Abandonment is an
//! event that carries the slot's generation, so an abandonment scheduled for a
//! caller who was answered meanwhile is recognised as stale and ignored.
//! Abandoned callers stay in their FIFO queue until they reach its head and
//! are skipped there (lazy deletion), so abandoning costs O(1).

use std::collections::VecDeque;

use rand::RngExt;
use rand_distr::{Distribution, Exp1};

use super::Center;
use crate::calendar::DAY_S;
use crate::engine::{EventQueue, Rng, Stream, stream};
use crate::scenario::{AgentSelection, CallSelection, OutageEffect};
use crate::stats::cells::{CallCell, Tallies};

/// Everything that happens in the simulated center, except first arrivals of
/// the arrival processes, which are kept apart (see [`Replication::run`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// A caller reaches the queue later than the arrival process drew it: a
    /// redial (`attempt` >= 1) or a caller deferred from closed hours
    /// (`attempt` = 0).
    Arrive {
        /// Call type index.
        call_type: u16,
        /// Attempts made before this one.
        attempt: u8,
        /// Caller id.
        caller: u32,
        /// Interval of the caller's first attempt (`NO_CELL` if not counted yet).
        first_cell: u32,
        /// True when the caller has been through the IVR (or has none to
        /// go through: escalated items); otherwise the IVR comes first.
        ivr_done: bool,
    },
    /// An agent of `group` finishes a call (talk and after-call work).
    ServiceEnd {
        /// Agent group index.
        group: u16,
        /// Call type index.
        call_type: u16,
    },
    /// A waiting caller's patience runs out (stale if the slot's generation moved on).
    Abandon {
        /// Slot of the waiting caller.
        slot: u32,
        /// Generation of the slot when the caller arrived.
        generation: u32,
    },
    /// Interval `k` of the horizon starts: staffing changes, statistics roll over.
    IntervalStart(u32),
    /// A service closes and drops its waiting callers.
    Close(u16),
    /// A pack of `size` items of a call type is released.
    PackRelease {
        /// Call type index.
        call_type: u16,
        /// Items in the pack.
        size: u32,
    },
    /// An outage starts (`start`) or ends.
    Outage {
        /// Outage index.
        outage: u16,
        /// True when it starts.
        start: bool,
    },
    /// A service's last closing of the day: the backlog is measured.
    DayClose(u16),
}

/// The random streams of one call type, one per purpose (see [`Stream`]):
/// a mechanism draws only from its own, so adding or changing one never
/// shifts another's draws.
#[derive(Debug, Clone)]
struct CallStreams {
    arrivals: Rng,
    handling: Rng,
    patience: Rng,
    wrap_up: Rng,
    resolution: Rng,
    ivr: Rng,
    ivr_time: Rng,
    retry: Rng,
    retry_delay: Rng,
    redial: Rng,
    redial_delay: Rng,
}

impl CallStreams {
    fn new(seed: u64, replication: u32, key: u64) -> Self {
        let s = |purpose| stream(seed, replication, key, purpose);
        CallStreams {
            arrivals: s(Stream::Arrivals),
            handling: s(Stream::Handling),
            patience: s(Stream::Patience),
            wrap_up: s(Stream::WrapUp),
            resolution: s(Stream::Resolution),
            ivr: s(Stream::IvrSelfService),
            ivr_time: s(Stream::IvrTime),
            retry: s(Stream::ClosedRetry),
            retry_delay: s(Stream::ClosedRetryDelay),
            redial: s(Stream::Redial),
            redial_delay: s(Stream::RedialDelay),
        }
    }
}

/// Marks an item that belongs to no pack.
const NO_PACK: u32 = u32::MAX;

/// Progress of a released pack.
#[derive(Debug, Clone, Copy)]
struct PackState {
    release: f64,
    remaining: u32,
    last_end: f64,
    cell: u32,
    call_type: u16,
}

/// Marks a call that is not counted (warm-up).
pub const NO_CELL: u32 = u32::MAX;

/// How a traced call ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Answered by an agent.
    Answered,
    /// The caller hung up while waiting (or was dropped at closing).
    Abandoned,
}

/// One call as a call log records it. Kept only in trace mode
/// ([`Replication::enable_trace`]), never in normal runs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CallRecord {
    /// Caller id (each arrival is a new caller unless it is a redial).
    pub caller: u32,
    /// Call type index.
    pub call_type: u16,
    /// Arrival at the queue, seconds from the horizon start.
    pub arrival: f64,
    /// Start of service, if answered.
    pub answered: Option<f64>,
    /// End of the call: hang-up after service, or abandonment.
    pub end: f64,
    /// Agent group that answered.
    pub group: Option<u16>,
    /// Outcome.
    pub outcome: Outcome,
}

/// A waiting caller.
#[derive(Debug, Clone, Copy, Default)]
struct Slot {
    arrival: f64,
    work: f64,
    wrap: f64,
    cell: u32,
    pack: u32,
    first_cell: u32,
    caller: u32,
    generation: u32,
    call_type: u16,
    attempt: u8,
    resolved: bool,
    abandoned: bool,
}

/// A caller about to be served or queued: what was drawn at arrival.
#[derive(Debug, Clone, Copy)]
struct Caller {
    arrival: f64,
    work: f64,
    wrap: f64,
    cell: u32,
    pack: u32,
    first_cell: u32,
    caller: u32,
    call_type: u16,
    resolved: bool,
}

/// Where a call type's arrival process stands.
#[derive(Debug, Clone, Copy, Default)]
struct ArrivalState {
    t: f64,
    day: u32,
    segment: u32,
    /// End, rate (day factor applied) and openness of the current segment
    /// (`end` = 0 before the first).
    end: f64,
    rate: f64,
    open: bool,
}

/// Reusable state of a replication. Create one per thread with
/// [`Replication::new`] and call [`Replication::run`] for each replication:
/// buffers are kept between runs.
pub struct Replication<'c> {
    c: &'c Center,
    events: EventQueue<Event>,
    slots: Vec<Slot>,
    free: Vec<u32>,
    queues: Vec<VecDeque<u32>>,
    waiting: Vec<u32>,
    waiting_total: u32,
    staffed: Vec<u32>,
    busy: Vec<u32>,
    busy_total: u32,
    last_change: Vec<f64>,
    busy_area: Vec<f64>,
    present_area: Vec<f64>,
    arrivals: Vec<ArrivalState>,
    next_arrival: Vec<f64>,
    day_factor: Vec<Vec<f64>>,
    /// Random streams of each call type, one per purpose.
    rng: Vec<CallStreams>,
    next_caller: u32,
    packs: Vec<PackState>,
    /// Outages on, per service, and since when the service is down.
    down: Vec<u32>,
    down_since: Vec<f64>,
    /// No-answer outages on, per call type.
    blocked: Vec<u32>,
    /// Periods of no-completion outages of the replication, per call type
    /// (sorted, disjoint).
    no_completion: Vec<Vec<(f64, f64)>>,
    /// Scratch list of one outage's periods.
    outage_plan: Vec<(f64, f64)>,
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
        let n_g = center.groups.len();
        let dummy = CallStreams::new(0, 0, 0);
        Replication {
            c: center,
            events: EventQueue::with_capacity(1024),
            slots: Vec::with_capacity(1024),
            free: Vec::with_capacity(1024),
            queues: (0..n_ct).map(|_| VecDeque::with_capacity(256)).collect(),
            waiting: vec![0; n_ct],
            waiting_total: 0,
            staffed: vec![0; n_g],
            busy: vec![0; n_g],
            busy_total: 0,
            last_change: vec![0.0; n_g],
            busy_area: vec![0.0; n_g],
            present_area: vec![0.0; n_g],
            arrivals: vec![ArrivalState::default(); n_ct],
            next_arrival: vec![f64::INFINITY; n_ct],
            day_factor: vec![vec![1.0; center.days]; n_ct],
            rng: vec![dummy; n_ct],
            next_caller: 0,
            packs: Vec::new(),
            down: vec![0; center.services.len()],
            down_since: vec![0.0; center.services.len()],
            blocked: vec![0; n_ct],
            no_completion: vec![Vec::new(); n_ct],
            outage_plan: Vec::new(),
            trace: None,
            tallies: Tallies::new(n_ct, n_g, center.services.len(), center.n_intervals()),
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
        self.slots.clear();
        self.free.clear();
        self.queues.iter_mut().for_each(VecDeque::clear);
        self.waiting.fill(0);
        self.waiting_total = 0;
        self.staffed.fill(0);
        self.busy.fill(0);
        self.busy_total = 0;
        self.last_change.fill(0.0);
        self.busy_area.fill(0.0);
        self.present_area.fill(0.0);
        self.arrivals.fill(ArrivalState::default());
        for (i, ct) in self.c.call_types.iter().enumerate() {
            self.rng[i] = CallStreams::new(seed, replication, ct.key);
            match &ct.day_factor {
                Some(g) => {
                    let mut rng = stream(seed, replication, ct.key, Stream::DayFactor);
                    self.day_factor[i]
                        .iter_mut()
                        .for_each(|f| *f = g.sample(&mut rng));
                }
                None => self.day_factor[i].fill(1.0),
            }
        }
        self.tallies.clear();
        self.events_handled = 0;
        self.next_caller = 0;
        self.packs.clear();
        if let Some(t) = &mut self.trace {
            t.clear();
        }
        self.down.fill(0);
        self.blocked.fill(0);
        self.no_completion.iter_mut().for_each(Vec::clear);
        self.plan_outages(seed, replication);
    }

    /// Draws the periods of every outage for the whole run and schedules
    /// their start and end events. Random failures form an alternating
    /// renewal process with exponential up and repair times, started in its
    /// stationary state, so the expected down share of any stretch of time is
    /// exactly MTTR / (MTBF + MTTR).
    fn plan_outages(&mut self, seed: u64, replication: u32) {
        let c = self.c;
        let end = c.end_s() + c.drain_limit_s;
        for (o, m) in c.outages.iter().enumerate() {
            let plan = &mut self.outage_plan;
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
            for &(a, b) in plan.iter() {
                let outage = o as u16;
                self.events.push(
                    a,
                    Event::Outage {
                        outage,
                        start: true,
                    },
                );
                self.events.push(
                    b,
                    Event::Outage {
                        outage,
                        start: false,
                    },
                );
            }
            if m.effect == OutageEffect::NoCompletion {
                for &ct in &m.call_types {
                    self.no_completion[ct as usize].extend_from_slice(plan);
                }
            }
        }
        for v in &mut self.no_completion {
            v.sort_by(|a, b| a.0.total_cmp(&b.0));
            merge_periods(v);
        }
    }

    /// Simulates replication `replication` with master seed `seed`; the
    /// results are in [`Replication::tallies`].
    pub fn run(&mut self, seed: u64, replication: u32) {
        self.reset(seed, replication);
        for ct in 0..self.c.call_types.len() {
            self.next_arrival[ct] = self.draw_next_arrival(ct).unwrap_or(f64::INFINITY);
        }
        let (mut arrival_t, mut arrival_ct) = self.earliest_arrival();
        self.events.push(0.0, Event::IntervalStart(0));
        loop {
            // The arrival processes are kept out of the heap (one pending
            // arrival per call type): the earliest is handled when it comes
            // strictly before the earliest event, so at equal times an agent
            // freed or a shift started is there for the arriving caller.
            if arrival_t < self.events.peek_time() {
                self.events_handled += 1;
                let open = self.arrivals[arrival_ct].open;
                self.next_arrival[arrival_ct] =
                    self.draw_next_arrival(arrival_ct).unwrap_or(f64::INFINITY);
                if open {
                    self.on_ivr(arrival_t, arrival_ct);
                } else {
                    self.on_closed_demand(arrival_t, arrival_ct);
                }
                (arrival_t, arrival_ct) = self.earliest_arrival();
                continue;
            }
            let Some((now, event)) = self.events.pop() else {
                break;
            };
            self.events_handled += 1;
            match event {
                Event::Arrive {
                    call_type,
                    attempt,
                    caller,
                    first_cell,
                    ivr_done,
                } => {
                    let ct = call_type as usize;
                    let model = &self.c.call_types[ct];
                    if model.deferred || self.c.services[model.service].is_open(now) {
                        if ivr_done {
                            let first = (attempt > 0).then_some(first_cell);
                            self.on_arrival(now, ct, attempt, caller, first, NO_PACK);
                        } else {
                            self.enter_ivr(now, ct, attempt, caller, first_cell);
                        }
                    } else {
                        self.on_closed_redial(now, ct, attempt, caller, first_cell);
                    }
                }
                Event::PackRelease { call_type, size } => {
                    self.on_pack_release(now, call_type as usize, size)
                }
                Event::ServiceEnd { group, call_type } => {
                    self.on_service_end(now, group as usize, call_type as usize)
                }
                Event::Abandon { slot, generation } => self.on_abandon(now, slot, generation),
                Event::IntervalStart(k) => self.on_interval_start(now, k as usize),
                Event::Close(s) => self.on_close(now, s as usize),
                Event::Outage { outage, start } => self.on_outage(now, outage as usize, start),
                Event::DayClose(s) => self.on_day_close(now, s as usize),
            }
        }
        for s in 0..self.down.len() {
            if self.down[s] > 0 {
                self.credit_down(s, self.down_since[s], f64::INFINITY);
            }
        }
        self.tallies.unfinished = f64::from(self.waiting_total);
    }

    fn new_caller(&mut self) -> u32 {
        let c = self.next_caller;
        self.next_caller = self.next_caller.wrapping_add(1);
        c
    }

    /// The earliest pending arrival: (time, call type); infinite when none.
    #[inline]
    fn earliest_arrival(&self) -> (f64, usize) {
        let mut best = (f64::INFINITY, 0);
        for (ct, &t) in self.next_arrival.iter().enumerate() {
            if t < best.0 {
                best = (t, ct);
            }
        }
        best
    }

    /// The next demand instant of call type `ct` (the segment it falls in is
    /// left in the arrival state), or `None` after the horizon.
    /// Piecewise-constant Poisson arrivals are drawn exactly: a gap that
    /// crosses a segment's end is discarded and drawing restarts at the next
    /// segment, which the memoryless property makes exact.
    fn draw_next_arrival(&mut self, ct: usize) -> Option<f64> {
        let model = &self.c.call_types[ct];
        let st = &mut self.arrivals[ct];
        let rng = &mut self.rng[ct].arrivals;
        let gap = |rng: &mut Rng, rate: f64| {
            if model.deterministic {
                1.0 / rate
            } else {
                let e: f64 = rng.sample(Exp1);
                e / rate
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
            let rate = seg.rate * self.day_factor[ct][day];
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
                        open: seg.open,
                    };
                    return Some(t);
                }
            }
            st.t = end;
            st.segment += 1;
        }
    }

    #[inline]
    fn cell_of(&self, t: f64) -> u32 {
        if t < self.c.warmup_s {
            return NO_CELL;
        }
        let k = (t / self.c.interval_s) as usize;
        k.min(self.c.n_intervals().saturating_sub(1)) as u32
    }

    #[inline]
    fn call_cell(&mut self, ct: usize, cell: u32) -> Option<&mut CallCell> {
        if cell == NO_CELL {
            None
        } else {
            self.tallies.calls[ct].get_mut(cell as usize)
        }
    }

    /// Accumulates group `g`'s busy and present agent-time up to `now`.
    #[inline]
    fn update_area(&mut self, now: f64, g: usize) {
        // Agent time before the end of the warm-up is not counted.
        let dt = now - self.last_change[g].max(self.c.warmup_s);
        if dt > 0.0 {
            let busy = f64::from(self.busy[g]);
            self.busy_area[g] += busy * dt;
            self.present_area[g] += f64::from(self.staffed[g].max(self.busy[g])) * dt;
        }
        self.last_change[g] = now;
    }

    /// A redial (or a caller leaving the IVR) finds the service closed: like
    /// any closed-hours demand, they call again at the next opening or give up.
    fn on_closed_redial(&mut self, now: f64, ct: usize, attempt: u8, caller: u32, first_cell: u32) {
        let c = self.c;
        let model = &c.call_types[ct];
        if let Some((share, delay)) = &model.closed_retry {
            let u: f64 = self.rng[ct].retry.random();
            if u < *share
                && let Some(open) = c.services[model.service].next_open(now, c.days)
            {
                let d = delay
                    .as_ref()
                    .map_or(0.0, |s| s.sample(&mut self.rng[ct].retry_delay));
                self.events.push(
                    open + d,
                    Event::Arrive {
                        call_type: ct as u16,
                        attempt,
                        caller,
                        first_cell,
                        ivr_done: false,
                    },
                );
                return;
            }
        }
        let cell = self.cell_of(now);
        if let Some(cc) = self.call_cell(ct, cell) {
            cc.lost_while_closed += 1.0;
        }
        if attempt > 0
            && let Some(cc) = self.call_cell(ct, first_cell)
        {
            cc.callers_lost += 1.0;
        }
    }

    /// A caller dials in: the IVR serves some alone and delays the others.
    fn on_ivr(&mut self, now: f64, ct: usize) {
        let caller = self.new_caller();
        self.enter_ivr(now, ct, 0, caller, NO_CELL);
    }

    /// A caller enters the IVR: on a first attempt it may serve them alone;
    /// every attempt spends its duration there before the queue (a redial
    /// goes through the menus again, but its caller already wants an agent).
    /// Without an IVR the caller reaches the queue at once.
    fn enter_ivr(&mut self, now: f64, ct: usize, attempt: u8, caller: u32, first_cell: u32) {
        let c = self.c;
        let first = (attempt > 0).then_some(first_cell);
        let Some((share, duration)) = &c.call_types[ct].ivr else {
            self.on_arrival(now, ct, attempt, caller, first, NO_PACK);
            return;
        };
        if attempt == 0 {
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
                self.events.push(
                    at,
                    Event::Arrive {
                        call_type: ct as u16,
                        attempt,
                        caller,
                        first_cell,
                        ivr_done: true,
                    },
                );
            }
            None => self.on_arrival(now, ct, attempt, caller, first, NO_PACK),
        }
    }

    /// A caller wanted to call while the service was closed: they call at
    /// the next opening (after a delay) or give up.
    fn on_closed_demand(&mut self, now: f64, ct: usize) {
        let c = self.c;
        let model = &c.call_types[ct];
        let Some((share, delay)) = &model.closed_retry else {
            return;
        };
        let u: f64 = self.rng[ct].retry.random();
        let at = c.services[model.service].next_open(now, c.days);
        match at {
            Some(open) if u < *share => {
                let d = delay
                    .as_ref()
                    .map_or(0.0, |s| s.sample(&mut self.rng[ct].retry_delay));
                let caller = self.new_caller();
                self.events.push(
                    open + d,
                    Event::Arrive {
                        call_type: ct as u16,
                        attempt: 0,
                        caller,
                        first_cell: NO_CELL,
                        ivr_done: false,
                    },
                );
            }
            _ => {
                let cell = self.cell_of(now);
                if let Some(cc) = self.call_cell(ct, cell) {
                    cc.lost_while_closed += 1.0;
                }
            }
        }
    }

    /// A pack of items is released: each item arrives now.
    fn on_pack_release(&mut self, now: f64, ct: usize, size: u32) {
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
            let caller = self.new_caller();
            self.on_arrival(now, ct, 0, caller, None, pack);
        }
    }

    /// A caller reaches the queue. `first_cell` is `None` for a first
    /// attempt; `pack` is the pack of an outbound item or `NO_PACK`.
    #[allow(clippy::too_many_arguments)]
    fn on_arrival(
        &mut self,
        now: f64,
        ct: usize,
        attempt: u8,
        caller: u32,
        first_cell: Option<u32>,
        pack: u32,
    ) {
        let model = &self.c.call_types[ct];
        // Every value is drawn for every caller, answered at once or not, each
        // from its own stream: the k-th caller to reach this queue draws the
        // same values in every scenario run with this seed.
        let rng = &mut self.rng[ct];
        let work = model.handling.sample(&mut rng.handling);
        let wrap = model
            .wrap_up
            .as_ref()
            .map_or(0.0, |w| w.sample(&mut rng.wrap_up));
        let patience = match &model.patience {
            Some(p) => p.sample(&mut rng.patience),
            None => f64::INFINITY,
        };
        let resolved = model.first_contact_resolution >= 1.0 || {
            let u: f64 = rng.resolution.random();
            u < model.first_contact_resolution
        };
        let cell = self.cell_of(now);
        let first_cell = first_cell.unwrap_or(cell);
        if let Some(c) = self.call_cell(ct, cell) {
            c.offered += 1.0;
        }
        if attempt == 0
            && let Some(c) = self.call_cell(ct, first_cell)
        {
            c.callers += 1.0;
        }
        let call = Caller {
            arrival: now,
            work,
            wrap,
            cell,
            pack,
            first_cell,
            caller,
            call_type: ct as u16,
            resolved,
        };
        let c = self.c;
        if self.blocked[ct] == 0 {
            let routing = &c.call_types[ct].routing;
            let deferred = c.call_types[ct].deferred;
            let chosen = match c.routing.agent_selection {
                AgentSelection::SpecialistsFirst => routing
                    .iter()
                    .map(|&g| g as usize)
                    .find(|&g| self.takes(g, deferred)),
                AgentSelection::LeastBusy => self.least_busy(routing, deferred),
            };
            if let Some(g) = chosen {
                self.start_service(now, g, &call);
                return;
            }
        }
        // Everyone able to answer is busy: wait.
        let slot = match self.free.pop() {
            Some(s) => s,
            None => {
                self.slots.push(Slot::default());
                (self.slots.len() - 1) as u32
            }
        };
        let s = &mut self.slots[slot as usize];
        *s = Slot {
            arrival: now,
            work,
            wrap,
            cell,
            pack,
            first_cell,
            caller,
            generation: s.generation,
            call_type: ct as u16,
            attempt,
            resolved,
            abandoned: false,
        };
        let generation = s.generation;
        self.queues[ct].push_back(slot);
        self.waiting[ct] += 1;
        self.waiting_total += 1;
        if patience.is_finite() {
            self.events
                .push(now + patience, Event::Abandon { slot, generation });
        }
    }

    fn start_service(&mut self, now: f64, g: usize, call: &Caller) {
        self.update_area(now, g);
        self.busy[g] += 1;
        self.busy_total += 1;
        let ct = call.call_type as usize;
        let c = self.c;
        let model = &c.call_types[ct];
        let day = ((now / DAY_S) as usize).min(model.handling_factor.len() - 1);
        let group = &c.groups[g];
        let learning = group.skill_factor[ct].get(day).copied().unwrap_or(1.0);
        let handling = call.work * model.handling_factor[day] * group.handling_factor * learning;
        let wrap = call.wrap;
        let wait = now - call.arrival;
        let (threshold, hw) = (model.threshold_s, model.handled_within_s);
        let end = now + handling;
        // A call that would end while a no-completion outage is on is not resolved.
        let failed = in_periods(&self.no_completion[ct], end);
        let resolved = call.resolved && !failed;
        if let Some(cc) = self.call_cell(ct, call.cell) {
            if failed {
                cc.not_completed += 1.0;
            }
            cc.answered += 1.0;
            cc.wait_answered_s += wait;
            cc.handling_s += handling;
            if wait <= threshold {
                cc.answered_within += 1.0;
            }
            if handling <= hw {
                cc.handled_within += 1.0;
            }
            if resolved {
                cc.resolved += 1.0;
            }
        }
        if let Some(cc) = self.call_cell(ct, call.first_cell) {
            cc.callers_answered += 1.0;
        }
        if model.target_working_s.is_finite() {
            let svc = &c.services[model.service];
            if svc.working_seconds(call.arrival, end) <= model.target_working_s
                && let Some(cc) = self.call_cell(ct, call.cell)
            {
                cc.done_within += 1.0;
            }
        }
        if call.pack != NO_PACK {
            self.complete_pack_item(call.pack as usize, end);
        }
        if !resolved && let Some(to) = model.escalate_to {
            if let Some(cc) = self.call_cell(ct, call.cell) {
                cc.escalated += 1.0;
            }
            let caller = self.new_caller();
            self.events.push(
                end,
                Event::Arrive {
                    call_type: to,
                    attempt: 0,
                    caller,
                    first_cell: NO_CELL,
                    ivr_done: true,
                },
            );
        }
        if let Some(t) = &mut self.trace {
            t.push(CallRecord {
                caller: call.caller,
                call_type: ct as u16,
                arrival: call.arrival,
                answered: Some(now),
                end: now + handling,
                group: Some(g as u16),
                outcome: Outcome::Answered,
            });
        }
        self.events.push(
            now + handling + wrap,
            Event::ServiceEnd {
                group: g as u16,
                call_type: ct as u16,
            },
        );
    }

    /// One item of a pack is being completed at `end`; when it is the last,
    /// the pack's completion is judged on the working-hours clock.
    fn complete_pack_item(&mut self, pack: usize, end: f64) {
        let p = &mut self.packs[pack];
        p.remaining -= 1;
        p.last_end = p.last_end.max(end);
        if p.remaining == 0 {
            let p = *p;
            let c = self.c;
            let model = &c.call_types[p.call_type as usize];
            let working = c.services[model.service].working_seconds(p.release, p.last_end);
            if working <= model.target_working_s
                && let Some(cc) = self.call_cell(p.call_type as usize, p.cell)
            {
                cc.packs_within += 1.0;
            }
        }
    }

    fn free_slot(&mut self, slot: u32) {
        let s = &mut self.slots[slot as usize];
        s.generation = s.generation.wrapping_add(1);
        self.free.push(slot);
    }

    /// Removes the first caller of `ct`'s queue who is still waiting.
    fn pop_waiting(&mut self, ct: usize) -> Option<Slot> {
        while let Some(slot) = self.queues[ct].pop_front() {
            let s = self.slots[slot as usize];
            self.free_slot(slot);
            if !s.abandoned {
                self.waiting[ct] -= 1;
                self.waiting_total -= 1;
                return Some(s);
            }
        }
        None
    }

    /// Whether group `g` has an idle agent for an item (for a deferred one,
    /// more idle agents than the group keeps for voice calls).
    #[inline]
    fn takes(&self, g: usize, deferred: bool) -> bool {
        let idle = self.staffed[g].saturating_sub(self.busy[g]);
        idle > if deferred {
            self.c.groups[g].blend_reserve
        } else {
            0
        }
    }

    /// Among `groups`, the one that can take the item (see
    /// [`Replication::takes`]) with the lowest share of busy agents (the
    /// first such in routing order on ties).
    fn least_busy(&self, groups: &[u16], deferred: bool) -> Option<usize> {
        let mut best: Option<usize> = None;
        for &g in groups {
            let g = g as usize;
            let (busy, staffed) = (u64::from(self.busy[g]), u64::from(self.staffed[g]));
            if !self.takes(g, deferred) {
                continue;
            }
            let better = best.is_none_or(|b| {
                busy * u64::from(self.staffed[b]) < u64::from(self.busy[b]) * staffed
            });
            if better {
                best = Some(g);
            }
        }
        best
    }

    /// Arrival instant of the first caller of `ct`'s queue still waiting
    /// (abandoned callers at the head are removed on the way).
    fn head_arrival(&mut self, ct: usize) -> f64 {
        while let Some(&slot) = self.queues[ct].front() {
            let s = self.slots[slot as usize];
            if !s.abandoned {
                return s.arrival;
            }
            self.queues[ct].pop_front();
            self.free_slot(slot);
        }
        f64::INFINITY
    }

    /// The call type whose waiting call group `g` takes next, if any.
    fn next_call_type(&mut self, g: usize) -> Option<usize> {
        let c = self.c;
        let grp = &c.groups[g];
        let ready = |r: &Self, ct: usize| {
            r.waiting[ct] > 0 && r.blocked[ct] == 0 && r.takes(g, c.call_types[ct].deferred)
        };
        match c.routing.call_selection {
            CallSelection::Priority => grp
                .skills
                .iter()
                .map(|&ct| ct as usize)
                .find(|&ct| ready(self, ct)),
            CallSelection::LongestWaiting => {
                let mut start = 0;
                for &end in &grp.tiers {
                    let mut best: Option<(f64, usize)> = None;
                    for &ct in &grp.skills[start..end as usize] {
                        let ct = ct as usize;
                        if ready(self, ct) {
                            let t = self.head_arrival(ct);
                            if best.is_none_or(|(b, _)| t < b) {
                                best = Some((t, ct));
                            }
                        }
                    }
                    if let Some((_, ct)) = best {
                        return Some(ct);
                    }
                    start = end as usize;
                }
                None
            }
        }
    }

    /// Gives an agent of group `g` the next waiting call, if any. Returns
    /// whether a call was taken.
    fn dispatch(&mut self, now: f64, g: usize) -> bool {
        let Some(s) = self.next_call_type(g).and_then(|ct| self.pop_waiting(ct)) else {
            return false;
        };
        let call = Caller {
            arrival: s.arrival,
            work: s.work,
            wrap: s.wrap,
            cell: s.cell,
            pack: s.pack,
            first_cell: s.first_cell,
            caller: s.caller,
            call_type: s.call_type,
            resolved: s.resolved,
        };
        self.start_service(now, g, &call);
        true
    }

    fn on_service_end(&mut self, now: f64, g: usize, _ct: usize) {
        self.update_area(now, g);
        self.busy[g] -= 1;
        self.busy_total -= 1;
        if self.staffed[g] > self.busy[g] {
            self.dispatch(now, g);
        }
    }

    fn on_abandon(&mut self, now: f64, slot: u32, generation: u32) {
        let s = &mut self.slots[slot as usize];
        if s.generation != generation || s.abandoned {
            return;
        }
        s.abandoned = true;
        let s = *s;
        self.waiting[s.call_type as usize] -= 1;
        self.waiting_total -= 1;
        self.record_abandon(now, &s);
    }

    /// Counts an abandonment and decides whether the caller calls again.
    fn record_abandon(&mut self, now: f64, s: &Slot) {
        let (ct, cell, wait) = (s.call_type as usize, s.cell, now - s.arrival);
        if let Some(t) = &mut self.trace {
            t.push(CallRecord {
                caller: s.caller,
                call_type: ct as u16,
                arrival: s.arrival,
                answered: None,
                end: now,
                group: None,
                outcome: Outcome::Abandoned,
            });
        }
        let c = self.c;
        let threshold = c.call_types[ct].threshold_s;
        if let Some(cc) = self.call_cell(ct, cell) {
            cc.abandoned += 1.0;
            cc.wait_abandoned_s += wait;
            if wait <= threshold {
                cc.abandoned_within += 1.0;
            }
        }
        if let Some((p, delay, max)) = &c.call_types[ct].redial
            && u32::from(s.attempt) + 1 < *max
        {
            let u: f64 = self.rng[ct].redial.random();
            if u < *p {
                let d = delay.sample(&mut self.rng[ct].redial_delay);
                self.events.push(
                    now + d,
                    Event::Arrive {
                        call_type: ct as u16,
                        attempt: s.attempt + 1,
                        caller: s.caller,
                        first_cell: s.first_cell,
                        ivr_done: false,
                    },
                );
                return;
            }
        }
        if let Some(cc) = self.call_cell(ct, s.first_cell) {
            cc.callers_lost += 1.0;
        }
    }

    fn on_close(&mut self, now: f64, service: usize) {
        let c = self.c;
        for &ct in &c.services[service].call_types {
            let ct = ct as usize;
            // Deferred items are never dropped: they are the backlog.
            if c.call_types[ct].deferred {
                continue;
            }
            while let Some(s) = self.pop_waiting(ct) {
                self.record_abandon(now, &s);
            }
        }
    }

    /// An outage starts or ends. While a no-answer outage is on, its call
    /// types are neither answered nor taken from their queues; when it ends,
    /// idle agents take the calls that waited.
    fn on_outage(&mut self, now: f64, o: usize, start: bool) {
        let c = self.c;
        let m = &c.outages[o];
        let s = m.service;
        let no_answer = m.effect == OutageEffect::NoAnswer;
        if start {
            if self.down[s] == 0 {
                self.down_since[s] = now;
            }
            self.down[s] += 1;
            if no_answer {
                for &ct in &m.call_types {
                    self.blocked[ct as usize] += 1;
                }
            }
            return;
        }
        self.down[s] -= 1;
        if self.down[s] == 0 {
            self.credit_down(s, self.down_since[s], now);
        }
        if no_answer {
            for &ct in &m.call_types {
                self.blocked[ct as usize] -= 1;
            }
            for g in 0..c.groups.len() {
                while self.staffed[g] > self.busy[g] && self.dispatch(now, g) {}
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

    /// A service's last closing of the day: the items still waiting are its
    /// backlog, credited to the interval that ends at the closing.
    fn on_day_close(&mut self, now: f64, s: usize) {
        let c = self.c;
        let cell = self.cell_of((now - 1e-6).max(0.0));
        for &ct in &c.services[s].call_types {
            let ct = ct as usize;
            let waiting = f64::from(self.waiting[ct]);
            if let Some(cc) = self.call_cell(ct, cell) {
                cc.backlog_at_close += waiting;
                cc.closings += 1.0;
            }
        }
    }

    fn on_interval_start(&mut self, now: f64, k: usize) {
        let c = self.c;
        let n = c.n_intervals();
        // Close the books of the interval that just ended.
        if k >= 1 {
            let prev = k - 1;
            for g in 0..c.groups.len() {
                self.update_area(now, g);
                if prev < n {
                    let cell = &mut self.tallies.groups[g][prev];
                    cell.busy_s += self.busy_area[g];
                    cell.present_s += self.present_area[g];
                }
                self.busy_area[g] = 0.0;
                self.present_area[g] = 0.0;
            }
        }
        // A new day: schedule the closings (the backlog is measured before
        // waiting callers are dropped).
        if k % c.intervals_per_day == 0 && k < n {
            let day = k / c.intervals_per_day;
            for (s, svc) in c.services.iter().enumerate() {
                if let Some(t) = svc.day_close[day] {
                    self.events
                        .push(day as f64 * DAY_S + t, Event::DayClose(s as u16));
                }
                for &t in &svc.drops[day] {
                    self.events
                        .push(day as f64 * DAY_S + t, Event::Close(s as u16));
                }
            }
            for (ct, model) in c.call_types.iter().enumerate() {
                for &(at, size) in &model.packs[day] {
                    self.events.push(
                        day as f64 * DAY_S + at,
                        Event::PackRelease {
                            call_type: ct as u16,
                            size,
                        },
                    );
                }
            }
        }
        // Staffing of the new interval. Agents whose shift ends finish their
        // call first: they leave when it ends (see `on_service_end`).
        let counted = (k + 1) as f64 * c.interval_s - (k as f64 * c.interval_s).max(c.warmup_s);
        if k < n && counted > 0.0 {
            let (a, b) = (
                (k as f64 * c.interval_s).max(c.warmup_s),
                (k + 1) as f64 * c.interval_s,
            );
            for (s, svc) in c.services.iter().enumerate() {
                self.tallies.services[s][k].open_s += svc.working_seconds(a, b);
            }
        }
        for g in 0..c.groups.len() {
            if k < n && counted > 0.0 {
                self.tallies.groups[g][k].scheduled_s += f64::from(c.scheduled(g, k)) * counted;
            }
            let staffed = c.staffing(g, k);
            if staffed != self.staffed[g] {
                self.update_area(now, g);
                self.staffed[g] = staffed;
                while self.staffed[g] > self.busy[g] && self.dispatch(now, g) {}
            }
        }
        let next = (k + 1) as f64 * c.interval_s;
        let active = self.waiting_total + self.busy_total > 0;
        if k < n || (active && next <= c.end_s() + c.drain_limit_s) {
            self.events.push(next, Event::IntervalStart((k + 1) as u32));
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
fn in_periods(periods: &[(f64, f64)], t: f64) -> bool {
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
