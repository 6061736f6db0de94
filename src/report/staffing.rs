//! Terminal tables (and the CSV) of the staffing tools: `ccsim sweep`
//! ([`sweep_table`], [`sweep_csv`]) and `ccsim staff` ([`staff_table`],
//! [`shift_table`]). [`crate::optimize`] computes; this module only formats.

use std::fmt::Write;

use crate::calendar::Weekday;
use crate::optimize::shifts::ShiftResult;
use crate::optimize::staff::{Mode, StaffResult};
use crate::optimize::sweep::{ServiceAtLevel, SweepResult};
use crate::stats::estimate::Estimate;
use crate::stats::kpi::Kpi;

/// Renders a sweep as a terminal table, one row per level and service,
/// then the answer in the planner's words ([`sweep_answer`]).
pub fn sweep_table(r: &SweepResult) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "ccsim sweep | scenario {} | group {} | {} replications per level, seed {} (same callers at every level)",
        r.scenario, r.group, r.replications, r.seed
    );
    let varied = match &r.selection {
        Some(sel) => format!("in {sel} only; every other interval keeps today's staffing"),
        None => "every interval".to_string(),
    };
    let _ = writeln!(
        out,
        "unit: level = {} ({varied}); paid h = paid agent-hours of the group over the {} days of the horizon (holidays, closed days and closed hours cost nothing).",
        match r.level_unit {
            "agents" => "scheduled agents per interval (before shrinkage)",
            "agents added" => "scheduled agents added to today's staffing in each interval",
            _ => "factor on today's scheduled agents",
        },
        r.answer.horizon_days
    );
    let _ = writeln!(
        out,
        "Figures over {}: means ± 95% CI half-width; P = share of replications meeting the target there. * = cheapest level with P >= {:.0}% on every service-level and abandonment target of {}.",
        r.judged_on,
        r.confidence * 100.0,
        r.judged_services.join(", ")
    );
    let _ = writeln!(
        out,
        "{:>8} {:>10} {:<10} {:>16} {:>6} {:>15} {:>6} {:>10} {:>10}",
        "level", "paid h", "service", "service level", "P", "abandoned", "P", "ASA s", "occupancy"
    );
    let pct = |e: Option<Estimate>| {
        e.map(|e| format!("{:.2}% ± {:.2}", e.mean * 100.0, e.ci95 * 100.0))
            .unwrap_or_else(|| "-".into())
    };
    let p = |s: &ServiceAtLevel, k: Kpi| {
        s.judged()
            .1
            .iter()
            .find(|c| c.call_type.is_none() && c.kpi == k)
            .map(|c| format!("{:.0}%", c.met_share * 100.0))
            .unwrap_or_else(|| "-".into())
    };
    for (i, l) in r.levels.iter().enumerate() {
        let mark = if r.smallest_meeting == Some(i) {
            "*"
        } else {
            " "
        };
        for s in &l.services {
            let kpis = s.judged().0;
            let _ = writeln!(
                out,
                "{:>7}{} {:>10.1} {:<10} {:>16} {:>6} {:>15} {:>6} {:>10} {:>10}",
                l.level,
                mark,
                l.agent_hours,
                s.name,
                pct(kpis.get(Kpi::ServiceLevel)),
                p(s, Kpi::ServiceLevel),
                pct(kpis.get(Kpi::AbandonRate)),
                p(s, Kpi::AbandonRate),
                kpis.get(Kpi::AsaS)
                    .map(|e| format!("{:.1}", e.mean))
                    .unwrap_or_else(|| "-".into()),
                pct(kpis.get(Kpi::Occupancy))
                    .split(' ')
                    .next()
                    .unwrap_or("-")
                    .to_string(),
            );
        }
    }
    out.push_str(&sweep_answer(r));
    out
}

/// The sweep's answer in the planner's words: "Monday 08:00-10:00 needs
/// 107 / 76 / 68 / 62 scheduled operators agents (today 62 / 46 / 42 /
/// 37)", then the change in paid hours over the horizon; or that no level
/// tried meets the targets.
pub fn sweep_answer(r: &SweepResult) -> String {
    let mut out = String::new();
    let a = &r.answer;
    let (Some(level), Some(hours), Some(change)) =
        (&a.level, a.paid_agent_hours, a.change_paid_agent_hours)
    else {
        let _ = writeln!(
            out,
            "{}: no level tried meets the targets with P >= {:.0}%: try higher levels",
            r.selection.as_deref().unwrap_or("the horizon"),
            r.confidence * 100.0
        );
        return out;
    };
    let label = r.selection.as_deref().unwrap_or("");
    let rows: Vec<(&str, &[u32], &[u32])> = a
        .days
        .iter()
        .map(|d| (d.weekday, d.agents.as_slice(), d.today.as_slice()))
        .collect();
    needs_lines(&mut out, label, &r.group, &rows);
    let level_words = match r.level_unit {
        "factor" => format!("{level} today's staffing"),
        "agents added" => format!("{level} agents in each interval"),
        _ => format!("{level} agents"),
    };
    let _ = writeln!(
        out,
        "cheapest level meeting the targets on {}: {level_words}; {change:+.1} paid agent-hours over the {} days of the horizon ({hours:.1} instead of {:.1})",
        r.judged_on, a.horizon_days, a.today_paid_agent_hours
    );
    out
}

/// "Monday 08:00-10:00 needs 107 / 76 scheduled g agents (today 62 / 46)",
/// one line per `(weekday, agents, today)`; the window is read from the
/// end of the selection's `label`.
fn needs_lines(out: &mut String, label: &str, group: &str, rows: &[(&str, &[u32], &[u32])]) {
    let join = |v: &[u32]| v.iter().map(u32::to_string).collect::<Vec<_>>().join(" / ");
    let window = label
        .rsplit_once(' ')
        .filter(|(_, w)| w.contains(':'))
        .map_or("", |(_, w)| w);
    for (day, found, today) in rows {
        let when = format!("{day} {window}");
        let _ = writeln!(
            out,
            "{} needs {} scheduled {group} agents (today {})",
            when.trim_end(),
            join(found),
            join(today)
        );
    }
}

/// Renders a sweep as long-format CSV: one row per level, service and KPI
/// (`record = kpi`) and per level, service and target (`record = target`);
/// `over` says which intervals a row is read on: `horizon`, or the selected
/// intervals ("Monday 08:00-10:00") with `--days`/`--window`, which then
/// have rows of their own.
///
/// # Errors
/// A CSV writer error.
pub fn sweep_csv(r: &SweepResult) -> Result<String, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "level",
        "value",
        "agent_hours",
        "meets_targets",
        "smallest_meeting",
        "service",
        "record",
        "name",
        "mean",
        "ci95",
        "target",
        "met_share",
        "over",
    ])?;
    for (i, l) in r.levels.iter().enumerate() {
        let head = [
            l.level.clone(),
            l.value.to_string(),
            format!("{:.3}", l.agent_hours),
            l.meets_targets.to_string(),
            (r.smallest_meeting == Some(i)).to_string(),
        ];
        for s in &l.services {
            let mut scopes = vec![("horizon", &s.kpis, s.compliance.as_slice())];
            if let Some(win) = &s.window {
                scopes.push((win.name.as_str(), &win.kpis, win.compliance.as_slice()));
            }
            for (over, kpis, compliance) in scopes {
                for (k, e) in &kpis.0 {
                    let mut rec = head.to_vec();
                    rec.extend([
                        s.name.clone(),
                        "kpi".into(),
                        k.name().into(),
                        e.mean.to_string(),
                        e.ci95.to_string(),
                        String::new(),
                        String::new(),
                        over.into(),
                    ]);
                    w.write_record(&rec)?;
                }
                for c in compliance {
                    let mut rec = head.to_vec();
                    rec.extend([
                        s.name.clone(),
                        "target".into(),
                        c.kpi.name().into(),
                        c.value.mean.to_string(),
                        c.value.ci95.to_string(),
                        c.target.to_string(),
                        c.met_share.to_string(),
                        over.into(),
                    ]);
                    w.write_record(&rec)?;
                }
            }
        }
    }
    let bytes = w.into_inner().map_err(|e| e.into_error())?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// Renders the per-interval table of a staffing result.
pub fn staff_table(r: &StaffResult) -> String {
    let mut out = String::new();
    let pct = |e: Option<Estimate>| {
        e.filter(|e| e.mean.is_finite())
            .map(|e| format!("{:.1}% ± {:.1}", e.mean * 100.0, e.ci95 * 100.0))
            .unwrap_or_else(|| "-".into())
    };
    let _ = writeln!(
        out,
        "ccsim staff | scenario {} | {} replications per simulation, seed {} | targets met at {:.0}% one-sided confidence, {}",
        r.scenario,
        r.replications,
        r.seed,
        r.confidence * 100.0,
        match r.mode {
            Mode::PerInterval => "in every interval with calls",
            Mode::Aggregate => "over the horizon",
        }
    );
    let _ = writeln!(
        out,
        "required = agents found by simulation; Erlang A = first guess (modified offered load); SIPP = Erlang C per interval, simulated as is."
    );
    let _ = writeln!(
        out,
        "unit: scheduled agents (before shrinkage) in every staffing column; offered = calls per day; hours = paid agent-hours (holidays, closed days and closed hours cost nothing)."
    );
    let _ = writeln!(
        out,
        "{:<4} {:<6} {:<12} {:>8} {:>8} {:>16} {:>14} {:>6} {:>8} {:>14} {:>6} {:>14}",
        "day",
        "start",
        "group",
        "offered",
        "required",
        "SL",
        "abandoned",
        "ErlA",
        "SIPP",
        "SIPP SL",
        "input",
        "input SL"
    );
    for iv in &r.intervals {
        let _ = writeln!(
            out,
            "{:<4} {:<6} {:<12} {:>8.1} {:>7}{} {:>16} {:>14} {:>6} {:>8} {:>14} {:>6} {:>14}",
            iv.weekday.short(),
            iv.start,
            iv.group,
            iv.offered,
            iv.agents,
            if iv.meets_targets { " " } else { "!" },
            pct(Some(iv.service_level)),
            pct(Some(iv.abandon_rate)),
            iv.analytic_agents,
            iv.sipp_agents,
            pct(iv.sipp_service_level),
            iv.input_agents,
            pct(iv.input_service_level),
        );
    }
    if let Some(label) = &r.selection {
        out.push_str(&staff_answer(r, label));
    }
    let _ = writeln!(
        out,
        "paid agent-hours over the horizon: {:.1} found, {:.1} input ({:+.1}), {:.1} SIPP",
        r.agent_hours,
        r.input_agent_hours,
        r.agent_hours - r.input_agent_hours,
        r.sipp_agent_hours
    );
    let _ = writeln!(
        out,
        "intervals missing a target at the confidence: {} of {} (marked !); {} simulations, rounds per group {:?}",
        r.intervals_missing, r.intervals_with_calls, r.simulations, r.iterations
    );
    if let Some(v) = &r.verification {
        let share = |n: usize| 100.0 * n as f64 / v.intervals_with_calls.max(1) as f64;
        let _ = writeln!(
            out,
            "re-simulated with seed {} ({} replications): {} of {} intervals meet every target at the means ({:.1}%), {} at {:.0}% confidence ({:.1}%)",
            v.seed,
            v.replications,
            v.meeting_at_means,
            v.intervals_with_calls,
            share(v.meeting_at_means),
            v.meeting_at_confidence,
            r.confidence * 100.0,
            share(v.meeting_at_confidence)
        );
    }
    for s in &r.services {
        for c in &s.compliance {
            let _ = writeln!(
                out,
                "  {} {}: {:.2}% ± {:.2} (target {} {:.2}%, met in {:.0}% of replications)",
                s.name,
                c.indicator,
                c.value.mean * 100.0,
                c.value.ci95 * 100.0,
                c.direction,
                c.target * 100.0,
                c.met_share * 100.0
            );
        }
    }
    out
}

/// The answer to `--days/--window` in the planner's words, one line per
/// weekday and group: "Monday 08:00-10:00 needs 107 / 76 / 68 / 62 agents
/// (today 62 / 46 / 42 / 37): +N paid hours over the horizon".
pub fn staff_answer(r: &StaffResult, label: &str) -> String {
    let mut out = String::new();
    let mut rows: Vec<(Weekday, &str, Vec<u32>, Vec<u32>)> = Vec::new();
    for iv in &r.intervals {
        match rows
            .iter_mut()
            .find(|(w, g, _, _)| *w == iv.weekday && *g == iv.group)
        {
            Some(row) => {
                row.2.push(iv.agents);
                row.3.push(iv.input_agents);
            }
            None => rows.push((
                iv.weekday,
                &iv.group,
                vec![iv.agents],
                vec![iv.input_agents],
            )),
        }
    }
    for (w, g, found, today) in &rows {
        let day = crate::optimize::long_day(w.index());
        needs_lines(&mut out, label, g, &[(day, found, today)]);
    }
    let _ = writeln!(
        out,
        "{label}: {:+.1} paid agent-hours over the {} days of the horizon ({:.1} instead of {:.1})",
        r.agent_hours - r.input_agent_hours,
        r.horizon_days,
        r.agent_hours,
        r.input_agent_hours
    );
    out
}

/// Renders a shift plan as a table.
pub fn shift_table(r: &ShiftResult) -> String {
    let mut out = String::new();
    for p in &r.groups {
        let _ = writeln!(
            out,
            "Shift plan of group {} (agents per shift pattern):",
            p.group
        );
        let _ = writeln!(
            out,
            "{:<4} {:<10} {:<6} {:<6} {:<19} {:>6} {:>7}",
            "day", "kind", "start", "end", "break", "paid h", "agents"
        );
        for s in &p.shifts {
            let brk = match (&s.break_window, s.split) {
                (Some(b), true) => format!("{b} split"),
                (Some(b), false) => b.clone(),
                (None, _) => "-".into(),
            };
            let _ = writeln!(
                out,
                "{:<4} {:<10} {:<6} {:<6} {:<19} {:>6.1} {:>7}",
                s.weekday.short(),
                s.kind,
                s.start,
                s.end,
                brk,
                s.paid_hours,
                s.agents
            );
        }
    }
    let _ = writeln!(
        out,
        "Shift plan per interval (re-simulated):\n{:<4} {:<6} {:<12} {:>8} {:>8} {:>16} {:>14}",
        "day", "start", "group", "required", "planned", "SL", "abandoned"
    );
    for iv in &r.intervals {
        let _ = writeln!(
            out,
            "{:<4} {:<6} {:<12} {:>8} {:>8} {:>16} {:>14}",
            iv.weekday.short(),
            iv.start,
            iv.group,
            iv.required,
            iv.planned,
            format!(
                "{:.1}% ± {:.1}",
                iv.service_level.mean * 100.0,
                iv.service_level.ci95 * 100.0
            ),
            format!(
                "{:.1}% ± {:.1}",
                iv.abandon_rate.mean * 100.0,
                iv.abandon_rate.ci95 * 100.0
            ),
        );
    }
    let _ = writeln!(
        out,
        "paid agent-hours over the horizon (open days and hours only): shift plan {:.1} (+{:.1}% over the per-interval lower bound {:.1}); best any plan under these shift rules can do {:.1} (+{:.1}%, linear relaxation; rules: {}); {} repair round(s); intervals still missing a target: {}",
        r.paid_hours,
        r.gap_to_lower_bound * 100.0,
        r.lower_bound_hours,
        r.shift_rules_bound_hours,
        r.shift_rules_gap_to_lower_bound * 100.0,
        r.rules.shifts.origin.as_deref().unwrap_or("built-in"),
        r.repair_rounds,
        r.intervals_missing
    );
    out
}
