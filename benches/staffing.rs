//! Staffing speed (issue 5):
//!
//! * `staffing/staff_cup_week`: `ccsim staff` on the CUP-like scenario
//!   (scenarios/cup-weekday.toml) cut to Monday-Friday, 30-minute intervals,
//!   100 replications per simulation; target under 60 s on 2 cores.
//! * `staffing/sweep_21x100_one_day`: a sweep of 21 levels (15..35 agents) x
//!   100 replications of one day of scenarios/minimal.toml; target under 10 s.
//! * `staffing_semester/staff_cup_2025h1` and `staff_cc_2025h1`: `ccsim staff`
//!   on the shipped semesters (every interval, 95% confidence, their 100
//!   replications); target under 60 s each on 2 cores. Ten samples of
//!   about 45 s each: run them alone,
//!   `cargo bench --bench staffing -- staffing_semester`.
//!
//! Throughput is counted in simulated calls (expected calls per replication
//! times replications run).

use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use ccsim::optimize::staff::{self, StaffOptions};
use ccsim::optimize::sweep::{self, Levels, SweepOptions};
use ccsim::scenario::Scenario;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn load(name: &str, days: u32) -> Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(name);
    let mut sc = Scenario::load(&path).expect("shipped scenarios are valid");
    sc.horizon.days = days;
    sc
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("staffing");
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(30));

    let week = load("cup-weekday.toml", 5);
    let calls = ccsim::model::Center::new(&week).expected_calls();
    // About 20 simulations of 100 replications per staffing search.
    g.throughput(Throughput::Elements((calls * 100.0 * 20.0) as u64));
    g.bench_function("staff_cup_week", |b| {
        b.iter(|| black_box(staff::run(&week, &StaffOptions::default()).expect("staff")))
    });

    let day = load("minimal.toml", 1);
    let calls = ccsim::model::Center::new(&day).expected_calls();
    g.throughput(Throughput::Elements((calls * 100.0 * 21.0) as u64));
    let opts = SweepOptions {
        group: "agents".into(),
        levels: Levels::Agents((15..=35).collect()),
        replications: Some(100),
        seed: Some(1),
        threads: None,
        confidence: 0.95,
        only: None,
    };
    g.bench_function("sweep_21x100_one_day", |b| {
        b.iter(|| black_box(sweep::run(&day, &opts).expect("sweep")))
    });
    g.finish();
}

fn semester(c: &mut Criterion) {
    let mut g = c.benchmark_group("staffing_semester");
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(60));
    for (name, file) in [
        ("staff_cup_2025h1", "cup-2025h1-status-quo.toml"),
        ("staff_cc_2025h1", "cc-2025h1-status-quo.toml"),
    ] {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("scenarios")
            .join(file);
        let sc = Scenario::load(&path).expect("shipped scenarios are valid");
        g.bench_function(name, |b| {
            b.iter(|| black_box(staff::run(&sc, &StaffOptions::default()).expect("staff")))
        });
    }
    g.finish();
}

criterion_group!(benches, bench, semester);
criterion_main!(benches);
