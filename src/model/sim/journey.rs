//! The values carried through a replication: the events, a caller's journey,
//! and the values drawn for a call when it reaches the queue.

/// Marks a call that is not counted (warm-up), or a first interval not yet known.
pub const NO_CELL: u32 = u32::MAX;

/// Marks an item that belongs to no pack.
pub(super) const NO_PACK: u32 = u32::MAX;

/// Where a caller's journey goes next.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Stage {
    /// The caller dials: the IVR, if the call type has one, comes first.
    #[default]
    Ivr,
    /// The caller reaches the queue (after the IVR, or an item that has no
    /// IVR to go through: an escalated case).
    Queue,
}

/// Who is calling, for which call type, at which attempt, and where the
/// journey goes next: the one value that events and waiting slots carry.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Journey {
    /// Caller id (a redial keeps its caller's id).
    pub caller: u32,
    /// Interval of the caller's first attempt at the queue (`NO_CELL` until
    /// it is known, or when it is not counted).
    pub first_cell: u32,
    /// Call type index.
    pub call_type: u16,
    /// Attempts made before this one.
    pub attempt: u8,
    /// Next stage.
    pub stage: Stage,
}

impl Journey {
    /// A new caller's first attempt.
    #[inline]
    pub(super) fn first(caller: u32, call_type: usize, stage: Stage) -> Journey {
        Journey {
            caller,
            first_cell: NO_CELL,
            call_type: call_type as u16,
            attempt: 0,
            stage,
        }
    }

    /// Call type index.
    #[inline]
    pub(super) fn ct(&self) -> usize {
        usize::from(self.call_type)
    }
}

/// Everything that happens in the simulated center, except first arrivals of
/// the arrival processes, which are kept apart (see [`super::Replication::run`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// A caller goes on with their journey later than the arrival process
    /// drew them: a redial, a caller deferred from closed hours, a caller
    /// leaving the IVR, an escalated item.
    Arrive(Journey),
    /// An agent of `group` finishes a call (talk and after-call work).
    ServiceEnd {
        /// Agent group index.
        group: u16,
    },
    /// A waiting caller's patience runs out (stale if the slot's generation moved on).
    Abandon {
        /// Slot of the waiting caller.
        slot: u32,
        /// Generation of the slot when the caller arrived.
        generation: u32,
    },
    /// A waiting caller is offered a call back (stale if the slot's
    /// generation moved on or the caller left).
    CallbackOffer {
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

/// A call at the queue: its journey and what was drawn for it there.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Call {
    pub journey: Journey,
    /// Instant it reached the queue.
    pub arrival: f64,
    /// Handling time before the day's and the group's factors.
    pub work: f64,
    /// After-call work.
    pub wrap: f64,
    /// Interval it reached the queue in (`NO_CELL` in the warm-up).
    pub cell: u32,
    /// Pack of an outbound item, or `NO_PACK`.
    pub pack: u32,
    /// Resolved at first contact if answered.
    pub resolved: bool,
}
