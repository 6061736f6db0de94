//! Synthetic call logs and staffing tables from a scenario (`ccsim
//! gen-log`): the ground truth of the fit's tests and a demo input.

use std::fmt::Write as _;

use crate::calendar::format_clock;
use crate::model::Center;
use crate::model::sim::{Outcome, Replication};
use crate::scenario::Scenario;

use super::log::format_timestamp;

/// The call log of one replication: header
/// `arrival,call_type,answered,end,group,caller,outcome`, one row per call
/// in order of arrival, local timestamps from the horizon's first midnight.
pub fn call_log_csv(sc: &Scenario, seed: u64, replication: u32) -> String {
    let center = Center::new(sc);
    let mut rep = Replication::new(&center);
    rep.enable_trace();
    rep.run(seed, replication);
    let mut calls: Vec<_> = rep.trace().map(<[_]>::to_vec).unwrap_or_default();
    calls.sort_by(|a, b| {
        a.arrival
            .total_cmp(&b.arrival)
            .then(a.caller.cmp(&b.caller))
    });
    let start = sc.horizon.start;
    let mut s = String::with_capacity(calls.len() * 110 + 64);
    s.push_str("arrival,call_type,answered,end,group,caller,outcome\n");
    for c in &calls {
        let ct = &sc.call_types[usize::from(c.call_type)].name;
        let group = c
            .group
            .map(|g| sc.groups[usize::from(g)].name.as_str())
            .unwrap_or("");
        let answered = c
            .answered
            .map(|a| format_timestamp(start, a))
            .unwrap_or_default();
        let outcome = match c.outcome {
            Outcome::Answered => "answered",
            Outcome::Abandoned => "abandoned",
        };
        let _ = writeln!(
            s,
            "{},{},{},{},{},c{},{}",
            format_timestamp(start, c.arrival),
            csv_field(ct),
            answered,
            format_timestamp(start, c.end),
            csv_field(group),
            c.caller,
            outcome
        );
    }
    s
}

/// The staffing table of a scenario: header `date,interval_start,group,agents`,
/// one row per day, interval and agent group.
pub fn staffing_csv(sc: &Scenario) -> String {
    let h = &sc.horizon;
    let ipd = h.intervals_per_day();
    let mut s = String::from("date,interval_start,group,agents\n");
    for d in 0..h.days as usize {
        let w = h.weekday(d).index();
        for k in 0..ipd {
            for g in &sc.groups {
                let _ = writeln!(
                    s,
                    "{},{},{},{}",
                    h.date(d),
                    format_clock(k as u32 * h.interval_s),
                    csv_field(&g.name),
                    g.staffing[w].get(k).copied().unwrap_or(0)
                );
            }
        }
    }
    s
}

pub(crate) fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}
