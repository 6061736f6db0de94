//! Agents: staffing per interval, busy and present agent-time, and the
//! interval boundaries where staffing changes and statistics roll over.

use super::Replication;
use super::journey::Event;
use crate::calendar::DAY_S;

/// One group's agents: how many are available and busy now, and the
/// agent-time accumulated since the interval's books were last closed. Kept
/// together so that a call's start or end touches one cache line.
#[derive(Debug, Clone, Copy, Default)]
struct GroupState {
    /// Agents available now (shift plan less shrinkage).
    staffed: u32,
    /// Agents busy now (talk or after-call work).
    busy: u32,
    last_change: f64,
    busy_area: f64,
    present_area: f64,
}

/// The agents of every group.
pub(super) struct Agents {
    groups: Vec<GroupState>,
    /// Agents busy now, in all.
    pub busy_total: u32,
}

impl Agents {
    pub fn new(n_groups: usize) -> Self {
        Agents {
            groups: vec![GroupState::default(); n_groups],
            busy_total: 0,
        }
    }

    pub fn reset(&mut self) {
        self.groups.fill(GroupState::default());
        self.busy_total = 0;
    }

    /// Agents of group `g` available now.
    #[inline]
    pub fn staffed(&self, g: usize) -> u32 {
        self.groups[g].staffed
    }

    /// Agents of group `g` busy now.
    #[inline]
    pub fn busy(&self, g: usize) -> u32 {
        self.groups[g].busy
    }

    /// Idle agents of group `g`.
    #[inline]
    pub fn idle(&self, g: usize) -> u32 {
        let s = &self.groups[g];
        s.staffed.saturating_sub(s.busy)
    }

    /// An agent of group `g` starts a call.
    #[inline]
    pub fn start(&mut self, now: f64, g: usize, warmup_s: f64) {
        let s = &mut self.groups[g];
        s.update_area(now, warmup_s);
        s.busy += 1;
        self.busy_total += 1;
    }

    /// An agent of group `g` ends a call.
    #[inline]
    pub fn end(&mut self, now: f64, g: usize, warmup_s: f64) {
        let s = &mut self.groups[g];
        s.update_area(now, warmup_s);
        s.busy -= 1;
        self.busy_total -= 1;
    }

    /// Closes group `g`'s agent-time up to `now`: returns (busy, present)
    /// agent-seconds since the last call and starts again from zero.
    fn take_areas(&mut self, now: f64, g: usize, warmup_s: f64) -> (f64, f64) {
        let s = &mut self.groups[g];
        s.update_area(now, warmup_s);
        let areas = (s.busy_area, s.present_area);
        s.busy_area = 0.0;
        s.present_area = 0.0;
        areas
    }

    /// Sets group `g`'s staffing; returns whether it changed.
    fn set_staffed(&mut self, now: f64, g: usize, staffed: u32, warmup_s: f64) -> bool {
        let s = &mut self.groups[g];
        if staffed == s.staffed {
            return false;
        }
        s.update_area(now, warmup_s);
        s.staffed = staffed;
        true
    }
}

impl GroupState {
    /// Accumulates busy and present agent-time up to `now` (agent time
    /// before the end of the warm-up is not counted).
    #[inline]
    fn update_area(&mut self, now: f64, warmup_s: f64) {
        let dt = now - self.last_change.max(warmup_s);
        if dt > 0.0 {
            let busy = f64::from(self.busy);
            self.busy_area += busy * dt;
            self.present_area += f64::from(self.staffed.max(self.busy)) * dt;
        }
        self.last_change = now;
    }
}

impl Replication<'_> {
    /// Interval `k` starts: the books of the previous interval close, a new
    /// day schedules its closings and packs, staffing changes.
    pub(super) fn on_interval_start(&mut self, now: f64, k: usize) {
        let c = self.c;
        let n = c.n_intervals();
        // Close the books of the interval that just ended.
        if k >= 1 {
            let prev = k - 1;
            for g in 0..c.groups.len() {
                let (busy, present) = self.agents.take_areas(now, g, c.warmup_s);
                if prev < n {
                    let cell = &mut self.tallies.groups[g][prev];
                    cell.busy_s += busy;
                    cell.present_s += present;
                }
            }
        }
        // A new day: schedule the closings (the backlog is measured before
        // waiting callers are dropped) and the packs.
        if k % c.intervals_per_day == 0 && k < n {
            self.schedule_day(k / c.intervals_per_day);
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
            if self
                .agents
                .set_staffed(now, g, c.staffing(g, k), c.warmup_s)
            {
                self.dispatch_all(now, g);
            }
        }
        let next = (k + 1) as f64 * c.interval_s;
        let active = self.waiting.total + self.agents.busy_total > 0;
        if k < n || (active && next <= c.end_s() + c.drain_limit_s) {
            self.events.push(next, Event::IntervalStart((k + 1) as u32));
        }
    }

    /// Schedules day `day`'s closings and pack releases.
    fn schedule_day(&mut self, day: usize) {
        let c = self.c;
        let base = day as f64 * DAY_S;
        for (s, svc) in c.services.iter().enumerate() {
            if let Some(t) = svc.day_close[day] {
                self.events.push(base + t, Event::DayClose(s as u16));
            }
            for &t in &svc.drops[day] {
                self.events.push(base + t, Event::Close(s as u16));
            }
        }
        for (ct, model) in c.call_types.iter().enumerate() {
            for &(at, size) in &model.packs[day] {
                self.events.push(
                    base + at,
                    Event::PackRelease {
                        call_type: ct as u16,
                        size,
                    },
                );
            }
        }
    }

    /// A service's last closing of the day: the items still waiting are its
    /// backlog, credited to the interval that ends at the closing.
    pub(super) fn on_day_close(&mut self, now: f64, s: usize) {
        let c = self.c;
        let cell = self.cell_of((now - 1e-6).max(0.0));
        for &ct in &c.services[s].call_types {
            let ct = ct as usize;
            let waiting = f64::from(self.waiting.count[ct]);
            if let Some(cc) = self.call_cell(ct, cell) {
                cc.backlog_at_close += waiting;
                cc.closings += 1.0;
            }
        }
    }
}
