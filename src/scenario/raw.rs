//! The scenario file as written: a serde mirror of the TOML, with no checks
//! beyond types. [`super::validate`] turns it into a [`super::Scenario`].
//!
//! Numbers are read as `f64` even where the model wants whole numbers, so that
//! a negative or fractional value gets a precise message from validation
//! instead of a generic type error.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::value::Datetime;

/// A whole scenario file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawScenario {
    /// Scenario name used in results; defaults to the file name without extension.
    pub name: Option<String>,
    /// Free text shown in reports.
    pub description: Option<String>,
    /// Simulated period and statistics granularity.
    pub horizon: RawHorizon,
    /// Replications, seed and warm-up.
    #[serde(default)]
    pub run: RawRun,
    /// Services: opening hours and SLA targets.
    #[serde(default, rename = "service")]
    pub services: Vec<RawService>,
    /// Call types: arrivals, handling and patience.
    #[serde(default, rename = "call_type")]
    pub call_types: Vec<RawCallType>,
    /// Agent groups: skills and staffing.
    #[serde(default, rename = "agent_group")]
    pub agent_groups: Vec<RawAgentGroup>,
    /// Reporting windows: KPIs pooled over given hours of given weekdays
    /// (e.g. Monday 08:00-10:00).
    #[serde(default, rename = "window")]
    pub windows: Vec<RawWindow>,
    /// Routing policies: which group an arriving call goes to, which waiting
    /// call a freed agent takes.
    pub routing: Option<RawRouting>,
    /// Application outages, random or scheduled.
    #[serde(default, rename = "outage")]
    pub outages: Vec<RawOutage>,
    /// Cost settings: currency and the weekly hours of one full-time
    /// equivalent (see `crate::cost`).
    pub cost: Option<RawCost>,
    /// The shifts `staff --shifts` may plan (default: 8 h with a 30-minute
    /// break, 6 h, part-time 4 h, starts every 30 minutes).
    pub shift_rules: Option<RawShiftRules>,
}

/// `[shift_rules]`: the shifts a center may plan. Every field is optional;
/// an absent one keeps the built-in rule.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawShiftRules {
    /// Full-time shift lengths, hours from start to end, break included
    /// (default `[8, 6]`).
    pub full_time_hours: Option<Vec<f64>>,
    /// Part-time shift lengths, hours (default `[4]`).
    pub part_time_hours: Option<Vec<f64>>,
    /// Minutes between two allowed starts (default 30).
    pub start_step_minutes: Option<f64>,
    /// First and last allowed start, `"HH:MM-HH:MM"` (default: any start
    /// within the day's staffed window).
    pub starts: Option<String>,
    /// Unpaid break, minutes (default 30).
    pub break_minutes: Option<f64>,
    /// Shifts longer than this many hours take the break (default 6).
    pub break_if_longer_than_hours: Option<f64>,
    /// The break starts between these many hours after the shift start
    /// (default `[3, 5]`).
    pub break_window_hours: Option<Vec<f64>>,
    /// A shift may stop when every service of the group closes (a lunch
    /// closure) and resume when one opens; the closure is its break
    /// (default false).
    pub split_shifts: Option<bool>,
    /// Largest share of paid hours in part-time shifts, 0 to 1 (default 1).
    pub max_part_time_share: Option<f64>,
}

/// `[cost]`: how paid hours become money and full-time equivalents.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCost {
    /// Currency of `agent_group.hourly_cost`, e.g. `"EUR"` (shown with costs).
    pub currency: Option<String>,
    /// Paid hours per week of one full-time equivalent (default 36: an
    /// assumption each center sets from its own contracts).
    pub fte_hours_per_week: Option<f64>,
}

/// `[routing]`: the router's two decisions.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRouting {
    /// Arriving call, several groups with idle agents: `"specialists_first"`
    /// (default: the group where the call type ranks highest among its
    /// skills, then file order) or `"least_busy"` (the group with the lowest
    /// share of busy agents).
    pub agent_selection: Option<String>,
    /// Freed agent, several queues waiting: `"priority"` (default: priority
    /// class, then the group's skill order) or `"longest_waiting"` (priority
    /// class, then the call that has waited longest).
    pub call_selection: Option<String>,
}

/// `[[outage]]`: an application whose failures stop work on some call types.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawOutage {
    /// Unique name (also the source of its random stream).
    pub name: String,
    /// The service whose continuity it affects.
    pub service: String,
    /// Call types that need the application (default: every call type of the service).
    pub call_types: Option<Vec<String>>,
    /// `"no_answer"` (default: calls wait until the application is back) or
    /// `"no_completion"` (calls are answered, but a call that would end while
    /// it is down is not resolved: it escalates if its call type does).
    pub effect: Option<String>,
    /// Random failures: mean time between failures, hours of calendar time.
    pub mtbf_hours: Option<f64>,
    /// Random failures: mean time to repair, minutes.
    pub mttr_minutes: Option<f64>,
    /// Scheduled outages, each `{ date = 2025-03-04, hours = "10:00-11:30" }`.
    pub scheduled: Option<Vec<RawScheduledOutage>>,
}

/// A scheduled outage.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawScheduledOutage {
    /// Date.
    pub date: Datetime,
    /// Hours, `HH:MM-HH:MM`.
    pub hours: String,
}

/// `[[window]]`: a reporting window.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawWindow {
    /// Name shown in results.
    pub name: String,
    /// Weekdays (`mon`, `mon-fri`, ...).
    pub days: String,
    /// Hours, `HH:MM-HH:MM` on interval boundaries.
    pub hours: String,
}

/// `[horizon]`: the simulated period.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawHorizon {
    /// First simulated day (a TOML date); simulation starts at its midnight.
    pub start: Datetime,
    /// Number of days (default 1 unless `end` is given).
    pub days: Option<f64>,
    /// Last simulated day, inclusive (alternative to `days`).
    pub end: Option<Datetime>,
    /// Statistics and staffing granularity in minutes; must divide 1440 (default 30).
    pub interval_minutes: Option<f64>,
    /// Public holidays: every service is closed and no call arrives.
    pub holidays: Option<Vec<Datetime>>,
}

/// `[run]`: how many replications and which seed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRun {
    /// Independent replications of the horizon (default 100).
    pub replications: Option<f64>,
    /// Master seed (default 1).
    pub seed: Option<f64>,
    /// Calls arriving in the first minutes are simulated but not counted (default 0).
    pub warmup_minutes: Option<f64>,
}

/// A value given for all weekdays at once, or per weekday selector
/// (`mon-fri = ...`, `sat = ...`).
#[derive(Debug, Clone, Deserialize)]
#[serde(
    untagged,
    expecting = "a value, or a table of weekday selectors such as `mon-fri`"
)]
pub enum PerWeekday<T> {
    /// The same every day.
    All(T),
    /// Per weekday selector; days not listed take the `other` key or the default.
    ByDay(BTreeMap<String, T>),
}

/// `[[service]]`: a queue family with opening hours and SLA targets.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawService {
    /// Unique name.
    pub name: String,
    /// Opening hours: `"08:00-18:00"`, `"closed"`, several ranges `"08:00-13:00,14:00-17:00"`,
    /// or per weekday `{ mon-fri = "08:00-18:00", sat = "08:00-13:00" }` (unlisted days are closed).
    /// Default: open around the clock.
    pub open: Option<PerWeekday<String>>,
    /// Opening hours that change from a date on (e.g. opening at 7:00 from March).
    pub open_changes: Option<Vec<RawOpenChange>>,
    /// Callers still waiting when the service closes: `"serve"` (default) or `"drop"`.
    pub at_close: Option<String>,
    /// Lines for waiting callers: a call that finds this many of the
    /// service's voice calls waiting gets a busy signal (default: no limit).
    pub max_waiting: Option<f64>,
    /// SLA targets.
    #[serde(default)]
    pub targets: RawTargets,
}

/// Service-level agreement targets of a service.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTargets {
    /// Acceptable wait for the service level, seconds (default 20).
    pub answered_within_s: Option<f64>,
    /// Target share of offered calls answered within `answered_within_s`.
    pub service_level: Option<f64>,
    /// Maximum share of offered calls abandoned.
    pub max_abandon_rate: Option<f64>,
    /// Handling-time limit, seconds, for the "handled within" KPI.
    pub handled_within_s: Option<f64>,
    /// Target share of answered calls handled within `handled_within_s`.
    pub handled_within_share: Option<f64>,
    /// Target share of answered calls resolved at first contact.
    pub first_contact_resolution: Option<f64>,
    /// Target share of opening hours with every application of the service available.
    pub continuity: Option<f64>,
    /// Target share of second-level cases (call types with `channel = "case"`)
    /// resolved by the second level.
    pub second_level_resolution: Option<f64>,
}

/// New opening hours from a date on.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawOpenChange {
    /// First date with the new hours.
    pub from: Datetime,
    /// The new hours, as in `open`.
    pub open: PerWeekday<String>,
}

/// A multiplier of a call type's volume over a date range.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawVolumeFactor {
    /// First date.
    pub from: Datetime,
    /// Last date, inclusive (default: to the end of the horizon).
    pub to: Option<Datetime>,
    /// Multiplier (e.g. 1.35 for +35%).
    pub factor: f64,
}

/// What callers do when they want to call while the service is closed.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawClosedHours {
    /// Share of them who call at opening (after `delay`); the rest give up.
    pub retry_share: f64,
    /// Delay after the opening time before they call.
    pub delay: Option<RawDist>,
}

/// Callers who abandon and call again.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRedial {
    /// Probability that a caller who abandoned calls again.
    pub probability: f64,
    /// Delay between the abandonment and the new call.
    pub delay: RawDist,
    /// Attempts at most, first call included (default 10).
    pub max_attempts: Option<f64>,
}

/// A factor on handling times over a date range, optionally fading after a
/// training date with a learning curve.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawHandlingEffect {
    /// In `agent_group.handling_effects` only: the call type it applies to
    /// (default: every skill of the group), e.g. a call type the group is
    /// learning.
    pub call_type: Option<String>,
    /// First date.
    pub from: Datetime,
    /// Last date, inclusive (default: to the end of the horizon).
    pub to: Option<Datetime>,
    /// Factor on handling time (e.g. 1.3 = 30% slower).
    pub factor: f64,
    /// Training date: from then on the extra time decays exponentially.
    pub training: Option<Datetime>,
    /// Half-life of the extra time after training, days (default 14).
    pub half_life_days: Option<f64>,
    /// Factor the learning curve tends to (default 1).
    pub floor: Option<f64>,
}

/// A shift of an agent group.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawShift {
    /// Start, `HH:MM`, on an interval boundary.
    pub start: String,
    /// Length in hours (a whole number of intervals).
    pub hours: f64,
    /// Weekdays it runs (`mon-fri`, `all`...); default `all`.
    pub days: Option<String>,
    /// Agents on this shift.
    pub count: f64,
    /// Breaks, each `{ at = "11:00", minutes = 30 }`, on interval boundaries.
    pub breaks: Option<Vec<RawBreak>>,
}

/// A break within a shift.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBreak {
    /// Start, `HH:MM`.
    pub at: String,
    /// Length in minutes (a whole number of intervals).
    pub minutes: f64,
}

/// `[[call_type]]`: one kind of call with its own arrivals and times.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCallType {
    /// Unique name.
    pub name: String,
    /// The service it belongs to.
    pub service: String,
    /// Arrival process (omit for items that only come from escalations or packs).
    pub arrivals: Option<RawArrivals>,
    /// Handling (talk) time distribution.
    pub handling: RawDist,
    /// Patience before abandoning; omitted means callers never abandon.
    pub patience: Option<RawDist>,
    /// Priority class: agents take waiting calls of a higher class first (default 0).
    pub priority: Option<f64>,
    /// Waiting-time head start, seconds (with `call_selection =
    /// "longest_waiting"`): the call is ranked as if it had waited this much
    /// longer (default 0).
    pub priority_credit_s: Option<f64>,
    /// Volume multipliers over date ranges (launch weeks, a bonus adding 35%).
    pub volume_factors: Option<Vec<RawVolumeFactor>>,
    /// Day-to-day overdispersion: coefficient of variation of a gamma factor
    /// with mean 1 drawn per day and shared by the day's intervals (default 0).
    pub day_cv: Option<f64>,
    /// Demand while the service is closed: callers retry at opening or give up.
    /// Without it, no call arrives while the service is closed.
    pub closed_hours: Option<RawClosedHours>,
    /// Redials after abandonment.
    pub redial: Option<RawRedial>,
    /// Handling-time factors over date ranges (e.g. two booking applications at once).
    pub handling_effects: Option<Vec<RawHandlingEffect>>,
    /// After-call work: the agent stays busy, the caller is gone.
    pub wrap_up: Option<RawDist>,
    /// Probability that an answered call is resolved at first contact (default 1).
    pub first_contact_resolution: Option<f64>,
    /// Interactive voice response before the queue: a share of callers is
    /// served by it without an agent; the others reach the queue after it.
    pub ivr: Option<RawIvr>,
    /// `"voice"` (default), or a deferred channel: `"email"` (also fax, SMS,
    /// letters), `"case"` (second-level tickets), `"outbound"`. Deferred
    /// items never abandon and agents take them only when none of their
    /// voice calls waits.
    pub channel: Option<String>,
    /// Answered calls not resolved at first contact become items of this
    /// call type (e.g. a `"case"` handled by the back office).
    pub escalate_to: Option<String>,
    /// Completion target in working hours of the service: the share of items
    /// completed within `within_working_hours` (e.g. e-mails within 9 h).
    pub target: Option<RawWorkTarget>,
    /// Packs of items released at given times (outbound campaigns).
    pub packs: Option<Vec<RawPack>>,
    /// A call back offered to callers still waiting after a while.
    pub callback: Option<RawCallback>,
}

/// A call back offered to waiting callers: those who accept leave the
/// queue and are called back when an agent has time.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCallback {
    /// Wait after which the offer is made, seconds.
    pub offer_after_s: f64,
    /// Share of the callers offered who accept.
    pub accept_share: f64,
    /// The promise: called back within this many seconds of the service's
    /// working hours after accepting.
    pub within_s: f64,
}

/// The IVR in front of a call type's queue.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawIvr {
    /// Share of callers served by the IVR alone (default 0).
    pub self_service_share: Option<f64>,
    /// Time spent in the IVR (menus, the recorded privacy notice) before the queue.
    pub duration: Option<RawDist>,
}

/// A completion target on the service's working-hours clock.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawWorkTarget {
    /// Working hours from arrival (or pack release) to completion.
    pub within_working_hours: f64,
    /// Target share (default 1).
    pub share: Option<f64>,
}

/// A pack of outbound contacts released at a clock time.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPack {
    /// Release time, `HH:MM`.
    pub at: String,
    /// Weekdays (default `mon-fri`).
    pub days: Option<String>,
    /// Contacts in the pack.
    pub size: f64,
}

/// A number or a list of numbers.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged, expecting = "a number or a list of numbers")]
pub enum NumOrList {
    /// One number.
    Num(f64),
    /// One number per interval.
    List(Vec<f64>),
}

/// Arrival process of a call type (piecewise-constant Poisson by default).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawArrivals {
    /// Calls per hour: constant, or one rate per interval from `from` (per weekday allowed).
    pub per_hour: Option<PerWeekday<NumOrList>>,
    /// Calls per day (constant or per weekday), spread over the day by `profile`.
    pub per_day: Option<PerWeekday<f64>>,
    /// Intraday weights, one per interval from `from`; normalised to sum 1.
    /// Default with `per_day`: uniform over the opening hours.
    pub profile: Option<PerWeekday<Vec<f64>>>,
    /// Clock time of the first value of a `per_hour` list or of `profile` (default "00:00").
    pub from: Option<String>,
    /// `"poisson"` (default) or `"deterministic"` (evenly spaced, for hand-checked tests).
    pub process: Option<String>,
}

/// A distribution of a duration in seconds.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDist {
    /// `exponential`, `lognormal`, `gamma`, `weibull` or `deterministic`.
    pub dist: String,
    /// Mean in seconds.
    pub mean_s: f64,
    /// Coefficient of variation (lognormal, gamma).
    pub cv: Option<f64>,
    /// Shape parameter (weibull).
    pub shape: Option<f64>,
}

/// `[[agent_group]]`: agents with the same skills and staffing.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAgentGroup {
    /// Unique name.
    pub name: String,
    /// Call types this group serves, most preferred first.
    pub skills: Vec<String>,
    /// Agents on duty: a constant, a list per interval from `from`, or per weekday.
    /// Shifts, if any, add to it. One of `agents` and `shifts` is required.
    pub agents: Option<PerWeekday<NumOrList>>,
    /// Clock time of the first value of an `agents` list (default "00:00").
    pub from: Option<String>,
    /// Shifts: each adds `count` agents over its hours, less its breaks.
    pub shifts: Option<Vec<RawShift>>,
    /// Share of scheduled agents not available (absence, meetings); default 0.
    pub shrinkage: Option<f64>,
    /// Factor on the handling times of this group's agents (e.g. 1.2 while learning); default 1.
    pub handling_factor: Option<f64>,
    /// Handling-time factors of this group over dates, for one call type or
    /// all, with a learning curve (e.g. a skill just learned by cross-training).
    pub handling_effects: Option<Vec<RawHandlingEffect>>,
    /// Deferred items (e-mail, cases, outbound): `"calls_first"` (default:
    /// taken only when none of the group's voice calls waits) or
    /// `"skill_order"` (ranked among the skills like any call).
    pub blend: Option<String>,
    /// Agents kept for voice calls: the group takes a deferred item only
    /// while more than this many of its agents are idle (default 0).
    pub blend_reserve: Option<f64>,
    /// Cost of one paid agent-hour of this group, in `[cost].currency`
    /// (default: no cost, paid hours only).
    pub hourly_cost: Option<f64>,
}
