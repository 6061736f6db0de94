//! `[[service]]`: opening hours, changes of hours, targets.

use super::{Validator, limits};
use crate::calendar::{Date, parse_hours};
use crate::scenario::raw::{PerWeekday, RawService};
use crate::scenario::{AtClose, Service, Targets};

pub(super) fn validate_service(v: &mut Validator<'_>, i: usize, s: &RawService) -> Option<Service> {
    let path = format!("service[{i}]");
    let open = match &s.open {
        None => std::array::from_fn(|_| vec![(0, 86_400)]),
        Some(o) => week_hours(v, &format!("{path}.open"), o),
    };
    let mut open_changes: Vec<(Date, crate::scenario::WeekHours)> = Vec::new();
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
    let max_waiting = s
        .max_waiting
        .and_then(|m| v.whole(&format!("{path}.max_waiting"), m, 0.0, 1_000_000.0));
    Some(Service {
        name: s.name.clone(),
        open,
        open_changes,
        at_close,
        max_waiting,
        targets,
    })
}

/// Opening hours per weekday from a `PerWeekday<String>`; unlisted days closed.
pub(super) fn week_hours(
    v: &mut Validator<'_>,
    path: &str,
    o: &PerWeekday<String>,
) -> [Vec<(u32, u32)>; 7] {
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
