//! Exporters of a [`Comparison`]: terminal table, JSON and CSV.
//!
//! JSON: `{"base", "seed", "replications", "alternatives": [{"scenario",
//! "paired_replications", "services": {NAME: {KPI: {"base": {mean, ci95},
//! "alt": {mean, ci95}, "difference": {mean, ci95}, "independent_ci95",
//! "verdict", "target", "direction", "base_status", "alt_status",
//! "base_met_share", "alt_met_share"}}}, "call_types": {...},
//! "agent_groups": {...}, "windows": [{"entity_kind", "entity", "window",
//! "kpis": {KPI: {...}}}], "same_callers": {"call_type NAME": bool},
//! "only_in_base": [...], "only_in_alternative": [{"entity_kind", "entity",
//! "kpis", "compliance", "windows"}]}]}`. Target fields appear only for
//! targeted KPIs.

use std::fmt::Write;

use serde_json::{Map, Value, json};

use crate::compare::{Comparison, EntityKind, KpiComparison, OnlyIn};
use crate::stats::kpi::Polarity;
use crate::stats::summary::CostFigures;
use crate::stats::{Estimate, Kpi};

/// `better`, `worse` or `no significant difference` (95% paired CI); for
/// KPIs that are neither good nor bad in themselves ([`Polarity::Neutral`]
/// in the KPI table: offered calls, occupancy, handling time, agent-hours...,
/// and counts where the two scenarios draw different callers) `higher` or
/// `lower`.
pub fn verdict(c: &KpiComparison) -> &'static str {
    let d = &c.difference;
    let sig = !(d.mean.is_nan() || d.ci95.is_nan()) && d.mean.abs() > d.ci95;
    if c.polarity == Polarity::Neutral {
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

fn kpi_json(k: &KpiComparison) -> Value {
    let mut v = json!({
        "base": est(&k.base),
        "alt": est(&k.alt),
        "difference": est(&k.difference),
        "independent_ci95": num(k.independent_ci95),
        "verdict": verdict(k),
    });
    if let Some(t) = k.target {
        v["target"] = num(t);
    }
    if let Some(m) = &k.met {
        v["direction"] = json!(m.direction.symbol());
        v["base_status"] = json!(m.base.label());
        v["alt_status"] = json!(m.alt.label());
        v["base_met_share"] = num(m.base_met_share);
        v["alt_met_share"] = num(m.alt_met_share);
    }
    v
}

fn kpis_json(list: &[KpiComparison]) -> Value {
    Value::Object(
        list.iter()
            .map(|k| (k.kpi.name().to_string(), kpi_json(k)))
            .collect(),
    )
}

/// An entity present in one scenario only: its horizon KPIs and compliance.
fn only_json(o: &OnlyIn) -> Value {
    json!({
        "entity_kind": o.kind.name(),
        "entity": o.name,
        "kpis": o.summary.kpis,
        "compliance": o.summary.compliance,
        "windows": o.summary.windows,
    })
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
        let mut windows = Vec::new();
        let mut same = Map::new();
        for e in &a.entities {
            let slot = match e.kind {
                EntityKind::Service => 0,
                EntityKind::CallType => 1,
                EntityKind::AgentGroup => 2,
            };
            by_kind[slot].insert(e.name.clone(), kpis_json(&e.kpis));
            for w in &e.windows {
                windows.push(json!({
                    "entity_kind": e.kind.name(),
                    "entity": e.name,
                    "window": w.name,
                    "kpis": kpis_json(&w.kpis),
                }));
            }
            if let Some(x) = e.same_callers {
                same.insert(format!("{} {}", e.kind.name(), e.name), json!(x));
            }
        }
        let [services, call_types, agent_groups] = by_kind;
        alts.push(json!({
            "scenario": a.scenario,
            "paired_replications": a.paired_replications,
            "services": services,
            "call_types": call_types,
            "agent_groups": agent_groups,
            "windows": windows,
            "cost": {
                "base": a.base_cost,
                "alt": a.alt_cost,
                "paid_agent_hours_difference": num(a.alt_cost.paid_agent_hours - a.base_cost.paid_agent_hours),
                "fte_difference": num(a.alt_cost.fte - a.base_cost.fte),
                "cost_difference": a.alt_cost.cost.zip(a.base_cost.cost).map_or(Value::Null, |(x, y)| num(x - y)),
            },
            "same_callers": same,
            "only_in_base": a.only_in_base.iter().map(only_json).collect::<Vec<_>>(),
            "only_in_alternative": a.only_in_alternative.iter().map(only_json).collect::<Vec<_>>(),
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

/// The comparison as long-format CSV, one row per alternative, entity,
/// window (empty: the horizon) and KPI. Targeted KPIs carry the target and
/// both scenarios' OK/KO and P(met); an entity present in one scenario only
/// has its values on its side and the verdict `only in base` or `only in
/// alternative`.
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
        "window",
        "target",
        "direction",
        "base_status",
        "base_met_share",
        "alt_status",
        "alt_met_share",
    ])?;
    let f = |x: f64| {
        if x.is_nan() {
            String::new()
        } else {
            format!("{x}")
        }
    };
    for a in &c.alternatives {
        let reps = a.paired_replications.to_string();
        let seed = c.seed.to_string();
        let mut put = |kind: &str, entity: &str, window: &str, k: &KpiComparison| {
            let m = k.met.as_ref();
            w.write_record([
                c.base.as_str(),
                &a.scenario,
                &seed,
                &reps,
                kind,
                entity,
                k.kpi.name(),
                &f(k.base.mean),
                &f(k.base.ci95),
                &f(k.alt.mean),
                &f(k.alt.ci95),
                &f(k.difference.mean),
                &f(k.difference.ci95),
                &f(k.independent_ci95),
                verdict(k),
                window,
                &k.target.map(f).unwrap_or_default(),
                m.map_or("", |m| m.direction.symbol()),
                m.map_or("", |m| m.base.label()),
                &m.map(|m| f(m.base_met_share)).unwrap_or_default(),
                m.map_or("", |m| m.alt.label()),
                &m.map(|m| f(m.alt_met_share)).unwrap_or_default(),
            ])
        };
        for e in &a.entities {
            for k in &e.kpis {
                put(e.kind.name(), &e.name, "", k)?;
            }
            for win in &e.windows {
                for k in &win.kpis {
                    put(e.kind.name(), &e.name, &win.name, k)?;
                }
            }
        }
        for (only, is_base) in [(&a.only_in_base, true), (&a.only_in_alternative, false)] {
            for o in only {
                let s = &o.summary;
                let windows = std::iter::once(("", &s.kpis, &s.compliance)).chain(
                    s.windows
                        .iter()
                        .map(|w| (w.name.as_str(), &w.kpis, &w.compliance)),
                );
                for (window, kpis, compliance) in windows {
                    for (k, e) in &kpis.0 {
                        let row = compliance.iter().find(|r| r.kpi == *k);
                        let (mean, ci) = (f(e.mean), f(e.ci95));
                        let (status, p) = row.map_or((String::new(), String::new()), |r| {
                            (r.status.label().to_string(), f(r.met_share))
                        });
                        let blank = String::new();
                        let side = |b: bool, x: &String| {
                            if b == is_base {
                                x.clone()
                            } else {
                                blank.clone()
                            }
                        };
                        w.write_record([
                            c.base.as_str(),
                            &a.scenario,
                            &seed,
                            &reps,
                            o.kind.name(),
                            &o.name,
                            k.name(),
                            &side(true, &mean),
                            &side(true, &ci),
                            &side(false, &mean),
                            &side(false, &ci),
                            "",
                            "",
                            "",
                            if is_base {
                                "only in base"
                            } else {
                                "only in alternative"
                            },
                            window,
                            &row.map(|r| f(r.target)).unwrap_or_default(),
                            row.map_or("", |r| r.direction.symbol()),
                            &side(true, &status),
                            &side(true, &p),
                            &side(false, &status),
                            &side(false, &p),
                        ])?;
                    }
                }
            }
        }
    }
    let bytes = w.into_inner().map_err(|e| e.into_error())?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// A difference for people: percentage points for shares, with sign and CI;
/// small figures keep enough digits that a difference never prints as
/// `+0.00 ± 0.00`.
pub fn fmt_difference(k: Kpi, e: &Estimate) -> String {
    if e.mean.is_nan() {
        return "-".into();
    }
    let (f, unit) = if k.is_share() {
        (100.0, " pp")
    } else {
        (1.0, "")
    };
    let d = decimals(e.mean * f, e.ci95 * f);
    let ci = if e.ci95.is_nan() {
        String::new()
    } else {
        format!(" ± {:.d$}", e.ci95 * f)
    };
    format!("{:+.d$}{ci}{unit}", e.mean * f)
}

/// Decimals that show the first significant digit of the smaller non-zero
/// of `a` and `b` (2 to 6).
fn decimals(a: f64, b: f64) -> usize {
    let m = [a.abs(), b.abs()]
        .into_iter()
        .filter(|x| x.is_finite() && *x > 0.0)
        .fold(f64::INFINITY, f64::min);
    if !m.is_finite() || m >= 0.01 {
        2
    } else {
        ((-m.log10()).ceil() as usize).clamp(2, 6)
    }
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

/// `OK`/`KO` of both scenarios with P(met), e.g. `KO 0% -> OK 97%`; empty
/// when the KPI has no target.
pub fn fmt_met(k: &KpiComparison) -> String {
    k.met.map_or(String::new(), |m| {
        format!(
            "{} {:.0}% -> {} {:.0}%",
            m.base,
            m.base_met_share * 100.0,
            m.alt,
            m.alt_met_share * 100.0
        )
    })
}

/// The target of a KPI for people: `>= 95.00%`.
pub fn fmt_target(k: &KpiComparison) -> String {
    match (k.target, k.met) {
        (Some(t), m) => {
            let dir = m.map_or("", |m| m.direction.symbol());
            if k.kpi.is_share() {
                format!("{dir} {:.2}%", t * 100.0)
            } else {
                format!("{dir} {t}")
            }
        }
        _ => String::new(),
    }
}

/// Money for people: `12,345 EUR`.
pub fn fmt_money(x: f64, currency: Option<&str>) -> String {
    let n = format!("{:.0}", x.abs());
    let mut grouped = String::new();
    for (i, ch) in n.chars().enumerate() {
        if i > 0 && (n.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    let sign = if x < 0.0 { "-" } else { "" };
    match currency {
        Some(c) => format!("{sign}{grouped} {c}"),
        None => format!("{sign}{grouped}"),
    }
}

/// Paid hours, FTE and cost of both scenarios and their change: the cost of
/// an option (not simulated: from the staffing and the calendar).
pub fn fmt_cost_change(b: &CostFigures, a: &CostFigures) -> String {
    let d = a.paid_agent_hours - b.paid_agent_hours;
    let mut s = format!(
        "Paid agent-hours: {:.0} -> {:.0} ({d:+.0}, {:+.1}%); FTE ({} h/week): {:.1} -> {:.1} ({:+.1})",
        b.paid_agent_hours,
        a.paid_agent_hours,
        100.0 * d / b.paid_agent_hours.max(f64::MIN_POSITIVE),
        a.fte_hours_per_week,
        b.fte,
        a.fte,
        a.fte - b.fte
    );
    if let (Some(x), Some(y)) = (b.cost, a.cost) {
        let cur = a.currency.as_deref();
        let _ = write!(
            s,
            "; cost: {} -> {} ({}{})",
            fmt_money(x, cur),
            fmt_money(y, cur),
            if y >= x { "+" } else { "" },
            fmt_money(y - x, cur)
        );
    }
    s
}

/// A KPI the short tables keep: targeted, or significantly different.
pub fn decides(k: &KpiComparison) -> bool {
    let d = &k.difference;
    k.target.is_some() || (!(d.mean.is_nan() || d.ci95.is_nan()) && d.mean.abs() > d.ci95)
}

fn kind_label(kind: EntityKind) -> &'static str {
    match kind {
        EntityKind::Service => "Service",
        EntityKind::CallType => "Call type",
        EntityKind::AgentGroup => "Agent group",
    }
}

fn table_rows(o: &mut String, kpis: &[KpiComparison]) {
    let _ = writeln!(
        o,
        "    {:<40} {:>18} {:>18} {:>24} {:>14}  {:<26} {:<18} status, P(met)",
        "kpi", "base", "alternative", "difference", "independent", "verdict", "target"
    );
    for k in kpis {
        let line = format!(
            "    {:<40} {:>18} {:>18} {:>24} {:>14}  {:<26} {:<18} {}",
            k.kpi.name(),
            super::fmt_estimate(k.kpi, &k.base),
            super::fmt_estimate(k.kpi, &k.alt),
            fmt_difference(k.kpi, &k.difference),
            fmt_half_width(k.kpi, k.independent_ci95),
            verdict(k),
            fmt_target(k),
            fmt_met(k)
        );
        let _ = writeln!(o, "{}", line.trim_end());
    }
}

/// Renders the comparison as text tables: services, call types, agent
/// groups, their reporting windows, and what only one scenario has.
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
        "difference = alternative - base, mean ± 95% CI of the per-replication differences (pp = percentage points);\nindependent = the CI the difference would have from two independent runs;\nlast column: status against the target and P(met), base -> alternative.\nunit of staffing: paid agent-hours (scheduled agents x hours on open days and hours; holidays and closed hours cost nothing); scheduled_agent_hours rows: the staffing as simulated on every day, closed days included."
    );
    for a in &c.alternatives {
        let _ = writeln!(o, "\nAlternative {}", a.scenario);
        let _ = writeln!(o, "  {}", fmt_cost_change(&a.base_cost, &a.alt_cost));
        for e in &a.entities {
            let callers = match e.same_callers {
                Some(true) => " (the same callers in both)",
                Some(false) => " (different callers: counts are only higher or lower)",
                None => "",
            };
            let _ = writeln!(o, "  {} {}{callers}", kind_label(e.kind), e.name);
            table_rows(&mut o, &e.kpis);
            for w in &e.windows {
                let _ = writeln!(o, "  {} {}, window {}", kind_label(e.kind), e.name, w.name);
                table_rows(&mut o, &w.kpis);
            }
        }
        for (list, side) in [
            (&a.only_in_base, "only in the base"),
            (&a.only_in_alternative, "only in the alternative"),
        ] {
            for x in list {
                let _ = writeln!(o, "  {} {}: {side}", kind_label(x.kind), x.name);
                for (k, e) in &x.summary.kpis.0 {
                    let row = x.summary.compliance.iter().find(|r| r.kpi == *k);
                    let _ = writeln!(
                        o,
                        "    {:<40} {:>18}  {}",
                        k.name(),
                        super::fmt_estimate(*k, e),
                        row.map_or(String::new(), |r| format!(
                            "target {} {}: {} (P(met) {:.0}%)",
                            r.direction,
                            if k.is_share() {
                                format!("{:.2}%", r.target * 100.0)
                            } else {
                                r.target.to_string()
                            },
                            r.status,
                            r.met_share * 100.0
                        ))
                    );
                }
            }
        }
    }
    o
}
