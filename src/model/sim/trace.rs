//! Per-call records, kept only in trace mode (synthetic call logs).

/// How a traced call ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Answered by an agent.
    Answered,
    /// The caller hung up while waiting (or was dropped at closing).
    Abandoned,
}

/// One call as a call log records it. Kept only in trace mode
/// ([`super::Replication::enable_trace`]), never in normal runs.
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
