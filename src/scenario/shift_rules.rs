//! `[shift_rules]`: the shifts a center may plan (lengths, starts, breaks,
//! split shifts, a part-time share), and the shift patterns those rules
//! allow on one day. `staff --shifts` builds its plan from these patterns
//! (`crate::optimize::shifts`); validation uses them to refuse rules that
//! can cover no open interval.
//!
//! A pattern never works in an interval where every service of the group
//! is closed: such an interval is either outside the shift, inside its
//! unpaid break (a break placed over a lunch closure), or the gap of a
//! split shift.

use serde::Serialize;

/// An allowed shift length.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ShiftLength {
    /// Name in outputs ("full-time", "part-time").
    pub kind: &'static str,
    /// Time from start to end, seconds (the break included).
    pub length_s: u32,
    /// Unpaid break, seconds (0: none).
    pub break_s: u32,
    /// Earliest break start after the shift start, seconds.
    pub break_from_s: u32,
    /// Latest break start after the shift start, seconds.
    pub break_to_s: u32,
}

/// The rules shift patterns follow (`[shift_rules]`, or today's defaults).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ShiftRules {
    /// Shifts start every this many seconds (from the start of the day's
    /// staffed window, or from the first allowed start).
    pub start_step_s: u32,
    /// Allowed lengths.
    pub lengths: Vec<ShiftLength>,
    /// First and last allowed start, seconds after midnight; `None`: any
    /// start within the day's staffed window.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub starts_s: Option<(u32, u32)>,
    /// A shift may stop at a closure (every service of the group closed)
    /// and resume when it ends; the closure is its unpaid break.
    pub split_shifts: bool,
    /// Largest share of the paid hours worked in part-time shifts (1: no limit).
    pub max_part_time_share: f64,
    /// Where the rules were written (`file:line` of `[shift_rules]`);
    /// `None`: the built-in defaults.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub origin: Option<String>,
}

/// Kind of a full-time shift.
pub const FULL_TIME: &str = "full-time";
/// Kind of a part-time shift.
pub const PART_TIME: &str = "part-time";

impl Default for ShiftRules {
    /// Starts every 30 minutes; full-time 8 h with a 30-minute unpaid break
    /// starting 3 to 5 hours in; full-time 6 h; part-time 4 h; no split
    /// shifts, no limit on part-time hours.
    fn default() -> Self {
        let plain = |kind, hours: u32| ShiftLength {
            kind,
            length_s: hours * 3600,
            break_s: 0,
            break_from_s: 0,
            break_to_s: 0,
        };
        ShiftRules {
            start_step_s: 1800,
            lengths: vec![
                ShiftLength {
                    break_s: 1800,
                    break_from_s: 3 * 3600,
                    break_to_s: 5 * 3600,
                    ..plain(FULL_TIME, 8)
                },
                plain(FULL_TIME, 6),
                plain(PART_TIME, 4),
            ],
            starts_s: None,
            split_shifts: false,
            max_part_time_share: 1.0,
            origin: None,
        }
    }
}

/// A shift pattern on one day, in intervals.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pattern {
    /// "full-time" or "part-time".
    pub kind: &'static str,
    /// First interval.
    pub start: usize,
    /// One past the last interval.
    pub end: usize,
    /// Unpaid break, or the closure of a split shift, as [from, to) in
    /// intervals (empty when from == to).
    pub brk: (usize, usize),
    /// The gap is a closure the shift is split around.
    pub split: bool,
    /// Paid hours of one such shift on one date.
    pub paid_hours: f64,
}

impl Pattern {
    /// Whether the shift works interval `i`.
    pub fn covers(&self, i: usize) -> bool {
        i >= self.start && i < self.end && !(i >= self.brk.0 && i < self.brk.1)
    }

    /// The intervals the shift works.
    pub fn worked(&self) -> impl Iterator<Item = usize> + '_ {
        (self.start..self.end).filter(|&i| self.covers(i))
    }
}

fn ceil_div(a: u32, b: u32) -> usize {
    a.div_ceil(b) as usize
}

impl ShiftRules {
    /// True for the built-in rules (no `[shift_rules]` table).
    pub fn is_default(&self) -> bool {
        self.origin.is_none()
    }

    /// The shift patterns these rules allow on one day with requirement
    /// `req` per interval, where `open[i]` says whether a service of the
    /// group is open during interval `i` (an interval with a requirement
    /// counts as open). Without `starts_s`, shifts lie within the staffed
    /// window (first to last interval with a requirement) and start every
    /// step from its first interval, at its end minus the length, and
    /// where a closure ends or (minus the length) begins.
    ///
    /// With the built-in rules, an open stretch of the window that no
    /// allowed shift fits in gets one part-time shift covering the
    /// requirement there (today's behaviour); with rules from the file it
    /// stays uncovered and the plan refuses it.
    pub fn patterns(&self, req: &[u32], open: &[bool], interval_s: u32) -> Vec<Pattern> {
        let (Some(f), Some(l)) = (
            req.iter().position(|&r| r > 0),
            req.iter().rposition(|&r| r > 0),
        ) else {
            return Vec::new();
        };
        let n = req.len();
        let usable = |i: usize| req[i] > 0 || open.get(i).copied().unwrap_or(false);
        let (lo, hi) = match self.starts_s {
            None => (f, l + 1),
            Some(_) => (0, n),
        };
        let step = ceil_div(self.start_step_s.max(1), interval_s).max(1);
        let ih = f64::from(interval_s) / 3600.0;
        let mut out: Vec<Pattern> = Vec::new();
        let add = |out: &mut Vec<Pattern>, kind, start, end, brk: (usize, usize), split| {
            let p = Pattern {
                kind,
                start,
                end,
                brk,
                split,
                paid_hours: (end - start - (brk.1 - brk.0)) as f64 * ih,
            };
            if !out.contains(&p) {
                out.push(p);
            }
        };
        for sl in &self.lengths {
            let len = ceil_div(sl.length_s, interval_s).max(1);
            if lo + len > hi {
                continue;
            }
            let mut starts: Vec<usize> = match self.starts_s {
                None => {
                    let mut v: Vec<usize> = (f..=hi - len).step_by(step).collect();
                    // So that the end of the window is always reachable.
                    v.push(hi - len);
                    // Shifts that start when a closure ends, or end when it begins.
                    for i in f + 1..hi {
                        if !usable(i - 1) && usable(i) && i + len <= hi {
                            v.push(i);
                        }
                        if usable(i - 1) && !usable(i) && i >= f + len {
                            v.push(i - len);
                        }
                    }
                    v
                }
                Some((a, b)) => {
                    let (a, b) = ((a / interval_s) as usize, (b / interval_s) as usize);
                    (a..=b.min(n)).step_by(step).collect()
                }
            };
            starts.sort_unstable();
            starts.dedup();
            let bl = if sl.break_s == 0 {
                0
            } else {
                ceil_div(sl.break_s, interval_s).max(1)
            };
            for s in starts {
                if s < lo || s + len > hi {
                    continue;
                }
                let works = |brk: (usize, usize)| {
                    (s..s + len).all(|i| (i >= brk.0 && i < brk.1) || usable(i))
                };
                if bl == 0 {
                    if works((s, s)) {
                        add(&mut out, sl.kind, s, s + len, (s, s), false);
                    }
                } else {
                    let from = (sl.break_from_s / interval_s) as usize;
                    let to = (sl.break_to_s / interval_s) as usize;
                    for b in from..=to.max(from) {
                        let brk = (s + b, s + b + bl);
                        if b + bl < len && works(brk) {
                            add(&mut out, sl.kind, s, s + len, brk, false);
                        }
                    }
                }
                if self.split_shifts {
                    // Work until the closure, resume when it ends, until
                    // the shift's paid time is worked; the closure is the break.
                    let work = len - bl;
                    let first = (s..hi).take_while(|&i| usable(i)).count();
                    if first == 0 || first >= work {
                        continue;
                    }
                    let gap = (s + first..hi).take_while(|&i| !usable(i)).count();
                    let back = s + first + gap;
                    let end = back + (work - first);
                    if gap >= bl.max(1) && end <= hi && (back..end).all(usable) {
                        add(&mut out, sl.kind, s, end, (s + first, back), true);
                    }
                }
            }
        }
        if self.is_default() {
            // An open stretch no allowed shift fits in: one shift covering
            // its requirement.
            let mut i = f;
            while i <= l {
                if req[i] == 0 || out.iter().any(|p| p.covers(i)) {
                    i += 1;
                    continue;
                }
                let (mut a, mut e) = (i, i + 1);
                while a > f && usable(a - 1) {
                    a -= 1;
                }
                while e <= l && usable(e) {
                    e += 1;
                }
                let a = (a..e).find(|&j| req[j] > 0).unwrap_or(a);
                let e = (a..e).rfind(|&j| req[j] > 0).map_or(e, |j| j + 1);
                add(&mut out, PART_TIME, a, e, (a, a), false);
                i = e;
            }
        }
        out
    }

    /// Makes every part-time shift `hours` long (`staff --part-time-hours`),
    /// adding one without a break when the rules have none.
    pub fn set_part_time_hours(&mut self, hours: f64) {
        let length_s = (hours * 3600.0).round() as u32;
        let mut any = false;
        for l in self.lengths.iter_mut().filter(|l| l.kind == PART_TIME) {
            l.length_s = length_s;
            any = true;
        }
        if !any {
            self.lengths.push(ShiftLength {
                kind: PART_TIME,
                length_s,
                break_s: 0,
                break_from_s: 0,
                break_to_s: 0,
            });
        }
    }

    /// The rules in a planner's words, for messages.
    pub fn describe(&self) -> String {
        let hours = |kind: &str| {
            let v: Vec<String> = self
                .lengths
                .iter()
                .filter(|l| l.kind == kind)
                .map(|l| format!("{}", f64::from(l.length_s) / 3600.0))
                .collect();
            format!("[{}]", v.join(", "))
        };
        format!(
            "full_time_hours = {}, part_time_hours = {}, split_shifts = {}",
            hours(FULL_TIME),
            hours(PART_TIME),
            self.split_shifts
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 08:00-13:00 and 14:00-17:00 in 30-minute intervals, one agent
    /// required in every open interval.
    fn lunch() -> (Vec<u32>, Vec<bool>) {
        let mut req = vec![0; 48];
        req[16..26].fill(1);
        req[28..34].fill(1);
        let open = req.iter().map(|&r| r > 0).collect();
        (req, open)
    }

    #[test]
    fn no_pattern_works_through_a_closure() {
        let (req, open) = lunch();
        for split in [false, true] {
            let rules = ShiftRules {
                split_shifts: split,
                ..ShiftRules::default()
            };
            let pats = rules.patterns(&req, &open, 1800);
            assert!(!pats.is_empty());
            for p in &pats {
                assert!(p.worked().all(|i| open[i]), "{p:?} works a closed interval");
            }
            // Every open interval can be covered.
            assert!(
                (0..48)
                    .filter(|&i| req[i] > 0)
                    .all(|i| pats.iter().any(|p| p.covers(i)))
            );
        }
    }

    #[test]
    fn split_shifts_take_the_closure_as_their_break() {
        let (req, open) = lunch();
        let rules = ShiftRules {
            split_shifts: true,
            ..ShiftRules::default()
        };
        let pats = rules.patterns(&req, &open, 1800);
        // 8 h with a 30-minute break = 7.5 h worked: 08:30-13:00 and
        // 14:00-17:00, the closure as the break.
        assert!(pats.contains(&Pattern {
            kind: FULL_TIME,
            start: 17,
            end: 34,
            brk: (26, 28),
            split: true,
            paid_hours: 7.5,
        }));
        // Without split shifts, no 8 h or 6 h shift fits in 5 or 3 open hours.
        let pats = ShiftRules::default().patterns(&req, &open, 1800);
        assert!(pats.iter().all(|p| p.end - p.start <= 10));
        // The default 3 h afternoon has no allowed shift: one shift of its own.
        assert!(pats.contains(&Pattern {
            kind: PART_TIME,
            start: 28,
            end: 34,
            brk: (28, 28),
            split: false,
            paid_hours: 3.0,
        }));
    }

    #[test]
    fn a_break_placed_over_the_closure() {
        let (req, open) = lunch();
        let rules = ShiftRules {
            lengths: vec![ShiftLength {
                kind: FULL_TIME,
                length_s: 9 * 3600,
                break_s: 3600,
                break_from_s: 3 * 3600,
                break_to_s: 5 * 3600,
            }],
            origin: Some("test".into()),
            ..ShiftRules::default()
        };
        let pats = rules.patterns(&req, &open, 1800);
        assert_eq!(pats.len(), 1, "{pats:?}");
        assert_eq!(
            (pats[0].start, pats[0].end, pats[0].brk),
            (16, 34, (26, 28))
        );
        assert_eq!(pats[0].paid_hours, 8.0);
    }

    #[test]
    fn explicit_starts_are_kept() {
        let mut req = vec![0; 48];
        req[16..40].fill(1);
        let open: Vec<bool> = req.iter().map(|&r| r > 0).collect();
        let rules = ShiftRules {
            starts_s: Some((8 * 3600, 10 * 3600)),
            start_step_s: 3600,
            origin: Some("test".into()),
            ..ShiftRules::default()
        };
        let pats = rules.patterns(&req, &open, 1800);
        let starts: Vec<usize> = pats.iter().map(|p| p.start).collect();
        assert!(
            starts.iter().all(|s| [16, 18, 20].contains(s)),
            "{starts:?}"
        );
        // 18:00-20:00 is reached by no start: left uncovered with file rules.
        assert!(!pats.iter().any(|p| p.covers(36)));
        assert!(pats.iter().any(|p| p.covers(35)));
    }
}
