//! ccsim's integration tests, one binary with modules by topic.

mod common;

mod cli;
mod contact_center;
mod cup;
mod erlang;
mod fit;
mod mechanics;
mod validation;
