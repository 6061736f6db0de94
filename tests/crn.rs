//! Exact common random numbers (issue 11): every random decision has its own
//! stream, so a mechanism that changes nothing leaves every other figure
//! byte-identical, and a what-if compared with its base sees the same callers.

use ccsim::compare::compare;
use serde_json::Value;

use crate::common::{run, scenario};

/// A booking line with every per-call decision on: closed-hours retries,
/// wrap-up, first-contact resolution, abandonment; `extra` is appended to the
/// call type, `more` to the file.
fn center(extra: &str, more: &str) -> String {
    format!(
        r#"
[horizon]
start = 2025-01-06
days = 5
interval_minutes = 60

[run]
replications = 20
seed = 11

[[service]]
name = "front"
open = "08:00-18:00"
targets = {{ answered_within_s = 20, service_level = 0.8, max_abandon_rate = 0.05, first_contact_resolution = 0.9 }}

[[call_type]]
name = "booking"
service = "front"
arrivals = {{ per_hour = [60, 150, 150, 120, 120, 100, 100, 100, 90, 90, 80], from = "07:00" }}
handling = {{ dist = "lognormal", mean_s = 240, cv = 1.0 }}
patience = {{ dist = "exponential", mean_s = 180 }}
wrap_up = {{ dist = "exponential", mean_s = 20 }}
first_contact_resolution = 0.9
closed_hours = {{ retry_share = 0.8, delay = {{ dist = "exponential", mean_s = 600 }} }}
{extra}

[[agent_group]]
name = "agents"
skills = ["booking"]
agents = 9
{more}
"#
    )
}

const REDIAL: &str = r#"redial = { probability = 0.4, delay = { dist = "exponential", mean_s = 900 }, max_attempts = 4 }"#;

/// The JSON result of a scenario text.
fn json(text: &str) -> Value {
    let s = run(&scenario(text));
    serde_json::from_str(&ccsim::report::to_json(&s).expect("json")).expect("parse")
}

/// Removes the named keys from every object of `v`.
fn strip(v: &mut Value, keys: &[&str]) {
    match v {
        Value::Object(m) => {
            for k in keys {
                m.remove(*k);
            }
            m.values_mut().for_each(|x| strip(x, keys));
        }
        Value::Array(a) => a.iter_mut().for_each(|x| strip(x, keys)),
        _ => {}
    }
}

/// The entry named `name` of the list `list` (`services`, `call_types`, ...).
fn entry<'v>(v: &'v Value, list: &str, name: &str) -> &'v Value {
    v[list]
        .as_array()
        .and_then(|a| a.iter().find(|e| e["name"] == name))
        .unwrap_or_else(|| panic!("no {list} entry {name:?}"))
}

/// Asserts byte equality of two JSON values, naming the first difference.
fn assert_same(a: &Value, b: &Value, what: &str) {
    let (sa, sb) = (a.to_string(), b.to_string());
    if sa != sb {
        let at = sa
            .bytes()
            .zip(sb.bytes())
            .take_while(|(x, y)| x == y)
            .count();
        let from = at.saturating_sub(120);
        panic!(
            "{what} differs at byte {at}:\n  base: ...{}\n  alt:  ...{}",
            &sa[from..(at + 80).min(sa.len())],
            &sb[from..(at + 80).min(sb.len())]
        );
    }
}

#[test]
fn a_no_op_ivr_leaves_every_other_kpi_byte_identical() {
    // The IVR draws whether each caller is served by it alone: with a share
    // of 0 it serves nobody, and it must not shift resolution, wrap-up,
    // retry or redial draws.
    let mut base = json(&center(REDIAL, ""));
    let mut alt = json(&center(
        &format!("{REDIAL}\nivr = {{ self_service_share = 0 }}"),
        "",
    ));
    for v in [&mut base, &mut alt] {
        strip(v, &["ivr_served", "definitions"]);
    }
    assert_same(&base, &alt, "the result");
}

#[test]
fn a_redial_probability_of_zero_leaves_every_other_kpi_byte_identical() {
    let base = json(&center("", ""));
    let alt = json(&center(
        r#"redial = { probability = 0, delay = { dist = "exponential", mean_s = 900 }, max_attempts = 4 }"#,
        "",
    ));
    // Every KPI the base reports is reported identically by the alternative
    // (which may add caller-level KPIs of its own).
    let mut checked = 0;
    for (list, name) in [
        ("services", "front"),
        ("call_types", "booking"),
        ("agent_groups", "agents"),
    ] {
        let (b, a) = (entry(&base, list, name), entry(&alt, list, name));
        for (k, v) in b["kpis"].as_object().expect("kpis") {
            assert_same(v, &a["kpis"][k], &format!("{list}.{name}.{k}"));
            checked += 1;
        }
        if let Some(iv) = b.get("intervals").and_then(Value::as_array) {
            let ia = a["intervals"].as_array().expect("intervals");
            assert_eq!(iv.len(), ia.len());
            for (x, y) in iv.iter().zip(ia) {
                for (k, v) in x["kpis"].as_object().expect("kpis") {
                    assert_same(v, &y["kpis"][k], &format!("{list}.{name} interval {k}"));
                }
            }
        }
    }
    assert!(checked >= 20, "only {checked} KPIs compared");
}

#[test]
fn an_unrelated_call_type_leaves_the_others_byte_identical() {
    let other = r#"
[[service]]
name = "info"
open = "09:00-17:00"
targets = { answered_within_s = 30 }

[[call_type]]
name = "questions"
service = "info"
arrivals = { per_hour = 40 }
handling = { dist = "gamma", mean_s = 300, cv = 0.8 }
patience = { dist = "exponential", mean_s = 120 }
first_contact_resolution = 0.7
wrap_up = { dist = "exponential", mean_s = 30 }
redial = { probability = 0.5, delay = { dist = "exponential", mean_s = 300 }, max_attempts = 3 }

[[agent_group]]
name = "info-desk"
skills = ["questions"]
agents = 5
"#;
    let base = json(&center(REDIAL, ""));
    let alt = json(&center(REDIAL, other));
    for (list, name) in [
        ("services", "front"),
        ("call_types", "booking"),
        ("agent_groups", "agents"),
    ] {
        assert_same(
            entry(&base, list, name),
            entry(&alt, list, name),
            &format!("{list}.{name}"),
        );
    }
}

#[test]
fn comparing_with_a_no_op_change_gives_exactly_zero_plus_minus_zero() {
    let base = run(&scenario(&center(REDIAL, "")));
    let alt = run(&scenario(&center(
        &format!("{REDIAL}\nivr = {{ self_service_share = 0 }}"),
        "",
    )));
    let c = compare(&base, &[alt]);
    let alt = &c.alternatives[0];
    assert_eq!(alt.paired_replications, 20);
    let mut checked = 0;
    for e in &alt.entities {
        for k in &e.kpis {
            if k.base.mean.is_nan() || k.alt.mean.is_nan() {
                continue;
            }
            assert_eq!(
                (k.difference.mean, k.difference.ci95),
                (0.0, 0.0),
                "{} {}",
                e.name,
                k.kpi.name()
            );
            checked += 1;
        }
    }
    assert!(checked >= 20, "only {checked} KPIs compared");
}
