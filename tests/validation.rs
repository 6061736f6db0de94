//! Bad input gets one precise message (file, line, field path, value) and
//! never a panic.

use ccsim::scenario::{Scenario, ScenarioError};
use proptest::prelude::*;

const GOOD: &str = r#"[horizon]
start = 2025-01-06
days = 2
interval_minutes = 30

[run]
replications = 3
seed = 1

[[service]]
name = "svc"
open = { mon-fri = "08:00-18:00", sat = "08:00-13:00" }
targets = { answered_within_s = 20, service_level = 0.8, max_abandon_rate = 0.05 }

[[call_type]]
name = "calls"
service = "svc"
arrivals = { per_hour = [120, 300, 300, 180], from = "08:00" }
handling = { dist = "lognormal", mean_s = 240, cv = 1.0 }
patience = { dist = "weibull", mean_s = 120, shape = 0.8 }

[[agent_group]]
name = "agents"
skills = ["calls"]
agents = 22
"#;

fn err(text: &str) -> String {
    match Scenario::from_toml(text, "bad.toml", "bad") {
        Ok(_) => panic!("accepted:\n{text}"),
        Err(e) => e.to_string(),
    }
}

fn assert_msg(text: &str, parts: &[&str]) {
    let m = err(text);
    assert!(m.starts_with("bad.toml:"), "no file in: {m}");
    for p in parts {
        assert!(m.contains(p), "`{p}` missing in: {m}");
    }
}

#[test]
fn the_good_file_is_accepted() {
    let sc = Scenario::from_toml(GOOD, "good.toml", "good").unwrap();
    assert_eq!(sc.call_types[0].rate_per_s[0][16], 120.0 / 3600.0);
}

#[test]
fn syntax_error_keeps_line_and_column() {
    assert_msg(&GOOD.replace("days = 2", "days = = 2"), &["bad.toml:3:"]);
}

#[test]
fn unknown_field_names_the_path() {
    assert_msg(
        &GOOD.replace("seed = 1", "seed = 1\nsede = 2"),
        &["bad.toml:9:", "run", "unknown field `sede`"],
    );
    assert_msg(
        &GOOD.replace("cv = 1.0 }", "cv = 1.0, sd = 3 }"),
        &[
            "bad.toml:19:",
            "call_type[0].handling",
            "unknown field `sd`",
        ],
    );
}

#[test]
fn wrong_type_names_the_path() {
    assert_msg(
        &GOOD.replace("mean_s = 240", "mean_s = \"long\""),
        &["bad.toml:19:", "call_type[0].handling.mean_s", "long"],
    );
}

#[test]
fn bad_values_name_line_path_and_value() {
    let cases: &[(&str, &str, &[&str])] = &[
        (
            "per_hour = [120, 300",
            "per_hour = [-120, 300",
            &[
                ":18:",
                "call_type[0].arrivals.per_hour[0] = -120",
                "between 0",
            ],
        ),
        (
            "mean_s = 240",
            "mean_s = 0",
            &[":19:", "call_type[0].handling.mean_s = 0", "> 0"],
        ),
        (
            "mean_s = 240",
            "mean_s = -5",
            &[":19:", "call_type[0].handling.mean_s = -5", "> 0"],
        ),
        (
            "cv = 1.0",
            "cv = -0.5",
            &[":19:", "call_type[0].handling.cv = -0.5", "> 0"],
        ),
        (
            "mean_s = 120",
            "mean_s = nan",
            &[":20:", "call_type[0].patience.mean_s = NaN", "finite"],
        ),
        (
            "service_level = 0.8",
            "service_level = 1.5",
            &[
                ":13:",
                "service[0].targets.service_level = 1.5",
                "probability",
            ],
        ),
        (
            "max_abandon_rate = 0.05",
            "max_abandon_rate = -0.1",
            &[
                ":13:",
                "service[0].targets.max_abandon_rate = -0.1",
                "probability",
            ],
        ),
        (
            "agents = 22",
            "agents = -1",
            &[":25:", "agent_group[0].agents = -1", "between 0"],
        ),
        (
            "agents = 22",
            "agents = 2.5",
            &[":25:", "agent_group[0].agents = 2.5", "whole number"],
        ),
        (
            "sat = \"08:00-13:00\"",
            "sat = \"25:00-26:00\"",
            &[
                ":12:",
                "service[0].open.sat = \"25:00-26:00\"",
                "opening hours",
            ],
        ),
        (
            "mon-fri = \"08:00-18:00\"",
            "mon-fri = \"10:00-09:00\"",
            &[":12:", "service[0].open.mon-fri = \"10:00-09:00\""],
        ),
        (
            "skills = [\"calls\"]",
            "skills = [\"cals\"]",
            &[
                ":24:",
                "agent_group[0].skills[0] = \"cals\"",
                "not a call_type name",
                "\"calls\"",
            ],
        ),
        (
            "service = \"svc\"",
            "service = \"svx\"",
            &[
                ":17:",
                "call_type[0].service = \"svx\"",
                "not a service name",
            ],
        ),
        ("days = 2", "days = 0", &[":3:", "horizon.days = 0"]),
        (
            "interval_minutes = 30",
            "interval_minutes = 7",
            &[":4:", "horizon.interval_minutes = 7", "divide"],
        ),
        (
            "replications = 3",
            "replications = 0",
            &[":7:", "run.replications = 0"],
        ),
        (
            "from = \"08:00\"",
            "from = \"08:10\"",
            &[
                ":18:",
                "call_type[0].arrivals.from = \"08:10\"",
                "start of an interval",
            ],
        ),
        (
            "dist = \"lognormal\"",
            "dist = \"normal\"",
            &[":19:", "call_type[0].handling.dist = \"normal\""],
        ),
        (
            "shape = 0.8",
            "shape = 0",
            &[":20:", "call_type[0].patience.shape = 0"],
        ),
        (
            "start = 2025-01-06",
            "start = 2025-02-30",
            &[":2:", "invalid date"],
        ),
    ];
    for (from, to, parts) in cases {
        assert!(GOOD.contains(from), "{from}");
        assert_msg(&GOOD.replacen(from, to, 1), parts);
    }
}

#[test]
fn all_problems_are_reported_at_once() {
    let text = GOOD
        .replace("mean_s = 240", "mean_s = -1")
        .replace("agents = 22", "agents = -3");
    let m = err(&text);
    assert_eq!(m.lines().count(), 2, "{m}");
}

#[test]
fn unreadable_file_is_named() {
    let e = Scenario::load(std::path::Path::new("does/not/exist.toml")).unwrap_err();
    assert!(matches!(e, ScenarioError::Io { .. }));
    assert!(
        e.to_string()
            .starts_with("does/not/exist.toml: cannot read")
    );
}

/// Every numeric field of the good file, as a placeholder.
const TEMPLATE: &str = r#"[horizon]
start = 2025-01-06
days = {0}
interval_minutes = {1}
[run]
replications = {2}
seed = {3}
warmup_minutes = {4}
[[service]]
name = "svc"
targets = { answered_within_s = {5}, service_level = {6}, max_abandon_rate = {7}, handled_within_s = {8}, handled_within_share = {9} }
[[call_type]]
name = "calls"
service = "svc"
arrivals = { per_hour = [{10}, {11}] }
handling = { dist = "gamma", mean_s = {12}, cv = {13} }
patience = { dist = "weibull", mean_s = {14}, shape = {15} }
[[call_type]]
name = "other"
service = "svc"
arrivals = { per_day = {16}, profile = [{17}, {18}] , from = "08:00" }
handling = { dist = "lognormal", mean_s = {19}, cv = {20} }
[[agent_group]]
name = "agents"
skills = ["calls", "other"]
agents = [{21}, {22}]
"#;

fn toml_number(x: f64) -> String {
    if x.is_nan() {
        "nan".into()
    } else if x.is_infinite() {
        if x > 0.0 { "inf".into() } else { "-inf".into() }
    } else {
        format!("{x:?}")
    }
}

fn any_number() -> impl Strategy<Value = f64> {
    prop_oneof![
        Just(f64::NAN),
        Just(f64::INFINITY),
        Just(f64::NEG_INFINITY),
        Just(0.0),
        Just(-1.0),
        Just(1e300),
        -10.0..10.0f64,
        0.0..2000.0f64,
        (0u32..100).prop_map(f64::from),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, failure_persistence: None, ..ProptestConfig::default() })]

    /// No numeric value makes validation or a short run panic.
    #[test]
    fn random_numbers_never_panic(values in proptest::collection::vec(any_number(), 23)) {
        let mut text = TEMPLATE.to_string();
        for (i, v) in values.iter().enumerate() {
            text = text.replace(&format!("{{{i}}}"), &toml_number(*v));
        }
        if let Ok(mut sc) = Scenario::from_toml(&text, "prop.toml", "prop") {
            // A valid scenario runs: keep it short.
            sc.horizon.days = 1;
            sc.run.replications = 1;
            let center = ccsim::model::Center::new(&sc);
            if center.expected_calls() < 50_000.0 {
                let out = ccsim::experiment::run(&sc, &Default::default(), None).unwrap();
                for e in &out.summary.services {
                    let k = &e.kpis;
                    let o = k.get(ccsim::stats::Kpi::Offered).unwrap().mean;
                    let a = k.get(ccsim::stats::Kpi::Answered).unwrap().mean;
                    let b = k.get(ccsim::stats::Kpi::Abandoned).unwrap().mean;
                    let u = out.summary.unfinished_calls.mean;
                    prop_assert!((o - a - b - u).abs() < 1e-6 || u > 0.0 || sc.run.warmup_s > 0.0);
                }
            }
        }
    }
}

#[test]
fn outages_and_routing_are_checked() {
    let with = |extra: &str| format!("{GOOD}\n{extra}\n");
    assert_msg(
        &with("[[outage]]\nname = \"app\"\nservice = \"nope\"\nmtbf_hours = 10\nmttr_minutes = 30"),
        &[":29:", "outage[0].service = \"nope\"", "known: \"svc\""],
    );
    assert_msg(
        &with("[[outage]]\nname = \"app\"\nservice = \"svc\"\nmtbf_hours = 10"),
        &["outage[0].mtbf_hours = 10", "mttr_minutes"],
    );
    assert_msg(
        &with("[[outage]]\nname = \"app\"\nservice = \"svc\"\nmtbf_hours = 10\nmttr_minutes = -3"),
        &["outage[0].mttr_minutes = -3", "> 0"],
    );
    assert_msg(
        &with(
            "[[outage]]\nname = \"app\"\nservice = \"svc\"\neffect = \"slow\"\nmtbf_hours = 10\nmttr_minutes = 3",
        ),
        &["outage[0].effect = \"slow\"", "no_completion"],
    );
    assert_msg(
        &with("[[outage]]\nname = \"app\"\nservice = \"svc\""),
        &["outage[0].name = \"app\"", "scheduled"],
    );
    assert_msg(
        &with(
            "[[outage]]\nname = \"app\"\nservice = \"svc\"\nscheduled = [{ date = 2025-02-01, hours = \"10:00-11:00\" }]",
        ),
        &[
            "outage[0].scheduled[0].date = 2025-02-01",
            "outside the horizon",
        ],
    );
    assert_msg(
        &with(
            "[[outage]]\nname = \"app\"\nservice = \"svc\"\ncall_types = [\"x\"]\nmtbf_hours = 10\nmttr_minutes = 3",
        ),
        &["outage[0].call_types[0] = \"x\"", "known: \"calls\""],
    );
    assert_msg(
        &with(
            "[[outage]]\nname = \"app\"\nservice = \"svc\"\nmtbf_hours = 0.0001\nmttr_minutes = 3",
        ),
        &["outage[0].mtbf_hours = 0.0001", "failures per replication"],
    );
    assert_msg(
        &with("[routing]\ncall_selection = \"random\""),
        &["routing.call_selection = \"random\"", "longest_waiting"],
    );
    assert_msg(
        &GOOD.replace("agents = 22", "agents = 22\nblend = \"mixed\""),
        &["agent_group[0].blend = \"mixed\"", "skill_order"],
    );
    assert_msg(
        &GOOD.replace(
            "max_abandon_rate = 0.05",
            "max_abandon_rate = 0.05, continuity = 99.5",
        ),
        &["service[0].targets.continuity = 99.5"],
    );
}

#[test]
fn group_handling_effects_name_one_of_the_groups_skills() {
    assert_msg(
        &GOOD.replace(
            "agents = 22",
            "agents = 22\nhandling_effects = [{ call_type = \"other\", from = 2025-01-06, factor = 1.5 }]",
        ),
        &["agent_group[0].handling_effects[0].call_type = \"other\"", "skills"],
    );
    assert_msg(
        &GOOD.replace(
            "shape = 0.8 }",
            "shape = 0.8 }\nhandling_effects = [{ call_type = \"calls\", from = 2025-01-06, factor = 1.5 }]",
        ),
        &["call_type[0].handling_effects[0].call_type = \"calls\"", "agent_group"],
    );
}

/// `GOOD` with a `[shift_rules]` table.
fn with_rules(rules: &str) -> String {
    format!("{GOOD}\n[shift_rules]\n{rules}\n")
}

#[test]
fn shift_rules_defaults_and_a_full_table_are_accepted() {
    let sc = Scenario::from_toml(GOOD, "good.toml", "good").unwrap();
    assert_eq!(sc.shift_rules, ccsim::scenario::ShiftRules::default());
    let sc = Scenario::from_toml(
        &with_rules(
            "full_time_hours = [9]\npart_time_hours = [3, 4]\nstart_step_minutes = 60\nstarts = \"07:00-12:00\"\nbreak_minutes = 60\nbreak_if_longer_than_hours = 6\nbreak_window_hours = [3, 5]\nsplit_shifts = true\nmax_part_time_share = 0.25",
        ),
        "good.toml",
        "good",
    )
    .unwrap();
    let r = &sc.shift_rules;
    assert_eq!(r.lengths.len(), 3);
    assert_eq!(
        (r.lengths[0].length_s, r.lengths[0].break_s),
        (9 * 3600, 3600)
    );
    assert_eq!(
        r.lengths[1].break_s, 0,
        "3 h is not longer than 6 h: no break"
    );
    assert_eq!(r.starts_s, Some((7 * 3600, 12 * 3600)));
    assert_eq!(r.start_step_s, 3600);
    assert!(r.split_shifts);
    assert_eq!(r.max_part_time_share, 0.25);
    assert_eq!(r.origin.as_deref(), Some("good.toml:27"));
}

#[test]
fn bad_shift_rules_name_field_and_value() {
    let cases: [(&str, &[&str]); 9] = [
        (
            "full_time_hours = [0]",
            &["shift_rules.full_time_hours[0] = 0", "> 0"],
        ),
        (
            "part_time_hours = [-4]",
            &["shift_rules.part_time_hours[0] = -4", "> 0"],
        ),
        (
            "start_step_minutes = 45",
            &[
                "shift_rules.start_step_minutes = 45",
                "whole number of intervals (30 minutes",
            ],
        ),
        (
            "full_time_hours = [7.75]",
            &[
                "shift_rules.full_time_hours[0] = 7.75",
                "whole number of intervals",
            ],
        ),
        (
            "full_time_hours = [8]\nbreak_minutes = 480",
            &[
                "shift_rules.break_minutes = 480",
                "longer than the 8 h shift",
            ],
        ),
        (
            "break_window_hours = [5, 3]",
            &[
                "shift_rules.break_window_hours = [5, 3]",
                "earliest <= latest",
            ],
        ),
        (
            "max_part_time_share = 1.5",
            &["shift_rules.max_part_time_share = 1.5", "between 0 and 1"],
        ),
        (
            "full_time_hours = []\npart_time_hours = []",
            &[
                "shift_rules.full_time_hours = []",
                "at least one shift length",
            ],
        ),
        (
            "starts = \"14:00-07:00\"",
            &["shift_rules.starts = \"14:00-07:00\""],
        ),
    ];
    for (rules, parts) in cases {
        assert_msg(&with_rules(rules), parts);
    }
    assert_msg(&with_rules("night_shifts = true"), &["night_shifts"]);
}

#[test]
fn shift_rules_that_cover_no_open_interval_are_refused() {
    // Open 10 h on weekdays: a 12 h shift fits nowhere.
    assert_msg(
        &with_rules("full_time_hours = [12]\npart_time_hours = []"),
        &[
            "shift_rules.full_time_hours = [12]",
            "no shift",
            "\"agents\"",
            "mon (08:00-18:00)",
        ],
    );
    // Starts only after closing time.
    assert_msg(
        &with_rules("starts = \"19:00-22:00\""),
        &["shift_rules.starts = \"19:00-22:00\"", "no shift can start"],
    );
    // A lunch closure: 8 h shifts need split shifts or a break over it.
    let lunch = GOOD.replace(
        "open = { mon-fri = \"08:00-18:00\", sat = \"08:00-13:00\" }",
        "open = { mon-fri = \"08:00-13:00,14:00-17:00\" }",
    );
    let text = format!("{lunch}\n[shift_rules]\nfull_time_hours = [8]\npart_time_hours = []\n");
    let m = err(&text);
    assert!(
        m.contains("shift_rules.full_time_hours = [8]")
            && m.contains("08:00-13:00, 14:00-17:00")
            && m.contains("split_shifts = true"),
        "{m}"
    );
    Scenario::from_toml(&format!("{text}split_shifts = true\n"), "ok.toml", "ok").unwrap();
    Scenario::from_toml(
        &format!("{lunch}\n[shift_rules]\nfull_time_hours = [9]\npart_time_hours = []\nbreak_minutes = 60\n"),
        "ok.toml",
        "ok",
    )
    .unwrap();
}
