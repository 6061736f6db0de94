//! The engine benches' workloads timed by their best run, for comparing two
//! builds on a noisy machine. Wall-clock medians on a shared 2-core machine
//! move by up to 15% between two runs of the same binary, so criterion's
//! median (`benches/engine.rs`) cannot tell a 3% change; the fastest of many
//! runs is much steadier. To compare two commits, build this bench at each
//! (`cargo bench --bench engine_best --no-run` prints the binary) and run the
//! two binaries alternately, a few times each; keep each one's fastest.
//!
//! `cargo bench --bench engine_best [-- ROUNDS]` (default 30) prints, for
//! each workload, the fastest of ROUNDS runs (the CUP week: 10 x ROUNDS;
//! 20 replications: 3 runs) and, for S1, the engine's speed as a share of
//! the hand-written event loop's measured in the same process.

use std::hint::black_box;
use std::path::Path;
use std::time::Instant;

use ccsim::experiment::{self, RunOptions};
use ccsim::model::Center;
use ccsim::model::sim::Replication;
use ccsim::scenario::Scenario;

#[path = "common/hand.rs"]
mod hand;
use hand::{hand_written, hand_written_events};

/// The fastest of `rounds` runs of `f(round)`, seconds.
fn best(rounds: u32, mut f: impl FnMut(u32)) -> f64 {
    (0..rounds)
        .map(|r| {
            let t = Instant::now();
            f(r);
            t.elapsed().as_secs_f64()
        })
        .fold(f64::INFINITY, f64::min)
}

fn main() {
    // `cargo bench` passes `--bench`; the first number is the rounds.
    let rounds: u32 = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(30);
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let sc = Scenario::load(&root.join("scenarios/bench-s1.toml")).expect("bench-s1 is valid");
    let center = Center::new(&sc);
    let mut rep = Replication::new(&center);
    rep.run(1, 0);
    let calls: f64 = rep.tallies.calls.iter().flatten().map(|c| c.offered).sum();
    let end = center.end_s();
    let s1 = best(rounds, |r| {
        rep.run(1, black_box(r));
        black_box(rep.tallies.calls[0][0].offered);
    });
    let lazy = best(rounds, |r| {
        black_box(hand_written(black_box(u64::from(r) + 1), 22, end));
    });
    let events = best(rounds, |r| {
        black_box(hand_written_events(black_box(u64::from(r) + 1), 22, end));
    });
    let reps = |threads| {
        best(3, |r| {
            let opts = RunOptions {
                replications: Some(20),
                seed: Some(u64::from(r) + 1),
                threads: Some(threads),
            };
            black_box(experiment::run(&sc, &opts, None).expect("run").calls);
        })
    };
    let (t1, t2) = (reps(1), reps(2));
    let path = root.join("scenarios/cup-2025h1-status-quo.toml");
    let mut cup = Scenario::load(&path).expect("the CUP semester is valid");
    cup.horizon.start = ccsim::calendar::Date::from_ymd(2025, 1, 13).expect("date");
    cup.horizon.days = 7;
    let cup_center = Center::new(&cup);
    let mut cup_rep = Replication::new(&cup_center);
    let week = best(rounds * 10, |r| {
        cup_rep.run(1, black_box(r));
        black_box(cup_rep.tallies.calls[0][0].offered);
    });
    let m = |s: f64| calls / s / 1e6;
    println!("fastest of {rounds} runs (S1: {calls} calls per replication)");
    println!(
        "s1/one_replication             {:9.3} ms  {:5.2} M calls/s",
        s1 * 1e3,
        m(s1)
    );
    println!(
        "s1/hand_written_loop           {:9.3} ms  {:5.2} M calls/s",
        lazy * 1e3,
        m(lazy)
    );
    println!(
        "s1/hand_written_event_loop     {:9.3} ms  {:5.2} M calls/s",
        events * 1e3,
        m(events)
    );
    println!("s1_20_replications/threads/1   {:9.1} ms", t1 * 1e3);
    println!("s1_20_replications/threads/2   {:9.1} ms", t2 * 1e3);
    println!("cup_week/one_replication       {:9.3} ms", week * 1e3);
    println!("engine / hand-written event loop: {:.3}", events / s1);
}
