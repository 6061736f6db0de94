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
//! Entities (services, call types, agent groups) and reporting windows are
//! matched by name; an entity present in only one of the two scenarios is
//! listed as such (`only_in_base`, `only_in_alternative`), never dropped.
//!
//! Counts (offered, answered, abandoned...) are judged better or worse only
//! where the two scenarios draw the same callers: for a call type whose
//! arrival definition differs (a volume split between two call types), or a
//! service with such a call type, they are only `higher` or `lower`.

use crate::stats::estimate::{Estimate, TQuantiles, Welford};
use crate::stats::kpi::{Polarity, Unit};
use crate::stats::summary::{Compliance, CostFigures, Direction, EntitySummary, Kpis, Status};
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
    /// The polarity the verdict uses: the KPI table's, except that counts
    /// are [`Polarity::Neutral`] where the callers differ.
    pub polarity: Polarity,
    /// Both scenarios against the target, where both have it.
    pub met: Option<TargetMet>,
}

/// Compliance of both scenarios with the target of one KPI.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TargetMet {
    /// `>=` or `<=`.
    pub direction: Direction,
    /// Status of the baseline's mean.
    pub base: Status,
    /// Status of the alternative's mean.
    pub alt: Status,
    /// P(met) of the baseline: share of its replications meeting the target.
    pub base_met_share: f64,
    /// P(met) of the alternative.
    pub alt_met_share: f64,
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
        match self.polarity {
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
        match self.polarity {
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
    /// True when both scenarios draw the same callers (identical arrival
    /// definitions of the call type, or of every call type of the service);
    /// `None` for agent groups.
    pub same_callers: Option<bool>,
    /// Reporting windows present in both, in the baseline's order.
    pub windows: Vec<WindowComparison>,
}

/// One reporting window of one entity in both scenarios.
#[derive(Debug, Clone, PartialEq)]
pub struct WindowComparison {
    /// Window name.
    pub name: String,
    /// KPIs in [`Kpi`] order, with paired differences over the window.
    pub kpis: Vec<KpiComparison>,
}

/// An entity (or window) present in only one of the two scenarios.
#[derive(Debug, Clone, PartialEq)]
pub struct OnlyIn {
    /// Kind of entity.
    pub kind: EntityKind,
    /// Name.
    pub name: String,
    /// Its results in the scenario that has it.
    pub summary: EntitySummary,
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
    /// Paid hours, FTE and cost of the baseline's staffing.
    pub base_cost: CostFigures,
    /// Paid hours, FTE and cost of the alternative's staffing.
    pub alt_cost: CostFigures,
    /// Entities only the baseline has.
    pub only_in_base: Vec<OnlyIn>,
    /// Entities only the alternative has (a priority call type...).
    pub only_in_alternative: Vec<OnlyIn>,
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
    let base_entities = entities(base);
    let mut out = Vec::new();
    let mut paired = usize::MAX;
    for &(kind, bi, be) in &base_entities {
        let Some(&(_, ai, ae)) = alt_entities
            .iter()
            .find(|(k, _, e)| *k == kind && e.name == be.name)
        else {
            continue;
        };
        let b_reps = base.per_replication.get(bi).map_or(&[][..], |v| &v[..]);
        let a_reps = alt.per_replication.get(ai).map_or(&[][..], |v| &v[..]);
        paired = paired.min(b_reps.len().min(a_reps.len()));
        let same_callers = match kind {
            EntityKind::CallType => Some(be.arrivals.is_some() && be.arrivals == ae.arrivals),
            EntityKind::Service => Some(same_service_callers(base, alt, &be.name)),
            EntityKind::AgentGroup => None,
        };
        let polarity = |k: Kpi| {
            if same_callers == Some(false) && k.unit() == Unit::Count {
                Polarity::Neutral
            } else {
                k.polarity()
            }
        };
        let kpis = pair_kpis(
            (&be.kpis, &ae.kpis),
            (b_reps, a_reps),
            (&be.compliance, &ae.compliance),
            &be.name,
            &polarity,
            t,
        );
        let windows = be
            .windows
            .iter()
            .filter_map(|bw| {
                let aw = ae.windows.iter().find(|w| w.name == bw.name)?;
                Some(WindowComparison {
                    name: bw.name.clone(),
                    kpis: pair_kpis(
                        (&bw.kpis, &aw.kpis),
                        (&bw.per_replication, &aw.per_replication),
                        (&bw.compliance, &aw.compliance),
                        &be.name,
                        &polarity,
                        t,
                    ),
                })
            })
            .collect();
        out.push(EntityComparison {
            kind,
            name: be.name.clone(),
            kpis,
            same_callers,
            windows,
        });
    }
    let only = |from: &[(EntityKind, usize, &EntitySummary)],
                other: &[(EntityKind, usize, &EntitySummary)]| {
        from.iter()
            .filter(|(k, _, e)| !other.iter().any(|(k2, _, e2)| k2 == k && e2.name == e.name))
            .map(|(k, _, e)| OnlyIn {
                kind: *k,
                name: e.name.clone(),
                summary: EntitySummary {
                    intervals: Vec::new(),
                    days: Vec::new(),
                    ..(*e).clone()
                },
            })
            .collect::<Vec<_>>()
    };
    Alternative {
        scenario: alt.scenario.clone(),
        paired_replications: if paired == usize::MAX { 0 } else { paired },
        entities: out,
        base_cost: base.cost.clone(),
        alt_cost: alt.cost.clone(),
        only_in_base: only(&base_entities, &alt_entities),
        only_in_alternative: only(&alt_entities, &base_entities),
    }
}

/// True when every call type of service `name` has the same arrival
/// definition in both scenarios, and both have the same call types.
fn same_service_callers(base: &Summary, alt: &Summary, name: &str) -> bool {
    let of = |s: &Summary| {
        let mut v: Vec<(String, Option<u64>)> = s
            .call_types
            .iter()
            .filter(|c| c.service.as_deref() == Some(name))
            .map(|c| (c.name.clone(), c.arrivals))
            .collect();
        v.sort();
        v
    };
    let b = of(base);
    !b.is_empty() && b.iter().all(|(_, f)| f.is_some()) && b == of(alt)
}

/// The compliance row of `k` in `list` that reads entity `name`'s own figures.
fn row_of<'a>(list: &'a [Compliance], k: Kpi, name: &str) -> Option<&'a Compliance> {
    list.iter()
        .find(|c| c.kpi == k && c.call_type.as_deref().is_none_or(|n| n == name))
}

/// Paired comparison of the KPIs both the baseline and the alternative
/// report: `(base, alt)` pairs of KPIs, per-replication values and
/// compliance rows.
fn pair_kpis(
    (base, alt): (&Kpis, &Kpis),
    (b_reps, a_reps): (&[[f64; Kpi::COUNT]], &[[f64; Kpi::COUNT]]),
    (b_comp, a_comp): (&[Compliance], &[Compliance]),
    name: &str,
    polarity: &dyn Fn(Kpi) -> Polarity,
    t: &mut TQuantiles,
) -> Vec<KpiComparison> {
    let n = b_reps.len().min(a_reps.len());
    let mut kpis = Vec::new();
    for (k, b_est) in &base.0 {
        let Some(a_est) = alt.get(*k) else {
            continue;
        };
        let mut w = Welford::default();
        for (b, a) in b_reps[..n].iter().zip(&a_reps[..n]) {
            // NaN (undefined in either run) is skipped by Welford.
            w.push(a[k.index()] - b[k.index()]);
        }
        kpis.push(KpiComparison {
            kpi: *k,
            base: *b_est,
            alt: a_est,
            difference: w.estimate(t),
            independent_ci95: (b_est.ci95.powi(2) + a_est.ci95.powi(2)).sqrt(),
            target: row_of(b_comp, *k, name)
                .or_else(|| row_of(a_comp, *k, name))
                .map(|c| c.target),
            polarity: polarity(*k),
            met: row_of(b_comp, *k, name)
                .zip(row_of(a_comp, *k, name))
                .map(|(b, a)| TargetMet {
                    direction: b.direction,
                    base: b.status,
                    alt: a.status,
                    base_met_share: b.met_share,
                    alt_met_share: a.met_share,
                }),
        });
    }
    kpis
}
