//! Long-format CSV of a summary: one row per entity, scope and KPI.
//!
//! Columns: `scenario, seed, replications, entity_kind, entity, scope,
//! weekday, start, date, kpi, mean, ci95, window, target, direction, status,
//! met_share`. `scope` is `horizon`, `window` (a `[[window]]`, named in
//! `window`), `interval` (a weekday's interval pooled over the horizon) or
//! `day`. Targeted KPIs of the horizon and of windows carry the target, its
//! direction (`>=`, `<=`), OK/KO and P(met) (share of replications meeting it).

use crate::stats::Summary;
use crate::stats::summary::{Compliance, EntitySummary, Kpis};

/// Renders the summary as CSV.
///
/// # Errors
/// Errors of the CSV writer (none are expected when writing to memory).
pub fn render(s: &Summary) -> Result<String, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "scenario",
        "seed",
        "replications",
        "entity_kind",
        "entity",
        "scope",
        "weekday",
        "start",
        "date",
        "kpi",
        "mean",
        "ci95",
        "window",
        "target",
        "direction",
        "status",
        "met_share",
    ])?;
    let seed = s.seed.to_string();
    let reps = s.replications.to_string();
    let mut rows = |kind: &str, e: &EntitySummary| -> Result<(), csv::Error> {
        let mut put = |scope: &str,
                       wd: &str,
                       start: &str,
                       date: &str,
                       k: &Kpis,
                       window: &str,
                       targets: &[Compliance]|
         -> Result<(), csv::Error> {
            for (kpi, est) in &k.0 {
                let t = targets
                    .iter()
                    .find(|c| c.kpi == *kpi && c.call_type.as_deref().is_none_or(|n| n == e.name));
                w.write_record([
                    s.scenario.as_str(),
                    &seed,
                    &reps,
                    kind,
                    &e.name,
                    scope,
                    wd,
                    start,
                    date,
                    kpi.name(),
                    &num(est.mean),
                    &num(est.ci95),
                    window,
                    &t.map(|t| num(t.target)).unwrap_or_default(),
                    t.map_or("", |t| t.direction.symbol()),
                    t.map_or("", |t| t.status.label()),
                    &t.map(|t| num(t.met_share)).unwrap_or_default(),
                ])?;
            }
            Ok(())
        };
        put("horizon", "", "", "", &e.kpis, "", &e.compliance)?;
        for win in &e.windows {
            put("window", "", "", "", &win.kpis, &win.name, &win.compliance)?;
        }
        for iv in &e.intervals {
            put(
                "interval",
                iv.weekday.short(),
                iv.start.as_str(),
                "",
                &iv.kpis,
                "",
                &[],
            )?;
        }
        for d in &e.days {
            put("day", d.weekday.short(), "", &d.date, &d.kpis, "", &[])?;
        }
        Ok(())
    };
    for e in &s.services {
        rows("service", e)?;
    }
    for e in &s.call_types {
        rows("call_type", e)?;
    }
    for e in &s.agent_groups {
        rows("agent_group", e)?;
    }
    let bytes = w.into_inner().map_err(|e| e.into_error())?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

fn num(x: f64) -> String {
    if x.is_nan() {
        String::new()
    } else {
        format!("{x}")
    }
}
