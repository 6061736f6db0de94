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

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};
use std::hint::black_box;
use std::path::Path;

use ccsim::engine::{Stream, stream};
use ccsim::experiment::{self, RunOptions};
use ccsim::model::Center;
use ccsim::model::sim::Replication;
use ccsim::scenario::Scenario;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use rand::RngExt;
use rand_distr::Exp1;

fn load() -> Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/bench-s1.toml");
    Scenario::load(&path).expect("scenarios/bench-s1.toml is valid")
}

/// The minimal M/M/n+M loop: no routing, no statistics per interval, only
/// the counters the service level needs.
fn hand_written(seed: u64, n_agents: usize, horizon_s: f64) -> (u64, u64) {
    let (lambda, aht, patience) = (300.0 / 3600.0, 240.0, 120.0);
    let mut rng = stream(seed, 0, 0, Stream::Arrivals);
    let mut ends: BinaryHeap<Reverse<u64>> = BinaryHeap::with_capacity(n_agents);
    let mut waiting: VecDeque<(f64, f64)> = VecDeque::with_capacity(1024);
    let (mut offered, mut within) = (0u64, 0u64);
    let mut t = 0.0;
    loop {
        let e: f64 = rng.sample(Exp1);
        t += e / lambda;
        if t >= horizon_s {
            break;
        }
        // Free the agents whose calls ended, serving waiting callers in order.
        while let Some(&Reverse(bits)) = ends.peek() {
            let end = f64::from_bits(bits);
            if end > t {
                break;
            }
            ends.pop();
            while let Some((arr, deadline)) = waiting.pop_front() {
                if deadline >= end {
                    if end - arr <= 20.0 {
                        within += 1;
                    }
                    let s: f64 = rng.sample(Exp1);
                    ends.push(Reverse((end + s * aht).to_bits()));
                    break;
                }
            }
        }
        offered += 1;
        let p: f64 = rng.sample(Exp1);
        if ends.len() < n_agents {
            within += 1;
            let s: f64 = rng.sample(Exp1);
            ends.push(Reverse((t + s * aht).to_bits()));
        } else {
            waiting.push_back((t, t + p * patience));
        }
    }
    (offered, within)
}

/// The same M/M/n+M queue as a minimal discrete-event loop with every
/// happening an event, abandonment included: one binary heap of (time,
/// sequence, event), waiting callers in reused slots with a generation so a
/// stale abandonment is recognised, a FIFO of slots with lazy deletion. No
/// routing, calendar or per-interval statistics: the yardstick of what an
/// event loop with abandonment as events costs.
fn hand_written_events(seed: u64, n_agents: u32, horizon_s: f64) -> (u64, u64) {
    #[derive(Clone, Copy)]
    enum Ev {
        Arrival,
        End,
        Abandon(u32, u32),
    }
    let (lambda, aht, patience) = (300.0 / 3600.0, 240.0, 120.0);
    let mut rng = stream(seed, 0, 0, Stream::Arrivals);
    let mut heap: BinaryHeap<Reverse<(u64, u64)>> = BinaryHeap::with_capacity(1024);
    let mut events: Vec<Ev> = Vec::with_capacity(1024);
    let mut free_events: Vec<u64> = Vec::with_capacity(1024);
    let mut seq = 0u64;
    let mut push = |heap: &mut BinaryHeap<Reverse<(u64, u64)>>,
                    events: &mut Vec<Ev>,
                    free: &mut Vec<u64>,
                    t: f64,
                    e: Ev| {
        let id = free.pop().unwrap_or_else(|| {
            events.push(e);
            events.len() as u64 - 1
        });
        events[id as usize] = e;
        seq += 1;
        heap.push(Reverse((t.to_bits(), (seq << 24) | id)));
    };
    // Slots of waiting callers: (arrival, generation, gone).
    let mut slots: Vec<(f64, u32, bool)> = Vec::with_capacity(1024);
    let mut free_slots: Vec<u32> = Vec::with_capacity(1024);
    let mut queue: VecDeque<u32> = VecDeque::with_capacity(1024);
    let (mut busy, mut offered, mut within) = (0u32, 0u64, 0u64);
    let e: f64 = rng.sample(Exp1);
    push(
        &mut heap,
        &mut events,
        &mut free_events,
        e / lambda,
        Ev::Arrival,
    );
    while let Some(Reverse((bits, key))) = heap.pop() {
        let now = f64::from_bits(bits);
        let id = key & 0xFF_FFFF;
        let ev = events[id as usize];
        free_events.push(id);
        match ev {
            Ev::Arrival => {
                let e: f64 = rng.sample(Exp1);
                let next = now + e / lambda;
                if next < horizon_s {
                    push(&mut heap, &mut events, &mut free_events, next, Ev::Arrival);
                }
                offered += 1;
                let p: f64 = rng.sample(Exp1);
                if busy < n_agents {
                    busy += 1;
                    within += 1;
                    let s: f64 = rng.sample(Exp1);
                    push(
                        &mut heap,
                        &mut events,
                        &mut free_events,
                        now + s * aht,
                        Ev::End,
                    );
                } else {
                    let slot = free_slots.pop().unwrap_or_else(|| {
                        slots.push((0.0, 0, false));
                        slots.len() as u32 - 1
                    });
                    let s = &mut slots[slot as usize];
                    *s = (now, s.1, false);
                    queue.push_back(slot);
                    let ab = Ev::Abandon(slot, s.1);
                    push(
                        &mut heap,
                        &mut events,
                        &mut free_events,
                        now + p * patience,
                        ab,
                    );
                }
            }
            Ev::End => {
                busy -= 1;
                while let Some(slot) = queue.pop_front() {
                    let s = &mut slots[slot as usize];
                    let (arrival, gone) = (s.0, s.2);
                    s.1 = s.1.wrapping_add(1);
                    free_slots.push(slot);
                    if !gone {
                        busy += 1;
                        if now - arrival <= 20.0 {
                            within += 1;
                        }
                        let s: f64 = rng.sample(Exp1);
                        push(
                            &mut heap,
                            &mut events,
                            &mut free_events,
                            now + s * aht,
                            Ev::End,
                        );
                        break;
                    }
                }
            }
            Ev::Abandon(slot, generation) => {
                let s = &mut slots[slot as usize];
                if s.1 == generation {
                    s.2 = true;
                }
            }
        }
    }
    (offered, within)
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
