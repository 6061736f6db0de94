//! clap definitions of the command line (see README, "Command line").

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::experiment::{MAX_THREADS, RunOptions};
use crate::scenario::validate::limits::MAX_REPLICATIONS;

/// ccsim: contact-center simulator and staffing optimizer.
#[derive(Debug, Parser)]
#[command(name = "ccsim", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Simulate a scenario and report every SLA with its 95% confidence interval.
    Run(RunArgs),
    /// Validate scenario files only: exit 0, or 2 with a precise message.
    Check(CheckArgs),
    /// Exact Erlang C / Erlang A figures for one queue (no simulation).
    Erlang(ErlangArgs),
    /// Write a synthetic call log and staffing table from one replication.
    GenLog(super::genlog::GenLogArgs),
    /// Fit a runnable scenario to a call log (and back-test it).
    Fit(super::fit::FitArgs),
    /// Run a baseline and alternatives with the same seed (common random
    /// numbers) and report paired differences with 95% CIs.
    Compare(CompareArgs),
    /// Write a report folder: report.md, self-contained report.html, plots.
    Report(ReportArgs),
    /// Measure simulation speed; prints calls simulated per second as JSON.
    Bench(BenchArgs),
    /// SLA per staffing level of one agent group (common random numbers, in parallel).
    Sweep(super::sweep::SweepArgs),
    /// The smallest staffing per interval that meets the targets, optionally as shifts.
    Staff(super::staff::StaffArgs),
    /// Join the partial results of `--shard K/N` runs into the output of the
    /// unsharded command (byte for byte).
    Merge(super::shard::MergeArgs),
    /// The planner's workbench: a local web page to open, edit, run, compare
    /// and save the scenarios of a folder.
    Serve(ServeArgs),
}

/// `ccsim serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Folder of scenario files the page reads and writes (nothing outside it).
    #[arg(long, default_value = "scenarios")]
    pub scenarios: PathBuf,
    /// Port (0: any free port, printed).
    #[arg(long, default_value_t = 8080)]
    pub port: u16,
    /// Address to listen on; anything but loopback needs a token.
    #[arg(long, default_value = "127.0.0.1")]
    pub host: std::net::IpAddr,
    /// Token every request must carry (Authorization: Bearer, or once as ?token=).
    #[arg(long, conflicts_with = "token_file")]
    pub token: Option<String>,
    /// File whose first line is the token (keeps it out of the process list).
    #[arg(long)]
    pub token_file: Option<PathBuf>,
}

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Human-readable tables.
    Table,
    /// The documented JSON result.
    Json,
    /// Long-format CSV.
    Csv,
}

/// Flags of every command that simulates (`run`, `compare`, `report`,
/// `sweep`, `staff`), defined once and flattened into each.
#[derive(Debug, Clone, Default, Args)]
pub struct SimFlags {
    /// Replications of each simulation, 1 to 1000000 (default: the
    /// scenario's `run.replications`; the first scenario's when several are given).
    #[arg(long, short = 'r', value_parser = parse_replications)]
    pub replications: Option<u32>,
    /// Master seed, common to every simulation of the command (default: the
    /// scenario's `run.seed`; the first scenario's when several are given).
    #[arg(long, short = 's')]
    pub seed: Option<u64>,
    /// Worker threads, 1 to 1024 (default: all cores). Results do not depend on it.
    #[arg(long, short = 't', value_parser = parse_threads)]
    pub threads: Option<usize>,
    /// No progress bar.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// A one-off change to every scenario of the command, e.g.
    /// `agent_group.operators.shrinkage=0.2` (entries addressed by name).
    /// Validated like the file and recorded in the results. Repeatable.
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub set: Vec<String>,
}

impl SimFlags {
    /// The run options these flags ask for.
    pub fn options(&self) -> RunOptions {
        RunOptions {
            replications: self.replications,
            seed: self.seed,
            threads: self.threads,
        }
    }
}

/// Most replications a flag accepts: the limit of `run.replications` in
/// scenario files.
pub const MAX_REPLICATIONS_FLAG: u32 = MAX_REPLICATIONS as u32;

/// Parses `--replications`: a whole number from 1 to [`MAX_REPLICATIONS_FLAG`].
/// clap names the flag and the value in front of the message, and exits 2.
///
/// # Errors
/// The accepted range.
pub fn parse_replications(s: &str) -> Result<u32, String> {
    match s.trim().parse::<u64>() {
        Ok(n) if (1..=u64::from(MAX_REPLICATIONS_FLAG)).contains(&n) => Ok(n as u32),
        _ => Err(format!(
            "must be a whole number from 1 to {MAX_REPLICATIONS_FLAG} (the limit of `run.replications` in scenario files)"
        )),
    }
}

/// Parses `--threads`: a whole number from 1 to [`MAX_THREADS`] (a fixed
/// bound, whatever the machine's cores).
///
/// # Errors
/// The accepted range.
pub fn parse_threads(s: &str) -> Result<usize, String> {
    match s.trim().parse::<u64>() {
        Ok(n) if (1..=MAX_THREADS as u64).contains(&n) => Ok(n as usize),
        _ => Err(format!("must be a whole number from 1 to {MAX_THREADS}")),
    }
}

/// `ccsim run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Scenario file (TOML).
    pub scenario: PathBuf,
    /// Replications, seed, threads, progress.
    #[command(flatten)]
    pub sim: SimFlags,
    /// `--shard K/N`.
    #[command(flatten)]
    pub shard: super::shard::ShardFlags,
    /// Output format on stdout.
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Also write summary.json, kpis.csv and summary.txt into this folder.
    #[arg(long, short = 'o')]
    pub out: Option<PathBuf>,
    /// Show per-interval tables in the table output.
    #[arg(long)]
    pub intervals: bool,
    /// Exit with code 3 when any service target is KO (after printing).
    #[arg(long)]
    pub fail_on_ko: bool,
    /// Exit with code 2 when the scenario has warnings (likely mistakes),
    /// before simulating.
    #[arg(long)]
    pub deny_warnings: bool,
}

/// `ccsim compare`.
#[derive(Debug, Args)]
pub struct CompareArgs {
    /// Baseline scenario file.
    pub base: PathBuf,
    /// Alternative scenario files.
    #[arg(required = true)]
    pub alternatives: Vec<PathBuf>,
    /// Replications, seed, threads, progress (the baseline's settings by default).
    #[command(flatten)]
    pub sim: SimFlags,
    /// `--shard K/N`.
    #[command(flatten)]
    pub shard: super::shard::ShardFlags,
    /// Output format on stdout.
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Also write comparison.json, comparison.csv and comparison.txt into this folder.
    #[arg(long, short = 'o')]
    pub out: Option<PathBuf>,
    /// Exit with code 3 when an alternative is significantly worse on this
    /// KPI for some service (95% CI of the paired difference on the bad
    /// side of zero). Repeatable.
    #[arg(long, value_name = "KPI")]
    pub fail_if_worse: Vec<String>,
}

/// `ccsim report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Scenario files: the baseline, then alternatives to compare with it.
    #[arg(required = true)]
    pub scenarios: Vec<PathBuf>,
    /// Output folder (created if missing), e.g. results/NAME.
    #[arg(long, short = 'o')]
    pub out: PathBuf,
    /// Skip "what it takes" (the staffing search per scenario, the slow part).
    #[arg(long)]
    pub no_staff: bool,
    /// Replications, seed, threads, progress (the baseline's settings by default).
    #[command(flatten)]
    pub sim: SimFlags,
}

/// `ccsim bench`.
#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Scenario to simulate (default: scenarios/bench-s1.toml if present,
    /// else the same S1 scenario built into the binary).
    pub scenario: Option<PathBuf>,
    /// Approximate wall-clock seconds to measure for.
    #[arg(long, default_value_t = 3.0)]
    pub seconds: f64,
    /// Worker threads, 1 to 1024 (default: all cores).
    #[arg(long, short = 't', value_parser = parse_threads)]
    pub threads: Option<usize>,
}

/// `ccsim check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Scenario files.
    #[arg(required = true)]
    pub scenarios: Vec<PathBuf>,
    /// Print each scenario in full, as one TOML file: the files it extends
    /// merged, `--set` changes applied.
    #[arg(long)]
    pub resolved: bool,
    /// Exit with code 2 when a scenario has warnings (likely mistakes).
    #[arg(long)]
    pub deny_warnings: bool,
    /// A one-off change to every scenario, as in `run` (repeatable).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub set: Vec<String>,
}

/// `ccsim erlang`.
#[derive(Debug, Args)]
pub struct ErlangArgs {
    /// Arrival rate: 300/h, 5/min, 0.1/s (a bare number is per hour).
    #[arg(long)]
    pub rate: String,
    /// Mean handling time, seconds.
    #[arg(long)]
    pub aht: f64,
    /// Mean patience, seconds (Erlang A); omit for Erlang C.
    #[arg(long)]
    pub patience: Option<f64>,
    /// Number of agents.
    #[arg(long)]
    pub agents: Option<u32>,
    /// Service-level threshold, seconds.
    #[arg(long, default_value_t = 20.0)]
    pub threshold: f64,
    /// Find the smallest number of agents whose service level meets this share.
    #[arg(long)]
    pub target: Option<f64>,
    /// With --target: also require the abandonment rate to be at most this share.
    #[arg(long)]
    pub max_abandon: Option<f64>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}
