//! Routing that can be fitted: `fit` chooses between strict skill order and
//! longest-waiting (with or without a waiting-time head start,
//! `priority_credit_s`) by the back-test.
//!
//! **The credit estimate** (per-call logs only). Under longest-waiting with
//! credits, a freed agent takes the call with the largest wait + credit, so
//! calls of two types answered at the same time, both after queueing, have
//! waited about `credit_ref − credit_i` apart. For each call type the log's
//! answered calls that queued (waited more than 1 s) are binned by the
//! minute of their answer; against the **reference** type (the one whose
//! queued calls waited longest on average, taken to have no credit) the
//! credit of type `i` is the mean over the minutes with both of
//! `mean wait_ref − mean wait_i`, weighted by `n_i n_ref / (n_i + n_ref)`,
//! with a standard error from the spread over those minutes. A head start
//! shows in full only while the reference calls wait longer than it (else
//! a type-`i` call is taken almost at once and the difference is smaller),
//! so the estimate is repeated over the minutes whose reference mean wait
//! exceeds the previous estimate until it moves less than 0.5 s. It is
//! kept when it is more than two standard errors above 0. Under strict
//! priority it climbs towards the reference's long waits (a credit that
//! acts as strict priority). The back-test, not the estimate, decides.
//!
//! **The choice.** Candidates, simplest first: strict skill order as fitted
//! (most answered first); strict order with the type answered fastest first
//! (when that order differs); longest-waiting; longest-waiting with the
//! estimated credits (when any). Each is simulated with the same seed and
//! replications (common random numbers) and judged by the back-test
//! ([`super::backtest::judge`]). The **criterion** is the mean over call
//! types of the service-level MAE + abandonment MAE over weekday × interval
//! cells, in points; the lowest wins, and a later (less simple) candidate
//! must beat an earlier one by more than [`TIE_POINTS`].
//!
//! Interval reports have no per-call waits: the credit candidates are then a
//! grid ([`CREDIT_GRID_S`]) for the call type answered fastest. Routing
//! arises only where the report shows queues sharing agents (the same
//! `agents` in every row: one pool); with one pool per queue it does not
//! matter and is not chosen.

use std::collections::HashMap;

use crate::experiment::{RunError, RunOptions};
use crate::scenario::Scenario;
use crate::stats::Kpi;

use super::FitResult;
use super::backtest::{Judgement, judge};

/// A later candidate must lower the criterion by more than this many points
/// to beat an earlier (simpler) one.
pub const TIE_POINTS: f64 = 0.1;

/// Head starts tried for the call type answered fastest when the input has
/// no per-call waits to estimate them from (an interval report), seconds.
pub const CREDIT_GRID_S: [f64; 4] = [15.0, 30.0, 60.0, 120.0];

/// Queued waits of answered calls per minute of answer: sum of waits, count.
pub(super) type QueuedByMinute = HashMap<i64, (f64, u32)>;

/// The credit of one call type estimated against the reference type.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CreditEst {
    /// Estimated head start, seconds (not clamped).
    pub credit_s: f64,
    /// Its standard error.
    pub se: f64,
    /// Minutes with answered queued calls of both types.
    pub minutes: u64,
}

impl CreditEst {
    /// The credit kept for the candidate: > 2 se above 0, else 0.
    pub fn kept(&self) -> f64 {
        if self.credit_s > 2.0 * self.se && self.credit_s > 0.0 {
            self.credit_s
        } else {
            0.0
        }
    }
}

/// Credits estimated from a per-call log.
#[derive(Debug, Clone, PartialEq)]
pub struct CreditEstimate {
    /// The reference call type (longest queued waits; credit 0).
    pub reference: usize,
    /// Per call type (`None` for the reference and types without overlap).
    pub credits: Vec<Option<CreditEst>>,
}

impl CreditEstimate {
    /// The credits a candidate uses, per call type.
    pub fn kept(&self) -> Vec<f64> {
        self.credits
            .iter()
            .map(|c| c.map_or(0.0, |c| c.kept()))
            .collect()
    }
}

/// Estimates the credits from the queued waits per minute of answer (see
/// the module's documentation); `None` with fewer than two call types with
/// queued calls.
pub(super) fn estimate_credits(bins: &[QueuedByMinute]) -> Option<CreditEstimate> {
    let mean_wait = |b: &QueuedByMinute| {
        let (s, n) = b
            .values()
            .fold((0.0, 0u64), |(s, n), &(w, k)| (s + w, n + u64::from(k)));
        (n > 0).then(|| s / n as f64)
    };
    let means: Vec<Option<f64>> = bins.iter().map(mean_wait).collect();
    if means.iter().filter(|m| m.is_some()).count() < 2 {
        return None;
    }
    let reference = (0..bins.len())
        .filter(|&i| means[i].is_some())
        .max_by(|&a, &b| means[a].unwrap_or(0.0).total_cmp(&means[b].unwrap_or(0.0)))?;
    let r = &bins[reference];
    let credits = (0..bins.len())
        .map(|i| {
            if i == reference {
                return None;
            }
            // All minutes first; then only the minutes whose reference
            // waits exceeded the estimate, until it settles.
            let mut est = wait_difference(r, &bins[i], f64::NEG_INFINITY)?;
            for _ in 0..20 {
                match wait_difference(r, &bins[i], est.credit_s) {
                    Some(e) if (e.credit_s - est.credit_s).abs() >= 0.5 => est = e,
                    Some(e) => return Some(e),
                    None => break,
                }
            }
            Some(est)
        })
        .collect();
    Some(CreditEstimate { reference, credits })
}

/// The weighted mean difference of the mean queued waits, reference minus
/// `other`, over the minutes with both whose reference mean wait exceeds
/// `above`; `None` with fewer than 10 such minutes.
fn wait_difference(r: &QueuedByMinute, other: &QueuedByMinute, above: f64) -> Option<CreditEst> {
    let (mut sw, mut swd, mut swdd, mut minutes) = (0.0, 0.0, 0.0, 0u64);
    for (m, &(si, ni)) in other {
        let Some(&(sr, nr)) = r.get(m) else { continue };
        let (ni, nr) = (f64::from(ni), f64::from(nr));
        if sr / nr <= above {
            continue;
        }
        let d = sr / nr - si / ni;
        let w = ni * nr / (ni + nr);
        sw += w;
        swd += w * d;
        swdd += w * d * d;
        minutes += 1;
    }
    if minutes < 10 || sw <= 0.0 {
        return None;
    }
    let mean = swd / sw;
    let var = (swdd / sw - mean * mean).max(0.0);
    Some(CreditEst {
        credit_s: mean,
        se: (var / minutes as f64).sqrt(),
        minutes,
    })
}

/// A routing policy the fit can write.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// Its name in the report.
    pub label: String,
    /// Longest-waiting (`true`) or strict skill order.
    pub longest_waiting: bool,
    /// Strict order: the call types' ranks (lower first) the groups' skills
    /// are sorted by; `None` keeps the fitted order (most answered first).
    pub order: Option<Vec<usize>>,
    /// `priority_credit_s` per call type (all 0 without credits).
    pub credits: Vec<f64>,
}

/// One candidate judged by the back-test.
#[derive(Debug, Clone, PartialEq)]
pub struct Scored {
    /// The policy.
    pub candidate: Candidate,
    /// Per call type: name and the back-test's judgements (offered, service
    /// level, abandonment, ASA).
    pub per_type: Vec<(String, Vec<Judgement>)>,
    /// The criterion, points (lower is better).
    pub score: f64,
}

/// The routing chosen by the back-test, with every candidate's figures.
#[derive(Debug, Clone, PartialEq)]
pub struct RoutingChoice {
    /// Candidates in the order tried (simplest first).
    pub scored: Vec<Scored>,
    /// Index of the winner.
    pub chosen: usize,
    /// Why it won, in words.
    pub why: String,
    /// The credit estimate the credit candidate used.
    pub estimate: Option<CreditEstimate>,
    /// Replications per candidate, and the seed shared by all.
    pub replications: u32,
    /// Seed.
    pub seed: u64,
}

impl RoutingChoice {
    /// The chosen policy.
    pub fn winner(&self) -> &Candidate {
        &self.scored[self.chosen].candidate
    }
}

/// The criterion stated in reports.
pub const CRITERION: &str = "mean over call types of (service-level MAE + abandonment MAE) over weekday x interval cells, points";

/// Whether some agent group serves two call types or more (else routing
/// between queues does not arise).
pub fn applies(res: &FitResult) -> bool {
    res.groups.iter().any(|g| g.skills.len() >= 2)
}

/// The candidates for `res`, simplest first.
pub fn candidates(res: &FitResult) -> Vec<Candidate> {
    let n = res.call_types.len();
    let zero = vec![0.0; n];
    let mut out = vec![Candidate {
        label: "strict skill order (most answered first)".into(),
        longest_waiting: false,
        order: None,
        credits: zero.clone(),
    }];
    // Strict order with the type answered fastest (lowest ASA) first.
    let asa: Vec<f64> = res
        .call_types
        .iter()
        .map(|c| c.totals.asa_s().unwrap_or(f64::INFINITY))
        .collect();
    let mut by_asa: Vec<usize> = (0..n).collect();
    by_asa.sort_by(|&a, &b| asa[a].total_cmp(&asa[b]));
    let mut rank = vec![0; n];
    for (r, &i) in by_asa.iter().enumerate() {
        rank[i] = r;
    }
    if res
        .groups
        .iter()
        .any(|g| g.skills.windows(2).any(|w| rank[w[0]] > rank[w[1]]))
    {
        out.push(Candidate {
            label: "strict skill order (fastest answered first)".into(),
            longest_waiting: false,
            order: Some(rank),
            credits: zero.clone(),
        });
    }
    out.push(Candidate {
        label: "longest waiting".into(),
        longest_waiting: true,
        order: None,
        credits: zero,
    });
    if res.credit_estimate.is_none() {
        // No per-call waits (an interval report): a grid of head starts for
        // the call type answered fastest, judged by the back-test.
        for c in CREDIT_GRID_S {
            let mut credits = vec![0.0; n];
            credits[by_asa[0]] = c;
            out.push(Candidate {
                label: format!(
                    "longest waiting + credit ({} {c:.0} s, from a grid)",
                    res.call_types[by_asa[0]].name
                ),
                longest_waiting: true,
                order: None,
                credits,
            });
        }
    }
    if let Some(e) = &res.credit_estimate {
        let kept = e.kept();
        if kept.iter().any(|&c| c > 0.0) {
            let named: Vec<String> = kept
                .iter()
                .enumerate()
                .filter(|(_, c)| **c > 0.0)
                .map(|(i, c)| format!("{} {:.0} s", res.call_types[i].name, c))
                .collect();
            out.push(Candidate {
                label: format!("longest waiting + credit ({})", named.join(", ")),
                longest_waiting: true,
                order: None,
                credits: kept.iter().map(|c| c.round()).collect(),
            });
        }
    }
    out
}

/// The criterion of one back-test (see [`CRITERION`]).
fn criterion(per_type: &[(String, Vec<Judgement>)]) -> f64 {
    let v: Vec<f64> = per_type
        .iter()
        .map(|(_, js)| {
            js.iter()
                .filter(|j| matches!(j.kpi, Kpi::ServiceLevel | Kpi::AbandonRate) && j.n > 0)
                .map(|j| 100.0 * j.mae)
                .sum::<f64>()
        })
        .collect();
    v.iter().sum::<f64>() / v.len().max(1) as f64
}

/// Picks the winner: the lowest criterion, a later candidate beating an
/// earlier one only by more than [`TIE_POINTS`].
pub fn pick(scores: &[f64]) -> usize {
    let mut best = 0;
    for (i, &s) in scores.iter().enumerate().skip(1) {
        if s < scores[best] - TIE_POINTS {
            best = i;
        }
    }
    best
}

/// The fitted scenario with candidate `c` (rendered and validated as the
/// CLI writes it).
///
/// # Errors
/// The rendered scenario does not validate (a bug).
pub fn scenario_with(res: &FitResult, c: &Candidate) -> Result<Scenario, String> {
    let mut r = res.clone();
    r.routing = Some(RoutingChoice {
        scored: vec![Scored {
            candidate: c.clone(),
            per_type: Vec::new(),
            score: f64::NAN,
        }],
        chosen: 0,
        why: String::new(),
        estimate: None,
        replications: 0,
        seed: 0,
    });
    let text = r.scenario_toml("candidate");
    Scenario::from_toml(&text, "candidate.toml", "candidate").map_err(|e| e.to_string())
}

/// Simulates every candidate with `ro` (same seed: common random numbers)
/// and chooses; `None` when no group serves two call types.
///
/// # Errors
/// A failure of the replication driver, or a candidate that does not
/// validate (a bug), as text.
pub fn choose(res: &FitResult, ro: &RunOptions) -> Result<Option<RoutingChoice>, String> {
    if !applies(res) {
        return Ok(None);
    }
    let mut scored = Vec::new();
    for c in candidates(res) {
        let sc = scenario_with(res, &c)?;
        let out = crate::experiment::run(&sc, ro, None).map_err(|e: RunError| e.to_string())?;
        let per_type: Vec<(String, Vec<Judgement>)> = judge(res, &out.summary)
            .into_iter()
            .map(|t| (t.name, t.judged))
            .collect();
        let score = criterion(&per_type);
        scored.push(Scored {
            candidate: c,
            per_type,
            score,
        });
    }
    let scores: Vec<f64> = scored.iter().map(|s| s.score).collect();
    let chosen = pick(&scores);
    let others: Vec<String> = scored
        .iter()
        .enumerate()
        .filter(|&(i, _)| i != chosen)
        .map(|(_, s)| format!("{:.2} ({})", s.score, s.candidate.label))
        .collect();
    let why = format!(
        "lowest criterion: {:.2} points, against {}{}",
        scored[chosen].score,
        others.join(", "),
        if chosen == 0 {
            format!(" (a less simple policy must do better by more than {TIE_POINTS} points)")
        } else {
            String::new()
        }
    );
    Ok(Some(RoutingChoice {
        scored,
        chosen,
        why,
        estimate: res.credit_estimate.clone(),
        replications: ro.replications.unwrap_or(0),
        seed: ro.seed.unwrap_or(0),
    }))
}

/// The routing choice as text lines (for stderr, the back-test report and,
/// prefixed with `# `, the fitted scenario).
pub fn describe(res: &FitResult, ch: &RoutingChoice) -> Vec<String> {
    let mut out = vec![format!(
        "Routing chosen by the back-test ({} replications per candidate, seed {}, common random numbers): {}",
        ch.replications,
        ch.seed,
        ch.winner().label
    )];
    out.push(format!("  criterion: {CRITERION}"));
    out.push(format!("  why: {}", ch.why));
    if let Some(e) = &ch.estimate {
        for (i, c) in e.credits.iter().enumerate() {
            if let Some(c) = c {
                out.push(format!(
                    "  credit estimate of {} against {}: {:.1} s (se {:.1}, {} minutes with both answered after queueing){}",
                    res.call_types[i].name,
                    res.call_types[e.reference].name,
                    c.credit_s,
                    c.se,
                    c.minutes,
                    if c.kept() > 0.0 { "" } else { ": not above 2 se, no credit" }
                ));
            }
        }
    }
    out.push(format!(
        "  {:<46} {:<12} {:>8} {:>8} {:>8} {:>8}",
        "candidate / call type", "KPI", "bias", "MAE", "corr", "in band"
    ));
    for (i, s) in ch.scored.iter().enumerate() {
        out.push(format!(
            "  {}{} criterion {:.2}",
            if i == ch.chosen { "* " } else { "  " },
            s.candidate.label,
            s.score
        ));
        for (name, js) in &s.per_type {
            for j in js
                .iter()
                .filter(|j| matches!(j.kpi, Kpi::ServiceLevel | Kpi::AbandonRate))
            {
                out.push(format!(
                    "      {:<44} {:<12} {:>+8.2} {:>8.2} {:>8} {:>7.1}%",
                    name,
                    if j.kpi == Kpi::ServiceLevel {
                        "SL (%)"
                    } else {
                        "abandon (%)"
                    },
                    100.0 * j.bias,
                    100.0 * j.mae,
                    if j.correlation.is_finite() {
                        format!("{:.3}", j.correlation)
                    } else {
                        "-".into()
                    },
                    100.0 * j.coverage
                ));
            }
        }
    }
    out
}

/// The routing choice as JSON (for `--backtest-dir`'s `routing.json`).
pub fn to_json(res: &FitResult, ch: &RoutingChoice) -> serde_json::Value {
    use serde_json::json;
    let f = |x: f64| if x.is_finite() { json!(x) } else { json!(null) };
    json!({
        "chosen": ch.winner().label,
        "criterion": CRITERION,
        "why": ch.why,
        "replications_per_candidate": ch.replications,
        "seed": ch.seed,
        "credit_estimate": ch.estimate.as_ref().map(|e| json!({
            "reference": res.call_types[e.reference].name,
            "credits": e.credits.iter().enumerate().filter_map(|(i, c)| c.map(|c| json!({
                "call_type": res.call_types[i].name,
                "credit_s": f(c.credit_s),
                "se": f(c.se),
                "minutes": c.minutes,
                "kept_s": c.kept(),
            }))).collect::<Vec<_>>(),
        })),
        "candidates": ch.scored.iter().map(|s| json!({
            "label": s.candidate.label,
            "call_selection": if s.candidate.longest_waiting { "longest_waiting" } else { "priority" },
            "priority_credit_s": s.candidate.credits.iter().enumerate()
                .filter(|(_, c)| **c > 0.0)
                .map(|(i, c)| (res.call_types[i].name.clone(), json!(c)))
                .collect::<serde_json::Map<_, _>>(),
            "criterion": f(s.score),
            "call_types": s.per_type.iter().map(|(name, js)| json!({
                "name": name,
                "kpis": js.iter().map(|j| json!({
                    "kpi": j.kpi.name(),
                    "n": j.n,
                    "bias": f(j.bias),
                    "mae": f(j.mae),
                    "correlation": f(j.correlation),
                    "coverage": f(j.coverage),
                })).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credit_is_the_weighted_wait_difference_of_the_same_minutes() {
        // Reference type 0 waits 100 s, type 1 waits 40 s, in 20 minutes;
        // minute 5 alone has type 1 only and is ignored.
        let mut b0 = QueuedByMinute::new();
        let mut b1 = QueuedByMinute::new();
        for m in 0..20 {
            b0.insert(m, (200.0 + f64::from(m as u8 % 2), 2));
            b1.insert(m, (40.0, 1));
        }
        b1.insert(500, (1.0, 1));
        let e = estimate_credits(&[b0, b1]).unwrap();
        assert_eq!(e.reference, 0);
        let c = e.credits[1].unwrap();
        assert_eq!(c.minutes, 20);
        // Differences alternate 60 and 60.5: weighted mean 60.25.
        assert!((c.credit_s - 60.25).abs() < 1e-9, "{c:?}");
        assert!(c.se > 0.0 && c.se < 0.2, "{c:?}");
        assert_eq!(e.kept(), vec![0.0, c.credit_s]);
        assert!(estimate_credits(&[QueuedByMinute::new(), QueuedByMinute::new()]).is_none());
    }

    #[test]
    fn a_later_candidate_must_win_by_more_than_the_tie() {
        assert_eq!(pick(&[10.0, 9.95, 9.0]), 2);
        assert_eq!(pick(&[10.0, 9.95, 9.9]), 0);
        assert_eq!(pick(&[10.0, 11.0, 10.5]), 0);
    }
}
