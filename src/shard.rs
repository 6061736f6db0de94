//! Sharded runs (`--shard K/N`) and their exact merge (`ccsim merge`).
//!
//! A shard simulates a contiguous block of replications of every scenario
//! of a command and writes a **partial result**: each replication reduced
//! to its KPI values ([`Reduced`]), exactly as [`experiment::simulate`]
//! folds them. The merge reads the parts in shard order and folds the same
//! values in the same replication order with the same code, so the merged
//! result is bit-identical to the unsharded one whatever N is (summing
//! Welford states of blocks would not be: floating-point addition is not
//! associative).
//!
//! File layout (little-endian), format [`FORMAT`]:
//!
//! ```text
//! "CCSIMPRT"  u32 format  u32 header length  header (JSON, see Header)
//! for each scenario, for each replication of the block:
//!     values_len × f64 KPI values, f64 unfinished, u64 events, u64 calls
//! u64 FNV-1a checksum of every byte before it
//! ```

use std::io::{BufReader, Read, Write};
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::experiment::{self, Reduced, RunOutput};
use crate::scenario::Scenario;
use crate::stats::summary::{ReducedReplication, SummaryBuilder};

/// First bytes of every partial result.
pub const MAGIC: &[u8; 8] = b"CCSIMPRT";
/// Version of the file layout; a reader refuses any other.
pub const FORMAT: u32 = 1;
/// Most shards of one command (a Slurm array holds at most 1001 tasks by
/// default; shards beyond the replications would be empty).
pub const MAX_SHARDS: u32 = 100_000;
/// Largest header accepted when reading (the command line and scenario list).
const MAX_HEADER: u32 = 16 << 20;
/// File-name suffix of a partial result.
pub const SUFFIX: &str = "ccpart";

/// `--shard K/N`: shard K (0-based, a Slurm array index) of N.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// This shard, 0 to N-1.
    pub k: u32,
    /// Number of shards.
    pub n: u32,
}

impl Shard {
    /// Parses `K/N` with 0 <= K < N <= [`MAX_SHARDS`].
    ///
    /// # Errors
    /// What is wrong, for clap to print after the flag and value (exit 2).
    pub fn parse(s: &str) -> Result<Shard, String> {
        let (k, n) = s
            .split_once('/')
            .ok_or_else(|| "must be K/N, e.g. 0/8 (K from 0 to N-1)".to_string())?;
        let num = |x: &str, what: &str| {
            x.trim()
                .parse::<u32>()
                .map_err(|_| format!("{what} `{x}` is not a whole number (use K/N, e.g. 0/8)"))
        };
        let (k, n) = (num(k, "K")?, num(n, "N")?);
        if n == 0 || n > MAX_SHARDS {
            return Err(format!(
                "N = {n}: the number of shards must be from 1 to {MAX_SHARDS}"
            ));
        }
        if k >= n {
            return Err(format!(
                "K = {k}: shards are numbered from 0 to N-1 = {} (0-based, as Slurm array indices)",
                n - 1
            ));
        }
        Ok(Shard { k, n })
    }

    /// The replications of this shard among `replications`: contiguous,
    /// sizes differing by at most one, in shard order.
    pub fn block(&self, replications: u32) -> Range<u32> {
        let at = |k: u32| (u64::from(k) * u64::from(replications) / u64::from(self.n)) as u32;
        at(self.k)..at(self.k + 1)
    }

    /// File name of this shard's partial result: `part-K-of-N.ccpart`, K
    /// zero-padded so that names sort in shard order.
    pub fn file_name(&self) -> String {
        let width = (self.n - 1).to_string().len();
        format!("part-{:0width$}-of-{}.{SUFFIX}", self.k, self.n)
    }
}

/// One simulated scenario of a shard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScenarioRef {
    /// Scenario name.
    pub name: String,
    /// [`scenario_hash`] of the scenario as simulated.
    pub hash: String,
    /// KPI values per replication.
    pub values: usize,
}

/// What a partial result says about itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    /// ccsim version that wrote it.
    pub ccsim_version: String,
    /// `run`, `compare` or `sweep`.
    pub command: String,
    /// The shard's command line (`ccsim` first); the merge replays it.
    pub args: Vec<String>,
    /// The shard's working folder, where relative scenario paths start.
    pub dir: String,
    /// Master seed.
    pub seed: u64,
    /// Replications of the whole command.
    pub replications: u32,
    /// K.
    pub shard: u32,
    /// N.
    pub shards: u32,
    /// First replication of the block.
    pub first: u32,
    /// Replications in the block.
    pub count: u32,
    /// The scenarios simulated, in order.
    pub scenarios: Vec<ScenarioRef>,
}

impl Header {
    /// Bytes of the file this header announces.
    fn file_len(&self, header_len: usize) -> u64 {
        let per_rep: u64 = self
            .scenarios
            .iter()
            .map(|s| (s.values as u64 + 3) * 8)
            .sum();
        16 + header_len as u64 + per_rep * u64::from(self.count) + 8
    }

    /// The first field in which `self` and `other` belong to different
    /// jobs, with both values.
    fn differs(&self, other: &Header) -> Option<String> {
        let f = |name: &str, a: String, b: String| (a != b).then(|| format!("{name} {a} vs {b}"));
        f(
            "ccsim version",
            self.ccsim_version.clone(),
            other.ccsim_version.clone(),
        )
        .or_else(|| f("command", self.command.clone(), other.command.clone()))
        .or_else(|| f("seed", self.seed.to_string(), other.seed.to_string()))
        .or_else(|| {
            f(
                "replications",
                self.replications.to_string(),
                other.replications.to_string(),
            )
        })
        .or_else(|| {
            f(
                "N (shards)",
                self.shards.to_string(),
                other.shards.to_string(),
            )
        })
        .or_else(|| {
            let names = |h: &Header| {
                h.scenarios
                    .iter()
                    .map(|s| format!("{} ({})", s.name, s.hash))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            f("scenarios", names(self), names(other))
        })
    }
}

/// FNV-1a, 64 bits: the scenario hash and the file checksum (a guard
/// against truncated, edited or mixed files, not a cryptographic seal).
#[derive(Debug, Clone, Copy)]
struct Fnv(u64);

impl Fnv {
    fn new() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
    fn update(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
}

/// Hash of a validated scenario (all its values, after overrides such as a
/// sweep level), as 16 hex digits: parts of one job agree on it, and the
/// merge checks the scenario files it reads again against it.
pub fn scenario_hash(sc: &Scenario) -> String {
    let mut h = Fnv::new();
    h.update(format!("{sc:?}").as_bytes());
    format!("{:016x}", h.0)
}

/// A writer that checksums what passes through it.
struct Summing<'a> {
    inner: &'a mut dyn Write,
    sum: Fnv,
}

impl Write for Summing<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.sum.update(&buf[..n]);
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// What a shard is asked to do.
#[derive(Debug, Clone)]
pub struct ShardJob<'a> {
    /// `run`, `compare` or `sweep`.
    pub command: &'a str,
    /// The command line, `ccsim` first.
    pub args: Vec<String>,
    /// The scenarios to simulate, in the order the command simulates them.
    pub scenarios: &'a [Scenario],
    /// Replications of the whole command.
    pub replications: u32,
    /// Master seed.
    pub seed: u64,
    /// K/N.
    pub shard: Shard,
}

/// Simulates the shard's block of replications on the current rayon pool
/// and writes its partial result to `path` (whole: temporary file, then
/// rename). Returns the block.
///
/// # Errors
/// The I/O error, naming the file.
pub fn write_part(job: &ShardJob, path: &Path) -> std::io::Result<Range<u32>> {
    let block = job.shard.block(job.replications);
    let mut builders: Vec<SummaryBuilder> = job.scenarios.iter().map(SummaryBuilder::new).collect();
    let header = Header {
        ccsim_version: env!("CARGO_PKG_VERSION").to_string(),
        command: job.command.to_string(),
        args: job.args.clone(),
        dir: std::env::current_dir()
            .map(|d| d.display().to_string())
            .unwrap_or_default(),
        seed: job.seed,
        replications: job.replications,
        shard: job.shard.k,
        shards: job.shard.n,
        first: block.start,
        count: block.len() as u32,
        scenarios: job
            .scenarios
            .iter()
            .zip(&builders)
            .map(|(sc, b)| ScenarioRef {
                name: sc.name.clone(),
                hash: scenario_hash(sc),
                values: b.values_len(),
            })
            .collect(),
    };
    let json = serde_json::to_vec(&header).map_err(std::io::Error::other)?;
    crate::io::write_atomic_shared(path, |w| {
        let mut w = Summing {
            inner: w,
            sum: Fnv::new(),
        };
        w.write_all(MAGIC)?;
        w.write_all(&FORMAT.to_le_bytes())?;
        w.write_all(&(json.len() as u32).to_le_bytes())?;
        w.write_all(&json)?;
        let mut result = Ok(());
        let mut buf = Vec::new();
        experiment::replicate(
            job.scenarios,
            &mut builders,
            block.clone(),
            job.seed,
            None,
            |_, _, red| {
                if result.is_err() {
                    return;
                }
                buf.clear();
                for v in red.values.values() {
                    buf.extend_from_slice(&v.to_le_bytes());
                }
                buf.extend_from_slice(&red.values.unfinished().to_le_bytes());
                buf.extend_from_slice(&red.events.to_le_bytes());
                buf.extend_from_slice(&red.calls.to_le_bytes());
                result = w.write_all(&buf);
            },
        );
        result?;
        let sum = w.sum.0;
        w.inner.write_all(&sum.to_le_bytes())
    })?;
    Ok(block)
}

/// A partial result that failed a check: the file and the reason.
#[derive(Debug, thiserror::Error)]
#[error("{file}: {reason}")]
pub struct PartError {
    /// The file, or the part number when it is missing.
    pub file: String,
    /// Why it is refused.
    pub reason: String,
}

fn refuse(file: &Path, reason: impl Into<String>) -> PartError {
    PartError {
        file: file.display().to_string(),
        reason: reason.into(),
    }
}

/// A checked partial result: its header, where its body starts.
#[derive(Debug, Clone)]
pub struct Part {
    /// The file (absolute).
    pub path: PathBuf,
    /// Its header.
    pub header: Header,
    header_len: usize,
}

/// Reads and checks the header and length of one partial result.
///
/// # Errors
/// [`PartError`] naming the file: not a partial result, another format or
/// ccsim version, an inconsistent header, truncated or too long.
pub fn read_part(path: &Path) -> Result<Part, PartError> {
    let meta = std::fs::metadata(path).map_err(|e| refuse(path, e.to_string()))?;
    if !meta.is_file() {
        return Err(refuse(path, "not a regular file"));
    }
    let mut f = std::fs::File::open(path).map_err(|e| refuse(path, e.to_string()))?;
    let mut head = [0u8; 16];
    f.read_exact(&mut head).map_err(|_| {
        refuse(
            path,
            format!(
                "truncated ({} bytes): not a whole partial result",
                meta.len()
            ),
        )
    })?;
    if &head[..8] != MAGIC {
        return Err(refuse(
            path,
            "not a ccsim partial result (written by `--shard K/N --out DIR`)",
        ));
    }
    let format = u32::from_le_bytes([head[8], head[9], head[10], head[11]]);
    if format != FORMAT {
        return Err(refuse(
            path,
            format!(
                "partial-result format {format}; this ccsim {} reads format {FORMAT}",
                env!("CARGO_PKG_VERSION")
            ),
        ));
    }
    let len = u32::from_le_bytes([head[12], head[13], head[14], head[15]]);
    if len > MAX_HEADER || u64::from(len) + 16 > meta.len() {
        return Err(refuse(path, "truncated or damaged header"));
    }
    let mut json = vec![0u8; len as usize];
    f.read_exact(&mut json)
        .map_err(|e| refuse(path, e.to_string()))?;
    let header: Header =
        serde_json::from_slice(&json).map_err(|e| refuse(path, format!("damaged header: {e}")))?;
    if header.ccsim_version != env!("CARGO_PKG_VERSION") {
        return Err(refuse(
            path,
            format!(
                "written by ccsim {}, this is ccsim {}: merge with the version that ran the shards",
                header.ccsim_version,
                env!("CARGO_PKG_VERSION")
            ),
        ));
    }
    let shard = Shard {
        k: header.shard,
        n: header.shards,
    };
    if header.shards == 0
        || header.shards > MAX_SHARDS
        || header.shard >= header.shards
        || shard.block(header.replications) != (header.first..header.first + header.count)
        || header.args.is_empty()
    {
        return Err(refuse(path, "damaged header: inconsistent shard or block"));
    }
    let expected = header.file_len(json.len());
    if meta.len() < expected {
        return Err(refuse(
            path,
            format!(
                "truncated: {} bytes, the header announces {expected}",
                meta.len()
            ),
        ));
    }
    if meta.len() > expected {
        return Err(refuse(
            path,
            format!(
                "{} bytes more than the header announces ({expected}): damaged or appended to",
                meta.len() - expected
            ),
        ));
    }
    let path = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    Ok(Part {
        path,
        header,
        header_len: json.len(),
    })
}

/// Checks that `parts` are the N parts of one job, each K once, and returns
/// them in shard order.
///
/// # Errors
/// [`PartError`] naming the foreign or duplicated file, or the missing parts.
pub fn assemble(mut parts: Vec<Part>) -> Result<Vec<Part>, PartError> {
    // The job most parts belong to is the reference: the odd part out is
    // the one named.
    let key = |h: &Header| {
        let mut h = h.clone();
        (h.shard, h.first, h.count) = (0, 0, 0);
        (h.args, h.dir) = (Vec::new(), String::new());
        format!("{h:?}")
    };
    let mut votes: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for p in &parts {
        *votes.entry(key(&p.header)).or_default() += 1;
    }
    let Some(first) = parts.iter().max_by_key(|p| votes[&key(&p.header)]).cloned() else {
        return Err(PartError {
            file: "merge".into(),
            reason: "no partial result given".into(),
        });
    };
    for p in &parts {
        if let Some(d) = p.header.differs(&first.header) {
            return Err(refuse(
                &p.path,
                format!("belongs to another job than {} ({d})", first.path.display()),
            ));
        }
    }
    parts.sort_by_key(|p| p.header.shard);
    for w in parts.windows(2) {
        if w[0].header.shard == w[1].header.shard {
            return Err(refuse(
                &w[1].path,
                format!(
                    "part {} of {} given twice (also {})",
                    w[1].header.shard,
                    w[1].header.shards,
                    w[0].path.display()
                ),
            ));
        }
    }
    let n = first.header.shards;
    if parts.len() as u32 != n {
        let missing: Vec<String> = (0..n)
            .filter(|k| !parts.iter().any(|p| p.header.shard == *k))
            .map(|k| Shard { k, n }.file_name())
            .collect();
        let shown = missing.iter().take(10).cloned().collect::<Vec<_>>();
        return Err(PartError {
            file: "merge".into(),
            reason: format!(
                "{} of {n} parts missing: {}{} (rerun those shards, e.g. `--shard {}/{n}`)",
                missing.len(),
                shown.join(", "),
                if missing.len() > shown.len() {
                    ", ..."
                } else {
                    ""
                },
                (0..n)
                    .find(|k| !parts.iter().any(|p| p.header.shard == *k))
                    .unwrap_or(0)
            ),
        });
    }
    Ok(parts)
}

fn read_f64(r: &mut impl Read) -> std::io::Result<f64> {
    let mut b = [0u8; 8];
    r.read_exact(&mut b)?;
    Ok(f64::from_le_bytes(b))
}

fn read_u64(r: &mut impl Read) -> std::io::Result<u64> {
    let mut b = [0u8; 8];
    r.read_exact(&mut b)?;
    Ok(u64::from_le_bytes(b))
}

/// A reader that checksums what it reads.
struct Checked<R> {
    inner: R,
    sum: Fnv,
}

impl<R: Read> Read for Checked<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.sum.update(&buf[..n]);
        Ok(n)
    }
}

/// Folds the parts (checked by [`assemble`]) of a job that simulates
/// `scenarios`, in replication order, into the outputs the unsharded
/// command computes.
///
/// # Errors
/// [`PartError`] when the scenarios are not the ones the parts were run
/// with, or a part's content does not match its checksum.
pub fn fold(parts: &[Part], scenarios: &[Scenario]) -> Result<Vec<RunOutput>, PartError> {
    let first = &parts[0];
    let h = &first.header;
    let mut builders: Vec<SummaryBuilder> = scenarios.iter().map(SummaryBuilder::new).collect();
    let now: Vec<String> = scenarios.iter().map(scenario_hash).collect();
    if now.len() != h.scenarios.len() {
        return Err(refuse(
            &first.path,
            format!(
                "the command now simulates {} scenarios, the parts {}",
                now.len(),
                h.scenarios.len()
            ),
        ));
    }
    for ((sc, hash), r) in scenarios.iter().zip(&now).zip(&h.scenarios) {
        if *hash != r.hash {
            return Err(refuse(
                &first.path,
                format!(
                    "scenario `{}` has changed since the shards ran (hash {hash}, the parts have {} of `{}`): rerun the shards",
                    sc.name, r.hash, r.name
                ),
            ));
        }
    }
    for (b, r) in builders.iter().zip(&h.scenarios) {
        if b.values_len() != r.values {
            return Err(refuse(
                &first.path,
                "damaged header: wrong number of values",
            ));
        }
    }
    let mut counts = vec![(0u64, 0u64); scenarios.len()];
    for part in parts {
        let bad = |e: std::io::Error| refuse(&part.path, format!("cannot read: {e}"));
        let f = std::fs::File::open(&part.path).map_err(bad)?;
        let mut r = Checked {
            inner: BufReader::with_capacity(1 << 20, f),
            sum: Fnv::new(),
        };
        let mut skip = vec![0u8; 16 + part.header_len];
        r.read_exact(&mut skip).map_err(bad)?;
        for (i, b) in builders.iter_mut().enumerate() {
            let len = h.scenarios[i].values;
            for _ in 0..part.header.count {
                let mut values = vec![0f64; len];
                for v in &mut values {
                    *v = read_f64(&mut r).map_err(bad)?;
                }
                let unfinished = read_f64(&mut r).map_err(bad)?;
                let red = Reduced {
                    values: ReducedReplication::from_parts(values, unfinished),
                    events: read_u64(&mut r).map_err(bad)?,
                    calls: read_u64(&mut r).map_err(bad)?,
                };
                b.push(&red.values);
                counts[i].0 += red.events;
                counts[i].1 += red.calls;
            }
        }
        let sum = r.sum.0;
        let stored = read_u64(&mut r.inner).map_err(bad)?;
        if sum != stored {
            return Err(refuse(
                &part.path,
                "checksum mismatch: the file was changed or damaged after it was written",
            ));
        }
    }
    Ok(experiment::finish(
        scenarios,
        &builders,
        &counts,
        h.replications,
        h.seed,
    ))
}
