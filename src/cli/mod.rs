//! The `ccsim` command line: argument parsing, progress on stderr and exit
//! codes. Logic worth testing lives in the library; this module wires it.

mod args;
mod fit;
mod genlog;
mod limits;
mod output;
mod shard;
mod staff;
mod sweep;

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use clap::FromArgMatches;

use crate::analytic;
use crate::experiment::{self, RunOptions, RunOutput};
use crate::report;
use crate::scenario::{Loaded, Scenario};
pub use args::{Cli, Command, Format, SimFlags};

/// Exit code of success.
pub const EXIT_OK: i32 = 0;
/// Exit code of an internal error.
pub const EXIT_INTERNAL: i32 = 1;
/// Exit code of bad input: a file, field or flag.
pub const EXIT_BAD_INPUT: i32 = 2;
/// Exit code when results miss a target: `run --fail-on-ko` with a KO
/// target, or `compare --fail-if-worse KPI` with a significantly worse
/// alternative. The results are printed first.
pub const EXIT_TARGET_MISSED: i32 = 3;

/// An error with the exit code it maps to.
#[derive(Debug)]
pub struct CliError {
    /// Process exit code.
    pub code: i32,
    /// Message for stderr.
    pub message: String,
}

impl CliError {
    /// Bad input (exit code 2).
    pub fn input(message: impl Into<String>) -> Self {
        CliError {
            code: EXIT_BAD_INPUT,
            message: message.into(),
        }
    }
    /// Internal error (exit code 1).
    pub fn internal(message: impl Into<String>) -> Self {
        CliError {
            code: EXIT_INTERNAL,
            message: message.into(),
        }
    }
    /// The reader of stdout went away (a closed pipe, as with `| head`):
    /// stop quietly with exit code 0, as ripgrep does.
    pub fn pipe_closed() -> Self {
        CliError {
            code: EXIT_OK,
            message: String::new(),
        }
    }
}

/// Parses the process arguments and runs the command. Returns the exit code.
pub fn main() -> i32 {
    let parsed = limits::command().try_get_matches().and_then(|mut m| {
        // The resource flags first: parsing `Cli` takes the subcommand out.
        let limits = limits::Limits::from(&m);
        Ok((Cli::from_arg_matches_mut(&mut m)?, limits))
    });
    let (cli, limits) = match parsed {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                EXIT_BAD_INPUT
            } else {
                EXIT_OK
            };
        }
    };
    let result = run_with(cli, &limits);
    if std::env::var_os("CCSIM_PEAK_MEMORY").is_some() {
        // For the tests of the resource estimate: the measured peak.
        eprintln!(
            "peak memory: {} kB",
            crate::estimate::measured_peak_kb().unwrap_or(0)
        );
    }
    match result {
        Ok(()) => EXIT_OK,
        Err(e) => {
            if !e.message.is_empty() {
                eprintln!("error: {}", e.message);
            }
            e.code
        }
    }
}

/// Runs a parsed command.
///
/// # Errors
/// [`CliError`] with its exit code.
pub fn run(cli: Cli) -> Result<(), CliError> {
    run_with(cli, &limits::Limits::default())
}

/// Runs a parsed command with the resource flags (`--max-memory`,
/// `check --estimate`).
///
/// # Errors
/// [`CliError`] with its exit code.
pub fn run_with(cli: Cli, limits: &limits::Limits) -> Result<(), CliError> {
    match cli.command {
        Command::Run(a) => cmd_run(a, limits, &shard::Source::Simulate),
        Command::Check(a) => limits::cmd_check(&a, limits),
        Command::Erlang(a) => cmd_erlang(a),
        Command::GenLog(a) => genlog::cmd_gen_log(a),
        Command::Fit(a) => fit::cmd_fit(a),
        Command::Compare(a) => cmd_compare(a, limits, &shard::Source::Simulate),
        Command::Report(a) => cmd_report(a, limits),
        Command::Bench(a) => cmd_bench(a),
        Command::Sweep(a) => sweep::cmd_sweep(a, &shard::Source::Simulate),
        Command::Staff(a) => staff::cmd_staff(a),
        Command::Merge(a) => shard::cmd_merge(a),
        Command::Serve(a) => cmd_serve(a),
    }
}

/// `ccsim serve`: binds, prints the address, serves until stopped.
fn cmd_serve(a: args::ServeArgs) -> Result<(), CliError> {
    let token = match &a.token_file {
        Some(f) => Some(
            std::fs::read_to_string(f)
                .map_err(|e| CliError::input(format!("--token-file {}: {e}", f.display())))?
                .lines()
                .next()
                .unwrap_or_default()
                .trim()
                .to_string(),
        ),
        None => a.token.clone(),
    };
    let cfg = crate::serve::Config {
        dir: a.scenarios.clone(),
        host: a.host,
        port: a.port,
        token,
    };
    let bound = crate::serve::bind(&cfg).map_err(|e| match e {
        crate::serve::ServeError::Input(m) => CliError::input(m),
        crate::serve::ServeError::Io(m) => CliError::internal(m),
    })?;
    let shown = if a.host.is_loopback() {
        format!("http://127.0.0.1:{}/", bound.addr.port())
    } else {
        format!("http://{}/?token=TOKEN", bound.addr)
    };
    output::emit(&format!(
        "ccsim serve: {shown} (scenarios in {}; Ctrl-C stops it)\n",
        a.scenarios.display()
    ))?;
    bound.run().map_err(|e| CliError::internal(e.to_string()))
}

/// Loads a scenario, mapping its error to exit code 2.
///
/// # Errors
/// [`CliError`] with the scenario error's message.
pub fn load(path: &Path) -> Result<Scenario, CliError> {
    Scenario::load(path).map_err(|e| CliError::input(e.to_string()))
}

/// Loads a scenario with the `--set` changes, mapping its error to exit code 2.
///
/// # Errors
/// [`CliError`] with the scenario error's message.
pub fn load_set(path: &Path, sets: &[String]) -> Result<Loaded, CliError> {
    Scenario::load_with(path, sets).map_err(|e| CliError::input(e.to_string()))
}

/// Prints a scenario's warnings on stderr; with `deny`, any warning is an
/// error (exit code 2).
///
/// # Errors
/// [`CliError`] when `deny` and there are warnings.
pub fn warn(loaded: &Loaded, deny: bool) -> Result<(), CliError> {
    for w in &loaded.warnings {
        eprintln!("warning: {w}");
    }
    if deny && !loaded.warnings.is_empty() {
        return Err(CliError::input(format!(
            "{} warning(s) and --deny-warnings",
            loaded.warnings.len()
        )));
    }
    Ok(())
}

/// Runs an experiment with a progress bar on stderr for runs longer than a
/// second (none when stderr is not a terminal or `quiet` is set).
///
/// # Errors
/// [`CliError`] when the thread pool cannot start.
pub fn run_with_progress(
    sc: &Scenario,
    opts: &RunOptions,
    quiet: bool,
) -> Result<RunOutput, CliError> {
    let total = u64::from(opts.replications.unwrap_or(sc.run.replications));
    let counter = AtomicU64::new(0);
    let done = AtomicBool::new(false);
    let show = !quiet && std::io::stderr().is_terminal();
    std::thread::scope(|s| {
        if show {
            s.spawn(|| {
                let start = Instant::now();
                let mut bar: Option<indicatif::ProgressBar> = None;
                while !done.load(Ordering::Relaxed) {
                    std::thread::sleep(Duration::from_millis(100));
                    if bar.is_none() && start.elapsed() >= Duration::from_secs(1) {
                        let b = indicatif::ProgressBar::new(total);
                        b.set_style(
                            indicatif::ProgressStyle::with_template(
                                "{msg} [{bar:40}] {pos}/{len} replications, {eta} left",
                            )
                            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
                        );
                        b.set_message(sc.name.clone());
                        bar = Some(b);
                    }
                    if let Some(b) = &bar {
                        b.set_position(counter.load(Ordering::Relaxed));
                    }
                }
                if let Some(b) = bar {
                    b.finish_and_clear();
                }
            });
        }
        let out = experiment::run(sc, opts, Some(&counter));
        done.store(true, Ordering::Relaxed);
        out.map_err(|e| CliError::internal(e.to_string()))
    })
}

fn cmd_run(a: args::RunArgs, limits: &limits::Limits, src: &shard::Source) -> Result<(), CliError> {
    let loaded = load_set(&a.scenario, &a.sim.set)?;
    warn(&loaded, a.deny_warnings)?;
    let sc = loaded.scenario;
    limits.check_run(&a.scenario, &sc, a.sim.replications, a.sim.threads)?;
    let batch = shard::Batch {
        command: "run",
        scenarios: std::slice::from_ref(&sc),
        replications: a.sim.replications.unwrap_or(sc.run.replications),
        seed: a.sim.seed.unwrap_or(sc.run.seed),
        threads: a.sim.threads,
        shard: a.shard.shard,
        out: a.out.as_deref(),
    };
    let plain = || Ok(vec![run_with_progress(&sc, &a.sim.options(), a.sim.quiet)?]);
    let Some(mut outs) = batch.outputs(src, plain)? else {
        return Ok(());
    };
    let out = outs.swap_remove(0);
    let s = &out.summary;
    let json = || report::to_json(s).map_err(|e| CliError::internal(e.to_string()));
    let csv = || report::csv::render(s).map_err(|e| CliError::internal(e.to_string()));
    let text = match a.format {
        Format::Table => report::table::render(s, a.intervals),
        Format::Json => json()?,
        Format::Csv => csv()?,
    };
    if let Some(dir) = &a.out {
        output::write_folder(
            dir,
            &[
                ("summary.json", json()?),
                ("kpis.csv", csv()?),
                ("summary.txt", report::table::render(s, true)),
            ],
        )?;
        eprintln!(
            "wrote {}/summary.json, kpis.csv, summary.txt",
            dir.display()
        );
    }
    output::emit(&text)?;
    if a.fail_on_ko {
        let missed: Vec<String> = s
            .services
            .iter()
            .flat_map(|svc| {
                svc.compliance
                    .iter()
                    .filter(|c| !c.status.is_ok())
                    .map(move |c| {
                        format!(
                            "{} {}: {} (target {} {})",
                            svc.name,
                            c.indicator,
                            report::fmt_estimate(c.kpi, &c.value),
                            c.direction,
                            c.target
                        )
                    })
            })
            .collect();
        if !missed.is_empty() {
            return Err(CliError {
                code: EXIT_TARGET_MISSED,
                message: format!("target(s) KO (--fail-on-ko): {}", missed.join("; ")),
            });
        }
    }
    Ok(())
}

/// Loads and runs every scenario with the same seed and replications (the
/// first scenario's unless given), for paired comparisons.
/// With `--shard` or in a merge, `src`, `shard` and `out` take the
/// replications from a shard or the parts (`None` for a shard).
fn run_all(
    paths: &[&Path],
    sim: &args::SimFlags,
    limits: &limits::Limits,
    (src, shard, out): (&shard::Source, Option<crate::shard::Shard>, Option<&Path>),
) -> Result<Option<Vec<RunOutput>>, CliError> {
    let scenarios = paths
        .iter()
        .map(|p| load_set(p, &sim.set).map(|l| l.scenario))
        .collect::<Result<Vec<_>, _>>()?;
    let first_reps = scenarios.first().map(|s| s.run.replications);
    for (p, sc) in paths.iter().zip(&scenarios) {
        limits.check_run(p, sc, sim.replications.or(first_reps), sim.threads)?;
    }
    let Some(base) = scenarios.first() else {
        return Err(CliError::input("no scenario given"));
    };
    let opts = RunOptions {
        replications: Some(sim.replications.unwrap_or(base.run.replications)),
        seed: Some(sim.seed.unwrap_or(base.run.seed)),
        threads: sim.threads,
    };
    let batch = shard::Batch {
        command: "compare",
        scenarios: &scenarios,
        replications: opts.replications.unwrap_or(base.run.replications),
        seed: opts.seed.unwrap_or(base.run.seed),
        threads: sim.threads,
        shard,
        out,
    };
    batch.outputs(src, || {
        scenarios
            .iter()
            .map(|sc| run_with_progress(sc, &opts, sim.quiet))
            .collect()
    })
}

fn cmd_compare(
    a: args::CompareArgs,
    limits: &limits::Limits,
    src: &shard::Source,
) -> Result<(), CliError> {
    let kpis = a
        .fail_if_worse
        .iter()
        .map(|name| crate::compare::parse_judged_kpi(name).map_err(CliError::input))
        .collect::<Result<Vec<_>, _>>()?;
    let mut paths: Vec<&Path> = vec![a.base.as_path()];
    paths.extend(a.alternatives.iter().map(PathBuf::as_path));
    let shard = (src, a.shard.shard, a.out.as_deref());
    let Some(outs) = run_all(&paths, &a.sim, limits, shard)? else {
        return Ok(());
    };
    let summaries: Vec<_> = outs.into_iter().map(|o| o.summary).collect();
    let cmp = crate::compare::compare(&summaries[0], &summaries[1..]);
    let json = || report::compare::to_json(&cmp).map_err(|e| CliError::internal(e.to_string()));
    let csv = || report::compare::to_csv(&cmp).map_err(|e| CliError::internal(e.to_string()));
    let text = match a.format {
        Format::Table => report::compare::render_table(&cmp),
        Format::Json => json()?,
        Format::Csv => csv()?,
    };
    if let Some(dir) = &a.out {
        output::write_folder(
            dir,
            &[
                ("comparison.json", json()?),
                ("comparison.csv", csv()?),
                ("comparison.txt", report::compare::render_table(&cmp)),
            ],
        )?;
        eprintln!(
            "wrote {}/comparison.json, comparison.csv, comparison.txt",
            dir.display()
        );
    }
    output::emit(&text)?;
    let mut worse = Vec::new();
    for alt in &cmp.alternatives {
        for (e, k) in alt.worse_on(&kpis) {
            if e.kind == crate::compare::EntityKind::Service {
                worse.push(format!(
                    "{} is worse than {} on {} of service {}: {}",
                    alt.scenario,
                    cmp.base,
                    k.kpi.name(),
                    e.name,
                    report::compare::fmt_difference(k.kpi, &k.difference)
                ));
            }
        }
    }
    if !worse.is_empty() {
        return Err(CliError {
            code: EXIT_TARGET_MISSED,
            message: format!("--fail-if-worse: {}", worse.join("; ")),
        });
    }
    Ok(())
}

/// Replications per simulation of the staffing search in a report (fewer
/// than a run: the search simulates each scenario many times).
const REPORT_STAFF_REPLICATIONS: u32 = 10;

/// "What it takes" for each scenario of a report: the per-interval
/// staffing search, through its one narrow entry point.
fn what_it_takes(
    paths: &[&Path],
    summaries: &[crate::stats::Summary],
    sim: &args::SimFlags,
) -> Result<
    (
        Vec<Result<crate::optimize::requirement::Requirement, String>>,
        String,
    ),
    CliError,
> {
    use crate::optimize::requirement::{RequirementOptions, requirement};
    let reps = summaries
        .first()
        .map_or(REPORT_STAFF_REPLICATIONS, |s| s.replications)
        .clamp(2, REPORT_STAFF_REPLICATIONS);
    let o = RequirementOptions {
        replications: reps,
        seed: Some(summaries.first().map_or(1, |s| s.seed)),
        threads: sim.threads,
        confidence: 0.95,
    };
    let mut out = Vec::new();
    for p in paths {
        let sc = load(p)?;
        let started = Instant::now();
        if !sim.quiet {
            eprintln!("what it takes: staffing search for {} ...", sc.name);
        }
        out.push(requirement(&sc, &o).map_err(|e| e.to_string()));
        if !sim.quiet {
            eprintln!(
                "what it takes: {} done in {:.1} s",
                sc.name,
                started.elapsed().as_secs_f64()
            );
        }
    }
    let note = format!(
        "The staffing that meets every target in every interval with calls, found by `ccsim staff` (per interval, every agent group, confidence {:.0}%, {} replications per simulation, seed {}; a reduced setting for the report: `ccsim staff` with more replications gives a firmer answer). Paid agent-hours count scheduled hours on open days and hours only.",
        o.confidence * 100.0,
        o.replications,
        o.seed.unwrap_or(1)
    );
    Ok((out, note))
}

fn cmd_report(a: args::ReportArgs, limits: &limits::Limits) -> Result<(), CliError> {
    let paths: Vec<&Path> = a.scenarios.iter().map(PathBuf::as_path).collect();
    let unsharded = (&shard::Source::Simulate, None, None);
    let outs = run_all(&paths, &a.sim, limits, unsharded)?.unwrap_or_default();
    let summaries: Vec<_> = outs.into_iter().map(|o| o.summary).collect();
    let started = Instant::now();
    let cmp =
        (summaries.len() > 1).then(|| crate::compare::compare(&summaries[0], &summaries[1..]));
    let files: Vec<String> = a
        .scenarios
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    let (requirements, staff_note) = if a.no_staff {
        (None, None)
    } else {
        let (reqs, note) = what_it_takes(&paths, &summaries, &a.sim)?;
        (Some(reqs), Some(note))
    };
    let input = report::document::ReportInput {
        requirements,
        staff_note,
        runs: files
            .iter()
            .zip(&summaries)
            .map(|(file, summary)| report::document::ReportRun { file, summary })
            .collect(),
        comparison: cmp.as_ref(),
        generated: report::document::utc_timestamp(std::time::SystemTime::now()),
        command: std::env::args()
            .enumerate()
            .map(|(i, s)| if i == 0 { "ccsim".to_string() } else { s })
            .collect::<Vec<_>>()
            .join(" "),
    };
    let bad =
        |e: &dyn std::fmt::Display| CliError::input(format!("--out {}: {e}", a.out.display()));
    // Written into a staging folder and swapped in whole.
    let dir = crate::io::OutDir::create(&a.out).map_err(|e| bad(&e))?;
    let staged = report::document::write_report(dir.path(), &input).map_err(|e| bad(&e))?;
    let moved = |p: &Path| {
        p.strip_prefix(dir.path())
            .map_or_else(|_| p.to_path_buf(), |rel| dir.target().join(rel))
    };
    let written = report::document::ReportFiles {
        markdown: moved(&staged.markdown),
        html: moved(&staged.html),
        plots: staged.plots.iter().map(|p| moved(p)).collect(),
    };
    dir.commit().map_err(|e| bad(&e))?;
    eprintln!(
        "wrote {} and {} with {} plot files in {:.2} s (after simulation)",
        written.markdown.display(),
        written.html.display(),
        written.plots.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Scenario S1 of the speed benchmark, built in for `ccsim bench` when
/// scenarios/bench-s1.toml is not at hand.
const BUILTIN_S1: &str = include_str!("../../scenarios/bench-s1.toml");

fn cmd_bench(a: args::BenchArgs) -> Result<(), CliError> {
    if !(a.seconds.is_finite() && a.seconds > 0.0 && a.seconds <= 3600.0) {
        return Err(CliError::input(format!(
            "--seconds {}: must be a number of seconds in (0, 3600]",
            a.seconds
        )));
    }
    let default = Path::new("scenarios/bench-s1.toml");
    let (sc, source) = match &a.scenario {
        Some(p) => (load(p)?, p.display().to_string()),
        None if default.exists() => (load(default)?, default.display().to_string()),
        None => (
            Scenario::from_toml(BUILTIN_S1, "built-in bench-s1", "bench-s1")
                .map_err(|e| CliError::internal(e.to_string()))?,
            "built-in bench-s1".to_string(),
        ),
    };
    let threads = a.threads.unwrap_or_else(rayon::current_num_threads);
    let started = Instant::now();
    let (mut calls, mut events, mut reps, mut seed) = (0u64, 0u64, 0u64, sc.run.seed);
    while reps == 0 || started.elapsed().as_secs_f64() < a.seconds {
        let opts = RunOptions {
            replications: Some(threads as u32),
            seed: Some(seed),
            threads: Some(threads),
        };
        let out =
            experiment::run(&sc, &opts, None).map_err(|e| CliError::internal(e.to_string()))?;
        calls += out.calls;
        events += out.events;
        reps += threads as u64;
        seed = seed.wrapping_add(1);
    }
    let secs = started.elapsed().as_secs_f64();
    let v = serde_json::json!({
        "benchmark": "ccsim bench",
        "scenario": sc.name,
        "source": source,
        "ccsim_version": env!("CARGO_PKG_VERSION"),
        "threads": threads,
        "replications": reps,
        "calls": calls,
        "events": events,
        "seconds": secs,
        "calls_per_second": calls as f64 / secs,
        "events_per_second": events as f64 / secs,
    });
    output::emit(&format!(
        "{}\n",
        serde_json::to_string(&v).map_err(|e| CliError::internal(e.to_string()))?
    ))
}

/// Parses a rate such as `300/h`, `5/min`, `0.1/s` or `300` (per hour) into calls per second.
pub fn parse_rate(s: &str) -> Result<f64, String> {
    let (num, unit) = s.split_once('/').unwrap_or((s, "h"));
    let x: f64 = num
        .trim()
        .parse()
        .map_err(|_| format!("`{s}` is not a rate like 300/h"))?;
    let per = match unit.trim() {
        "s" | "sec" => 1.0,
        "m" | "min" => 60.0,
        "h" | "hour" => 3600.0,
        "d" | "day" => 86_400.0,
        u => {
            return Err(format!(
                "`{s}`: unknown time unit `{u}` (use s, min, h or day)"
            ));
        }
    };
    if !x.is_finite() || x <= 0.0 {
        return Err(format!("`{s}`: the rate must be a positive number"));
    }
    Ok(x / per)
}

fn cmd_erlang(a: args::ErlangArgs) -> Result<(), CliError> {
    let lambda = parse_rate(&a.rate).map_err(|e| CliError::input(format!("--rate {e}")))?;
    let check = |name: &str, x: f64| {
        if x.is_finite() && x > 0.0 {
            Ok(x)
        } else {
            Err(CliError::input(format!(
                "--{name} {x}: must be a positive number"
            )))
        }
    };
    let aht = check("aht", a.aht)?;
    let patience = a.patience.map(|p| check("patience", p)).transpose()?;
    if !(a.threshold.is_finite() && a.threshold >= 0.0) {
        return Err(CliError::input(format!(
            "--threshold {}: must be >= 0 seconds",
            a.threshold
        )));
    }
    let mut n = a.agents;
    if let Some(target) = a.target {
        if !(0.0..1.0).contains(&target) {
            return Err(CliError::input(format!(
                "--target {target}: must be a share in [0, 1)"
            )));
        }
        n = analytic::min_agents(
            lambda,
            aht,
            patience,
            a.threshold,
            target,
            a.max_abandon,
            100_000,
        )
        .map_err(|e| CliError::input(e.to_string()))?
        .map(Some)
        .ok_or_else(|| CliError::input("no staffing up to 100000 agents meets the target"))?;
    }
    let Some(n) = n else {
        return Err(CliError::input(
            "give --agents N, or --target SHARE to find the smallest N",
        ));
    };
    let q = analytic::Queue {
        lambda_per_s: lambda,
        aht_s: aht,
        n,
        patience_s: patience,
    };
    let m = q
        .metrics(a.threshold)
        .map_err(|e| CliError::input(e.to_string()))?;
    let model = if patience.is_some() {
        "Erlang A (M/M/n+M)"
    } else {
        "Erlang C (M/M/n)"
    };
    use std::fmt::Write as _;
    let mut text = String::new();
    macro_rules! outln {
        ($($t:tt)*) => {{
            let _ = writeln!(text, $($t)*);
        }};
    }
    if a.json {
        let v = serde_json::json!({
            "model": model, "agents": n, "rate_per_hour": lambda * 3600.0, "aht_s": aht,
            "patience_s": patience, "threshold_s": a.threshold, "load_erlangs": m.load,
            "p_wait": m.p_wait, "service_level": m.service_level,
            "service_level_of_answered": m.service_level_of_answered, "abandon_rate": m.p_abandon,
            "asa_s": m.asa_s, "mean_queue_length": m.mean_queue_len, "occupancy": m.occupancy,
        });
        outln!(
            "{}",
            serde_json::to_string_pretty(&v).map_err(|e| CliError::internal(e.to_string()))?
        );
    } else {
        outln!(
            "{model}: {n} agents, {:.1} calls/h, AHT {aht} s{}",
            lambda * 3600.0,
            patience
                .map(|p| format!(", mean patience {p} s"))
                .unwrap_or_default()
        );
        outln!("  offered load            {:>10.3} Erlangs", m.load);
        outln!("  P(wait > 0)             {:>10.4}", m.p_wait);
        outln!(
            "  service level ({:>4} s)  {:>10.4}  (answered within / offered)",
            a.threshold,
            m.service_level
        );
        outln!(
            "  SL of answered          {:>10.4}",
            m.service_level_of_answered
        );
        outln!("  abandonment rate        {:>10.4}", m.p_abandon);
        outln!("  ASA (answered)          {:>10.2} s", m.asa_s);
        outln!("  mean queue length       {:>10.3}", m.mean_queue_len);
        outln!("  occupancy               {:>10.4}", m.occupancy);
    }
    output::emit(&text)
}
