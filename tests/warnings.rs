//! Warnings for likely mistakes: each names the file, the field and the
//! value; `check` and `run` exit 0 with warnings, 2 with `--deny-warnings`.

use ccsim::scenario::Scenario;

use crate::common::{bin, scratch};

/// A CUP-like day: open 08:00-18:00 (closed 13:00-14:00), staffed by a list
/// from 08:00, arrivals per day with a profile from 08:00.
const GOOD: &str = r#"
[horizon]
start = 2025-01-06
days = 1
interval_minutes = 60

[run]
replications = 2
seed = 1

[[service]]
name = "CUP"
open = "08:00-13:00,14:00-18:00"
targets = { answered_within_s = 20, service_level = 0.8, handled_within_s = 600, handled_within_share = 0.8 }

[[call_type]]
name = "booking"
service = "CUP"
arrivals = { per_day = 500, from = "08:00", profile = [5, 5, 4, 4, 3, 0, 3, 3, 2, 2] }
handling = { dist = "exponential", mean_s = 200 }
patience = { dist = "exponential", mean_s = 300 }

[[agent_group]]
name = "operators"
skills = ["booking"]
from = "08:00"
agents = [10, 10, 9, 9, 8, 0, 8, 8, 6, 6]
"#;

fn warnings(dir: &std::path::Path, text: &str) -> Vec<String> {
    let p = dir.join("s.toml");
    std::fs::write(&p, text).unwrap();
    Scenario::load_with(&p, &[])
        .unwrap_or_else(|e| panic!("{e}"))
        .warnings
}

fn one(ws: &[String], needle: &str) -> String {
    let found: Vec<&String> = ws.iter().filter(|w| w.contains(needle)).collect();
    assert_eq!(found.len(), 1, "{needle:?} in {ws:#?}");
    found[0].clone()
}

#[test]
fn a_sound_scenario_has_no_warnings() {
    let dir = scratch("warn-none");
    assert!(
        warnings(&dir, GOOD).is_empty(),
        "{:?}",
        warnings(&dir, GOOD)
    );
}

#[test]
fn a_staffing_list_without_from_leaves_the_open_hours_unstaffed() {
    let dir = scratch("warn-from");
    let text = GOOD.replace("from = \"08:00\"\nagents", "agents");
    let ws = warnings(&dir, &text);
    let file = dir.join("s.toml").display().to_string();
    let line = text
        .lines()
        .position(|l| l.starts_with("agents = ["))
        .unwrap()
        + 1;
    let w = one(&ws, "agent_group[0].agents = [10 values]");
    assert!(w.starts_with(&format!("{file}:{line}: ")), "{w}");
    assert!(
        w.contains("no `from`, so it starts at 00:00") && w.contains("10:00-13:00"),
        "{w}"
    );
    // The same mistake leaves the calls with no agent at all.
    let w = one(&ws, "call_type[0].arrivals:");
    assert!(
        w.contains("\"booking\"") && w.contains("10:00-13:00"),
        "{w}"
    );
}

#[test]
fn calls_on_an_open_day_without_agents() {
    let dir = scratch("warn-saturday");
    // Open on Saturday with calls (the same per_day), nobody staffed.
    let text = GOOD
        .replace("days = 1", "days = 6")
        .replace(
            "open = \"08:00-13:00,14:00-18:00\"",
            "open = { mon-fri = \"08:00-13:00,14:00-18:00\", sat = \"08:00-13:00\" }",
        )
        .replace(
            "agents = [10, 10, 9, 9, 8, 0, 8, 8, 6, 6]",
            "agents = { mon-fri = [10, 10, 9, 9, 8, 0, 8, 8, 6, 6], sat = 0 }",
        );
    let ws = warnings(&dir, &text);
    let w = one(&ws, "call_type[0].arrivals:");
    assert!(w.contains("sat 08:00-13:00") && !w.contains("mon "), "{w}");
}

#[test]
fn profile_weight_in_a_closure_is_lost_volume() {
    let dir = scratch("warn-closed");
    // Weight 3 of 31 in the 13:00-14:00 lunch closure: 48 of 500 calls.
    let text = GOOD.replace(
        "[5, 5, 4, 4, 3, 0, 3, 3, 2, 2]",
        "[5, 5, 4, 4, 3, 3, 3, 2, 1, 1]",
    );
    let ws = warnings(&dir, &text);
    let w = one(&ws, "call_type[0].arrivals.profile:");
    assert!(
        w.contains("9.7% of the calls of \"booking\"") && w.contains("48 of 500"),
        "{w}"
    );
    // With a closed_hours rule the callers call again: no warning.
    let text = text.replace(
        "patience =",
        "closed_hours = { retry_share = 0.8 }\npatience =",
    );
    assert!(warnings(&dir, &text).iter().all(|w| !w.contains("profile")));
}

#[test]
fn a_handling_target_beyond_the_handling_distribution() {
    let dir = scratch("warn-handling");
    // Exponential, mean 200 s: P(H <= 300 s) = 1 - e^-1.5 = 77.7% < 80%.
    let text = GOOD.replace("handled_within_s = 600", "handled_within_s = 300");
    let ws = warnings(&dir, &text);
    let w = one(&ws, "service[0].targets.handled_within_share = 0.8");
    assert!(
        w.contains("at most 77.7% of answered calls within 300 s"),
        "{w}"
    );
    // A group 10% faster makes it reachable: P(H <= 333 s) = 81.1%.
    let faster = text.replace(
        "skills = [\"booking\"]",
        "skills = [\"booking\"]\nhandling_factor = 0.9",
    );
    assert!(warnings(&dir, &faster).is_empty());
}

#[test]
fn check_and_run_exit_0_with_warnings_and_2_when_denied() {
    let dir = scratch("warn-deny");
    let p = dir.join("s.toml");
    std::fs::write(
        &p,
        GOOD.replace("handled_within_s = 600", "handled_within_s = 300"),
    )
    .unwrap();
    for cmd in [&["check"][..], &["run", "-q"]] {
        let out = bin().args(cmd).arg(&p).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{cmd:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("warning: ") && err.contains("handled_within_share = 0.8"),
            "{err}"
        );
        let out = bin()
            .args(cmd)
            .arg("--deny-warnings")
            .arg(&p)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{cmd:?} --deny-warnings");
        assert!(String::from_utf8_lossy(&out.stderr).contains("--deny-warnings"));
    }
    // Without warnings, --deny-warnings changes nothing.
    std::fs::write(&p, GOOD).unwrap();
    let out = bin()
        .args(["check", "--deny-warnings"])
        .arg(&p)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
}
