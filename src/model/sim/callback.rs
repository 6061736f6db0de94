//! Call backs: a caller still waiting after the call type's `offer_after_s`
//! is offered a call back. One who accepts leaves the queue; the call back
//! waits in a deferred queue of its own (the call type's call-back queue,
//! see [`crate::model::CallbackModel`]) and an agent of a group that serves
//! the call type calls back in idle time. The call back keeps the handling
//! time and after-call work drawn for the call.

use rand::RngExt;

use super::Replication;
use super::journey::{Call, Journey, Stage};

impl Replication<'_> {
    /// A waiting caller is offered a call back.
    pub(super) fn on_callback_offer(&mut self, now: f64, slot: u32, generation: u32) {
        let Some(&call) = self.waiting.get(slot, generation) else {
            return;
        };
        let ct = call.journey.ct();
        let Some(cb) = self.c.call_types[ct].callback else {
            return;
        };
        if let Some(cc) = self.call_cell(ct, call.cell) {
            cc.callbacks_offered += 1.0;
        }
        let u: f64 = self.rng[ct].callback.random();
        if u >= cb.accept_share {
            return;
        }
        self.waiting.leave(slot, generation);
        if let Some(cc) = self.call_cell(ct, call.cell) {
            cc.callbacks_accepted += 1.0;
        }
        let item = Call {
            journey: Journey {
                call_type: cb.item,
                stage: Stage::Queue,
                ..call.journey
            },
            arrival: now,
            ..call
        };
        match self.select_agent(usize::from(cb.item)) {
            Some(g) => self.start_service(now, g, &item),
            None => {
                self.waiting.enqueue(item);
            }
        }
    }

    /// An agent calls back the caller of `call` (an item of a call-back
    /// queue of call type `origin`) at `now`: counted on the call type, in
    /// the interval of the original call.
    pub(super) fn count_callback(&mut self, now: f64, call: &Call, origin: usize) {
        let model = &self.c.call_types[origin];
        let within = model.callback.map_or(0.0, |cb| cb.within_s);
        let promised = self.c.services[model.service].working_seconds(call.arrival, now) <= within;
        if let Some(cc) = self.call_cell(origin, call.cell) {
            cc.callbacks_made += 1.0;
            cc.callback_wait_s += now - call.arrival;
            if promised {
                cc.callbacks_within += 1.0;
            }
        }
        if let Some(cc) = self.call_cell(origin, call.journey.first_cell) {
            cc.callers_answered += 1.0;
        }
    }
}
