//! Streaming tallies of one replication: plain counters and sums per
//! interval of the horizon, updated in place, never a record per call.

/// Counters of the calls that arrived in one interval (all outcomes are
/// credited to the interval of arrival, as contracts count them).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct CallCell {
    /// Callers who reached the queue.
    pub offered: f64,
    /// Calls answered by an agent.
    pub answered: f64,
    /// Answered with a wait <= the service's threshold.
    pub answered_within: f64,
    /// Callers who hung up before being answered (or were dropped at closing).
    pub abandoned: f64,
    /// Abandoned with a wait <= the threshold ("short abandons").
    pub abandoned_within: f64,
    /// Sum of the waits of answered calls, seconds.
    pub wait_answered_s: f64,
    /// Sum of the waits of abandoned calls, seconds.
    pub wait_abandoned_s: f64,
    /// Sum of handling times of answered calls, seconds.
    pub handling_s: f64,
    /// Answered calls whose handling time was within the handling target.
    pub handled_within: f64,
    /// Answered calls resolved at first contact.
    pub resolved: f64,
    /// Callers whose first attempt arrived in this interval.
    pub callers: f64,
    /// Of those, callers answered at some attempt.
    pub callers_answered: f64,
    /// Of those, callers who abandoned their last attempt (no redial).
    pub callers_lost: f64,
    /// Callers who wanted to call while the service was closed and gave up
    /// (credited to the interval of their attempt; not offered).
    pub lost_while_closed: f64,
    /// Items completed within the call type's working-hours target.
    pub done_within: f64,
    /// Answered calls escalated (not resolved at first contact).
    pub escalated: f64,
    /// Packs released in this interval.
    pub packs: f64,
    /// Of those, packs completed within the working-hours target.
    pub packs_within: f64,
    /// Callers served by the IVR alone (not offered to the queue).
    pub ivr_served: f64,
    /// Answered calls not completed because an outage was on when they ended.
    pub not_completed: f64,
    /// Sum, over the service's daily closings in this interval, of the items
    /// waiting at closing time.
    pub backlog_at_close: f64,
    /// Daily closings of the service in this interval.
    pub closings: f64,
}

impl CallCell {
    /// Adds another cell's counters to this one.
    #[inline]
    pub fn add(&mut self, o: &CallCell) {
        self.offered += o.offered;
        self.answered += o.answered;
        self.answered_within += o.answered_within;
        self.abandoned += o.abandoned;
        self.abandoned_within += o.abandoned_within;
        self.wait_answered_s += o.wait_answered_s;
        self.wait_abandoned_s += o.wait_abandoned_s;
        self.handling_s += o.handling_s;
        self.handled_within += o.handled_within;
        self.resolved += o.resolved;
        self.callers += o.callers;
        self.callers_answered += o.callers_answered;
        self.callers_lost += o.callers_lost;
        self.lost_while_closed += o.lost_while_closed;
        self.done_within += o.done_within;
        self.escalated += o.escalated;
        self.packs += o.packs;
        self.packs_within += o.packs_within;
        self.ivr_served += o.ivr_served;
        self.not_completed += o.not_completed;
        self.backlog_at_close += o.backlog_at_close;
        self.closings += o.closings;
    }
}

/// Agent time of one group in one interval, agent-seconds.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct GroupCell {
    /// Time agents spent handling calls.
    pub busy_s: f64,
    /// Time agents were present: scheduled, or still finishing a call after
    /// their shift ended (overtime).
    pub present_s: f64,
    /// Scheduled agent time.
    pub scheduled_s: f64,
}

impl GroupCell {
    /// Adds another cell's times to this one.
    #[inline]
    pub fn add(&mut self, o: &GroupCell) {
        self.busy_s += o.busy_s;
        self.present_s += o.present_s;
        self.scheduled_s += o.scheduled_s;
    }
}

/// Opening time of one service in one interval, and how much of it an
/// outage took, seconds.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct ServiceCell {
    /// Opening time.
    pub open_s: f64,
    /// Opening time during which at least one outage of the service was on.
    pub down_s: f64,
}

impl ServiceCell {
    /// Adds another cell's times to this one.
    #[inline]
    pub fn add(&mut self, o: &ServiceCell) {
        self.open_s += o.open_s;
        self.down_s += o.down_s;
    }
}

/// Everything one replication records.
#[derive(Debug, Clone, Default)]
pub struct Tallies {
    /// `calls[call_type][interval of the horizon]`.
    pub calls: Vec<Vec<CallCell>>,
    /// `groups[group][interval of the horizon]`.
    pub groups: Vec<Vec<GroupCell>>,
    /// `services[service][interval of the horizon]`.
    pub services: Vec<Vec<ServiceCell>>,
    /// Calls still waiting when the simulation stopped (after the drain limit).
    pub unfinished: f64,
}

impl Tallies {
    /// Zeroed tallies for `n_call_types` x `n_groups` x `n_services` over `n_intervals`.
    pub fn new(
        n_call_types: usize,
        n_groups: usize,
        n_services: usize,
        n_intervals: usize,
    ) -> Tallies {
        Tallies {
            calls: vec![vec![CallCell::default(); n_intervals]; n_call_types],
            groups: vec![vec![GroupCell::default(); n_intervals]; n_groups],
            services: vec![vec![ServiceCell::default(); n_intervals]; n_services],
            unfinished: 0.0,
        }
    }

    /// Resets every counter to zero, keeping the allocation.
    pub fn clear(&mut self) {
        self.calls
            .iter_mut()
            .for_each(|v| v.fill(CallCell::default()));
        self.groups
            .iter_mut()
            .for_each(|v| v.fill(GroupCell::default()));
        self.services
            .iter_mut()
            .for_each(|v| v.fill(ServiceCell::default()));
        self.unfinished = 0.0;
    }
}
