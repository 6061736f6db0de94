//! Resource estimate of a run, before it starts: expected simulated calls,
//! peak memory per replication and for the run, and the size of the JSON
//! result (`ccsim check --estimate`; `ccsim run` refuses above a limit).
//!
//! The estimate follows the structures that a run allocates (read-only from
//! the validated [`Scenario`]):
//! - per replication and worker thread, the tallies: one cell per call type,
//!   agent group and service for every interval of the horizon
//!   (`days * 1440 / interval_minutes`);
//! - the callers waiting at once. When arrivals exceed what the agents can
//!   answer and callers never abandon (no `patience`, deferred channels,
//!   packs), the queue grows over the horizon: the worst backlog is taken as
//!   the expected arrivals of such call types minus the agents' capacity for
//!   them (agent-seconds over the horizon divided by the handling time);
//! - per replication in flight (a batch of 64) its KPI values, and for the
//!   run the running means of every KPI of every entity and bucket;
//! - the result itself (summary, JSON text).
//!
//! Constants were calibrated against measured peaks (VmHWM) of `ccsim run`;
//! the tests keep the estimate within a factor of 2 of the measurement.

use crate::scenario::{Channel, Scenario};
use crate::stats::Kpi;
use crate::stats::cells::{CallCell, GroupCell, ServiceCell};

/// Memory of the process before any scenario-sized allocation: code, thread
/// stacks touched, allocator arenas, bytes.
const BASE_BYTES: f64 = 6.0 * 1024.0 * 1024.0;
/// Memory per worker thread besides its tallies (stack, allocator arena).
const THREAD_BYTES: f64 = 0.5 * 1024.0 * 1024.0;
/// Memory of one waiting caller (its record, queue entry and events).
const WAITING_CALL_BYTES: f64 = 64.0;
/// JSON bytes per KPI of an entity in one bucket (interval of the week,
/// day, window or horizon), as `to_string_pretty` writes them.
const JSON_BYTES_PER_BUCKET: f64 = 2100.0;
/// Replications reduced together (`experiment::BATCH`).
const BATCH: f64 = 64.0;

/// The resource estimate of one run.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Estimate {
    /// Scenario name.
    pub scenario: String,
    /// Replications of the run.
    pub replications: u32,
    /// Worker threads assumed.
    pub threads: usize,
    /// Expected calls (and deferred items) arriving in one replication.
    pub calls_per_replication: f64,
    /// Expected calls over all replications.
    pub calls_total: f64,
    /// Worst number of callers waiting at once in one replication.
    pub peak_waiting: f64,
    /// Peak memory of one replication (its tallies and queue), bytes.
    pub memory_per_replication_bytes: f64,
    /// Peak memory of the whole run at `threads` threads, bytes.
    pub memory_peak_bytes: f64,
    /// Size of the JSON result (`--format json`, `summary.json`), bytes.
    pub json_output_bytes: f64,
    /// The scenario's fields that drive the estimate, with their values.
    pub drivers: Vec<String>,
}

/// The estimate of running `sc` with `replications` (default: the
/// scenario's) on `threads` threads.
pub fn estimate(sc: &Scenario, replications: Option<u32>, threads: usize) -> Estimate {
    let h = &sc.horizon;
    let days = h.days as usize;
    let ipd = h.intervals_per_day();
    let n_intervals = (days * ipd) as f64;
    let interval_s = f64::from(h.interval_s);
    let (n_ct, n_g, n_s) = (sc.call_types.len(), sc.groups.len(), sc.services.len());
    let replications = replications.unwrap_or(sc.run.replications);
    let threads = threads.max(1).min(replications.max(1) as usize);

    // Expected arrivals per call type over the horizon.
    let mut arrivals = vec![0.0f64; n_ct];
    for (c, ct) in sc.call_types.iter().enumerate() {
        for d in 0..days {
            let date = h.date(d);
            if h.holidays.contains(&date) {
                continue;
            }
            let w = date.weekday().index();
            let day: f64 = ct.rate_per_s[w].iter().sum::<f64>() * interval_s;
            let packs: f64 = ct
                .packs
                .iter()
                .filter(|p| p.days[w])
                .map(|p| f64::from(p.size))
                .sum();
            arrivals[c] += day * ct.volume_factor(date) + packs;
        }
    }
    let calls_per_replication: f64 = arrivals.iter().sum();

    // Voice calls of a service with `max_waiting` lines: never more waiting.
    let lined = |c: usize| {
        let ct = &sc.call_types[c];
        ct.channel == Channel::Voice && sc.services[ct.service].max_waiting.is_some()
    };
    // Callers who never abandon: the queue keeps what the agents cannot take.
    let never_abandon = |c: usize| {
        let ct = &sc.call_types[c];
        !lined(c) && (ct.patience.is_none() || ct.channel != Channel::Voice)
    };
    let stuck: Vec<usize> = (0..n_ct).filter(|&c| never_abandon(c)).collect();
    let stuck_arrivals: f64 = stuck.iter().map(|&c| arrivals[c]).sum();
    let mut peak_waiting = 0.0;
    if stuck_arrivals > 0.0 {
        let aht = stuck
            .iter()
            .map(|&c| arrivals[c] * sc.call_types[c].handling.mean())
            .sum::<f64>()
            / stuck_arrivals;
        let agent_seconds: f64 = sc
            .groups
            .iter()
            .filter(|g| g.skills.iter().any(|s| stuck.contains(s)))
            .map(|g| {
                (0..days)
                    .map(|d| {
                        let w = h.weekday(d).index();
                        g.staffing[w]
                            .iter()
                            .map(|&n| f64::from(g.available(n)))
                            .sum::<f64>()
                            * interval_s
                            / g.handling_factor
                    })
                    .sum::<f64>()
            })
            .sum();
        let capacity = if aht > 0.0 {
            agent_seconds / aht
        } else {
            f64::INFINITY
        };
        peak_waiting += (stuck_arrivals - capacity).max(0.0);
    }
    peak_waiting += sc
        .services
        .iter()
        .filter_map(|s| s.max_waiting)
        .map(f64::from)
        .sum::<f64>();
    // Callers who abandon wait at most about their patience.
    for (c, ct) in sc.call_types.iter().enumerate() {
        if lined(c) {
            continue;
        }
        if let Some(p) = &ct.patience {
            let peak_rate = ct
                .rate_per_s
                .iter()
                .flat_map(|d| d.iter().copied())
                .fold(0.0, f64::max);
            peak_waiting += (peak_rate * p.mean()).min(arrivals[c]);
        }
    }

    let cell_bytes = (n_ct * size_of::<CallCell>()
        + n_g * size_of::<GroupCell>()
        + n_s * size_of::<ServiceCell>()) as f64;
    let tallies = cell_bytes * n_intervals;
    let memory_per_replication_bytes = tallies + peak_waiting * WAITING_CALL_BYTES;

    // Entities reported: services, call types, groups. Buckets: every
    // interval of the week, every day, the horizon, every window.
    let entities = (n_s + n_ct + n_g) as f64;
    let buckets = (7 * ipd + days + 1 + sc.windows.len()) as f64;
    let kpi = Kpi::COUNT as f64;
    let values = entities * buckets * kpi * 8.0;
    let in_flight = BATCH.min(f64::from(replications)) * values
        + f64::from(threads.min(replications as usize) as u32)
            * buckets
            * (size_of::<CallCell>() + size_of::<GroupCell>() + size_of::<ServiceCell>()) as f64;
    let accumulators = entities * buckets * kpi * 24.0;
    let totals = entities * f64::from(replications) * kpi * 8.0;
    // The result lists the intervals of the weekdays that the horizon has.
    let weekdays = days.min(7);
    let json_buckets = (weekdays * ipd + days + 1 + sc.windows.len()) as f64;
    let json_output_bytes = entities * json_buckets * JSON_BYTES_PER_BUCKET;
    // The summary in memory and its JSON text, CSV and table at the end.
    let output = 2.0 * json_output_bytes;
    let memory_peak_bytes = BASE_BYTES
        + threads as f64 * (THREAD_BYTES + memory_per_replication_bytes)
        + in_flight
        + accumulators
        + totals
        + output;

    let mut drivers = vec![
        format!("horizon.days = {days}"),
        format!("horizon.interval_minutes = {}", h.interval_s / 60),
        format!("{n_ct} call_type(s), {n_g} agent_group(s), {n_s} service(s)"),
        format!("run.replications = {replications} (on {threads} thread(s))"),
    ];
    if peak_waiting > 1e5 {
        let names: Vec<&str> = stuck
            .iter()
            .map(|&c| sc.call_types[c].name.as_str())
            .take(5)
            .collect();
        drivers.push(format!(
            "about {peak_waiting:.3e} callers waiting at once: arrivals (arrivals.per_hour/per_day, packs) of call type(s) without patience ({}) exceed what agent_group agents can answer over the horizon; add agents, a patience, waiting lines (service.max_waiting: callers beyond them hear a busy signal), or shorten the horizon",
            names.join(", ")
        ));
    }
    Estimate {
        scenario: sc.name.clone(),
        replications,
        threads,
        calls_per_replication,
        calls_total: calls_per_replication * f64::from(replications),
        peak_waiting,
        memory_per_replication_bytes,
        memory_peak_bytes,
        json_output_bytes,
        drivers,
    }
}

/// Total memory of this machine, bytes, from `/proc/meminfo` (`MemTotal`).
pub fn machine_memory_bytes() -> Option<f64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = text.lines().find(|l| l.starts_with("MemTotal:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024.0)
}

/// Memory assumed when the machine's cannot be read: 8 GiB.
pub const FALLBACK_MEMORY_BYTES: f64 = 8.0 * 1024.0 * 1024.0 * 1024.0;

/// The default limit of a run's estimated peak memory: half the machine's.
pub fn default_limit_bytes() -> f64 {
    machine_memory_bytes().unwrap_or(FALLBACK_MEMORY_BYTES) * 0.5
}

/// Parses a size such as `8G`, `512M`, `2GiB`, `1.5g` or `1000000` (bytes).
///
/// # Errors
/// A message naming the text when it is no size.
pub fn parse_size(s: &str) -> Result<f64, String> {
    let t = s.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let x: f64 = num
        .parse()
        .map_err(|_| format!("`{s}` is not a size like 8G, 512M or 2GiB"))?;
    let k = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1.0,
        "k" | "kb" | "kib" => 1024.0,
        "m" | "mb" | "mib" => 1024.0 * 1024.0,
        "g" | "gb" | "gib" => 1024.0 * 1024.0 * 1024.0,
        "t" | "tb" | "tib" => 1024.0_f64.powi(4),
        u => return Err(format!("`{s}`: unknown unit `{u}` (use K, M, G or T)")),
    };
    if !x.is_finite() || x <= 0.0 {
        return Err(format!("`{s}`: the size must be positive"));
    }
    Ok(x * k)
}

/// Bytes in a short human form: `1.2 GiB`.
pub fn human(bytes: f64) -> String {
    let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
    let mut x = bytes;
    let mut u = 0;
    while x >= 1024.0 && u + 1 < units.len() {
        x /= 1024.0;
        u += 1;
    }
    if u == 0 {
        format!("{x:.0} {}", units[u])
    } else {
        format!("{x:.1} {}", units[u])
    }
}

/// The peak resident memory of this process (VmHWM), kB, where `/proc`
/// gives it.
pub fn measured_peak_kb() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = text.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse() {
        assert_eq!(parse_size("1000"), Ok(1000.0));
        assert_eq!(parse_size("2K"), Ok(2048.0));
        assert_eq!(parse_size("1.5g"), Ok(1.5 * 1024.0 * 1024.0 * 1024.0));
        assert_eq!(parse_size("512MiB"), Ok(512.0 * 1024.0 * 1024.0));
        assert!(parse_size("lots").is_err());
        assert!(parse_size("0").is_err());
        assert!(parse_size("3X").is_err());
        assert_eq!(human(1536.0), "1.5 KiB");
    }
}
