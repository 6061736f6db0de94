//! Synthetic call logs and staffing tables from a scenario (`ccsim
//! gen-log`): the ground truth of the fit's tests and a demo input.

use std::fmt::Write as _;

use crate::calendar::format_clock;
use crate::model::Center;
use crate::model::sim::{CallRecord, Outcome, Replication};
use crate::scenario::Scenario;

use super::log::format_timestamp;

/// The call log of one replication: header
/// `arrival,call_type,answered,end,group,caller,outcome`, one row per call
/// in order of arrival, local timestamps from the horizon's first midnight.
pub fn call_log_csv(sc: &Scenario, seed: u64, replication: u32) -> String {
    call_log_of(sc, &traced_calls(sc, seed, replication))
}

/// The calls of one replication in order of arrival (trace mode).
pub fn traced_calls(sc: &Scenario, seed: u64, replication: u32) -> Vec<CallRecord> {
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
    calls
}

/// The call log of traced calls (see [`call_log_csv`]).
pub fn call_log_of(sc: &Scenario, calls: &[CallRecord]) -> String {
    let start = sc.horizon.start;
    let mut s = String::with_capacity(calls.len() * 110 + 64);
    s.push_str("arrival,call_type,answered,end,group,caller,outcome\n");
    for c in calls {
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

/// The interval report of traced calls, as an ACD exports it: header
/// `interval_start,call_type,offered,answered,abandoned,answered_within_Ns,aht,asa,ata,agents`,
/// one row per date, interval and call type with offered calls or agents.
/// Calls count in the interval of their arrival; `answered_within_Ns`
/// uses the call type's service threshold N; AHT, ASA and ATA are means
/// in seconds (empty without answered or abandoned calls); `agents` are the
/// scheduled agents (before shrinkage) of the groups serving the call type.
pub fn interval_report_of(sc: &Scenario, calls: &[CallRecord]) -> String {
    #[derive(Clone, Copy, Default)]
    struct Cell {
        offered: u32,
        answered: u32,
        abandoned: u32,
        within: u32,
        handling: f64,
        wait: f64,
        ab_wait: f64,
    }
    let h = &sc.horizon;
    let ipd = h.intervals_per_day();
    let isz = f64::from(h.interval_s);
    let n_ct = sc.call_types.len();
    let days = h.days as usize;
    let mut cells = vec![Cell::default(); days * ipd * n_ct];
    let thr: Vec<f64> = sc
        .call_types
        .iter()
        .map(|c| sc.services[c.service].targets.answered_within_s)
        .collect();
    for c in calls {
        let slot = (c.arrival / isz).floor();
        if slot < 0.0 || slot as usize >= days * ipd {
            continue;
        }
        let ct = usize::from(c.call_type);
        let x = &mut cells[slot as usize * n_ct + ct];
        x.offered += 1;
        match c.answered {
            Some(a) => {
                x.answered += 1;
                x.handling += c.end - a;
                x.wait += a - c.arrival;
                if a - c.arrival <= thr[ct] {
                    x.within += 1;
                }
            }
            None => {
                x.abandoned += 1;
                x.ab_wait += c.end - c.arrival;
            }
        }
    }
    // One threshold in the header: the first call type's (one per report).
    let t0 = thr.first().copied().unwrap_or(20.0);
    let mut s = format!(
        "interval_start,call_type,offered,answered,abandoned,answered_within_{}s,aht,asa,ata,agents\n",
        t0
    );
    let avg = |sum: f64, n: u32| {
        if n > 0 {
            format!("{:.3}", sum / f64::from(n))
        } else {
            String::new()
        }
    };
    for d in 0..days {
        let w = h.weekday(d).index();
        for k in 0..ipd {
            for (ct, cty) in sc.call_types.iter().enumerate() {
                let x = cells[(d * ipd + k) * n_ct + ct];
                let agents: u32 = sc
                    .groups
                    .iter()
                    .filter(|g| g.skills.contains(&ct))
                    .map(|g| g.staffing[w].get(k).copied().unwrap_or(0))
                    .sum();
                if x.offered == 0 && agents == 0 {
                    continue;
                }
                let _ = writeln!(
                    s,
                    "{}T{},{},{},{},{},{},{},{},{},{}",
                    h.date(d),
                    format_clock(k as u32 * h.interval_s),
                    csv_field(&cty.name),
                    x.offered,
                    x.answered,
                    x.abandoned,
                    x.within,
                    avg(x.handling, x.answered),
                    avg(x.wait, x.answered),
                    avg(x.ab_wait, x.abandoned),
                    agents
                );
            }
        }
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
