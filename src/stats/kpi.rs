//! The KPIs ccsim reports, and how each is computed from a bucket's counters.

use serde::{Serialize, Serializer};

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
    /// Waiting callers offered a call back.
    CallbacksOffered,
    /// Callers who accepted a call back (they left the queue).
    CallbacksAccepted,
    /// Call backs made within the promise / accepted.
    CallbacksWithinPromise,
    /// Mean time from accepting a call back to being called back, seconds.
    CallbackWaitS,
    /// Calls that got a busy signal (every waiting line taken).
    Blocked,
    /// Blocked / (offered + blocked).
    BlockedShare,
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
    pub const ALL: [Kpi; 35] = [
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
        Kpi::CallbacksOffered,
        Kpi::CallbacksAccepted,
        Kpi::CallbacksWithinPromise,
        Kpi::CallbackWaitS,
        Kpi::Blocked,
        Kpi::BlockedShare,
        Kpi::Continuity,
        Kpi::ScheduledAgentHours,
        Kpi::BusyAgentHours,
        Kpi::OvertimeAgentHours,
    ];
    /// KPIs reported for services: those of call types and continuity.
    pub const SERVICE_KPIS: [Kpi; 32] = Self::first_of_all();
    /// KPIs reported for call types (every KPI before `continuity`).
    pub const CALL_KPIS: [Kpi; 31] = Self::first_of_all();
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

    /// The row of [`KPI_TABLE`] describing this KPI.
    pub fn info(self) -> &'static KpiInfo {
        &KPI_TABLE[self.index()]
    }

    /// Name used in JSON, CSV and on the command line.
    pub fn name(self) -> &'static str {
        self.info().name
    }

    /// The KPI with this name.
    pub fn from_name(s: &str) -> Option<Kpi> {
        KPI_TABLE.iter().find(|i| i.name == s).map(|i| i.kpi)
    }

    /// Unit of the KPI's values.
    pub fn unit(self) -> Unit {
        self.info().unit
    }

    /// True for shares (printed as percentages).
    pub fn is_share(self) -> bool {
        self.info().unit == Unit::Share
    }

    /// Which direction of change is an improvement.
    pub fn polarity(self) -> Polarity {
        self.info().polarity
    }

    /// Position in [`Kpi::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }
}

impl Serialize for Kpi {
    /// A KPI serialises as its name.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

/// Unit of a KPI's values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// A number of calls, callers or items (mean per replication).
    Count,
    /// A share in [0, 1], printed as a percentage.
    Share,
    /// Seconds.
    Seconds,
    /// Hours.
    Hours,
    /// A ratio that is not a share (attempts per caller, items per closing).
    Ratio,
}

/// Which direction of change is an improvement: what `compare` calls
/// better or worse, and what `--fail-if-worse` judges.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Polarity {
    /// A larger value is better (service level).
    HigherIsBetter,
    /// A smaller value is better (abandonment).
    LowerIsBetter,
    /// Neither good nor bad in itself (offered calls, occupancy, handling
    /// time, agent-hours): a change is only `higher` or `lower`.
    Neutral,
}

/// One row of the KPI table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KpiInfo {
    /// The KPI.
    pub kpi: Kpi,
    /// Name used in JSON, CSV and on the command line.
    pub name: &'static str,
    /// Unit of its values.
    pub unit: Unit,
    /// Which direction of change is an improvement.
    pub polarity: Polarity,
}

impl KpiInfo {
    /// True for shares.
    pub fn is_share(&self) -> bool {
        self.unit == Unit::Share
    }
}

const fn row(kpi: Kpi, name: &'static str, unit: Unit, polarity: Polarity) -> KpiInfo {
    KpiInfo {
        kpi,
        name,
        unit,
        polarity,
    }
}

/// Every KPI's name, unit and polarity, in [`Kpi::ALL`] order: the one place
/// that says what a KPI is. Outputs, `compare`'s verdicts and
/// `--fail-if-worse` all read it.
pub const KPI_TABLE: [KpiInfo; Kpi::COUNT] = {
    use Polarity::{HigherIsBetter as Up, LowerIsBetter as Down, Neutral};
    use Unit::{Count, Hours, Ratio, Seconds, Share};
    [
        row(Kpi::Offered, "offered", Count, Neutral),
        row(Kpi::Answered, "answered", Count, Up),
        row(Kpi::Abandoned, "abandoned", Count, Down),
        row(Kpi::ServiceLevel, "service_level", Share, Up),
        row(
            Kpi::ServiceLevelOfAnswered,
            "service_level_of_answered",
            Share,
            Up,
        ),
        row(
            Kpi::ServiceLevelExcludingShortAbandons,
            "service_level_excluding_short_abandons",
            Share,
            Up,
        ),
        row(Kpi::AbandonRate, "abandon_rate", Share, Down),
        row(Kpi::AsaS, "asa_s", Seconds, Down),
        row(
            Kpi::MeanWaitAbandonedS,
            "mean_wait_abandoned_s",
            Seconds,
            Neutral,
        ),
        row(Kpi::MeanHandlingS, "mean_handling_s", Seconds, Neutral),
        row(Kpi::HandledWithinShare, "handled_within_share", Share, Up),
        row(Kpi::Occupancy, "occupancy", Share, Neutral),
        row(
            Kpi::FirstContactResolution,
            "first_contact_resolution",
            Share,
            Up,
        ),
        row(Kpi::Callers, "callers", Count, Neutral),
        row(Kpi::CallerAnsweredShare, "caller_answered_share", Share, Up),
        row(Kpi::CallerAbandonRate, "caller_abandon_rate", Share, Down),
        row(Kpi::AttemptsPerCaller, "attempts_per_caller", Ratio, Down),
        row(Kpi::LostWhileClosed, "lost_while_closed", Count, Down),
        row(Kpi::DoneWithinTarget, "done_within_target_share", Share, Up),
        row(Kpi::Escalated, "escalated", Count, Down),
        row(
            Kpi::PacksWithinTarget,
            "packs_within_target_share",
            Share,
            Up,
        ),
        row(Kpi::IvrServed, "ivr_served", Count, Up),
        row(Kpi::ResolvedShare, "resolved_share", Share, Up),
        row(Kpi::NotCompletedOutage, "not_completed_outage", Count, Down),
        row(Kpi::BacklogAtClose, "backlog_at_close", Ratio, Down),
        row(Kpi::CallbacksOffered, "callbacks_offered", Count, Neutral),
        row(Kpi::CallbacksAccepted, "callbacks_accepted", Count, Neutral),
        row(
            Kpi::CallbacksWithinPromise,
            "callbacks_within_promise_share",
            Share,
            Up,
        ),
        row(Kpi::CallbackWaitS, "callback_wait_s", Seconds, Down),
        row(Kpi::Blocked, "blocked", Count, Down),
        row(Kpi::BlockedShare, "blocked_share", Share, Down),
        row(Kpi::Continuity, "continuity", Share, Up),
        row(
            Kpi::ScheduledAgentHours,
            "scheduled_agent_hours",
            Hours,
            Neutral,
        ),
        row(Kpi::BusyAgentHours, "busy_agent_hours", Hours, Neutral),
        row(
            Kpi::OvertimeAgentHours,
            "overtime_agent_hours",
            Hours,
            Neutral,
        ),
    ]
};

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
            Kpi::CallbacksOffered => c.callbacks_offered,
            Kpi::CallbacksAccepted => c.callbacks_accepted,
            Kpi::CallbacksWithinPromise => ratio(c.callbacks_within, c.callbacks_accepted),
            Kpi::CallbackWaitS => ratio(c.callback_wait_s, c.callbacks_made),
            Kpi::Blocked => c.blocked,
            Kpi::BlockedShare => ratio(c.blocked, c.offered + c.blocked),
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
        assert_eq!(Kpi::CALL_KPIS.last(), Some(&Kpi::BlockedShare));
        assert_eq!(Kpi::SERVICE_KPIS.last(), Some(&Kpi::Continuity));
        assert!(
            Kpi::ALL
                .iter()
                .all(|k| Kpi::from_name(k.name()) == Some(*k))
        );
    }

    #[test]
    fn the_table_has_one_row_per_kpi_in_order() {
        for (i, k) in Kpi::ALL.iter().enumerate() {
            assert_eq!(KPI_TABLE[i].kpi, *k, "row {i}");
        }
        let mut names: Vec<&str> = KPI_TABLE.iter().map(|r| r.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Kpi::COUNT, "names are unique");
    }
}
