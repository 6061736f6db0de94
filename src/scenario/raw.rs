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
    /// Callers still waiting when the service closes: `"serve"` (default) or `"drop"`.
    pub at_close: Option<String>,
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
}

/// `[[call_type]]`: one kind of call with its own arrivals and times.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCallType {
    /// Unique name.
    pub name: String,
    /// The service it belongs to.
    pub service: String,
    /// Arrival process.
    pub arrivals: RawArrivals,
    /// Handling (talk) time distribution.
    pub handling: RawDist,
    /// Patience before abandoning; omitted means callers never abandon.
    pub patience: Option<RawDist>,
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
    pub agents: PerWeekday<NumOrList>,
    /// Clock time of the first value of an `agents` list (default "00:00").
    pub from: Option<String>,
}
