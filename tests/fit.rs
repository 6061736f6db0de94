//! Calibration from call logs: Kaplan-Meier by hand, round trips
//! scenario -> gen-log -> fit -> back-test, and bad-row messages.

use std::path::PathBuf;

use ccsim::experiment::{self, RunOptions};
use ccsim::fit::km::{kaplan_meier, median, restricted_mean};
use ccsim::fit::synth::{call_log_csv, staffing_csv};
use ccsim::fit::{self, FitOptions};
use ccsim::scenario::{DurationDist, Scenario};
use ccsim::stats::Kpi;

use crate::common::{Scratch, bin, scenario, scratch};

fn tmp(name: &str) -> Scratch {
    scratch(&format!("fit-{name}"))
}

#[test]
fn kaplan_meier_matches_hand_computed_example() {
    // Waits: 1 (abandoned), 2 (answered), 3, 3 (abandoned), 4 (answered), 5 (abandoned).
    // t=1: 6 at risk, 1 event: S = 5/6.
    // t=3: 4 at risk (1 left at t=1, 1 censored at t=2), 2 events: S = 5/6 * 2/4 = 5/12.
    // t=5: 1 at risk (censored at 4), 1 event: S = 0.
    // Greenwood at t=3: S * sqrt(1/(6*5) + 2/(4*2)) = 5/12 * sqrt(0.283333) = 0.221787.
    let data = [
        (1.0, 1, 0),
        (2.0, 0, 1),
        (3.0, 2, 0),
        (4.0, 0, 1),
        (5.0, 1, 0),
    ];
    let km = kaplan_meier(&data);
    let expect = [(1.0, 6, 5.0 / 6.0), (3.0, 4, 5.0 / 12.0), (5.0, 1, 0.0)];
    assert_eq!(km.len(), 3);
    for (s, (t, n, surv)) in km.iter().zip(expect) {
        assert_eq!(s.time, t);
        assert_eq!(s.at_risk, n);
        assert!((s.survival - surv).abs() < 1e-12, "S({t}) = {}", s.survival);
    }
    assert!((km[0].se - 0.152145).abs() < 1e-6, "{}", km[0].se);
    assert!((km[1].se - 0.221787).abs() < 1e-6, "{}", km[1].se);
    assert_eq!(median(&km), Some(3.0));
    // Area under S: 1*1 + 5/6*2 + 5/12*2 = 3.5.
    assert!((restricted_mean(&km, 5.0) - 3.5).abs() < 1e-12);
    // A censored wait tied with an event counts as at risk at that time:
    // events at 2 and 4, censored at 2. t=2: 3 at risk, S = 2/3; t=4: 1 at risk, S = 0.
    let km = kaplan_meier(&[(2.0, 1, 1), (4.0, 1, 0)]);
    assert_eq!(km[0].at_risk, 3);
    assert!((km[0].survival - 2.0 / 3.0).abs() < 1e-12);
    assert_eq!(km[1].at_risk, 1);
    assert_eq!(km[1].survival, 0.0);
}

/// A week of a moderate, busy single queue open 08:00-20:00 with rates and
/// staffing that vary per half hour, lognormal handling and the given patience.
fn round_trip_scenario(patience: &str) -> String {
    let rates = [
        200, 260, 320, 380, 420, 420, 400, 380, 340, 300, 280, 280, 300, 320, 320, 300, 280, 260,
        240, 220, 200, 180, 160, 140,
    ];
    let agents: Vec<u32> = rates
        .iter()
        .map(|&r| (f64::from(r) * 180.0 / 3600.0 * 0.98).round() as u32 + 1)
        .collect();
    format!(
        r#"
[horizon]
start = 2025-01-06
days = 7
interval_minutes = 30

[run]
replications = 20
seed = 11

[[service]]
name = "s"
open = "08:00-20:00"
targets = {{ answered_within_s = 20 }}

[[call_type]]
name = "c"
service = "s"
arrivals = {{ per_hour = {rates:?}, from = "08:00" }}
handling = {{ dist = "lognormal", mean_s = 180, cv = 0.8 }}
patience = {patience}

[[agent_group]]
name = "g"
skills = ["c"]
from = "08:00"
agents = {agents:?}
"#
    )
}

/// gen-log, fit and back-test; returns the original and fitted scenarios.
fn round_trip(name: &str, patience: &str) -> (Scenario, Scenario) {
    let original = scenario(&round_trip_scenario(patience));
    let dir = tmp(name);
    let (calls, staffing) = (dir.join("calls.csv"), dir.join("staffing.csv"));
    std::fs::write(&calls, call_log_csv(&original, 11, 0)).unwrap();
    std::fs::write(&staffing, staffing_csv(&original)).unwrap();
    let res = fit::fit(&calls, Some(&staffing), &FitOptions::default()).unwrap();
    let text = res.scenario_toml("fitted");
    let fitted = Scenario::from_toml(&text, "fitted.toml", "fitted")
        .unwrap_or_else(|e| panic!("{e}\n{text}"));

    // Volumes within 3%: expected calls of the original vs the fitted rates.
    let volume = |sc: &Scenario| -> f64 {
        (0..sc.horizon.days as usize)
            .map(|d| {
                let w = sc.horizon.weekday(d).index();
                sc.call_types[0].rate_per_s[w].iter().sum::<f64>()
                    * f64::from(sc.horizon.interval_s)
            })
            .sum()
    };
    let (v0, v1) = (volume(&original), volume(&fitted));
    assert!((v1 / v0 - 1.0).abs() < 0.03, "volume {v1} vs {v0}");
    // (A half hour holds about 150 calls, Poisson noise of 8%: the check is on the total.)
    let ct = &fitted.call_types[0];
    let h = ct.handling.mean();
    assert!((h / 180.0 - 1.0).abs() < 0.03, "handling mean {h}");
    assert!(
        matches!(ct.handling, DurationDist::LogNormal { .. }),
        "{:?}",
        ct.handling
    );
    // Staffing reproduced exactly from the table.
    assert_eq!(fitted.groups[0].staffing, original.groups[0].staffing);
    assert_eq!(fitted.horizon.days, 7);

    // Back-test: the fitted scenario's service level within 2 points of the original's.
    let opts = RunOptions {
        replications: Some(20),
        seed: Some(5),
        threads: None,
    };
    let sl = |sc: &Scenario| {
        experiment::run(sc, &opts, None).unwrap().summary.call_types[0]
            .kpis
            .get(Kpi::ServiceLevel)
            .unwrap()
            .mean
    };
    let (s0, s1) = (sl(&original), sl(&fitted));
    assert!((s1 - s0).abs() < 0.02, "service level {s1} vs {s0}");
    (original, fitted)
}

#[test]
fn round_trip_exponential_patience() {
    let (_, fitted) = round_trip("exp", r#"{ dist = "exponential", mean_s = 120 }"#);
    let p = fitted.call_types[0].patience.unwrap();
    assert!((p.mean() / 120.0 - 1.0).abs() < 0.10, "patience {p:?}");
}

#[test]
fn round_trip_weibull_patience() {
    let (_, fitted) = round_trip(
        "weibull",
        r#"{ dist = "weibull", mean_s = 120, shape = 0.7 }"#,
    );
    let p = fitted.call_types[0].patience.unwrap();
    assert!((p.mean() / 120.0 - 1.0).abs() < 0.10, "patience {p:?}");
    match p {
        DurationDist::Weibull { shape, .. } => assert!((shape - 0.7).abs() < 0.07, "shape {shape}"),
        other => panic!("expected a Weibull, got {other:?}"),
    }
}

const HEADER: &str = "arrival,call_type,answered,end,group,caller,outcome\n";

fn write_log(dir: &std::path::Path, rows: &str) -> PathBuf {
    let p = dir.join("bad.csv");
    std::fs::write(&p, format!("{HEADER}{rows}")).unwrap();
    p
}

#[test]
fn bad_rows_name_file_line_and_column() {
    let dir = tmp("bad");
    let good = "2025-01-13T08:00:00,c,2025-01-13T08:00:05,2025-01-13T08:04:00,g,a1,answered\n\
                2025-01-13T08:01:00,c,,2025-01-13T08:01:30,,a2,abandoned\n";
    let cases = [
        (
            "2025-01-13T08:02:00,c,2025-13-13T08:02:05,2025-01-13T08:04:00,g,a3,answered\n",
            "`answered` (3)",
            "not a timestamp",
        ),
        (
            "2025-01-13T08:02:00,c,2025-01-13T08:01:05,2025-01-13T08:04:00,g,a3,answered\n",
            "`answered` (3)",
            "answered before arrival",
        ),
        (
            "2025-01-13T08:02:00,c,2025-01-13T08:02:05,2025-01-13T08:02:01,g,a3,answered\n",
            "`end` (4)",
            "end before answer",
        ),
        (
            "2025-01-13T08:02:00,c,,2025-01-13T08:04:00,g,a3,hungup\n",
            "`outcome` (7)",
            "not an outcome",
        ),
        (
            "2025-01-13T08:02:00,c,,2025-01-13T08:04:00,g,a3,answered\n",
            "`answered` (3)",
            "answered time is empty",
        ),
    ];
    for (bad, column, what) in cases {
        let p = write_log(&dir, &format!("{good}{bad}"));
        let out = bin()
            .args([
                "fit",
                p.to_str().unwrap(),
                "--out",
                dir.join("f.toml").to_str().unwrap(),
            ])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(err.contains("bad.csv:4:"), "{err}");
        assert!(err.contains(column), "{err}");
        assert!(err.contains(what), "{err}");
        let out = bin()
            .args([
                "fit",
                p.to_str().unwrap(),
                "--skip-bad",
                "--out",
                dir.join("f.toml").to_str().unwrap(),
            ])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{err}");
        assert!(err.contains("skipped 1 bad row(s) of 3"), "{err}");
    }
    // A short row names its line.
    let p = write_log(&dir, &format!("{good}2025-01-13T08:02:00,c\n"));
    let out = bin()
        .args([
            "fit",
            p.to_str().unwrap(),
            "--out",
            dir.join("f.toml").to_str().unwrap(),
        ])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("bad.csv:4: 2 field(s) where the header has 7"),
        "{err}"
    );
    // Duplicated and out-of-order rows are reported, not fatal.
    let second = good.lines().nth(1).unwrap();
    let p = write_log(
        &dir,
        &format!("{good}{second}\n2025-01-13T07:59:00,c,,2025-01-13T07:59:10,,a9,abandoned\n"),
    );
    let out = bin()
        .args([
            "fit",
            p.to_str().unwrap(),
            "--out",
            dir.join("f.toml").to_str().unwrap(),
        ])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains("1 row(s) out of arrival order (first at line 5)"),
        "{err}"
    );
    assert!(
        err.contains("left out 1 duplicated row(s) (first at line 4)"),
        "{err}"
    );
    assert!(err.contains("ASSUMPTION"), "{err}");
    // A missing column is named.
    std::fs::write(dir.join("nocol.csv"), "arrival,call_type,end,outcome\n").unwrap();
    let out = bin()
        .args([
            "fit",
            dir.join("nocol.csv").to_str().unwrap(),
            "--out",
            dir.join("f.toml").to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no `answered` column"));
}

#[test]
fn gen_log_fit_and_backtest_from_the_command_line() {
    let dir = tmp("cli");
    let sc = dir.join("rt.toml");
    std::fs::write(
        &sc,
        round_trip_scenario(r#"{ dist = "exponential", mean_s = 120 }"#),
    )
    .unwrap();
    let (calls, staffing, fitted) = (
        dir.join("calls.csv"),
        dir.join("staffing.csv"),
        dir.join("fitted.toml"),
    );
    let out = bin()
        .args([
            "gen-log",
            sc.to_str().unwrap(),
            "--out",
            calls.to_str().unwrap(),
            "--staffing-out",
            staffing.to_str().unwrap(),
            "--seed",
            "3",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let log = std::fs::read_to_string(&calls).unwrap();
    assert!(log.starts_with(HEADER));
    let arrivals: Vec<&str> = log.lines().skip(1).map(|l| &l[..23]).collect();
    assert!(
        arrivals.windows(2).all(|w| w[0] <= w[1]),
        "rows sorted by arrival"
    );
    assert!(
        std::fs::read_to_string(&staffing)
            .unwrap()
            .starts_with("date,interval_start,group,agents\n2025-01-06,00:00,g,0\n")
    );
    let out = bin()
        .args([
            "fit",
            calls.to_str().unwrap(),
            "--staffing",
            staffing.to_str().unwrap(),
            "--out",
            fitted.to_str().unwrap(),
            "--backtest",
            "-r",
            "5",
            "-q",
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("Back-test"), "{stdout}");
    assert!(stdout.contains("overall"), "{stdout}");
    assert!(stdout.contains("mon 08:00"), "{stdout}");
    let text = std::fs::read_to_string(&fitted).unwrap();
    assert!(text.contains("# Patience, n = "), "{text}");
    assert!(text.contains("Kaplan-Meier"), "{text}");
    assert!(
        bin()
            .arg("check")
            .arg(&fitted)
            .output()
            .unwrap()
            .status
            .success()
    );
}

#[test]
fn redials_and_zones_from_caller_ids() {
    let dir = tmp("redial");
    // x abandons at 08:00:30 and calls again at 08:01:30 (a redial after 60 s);
    // y abandons and never calls back; z is answered. Times carry a +01:00 zone.
    let rows = "2025-01-13T08:00:00+01:00,c,,2025-01-13T08:00:30+01:00,,x,abandoned\n\
                2025-01-13T08:00:10+01:00,c,,2025-01-13T08:00:20+01:00,,y,abandoned\n\
                2025-01-13T08:00:40+01:00,c,2025-01-13T08:00:50+01:00,2025-01-13T08:03:50+01:00,g,z,answered\n\
                2025-01-13T08:01:30+01:00,c,2025-01-13T08:01:31+01:00,2025-01-13T08:05:31+01:00,g,x,answered\n";
    // Rows must be in arrival order for the redial window: sort them.
    let mut lines: Vec<&str> = rows.lines().collect();
    lines.sort();
    let p = write_log(&dir, &(lines.join("\n") + "\n"));
    let res = fit::fit(&p, None, &FitOptions::default()).unwrap();
    let r = res.call_types[0].redials.unwrap();
    assert_eq!((r.abandoned_with_id, r.redialed), (2, 1));
    assert!((r.mean_delay_s - 60.0).abs() < 1e-9);
    assert_eq!(res.call_types[0].handling.n, 2);
    assert!((res.call_types[0].handling.mean() - 210.0).abs() < 1e-9);
    let text = res.scenario_toml("r");
    assert!(text.contains("share 0.5000"), "{text}");
    assert!(text.contains("ASSUMPTION"), "{text}");
    Scenario::from_toml(&text, "r.toml", "r").unwrap_or_else(|e| panic!("{e}\n{text}"));
}

#[test]
fn day_to_day_overdispersion_is_fitted_into_day_cv() {
    // Four weeks with a gamma day factor of cv 0.2: the fitted scenario
    // carries day_cv close to it (21 degrees of freedom pooled over the
    // weekdays: a standard error of about 0.03 on c).
    let text = round_trip_scenario(r#"{ dist = "exponential", mean_s = 120 }"#)
        .replace("days = 7", "days = 28")
        .replace("cv = 0.8 }", "cv = 0.8 }\nday_cv = 0.2");
    let original = scenario(&text);
    let dir = tmp("day-cv");
    let calls = dir.join("calls.csv");
    std::fs::write(&calls, call_log_csv(&original, 11, 0)).unwrap();
    let res = fit::fit(&calls, None, &FitOptions::default()).unwrap();
    let out = res.scenario_toml("fitted");
    let fitted = Scenario::from_toml(&out, "fitted.toml", "fitted").unwrap();
    let c = fitted.call_types[0].day_cv;
    assert!((c - 0.2).abs() < 0.08, "day_cv {c}\n{out}");
    // Without a day factor the estimate is near 0.
    let plain = scenario(&text.replace("\nday_cv = 0.2", ""));
    let dir = tmp("no-day-cv");
    let calls = dir.join("calls.csv");
    std::fs::write(&calls, call_log_csv(&plain, 11, 0)).unwrap();
    let res = fit::fit(&calls, None, &FitOptions::default()).unwrap();
    let fitted =
        Scenario::from_toml(&res.scenario_toml("fitted"), "fitted.toml", "fitted").unwrap();
    assert!(
        fitted.call_types[0].day_cv < 0.05,
        "{}",
        fitted.call_types[0].day_cv
    );
}
