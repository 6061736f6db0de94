//! Samplers for durations, built once from validated parameters so that
//! sampling cannot fail and costs one `match`.

use rand_distr::{Distribution, Exp1, Gamma, LogNormal, Weibull};

use crate::engine::Rng;
use crate::scenario::DurationDist;

/// A ready-to-sample duration distribution (seconds).
#[derive(Debug, Clone, Copy)]
pub enum Sampler {
    /// Exponential with this mean.
    Exponential(f64),
    /// Lognormal.
    LogNormal(LogNormal<f64>),
    /// Gamma.
    Gamma(Gamma<f64>),
    /// Weibull.
    Weibull(Weibull<f64>),
    /// A constant.
    Constant(f64),
}

impl Sampler {
    /// Builds the sampler. Parameters come from validation, so construction
    /// cannot fail; should a library still refuse them, the mean is used as a
    /// constant rather than panicking.
    pub fn new(d: &DurationDist) -> Sampler {
        match *d {
            DurationDist::Exponential { mean } => Sampler::Exponential(mean),
            DurationDist::Deterministic { value } => Sampler::Constant(value),
            DurationDist::LogNormal { mean, cv } => {
                // sigma^2 = ln(1 + cv^2), mu = ln(mean) - sigma^2 / 2.
                let s2 = (1.0 + cv * cv).ln();
                LogNormal::new(mean.ln() - s2 / 2.0, s2.sqrt())
                    .map_or(Sampler::Constant(mean), Sampler::LogNormal)
            }
            DurationDist::Gamma { mean, cv } => {
                // shape k = 1/cv^2, scale = mean * cv^2.
                Gamma::new(1.0 / (cv * cv), mean * cv * cv)
                    .map_or(Sampler::Constant(mean), Sampler::Gamma)
            }
            DurationDist::Weibull { mean, shape } => {
                // mean = scale * Gamma(1 + 1/k).
                let scale = mean / statrs::function::gamma::gamma(1.0 + 1.0 / shape);
                Weibull::new(scale, shape).map_or(Sampler::Constant(mean), Sampler::Weibull)
            }
        }
    }

    /// Draws one duration.
    #[inline]
    pub fn sample(&self, rng: &mut Rng) -> f64 {
        match self {
            Sampler::Exponential(mean) => {
                let e: f64 = Exp1.sample(rng);
                mean * e
            }
            Sampler::LogNormal(d) => d.sample(rng),
            Sampler::Gamma(d) => d.sample(rng),
            Sampler::Weibull(d) => d.sample(rng),
            Sampler::Constant(v) => *v,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Stream, stream};

    fn moments(d: DurationDist) -> (f64, f64) {
        let s = Sampler::new(&d);
        let mut rng = stream(7, 0, 0, Stream::Handling);
        let n = 400_000;
        let (mut m, mut m2) = (0.0, 0.0);
        for _ in 0..n {
            let x = s.sample(&mut rng);
            m += x;
            m2 += x * x;
        }
        let mean = m / n as f64;
        let var = m2 / n as f64 - mean * mean;
        (mean, var.sqrt() / mean)
    }

    #[test]
    fn samplers_have_the_requested_mean_and_cv() {
        for (d, cv) in [
            (DurationDist::Exponential { mean: 240.0 }, 1.0),
            (
                DurationDist::LogNormal {
                    mean: 240.0,
                    cv: 0.8,
                },
                0.8,
            ),
            (
                DurationDist::Gamma {
                    mean: 240.0,
                    cv: 0.5,
                },
                0.5,
            ),
            (
                DurationDist::Weibull {
                    mean: 240.0,
                    shape: 1.0,
                },
                1.0,
            ),
            (DurationDist::Deterministic { value: 240.0 }, 0.0),
        ] {
            let (m, c) = moments(d);
            assert!((m / 240.0 - 1.0).abs() < 0.01, "{d:?}: mean {m}");
            assert!((c - cv).abs() < 0.02, "{d:?}: cv {c}");
        }
    }
}
