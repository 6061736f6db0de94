//! Overlays (`extends`) and `--set`: the merge rules, errors that name the
//! file and line where a bad value was written, and the shipped what-ifs,
//! which must read exactly as the whole files they replaced.

use ccsim::report;
use ccsim::scenario::{Provenance, Scenario};

use crate::common::{bin, root, scratch};

/// The shipped what-ifs that became overlays; the whole files they
/// replaced are kept in tests/fixtures/whatifs.
const CONVERTED: &[&str] = &[
    "cup-2025h1-volume-minus10",
    "cup-2025h1-volume-plus10",
    "cup-after-training",
    "cup-launch-weeks",
    "cup-open-7am",
    "cup-priority-queue",
    "cup-priority-queue-open-7am",
    "cup-weekday-more-staff",
    "cc-blend-reserve",
    "cc-cross-training",
];

fn without_provenance(mut sc: Scenario) -> Scenario {
    sc.provenance = Provenance::default();
    sc
}

#[test]
fn converted_what_ifs_resolve_to_the_files_they_replaced() {
    for name in CONVERTED {
        let overlay = root().join("scenarios").join(format!("{name}.toml"));
        let old = root()
            .join("tests/fixtures/whatifs")
            .join(format!("{name}.toml"));
        let text = std::fs::read_to_string(&overlay).unwrap();
        assert!(text.contains("\nextends = "), "{name} is not an overlay");
        let loaded = Scenario::load_with(&overlay, &[]).unwrap_or_else(|e| panic!("{e}"));
        assert!(!loaded.scenario.provenance.extends.is_empty());
        let original = Scenario::load(&old).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            without_provenance(loaded.scenario.clone()),
            original,
            "{name}: the overlay does not resolve to the old file"
        );
        // The resolved text reads back as the same scenario.
        let again = Scenario::from_toml(&loaded.resolved_toml(), "resolved.toml", "x")
            .unwrap_or_else(|e| panic!("{name}: resolved text: {e}"));
        assert_eq!(again, original, "{name}: the resolved text differs");
    }
}

#[test]
fn an_overlay_gives_the_same_json_bytes_as_the_file_it_replaced() {
    let json = |path: &std::path::Path| {
        let out = bin()
            .args(["run", "-r", "3", "-q", "--format", "json"])
            .arg(path)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let name = "cup-weekday-more-staff";
    let new = json(&root().join("scenarios").join(format!("{name}.toml")));
    let old = json(
        &root()
            .join("tests/fixtures/whatifs")
            .join(format!("{name}.toml")),
    );
    // The only difference: the overlay records the file it extends.
    let marker = "  \"extends\": [\n    \"";
    let at = new.find(marker).expect("extends recorded");
    let end = at + new[at..].find("],\n").unwrap() + 3;
    assert!(new[at..end].contains("cup-weekday.toml"));
    let stripped = format!("{}{}", &new[..at], &new[end..]);
    assert_eq!(stripped, old);
}

const BASE: &str = r#"
name = "base"
description = "the base"

[horizon]
start = 2025-01-06
days = 1
interval_minutes = 60

[run]
replications = 5
seed = 7

[[service]]
name = "svc"
open = "08:00-18:00"
targets = { answered_within_s = 20, service_level = 0.8, max_abandon_rate = 0.05 }

[[call_type]]
name = "a"
service = "svc"
arrivals = { per_hour = 30 }
handling = { dist = "lognormal", mean_s = 200, cv = 0.5 }
patience = { dist = "exponential", mean_s = 120 }
closed_hours = { retry_share = 0.5 }

[[call_type]]
name = "b"
service = "svc"
arrivals = { per_hour = 10 }
handling = { dist = "exponential", mean_s = 300 }

[[agent_group]]
name = "team"
skills = ["a", "b"]
agents = 6
"#;

fn write(dir: &std::path::Path, name: &str, text: &str) -> std::path::PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn overlays_merge_by_name_add_remove_and_unset() {
    let dir = scratch("overlay-rules");
    write(&dir, "base.toml", BASE);
    let over = write(
        &dir,
        "over.toml",
        r#"extends = "base.toml"

[run]
seed = 9

[[service]]
name = "svc"
targets = { service_level = 0.9 }

[[call_type]]
name = "a"
handling = { mean_s = 250 }
unset = ["closed_hours"]

[[call_type]]
name = "b"
remove = true

[[call_type]]
name = "c"
service = "svc"
arrivals = { per_hour = 5 }
handling = { dist = "exponential", mean_s = 100 }

[[agent_group]]
name = "team"
skills = ["a", "c"]
"#,
    );
    let sc = Scenario::load(&over).unwrap_or_else(|e| panic!("{e}"));
    // name and description are the file's own, not inherited.
    assert_eq!(sc.name, "over");
    assert_eq!(sc.description, None);
    assert_eq!(sc.run.seed, 9);
    assert_eq!(sc.run.replications, 5, "[run] merged key by key");
    let t = &sc.services[0].targets;
    assert_eq!(t.service_level, Some(0.9));
    assert_eq!(t.max_abandon_rate, Some(0.05), "targets merged key by key");
    let names: Vec<&str> = sc.call_types.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        ["a", "c"],
        "b removed, c added after the base's entries"
    );
    assert_eq!(
        sc.call_types[0].handling,
        ccsim::scenario::DurationDist::LogNormal {
            mean: 250.0,
            cv: 0.5
        }
    );
    assert!(sc.call_types[0].closed_hours.is_none(), "unset");
    assert_eq!(sc.groups[0].skills, [0, 1], "a list replaces the base's");
    assert_eq!(
        sc.provenance.extends,
        [dir.join("base.toml").display().to_string()]
    );
}

#[test]
fn errors_name_the_file_and_line_where_the_value_was_written() {
    let dir = scratch("overlay-errors");
    // A bad value in the base (line 24: mean_s of call type a's handling is
    // fine, so break b's, on line 31) and one in the overlay.
    let base = BASE.replace("mean_s = 300", "mean_s = -3");
    let line_in_base = base
        .lines()
        .position(|l| l.contains("mean_s = -3"))
        .unwrap()
        + 1;
    write(&dir, "base.toml", &base);
    let over = write(
        &dir,
        "over.toml",
        "extends = \"base.toml\"\n\n[[agent_group]]\nname = \"team\"\nshrinkage = 2\n",
    );
    let e = Scenario::load(&over).unwrap_err().to_string();
    let base_path = dir.join("base.toml").display().to_string();
    assert!(
        e.contains(&format!(
            "{base_path}:{line_in_base}: call_type[1].handling.mean_s = -3"
        )),
        "{e}"
    );
    assert!(
        e.contains(&format!(
            "{}:5: agent_group[0].shrinkage = 2",
            over.display()
        )),
        "{e}"
    );
    // A type error found after merging names the overlay's line too.
    let over2 = write(
        &dir,
        "over2.toml",
        "extends = \"base.toml\"\n\n[run]\nseed = \"seven\"\n",
    );
    write(&dir, "base.toml", BASE);
    let e = Scenario::load(&over2).unwrap_err().to_string();
    assert!(
        e.contains(&format!("{}:4: run.seed", over2.display())),
        "{e}"
    );
    // remove = true of an entry the base does not have.
    let over3 = write(
        &dir,
        "over3.toml",
        "extends = \"base.toml\"\n\n[[call_type]]\nname = \"zzz\"\nremove = true\n",
    );
    let e = Scenario::load(&over3).unwrap_err().to_string();
    assert!(
        e.contains("over3.toml:4:") && e.contains("\"zzz\"") && e.contains("known: \"a\", \"b\""),
        "{e}"
    );
}

#[test]
fn overlays_chain_and_cycles_exit_2() {
    let dir = scratch("overlay-chain");
    write(&dir, "base.toml", BASE);
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    write(
        &dir,
        "mid.toml",
        "extends = \"base.toml\"\n[run]\nseed = 11\n",
    );
    // Relative to the file that names it, not to the working directory.
    let top = write(
        &dir,
        "sub/top.toml",
        "extends = \"../mid.toml\"\n[run]\nreplications = 3\n",
    );
    let sc = Scenario::load(&top).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((sc.run.seed, sc.run.replications), (11, 3));
    assert_eq!(sc.provenance.extends.len(), 2);

    write(&dir, "x.toml", "extends = \"y.toml\"\n");
    write(&dir, "y.toml", "extends = \"x.toml\"\n");
    let out = bin().arg("check").arg(dir.join("x.toml")).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("cycle") && err.contains("y.toml:1: extends"),
        "{err}"
    );
}

#[test]
fn check_resolved_prints_a_scenario_that_reads_back_the_same() {
    let path = root().join("scenarios/cup-priority-queue-open-7am.toml");
    let out = bin()
        .args(["check", "--resolved"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!text.contains("extends"));
    assert!(text.contains("name = \"priority\""));
    let again = Scenario::from_toml(&text, "resolved.toml", "x").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(again, without_provenance(Scenario::load(&path).unwrap()));
}

#[test]
fn set_changes_a_value_is_validated_and_recorded() {
    let dir = scratch("overlay-set");
    let base = write(&dir, "base.toml", BASE);
    let set = [
        "agent_group.team.agents=9",
        "call_type.a.handling.mean_s=150",
    ]
    .map(String::from);
    let l = Scenario::load_with(&base, &set).unwrap_or_else(|e| panic!("{e}"));
    assert!(l.scenario.groups[0].staffing[0].iter().all(|&n| n == 9));
    assert_eq!(l.scenario.call_types[0].handling.mean(), 150.0);
    assert_eq!(l.scenario.provenance.set, set);

    // Recorded in the JSON result and the table.
    let out = bin()
        .args([
            "run",
            "-q",
            "-r",
            "2",
            "--format",
            "json",
            "--set",
            "agent_group.team.agents=9",
        ])
        .arg(&base)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["set"], serde_json::json!(["agent_group.team.agents=9"]));
    let s = Scenario::load_with(&base, &set[..1]).unwrap().scenario;
    let summary = ccsim::experiment::run(
        &s,
        &ccsim::experiment::RunOptions {
            replications: Some(2),
            ..Default::default()
        },
        None,
    )
    .unwrap()
    .summary;
    assert!(report::table::render(&summary, false).contains("--set agent_group.team.agents=9"));

    // Bad path, bad name, bad value: exit 2 naming the --set and the value.
    for (arg, expect) in [
        (
            "agent_group.team.shrinkage=1.5",
            "--set agent_group.team.shrinkage=1.5: agent_group[0].shrinkage = 1.5",
        ),
        (
            "agent_group.nobody.agents=3",
            "no agent_group has this name (known: \"team\")",
        ),
        (
            "call_type.a.no_such_field=1",
            "unknown field `no_such_field`",
        ),
        ("run.seed", "must be PATH=VALUE"),
    ] {
        for cmd in [
            &["run"][..],
            &["sweep", "-g", "team", "--agents", "5,6"],
            &["staff"],
            &["compare"],
        ] {
            let mut c = bin();
            c.args(cmd).args(["-q", "-r", "2", "--set", arg]).arg(&base);
            if cmd[0] == "compare" {
                c.arg(&base);
            }
            let out = c.output().unwrap();
            assert_eq!(out.status.code(), Some(2), "{cmd:?} --set {arg}");
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(err.contains(expect) && err.contains(arg), "{cmd:?}: {err}");
        }
    }
}
