//! Paired comparisons (common random numbers) and the exit codes of
//! `run --fail-on-ko` and `compare --fail-if-worse`.

use ccsim::compare::compare;
use ccsim::stats::Kpi;

use crate::common::{SingleQueue, bin, root, run, scenario, scratch};

/// A queue of about 8.3 Erlangs with `agents` agents.
fn queue(agents: u32) -> SingleQueue {
    SingleQueue {
        per_hour: 100.0,
        aht_s: 300.0,
        patience_s: Some(240.0),
        agents,
        threshold_s: 20.0,
        days: 2,
        warmup_minutes: 60.0,
        replications: 30,
        seed: 7,
    }
}

/// The scenario text with a service-level target added.
fn with_target(q: &SingleQueue, name: &str, service_level: f64) -> String {
    q.toml()
        .replace(
            "targets = { answered_within_s = 20 }",
            &format!("targets = {{ answered_within_s = 20, service_level = {service_level} }}"),
        )
        .replacen("[horizon]", &format!("name = \"{name}\"\n\n[horizon]"), 1)
}

#[test]
fn comparing_a_scenario_with_itself_gives_zero_differences() {
    let sc = scenario(&queue(10).toml());
    let a = run(&sc);
    let b = run(&sc);
    let c = compare(&a, &[b]);
    assert_eq!(c.alternatives.len(), 1);
    let alt = &c.alternatives[0];
    assert_eq!(alt.paired_replications, 30);
    // Service, call type and agent group are all matched.
    assert_eq!(alt.entities.len(), 3);
    let mut checked = 0;
    for e in &alt.entities {
        for k in &e.kpis {
            if k.base.mean.is_nan() {
                continue;
            }
            assert_eq!(k.difference.mean, 0.0, "{} {}", e.name, k.kpi.name());
            assert_eq!(k.difference.ci95, 0.0, "{} {}", e.name, k.kpi.name());
            assert_eq!(k.base, k.alt);
            assert!(!k.significantly_worse() && !k.significantly_better());
            checked += 1;
        }
    }
    assert!(checked >= 15, "only {checked} KPIs compared");
}

#[test]
fn more_agents_raise_service_level_and_crn_narrows_the_interval() {
    let base = run(&scenario(&queue(9).toml()));
    let alt = run(&scenario(&queue(11).toml()));
    let c = compare(&base, &[alt]);
    let svc = &c.alternatives[0].entities[0];
    assert_eq!(svc.name, "s");
    let sl = svc.get(Kpi::ServiceLevel).unwrap();
    assert!(sl.difference.mean > 0.0, "{:?}", sl.difference);
    assert!(
        sl.difference.mean - sl.difference.ci95 > 0.0,
        "the CI must exclude 0: {:?}",
        sl.difference
    );
    assert!(sl.significantly_better() && !sl.significantly_worse());
    // Common random numbers: the paired CI is narrower than the CI of two
    // independent runs.
    assert!(
        sl.difference.ci95 < sl.independent_ci95,
        "paired {} vs independent {}",
        sl.difference.ci95,
        sl.independent_ci95
    );
    // The difference of the means is the mean of the differences.
    assert!((sl.difference.mean - (sl.alt.mean - sl.base.mean)).abs() < 1e-12);
    let ab = svc.get(Kpi::AbandonRate).unwrap();
    assert!(ab.difference.mean + ab.difference.ci95 < 0.0);
    // Offered calls are the same callers in both runs.
    let off = svc.get(Kpi::Offered).unwrap();
    assert_eq!(off.difference.mean, 0.0);
    assert_eq!(off.difference.ci95, 0.0);
}

#[test]
fn fail_on_ko_exits_3_only_when_a_target_is_missed() {
    let dir = scratch("fail-on-ko");
    let ko = dir.join("ko.toml");
    let ok = dir.join("ok.toml");
    std::fs::write(&ko, with_target(&queue(9), "ko", 0.999)).unwrap();
    std::fs::write(&ok, with_target(&queue(11), "ok", 0.10)).unwrap();
    let out = bin()
        .args(["run", "--quiet", "--fail-on-ko", "-r", "5"])
        .arg(&ko)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(ccsim::cli::EXIT_TARGET_MISSED));
    assert_eq!(ccsim::cli::EXIT_TARGET_MISSED, 3);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("KO") && err.contains("answered within 20 s"),
        "{err}"
    );
    // The results are still printed.
    assert!(String::from_utf8_lossy(&out.stdout).contains("Service s"));
    let out = bin()
        .args(["run", "--quiet", "--fail-on-ko", "-r", "5"])
        .arg(&ok)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Without the flag a KO target is not an error.
    let out = bin()
        .args(["run", "--quiet", "-r", "5"])
        .arg(&ko)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn fail_if_worse_exits_3_when_an_alternative_is_significantly_worse() {
    let dir = scratch("fail-if-worse");
    let few = dir.join("few.toml");
    let many = dir.join("many.toml");
    std::fs::write(&few, with_target(&queue(9), "few", 0.8)).unwrap();
    std::fs::write(&many, with_target(&queue(11), "many", 0.8)).unwrap();
    let cmp = |base: &std::path::Path, alt: &std::path::Path, extra: &[&str]| {
        bin()
            .args(["compare", "--quiet", "-r", "20"])
            .arg(base)
            .arg(alt)
            .args(extra)
            .output()
            .unwrap()
    };
    let worse = cmp(&many, &few, &["--fail-if-worse", "service_level"]);
    assert_eq!(worse.status.code(), Some(3));
    let err = String::from_utf8_lossy(&worse.stderr);
    assert!(
        err.contains("few is worse than many on service_level"),
        "{err}"
    );
    let better = cmp(&few, &many, &["--fail-if-worse", "service_level"]);
    assert_eq!(
        better.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&better.stderr)
    );
    // JSON: for each alternative, service and KPI base, alt and difference.
    let json = cmp(&few, &many, &["--format", "json"]);
    assert_eq!(json.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let sl = &v["alternatives"][0]["services"]["s"]["service_level"];
    for part in ["base", "alt", "difference"] {
        assert!(sl[part]["mean"].is_number(), "{part}: {sl}");
        assert!(sl[part]["ci95"].is_number(), "{part}: {sl}");
    }
    assert!(sl["difference"]["mean"].as_f64().unwrap() > 0.0);
    assert_eq!(sl["verdict"], "better");
    assert_eq!(v["base"], "few");
    // A wrong KPI name is bad input, named in the message.
    let bad = cmp(&few, &many, &["--fail-if-worse", "speed"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--fail-if-worse speed"));
}

#[test]
fn compare_of_shipped_scenarios_writes_csv_and_json() {
    let dir = scratch("compare-out");
    let out = bin()
        .args([
            "compare",
            "scenarios/cup-weekday.toml",
            "scenarios/cup-weekday-more-staff.toml",
            "-r",
            "5",
            "--quiet",
            "--format",
            "csv",
            "--out",
        ])
        .arg(&dir)
        .current_dir(root())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let csv = String::from_utf8_lossy(&out.stdout);
    assert!(csv.starts_with("base,alternative,seed,replications,entity_kind,entity,kpi,"));
    assert!(csv.contains("cup-weekday,cup-weekday-more-staff,2025,5,service,CUP,service_level,"));
    for f in ["comparison.json", "comparison.csv", "comparison.txt"] {
        assert!(dir.join(f).is_file(), "{f}");
    }
}

/// The verdict column and `--fail-if-worse` read one polarity per KPI: a
/// KPI is "worse" in the table exactly when `--fail-if-worse` would fail on
/// it, and a neutral KPI (occupancy: "higher" or "lower") is refused by
/// `--fail-if-worse` instead of failing the run.
#[test]
fn verdict_and_fail_if_worse_agree_on_polarity() {
    use ccsim::compare::{KpiComparison, judged_kpis, parse_judged_kpi};
    use ccsim::report::compare::verdict;
    use ccsim::stats::Estimate;
    use ccsim::stats::kpi::Polarity;
    let est = |mean: f64, ci95: f64| Estimate { mean, ci95, n: 10 };
    for k in Kpi::ALL {
        for diff in [-1.0, 1.0] {
            let c = KpiComparison {
                kpi: k,
                base: est(0.5, 0.01),
                alt: est(0.5 + diff, 0.01),
                difference: est(diff, 0.1),
                independent_ci95: 0.2,
                target: None,
                polarity: k.polarity(),
                met: None,
            };
            let v = verdict(&c);
            assert_eq!(
                v == "worse",
                c.significantly_worse(),
                "{} {diff}: {v}",
                k.name()
            );
            assert_eq!(
                v == "better",
                c.significantly_better(),
                "{} {diff}: {v}",
                k.name()
            );
            let expected = match (k.polarity(), diff > 0.0) {
                (Polarity::Neutral, true) => "higher",
                (Polarity::Neutral, false) => "lower",
                (Polarity::HigherIsBetter, true) | (Polarity::LowerIsBetter, false) => "better",
                _ => "worse",
            };
            assert_eq!(v, expected, "{}", k.name());
        }
        let judged = judged_kpis().any(|j| j == k);
        assert_eq!(parse_judged_kpi(k.name()).is_ok(), judged, "{}", k.name());
        if k.polarity() == Polarity::Neutral {
            assert!(!judged, "{}", k.name());
        }
    }
    assert_eq!(Kpi::Occupancy.polarity(), Polarity::Neutral);
    assert_eq!(Kpi::ServiceLevel.polarity(), Polarity::HigherIsBetter);
    assert_eq!(Kpi::AbandonRate.polarity(), Polarity::LowerIsBetter);
}

/// Regression: fewer agents give a significantly higher occupancy, which the
/// verdict column calls "higher"; `--fail-if-worse occupancy` used to exit 3
/// on it. It is now refused as bad input (exit 2) naming the flag.
#[test]
fn fail_if_worse_refuses_a_neutral_kpi() {
    let dir = scratch("fail-if-worse-neutral");
    let few = dir.join("few.toml");
    let many = dir.join("many.toml");
    std::fs::write(&few, with_target(&queue(9), "few", 0.8)).unwrap();
    std::fs::write(&many, with_target(&queue(11), "many", 0.8)).unwrap();
    let table = bin()
        .args(["compare", "--quiet", "-r", "20"])
        .arg(&few)
        .arg(&many)
        .output()
        .unwrap();
    assert_eq!(table.status.code(), Some(0));
    let text = String::from_utf8_lossy(&table.stdout);
    let row = text
        .lines()
        .find(|l| l.trim_start().starts_with("occupancy "))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(row.ends_with("lower"), "{row}");
    let out = bin()
        .args(["compare", "--quiet", "-r", "20"])
        .arg(&few)
        .arg(&many)
        .args(["--fail-if-worse", "occupancy"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--fail-if-worse occupancy"), "{err}");
    assert!(err.contains("service_level"), "{err}");
    assert!(out.stdout.is_empty(), "refused before simulating");
}
