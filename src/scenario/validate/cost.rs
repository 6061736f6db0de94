//! `[cost]`: currency and the weekly hours of one full-time equivalent.

use super::Validator;
use crate::scenario::raw::RawCost;
use crate::scenario::{CostSettings, DEFAULT_FTE_HOURS_PER_WEEK};

/// The `[cost]` table, or the defaults when it is absent.
pub(super) fn validate_cost(v: &mut Validator<'_>, c: Option<&RawCost>) -> CostSettings {
    let Some(c) = c else {
        return CostSettings::default();
    };
    let currency = c.currency.as_ref().and_then(|s| {
        let t = s.trim();
        if t.is_empty() || t.len() > 16 || t.chars().any(char::is_control) {
            v.err(
                "cost.currency",
                format!("{s:?}"),
                "must be a short currency name such as \"EUR\" (1 to 16 characters, no control characters)",
            );
            None
        } else {
            Some(t.to_string())
        }
    });
    let fte_hours_per_week = v
        .positive(
            "cost.fte_hours_per_week",
            c.fte_hours_per_week.unwrap_or(DEFAULT_FTE_HOURS_PER_WEEK),
            168.0,
        )
        .unwrap_or(DEFAULT_FTE_HOURS_PER_WEEK);
    CostSettings {
        currency,
        fte_hours_per_week,
    }
}
