//! Civil dates, weekdays and clock times.
//!
//! ccsim needs only proleptic Gregorian dates without time zones: a horizon
//! starts at midnight of a date and every simulated instant is a number of
//! seconds from there. The conversions use the well-known "days from civil"
//! algorithms (H. Hinnant, *chrono-Compatible Low-Level Date Algorithms*).

use std::fmt;

/// Seconds in a day.
pub const DAY_S: f64 = 86_400.0;

/// A day of the week, Monday first (ISO 8601).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Weekday {
    /// Monday.
    Mon = 0,
    /// Tuesday.
    Tue,
    /// Wednesday.
    Wed,
    /// Thursday.
    Thu,
    /// Friday.
    Fri,
    /// Saturday.
    Sat,
    /// Sunday.
    Sun,
}

impl Weekday {
    /// All weekdays, Monday first.
    pub const ALL: [Weekday; 7] = [
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
        Weekday::Sat,
        Weekday::Sun,
    ];

    /// The weekday with index `i` (0 = Monday), modulo 7.
    pub fn from_index(i: usize) -> Weekday {
        Self::ALL[i % 7]
    }

    /// Index 0 (Monday) to 6 (Sunday).
    pub fn index(self) -> usize {
        self as usize
    }

    /// Three-letter lower-case name, as used in scenario files and results.
    pub fn short(self) -> &'static str {
        ["mon", "tue", "wed", "thu", "fri", "sat", "sun"][self.index()]
    }

    /// Parses a three-letter name (case-insensitive).
    pub fn parse(s: &str) -> Option<Weekday> {
        let s = s.trim().to_ascii_lowercase();
        Self::ALL.iter().copied().find(|d| d.short() == s)
    }
}

impl serde::Serialize for Weekday {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.short())
    }
}

impl fmt::Display for Weekday {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.short())
    }
}

/// Parses a weekday selector: `mon`, `mon-fri`, `sat,sun`, `all` or `daily`.
/// Returns a mask of the selected weekdays.
pub fn parse_weekday_set(s: &str) -> Option<[bool; 7]> {
    let mut mask = [false; 7];
    for part in s.split(',') {
        let part = part.trim().to_ascii_lowercase();
        if part == "all" || part == "daily" {
            mask = [true; 7];
            continue;
        }
        match part.split_once('-') {
            Some((a, b)) => {
                let (a, b) = (Weekday::parse(a)?, Weekday::parse(b)?);
                if b < a {
                    return None;
                }
                mask[a.index()..=b.index()].fill(true);
            }
            None => mask[Weekday::parse(&part)?.index()] = true,
        }
    }
    Some(mask)
}

/// A calendar date (proleptic Gregorian), stored as days since 1970-01-01.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    days: i64,
}

impl Date {
    /// The date with this year, month (1-12) and day (1-31), if it exists.
    pub fn from_ymd(y: i64, m: u32, d: u32) -> Option<Date> {
        if !(1..=12).contains(&m) || d == 0 || d > days_in_month(y, m) {
            return None;
        }
        let yy = if m <= 2 { y - 1 } else { y };
        let era = yy.div_euclid(400);
        let yoe = yy - era * 400;
        let mp = (i64::from(m) + 9) % 12;
        let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        Some(Date {
            days: era * 146_097 + doe - 719_468,
        })
    }

    /// Year, month and day.
    pub fn ymd(self) -> (i64, u32, u32) {
        let z = self.days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let y = yoe + era * 400 + i64::from(m <= 2);
        (y, m, d)
    }

    /// Parses `YYYY-MM-DD`.
    pub fn parse(s: &str) -> Option<Date> {
        let mut it = s.trim().splitn(3, '-');
        let y = it.next()?.parse().ok()?;
        let m = it.next()?.parse().ok()?;
        let d = it.next()?.parse().ok()?;
        Date::from_ymd(y, m, d)
    }

    /// The weekday of this date.
    pub fn weekday(self) -> Weekday {
        // 1970-01-01 was a Thursday (index 3).
        Weekday::from_index((self.days + 3).rem_euclid(7) as usize)
    }

    /// This date plus `n` days (n may be negative).
    pub fn add_days(self, n: i64) -> Date {
        Date {
            days: self.days + n,
        }
    }

    /// Days from `other` to `self`.
    pub fn days_since(self, other: Date) -> i64 {
        self.days - other.days
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.ymd();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

/// Parses a clock time `HH:MM` (00:00 to 24:00) into seconds after midnight.
pub fn parse_clock(s: &str) -> Option<u32> {
    let (h, m) = s.trim().split_once(':')?;
    if h.is_empty() || h.len() > 2 || m.len() != 2 {
        return None;
    }
    let h: u32 = h.parse().ok()?;
    let m: u32 = m.parse().ok()?;
    if m >= 60 || h > 24 || (h == 24 && m != 0) {
        return None;
    }
    Some(h * 3600 + m * 60)
}

/// Formats seconds after midnight as `HH:MM`.
pub fn format_clock(secs: u32) -> String {
    format!("{:02}:{:02}", secs / 3600, (secs % 3600) / 60)
}

/// A time of day: seconds after midnight (00:00 to 24:00), shown and
/// serialised as `HH:MM`. It keeps its text beside the seconds, so it reads
/// as a `&str` where text is wanted and as a number where time is.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct ClockTime {
    secs: u32,
    text: [u8; 5],
}

impl ClockTime {
    /// The time `secs` seconds after midnight (at most 24:00; later times
    /// are clamped to 24:00). Shown to the minute.
    pub fn from_secs(secs: u32) -> ClockTime {
        let secs = secs.min(86_400);
        let (h, m) = (secs / 3600, (secs % 3600) / 60);
        let digit = |x: u32| b'0' + (x % 10) as u8;
        ClockTime {
            secs,
            text: [digit(h / 10), digit(h), b':', digit(m / 10), digit(m)],
        }
    }

    /// `h:m`, e.g. `ClockTime::hm(8, 30)` for 08:30.
    pub fn hm(h: u32, m: u32) -> ClockTime {
        ClockTime::from_secs(h * 3600 + m * 60)
    }

    /// Parses `HH:MM` as [`parse_clock`] does.
    pub fn parse(s: &str) -> Option<ClockTime> {
        parse_clock(s).map(ClockTime::from_secs)
    }

    /// Seconds after midnight.
    pub fn secs(self) -> u32 {
        self.secs
    }

    /// Whole minutes after midnight.
    pub fn minutes(self) -> u32 {
        self.secs / 60
    }

    /// The text, `HH:MM`.
    pub fn as_str(&self) -> &str {
        // Only ASCII digits and ':' are ever stored.
        std::str::from_utf8(&self.text).unwrap_or("??:??")
    }
}

impl std::ops::Deref for ClockTime {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl PartialOrd for ClockTime {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for ClockTime {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.secs.cmp(&other.secs)
    }
}

impl PartialEq<str> for ClockTime {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for ClockTime {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl fmt::Debug for ClockTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ClockTime({})", self.as_str())
    }
}

impl fmt::Display for ClockTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `pad` honours width and alignment, as a `&str` would.
        f.pad(self.as_str())
    }
}

impl serde::Serialize for ClockTime {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// Parses opening hours: `HH:MM-HH:MM`, several ranges separated by commas,
/// or `closed`. Ranges must be increasing and must not overlap.
pub fn parse_hours(s: &str) -> Option<Vec<(u32, u32)>> {
    let s = s.trim();
    if s.eq_ignore_ascii_case("closed") {
        return Some(Vec::new());
    }
    let mut out: Vec<(u32, u32)> = Vec::new();
    for part in s.split(',') {
        let (a, b) = part.split_once('-')?;
        let (a, b) = (parse_clock(a)?, parse_clock(b)?);
        if b <= a || out.last().is_some_and(|&(_, e)| a < e) {
            return None;
        }
        out.push((a, b));
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip_and_weekdays() {
        let d = Date::from_ymd(2025, 1, 6).unwrap();
        assert_eq!(d.weekday(), Weekday::Mon);
        assert_eq!(d.to_string(), "2025-01-06");
        assert_eq!(Date::parse("2024-02-29").unwrap().weekday(), Weekday::Thu);
        assert!(Date::parse("2025-02-29").is_none());
        assert_eq!(Date::from_ymd(1970, 1, 1).unwrap().weekday(), Weekday::Thu);
        for n in -1000..1000 {
            let x = d.add_days(n);
            let (y, m, dd) = x.ymd();
            assert_eq!(Date::from_ymd(y, m, dd), Some(x));
            assert_eq!(x.days_since(d), n);
        }
        let end = Date::parse("2025-06-30").unwrap();
        assert_eq!(end.days_since(Date::parse("2025-01-01").unwrap()), 180);
    }

    #[test]
    fn clocks_and_hours() {
        assert_eq!(parse_clock("08:30"), Some(30_600));
        assert_eq!(parse_clock("24:00"), Some(86_400));
        assert_eq!(parse_clock("25:00"), None);
        assert_eq!(parse_clock("24:30"), None);
        assert_eq!(parse_clock("8:5"), None);
        let t = ClockTime::hm(8, 30);
        assert_eq!((t.secs(), t.minutes(), t.as_str()), (30_600, 510, "08:30"));
        assert_eq!(t.as_str(), format_clock(30_600));
        assert_eq!(ClockTime::parse("08:30"), Some(t));
        assert_eq!(ClockTime::from_secs(86_400).as_str(), "24:00");
        assert_eq!(format!("{t:<6}|"), "08:30 |");
        assert!(ClockTime::hm(9, 0) > t);
        assert_eq!(parse_hours("10:00-09:00"), None);
        assert_eq!(parse_hours("closed"), Some(vec![]));
        assert_eq!(
            parse_hours("08:00-13:00,14:00-17:00"),
            Some(vec![(28_800, 46_800), (50_400, 61_200)])
        );
        assert_eq!(parse_hours("08:00-13:00,12:00-17:00"), None);
        assert_eq!(format_clock(30_600), "08:30");
    }

    #[test]
    fn weekday_sets() {
        let m = parse_weekday_set("mon-fri").unwrap();
        assert_eq!(m, [true, true, true, true, true, false, false]);
        assert_eq!(parse_weekday_set("sat,sun").unwrap()[5..], [true, true]);
        assert!(parse_weekday_set("fri-mon").is_none());
        assert!(parse_weekday_set("xyz").is_none());
    }
}
