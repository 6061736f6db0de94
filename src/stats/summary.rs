//! Reduction of replications to the documented [`Summary`]: KPIs with 95%
//! confidence intervals per service, call type and agent group; per interval
//! of each weekday (pooled over the horizon's days), per day and over the
//! horizon; and compliance with each service target.
//!
//! A replication's tallies are reduced to KPI values in the replication's own
//! task ([`SummaryBuilder::reduce`]); the values are then folded into Welford
//! accumulators in replication order ([`SummaryBuilder::push`]), so the
//! result is bit-identical whatever the number of threads.

use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

use super::cells::{CallCell, GroupCell, ServiceCell, Tallies};
use super::estimate::{Estimate, TQuantiles, Welford};
use super::kpi::{Kpi, compute};
use crate::calendar::{ClockTime, Weekday};
use crate::scenario::Scenario;

/// A service, call type or agent group: which call types and agent groups
/// its figures add up.
#[derive(Debug, Clone)]
struct Entity {
    call_types: Vec<usize>,
    groups: Vec<usize>,
    services: Vec<usize>,
}

/// KPI values of one replication, for every entity and bucket.
#[derive(Debug, Clone)]
pub struct ReducedReplication {
    values: Vec<f64>,
    unfinished: f64,
}

impl ReducedReplication {
    /// The KPI values, entity by entity and bucket by bucket (NaN where a
    /// KPI is undefined): [`SummaryBuilder::values_len`] of them.
    pub fn values(&self) -> &[f64] {
        &self.values
    }
    /// Calls still unfinished when the replication stopped.
    pub fn unfinished(&self) -> f64 {
        self.unfinished
    }
    /// A reduced replication read back from a partial result (`shard`).
    pub fn from_parts(values: Vec<f64>, unfinished: f64) -> ReducedReplication {
        ReducedReplication { values, unfinished }
    }
}

/// Folds replications into a [`Summary`].
#[derive(Debug, Clone)]
pub struct SummaryBuilder {
    entities: Vec<Entity>,
    ipd: usize,
    days: usize,
    start_weekday: usize,
    windows: Vec<crate::scenario::Window>,
    acc: Vec<Welford>,
    totals: Vec<Vec<[f64; Kpi::COUNT]>>,
    /// Per entity and window, the window's KPI values of each replication
    /// (for the window's P(met) and paired comparisons).
    window_totals: Vec<Vec<Vec<[f64; Kpi::COUNT]>>>,
    unfinished: Welford,
}

impl SummaryBuilder {
    /// A builder for results of `sc`.
    pub fn new(sc: &Scenario) -> SummaryBuilder {
        let serving = |cts: &[usize]| -> Vec<usize> {
            (0..sc.groups.len())
                .filter(|&g| sc.groups[g].skills.iter().any(|s| cts.contains(s)))
                .collect()
        };
        let mut entities = Vec::new();
        for s in 0..sc.services.len() {
            // A service's figures are those of its voice calls; deferred
            // channels (e-mail, cases, outbound) are reported per call type
            // and through their own working-hours targets.
            let cts: Vec<usize> = (0..sc.call_types.len())
                .filter(|&c| {
                    sc.call_types[c].service == s && !sc.call_types[c].channel.is_deferred()
                })
                .collect();
            let groups = serving(&cts);
            entities.push(Entity {
                call_types: cts,
                groups,
                services: vec![s],
            });
        }
        for c in 0..sc.call_types.len() {
            entities.push(Entity {
                call_types: vec![c],
                groups: serving(&[c]),
                services: vec![],
            });
        }
        for g in 0..sc.groups.len() {
            entities.push(Entity {
                call_types: vec![],
                groups: vec![g],
                services: vec![],
            });
        }
        let ipd = sc.horizon.intervals_per_day();
        let days = sc.horizon.days as usize;
        let n_buckets = 7 * ipd + days + 1 + sc.windows.len();
        SummaryBuilder {
            windows: sc.windows.clone(),
            acc: vec![Welford::default(); entities.len() * n_buckets * Kpi::COUNT],
            totals: vec![Vec::new(); entities.len()],
            window_totals: vec![vec![Vec::new(); sc.windows.len()]; entities.len()],
            entities,
            ipd,
            days,
            start_weekday: sc.horizon.start.weekday().index(),
            unfinished: Welford::default(),
        }
    }

    /// Number of KPI values in one [`ReducedReplication`] of this scenario.
    pub fn values_len(&self) -> usize {
        self.acc.len()
    }

    fn n_buckets(&self) -> usize {
        7 * self.ipd + self.days + 1 + self.windows.len()
    }

    /// Bucket of the horizon totals.
    fn total_bucket(&self) -> usize {
        7 * self.ipd + self.days
    }

    /// Reduces one replication's tallies to KPI values (safe to call from
    /// many threads at once).
    pub fn reduce(&self, t: &Tallies) -> ReducedReplication {
        let nb = self.n_buckets();
        let total = self.total_bucket();
        let mut values = vec![f64::NAN; self.entities.len() * nb * Kpi::COUNT];
        let mut calls = vec![CallCell::default(); nb];
        let mut groups = vec![GroupCell::default(); nb];
        let mut services = vec![ServiceCell::default(); nb];
        for (e, ent) in self.entities.iter().enumerate() {
            calls.fill(CallCell::default());
            groups.fill(GroupCell::default());
            services.fill(ServiceCell::default());
            for d in 0..self.days {
                let w = (self.start_weekday + d) % 7;
                for i in 0..self.ipd {
                    let k = d * self.ipd + i;
                    let mut c = CallCell::default();
                    for &ct in &ent.call_types {
                        c.add(&t.calls[ct][k]);
                    }
                    let mut g = GroupCell::default();
                    for &gi in &ent.groups {
                        g.add(&t.groups[gi][k]);
                    }
                    let mut sv = ServiceCell::default();
                    for &si in &ent.services {
                        sv.add(&t.services[si][k]);
                    }
                    for b in [w * self.ipd + i, 7 * self.ipd + d, total] {
                        calls[b].add(&c);
                        groups[b].add(&g);
                        services[b].add(&sv);
                    }
                    for (j, win) in self.windows.iter().enumerate() {
                        if win.days[w] && (win.first_interval..win.end_interval).contains(&i) {
                            calls[total + 1 + j].add(&c);
                            groups[total + 1 + j].add(&g);
                            services[total + 1 + j].add(&sv);
                        }
                    }
                }
            }
            for b in 0..nb {
                let v = compute(&calls[b], &groups[b], &services[b]);
                let at = (e * nb + b) * Kpi::COUNT;
                values[at..at + Kpi::COUNT].copy_from_slice(&v);
            }
        }
        ReducedReplication {
            values,
            unfinished: t.unfinished,
        }
    }

    /// Adds a reduced replication. Call in replication order.
    pub fn push(&mut self, r: &ReducedReplication) {
        for (a, &v) in self.acc.iter_mut().zip(&r.values) {
            a.push(v);
        }
        let nb = self.n_buckets();
        for e in 0..self.entities.len() {
            let at = (e * nb + self.total_bucket()) * Kpi::COUNT;
            let mut tot = [0.0; Kpi::COUNT];
            tot.copy_from_slice(&r.values[at..at + Kpi::COUNT]);
            self.totals[e].push(tot);
            for j in 0..self.windows.len() {
                let at = (e * nb + self.total_bucket() + 1 + j) * Kpi::COUNT;
                let mut w = [0.0; Kpi::COUNT];
                w.copy_from_slice(&r.values[at..at + Kpi::COUNT]);
                self.window_totals[e][j].push(w);
            }
        }
        self.unfinished.push(r.unfinished);
    }

    fn kpis(&self, e: usize, b: usize, list: &[Kpi], skip: &[Kpi], t: &mut TQuantiles) -> Kpis {
        let at = (e * self.n_buckets() + b) * Kpi::COUNT;
        Kpis(
            list.iter()
                .filter(|k| !skip.contains(k))
                .map(|&k| (k, self.acc[at + k.index()].estimate(t)))
                .collect(),
        )
    }

    /// The finished summary.
    pub fn finish(&self, sc: &Scenario) -> Summary {
        let mut t = TQuantiles::default();
        let total = self.total_bucket();
        let n_s = sc.services.len();
        let n_c = sc.call_types.len();
        let weekdays_present: Vec<bool> = (0..7)
            .map(|w| (0..self.days).any(|d| (self.start_weekday + d) % 7 == w))
            .collect();
        let mut entity = |e: usize, name: &str, list: &[Kpi], skip: &[Kpi]| -> EntitySummary {
            let mut intervals = Vec::new();
            for (w, present) in weekdays_present.iter().enumerate() {
                if !present {
                    continue;
                }
                for i in 0..self.ipd {
                    let b = w * self.ipd + i;
                    let kpis = self.kpis(e, b, list, skip, &mut t);
                    let active = kpis.get(Kpi::Offered).is_some_and(|x| x.mean > 0.0)
                        || kpis
                            .get(Kpi::ScheduledAgentHours)
                            .is_some_and(|x| x.mean > 0.0)
                        || kpis.get(Kpi::Occupancy).is_some_and(|x| x.n > 0);
                    if active {
                        intervals.push(IntervalSummary {
                            weekday: Weekday::from_index(w),
                            start: ClockTime::from_secs((i * 86_400 / self.ipd) as u32),
                            days: (0..self.days)
                                .filter(|d| (self.start_weekday + d) % 7 == w)
                                .count(),
                            kpis,
                        });
                    }
                }
            }
            let days = (0..self.days)
                .map(|d| DaySummary {
                    date: sc.horizon.date(d).to_string(),
                    weekday: sc.horizon.weekday(d),
                    kpis: self.kpis(e, 7 * self.ipd + d, list, skip, &mut t),
                })
                .collect();
            let windows = self
                .windows
                .iter()
                .enumerate()
                .map(|(j, w)| WindowSummary {
                    name: w.name.clone(),
                    kpis: self.kpis(e, total + 1 + j, list, skip, &mut t),
                    compliance: Vec::new(),
                    per_replication: self.window_totals[e][j].clone(),
                })
                .collect();
            EntitySummary {
                name: name.to_string(),
                service: None,
                answered_within_s: None,
                priority: None,
                arrivals: None,
                windows,
                kpis: self.kpis(e, total, list, skip, &mut t),
                compliance: Vec::new(),
                intervals,
                days,
            }
        };
        // KPIs that mean nothing where their target or mechanism is absent
        // are left out rather than shown as 0.
        let skip_of =
            |handled: bool, target: bool, packs: bool, callbacks: bool, lines: bool| -> Vec<Kpi> {
                let mut v = Vec::new();
                if !lines {
                    v.extend([Kpi::Blocked, Kpi::BlockedShare]);
                }
                if !callbacks {
                    v.extend([
                        Kpi::CallbacksOffered,
                        Kpi::CallbacksAccepted,
                        Kpi::CallbacksWithinPromise,
                        Kpi::CallbackWaitS,
                    ]);
                }
                if !handled {
                    v.push(Kpi::HandledWithinShare);
                }
                if !target {
                    v.push(Kpi::DoneWithinTarget);
                }
                if !packs {
                    v.push(Kpi::PacksWithinTarget);
                }
                v
            };
        let mut services = Vec::new();
        for (s, svc) in sc.services.iter().enumerate() {
            let callbacks = sc
                .call_types
                .iter()
                .any(|ct| ct.service == s && ct.callback.is_some());
            let skip = skip_of(
                svc.targets.handled_within_s.is_some(),
                false,
                false,
                callbacks,
                svc.max_waiting.is_some(),
            );
            let mut es = entity(s, &svc.name, &Kpi::SERVICE_KPIS, &skip);
            es.answered_within_s = Some(svc.targets.answered_within_s);
            services.push(es);
        }
        let mut call_types = Vec::new();
        for (c, ct) in sc.call_types.iter().enumerate() {
            let svc = &sc.services[ct.service];
            let skip = skip_of(
                svc.targets.handled_within_s.is_some(),
                ct.target.is_some(),
                !ct.packs.is_empty(),
                ct.callback.is_some(),
                svc.max_waiting.is_some() && !ct.channel.is_deferred(),
            );
            let mut es = entity(n_s + c, &ct.name, &Kpi::CALL_KPIS, &skip);
            es.service = Some(svc.name.clone());
            es.answered_within_s = Some(svc.targets.answered_within_s);
            es.priority = Some(ct.priority);
            es.arrivals = Some(arrivals_fingerprint(sc, c));
            if !ct.channel.is_deferred() {
                // A voice call type is held to its service's targets.
                es.compliance = self.compliance(n_s + c, svc, &es.kpis);
                for (j, w) in es.windows.iter_mut().enumerate() {
                    w.compliance = self.window_compliance(n_s + c, j, svc, &w.kpis);
                }
            }
            call_types.push(es);
        }
        let agent_groups = sc
            .groups
            .iter()
            .enumerate()
            .map(|(g, grp)| entity(n_s + n_c + g, &grp.name, &Kpi::GROUP_KPIS, &[]))
            .collect();
        for (s, svc) in sc.services.iter().enumerate() {
            services[s].compliance = self.compliance(s, svc, &services[s].kpis);
            for (j, w) in services[s].windows.iter_mut().enumerate() {
                w.compliance = self.window_compliance(s, j, svc, &w.kpis);
            }
            // Targets of the service's deferred call types (e-mail within 9
            // working hours, packs within 4 working hours...).
            for (c, ct) in sc.call_types.iter().enumerate() {
                if ct.service != s {
                    continue;
                }
                if let (crate::scenario::Channel::Case, Some(x)) =
                    (ct.channel, svc.targets.second_level_resolution)
                {
                    let kpis = call_types[c].kpis.clone();
                    let what = format!("resolved at second level ({})", ct.name);
                    services[s].compliance.extend(
                        self.compliance_of(n_s + c, what, Kpi::ResolvedShare, x, true, &kpis)
                            .map(|r| Compliance {
                                call_type: Some(ct.name.clone()),
                                ..r
                            }),
                    );
                }
                let Some(t) = ct.target else {
                    continue;
                };
                let hours = t.within_working_s / 3600.0;
                let hours = if hours == 1.0 {
                    "1 working hour".to_string()
                } else {
                    format!("{hours} working hours")
                };
                let (kpi, what) = if ct.packs.is_empty() {
                    (Kpi::DoneWithinTarget, format!("{} within {hours}", ct.name))
                } else {
                    (
                        Kpi::PacksWithinTarget,
                        format!("{} packs within {hours}", ct.name),
                    )
                };
                let kpis = call_types[c].kpis.clone();
                if let Some(x) = self.compliance_of(n_s + c, what, kpi, t.share, true, &kpis) {
                    services[s].compliance.push(Compliance {
                        call_type: Some(ct.name.clone()),
                        ..x
                    });
                }
            }
            // A deferred call type carries its own rows of the service's list.
            for ct in call_types.iter_mut().filter(|e| e.compliance.is_empty()) {
                ct.compliance = services[s]
                    .compliance
                    .iter()
                    .filter(|r| r.call_type.as_deref() == Some(ct.name.as_str()))
                    .cloned()
                    .collect();
            }
        }
        Summary {
            scenario: sc.name.clone(),
            description: sc.description.clone(),
            replications: self.unfinished.n(),
            seed: sc.run.seed,
            ccsim_version: env!("CARGO_PKG_VERSION"),
            extends: sc.provenance.extends.clone(),
            set: sc.provenance.set.clone(),
            horizon: HorizonInfo {
                start: sc.horizon.start.to_string(),
                days: sc.horizon.days,
                interval_minutes: sc.horizon.interval_s / 60,
                warmup_minutes: sc.run.warmup_s / 60.0,
            },
            definitions: Definitions {
                callbacks: sc
                    .call_types
                    .iter()
                    .any(|ct| ct.callback.is_some())
                    .then_some(CALLBACK_DEFINITION),
                ..Definitions::default()
            },
            services,
            call_types,
            agent_groups,
            unfinished_calls: self.unfinished.estimate(&mut t),
            cost: CostFigures::of(sc),
            per_replication: self.totals.clone(),
        }
    }

    /// Compliance of entity `e` with one target on `kpi`.
    fn compliance_of(
        &self,
        e: usize,
        indicator: String,
        kpi: Kpi,
        target: f64,
        at_least: bool,
        kpis: &Kpis,
    ) -> Option<Compliance> {
        compliance_in(&self.totals[e], indicator, kpi, target, at_least, kpis)
    }

    /// Compliance of window `j` of entity `e` with the service's targets:
    /// the same rows as over the horizon, read on the window's figures.
    fn window_compliance(
        &self,
        e: usize,
        j: usize,
        svc: &crate::scenario::Service,
        kpis: &Kpis,
    ) -> Vec<Compliance> {
        let reps = &self.window_totals[e][j];
        service_targets(svc)
            .into_iter()
            .filter(|t| t.1 != Kpi::Continuity)
            .filter_map(|(indicator, kpi, target, at_least)| {
                compliance_in(reps, indicator, kpi, target, at_least, kpis)
            })
            .collect()
    }

    fn compliance(&self, e: usize, svc: &crate::scenario::Service, kpis: &Kpis) -> Vec<Compliance> {
        service_targets(svc)
            .into_iter()
            .filter_map(|(indicator, kpi, target, at_least)| {
                self.compliance_of(e, indicator, kpi, target, at_least, kpis)
            })
            .collect()
    }
}

/// A fingerprint of what makes a call type's callers: its arrival rates and
/// process, day factors, the day-to-day variation and the calendar. Two
/// scenarios run with the same seed draw the same callers of a call type
/// of the same name exactly when these agree.
fn arrivals_fingerprint(sc: &Scenario, c: usize) -> u64 {
    use std::hash::{Hash, Hasher};
    let ct = &sc.call_types[c];
    // Debug output of f64 round-trips, so equal text means equal values.
    let text = format!(
        "{:?}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}",
        ct.rate_per_s,
        ct.process,
        ct.volume_factors,
        ct.day_cv,
        sc.horizon.start.to_string(),
        sc.horizon.days,
        sc.horizon.holidays
    );
    let mut h = std::collections::hash_map::DefaultHasher::new();
    text.hash(&mut h);
    h.finish()
}

/// The targets of a service as `(indicator, KPI, target, at least)`.
fn service_targets(svc: &crate::scenario::Service) -> Vec<(String, Kpi, f64, bool)> {
    let tg = &svc.targets;
    let mut out = Vec::new();
    if let Some(x) = tg.service_level {
        out.push((
            format!("answered within {} s", tg.answered_within_s),
            Kpi::ServiceLevel,
            x,
            true,
        ));
    }
    if let Some(x) = tg.max_abandon_rate {
        out.push(("abandoned".into(), Kpi::AbandonRate, x, false));
    }
    if let (Some(x), Some(h)) = (tg.handled_within_share, tg.handled_within_s) {
        out.push((
            format!("handled within {}", fmt_duration(h)),
            Kpi::HandledWithinShare,
            x,
            true,
        ));
    }
    if let Some(x) = tg.first_contact_resolution {
        out.push((
            "resolved at first contact".into(),
            Kpi::FirstContactResolution,
            x,
            true,
        ));
    }
    if let Some(x) = tg.continuity {
        out.push(("continuity".into(), Kpi::Continuity, x, true));
    }
    out
}

/// Compliance with one target on `kpi`, given the horizon (or window)
/// values of each replication.
fn compliance_in(
    reps: &[[f64; Kpi::COUNT]],
    indicator: String,
    kpi: Kpi,
    target: f64,
    at_least: bool,
    kpis: &Kpis,
) -> Option<Compliance> {
    {
        let value = kpis.get(kpi)?;
        let direction = if at_least {
            Direction::AtLeast
        } else {
            Direction::AtMost
        };
        let met = reps
            .iter()
            .filter(|v| {
                let x = v[kpi.index()];
                !x.is_nan() && direction.met(x, target)
            })
            .count();
        Some(Compliance {
            indicator,
            kpi,
            call_type: None,
            value,
            target,
            direction,
            status: Status::of(direction.met(value.mean, target)),
            met_share: met as f64 / reps.len().max(1) as f64,
        })
    }
}

fn fmt_duration(s: f64) -> String {
    if s >= 60.0 && (s % 60.0) == 0.0 {
        format!("{} min", s / 60.0)
    } else {
        format!("{s} s")
    }
}

/// KPIs of one bucket, serialised as a JSON object in [`Kpi`] order.
#[derive(Debug, Clone, PartialEq)]
pub struct Kpis(pub Vec<(Kpi, Estimate)>);

impl Kpis {
    /// The estimate of `k`, if reported.
    pub fn get(&self, k: Kpi) -> Option<Estimate> {
        self.0.iter().find(|(x, _)| *x == k).map(|(_, e)| *e)
    }
}

impl Serialize for Kpis {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, e) in &self.0 {
            m.serialize_entry(k.name(), e)?;
        }
        m.end()
    }
}

/// Which side of a target meets it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// The value must be at least the target (service level).
    AtLeast,
    /// The value must be at most the target (abandonment).
    AtMost,
}

impl Direction {
    /// `>=` or `<=`, as written in every output.
    pub fn symbol(self) -> &'static str {
        match self {
            Direction::AtLeast => ">=",
            Direction::AtMost => "<=",
        }
    }

    /// True when `value` meets `target` in this direction.
    pub fn met(self, value: f64, target: f64) -> bool {
        match self {
            Direction::AtLeast => value >= target,
            Direction::AtMost => value <= target,
        }
    }
}

impl std::fmt::Display for Direction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.symbol())
    }
}

impl Serialize for Direction {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.symbol())
    }
}

/// Whether the mean over replications meets a target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Met: "OK".
    Ok,
    /// Missed: "KO".
    Ko,
}

impl Status {
    /// Both statuses.
    pub const ALL: [Status; 2] = [Status::Ok, Status::Ko];

    /// `Ok` when `met`.
    pub fn of(met: bool) -> Status {
        if met { Status::Ok } else { Status::Ko }
    }

    /// "OK" or "KO", as written in every output.
    pub fn label(self) -> &'static str {
        match self {
            Status::Ok => "OK",
            Status::Ko => "KO",
        }
    }

    /// True for [`Status::Ok`].
    pub fn is_ok(self) -> bool {
        self == Status::Ok
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.label())
    }
}

impl Serialize for Status {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.label())
    }
}

/// One SLA target of a service and how the simulation meets it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Compliance {
    /// Indicator as the review names it, e.g. "answered within 20 s".
    pub indicator: String,
    /// The KPI it reads (serialised as its name).
    pub kpi: Kpi,
    /// The call type whose KPI it reads (deferred channels' targets); absent
    /// when it reads the service's own figures.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub call_type: Option<String>,
    /// Value over the horizon, mean and CI over replications.
    pub value: Estimate,
    /// The target.
    pub target: f64,
    /// `>=` or `<=`.
    pub direction: Direction,
    /// "OK" when the mean meets the target, else "KO".
    pub status: Status,
    /// Share of replications in which the horizon's value met the target:
    /// the estimated probability of meeting it over such a period.
    pub met_share: f64,
}

/// One interval of one weekday, pooled over the horizon's days of that weekday.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IntervalSummary {
    /// Weekday.
    pub weekday: Weekday,
    /// Start of the interval (serialised as HH:MM).
    pub start: ClockTime,
    /// Days of the horizon pooled (counts are totals over them).
    pub days: usize,
    /// KPIs.
    pub kpis: Kpis,
}

/// KPIs pooled over a reporting window.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WindowSummary {
    /// Window name.
    pub name: String,
    /// KPIs.
    pub kpis: Kpis,
    /// The service's targets read on the window's figures (services and
    /// voice call types), with P(met) over replications.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub compliance: Vec<Compliance>,
    /// The window's KPI values in each replication, in replication order
    /// (paired comparisons).
    #[serde(skip)]
    pub per_replication: Vec<[f64; Kpi::COUNT]>,
}

/// One day of the horizon.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DaySummary {
    /// Date.
    pub date: String,
    /// Weekday.
    pub weekday: Weekday,
    /// KPIs.
    pub kpis: Kpis,
}

/// Results of one service, call type or agent group.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EntitySummary {
    /// Name.
    pub name: String,
    /// Service of a call type.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    /// Service-level threshold, seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub answered_within_s: Option<f64>,
    /// Priority class of a call type (higher is served first).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub priority: Option<i32>,
    /// Fingerprint of a call type's arrival definition: equal in two
    /// scenarios run with the same seed exactly when they draw the same
    /// callers of that call type.
    #[serde(skip)]
    pub arrivals: Option<u64>,
    /// KPIs over the horizon.
    pub kpis: Kpis,
    /// Reporting windows of the scenario (e.g. Monday 08:00-10:00).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub windows: Vec<WindowSummary>,
    /// Compliance with the service's targets (services; voice call types
    /// read against their service's targets; deferred call types against
    /// their own working-hours target).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub compliance: Vec<Compliance>,
    /// Per interval of each weekday.
    pub intervals: Vec<IntervalSummary>,
    /// Per day.
    pub days: Vec<DaySummary>,
}

/// The simulated period, as run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HorizonInfo {
    /// First day.
    pub start: String,
    /// Days.
    pub days: u32,
    /// Interval length, minutes.
    pub interval_minutes: u32,
    /// Warm-up, minutes.
    pub warmup_minutes: f64,
}

/// The definitions behind the figures, so that results say what they mean.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Definitions {
    /// Service level reported as `service_level`.
    pub service_level: &'static str,
    /// Other service-level definitions reported.
    pub service_level_of_answered: &'static str,
    /// Third definition.
    pub service_level_excluding_short_abandons: &'static str,
    /// What counts as offered.
    pub offered: &'static str,
    /// Attribution of outcomes to intervals.
    pub attribution: &'static str,
    /// How redials are counted.
    pub redials: &'static str,
    /// Confidence intervals.
    pub ci95: &'static str,
    /// Continuity.
    pub continuity: &'static str,
    /// Backlog at close.
    pub backlog_at_close: &'static str,
    /// Working-hours targets.
    pub working_hours: &'static str,
    /// Call backs (only when a call type offers them).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub callbacks: Option<&'static str>,
}

/// How call backs are counted.
const CALLBACK_DEFINITION: &str = "a caller still waiting after offer_after_s is offered a call back; one who accepts leaves the queue: the call stays offered but counts as neither answered nor abandoned in service_level and abandon_rate, and its caller counts as answered (caller_answered_share) when called back; callbacks_within_promise_share = call backs made within the promise (working seconds of the service after acceptance) / accepted; callback_wait_s = mean time from acceptance to the call back";

impl Default for Definitions {
    fn default() -> Self {
        Definitions {
            service_level: "answered within the threshold / offered",
            service_level_of_answered: "answered within the threshold / answered",
            service_level_excluding_short_abandons: "answered within the threshold / (answered + abandoned after the threshold)",
            offered: "callers who reached the queue (after IVR self-service)",
            attribution: "every outcome is credited to the interval in which the call arrived",
            redials: "each attempt is a new call in offered/answered/abandoned and the service levels; callers, caller_answered_share and caller_abandon_rate count each caller once, credited to the interval of the first attempt",
            ci95: "half-width of the 95% Student-t confidence interval over replications",
            continuity: "share of the service's opening hours during which none of its outages was on",
            backlog_at_close: "items waiting at the service's last closing of a day, mean over the days it opened",
            working_hours: "working-hours targets count only the service's opening hours between arrival (or pack release) and completion",
            callbacks: None,
        }
    }
}

/// Paid agent-hours, FTE and cost of one agent group (from the scenario's
/// staffing and calendar, not simulated: see [`crate::cost`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupCostFigures {
    /// Group name.
    pub name: String,
    /// Paid agent-hours over the horizon (open days and hours only).
    pub paid_agent_hours: f64,
    /// Full-time equivalents.
    pub fte: f64,
    /// Paid hours x `hourly_cost`, when the group has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cost: Option<f64>,
}

/// Paid agent-hours, FTE and cost of the scenario's staffing.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CostFigures {
    /// Paid agent-hours of every group over the horizon.
    pub paid_agent_hours: f64,
    /// Full-time equivalents: paid hours / (`fte_hours_per_week` x weeks).
    pub fte: f64,
    /// Paid hours per week of one FTE.
    pub fte_hours_per_week: f64,
    /// Total cost, when every group has an `hourly_cost`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cost: Option<f64>,
    /// `[cost] currency`, if given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    /// Per agent group.
    pub groups: Vec<GroupCostFigures>,
}

impl CostFigures {
    /// The figures of `sc`'s staffing.
    pub fn of(sc: &Scenario) -> CostFigures {
        let c = crate::cost::summary(sc);
        CostFigures {
            paid_agent_hours: c.paid_hours,
            fte: c.fte,
            fte_hours_per_week: c.fte_hours_per_week,
            cost: c.cost,
            currency: c.currency,
            groups: c
                .groups
                .into_iter()
                .map(|g| GroupCostFigures {
                    name: g.group,
                    paid_agent_hours: g.paid_hours,
                    fte: g.fte,
                    cost: g.cost,
                })
                .collect(),
        }
    }
}

/// The result of simulating a scenario: what every exporter reads.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    /// Scenario name.
    pub scenario: String,
    /// Scenario description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Replications run.
    pub replications: u32,
    /// Master seed.
    pub seed: u64,
    /// ccsim version that produced it.
    pub ccsim_version: &'static str,
    /// Files the scenario extends, nearest base first (an overlay).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub extends: Vec<String>,
    /// One-off changes from `--set PATH=VALUE`, in the order applied.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub set: Vec<String>,
    /// Simulated period.
    pub horizon: HorizonInfo,
    /// Definitions of the figures.
    pub definitions: Definitions,
    /// Per service.
    pub services: Vec<EntitySummary>,
    /// Per call type.
    pub call_types: Vec<EntitySummary>,
    /// Per agent group.
    pub agent_groups: Vec<EntitySummary>,
    /// Callers still waiting when the simulation stopped (a day after the horizon).
    pub unfinished_calls: Estimate,
    /// Paid agent-hours, FTE and cost of the staffing.
    pub cost: CostFigures,
    /// Horizon totals of every KPI per entity (services, call types, groups)
    /// and replication, in replication order: the raw material of paired
    /// comparisons.
    #[serde(skip)]
    pub per_replication: Vec<Vec<[f64; Kpi::COUNT]>>,
}
