//! The router's two decisions: which agent takes an arriving call, and which
//! waiting call a freed agent takes.

use super::Replication;
use crate::scenario::{AgentSelection, CallSelection};

impl Replication<'_> {
    /// The group whose idle agent takes an arriving call of `ct`, if any
    /// (none while a no-answer outage blocks the call type).
    #[inline(always)]
    pub(super) fn select_agent(&self, ct: usize) -> Option<usize> {
        if self.outages.blocked[ct] > 0 {
            return None;
        }
        let c = self.c;
        let model = &c.call_types[ct];
        match c.routing.agent_selection {
            AgentSelection::SpecialistsFirst => model
                .routing
                .iter()
                .map(|&g| g as usize)
                .find(|&g| self.takes(g, model.deferred)),
            AgentSelection::LeastBusy => self.least_busy(&model.routing, model.deferred),
        }
    }

    /// Whether group `g` has an idle agent for an item (for a deferred one,
    /// more idle agents than the group keeps for voice calls).
    #[inline]
    fn takes(&self, g: usize, deferred: bool) -> bool {
        let idle = self.agents.idle(g);
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
        let a = &self.agents;
        let mut best: Option<usize> = None;
        for &g in groups {
            let g = g as usize;
            if !self.takes(g, deferred) {
                continue;
            }
            let (busy, staffed) = (u64::from(a.busy(g)), u64::from(a.staffed(g)));
            let better = best
                .is_none_or(|b| busy * u64::from(a.staffed(b)) < u64::from(a.busy(b)) * staffed);
            if better {
                best = Some(g);
            }
        }
        best
    }

    /// The call type whose waiting call group `g` takes next, if any.
    fn next_call_type(&mut self, g: usize) -> Option<usize> {
        let c = self.c;
        let grp = &c.groups[g];
        let ready = |r: &Self, ct: usize| {
            r.waiting.count[ct] > 0
                && r.outages.blocked[ct] == 0
                && r.takes(g, c.call_types[ct].deferred)
        };
        match c.routing.call_selection {
            CallSelection::Priority => grp
                .skills
                .iter()
                .map(|&ct| ct as usize)
                .find(|&ct| ready(self, ct)),
            CallSelection::LongestWaiting => self.longest_waiting::<false>(g),
            CallSelection::WaitingCredit => self.longest_waiting::<true>(g),
        }
    }

    /// Within the highest priority tier with a ready call, the call type
    /// whose head call has waited longest (plus, with `CREDIT`, its call
    /// type's `priority_credit_s`: ranked as if it had waited that much
    /// longer). `CREDIT` is a constant so that scenarios without credits run
    /// the plain loop.
    #[inline]
    fn longest_waiting<const CREDIT: bool>(&mut self, g: usize) -> Option<usize> {
        let c = self.c;
        let grp = &c.groups[g];
        let mut start = 0;
        for &end in &grp.tiers {
            let mut best: Option<(f64, usize)> = None;
            for &ct in &grp.skills[start..end as usize] {
                let ct = ct as usize;
                if self.waiting.count[ct] > 0
                    && self.outages.blocked[ct] == 0
                    && self.takes(g, c.call_types[ct].deferred)
                {
                    let mut t = self.waiting.head_arrival(ct);
                    if CREDIT {
                        t -= c.call_types[ct].priority_credit_s;
                    }
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

    /// Gives an agent of group `g` the next waiting call, if any. Returns
    /// whether a call was taken.
    // Inlined into the end of a service, its caller on every call that
    // waited (measured with `on_attempt`'s: about 1% more).
    #[inline(always)]
    pub(super) fn dispatch(&mut self, now: f64, g: usize) -> bool {
        let Some(slot) = self
            .next_call_type(g)
            .and_then(|ct| self.waiting.pop_slot(ct))
        else {
            return false;
        };
        // Copied from the slot, written when the caller began to wait.
        let call = self.waiting.call_in(slot);
        self.start_service(now, g, &call);
        true
    }

    /// Lets idle agents of group `g` take waiting calls while there are any.
    pub(super) fn dispatch_all(&mut self, now: f64, g: usize) {
        while self.agents.idle(g) > 0 && self.dispatch(now, g) {}
    }
}
