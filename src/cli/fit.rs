//! `ccsim fit`: a runnable scenario from a call log, and its back-test.

use std::path::PathBuf;

use clap::Args;

use super::{CliError, run_with_progress};
use crate::experiment::RunOptions;
use crate::fit::{self, FitError, FitOptions};
use crate::io::write_atomic;
use crate::scenario::Scenario;

/// `ccsim fit`.
#[derive(Debug, Args)]
pub struct FitArgs {
    /// Call log (CSV; see docs/fit.md for the columns).
    pub calls: PathBuf,
    /// Staffing table (CSV: date, interval_start, group, agents).
    #[arg(long)]
    pub staffing: Option<PathBuf>,
    /// Fitted scenario to write (TOML).
    #[arg(long, short = 'o')]
    pub out: PathBuf,
    /// Interval of the fitted scenario, minutes (divides 1440).
    #[arg(long, default_value_t = 30)]
    pub interval_minutes: u32,
    /// Service-level threshold, seconds.
    #[arg(long, default_value_t = 20.0)]
    pub threshold: f64,
    /// Skip malformed or impossible rows (counted and reported) instead of failing.
    #[arg(long)]
    pub skip_bad: bool,
    /// A call within this many seconds after the same caller abandoned is a redial.
    #[arg(long, default_value_t = 3600.0)]
    pub redial_window: f64,
    /// Simulate the fitted scenario and compare with the log.
    #[arg(long)]
    pub backtest: bool,
    /// Replications of the back-test.
    #[arg(long, short = 'r', default_value_t = 30, value_parser = super::args::parse_replications)]
    pub replications: u32,
    /// Seed of the back-test.
    #[arg(long, short = 's', default_value_t = 1)]
    pub seed: u64,
    /// Worker threads of the back-test, 1 to 1024 (default: all cores).
    #[arg(long, short = 't', value_parser = super::args::parse_threads)]
    pub threads: Option<usize>,
    /// No progress bar.
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

fn map(e: FitError) -> CliError {
    match e {
        FitError::Input(m) => CliError::input(m),
        FitError::Internal(m) => CliError::internal(m),
    }
}

/// Runs `ccsim fit`.
///
/// # Errors
/// [`CliError`]: exit 2 for bad input (file, line, column and value named),
/// 1 when the fitted scenario does not validate (a bug).
pub fn cmd_fit(a: FitArgs) -> Result<(), CliError> {
    if !(a.threshold.is_finite() && a.threshold >= 0.0) {
        return Err(CliError::input(format!(
            "--threshold {}: must be >= 0 seconds",
            a.threshold
        )));
    }
    if a.interval_minutes == 0 || 1440 % a.interval_minutes != 0 {
        return Err(CliError::input(format!(
            "--interval-minutes {}: must divide 1440",
            a.interval_minutes
        )));
    }
    if !(a.redial_window.is_finite() && a.redial_window > 0.0) {
        return Err(CliError::input(format!(
            "--redial-window {}: must be > 0 seconds",
            a.redial_window
        )));
    }
    let opts = FitOptions {
        interval_s: a.interval_minutes * 60,
        skip_bad: a.skip_bad,
        threshold_s: a.threshold,
        redial_window_s: a.redial_window,
    };
    let res = fit::fit(&a.calls, a.staffing.as_deref(), &opts).map_err(map)?;
    for l in res.rows.lines(&res.calls_file) {
        eprintln!("warning: {l}");
    }
    let name = a
        .out
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "fitted".into());
    let text = res.scenario_toml(&name);
    let out_name = a.out.display().to_string();
    let sc = Scenario::from_toml(&text, &out_name, &name).map_err(|e| {
        CliError::internal(format!(
            "the fitted scenario does not validate (please report): {e}"
        ))
    })?;
    write_atomic(&a.out, text.as_bytes())
        .map_err(|e| CliError::input(format!("cannot write the fitted scenario: {e}")))?;
    eprintln!(
        "wrote {out_name}: {} call type(s), {} agent group(s), {} day(s) from {}",
        sc.call_types.len(),
        sc.groups.len(),
        sc.horizon.days,
        sc.horizon.start
    );
    if a.staffing.is_none() {
        eprintln!(
            "warning: no --staffing table: agents are an ASSUMPTION (busy agents / 0.85); edit them in {out_name}"
        );
    }
    if a.backtest {
        let ro = RunOptions {
            replications: Some(a.replications),
            seed: Some(a.seed),
            threads: a.threads,
        };
        let out = run_with_progress(&sc, &ro, a.quiet)?;
        super::output::emit(&fit::backtest_report(&res, &out.summary))?;
    }
    Ok(())
}
