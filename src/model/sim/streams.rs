//! The random streams of a call type: one per purpose.

use rand::RngExt;
use rand_distr::Exp1;

use crate::engine::{Rng, Stream, stream};

/// Standard exponential draws made ahead in blocks.
const BLOCK: usize = 32;

/// A stream read through a block of standard exponential draws made ahead:
/// the values and their order are those of drawing one at a time, and the
/// event loop reads a number where it would run the ziggurat sampler. A
/// stream serves one distribution for a whole replication (the call type's
/// handling, its patience, its arrival gaps), so it is read either as
/// exponentials or, for another distribution, through [`Exp1Draws::raw`],
/// never both (debug builds check it).
#[derive(Debug, Clone)]
pub struct Exp1Draws {
    rng: Rng,
    block: [f64; BLOCK],
    next: usize,
    /// Whether exponentials were read (checks that `raw` is not mixed in).
    read: bool,
}

impl Exp1Draws {
    /// Reads `rng`, no draw made yet.
    pub fn new(rng: Rng) -> Self {
        Exp1Draws {
            rng,
            block: [0.0; BLOCK],
            next: BLOCK,
            read: false,
        }
    }

    /// The next standard exponential draw of the stream.
    #[inline]
    pub fn exp1(&mut self) -> f64 {
        if self.next == BLOCK {
            self.refill();
        }
        let e = self.block[self.next];
        self.next += 1;
        e
    }

    #[cold]
    #[inline(never)]
    fn refill(&mut self) {
        for e in &mut self.block {
            *e = self.rng.sample(Exp1);
        }
        self.next = 0;
        self.read = true;
    }

    /// The generator itself, for a distribution other than the exponential.
    #[inline]
    pub fn raw(&mut self) -> &mut Rng {
        debug_assert!(!self.read, "a stream read both as exponentials and raw");
        &mut self.rng
    }
}

/// The random streams of one call type, one per purpose (see [`Stream`]):
/// a mechanism draws only from its own, so adding or changing one never
/// shifts another's draws.
#[derive(Debug, Clone)]
pub(super) struct CallStreams {
    pub arrivals: Exp1Draws,
    pub handling: Exp1Draws,
    pub patience: Exp1Draws,
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
            arrivals: Exp1Draws::new(s(Stream::Arrivals)),
            handling: Exp1Draws::new(s(Stream::Handling)),
            patience: Exp1Draws::new(s(Stream::Patience)),
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
