//! Paid agent-hours, full-time equivalents and cost, read from the validated
//! [`Scenario`].
//!
//! An agent is **paid** for an interval of a date when the group schedules
//! them there **and** at least one service whose call types the group
//! serves is open during part of that interval on that date. Holidays,
//! closed days and closed hours (a lunch closure) cost nothing, whatever the
//! staffing lists say. This is the one definition of paid hours: `staff`,
//! `sweep`, shift plans and reports all read it.
//!
//! FTE = paid hours / (`[cost].fte_hours_per_week` × weeks of the horizon),
//! weeks = days / 7. Cost = paid hours × `agent_group.hourly_cost`, when the
//! group has one.

use crate::scenario::Scenario;

/// For one agent group: on how many dates of the horizon each (weekday,
/// interval) is paid. Paid hours of any staffing profile of the group are
/// then `Σ agents[w][i] × days[w][i] × interval hours`, without walking the
/// calendar again (see [`PaidDays::hours`]).
#[derive(Debug, Clone, PartialEq)]
pub struct PaidDays {
    /// Dates of the horizon on which interval `i` of weekday `w` is paid
    /// (open for the group), Monday first.
    pub days: [Vec<u32>; 7],
    /// Interval length, hours.
    pub interval_h: f64,
}

impl PaidDays {
    /// The paid (weekday, interval) counts of group `g` of `sc`.
    pub fn of_group(sc: &Scenario, g: usize) -> PaidDays {
        let h = &sc.horizon;
        let ipd = h.intervals_per_day();
        let mut days: [Vec<u32>; 7] = std::array::from_fn(|_| vec![0; ipd]);
        let services = services_of_group(sc, g);
        for d in 0..h.days as usize {
            let date = h.date(d);
            let w = date.weekday().index();
            for (i, n) in open_intervals(sc, &services, date).into_iter().enumerate() {
                days[w][i] += u32::from(n);
            }
        }
        PaidDays {
            days,
            interval_h: f64::from(h.interval_s) / 3600.0,
        }
    }

    /// Paid hours of a staffing profile (agents per interval of each
    /// weekday, as [`crate::scenario::AgentGroup::staffing`]).
    pub fn hours(&self, staffing: &[Vec<u32>; 7]) -> f64 {
        let mut sum = 0u64;
        for (agents, days) in staffing.iter().zip(&self.days) {
            for (&a, &n) in agents.iter().zip(days) {
                sum += u64::from(a) * u64::from(n);
            }
        }
        sum as f64 * self.interval_h
    }

    /// Whether interval `i` of weekday `w` is paid on at least one date.
    pub fn is_paid(&self, w: usize, i: usize) -> bool {
        self.days[w].get(i).is_some_and(|&n| n > 0)
    }
}

/// Services whose call types group `g` serves, in index order.
pub fn services_of_group(sc: &Scenario, g: usize) -> Vec<usize> {
    let mut out: Vec<usize> = sc.groups[g]
        .skills
        .iter()
        .map(|&c| sc.call_types[c].service)
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// For each interval of `date`: whether one of `services` is open during
/// part of it (closed all day on a holiday).
fn open_intervals(sc: &Scenario, services: &[usize], date: crate::calendar::Date) -> Vec<bool> {
    let h = &sc.horizon;
    let mut open = vec![false; h.intervals_per_day()];
    for &s in services {
        for &(a, b) in sc.services[s].hours_on(date, &h.holidays) {
            if b <= a {
                continue;
            }
            let first = (a / h.interval_s) as usize;
            let last = (b - 1) / h.interval_s;
            for slot in open.iter_mut().take(last as usize + 1).skip(first) {
                *slot = true;
            }
        }
    }
    open
}

/// Paid agent-hours of group `g` over the horizon: its staffing counted
/// only where it is paid (see the module documentation).
pub fn paid_hours(sc: &Scenario, g: usize) -> f64 {
    PaidDays::of_group(sc, g).hours(&sc.groups[g].staffing)
}

/// Paid hours, FTE and cost of one agent group.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupCost {
    /// Group name.
    pub group: String,
    /// Paid agent-hours over the horizon.
    pub paid_hours: f64,
    /// Full-time equivalents: paid hours / (FTE hours per week × weeks).
    pub fte: f64,
    /// Paid hours × `hourly_cost`; `None` when the group has no `hourly_cost`.
    pub cost: Option<f64>,
}

/// Paid hours, FTE and cost of every agent group of a scenario, with totals.
#[derive(Debug, Clone, PartialEq)]
pub struct CostSummary {
    /// One entry per agent group, in file order.
    pub groups: Vec<GroupCost>,
    /// Sum of the groups' paid hours.
    pub paid_hours: f64,
    /// Sum of the groups' FTE.
    pub fte: f64,
    /// Sum of the groups' costs; `None` unless every group has an `hourly_cost`.
    pub cost: Option<f64>,
    /// `[cost].currency`, if given.
    pub currency: Option<String>,
    /// Paid hours per week of one FTE used for `fte`.
    pub fte_hours_per_week: f64,
    /// Weeks of the horizon (days / 7).
    pub weeks: f64,
}

/// Full-time equivalents of `paid_hours` over the horizon of `sc`.
pub fn fte(sc: &Scenario, paid_hours: f64) -> f64 {
    let weeks = f64::from(sc.horizon.days) / 7.0;
    paid_hours / (sc.cost.fte_hours_per_week * weeks)
}

/// Paid hours, FTE and cost of every group of `sc`.
pub fn summary(sc: &Scenario) -> CostSummary {
    let groups: Vec<GroupCost> = sc
        .groups
        .iter()
        .enumerate()
        .map(|(g, grp)| {
            let paid = paid_hours(sc, g);
            GroupCost {
                group: grp.name.clone(),
                paid_hours: paid,
                fte: fte(sc, paid),
                cost: grp.hourly_cost.map(|c| c * paid),
            }
        })
        .collect();
    let cost = groups.iter().map(|g| g.cost).sum::<Option<f64>>();
    CostSummary {
        paid_hours: groups.iter().map(|g| g.paid_hours).sum(),
        fte: groups.iter().map(|g| g.fte).sum(),
        cost,
        currency: sc.cost.currency.clone(),
        fte_hours_per_week: sc.cost.fte_hours_per_week,
        weeks: f64::from(sc.horizon.days) / 7.0,
        groups,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two weeks from Monday 2025-01-06, 60-minute intervals, a service
    /// open 08:00-12:00 and 13:00-17:00 Monday to Friday.
    fn office(extra_horizon: &str, extra: &str) -> Scenario {
        let text = format!(
            r#"
[horizon]
start = 2025-01-06
days = 14
interval_minutes = 60
{extra_horizon}

[[service]]
name = "office"
open = {{ mon-fri = "08:00-12:00,13:00-17:00" }}
targets = {{ service_level = 0.8 }}

[[call_type]]
name = "calls"
service = "office"
arrivals = {{ per_hour = 10 }}
handling = {{ dist = "exponential", mean_s = 180 }}

[[agent_group]]
name = "team"
skills = ["calls"]
agents = 3
{extra}
"#
        );
        Scenario::from_toml(&text, "office.toml", "office").unwrap()
    }

    #[test]
    fn closed_days_and_the_lunch_closure_cost_nothing() {
        // 3 agents listed around the clock, every day: only the 8 open
        // hours of the 10 weekdays are paid.
        let sc = office("", "");
        assert_eq!(paid_hours(&sc, 0), 3.0 * 8.0 * 10.0);
        let pd = PaidDays::of_group(&sc, 0);
        assert!(!pd.is_paid(0, 12), "the lunch hour is not paid");
        assert!(pd.is_paid(0, 11) && pd.is_paid(0, 13));
        assert!(!pd.is_paid(5, 10), "Saturday is closed");
        assert_eq!(pd.days[0][9], 2, "two Mondays in the horizon");
    }

    #[test]
    fn a_holiday_costs_nothing() {
        let sc = office("holidays = [2025-01-07]", "");
        assert_eq!(paid_hours(&sc, 0), 3.0 * 8.0 * 9.0);
        assert_eq!(PaidDays::of_group(&sc, 0).days[1][9], 1);
    }

    #[test]
    fn a_partly_open_interval_is_paid_whole() {
        let mut sc = office("", "");
        // Open 08:30-12:00 only on Mondays: the 08:00 interval is still paid.
        sc.services[0].open[0] = vec![(8 * 3600 + 1800, 12 * 3600)];
        let pd = PaidDays::of_group(&sc, 0);
        assert!(pd.is_paid(0, 8));
        assert!(!pd.is_paid(0, 7));
        assert!(!pd.is_paid(0, 12));
    }

    #[test]
    fn fte_and_cost_arithmetic() {
        let sc = office(
            "",
            "hourly_cost = 25.5\n[cost]\ncurrency = \"EUR\"\nfte_hours_per_week = 40",
        );
        let s = summary(&sc);
        // 240 paid hours over 2 weeks of 40 h: 3 FTE.
        assert_eq!(s.paid_hours, 240.0);
        assert!((s.fte - 3.0).abs() < 1e-12);
        assert_eq!(s.groups[0].cost, Some(240.0 * 25.5));
        assert_eq!(s.cost, Some(240.0 * 25.5));
        assert_eq!(s.currency.as_deref(), Some("EUR"));
        assert!((s.weeks - 2.0).abs() < 1e-12);
        // Default 36 h per week, no hourly cost: no cost.
        let d = summary(&office("", ""));
        assert!((d.fte - 240.0 / 72.0).abs() < 1e-12);
        assert_eq!(d.cost, None);
        assert_eq!(d.groups[0].cost, None);
    }

    #[test]
    fn bad_cost_fields_name_file_line_field_and_value() {
        let bad = |extra: &str| {
            let text = format!(
                "[horizon]\nstart = 2025-01-06\n[[service]]\nname = \"s\"\n[[call_type]]\nname = \"c\"\nservice = \"s\"\narrivals = {{ per_hour = 1 }}\nhandling = {{ dist = \"exponential\", mean_s = 60 }}\n[[agent_group]]\nname = \"g\"\nskills = [\"c\"]\nagents = 1\n{extra}\n"
            );
            Scenario::from_toml(&text, "c.toml", "c")
                .unwrap_err()
                .to_string()
        };
        let e = bad("hourly_cost = -3");
        assert!(
            e.contains("c.toml")
                && e.contains("c.toml:14:")
                && e.contains("agent_group[0].hourly_cost")
                && e.contains("-3"),
            "{e}"
        );
        let e = bad("[cost]\nfte_hours_per_week = 0");
        assert!(
            e.contains("c.toml:15:") && e.contains("cost.fte_hours_per_week") && e.contains("> 0"),
            "{e}"
        );
        let e = bad("[cost]\ncurrency = \"\"");
        assert!(e.contains("cost.currency"), "{e}");
        let e = bad("[cost]\nrate = 3");
        assert!(e.contains("rate"), "{e}");
    }
}
