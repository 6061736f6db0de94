//! The replication driver: every simulation of ccsim (`run`, `compare`,
//! `report`, `fit --backtest`, `sweep`, `staff`) goes through
//! [`simulate`]. Each rayon task owns its simulator and draws from streams
//! seeded by its replication index; results are folded per scenario in
//! replication order, so the output does not depend on the thread count.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use rayon::prelude::*;

use crate::model::Center;
use crate::model::sim::Replication;
use crate::scenario::Scenario;
use crate::stats::Summary;
use crate::stats::summary::{ReducedReplication, SummaryBuilder};

/// Most worker threads accepted (`--threads`, [`RunOptions::threads`]):
/// a fixed bound, far above the cores of any machine ccsim runs on, low
/// enough that a typo cannot exhaust the machine's threads or memory.
pub const MAX_THREADS: usize = 1024;

/// (scenario, replication) tasks run in parallel and folded per batch:
/// bounds memory while keeping replication order.
pub const BATCH: usize = 64;

/// How to run a scenario; `None` fields take the scenario's own values.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// Number of replications.
    pub replications: Option<u32>,
    /// Master seed.
    pub seed: Option<u64>,
    /// Worker threads (default: all cores; at most [`MAX_THREADS`]).
    pub threads: Option<usize>,
}

/// Errors of running replications.
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

/// Runs `f` on a rayon pool of `threads` workers (the global pool when
/// `None`): the one place that builds a thread pool.
///
/// # Errors
/// [`RunError::Threads`] when `threads` is 0 or above [`MAX_THREADS`], or
/// when the pool cannot be built.
pub fn with_threads<T: Send>(
    threads: Option<usize>,
    f: impl FnOnce() -> T + Send,
) -> Result<T, RunError> {
    match threads {
        None => Ok(f()),
        Some(threads) if !(1..=MAX_THREADS).contains(&threads) => Err(RunError::Threads {
            threads,
            message: format!("between 1 and {MAX_THREADS} threads are accepted"),
        }),
        Some(threads) => rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .map(|pool| pool.install(f))
            .map_err(|e| RunError::Threads {
                threads,
                message: e.to_string(),
            }),
    }
}

/// Runs `sc` with `opts`; `progress`, if given, counts finished replications.
///
/// # Errors
/// [`RunError`] when the thread pool cannot be created.
pub fn run(
    sc: &Scenario,
    opts: &RunOptions,
    progress: Option<&AtomicU64>,
) -> Result<RunOutput, RunError> {
    let replications = opts.replications.unwrap_or(sc.run.replications);
    let seed = opts.seed.unwrap_or(sc.run.seed);
    let mut out = with_threads(opts.threads, || {
        simulate(std::slice::from_ref(sc), replications, seed, progress)
    })?;
    // One scenario in, one output out.
    Ok(out.swap_remove(0))
}

/// Simulates every scenario of `scenarios` with `replications` replications
/// and master seed `seed` (common random numbers across scenarios), running
/// all (scenario, replication) pairs in parallel on the current rayon pool
/// (see [`with_threads`]). `progress`, if given, counts finished
/// replications of all scenarios.
///
/// Results are folded per scenario in replication order, so they do not
/// depend on the number of threads. One output per scenario, in order.
pub fn simulate(
    scenarios: &[Scenario],
    replications: u32,
    seed: u64,
    progress: Option<&AtomicU64>,
) -> Vec<RunOutput> {
    let mut builders: Vec<SummaryBuilder> = scenarios.iter().map(SummaryBuilder::new).collect();
    let mut counts = vec![(0u64, 0u64); scenarios.len()];
    replicate(
        scenarios,
        &mut builders,
        0..replications,
        seed,
        progress,
        |builders, i, red| {
            builders[i].push(&red.values);
            counts[i].0 += red.events;
            counts[i].1 += red.calls;
        },
    );
    finish(scenarios, &builders, &counts, replications, seed)
}

/// [`simulate`] that stops early when `stop` is set (checked before each
/// replication, never inside one): `None` when stopped. `ccsim serve`'s
/// Cancel button sets it.
pub fn simulate_until(
    scenarios: &[Scenario],
    replications: u32,
    seed: u64,
    progress: Option<&AtomicU64>,
    stop: &AtomicBool,
) -> Option<Vec<RunOutput>> {
    let mut builders: Vec<SummaryBuilder> = scenarios.iter().map(SummaryBuilder::new).collect();
    let mut counts = vec![(0u64, 0u64); scenarios.len()];
    let done = replicate_until(
        scenarios,
        &mut builders,
        0..replications,
        seed,
        progress,
        Some(stop),
        |builders, i, red| {
            builders[i].push(&red.values);
            counts[i].0 += red.events;
            counts[i].1 += red.calls;
        },
    );
    done.then(|| finish(scenarios, &builders, &counts, replications, seed))
}

/// One replication reduced: what the fold, or a shard's partial result, keeps.
#[derive(Debug, Clone)]
pub struct Reduced {
    /// KPI values per entity and bucket.
    pub values: ReducedReplication,
    /// Events handled.
    pub events: u64,
    /// Calls offered (warm-up included).
    pub calls: u64,
}

/// Runs replications `reps` of every scenario (seed `seed`) in batches of
/// [`BATCH`] on the current rayon pool, reducing each with `builders[i]`
/// (one per scenario), and hands each reduction to `sink` in task order:
/// scenario by scenario, each in replication order. `simulate` folds them;
/// a shard (`--shard K/N`) writes them to its partial result.
pub fn replicate(
    scenarios: &[Scenario],
    builders: &mut [SummaryBuilder],
    reps: std::ops::Range<u32>,
    seed: u64,
    progress: Option<&AtomicU64>,
    sink: impl FnMut(&mut [SummaryBuilder], usize, Reduced),
) {
    replicate_until(scenarios, builders, reps, seed, progress, None, sink);
}

/// [`replicate`], stopping before the next replication once `stop` is set;
/// false when it stopped early (the sink then saw only some replications).
fn replicate_until(
    scenarios: &[Scenario],
    builders: &mut [SummaryBuilder],
    reps: std::ops::Range<u32>,
    seed: u64,
    progress: Option<&AtomicU64>,
    stop: Option<&AtomicBool>,
    mut sink: impl FnMut(&mut [SummaryBuilder], usize, Reduced),
) -> bool {
    let stopped = || stop.is_some_and(|s| s.load(Ordering::Relaxed));
    let centers: Vec<Center> = scenarios.iter().map(Center::new).collect();
    let tasks: Vec<(usize, u32)> = (0..scenarios.len())
        .flat_map(|i| reps.clone().map(move |r| (i, r)))
        .collect();
    for chunk in tasks.chunks(BATCH) {
        let shared: &[SummaryBuilder] = builders;
        let reduced: Vec<_> = chunk
            .par_iter()
            .map_init(
                || None::<(usize, Replication)>,
                |slot, &(i, r)| {
                    if stopped() {
                        return None;
                    }
                    // Tasks are ordered scenario by scenario: reuse the
                    // simulator's buffers while the scenario stays the same.
                    if slot.as_ref().is_some_and(|(j, _)| *j != i) {
                        *slot = None;
                    }
                    let (_, rep) = slot.get_or_insert_with(|| (i, Replication::new(&centers[i])));
                    rep.run(seed, r);
                    let values = shared[i].reduce(&rep.tallies);
                    let offered: f64 = rep.tallies.calls.iter().flatten().map(|c| c.offered).sum();
                    if let Some(p) = progress {
                        p.fetch_add(1, Ordering::Relaxed);
                    }
                    let red = Reduced {
                        values,
                        events: rep.events_handled,
                        calls: offered as u64,
                    };
                    Some((i, red))
                },
            )
            .collect();
        if stopped() || reduced.iter().any(Option::is_none) {
            return false;
        }
        for (i, red) in reduced.into_iter().flatten() {
            sink(builders, i, red);
        }
    }
    true
}

/// The outputs of builders that folded every replication of their
/// scenario in order (`counts`: events and calls per scenario): shared by
/// [`simulate`] and the merge of partial results.
pub fn finish(
    scenarios: &[Scenario],
    builders: &[SummaryBuilder],
    counts: &[(u64, u64)],
    replications: u32,
    seed: u64,
) -> Vec<RunOutput> {
    scenarios
        .iter()
        .zip(builders)
        .zip(counts)
        .map(|((sc, b), &(events, calls))| {
            let mut sc = sc.clone();
            sc.run.seed = seed;
            sc.run.replications = replications;
            RunOutput {
                summary: b.finish(&sc),
                events,
                calls,
            }
        })
        .collect()
}

/// The summaries of [`simulate`], without progress or counts: what the
/// staffing tools compare.
pub fn summaries(scenarios: &[Scenario], replications: u32, seed: u64) -> Vec<Summary> {
    simulate(scenarios, replications, seed, None)
        .into_iter()
        .map(|o| o.summary)
        .collect()
}
