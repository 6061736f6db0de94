//! Exporters of a [`Summary`]: terminal table, JSON and CSV. Exporters only
//! format; every figure is computed in [`crate::stats`].

pub mod backtest_plot;
pub mod compare;
pub mod csv;
pub mod curve_plot;
pub mod document;
pub mod plot;
pub mod staffing;
pub mod svgtext;
pub mod table;

use crate::stats::{Estimate, Kpi, Summary};

/// The JSON document of `ccsim run --format json` (see README, "JSON result").
///
/// # Errors
/// Serialisation errors (none are expected).
pub fn to_json(s: &Summary) -> serde_json::Result<String> {
    let mut out = serde_json::to_string_pretty(s)?;
    out.push('\n');
    Ok(out)
}

/// Formats an estimate for people: percentages for shares, one decimal for
/// seconds and hours, whole numbers for counts, and the CI after `±`.
pub fn fmt_estimate(k: Kpi, e: &Estimate) -> String {
    if e.mean.is_nan() {
        return "-".into();
    }
    let ci = |x: f64, f: &dyn Fn(f64) -> String| {
        if x.is_nan() {
            String::new()
        } else {
            format!(" ± {}", f(x))
        }
    };
    if k.is_share() {
        format!(
            "{:.2}%{}",
            e.mean * 100.0,
            ci(e.ci95, &|x| format!("{:.2}", x * 100.0))
        )
    } else if matches!(k, Kpi::Offered | Kpi::Answered | Kpi::Abandoned) {
        format!("{:.1}{}", e.mean, ci(e.ci95, &|x| format!("{x:.1}")))
    } else {
        format!("{:.1}{}", e.mean, ci(e.ci95, &|x| format!("{x:.1}")))
    }
}
