//! Stage three: an agent serves a call. Its handling time, what is counted
//! when it is answered, and what follows the service (pack completion,
//! escalation to a second level).

use super::journey::{Call, Event, Journey, NO_PACK, Stage};
use super::outages::in_periods;
use super::trace::{CallRecord, Outcome};
use super::{Replication, one_if};

impl Replication<'_> {
    /// An agent of group `g` answers `call` at `now`.
    pub(super) fn start_service(&mut self, now: f64, g: usize, call: &Call) {
        self.agents.start(now, g, self.c.warmup_s);
        let ct = call.journey.ct();
        let handling = self.handling_time(now, g, ct, call.work);
        let end = now + handling;
        // A call that would end while a no-completion outage is on is not resolved.
        let failed = in_periods(&self.outages.no_completion[ct], end);
        let resolved = call.resolved && !failed;
        match self.c.call_types[ct].callback_of {
            Some(origin) => self.count_callback(now, call, usize::from(origin)),
            None => self.count_answered(now, call, handling, failed, resolved),
        }
        self.after_service(now, g, call, end, resolved);
        self.events
            .push(end + call.wrap, Event::ServiceEnd { group: g as u16 });
    }

    /// Talk time of a call of `ct` answered by group `g` at `now`: the drawn
    /// work times the day's factor of the call type, the group's factor and
    /// the group's learning factor for this skill.
    #[inline]
    fn handling_time(&mut self, now: f64, g: usize, ct: usize, work: f64) -> f64 {
        let day = self.day_of(now);
        let model = &self.c.call_types[ct];
        let day = day.min(model.handling_factor.len() - 1);
        let group = &self.c.groups[g];
        let learning = group.skill_factor[ct].get(day).copied().unwrap_or(1.0);
        work * model.handling_factor[day] * group.handling_factor * learning
    }

    /// Counts an answered call in the interval it arrived in.
    fn count_answered(
        &mut self,
        now: f64,
        call: &Call,
        handling: f64,
        failed: bool,
        resolved: bool,
    ) {
        let ct = call.journey.ct();
        let model = &self.c.call_types[ct];
        let wait = now - call.arrival;
        let (threshold, hw) = (model.threshold_s, model.handled_within_s);
        if let Some(cc) = self.call_cell(ct, call.cell) {
            // Counts of a condition without a branch (see `one_if`).
            cc.not_completed += one_if(failed);
            cc.answered += 1.0;
            cc.wait_answered_s += wait;
            cc.handling_s += handling;
            cc.answered_within += one_if(wait <= threshold);
            cc.handled_within += one_if(handling <= hw);
            cc.resolved += one_if(resolved);
            // A first attempt's caller is counted in the same interval.
            if call.journey.first_cell == call.cell {
                cc.callers_answered += 1.0;
            }
        }
        if call.journey.first_cell != call.cell
            && let Some(cc) = self.call_cell(ct, call.journey.first_cell)
        {
            cc.callers_answered += 1.0;
        }
        if model.target_working_s.is_finite() {
            let svc = &self.c.services[model.service];
            if svc.working_seconds(call.arrival, now + handling) <= model.target_working_s
                && let Some(cc) = self.call_cell(ct, call.cell)
            {
                cc.done_within += 1.0;
            }
        }
    }

    /// What follows a service ending at `end`: the pack of an outbound item
    /// progresses, an unresolved call escalates, the trace records the call.
    fn after_service(&mut self, now: f64, g: usize, call: &Call, end: f64, resolved: bool) {
        let j = call.journey;
        // A call back is counted on its call type.
        let ct = self.c.call_types[j.ct()]
            .callback_of
            .map_or(j.ct(), usize::from);
        if call.pack != NO_PACK {
            self.complete_pack_item(call.pack as usize, end);
        }
        if !resolved && let Some(to) = self.c.call_types[ct].escalate_to {
            if let Some(cc) = self.call_cell(ct, call.cell) {
                cc.escalated += 1.0;
            }
            let caller = self.arrivals.new_caller();
            let item = Journey::first(caller, usize::from(to), Stage::Queue);
            self.events.push(end, Event::Arrive(item));
        }
        if let Some(t) = &mut self.trace {
            t.push(CallRecord {
                caller: j.caller,
                call_type: ct as u16,
                arrival: call.arrival,
                answered: Some(now),
                end,
                group: Some(g as u16),
                outcome: Outcome::Answered,
            });
        }
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

    /// An agent of group `g` finishes a call (and its after-call work) and
    /// takes the next waiting call, unless their shift has ended.
    pub(super) fn on_service_end(&mut self, now: f64, g: usize) {
        self.agents.end(now, g, self.c.warmup_s);
        if self.agents.idle(g) > 0 {
            self.dispatch(now, g);
        }
    }
}
