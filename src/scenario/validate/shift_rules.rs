//! `[shift_rules]`: lengths, starts, breaks, split shifts and the part-time
//! share, each checked against the interval length; then, on the validated
//! scenario, rules that can cover no open interval of a weekday are refused.

use super::Validator;
use crate::calendar::{Weekday, format_clock, parse_clock};
use crate::cost::PaidDays;
use crate::scenario::Scenario;
use crate::scenario::raw::RawShiftRules;
use crate::scenario::shift_rules::{FULL_TIME, PART_TIME, ShiftLength, ShiftRules};

/// Longest shift, hours.
const MAX_SHIFT_HOURS: f64 = 24.0;

fn list(v: &[f64]) -> String {
    let s: Vec<String> = v.iter().map(f64::to_string).collect();
    format!("[{}]", s.join(", "))
}

/// The `[shift_rules]` table, or the built-in rules when it is absent.
pub(super) fn validate_shift_rules(
    v: &mut Validator<'_>,
    r: Option<&RawShiftRules>,
    file: &str,
    interval_s: u32,
) -> ShiftRules {
    let d = ShiftRules::default();
    let Some(r) = r else {
        return d;
    };
    let im = f64::from(interval_s) / 60.0;
    // A duration in minutes that is a whole number of intervals (> 0 unless `zero`).
    let intervals = |v: &mut Validator<'_>, path: &str, shown: String, minutes: f64, zero: bool| {
        if !minutes.is_finite() || minutes < 0.0 || (!zero && minutes == 0.0) {
            v.err(
                path,
                shown,
                if zero { "must be >= 0" } else { "must be > 0" },
            );
            None
        } else if minutes > MAX_SHIFT_HOURS * 60.0 {
            v.err(
                path,
                shown,
                format!("must be at most {MAX_SHIFT_HOURS} hours"),
            );
            None
        } else if (minutes / im).fract() != 0.0 {
            v.err(
                path,
                shown,
                format!(
                    "must be a whole number of intervals ({im} minutes, horizon.interval_minutes)"
                ),
            );
            None
        } else {
            Some((minutes * 60.0).round() as u32)
        }
    };
    let mut lengths = Vec::new();
    for (key, kind, default) in [
        ("full_time_hours", FULL_TIME, vec![8.0, 6.0]),
        ("part_time_hours", PART_TIME, vec![4.0]),
    ] {
        let raw = match key {
            "full_time_hours" => r.full_time_hours.as_ref(),
            _ => r.part_time_hours.as_ref(),
        };
        let hours = raw.cloned().unwrap_or(default);
        for (i, &h) in hours.iter().enumerate() {
            let path = format!("shift_rules.{key}[{i}]");
            if let Some(s) = intervals(v, &path, h.to_string(), h * 60.0, false) {
                lengths.push((kind, s));
            }
        }
    }
    let full = r.full_time_hours.clone().unwrap_or(vec![8.0, 6.0]);
    let part = r.part_time_hours.clone().unwrap_or(vec![4.0]);
    if full.is_empty() && part.is_empty() {
        v.err(
            "shift_rules.full_time_hours",
            "[]",
            "at least one shift length is needed (full_time_hours or part_time_hours)",
        );
    }
    let start_step_s = r.start_step_minutes.map_or(Some(d.start_step_s), |m| {
        intervals(v, "shift_rules.start_step_minutes", m.to_string(), m, false)
    });
    let starts_s = r.starts.as_ref().and_then(|s| {
        let parsed = s
            .split_once('-')
            .and_then(|(a, b)| Some((parse_clock(a)?, parse_clock(b)?)))
            .filter(|&(a, b)| a <= b && b < 86_400);
        match parsed {
            Some((a, b)) if a % interval_s == 0 && b % interval_s == 0 => Some((a, b)),
            Some(_) => {
                v.err(
                    "shift_rules.starts",
                    format!("{s:?}"),
                    format!("first and last start must lie on interval boundaries ({im} minutes)"),
                );
                None
            }
            None => {
                v.err(
                    "shift_rules.starts",
                    format!("{s:?}"),
                    "must be the first and last allowed start, \"HH:MM-HH:MM\" (e.g. \"07:00-14:00\"), before 24:00",
                );
                None
            }
        }
    });
    let break_s = r.break_minutes.map_or(Some(1800), |m| {
        intervals(v, "shift_rules.break_minutes", m.to_string(), m, true)
    });
    let over_h = r.break_if_longer_than_hours.unwrap_or(6.0);
    if !over_h.is_finite() || over_h < 0.0 {
        v.err(
            "shift_rules.break_if_longer_than_hours",
            over_h,
            "must be a number of hours >= 0",
        );
    }
    let window = r.break_window_hours.clone().unwrap_or(vec![3.0, 5.0]);
    let break_window = match window.as_slice() {
        &[a, b] if a.is_finite() && b.is_finite() && 0.0 <= a && a <= b => {
            let ok = |x: f64| (x * 3600.0 / f64::from(interval_s)).fract() == 0.0;
            if ok(a) && ok(b) {
                Some(((a * 3600.0) as u32, (b * 3600.0) as u32))
            } else {
                v.err(
                    "shift_rules.break_window_hours",
                    list(&window),
                    format!("must lie on interval boundaries ({im} minutes)"),
                );
                None
            }
        }
        _ => {
            v.err(
                "shift_rules.break_window_hours",
                list(&window),
                "must be [earliest, latest] hours after the shift start at which the break starts, 0 <= earliest <= latest",
            );
            None
        }
    };
    let share = r.max_part_time_share.unwrap_or(1.0);
    let share = v
        .prob("shift_rules.max_part_time_share", share)
        .unwrap_or(1.0);
    if share < 1.0 && full.is_empty() {
        v.err(
            "shift_rules.max_part_time_share",
            share,
            "limits part-time hours, but full_time_hours is empty: no shift could be planned",
        );
    }
    let (Some(start_step_s), Some(break_s), Some((bf, bt))) = (start_step_s, break_s, break_window)
    else {
        return d;
    };
    let mut out = Vec::new();
    for (kind, length_s) in lengths {
        let takes_break = break_s > 0 && f64::from(length_s) > over_h * 3600.0;
        if takes_break {
            let hours = f64::from(length_s) / 3600.0;
            if break_s >= length_s {
                v.err(
                    "shift_rules.break_minutes",
                    f64::from(break_s) / 60.0,
                    format!("is as long as or longer than the {hours} h shift that takes it"),
                );
            } else if bf + break_s >= length_s {
                v.err(
                    "shift_rules.break_window_hours",
                    list(&window),
                    format!(
                        "a {} minute break starting {} h in does not end before the {hours} h shift does",
                        break_s / 60,
                        f64::from(bf) / 3600.0
                    ),
                );
            }
        }
        out.push(ShiftLength {
            kind,
            length_s,
            break_s: if takes_break { break_s } else { 0 },
            break_from_s: if takes_break { bf } else { 0 },
            break_to_s: if takes_break { bt } else { 0 },
        });
    }
    let (f, line) = v.loc.find("shift_rules");
    let f = f.unwrap_or_else(|| file.to_string());
    ShiftRules {
        start_step_s,
        lengths: out,
        starts_s,
        split_shifts: r.split_shifts.unwrap_or(false),
        max_part_time_share: share,
        origin: Some(line.map_or(f.clone(), |l| format!("{f}:{l}"))),
    }
}

/// Rules from the file that allow no shift on a weekday where a service of
/// a group is open (on some date of the horizon): refused, naming the
/// field that excludes them.
pub(super) fn check_coverage(v: &mut Validator<'_>, r: Option<&RawShiftRules>, sc: &Scenario) {
    let rules = &sc.shift_rules;
    let Some(r) = r else {
        return;
    };
    let is = sc.horizon.interval_s;
    for g in 0..sc.groups.len() {
        let paid = PaidDays::of_group(sc, g);
        for w in 0..7 {
            let open: Vec<bool> = (0..sc.horizon.intervals_per_day())
                .map(|i| paid.is_paid(w, i))
                .collect();
            let req: Vec<u32> = open.iter().map(|&o| u32::from(o)).collect();
            if !open.iter().any(|&o| o) || !rules.patterns(&req, &open, is).is_empty() {
                continue;
            }
            let hours = stretches(&open, is);
            let day = Weekday::from_index(w).short();
            let group = &sc.groups[g].name;
            if let (Some(s), Some((a, b))) = (&r.starts, rules.starts_s) {
                let starts_open = (a / is..=b / is).any(|i| open.get(i as usize) == Some(&true));
                if !starts_open {
                    v.err(
                        "shift_rules.starts",
                        format!("{s:?}"),
                        format!(
                            "no shift can start while a service of group {group:?} is open on {day} ({hours})"
                        ),
                    );
                    return;
                }
            }
            let (path, value) = if r.full_time_hours.as_ref().is_none_or(|f| !f.is_empty()) {
                (
                    "shift_rules.full_time_hours",
                    list(&r.full_time_hours.clone().unwrap_or(vec![8.0, 6.0])),
                )
            } else {
                (
                    "shift_rules.part_time_hours",
                    list(&r.part_time_hours.clone().unwrap_or(vec![4.0])),
                )
            };
            v.err(
                path,
                value,
                format!(
                    "these rules ({}) allow no shift in the opening hours of group {group:?} on {day} ({hours}): no shift works only open hours{}",
                    rules.describe(),
                    if rules.split_shifts {
                        ""
                    } else {
                        "; a shorter shift, split_shifts = true or a break over the closure would"
                    }
                ),
            );
            return;
        }
    }
}

/// Open stretches of a day as "08:00-13:00, 14:00-17:00".
fn stretches(open: &[bool], interval_s: u32) -> String {
    let mut out = Vec::new();
    let mut i = 0;
    while i < open.len() {
        if !open[i] {
            i += 1;
            continue;
        }
        let a = i;
        while i < open.len() && open[i] {
            i += 1;
        }
        out.push(format!(
            "{}-{}",
            format_clock(a as u32 * interval_s),
            format_clock(i as u32 * interval_s)
        ));
    }
    out.join(", ")
}
