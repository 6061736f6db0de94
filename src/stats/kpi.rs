//! The KPIs ccsim reports, and how each is computed from a bucket's counters.

use super::cells::{CallCell, GroupCell, ServiceCell};

/// A key performance indicator. The order is the order of every output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kpi {
    /// Callers who reached the queue (after IVR self-service).
    Offered,
    /// Calls answered by an agent.
    Answered,
    /// Callers who abandoned (or were dropped at closing).
    Abandoned,
    /// Answered within the threshold / offered: the service level ccsim reports.
    ServiceLevel,
    /// Answered within the threshold / answered.
    ServiceLevelOfAnswered,
    /// Answered within the threshold / (answered + abandoned after the threshold).
    ServiceLevelExcludingShortAbandons,
    /// Abandoned / offered.
    AbandonRate,
    /// Mean wait of answered calls (average speed of answer), seconds.
    AsaS,
    /// Mean time to abandon of abandoned calls, seconds.
    MeanWaitAbandonedS,
    /// Mean handling time of answered calls, seconds.
    MeanHandlingS,
    /// Answered calls handled within the handling-time target / answered.
    HandledWithinShare,
    /// Busy agent time / present agent time of the agent groups concerned.
    Occupancy,
    /// Answered calls resolved at first contact / answered.
    FirstContactResolution,
    /// Distinct callers (first attempts; a redial is the same caller).
    Callers,
    /// Callers answered at some attempt / callers.
    CallerAnsweredShare,
    /// Callers whose last attempt was abandoned / callers.
    CallerAbandonRate,
    /// Offered calls (attempts) per caller.
    AttemptsPerCaller,
    /// Callers who wanted to call while the service was closed and gave up.
    LostWhileClosed,
    /// Items completed within the call type's working-hours target / offered.
    DoneWithinTarget,
    /// Answered calls escalated to another call type (second level).
    Escalated,
    /// Packs completed within the working-hours target / packs released.
    PacksWithinTarget,
    /// Callers served by the IVR alone (not offered to the queue).
    IvrServed,
    /// Resolved / offered: for a second-level call type, the share of
    /// escalated cases the second level resolved.
    ResolvedShare,
    /// Answered calls not completed because an outage was on when they ended.
    NotCompletedOutage,
    /// Items waiting when the service closes, mean over its closing days.
    BacklogAtClose,
    /// Share of opening hours with no outage of the service (services only).
    Continuity,
    /// Scheduled agent time, hours.
    ScheduledAgentHours,
    /// Agent time spent handling calls, hours.
    BusyAgentHours,
    /// Agent time past the end of shifts to finish calls, hours.
    OvertimeAgentHours,
}

impl Kpi {
    /// Every KPI, in output order.
    pub const ALL: [Kpi; 29] = [
        Kpi::Offered,
        Kpi::Answered,
        Kpi::Abandoned,
        Kpi::ServiceLevel,
        Kpi::ServiceLevelOfAnswered,
        Kpi::ServiceLevelExcludingShortAbandons,
        Kpi::AbandonRate,
        Kpi::AsaS,
        Kpi::MeanWaitAbandonedS,
        Kpi::MeanHandlingS,
        Kpi::HandledWithinShare,
        Kpi::Occupancy,
        Kpi::FirstContactResolution,
        Kpi::Callers,
        Kpi::CallerAnsweredShare,
        Kpi::CallerAbandonRate,
        Kpi::AttemptsPerCaller,
        Kpi::LostWhileClosed,
        Kpi::DoneWithinTarget,
        Kpi::Escalated,
        Kpi::PacksWithinTarget,
        Kpi::IvrServed,
        Kpi::ResolvedShare,
        Kpi::NotCompletedOutage,
        Kpi::BacklogAtClose,
        Kpi::Continuity,
        Kpi::ScheduledAgentHours,
        Kpi::BusyAgentHours,
        Kpi::OvertimeAgentHours,
    ];
    /// KPIs reported for services: those of call types and continuity.
    pub const SERVICE_KPIS: [Kpi; 26] = Self::first_of_all();
    /// KPIs reported for call types (every KPI before `continuity`).
    pub const CALL_KPIS: [Kpi; 25] = Self::first_of_all();
    /// KPIs reported for agent groups.
    pub const GROUP_KPIS: [Kpi; 4] = [
        Kpi::Occupancy,
        Kpi::ScheduledAgentHours,
        Kpi::BusyAgentHours,
        Kpi::OvertimeAgentHours,
    ];
    /// Number of KPIs.
    pub const COUNT: usize = Self::ALL.len();

    /// The first `N` KPIs of [`Kpi::ALL`].
    const fn first_of_all<const N: usize>() -> [Kpi; N] {
        let mut out = [Kpi::Offered; N];
        let mut i = 0;
        while i < N {
            out[i] = Self::ALL[i];
            i += 1;
        }
        out
    }

    /// Name used in JSON, CSV and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Kpi::Offered => "offered",
            Kpi::Answered => "answered",
            Kpi::Abandoned => "abandoned",
            Kpi::ServiceLevel => "service_level",
            Kpi::ServiceLevelOfAnswered => "service_level_of_answered",
            Kpi::ServiceLevelExcludingShortAbandons => "service_level_excluding_short_abandons",
            Kpi::AbandonRate => "abandon_rate",
            Kpi::AsaS => "asa_s",
            Kpi::MeanWaitAbandonedS => "mean_wait_abandoned_s",
            Kpi::MeanHandlingS => "mean_handling_s",
            Kpi::HandledWithinShare => "handled_within_share",
            Kpi::Occupancy => "occupancy",
            Kpi::FirstContactResolution => "first_contact_resolution",
            Kpi::Callers => "callers",
            Kpi::CallerAnsweredShare => "caller_answered_share",
            Kpi::CallerAbandonRate => "caller_abandon_rate",
            Kpi::AttemptsPerCaller => "attempts_per_caller",
            Kpi::LostWhileClosed => "lost_while_closed",
            Kpi::DoneWithinTarget => "done_within_target_share",
            Kpi::Escalated => "escalated",
            Kpi::PacksWithinTarget => "packs_within_target_share",
            Kpi::IvrServed => "ivr_served",
            Kpi::ResolvedShare => "resolved_share",
            Kpi::NotCompletedOutage => "not_completed_outage",
            Kpi::BacklogAtClose => "backlog_at_close",
            Kpi::Continuity => "continuity",
            Kpi::ScheduledAgentHours => "scheduled_agent_hours",
            Kpi::BusyAgentHours => "busy_agent_hours",
            Kpi::OvertimeAgentHours => "overtime_agent_hours",
        }
    }

    /// The KPI with this name.
    pub fn from_name(s: &str) -> Option<Kpi> {
        Self::ALL.iter().copied().find(|k| k.name() == s)
    }

    /// True for shares (printed as percentages).
    pub fn is_share(self) -> bool {
        matches!(
            self,
            Kpi::ServiceLevel
                | Kpi::ServiceLevelOfAnswered
                | Kpi::ServiceLevelExcludingShortAbandons
                | Kpi::AbandonRate
                | Kpi::HandledWithinShare
                | Kpi::Occupancy
                | Kpi::FirstContactResolution
                | Kpi::CallerAnsweredShare
                | Kpi::CallerAbandonRate
                | Kpi::DoneWithinTarget
                | Kpi::PacksWithinTarget
                | Kpi::ResolvedShare
                | Kpi::Continuity
        )
    }

    /// True when a larger value is better (for comparisons).
    pub fn higher_is_better(self) -> bool {
        !matches!(
            self,
            Kpi::Abandoned
                | Kpi::AbandonRate
                | Kpi::AsaS
                | Kpi::MeanHandlingS
                | Kpi::ScheduledAgentHours
                | Kpi::OvertimeAgentHours
                | Kpi::CallerAbandonRate
                | Kpi::AttemptsPerCaller
                | Kpi::LostWhileClosed
                | Kpi::Escalated
                | Kpi::NotCompletedOutage
                | Kpi::BacklogAtClose
        )
    }

    /// Position in [`Kpi::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }
}

fn ratio(a: f64, b: f64) -> f64 {
    if b > 0.0 { a / b } else { f64::NAN }
}

/// Computes every KPI of one bucket of one replication; NaN where undefined.
pub fn compute(c: &CallCell, g: &GroupCell, s: &ServiceCell) -> [f64; Kpi::COUNT] {
    let mut out = [f64::NAN; Kpi::COUNT];
    for k in Kpi::ALL {
        out[k.index()] = match k {
            Kpi::Offered => c.offered,
            Kpi::Answered => c.answered,
            Kpi::Abandoned => c.abandoned,
            Kpi::ServiceLevel => ratio(c.answered_within, c.offered),
            Kpi::ServiceLevelOfAnswered => ratio(c.answered_within, c.answered),
            Kpi::ServiceLevelExcludingShortAbandons => ratio(
                c.answered_within,
                c.answered + c.abandoned - c.abandoned_within,
            ),
            Kpi::AbandonRate => ratio(c.abandoned, c.offered),
            Kpi::AsaS => ratio(c.wait_answered_s, c.answered),
            Kpi::MeanWaitAbandonedS => ratio(c.wait_abandoned_s, c.abandoned),
            Kpi::MeanHandlingS => ratio(c.handling_s, c.answered),
            Kpi::HandledWithinShare => ratio(c.handled_within, c.answered),
            Kpi::Occupancy => ratio(g.busy_s, g.present_s),
            Kpi::FirstContactResolution => ratio(c.resolved, c.answered),
            Kpi::Callers => c.callers,
            Kpi::CallerAnsweredShare => ratio(c.callers_answered, c.callers),
            Kpi::CallerAbandonRate => ratio(c.callers_lost, c.callers),
            Kpi::AttemptsPerCaller => ratio(c.offered, c.callers),
            Kpi::LostWhileClosed => c.lost_while_closed,
            Kpi::DoneWithinTarget => ratio(c.done_within, c.offered),
            Kpi::Escalated => c.escalated,
            Kpi::PacksWithinTarget => ratio(c.packs_within, c.packs),
            Kpi::IvrServed => c.ivr_served,
            Kpi::ResolvedShare => ratio(c.resolved, c.offered),
            Kpi::NotCompletedOutage => c.not_completed,
            Kpi::BacklogAtClose => ratio(c.backlog_at_close, c.closings),
            Kpi::Continuity => 1.0 - ratio(s.down_s, s.open_s),
            Kpi::ScheduledAgentHours => g.scheduled_s / 3600.0,
            Kpi::BusyAgentHours => g.busy_s / 3600.0,
            Kpi::OvertimeAgentHours => (g.present_s - g.scheduled_s).max(0.0) / 3600.0,
        };
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kpi_lists_follow_the_output_order() {
        assert!(Kpi::ALL.iter().enumerate().all(|(i, k)| k.index() == i));
        assert_eq!(Kpi::CALL_KPIS.last(), Some(&Kpi::BacklogAtClose));
        assert_eq!(Kpi::SERVICE_KPIS.last(), Some(&Kpi::Continuity));
        assert!(
            Kpi::ALL
                .iter()
                .all(|k| Kpi::from_name(k.name()) == Some(*k))
        );
    }
}
