//! The simulation of a single queue agrees with exact Erlang C and Erlang A.
//!
//! Each case runs R replications of a long steady-state horizon after a
//! warm-up of 100 mean handling times. A KPI passes when the exact value lies
//! within the 95% confidence interval of the replication mean, widened by a
//! small allowance for the bias of starting empty and of ratio estimators
//! (0.003 on shares, 2% + 0.2 s on the ASA). Seeds are fixed, so the test is
//! deterministic; a failure means the simulation and the formula disagree by
//! more than sampling noise.

use ccsim::analytic::Queue;
use ccsim::stats::Kpi;

use crate::common::{SingleQueue, run, scenario};

struct Case {
    n: u32,
    load_per_agent: f64,
    aht: f64,
    patience: Option<f64>,
    threshold: f64,
}

const fn case(
    n: u32,
    load_per_agent: f64,
    aht: f64,
    patience: Option<f64>,
    threshold: f64,
) -> Case {
    Case {
        n,
        load_per_agent,
        aht,
        patience,
        threshold,
    }
}

const CASES: [Case; 16] = [
    case(1, 0.5, 240.0, None, 20.0),
    case(1, 0.9, 180.0, Some(600.0), 60.0),
    case(3, 0.8, 240.0, Some(120.0), 20.0),
    case(5, 1.1, 300.0, Some(300.0), 60.0),
    case(10, 0.7, 240.0, None, 20.0),
    case(10, 1.3, 240.0, Some(30.0), 20.0),
    case(22, 20.0 / 22.0, 240.0, Some(120.0), 20.0),
    case(25, 1.0, 200.0, Some(60.0), 60.0),
    case(50, 0.9, 240.0, None, 20.0),
    case(50, 1.2, 180.0, Some(600.0), 20.0),
    case(100, 0.9, 240.0, Some(180.0), 60.0),
    case(150, 1.05, 300.0, Some(90.0), 20.0),
    case(200, 0.95, 240.0, None, 60.0),
    case(300, 0.5, 240.0, Some(600.0), 20.0),
    case(300, 1.3, 240.0, Some(300.0), 60.0),
    case(300, 0.97, 240.0, Some(45.0), 20.0),
];

#[test]
fn simulation_matches_erlang_c_and_a() {
    let mut failures = Vec::new();
    for (i, c) in CASES.iter().enumerate() {
        let per_hour = c.load_per_agent * f64::from(c.n) * 3600.0 / c.aht;
        // About 40,000 counted calls per replication.
        let warmup_min = 100.0 * c.aht / 60.0;
        let days = ((40_000.0 / per_hour + warmup_min / 60.0) / 24.0).ceil() as u32;
        let text = SingleQueue {
            per_hour,
            aht_s: c.aht,
            patience_s: c.patience,
            agents: c.n,
            threshold_s: c.threshold,
            days,
            warmup_minutes: warmup_min,
            replications: 20,
            seed: 1000 + i as u64,
        }
        .toml();
        let s = run(&scenario(&text));
        let k = &s.services[0].kpis;
        let exact = Queue {
            lambda_per_s: per_hour / 3600.0,
            aht_s: c.aht,
            n: c.n,
            patience_s: c.patience,
        }
        .metrics(c.threshold)
        .expect("exact metrics");
        let checks = [
            (Kpi::ServiceLevel, exact.service_level, 0.003),
            (Kpi::AbandonRate, exact.p_abandon, 0.003),
            (Kpi::AsaS, exact.asa_s, 0.02 * exact.asa_s + 0.2),
            (Kpi::Occupancy, exact.occupancy, 0.003),
        ];
        for (kpi, want, allowance) in checks {
            let e = k.get(kpi).expect("kpi");
            let tol = e.ci95 + allowance;
            let line = format!(
                "case {i} n={} load/agent={:.3} patience={:?} t={}: {} sim {:.5} ± {:.5} exact {:.5} (z = {:.2})",
                c.n,
                c.load_per_agent,
                c.patience,
                c.threshold,
                kpi.name(),
                e.mean,
                e.ci95,
                want,
                (e.mean - want) / (e.ci95 / 2.093)
            );
            println!("{line}");
            if (e.mean - want).abs() > tol || e.mean.is_nan() {
                failures.push(line);
            }
        }
    }
    assert!(
        failures.is_empty(),
        "disagreements:\n{}",
        failures.join("\n")
    );
}

#[test]
fn infinite_agents_never_wait() {
    let s = run(&scenario(
        &SingleQueue {
            per_hour: 600.0,
            aht_s: 240.0,
            patience_s: Some(60.0),
            agents: 200,
            threshold_s: 20.0,
            days: 2,
            warmup_minutes: 0.0,
            replications: 4,
            seed: 3,
        }
        .toml(),
    ));
    let k = &s.services[0].kpis;
    assert_eq!(k.get(Kpi::ServiceLevel).unwrap().mean, 1.0);
    assert_eq!(k.get(Kpi::AbandonRate).unwrap().mean, 0.0);
    assert_eq!(k.get(Kpi::AsaS).unwrap().mean, 0.0);
}

/// The exact blocking probability of M/M/c/K: `c` agents, `lines` waiting
/// lines (K = c + lines), offered load `a` Erlangs, no abandonment. By
/// PASTA, an arrival is blocked with the stationary probability that the
/// system holds K calls: p(n) ~ a^n / n! up to c, then a^c / c! (a/c)^(n-c).
fn mmck_blocking(c: u32, lines: u32, a: f64) -> f64 {
    let mut term = 1.0; // a^n / n!, then times (a/c) beyond c
    let mut sum = 1.0;
    for n in 1..=(c + lines) {
        term *= if n <= c {
            a / f64::from(n)
        } else {
            a / f64::from(c)
        };
        sum += term;
    }
    term / sum
}

/// Issue 14: `service.max_waiting` gives a finite queue. With no waiting
/// line it is Erlang B (M/M/c/c); with 5 lines, M/M/c/c+5.
#[test]
fn issue14_max_waiting_reproduces_erlang_b_and_mmck() {
    for (agents, lines, per_hour) in [(10u32, 0u32, 120.0), (10, 5, 150.0)] {
        let q = SingleQueue {
            per_hour,
            aht_s: 300.0,
            patience_s: None,
            agents,
            threshold_s: 20.0,
            days: 5,
            warmup_minutes: 500.0,
            replications: 20,
            seed: 21,
        };
        let text = q.toml().replace(
            "name = \"s\"",
            &format!("name = \"s\"\nmax_waiting = {lines}"),
        );
        let s = run(&scenario(&text));
        let a = per_hour * 300.0 / 3600.0;
        let exact = mmck_blocking(agents, lines, a);
        if lines == 0 {
            let b = ccsim::analytic::erlang_b(agents, a);
            assert!((exact - b).abs() < 1e-12, "{exact} vs Erlang B {b}");
        }
        let k = |x: Kpi| s.services[0].kpis.get(x).expect("kpi");
        let blocked = k(Kpi::BlockedShare);
        assert!(
            (blocked.mean - exact).abs() <= blocked.ci95 + 0.003,
            "{agents} agents, {lines} lines, {a} Erlangs: simulated {blocked:?}, exact {exact}"
        );
        assert!(exact > 0.05, "a case where blocking matters: {exact}");
        // Blocked calls are neither offered, answered nor abandoned.
        assert_eq!(k(Kpi::Abandoned).mean, 0.0);
        assert!(k(Kpi::Offered).mean - k(Kpi::Answered).mean <= f64::from(lines) + 1.0);
    }
}
