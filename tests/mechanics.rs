//! Deterministic scenarios whose results can be worked out by hand, and
//! invariants of the engine.

use ccsim::stats::Kpi;

use crate::common::{run, scenario};

fn one_agent_det(handling_s: f64, extra_ct: &str, extra_group: &str) -> String {
    format!(
        r#"
[horizon]
start = 2025-01-06
days = 1
interval_minutes = 60

[run]
replications = 2
seed = 5

[[service]]
name = "s"
open = "08:00-09:00"
targets = {{ answered_within_s = 20 }}

[[call_type]]
name = "c"
service = "s"
arrivals = {{ per_hour = 60, process = "deterministic" }}
handling = {{ dist = "deterministic", mean_s = {handling_s} }}
{extra_ct}

[[agent_group]]
name = "g"
skills = ["c"]
{extra_group}
"#
    )
}

#[test]
fn deterministic_queue_gives_hand_computed_waits() {
    // Calls at 08:01, 08:02, ..., 08:59 (59 calls), each taking 90 s, one agent:
    // call i (0-based) waits 30 i seconds, so only the first is answered within
    // 20 s and the ASA is 30 * (0 + ... + 58) / 59 = 870 s.
    let s = run(&scenario(&one_agent_det(90.0, "", "agents = 1")));
    let k = &s.services[0].kpis;
    assert_eq!(k.get(Kpi::Offered).unwrap().mean, 59.0);
    assert_eq!(k.get(Kpi::Answered).unwrap().mean, 59.0);
    assert_eq!(k.get(Kpi::ServiceLevel).unwrap().mean, 1.0 / 59.0);
    assert!((k.get(Kpi::AsaS).unwrap().mean - 870.0).abs() < 1e-9);
    assert_eq!(k.get(Kpi::MeanHandlingS).unwrap().mean, 90.0);
    // The agent is busy 59 * 90 s; within the horizon's 08:00 interval it is
    // busy from 08:01 to 09:00 (3540 s) and the rest after 09:00, while
    // finishing the queue (the staffing of 1 agent lasts all day).
    let g = &s.agent_groups[0].kpis;
    assert!((g.get(Kpi::BusyAgentHours).unwrap().mean - 59.0 * 90.0 / 3600.0).abs() < 1e-9);
}

#[test]
fn an_agent_leaving_finishes_the_call_in_progress() {
    // One agent on duty 08:00-08:30 only (30-minute intervals). Calls every
    // 24 minutes from 08:00: one at 08:24 lasting 10 minutes, past the end of
    // the shift at 08:30. It is finished, with 4 minutes of overtime; the call
    // at 08:48 finds nobody and waits until the agent of 09:00.
    let text = one_agent_det(600.0, "", "agents = [1, 0, 1]\nfrom = \"08:00\"")
        .replace("interval_minutes = 60", "interval_minutes = 30")
        .replace("per_hour = 60", "per_hour = 2.5");
    let s = run(&scenario(&text));
    let k = &s.services[0].kpis;
    assert_eq!(k.get(Kpi::Offered).unwrap().mean, 2.0);
    assert_eq!(k.get(Kpi::Answered).unwrap().mean, 2.0);
    // Waits: 0 and 12 minutes.
    assert!((k.get(Kpi::AsaS).unwrap().mean - 360.0).abs() < 1e-9);
    let g = &s.agent_groups[0].kpis;
    assert!((g.get(Kpi::OvertimeAgentHours).unwrap().mean - 4.0 / 60.0).abs() < 1e-9);
    assert!((g.get(Kpi::ScheduledAgentHours).unwrap().mean - 1.0).abs() < 1e-9);
    assert!((g.get(Kpi::BusyAgentHours).unwrap().mean - 20.0 / 60.0).abs() < 1e-9);
}

#[test]
fn callers_waiting_at_closing_are_dropped_when_asked() {
    // Two calls a minute, one agent, 90 s each: the queue grows all hour. With
    // `at_close = "drop"`, whoever still waits at 09:00 is counted abandoned.
    let serve = run(&scenario(&one_agent_det(90.0, "", "agents = 1")));
    let text = one_agent_det(90.0, "", "agents = 1").replace(
        "open = \"08:00-09:00\"",
        "open = \"08:00-09:00\"\nat_close = \"drop\"",
    );
    let drop = run(&scenario(&text));
    let abandoned = drop.services[0].kpis.get(Kpi::Abandoned).unwrap().mean;
    let answered = drop.services[0].kpis.get(Kpi::Answered).unwrap().mean;
    // By 09:00 the agent has started calls at 08:01 + 90 s * j for j = 0..39
    // (the 40th starts at 08:59:30): 40 answered, 19 dropped.
    assert_eq!(answered, 40.0);
    assert_eq!(abandoned, 19.0);
    assert_eq!(
        serve.services[0].kpis.get(Kpi::Abandoned).unwrap().mean,
        0.0
    );
}

#[test]
fn every_offered_call_is_answered_or_abandoned() {
    let text = r#"
[horizon]
start = 2025-01-10
days = 3
interval_minutes = 15
[run]
replications = 6
seed = 11
[[service]]
name = "s"
open = { mon-fri = "08:00-18:00", sat = "08:00-13:00" }
[[call_type]]
name = "a"
service = "s"
arrivals = { per_hour = [100, 300, 300, 200], from = "08:00" }
handling = { dist = "lognormal", mean_s = 200, cv = 1.2 }
patience = { dist = "weibull", mean_s = 90, shape = 0.7 }
[[call_type]]
name = "b"
service = "s"
arrivals = { per_day = { mon-fri = 800, sat = 200 } }
handling = { dist = "gamma", mean_s = 300, cv = 0.6 }
patience = { dist = "lognormal", mean_s = 200, cv = 1.0 }
[[agent_group]]
name = "front"
skills = ["a", "b"]
agents = { mon-fri = [4, 4, 8, 8, 10, 10, 6, 6, 5], sat = 3 }
from = "07:30"
[[agent_group]]
name = "back"
skills = ["b"]
agents = 2
"#;
    let s = run(&scenario(text));
    for e in s.services.iter().chain(&s.call_types) {
        let get = |k: Kpi| e.kpis.get(k).unwrap().mean;
        assert!(get(Kpi::Offered) > 0.0);
        assert!(
            (get(Kpi::Offered) - get(Kpi::Answered) - get(Kpi::Abandoned)).abs() < 1e-9,
            "{}",
            e.name
        );
        for iv in &e.intervals {
            let g = |k: Kpi| iv.kpis.get(k).unwrap().mean;
            assert!((g(Kpi::Offered) - g(Kpi::Answered) - g(Kpi::Abandoned)).abs() < 1e-9);
            if let Some(a) = iv.kpis.get(Kpi::AsaS) {
                assert!(a.mean.is_nan() || a.mean >= 0.0);
            }
        }
    }
    // Friday and Saturday are in the horizon, Sunday has no calls (closed).
    let days: Vec<_> = s.services[0]
        .days
        .iter()
        .map(|d| d.kpis.get(Kpi::Offered).unwrap().mean)
        .collect();
    assert!(days[0] > 0.0 && days[1] > 0.0 && days[2] == 0.0);
    assert!(
        s.services[0]
            .intervals
            .iter()
            .filter(|iv| iv.weekday.short() == "sun")
            .all(|iv| iv.kpis.get(Kpi::Offered).unwrap().mean == 0.0)
    );
    // No call arrives before 08:00 or after closing.
    assert!(
        s.services[0]
            .intervals
            .iter()
            .all(|iv| iv.kpis.get(Kpi::Offered).unwrap().mean == 0.0
                || (iv.start.as_str() >= "08:00" && iv.start.as_str() < "18:00"))
    );
}

#[test]
fn per_day_volume_is_reproduced() {
    let text = r#"
[horizon]
start = 2025-01-06
days = 7
[run]
replications = 30
seed = 2
[[service]]
name = "s"
open = { mon-fri = "08:00-18:00" }
[[call_type]]
name = "a"
service = "s"
arrivals = { per_day = { mon = 3000, tue-fri = 2000 }, profile = [1, 2, 3, 3, 2, 2, 1, 1, 1, 1], from = "08:00" }
handling = { dist = "exponential", mean_s = 60 }
[[agent_group]]
name = "g"
skills = ["a"]
agents = 200
"#;
    let s = run(&scenario(text));
    let days = &s.services[0].days;
    let mon = days[0].kpis.get(Kpi::Offered).unwrap();
    let tue = days[1].kpis.get(Kpi::Offered).unwrap();
    assert!((mon.mean - 3000.0).abs() < mon.ci95 + 1.0, "{mon:?}");
    assert!((tue.mean - 2000.0).abs() < tue.ci95 + 1.0, "{tue:?}");
    // Profile weights are per 30-minute interval: Monday 08:00 gets 1/17 of the day.
    let first = s.services[0]
        .intervals
        .iter()
        .find(|iv| iv.weekday.short() == "mon" && iv.start == "08:00")
        .unwrap();
    let expected = 3000.0 * 1.0 / 17.0;
    let got = first.kpis.get(Kpi::Offered).unwrap();
    assert!(
        (got.mean - expected).abs() < got.ci95 + 1.0,
        "{got:?} vs {expected}"
    );
}

#[test]
fn same_seed_same_callers_across_staffing() {
    // Common random numbers: changing only the staffing leaves the offered
    // calls of every replication unchanged.
    let base = crate::common::SingleQueue {
        per_hour: 300.0,
        aht_s: 240.0,
        patience_s: Some(120.0),
        agents: 22,
        threshold_s: 20.0,
        days: 1,
        warmup_minutes: 0.0,
        replications: 10,
        seed: 9,
    }
    .toml();
    let more = base.replace("agents = 22", "agents = 25");
    let (a, b) = (run(&scenario(&base)), run(&scenario(&more)));
    let off = Kpi::Offered.index();
    let sl = Kpi::ServiceLevel.index();
    for (ra, rb) in a.per_replication[0].iter().zip(&b.per_replication[0]) {
        assert_eq!(ra[off], rb[off]);
        assert!(rb[sl] >= ra[sl] - 0.02);
    }
}

#[test]
fn trace_records_every_call_with_its_times() {
    let sc = scenario(&one_agent_det(90.0, "", "agents = 1"));
    let center = ccsim::model::Center::new(&sc);
    let mut rep = ccsim::model::sim::Replication::new(&center);
    rep.enable_trace();
    rep.run(1, 0);
    let trace = rep.trace().unwrap();
    assert_eq!(trace.len(), 59);
    for (i, r) in trace.iter().enumerate() {
        assert_eq!(r.outcome, ccsim::model::sim::Outcome::Answered);
        assert_eq!(r.arrival, 8.0 * 3600.0 + 60.0 * (i as f64 + 1.0));
        assert_eq!(r.answered.unwrap() - r.arrival, 30.0 * i as f64);
        assert_eq!(r.end - r.answered.unwrap(), 90.0);
        assert_eq!(r.caller, i as u32);
    }
}

/// Issue 14, row 4: 1,000 calls/h on one agent for two days, no patience.
/// The simulation stops at the documented drain limit (one day after the
/// horizon) instead of draining the queue for months: callers still waiting
/// then are reported as unfinished, and no wait exceeds three days.
#[test]
fn issue14_an_overloaded_queue_stops_at_the_drain_limit() {
    let text = crate::common::SingleQueue {
        per_hour: 1000.0,
        aht_s: 240.0,
        patience_s: None,
        agents: 1,
        threshold_s: 20.0,
        days: 2,
        warmup_minutes: 0.0,
        replications: 2,
        seed: 1,
    }
    .toml();
    let s = run(&scenario(&text));
    let k = |x: Kpi| s.services[0].kpis.get(x).expect("kpi").mean;
    let (offered, answered) = (k(Kpi::Offered), k(Kpi::Answered));
    // One agent answers about 3 days x 15 calls/h: about 1,080 of 48,000.
    assert!(answered < 1_300.0, "{answered}");
    assert_eq!(s.unfinished_calls.mean, offered - answered);
    assert!(k(Kpi::AsaS) < 3.0 * 86_400.0, "{}", k(Kpi::AsaS));
}
