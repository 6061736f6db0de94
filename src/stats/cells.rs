//! Streaming tallies of one replication: plain counters and sums per
//! interval of the horizon, updated in place, never a record per call.

/// Defines a cell of counters that add up field by field: the struct and
/// its `add` come from one list, so a new counter cannot be left out of the
/// merge of replications or buckets.
macro_rules! counters {
    ($(#[$meta:meta])* $name:ident { $($(#[$fmeta:meta])* $field:ident,)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, Default, PartialEq)]
        pub struct $name {
            $($(#[$fmeta])* pub $field: f64,)*
        }

        impl $name {
            /// Adds another cell's counters to this one.
            #[inline]
            pub fn add(&mut self, o: &$name) {
                $(self.$field += o.$field;)*
            }
        }
    };
}

counters! {
    /// Counters of the calls that arrived in one interval (all outcomes are
    /// credited to the interval of arrival, as contracts count them).
    CallCell {
        /// Callers who reached the queue.
        offered,
        /// Calls answered by an agent.
        answered,
        /// Answered with a wait <= the service's threshold.
        answered_within,
        /// Callers who hung up before being answered (or were dropped at closing).
        abandoned,
        /// Abandoned with a wait <= the threshold ("short abandons").
        abandoned_within,
        /// Sum of the waits of answered calls, seconds.
        wait_answered_s,
        /// Sum of the waits of abandoned calls, seconds.
        wait_abandoned_s,
        /// Sum of handling times of answered calls, seconds.
        handling_s,
        /// Answered calls whose handling time was within the handling target.
        handled_within,
        /// Answered calls resolved at first contact.
        resolved,
        /// Callers whose first attempt arrived in this interval.
        callers,
        /// Of those, callers answered at some attempt.
        callers_answered,
        /// Of those, callers who abandoned their last attempt (no redial).
        callers_lost,
        /// Callers who wanted to call while the service was closed and gave up
        /// (credited to the interval of their attempt; not offered).
        lost_while_closed,
        /// Items completed within the call type's working-hours target.
        done_within,
        /// Answered calls escalated (not resolved at first contact).
        escalated,
        /// Packs released in this interval.
        packs,
        /// Of those, packs completed within the working-hours target.
        packs_within,
        /// Callers served by the IVR alone (not offered to the queue).
        ivr_served,
        /// Answered calls not completed because an outage was on when they ended.
        not_completed,
        /// Sum, over the service's daily closings in this interval, of the items
        /// waiting at closing time.
        backlog_at_close,
        /// Daily closings of the service in this interval.
        closings,
        /// Waiting callers offered a call back.
        callbacks_offered,
        /// Of those, callers who accepted (they left the queue).
        callbacks_accepted,
        /// Accepted call backs made (an agent called the caller back).
        callbacks_made,
        /// Of those, made within the promise (working seconds after acceptance).
        callbacks_within,
        /// Sum of the times from acceptance to the call back, seconds.
        callback_wait_s,
        /// Calls that found every waiting line of the service taken (busy
        /// signal): not offered, neither answered nor abandoned.
        blocked,
    }
}

counters! {
    /// Agent time of one group in one interval, agent-seconds.
    GroupCell {
        /// Time agents spent handling calls.
        busy_s,
        /// Time agents were present: scheduled, or still finishing a call after
        /// their shift ended (overtime).
        present_s,
        /// Scheduled agent time.
        scheduled_s,
    }
}

counters! {
    /// Opening time of one service in one interval, and how much of it an
    /// outage took, seconds.
    ServiceCell {
        /// Opening time.
        open_s,
        /// Opening time during which at least one outage of the service was on.
        down_s,
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
