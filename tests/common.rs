//! Helpers shared by the integration tests.

use ccsim::experiment::{self, RunOptions};
use ccsim::scenario::Scenario;
use ccsim::stats::Summary;

/// Parses and validates scenario text, panicking with the message on error.
pub fn scenario(text: &str) -> Scenario {
    Scenario::from_toml(text, "test.toml", "test").unwrap_or_else(|e| panic!("{e}"))
}

/// Runs a scenario with its own settings.
pub fn run(sc: &Scenario) -> Summary {
    experiment::run(sc, &RunOptions::default(), None)
        .expect("run")
        .summary
}

/// A single queue open around the clock with constant arrivals.
#[derive(Debug, Clone, Copy)]
pub struct SingleQueue {
    pub per_hour: f64,
    pub aht_s: f64,
    pub patience_s: Option<f64>,
    pub agents: u32,
    pub threshold_s: f64,
    pub days: u32,
    pub warmup_minutes: f64,
    pub replications: u32,
    pub seed: u64,
}

impl SingleQueue {
    /// The scenario text.
    pub fn toml(&self) -> String {
        let SingleQueue {
            per_hour,
            aht_s,
            patience_s,
            agents,
            threshold_s,
            days,
            warmup_minutes,
            replications,
            seed,
        } = *self;
        let patience = patience_s
            .map(|p| format!("patience = {{ dist = \"exponential\", mean_s = {p} }}"))
            .unwrap_or_default();
        format!(
            r#"
[horizon]
start = 2025-01-06
days = {days}
interval_minutes = 1440

[run]
replications = {replications}
seed = {seed}
warmup_minutes = {warmup_minutes}

[[service]]
name = "s"
targets = {{ answered_within_s = {threshold_s} }}

[[call_type]]
name = "c"
service = "s"
arrivals = {{ per_hour = {per_hour} }}
handling = {{ dist = "exponential", mean_s = {aht_s} }}
{patience}

[[agent_group]]
name = "g"
skills = ["c"]
agents = {agents}
"#
        )
    }
}

/// Path of the ccsim binary built for the tests.
pub fn bin() -> std::process::Command {
    std::process::Command::new(env!("CARGO_BIN_EXE_ccsim"))
}

/// Runs `cmd` and checks that it refused its input the way ccsim refuses
/// bad input: exit code 2, no panic, and a message on standard error that
/// names each of `needles` (the file, the field or flag, the value).
/// Returns standard error.
pub fn fails_with(cmd: &mut std::process::Command, needles: &[&str]) -> String {
    let out = cmd.output().expect("the ccsim binary runs");
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "{cmd:?}: {err}");
    assert!(!err.contains("panicked"), "{cmd:?}: {err}");
    for n in needles {
        assert!(err.contains(n), "{cmd:?}: {n:?} missing from: {err}");
    }
    err
}

/// Root of the repository.
pub fn root() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs a shipped scenario file with `replications` replications.
pub fn run_shipped(file: &str, replications: u32) -> Summary {
    let sc = Scenario::load(&root().join("scenarios").join(file)).unwrap_or_else(|e| panic!("{e}"));
    let opts = RunOptions {
        replications: Some(replications),
        ..RunOptions::default()
    };
    experiment::run(&sc, &opts, None).expect("run").summary
}

/// Asserts that the service's compliance row `indicator` is within `points`
/// percentage points of the review's `observed` share.
pub fn assert_reproduces(s: &Summary, indicator: &str, observed: f64, points: f64) {
    let row = s.services[0]
        .compliance
        .iter()
        .find(|c| c.indicator == indicator)
        .unwrap_or_else(|| panic!("no compliance row {indicator:?}"));
    let gap = (row.value.mean - observed).abs() * 100.0;
    assert!(
        gap <= points,
        "{indicator}: simulated {:.2}%, review {:.2}%",
        row.value.mean * 100.0,
        observed * 100.0
    );
}

/// A test's scratch folder, removed when the test ends; kept when it
/// fails, or when `CCSIM_KEEP_TEST_OUTPUT` is set, to be looked at (the
/// plots of `tests/report.rs`, for one).
pub struct Scratch(std::path::PathBuf);

impl std::ops::Deref for Scratch {
    type Target = std::path::Path;
    fn deref(&self) -> &std::path::Path {
        &self.0
    }
}

impl AsRef<std::path::Path> for Scratch {
    fn as_ref(&self) -> &std::path::Path {
        &self.0
    }
}

impl AsRef<std::ffi::OsStr> for Scratch {
    fn as_ref(&self) -> &std::ffi::OsStr {
        self.0.as_os_str()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if !std::thread::panicking() && std::env::var_os("CCSIM_KEEP_TEST_OUTPUT").is_none() {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

/// An empty scratch folder for one test, named after it and the process,
/// removed when the returned guard goes out of scope.
pub fn scratch(name: &str) -> Scratch {
    let dir = std::env::temp_dir().join(format!("ccsim-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    Scratch(dir)
}
