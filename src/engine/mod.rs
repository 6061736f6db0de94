//! The discrete-event core: a stable event queue and reproducible random
//! streams. It knows nothing about contact centers.

pub mod queue;
pub mod rng;

pub use queue::EventQueue;
pub use rng::{Rng, Stream, stable_hash, stream};
