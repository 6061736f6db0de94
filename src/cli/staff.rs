//! `ccsim staff`: the smallest staffing that meets the targets, and shift plans.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::args::SimFlags;
use super::sweep::map_err;
use super::{CliError, load_set};
use crate::io::write_atomic;
use crate::optimize::rewrite_staffing;
use crate::optimize::shifts::{self, ShiftRules};
use crate::optimize::staff::{self, Mode, StaffOptions};
use crate::report;

/// Output formats of `ccsim staff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StaffFormat {
    /// Per-interval table.
    Table,
    /// JSON document.
    Json,
}

/// `ccsim staff`.
#[derive(Debug, Args)]
pub struct StaffArgs {
    /// Scenario file (TOML).
    pub scenario: PathBuf,
    /// Agent group to optimise (repeatable; the groups chosen are searched
    /// together, the others keep their staffing). Default: every group.
    #[arg(long, short = 'g')]
    pub group: Vec<String>,
    /// Every interval with calls must meet the targets (default).
    #[arg(long, conflicts_with = "aggregate")]
    pub per_interval: bool,
    /// Only the horizon's aggregate must meet the targets.
    #[arg(long)]
    pub aggregate: bool,
    /// One-sided confidence with which targets must be met (0.5 judges means).
    #[arg(long, default_value_t = 0.95)]
    pub confidence: f64,
    /// Replications per simulation (at least 2), seed, threads.
    #[command(flatten)]
    pub sim: SimFlags,
    /// Maximum correction rounds per group.
    #[arg(long, default_value_t = 60)]
    pub max_iterations: u32,
    /// Turn the requirements into a shift plan (integer program), then
    /// re-simulate and repair it.
    #[arg(long)]
    pub shifts: bool,
    /// Relative MIP gap of the shift program.
    #[arg(long, default_value_t = 0.01)]
    pub mip_gap: f32,
    /// Time limit of each shift-program solve, seconds.
    #[arg(long, default_value_t = 10.0)]
    pub time_limit: f64,
    /// Length of part-time shifts, hours: replaces the scenario's
    /// `[shift_rules].part_time_hours` (built-in: 4 h; full-time shifts are
    /// 8 h with a 30-minute break, and 6 h).
    #[arg(long)]
    pub part_time_hours: Option<f64>,
    /// Only these weekdays change (mon, mon-fri, sat,sun, ...); the other
    /// intervals keep the scenario's staffing and are still simulated.
    #[arg(long)]
    pub days: Option<String>,
    /// Only this window of the day changes, HH:MM-HH:MM on interval
    /// boundaries (e.g. 08:00-10:00).
    #[arg(long)]
    pub window: Option<String>,
    /// Re-simulate the staffing found with this other seed and say how many
    /// intervals meet their targets (at the means and at the confidence).
    #[arg(long)]
    pub verify_seed: Option<u64>,
    /// Write the scenario with the new staffing here (runnable with `ccsim run`).
    #[arg(long, short = 'o')]
    pub out: Option<PathBuf>,
    /// Output format on stdout.
    #[arg(long, short = 'f', value_enum, default_value_t = StaffFormat::Table)]
    pub format: StaffFormat,
}

/// One line on stderr per search round: a long search shows it is moving
/// even when the output is redirected.
fn round_line(p: &staff::RoundInfo) {
    eprintln!(
        "staff: group {} round {} ({} replications): {} of {} intervals miss a target, {:.1} paid agent-hours",
        p.group, p.round, p.replications, p.missing, p.with_calls, p.paid_hours
    );
}

pub(super) fn cmd_staff(a: StaffArgs) -> Result<(), CliError> {
    let loaded = load_set(&a.scenario, &a.sim.set)?;
    let sc = &loaded.scenario;
    if !(a.mip_gap.is_finite() && a.mip_gap >= 0.0) {
        return Err(CliError::input(format!(
            "--mip-gap {}: must be >= 0",
            a.mip_gap
        )));
    }
    if !(a.time_limit.is_finite() && a.time_limit > 0.0) {
        return Err(CliError::input(format!(
            "--time-limit {}: must be > 0 seconds",
            a.time_limit
        )));
    }
    if let Some(h) = a.part_time_hours
        && !(h.is_finite() && (0.5..=12.0).contains(&h))
    {
        return Err(CliError::input(format!(
            "--part-time-hours {h}: must be between 0.5 and 12 hours"
        )));
    }
    let opts = StaffOptions {
        groups: a.group.clone(),
        mode: if a.aggregate {
            Mode::Aggregate
        } else {
            Mode::PerInterval
        },
        confidence: a.confidence,
        replications: a.sim.replications,
        seed: a.sim.seed,
        threads: a.sim.threads,
        max_iterations: a.max_iterations,
        progress: (!a.sim.quiet).then_some(round_line as fn(&staff::RoundInfo)),
        only: crate::optimize::Selection::parse(sc, a.days.as_deref(), a.window.as_deref())
            .map_err(map_err)?,
        verify_seed: a.verify_seed,
    };
    let r = staff::run(sc, &opts).map_err(map_err)?;
    if !r.max_iterations_reached.is_empty() {
        eprintln!(
            "warning: --max-iterations {} reached for group(s) {} before the search settled; {} interval(s) still miss a target: {}",
            a.max_iterations,
            r.max_iterations_reached.join(", "),
            r.intervals_still_missing.len(),
            if r.intervals_still_missing.is_empty() {
                "none (the staffing may still hold agents the search would have removed)"
                    .to_string()
            } else {
                r.intervals_still_missing.join(", ")
            }
        );
    }
    let plan = if a.shifts {
        let mut rules = ShiftRules {
            shifts: sc.shift_rules.clone(),
            mip_gap: a.mip_gap,
            time_limit_s: a.time_limit,
        };
        if let Some(h) = a.part_time_hours {
            rules.shifts.set_part_time_hours(h);
        }
        let threads = a.sim.threads;
        Some(
            crate::experiment::with_threads(threads, || shifts::plan_and_repair(&r, &rules, 10))
                .map_err(|e| CliError::internal(e.to_string()))?
                .map_err(map_err)?,
        )
    } else {
        None
    };
    let staffed = plan.as_ref().map_or(&r.staffed, |p| &p.staffed);
    if let Some(out) = &a.out {
        // An overlay or a --set is written out whole: the resolved scenario
        // with the new staffing, runnable on its own.
        let text = if loaded.is_resolved() {
            loaded.resolved_toml()
        } else {
            std::fs::read_to_string(&a.scenario).map_err(|e| {
                CliError::input(format!("{}: cannot read: {e}", a.scenario.display()))
            })?
        };
        let note = format!(
            "staffing written by ccsim {} staff{} (seed {}, {} replications, confidence {})",
            env!("CARGO_PKG_VERSION"),
            if a.shifts { " --shifts" } else { "" },
            r.seed,
            r.replications,
            r.confidence
        );
        let file = a.scenario.display().to_string();
        let body = match &plan {
            // The shift plan is written as shifts, with their breaks.
            Some(p) => {
                let lines: Vec<(usize, Vec<String>)> = r
                    .groups
                    .iter()
                    .zip(&p.groups)
                    .map(|(&g, gp)| (g, crate::optimize::shift_lines(gp)))
                    .collect();
                crate::optimize::rewrite_groups(&text, &file, staffed, &lines, &note)
            }
            None => rewrite_staffing(&text, &file, staffed, &r.groups, &note),
        }
        .map_err(map_err)?;
        write_atomic(out, body.as_bytes())
            .map_err(|e| CliError::input(format!("--out: cannot write: {e}")))?;
        eprintln!("wrote {}", out.display());
    }
    match a.format {
        StaffFormat::Table => {
            let mut text = sc.provenance.lines() + &report::staffing::staff_table(&r);
            if let Some(p) = &plan {
                text.push_str(&report::staffing::shift_table(p));
            }
            super::output::emit(&text)?;
        }
        StaffFormat::Json => {
            let mut v = serde_json::to_value(&r).map_err(|e| CliError::internal(e.to_string()))?;
            sc.provenance.record(&mut v);
            if let Some(p) = &plan {
                v["shift_plan"] =
                    serde_json::to_value(p).map_err(|e| CliError::internal(e.to_string()))?;
                v["agent_hours"] = serde_json::json!(p.paid_hours);
                v["requirement_agent_hours"] = serde_json::json!(r.agent_hours);
            }
            super::output::emit(&format!(
                "{}\n",
                serde_json::to_string_pretty(&v).map_err(|e| CliError::internal(e.to_string()))?
            ))?;
        }
    }
    Ok(())
}
