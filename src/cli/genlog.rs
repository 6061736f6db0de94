//! `ccsim gen-log`: a synthetic call log and staffing table from one
//! replication of a scenario (the ground truth of `ccsim fit`'s tests).

use std::path::PathBuf;

use clap::Args;

use super::{CliError, load};
use crate::fit::synth::{call_log_of, interval_report_of, staffing_csv, traced_calls};
use crate::io::{check_target, write_atomic};

/// `ccsim gen-log`.
#[derive(Debug, Args)]
pub struct GenLogArgs {
    /// Scenario file (TOML).
    pub scenario: PathBuf,
    /// Call log to write (CSV).
    #[arg(long, short = 'o')]
    pub out: PathBuf,
    /// Staffing table to write (CSV).
    #[arg(long)]
    pub staffing_out: Option<PathBuf>,
    /// Interval report to write (CSV, as an ACD exports it: per interval and
    /// call type offered, answered, abandoned, answered within, AHT, ASA,
    /// ATA, agents), the input of `ccsim fit --intervals`.
    #[arg(long)]
    pub intervals_out: Option<PathBuf>,
    /// Master seed (default: the scenario's `run.seed`).
    #[arg(long, short = 's')]
    pub seed: Option<u64>,
    /// Replication number to trace.
    #[arg(long, short = 'r', default_value_t = 0)]
    pub replication: u32,
}

/// Runs `ccsim gen-log`.
///
/// # Errors
/// [`CliError`] with exit code 2 for a bad scenario or an unwritable file.
pub fn cmd_gen_log(a: GenLogArgs) -> Result<(), CliError> {
    let sc = load(&a.scenario)?;
    // Every target is checked before anything is simulated or written, so
    // that a bad --intervals-out or --staffing-out leaves no call log behind.
    let targets = [
        ("--out", Some(&a.out)),
        ("--intervals-out", a.intervals_out.as_ref()),
        ("--staffing-out", a.staffing_out.as_ref()),
    ];
    for (flag, path) in targets {
        if let Some(p) = path {
            check_target(p).map_err(|e| CliError::input(format!("{flag}: {e}")))?;
        }
    }
    let seed = a.seed.unwrap_or(sc.run.seed);
    let calls = traced_calls(&sc, seed, a.replication);
    let log = call_log_of(&sc, &calls);
    let n = log.lines().count().saturating_sub(1);
    write_atomic(&a.out, log.as_bytes())
        .map_err(|e| CliError::input(format!("cannot write the call log: {e}")))?;
    eprintln!(
        "wrote {} ({n} calls, seed {seed}, replication {})",
        a.out.display(),
        a.replication
    );
    if let Some(p) = &a.intervals_out {
        write_atomic(p, interval_report_of(&sc, &calls).as_bytes()).map_err(|e| {
            CliError::input(format!(
                "--intervals-out: cannot write the interval report: {e}"
            ))
        })?;
        eprintln!("wrote {}", p.display());
    }
    if let Some(p) = &a.staffing_out {
        write_atomic(p, staffing_csv(&sc).as_bytes()).map_err(|e| {
            CliError::input(format!(
                "--staffing-out: cannot write the staffing table: {e}"
            ))
        })?;
        eprintln!("wrote {}", p.display());
    }
    Ok(())
}
