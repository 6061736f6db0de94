//! Scenario files: parsing ([`raw`]), validation ([`validate`]) and the
//! checked [`Scenario`] that the rest of ccsim reads.
//!
//! A scenario is loaded in two steps. The TOML text is deserialised into the
//! plain serde mirror of [`raw`], which catches syntax errors, unknown fields
//! and wrong types with their line and column. [`validate`] then checks every
//! value, resolves names to indices and reports all problems at once, each
//! with the file, line, field path and value.
//!
//! A file may `extends` another and give only what changes; [`overlay`]
//! merges the chain and the `--set PATH=VALUE` changes as TOML values first,
//! keeping where each value was written so that errors name that file and
//! line. Validation also returns warnings about likely mistakes
//! ([`Loaded::warnings`]).

pub mod error;
mod locate;
pub mod overlay;
pub mod raw;
pub mod shift_rules;
pub mod validate;

use std::path::Path;

use crate::calendar::{Date, Weekday};
pub use error::{Issue, ScenarioError};
pub use shift_rules::{ShiftLength, ShiftRules};

/// Open ranges (seconds after midnight) for each weekday, Monday first.
pub type WeekHours = [Vec<(u32, u32)>; 7];

/// The simulated period.
#[derive(Debug, Clone, PartialEq)]
pub struct Horizon {
    /// First day; time 0 is its midnight.
    pub start: Date,
    /// Number of simulated days.
    pub days: u32,
    /// Statistics and staffing interval, seconds (divides a day).
    pub interval_s: u32,
    /// Public holidays: services closed, no arrivals.
    pub holidays: Vec<Date>,
}

impl Horizon {
    /// Intervals in one day.
    pub fn intervals_per_day(&self) -> usize {
        (86_400 / self.interval_s) as usize
    }
    /// Intervals over the whole horizon.
    pub fn n_intervals(&self) -> usize {
        self.intervals_per_day() * self.days as usize
    }
    /// End of the horizon in seconds from its start.
    pub fn end_s(&self) -> f64 {
        f64::from(self.days) * 86_400.0
    }
    /// Date of day `d` (0-based) of the horizon.
    pub fn date(&self, d: usize) -> Date {
        self.start.add_days(d as i64)
    }
    /// Weekday of day `d` (0-based) of the horizon.
    pub fn weekday(&self, d: usize) -> Weekday {
        self.date(d).weekday()
    }
}

/// Replications, seed and warm-up.
#[derive(Debug, Clone, PartialEq)]
pub struct RunSettings {
    /// Number of independent replications.
    pub replications: u32,
    /// Master seed: replication `r` draws from streams derived from (seed, r, source).
    pub seed: u64,
    /// Calls arriving before this time are simulated but not counted, seconds.
    pub warmup_s: f64,
}

/// What happens to callers still waiting when a service closes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AtClose {
    /// They stay in the queue and are served (or abandon) as usual.
    Serve,
    /// They are disconnected at closing and counted as abandoned.
    Drop,
}

/// SLA targets of a service.
#[derive(Debug, Clone, PartialEq)]
pub struct Targets {
    /// Acceptable wait for the service level, seconds.
    pub answered_within_s: f64,
    /// Target share answered within `answered_within_s`, over offered calls.
    pub service_level: Option<f64>,
    /// Maximum abandonment rate over offered calls.
    pub max_abandon_rate: Option<f64>,
    /// Handling-time limit, seconds.
    pub handled_within_s: Option<f64>,
    /// Target share of answered calls with handling time within the limit.
    pub handled_within_share: Option<f64>,
    /// Target share of answered calls resolved at first contact.
    pub first_contact_resolution: Option<f64>,
    /// Target share of opening hours with no outage of the service.
    pub continuity: Option<f64>,
    /// Target share of second-level cases resolved by the second level.
    pub second_level_resolution: Option<f64>,
}

/// A service: opening hours per weekday and targets.
#[derive(Debug, Clone, PartialEq)]
pub struct Service {
    /// Unique name.
    pub name: String,
    /// Open ranges (seconds after midnight) for each weekday, Monday first.
    pub open: [Vec<(u32, u32)>; 7],
    /// New opening hours from a date on, in date order.
    pub open_changes: Vec<(Date, WeekHours)>,
    /// Callers waiting at closing.
    pub at_close: AtClose,
    /// Lines for waiting voice calls; `None`: no limit.
    pub max_waiting: Option<u32>,
    /// SLA targets.
    pub targets: Targets,
}

impl Service {
    /// Opening hours on `date` (closed on holidays).
    pub fn hours_on<'a>(&'a self, date: Date, holidays: &[Date]) -> &'a [(u32, u32)] {
        if holidays.contains(&date) {
            return &[];
        }
        let w = date.weekday().index();
        self.open_changes
            .iter()
            .rev()
            .find(|(from, _)| *from <= date)
            .map_or(&self.open[w], |(_, o)| &o[w])
    }
}

/// A volume multiplier over a date range.
#[derive(Debug, Clone, PartialEq)]
pub struct VolumeFactor {
    /// First date.
    pub from: Date,
    /// Last date, inclusive; `None` = open-ended.
    pub to: Option<Date>,
    /// Multiplier.
    pub factor: f64,
}

/// Demand while the service is closed.
#[derive(Debug, Clone, PartialEq)]
pub struct ClosedHours {
    /// Share who call at opening; the others give up.
    pub retry_share: f64,
    /// Delay after opening before they call (`None`: at opening).
    pub delay: Option<DurationDist>,
}

/// Redials after abandonment.
#[derive(Debug, Clone, PartialEq)]
pub struct Redial {
    /// Probability of calling again after abandoning.
    pub probability: f64,
    /// Delay before calling again.
    pub delay: DurationDist,
    /// Attempts at most, first call included.
    pub max_attempts: u32,
}

/// A handling-time factor over a date range, with an optional learning curve.
#[derive(Debug, Clone, PartialEq)]
pub struct HandlingEffect {
    /// First date.
    pub from: Date,
    /// Last date, inclusive; `None` = open-ended.
    pub to: Option<Date>,
    /// Factor before training.
    pub factor: f64,
    /// Training date, if any.
    pub training: Option<Date>,
    /// Half-life of the extra time after training, days.
    pub half_life_days: f64,
    /// Factor the learning curve tends to.
    pub floor: f64,
}

impl HandlingEffect {
    /// The factor on `date`: 1 outside the range; `factor` before training;
    /// after training `floor + (factor - floor) * 2^(-days since training / half-life)`.
    pub fn factor_on(&self, date: Date) -> f64 {
        if date < self.from || self.to.is_some_and(|t| date > t) {
            return 1.0;
        }
        match self.training {
            Some(t) if date >= t => {
                let days = date.days_since(t) as f64;
                self.floor + (self.factor - self.floor) * 0.5f64.powf(days / self.half_life_days)
            }
            _ => self.factor,
        }
    }
}

/// A distribution of durations, in seconds, with validated parameters.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum DurationDist {
    /// Exponential with this mean.
    Exponential {
        /// Mean, seconds.
        mean: f64,
    },
    /// Lognormal with this mean and coefficient of variation.
    LogNormal {
        /// Mean, seconds.
        mean: f64,
        /// Coefficient of variation (> 0).
        cv: f64,
    },
    /// Gamma with this mean and coefficient of variation.
    Gamma {
        /// Mean, seconds.
        mean: f64,
        /// Coefficient of variation (> 0).
        cv: f64,
    },
    /// Weibull with this mean and shape.
    Weibull {
        /// Mean, seconds.
        mean: f64,
        /// Shape k (< 1: decreasing hazard).
        shape: f64,
    },
    /// Always the same value.
    Deterministic {
        /// The value, seconds.
        value: f64,
    },
}

impl DurationDist {
    /// Mean of the distribution, seconds.
    pub fn mean(&self) -> f64 {
        match *self {
            DurationDist::Exponential { mean }
            | DurationDist::LogNormal { mean, .. }
            | DurationDist::Gamma { mean, .. }
            | DurationDist::Weibull { mean, .. } => mean,
            DurationDist::Deterministic { value } => value,
        }
    }
}

/// How arrival instants are drawn within an interval.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArrivalProcess {
    /// Poisson with the interval's rate (exact for piecewise-constant rates).
    Poisson,
    /// Evenly spaced at 1/rate, restarting at each rate change (for tests worked out by hand).
    Deterministic,
}

/// A call type.
#[derive(Debug, Clone, PartialEq)]
pub struct CallType {
    /// Unique name.
    pub name: String,
    /// Index into [`Scenario::services`].
    pub service: usize,
    /// Arrival rate per second during the open part of each interval, per weekday.
    pub rate_per_s: [Vec<f64>; 7],
    /// Arrival process.
    pub process: ArrivalProcess,
    /// Handling time.
    pub handling: DurationDist,
    /// Patience; `None` means callers never abandon.
    pub patience: Option<DurationDist>,
    /// Priority class (higher is served first).
    pub priority: i32,
    /// Waiting-time head start under longest-waiting selection, seconds.
    pub priority_credit_s: f64,
    /// Volume multipliers over date ranges.
    pub volume_factors: Vec<VolumeFactor>,
    /// Coefficient of variation of the daily gamma volume factor (0: none).
    pub day_cv: f64,
    /// Demand while closed; `None`: no call arrives while closed.
    pub closed_hours: Option<ClosedHours>,
    /// Redials after abandonment.
    pub redial: Option<Redial>,
    /// Handling-time effects.
    pub handling_effects: Vec<HandlingEffect>,
    /// After-call work.
    pub wrap_up: Option<DurationDist>,
    /// Probability that an answered call is resolved at first contact.
    pub first_contact_resolution: f64,
    /// IVR before the queue.
    pub ivr: Option<Ivr>,
    /// Channel.
    pub channel: Channel,
    /// Call type that unresolved answered calls escalate to.
    pub escalate_to: Option<usize>,
    /// Completion target on the working-hours clock.
    pub target: Option<WorkTarget>,
    /// Packs released at clock times.
    pub packs: Vec<Pack>,
    /// Call back offered to waiting callers.
    pub callback: Option<Callback>,
}

/// A call back offered to callers still waiting after `offer_after_s`:
/// the share who accept leave the queue and are called back by an agent
/// of a group that serves the call type, in idle time like a deferred item.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Callback {
    /// Wait after which the offer is made, seconds.
    pub offer_after_s: f64,
    /// Share of the callers offered who accept.
    pub accept_share: f64,
    /// Promise: called back within this many working seconds of the
    /// service after accepting.
    pub within_s: f64,
}

/// The IVR in front of a call type's queue.
#[derive(Debug, Clone, PartialEq)]
pub struct Ivr {
    /// Share of callers served by the IVR alone.
    pub self_service_share: f64,
    /// Time in the IVR before the queue, if any.
    pub duration: Option<DurationDist>,
}

/// The channel of a call type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    /// Telephone calls: callers wait and may abandon.
    Voice,
    /// E-mail, fax, SMS, letters: worked when no call waits.
    Email,
    /// Second-level cases: worked when no call waits.
    Case,
    /// Outbound contacts: worked when no call waits.
    Outbound,
}

impl Channel {
    /// True for deferred channels (everything but voice).
    pub fn is_deferred(self) -> bool {
        self != Channel::Voice
    }
}

/// A completion target in working hours.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WorkTarget {
    /// Working hours allowed, as seconds.
    pub within_working_s: f64,
    /// Target share completed within it.
    pub share: f64,
}

/// A pack of items released at a clock time on some weekdays.
#[derive(Debug, Clone, PartialEq)]
pub struct Pack {
    /// Release time, seconds after midnight.
    pub at: u32,
    /// Weekdays.
    pub days: [bool; 7],
    /// Items in the pack.
    pub size: u32,
}

impl CallType {
    /// Product of the volume factors in force on `date`.
    pub fn volume_factor(&self, date: Date) -> f64 {
        self.volume_factors
            .iter()
            .filter(|v| date >= v.from && v.to.is_none_or(|t| date <= t))
            .map(|v| v.factor)
            .product()
    }

    /// Product of the handling-time effects in force on `date`.
    pub fn handling_factor(&self, date: Date) -> f64 {
        self.handling_effects
            .iter()
            .map(|e| e.factor_on(date))
            .product()
    }
}

/// An agent group.
#[derive(Debug, Clone, PartialEq)]
pub struct AgentGroup {
    /// Unique name.
    pub name: String,
    /// Call types served, most preferred first (indices into [`Scenario::call_types`]).
    pub skills: Vec<usize>,
    /// Agents scheduled per interval of each weekday (from `agents` and `shifts`).
    pub staffing: [Vec<u32>; 7],
    /// Share of scheduled agents not available.
    pub shrinkage: f64,
    /// Factor on the handling times of this group.
    pub handling_factor: f64,
    /// Whether deferred items wait until no voice call of the group waits.
    pub calls_first: bool,
    /// Deferred items are taken only while more agents than this are idle.
    pub blend_reserve: u32,
    /// Handling-time effects of this group: the call type it applies to
    /// (`None`: all of its skills) and the effect.
    pub handling_effects: Vec<(Option<usize>, HandlingEffect)>,
    /// Cost of one paid agent-hour, in [`CostSettings::currency`]; `None`: not given.
    pub hourly_cost: Option<f64>,
}

impl AgentGroup {
    /// Product of the group's handling-time effects on call type `ct` on `date`.
    pub fn handling_factor_on(&self, ct: usize, date: Date) -> f64 {
        self.handling_effects
            .iter()
            .filter(|(c, _)| c.is_none_or(|c| c == ct))
            .map(|(_, e)| e.factor_on(date))
            .product()
    }

    /// Agents available when `scheduled` are scheduled: `round(scheduled * (1 - shrinkage))`.
    pub fn available(&self, scheduled: u32) -> u32 {
        (f64::from(scheduled) * (1.0 - self.shrinkage)).round() as u32
    }
}

/// A validated scenario. Construct it with [`Scenario::load`] or [`Scenario::from_toml`].
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    /// Name used in results.
    pub name: String,
    /// Free text.
    pub description: Option<String>,
    /// Simulated period.
    pub horizon: Horizon,
    /// Replications and seed.
    pub run: RunSettings,
    /// Services.
    pub services: Vec<Service>,
    /// Call types.
    pub call_types: Vec<CallType>,
    /// Agent groups.
    pub groups: Vec<AgentGroup>,
    /// Reporting windows.
    pub windows: Vec<Window>,
    /// Routing policies.
    pub routing: Routing,
    /// Application outages.
    pub outages: Vec<Outage>,
    /// Currency and full-time equivalent hours (`[cost]`).
    pub cost: CostSettings,
    /// The shifts `staff --shifts` may plan (`[shift_rules]`, or the
    /// built-in rules).
    pub shift_rules: ShiftRules,
    /// The files and `--set` changes it was made from.
    pub provenance: Provenance,
}

/// What a scenario was made from, beyond its own file: recorded in results.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Provenance {
    /// The files it extends, nearest base first (empty for a file on its own).
    pub extends: Vec<String>,
    /// The `--set PATH=VALUE` changes, in the order applied.
    pub set: Vec<String>,
}

impl Provenance {
    /// Adds `extends` and `set` to a JSON result object when not empty.
    pub fn record(&self, v: &mut serde_json::Value) {
        if let Some(o) = v.as_object_mut() {
            if !self.extends.is_empty() {
                o.insert("extends".into(), serde_json::json!(self.extends));
            }
            if !self.set.is_empty() {
                o.insert("set".into(), serde_json::json!(self.set));
            }
        }
    }

    /// The same as text lines, for table outputs.
    pub fn lines(&self) -> String {
        let mut out = String::new();
        for f in &self.extends {
            out.push_str(&format!("extends {f}\n"));
        }
        for s in &self.set {
            out.push_str(&format!("--set {s}\n"));
        }
        out
    }
}

/// A scenario as loaded by [`Scenario::load_with`]: validated, with the
/// warnings about likely mistakes and the resolved text.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The validated scenario.
    pub scenario: Scenario,
    /// Likely mistakes, each `file:line: field = value: message`.
    pub warnings: Vec<String>,
    source: Source,
}

#[derive(Debug, Clone)]
enum Source {
    /// A file on its own: its text.
    Text(String),
    /// An overlay or `--set`: the merged value.
    Merged(toml::Table),
}

impl Loaded {
    /// True when the scenario is not a file on its own: it extends another
    /// or has `--set` changes.
    pub fn is_resolved(&self) -> bool {
        matches!(self.source, Source::Merged(_))
    }

    /// The full scenario as one TOML file (overlays merged, `--set`
    /// applied): what `ccsim check --resolved` prints. A file on its own is
    /// printed as written.
    pub fn resolved_toml(&self) -> String {
        match &self.source {
            Source::Text(t) => t.clone(),
            Source::Merged(v) => {
                let mut v = v.clone();
                if !v.contains_key("name") {
                    v.insert(
                        "name".into(),
                        toml::Value::String(self.scenario.name.clone()),
                    );
                }
                overlay::to_toml(&v)
            }
        }
    }
}

/// `[cost]`: how paid hours are turned into money and full-time equivalents.
#[derive(Debug, Clone, PartialEq)]
pub struct CostSettings {
    /// Currency of the groups' `hourly_cost`, e.g. "EUR".
    pub currency: Option<String>,
    /// Paid hours per week of one full-time equivalent (default
    /// [`DEFAULT_FTE_HOURS_PER_WEEK`]).
    pub fte_hours_per_week: f64,
}

/// Paid hours per week of one full-time equivalent when `[cost]` does not
/// say: 36 h, an assumption (contracts range from about 35 to 40 h); each
/// center sets its own.
pub const DEFAULT_FTE_HOURS_PER_WEEK: f64 = 36.0;

impl Default for CostSettings {
    fn default() -> Self {
        CostSettings {
            currency: None,
            fte_hours_per_week: DEFAULT_FTE_HOURS_PER_WEEK,
        }
    }
}

/// Which group an arriving call goes to when several have an idle agent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum AgentSelection {
    /// The group where the call type ranks highest among its skills, then file order.
    #[default]
    SpecialistsFirst,
    /// The group with the lowest share of busy agents (load balancing).
    LeastBusy,
}

/// Which waiting call a freed agent takes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum CallSelection {
    /// Highest priority class, then the group's skill order.
    #[default]
    Priority,
    /// Highest priority class, then the call that has waited longest.
    LongestWaiting,
    /// Longest-waiting with head starts: the call that has waited longest
    /// plus its call type's `priority_credit_s`. Never written: the model
    /// compiles `LongestWaiting` to it when a call type has a credit, so that
    /// scenarios without credits keep the plain loop.
    WaitingCredit,
}

/// Routing policies of the center.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Routing {
    /// Arriving calls.
    pub agent_selection: AgentSelection,
    /// Freed agents.
    pub call_selection: CallSelection,
}

/// What an outage stops.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutageEffect {
    /// Calls of the affected types are not answered while it lasts.
    NoAnswer,
    /// Calls are answered, but one that would end while it lasts is not resolved.
    NoCompletion,
}

/// An application whose outages stop work on some call types.
#[derive(Debug, Clone, PartialEq)]
pub struct Outage {
    /// Unique name.
    pub name: String,
    /// Index into [`Scenario::services`].
    pub service: usize,
    /// Affected call types (indices into [`Scenario::call_types`]).
    pub call_types: Vec<usize>,
    /// Effect.
    pub effect: OutageEffect,
    /// Random failures: (mean time between failures, mean time to repair), seconds.
    pub random: Option<(f64, f64)>,
    /// Scheduled outages: (date, from, to), seconds after midnight.
    pub scheduled: Vec<(Date, u32, u32)>,
}

/// A reporting window: KPIs pooled over some intervals of some weekdays.
#[derive(Debug, Clone, PartialEq)]
pub struct Window {
    /// Name shown in results.
    pub name: String,
    /// Weekdays it covers, Monday first.
    pub days: [bool; 7],
    /// First interval of the day it covers.
    pub first_interval: usize,
    /// One past the last interval it covers.
    pub end_interval: usize,
}

impl Scenario {
    /// Reads and validates a scenario file, with the files it extends.
    ///
    /// # Errors
    /// [`ScenarioError`] naming the file: unreadable, TOML error with line and
    /// column, or every invalid value with its file, line, field path and value.
    pub fn load(path: &Path) -> Result<Scenario, ScenarioError> {
        Self::load_with(path, &[]).map(|l| l.scenario)
    }

    /// Reads a scenario file, merges the files it extends and the `--set
    /// PATH=VALUE` changes `sets` (see [`overlay`] for the rules), and
    /// validates the result.
    ///
    /// # Errors
    /// As [`Scenario::load`]; a bad `--set` is named with its value.
    pub fn load_with(path: &Path, sets: &[String]) -> Result<Loaded, ScenarioError> {
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "scenario".into());
        let chain = overlay::read_chain(path)?;
        Self::load_chain(chain, sets, &stem)
    }

    /// Validates `text`, an overlay of the file `base` that is not (yet) a
    /// file itself, as if it were saved as `label` beside `base` with
    /// `extends` naming `base`: what `ccsim serve` checks each edit with,
    /// before it is saved. Errors name `label` and the field path.
    ///
    /// # Errors
    /// As [`Scenario::load`].
    pub fn load_overlay_text(
        base: &Path,
        label: &str,
        text: &str,
    ) -> Result<Loaded, ScenarioError> {
        let mut chain = overlay::read_chain(base)?;
        let table = overlay::parse_table(text, label)?;
        chain
            .files
            .push((label.to_string(), text.to_string(), table));
        let stem = Path::new(label)
            .file_stem()
            .map_or_else(|| "scenario".into(), |s| s.to_string_lossy().into_owned());
        Self::load_chain(chain, &[], &stem)
    }

    fn load_chain(
        mut chain: overlay::Chain,
        sets: &[String],
        stem: &str,
    ) -> Result<Loaded, ScenarioError> {
        let stem = stem.to_string();
        if chain.files.len() == 1 && sets.is_empty() {
            let (file, text, _) = chain.files.pop().expect("one file");
            let raw = validate::parse(&text, &file)?;
            let loc = validate::Loc::Text(locate::Locator::new(&text));
            let (scenario, warnings) = validate::validate_at(&raw, loc, &file, &stem)?;
            let warnings = warnings.iter().map(|w| w.located(&file)).collect();
            return Ok(Loaded {
                scenario,
                warnings,
                source: Source::Text(text),
            });
        }
        let file = chain.files.last().map(|f| f.0.clone()).unwrap_or_default();
        let extends: Vec<String> = chain.files[..chain.files.len() - 1]
            .iter()
            .rev()
            .map(|f| f.0.clone())
            .collect();
        let merged = overlay::merge(chain, sets)?;
        let loc = overlay::MergedLocator::new(&merged);
        let raw: raw::RawScenario = serde_path_to_error::deserialize(toml::Value::Table(
            merged.value.clone(),
        ))
        .map_err(|e| {
            let path = e.path().to_string();
            let path = if path == "." { String::new() } else { path };
            let (at, line) = loc.find(&path);
            ScenarioError::Invalid {
                file: file.clone(),
                issues: vec![Issue {
                    file: at,
                    line,
                    path,
                    value: String::new(),
                    message: e.into_inner().message().trim().to_string(),
                }],
            }
        })?;
        let (mut scenario, warnings) =
            validate::validate_at(&raw, validate::Loc::Merged(loc), &file, &stem)?;
        scenario.provenance = Provenance {
            extends,
            set: sets.to_vec(),
        };
        let warnings = warnings.iter().map(|w| w.located(&file)).collect();
        Ok(Loaded {
            scenario,
            warnings,
            source: Source::Merged(merged.value),
        })
    }

    /// Parses and validates scenario text; `file` names it in errors and
    /// `default_name` is used when the file has no `name`.
    ///
    /// # Errors
    /// As [`Scenario::load`].
    pub fn from_toml(
        text: &str,
        file: &str,
        default_name: &str,
    ) -> Result<Scenario, ScenarioError> {
        let raw = validate::parse(text, file)?;
        validate::validate(&raw, text, file, default_name)
    }

    /// Index of the call type with this name.
    pub fn call_type_index(&self, name: &str) -> Option<usize> {
        self.call_types.iter().position(|c| c.name == name)
    }

    /// Index of the agent group with this name.
    pub fn group_index(&self, name: &str) -> Option<usize> {
        self.groups.iter().position(|g| g.name == name)
    }
}
