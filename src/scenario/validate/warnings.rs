//! Likely mistakes: the scenario is valid and runs, but its results are
//! probably not what the planner meant. `ccsim check` and `ccsim run` print
//! them (`--deny-warnings` makes them errors):
//!
//! * open intervals where voice calls arrive and no agent able to take them
//!   is on duty (after shrinkage);
//! * an `agents` list that leaves open hours of the group's services
//!   unstaffed (a list without `from` starts at 00:00);
//! * arrival weight (a `profile` or a `per_hour` list) falling where the
//!   service is closed, with no `closed_hours` rule: those calls are lost;
//! * a handling-time target that no staffing can meet, because the
//!   handling-time distribution alone puts fewer calls within the limit.
//!
//! Only the weekdays and opening hours that occur in the horizon count.

use statrs::distribution::{ContinuousCDF, Exp, Gamma, LogNormal, Weibull};

use super::Validator;
use super::call_types::open_seconds;
use crate::calendar::{Date, Weekday};
use crate::scenario::raw::{NumOrList, PerWeekday, RawScenario};
use crate::scenario::{Channel, DurationDist, Scenario, WeekHours};

pub(super) fn check(v: &mut Validator<'_>, raw: &RawScenario, sc: &Scenario) {
    unanswerable_calls(v, sc);
    unstaffed_lists(v, raw, sc);
    closed_weight(v, raw, sc);
    handling_targets(v, sc);
}

/// Weekdays that occur in the horizon.
fn present_weekdays(sc: &Scenario) -> [bool; 7] {
    let mut on = [false; 7];
    for d in 0..(sc.horizon.days as usize).min(7) {
        on[sc.horizon.weekday(d).index()] = true;
    }
    on
}

/// The weekly opening hours of service `s` that apply in the horizon, with
/// the date they start from (`None`: the service's `open`).
fn patterns(sc: &Scenario, s: usize) -> Vec<(Option<Date>, &WeekHours)> {
    let svc = &sc.services[s];
    let start = sc.horizon.start;
    let end = sc.horizon.date(sc.horizon.days.saturating_sub(1) as usize);
    let mut out = Vec::new();
    if svc
        .open_changes
        .first()
        .is_none_or(|(from, _)| *from > start)
    {
        out.push((None, &svc.open));
    }
    for (from, hours) in &svc.open_changes {
        if *from <= end {
            out.push((Some(*from), hours));
        }
    }
    out
}

fn clock(s: u32) -> String {
    format!("{:02}:{:02}", s / 3600, s % 3600 / 60)
}

/// "Monday 07:00-08:00, Saturday 13:00-14:00": runs of marked intervals.
fn runs(marked: &[Vec<bool>; 7], interval_s: u32) -> String {
    let mut out = Vec::new();
    for (w, day) in marked.iter().enumerate() {
        let mut i = 0;
        while i < day.len() {
            if !day[i] {
                i += 1;
                continue;
            }
            let a = i;
            while i < day.len() && day[i] {
                i += 1;
            }
            out.push(format!(
                "{} {}-{}",
                Weekday::from_index(w),
                clock(a as u32 * interval_s),
                clock(i as u32 * interval_s)
            ));
        }
    }
    if out.len() > 6 {
        let more = out.len() - 6;
        out.truncate(6);
        out.push(format!("and {more} more"));
    }
    out.join(", ")
}

fn since(from: Option<Date>) -> String {
    from.map(|d| format!(" (hours from {d})"))
        .unwrap_or_default()
}

/// Voice calls arriving in open intervals with no agent able to take them.
fn unanswerable_calls(v: &mut Validator<'_>, sc: &Scenario) {
    let ipd = sc.horizon.intervals_per_day();
    let step = sc.horizon.interval_s;
    let days = present_weekdays(sc);
    for (c, ct) in sc.call_types.iter().enumerate() {
        if ct.channel != Channel::Voice {
            continue;
        }
        let groups: Vec<_> = sc.groups.iter().filter(|g| g.skills.contains(&c)).collect();
        for (from, open) in patterns(sc, ct.service) {
            let mut marked: [Vec<bool>; 7] = std::array::from_fn(|_| vec![false; ipd]);
            let mut any = false;
            for w in (0..7).filter(|&w| days[w]) {
                for (i, m) in marked[w].iter_mut().enumerate() {
                    let a = i as u32 * step;
                    if ct.rate_per_s[w][i] > 0.0
                        && open_seconds(&open[w], a, a + step) > 0
                        && groups.iter().all(|g| g.available(g.staffing[w][i]) == 0)
                    {
                        *m = true;
                        any = true;
                    }
                }
            }
            if any {
                v.warn(
                    &format!("call_type[{c}].arrivals"),
                    "",
                    format!(
                        "calls of {:?} arrive while {:?} is open and no agent who can take them is on duty (after shrinkage): {}{}; they can only wait or abandon",
                        ct.name,
                        sc.services[ct.service].name,
                        runs(&marked, step),
                        since(from)
                    ),
                );
            }
        }
    }
}

/// `agents` lists that stop before (or start after) the opening hours of
/// the group's services, leaving them without this group's agents.
fn unstaffed_lists(v: &mut Validator<'_>, raw: &RawScenario, sc: &Scenario) {
    let ipd = sc.horizon.intervals_per_day();
    let step = sc.horizon.interval_s;
    let days = present_weekdays(sc);
    for (gi, (rg, g)) in raw.agent_groups.iter().zip(&sc.groups).enumerate() {
        let Some(agents) = &rg.agents else { continue };
        let first = rg
            .from
            .as_deref()
            .and_then(crate::calendar::parse_clock)
            .map_or(0, |c| (c / step) as usize);
        // (path, weekdays, list length) of each list.
        let mut lists: Vec<(String, [bool; 7], usize)> = Vec::new();
        let path = format!("agent_group[{gi}].agents");
        match agents {
            PerWeekday::All(NumOrList::List(l)) => lists.push((path.clone(), [true; 7], l.len())),
            PerWeekday::All(NumOrList::Num(_)) => {}
            PerWeekday::ByDay(map) => {
                for (key, x) in map {
                    if let (NumOrList::List(l), Some(mask)) =
                        (x, crate::calendar::parse_weekday_set(key))
                    {
                        lists.push((format!("{path}.{key}"), mask, l.len()));
                    }
                }
            }
        }
        let services: Vec<usize> = {
            let mut s: Vec<usize> = g.skills.iter().map(|&c| sc.call_types[c].service).collect();
            s.sort_unstable();
            s.dedup();
            s
        };
        for (lpath, mask, len) in lists {
            let mut marked: [Vec<bool>; 7] = std::array::from_fn(|_| vec![false; ipd]);
            let mut any = false;
            for w in (0..7).filter(|&w| mask[w] && days[w]) {
                for i in (0..ipd).filter(|&i| i < first || i >= first + len) {
                    let a = i as u32 * step;
                    let open = services.iter().any(|&s| {
                        patterns(sc, s)
                            .iter()
                            .any(|(_, o)| open_seconds(&o[w], a, a + step) > 0)
                    });
                    if open && g.staffing[w][i] == 0 {
                        marked[w][i] = true;
                        any = true;
                    }
                }
            }
            if any {
                let from = match &rg.from {
                    Some(f) => format!("from = {f:?}"),
                    None => "no `from`, so it starts at 00:00".to_string(),
                };
                v.warn(
                    &lpath,
                    format!("[{len} values]"),
                    format!(
                        "the list ({from}) covers {}-{}, and leaves open hours of the group's services without its agents: {}; set `from`, or write the hours out with 0 where that is intended",
                        clock(first as u32 * step),
                        clock(((first + len) as u32 * step).min(86_400)),
                        runs(&marked, step)
                    ),
                );
            }
        }
    }
}

/// Profile weight or `per_hour` values where the service is closed, with
/// no `closed_hours`: those calls never arrive.
fn closed_weight(v: &mut Validator<'_>, raw: &RawScenario, sc: &Scenario) {
    let step = sc.horizon.interval_s;
    let days = present_weekdays(sc);
    for (c, (rc, ct)) in raw.call_types.iter().zip(&sc.call_types).enumerate() {
        if ct.closed_hours.is_some() {
            continue;
        }
        let Some(a) = &rc.arrivals else { continue };
        let field = if a.profile.is_some() {
            "profile"
        } else if matches!(&a.per_hour, Some(PerWeekday::All(NumOrList::List(_))))
            || matches!(&a.per_hour, Some(PerWeekday::ByDay(m)) if m.values().any(|x| matches!(x, NumOrList::List(_))))
        {
            "per_hour"
        } else {
            continue;
        };
        for (from, open) in patterns(sc, ct.service) {
            let mut parts = Vec::new();
            let (mut lost_all, mut total_all) = (0.0, 0.0);
            for w in (0..7).filter(|&w| days[w]) {
                let (mut lost, mut total) = (0.0, 0.0);
                for (i, &r) in ct.rate_per_s[w].iter().enumerate() {
                    let a = i as u32 * step;
                    let o = f64::from(open_seconds(&open[w], a, a + step));
                    total += r * f64::from(step);
                    lost += r * (f64::from(step) - o);
                }
                if lost > 1e-9 * total.max(1.0) {
                    parts.push(format!(
                        "{} {:.0} of {:.0} a day",
                        Weekday::from_index(w),
                        lost,
                        total
                    ));
                }
                lost_all += lost;
                total_all += total;
            }
            if !parts.is_empty() && total_all > 0.0 {
                v.warn(
                    &format!("call_type[{c}].arrivals.{field}"),
                    "",
                    format!(
                        "{:.1}% of the calls of {:?} fall in hours when {:?} is closed{} and are lost, as the call type has no closed_hours rule: {}; add closed_hours = {{ retry_share = ... }} if these callers call again at opening, or move the weight into the opening hours",
                        100.0 * lost_all / total_all,
                        ct.name,
                        sc.services[ct.service].name,
                        since(from),
                        parts.join(", ")
                    ),
                );
            }
        }
    }
}

/// P(duration <= x).
fn cdf(d: &DurationDist, x: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    let p = match *d {
        DurationDist::Exponential { mean } => Exp::new(1.0 / mean).map(|e| e.cdf(x)).ok(),
        DurationDist::LogNormal { mean, cv } => {
            let s2 = (1.0 + cv * cv).ln();
            LogNormal::new(mean.ln() - s2 / 2.0, s2.sqrt())
                .map(|l| l.cdf(x))
                .ok()
        }
        DurationDist::Gamma { mean, cv } => {
            let k = 1.0 / (cv * cv);
            Gamma::new(k, k / mean).map(|g| g.cdf(x)).ok()
        }
        DurationDist::Weibull { mean, shape } => {
            let scale = mean / statrs::function::gamma::gamma(1.0 + 1.0 / shape);
            Weibull::new(shape, scale).map(|w| w.cdf(x)).ok()
        }
        DurationDist::Deterministic { value } => Some(if value <= x { 1.0 } else { 0.0 }),
    };
    p.unwrap_or(1.0)
}

fn describe(d: &DurationDist) -> String {
    match *d {
        DurationDist::Exponential { mean } => format!("exponential, mean {mean} s"),
        DurationDist::LogNormal { mean, cv } => format!("lognormal, mean {mean} s, cv {cv}"),
        DurationDist::Gamma { mean, cv } => format!("gamma, mean {mean} s, cv {cv}"),
        DurationDist::Weibull { mean, shape } => format!("weibull, mean {mean} s, shape {shape}"),
        DurationDist::Deterministic { value } => format!("always {value} s"),
    }
}

/// Handling-time targets above what the handling distribution allows with
/// any number of agents: the share handled within the limit depends on the
/// talk time only. The bound takes, for each call type, its smallest
/// handling factor over the horizon's days and the groups that serve it.
fn handling_targets(v: &mut Validator<'_>, sc: &Scenario) {
    for (s, svc) in sc.services.iter().enumerate() {
        let (Some(limit), Some(share)) = (
            svc.targets.handled_within_s,
            svc.targets.handled_within_share,
        ) else {
            continue;
        };
        let mut best: Option<(f64, usize, f64)> = None;
        for (c, ct) in sc.call_types.iter().enumerate() {
            if ct.service != s {
                continue;
            }
            let groups: Vec<_> = sc.groups.iter().filter(|g| g.skills.contains(&c)).collect();
            let mut fmin = f64::INFINITY;
            for d in 0..sc.horizon.days as usize {
                let date = sc.horizon.date(d);
                let day = ct.handling_factor(date);
                for g in &groups {
                    fmin = fmin.min(day * g.handling_factor * g.handling_factor_on(c, date));
                }
            }
            if !fmin.is_finite() {
                continue;
            }
            let p = cdf(&ct.handling, limit / fmin);
            if best.is_none_or(|(b, _, _)| p > b) {
                best = Some((p, c, fmin));
            }
        }
        if let Some((p, c, f)) = best
            && p < share
        {
            let ct = &sc.call_types[c];
            v.warn(
                &format!("service[{s}].targets.handled_within_share"),
                share,
                format!(
                    "no staffing can meet it: handling times alone put at most {:.1}% of answered calls within {limit} s ({:?}: {}{}), whatever the number of agents",
                    100.0 * p,
                    ct.name,
                    describe(&ct.handling),
                    if (f - 1.0).abs() > 1e-12 {
                        format!(", times a factor of at least {f:.3}")
                    } else {
                        String::new()
                    }
                ),
            );
        }
    }
}
