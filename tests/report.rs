//! Plots and report folders: every plot kind renders to PNG and SVG with
//! text, and report.md carries the compliance table and how it was made.

use std::path::Path;

use ccsim::compare::compare;
use ccsim::experiment::{self, RunOptions};
use ccsim::report::document::{ReportInput, ReportRun, utc_timestamp, write_report};
use ccsim::report::plot::{self, Plot};
use ccsim::scenario::Scenario;
use ccsim::stats::{Estimate, Kpi, Summary};

use crate::common::{bin, root, scratch};

fn cup(file: &str, replications: u32) -> Summary {
    let sc = Scenario::load(&root().join("scenarios").join(file)).unwrap();
    let opts = RunOptions {
        replications: Some(replications),
        seed: Some(2025),
        threads: None,
    };
    experiment::run(&sc, &opts, None).unwrap().summary
}

/// Writes `p` and checks both files: a real PNG of the declared size and
/// an SVG with text in it.
fn check<P: Plot>(p: &P, dir: &Path, name: &str, must_say: &str) {
    let files = plot::save(p, &dir.join(name)).unwrap();
    let png = std::fs::read(&files.png).unwrap();
    assert!(png.len() > 5_000, "{name}.png has {} bytes", png.len());
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "{name}.png");
    let (w, h) = p.size();
    assert_eq!(u32::from_be_bytes(png[16..20].try_into().unwrap()), w);
    assert_eq!(u32::from_be_bytes(png[20..24].try_into().unwrap()), h);
    let svg = std::fs::read_to_string(&files.svg).unwrap();
    assert_eq!(svg, files.svg_text);
    assert!(svg.contains("<svg") && svg.contains("<text"), "{name}.svg");
    assert!(svg.contains(must_say), "{name}.svg lacks {must_say:?}");
}

#[test]
fn every_plot_kind_renders_to_png_and_svg() {
    let dir = scratch("plots");
    let base = cup("cup-weekday.toml", 5);
    let alt = cup("cup-weekday-more-staff.toml", 5);
    let svc = &base.services[0];
    check(
        &plot::interval_plot(&base, svc, Kpi::ServiceLevel),
        &dir,
        "sl",
        "cup-weekday: service level per interval",
    );
    let ab = plot::interval_plot(&base, svc, Kpi::AbandonRate);
    assert_eq!(ab.target, Some(5.0));
    assert_eq!(ab.series.len(), 6, "Monday to Saturday");
    check(&ab, &dir, "abandon", "target 5%");
    let hm = plot::heatmap(&base, svc, Kpi::ServiceLevel);
    assert_eq!(hm.rows.len(), 6);
    assert_eq!(
        hm.rows[0].1.len(),
        20,
        "Monday 08:00-18:00 in 30-minute intervals"
    );
    check(&hm, &dir, "heatmap", "Monday");
    check(
        &plot::heatmap(&base, svc, Kpi::AsaS),
        &dir,
        "heatmap-asa",
        "Saturday",
    );
    let demand = plot::demand_plot(&base);
    // Monday 08:00: 45 agents scheduled.
    let (_, first) = &demand.panels[0];
    assert!((first[0].2 - 45.0).abs() < 1e-9, "{:?}", first[0]);
    assert!(first[0].1 > 0.0);
    check(&demand, &dir, "demand", "scheduled agents");
    let cmp = compare(&base, &[alt]);
    let cp = plot::comparison_plot(&cmp, "CUP");
    assert_eq!(cp.panels[0].kpi, Kpi::ServiceLevel);
    assert_eq!(cp.panels[0].values.len(), 2);
    check(&cp, &dir, "comparison", "cup-weekday-more-staff");
    let points: Vec<(f64, Estimate)> = (40..=48)
        .map(|n| {
            let x = f64::from(n);
            let e = Estimate {
                mean: 0.5 + (x - 40.0) * 0.05,
                ci95: 0.01,
                n: 10,
            };
            (x, e)
        })
        .collect();
    let st = plot::staffing_plot(
        "cup-weekday",
        Kpi::ServiceLevel,
        "agents 08:00-13:00",
        &points,
        Some(0.95),
    );
    assert_eq!(st.target, Some(95.0));
    check(&st, &dir, "staffing", "agents 08:00-13:00");
    // CCSIM_KEEP_TEST_OUTPUT=1 keeps the plots to look at them.
    if std::env::var_os("CCSIM_KEEP_TEST_OUTPUT").is_none() {
        let _ = std::fs::remove_dir_all(&dir);
    }
}

#[test]
fn report_has_the_compliance_table_plots_and_metadata() {
    let dir = scratch("report");
    let base = cup("cup-weekday.toml", 5);
    let alt = cup("cup-weekday-more-staff.toml", 5);
    let cmp = compare(&base, std::slice::from_ref(&alt));
    let input = ReportInput {
        runs: vec![
            ReportRun {
                file: "scenarios/cup-weekday.toml",
                summary: &base,
            },
            ReportRun {
                file: "scenarios/cup-weekday-more-staff.toml",
                summary: &alt,
            },
        ],
        comparison: Some(&cmp),
        generated: "2026-01-01 00:00 UTC".into(),
        command: "ccsim report test".into(),
    };
    let files = write_report(&dir, &input).unwrap();
    let md = std::fs::read_to_string(&files.markdown).unwrap();
    assert!(
        md.contains("| service | indicator | value | target | status | P(met) |"),
        "{md}"
    );
    assert!(md.contains("| CUP | answered within 20 s | "), "{md}");
    assert!(md.contains("| >= 95.00% | "), "{md}");
    assert!(md.contains("ccsim version: 0.1.0") || md.contains(env!("CARGO_PKG_VERSION")));
    assert!(md.contains("generated: 2026-01-01 00:00 UTC"));
    assert!(md.contains("scenario file (baseline): scenarios/cup-weekday.toml (scenario cup-weekday, seed 2025, 5 replications"));
    assert!(md.contains("scenario file: scenarios/cup-weekday-more-staff.toml"));
    assert!(md.contains("## Comparison"));
    assert!(md.contains("| service_level | "));
    // "The Monday 8:00-8:30 service level goes from X to Y".
    assert!(md.contains("in the baseline's worst intervals"), "{md}");
    assert!(md.contains("| mon | 08:30-09:00 | "), "{md}");
    assert!(md.contains("](plots/cup-weekday-cup-service-level.png)"));
    for p in &files.plots {
        assert!(p.is_file(), "{}", p.display());
    }
    // 4 plots of the baseline, 1 of the alternative, 1 comparison: PNG + SVG.
    assert_eq!(files.plots.len(), 12);
    let html = std::fs::read_to_string(&files.html).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert_eq!(html.matches("<svg").count(), 6, "plots are inlined");
    assert!(!html.contains("<?xml"));
    assert!(html.contains("<td class=\"KO\">KO</td>") || html.contains("<td class=\"OK\">OK</td>"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn report_command_writes_the_folder() {
    let dir = scratch("report-cli");
    let out = bin()
        .args([
            "report",
            "scenarios/minimal.toml",
            "-r",
            "3",
            "--quiet",
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
    let md = std::fs::read_to_string(dir.join("report.md")).unwrap();
    assert!(md.starts_with("# ccsim report: minimal\n"));
    assert!(md.contains("command: ccsim report scenarios/minimal.toml -r 3"));
    assert!(md.contains("3 replications"));
    assert!(!md.contains("## Comparison"));
    assert!(dir.join("report.html").is_file());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn utc_timestamp_is_a_calendar_date() {
    let t = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_764_160_800);
    assert_eq!(utc_timestamp(t), "2025-11-26 12:40 UTC");
}

#[test]
fn bench_prints_calls_per_second_as_json() {
    let out = bin()
        .args(["bench", "--seconds", "0.1", "--threads", "1"])
        .current_dir(root())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["scenario"], "bench-s1");
    assert!(v["calls"].as_u64().unwrap() > 100_000);
    assert!(v["calls_per_second"].as_f64().unwrap() > 0.0);
    let bad = bin().args(["bench", "--seconds", "0"]).output().unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--seconds 0"));
}
