//! clap definitions of the command line (see README, "Command line").

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

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
    /// SLA per staffing level of one agent group (common random numbers, in parallel).
    Sweep(super::sweep::SweepArgs),
    /// The smallest staffing per interval that meets the targets, optionally as shifts.
    Staff(super::staff::StaffArgs),
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

/// `ccsim run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Scenario file (TOML).
    pub scenario: PathBuf,
    /// Replications (default: the scenario's `run.replications`).
    #[arg(long, short = 'r')]
    pub replications: Option<u32>,
    /// Master seed (default: the scenario's `run.seed`).
    #[arg(long, short = 's')]
    pub seed: Option<u64>,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long, short = 't')]
    pub threads: Option<usize>,
    /// Output format on stdout.
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Also write summary.json, kpis.csv and summary.txt into this folder.
    #[arg(long, short = 'o')]
    pub out: Option<PathBuf>,
    /// Show per-interval tables in the table output.
    #[arg(long)]
    pub intervals: bool,
    /// No progress bar.
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

/// `ccsim check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Scenario files.
    #[arg(required = true)]
    pub scenarios: Vec<PathBuf>,
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
