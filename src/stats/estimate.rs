//! Means and Student-t confidence intervals over replications.

use serde::Serialize;
use statrs::distribution::{ContinuousCDF, StudentsT};

/// A mean over replications and the half-width of its 95% confidence interval.
///
/// The half-width is `t(0.975, n-1) * s / sqrt(n)` with `s` the sample
/// standard deviation of the `n` replication values; it is `null` (NaN in
/// memory) with fewer than two values. Replications where the KPI is
/// undefined (e.g. no offered call in an interval) do not count in `n`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Estimate {
    /// Mean over replications.
    pub mean: f64,
    /// Half-width of the 95% confidence interval.
    pub ci95: f64,
    /// Replications in which the KPI was defined.
    #[serde(skip)]
    pub n: u32,
}

impl Estimate {
    /// Lower end of the 95% interval.
    pub fn lo(&self) -> f64 {
        self.mean - self.ci95
    }
    /// Upper end of the 95% interval.
    pub fn hi(&self) -> f64 {
        self.mean + self.ci95
    }
}

/// Welford's streaming mean and variance (Welford 1962; Knuth TAOCP vol. 2).
/// Values must be added in a fixed order for reproducible bits.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Welford {
    n: u32,
    mean: f64,
    m2: f64,
}

impl Welford {
    /// Adds a value; NaN (an undefined KPI) is skipped.
    #[inline]
    pub fn push(&mut self, x: f64) {
        if x.is_nan() {
            return;
        }
        self.n += 1;
        let d = x - self.mean;
        self.mean += d / f64::from(self.n);
        self.m2 += d * (x - self.mean);
    }

    /// Number of values.
    pub fn n(&self) -> u32 {
        self.n
    }

    /// Sample variance (n - 1 denominator); NaN below two values.
    pub fn variance(&self) -> f64 {
        if self.n < 2 {
            f64::NAN
        } else {
            self.m2 / f64::from(self.n - 1)
        }
    }

    /// The mean with its 95% t-interval; NaN mean when empty.
    pub fn estimate(&self, t: &mut TQuantiles) -> Estimate {
        let mean = if self.n == 0 { f64::NAN } else { self.mean };
        let ci95 = if self.n < 2 {
            f64::NAN
        } else {
            t.get(self.n - 1) * (self.variance() / f64::from(self.n)).sqrt()
        };
        Estimate {
            mean,
            ci95,
            n: self.n,
        }
    }
}

/// Cache of the 97.5% Student-t quantiles by degrees of freedom.
#[derive(Debug, Clone, Default)]
pub struct TQuantiles {
    cache: Vec<f64>,
}

impl TQuantiles {
    /// The 0.975 quantile of Student's t with `df` degrees of freedom (df >= 1).
    pub fn get(&mut self, df: u32) -> f64 {
        let i = df as usize;
        if self.cache.len() <= i {
            self.cache.resize(i + 1, f64::NAN);
        }
        if self.cache[i].is_nan() {
            self.cache[i] = StudentsT::new(0.0, 1.0, f64::from(df.max(1)))
                .map(|t| t.inverse_cdf(0.975))
                .unwrap_or(f64::NAN);
        }
        self.cache[i]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn welford_matches_textbook_values() {
        let mut w = Welford::default();
        for x in [2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0] {
            w.push(x);
        }
        w.push(f64::NAN);
        assert_eq!(w.n(), 8);
        assert!((w.variance() - 32.0 / 7.0).abs() < 1e-12);
        let mut t = TQuantiles::default();
        // t(0.975, 7) = 2.364624.
        assert!((t.get(7) - 2.364_624).abs() < 1e-5);
        let e = w.estimate(&mut t);
        assert!((e.mean - 5.0).abs() < 1e-12);
        assert!((e.ci95 - 2.364_624 * (32.0f64 / 7.0 / 8.0).sqrt()).abs() < 1e-5);
        assert!(Welford::default().estimate(&mut t).ci95.is_nan());
    }
}
