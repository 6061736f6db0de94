//! Sharded runs (`--shard K/N`) and `ccsim merge`: the merged output is
//! byte-identical to the unsharded command's, for run, compare and sweep,
//! N = 1, 2, 3 and 7 (uneven blocks of 9 replications), table and JSON, on
//! stdout and in --out; parts that do not belong together are refused.

use std::path::{Path, PathBuf};
use std::process::Output;

use crate::common::{bin, root, scratch};

fn ccsim(dir: &Path, args: &[String]) -> Output {
    bin().args(args).current_dir(dir).output().unwrap()
}

/// Runs ccsim in `dir`, asserting success; returns stdout.
fn ok(dir: &Path, args: &[String]) -> Vec<u8> {
    let out = ccsim(dir, args);
    assert!(
        out.status.success(),
        "ccsim {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// Runs ccsim in `dir`, asserting exit 2; returns stderr.
fn refused(dir: &Path, args: &[String]) -> String {
    let out = ccsim(dir, args);
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "ccsim {args:?}: {err}");
    err
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

fn with(args: &[String], more: &[&str]) -> Vec<String> {
    let mut v = args.to_vec();
    v.extend(strings(more));
    v
}

fn p(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// Runs `args` unsharded and as N = 1, 2, 3, 7 shards (from the repository
/// root, with relative paths), merges each from another folder, and
/// compares stdout in table and JSON and every file of --out.
fn assert_merge_identical(name: &str, args: &[&str], files: &[&str]) {
    let dir = scratch(name);
    let args = strings(args);
    let plain = dir.join("plain");
    let want_json = ok(
        &root(),
        &with(&args, &["-f", "json", "-q", "--out", p(&plain)]),
    );
    let want_table = ok(&root(), &with(&args, &["-q"]));
    for n in [1u32, 2, 3, 7] {
        let parts = dir.join(format!("parts-{n}"));
        for k in 0..n {
            let shard = format!("{k}/{n}");
            let out = ok(
                &root(),
                &with(&args, &["-q", "--shard", &shard, "--out", p(&parts)]),
            );
            assert!(out.is_empty(), "a shard prints nothing on stdout");
        }
        let merged = dir.join(format!("merged-{n}"));
        let got_json = ok(
            &dir,
            &strings(&["merge", p(&parts), "-f", "json", "--out", p(&merged)]),
        );
        assert!(
            got_json == want_json,
            "{name}, N = {n}: merged JSON differs from the unsharded run"
        );
        let got_table = ok(&dir, &strings(&["merge", p(&parts)]));
        assert!(
            got_table == want_table,
            "{name}, N = {n}: merged table differs:\n{}\n---\n{}",
            String::from_utf8_lossy(&got_table),
            String::from_utf8_lossy(&want_table)
        );
        for f in files {
            let a = std::fs::read(plain.join(f)).unwrap();
            let b = std::fs::read(merged.join(f)).unwrap();
            assert!(a == b, "{name}, N = {n}: merged {f} differs");
        }
    }
}

#[test]
fn sharded_run_merges_to_the_unsharded_bytes() {
    assert_merge_identical(
        "shard-run",
        &["run", "scenarios/minimal.toml", "-r", "9", "-s", "5"],
        &["summary.json", "kpis.csv", "summary.txt"],
    );
}

#[test]
fn sharded_compare_merges_to_the_unsharded_bytes() {
    assert_merge_identical(
        "shard-compare",
        &[
            "compare",
            "scenarios/cup-weekday.toml",
            "scenarios/cup-weekday-more-staff.toml",
            "-r",
            "9",
        ],
        &["comparison.json", "comparison.csv", "comparison.txt"],
    );
}

#[test]
fn sharded_sweep_merges_to_the_unsharded_bytes() {
    assert_merge_identical(
        "shard-sweep",
        &[
            "sweep",
            "scenarios/minimal.toml",
            "-g",
            "agents",
            "--agents",
            "20..24:2",
            "-r",
            "9",
        ],
        &["sweep.json", "sweep.csv", "sweep.txt"],
    );
}

#[test]
fn bad_shard_flags_exit_2() {
    let dir = scratch("shard-flags");
    for bad in ["3/3", "0/0", "a/b", "1", "x/3", "2/1", "1/1000001"] {
        let err = refused(
            &root(),
            &strings(&[
                "run",
                "scenarios/minimal.toml",
                "-r",
                "2",
                "--shard",
                bad,
                "--out",
                p(&dir),
            ]),
        );
        assert!(err.contains("--shard"), "{bad}: {err}");
    }
    let err = refused(
        &root(),
        &strings(&["run", "scenarios/minimal.toml", "-r", "2", "--shard", "0/2"]),
    );
    assert!(err.contains("--out"), "{err}");
}

/// The three parts of a small sharded run of `scenario`, in `dir/parts`.
fn three_parts(dir: &Path, scenario: &Path, seed: &str) -> Vec<PathBuf> {
    let stem = scenario.file_stem().unwrap().to_str().unwrap();
    let parts = dir.join(format!("parts-{stem}-{seed}"));
    for k in 0..3 {
        let shard = format!("{k}/3");
        ok(
            dir,
            &strings(&[
                "run",
                p(scenario),
                "-r",
                "6",
                "-s",
                seed,
                "-q",
                "--shard",
                &shard,
                "--out",
                p(&parts),
            ]),
        );
    }
    (0..3)
        .map(|k| parts.join(format!("part-{k}-of-3.ccpart")))
        .collect()
}

fn merge(dir: &Path, parts: &[&Path]) -> String {
    let mut args = strings(&["merge"]);
    args.extend(parts.iter().map(|x| p(x).to_string()));
    refused(dir, &args)
}

#[test]
fn merge_refuses_parts_that_do_not_belong_together() {
    let dir = scratch("shard-refuse");
    let scenario = dir.join("s.toml");
    let text = std::fs::read_to_string(root().join("scenarios/minimal.toml")).unwrap();
    let text = text.replace("days = 7", "days = 1");
    std::fs::write(&scenario, &text).unwrap();
    let parts = three_parts(&dir, &scenario, "1");
    let [a, b, c] = [&parts[0], &parts[1], &parts[2]];

    // The whole set merges.
    ok(&dir, &strings(&["merge", p(a), p(b), p(c)]));

    // Missing.
    let err = merge(&dir, &[a, c]);
    assert!(
        err.contains("missing") && err.contains("part-1-of-3.ccpart"),
        "{err}"
    );

    // Duplicated under another name.
    let copy = dir.join("copy-of-1.ccpart");
    std::fs::copy(b, &copy).unwrap();
    let err = merge(&dir, &[a, b, &copy, c]);
    assert!(
        err.contains("given twice") && err.contains("copy-of-1"),
        "{err}"
    );

    // Another seed, another scenario.
    let other_seed = three_parts(&dir, &scenario, "2");
    let err = merge(&dir, &[a, &other_seed[1], c]);
    assert!(
        err.contains("another job") && err.contains("seed") && err.contains("parts-s-2"),
        "{err}"
    );
    let other = dir.join("other.toml");
    std::fs::write(&other, text.replace("agents = 22", "agents = 23")).unwrap();
    let other_parts = three_parts(&dir, &other, "1");
    let err = merge(&dir, &[a, b, &other_parts[2]]);
    assert!(
        err.contains("another job") && err.contains("scenarios"),
        "{err}"
    );

    // Truncated, edited, another version, not a part at all.
    let bytes = std::fs::read(b).unwrap();
    let cut = dir.join("cut.ccpart");
    std::fs::write(&cut, &bytes[..bytes.len() - 100]).unwrap();
    let err = merge(&dir, &[a, &cut, c]);
    assert!(
        err.contains("cut.ccpart") && err.contains("truncated"),
        "{err}"
    );

    let edited = dir.join("edited.ccpart");
    let mut e = bytes.clone();
    let at = e.len() - 200;
    e[at] ^= 0x40;
    std::fs::write(&edited, &e).unwrap();
    let err = merge(&dir, &[a, &edited, c]);
    assert!(
        err.contains("edited.ccpart") && err.contains("checksum"),
        "{err}"
    );

    let version = env!("CARGO_PKG_VERSION");
    let fake: String = version
        .chars()
        .map(|ch| if ch.is_ascii_digit() { '9' } else { ch })
        .collect();
    assert_ne!(fake, version);
    let needle = format!("\"ccsim_version\":\"{version}\"");
    let at = bytes
        .windows(needle.len())
        .position(|w| w == needle.as_bytes())
        .unwrap();
    let mut v = bytes.clone();
    v[at..at + needle.len()].copy_from_slice(format!("\"ccsim_version\":\"{fake}\"").as_bytes());
    let old = dir.join("old.ccpart");
    std::fs::write(&old, &v).unwrap();
    let err = merge(&dir, &[a, &old, c]);
    assert!(
        err.contains("old.ccpart") && err.contains(&format!("written by ccsim {fake}")),
        "{err}"
    );

    let text_file = dir.join("notes.ccpart");
    std::fs::write(&text_file, "shard 1 of 3, see slurm log\n").unwrap();
    let err = merge(&dir, &[a, &text_file, c]);
    assert!(
        err.contains("notes.ccpart") && err.contains("not a ccsim partial result"),
        "{err}"
    );

    // The scenario file changed after the shards ran.
    std::fs::write(&scenario, text.replace("agents = 22", "agents = 30")).unwrap();
    let err = merge(&dir, &[a, b, c]);
    assert!(err.contains("has changed since the shards ran"), "{err}");
}
