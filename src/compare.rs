//! Paired comparison of scenarios run with the same seed.
//!
//! Random streams are derived from (seed, replication, call-type name,
//! purpose), so a baseline and an alternative run with the same seed see the
//! same callers in replication `r` wherever call-type names agree (common
//! random numbers). The difference of a KPI is then estimated from the
//! per-replication differences `alt[r] - base[r]`: its 95% t-interval is
//! usually much narrower than `sqrt(ci_base² + ci_alt²)`, the interval the
//! difference would have if the runs were independent. Both are reported so
//! that the variance reduction is visible.
//!
//! Entities (services, call types, agent groups) are matched by name; an
//! entity present in only one of the two scenarios is left out.

use crate::stats::estimate::{Estimate, TQuantiles, Welford};
use crate::stats::kpi::Polarity;
use crate::stats::summary::EntitySummary;
use crate::stats::{Kpi, Summary};

/// Which list of the summary an entity comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntityKind {
    /// A service.
    Service,
    /// A call type.
    CallType,
    /// An agent group.
    AgentGroup,
}

impl EntityKind {
    /// Name used in JSON and CSV.
    pub fn name(self) -> &'static str {
        match self {
            EntityKind::Service => "service",
            EntityKind::CallType => "call_type",
            EntityKind::AgentGroup => "agent_group",
        }
    }
}

/// One KPI of one entity: baseline, alternative and their difference.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct KpiComparison {
    /// The KPI.
    pub kpi: Kpi,
    /// Baseline value over the horizon.
    pub base: Estimate,
    /// Alternative value over the horizon.
    pub alt: Estimate,
    /// Paired difference `alt - base`: mean and 95% CI of the
    /// per-replication differences.
    pub difference: Estimate,
    /// Half-width the 95% CI of the difference would have if the two runs
    /// were independent: `sqrt(base.ci95² + alt.ci95²)`.
    pub independent_ci95: f64,
    /// The target of the baseline service on this KPI, if any.
    pub target: Option<f64>,
}

impl KpiComparison {
    /// True when the alternative is significantly worse: the 95% CI of the
    /// paired difference lies wholly on the bad side of zero. Never for a
    /// KPI of [`Polarity::Neutral`], which has no bad side.
    pub fn significantly_worse(&self) -> bool {
        let d = &self.difference;
        if d.mean.is_nan() || d.ci95.is_nan() {
            return false;
        }
        match self.kpi.polarity() {
            Polarity::HigherIsBetter => d.mean + d.ci95 < 0.0,
            Polarity::LowerIsBetter => d.mean - d.ci95 > 0.0,
            Polarity::Neutral => false,
        }
    }

    /// True when the alternative is significantly better (never for a
    /// [`Polarity::Neutral`] KPI).
    pub fn significantly_better(&self) -> bool {
        let d = &self.difference;
        if d.mean.is_nan() || d.ci95.is_nan() {
            return false;
        }
        match self.kpi.polarity() {
            Polarity::HigherIsBetter => d.mean - d.ci95 > 0.0,
            Polarity::LowerIsBetter => d.mean + d.ci95 < 0.0,
            Polarity::Neutral => false,
        }
    }
}

/// All compared KPIs of one entity.
#[derive(Debug, Clone, PartialEq)]
pub struct EntityComparison {
    /// Kind of entity.
    pub kind: EntityKind,
    /// Name, the same in both scenarios.
    pub name: String,
    /// KPIs in [`Kpi`] order.
    pub kpis: Vec<KpiComparison>,
}

impl EntityComparison {
    /// The comparison of `k`, if reported.
    pub fn get(&self, k: Kpi) -> Option<&KpiComparison> {
        self.kpis.iter().find(|c| c.kpi == k)
    }
}

/// One alternative against the baseline.
#[derive(Debug, Clone, PartialEq)]
pub struct Alternative {
    /// Scenario name of the alternative.
    pub scenario: String,
    /// Replications paired (the smaller of the two runs).
    pub paired_replications: usize,
    /// Entities present in both, services first, then call types, then
    /// agent groups, in the baseline's order.
    pub entities: Vec<EntityComparison>,
}

impl Alternative {
    /// The KPIs on which the alternative is significantly worse, as
    /// `(entity kind, entity, comparison)`, among those named in `kpis`.
    pub fn worse_on(&self, kpis: &[Kpi]) -> Vec<(&EntityComparison, &KpiComparison)> {
        let mut out = Vec::new();
        for e in &self.entities {
            for c in &e.kpis {
                if kpis.contains(&c.kpi) && c.significantly_worse() {
                    out.push((e, c));
                }
            }
        }
        out
    }
}

/// KPIs that `--fail-if-worse` can judge: the service KPIs whose polarity
/// in the KPI table says which side is worse.
pub fn judged_kpis() -> impl Iterator<Item = Kpi> {
    Kpi::SERVICE_KPIS
        .into_iter()
        .filter(|k| k.polarity() != Polarity::Neutral)
}

/// Reads a KPI name given to `--fail-if-worse`: a service KPI with a worse
/// side (not [`Polarity::Neutral`], whose changes are only higher or lower).
///
/// # Errors
/// A message naming the flag, the value and the accepted KPIs.
pub fn parse_judged_kpi(name: &str) -> Result<Kpi, String> {
    let list = || judged_kpis().map(Kpi::name).collect::<Vec<_>>().join(", ");
    match Kpi::from_name(name) {
        Some(k) if judged_kpis().any(|j| j == k) => Ok(k),
        Some(k) if k.polarity() == Polarity::Neutral => Err(format!(
            "--fail-if-worse {name}: {name} is neither better nor worse when it changes \
             (compare reports it as higher or lower); judge one of {}",
            list()
        )),
        Some(_) => Err(format!(
            "--fail-if-worse {name}: not a service KPI; judge one of {}",
            list()
        )),
        None => Err(format!(
            "--fail-if-worse {name}: unknown KPI (one of {})",
            list()
        )),
    }
}

/// The baseline against every alternative.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    /// Scenario name of the baseline.
    pub base: String,
    /// Seed shared by every run.
    pub seed: u64,
    /// Replications of the baseline run.
    pub replications: u32,
    /// One entry per alternative, in the order given.
    pub alternatives: Vec<Alternative>,
}

/// Compares `base` with each of `alts`. The summaries must come from runs
/// with the same seed for the paired intervals to be narrow (they remain
/// valid otherwise, only as wide as independent ones).
pub fn compare(base: &Summary, alts: &[Summary]) -> Comparison {
    let mut t = TQuantiles::default();
    let alternatives = alts
        .iter()
        .map(|alt| compare_one(base, alt, &mut t))
        .collect();
    Comparison {
        base: base.scenario.clone(),
        seed: base.seed,
        replications: base.replications,
        alternatives,
    }
}

/// The entities of a summary with their index in `per_replication`.
fn entities(s: &Summary) -> Vec<(EntityKind, usize, &EntitySummary)> {
    let mut out = Vec::new();
    let mut i = 0;
    for (kind, list) in [
        (EntityKind::Service, &s.services),
        (EntityKind::CallType, &s.call_types),
        (EntityKind::AgentGroup, &s.agent_groups),
    ] {
        for e in list {
            out.push((kind, i, e));
            i += 1;
        }
    }
    out
}

fn compare_one(base: &Summary, alt: &Summary, t: &mut TQuantiles) -> Alternative {
    let alt_entities = entities(alt);
    let mut out = Vec::new();
    let mut paired = usize::MAX;
    for (kind, bi, be) in entities(base) {
        let Some((_, ai, ae)) = alt_entities
            .iter()
            .find(|(k, _, e)| *k == kind && e.name == be.name)
        else {
            continue;
        };
        let b_reps = base.per_replication.get(bi).map_or(&[][..], |v| &v[..]);
        let a_reps = alt.per_replication.get(*ai).map_or(&[][..], |v| &v[..]);
        let n = b_reps.len().min(a_reps.len());
        paired = paired.min(n);
        let mut kpis = Vec::new();
        for (k, b_est) in &be.kpis.0 {
            let Some(a_est) = ae.kpis.get(*k) else {
                continue;
            };
            let mut w = Welford::default();
            for (b, a) in b_reps[..n].iter().zip(&a_reps[..n]) {
                // NaN (undefined in either run) is skipped by Welford.
                w.push(a[k.index()] - b[k.index()]);
            }
            let target = be
                .compliance
                .iter()
                .find(|c| c.call_type.is_none() && c.kpi == *k)
                .map(|c| c.target);
            kpis.push(KpiComparison {
                kpi: *k,
                base: *b_est,
                alt: a_est,
                difference: w.estimate(t),
                independent_ci95: (b_est.ci95.powi(2) + a_est.ci95.powi(2)).sqrt(),
                target,
            });
        }
        out.push(EntityComparison {
            kind,
            name: be.name.clone(),
            kpis,
        });
    }
    Alternative {
        scenario: alt.scenario.clone(),
        paired_replications: if paired == usize::MAX { 0 } else { paired },
        entities: out,
    }
}
