//! Statistics: streaming tallies of a replication ([`cells`]), their
//! reduction to reporting buckets and KPIs ([`kpi`]), and estimates with
//! confidence intervals over replications ([`estimate`], [`summary`]).

pub mod cells;
pub mod estimate;
pub mod kpi;
pub mod summary;

pub use estimate::{Estimate, TQuantiles, Welford};
pub use kpi::Kpi;
pub use summary::{Compliance, Direction, EntitySummary, Status, Summary};
