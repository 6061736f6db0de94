//! A priority queue of timed events, ordered by `(time, insertion order)`.
//!
//! Times are non-negative finite `f64` seconds (validation guarantees it), so
//! their IEEE-754 bit patterns order like the numbers. The heap holds 16-byte
//! `u128` keys only: the time's bits, then a 32-bit insertion counter, then
//! the 32-bit index of the event's payload in a slab (entries reused through
//! a free list). One integer comparison orders two events; events at equal
//! times leave in FIFO order, which keeps runs reproducible; the index never
//! decides, because counters are unique.
//!
//! The queue is an implicit binary min-heap. A pop walks the hole down to a
//! leaf along the smaller children, then sifts the last key up from there
//! (it rarely moves), the "bottom-up" order of work of the standard
//! library's binary heap. Keys are unique, so the order of pops is exactly
//! the order of (time, insertion), whatever the heap's shape: replacing the
//! heap changes no result. Measured on the M/M/22+M bench against a 4-ary
//! heap of 32-byte (key, event) entries and a binary one: keys alone, two
//! children, was the fastest (ARCHITECTURE.md, "Speed").
//!
//! When the counter would pass 32 bits (4.3 billion events in one
//! replication), the pending events are renumbered in their order
//! ([`EventQueue::renumber`]), so that order, and every result, is kept.

/// Children per node.
const D: usize = 2;

/// Bits of a key below the time: the counter, then the slab index.
const INDEX_BITS: u32 = 32;

/// Min-queue of events by time, FIFO among equal times.
pub struct EventQueue<E> {
    /// The heap of keys: time bits << 64 | counter << 32 | slab index.
    heap: Vec<u128>,
    /// Payloads, addressed by the low 32 bits of their key.
    slab: Vec<E>,
    /// Free slab entries.
    free: Vec<u32>,
    /// Next insertion counter.
    seq: u64,
    /// Counters stay below this: 2^32 (smaller in tests).
    seq_limit: u64,
}

impl<E: Copy> EventQueue<E> {
    /// An empty queue with room for `capacity` events.
    pub fn with_capacity(capacity: usize) -> Self {
        EventQueue {
            heap: Vec::with_capacity(capacity),
            slab: Vec::with_capacity(capacity),
            free: Vec::with_capacity(capacity),
            seq: 0,
            seq_limit: 1 << 32,
        }
    }

    /// Schedules `event` at `time` (seconds, finite and >= 0).
    #[inline]
    pub fn push(&mut self, time: f64, event: E) {
        debug_assert!(time.is_finite() && time >= 0.0, "bad event time {time}");
        if self.seq >= self.seq_limit {
            self.renumber();
        }
        let index = match self.free.pop() {
            Some(i) => {
                self.slab[i as usize] = event;
                i
            }
            None => {
                // 2^32 pending events would take 64 GiB of keys alone.
                let i = u32::try_from(self.slab.len()).expect("fewer than 2^32 pending events");
                self.slab.push(event);
                i
            }
        };
        let key = (u128::from(time.to_bits()) << 64)
            | (u128::from(self.seq) << INDEX_BITS)
            | u128::from(index);
        self.seq += 1;
        let pos = self.heap.len();
        self.heap.push(key);
        self.sift_up(pos, key);
    }

    /// Places `key` at the hole `pos` or above it: parents with larger keys
    /// move down into the hole.
    #[inline]
    fn sift_up(&mut self, mut pos: usize, key: u128) {
        while pos > 0 {
            let parent = (pos - 1) / D;
            let p = self.heap[parent];
            if p <= key {
                break;
            }
            self.heap[pos] = p;
            pos = parent;
        }
        self.heap[pos] = key;
    }

    /// Removes and returns the earliest event with its time.
    #[inline]
    pub fn pop(&mut self) -> Option<(f64, E)> {
        let last = self.heap.pop()?;
        let top = match self.heap.first() {
            None => last,
            Some(&top) => {
                self.fill_root_hole(last);
                top
            }
        };
        let index = top as u32;
        self.free.push(index);
        Some((
            f64::from_bits((top >> 64) as u64),
            self.slab[index as usize],
        ))
    }

    /// The root is a hole: walks it down to a leaf, moving the smaller
    /// child up at each level, then places `last` there and lets it rise.
    #[inline]
    fn fill_root_hole(&mut self, last: u128) {
        let n = self.heap.len();
        let mut pos = 0;
        loop {
            let first = D * pos + 1;
            if first >= n {
                break;
            }
            let end = (first + D).min(n);
            let mut best = first;
            let mut best_key = self.heap[first];
            for c in first + 1..end {
                let k = self.heap[c];
                if k < best_key {
                    best = c;
                    best_key = k;
                }
            }
            self.heap[pos] = best_key;
            pos = best;
        }
        self.sift_up(pos, last);
    }

    /// Gives the pending events counters 0, 1, 2, ... in their order, so
    /// that counting goes on within 32 bits. The order of keys, hence of
    /// pops, is unchanged; a sorted array is a valid heap.
    #[cold]
    #[inline(never)]
    fn renumber(&mut self) {
        self.heap.sort_unstable();
        let low = (1u128 << INDEX_BITS) - 1;
        for (rank, key) in self.heap.iter_mut().enumerate() {
            let time = *key >> 64 << 64;
            *key = time | ((rank as u128) << INDEX_BITS) | (*key & low);
        }
        self.seq = self.heap.len() as u64;
    }

    /// Time of the earliest pending event, or infinity when empty.
    #[inline]
    pub fn peek_time(&self) -> f64 {
        self.heap
            .first()
            .map_or(f64::INFINITY, |&k| f64::from_bits((k >> 64) as u64))
    }

    /// Number of pending events.
    pub fn len(&self) -> usize {
        self.heap.len()
    }

    /// True when no event is pending.
    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }

    /// Removes every event and resets the insertion counter.
    pub fn clear(&mut self) {
        self.heap.clear();
        self.slab.clear();
        self.free.clear();
        self.seq = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Stream, stream};
    use rand::RngExt;

    #[test]
    fn pops_by_time_then_fifo() {
        let mut q = EventQueue::with_capacity(8);
        q.push(5.0, 'a');
        q.push(1.0, 'b');
        q.push(5.0, 'c');
        q.push(0.0, 'd');
        q.push(1.0, 'e');
        let order: Vec<char> = std::iter::from_fn(|| q.pop().map(|(_, e)| e)).collect();
        assert_eq!(order, vec!['d', 'b', 'e', 'a', 'c']);
    }

    /// Counting past the counter's bits renumbers the pending events and
    /// keeps their order: the same interleaved use with a limit of 8 and of
    /// 2^32 pops the same events at the same times (at most 6 pending, as
    /// pending events stay far below 2^32 in use).
    #[test]
    fn renumbering_keeps_the_order() {
        let mut rng = stream(5, 0, 0, Stream::Arrivals);
        let mut small = EventQueue::with_capacity(4);
        small.seq_limit = 8;
        let mut large = EventQueue::with_capacity(4);
        let mut now = 0.0f64;
        for id in 0..20_000u32 {
            if small.is_empty() || (small.len() < 6 && rng.random::<f64>() < 0.55) {
                let t = now + f64::from(rng.random_range(0..6u32));
                small.push(t, id);
                large.push(t, id);
            } else {
                let (a, b) = (small.pop().unwrap(), large.pop().unwrap());
                assert_eq!((a.0.to_bits(), a.1), (b.0.to_bits(), b.1));
                now = a.0;
            }
            assert!(small.seq <= 8);
        }
    }

    #[test]
    fn keeps_exact_times() {
        let mut q = EventQueue::with_capacity(1);
        q.push(1234.5678, ());
        assert_eq!(q.pop().unwrap().0, 1234.5678);
        assert!(q.is_empty());
    }

    /// Interleaved pushes and pops, with many equal times, leave in exactly
    /// the order of a sorted (time, insertion) list: the reference the
    /// standard binary heap gave before.
    #[test]
    fn matches_a_sorted_reference_under_random_use() {
        let mut rng = stream(11, 0, 0, Stream::Arrivals);
        let mut q = EventQueue::with_capacity(4);
        let mut reference: Vec<(u64, u64, u32)> = Vec::new();
        let (mut now, mut seq, mut id) = (0.0f64, 0u64, 0u32);
        for _ in 0..200_000 {
            let push = q.is_empty() || rng.random::<f64>() < 0.52;
            if push {
                // Times on a coarse grid, so that ties are common.
                let t = now + f64::from(rng.random_range(0..40u32)) * 0.5;
                q.push(t, id);
                reference.push((t.to_bits(), seq, id));
                seq += 1;
                id += 1;
            } else {
                let i = (0..reference.len())
                    .min_by_key(|&i| (reference[i].0, reference[i].1))
                    .unwrap();
                let (bits, _, want) = reference.swap_remove(i);
                let (t, got) = q.pop().unwrap();
                assert_eq!((t.to_bits(), got), (bits, want));
                now = t;
            }
            assert_eq!(q.len(), reference.len());
        }
    }
}
