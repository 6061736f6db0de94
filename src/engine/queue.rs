//! A priority queue of timed events, ordered by `(time, insertion order)`.
//!
//! Times are non-negative finite `f64` seconds (validation guarantees it), so
//! their IEEE-754 bit patterns order like the numbers. The bits and an
//! insertion counter are packed into one `u128` key: one integer comparison
//! per step, and events at equal times leave in FIFO order, which keeps runs
//! reproducible.
//!
//! The queue is an implicit 4-ary min-heap. A replication's heap is small
//! (one pending end per busy agent, one abandonment per waiting caller) and
//! mostly popped: four children per node halve the depth of a binary heap,
//! and a pop walks the hole down to a leaf along the smallest children, then
//! sifts the last element up from there (it rarely moves), the same
//! "bottom-up" order of work as the standard library's binary heap. Keys are
//! unique (the counter), so the order of pops is exactly the order of keys,
//! whatever the heap's shape: replacing the heap changes no result. Events
//! are small `Copy` values, moved into holes rather than swapped.

/// One pending event.
#[derive(Clone, Copy)]
struct Entry<E> {
    key: u128,
    event: E,
}

/// Children per node.
const D: usize = 4;

/// Min-queue of events by time, FIFO among equal times.
pub struct EventQueue<E> {
    heap: Vec<Entry<E>>,
    seq: u64,
}

impl<E: Copy> EventQueue<E> {
    /// An empty queue with room for `capacity` events.
    pub fn with_capacity(capacity: usize) -> Self {
        EventQueue {
            heap: Vec::with_capacity(capacity),
            seq: 0,
        }
    }

    /// Schedules `event` at `time` (seconds, finite and >= 0).
    #[inline]
    pub fn push(&mut self, time: f64, event: E) {
        debug_assert!(time.is_finite() && time >= 0.0, "bad event time {time}");
        let key = (u128::from(time.to_bits()) << 64) | u128::from(self.seq);
        self.seq += 1;
        let entry = Entry { key, event };
        let pos = self.heap.len();
        self.heap.push(entry);
        self.sift_up(pos, entry);
    }

    /// Places `entry` at the hole `pos` or above it: parents with larger
    /// keys move down into the hole.
    #[inline]
    fn sift_up(&mut self, mut pos: usize, entry: Entry<E>) {
        while pos > 0 {
            let parent = (pos - 1) / D;
            let p = self.heap[parent];
            if p.key <= entry.key {
                break;
            }
            self.heap[pos] = p;
            pos = parent;
        }
        self.heap[pos] = entry;
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
        Some((f64::from_bits((top.key >> 64) as u64), top.event))
    }

    /// The root is a hole: walks it down to a leaf, moving the smallest
    /// child up at each level, then places `last` there and lets it rise.
    #[inline]
    fn fill_root_hole(&mut self, last: Entry<E>) {
        let n = self.heap.len();
        let mut pos = 0;
        loop {
            let first = D * pos + 1;
            if first >= n {
                break;
            }
            let end = (first + D).min(n);
            let mut best = first;
            let mut best_key = self.heap[first].key;
            for c in first + 1..end {
                let k = self.heap[c].key;
                if k < best_key {
                    best = c;
                    best_key = k;
                }
            }
            self.heap[pos] = self.heap[best];
            pos = best;
        }
        self.sift_up(pos, last);
    }

    /// Time of the earliest pending event, or infinity when empty.
    #[inline]
    pub fn peek_time(&self) -> f64 {
        self.heap
            .first()
            .map_or(f64::INFINITY, |e| f64::from_bits((e.key >> 64) as u64))
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
