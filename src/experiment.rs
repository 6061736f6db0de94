//! Replications in parallel: each rayon task owns its simulator and draws
//! from streams seeded by its replication index; results are folded in
//! replication order, so the output does not depend on the thread count.

use std::sync::atomic::{AtomicU64, Ordering};

use rayon::prelude::*;

use crate::model::Center;
use crate::model::sim::Replication;
use crate::scenario::Scenario;
use crate::stats::Summary;
use crate::stats::summary::SummaryBuilder;

/// How to run a scenario; `None` fields take the scenario's own values.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// Number of replications.
    pub replications: Option<u32>,
    /// Master seed.
    pub seed: Option<u64>,
    /// Worker threads (default: all cores).
    pub threads: Option<usize>,
}

/// Errors of running an experiment.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// The thread pool could not be built.
    #[error("cannot start {threads} worker threads: {message}")]
    Threads {
        /// Requested threads.
        threads: usize,
        /// Cause.
        message: String,
    },
}

/// What a run produced.
#[derive(Debug, Clone)]
pub struct RunOutput {
    /// The results.
    pub summary: Summary,
    /// Events handled over all replications.
    pub events: u64,
    /// Calls offered over all replications (warm-up included).
    pub calls: u64,
}

/// Replications folded per batch: bounds memory while keeping order.
const BATCH: u32 = 64;

/// Runs `sc` with `opts`; `progress`, if given, counts finished replications.
///
/// # Errors
/// [`RunError`] when the thread pool cannot be created.
pub fn run(
    sc: &Scenario,
    opts: &RunOptions,
    progress: Option<&AtomicU64>,
) -> Result<RunOutput, RunError> {
    let mut sc = sc.clone();
    if let Some(r) = opts.replications {
        sc.run.replications = r;
    }
    if let Some(s) = opts.seed {
        sc.run.seed = s;
    }
    let work = || run_in_pool(&sc, progress);
    match opts.threads {
        None => Ok(work()),
        Some(threads) => rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .map(|pool| pool.install(work))
            .map_err(|e| RunError::Threads {
                threads,
                message: e.to_string(),
            }),
    }
}

fn run_in_pool(sc: &Scenario, progress: Option<&AtomicU64>) -> RunOutput {
    let center = Center::new(sc);
    let mut builder = SummaryBuilder::new(sc);
    let seed = sc.run.seed;
    let (mut events, mut calls) = (0u64, 0u64);
    let mut start = 0;
    while start < sc.run.replications {
        let end = (start + BATCH).min(sc.run.replications);
        let reduced: Vec<_> = (start..end)
            .into_par_iter()
            .map_init(
                || Replication::new(&center),
                |rep, r| {
                    rep.run(seed, r);
                    let red = builder.reduce(&rep.tallies);
                    let offered: f64 = rep.tallies.calls.iter().flatten().map(|c| c.offered).sum();
                    if let Some(p) = progress {
                        p.fetch_add(1, Ordering::Relaxed);
                    }
                    (red, rep.events_handled, offered as u64)
                },
            )
            .collect();
        for (red, ev, n) in &reduced {
            builder.push(red);
            events += ev;
            calls += n;
        }
        start = end;
    }
    RunOutput {
        summary: builder.finish(sc),
        events,
        calls,
    }
}
