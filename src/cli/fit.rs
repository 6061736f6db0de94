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
    #[arg(required_unless_present = "intervals", conflicts_with = "intervals")]
    pub calls: Option<PathBuf>,
    /// Interval report instead of a call log (CSV: per interval and queue
    /// offered, answered, abandoned, answered within, AHT, ASA, optionally
    /// ATA, aht_cv and agents; see docs/fit.md).
    #[arg(long)]
    pub intervals: Option<PathBuf>,
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
    /// Accept `answered` up to this long before `arrival` (clocks of two
    /// systems): `5s`, `2.5` (seconds). The wait counts as 0; rows are counted.
    #[arg(long, default_value = "0s", value_parser = parse_seconds)]
    pub clock_tolerance: f64,
    /// Opening hours, e.g. `mon-fri=07:00-24:00,sat=08:00-14:00` (weekdays
    /// not named are closed). Default: from the log, trimmed to --open-share.
    #[arg(long)]
    pub open: Option<String>,
    /// Without --open: the opening found in the log holds this share of each
    /// call type's calls (stray calls at the edges are left out, reported).
    #[arg(long, default_value_t = 0.995)]
    pub open_share: f64,
    /// Find by simulation the share of the logged agents (--staffing) not
    /// available (shrinkage) that reproduces the observed service level and
    /// abandonment; written into the fitted scenario with its 95% interval.
    #[arg(long)]
    pub calibrate_availability: bool,
    /// Simulate the fitted scenario and compare with the log.
    #[arg(long)]
    pub backtest: bool,
    /// With --backtest: write the per-interval bands (backtest.csv) and a
    /// plot per call type (backtest-NAME.png/.svg) to this folder.
    #[arg(long)]
    pub backtest_dir: Option<PathBuf>,
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

/// Parses a duration in seconds: `5`, `5s`, `2.5s` (>= 0, at most a day).
fn parse_seconds(s: &str) -> Result<f64, String> {
    let t = s.trim();
    let t = t.strip_suffix('s').unwrap_or(t);
    t.trim()
        .parse::<f64>()
        .ok()
        .filter(|x| x.is_finite() && (0.0..=86_400.0).contains(x))
        .ok_or_else(|| format!("`{s}`: not a duration like 5s (0 to 86400 seconds)"))
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
    if !(a.open_share > 0.0 && a.open_share <= 1.0) {
        return Err(CliError::input(format!(
            "--open-share {}: must be a share in (0, 1], e.g. 0.995",
            a.open_share
        )));
    }
    let open = match &a.open {
        Some(spec) => Some(
            fit::parse_open(spec, a.interval_minutes * 60)
                .map_err(|e| CliError::input(format!("--open {spec}: {e}")))?,
        ),
        None => None,
    };
    if a.backtest_dir.is_some() && !a.backtest {
        return Err(CliError::input(
            "--backtest-dir needs --backtest".to_string(),
        ));
    }
    let opts = FitOptions {
        interval_s: a.interval_minutes * 60,
        skip_bad: a.skip_bad,
        threshold_s: a.threshold,
        redial_window_s: a.redial_window,
        clock_tolerance_s: a.clock_tolerance,
        open,
        open_share: a.open_share,
    };
    if a.intervals.is_some() && (a.staffing.is_some() || a.skip_bad || a.clock_tolerance > 0.0) {
        return Err(CliError::input(
            "--intervals: the report gives its own agents column; --staffing, --skip-bad and --clock-tolerance are for call logs".to_string(),
        ));
    }
    let mut res = match (&a.intervals, &a.calls) {
        (Some(p), _) => fit::intervals::fit_intervals(p, &opts).map_err(map)?,
        (None, Some(p)) => fit::fit(p, a.staffing.as_deref(), &opts).map_err(map)?,
        (None, None) => {
            return Err(CliError::input(
                "give a call log or --intervals REPORT".to_string(),
            ));
        }
    };
    if a.calibrate_availability && res.staffing_file.is_none() {
        return Err(CliError::input(
            "--calibrate-availability needs the agents logged in: give --staffing (or an `agents` column in the interval report); without them the staffing is an assumption and there is nothing to calibrate".to_string(),
        ));
    }
    for l in res.rows.lines(&res.calls_file) {
        eprintln!("warning: {l}");
    }
    for ct in res.call_types.iter().filter(|c| c.outside_open > 0) {
        eprintln!(
            "warning: call type {}: {} offered call(s) ({:.2}%) outside the opening hours, left out of the volumes (see --open, --open-share)",
            ct.name,
            ct.outside_open,
            100.0 * ct.outside_open as f64 / f64::from(ct.totals.offered.max(1))
        );
    }
    let name = a
        .out
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "fitted".into());
    let out_name = a.out.display().to_string();
    let validate = |text: &str| {
        Scenario::from_toml(text, &out_name, &name).map_err(|e| {
            CliError::internal(format!(
                "the fitted scenario does not validate (please report): {e}"
            ))
        })
    };
    let mut text = res.scenario_toml(&name);
    let mut sc = validate(&text)?;
    if a.calibrate_availability {
        let av = calibrate_availability(&res, &sc, &a)?;
        eprintln!(
            "availability: {:.1}% of the logged agents unavailable (95% interval {:.1}% to {:.1}%); simulated service level {:.1}% vs {:.1}% observed, abandoned {:.1}% vs {:.1}%",
            100.0 * av.shrinkage,
            100.0 * av.lo,
            100.0 * av.hi,
            100.0 * av.simulated.0,
            100.0 * av.observed.0,
            100.0 * av.simulated.1,
            100.0 * av.observed.1
        );
        res.availability = Some(av);
        text = res.scenario_toml(&name);
        sc = validate(&text)?;
    }
    if (a.backtest || a.calibrate_availability) && fit::routing::applies(&res) {
        // Candidates are judged with fewer replications (at most 10), the
        // same seed: common random numbers.
        let ro = RunOptions {
            replications: Some(a.replications.min(10)),
            seed: Some(a.seed),
            threads: a.threads,
        };
        if let Some(ch) = fit::routing::choose(&res, &ro).map_err(CliError::internal)? {
            for l in fit::routing::describe(&res, &ch).iter().take(3) {
                eprintln!("{l}");
            }
            let changed = ch.chosen != 0;
            res.routing = Some(ch);
            text = res.scenario_toml(&name);
            sc = validate(&text)?;
            if changed && a.calibrate_availability {
                // The availability again, under the chosen routing.
                let av = calibrate_availability(&res, &sc, &a)?;
                eprintln!(
                    "availability under the chosen routing: {:.1}% unavailable (95% interval {:.1}% to {:.1}%)",
                    100.0 * av.shrinkage,
                    100.0 * av.lo,
                    100.0 * av.hi
                );
                res.availability = Some(av);
                text = res.scenario_toml(&name);
                sc = validate(&text)?;
            }
        }
    }
    write_atomic(&a.out, text.as_bytes())
        .map_err(|e| CliError::input(format!("cannot write the fitted scenario: {e}")))?;
    eprintln!(
        "wrote {out_name}: {} call type(s), {} agent group(s), {} day(s) from {}",
        sc.call_types.len(),
        sc.groups.len(),
        sc.horizon.days,
        sc.horizon.start
    );
    if res.staffing_file.is_none() {
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
        if let Some(dir) = &a.backtest_dir {
            write_backtest_dir(dir, &res, &out.summary)?;
        }
    }
    Ok(())
}

/// Writes `backtest.csv` and one plot per call type into `dir`.
fn write_backtest_dir(
    dir: &std::path::Path,
    res: &fit::FitResult,
    summary: &crate::stats::Summary,
) -> Result<(), CliError> {
    use crate::report::backtest_plot::backtest_plot;
    use crate::report::plot::save;
    std::fs::create_dir_all(dir)
        .map_err(|e| CliError::input(format!("--backtest-dir {}: {e}", dir.display())))?;
    let tests = fit::backtest::judge(res, summary);
    let csv = dir.join("backtest.csv");
    write_atomic(&csv, fit::backtest::bands_csv(&tests).as_bytes())
        .map_err(|e| CliError::input(format!("cannot write {}: {e}", csv.display())))?;
    for (i, t) in tests.iter().enumerate() {
        let plot = backtest_plot(
            t,
            res.options.interval_s,
            summary.seed,
            summary.replications,
        );
        let stem: String = t
            .name
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        save(&plot, &dir.join(format!("backtest-{}-{stem}", i + 1)))
            .map_err(|e| CliError::input(e.to_string()))?;
    }
    if let Some(ch) = &res.routing {
        let p = dir.join("routing.json");
        let json = serde_json::to_string_pretty(&fit::routing::to_json(res, ch))
            .map_err(|e| CliError::internal(e.to_string()))?;
        write_atomic(&p, format!("{json}\n").as_bytes())
            .map_err(|e| CliError::input(format!("cannot write {}: {e}", p.display())))?;
    }
    eprintln!(
        "wrote {} and {} back-test plot(s) in {}",
        csv.display(),
        tests.len(),
        dir.display()
    );
    Ok(())
}

/// `--calibrate-availability` with the back-test's replications and seed.
fn calibrate_availability(
    res: &fit::FitResult,
    sc: &Scenario,
    a: &FitArgs,
) -> Result<fit::calibrate::Availability, CliError> {
    let ro = RunOptions {
        replications: Some(a.replications),
        seed: Some(a.seed),
        threads: a.threads,
    };
    fit::calibrate::run(res, sc, &ro).map_err(|e| CliError::internal(e.to_string()))
}
