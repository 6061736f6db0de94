//! Calibration from what centers export (issue 15): round trips through a
//! call log and an interval report with redials and unknown availability,
//! the back-test's prediction bands, real logs' flaws, the waiting-time head
//! start, and bad values of every new flag.

use std::path::{Path, PathBuf};

use ccsim::experiment::{self, RunOptions};
use ccsim::fit::synth::{call_log_of, interval_report_of, staffing_csv, traced_calls};
use ccsim::fit::{self, FitOptions, FitResult};
use ccsim::scenario::Scenario;
use ccsim::stats::Kpi;

use crate::common::{Scratch, bin, fails_with, scenario, scratch};

fn tmp(name: &str) -> Scratch {
    scratch(&format!("cal-{name}"))
}

/// Two weeks of a busy single queue open 08:00-20:00: lognormal handling
/// (mean 180 s), exponential patience (mean 120 s), half of the abandoning
/// callers redial after about 5 minutes, and 20% of the scheduled agents
/// unavailable (what a staffing export does not show).
fn truth() -> String {
    let rates = [
        200, 260, 320, 380, 420, 420, 400, 380, 340, 300, 280, 280, 300, 320, 320, 300, 280, 260,
        240, 220, 200, 180, 160, 140,
    ];
    let agents: Vec<u32> = rates
        .iter()
        .map(|&r| (f64::from(r) * 180.0 / 3600.0 * 0.98 / 0.8).round() as u32 + 1)
        .collect();
    format!(
        r#"
[horizon]
start = 2025-01-06
days = 14
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
patience = {{ dist = "exponential", mean_s = 120 }}
redial = {{ probability = 0.5, delay = {{ dist = "exponential", mean_s = 300 }} }}

[[agent_group]]
name = "g"
skills = ["c"]
from = "08:00"
agents = {agents:?}
shrinkage = 0.2
"#
    )
}

/// First attempts per horizon of a scenario (expected, from its rates).
fn first_attempts(sc: &Scenario) -> f64 {
    (0..sc.horizon.days as usize)
        .map(|d| {
            let w = sc.horizon.weekday(d).index();
            sc.call_types[0].rate_per_s[w].iter().sum::<f64>() * f64::from(sc.horizon.interval_s)
        })
        .sum()
}

/// Validates the fitted scenario, calibrates its availability, validates
/// again and back-tests it; returns the calibrated scenario, the shrinkage
/// and the service-level coverage.
fn calibrate_and_backtest(mut res: FitResult) -> (Scenario, f64, f64, String) {
    let ro = RunOptions {
        replications: Some(20),
        seed: Some(1),
        threads: None,
    };
    let sc = Scenario::from_toml(&res.scenario_toml("f"), "f.toml", "f").unwrap();
    let av = fit::calibrate::run(&res, &sc, &ro).unwrap();
    assert!(av.lo <= av.shrinkage && av.shrinkage <= av.hi, "{av:?}");
    res.availability = Some(av);
    let text = res.scenario_toml("f");
    assert!(
        text.contains("# Availability calibrated by simulation"),
        "{text}"
    );
    let sc = Scenario::from_toml(&text, "f.toml", "f").unwrap_or_else(|e| panic!("{e}\n{text}"));
    let out = experiment::run(&sc, &ro, None).unwrap();
    let tests = fit::backtest::judge(&res, &out.summary);
    let j = tests[0]
        .judged
        .iter()
        .find(|j| j.kpi == Kpi::ServiceLevel)
        .copied()
        .unwrap();
    assert!(j.n > 150, "{j:?}");
    (
        sc,
        av.shrinkage,
        j.coverage,
        fit::backtest_report(&res, &out.summary),
    )
}

/// Fits the call log and staffing table of `original`'s replication 0 with
/// seed 3, written in a temporary folder named after `name`; returns the fit
/// and the number of calls logged.
fn fit_own_log(original: &Scenario, name: &str) -> (FitResult, usize) {
    let dir = tmp(name);
    let (calls, staffing) = (dir.join("calls.csv"), dir.join("staffing.csv"));
    let trace = traced_calls(original, 3, 0);
    std::fs::write(&calls, call_log_of(original, &trace)).unwrap();
    std::fs::write(&staffing, staffing_csv(original)).unwrap();
    let res = fit::fit(&calls, Some(&staffing), &FitOptions::default()).unwrap();
    (res, trace.len())
}

#[test]
fn round_trip_call_log_with_redials_and_unknown_availability() {
    let original = scenario(&truth());
    let (res, logged) = fit_own_log(&original, "log");
    let (fitted, shrinkage, coverage, report) = calibrate_and_backtest(res);
    // First attempts within 3% (redials are left to the redial field).
    let (v0, v1) = (first_attempts(&original), first_attempts(&fitted));
    assert!((v1 / v0 - 1.0).abs() < 0.03, "first attempts {v1} vs {v0}");
    let ct = &fitted.call_types[0];
    let h = ct.handling.mean();
    assert!((h / 180.0 - 1.0).abs() < 0.03, "handling {h}");
    let p = ct.patience.unwrap().mean();
    assert!((p / 120.0 - 1.0).abs() < 0.10, "patience {p}");
    let r = ct.redial.as_ref().expect("a redial field");
    assert!((r.probability - 0.5).abs() < 0.05, "redial {r:?}");
    assert!((shrinkage - 0.2).abs() < 0.03, "shrinkage {shrinkage}");
    assert!(
        (0.90..=0.99).contains(&coverage),
        "coverage {coverage}\n{report}"
    );
    // The fitted scenario makes its own redials and reproduces the log's
    // total attempts within 3%.
    let ro = RunOptions {
        replications: Some(10),
        seed: Some(2),
        threads: None,
    };
    let offered = experiment::run(&fitted, &ro, None)
        .unwrap()
        .summary
        .call_types[0]
        .kpis
        .get(Kpi::Offered)
        .unwrap()
        .mean;
    let logged = logged as f64;
    assert!(
        (offered / logged - 1.0).abs() < 0.03,
        "attempts {offered} vs {logged}"
    );
}

#[test]
fn round_trip_interval_report_with_unknown_availability() {
    let original = scenario(&truth());
    let dir = tmp("report");
    let report = dir.join("report.csv");
    let trace = traced_calls(&original, 3, 0);
    std::fs::write(&report, interval_report_of(&original, &trace)).unwrap();
    let res = fit::intervals::fit_intervals(&report, &FitOptions::default()).unwrap();
    assert_eq!(
        res.options.threshold_s, 20.0,
        "threshold from the column name"
    );
    let text = res.scenario_toml("f");
    assert!(text.contains("ASSUMPTION: exponential (cv 1)"), "{text}");
    assert!(text.contains("Brown et al. (2005"), "{text}");
    let (fitted, shrinkage, coverage, report) = calibrate_and_backtest(res);
    // No caller ids in a report: the arrivals are every attempt.
    let (v0, v1) = (trace.len() as f64, first_attempts(&fitted));
    assert!((v1 / v0 - 1.0).abs() < 0.03, "attempts {v1} vs {v0}");
    let ct = &fitted.call_types[0];
    let h = ct.handling.mean();
    assert!((h / 180.0 - 1.0).abs() < 0.03, "handling {h}");
    let p = ct.patience.unwrap().mean();
    assert!((p / 120.0 - 1.0).abs() < 0.10, "patience {p}");
    assert!((shrinkage - 0.2).abs() < 0.03, "shrinkage {shrinkage}");
    assert!(
        (0.90..=0.99).contains(&coverage),
        "coverage {coverage}\n{report}"
    );
}

#[test]
fn a_misfit_is_judged_as_one() {
    // Without calibration the logged agents are all taken as available: the
    // simulated service level is far too high and the band's coverage shows it.
    let original = scenario(&truth());
    let (res, _) = fit_own_log(&original, "misfit");
    let sc = Scenario::from_toml(&res.scenario_toml("f"), "f.toml", "f").unwrap();
    let ro = RunOptions {
        replications: Some(20),
        seed: Some(1),
        threads: None,
    };
    let out = experiment::run(&sc, &ro, None).unwrap();
    let t = &fit::backtest::judge(&res, &out.summary)[0];
    let j = t
        .judged
        .iter()
        .find(|j| j.kpi == Kpi::ServiceLevel)
        .unwrap();
    assert!(j.coverage < 0.5 && j.bias > 0.1, "{j:?}");
    assert!(fit::backtest_report(&res, &out.summary).contains("MISFIT"));
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn line_numbers_are_right_with_crlf_and_mixed_line_ends() {
    let dir = tmp("crlf");
    let ok = "2025-01-13T08:00:00,a,2025-01-13T08:00:01,2025-01-13T08:03:00,answered";
    let bad = "2025-01-13T08:00:05,a,2025-13-13T08:00:01,2025-01-13T08:03:00,answered";
    let head = "arrival,call_type,answered,end,outcome";
    // The bad row is on line 4 in each file.
    for (name, text) in [
        ("crlf.csv", format!("{head}\r\n{ok}\r\n{ok}\r\n{bad}\r\n")),
        ("mixed.csv", format!("{head}\n{ok}\r\n{ok}\n{bad}\r\n")),
        ("cr.csv", format!("{head}\r{ok}\r\n{ok}\r{bad}\n")),
        (
            "quoted.csv",
            format!(
                "{head}\r\n{ok}\r\n\"2025-01-13T08:00:00\",\"a\",,\"2025-01-13T08:01:00\",abandoned\r\n{bad}\r\n"
            ),
        ),
    ] {
        let p = write(&dir, name, &text);
        let e = fit::fit(&p, None, &FitOptions::default())
            .unwrap_err()
            .to_string();
        assert!(
            e.contains(&format!("{name}:4: column `answered` (3)")),
            "{name}: {e}"
        );
    }
    // The staffing table too.
    let log = write(&dir, "ok.csv", &format!("{head}\n{ok}\n"));
    let st = write(
        &dir,
        "st.csv",
        "date,interval_start,group,agents\r\n2025-01-13,08:00,agents,3\r\n2025-01-13,25:00,agents,3\r\n",
    );
    let e = fit::fit(&log, Some(&st), &FitOptions::default())
        .unwrap_err()
        .to_string();
    assert!(e.contains("st.csv:3: column `interval_start`"), "{e}");
}

#[test]
fn clock_tolerance_counts_early_answers_as_no_wait() {
    let dir = tmp("clock");
    // Answered 2 s before the arrival (the agent system's clock runs early).
    let p = write(
        &dir,
        "calls.csv",
        "arrival,call_type,answered,end,outcome\n\
         2025-01-13T08:00:00,a,2025-01-13T07:59:58,2025-01-13T08:03:00,answered\n\
         2025-01-13T08:00:10,a,2025-01-13T08:00:30,2025-01-13T08:03:00,answered\n",
    );
    let e = fit::fit(&p, None, &FitOptions::default())
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("calls.csv:2") && e.contains("answered before arrival, by 2.000 s"),
        "{e}"
    );
    let opts = FitOptions {
        clock_tolerance_s: 5.0,
        ..FitOptions::default()
    };
    let res = fit::fit(&p, None, &opts).unwrap();
    assert_eq!(res.rows.clock_adjusted, 1);
    assert_eq!(res.rows.first_clock_adjusted_line, Some(2));
    let t = res.call_types[0].totals;
    // Waits 0 and 20 s: both within 20 s, ASA 10 s; handling from the logged answer.
    assert_eq!((t.answered, t.within), (2, 2));
    assert!((t.asa_s().unwrap() - 10.0).abs() < 1e-9);
    assert!((res.call_types[0].handling.mean() - (182.0 + 150.0) / 2.0).abs() < 1e-9);
    assert!(res.rows.lines("calls.csv")[0].contains("1 row(s)"));
}

#[test]
fn opening_hours_given_or_trimmed_to_the_share_of_calls() {
    let dir = tmp("open");
    // Monday: 400 calls 08:00-10:00 and 2 stray calls at 00:10.
    let mut rows = String::from("arrival,call_type,answered,end,outcome\n");
    for i in 0..2 {
        rows.push_str(&format!(
            "2025-01-13T00:1{i}:00,a,2025-01-13T00:1{i}:01,2025-01-13T00:1{i}:30,answered\n"
        ));
    }
    for i in 0..400 {
        let t = 8 * 3600 + i * 18;
        let ts = format!(
            "2025-01-13T{:02}:{:02}:{:02}",
            t / 3600,
            t % 3600 / 60,
            t % 60
        );
        rows.push_str(&format!("{ts},a,{ts},{ts},answered\n"));
    }
    let p = write(&dir, "calls.csv", &rows);
    let res = fit::fit(&p, None, &FitOptions::default()).unwrap();
    let ct = &res.call_types[0];
    // 2 of 402 calls = 0.5%: within the 0.5% left out by the default share.
    assert_eq!(ct.open[0], Some((8 * 3600, 10 * 3600)));
    assert_eq!(ct.outside_open, 2);
    assert_eq!(ct.daily[0].unwrap().mean, 400.0);
    // A share of 1 keeps them: open from 00:00.
    let all = FitOptions {
        open_share: 1.0,
        ..FitOptions::default()
    };
    assert_eq!(
        fit::fit(&p, None, &all).unwrap().call_types[0].open[0],
        Some((0, 10 * 3600))
    );
    // --open sets the hours.
    let given = FitOptions {
        open: Some(fit::parse_open("mon-fri=07:00-24:00,sat,sun=closed", 1800).unwrap()),
        ..FitOptions::default()
    };
    let res = fit::fit(&p, None, &given).unwrap();
    assert_eq!(res.call_types[0].open[0], Some((7 * 3600, 86_400)));
    assert_eq!(res.call_types[0].open[5], None);
    let text = res.scenario_toml("o");
    assert!(text.contains("as given by --open"), "{text}");
    assert!(text.contains("2 offered call(s)"), "{text}");
    Scenario::from_toml(&text, "o.toml", "o").unwrap_or_else(|e| panic!("{e}\n{text}"));
    for bad in [
        "mon-fri",
        "mon=09:00",
        "xyz=08:00-10:00",
        "mon=08:15-10:00",
        "mon=10:00-08:00",
    ] {
        assert!(fit::parse_open(bad, 1800).is_err(), "{bad}");
    }
}

/// A queue overloaded by two call types served by one agent: A has a head
/// start of `credit` seconds under longest-waiting selection.
fn credit_scenario(selection: &str, credit: Option<f64>, skills: &str) -> Scenario {
    let credit = credit.map_or(String::new(), |c| format!("priority_credit_s = {c}"));
    scenario(&format!(
        r#"
[horizon]
start = 2025-01-06
days = 1
interval_minutes = 60

[run]
replications = 1
seed = 4

[routing]
call_selection = "{selection}"

[[service]]
name = "s"
open = "08:00-11:00"

[[call_type]]
name = "a"
service = "s"
arrivals = {{ per_hour = 25 }}
handling = {{ dist = "exponential", mean_s = 100 }}
{credit}

[[call_type]]
name = "b"
service = "s"
arrivals = {{ per_hour = 25 }}
handling = {{ dist = "exponential", mean_s = 100 }}

[[agent_group]]
name = "g"
skills = {skills}
agents = 1
"#
    ))
}

#[test]
fn priority_credit_ranks_as_if_waited_longer() {
    let skills = r#"["b", "a"]"#;
    let run = |sc: &Scenario| traced_calls(sc, 4, 0);
    let with = run(&credit_scenario("longest_waiting", Some(90.0), skills));
    // The order, checked call by call: each call taken from the queue has the
    // longest wait plus credit among the calls waiting at that moment.
    let credit = |ct: u16| if ct == 0 { 90.0 } else { 0.0 };
    let mut from_queue = 0;
    for x in &with {
        let Some(t) = x.answered else { continue };
        if t <= x.arrival {
            continue;
        }
        from_queue += 1;
        for y in &with {
            let waiting = y.arrival <= t && y.answered.is_none_or(|a| a > t) && y.end > t;
            if waiting && !std::ptr::eq(x, y) {
                assert!(
                    x.arrival - credit(x.call_type) <= y.arrival - credit(y.call_type) + 1e-9,
                    "at {t}: took {x:?} before {y:?}"
                );
            }
        }
    }
    assert!(from_queue > 50, "{from_queue}");
    // Limit 0: pure longest waiting.
    let zero = run(&credit_scenario("longest_waiting", Some(0.0), skills));
    assert_eq!(zero, run(&credit_scenario("longest_waiting", None, skills)));
    assert_ne!(zero, with);
    // A huge credit: strict priority of a over b.
    let huge = run(&credit_scenario("longest_waiting", Some(1e6), skills));
    assert_eq!(
        huge,
        run(&credit_scenario("priority", None, r#"["a", "b"]"#))
    );
}

#[test]
fn new_flags_and_fields_refuse_bad_values() {
    let dir = tmp("flags");
    let sc = write(&dir, "t.toml", &truth().replace("days = 14", "days = 1"));
    let (calls, report) = (dir.join("calls.csv"), dir.join("report.csv"));
    let out = bin()
        .args([
            "gen-log",
            sc.to_str().unwrap(),
            "--out",
            calls.to_str().unwrap(),
            "--intervals-out",
            report.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(std::fs::read_to_string(&report).unwrap().starts_with(
        "interval_start,call_type,offered,answered,abandoned,answered_within_20s,aht,asa,ata,agents\n"
    ));
    let fitted = dir.join("f.toml");
    let f = fitted.to_str().unwrap();
    let c = calls.to_str().unwrap();
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec![c, "--clock-tolerance", "5min"], "--clock-tolerance"),
        (vec![c, "--clock-tolerance=-1s"], "-1s"),
        (vec![c, "--open", "mon-fri=08:00"], "--open mon-fri=08:00"),
        (vec![c, "--open-share", "1.5"], "--open-share 1.5"),
        (
            vec![c, "--calibrate-availability"],
            "--calibrate-availability",
        ),
        (vec![c, "--backtest-dir", "x"], "--backtest-dir"),
    ];
    for (args, needle) in cases {
        fails_with(bin().arg("fit").args(&args).args(["--out", f]), &[needle]);
    }
    // A bad value in an interval report names the file, line, column and value.
    let text = std::fs::read_to_string(&report).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let mut cells: Vec<String> = lines[3].split(',').map(str::to_string).collect();
    cells[2] = "12x".into();
    lines[3] = cells.join(",");
    let bad = write(&dir, "bad.csv", &(lines.join("\n") + "\n"));
    fails_with(
        bin().args(["fit", "--intervals", bad.to_str().unwrap(), "--out", f]),
        &["bad.csv:4: column `offered` (3): `12x`"],
    );
    // A missing report, a report without a required column, and an
    // interval report that cannot be written.
    fails_with(
        bin().args(["fit", "--intervals", "no-such-report.csv", "--out", f]),
        &["no-such-report.csv"],
    );
    let no_offered: String = text
        .lines()
        .map(|l| {
            let c: Vec<&str> = l.split(',').collect();
            format!("{},{}\n", c[..2].join(","), c[3..].join(","))
        })
        .collect();
    let bad = write(&dir, "no-offered.csv", &no_offered);
    fails_with(
        bin().args(["fit", "--intervals", bad.to_str().unwrap(), "--out", f]),
        &["no `offered` column"],
    );
    let folder = dir.join("a-folder");
    std::fs::create_dir_all(&folder).unwrap();
    fails_with(
        bin()
            .args(["gen-log", sc.to_str().unwrap(), "--out"])
            .arg(dir.join("c2.csv"))
            .arg("--intervals-out")
            .arg(&folder),
        &["--intervals-out", "a-folder"],
    );
    // Refused before anything was written: no call log is left behind.
    assert!(!dir.join("c2.csv").exists());
    // A negative credit in a scenario.
    let neg = write(
        &dir,
        "neg.toml",
        &truth().replace("patience = {", "priority_credit_s = -5\npatience = {"),
    );
    fails_with(bin().arg("check").arg(&neg), &["priority_credit_s", "-5"]);
    // A credit without longest-waiting selection.
    let prio = write(
        &dir,
        "prio.toml",
        &truth().replace("patience = {", "priority_credit_s = 90\npatience = {"),
    );
    fails_with(bin().arg("check").arg(&prio), &["longest_waiting"]);
    // The command-line round trip with the back-test folder.
    let bt = dir.join("bt");
    let out = bin()
        .args([
            "fit",
            "--intervals",
            report.to_str().unwrap(),
            "--out",
            f,
            "--backtest",
            "-r",
            "4",
            "-q",
            "--backtest-dir",
            bt.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("prediction band") && stdout.contains("in band"),
        "{stdout}"
    );
    assert!(bt.join("backtest.csv").is_file() && bt.join("backtest-1-c.png").is_file());
}

/// The bank's case with priority customers (`scenarios/fit-bank-priority.toml`):
/// one pool serving retail and priority queues by time in queue, priority
/// customers with a 30 s head start; redials, 20% unseen unavailability.
const PRIORITY_TRUTH: &str = include_str!("../scenarios/fit-bank-priority.toml");

/// First attempts per horizon of call type `name` (expected, from its rates).
fn first_attempts_of(sc: &Scenario, name: &str) -> f64 {
    let ct = sc.call_types.iter().find(|c| c.name == name).unwrap();
    (0..sc.horizon.days as usize)
        .map(|d| {
            let w = sc.horizon.weekday(d).index();
            ct.rate_per_s[w].iter().sum::<f64>() * f64::from(sc.horizon.interval_s)
        })
        .sum()
}

/// Calibrates the availability, chooses the routing (10 replications per
/// candidate), calibrates again under the chosen routing and back-tests
/// (20 replications): the calibrated scenario, the fit and the
/// service-level coverage per call type.
fn calibrate_choose_backtest(mut res: FitResult) -> (Scenario, FitResult, Vec<f64>, String) {
    let ro = |r| RunOptions {
        replications: Some(r),
        seed: Some(1),
        threads: None,
    };
    let validate = |res: &FitResult| {
        let text = res.scenario_toml("f");
        Scenario::from_toml(&text, "f.toml", "f").unwrap_or_else(|e| panic!("{e}\n{text}"))
    };
    res.availability = Some(fit::calibrate::run(&res, &validate(&res), &ro(20)).unwrap());
    let choice = fit::routing::choose(&res, &ro(10))
        .unwrap()
        .expect("one pool serves both queues: the routing is chosen");
    res.routing = Some(choice);
    res.availability = Some(fit::calibrate::run(&res, &validate(&res), &ro(20)).unwrap());
    let sc = validate(&res);
    let out = experiment::run(&sc, &ro(20), None).unwrap();
    let coverage = fit::backtest::judge(&res, &out.summary)
        .iter()
        .map(|t| {
            let j = t
                .judged
                .iter()
                .find(|j| j.kpi == Kpi::ServiceLevel)
                .unwrap();
            assert!(j.n > 150, "{j:?}");
            j.coverage
        })
        .collect();
    let report = fit::backtest_report(&res, &out.summary);
    (sc, res, coverage, report)
}

/// Checks handling, patience, shrinkage and band coverage of a fit of
/// [`PRIORITY_TRUTH`].
fn check_priority_fit(fitted: &Scenario, res: &FitResult, coverage: &[f64], report: &str) {
    for (name, h0, p0) in [("retail", 180.0, 120.0), ("priority", 240.0, 180.0)] {
        let ct = fitted.call_types.iter().find(|c| c.name == name).unwrap();
        let h = ct.handling.mean();
        assert!((h / h0 - 1.0).abs() < 0.03, "{name} handling {h}");
        let p = ct.patience.unwrap().mean();
        assert!((p / p0 - 1.0).abs() < 0.10, "{name} patience {p}");
    }
    let s = res.availability.unwrap().shrinkage;
    assert!((s - 0.2).abs() < 0.03, "shrinkage {s}");
    assert_eq!(fitted.groups.len(), 1, "one pool");
    for &c in coverage {
        assert!(
            (0.90..=0.99).contains(&c),
            "coverage {coverage:?}\n{report}"
        );
    }
    assert!(
        report.contains("Routing chosen by the back-test"),
        "{report}"
    );
    let ch = res.routing.as_ref().unwrap();
    let text = res.scenario_toml("f");
    assert!(
        text.contains("call_selection = \"longest_waiting\"")
            && text.contains("# Routing chosen by the back-test")
            && text.contains("#   * "),
        "{text}"
    );
    // Every candidate's figures are written, the winner marked, and no
    // candidate beats the winner by more than the tie margin.
    assert!(ch.scored.len() >= 4);
    let best = ch.scored[ch.chosen].score;
    assert!(
        ch.scored
            .iter()
            .all(|s| s.score >= best - fit::routing::TIE_POINTS),
        "{ch:?}"
    );
    let json = fit::routing::to_json(res, ch);
    assert_eq!(
        json["candidates"].as_array().unwrap().len(),
        ch.scored.len()
    );
    assert!(json["candidates"][0]["call_types"][0]["kpis"][1]["coverage"].is_f64());
}

#[test]
fn round_trip_call_log_with_priority_credit_chooses_the_routing() {
    let original = scenario(PRIORITY_TRUTH);
    let (res, _) = fit_own_log(&original, "prio-log");
    let (fitted, res, coverage, report) = calibrate_choose_backtest(res);
    check_priority_fit(&fitted, &res, &coverage, &report);
    for name in ["retail", "priority"] {
        let (v0, v1) = (
            first_attempts_of(&original, name),
            first_attempts_of(&fitted, name),
        );
        assert!(
            (v1 / v0 - 1.0).abs() < 0.03,
            "{name} first attempts {v1} vs {v0}"
        );
        let ct = fitted.call_types.iter().find(|c| c.name == name).unwrap();
        let r = ct.redial.as_ref().expect("a redial field");
        assert!((r.probability - 0.5).abs() < 0.05, "{name} redial {r:?}");
    }
    // Longest-waiting with the estimated head start for priority customers
    // wins; the estimate leans low (a head start longer than the retail
    // wait does not show): within 25% of the truth, 30 s.
    let ch = res.routing.as_ref().unwrap();
    let w = ch.winner();
    assert!(w.longest_waiting && w.label.contains("credit"), "{report}");
    let prio = fitted
        .call_types
        .iter()
        .find(|c| c.name == "priority")
        .unwrap();
    let retail = fitted
        .call_types
        .iter()
        .find(|c| c.name == "retail")
        .unwrap();
    assert_eq!(retail.priority_credit_s, 0.0);
    assert!(
        (prio.priority_credit_s / 30.0 - 1.0).abs() < 0.25,
        "credit {}\n{report}",
        prio.priority_credit_s
    );
    assert_eq!(
        fitted.routing.call_selection,
        ccsim::scenario::CallSelection::LongestWaiting
    );
}

#[test]
fn round_trip_interval_report_with_priority_credit_chooses_the_routing() {
    let original = scenario(PRIORITY_TRUTH);
    let dir = tmp("prio-report");
    let report = dir.join("report.csv");
    let trace = traced_calls(&original, 3, 0);
    std::fs::write(&report, interval_report_of(&original, &trace)).unwrap();
    let res = fit::intervals::fit_intervals(&report, &FitOptions::default()).unwrap();
    // The two queues report the same agents in every row: one pool, and the
    // routing between them is to be chosen.
    assert_eq!(res.groups.len(), 1);
    assert_eq!(res.groups[0].skills.len(), 2);
    let (fitted, res, coverage, text) = calibrate_choose_backtest(res);
    check_priority_fit(&fitted, &res, &coverage, &text);
    // A report has no caller ids: the arrivals are every attempt.
    for name in ["retail", "priority"] {
        let logged = trace
            .iter()
            .filter(|c| original.call_types[usize::from(c.call_type)].name == name)
            .count() as f64;
        let v1 = first_attempts_of(&fitted, name);
        assert!(
            (v1 / logged - 1.0).abs() < 0.03,
            "{name} attempts {v1} vs {logged}"
        );
    }
    // No per-call waits: the head start comes from the grid, and the
    // back-test picks longest-waiting with a head start for priority.
    let w = res.routing.as_ref().unwrap().winner();
    assert!(
        w.longest_waiting && w.label.contains("priority") && w.label.contains("grid"),
        "{text}"
    );
}
