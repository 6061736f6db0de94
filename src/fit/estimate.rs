//! Estimators: handling-time and patience distributions by maximum
//! likelihood from sufficient statistics, and day-to-day overdispersion.

use statrs::function::gamma::{digamma, gamma, ln_gamma};

use super::km::CensoredHist;

/// Shortest duration used in logarithms, seconds: logs with whole seconds
/// record 0 for very short times.
pub const MIN_DURATION_S: f64 = 0.5;

/// Sufficient statistics of positive durations for the lognormal and gamma
/// likelihoods: n, sum x, sum x^2, sum ln x, sum (ln x)^2.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct DurationStats {
    /// Count.
    pub n: u64,
    /// Sum of x.
    pub sum: f64,
    /// Sum of x^2.
    pub sum_sq: f64,
    /// Sum of ln x.
    pub sum_ln: f64,
    /// Sum of (ln x)^2.
    pub sum_ln_sq: f64,
}

impl DurationStats {
    /// Adds a duration (floored at [`MIN_DURATION_S`]).
    pub fn add(&mut self, x: f64) {
        let x = x.max(MIN_DURATION_S);
        let l = x.ln();
        self.n += 1;
        self.sum += x;
        self.sum_sq += x * x;
        self.sum_ln += l;
        self.sum_ln_sq += l * l;
    }
    /// Sample mean.
    pub fn mean(&self) -> f64 {
        self.sum / self.n as f64
    }
    /// Sample standard deviation (n - 1 divisor).
    pub fn sd(&self) -> f64 {
        let n = self.n as f64;
        ((self.sum_sq - self.sum * self.sum / n) / (n - 1.0))
            .max(0.0)
            .sqrt()
    }
}

/// A fitted two-parameter distribution: mean, coefficient of variation,
/// standard error of the mean and log-likelihood.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DurationFit {
    /// Mean, seconds.
    pub mean: f64,
    /// Coefficient of variation.
    pub cv: f64,
    /// Standard error of the mean, seconds.
    pub se_mean: f64,
    /// Maximised log-likelihood.
    pub log_lik: f64,
}

/// Lognormal maximum-likelihood fit: `mu = mean(ln x)`,
/// `sigma^2 = mean((ln x - mu)^2)`; mean `exp(mu + sigma^2/2)`, cv
/// `sqrt(exp(sigma^2) - 1)`. The standard error of the mean is by the delta
/// method with `Var(mu) = sigma^2/n`, `Var(sigma^2) = 2 sigma^4 / n`.
/// Needs n >= 2 and some spread.
pub fn fit_lognormal(s: &DurationStats) -> Option<DurationFit> {
    if s.n < 2 {
        return None;
    }
    let n = s.n as f64;
    let mu = s.sum_ln / n;
    let s2 = (s.sum_ln_sq / n - mu * mu).max(0.0);
    if s2 <= 1e-12 {
        return None;
    }
    let mean = (mu + s2 / 2.0).exp();
    let cv = (s2.exp() - 1.0).sqrt();
    let se_mean = mean * (s2 / n + s2 * s2 / (2.0 * n)).sqrt();
    let log_lik = -s.sum_ln - n / 2.0 * (2.0 * std::f64::consts::PI * s2).ln() - n / 2.0;
    Some(DurationFit {
        mean,
        cv,
        se_mean,
        log_lik,
    })
}

/// Gamma maximum-likelihood fit (Minka 2002, "Estimating a Gamma
/// distribution"): with `s = ln(mean x) - mean(ln x)`, the shape k solves
/// `ln k - digamma(k) = s` (Newton from Minka's closed-form start); the rate
/// is `k / mean x`. The mean's MLE is the sample mean, with standard error
/// `mean / sqrt(n k)`; cv `1 / sqrt(k)`.
pub fn fit_gamma(s: &DurationStats) -> Option<DurationFit> {
    if s.n < 2 {
        return None;
    }
    let n = s.n as f64;
    let m = s.sum / n;
    let ml = s.sum_ln / n;
    let sv = m.ln() - ml;
    if sv <= 1e-12 || !sv.is_finite() {
        return None;
    }
    let mut k = (3.0 - sv + ((sv - 3.0).powi(2) + 24.0 * sv).sqrt()) / (12.0 * sv);
    for _ in 0..50 {
        let f = k.ln() - digamma(k) - sv;
        let fp = 1.0 / k - trigamma(k);
        let next = (k - f / fp).max(k / 10.0);
        if (next - k).abs() < 1e-12 * k {
            k = next;
            break;
        }
        k = next;
    }
    let rate = k / m;
    let log_lik = n * (k * rate.ln() - ln_gamma(k)) + (k - 1.0) * s.sum_ln - rate * s.sum;
    Some(DurationFit {
        mean: m,
        cv: 1.0 / k.sqrt(),
        se_mean: m / (n * k).sqrt(),
        log_lik,
    })
}

/// Trigamma function by recurrence and its asymptotic series.
fn trigamma(mut x: f64) -> f64 {
    let mut acc = 0.0;
    while x < 6.0 {
        acc += 1.0 / (x * x);
        x += 1.0;
    }
    let x2 = 1.0 / (x * x);
    acc + 1.0 / x
        + x2 / 2.0
        + x2 / x * (1.0 / 6.0 - x2 * (1.0 / 30.0 - x2 * (1.0 / 42.0 - x2 / 30.0)))
}

/// A fitted patience distribution.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PatienceFit {
    /// Mean, seconds.
    pub mean: f64,
    /// Standard error of the mean, seconds.
    pub se_mean: f64,
    /// Weibull shape (1 for the exponential).
    pub shape: f64,
    /// Standard error of the shape (0 for the exponential).
    pub se_shape: f64,
    /// Maximised log-likelihood.
    pub log_lik: f64,
}

/// Exponential fit with right censoring: rate = events / total time at
/// risk (the sum of all waits), the MLE; standard error of the mean
/// `mean / sqrt(events)`. The log-likelihood `d ln(rate) - rate * T` is
/// evaluated on the binned times, like the Weibull's, so that the two compare.
pub fn fit_exponential_censored(h: &CensoredHist) -> Option<PatienceFit> {
    let d = h.events() as f64;
    if d < 1.0 || h.sum_all <= 0.0 {
        return None;
    }
    let mean = h.sum_all / d;
    Some(PatienceFit {
        mean,
        se_mean: mean / d.sqrt(),
        shape: 1.0,
        se_shape: 0.0,
        log_lik: weibull_ll(h, mean, 1.0),
    })
}

/// Censored Weibull log-likelihood at scale `lambda` and shape `k`:
/// `sum_events [ln k - k ln lambda + (k-1) ln t] - sum_all (t/lambda)^k`.
fn weibull_ll(h: &CensoredHist, lambda: f64, k: f64) -> f64 {
    let mut ll = 0.0;
    for (&i, &(d, c)) in &h.bins {
        if d + c == 0 {
            continue;
        }
        let t = h.time(i);
        let z = (t / lambda).powf(k);
        ll += d as f64 * (k.ln() - k * lambda.ln() + (k - 1.0) * t.ln()) - (d + c) as f64 * z;
    }
    ll
}

/// Weibull fit with right censoring, by maximum likelihood. For a shape k
/// the scale's MLE is `lambda^k = sum_all t^k / d`; k solves the profile
/// equation `d/k + sum_events ln t - d * sum_all t^k ln t / sum_all t^k = 0`
/// (Cohen 1965), found by bisection on ln k. Times are bin midpoints of the
/// store. Standard errors come from the observed information (a numerical
/// Hessian in (ln lambda, ln k)) and the delta method for the mean
/// `lambda * Gamma(1 + 1/k)`.
pub fn fit_weibull_censored(h: &CensoredHist) -> Option<PatienceFit> {
    let d = h.events() as f64;
    if d < 2.0 {
        return None;
    }
    let sum_ln_events: f64 = h
        .bins
        .iter()
        .filter(|(_, b)| b.0 > 0)
        .map(|(&i, b)| b.0 as f64 * h.time(i).ln())
        .sum();
    let profile = |k: f64| {
        let (mut a, mut b) = (0.0, 0.0);
        // Scale times to keep t^k finite.
        let scale = h.time(h.bins.last_key_value().map_or(0, |(&k, _)| k));
        for (&i, &(e, c)) in &h.bins {
            let n = (e + c) as f64;
            if n == 0.0 {
                continue;
            }
            let t = h.time(i);
            let tk = (t / scale).powf(k);
            a += n * tk;
            b += n * tk * t.ln();
        }
        (d / k + sum_ln_events - d * b / a, a, scale)
    };
    let (mut lo, mut hi) = (0.02f64.ln(), 50f64.ln());
    if profile(lo.exp()).0 < 0.0 || profile(hi.exp()).0 > 0.0 {
        return None;
    }
    for _ in 0..100 {
        let mid = 0.5 * (lo + hi);
        if profile(mid.exp()).0 > 0.0 {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    let k = (0.5 * (lo + hi)).exp();
    let (_, a, scale) = profile(k);
    let lambda = scale * (a / d).powf(1.0 / k);
    let ll = |x: [f64; 2]| weibull_ll(h, x[0].exp(), x[1].exp());
    let x0 = [lambda.ln(), k.ln()];
    let mean_of = |x: [f64; 2]| x[0].exp() * gamma(1.0 + 1.0 / x[1].exp());
    let mean = mean_of(x0);
    let (se_mean, se_shape) = match inverse_hessian(&ll, x0) {
        Some(cov) => {
            let eps = 1e-5;
            let g = [
                (mean_of([x0[0] + eps, x0[1]]) - mean_of([x0[0] - eps, x0[1]])) / (2.0 * eps),
                (mean_of([x0[0], x0[1] + eps]) - mean_of([x0[0], x0[1] - eps])) / (2.0 * eps),
            ];
            let var =
                g[0] * g[0] * cov[0][0] + 2.0 * g[0] * g[1] * cov[0][1] + g[1] * g[1] * cov[1][1];
            (var.max(0.0).sqrt(), k * cov[1][1].max(0.0).sqrt())
        }
        None => (f64::NAN, f64::NAN),
    };
    Some(PatienceFit {
        mean,
        se_mean,
        shape: k,
        se_shape,
        log_lik: ll(x0),
    })
}

/// The inverse of minus the Hessian of `f` at `x` (the asymptotic covariance
/// of a maximum-likelihood estimate), by central differences.
fn inverse_hessian(f: &dyn Fn([f64; 2]) -> f64, x: [f64; 2]) -> Option<[[f64; 2]; 2]> {
    let e = 1e-4;
    let at = |dx: f64, dy: f64| f([x[0] + dx, x[1] + dy]);
    let f0 = at(0.0, 0.0);
    let hxx = (at(e, 0.0) - 2.0 * f0 + at(-e, 0.0)) / (e * e);
    let hyy = (at(0.0, e) - 2.0 * f0 + at(0.0, -e)) / (e * e);
    let hxy = (at(e, e) - at(e, -e) - at(-e, e) + at(-e, -e)) / (4.0 * e * e);
    let (a, b, c) = (-hxx, -hxy, -hyy);
    let det = a * c - b * b;
    if !(det > 0.0 && a > 0.0) {
        return None;
    }
    Some([[c / det, -b / det], [-b / det, a / det]])
}

/// Day-to-day overdispersion of daily counts, as the coefficient of
/// variation of a gamma day factor: if a day's calls are Poisson with mean
/// `m D` and `E[D] = 1`, `Var[D] = c^2`, then `Var(N) = m + c^2 m^2`, so
/// `c^2 = (s^2 - m) / m^2`. Each group (weekday) gives `(n_days, mean, var)`;
/// the estimate pools `s^2 - m` and `m^2` over groups weighted by
/// `n_days - 1`. Returns `(c, dispersion index s^2/m pooled)`, with c = 0
/// when the counts are not overdispersed; `None` without two days of a group.
pub fn overdispersion(groups: &[(usize, f64, f64)]) -> Option<(f64, f64)> {
    let (mut num, mut den, mut var, mut mean) = (0.0, 0.0, 0.0, 0.0);
    for &(n, m, v) in groups {
        if n < 2 || m <= 0.0 {
            continue;
        }
        let w = (n - 1) as f64;
        num += w * (v - m);
        den += w * m * m;
        var += w * v;
        mean += w * m;
    }
    if den <= 0.0 {
        return None;
    }
    Some(((num / den).max(0.0).sqrt(), var / mean))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trigamma_values() {
        // trigamma(1) = pi^2/6, trigamma(0.5) = pi^2/2.
        let pi2 = std::f64::consts::PI.powi(2);
        assert!((trigamma(1.0) - pi2 / 6.0).abs() < 1e-9);
        assert!((trigamma(0.5) - pi2 / 2.0).abs() < 1e-9);
    }

    #[test]
    fn exponential_censored_by_hand() {
        // Events at 1, 3; censored at 2: rate = 2 / 6.
        let mut h = CensoredHist::new(1.0);
        h.add(1.0, true);
        h.add(3.0, true);
        h.add(2.0, false);
        let f = fit_exponential_censored(&h).unwrap();
        assert!((f.mean - 3.0).abs() < 1e-12);
    }
}
