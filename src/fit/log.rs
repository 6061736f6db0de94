//! Reading call logs and staffing tables: timestamps, columns and row checks.
//!
//! Both files are CSV with a header row; columns are found by name
//! (case-insensitive), so their order is free and extra columns are ignored.
//! The call log is read one row at a time ([`CallLogReader`]): nothing per
//! call is kept here.

use std::collections::{HashMap, VecDeque};
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use crate::calendar::{Date, parse_clock};

use super::FitError;

/// A timestamp of a log: the local wall-clock time and, when the text gave
/// one, its UTC offset.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Timestamp {
    /// Local time in seconds since 1970-01-01T00:00 (no zone applied).
    pub local_s: f64,
    /// UTC offset in seconds (`+01:00` is 3600); 0 when absent or `Z`.
    pub offset_s: i32,
}

impl Timestamp {
    /// The absolute instant (local time minus offset), for durations that
    /// stay right across a daylight-saving change.
    pub fn instant(&self) -> f64 {
        self.local_s - f64::from(self.offset_s)
    }
    /// The local date.
    pub fn date(&self) -> Date {
        epoch().add_days((self.local_s / 86_400.0).floor() as i64)
    }
    /// Seconds after local midnight.
    pub fn second_of_day(&self) -> f64 {
        self.local_s.rem_euclid(86_400.0)
    }
}

/// 1970-01-01.
pub fn epoch() -> Date {
    Date::from_ymd(1970, 1, 1).unwrap_or_else(|| unreachable!("1970-01-01 exists"))
}

fn digits(b: &[u8]) -> Option<u32> {
    if b.is_empty() {
        return None;
    }
    let mut v = 0u32;
    for &c in b {
        if !c.is_ascii_digit() {
            return None;
        }
        v = v * 10 + u32::from(c - b'0');
    }
    Some(v)
}

/// Parses an ISO 8601 timestamp as call logs write it:
/// `YYYY-MM-DDTHH:MM:SS`, optional fraction `.fff`, optional zone `Z`,
/// `+HH:MM`, `-HH:MM` or `+HHMM`. A space may replace the `T`.
/// Returns `None` for anything else, including impossible dates and times.
pub fn parse_timestamp(s: &str) -> Option<Timestamp> {
    let b = s.trim().as_bytes();
    if b.len() < 19 || b[4] != b'-' || b[7] != b'-' || b[13] != b':' || b[16] != b':' {
        return None;
    }
    if b[10] != b'T' && b[10] != b' ' && b[10] != b't' {
        return None;
    }
    let y = digits(&b[0..4])?;
    let mo = digits(&b[5..7])?;
    let d = digits(&b[8..10])?;
    let h = digits(&b[11..13])?;
    let mi = digits(&b[14..16])?;
    let se = digits(&b[17..19])?;
    if h > 23 || mi > 59 || se > 60 {
        return None;
    }
    let date = Date::from_ymd(i64::from(y), mo, d)?;
    let mut rest = &b[19..];
    let mut frac = 0.0;
    if let Some((&b'.', tail)) = rest.split_first() {
        let n = tail.iter().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 || n > 9 {
            return None;
        }
        frac = f64::from(digits(&tail[..n])?) / 10f64.powi(n as i32);
        rest = &tail[n..];
    }
    let offset_s = match rest {
        [] => 0,
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), t @ ..] => {
            let (oh, om) = match t {
                [a, b2, b':', c, d2] => (digits(&[*a, *b2])?, digits(&[*c, *d2])?),
                [a, b2, c, d2] => (digits(&[*a, *b2])?, digits(&[*c, *d2])?),
                [a, b2] => (digits(&[*a, *b2])?, 0),
                _ => return None,
            };
            if oh > 23 || om > 59 {
                return None;
            }
            let o = (oh * 3600 + om * 60) as i32;
            if *sign == b'-' { -o } else { o }
        }
        _ => return None,
    };
    let days = date.days_since(epoch()) as f64;
    Some(Timestamp {
        local_s: days * 86_400.0 + f64::from(h * 3600 + mi * 60 + se) + frac,
        offset_s,
    })
}

/// Formats seconds from the midnight of `start` as a local ISO 8601
/// timestamp with milliseconds: `2025-01-13T08:03:12.345`.
pub fn format_timestamp(start: Date, s: f64) -> String {
    let ms = (s * 1000.0).round() as i64;
    let (day, ms_of_day) = (ms.div_euclid(86_400_000), ms.rem_euclid(86_400_000));
    let date = start.add_days(day);
    let (h, rem) = (ms_of_day / 3_600_000, ms_of_day % 3_600_000);
    let (m, rem) = (rem / 60_000, rem % 60_000);
    format!("{date}T{h:02}:{m:02}:{:02}.{:03}", rem / 1000, rem % 1000)
}

/// How a logged call ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LogOutcome {
    /// Answered by an agent.
    Answered,
    /// The caller hung up while waiting.
    Abandoned,
    /// Arrived while the service was closed (not offered to the queue).
    Closed,
    /// Resolved by the IVR without reaching the queue.
    Ivr,
}

impl LogOutcome {
    /// Parses `answered`, `abandoned`, `closed` or `ivr` (case-insensitive).
    pub fn parse(s: &str) -> Option<LogOutcome> {
        match s.trim().to_ascii_lowercase().as_str() {
            "answered" => Some(LogOutcome::Answered),
            "abandoned" => Some(LogOutcome::Abandoned),
            "closed" => Some(LogOutcome::Closed),
            "ivr" => Some(LogOutcome::Ivr),
            _ => None,
        }
    }
    /// The word written in logs.
    pub fn as_str(self) -> &'static str {
        match self {
            LogOutcome::Answered => "answered",
            LogOutcome::Abandoned => "abandoned",
            LogOutcome::Closed => "closed",
            LogOutcome::Ivr => "ivr",
        }
    }
}

/// One call of the log, borrowing its text from the reader.
#[derive(Debug, Clone, PartialEq)]
pub struct CallRow<'a> {
    /// Line of the row in the file (1-based; the header is line 1).
    pub line: u64,
    /// Arrival at the queue (or at the IVR for `ivr`/`closed`).
    pub arrival: Timestamp,
    /// Call type (queue) name.
    pub call_type: &'a str,
    /// Start of service, if answered.
    pub answered: Option<Timestamp>,
    /// End: hang-up after service or abandonment.
    pub end: Timestamp,
    /// Agent group that answered, if the log has one.
    pub group: Option<&'a str>,
    /// Caller id (hashed), if the log has one.
    pub caller: Option<&'a str>,
    /// Outcome.
    pub outcome: LogOutcome,
    /// The answered time was before the arrival, within the clock tolerance:
    /// the wait counts as 0.
    pub clock_adjusted: bool,
}

/// A row that cannot be used: where and why.
#[derive(Debug, Clone, PartialEq)]
pub struct RowError {
    /// Line in the file.
    pub line: u64,
    /// Column name (and its 1-based position in brackets), if one column is at fault.
    pub column: Option<String>,
    /// The offending value.
    pub value: String,
    /// What is wrong.
    pub message: String,
}

impl RowError {
    /// The message with the file name: `file:line: column `x` (3): value `v`: message`.
    pub fn describe(&self, file: &str) -> String {
        match &self.column {
            Some(c) => format!(
                "{file}:{}: column {c}: `{}`: {}",
                self.line,
                self.value.escape_debug(),
                self.message
            ),
            None => format!("{file}:{}: {}", self.line, self.message),
        }
    }
}

/// Column positions of a CSV found by header name.
#[derive(Debug, Clone)]
pub(super) struct Columns {
    pub(super) names: Vec<String>,
    map: HashMap<String, usize>,
}

impl Columns {
    /// The header's columns; a name given twice is an error (which of the
    /// two columns holds the data would be a guess).
    fn new(header: &csv::StringRecord, file: &str) -> Result<Columns, FitError> {
        let names: Vec<String> = header
            .iter()
            .map(|h| h.trim().trim_start_matches('\u{feff}').to_ascii_lowercase())
            .collect();
        let mut map = HashMap::new();
        for (i, n) in names.iter().enumerate() {
            if n.is_empty() {
                continue;
            }
            if let Some(first) = map.insert(n.clone(), i) {
                return Err(FitError::Input(format!(
                    "{file}:1: column `{}` appears twice in the header (columns {} and {}): keep one",
                    n.escape_debug(),
                    first + 1,
                    i + 1
                )));
            }
        }
        Ok(Columns { names, map })
    }
    pub(super) fn find(&self, aliases: &[&str]) -> Option<usize> {
        aliases.iter().find_map(|a| self.map.get(*a).copied())
    }
    pub(super) fn label(&self, i: usize) -> String {
        format!("`{}` ({})", self.names[i].escape_debug(), i + 1)
    }
}

/// Longest line of a CSV input, bytes: far above any real row, and a bound
/// on the memory that one line (of a binary file, say) can take.
pub const MAX_LINE_BYTES: usize = 64 * 1024;

/// A reader that stops text that is no CSV: a NUL byte (a binary file) or a
/// line longer than [`MAX_LINE_BYTES`] is an error naming the line, so that
/// reading never buffers an unbounded line.
///
/// It also numbers lines itself: the csv crate's record line numbers are one
/// too low after CRLF line ends (Excel, Python's csv writer). The guard
/// notes the byte offset of every line break it passes (`\n`, `\r\n` or a
/// lone `\r`, each counted once) and [`TextGuard::line_at`] turns a
/// record's byte offset into its line. Offsets are dropped once a record
/// past them was numbered, so the queue holds only the breaks of the bytes
/// read ahead (the csv reader's buffer).
pub(super) struct TextGuard<R> {
    inner: R,
    pub(super) line: u64,
    line_len: usize,
    /// Bytes read so far.
    pos: u64,
    /// Whether the last byte read was `\r` (a following `\n` is the same break).
    prev_cr: bool,
    /// Offsets of line breaks not yet passed by a numbered record.
    breaks: VecDeque<u64>,
    /// Line breaks before the first offset in `breaks`.
    passed: u64,
}

impl<R> TextGuard<R> {
    fn new(inner: R) -> TextGuard<R> {
        TextGuard {
            inner,
            line: 1,
            line_len: 0,
            pos: 0,
            prev_cr: false,
            breaks: VecDeque::new(),
            passed: 0,
        }
    }

    /// The 1-based line of the byte at `offset`; offsets must not decrease
    /// from one call to the next.
    fn line_at(&mut self, offset: u64) -> u64 {
        while self.breaks.front().is_some_and(|&b| b < offset) {
            self.breaks.pop_front();
            self.passed += 1;
        }
        self.passed + 1
    }
}

impl<R: Read> Read for TextGuard<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        for &b in &buf[..n] {
            let at = self.pos;
            self.pos += 1;
            let cr = std::mem::replace(&mut self.prev_cr, b == b'\r');
            match b {
                b'\n' | b'\r' => {
                    if !(b == b'\n' && cr) {
                        self.breaks.push_back(at);
                        self.line += 1;
                    }
                    self.line_len = 0;
                }
                0 => {
                    return Err(std::io::Error::new(
                        std::io::ErrorKind::InvalidData,
                        format!(
                            "line {}: a NUL byte: this is a binary file, not CSV text",
                            self.line
                        ),
                    ));
                }
                _ => {
                    self.line_len += 1;
                    if self.line_len > MAX_LINE_BYTES {
                        return Err(std::io::Error::new(
                            std::io::ErrorKind::InvalidData,
                            format!(
                                "line {} is longer than {MAX_LINE_BYTES} bytes: not a CSV row",
                                self.line
                            ),
                        ));
                    }
                }
            }
        }
        Ok(n)
    }
}

pub(super) type CsvReader = csv::Reader<TextGuard<BufReader<File>>>;

pub(super) fn open_csv(path: &Path) -> Result<CsvReader, FitError> {
    let file = path.display().to_string();
    let f = File::open(path).map_err(|e| FitError::Input(format!("{file}: cannot read: {e}")))?;
    if f.metadata().is_ok_and(|m| m.is_dir()) {
        return Err(FitError::Input(format!(
            "{file}: is a folder, not a CSV file"
        )));
    }
    Ok(csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(TextGuard::new(BufReader::with_capacity(1 << 20, f))))
}

/// The line of the record just read (right with CRLF and mixed line ends).
pub(super) fn record_line(rdr: &mut CsvReader, rec: &csv::StringRecord) -> u64 {
    let byte = rec.position().map_or(0, csv::Position::byte);
    rdr.get_mut().line_at(byte)
}

pub(super) fn header(rdr: &mut CsvReader, file: &str) -> Result<Columns, FitError> {
    let h = rdr
        .headers()
        .map_err(|e| FitError::Input(format!("{file}:1: cannot read the header: {e}")))?;
    Columns::new(h, file)
}

/// Streaming reader of a call log.
pub struct CallLogReader {
    rdr: CsvReader,
    record: csv::StringRecord,
    cols: Columns,
    c_arrival: usize,
    c_type: usize,
    c_answered: usize,
    c_end: usize,
    c_outcome: usize,
    c_group: Option<usize>,
    c_caller: Option<usize>,
    n_fields: usize,
    /// Answered times up to this many seconds before the arrival are
    /// accepted (two systems' clocks), the wait counting as 0.
    clock_tolerance_s: f64,
    /// File name for messages.
    pub file: String,
}

impl CallLogReader {
    /// Opens a call log and checks its header.
    ///
    /// # Errors
    /// [`FitError::Input`] when the file cannot be read or a required column
    /// (`arrival`, `call_type`, `answered`, `end`, `outcome`) is missing.
    pub fn open(path: &Path) -> Result<CallLogReader, FitError> {
        let file = path.display().to_string();
        let mut rdr = open_csv(path)?;
        let cols = header(&mut rdr, &file)?;
        let need = |aliases: &[&str]| {
            cols.find(aliases).ok_or_else(|| {
                FitError::Input(format!(
                    "{file}:1: the header has no `{}` column (found: {})",
                    aliases[0],
                    cols.names.join(", ").escape_debug()
                ))
            })
        };
        Ok(CallLogReader {
            c_arrival: need(&["arrival"])?,
            c_type: need(&["call_type", "queue"])?,
            c_answered: need(&["answered"])?,
            c_end: need(&["end"])?,
            c_outcome: need(&["outcome"])?,
            c_group: cols.find(&["group", "agent_group"]),
            c_caller: cols.find(&["caller", "caller_id"]),
            n_fields: cols.names.len(),
            clock_tolerance_s: 0.0,
            rdr,
            record: csv::StringRecord::new(),
            cols,
            file,
        })
    }

    /// Accepts answered times up to `s` seconds before the arrival (the
    /// clocks of the voice and the agent systems disagree).
    pub fn set_clock_tolerance(&mut self, s: f64) {
        self.clock_tolerance_s = s;
    }

    /// Whether the log has a caller-id column.
    pub fn has_callers(&self) -> bool {
        self.c_caller.is_some()
    }

    /// Whether the log has an agent-group column.
    pub fn has_groups(&self) -> bool {
        self.c_group.is_some()
    }

    /// The next row: `None` at the end, `Some(Err)` for a row that is
    /// malformed (bad timestamp, unknown outcome, missing field) or
    /// impossible (answered before arrival, end before answer, an answered
    /// time on an unanswered call and the like).
    ///
    /// # Errors
    /// A CSV error that stops reading (I/O, invalid UTF-8) is returned as a
    /// [`RowError`] too, and the next call returns `None`.
    pub fn next_row(&mut self) -> Option<Result<CallRow<'_>, RowError>> {
        match self.rdr.read_record(&mut self.record) {
            Ok(false) => return None,
            Ok(true) => {}
            Err(e) => {
                // An I/O error has no CSV position: the guard knows the line.
                let line = e.position().map_or(self.rdr.get_ref().line, |p| p.line());
                return Some(Err(RowError {
                    line,
                    column: None,
                    value: String::new(),
                    message: format!("unreadable CSV: {e}"),
                }));
            }
        }
        let line = record_line(&mut self.rdr, &self.record);
        Some(self.parse_current(line))
    }

    fn parse_current(&self, line: u64) -> Result<CallRow<'_>, RowError> {
        let r = &self.record;
        if r.len() != self.n_fields {
            return Err(RowError {
                line,
                column: None,
                value: String::new(),
                message: format!(
                    "{} field(s) where the header has {}",
                    r.len(),
                    self.n_fields
                ),
            });
        }
        let err = |c: usize, message: &str| RowError {
            line,
            column: Some(self.cols.label(c)),
            value: r.get(c).unwrap_or("").to_string(),
            message: message.to_string(),
        };
        let field = |c: usize| r.get(c).unwrap_or("").trim();
        let ts = |c: usize| {
            parse_timestamp(field(c)).ok_or_else(|| {
                err(
                    c,
                    "not a timestamp like 2025-01-13T08:03:12 (optional .fff and +01:00)",
                )
            })
        };
        let arrival = ts(self.c_arrival)?;
        let call_type = field(self.c_type);
        if call_type.is_empty() {
            return Err(err(self.c_type, "the call type is empty"));
        }
        let outcome = LogOutcome::parse(field(self.c_outcome)).ok_or_else(|| {
            err(
                self.c_outcome,
                "not an outcome (answered, abandoned, closed, ivr)",
            )
        })?;
        let answered = if field(self.c_answered).is_empty() {
            None
        } else {
            Some(ts(self.c_answered)?)
        };
        let end = ts(self.c_end)?;
        match (outcome, answered) {
            (LogOutcome::Answered, None) => {
                return Err(err(
                    self.c_answered,
                    "the outcome is `answered` but the answered time is empty",
                ));
            }
            (LogOutcome::Abandoned | LogOutcome::Closed | LogOutcome::Ivr, Some(_)) => {
                return Err(err(
                    self.c_answered,
                    "an answered time on a call whose outcome is not `answered`",
                ));
            }
            _ => {}
        }
        let mut clock_adjusted = false;
        if let Some(a) = answered {
            let early = arrival.instant() - a.instant();
            if early > self.clock_tolerance_s {
                return Err(err(
                    self.c_answered,
                    &format!(
                        "answered before arrival, by {early:.3} s (--clock-tolerance is {} s: raise it if two systems' clocks disagree)",
                        self.clock_tolerance_s
                    ),
                ));
            }
            clock_adjusted = early > 0.0;
            if end.instant() < a.instant() {
                return Err(err(self.c_end, "end before answer"));
            }
        } else if end.instant() < arrival.instant() {
            return Err(err(self.c_end, "end before arrival"));
        }
        let opt = |c: Option<usize>| c.map(field).filter(|s| !s.is_empty());
        Ok(CallRow {
            line,
            arrival,
            call_type,
            answered,
            end,
            group: opt(self.c_group),
            caller: opt(self.c_caller),
            outcome,
            clock_adjusted,
        })
    }
}

/// One row of a staffing table.
#[derive(Debug, Clone, PartialEq)]
pub struct StaffRow {
    /// Date.
    pub date: Date,
    /// Interval start, seconds after midnight.
    pub start_s: u32,
    /// Agent group.
    pub group: String,
    /// Agents on duty (may be fractional: an average over the interval).
    pub agents: f64,
}

/// Reads a whole staffing table (`date, interval_start, group, agents`).
///
/// # Errors
/// [`FitError::Input`] naming the file, line and column of the first bad row.
pub fn read_staffing(path: &Path) -> Result<Vec<StaffRow>, FitError> {
    let file = path.display().to_string();
    let mut rdr = open_csv(path)?;
    let cols = header(&mut rdr, &file)?;
    let need = |aliases: &[&str]| {
        cols.find(aliases).ok_or_else(|| {
            FitError::Input(format!(
                "{file}:1: the header has no `{}` column (found: {})",
                aliases[0],
                cols.names.join(", ").escape_debug()
            ))
        })
    };
    let (cd, cs, cg, ca) = (
        need(&["date"])?,
        need(&["interval_start", "start"])?,
        need(&["group", "agent_group"])?,
        need(&["agents"])?,
    );
    let mut out = Vec::new();
    let mut rec = csv::StringRecord::new();
    loop {
        match rdr.read_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = e.position().map_or(rdr.get_ref().line, |p| p.line());
                return Err(FitError::Input(format!(
                    "{file}:{line}: unreadable CSV: {e}"
                )));
            }
        }
        let line = record_line(&mut rdr, &rec);
        let bad = |c: usize, what: &str| {
            FitError::Input(format!(
                "{file}:{line}: column {}: `{}`: {what}",
                cols.label(c),
                rec.get(c).unwrap_or("")
            ))
        };
        let f = |c: usize| rec.get(c).unwrap_or("").trim();
        let date = Date::parse(f(cd)).ok_or_else(|| bad(cd, "not a date like 2025-01-13"))?;
        let start_s = parse_clock(f(cs))
            .filter(|&s| s < 86_400)
            .ok_or_else(|| bad(cs, "not a clock time like 08:30"))?;
        let group = f(cg).to_string();
        if group.is_empty() {
            return Err(bad(cg, "the agent group is empty"));
        }
        let agents: f64 = f(ca)
            .parse()
            .ok()
            .filter(|x: &f64| x.is_finite() && *x >= 0.0)
            .ok_or_else(|| bad(ca, "not a number of agents >= 0"))?;
        out.push(StaffRow {
            date,
            start_s,
            group,
            agents,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps() {
        let t = parse_timestamp("2025-01-13T08:03:12").unwrap();
        assert_eq!(t.date().to_string(), "2025-01-13");
        assert_eq!(t.second_of_day(), 8.0 * 3600.0 + 3.0 * 60.0 + 12.0);
        let u = parse_timestamp("2025-01-13 08:03:12.5+01:00").unwrap();
        assert_eq!(u.local_s - t.local_s, 0.5);
        assert_eq!(u.offset_s, 3600);
        assert_eq!(
            parse_timestamp("2025-01-13T08:03:12-0230")
                .unwrap()
                .offset_s,
            -9000
        );
        assert_eq!(parse_timestamp("2025-01-13T08:03:12Z").unwrap().offset_s, 0);
        for bad in [
            "2025-02-30T08:00:00",
            "2025-01-13T24:00:00",
            "2025-01-13",
            "2025-01-13T08:03:12+",
            "2025-01-13T08:03:12.",
            "x025-01-13T08:03:12",
        ] {
            assert!(parse_timestamp(bad).is_none(), "{bad}");
        }
        let start = Date::parse("2025-01-13").unwrap();
        let s = format_timestamp(start, 86_400.0 + 3723.4567);
        assert_eq!(s, "2025-01-14T01:02:03.457");
        let back = parse_timestamp(&s).unwrap();
        assert!(
            (back.local_s - parse_timestamp("2025-01-13T00:00:00").unwrap().local_s - 90_123.457)
                .abs()
                < 1e-6
        );
    }
}
