//! The command line: contracts of DESIGN.md, exit codes and error texts.

use crate::common::{bin, fails_with, root, scratch};

#[test]
fn json_follows_the_contract() {
    let out = bin()
        .args([
            "run",
            "scenarios/minimal.toml",
            "--replications",
            "5",
            "--format",
            "json",
            "--quiet",
        ])
        .current_dir(root())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["scenario"], "minimal");
    assert_eq!(v["replications"], 5);
    assert_eq!(v["seed"], 1);
    assert_eq!(v["ccsim_version"], env!("CARGO_PKG_VERSION"));
    let svc = &v["services"][0];
    assert_eq!(svc["name"], "test");
    for k in [
        "offered",
        "answered",
        "abandoned",
        "service_level",
        "service_level_of_answered",
        "abandon_rate",
        "asa_s",
        "mean_handling_s",
        "occupancy",
    ] {
        assert!(svc["kpis"][k]["mean"].is_number(), "{k}");
        assert!(svc["kpis"][k]["ci95"].is_number(), "{k}");
    }
    let comp = svc["compliance"].as_array().unwrap();
    assert_eq!(comp.len(), 2);
    for c in comp {
        assert!(c["value"]["mean"].is_number());
        assert!(c["target"].is_number());
        assert!(c["status"] == "OK" || c["status"] == "KO");
        assert!(c["met_share"].as_f64().unwrap() >= 0.0);
    }
    let ct = &v["call_types"][0];
    assert_eq!(ct["name"], "calls");
    assert!(ct["kpis"]["service_level"]["mean"].is_number());
    let iv = ct["intervals"].as_array().unwrap();
    assert_eq!(iv.len(), 7 * 48);
    assert_eq!(iv[0]["weekday"], "mon");
    assert_eq!(iv[0]["start"], "00:00");
    assert_eq!(iv[17]["start"], "08:30");
    assert!(iv[17]["kpis"]["service_level"]["mean"].is_number());
}

#[test]
fn same_seed_same_bytes_with_one_or_two_threads() {
    let run = |threads: &str| {
        let out = bin()
            .args([
                "run",
                "scenarios/minimal.toml",
                "-r",
                "8",
                "-f",
                "json",
                "-q",
                "--threads",
                threads,
            ])
            .current_dir(root())
            .output()
            .unwrap();
        assert!(out.status.success());
        out.stdout
    };
    assert_eq!(run("1"), run("2"));
}

#[test]
fn bad_input_exits_2_with_a_precise_message() {
    let dir = scratch("cli-bad-input");
    let good = std::fs::read_to_string(root().join("scenarios/minimal.toml")).unwrap();
    let cases = [
        (
            "neg.toml",
            good.replace("per_hour = 300", "per_hour = -300"),
            "call_type[0].arrivals.per_hour = -300",
        ),
        (
            "skill.toml",
            good.replace("skills = [\"calls\"]", "skills = [\"call\"]"),
            "agent_group[0].skills[0] = \"call\"",
        ),
        ("syntax.toml", good.replace("[run]", "[run"), "syntax.toml:"),
    ];
    for (name, text, want) in cases {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        for cmd in ["check", "run"] {
            fails_with(bin().arg(cmd).arg(&path), &[name, want]);
        }
    }
    fails_with(
        bin().args(["run", "no/such/file.toml"]),
        &["no/such/file.toml"],
    );
    fails_with(
        bin()
            .args(["run", "scenarios/minimal.toml", "--threads", "zero"])
            .current_dir(root()),
        &["--threads"],
    );
}

#[test]
fn every_shipped_scenario_is_valid() {
    let mut n = 0;
    for entry in std::fs::read_dir(root().join("scenarios")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "toml") {
            let out = bin().arg("check").arg(&path).output().unwrap();
            assert!(
                out.status.success(),
                "{}: {}",
                path.display(),
                String::from_utf8_lossy(&out.stderr)
            );
            n += 1;
        }
    }
    assert!(n >= 3);
}

#[test]
fn erlang_calculator_sizes_staffing() {
    let out = bin()
        .args([
            "erlang",
            "--rate",
            "300/h",
            "--aht",
            "240",
            "--patience",
            "120",
            "--threshold",
            "20",
            "--target",
            "0.8",
            "--json",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let n = v["agents"].as_u64().unwrap();
    assert!(v["service_level"].as_f64().unwrap() >= 0.8);
    let q = ccsim::analytic::Queue {
        lambda_per_s: 300.0 / 3600.0,
        aht_s: 240.0,
        n: n as u32 - 1,
        patience_s: Some(120.0),
    };
    assert!(q.metrics(20.0).unwrap().service_level < 0.8);
    let out = bin()
        .args(["erlang", "--rate", "-3/h", "--aht", "240", "--agents", "3"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

/// `--replications` and `--threads` are checked where the flags are defined
/// (once, for every command that simulates): out of range, the command
/// exits 2 before simulating, naming the flag, the value and the limit.
/// Regressions: `--replications 4294967295` bypassed the scenario file's
/// limit of 1,000,000 replications, and `--threads 100000` tried to start
/// 100,000 threads.
#[test]
fn replications_and_threads_are_bounded_for_every_command() {
    let s = "scenarios/minimal.toml";
    let commands: [&[&str]; 6] = [
        &["run", s],
        &["compare", s, s],
        &["report", s, "--out", "target/never-written"],
        &["sweep", s, "--group", "agents", "--agents", "1,2"],
        &["staff", s],
        &["fit", "no-such-log.csv", "--backtest"],
    ];
    let cases = [
        ("--replications", "4294967295", "1000000"),
        ("--replications", "1000001", "1000000"),
        ("--replications", "0", "1000000"),
        ("--replications", "1e3", "1000000"),
        ("--threads", "100000", "1024"),
        ("--threads", "1025", "1024"),
        ("--threads", "0", "1024"),
    ];
    for cmd in commands {
        for (flag, value, limit) in cases {
            let out = bin()
                .args(cmd)
                .args([flag, value, "--quiet"])
                .current_dir(root())
                .output()
                .unwrap();
            let err = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{cmd:?} {flag} {value}: {err}");
            assert!(
                err.contains(flag) && err.contains(value) && err.contains(limit),
                "{cmd:?} {flag} {value}: {err}"
            );
            assert!(!err.contains("panicked"), "{err}");
            assert!(out.stdout.is_empty(), "{cmd:?} {flag} {value}");
        }
    }
    let out = bin()
        .args(["bench", "--seconds", "0.1", "--threads", "100000"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--threads"));
    assert!(!std::path::Path::new(&root().join("target/never-written")).exists());
    // The limits themselves are accepted.
    let out = bin()
        .args([
            "run",
            s,
            "--replications",
            "1",
            "--threads",
            "1024",
            "--format",
            "json",
            "--quiet",
        ])
        .current_dir(root())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The library refuses the same thread counts as the command line.
#[test]
fn the_driver_refuses_thread_counts_out_of_range() {
    use ccsim::experiment::{MAX_THREADS, with_threads};
    assert!(with_threads(Some(0), || ()).is_err());
    assert!(with_threads(Some(MAX_THREADS + 1), || ()).is_err());
    assert_eq!(
        with_threads(Some(2), rayon::current_num_threads).unwrap(),
        2
    );
    let msg = with_threads(Some(100_000), || ()).unwrap_err().to_string();
    assert!(msg.contains("100000") && msg.contains("1024"), "{msg}");
}
