//! Resource limits of the command line: `check --estimate`, and the memory
//! limit (`--max-memory`) that `check`, `run`, `compare` and `report` apply
//! to the estimate before any simulation starts.
//!
//! The flags are added to the clap command here (not to the derived argument
//! structs), so that they stay in one place.

use std::path::Path;

use clap::{Arg, ArgAction, ArgMatches, CommandFactory};

use super::{Cli, CliError, load_set, output};
use crate::estimate::{self, Estimate};
use crate::scenario::Scenario;

/// The resource flags of the command line.
#[derive(Debug, Clone, Default)]
pub struct Limits {
    /// `--max-memory`: the limit of the estimated peak memory, bytes
    /// (default: half the machine's memory).
    pub max_memory: Option<String>,
    /// `check --estimate`: print the estimate as JSON.
    pub estimate: bool,
    /// `check --threads`: threads assumed by the estimate.
    pub threads: Option<usize>,
}

const MAX_MEMORY_HELP: &str = "Largest estimated peak memory a run may need, e.g. 16G or 512M \
     (default: half of this machine's memory); a run above it is refused before it starts";

fn max_memory_arg() -> Arg {
    Arg::new("max_memory")
        .long("max-memory")
        .value_name("SIZE")
        .help(MAX_MEMORY_HELP)
}

/// The clap command of [`Cli`] with the resource flags.
pub fn command() -> clap::Command {
    Cli::command()
        .mut_subcommand("run", |c| c.arg(max_memory_arg()))
        .mut_subcommand("compare", |c| c.arg(max_memory_arg()))
        .mut_subcommand("report", |c| c.arg(max_memory_arg()))
        .mut_subcommand("check", |c| {
            c.arg(max_memory_arg())
                .arg(
                    Arg::new("estimate")
                        .long("estimate")
                        .action(ArgAction::SetTrue)
                        .help("Print the resource estimate of each scenario as JSON: expected calls, peak memory per replication and for the run, JSON output size"),
                )
                .arg(
                    Arg::new("threads")
                        .long("threads")
                        .short('t')
                        .value_parser(clap::value_parser!(usize))
                        .help("Worker threads assumed by the estimate (default: all cores)"),
                )
        })
}

impl From<&ArgMatches> for Limits {
    fn from(m: &ArgMatches) -> Limits {
        let Some((_, sub)) = m.subcommand() else {
            return Limits::default();
        };
        let has = |id: &str| sub.try_contains_id(id).unwrap_or(false);
        Limits {
            max_memory: has("max_memory")
                .then(|| sub.get_one::<String>("max_memory").cloned())
                .flatten(),
            estimate: has("estimate") && sub.get_flag("estimate"),
            threads: has("threads")
                .then(|| sub.get_one::<usize>("threads").copied())
                .flatten(),
        }
    }
}

impl Limits {
    /// The memory limit, bytes, and how it was set.
    fn limit(&self) -> Result<(f64, String), CliError> {
        match &self.max_memory {
            Some(s) => estimate::parse_size(s)
                .map(|b| (b, format!("--max-memory {s}")))
                .map_err(|e| CliError::input(format!("--max-memory {e}"))),
            None => Ok((
                estimate::default_limit_bytes(),
                match estimate::machine_memory_bytes() {
                    Some(m) => format!("half of this machine's {} of memory", estimate::human(m)),
                    None => "the default when the machine's memory is unknown".into(),
                },
            )),
        }
    }

    /// Refuses a run whose estimated peak memory exceeds the limit.
    ///
    /// # Errors
    /// Exit 2 naming the file, the estimate, the limit and the fields that
    /// drive the estimate.
    pub fn check_run(
        &self,
        file: &Path,
        sc: &Scenario,
        replications: Option<u32>,
        threads: Option<usize>,
    ) -> Result<Estimate, CliError> {
        let threads = threads.unwrap_or_else(rayon::current_num_threads);
        let e = estimate::estimate(sc, replications, threads);
        let (limit, why) = self.limit()?;
        if e.memory_peak_bytes > limit {
            return Err(CliError::input(format!(
                "{}: the run would need about {} of memory (estimate: {} per replication, {} thread(s), {} replication(s)), more than the limit of {} ({why}; --max-memory SIZE raises it). The estimate is driven by: {}",
                file.display(),
                estimate::human(e.memory_peak_bytes),
                estimate::human(e.memory_per_replication_bytes),
                e.threads,
                e.replications,
                estimate::human(limit),
                e.drivers.join("; ")
            )));
        }
        Ok(e)
    }
}

/// `ccsim check`: validates every file and prints its warnings; refuses
/// scenarios whose run would exceed the memory limit; with `--estimate`,
/// prints the estimates as JSON; with `--resolved`, the full scenarios.
pub fn cmd_check(a: &super::args::CheckArgs, limits: &Limits) -> Result<(), CliError> {
    if limits.threads == Some(0) {
        return Err(CliError::input("--threads 0: must be at least 1"));
    }
    let mut errors = Vec::new();
    let mut estimates = Vec::new();
    let mut warned = 0;
    for p in &a.scenarios {
        let checked = load_set(p, &a.set).and_then(|l| {
            let e = limits.check_run(p, &l.scenario, None, limits.threads)?;
            Ok((l, e))
        });
        match checked {
            Ok((l, e)) => {
                warned += l.warnings.len();
                super::warn(&l, false)?;
                if a.resolved {
                    output::emit(&format!(
                        "# {}: the resolved scenario (ccsim {})\n{}",
                        p.display(),
                        env!("CARGO_PKG_VERSION"),
                        l.resolved_toml()
                    ))?;
                } else if limits.estimate {
                    let mut v =
                        serde_json::to_value(&e).map_err(|e| CliError::internal(e.to_string()))?;
                    v["file"] = serde_json::json!(p.display().to_string());
                    estimates.push(v);
                } else {
                    let sc = &l.scenario;
                    output::emit(&format!(
                        "{}: ok ({} service(s), {} call type(s), {} agent group(s), {} day(s){})\n",
                        p.display(),
                        sc.services.len(),
                        sc.call_types.len(),
                        sc.groups.len(),
                        sc.horizon.days,
                        match l.warnings.len() {
                            0 => String::new(),
                            n => format!(", {n} warning(s)"),
                        }
                    ))?;
                }
            }
            Err(e) => errors.push(e.message),
        }
    }
    if limits.estimate && !estimates.is_empty() {
        let text = serde_json::to_string_pretty(&estimates)
            .map_err(|e| CliError::internal(e.to_string()))?;
        output::emit(&(text + "\n"))?;
    }
    if !errors.is_empty() {
        Err(CliError::input(errors.join("\n")))
    } else if a.deny_warnings && warned > 0 {
        Err(CliError::input(format!(
            "{warned} warning(s) and --deny-warnings"
        )))
    } else {
        Ok(())
    }
}
