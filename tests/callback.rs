//! Call backs (issue 11): a caller still waiting after `offer_after_s` is
//! offered a call back; one who accepts leaves the queue and is called back
//! by an agent in idle time.

use ccsim::stats::EntitySummary;
use ccsim::stats::Kpi;

use crate::common::{run, scenario};

/// A queue open around the clock, 4 days after a 4-hour warm-up, with
/// exponential handling and patience of the same mean; `callback` is the
/// call type's call-back line (empty: none).
fn queue(per_hour: f64, aht_s: f64, agents: u32, callback: &str) -> String {
    format!(
        r#"
[horizon]
start = 2025-01-06
days = 4
interval_minutes = 60

[run]
replications = 20
seed = 5
warmup_minutes = 240

[[service]]
name = "line"
targets = {{ answered_within_s = 20 }}

[[call_type]]
name = "calls"
service = "line"
arrivals = {{ per_hour = {per_hour} }}
handling = {{ dist = "exponential", mean_s = {aht_s} }}
patience = {{ dist = "exponential", mean_s = {aht_s} }}
{callback}

[[agent_group]]
name = "agents"
skills = ["calls"]
agents = {agents}
"#
    )
}

fn kpi(e: &EntitySummary, k: Kpi) -> ccsim::stats::Estimate {
    e.kpis.get(k).unwrap_or_else(|| panic!("no {}", k.name()))
}

#[test]
fn an_offer_after_30_s_bounds_abandonment_by_the_patience_law() {
    // 120 calls/h of 300 s on 8 agents: 10 Erlangs, overloaded. With
    // patience of the same mean as handling, the number of callers in the
    // system is Poisson(10) (each leaves at rate 1/300 s, served or not), so
    // the exact abandonment is 1 - E[min(N, 8)] / 10 = 24.60%.
    let without = run(&scenario(&queue(120.0, 300.0, 8, "")));
    let ab = kpi(&without.call_types[0], Kpi::AbandonRate);
    assert!(
        (ab.mean - 0.246_035).abs() <= 1.7 * ab.ci95 + 0.003,
        "without call backs: {ab:?}"
    );
    // When every caller offered a call back at 30 s accepts, nobody waits
    // longer than 30 s: only callers whose patience is under 30 s abandon,
    // at most P(patience < 30 s) = 1 - exp(-30/300) = 9.52% of them.
    let with = run(&scenario(&queue(
        120.0,
        300.0,
        8,
        "callback = { offer_after_s = 30, accept_share = 1.0, within_s = 3600 }",
    )));
    let c = &with.call_types[0];
    let ab = kpi(c, Kpi::AbandonRate);
    let bound = 1.0 - (-0.1f64).exp();
    assert!(
        ab.mean + ab.ci95 < bound,
        "with call backs: {ab:?} vs {bound}"
    );
    assert!(ab.mean > 0.05, "the bound is nearly reached: {ab:?}");
    assert!(kpi(c, Kpi::MeanWaitAbandonedS).mean <= 30.0);
    let (offered, accepted) = (
        kpi(c, Kpi::CallbacksOffered).mean,
        kpi(c, Kpi::CallbacksAccepted).mean,
    );
    assert!(
        offered > 1000.0 && offered == accepted,
        "{offered} {accepted}"
    );
}

#[test]
fn accepted_call_backs_are_neither_answered_nor_abandoned_and_kept_in_time() {
    // 100 calls/h of 240 s on 8 agents (6.7 Erlangs): the offer at 20 s is
    // accepted by 40%; agents call back in idle time, well within an hour.
    let s = run(&scenario(&queue(
        100.0,
        240.0,
        8,
        "callback = { offer_after_s = 20, accept_share = 0.4, within_s = 3600 }",
    )));
    let c = &s.call_types[0];
    let v = |k| kpi(c, k).mean;
    let (offers, accepted) = (v(Kpi::CallbacksOffered), v(Kpi::CallbacksAccepted));
    // Binomial: the accepted share is within 3 standard deviations of 40%.
    let n = offers * 20.0;
    let sd = (0.4 * 0.6 / n).sqrt();
    assert!(
        (accepted / offers - 0.4).abs() < 3.0 * sd,
        "{accepted} of {offers}"
    );
    // Every offered call is answered, abandoned or called back: an accepted
    // call back counts as neither answered nor abandoned.
    let (offered, answered, abandoned) = (v(Kpi::Offered), v(Kpi::Answered), v(Kpi::Abandoned));
    assert!(
        (offered - answered - abandoned - accepted).abs() < 1e-9 * offered,
        "{offered} = {answered} + {abandoned} + {accepted}?"
    );
    assert!((v(Kpi::AbandonRate) - abandoned / offered).abs() < 0.01);
    // Call backs are made within the promise, and their callers count as answered.
    assert!(
        v(Kpi::CallbacksWithinPromise) > 0.99,
        "{}",
        v(Kpi::CallbacksWithinPromise)
    );
    let wait = v(Kpi::CallbackWaitS);
    assert!(wait > 0.0 && wait < 3600.0, "{wait}");
    assert!(v(Kpi::CallerAnsweredShare) > answered / offered + 0.9 * accepted / offered);
    // The agents' work includes the call backs.
    let busy = kpi(&s.agent_groups[0], Kpi::BusyAgentHours).mean;
    let handled = (answered + accepted) * 240.0 / 3600.0;
    assert!(
        (busy - handled).abs() < 0.05 * handled,
        "{busy} h vs {handled} h"
    );
    // The JSON says how call backs are counted.
    let json = ccsim::report::to_json(&s).expect("json");
    assert!(json.contains("\"callbacks\":") && json.contains("neither answered nor abandoned"));
}

#[test]
fn call_backs_are_refused_on_deferred_channels_and_out_of_range() {
    let text = queue(
        100.0,
        240.0,
        8,
        "callback = { offer_after_s = -1, accept_share = 1.5, within_s = 3600 }",
    );
    let err = ccsim::scenario::Scenario::from_toml(&text, "cb.toml", "cb")
        .expect_err("invalid call back")
        .to_string();
    assert!(
        err.contains("call_type[0].callback.offer_after_s = -1")
            && err.contains("call_type[0].callback.accept_share = 1.5"),
        "{err}"
    );
    let text = queue(100.0, 240.0, 8, "").replace(
        "patience = { dist = \"exponential\", mean_s = 240 }",
        "channel = \"email\"\ncallback = { offer_after_s = 60, accept_share = 0.5, within_s = 3600 }",
    );
    let err = ccsim::scenario::Scenario::from_toml(&text, "cb.toml", "cb")
        .expect_err("call back on e-mail")
        .to_string();
    assert!(err.contains("call_type[0].callback"), "{err}");
}
