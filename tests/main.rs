//! ccsim's integration tests, one binary with modules by topic.

mod common;

mod cli;
mod compare;
mod erlang;
mod mechanics;
mod report;
mod validation;
