//! `[[agent_group]]`: skills, staffing per interval and shifts.

use std::collections::HashMap;

use super::call_types::handling_effect;
use super::{Validator, from_index, limits, names, per_interval};
use crate::calendar::parse_weekday_set;
use crate::scenario::AgentGroup;
use crate::scenario::raw::{NumOrList, PerWeekday, RawAgentGroup, RawScenario};

/// One `[[agent_group]]`: skills resolved to call types, staffing, factors.
pub(super) fn validate_group(
    v: &mut Validator<'_>,
    i: usize,
    g: &RawAgentGroup,
    raw: &RawScenario,
    call_type_index: &HashMap<&str, usize>,
    ipd: usize,
    interval_s: u32,
) -> AgentGroup {
    let path = format!("agent_group[{i}]");
    let mut skills = Vec::new();
    for (k, s) in g.skills.iter().enumerate() {
        match call_type_index.get(s.as_str()).copied() {
            Some(idx) if skills.contains(&idx) => v.err(
                &format!("{path}.skills[{k}]"),
                format!("{s:?}"),
                "is listed twice",
            ),
            Some(idx) => skills.push(idx),
            None => v.err(
                &format!("{path}.skills[{k}]"),
                format!("{s:?}"),
                format!(
                    "is not a call_type name (known: {})",
                    names(raw.call_types.iter().map(|c| &c.name))
                ),
            ),
        }
    }
    if g.skills.is_empty() {
        v.err(
            &format!("{path}.skills"),
            "[]",
            "an agent group needs at least one skill",
        );
    }
    let staffing = group_staffing(v, &path, g, ipd, interval_s);
    let shrinkage = v
        .num(
            &format!("{path}.shrinkage"),
            g.shrinkage.unwrap_or(0.0),
            0.0,
            0.99,
        )
        .unwrap_or(0.0);
    let handling_factor = v
        .positive(
            &format!("{path}.handling_factor"),
            g.handling_factor.unwrap_or(1.0),
            100.0,
        )
        .unwrap_or(1.0);
    let calls_first = match g.blend.as_deref() {
        None | Some("calls_first") => true,
        Some("skill_order") => false,
        Some(other) => {
            v.err(
                &format!("{path}.blend"),
                format!("{other:?}"),
                "must be \"calls_first\" or \"skill_order\"",
            );
            true
        }
    };
    let blend_reserve = v
        .whole(
            &format!("{path}.blend_reserve"),
            g.blend_reserve.unwrap_or(0.0),
            0.0,
            limits::MAX_AGENTS,
        )
        .unwrap_or(0);
    let mut handling_effects = Vec::new();
    for (k, e) in g.handling_effects.iter().flatten().enumerate() {
        let ep = format!("{path}.handling_effects[{k}]");
        let ct = match &e.call_type {
            None => Some(None),
            Some(name) => match call_type_index.get(name.as_str()).copied() {
                Some(c) if g.skills.contains(name) => Some(Some(c)),
                _ => {
                    v.err(
                        &format!("{ep}.call_type"),
                        format!("{name:?}"),
                        format!(
                            "is not one of the group's skills ({})",
                            names(g.skills.iter())
                        ),
                    );
                    None
                }
            },
        };
        if let (Some(ct), Some(effect)) = (ct, handling_effect(v, &ep, e)) {
            handling_effects.push((ct, effect));
        }
    }
    let hourly_cost = g.hourly_cost.and_then(|c| {
        v.num(
            &format!("{path}.hourly_cost"),
            c,
            0.0,
            limits::MAX_HOURLY_COST,
        )
    });
    AgentGroup {
        name: g.name.clone(),
        skills,
        staffing,
        shrinkage,
        handling_factor,
        calls_first,
        blend_reserve,
        handling_effects,
        hourly_cost,
    }
}

/// Scheduled agents per interval of each weekday: `agents` plus every shift.
pub(super) fn group_staffing(
    v: &mut Validator<'_>,
    path: &str,
    g: &RawAgentGroup,
    ipd: usize,
    interval_s: u32,
) -> [Vec<u32>; 7] {
    let mut out = match &g.agents {
        Some(a) => staffing_per_weekday(
            v,
            &format!("{path}.agents"),
            a,
            g.from.as_deref(),
            &format!("{path}.from"),
            ipd,
            interval_s,
        ),
        None => {
            if g.shifts.as_ref().is_none_or(Vec::is_empty) {
                v.err(path, "", "an agent group needs `agents` or `shifts`");
            }
            std::array::from_fn(|_| vec![0; ipd])
        }
    };
    let on_boundary = |v: &mut Validator<'_>, p: &str, s: &str| -> Option<usize> {
        let c = v.clock(p, s)?;
        if c % interval_s != 0 || c >= 86_400 {
            v.err(
                p,
                format!("{s:?}"),
                format!(
                    "must be the start of an interval ({} minutes long)",
                    interval_s / 60
                ),
            );
            return None;
        }
        Some((c / interval_s) as usize)
    };
    let intervals = |v: &mut Validator<'_>, p: &str, seconds: f64, shown: f64| -> Option<usize> {
        let n = seconds / f64::from(interval_s);
        if (n - n.round()).abs() > 1e-9 {
            v.err(
                p,
                shown,
                format!(
                    "must be a whole number of {}-minute intervals",
                    interval_s / 60
                ),
            );
            None
        } else {
            Some(n.round() as usize)
        }
    };
    let max_agents = limits::MAX_AGENTS as u64;
    let mut reported = false;
    for (i, sh) in g.shifts.iter().flatten().enumerate() {
        let sp = format!("{path}.shifts[{i}]");
        let start = on_boundary(v, &format!("{sp}.start"), &sh.start);
        let len = v
            .positive(&format!("{sp}.hours"), sh.hours, 24.0)
            .and_then(|h| intervals(v, &format!("{sp}.hours"), h * 3600.0, h));
        let count = v.whole(&format!("{sp}.count"), sh.count, 0.0, limits::MAX_AGENTS);
        let days = parse_weekday_set(sh.days.as_deref().unwrap_or("all"));
        if days.is_none() {
            v.err(
                &format!("{sp}.days"),
                format!("{:?}", sh.days.as_deref().unwrap_or("")),
                "is not a weekday selector (mon..sun, mon-fri, sat,sun, all)",
            );
        }
        let mut off = vec![false; len.unwrap_or(0)];
        for (b, br) in sh.breaks.iter().flatten().enumerate() {
            let bp = format!("{sp}.breaks[{b}]");
            let at = on_boundary(v, &format!("{bp}.at"), &br.at);
            let n = v
                .positive(&format!("{bp}.minutes"), br.minutes, 1440.0)
                .and_then(|m| intervals(v, &format!("{bp}.minutes"), m * 60.0, m));
            if let (Some(at), Some(n), Some(start), Some(len)) = (at, n, start, len) {
                let rel = (at + ipd - start) % ipd;
                if rel + n > len {
                    v.err(
                        &format!("{bp}.at"),
                        format!("{:?}", br.at),
                        "the break must lie within the shift",
                    );
                } else {
                    off[rel..rel + n].fill(true);
                }
            }
        }
        if let (Some(start), Some(count), Some(days)) = (start, count, days) {
            let mut over = false;
            for (d, on) in days.iter().enumerate() {
                if !on {
                    continue;
                }
                for (j, is_off) in off.iter().enumerate() {
                    if !is_off {
                        // A shift past midnight continues on the next weekday.
                        let k = start + j;
                        let slot = &mut out[(d + k / ipd) % 7][k % ipd];
                        // Capped at the limit: never wraps, and an error names
                        // the first shift that takes the group past it.
                        let sum = u64::from(*slot) + u64::from(count);
                        over |= sum > max_agents;
                        *slot = sum.min(max_agents) as u32;
                    }
                }
            }
            if over && !reported {
                reported = true;
                v.err(
                    &format!("{sp}.count"),
                    count,
                    format!(
                        "with the group's other shifts and agents, more than {} agents would be scheduled in one interval",
                        limits::MAX_AGENTS
                    ),
                );
            }
        }
    }
    out
}

pub(super) fn staffing_per_weekday(
    v: &mut Validator<'_>,
    path: &str,
    agents: &PerWeekday<NumOrList>,
    from: Option<&str>,
    from_path: &str,
    ipd: usize,
    interval_s: u32,
) -> [Vec<u32>; 7] {
    let mut out: [Vec<u32>; 7] = Default::default();
    out.iter_mut().for_each(|d| *d = vec![0; ipd]);
    let Some(first) = from_index(v, from_path, from, interval_s) else {
        return out;
    };
    for (d, entry) in v.per_weekday(path, agents).into_iter().enumerate() {
        let Some((p, x)) = entry else { continue };
        let mut check = |v: &mut Validator<'_>, p: &str, x: f64| {
            v.whole(p, x, 0.0, limits::MAX_AGENTS).map(f64::from)
        };
        if let Some(vals) = per_interval(v, &p, x, first, ipd, &mut check) {
            out[d] = vals.into_iter().map(|x| x as u32).collect();
        }
    }
    out
}
