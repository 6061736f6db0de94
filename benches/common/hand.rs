//! The yardsticks of the engine benches: the M/M/22+M queue of scenario S1
//! written by hand, once as a minimal loop and once as a minimal event loop
//! (shared by `benches/engine.rs` and `benches/engine_best.rs`).

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

use ccsim::engine::{Stream, stream};
use rand::RngExt;
use rand_distr::Exp1;

/// The minimal M/M/n+M loop: no routing, no statistics per interval, only
/// the counters the service level needs.
pub fn hand_written(seed: u64, n_agents: usize, horizon_s: f64) -> (u64, u64) {
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
pub fn hand_written_events(seed: u64, n_agents: u32, horizon_s: f64) -> (u64, u64) {
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
