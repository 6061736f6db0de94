//! `[[call_type]]`: arrivals, durations, patience, redials, channels, packs.

use super::{Validator, from_index, limits, names, per_interval};
use crate::calendar::parse_weekday_set;
use crate::scenario::raw::{
    NumOrList, PerWeekday, RawArrivals, RawCallType, RawDist, RawHandlingEffect, RawScenario,
};
use crate::scenario::{
    ArrivalProcess, CallType, ClosedHours, DurationDist, HandlingEffect, Redial, Service,
    VolumeFactor,
};

pub(super) fn validate_call_type(
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
    let credit = ct.priority_credit_s.map_or(Some(0.0), |x| {
        v.num(&format!("{path}.priority_credit_s"), x, 0.0, 1e7)
    });
    if let Some(x) = ct.priority_credit_s.filter(|&x| x > 0.0)
        && raw
            .routing
            .as_ref()
            .and_then(|r| r.call_selection.as_deref())
            != Some("longest_waiting")
    {
        v.err(
            &format!("{path}.priority_credit_s"),
            x,
            "needs [routing] call_selection = \"longest_waiting\" (the call is ranked as if it had waited this much longer)",
        );
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
        None | Some("voice") => crate::scenario::Channel::Voice,
        Some("email") => crate::scenario::Channel::Email,
        Some("case") => crate::scenario::Channel::Case,
        Some("outbound") => crate::scenario::Channel::Outbound,
        Some(other) => {
            v.err(
                &format!("{path}.channel"),
                format!("{other:?}"),
                "must be \"voice\", \"email\", \"case\" or \"outbound\"",
            );
            crate::scenario::Channel::Voice
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
        Some(crate::scenario::WorkTarget {
            within_working_s: h? * 3600.0,
            share: share?,
        })
    });
    let mut packs = Vec::new();
    for (i, p) in ct.packs.iter().flatten().enumerate() {
        let pp = format!("{path}.packs[{i}]");
        let at_path = format!("{pp}.at");
        let at = v.clock(&at_path, &p.at).and_then(|c| {
            if c >= 86_400 {
                v.err(
                    &at_path,
                    format!("{:?}", p.at),
                    "must be a clock time before 24:00 (a pack released at midnight is at \"00:00\")",
                );
                None
            } else {
                Some(c)
            }
        });
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
            packs.push(crate::scenario::Pack { at, days, size });
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
        crate::scenario::Ivr {
            self_service_share: share,
            duration,
        }
    });
    let callback = ct.callback.as_ref().and_then(|c| {
        let cp = format!("{path}.callback");
        if channel.is_deferred() {
            v.err(
                &cp,
                "",
                "only voice calls wait in a queue: a deferred channel has no call back",
            );
        }
        let offer = v.positive(&format!("{cp}.offer_after_s"), c.offer_after_s, 86_400.0);
        let share = v.prob(&format!("{cp}.accept_share"), c.accept_share);
        let within = v.positive(&format!("{cp}.within_s"), c.within_s, 30.0 * 86_400.0);
        Some(crate::scenario::Callback {
            offer_after_s: offer?,
            accept_share: share?,
            within_s: within?,
        })
    });
    Some(CallType {
        name: ct.name.clone(),
        callback,
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
        priority_credit_s: credit?,
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
pub(super) fn handling_effect(
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

pub(super) fn open_seconds(open: &[(u32, u32)], a: u32, b: u32) -> u32 {
    open.iter()
        .map(|&(s, e)| e.min(b).saturating_sub(s.max(a)))
        .sum()
}

pub(super) fn validate_arrivals(
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

pub(super) fn validate_dist(
    v: &mut Validator<'_>,
    path: &str,
    d: &RawDist,
) -> Option<DurationDist> {
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
