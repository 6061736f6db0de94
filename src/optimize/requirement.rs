//! "What it takes": the staffing that meets a scenario's targets, as a
//! report shows it. One narrow entry point over [`super::staff`], so that
//! the report does not depend on how the search works.

use std::collections::BTreeMap;

use super::OptimizeError;
use super::staff::{self, Mode, StaffOptions};
use crate::scenario::Scenario;
use crate::stats::summary::{CostFigures, EntitySummary};

/// Settings of the search a report runs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RequirementOptions {
    /// Replications per simulation of the search.
    pub replications: u32,
    /// Master seed.
    pub seed: Option<u64>,
    /// Worker threads.
    pub threads: Option<usize>,
    /// One-sided confidence with which each interval must meet the targets.
    pub confidence: f64,
}

/// The staffing that meets the targets, per interval.
#[derive(Debug, Clone)]
pub struct Requirement {
    /// Paid hours, FTE and cost of the staffing found.
    pub cost: CostFigures,
    /// Paid hours, FTE and cost of the scenario's own staffing.
    pub input_cost: CostFigures,
    /// Available agents (after shrinkage) needed per `(weekday index,
    /// interval start in seconds)`, summed over groups.
    pub required: BTreeMap<(usize, u32), f64>,
    /// Intervals with calls that still miss a target at the confidence.
    pub intervals_missing: usize,
    /// Intervals with calls.
    pub intervals_with_calls: usize,
    /// Replications per simulation.
    pub replications: u32,
    /// Confidence.
    pub confidence: f64,
    /// Compliance of each service with the staffing found.
    pub services: Vec<EntitySummary>,
    /// The scenario with the staffing found.
    pub staffed: Scenario,
}

/// Runs the per-interval staffing search on every agent group of `sc`.
///
/// # Errors
/// [`OptimizeError`] of the search.
pub fn requirement(sc: &Scenario, o: &RequirementOptions) -> Result<Requirement, OptimizeError> {
    let r = staff::run(
        sc,
        &StaffOptions {
            groups: Vec::new(),
            mode: Mode::PerInterval,
            confidence: o.confidence,
            replications: Some(o.replications),
            seed: o.seed,
            threads: o.threads,
            max_iterations: 60,
            progress: None,
            only: None,
            verify_seed: None,
        },
    )?;
    let mut required = BTreeMap::new();
    for iv in &r.intervals {
        let Some(g) = r.staffed.groups.iter().find(|g| g.name == iv.group) else {
            continue;
        };
        *required
            .entry((iv.weekday.index(), iv.start.secs()))
            .or_insert(0.0) += f64::from(g.available(iv.agents));
    }
    Ok(Requirement {
        cost: CostFigures::of(&r.staffed),
        input_cost: CostFigures::of(sc),
        required,
        intervals_missing: r.intervals_missing,
        intervals_with_calls: r.intervals_with_calls,
        replications: r.replications,
        confidence: r.confidence,
        services: r.services,
        staffed: r.staffed,
    })
}
