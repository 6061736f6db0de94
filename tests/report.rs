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
    // Text is drawn as glyph outlines, labelled for search.
    assert!(
        svg.contains("<svg") && svg.contains("aria-label"),
        "{name}.svg"
    );
    assert!(
        !svg.contains("<text"),
        "{name}.svg has text left to the viewer's font"
    );
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
        "service level per interval, service CUP",
    );
    check(
        &plot::interval_plot(&base, svc, Kpi::ServiceLevel),
        &dir,
        "sl-axis",
        "answered within 20 s, % of offered calls",
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
    let demand = plot::demand_plot(&base, None);
    // Monday 08:00: 45 agents scheduled, no shrinkage: 45 present.
    let (_, first) = &demand.panels[0];
    assert!((first[0].available - 45.0).abs() < 0.5, "{:?}", first[0]);
    assert!(first[0].load > 0.0);
    check(&demand, &dir, "demand", "agents available");
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
        requirements: None,
        staff_note: None,
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
    // The short tables leave out KPIs that neither have a target nor
    // differ: no IVR, no escalation in this scenario.
    let short = &md[md.find("## Comparison").unwrap()..md.find("## Appendix").unwrap()];
    assert!(!short.contains("| ivr_served |"), "{short}");
    // "The Monday 8:00-8:30 service level goes from X to Y".
    assert!(md.contains("in the baseline's worst intervals"), "{md}");
    assert!(md.contains("| mon | 08:30-09:00 | "), "{md}");
    assert!(md.contains("](plots/cup-weekday-cup-service-level.png)"));
    for p in &files.plots {
        assert!(p.is_file(), "{}", p.display());
    }
    // 4 plots of each scenario, 1 comparison: PNG + SVG.
    assert_eq!(files.plots.len(), 18);
    let html = std::fs::read_to_string(&files.html).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert_eq!(html.matches("<svg").count(), 9, "plots are inlined");
    // Letters are defined before they are used, the summary comes first.
    let defined = md
        .find("| A (baseline) | cup-weekday |")
        .expect("letters defined");
    let summary = md.find("## Summary").unwrap();
    assert!(defined < summary && summary < md.find("## Baseline A").unwrap());
    assert!(md.find("A vs").is_none_or(|i| i > defined));
    assert!(
        md.contains("## What it takes\n\nNot computed (--no-staff)"),
        "{md}"
    );
    assert!(md.contains("## Appendix: every KPI compared"));
    assert!(!html.contains("<?xml"));
    assert!(html.contains("<td class=\"KO\">KO</td>") || html.contains("<td class=\"OK\">OK</td>"));
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

/// Six scenarios, one of them with a priority call type only it has and
/// a Monday window: every plot kind is drawn for each, the comparison plot
/// names all six, the summary table has the window and the priority callers.
#[test]
fn a_six_scenario_report_draws_every_plot_kind() {
    let dir = scratch("report-six");
    let text = std::fs::read_to_string(root().join("scenarios/cup-weekday.toml")).unwrap();
    let window = "[[window]]\nname = \"Monday 08:00-10:00\"\ndays = \"mon\"\nhours = \"08:00-10:00\"\n\n[[service]]";
    let text = text.replacen("[[service]]", window, 1);
    let mut summaries = Vec::new();
    let mut files = Vec::new();
    for i in 0..6 {
        let mut t = text.replace("name = \"cup-weekday\"", &format!("name = \"option-{i}\""));
        t = t.replace("45, 45, 45, 45", &format!("{}, 45, 45, 45", 45 + 2 * i));
        if i == 5 {
            // The booking volume split: a priority call type only this one has.
            t = t.replace("mon = 3600", "mon = 3000").replace(
                "[[agent_group]]",
                "[[call_type]]\nname = \"priority\"\nservice = \"CUP\"\npriority = 1\narrivals = { per_day = { mon = 600 }, from = \"08:00\", profile = [11, 11, 10, 9, 6, 6, 5, 5, 4, 4, 3, 4, 4, 4, 3, 3, 3, 2, 2, 2] }\nhandling = { dist = \"lognormal\", mean_s = 270, cv = 0.8 }\npatience = { dist = \"weibull\", mean_s = 150, shape = 0.8 }\n\n[[agent_group]]",
            ).replace("skills = [\"booking\"]", "skills = [\"booking\", \"priority\"]");
        }
        let sc =
            Scenario::from_toml(&t, &format!("option-{i}.toml"), &format!("option-{i}")).unwrap();
        let opts = RunOptions {
            replications: Some(4),
            seed: Some(2025),
            threads: None,
        };
        summaries.push(experiment::run(&sc, &opts, None).unwrap().summary);
        files.push(format!("option-{i}.toml"));
    }
    let cmp = compare(&summaries[0], &summaries[1..]);
    let alt5 = &cmp.alternatives[4];
    assert_eq!(alt5.only_in_alternative.len(), 1);
    assert_eq!(alt5.only_in_alternative[0].name, "priority");
    let booking = alt5.entities.iter().find(|e| e.name == "booking").unwrap();
    assert_eq!(booking.same_callers, Some(false));
    // A split volume is "lower", never "worse".
    let answered = booking.get(Kpi::Answered).unwrap();
    assert!(!answered.significantly_worse(), "{answered:?}");
    let same = cmp.alternatives[0]
        .entities
        .iter()
        .find(|e| e.name == "booking")
        .unwrap();
    assert_eq!(same.same_callers, Some(true));
    assert_eq!(same.windows.len(), 1);
    let input = ReportInput {
        runs: files
            .iter()
            .zip(&summaries)
            .map(|(file, summary)| ReportRun { file, summary })
            .collect(),
        comparison: Some(&cmp),
        requirements: None,
        staff_note: None,
        generated: "2026-01-01 00:00 UTC".into(),
        command: "ccsim report test".into(),
    };
    let out = write_report(&dir, &input).unwrap();
    // Service level, abandonment, heatmap and demand for each of the six,
    // one comparison plot: PNG + SVG each.
    assert_eq!(out.plots.len(), 2 * (6 * 4 + 1));
    let md = std::fs::read_to_string(&out.markdown).unwrap();
    assert!(
        md.contains("CUP, Monday 08:00-10:00: answered within 20 s"),
        "{md}"
    );
    assert!(
        md.contains("priority call type priority: answered within 20 s"),
        "{md}"
    );
    assert!(md.contains("not in this scenario"), "{md}");
    assert!(md.contains("call type priority: only in F"), "{md}");
    let comparison = out
        .plots
        .iter()
        .find(|p| {
            p.extension().is_some_and(|e| e == "svg") && p.to_string_lossy().contains("comparison")
        })
        .unwrap();
    let svg = std::fs::read_to_string(comparison).unwrap();
    for i in 0..6 {
        assert!(
            svg.contains(&format!("option-{i}")),
            "legend lacks option-{i}"
        );
    }
    for p in &out.plots {
        let bytes = std::fs::read(p).unwrap();
        assert!(bytes.len() > 2_000, "{}", p.display());
    }
}

/// The heatmap's labels never round a missed target up to it, and its
/// colours are anchored to the target: every cell below it is on the
/// "missed" side of the scale, whatever the other cells are.
#[test]
fn heatmap_labels_and_colours_are_anchored_to_the_target() {
    use ccsim::report::plot::HeatScale;
    let s = HeatScale {
        lo: 60.0,
        hi: 100.0,
        target: Some((95.0, true)),
    };
    assert_eq!(s.label(94.99, 1), "94.9");
    assert_eq!(s.label(94.51, 0), "94");
    assert_eq!(s.label(95.0, 1), "95.0");
    let abandon = HeatScale {
        lo: 0.0,
        hi: 20.0,
        target: Some((5.0, false)),
    };
    assert_eq!(abandon.label(5.01, 1), "5.1");
    // Missed cells are orange (red above blue), met cells blue.
    let missed = s.color(94.9);
    let met = s.color(95.0);
    assert!(missed.0 > missed.2, "{missed:?}");
    assert!(met.2 > met.0, "{met:?}");
    // 69% is as far on the missed side as the data goes: the deepest orange.
    assert_eq!(s.color(60.0), s.color(59.0));
}
