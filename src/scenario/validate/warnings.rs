//! Likely mistakes: the scenario is valid and runs, but its results are
//! probably not what the planner meant.
use super::Validator;
use crate::scenario::Scenario;
use crate::scenario::raw::RawScenario;

pub(super) fn check(_v: &mut Validator<'_>, _raw: &RawScenario, _sc: &Scenario) {}
