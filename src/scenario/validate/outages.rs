//! `[[outage]]`, `[[window]]` and `[routing]`.

use super::{Validator, limits, names};
use crate::calendar::{parse_hours, parse_weekday_set};
use crate::scenario::raw::{RawOutage, RawRouting, RawScenario, RawWindow};
use crate::scenario::{
    AgentSelection, CallSelection, Horizon, Outage, OutageEffect, Routing, Window,
};

pub(super) fn validate_routing(v: &mut Validator<'_>, r: Option<&RawRouting>) -> Routing {
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

pub(super) fn validate_outage(
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

/// One `[[window]]`: weekdays and one range of whole intervals.
pub(super) fn validate_window(
    v: &mut Validator<'_>,
    i: usize,
    w: &RawWindow,
    interval_s: u32,
) -> Option<Window> {
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
    let (Some(days), Some(h)) = (days, hours) else {
        return None;
    };
    Some(Window {
        name: w.name.clone(),
        days,
        first_interval: (h[0].0 / interval_s) as usize,
        end_interval: (h[0].1 / interval_s) as usize,
    })
}
