//! ccsim's integration tests, one binary with modules by topic.

mod common;

mod callback;
mod cli;
mod compare;
mod contact_center;
mod crn;
mod cup;
mod erlang;
mod fit;
mod mechanics;
mod report;
mod staffing;
mod validation;
