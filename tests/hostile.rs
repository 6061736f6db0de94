//! Hostile input and hostile outputs (issue 14): closed pipes, full devices,
//! special files and links as `--out`, kills while writing, huge or binary
//! call logs, values that overflow, thousands of invalid entries.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::common::{Scratch, bin, root, scratch};

fn tmp(name: &str) -> Scratch {
    scratch(&format!("hostile-{name}"))
}

fn run(cmd: &mut Command) -> Output {
    cmd.current_dir(root()).output().unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A character device node `major:minor` made with mknod, if this user may.
fn mknod(path: &Path, major: u32, minor: u32) -> bool {
    Command::new("mknod")
        .arg(path)
        .arg("c")
        .arg(major.to_string())
        .arg(minor.to_string())
        .status()
        .is_ok_and(|s| s.success())
}

fn is_char_device(path: &Path) -> bool {
    use std::os::unix::fs::FileTypeExt;
    std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_char_device())
}

fn no_panic(o: &Output) {
    let e = stderr(o);
    assert!(!e.contains("panicked"), "{e}");
    assert_ne!(o.status.code(), Some(101), "{e}");
}

const SMALL: &str = r#"
[horizon]
start = 2025-01-06
days = 1
interval_minutes = 60
[run]
replications = 2
[[service]]
name = "s"
[[call_type]]
name = "c"
service = "s"
arrivals = { per_hour = 20 }
handling = { dist = "exponential", mean_s = 120 }
patience = { dist = "exponential", mean_s = 60 }
[[agent_group]]
name = "g"
skills = ["c"]
agents = 2
"#;

fn small(dir: &Path) -> PathBuf {
    let p = dir.join("small.toml");
    std::fs::write(&p, SMALL).unwrap();
    p
}

// Row 1: stdout write errors.

#[test]
fn a_closed_pipe_stops_quietly_with_exit_0() {
    for args in [
        vec![
            "run",
            "scenarios/minimal.toml",
            "-r",
            "2",
            "-q",
            "-f",
            "json",
        ],
        vec!["check", "scenarios/minimal.toml", "scenarios/bench-s1.toml"],
        vec![
            "erlang", "--rate", "300/h", "--aht", "240", "--agents", "22",
        ],
    ] {
        let mut child = bin()
            .args(&args)
            .current_dir(root())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Close the reading end before the command writes.
        drop(child.stdout.take());
        let o = child.wait_with_output().unwrap();
        no_panic(&o);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
        assert!(!stderr(&o).contains("error"), "{args:?}: {}", stderr(&o));
    }
}

#[test]
fn a_full_device_as_stdout_is_exit_1_with_a_message() {
    let d = tmp("full");
    let full = d.join("full");
    if !mknod(&full, 1, 7) {
        eprintln!("skipped: mknod is not permitted here");
        return;
    }
    let f = std::fs::OpenOptions::new().write(true).open(&full).unwrap();
    let o = bin()
        .args(["check", "scenarios/minimal.toml"])
        .current_dir(root())
        .stdout(f)
        .output()
        .unwrap();
    no_panic(&o);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("cannot write to standard output"),
        "{}",
        stderr(&o)
    );
}

// Row 2: `--out` onto a device node or a symbolic link.

#[test]
fn out_onto_a_device_node_is_refused_and_the_node_kept() {
    let d = tmp("node");
    let node = d.join("null");
    if !mknod(&node, 1, 3) {
        eprintln!("skipped: mknod is not permitted here");
        return;
    }
    let sc = small(&d);
    let o = run(bin().args(["gen-log"]).arg(&sc).arg("-o").arg(&node));
    no_panic(&o);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains(&node.display().to_string()),
        "{}",
        stderr(&o)
    );
    assert!(is_char_device(&node));
    // A node inside a result folder is not replaced either.
    let out = d.join("res");
    std::fs::create_dir(&out).unwrap();
    assert!(mknod(&out.join("kpis.csv"), 1, 3));
    let o = run(bin().arg("run").arg(&sc).args(["-q", "-o"]).arg(&out));
    no_panic(&o);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("kpis.csv"), "{}", stderr(&o));
    assert!(is_char_device(&out.join("kpis.csv")));
}

#[test]
fn out_onto_a_symlink_is_refused_and_the_link_kept() {
    let d = tmp("link");
    let sc = small(&d);
    let target = d.join("precious.txt");
    std::fs::write(&target, "keep me").unwrap();
    let link = d.join("log.csv");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let o = run(bin().args(["gen-log"]).arg(&sc).arg("-o").arg(&link));
    no_panic(&o);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("symbolic link"), "{}", stderr(&o));
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "keep me");
    // A link inside a result folder.
    let out = d.join("res");
    std::fs::create_dir(&out).unwrap();
    std::os::unix::fs::symlink(&target, out.join("summary.txt")).unwrap();
    let o = run(bin().arg("run").arg(&sc).args(["-q", "-o"]).arg(&out));
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("summary.txt"), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "keep me");
    // A link to a folder is written through.
    let real = d.join("real");
    std::fs::create_dir(&real).unwrap();
    let via = d.join("via");
    std::os::unix::fs::symlink(&real, &via).unwrap();
    let o = run(bin().arg("run").arg(&sc).args(["-q", "-o"]).arg(&via));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        std::fs::symlink_metadata(&via)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(real.join("summary.json").is_file());
}

// Row 14: messages name the key, the path and the line.

#[test]
fn messages_name_the_duplicate_key_the_out_file_and_the_utf8_line() {
    let d = tmp("names");
    let dup = d.join("dup.toml");
    std::fs::write(&dup, "[horizon]\nstart = 2025-01-06\nstart = 2025-01-07\n").unwrap();
    let o = run(bin().arg("check").arg(&dup));
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("dup.toml:3:1: duplicate key `start`"),
        "{}",
        stderr(&o)
    );

    let bad = d.join("latin1.toml");
    std::fs::write(&bad, b"[horizon]\nstart = 2025-01-06\n# caf\xe9\n").unwrap();
    let o = run(bin().arg("check").arg(&bad));
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("latin1.toml:3:6: "), "{}", stderr(&o));
    assert!(stderr(&o).contains("UTF-8"), "{}", stderr(&o));

    let sc = small(&d);
    let file = d.join("a-file");
    std::fs::write(&file, "x").unwrap();
    let o = run(bin().arg("run").arg(&sc).args(["-q", "-o"]).arg(&file));
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains(&file.display().to_string()),
        "{}",
        stderr(&o)
    );
    assert!(stderr(&o).contains("not a folder"), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "x");
}

// Row 15: a result folder is one consistent set.

fn replications_in(dir: &Path) -> (u64, u64) {
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("summary.json")).unwrap()).unwrap();
    let csv = std::fs::read_to_string(dir.join("kpis.csv")).unwrap();
    let row = csv.lines().nth(1).unwrap();
    let reps: u64 = row.split(',').nth(2).unwrap().parse().unwrap();
    (v["replications"].as_u64().unwrap(), reps)
}

#[test]
fn a_killed_run_leaves_one_consistent_set_and_stale_temps_are_cleaned() {
    let d = tmp("kill");
    let out = d.join("res");
    // An earlier result, and temp files of a process that no longer runs.
    let o = run(bin()
        .args(["run", "scenarios/minimal.toml", "-r", "2", "-q", "-o"])
        .arg(&out));
    assert!(o.status.success(), "{}", stderr(&o));
    std::fs::write(out.join(".kpis.csv.tmp4294967"), "stale").unwrap();
    std::fs::create_dir(d.join(".res.tmp4294966")).unwrap();
    // Kills at several moments of a run over it.
    for delay_ms in [30u64, 120, 250, 400, 700] {
        let mut child = bin()
            .args(["run", "scenarios/minimal.toml", "-r", "3", "-q", "-o"])
            .arg(&out)
            .current_dir(root())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = child.kill();
        let _ = child.wait();
        if out.exists() {
            let (a, b) = replications_in(&out);
            assert_eq!(
                a, b,
                "a folder mixing two runs after a kill at {delay_ms} ms"
            );
        }
    }
    let o = run(bin()
        .args(["run", "scenarios/minimal.toml", "-r", "3", "-q", "-o"])
        .arg(&out));
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(replications_in(&out), (3, 3));
    let leftovers: Vec<String> = std::fs::read_dir(&d)
        .unwrap()
        .chain(std::fs::read_dir(&out).unwrap())
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn files_of_others_in_the_out_folder_are_kept() {
    let d = tmp("keep");
    let sc = small(&d);
    let out = d.join("res");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("notes.md"), "mine").unwrap();
    let o = run(bin().arg("run").arg(&sc).args(["-q", "-o"]).arg(&out));
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        std::fs::read_to_string(out.join("notes.md")).unwrap(),
        "mine"
    );
    assert!(out.join("summary.json").is_file());
}

// Row 16: names whose slugs collide get their own plots.

#[test]
fn services_with_colliding_names_get_distinct_plot_files() {
    let d = tmp("slug");
    let sc = d.join("two.toml");
    std::fs::write(
        &sc,
        SMALL.replace(
            "[[service]]\nname = \"s\"\n",
            "[[service]]\nname = \"Front office\"\n[[service]]\nname = \"front-office\"\n",
        )
        .replace("service = \"s\"", "service = \"Front office\"")
            + "[[call_type]]\nname = \"d\"\nservice = \"front-office\"\narrivals = { per_hour = 5 }\nhandling = { dist = \"exponential\", mean_s = 60 }\n[[agent_group]]\nname = \"h\"\nskills = [\"d\"]\nagents = 1\n",
    )
    .unwrap();
    let out = d.join("report");
    let o = run(bin()
        .arg("report")
        .arg(&sc)
        .args(["-q", "-r", "2", "-o"])
        .arg(&out));
    assert!(o.status.success(), "{}", stderr(&o));
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    let announced: std::collections::HashSet<&str> = md
        .split(|c: char| c == '(' || c == ')' || c.is_whitespace())
        .filter(|s| s.starts_with("plots/") && s.ends_with(".png"))
        .collect();
    let on_disk = std::fs::read_dir(out.join("plots"))
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "png")
        })
        .count();
    assert_eq!(announced.len(), 7, "{announced:?}");
    assert_eq!(on_disk, announced.len());
}

// Rows 11, 12, 13: scenario values.

#[test]
fn a_pack_at_24_00_is_refused() {
    let d = tmp("pack");
    let p = d.join("pack.toml");
    std::fs::write(
        &p,
        SMALL.to_string()
            + "[[call_type]]\nname = \"o\"\nservice = \"s\"\nchannel = \"outbound\"\npacks = [{ at = \"24:00\", size = 10 }]\nhandling = { dist = \"exponential\", mean_s = 60 }\n",
    )
    .unwrap();
    let text = std::fs::read_to_string(&p)
        .unwrap()
        .replace("skills = [\"c\"]", "skills = [\"c\", \"o\"]");
    std::fs::write(&p, text).unwrap();
    let o = run(bin().arg("check").arg(&p));
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("call_type[1].packs[0].at = \"24:00\""),
        "{}",
        stderr(&o)
    );
}

#[test]
fn shifts_whose_agents_overflow_are_refused() {
    let d = tmp("shifts");
    let p = d.join("shifts.toml");
    let mut text = SMALL.replace("agents = 2\n", "shifts = [\n");
    for _ in 0..4295 {
        text.push_str("  { start = \"08:00\", hours = 8, count = 1000000 },\n");
    }
    text.push_str("]\n");
    std::fs::write(&p, text).unwrap();
    let o = run(bin().arg("check").arg(&p));
    no_panic(&o);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("agent_group[0].shifts[1].count = 1000000"),
        "{}",
        stderr(&o)
    );
    assert!(
        stderr(&o).contains("more than 1000000 agents"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn validation_is_linear_in_the_number_of_invalid_groups() {
    let text = |n: usize| {
        let mut t = SMALL.to_string();
        for i in 0..n {
            t.push_str(&format!(
                "[[agent_group]]\nname = \"x{i}\"\nskills = [\"nope\"]\nagents = -1\n"
            ));
        }
        t
    };
    let time = |n: usize| {
        let t = text(n);
        let started = Instant::now();
        let e = ccsim::scenario::Scenario::from_toml(&t, "many.toml", "many").unwrap_err();
        assert!(
            e.to_string()
                .contains(&format!("agent_group[{n}].agents = -1"))
        );
        started.elapsed().as_secs_f64()
    };
    let small = time(5_000);
    let large = time(40_000);
    // Quadratic work would take 64 times as long for 8 times the groups.
    assert!(
        large < 16.0 * small.max(0.02) && large < 10.0,
        "5,000 groups: {small:.3} s, 40,000 groups: {large:.3} s"
    );
}

// Rows 7 to 10: `fit` on hostile logs.

fn fit(log: &Path, out: &Path) -> Output {
    run(bin().arg("fit").arg(log).arg("-o").arg(out).arg("-q"))
}

#[test]
fn fit_of_many_call_types_with_one_huge_wait_stays_small() {
    let d = tmp("fitmem");
    let log = d.join("log.csv");
    let mut t = String::from("arrival,call_type,answered,end,outcome\n");
    for i in 0..400 {
        t.push_str(&format!(
            "2025-01-06T00:00:00,t{i},2025-01-07T02:00:00,2025-01-07T02:05:00,answered\n"
        ));
    }
    std::fs::write(&log, t).unwrap();
    let o = run(bin()
        .env("CCSIM_PEAK_MEMORY", "1")
        .arg("fit")
        .arg(&log)
        .arg("-o")
        .arg(d.join("f.toml")));
    assert!(o.status.success(), "{}", stderr(&o));
    let peak_kb: u64 = stderr(&o)
        .lines()
        .find_map(|l| l.strip_prefix("peak memory: "))
        .and_then(|l| l.trim_end_matches(" kB").parse().ok())
        .unwrap();
    assert!(peak_kb > 0 && peak_kb < 64 * 1024, "peak {peak_kb} kB");
    // One bin per distinct wait, not one per 0.1 s up to the longest.
    let mut h = ccsim::fit::km::CensoredHist::new(0.1);
    h.add(90_000.0, false);
    assert_eq!(h.bins.len(), 1);
}

#[test]
fn fit_of_a_log_over_too_many_years_names_the_rows_and_the_limit() {
    let d = tmp("fityears");
    let log = d.join("log.csv");
    std::fs::write(
        &log,
        "arrival,call_type,answered,end,outcome\n\
         2025-01-06T10:00:00,a,2025-01-06T10:00:10,2025-01-06T10:05:00,answered\n\
         9999-06-01T10:00:00,a,9999-06-01T10:00:10,9999-06-01T10:05:00,answered\n",
    )
    .unwrap();
    let o = fit(&log, &d.join("f.toml"));
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(e.contains("(line 2)") && e.contains("(line 3)"), "{e}");
    assert!(e.contains("at most 3660 days"), "{e}");
}

#[test]
fn fit_refuses_a_duplicated_column() {
    let d = tmp("fitdup");
    let log = d.join("log.csv");
    std::fs::write(
        &log,
        "arrival,call_type,arrival,answered,end,outcome\n\
         2025-01-06T10:00:00,a,2025-01-06T11:00:00,2025-01-06T10:00:10,2025-01-06T10:05:00,answered\n",
    )
    .unwrap();
    let o = fit(&log, &d.join("f.toml"));
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("column `arrival` appears twice"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn fit_of_binary_or_endless_lines_is_bad_input_at_once() {
    let d = tmp("fitbin");
    let zeros = d.join("zeros.bin");
    std::fs::write(&zeros, vec![0u8; 4 << 20]).unwrap();
    let long = d.join("long.csv");
    std::fs::write(&long, "a".repeat(4 << 20)).unwrap();
    let late = d.join("late.csv");
    let mut t = String::from("arrival,call_type,answered,end,outcome\n");
    t.push_str(&"x".repeat(1 << 20));
    std::fs::write(&late, t).unwrap();
    for (f, needle) in [
        (&zeros, "zeros.bin:1: "),
        (&long, "long.csv:1: "),
        (&late, "line 2 is longer than"),
    ] {
        let started = Instant::now();
        let o = fit(f, &d.join("f.toml"));
        no_panic(&o);
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        assert!(stderr(&o).contains(needle), "{}", stderr(&o));
        assert!(started.elapsed() < Duration::from_secs(5));
    }
}
