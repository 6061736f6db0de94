//! # ccsim — contact-center simulator and staffing optimizer
//!
//! ccsim simulates the queues of a contact center call by call, many
//! replications at a time, and reports every SLA with its 95% confidence
//! interval per interval of the day, per day and over the horizon.
//!
//! The pipeline flows one way:
//!
//! ```text
//! scenario file --scenario::Scenario::load--> Scenario (checked, names resolved)
//!   --model::Center::new--> Center (flat tables, samplers)
//!   --model::sim::Replication::run--> stats::cells::Tallies (one replication)
//!   --stats::summary::SummaryBuilder--> stats::Summary (means, CIs, compliance)
//!   --report--> terminal table, JSON, CSV
//! ```
//!
//! [`experiment::run`] drives the replications in parallel with rayon;
//! [`analytic`] holds the exact Erlang B/C/A formulas the simulation is
//! tested against; [`fit`] calibrates a scenario from a call log; [`cli`]
//! is the command line.

pub mod analytic;
pub mod calendar;
pub mod cli;
pub mod compare;
pub mod cost;
pub mod engine;
pub mod estimate;
pub mod experiment;
pub mod fit;
pub mod io;
pub mod model;
pub mod optimize;
pub mod report;
pub mod scenario;
pub mod serve;
pub mod shard;
pub mod stats;
