//! `[horizon]` and `[run]`.

use super::{Validator, limits};
use crate::scenario::raw::RawScenario;
use crate::scenario::{Horizon, RunSettings};

pub(super) fn validate_horizon(v: &mut Validator<'_>, raw: &RawScenario) -> Option<Horizon> {
    let h = &raw.horizon;
    let start = v.date("horizon.start", &h.start);
    let days = match (h.days, &h.end) {
        (Some(_), Some(_)) => {
            v.err("horizon.end", "", "give either `days` or `end`, not both");
            None
        }
        (Some(d), None) => v.whole("horizon.days", d, 1.0, limits::MAX_DAYS),
        (None, Some(e)) => {
            let end = v.date("horizon.end", e);
            match (start, end) {
                (Some(s), Some(e)) if e >= s && e.days_since(s) < limits::MAX_DAYS as i64 => {
                    Some(e.days_since(s) as u32 + 1)
                }
                (Some(s), Some(e)) if e < s => {
                    v.err("horizon.end", e, format!("is before horizon.start {s}"));
                    None
                }
                (Some(_), Some(e)) => {
                    v.err(
                        "horizon.end",
                        e,
                        format!("the horizon may have at most {} days", limits::MAX_DAYS),
                    );
                    None
                }
                _ => None,
            }
        }
        (None, None) => Some(1),
    };
    let minutes = h.interval_minutes.unwrap_or(30.0);
    let interval = v
        .whole("horizon.interval_minutes", minutes, 1.0, 1440.0)
        .and_then(|m| {
            if 1440 % m != 0 {
                v.err(
                    "horizon.interval_minutes",
                    minutes,
                    "must divide a day (1440 minutes): e.g. 15, 30 or 60",
                );
                None
            } else {
                Some(m * 60)
            }
        });
    let mut holidays = Vec::new();
    for (i, d) in h.holidays.iter().flatten().enumerate() {
        if let Some(d) = v.date(&format!("horizon.holidays[{i}]"), d) {
            holidays.push(d);
        }
    }
    Some(Horizon {
        start: start?,
        days: days?,
        interval_s: interval?,
        holidays,
    })
}

pub(super) fn validate_run(v: &mut Validator<'_>, raw: &RawScenario) -> Option<RunSettings> {
    let r = &raw.run;
    let replications = v.whole(
        "run.replications",
        r.replications.unwrap_or(100.0),
        1.0,
        limits::MAX_REPLICATIONS,
    );
    let seed = match r.seed {
        None => Some(1),
        Some(s)
            if s.is_finite() && s >= 0.0 && s.fract() == 0.0 && s <= 9.007_199_254_740_992e15 =>
        {
            Some(s as u64)
        }
        Some(s) => {
            v.err("run.seed", s, "must be a whole number from 0 to 2^53");
            None
        }
    };
    let warmup = v.num(
        "run.warmup_minutes",
        r.warmup_minutes.unwrap_or(0.0),
        0.0,
        limits::MAX_DAYS * 1440.0,
    );
    Some(RunSettings {
        replications: replications?,
        seed: seed?,
        warmup_s: warmup? * 60.0,
    })
}
