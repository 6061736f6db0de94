//! Exporters of a [`Comparison`]: terminal table, JSON and CSV.
//!
//! JSON: `{"base", "seed", "replications", "alternatives": [{"scenario",
//! "paired_replications", "services": {NAME: {KPI: {"base": {mean, ci95},
//! "alt": {mean, ci95}, "difference": {mean, ci95}, "independent_ci95",
//! "verdict"}}}, "call_types": {...}, "agent_groups": {...}}]}`.

use std::fmt::Write;

use serde_json::{Map, Value, json};

use crate::compare::{Comparison, EntityKind, KpiComparison};
use crate::stats::kpi::Polarity;
use crate::stats::{Estimate, Kpi};

/// `better`, `worse` or `no significant difference` (95% paired CI); for
/// KPIs that are neither good nor bad in themselves ([`Polarity::Neutral`]
/// in the KPI table: offered calls, occupancy, handling time, agent-hours...)
/// `higher` or `lower`.
pub fn verdict(c: &KpiComparison) -> &'static str {
    let d = &c.difference;
    let sig = !(d.mean.is_nan() || d.ci95.is_nan()) && d.mean.abs() > d.ci95;
    if c.kpi.polarity() == Polarity::Neutral {
        if !sig {
            "no significant difference"
        } else if d.mean > 0.0 {
            "higher"
        } else {
            "lower"
        }
    } else if c.significantly_worse() {
        "worse"
    } else if c.significantly_better() {
        "better"
    } else {
        "no significant difference"
    }
}

fn est(e: &Estimate) -> Value {
    json!({ "mean": num(e.mean), "ci95": num(e.ci95) })
}

fn num(x: f64) -> Value {
    serde_json::Number::from_f64(x).map_or(Value::Null, Value::Number)
}

/// The comparison as the documented JSON document.
///
/// # Errors
/// Serialisation errors (none are expected).
pub fn to_json(c: &Comparison) -> serde_json::Result<String> {
    let mut alts = Vec::new();
    for a in &c.alternatives {
        let mut by_kind: [Map<String, Value>; 3] = Default::default();
        for e in &a.entities {
            let mut kpis = Map::new();
            for k in &e.kpis {
                kpis.insert(
                    k.kpi.name().to_string(),
                    json!({
                        "base": est(&k.base),
                        "alt": est(&k.alt),
                        "difference": est(&k.difference),
                        "independent_ci95": num(k.independent_ci95),
                        "verdict": verdict(k),
                    }),
                );
            }
            let slot = match e.kind {
                EntityKind::Service => 0,
                EntityKind::CallType => 1,
                EntityKind::AgentGroup => 2,
            };
            by_kind[slot].insert(e.name.clone(), Value::Object(kpis));
        }
        let [services, call_types, agent_groups] = by_kind;
        alts.push(json!({
            "scenario": a.scenario,
            "paired_replications": a.paired_replications,
            "services": services,
            "call_types": call_types,
            "agent_groups": agent_groups,
        }));
    }
    let doc = json!({
        "base": c.base,
        "seed": c.seed,
        "replications": c.replications,
        "ccsim_version": env!("CARGO_PKG_VERSION"),
        "difference": "alternative - base; ci95 from per-replication paired differences (common random numbers)",
        "alternatives": alts,
    });
    let mut s = serde_json::to_string_pretty(&doc)?;
    s.push('\n');
    Ok(s)
}

/// The comparison as long-format CSV, one row per alternative, entity and KPI.
///
/// # Errors
/// Errors of the CSV writer (none are expected when writing to memory).
pub fn to_csv(c: &Comparison) -> Result<String, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "base",
        "alternative",
        "seed",
        "replications",
        "entity_kind",
        "entity",
        "kpi",
        "base_mean",
        "base_ci95",
        "alt_mean",
        "alt_ci95",
        "difference_mean",
        "difference_ci95",
        "independent_ci95",
        "verdict",
    ])?;
    let f = |x: f64| {
        if x.is_nan() {
            String::new()
        } else {
            format!("{x}")
        }
    };
    for a in &c.alternatives {
        for e in &a.entities {
            for k in &e.kpis {
                w.write_record([
                    c.base.as_str(),
                    &a.scenario,
                    &c.seed.to_string(),
                    &a.paired_replications.to_string(),
                    e.kind.name(),
                    &e.name,
                    k.kpi.name(),
                    &f(k.base.mean),
                    &f(k.base.ci95),
                    &f(k.alt.mean),
                    &f(k.alt.ci95),
                    &f(k.difference.mean),
                    &f(k.difference.ci95),
                    &f(k.independent_ci95),
                    verdict(k),
                ])?;
            }
        }
    }
    let bytes = w.into_inner().map_err(|e| e.into_error())?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// A difference for people: percentage points for shares, with sign and CI.
pub fn fmt_difference(k: Kpi, e: &Estimate) -> String {
    if e.mean.is_nan() {
        return "-".into();
    }
    let (f, unit) = if k.is_share() {
        (100.0, " pp")
    } else {
        (1.0, "")
    };
    let ci = if e.ci95.is_nan() {
        String::new()
    } else {
        format!(" ± {:.2}", e.ci95 * f)
    };
    format!("{:+.2}{ci}{unit}", e.mean * f)
}

/// Half-width of a CI for people, in the unit of [`fmt_difference`].
pub fn fmt_half_width(k: Kpi, x: f64) -> String {
    if x.is_nan() {
        "-".into()
    } else if k.is_share() {
        format!("± {:.2} pp", x * 100.0)
    } else {
        format!("± {x:.2}")
    }
}

/// Renders the comparison as text tables (services and call types; agent
/// groups are in the JSON and CSV).
pub fn render_table(c: &Comparison) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "ccsim {} | compare: base {} | seed {}, {} replications, common random numbers",
        env!("CARGO_PKG_VERSION"),
        c.base,
        c.seed,
        c.replications
    );
    let _ = writeln!(
        o,
        "difference = alternative - base, mean ± 95% CI of the per-replication differences (pp = percentage points);\nindependent = the CI the difference would have from two independent runs."
    );
    for a in &c.alternatives {
        let _ = writeln!(o, "\nAlternative {}", a.scenario);
        for e in &a.entities {
            if e.kind == EntityKind::AgentGroup {
                continue;
            }
            let _ = writeln!(
                o,
                "  {} {}",
                if e.kind == EntityKind::Service {
                    "Service"
                } else {
                    "Call type"
                },
                e.name
            );
            let _ = writeln!(
                o,
                "    {:<40} {:>18} {:>18} {:>22} {:>14}  verdict",
                "kpi", "base", "alternative", "difference", "independent"
            );
            for k in &e.kpis {
                let _ = writeln!(
                    o,
                    "    {:<40} {:>18} {:>18} {:>22} {:>14}  {}",
                    k.kpi.name(),
                    super::fmt_estimate(k.kpi, &k.base),
                    super::fmt_estimate(k.kpi, &k.alt),
                    fmt_difference(k.kpi, &k.difference),
                    fmt_half_width(k.kpi, k.independent_ci95),
                    verdict(k)
                );
            }
        }
    }
    o
}
