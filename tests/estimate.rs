//! The resource estimate (`check --estimate`) against measured peaks, and
//! the refusal of runs above the memory limit before they start.

use std::path::{Path, PathBuf};
use std::process::Output;

use ccsim::scenario::Scenario;

use crate::common::{Scratch, bin, root, scratch};

fn tmp(name: &str) -> Scratch {
    scratch(&format!("estimate-{name}"))
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A queue whose callers never abandon, with more arrivals than its one
/// agent can answer: the waiting line grows all along the horizon.
const OVERLOAD: &str = r#"
[horizon]
start = 2025-01-06
days = 3
interval_minutes = 60
[run]
replications = 2
[[service]]
name = "s"
[[call_type]]
name = "c"
service = "s"
arrivals = { per_hour = 20000 }
handling = { dist = "exponential", mean_s = 240 }
[[agent_group]]
name = "g"
skills = ["c"]
agents = 1
"#;

/// The peak memory (VmHWM) of `ccsim run` measured by the process itself.
fn measured_peak_bytes(file: &Path, replications: u32, threads: usize) -> f64 {
    let o = bin()
        .env("CCSIM_PEAK_MEMORY", "1")
        .arg("run")
        .arg(file)
        .args(["-q", "-f", "json", "-r"])
        .arg(replications.to_string())
        .arg("-t")
        .arg(threads.to_string())
        .current_dir(root())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let kb: f64 = stderr(&o)
        .lines()
        .find_map(|l| l.strip_prefix("peak memory: "))
        .and_then(|l| l.trim_end_matches(" kB").parse().ok())
        .unwrap();
    assert!(kb > 0.0, "VmHWM is not available here");
    kb * 1024.0
}

#[test]
fn the_memory_estimate_is_within_a_factor_of_2_of_measured_peaks() {
    let d = tmp("measure");
    let over = d.join("overload.toml");
    std::fs::write(&over, OVERLOAD).unwrap();
    let cases = [
        (root().join("scenarios/minimal.toml"), 20, 2),
        (root().join("scenarios/cc-2025h1-status-quo.toml"), 10, 2),
        (over, 2, 1),
    ];
    let mut report = Vec::new();
    for (file, reps, threads) in &cases {
        let sc = Scenario::load(file).unwrap();
        let est = ccsim::estimate::estimate(&sc, Some(*reps), *threads);
        let measured = measured_peak_bytes(file, *reps, *threads);
        let ratio = est.memory_peak_bytes / measured;
        report.push(format!(
            "{}: estimate {:.1} MiB, measured {:.1} MiB, ratio {ratio:.2}",
            file.file_name().unwrap().to_string_lossy(),
            est.memory_peak_bytes / 1048576.0,
            measured / 1048576.0
        ));
        assert!((0.5..=2.0).contains(&ratio), "{}", report.join("\n"));
    }
    eprintln!("{}", report.join("\n"));
}

#[test]
fn the_json_size_estimate_is_within_a_factor_of_2() {
    for file in ["minimal.toml", "cc-2025h1-status-quo.toml"] {
        let path = root().join("scenarios").join(file);
        let sc = Scenario::load(&path).unwrap();
        let est = ccsim::estimate::estimate(&sc, Some(3), 1);
        let o = bin()
            .arg("run")
            .arg(&path)
            .args(["-q", "-f", "json", "-r", "3"])
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
        let ratio = est.json_output_bytes / o.stdout.len() as f64;
        assert!((0.5..=2.0).contains(&ratio), "{file}: ratio {ratio:.2}");
    }
}

#[test]
fn check_estimate_prints_calls_memory_and_output_size() {
    let o = bin()
        .args(["check", "--estimate", "-t", "2", "scenarios/minimal.toml"])
        .current_dir(root())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let e = &v[0];
    assert_eq!(e["file"], "scenarios/minimal.toml");
    assert_eq!(e["threads"], 2);
    // 300 calls/h for 7 days.
    let calls = e["calls_per_replication"].as_f64().unwrap();
    assert!((calls - 50_400.0).abs() < 1.0, "{calls}");
    assert_eq!(e["calls_total"].as_f64().unwrap(), calls * 100.0);
    for k in [
        "memory_per_replication_bytes",
        "memory_peak_bytes",
        "json_output_bytes",
    ] {
        assert!(e[k].as_f64().unwrap() > 0.0, "{k}");
    }
}

fn overload_rows(d: &Path) -> Vec<(PathBuf, &'static str)> {
    // Row 3: 1,000,000 calls/h on 1 agent, no patience, 83 days.
    let row3 = d.join("row3.toml");
    std::fs::write(
        &row3,
        OVERLOAD
            .replace("days = 3", "days = 83")
            .replace("per_hour = 20000", "per_hour = 1000000"),
    )
    .unwrap();
    // Row 5: 200 call types x 50 groups at 1-minute intervals over 7 days.
    let row5 = d.join("row5.toml");
    let mut t = String::from(
        "[horizon]\nstart = 2025-01-06\ndays = 7\ninterval_minutes = 1\n[[service]]\nname = \"s\"\n",
    );
    for i in 0..200 {
        t.push_str(&format!("[[call_type]]\nname = \"c{i}\"\nservice = \"s\"\narrivals = {{ per_hour = 30 }}\nhandling = {{ dist = \"exponential\", mean_s = 200 }}\npatience = {{ dist = \"exponential\", mean_s = 100 }}\n"));
    }
    for g in 0..50 {
        let skills: Vec<String> = (g * 4..g * 4 + 4).map(|i| format!("\"c{i}\"")).collect();
        t.push_str(&format!(
            "[[agent_group]]\nname = \"g{g}\"\nskills = [{}]\nagents = 3\n",
            skills.join(", ")
        ));
    }
    std::fs::write(&row5, t).unwrap();
    // Row 6: 48 packs a day of 1e6 items and one agent.
    let row6 = d.join("row6.toml");
    let packs: Vec<String> = (0..48)
        .map(|k| {
            format!(
                "{{ at = \"{:02}:{:02}\", size = 1000000, days = \"all\" }}",
                k / 2,
                k % 2 * 30
            )
        })
        .collect();
    std::fs::write(
        &row6,
        format!(
            "[horizon]\nstart = 2025-01-06\ndays = 7\n[run]\nreplications = 1\n[[service]]\nname = \"s\"\n[[call_type]]\nname = \"o\"\nservice = \"s\"\nchannel = \"outbound\"\nhandling = {{ dist = \"exponential\", mean_s = 120 }}\npacks = [{}]\n[[agent_group]]\nname = \"g\"\nskills = [\"o\"]\nagents = 1\n",
            packs.join(", ")
        ),
    )
    .unwrap();
    vec![
        (row3, "callers waiting at once"),
        (row5, "horizon.interval_minutes = 1"),
        (row6, "callers waiting at once"),
    ]
}

#[test]
fn overloads_are_refused_by_check_and_run_before_they_start() {
    let d = tmp("overload");
    for (file, driver) in overload_rows(&d) {
        for cmd in ["check", "run"] {
            let started = std::time::Instant::now();
            let o = bin()
                .arg(cmd)
                .arg(&file)
                .args(["--max-memory", "8G"])
                .current_dir(root())
                .output()
                .unwrap();
            let e = stderr(&o);
            assert_eq!(o.status.code(), Some(2), "{cmd} {}: {e}", file.display());
            assert!(e.contains(&file.display().to_string()), "{e}");
            assert!(e.contains("--max-memory"), "{e}");
            assert!(e.contains("horizon.days"), "{e}");
            assert!(e.contains(driver), "{e}");
            assert!(started.elapsed().as_secs_f64() < 10.0);
        }
    }
}

#[test]
fn max_memory_sets_the_limit() {
    let refused = bin()
        .args([
            "run",
            "scenarios/minimal.toml",
            "-r",
            "2",
            "-q",
            "--max-memory",
            "1M",
        ])
        .current_dir(root())
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(2), "{}", stderr(&refused));
    assert!(stderr(&refused).contains("more than the limit of 1.0 MiB (--max-memory 1M"));
    let ok = bin()
        .args([
            "run",
            "scenarios/minimal.toml",
            "-r",
            "2",
            "-q",
            "--max-memory",
            "4G",
        ])
        .current_dir(root())
        .output()
        .unwrap();
    assert!(ok.status.success(), "{}", stderr(&ok));
    let bad = bin()
        .args(["run", "scenarios/minimal.toml", "--max-memory", "lots"])
        .current_dir(root())
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        stderr(&bad).contains("--max-memory `lots`"),
        "{}",
        stderr(&bad)
    );
}
