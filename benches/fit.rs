//! Speed of `ccsim fit` on a synthetic log: three days of
//! scenarios/fit-demo.toml (about 147,000 calls), written once to a
//! temporary file, then fitted with its staffing table; throughput in calls
//! (rows) per second. The 1,000,000-call figure of docs/fit.md is measured
//! with the command line on the whole four weeks.

use std::hint::black_box;
use std::path::Path;

use ccsim::fit::synth::{call_log_csv, staffing_csv};
use ccsim::fit::{self, FitOptions};
use ccsim::scenario::Scenario;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn bench(c: &mut Criterion) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/fit-demo.toml");
    let mut sc = Scenario::load(&path).expect("scenarios/fit-demo.toml is valid");
    sc.horizon.days = 3;
    let dir = std::env::temp_dir().join(format!("ccsim-bench-fit-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temporary folder");
    let (calls, staffing) = (dir.join("calls.csv"), dir.join("staffing.csv"));
    let log = call_log_csv(&sc, 1, 0);
    let rows = log.lines().count() as u64 - 1;
    std::fs::write(&calls, log).expect("write the log");
    std::fs::write(&staffing, staffing_csv(&sc)).expect("write the staffing");
    let mut g = c.benchmark_group("fit");
    g.sample_size(10);
    g.throughput(Throughput::Elements(rows));
    g.bench_function("fit_demo_3_days", |b| {
        b.iter(|| {
            black_box(fit::fit(&calls, Some(&staffing), &FitOptions::default()).expect("fit"))
        })
    });
    g.finish();
    let _ = std::fs::remove_dir_all(&dir);
}

criterion_group!(benches, bench);
criterion_main!(benches);
