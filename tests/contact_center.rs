//! Contact Center mechanisms: deferred channels blended into idle time,
//! second level on the working-hours clock, outbound packs, cross-training.

use ccsim::model::Center;
use ccsim::model::sim::{Outcome, Replication};
use ccsim::stats::{Estimate, Kpi, Summary};

use crate::common::{run, scenario};

fn get(s: &Summary, ct: usize, kpi: Kpi) -> Estimate {
    s.call_types[ct]
        .kpis
        .get(kpi)
        .unwrap_or_else(|| panic!("{}", kpi.name()))
}

fn blended(calls_per_hour: f64, extra: &str) -> String {
    format!(
        r#"
[horizon]
start = 2025-01-07
days = 2
[run]
replications = 20
seed = 4
[[service]]
name = "cc"
open = "08:00-18:00"
[[call_type]]
name = "calls"
service = "cc"
arrivals = {{ per_hour = {calls_per_hour} }}
handling = {{ dist = "exponential", mean_s = 300 }}
patience = {{ dist = "exponential", mean_s = 200 }}
[[call_type]]
name = "email"
service = "cc"
channel = "email"
arrivals = {{ per_day = 60 }}
handling = {{ dist = "exponential", mean_s = 400 }}
target = {{ within_working_hours = 9, share = 1.0 }}
{extra}
[[agent_group]]
name = "front"
skills = ["email", "calls"]
agents = 10
"#
    )
}

#[test]
fn emails_are_worked_only_when_no_call_waits() {
    // The group lists e-mail first, yet calls go first: deferred channels
    // fill idle time. Checked on the trace: when an agent starts an e-mail,
    // no call is waiting.
    let sc = scenario(&blended(100.0, ""));
    let center = Center::new(&sc);
    let mut rep = Replication::new(&center);
    rep.enable_trace();
    rep.run(4, 0);
    let trace = rep.trace().unwrap();
    let calls: Vec<_> = trace.iter().filter(|r| r.call_type == 0).collect();
    let mut emails = 0;
    for e in trace.iter().filter(|r| r.call_type == 1) {
        let start = e.answered.expect("e-mails never abandon");
        emails += 1;
        let waiting = calls.iter().any(|c| {
            c.arrival < start
                && (c.answered.is_some_and(|a| a > start)
                    || (c.outcome == Outcome::Abandoned && c.end > start))
        });
        assert!(!waiting, "an e-mail started at {start} while a call waited");
    }
    assert!(emails > 50);
    // E-mails have a working-hours target: reported per call type and in the
    // service's compliance table.
    let s = run(&sc);
    assert!(get(&s, 1, Kpi::DoneWithinTarget).mean > 0.9);
    assert!(
        s.services[0]
            .compliance
            .iter()
            .any(|c| c.indicator == "email within 9 working hours")
    );
}

#[test]
fn working_hours_clock_skips_the_night() {
    // A case opened at 17:50 with an 18:00 closing and a 4-hour target: the
    // 10 minutes of the first day count, the night does not.
    let sc = scenario(&blended(10.0, ""));
    let c = Center::new(&sc);
    let svc = &c.services[0];
    let t = |d: f64, h: f64, m: f64| d * 86_400.0 + h * 3600.0 + m * 60.0;
    assert_eq!(
        svc.working_seconds(t(0.0, 17.0, 50.0), t(1.0, 9.0, 0.0)),
        600.0 + 3600.0
    );
    assert_eq!(
        svc.working_seconds(t(0.0, 17.0, 50.0), t(0.0, 23.0, 0.0)),
        600.0
    );
    assert_eq!(
        svc.working_seconds(t(0.0, 7.0, 0.0), t(0.0, 8.0, 30.0)),
        1800.0
    );
}

fn second_level(back_office_hours: &str) -> String {
    format!(
        r#"
[horizon]
start = 2025-01-07
days = 3
[run]
replications = 10
seed = 6
[[service]]
name = "cc"
open = "08:00-18:00"
[[call_type]]
name = "calls"
service = "cc"
arrivals = {{ per_hour = 60 }}
handling = {{ dist = "exponential", mean_s = 240 }}
first_contact_resolution = 0.8
escalate_to = "case"
[[call_type]]
name = "case"
service = "cc"
channel = "case"
handling = {{ dist = "exponential", mean_s = 900 }}
target = {{ within_working_hours = 4 }}
[[agent_group]]
name = "front"
skills = ["calls"]
agents = 8
[[agent_group]]
name = "back"
skills = ["case"]
agents = 3
from = "{back_office_hours}"
"#
    )
}

#[test]
fn unresolved_calls_become_second_level_cases() {
    let s = run(&scenario(&second_level("00:00")));
    let escalated = get(&s, 0, Kpi::Escalated);
    let answered = get(&s, 0, Kpi::Answered);
    let cases = get(&s, 1, Kpi::Offered);
    assert!((escalated.mean / answered.mean - 0.2).abs() < 0.02);
    // Cases are counted where they arrive; those of the last evening may
    // fall after the horizon.
    assert!(
        (cases.mean - escalated.mean).abs() < 0.03 * escalated.mean,
        "{cases:?} {escalated:?}"
    );
    assert!(get(&s, 1, Kpi::DoneWithinTarget).mean > 0.9);
    // A back office that only works from 12:00 misses the 4-hour target for
    // the morning's cases.
    let late = run(&scenario(&second_level("12:00").replace(
        "agents = 3\nfrom",
        "agents = [3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3]\nfrom",
    )));
    assert!(
        get(&late, 1, Kpi::DoneWithinTarget).mean < get(&s, 1, Kpi::DoneWithinTarget).mean - 0.1
    );
}

fn packs(calls_per_hour: f64) -> String {
    format!(
        r#"
[horizon]
start = 2025-01-07
days = 3
[run]
replications = 10
seed = 9
[[service]]
name = "cc"
open = "08:00-18:00"
[[call_type]]
name = "calls"
service = "cc"
arrivals = {{ per_hour = {calls_per_hour} }}
handling = {{ dist = "exponential", mean_s = 240 }}
patience = {{ dist = "exponential", mean_s = 300 }}
[[call_type]]
name = "outbound"
service = "cc"
channel = "outbound"
packs = [{{ at = "09:00", size = 100 }}]
handling = {{ dist = "exponential", mean_s = 120 }}
target = {{ within_working_hours = 1 }}
[[agent_group]]
name = "g"
skills = ["calls", "outbound"]
agents = 10
"#
    )
}

#[test]
fn a_packs_completion_grows_with_the_call_load() {
    // 100 contacts of 2 minutes = 200 agent-minutes: about 20 minutes for 10
    // idle agents, far more than the 1-hour target when calls keep them busy.
    let light = run(&scenario(&packs(20.0)));
    let heavy = run(&scenario(&packs(170.0)));
    let l = get(&light, 1, Kpi::PacksWithinTarget);
    let h = get(&heavy, 1, Kpi::PacksWithinTarget);
    assert_eq!(l.mean, 1.0);
    assert!(h.mean < 0.5, "{h:?}");
    assert_eq!(get(&light, 1, Kpi::Offered).mean, 300.0);
    assert!(
        light.services[0]
            .compliance
            .iter()
            .any(|c| c.indicator == "outbound packs within 1 working hour")
    );
}

fn cross(front_skills: &str) -> String {
    format!(
        r#"
[horizon]
start = 2025-01-07
days = 2
[run]
replications = 10
seed = 12
[[service]]
name = "cc"
open = "08:00-18:00"
[[call_type]]
name = "general"
service = "cc"
arrivals = {{ per_hour = 80 }}
handling = {{ dist = "exponential", mean_s = 240 }}
patience = {{ dist = "exponential", mean_s = 300 }}
[[call_type]]
name = "technical"
service = "cc"
arrivals = {{ per_hour = 30 }}
handling = {{ dist = "exponential", mean_s = 600 }}
patience = {{ dist = "exponential", mean_s = 300 }}
[[agent_group]]
name = "front"
skills = {front_skills}
agents = 9
[[agent_group]]
name = "back"
skills = ["technical"]
agents = 4
"#
    )
}

#[test]
fn cross_training_lowers_the_waits_of_the_learned_call_type() {
    let before = run(&scenario(&cross("[\"general\"]")));
    let after = run(&scenario(&cross("[\"general\", \"technical\"]")));
    let (b, a) = (get(&before, 1, Kpi::AsaS), get(&after, 1, Kpi::AsaS));
    assert!(a.hi() < b.lo(), "technical ASA before {b:?} after {a:?}");
    assert!(get(&after, 1, Kpi::AbandonRate).mean < get(&before, 1, Kpi::AbandonRate).mean);
}
