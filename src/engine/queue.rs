//! A priority queue of timed events, ordered by `(time, insertion order)`.
//!
//! Times are non-negative finite `f64` seconds (validation guarantees it), so
//! their IEEE-754 bit patterns order like the numbers. The bits and an
//! insertion counter are packed into one `u128` key: one integer comparison
//! per heap step, and events at equal times leave in FIFO order, which keeps
//! runs reproducible.

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;

struct Entry<E> {
    key: u128,
    event: E,
}

impl<E> PartialEq for Entry<E> {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}
impl<E> Eq for Entry<E> {}
impl<E> PartialOrd for Entry<E> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl<E> Ord for Entry<E> {
    fn cmp(&self, other: &Self) -> Ordering {
        self.key.cmp(&other.key)
    }
}

/// Min-queue of events by time, FIFO among equal times.
pub struct EventQueue<E> {
    heap: BinaryHeap<Reverse<Entry<E>>>,
    seq: u64,
}

impl<E> EventQueue<E> {
    /// An empty queue with room for `capacity` events.
    pub fn with_capacity(capacity: usize) -> Self {
        EventQueue {
            heap: BinaryHeap::with_capacity(capacity),
            seq: 0,
        }
    }

    /// Schedules `event` at `time` (seconds, finite and >= 0).
    #[inline]
    pub fn push(&mut self, time: f64, event: E) {
        debug_assert!(time.is_finite() && time >= 0.0, "bad event time {time}");
        let key = (u128::from(time.to_bits()) << 64) | u128::from(self.seq);
        self.seq += 1;
        self.heap.push(Reverse(Entry { key, event }));
    }

    /// Removes and returns the earliest event with its time.
    #[inline]
    pub fn pop(&mut self) -> Option<(f64, E)> {
        self.heap
            .pop()
            .map(|Reverse(e)| (f64::from_bits((e.key >> 64) as u64), e.event))
    }

    /// Time of the earliest pending event, or infinity when empty.
    #[inline]
    pub fn peek_time(&self) -> f64 {
        self.heap.peek().map_or(f64::INFINITY, |Reverse(e)| {
            f64::from_bits((e.key >> 64) as u64)
        })
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
}
