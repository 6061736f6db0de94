//! Text output of a fit: the commented scenario and the back-test table.

use std::fmt::Write as _;

use crate::calendar::{Weekday, format_clock};
use crate::stats::{Kpi, Summary};

use super::FitResult;
use super::backtest::{BandCell, judge, verdict};
use super::km::{median, restricted_mean, survival_at};

fn q(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

fn num(x: f64) -> String {
    if x == x.round() && x.abs() < 1e15 {
        format!("{x:.1}")
    } else {
        let s = format!("{x:.6}");
        let s = s.trim_end_matches('0');
        s.to_string()
    }
}

fn fmt_se(x: f64) -> String {
    if x.is_finite() {
        format!("{x:.3}")
    } else {
        "n/a".into()
    }
}

impl FitResult {
    /// The fitted scenario as TOML, with comments giving each estimate, its
    /// standard error and its sample size. Validate it with
    /// [`crate::scenario::Scenario::from_toml`] before use (the CLI does).
    pub fn scenario_toml(&self, name: &str) -> String {
        let mut s = String::new();
        let o = &self.options;
        let w = |s: &mut String, line: &str| {
            if line.starts_with('#') {
                // Comments quote rows of the log: TOML allows no control
                // character (but tab) in a comment, nor a line break.
                s.extend(line.chars().map(|c| {
                    if c.is_control() && c != '\t' {
                        '\u{fffd}'
                    } else {
                        c
                    }
                }));
            } else {
                s.push_str(line);
            }
            s.push('\n');
        };
        w(
            &mut s,
            &format!(
                "# Fitted by `ccsim fit` from {} ({} data row(s)).",
                self.calls_file, self.rows.rows
            ),
        );
        w(
            &mut s,
            "# Every number below is an estimate from that log; comments give its",
        );
        w(
            &mut s,
            "# standard error (se) and sample size (n). Check them before planning.",
        );
        for l in self.rows.lines(&self.calls_file) {
            w(&mut s, &format!("# NOTE: {l}"));
        }
        w(&mut s, "");
        w(&mut s, &format!("name = {}", q(name)));
        w(
            &mut s,
            &format!(
                "description = {}",
                q(&format!(
                    "fitted from {} ({} to {})",
                    self.calls_file,
                    self.first_date,
                    self.first_date.add_days(i64::from(self.days) - 1)
                ))
            ),
        );
        w(&mut s, "");
        w(&mut s, "[horizon]");
        w(
            &mut s,
            &format!(
                "start = {}          # first date of the log ({})",
                self.first_date,
                self.first_date.weekday()
            ),
        );
        w(&mut s, &format!("days = {}", self.days));
        w(&mut s, &format!("interval_minutes = {}", o.interval_s / 60));
        w(&mut s, "");
        w(&mut s, "[run]");
        w(&mut s, "replications = 100");
        w(&mut s, "seed = 1");
        let policy = self.routing.as_ref().map(|r| r.winner().clone());
        w(&mut s, "");
        match &self.routing {
            Some(ch) if !ch.why.is_empty() => {
                for l in super::routing::describe(self, ch) {
                    w(&mut s, &format!("# {l}"));
                }
            }
            Some(_) => {}
            None if super::routing::applies(self) => w(
                &mut s,
                "# Routing: strict skill order, NOT chosen: `fit --backtest` (or --calibrate-availability) chooses between strict order and longest-waiting (with head starts) by simulation.",
            ),
            None if self.call_types.len() > 1 => w(
                &mut s,
                if self.call_types.iter().any(|c| c.handling_assumed.is_some()) {
                    "# Routing: an interval report gives one agent group per queue, so it cannot tell how agents chose between queues; no group serves two queues here, and the routing (strict order, the default) does not matter."
                } else {
                    "# Routing: every agent group answered one call type only: no choice between queues to make (strict order, the default)."
                },
            ),
            None => {}
        }
        if policy.as_ref().is_some_and(|p| p.longest_waiting) {
            w(&mut s, "[routing]");
            w(&mut s, "call_selection = \"longest_waiting\"");
        }
        for (ci, ct) in self.call_types.iter().enumerate() {
            w(&mut s, "");
            w(&mut s, "[[service]]");
            w(&mut s, &format!("name = {}", q(&ct.name)));
            let open: Vec<String> = ct
                .open
                .iter()
                .enumerate()
                .filter_map(|(d, r)| {
                    r.map(|(a, b)| {
                        format!(
                            "{} = \"{}-{}\"",
                            Weekday::from_index(d),
                            format_clock(a),
                            format_clock(b)
                        )
                    })
                })
                .collect();
            if o.open.is_some() {
                w(&mut s, "# Opening per weekday: as given by --open.");
            } else {
                w(
                    &mut s,
                    &format!(
                        "# Opening per weekday: first to last interval with calls in the log, trimmed to the intervals holding {:.1}% of the calls.",
                        100.0 * o.open_share
                    ),
                );
            }
            if ct.outside_open > 0 {
                w(
                    &mut s,
                    &format!(
                        "#   {} offered call(s) ({:.2}%) fall outside these hours: left out of the volumes below.",
                        ct.outside_open,
                        100.0 * ct.outside_open as f64 / f64::from(ct.totals.offered.max(1))
                    ),
                );
            }
            if open.is_empty() {
                w(&mut s, "open = \"closed\"");
            } else {
                w(&mut s, &format!("open = {{ {} }}", open.join(", ")));
            }
            w(
                &mut s,
                &format!("targets = {{ answered_within_s = {} }}", num(o.threshold_s)),
            );
            w(&mut s, "");
            w(&mut s, "[[call_type]]");
            w(&mut s, &format!("name = {}", q(&ct.name)));
            w(&mut s, &format!("service = {}", q(&ct.name)));
            if let Some(c) = policy
                .as_ref()
                .and_then(|p| p.credits.get(ci))
                .filter(|c| **c > 0.0)
            {
                w(
                    &mut s,
                    "# Waiting-time head start: ranked as if it had waited this much longer (routing above).",
                );
                w(&mut s, &format!("priority_credit_s = {}", num(*c)));
            }
            let t = &ct.totals;
            w(
                &mut s,
                &format!(
                    "# Log: {} offered ({} answered, {} abandoned), {} closed, {} IVR (closed and IVR calls are not offered to the queue).",
                    t.offered, t.answered, t.abandoned, ct.closed, ct.ivr
                ),
            );
            if ct.first_attempts {
                w(
                    &mut s,
                    &format!(
                        "# Daily volume per weekday: mean FIRST ATTEMPTS per day inside the opening ({} offered redials left to the `redial` field), se = sd/sqrt(days), n = days.",
                        t.redials
                    ),
                );
            } else {
                w(
                    &mut s,
                    "# Daily volume per weekday: mean offered calls per day inside the opening (every attempt: no caller ids), se = sd/sqrt(days), n = days.",
                );
            }
            let mut per_day = Vec::new();
            let mut profiles = Vec::new();
            for (d, dv) in ct.daily.iter().enumerate() {
                let Some(dv) = dv else { continue };
                let wd = Weekday::from_index(d);
                w(
                    &mut s,
                    &format!(
                        "#   {wd}: {:.1} calls/day, se {}, sd {:.1}, n = {} day(s)",
                        dv.mean,
                        fmt_se(dv.se()),
                        dv.var.sqrt(),
                        dv.days
                    ),
                );
                if dv.mean > 0.0 {
                    per_day.push(format!(
                        "{wd} = {}",
                        num((dv.mean * 1000.0).round() / 1000.0)
                    ));
                    let p: Vec<String> = ct.profile[d].iter().map(u64::to_string).collect();
                    profiles.push(format!("{wd} = [{}]", p.join(", ")));
                }
            }
            match ct.overdispersion {
                Some((c, idx)) => {
                    w(
                        &mut s,
                        &format!(
                            "# Day-to-day overdispersion: variance/mean of daily counts = {idx:.2} (1 for Poisson);"
                        ),
                    );
                    w(
                        &mut s,
                        &format!(
                            "#   as a gamma day factor (Var N = m + c^2 m^2): cv = {c:.3}, written as day_cv below."
                        ),
                    );
                }
                None => w(
                    &mut s,
                    "# Day-to-day overdispersion: needs two days of a weekday; not estimated.",
                ),
            }
            w(
                &mut s,
                &format!(
                    "# Intraday profile: offered calls per {}-minute interval from 00:00, summed over the days (weights);",
                    o.interval_s / 60
                ),
            );
            w(
                &mut s,
                "#   weekdays with the same opening share one profile unless their shapes differ at 5%:",
            );
            for n in &ct.profile_notes {
                w(&mut s, &format!("#   {n}"));
            }
            if per_day.is_empty() {
                w(
                    &mut s,
                    "# No offered call: a nominal rate so that the scenario runs. EDIT.",
                );
                w(&mut s, "arrivals = { per_hour = 0.001 }");
            } else {
                w(
                    &mut s,
                    &format!(
                        "arrivals = {{ per_day = {{ {} }}, from = \"00:00\", profile = {{ {} }} }}",
                        per_day.join(", "),
                        profiles.join(", ")
                    ),
                );
                if let Some((c, _)) = ct.overdispersion.filter(|&(c, _)| c >= 0.0005) {
                    w(
                        &mut s,
                        &format!(
                            "day_cv = {}",
                            num(((c * 1000.0).round() / 1000.0)
                                .min(crate::scenario::validate::limits::MAX_CV))
                        ),
                    );
                }
            }
            // Handling.
            let h = &ct.handling;
            if h.n > 0 {
                w(
                    &mut s,
                    &format!(
                        "# Handling time, n = {} answered calls: sample mean {:.2} s (se {}), sd {:.2} s.",
                        h.n,
                        h.mean(),
                        fmt_se(h.sd() / (h.n as f64).sqrt()),
                        h.sd()
                    ),
                );
            }
            if let Some(l) = ct.lognormal {
                w(
                    &mut s,
                    &format!(
                        "#   lognormal MLE: mean {:.2} s (se {}), cv {:.4}, log-likelihood {:.1}",
                        l.mean,
                        fmt_se(l.se_mean),
                        l.cv,
                        l.log_lik
                    ),
                );
            }
            if let Some(g) = ct.gamma {
                w(
                    &mut s,
                    &format!(
                        "#   gamma MLE:     mean {:.2} s (se {}), cv {:.4}, log-likelihood {:.1}",
                        g.mean,
                        fmt_se(g.se_mean),
                        g.cv,
                        g.log_lik
                    ),
                );
            }
            match ct.chosen_handling() {
                _ if ct.handling_assumed.is_some() => {
                    let (mean, cv, note) = ct.handling_assumed.clone().unwrap_or_default();
                    w(
                        &mut s,
                        &format!(
                            "# Handling time: mean {mean:.2} s = Σ answered x AHT / Σ answered; {note}."
                        ),
                    );
                    let mean = mean.min(crate::scenario::validate::limits::MAX_MEAN_S);
                    if (cv - 1.0).abs() < 1e-12 {
                        w(
                            &mut s,
                            &format!(
                                "handling = {{ dist = \"exponential\", mean_s = {} }}",
                                num(mean)
                            ),
                        );
                    } else {
                        w(
                            &mut s,
                            &format!(
                                "handling = {{ dist = \"lognormal\", mean_s = {}, cv = {} }}",
                                num(mean),
                                num(cv.min(crate::scenario::validate::limits::MAX_CV))
                            ),
                        );
                    }
                }
                Some((name, f)) => {
                    w(&mut s, &format!("#   chosen: {name} (higher likelihood)."));
                    let max_cv = crate::scenario::validate::limits::MAX_CV;
                    let max_mean = crate::scenario::validate::limits::MAX_MEAN_S;
                    if f.cv > max_cv || f.mean > max_mean {
                        w(
                            &mut s,
                            &format!(
                                "#   NOTE: capped at ccsim's limits (cv {max_cv}, mean {max_mean} s). EDIT."
                            ),
                        );
                    }
                    w(
                        &mut s,
                        &format!(
                            "handling = {{ dist = \"{name}\", mean_s = {}, cv = {} }}",
                            num(f.mean.min(max_mean)),
                            num(f.cv.min(max_cv))
                        ),
                    );
                }
                None if h.n > 0 => {
                    w(
                        &mut s,
                        "#   too few or identical handling times for a two-parameter fit.",
                    );
                    w(
                        &mut s,
                        &format!(
                            "handling = {{ dist = \"exponential\", mean_s = {} }}",
                            num(h.mean().max(1.0))
                        ),
                    );
                }
                None => {
                    w(
                        &mut s,
                        "# No answered call: handling time unknown, 300 s assumed. EDIT.",
                    );
                    w(
                        &mut s,
                        "handling = { dist = \"exponential\", mean_s = 300 }",
                    );
                }
            }
            // Patience.
            let p = &ct.patience;
            w(
                &mut s,
                &format!(
                    "# Patience, n = {} waits: {} abandonments (events), {} answered (censored at their wait).",
                    p.observations,
                    p.events,
                    p.observations - p.events
                ),
            );
            if !p.km.is_empty() {
                let md = median(&p.km).map_or("not reached".to_string(), |m| format!("{m:.1} s"));
                let tau = p.max_wait_s;
                w(
                    &mut s,
                    &format!(
                        "#   Kaplan-Meier: S(10 s) = {:.4}, S(30 s) = {:.4}, S(60 s) = {:.4}, median {md}, mean restricted to {tau:.0} s = {:.1} s",
                        survival_at(&p.km, 10.0),
                        survival_at(&p.km, 30.0),
                        survival_at(&p.km, 60.0),
                        restricted_mean(&p.km, tau)
                    ),
                );
            }
            if let Some(n) = &ct.patience_note {
                w(&mut s, &format!("#   {n}."));
            }
            if let Some(e) = p.exponential {
                w(
                    &mut s,
                    &format!(
                        "#   exponential MLE (censored): mean {:.2} s (se {}){}",
                        e.mean,
                        fmt_se(e.se_mean),
                        if e.log_lik.is_finite() {
                            format!(", log-likelihood {:.1}", e.log_lik)
                        } else {
                            String::new()
                        }
                    ),
                );
            }
            if let Some(wb) = p.weibull {
                w(
                    &mut s,
                    &format!(
                        "#   Weibull MLE (censored): mean {:.2} s (se {}), shape {:.4} (se {}), log-likelihood {:.1}",
                        wb.mean,
                        fmt_se(wb.se_mean),
                        wb.shape,
                        fmt_se(wb.se_shape),
                        wb.log_lik
                    ),
                );
            }
            match p.chosen() {
                Some(("weibull", f)) => {
                    w(
                        &mut s,
                        "#   chosen: Weibull (likelihood-ratio test rejects the exponential at 5%).",
                    );
                    w(
                        &mut s,
                        &format!(
                            "patience = {{ dist = \"weibull\", mean_s = {}, shape = {} }}",
                            num(f.mean),
                            num(f.shape)
                        ),
                    );
                }
                Some((_, f)) => {
                    w(
                        &mut s,
                        "#   chosen: exponential (the Weibull is not significantly better at 5%).",
                    );
                    w(
                        &mut s,
                        &format!(
                            "patience = {{ dist = \"exponential\", mean_s = {} }}",
                            num(f.mean)
                        ),
                    );
                }
                None => w(
                    &mut s,
                    "#   no abandonment in the log: callers never abandon (no patience line).",
                ),
            }
            match ct.redials {
                Some(r) if r.abandoned_with_id > 0 => {
                    let share = r.redialed as f64 / r.abandoned_with_id as f64;
                    let se = (share * (1.0 - share) / r.abandoned_with_id as f64).sqrt();
                    let delay = if r.redialed > 0 {
                        format!("{:.1} s", r.mean_delay_s)
                    } else {
                        "n/a".into()
                    };
                    w(
                        &mut s,
                        &format!(
                            "# Redials (same caller within {:.0} s of abandoning): share {share:.4} (se {se:.4}) of n = {} abandonments, mean delay {delay}.",
                            o.redial_window_s, r.abandoned_with_id
                        ),
                    );
                    if r.redialed > 0 && r.mean_delay_s.is_finite() {
                        w(
                            &mut s,
                            "#   The arrivals above are first attempts: the simulation makes the redials (a what-if",
                        );
                        w(
                            &mut s,
                            "#   with better service has fewer of them). Delay: exponential with the observed mean",
                        );
                        w(
                            &mut s,
                            "#   (delays longer than the window are not seen: the mean is a lower bound).",
                        );
                        w(
                            &mut s,
                            &format!(
                                "redial = {{ probability = {}, delay = {{ dist = \"exponential\", mean_s = {} }} }}",
                                num((share * 10_000.0).round() / 10_000.0),
                                num((r.mean_delay_s.max(1.0) * 10.0).round() / 10.0)
                            ),
                        );
                    }
                }
                Some(_) => w(&mut s, "# Redials: no abandonment with a caller id."),
                None => w(
                    &mut s,
                    "# Redials: the log has no caller ids; not estimated.",
                ),
            }
        }
        for g in &self.groups {
            w(&mut s, "");
            w(&mut s, "[[agent_group]]");
            w(&mut s, &format!("name = {}", q(&g.name)));
            let mut order = g.skills.clone();
            if let Some(rank) = policy.as_ref().and_then(|p| p.order.as_ref()) {
                order.sort_by_key(|&i| rank[i]);
            }
            let skills: Vec<String> = order.iter().map(|&i| q(&self.call_types[i].name)).collect();
            w(
                &mut s,
                if policy.as_ref().is_some_and(|p| p.order.is_some()) {
                    "# Skills: call types this group answered in the log, in the chosen strict order (fastest answered first)."
                } else {
                    "# Skills: call types this group answered in the log, most answered first."
                },
            );
            w(&mut s, &format!("skills = [{}]", skills.join(", ")));
            w(&mut s, &format!("# Staffing {}.", g.source));
            if self.staffing_file.is_none() {
                w(
                    &mut s,
                    "# The log does not say how many agents were there: this staffing is an ASSUMPTION, and a",
                );
                w(
                    &mut s,
                    "# back-test of this file proves nothing about it (give --staffing, and --calibrate-availability).",
                );
            }
            if let Some(av) = &self.availability {
                w(
                    &mut s,
                    &format!(
                        "# Availability calibrated by simulation (--calibrate-availability; {} simulations of {} replications, seed {}, common random numbers):",
                        av.evaluations, av.replications, av.seed
                    ),
                );
                w(
                    &mut s,
                    &format!(
                        "#   observed service level {:.1}% (se {:.1}), abandoned {:.1}% (se {:.1}); simulated at this shrinkage {:.1}% and {:.1}%;",
                        100.0 * av.observed.0,
                        100.0 * av.se.0,
                        100.0 * av.observed.1,
                        100.0 * av.se.1,
                        100.0 * av.simulated.0,
                        100.0 * av.simulated.1
                    ),
                );
                w(
                    &mut s,
                    &format!(
                        "#   {:.1}% of the logged agents unavailable, 95% interval {:.1}% to {:.1}%.",
                        100.0 * av.shrinkage,
                        100.0 * av.lo,
                        100.0 * av.hi
                    ),
                );
                w(
                    &mut s,
                    &format!(
                        "shrinkage = {}",
                        num((av.shrinkage * 1000.0).round() / 1000.0)
                    ),
                );
            }
            w(&mut s, "from = \"00:00\"");
            let days: Vec<String> = (0..7)
                .map(|d| {
                    let v: Vec<String> = g.agents[d].iter().map(u32::to_string).collect();
                    format!("{} = [{}]", Weekday::from_index(d), v.join(", "))
                })
                .collect();
            w(&mut s, &format!("agents = {{ {} }}", days.join(", ")));
        }
        s
    }
}

fn pct(x: Option<f64>) -> String {
    x.map_or("-".into(), |v| format!("{:.1}%", 100.0 * v))
}

fn secs(x: Option<f64>) -> String {
    x.map_or("-".into(), |v| format!("{v:.1}"))
}

fn sim(e: Option<crate::stats::Estimate>, scale: f64, unit: &str) -> String {
    match e {
        Some(e) if e.mean.is_finite() => {
            let ci = if e.ci95.is_finite() {
                format!(" ±{:.1}", e.ci95 * scale)
            } else {
                String::new()
            };
            format!("{:.1}{ci}{unit}", e.mean * scale)
        }
        _ => "-".into(),
    }
}

/// `observed | mean [lo-hi]` of one band cell, `!` when outside the band.
fn band(c: Option<BandCell>, scale: f64) -> String {
    match c {
        Some(c) => format!(
            "{:.1} {:.1} [{:.1}-{:.1}]{}",
            c.observed * scale,
            c.mean * scale,
            c.lo * scale,
            c.hi * scale,
            if c.inside() { " " } else { "!" }
        ),
        None => "-".into(),
    }
}

/// The back-test table: per call type, observed vs simulated offered calls,
/// service level, abandonment and ASA overall (simulated ± its 95% CI), then
/// per weekday × interval the observation, the simulated mean and the 95%
/// prediction band of one realisation (`!`: outside), and the judgement:
/// bias, mean absolute error, correlation and coverage of the band.
pub fn backtest_report(fit: &FitResult, summary: &Summary) -> String {
    let tests = judge(fit, summary);
    let mut s = String::new();
    let thr = fit.options.threshold_s;
    let _ = writeln!(
        s,
        "Back-test: observed ({}) vs simulated ({} replications, seed {}), service level within {thr} s",
        fit.calls_file, summary.replications, summary.seed
    );
    let _ = writeln!(
        s,
        "Per interval: observed, simulated mean [95% prediction band of one realisation]; ! = observation outside its band"
    );
    for t in &tests {
        let o = t.totals;
        let _ = writeln!(s, "\ncall type {}", t.name);
        let _ = writeln!(
            s,
            "{:<10} {:>8} {:>14} {:>7} {:>12} {:>7} {:>12} {:>6} {:>10}",
            "overall", "offered", "sim", "SL obs", "sim", "ab. obs", "sim", "ASA", "sim s"
        );
        let _ = writeln!(
            s,
            "{:<10} {:>8} {:>14} {:>7} {:>12} {:>7} {:>12} {:>6} {:>10}",
            "",
            o.offered,
            sim(t.overall[0], 1.0, ""),
            pct(o.service_level()),
            sim(t.overall[1], 100.0, "%"),
            pct(o.abandon_rate()),
            sim(t.overall[2], 100.0, "%"),
            secs(o.asa_s()),
            sim(t.overall[3], 1.0, ""),
        );
        let _ = writeln!(
            s,
            "{:<10} {:>24} {:>24} {:>24} {:>24}",
            "interval", "offered", "SL %", "abandoned %", "ASA s"
        );
        for r in &t.rows {
            let _ = writeln!(
                s,
                "{:<10} {:>24} {:>24} {:>24} {:>24}",
                format!("{} {}", r.weekday, r.start),
                band(r.cells[0], 1.0),
                band(r.cells[1], 100.0),
                band(r.cells[2], 100.0),
                band(r.cells[3], 1.0),
            );
        }
        let _ = writeln!(
            s,
            "judgement over intervals: {:<16} {:>9} {:>9} {:>12} {:>9} {:>6}",
            "", "bias", "MAE", "correlation", "in band", "n"
        );
        for j in &t.judged {
            let scale = if matches!(j.kpi, Kpi::ServiceLevel | Kpi::AbandonRate) {
                100.0
            } else {
                1.0
            };
            let _ = writeln!(
                s,
                "  {:<40} {:>+9.2} {:>9.2} {:>12} {:>8.1}% {:>6}",
                crate::report::plot::kpi_axis(j.kpi),
                j.bias * scale,
                j.mae * scale,
                if j.correlation.is_finite() {
                    format!("{:.3}", j.correlation)
                } else {
                    "-".into()
                },
                100.0 * j.coverage,
                j.n
            );
        }
        if let Some(j) = t.judged.iter().find(|j| j.kpi == Kpi::ServiceLevel) {
            let _ = writeln!(
                s,
                "  service level: {:.1}% of {} intervals inside their band (about 95% if the model explains the data): {}",
                100.0 * j.coverage,
                j.n,
                verdict(j.coverage, j.n)
            );
        }
    }
    if let Some(ch) = fit.routing.as_ref().filter(|c| !c.why.is_empty()) {
        let _ = writeln!(s);
        for l in super::routing::describe(fit, ch) {
            let _ = writeln!(s, "{l}");
        }
    }
    if fit.staffing_file.is_none() {
        let _ = writeln!(
            s,
            "\nNOTE: no staffing table: the agents are an ASSUMPTION (busy agents / {}), and this back-test proves nothing about them.",
            super::ASSUMED_OCCUPANCY
        );
    }
    s
}
