//! ccsim's integration tests, one binary with modules by topic.

mod common;

mod cli;
mod erlang;
mod mechanics;
mod staffing;
mod validation;
