//! The random streams of a call type: one per purpose.

use crate::engine::{Rng, Stream, stream};

/// The random streams of one call type, one per purpose (see [`Stream`]):
/// a mechanism draws only from its own, so adding or changing one never
/// shifts another's draws.
#[derive(Debug, Clone)]
pub(super) struct CallStreams {
    pub arrivals: Rng,
    pub handling: Rng,
    pub patience: Rng,
    pub wrap_up: Rng,
    pub resolution: Rng,
    pub ivr: Rng,
    pub ivr_time: Rng,
    pub retry: Rng,
    pub retry_delay: Rng,
    pub redial: Rng,
    pub redial_delay: Rng,
    pub callback: Rng,
}

impl CallStreams {
    /// The streams of the call type whose name hashes to `key`.
    pub fn new(seed: u64, replication: u32, key: u64) -> Self {
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
            callback: s(Stream::Callback),
        }
    }
}
