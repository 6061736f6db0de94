//! `--shard K/N` on `run`, `compare` and `sweep`, and `ccsim merge`: the
//! command-line side of [`crate::shard`].
//!
//! A sharded command does everything the unsharded one does up to the
//! simulation, then simulates its block of replications and writes the
//! partial result instead of any output. `merge` checks the parts, replays
//! the shards' command line with the parts in place of the simulation, and
//! so prints and writes exactly what the unsharded command would.

use std::path::{Path, PathBuf};

use clap::{Args, FromArgMatches};

use super::{Cli, CliError, Command, Format, limits};
use crate::experiment::{self, RunOutput};
use crate::scenario::Scenario;
use crate::shard::{self, Part, Shard, ShardJob};

/// `--shard K/N`, flattened into `run`, `compare` and `sweep`.
#[derive(Debug, Clone, Default, Args)]
pub struct ShardFlags {
    /// Simulate only shard K of N (K from 0 to N-1, as a Slurm array index):
    /// a contiguous block of the replications, written as the partial result
    /// part-K-of-N.ccpart into --out DIR; `ccsim merge DIR` then prints and
    /// writes exactly what the command without --shard would.
    #[arg(long, value_name = "K/N", value_parser = Shard::parse)]
    pub shard: Option<Shard>,
}

/// Where a command's replications come from.
#[derive(Debug)]
pub enum Source {
    /// Simulate them (one shard of them with `--shard`).
    Simulate,
    /// Read them from the checked parts of `ccsim merge`, in shard order.
    Merge(Vec<Part>),
}

/// The one simulation step of `run`, `compare` or `sweep`.
#[derive(Debug)]
pub(super) struct Batch<'a> {
    /// `run`, `compare` or `sweep`.
    pub command: &'static str,
    /// The scenarios simulated, in order.
    pub scenarios: &'a [Scenario],
    /// Replications of each.
    pub replications: u32,
    /// Master seed.
    pub seed: u64,
    /// `--threads`.
    pub threads: Option<usize>,
    /// `--shard`.
    pub shard: Option<Shard>,
    /// `--out`: where a shard writes its part.
    pub out: Option<&'a Path>,
}

impl Batch<'_> {
    /// The outputs of every scenario: from `plain` (the command's own
    /// simulation), or from the parts of a merge; `None` when this is a
    /// shard, which has written its partial result and has nothing to show.
    ///
    /// # Errors
    /// Exit 2 for a missing `--out`, a part that cannot be written or does
    /// not match the scenarios; the error of `plain`.
    pub fn outputs(
        &self,
        src: &Source,
        plain: impl FnOnce() -> Result<Vec<RunOutput>, CliError>,
    ) -> Result<Option<Vec<RunOutput>>, CliError> {
        let sh = match (src, self.shard) {
            (Source::Merge(parts), _) => {
                return shard::fold(parts, self.scenarios)
                    .map(Some)
                    .map_err(|e| CliError::input(e.to_string()));
            }
            (Source::Simulate, None) => return plain().map(Some),
            (Source::Simulate, Some(sh)) => sh,
        };
        let Some(dir) = self.out else {
            return Err(CliError::input(format!(
                "--shard {}/{}: give --out DIR, the folder for the partial result",
                sh.k, sh.n
            )));
        };
        let path = dir.join(sh.file_name());
        let args = std::iter::once("ccsim".to_string())
            .chain(
                std::env::args_os()
                    .skip(1)
                    .map(|a| a.to_string_lossy().into_owned()),
            )
            .collect();
        let job = ShardJob {
            command: self.command,
            args,
            scenarios: self.scenarios,
            replications: self.replications,
            seed: self.seed,
            shard: sh,
        };
        let block = experiment::with_threads(self.threads, || shard::write_part(&job, &path))
            .map_err(|e| CliError::internal(e.to_string()))?
            .map_err(|e| CliError::input(format!("--out: cannot write the partial result: {e}")))?;
        eprintln!(
            "wrote {} (shard {} of {}: replications {}..{} of {})",
            path.display(),
            sh.k,
            sh.n,
            block.start,
            block.end,
            self.replications
        );
        Ok(None)
    }
}

/// `ccsim merge`.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// Partial results (part-K-of-N.ccpart), or folders holding them: all N
    /// parts of one sharded run, compare or sweep.
    #[arg(required = true)]
    pub parts: Vec<PathBuf>,
    /// Output format on stdout (default: the shards' --format).
    #[arg(long, short = 'f', value_enum)]
    pub format: Option<Format>,
    /// Also write the command's result files into this folder, as the
    /// command without --shard does with --out.
    #[arg(long, short = 'o')]
    pub out: Option<PathBuf>,
}

/// The partial results named by `paths`: files as given, folders by their
/// `*.ccpart` files.
fn part_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, CliError> {
    let mut files = Vec::new();
    for p in paths {
        if !p.is_dir() {
            files.push(p.clone());
            continue;
        }
        let entries =
            std::fs::read_dir(p).map_err(|e| CliError::input(format!("{}: {e}", p.display())))?;
        let mut found: Vec<PathBuf> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|f| f.extension().is_some_and(|x| x == shard::SUFFIX) && f.is_file())
            .collect();
        if found.is_empty() {
            return Err(CliError::input(format!(
                "{}: no partial result (*.{}) in this folder",
                p.display(),
                shard::SUFFIX
            )));
        }
        found.sort();
        files.extend(found);
    }
    Ok(files)
}

pub(super) fn cmd_merge(a: MergeArgs) -> Result<(), CliError> {
    let input = |e: shard::PartError| CliError::input(e.to_string());
    let parts = part_files(&a.parts)?
        .iter()
        .map(|f| shard::read_part(f))
        .collect::<Result<Vec<_>, _>>()
        .map_err(input)?;
    let parts = shard::assemble(parts).map_err(input)?;
    let h = parts[0].header.clone();
    let from = parts[0].path.display().to_string();
    let mut m = limits::command()
        .try_get_matches_from(&h.args)
        .map_err(|e| CliError::input(format!("{from}: the recorded command line: {e}")))?;
    let lim = limits::Limits::from(&m);
    let cli = Cli::from_arg_matches_mut(&mut m)
        .map_err(|e| CliError::input(format!("{from}: the recorded command line: {e}")))?;
    let out = a.out.map(|o| std::path::absolute(&o).unwrap_or(o));
    // Relative scenario paths of the recorded command line start where the
    // shards ran (the submit folder of a Slurm array).
    if Path::new(&h.dir).is_dir() {
        std::env::set_current_dir(&h.dir)
            .map_err(|e| CliError::input(format!("{}: {e}", h.dir)))?;
    }
    let src = Source::Merge(parts);
    match cli.command {
        Command::Run(mut r) if h.command == "run" => {
            r.shard.shard = None;
            r.out = out;
            r.format = a.format.unwrap_or(r.format);
            super::cmd_run(r, &lim, &src)
        }
        Command::Compare(mut c) if h.command == "compare" => {
            c.shard.shard = None;
            c.out = out;
            c.format = a.format.unwrap_or(c.format);
            super::cmd_compare(c, &lim, &src)
        }
        Command::Sweep(mut s) if h.command == "sweep" => {
            s.shard.shard = None;
            s.out = out;
            s.format = a.format.unwrap_or(s.format);
            super::sweep::cmd_sweep(s, &src)
        }
        _ => Err(CliError::input(format!(
            "{from}: the recorded command is not a sharded run, compare or sweep"
        ))),
    }
}
