//! ccsim's integration tests, one binary with modules by topic.

mod common;

mod calibration;
mod callback;
mod cli;
mod compare;
mod contact_center;
mod crn;
mod cup;
mod erlang;
mod estimate;
mod fit;
mod fuzz;
mod hostile;
mod mechanics;
mod overlay;
mod report;
mod serve;
mod shard;
mod staffing;
mod validation;
mod warnings;
