//! `ccsim sweep`: SLA per staffing level.

use std::path::PathBuf;

use clap::Args;

use super::args::SimFlags;
use super::{CliError, Format, load_set};
use crate::experiment;
use crate::optimize::OptimizeError;
use crate::optimize::sweep::{self, SweepOptions};
use crate::report;

/// `ccsim sweep`.
#[derive(Debug, Args)]
pub struct SweepArgs {
    /// Scenario file (TOML).
    pub scenario: PathBuf,
    /// Agent group whose staffing varies.
    #[arg(long, short = 'g')]
    pub group: String,
    /// Agent levels: A..B, A..B:STEP or a comma list. Each level replaces the
    /// group's staffing in every interval where it is staffed today (> 0), or
    /// everywhere if the group's staffing is constant.
    #[arg(
        long,
        conflicts_with_all = ["scale", "add"],
        required_unless_present_any = ["scale", "add"]
    )]
    pub agents: Option<String>,
    /// Agents added to today's profile in the chosen intervals: A..B,
    /// A..B:STEP or a comma list (e.g. -2..10); never below 0.
    #[arg(long, conflicts_with = "scale", allow_hyphen_values = true)]
    pub add: Option<String>,
    /// Only these weekdays change (mon, mon-fri, sat,sun, ...); the other
    /// intervals keep today's staffing and are still simulated.
    #[arg(long)]
    pub days: Option<String>,
    /// Only this window of the day changes, HH:MM-HH:MM on interval
    /// boundaries (e.g. 08:00-10:00).
    #[arg(long)]
    pub window: Option<String>,
    /// Factors on the group's staffing profile: A..B:STEP or a comma list
    /// (e.g. 0.8..1.2:0.05); agents are rounded to whole numbers.
    #[arg(long)]
    pub scale: Option<String>,
    /// Replications per level, seed common to all levels, threads.
    #[command(flatten)]
    pub sim: SimFlags,
    /// `--shard K/N`.
    #[command(flatten)]
    pub shard: super::shard::ShardFlags,
    /// A level meets a target when the share of replications meeting it over
    /// the horizon is at least this.
    #[arg(long, default_value_t = 0.95)]
    pub confidence: f64,
    /// Output format on stdout.
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Also write sweep.json, sweep.csv, sweep.txt and the staffing curve
    /// (staffing-curve.png, staffing-curve.svg) into this folder.
    #[arg(long, short = 'o')]
    pub out: Option<PathBuf>,
}

impl From<OptimizeError> for CliError {
    fn from(e: OptimizeError) -> CliError {
        map_err(e)
    }
}

pub(super) fn map_err(e: OptimizeError) -> CliError {
    match e {
        OptimizeError::Input(m) => CliError::input(m),
        e => CliError::internal(e.to_string()),
    }
}

pub(super) fn cmd_sweep(a: SweepArgs, src: &super::shard::Source) -> Result<(), CliError> {
    let sc = load_set(&a.scenario, &a.sim.set)?.scenario;
    let levels = match (&a.agents, &a.scale, &a.add) {
        (Some(s), _, _) => sweep::parse_agents(s),
        (None, Some(s), _) => sweep::parse_scale(s),
        (None, None, Some(s)) => sweep::parse_add(s),
        (None, None, None) => Err(OptimizeError::Input(
            "give --agents, --scale or --add".into(),
        )),
    }
    .map_err(map_err)?;
    let only = crate::optimize::Selection::parse(&sc, a.days.as_deref(), a.window.as_deref())
        .map_err(map_err)?;
    let o = SweepOptions {
        group: a.group.clone(),
        levels,
        replications: a.sim.replications,
        seed: a.sim.seed,
        threads: a.sim.threads,
        confidence: a.confidence,
        only,
    };
    let Some(r) = sweep::run_with(&sc, &o, |scenarios, replications, seed| {
        let batch = super::shard::Batch {
            command: "sweep",
            scenarios,
            replications,
            seed,
            threads: a.sim.threads,
            shard: a.shard.shard,
            out: a.out.as_deref(),
        };
        let plain = || {
            experiment::with_threads(a.sim.threads, || {
                experiment::simulate(scenarios, replications, seed, None)
            })
            .map_err(|e| CliError::internal(e.to_string()))
        };
        Ok::<_, CliError>(
            batch
                .outputs(src, plain)?
                .map(|v| v.into_iter().map(|o| o.summary).collect()),
        )
    })?
    else {
        return Ok(());
    };
    let json = || {
        let mut v = serde_json::to_value(&r).map_err(|e| CliError::internal(e.to_string()))?;
        v["answer"]["text"] = serde_json::json!(report::staffing::sweep_answer(&r));
        sc.provenance.record(&mut v);
        serde_json::to_string_pretty(&v).map_err(|e| CliError::internal(e.to_string()))
    };
    let csv = || report::staffing::sweep_csv(&r).map_err(|e| CliError::internal(e.to_string()));
    let table = || sc.provenance.lines() + &report::staffing::sweep_table(&r);
    let text = match a.format {
        Format::Table => table(),
        Format::Json => json()? + "\n",
        Format::Csv => csv()?,
    };
    if let Some(dir) = &a.out {
        let curve = report::curve_plot::curve_plot(&r);
        super::output::write_folder_with(
            dir,
            &[
                ("sweep.json", json()? + "\n"),
                ("sweep.csv", csv()?),
                ("sweep.txt", table()),
            ],
            |staging| {
                report::plot::save(&curve, &staging.join("staffing-curve"))
                    .map(|_| ())
                    .map_err(|e| e.to_string())
            },
        )?;
        eprintln!(
            "wrote {}/sweep.json, sweep.csv, sweep.txt, staffing-curve.png, staffing-curve.svg",
            dir.display()
        );
    }
    super::output::emit(&text)
}
