//! From [`RawScenario`] to [`Scenario`]: every value checked, every name
//! resolved, every problem reported with its line, field path and value.

use std::collections::HashSet;
use std::fmt::Display;

use super::error::{Issue, ScenarioError, line_col};
use super::locate::Locator;
use super::raw::{
    NumOrList, PerWeekday, RawAgentGroup, RawArrivals, RawCallType, RawDist, RawHandlingEffect,
    RawOutage, RawRouting, RawScenario, RawService,
};
use super::{
    AgentGroup, AgentSelection, ArrivalProcess, AtClose, CallSelection, CallType, ClosedHours,
    DurationDist, HandlingEffect, Horizon, Outage, OutageEffect, Redial, Routing, RunSettings,
    Scenario, Service, Targets, VolumeFactor,
};
use crate::calendar::{Date, parse_clock, parse_hours, parse_weekday_set};

/// Largest accepted values: far above any real center, low enough that a
/// typo cannot make a run take days or overflow a counter.
pub mod limits {
    /// Days in a horizon.
    pub const MAX_DAYS: f64 = 3660.0;
    /// Replications.
    pub const MAX_REPLICATIONS: f64 = 1_000_000.0;
    /// Calls per hour of one call type.
    pub const MAX_PER_HOUR: f64 = 1_000_000.0;
    /// Calls per day of one call type.
    pub const MAX_PER_DAY: f64 = 10_000_000.0;
    /// Mean of a duration, seconds (about 115 days).
    pub const MAX_MEAN_S: f64 = 1e7;
    /// Coefficient of variation.
    pub const MAX_CV: f64 = 20.0;
    /// Agents in one group in one interval.
    pub const MAX_AGENTS: f64 = 1_000_000.0;
    /// Expected random failures of one outage in one replication.
    pub const MAX_OUTAGES_PER_REPLICATION: f64 = 100_000.0;
    /// Expected calls in one replication, all call types together.
    pub const MAX_CALLS_PER_REPLICATION: f64 = 2e9;
}

/// Parses TOML text into the raw mirror.
///
/// # Errors
/// [`ScenarioError::Parse`] with line, column and field path.
pub fn parse(text: &str, file: &str) -> Result<RawScenario, ScenarioError> {
    let to_err = |span: Option<std::ops::Range<usize>>, path: String, message: String| {
        let (line, column) = span.map_or((1, 1), |s| line_col(text, s.start));
        ScenarioError::Parse {
            file: file.to_string(),
            line,
            column,
            path,
            message,
        }
    };
    let de = toml::Deserializer::parse(text)
        .map_err(|e| to_err(e.span(), String::new(), e.message().trim().to_string()))?;
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let path = if path == "." || path.is_empty() {
            String::new()
        } else {
            format!("{path}: ")
        };
        to_err(inner.span(), path, inner.message().trim().to_string())
    })
}

struct Validator<'a> {
    loc: Locator<'a>,
    issues: Vec<Issue>,
}

impl Validator<'_> {
    fn err(&mut self, path: &str, value: impl Display, message: impl Into<String>) {
        self.issues.push(Issue {
            line: self.loc.line(path),
            path: path.to_string(),
            value: value.to_string(),
            message: message.into(),
        });
    }

    /// A finite number in `[min, max]`.
    fn num(&mut self, path: &str, x: f64, min: f64, max: f64) -> Option<f64> {
        if !x.is_finite() {
            self.err(path, x, "must be a finite number");
            None
        } else if x < min || x > max {
            self.err(path, x, format!("must be between {min} and {max}"));
            None
        } else {
            Some(x)
        }
    }

    /// A finite number > 0 and <= max.
    fn positive(&mut self, path: &str, x: f64, max: f64) -> Option<f64> {
        if !x.is_finite() {
            self.err(path, x, "must be a finite number");
            None
        } else if x <= 0.0 {
            self.err(path, x, "must be > 0");
            None
        } else if x > max {
            self.err(path, x, format!("must be at most {max}"));
            None
        } else {
            Some(x)
        }
    }

    /// A probability in [0, 1].
    fn prob(&mut self, path: &str, x: f64) -> Option<f64> {
        if !x.is_finite() || !(0.0..=1.0).contains(&x) {
            self.err(path, x, "must be a probability between 0 and 1");
            None
        } else {
            Some(x)
        }
    }

    /// A whole number in `[min, max]`.
    fn whole(&mut self, path: &str, x: f64, min: f64, max: f64) -> Option<u32> {
        let v = self.num(path, x, min, max)?;
        if v.fract() != 0.0 {
            self.err(path, x, "must be a whole number");
            return None;
        }
        Some(v as u32)
    }

    fn clock(&mut self, path: &str, s: &str) -> Option<u32> {
        let c = parse_clock(s);
        if c.is_none() {
            self.err(
                path,
                format!("{s:?}"),
                "must be a clock time HH:MM from 00:00 to 24:00",
            );
        }
        c
    }

    fn date(&mut self, path: &str, d: &toml::value::Datetime) -> Option<Date> {
        match (&d.date, &d.time) {
            (Some(date), None) => {
                let r = Date::from_ymd(
                    i64::from(date.year),
                    u32::from(date.month),
                    u32::from(date.day),
                );
                if r.is_none() {
                    self.err(path, d, "is not a valid date");
                }
                r
            }
            _ => {
                self.err(path, d, "must be a date like 2025-01-06, without a time");
                None
            }
        }
    }

    /// Resolves a per-weekday value into one optional value per weekday,
    /// each with the path it came from.
    fn per_weekday<'v, T>(
        &mut self,
        path: &str,
        v: &'v PerWeekday<T>,
    ) -> [Option<(String, &'v T)>; 7] {
        let mut out: [Option<(String, &'v T)>; 7] = Default::default();
        match v {
            PerWeekday::All(x) => {
                for d in out.iter_mut() {
                    *d = Some((path.to_string(), x));
                }
            }
            PerWeekday::ByDay(map) => {
                for (key, x) in map {
                    let sub = format!("{path}.{key}");
                    let Some(mask) = parse_weekday_set(key) else {
                        self.err(
                            &sub,
                            "",
                            format!("`{key}` is not a weekday selector (mon..sun, ranges like mon-fri, lists like sat,sun, or all)"),
                        );
                        continue;
                    };
                    for (d, on) in mask.iter().enumerate() {
                        if !on {
                            continue;
                        }
                        if out[d].is_some() {
                            self.err(
                                &sub,
                                "",
                                format!(
                                    "weekday {} is given twice",
                                    crate::calendar::Weekday::from_index(d)
                                ),
                            );
                        }
                        out[d] = Some((sub.clone(), x));
                    }
                }
            }
        }
        out
    }
}

/// Validates a parsed scenario. `text` is the file's text (for line numbers).
///
/// # Errors
/// [`ScenarioError::Invalid`] listing every problem.
pub fn validate(
    raw: &RawScenario,
    text: &str,
    file: &str,
    default_name: &str,
) -> Result<Scenario, ScenarioError> {
    let mut v = Validator {
        loc: Locator::new(text),
        issues: Vec::new(),
    };
    let horizon = validate_horizon(&mut v, raw);
    let run = validate_run(&mut v, raw);
    let ipd = horizon.as_ref().map_or(48, Horizon::intervals_per_day);
    let interval_s = horizon.as_ref().map_or(1800, |h| h.interval_s);

    if raw.services.is_empty() {
        v.err("service", "", "at least one [[service]] is required");
    }
    if raw.call_types.is_empty() {
        v.err("call_type", "", "at least one [[call_type]] is required");
    }
    if raw.agent_groups.is_empty() {
        v.err(
            "agent_group",
            "",
            "at least one [[agent_group]] is required",
        );
    }
    check_unique(
        &mut v,
        "service",
        raw.services.iter().map(|s| s.name.as_str()),
    );
    check_unique(
        &mut v,
        "call_type",
        raw.call_types.iter().map(|s| s.name.as_str()),
    );
    check_unique(
        &mut v,
        "agent_group",
        raw.agent_groups.iter().map(|s| s.name.as_str()),
    );

    let services: Vec<Service> = raw
        .services
        .iter()
        .enumerate()
        .filter_map(|(i, s)| validate_service(&mut v, i, s))
        .collect();

    let mut call_types = Vec::new();
    for (i, ct) in raw.call_types.iter().enumerate() {
        if let Some(c) = validate_call_type(&mut v, i, ct, raw, &services, ipd, interval_s) {
            call_types.push(c);
        }
    }

    let mut groups = Vec::new();
    for (i, g) in raw.agent_groups.iter().enumerate() {
        let path = format!("agent_group[{i}]");
        let mut skills = Vec::new();
        for (k, s) in g.skills.iter().enumerate() {
            match raw.call_types.iter().position(|c| &c.name == s) {
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
        let staffing = group_staffing(&mut v, &path, g, ipd, interval_s);
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
                Some(name) => match raw.call_types.iter().position(|c| &c.name == name) {
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
            if let (Some(ct), Some(effect)) = (ct, handling_effect(&mut v, &ep, e)) {
                handling_effects.push((ct, effect));
            }
        }
        groups.push(AgentGroup {
            name: g.name.clone(),
            skills,
            staffing,
            shrinkage,
            handling_factor,
            calls_first,
            blend_reserve,
            handling_effects,
        });
    }
    for (i, ct) in raw.call_types.iter().enumerate() {
        if !raw.agent_groups.iter().any(|g| g.skills.contains(&ct.name))
            && !raw.agent_groups.is_empty()
        {
            v.err(&format!("call_type[{i}].name"), format!("{:?}", ct.name), "no agent_group has this call type in its skills: its calls could never be answered");
        }
    }

    let mut windows = Vec::new();
    for (i, w) in raw.windows.iter().enumerate() {
        let wp = format!("window[{i}]");
        let days = parse_weekday_set(&w.days);
        if days.is_none() {
            v.err(
                &format!("{wp}.days"),
                format!("{:?}", w.days),
                "is not a weekday selector (mon..sun, mon-fri, sat,sun, all)",
            );
        }
        let hours = parse_hours(&w.hours)
            .filter(|h| h.len() == 1 && h[0].0 % interval_s == 0 && h[0].1 % interval_s == 0);
        if hours.is_none() {
            v.err(
                &format!("{wp}.hours"),
                format!("{:?}", w.hours),
                format!(
                    "must be one range HH:MM-HH:MM on {}-minute interval boundaries",
                    interval_s / 60
                ),
            );
        }
        if let (Some(days), Some(h)) = (days, hours) {
            windows.push(super::Window {
                name: w.name.clone(),
                days,
                first_interval: (h[0].0 / interval_s) as usize,
                end_interval: (h[0].1 / interval_s) as usize,
            });
        }
    }
    let routing = validate_routing(&mut v, raw.routing.as_ref());
    check_unique(
        &mut v,
        "outage",
        raw.outages.iter().map(|o| o.name.as_str()),
    );
    let outages: Vec<Outage> = raw
        .outages
        .iter()
        .enumerate()
        .filter_map(|(i, o)| validate_outage(&mut v, i, o, raw, horizon.as_ref()))
        .collect();
    if let (Some(h), true) = (&horizon, v.issues.is_empty()) {
        let per_day: f64 = call_types
            .iter()
            .map(|c| {
                c.rate_per_s
                    .iter()
                    .map(|d| d.iter().sum::<f64>() * f64::from(interval_s))
                    .sum::<f64>()
                    / 7.0
            })
            .sum();
        let total = per_day * f64::from(h.days);
        if total > limits::MAX_CALLS_PER_REPLICATION {
            v.err("horizon.days", h.days, format!("about {total:.3e} calls per replication: more than the {:.0e} that ccsim accepts", limits::MAX_CALLS_PER_REPLICATION));
        }
    }

    if !v.issues.is_empty() {
        // A value shared by several weekdays is checked once per weekday:
        // report it once.
        let mut seen = HashSet::new();
        v.issues
            .retain(|i| seen.insert((i.path.clone(), i.message.clone())));
        v.issues.sort_by_key(|i| i.line.unwrap_or(usize::MAX));
        return Err(ScenarioError::Invalid {
            file: file.to_string(),
            issues: v.issues,
        });
    }
    let (Some(horizon), Some(run)) = (horizon, run) else {
        unreachable!("horizon and run are valid when no issue was found")
    };
    Ok(Scenario {
        name: raw.name.clone().unwrap_or_else(|| default_name.to_string()),
        description: raw.description.clone(),
        horizon,
        run,
        services,
        call_types,
        groups,
        windows,
        routing,
        outages,
    })
}

fn validate_routing(v: &mut Validator<'_>, r: Option<&RawRouting>) -> Routing {
    let Some(r) = r else {
        return Routing::default();
    };
    let agent_selection = match r.agent_selection.as_deref() {
        None | Some("specialists_first") => AgentSelection::SpecialistsFirst,
        Some("least_busy") => AgentSelection::LeastBusy,
        Some(other) => {
            v.err(
                "routing.agent_selection",
                format!("{other:?}"),
                "must be \"specialists_first\" or \"least_busy\"",
            );
            AgentSelection::SpecialistsFirst
        }
    };
    let call_selection = match r.call_selection.as_deref() {
        None | Some("priority") => CallSelection::Priority,
        Some("longest_waiting") => CallSelection::LongestWaiting,
        Some(other) => {
            v.err(
                "routing.call_selection",
                format!("{other:?}"),
                "must be \"priority\" or \"longest_waiting\"",
            );
            CallSelection::Priority
        }
    };
    Routing {
        agent_selection,
        call_selection,
    }
}

fn validate_outage(
    v: &mut Validator<'_>,
    i: usize,
    o: &RawOutage,
    raw: &RawScenario,
    horizon: Option<&Horizon>,
) -> Option<Outage> {
    let path = format!("outage[{i}]");
    let service = raw.services.iter().position(|s| s.name == o.service);
    if service.is_none() {
        v.err(
            &format!("{path}.service"),
            format!("{:?}", o.service),
            format!(
                "is not a service name (known: {})",
                names(raw.services.iter().map(|s| &s.name))
            ),
        );
    }
    let mut call_types = Vec::new();
    match &o.call_types {
        None => {
            call_types = (0..raw.call_types.len())
                .filter(|&c| raw.call_types[c].service == o.service)
                .collect();
        }
        Some(list) => {
            for (k, name) in list.iter().enumerate() {
                let cp = format!("{path}.call_types[{k}]");
                match raw.call_types.iter().position(|c| &c.name == name) {
                    Some(c) if raw.call_types[c].service != o.service => v.err(
                        &cp,
                        format!("{name:?}"),
                        format!(
                            "belongs to service {:?}, not to the outage's service",
                            raw.call_types[c].service
                        ),
                    ),
                    Some(c) if call_types.contains(&c) => {
                        v.err(&cp, format!("{name:?}"), "is listed twice")
                    }
                    Some(c) => call_types.push(c),
                    None => v.err(
                        &cp,
                        format!("{name:?}"),
                        format!(
                            "is not a call_type name (known: {})",
                            names(raw.call_types.iter().map(|c| &c.name))
                        ),
                    ),
                }
            }
            if list.is_empty() {
                v.err(
                    &format!("{path}.call_types"),
                    "[]",
                    "an outage must affect at least one call type (omit the field for all of the service's)",
                );
            }
        }
    }
    let effect = match o.effect.as_deref() {
        None | Some("no_answer") => OutageEffect::NoAnswer,
        Some("no_completion") => OutageEffect::NoCompletion,
        Some(other) => {
            v.err(
                &format!("{path}.effect"),
                format!("{other:?}"),
                "must be \"no_answer\" or \"no_completion\"",
            );
            OutageEffect::NoAnswer
        }
    };
    let random = match (o.mtbf_hours, o.mttr_minutes) {
        (None, None) => None,
        (Some(b), Some(r)) => {
            let b = v.positive(&format!("{path}.mtbf_hours"), b, 1e6);
            let r = v.positive(&format!("{path}.mttr_minutes"), r, 1e6);
            if let (Some(b), Some(h)) = (b, horizon) {
                let failures = f64::from(h.days) * 24.0 / b;
                if failures > limits::MAX_OUTAGES_PER_REPLICATION {
                    v.err(
                        &format!("{path}.mtbf_hours"),
                        b,
                        format!(
                            "about {failures:.0} failures per replication: more than the {:.0} that ccsim accepts",
                            limits::MAX_OUTAGES_PER_REPLICATION
                        ),
                    );
                }
            }
            Some((b? * 3600.0, r? * 60.0))
        }
        (Some(b), None) => {
            v.err(
                &format!("{path}.mtbf_hours"),
                b,
                "random failures need both mtbf_hours and mttr_minutes",
            );
            None
        }
        (None, Some(r)) => {
            v.err(
                &format!("{path}.mttr_minutes"),
                r,
                "random failures need both mtbf_hours and mttr_minutes",
            );
            None
        }
    };
    let mut scheduled = Vec::new();
    for (k, s) in o.scheduled.iter().flatten().enumerate() {
        let sp = format!("{path}.scheduled[{k}]");
        let date = v.date(&format!("{sp}.date"), &s.date);
        let hours = parse_hours(&s.hours).filter(|h| h.len() == 1);
        if hours.is_none() {
            v.err(
                &format!("{sp}.hours"),
                format!("{:?}", s.hours),
                "must be one range HH:MM-HH:MM",
            );
        }
        if let (Some(d), Some(h)) = (date, horizon)
            && (d < h.start || d > h.date(h.days as usize - 1))
        {
            v.err(
                &format!("{sp}.date"),
                d,
                format!(
                    "is outside the horizon ({} to {})",
                    h.start,
                    h.date(h.days as usize - 1)
                ),
            );
        }
        if let (Some(d), Some(h)) = (date, hours) {
            scheduled.push((d, h[0].0, h[0].1));
        }
    }
    if random.is_none()
        && o.scheduled.as_ref().is_none_or(Vec::is_empty)
        && o.mtbf_hours.is_none()
        && o.mttr_minutes.is_none()
    {
        v.err(
            &format!("{path}.name"),
            format!("{:?}", o.name),
            "an outage needs mtbf_hours and mttr_minutes (random failures), scheduled outages, or both",
        );
    }
    Some(Outage {
        name: o.name.clone(),
        service: service?,
        call_types,
        effect,
        random,
        scheduled,
    })
}

fn names<'a>(it: impl Iterator<Item = &'a String>) -> String {
    let v: Vec<String> = it.map(|s| format!("{s:?}")).collect();
    if v.is_empty() {
        "none".into()
    } else {
        v.join(", ")
    }
}

fn check_unique<'a>(v: &mut Validator<'_>, what: &str, it: impl Iterator<Item = &'a str>) {
    let mut seen = HashSet::new();
    for (i, name) in it.enumerate() {
        if name.trim().is_empty() {
            v.err(
                &format!("{what}[{i}].name"),
                format!("{name:?}"),
                "must not be empty",
            );
        } else if !seen.insert(name) {
            v.err(
                &format!("{what}[{i}].name"),
                format!("{name:?}"),
                format!("another {what} has the same name"),
            );
        }
    }
}

fn validate_horizon(v: &mut Validator<'_>, raw: &RawScenario) -> Option<Horizon> {
    let h = &raw.horizon;
    let start = v.date("horizon.start", &h.start);
    let days = match (h.days, &h.end) {
        (Some(_), Some(_)) => {
            v.err("horizon.end", "", "give either `days` or `end`, not both");
            None
        }
        (Some(d), None) => v.whole("horizon.days", d, 1.0, limits::MAX_DAYS),
        (None, Some(e)) => {
            let end = v.date("horizon.end", e);
            match (start, end) {
                (Some(s), Some(e)) if e >= s && e.days_since(s) < limits::MAX_DAYS as i64 => {
                    Some(e.days_since(s) as u32 + 1)
                }
                (Some(s), Some(e)) if e < s => {
                    v.err("horizon.end", e, format!("is before horizon.start {s}"));
                    None
                }
                (Some(_), Some(e)) => {
                    v.err(
                        "horizon.end",
                        e,
                        format!("the horizon may have at most {} days", limits::MAX_DAYS),
                    );
                    None
                }
                _ => None,
            }
        }
        (None, None) => Some(1),
    };
    let minutes = h.interval_minutes.unwrap_or(30.0);
    let interval = v
        .whole("horizon.interval_minutes", minutes, 1.0, 1440.0)
        .and_then(|m| {
            if 1440 % m != 0 {
                v.err(
                    "horizon.interval_minutes",
                    minutes,
                    "must divide a day (1440 minutes): e.g. 15, 30 or 60",
                );
                None
            } else {
                Some(m * 60)
            }
        });
    let mut holidays = Vec::new();
    for (i, d) in h.holidays.iter().flatten().enumerate() {
        if let Some(d) = v.date(&format!("horizon.holidays[{i}]"), d) {
            holidays.push(d);
        }
    }
    Some(Horizon {
        start: start?,
        days: days?,
        interval_s: interval?,
        holidays,
    })
}

fn validate_run(v: &mut Validator<'_>, raw: &RawScenario) -> Option<RunSettings> {
    let r = &raw.run;
    let replications = v.whole(
        "run.replications",
        r.replications.unwrap_or(100.0),
        1.0,
        limits::MAX_REPLICATIONS,
    );
    let seed = match r.seed {
        None => Some(1),
        Some(s)
            if s.is_finite() && s >= 0.0 && s.fract() == 0.0 && s <= 9.007_199_254_740_992e15 =>
        {
            Some(s as u64)
        }
        Some(s) => {
            v.err("run.seed", s, "must be a whole number from 0 to 2^53");
            None
        }
    };
    let warmup = v.num(
        "run.warmup_minutes",
        r.warmup_minutes.unwrap_or(0.0),
        0.0,
        limits::MAX_DAYS * 1440.0,
    );
    Some(RunSettings {
        replications: replications?,
        seed: seed?,
        warmup_s: warmup? * 60.0,
    })
}

fn validate_service(v: &mut Validator<'_>, i: usize, s: &RawService) -> Option<Service> {
    let path = format!("service[{i}]");
    let open = match &s.open {
        None => std::array::from_fn(|_| vec![(0, 86_400)]),
        Some(o) => week_hours(v, &format!("{path}.open"), o),
    };
    let mut open_changes: Vec<(Date, super::WeekHours)> = Vec::new();
    for (i, c) in s.open_changes.iter().flatten().enumerate() {
        let cp = format!("{path}.open_changes[{i}]");
        let from = v.date(&format!("{cp}.from"), &c.from);
        let hours = week_hours(v, &format!("{cp}.open"), &c.open);
        if let Some(from) = from {
            if open_changes.last().is_some_and(|(d, _)| *d >= from) {
                v.err(
                    &format!("{cp}.from"),
                    from,
                    "open_changes must be in increasing date order",
                );
            }
            open_changes.push((from, hours));
        }
    }
    let at_close = match s.at_close.as_deref() {
        None | Some("serve") => AtClose::Serve,
        Some("drop") => AtClose::Drop,
        Some(other) => {
            v.err(
                &format!("{path}.at_close"),
                format!("{other:?}"),
                "must be \"serve\" or \"drop\"",
            );
            AtClose::Serve
        }
    };
    let t = &s.targets;
    let tp = format!("{path}.targets");
    let targets = Targets {
        answered_within_s: v
            .num(
                &format!("{tp}.answered_within_s"),
                t.answered_within_s.unwrap_or(20.0),
                0.0,
                86_400.0,
            )
            .unwrap_or(20.0),
        service_level: t
            .service_level
            .and_then(|x| v.prob(&format!("{tp}.service_level"), x)),
        max_abandon_rate: t
            .max_abandon_rate
            .and_then(|x| v.prob(&format!("{tp}.max_abandon_rate"), x)),
        handled_within_s: t
            .handled_within_s
            .and_then(|x| v.positive(&format!("{tp}.handled_within_s"), x, limits::MAX_MEAN_S)),
        handled_within_share: t
            .handled_within_share
            .and_then(|x| v.prob(&format!("{tp}.handled_within_share"), x)),
        first_contact_resolution: t
            .first_contact_resolution
            .and_then(|x| v.prob(&format!("{tp}.first_contact_resolution"), x)),
        continuity: t
            .continuity
            .and_then(|x| v.prob(&format!("{tp}.continuity"), x)),
        second_level_resolution: t
            .second_level_resolution
            .and_then(|x| v.prob(&format!("{tp}.second_level_resolution"), x)),
    };
    if targets.handled_within_share.is_some() && t.handled_within_s.is_none() {
        v.err(
            &format!("{tp}.handled_within_share"),
            t.handled_within_share.unwrap_or_default(),
            "needs handled_within_s, the handling-time limit",
        );
    }
    Some(Service {
        name: s.name.clone(),
        open,
        open_changes,
        at_close,
        targets,
    })
}

/// Opening hours per weekday from a `PerWeekday<String>`; unlisted days closed.
fn week_hours(v: &mut Validator<'_>, path: &str, o: &PerWeekday<String>) -> [Vec<(u32, u32)>; 7] {
    let mut open: [Vec<(u32, u32)>; 7] = Default::default();
    for (d, entry) in v.per_weekday(path, o).into_iter().enumerate() {
        if let Some((p, hours)) = entry {
            match parse_hours(hours) {
                Some(r) => open[d] = r,
                None => v.err(&p, format!("{hours:?}"), "must be opening hours like \"08:00-18:00\" (start before end, within 00:00-24:00), several ranges separated by commas, or \"closed\""),
            }
        }
    }
    open
}

fn validate_call_type(
    v: &mut Validator<'_>,
    i: usize,
    ct: &RawCallType,
    raw: &RawScenario,
    services: &[Service],
    ipd: usize,
    interval_s: u32,
) -> Option<CallType> {
    let path = format!("call_type[{i}]");
    let service = raw.services.iter().position(|s| s.name == ct.service);
    if service.is_none() {
        v.err(
            &format!("{path}.service"),
            format!("{:?}", ct.service),
            format!(
                "is not a service name (known: {})",
                names(raw.services.iter().map(|s| &s.name))
            ),
        );
    }
    let open = service.and_then(|s| services.get(s)).map(|s| &s.open);
    let rate = match &ct.arrivals {
        Some(a) => validate_arrivals(v, &format!("{path}.arrivals"), a, open, ipd, interval_s),
        None => Some(std::array::from_fn(|_| vec![0.0; ipd])),
    };
    let process = match ct.arrivals.as_ref().and_then(|a| a.process.as_deref()) {
        None | Some("poisson") => ArrivalProcess::Poisson,
        Some("deterministic") => ArrivalProcess::Deterministic,
        Some(other) => {
            v.err(
                &format!("{path}.arrivals.process"),
                format!("{other:?}"),
                "must be \"poisson\" or \"deterministic\"",
            );
            ArrivalProcess::Poisson
        }
    };
    let handling = validate_dist(v, &format!("{path}.handling"), &ct.handling);
    let patience = match &ct.patience {
        None => Some(None),
        Some(p) => validate_dist(v, &format!("{path}.patience"), p).map(Some),
    };
    let priority = ct.priority.map_or(Some(0.0), |p| {
        v.num(&format!("{path}.priority"), p, -1000.0, 1000.0)
    });
    if let Some(p) = ct.priority.filter(|p| p.is_finite() && p.fract() != 0.0) {
        v.err(&format!("{path}.priority"), p, "must be a whole number");
    }
    let mut volume_factors = Vec::new();
    for (i, f) in ct.volume_factors.iter().flatten().enumerate() {
        let fp = format!("{path}.volume_factors[{i}]");
        let from = v.date(&format!("{fp}.from"), &f.from);
        let to = f.to.as_ref().map(|t| v.date(&format!("{fp}.to"), t));
        let factor = v.num(&format!("{fp}.factor"), f.factor, 0.0, 1000.0);
        if let (Some(from), Some(Some(to))) = (from, to)
            && to < from
        {
            v.err(&format!("{fp}.to"), to, format!("is before `from` {from}"));
        }
        if let (Some(from), Some(factor)) = (from, factor) {
            volume_factors.push(VolumeFactor {
                from,
                to: to.flatten(),
                factor,
            });
        }
    }
    let day_cv = v.num(
        &format!("{path}.day_cv"),
        ct.day_cv.unwrap_or(0.0),
        0.0,
        limits::MAX_CV,
    );
    let closed_hours = ct.closed_hours.as_ref().map(|c| {
        let cp = format!("{path}.closed_hours");
        let share = v.prob(&format!("{cp}.retry_share"), c.retry_share);
        let delay = c
            .delay
            .as_ref()
            .map(|d| validate_dist(v, &format!("{cp}.delay"), d));
        ClosedHours {
            retry_share: share.unwrap_or(0.0),
            delay: delay.flatten(),
        }
    });
    let redial = ct.redial.as_ref().and_then(|r| {
        let rp = format!("{path}.redial");
        let p = v.prob(&format!("{rp}.probability"), r.probability);
        let delay = validate_dist(v, &format!("{rp}.delay"), &r.delay);
        let max = v.whole(
            &format!("{rp}.max_attempts"),
            r.max_attempts.unwrap_or(10.0),
            1.0,
            100.0,
        );
        Some(Redial {
            probability: p?,
            delay: delay?,
            max_attempts: max?,
        })
    });
    let mut handling_effects = Vec::new();
    for (i, e) in ct.handling_effects.iter().flatten().enumerate() {
        let ep = format!("{path}.handling_effects[{i}]");
        if let Some(name) = &e.call_type {
            v.err(
                &format!("{ep}.call_type"),
                format!("{name:?}"),
                "is only for agent_group.handling_effects (here the effect is the call type's own)",
            );
        }
        handling_effects.extend(handling_effect(v, &ep, e));
    }
    let wrap_up = match &ct.wrap_up {
        None => Some(None),
        Some(w) => validate_dist(v, &format!("{path}.wrap_up"), w).map(Some),
    };
    let fcr = v.prob(
        &format!("{path}.first_contact_resolution"),
        ct.first_contact_resolution.unwrap_or(1.0),
    );
    let channel = match ct.channel.as_deref() {
        None | Some("voice") => super::Channel::Voice,
        Some("email") => super::Channel::Email,
        Some("case") => super::Channel::Case,
        Some("outbound") => super::Channel::Outbound,
        Some(other) => {
            v.err(
                &format!("{path}.channel"),
                format!("{other:?}"),
                "must be \"voice\", \"email\", \"case\" or \"outbound\"",
            );
            super::Channel::Voice
        }
    };
    if channel.is_deferred() && ct.patience.is_some() {
        v.err(
            &format!("{path}.patience"),
            "",
            "deferred items (channel other than voice) do not abandon: remove patience",
        );
    }
    let escalate_to = ct.escalate_to.as_ref().and_then(|name| {
        let idx = raw.call_types.iter().position(|c| &c.name == name);
        if idx.is_none() {
            v.err(
                &format!("{path}.escalate_to"),
                format!("{name:?}"),
                "is not a call_type name",
            );
        }
        if idx == raw.call_types.iter().position(|c| c.name == ct.name) {
            v.err(
                &format!("{path}.escalate_to"),
                format!("{name:?}"),
                "a call type cannot escalate to itself",
            );
            return None;
        }
        idx
    });
    let target = ct.target.as_ref().and_then(|t| {
        let tp = format!("{path}.target");
        let h = v.positive(
            &format!("{tp}.within_working_hours"),
            t.within_working_hours,
            10_000.0,
        );
        let share = v.prob(&format!("{tp}.share"), t.share.unwrap_or(1.0));
        Some(super::WorkTarget {
            within_working_s: h? * 3600.0,
            share: share?,
        })
    });
    let mut packs = Vec::new();
    for (i, p) in ct.packs.iter().flatten().enumerate() {
        let pp = format!("{path}.packs[{i}]");
        let at = v.clock(&format!("{pp}.at"), &p.at).filter(|&c| c < 86_400);
        let days = parse_weekday_set(p.days.as_deref().unwrap_or("mon-fri"));
        if days.is_none() {
            v.err(
                &format!("{pp}.days"),
                format!("{:?}", p.days.as_deref().unwrap_or("")),
                "is not a weekday selector",
            );
        }
        let size = v.whole(&format!("{pp}.size"), p.size, 1.0, 1_000_000.0);
        if let (Some(at), Some(days), Some(size)) = (at, days, size) {
            packs.push(super::Pack { at, days, size });
        }
    }
    let ivr = ct.ivr.as_ref().map(|i| {
        let ip = format!("{path}.ivr");
        let share = v
            .prob(
                &format!("{ip}.self_service_share"),
                i.self_service_share.unwrap_or(0.0),
            )
            .unwrap_or(0.0);
        let duration = i
            .duration
            .as_ref()
            .and_then(|d| validate_dist(v, &format!("{ip}.duration"), d));
        super::Ivr {
            self_service_share: share,
            duration,
        }
    });
    Some(CallType {
        name: ct.name.clone(),
        ivr,
        channel,
        escalate_to,
        target,
        packs,
        service: service?,
        rate_per_s: rate?,
        process,
        handling: handling?,
        patience: patience?,
        priority: priority? as i32,
        volume_factors,
        day_cv: day_cv?,
        closed_hours,
        redial,
        handling_effects,
        wrap_up: wrap_up?,
        first_contact_resolution: fcr?,
    })
}

/// A handling-time effect over dates, with its optional learning curve.
fn handling_effect(
    v: &mut Validator<'_>,
    ep: &str,
    e: &RawHandlingEffect,
) -> Option<HandlingEffect> {
    let from = v.date(&format!("{ep}.from"), &e.from);
    let to = e.to.as_ref().map(|t| v.date(&format!("{ep}.to"), t));
    let factor = v.positive(&format!("{ep}.factor"), e.factor, 100.0);
    let training = e
        .training
        .as_ref()
        .map(|t| v.date(&format!("{ep}.training"), t));
    let half = v.positive(
        &format!("{ep}.half_life_days"),
        e.half_life_days.unwrap_or(14.0),
        10_000.0,
    );
    let floor = v.positive(&format!("{ep}.floor"), e.floor.unwrap_or(1.0), 100.0);
    Some(HandlingEffect {
        from: from?,
        to: to.flatten(),
        factor: factor?,
        training: training.flatten(),
        half_life_days: half?,
        floor: floor?,
    })
}

/// Interval index of a `from` clock time; must fall on an interval boundary.
fn from_index(
    v: &mut Validator<'_>,
    path: &str,
    from: Option<&str>,
    interval_s: u32,
) -> Option<usize> {
    let Some(s) = from else { return Some(0) };
    let c = v.clock(path, s)?;
    if c % interval_s != 0 || c >= 86_400 {
        v.err(
            path,
            format!("{s:?}"),
            format!(
                "must be the start of an interval ({} minutes long) before 24:00",
                interval_s / 60
            ),
        );
        return None;
    }
    Some((c / interval_s) as usize)
}

/// Values per interval of a day from a number (all intervals) or a list starting at `first`.
fn per_interval(
    v: &mut Validator<'_>,
    path: &str,
    x: &NumOrList,
    first: usize,
    ipd: usize,
    check: &mut dyn FnMut(&mut Validator<'_>, &str, f64) -> Option<f64>,
) -> Option<Vec<f64>> {
    match x {
        NumOrList::Num(n) => check(v, path, *n).map(|n| vec![n; ipd]),
        NumOrList::List(list) => {
            if first + list.len() > ipd {
                v.err(path, format!("[{} values]", list.len()), format!("{} values from interval {first} run past the end of the day ({ipd} intervals)", list.len()));
                return None;
            }
            let mut out = vec![0.0; ipd];
            let mut ok = true;
            for (k, &val) in list.iter().enumerate() {
                match check(v, &format!("{path}[{k}]"), val) {
                    Some(val) => out[first + k] = val,
                    None => ok = false,
                }
            }
            ok.then_some(out)
        }
    }
}

fn open_seconds(open: &[(u32, u32)], a: u32, b: u32) -> u32 {
    open.iter()
        .map(|&(s, e)| e.min(b).saturating_sub(s.max(a)))
        .sum()
}

fn validate_arrivals(
    v: &mut Validator<'_>,
    path: &str,
    a: &RawArrivals,
    open: Option<&[Vec<(u32, u32)>; 7]>,
    ipd: usize,
    interval_s: u32,
) -> Option<[Vec<f64>; 7]> {
    let mut rates: [Vec<f64>; 7] = Default::default();
    rates.iter_mut().for_each(|d| *d = vec![0.0; ipd]);
    let first = from_index(v, &format!("{path}.from"), a.from.as_deref(), interval_s);
    match (&a.per_hour, &a.per_day) {
        (Some(_), Some(_)) => {
            v.err(
                &format!("{path}.per_day"),
                "",
                "give either per_hour or per_day, not both",
            );
            None
        }
        (None, None) => {
            v.err(
                path,
                "",
                "needs per_hour (calls per hour) or per_day (calls per day with a profile)",
            );
            None
        }
        (Some(ph), None) => {
            if a.profile.is_some() {
                v.err(
                    &format!("{path}.profile"),
                    "",
                    "a profile goes with per_day, not per_hour",
                );
            }
            let first = first?;
            let mut ok = true;
            for (d, entry) in v
                .per_weekday(&format!("{path}.per_hour"), ph)
                .into_iter()
                .enumerate()
            {
                let Some((p, x)) = entry else { continue };
                let mut check = |v: &mut Validator<'_>, p: &str, x: f64| {
                    v.num(p, x, 0.0, limits::MAX_PER_HOUR).map(|x| x / 3600.0)
                };
                match per_interval(v, &p, x, first, ipd, &mut check) {
                    Some(r) => rates[d] = r,
                    None => ok = false,
                }
            }
            ok.then_some(rates)
        }
        (None, Some(pd)) => {
            let mut ok = true;
            let volumes = v.per_weekday(&format!("{path}.per_day"), pd);
            let profiles = a
                .profile
                .as_ref()
                .map(|p| v.per_weekday(&format!("{path}.profile"), p));
            let explicit_days = matches!(pd, PerWeekday::ByDay(_));
            for d in 0..7 {
                let Some((p, vol)) = &volumes[d] else {
                    continue;
                };
                let vol = **vol;
                let Some(vol) = v.num(p, vol, 0.0, limits::MAX_PER_DAY) else {
                    ok = false;
                    continue;
                };
                if vol == 0.0 {
                    continue;
                }
                let day_open = open.map(|o| o[d].as_slice()).unwrap_or(&[]);
                match profiles.as_ref() {
                    Some(profiles) => {
                        let Some((pp, weights)) = &profiles[d] else {
                            v.err(
                                &format!("{path}.profile"),
                                "",
                                format!(
                                    "no profile for {} although per_day gives it calls",
                                    crate::calendar::Weekday::from_index(d)
                                ),
                            );
                            ok = false;
                            continue;
                        };
                        let Some(first) = first else {
                            ok = false;
                            continue;
                        };
                        let list = NumOrList::List((*weights).clone());
                        let mut check =
                            |v: &mut Validator<'_>, p: &str, x: f64| v.num(p, x, 0.0, 1e12);
                        let Some(w) = per_interval(v, pp, &list, first, ipd, &mut check) else {
                            ok = false;
                            continue;
                        };
                        let total: f64 = w.iter().sum();
                        if total <= 0.0 {
                            v.err(pp, "", "the profile's weights must not all be zero");
                            ok = false;
                            continue;
                        }
                        for (k, wk) in w.iter().enumerate() {
                            rates[d][k] = vol * wk / total / f64::from(interval_s);
                        }
                    }
                    None => {
                        let total_open: u32 = day_open.iter().map(|&(s, e)| e - s).sum();
                        if total_open == 0 {
                            if explicit_days && open.is_some() {
                                v.err(p, vol, format!("the service is closed on {}: calls per day need opening hours or a profile", crate::calendar::Weekday::from_index(d)));
                                ok = false;
                            }
                            continue;
                        }
                        for (k, r) in rates[d].iter_mut().enumerate() {
                            let a0 = k as u32 * interval_s;
                            if open_seconds(day_open, a0, a0 + interval_s) > 0 {
                                *r = vol / f64::from(total_open);
                            }
                        }
                    }
                }
            }
            ok.then_some(rates)
        }
    }
}

fn validate_dist(v: &mut Validator<'_>, path: &str, d: &RawDist) -> Option<DurationDist> {
    let mean = v.positive(&format!("{path}.mean_s"), d.mean_s, limits::MAX_MEAN_S);
    let cv_path = format!("{path}.cv");
    let shape_path = format!("{path}.shape");
    let no = |v: &mut Validator<'_>, what: &str, p: &str, x: Option<f64>| {
        if let Some(x) = x {
            v.err(
                p,
                x,
                format!("is not a parameter of the {} distribution", what),
            );
        }
    };
    let cv = |v: &mut Validator<'_>| match d.cv {
        None => {
            v.err(
                &cv_path,
                "",
                format!("dist = {:?} needs cv, the coefficient of variation", d.dist),
            );
            None
        }
        Some(c) if c.is_finite() && c == 0.0 => {
            v.err(
                &cv_path,
                c,
                "must be > 0 (for a constant time use dist = \"deterministic\")",
            );
            None
        }
        Some(c) => v.positive(&cv_path, c, limits::MAX_CV),
    };
    match d.dist.as_str() {
        "exponential" => {
            no(v, "exponential", &cv_path, d.cv);
            no(v, "exponential", &shape_path, d.shape);
            Some(DurationDist::Exponential { mean: mean? })
        }
        "lognormal" => {
            no(v, "lognormal", &shape_path, d.shape);
            let cv = cv(v);
            Some(DurationDist::LogNormal {
                mean: mean?,
                cv: cv?,
            })
        }
        "gamma" => {
            no(v, "gamma", &shape_path, d.shape);
            let cv = cv(v);
            Some(DurationDist::Gamma {
                mean: mean?,
                cv: cv?,
            })
        }
        "weibull" => {
            no(v, "weibull", &cv_path, d.cv);
            let shape = match d.shape {
                None => {
                    v.err(&shape_path, "", "dist = \"weibull\" needs shape");
                    None
                }
                Some(k) => v.num(&shape_path, k, 0.05, 50.0),
            };
            Some(DurationDist::Weibull {
                mean: mean?,
                shape: shape?,
            })
        }
        "deterministic" | "constant" => {
            no(v, "deterministic", &cv_path, d.cv);
            no(v, "deterministic", &shape_path, d.shape);
            Some(DurationDist::Deterministic { value: mean? })
        }
        other => {
            v.err(&format!("{path}.dist"), format!("{other:?}"), "must be one of \"exponential\", \"lognormal\", \"gamma\", \"weibull\", \"deterministic\"");
            None
        }
    }
}

/// Scheduled agents per interval of each weekday: `agents` plus every shift.
fn group_staffing(
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
            for (d, on) in days.iter().enumerate() {
                if !on {
                    continue;
                }
                for (j, is_off) in off.iter().enumerate() {
                    if !is_off {
                        // A shift past midnight continues on the next weekday.
                        let k = start + j;
                        out[(d + k / ipd) % 7][k % ipd] += count;
                    }
                }
            }
        }
    }
    out
}

fn staffing_per_weekday(
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
