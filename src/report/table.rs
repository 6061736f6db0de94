//! The terminal table of `ccsim run`.

use std::fmt::Write;

use super::fmt_estimate;
use crate::stats::{Kpi, Summary};

/// Renders the summary as text tables; with `intervals`, adds the
/// per-interval view of every service.
pub fn render(s: &Summary, intervals: bool) -> String {
    let mut o = String::new();
    let h = &s.horizon;
    let _ = writeln!(
        o,
        "ccsim {} | scenario {} | {} replications, seed {} | {} day(s) from {}, {}-minute intervals",
        s.ccsim_version, s.scenario, s.replications, s.seed, h.days, h.start, h.interval_minutes
    );
    for f in &s.extends {
        let _ = writeln!(o, "extends {f}");
    }
    for x in &s.set {
        let _ = writeln!(o, "--set {x}");
    }
    let _ = writeln!(
        o,
        "Values are means over replications ± half-width of the 95% confidence interval."
    );
    for svc in &s.services {
        let _ = writeln!(o, "\nService {}", svc.name);
        if !svc.compliance.is_empty() {
            let w = svc
                .compliance
                .iter()
                .map(|c| c.indicator.chars().count())
                .max()
                .unwrap_or(0)
                .max(28);
            let _ = writeln!(
                o,
                "  {:<w$} {:>22} {:>10} {:>6} {:>9}",
                "indicator", "value", "target", "status", "P(met)"
            );
            for c in &svc.compliance {
                let k = c.kpi;
                let target = if k.is_share() {
                    format!("{}{:.2}%", c.direction, c.target * 100.0)
                } else {
                    format!("{}{}", c.direction, c.target)
                };
                let _ = writeln!(
                    o,
                    "  {:<w$} {:>22} {:>10} {:>6} {:>8.0}%",
                    c.indicator,
                    fmt_estimate(k, &c.value),
                    target,
                    c.status,
                    c.met_share * 100.0
                );
            }
        }
        kpi_block(&mut o, &svc.kpis.0);
        for w in &svc.windows {
            let g = |k: Kpi| {
                w.kpis
                    .get(k)
                    .map(|e| fmt_estimate(k, &e))
                    .unwrap_or_else(|| "-".into())
            };
            let _ = writeln!(
                o,
                "  window {}: service level {}, abandoned {}, ASA {} s",
                w.name,
                g(Kpi::ServiceLevel),
                g(Kpi::AbandonRate),
                g(Kpi::AsaS)
            );
        }
        if intervals {
            interval_block(&mut o, svc);
        }
    }
    for ct in &s.call_types {
        let _ = writeln!(
            o,
            "\nCall type {} (service {})",
            ct.name,
            ct.service.as_deref().unwrap_or("-")
        );
        kpi_block(&mut o, &ct.kpis.0);
    }
    if !s.agent_groups.is_empty() {
        let _ = writeln!(
            o,
            "\nAgent groups. Unit: paid_agent_hours = scheduled agents x hours on the days and hours a service the group answers is open (holidays, closed days and closed hours cost nothing), the figure staff, sweep, compare and report use; scheduled_agent_hours = the staffing as simulated on every day of the horizon, closed days included."
        );
    }
    for g in &s.agent_groups {
        let _ = writeln!(o, "\nAgent group {}", g.name);
        if let Some(c) = s.cost.groups.iter().find(|c| c.name == g.name) {
            let _ = writeln!(
                o,
                "  {:<40} {:>24.1}",
                "paid_agent_hours", c.paid_agent_hours
            );
            let _ = writeln!(
                o,
                "  {:<40} {:>24.1}",
                format!("fte ({} h/week)", s.cost.fte_hours_per_week),
                c.fte
            );
        }
        kpi_block(&mut o, &g.kpis.0);
    }
    if s.unfinished_calls.mean > 0.0 {
        let _ = writeln!(
            o,
            "\nWarning: {:.1} callers per replication were still waiting a day after the horizon ended (no agent could take them).",
            s.unfinished_calls.mean
        );
    }
    o
}

fn kpi_block(o: &mut String, kpis: &[(Kpi, crate::stats::Estimate)]) {
    for (k, e) in kpis {
        let _ = writeln!(o, "  {:<40} {:>24}", k.name(), fmt_estimate(*k, e));
    }
}

fn interval_block(o: &mut String, svc: &crate::stats::EntitySummary) {
    let _ = writeln!(
        o,
        "\n  {:<4} {:<6} {:>12} {:>22} {:>20} {:>16} {:>18}",
        "day", "start", "offered/day", "service_level", "abandon_rate", "asa_s", "occupancy"
    );
    for iv in &svc.intervals {
        let g = |k: Kpi| {
            iv.kpis
                .get(k)
                .map(|e| fmt_estimate(k, &e))
                .unwrap_or_else(|| "-".into())
        };
        let per_day = iv
            .kpis
            .get(Kpi::Offered)
            .map_or(f64::NAN, |e| e.mean / iv.days.max(1) as f64);
        let _ = writeln!(
            o,
            "  {:<4} {:<6} {:>12.1} {:>22} {:>20} {:>16} {:>18}",
            iv.weekday.short(),
            iv.start,
            per_day,
            g(Kpi::ServiceLevel),
            g(Kpi::AbandonRate),
            g(Kpi::AsaS),
            g(Kpi::Occupancy)
        );
    }
}
