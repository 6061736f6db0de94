//! Engine speed on scenario S1 (scenarios/bench-s1.toml): one queue, 300
//! calls/h, exponential handling (240 s) and patience (120 s), 22 agents,
//! 1,008 simulated hours.
//!
//! * `s1/one_replication`: the general engine, one replication, one thread;
//!   throughput in calls simulated per second.
//! * `s1/hand_written_loop`: the same queue in a minimal dedicated loop
//!   (abandonment decided lazily when a caller reaches an agent).
//! * `s1/hand_written_event_loop`: the same queue as a minimal event loop
//!   with abandonment as events, the yardstick the general engine must
//!   match (ARCHITECTURE.md, "Speed").
//! * `s1_100_replications/threads/{1,2}`: a 100-replication run on one and on
//!   two threads, for the parallel speed-up.
//! * `cup_week/one_replication`: one week of the CUP status quo
//!   (scenarios/cup-2025h1-status-quo.toml), all its mechanisms on.

use std::hint::black_box;
use std::path::Path;

use ccsim::experiment::{self, RunOptions};
use ccsim::model::Center;
use ccsim::model::sim::Replication;
use ccsim::scenario::Scenario;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

#[path = "common/hand.rs"]
mod hand;
use hand::{hand_written, hand_written_events};

fn load() -> Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/bench-s1.toml");
    Scenario::load(&path).expect("scenarios/bench-s1.toml is valid")
}

fn bench(c: &mut Criterion) {
    let sc = load();
    let center = Center::new(&sc);
    let mut rep = Replication::new(&center);
    rep.run(1, 0);
    let calls: f64 = rep.tallies.calls.iter().flatten().map(|c| c.offered).sum();
    let mut g = c.benchmark_group("s1");
    g.throughput(Throughput::Elements(calls as u64));
    g.sample_size(20);
    let mut r = 0;
    g.bench_function("one_replication", |b| {
        b.iter(|| {
            r += 1;
            rep.run(1, black_box(r));
            black_box(rep.tallies.calls[0][0].offered)
        })
    });
    let mut seed = 0;
    g.bench_function("hand_written_loop", |b| {
        b.iter(|| {
            seed += 1;
            black_box(hand_written(black_box(seed), 22, center.end_s()))
        })
    });
    let mut seed = 0;
    g.bench_function("hand_written_event_loop", |b| {
        b.iter(|| {
            seed += 1;
            black_box(hand_written_events(black_box(seed), 22, center.end_s()))
        })
    });
    g.finish();

    let mut g = c.benchmark_group("s1_100_replications");
    g.throughput(Throughput::Elements(calls as u64 * 100));
    g.sample_size(10);
    for threads in [1, 2] {
        let opts = RunOptions {
            replications: Some(100),
            seed: Some(1),
            threads: Some(threads),
        };
        g.bench_function(format!("threads/{threads}"), |b| {
            b.iter(|| black_box(experiment::run(&sc, &opts, None).expect("run").calls))
        });
    }
    g.finish();

    // One week (Monday 2025-01-13 to Sunday) of the CUP status quo: every
    // mechanism of the CUP scenario (closed-hours demand, redials, handling
    // effects, wrap-up, shifts per interval, day factors) on one thread.
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/cup-2025h1-status-quo.toml");
    let mut cup = Scenario::load(&path).expect("scenarios/cup-2025h1-status-quo.toml is valid");
    cup.horizon.start = ccsim::calendar::Date::from_ymd(2025, 1, 13).expect("date");
    cup.horizon.days = 7;
    let center = Center::new(&cup);
    let mut rep = Replication::new(&center);
    rep.run(1, 0);
    let calls: f64 = rep.tallies.calls.iter().flatten().map(|c| c.offered).sum();
    let mut g = c.benchmark_group("cup_week");
    g.throughput(Throughput::Elements(calls as u64));
    g.sample_size(20);
    let mut r = 0;
    g.bench_function("one_replication", |b| {
        b.iter(|| {
            r += 1;
            rep.run(1, black_box(r));
            black_box(rep.tallies.calls[0][0].offered)
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
