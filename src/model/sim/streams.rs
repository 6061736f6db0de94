//! The random streams of a call type: one per purpose.

use rand_distr::{Distribution, Exp1};

use crate::engine::{Rng, Stream, stream};

use crate::model::Sampler;

/// Values drawn ahead per block.
const BLOCK: usize = 32;

/// The standard exponential, as a sampler: the arrival gaps of a call type
/// are standard exponential draws divided by the rate of their segment.
pub const EXP1: Sampler = Sampler::Exponential(1.0);

/// A stream that serves one distribution for a whole replication (a call
/// type's handling times, its patience, its arrival gaps), its values drawn
/// ahead in blocks: the values and their order are those of drawing one at
/// a time, and the event loop reads a number where it would run the
/// sampler (its `match` and, for the exponential, the ziggurat).
#[derive(Debug, Clone)]
pub struct Draws {
    rng: Rng,
    block: [f64; BLOCK],
    next: usize,
    /// Kind of the sampler of the first block (debug builds check that a
    /// stream never serves two kinds; checked per block, off the hot path).
    kind: Option<std::mem::Discriminant<Sampler>>,
}

impl Draws {
    /// Reads `rng`, no value drawn yet.
    pub fn new(rng: Rng) -> Self {
        Draws {
            rng,
            block: [0.0; BLOCK],
            next: BLOCK,
            kind: None,
        }
    }

    /// The next value of the stream, drawn from `sampler`, which must be
    /// the same at every call for a replication.
    #[inline]
    pub fn next(&mut self, sampler: &Sampler) -> f64 {
        if self.next == BLOCK {
            self.refill(sampler);
        }
        let e = self.block[self.next];
        self.next += 1;
        e
    }

    #[cold]
    #[inline(never)]
    fn refill(&mut self, sampler: &Sampler) {
        let kind = std::mem::discriminant(sampler);
        debug_assert!(
            self.kind.is_none_or(|k| k == kind),
            "a stream drawn from two kinds of distribution"
        );
        self.kind = Some(kind);
        // The generator is worked on as a local copy, so that its state
        // stays in registers across the block; the exponential calls
        // `Distribution::sample`, which inlines the ziggurat (a call per
        // draw cost a third of the draw, counted with callgrind). Values
        // are those of `Sampler::sample`, bit for bit.
        let mut rng = self.rng.clone();
        let mut block = [0.0; BLOCK];
        match *sampler {
            Sampler::Exponential(mean) => {
                for e in &mut block {
                    let x: f64 = Exp1.sample(&mut rng);
                    *e = mean * x;
                }
            }
            _ => {
                for e in &mut block {
                    *e = sampler.sample(&mut rng);
                }
            }
        }
        self.block = block;
        self.rng = rng;
        self.next = 0;
    }
}

/// The random streams of one call type, one per purpose (see [`Stream`]):
/// a mechanism draws only from its own, so adding or changing one never
/// shifts another's draws.
#[derive(Debug, Clone)]
pub(super) struct CallStreams {
    pub arrivals: Draws,
    pub handling: Draws,
    pub patience: Draws,
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
            arrivals: Draws::new(s(Stream::Arrivals)),
            handling: Draws::new(s(Stream::Handling)),
            patience: Draws::new(s(Stream::Patience)),
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
