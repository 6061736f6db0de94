//! Plots of results, in PNG and SVG, drawn with plotters.
//!
//! Text is drawn with DejaVu Sans embedded in the binary (the `dejavu`
//! crate), registered once as plotters' `sans-serif` family, so the plots
//! read the same on every machine and need no system font.
//!
//! Each plot kind is a plain data type ([`LinePlot`], [`Heatmap`],
//! [`DemandPlot`], [`ComparisonPlot`]) built from results by a function of
//! this module ([`interval_plot`], [`staffing_plot`], [`heatmap`],
//! [`demand_plot`], [`comparison_plot`]) and written by [`save`]. The
//! functions only pick and scale figures already computed in
//! [`crate::stats`] and [`crate::compare`].

use std::collections::BTreeMap;
use std::error::Error;
use std::path::{Path, PathBuf};
use std::sync::Once;

use image::codecs::png::{CompressionType, FilterType, PngEncoder};
use image::{ColorType, ImageEncoder};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::FontStyle;

use crate::calendar::Weekday;
use crate::compare::Comparison;
use crate::io::write_atomic;
use crate::stats::kpi::Polarity;
use crate::stats::summary::EntitySummary;
use crate::stats::{Estimate, Kpi, Summary};

/// Font family registered for every plot.
const FONT: &str = "sans-serif";

/// Colours of the series, one per weekday (Monday first); colour-blind
/// friendly (Okabe-Ito) with black for Sunday.
const PALETTE: [RGBColor; 7] = [
    RGBColor(0, 114, 178),
    RGBColor(230, 159, 0),
    RGBColor(0, 158, 115),
    RGBColor(213, 94, 0),
    RGBColor(204, 121, 167),
    RGBColor(86, 180, 233),
    RGBColor(0, 0, 0),
];

/// Colour of target lines.
const TARGET: RGBColor = RGBColor(200, 0, 0);

/// Registers the embedded font with plotters (once per process).
pub fn register_fonts() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // The embedded font is a valid TrueType file: an error here would be
        // a packaging bug, and text would then be missing, not a crash.
        let _ = plotters::style::register_font(FONT, FontStyle::Normal, dejavu::sans::regular());
        let _ = plotters::style::register_font(FONT, FontStyle::Bold, dejavu::sans::bold());
    });
}

type DrawResult = Result<(), Box<dyn Error>>;

/// A plot that can be drawn on any plotters backend.
pub trait Plot {
    /// Size in pixels of the PNG (and of the SVG's view box).
    fn size(&self) -> (u32, u32);
    /// Draws the plot on `root`.
    ///
    /// # Errors
    /// Errors of the backend.
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static;
}

/// The files a plot was written to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlotFiles {
    /// The PNG file.
    pub png: PathBuf,
    /// The SVG file.
    pub svg: PathBuf,
    /// The SVG text (to embed in an HTML page).
    pub svg_text: String,
}

/// Errors of writing a plot.
#[derive(Debug, thiserror::Error)]
#[error("cannot draw plot {path}: {message}")]
pub struct PlotError {
    /// The file being written.
    pub path: String,
    /// Cause.
    pub message: String,
}

/// Writes `plot` to `STEM.png` and `STEM.svg`.
///
/// # Errors
/// [`PlotError`] naming the file when drawing or writing fails.
pub fn save<P: Plot>(plot: &P, stem: &Path) -> Result<PlotFiles, PlotError> {
    register_fonts();
    let png = stem.with_extension("png");
    let svg = stem.with_extension("svg");
    let err = |p: &Path, e: &dyn std::fmt::Display| PlotError {
        path: p.display().to_string(),
        message: e.to_string(),
    };
    let mut svg_text = String::new();
    {
        let root = SVGBackend::with_string(&mut svg_text, plot.size()).into_drawing_area();
        plot.draw(&root).map_err(|e| err(&svg, &e))?;
        root.present().map_err(|e| err(&svg, &e))?;
    }
    write_atomic(&svg, svg_text.as_bytes()).map_err(|e| err(&svg, &e))?;
    let (w, h) = plot.size();
    let mut rgb = vec![255u8; w as usize * h as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut rgb, (w, h)).into_drawing_area();
        plot.draw(&root).map_err(|e| err(&png, &e))?;
        root.present().map_err(|e| err(&png, &e))?;
    }
    let mut bytes = Vec::new();
    PngEncoder::new_with_quality(&mut bytes, CompressionType::Best, FilterType::Adaptive)
        .write_image(&rgb, w, h, ColorType::Rgb8)
        .map_err(|e| err(&png, &e))?;
    write_atomic(&png, &bytes).map_err(|e| err(&png, &e))?;
    Ok(PlotFiles { png, svg, svg_text })
}

fn style(size: u32) -> TextStyle<'static> {
    (FONT, size).into_font().color(&BLACK)
}

fn caption_style() -> TextStyle<'static> {
    (FONT, 24, FontStyle::Bold).into_font().color(&BLACK)
}

fn clock_label(h: f64) -> String {
    let m = (h * 60.0).round() as i64;
    format!("{:02}:{:02}", m / 60, m % 60)
}

fn scale(k: Kpi) -> f64 {
    if k.is_share() { 100.0 } else { 1.0 }
}

/// Axis description of a KPI, with its unit.
pub fn kpi_axis(k: Kpi) -> String {
    let unit = if k.is_share() {
        "%"
    } else if k.name().ends_with("_s") {
        "s"
    } else if k.name().ends_with("_hours") {
        "agent-hours"
    } else {
        "calls"
    };
    format!("{} ({unit})", k.name().replace('_', " "))
}

/// A KPI's name for a plot title, with its unit.
pub fn kpi_title(k: Kpi) -> String {
    let name = match k {
        Kpi::ServiceLevel => "service level",
        Kpi::AbandonRate => "abandonment rate",
        Kpi::HandledWithinShare => "handled within target time",
        Kpi::AsaS => "ASA, mean wait of answered",
        Kpi::Occupancy => "occupancy",
        Kpi::MeanHandlingS => "mean handling time",
        _ => return kpi_axis(k),
    };
    let unit = if k.is_share() { "%" } else { "s" };
    format!("{name} ({unit})")
}

/// One line with its 95% confidence band.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// Legend text.
    pub label: String,
    /// `(x, value)` points, in plot units.
    pub points: Vec<(f64, Estimate)>,
}

/// Lines with confidence bands and an optional horizontal target.
#[derive(Debug, Clone, PartialEq)]
pub struct LinePlot {
    /// Title (names the scenario).
    pub title: String,
    /// X-axis description with unit.
    pub x_desc: String,
    /// Y-axis description with unit.
    pub y_desc: String,
    /// The lines.
    pub series: Vec<Series>,
    /// Target, in plot units.
    pub target: Option<f64>,
    /// X values are hours of the day (labels as HH:MM).
    pub x_is_clock: bool,
    /// Y range is capped at 100 (percentages).
    pub percent: bool,
    /// Legend in the upper right corner (else lower right).
    pub legend_top: bool,
}

/// The KPI of a service per interval of the day, one line per weekday,
/// with its 95% CI band and the service's target on that KPI.
pub fn interval_plot(s: &Summary, e: &EntitySummary, k: Kpi) -> LinePlot {
    let mut by_day: BTreeMap<usize, Series> = BTreeMap::new();
    let half = f64::from(s.horizon.interval_minutes) / 120.0;
    for iv in &e.intervals {
        let Some(est) = iv.kpis.get(k) else { continue };
        if est.mean.is_nan() {
            continue;
        }
        let x = f64::from(iv.start.secs()) / 3600.0 + half;
        let f = scale(k);
        by_day
            .entry(iv.weekday.index())
            .or_insert_with(|| Series {
                label: weekday_name(iv.weekday).to_string(),
                points: Vec::new(),
            })
            .points
            .push((
                x,
                Estimate {
                    mean: est.mean * f,
                    ci95: est.ci95 * f,
                    n: est.n,
                },
            ));
    }
    let target = e
        .compliance
        .iter()
        .find(|c| c.call_type.is_none() && c.kpi == k)
        .map(|c| c.target * scale(k));
    LinePlot {
        title: format!(
            "{}: {} per interval, service {}",
            s.scenario,
            kpi_title(k).split(" (").next().unwrap_or_default(),
            e.name
        ),
        x_desc: format!(
            "time of day (interval midpoint, {}-minute intervals)",
            s.horizon.interval_minutes
        ),
        y_desc: kpi_title(k),
        series: by_day.into_values().collect(),
        target,
        x_is_clock: true,
        percent: k.is_share(),
        legend_top: k.polarity() == Polarity::LowerIsBetter,
    }
}

/// A KPI against a staffing level (from a sweep): `points` are `(level,
/// estimate)` with the KPI in its own units (shares as fractions).
pub fn staffing_plot(
    scenario: &str,
    k: Kpi,
    level_desc: &str,
    points: &[(f64, Estimate)],
    target: Option<f64>,
) -> LinePlot {
    let f = scale(k);
    let mut pts: Vec<(f64, Estimate)> = points
        .iter()
        .filter(|(x, e)| x.is_finite() && !e.mean.is_nan())
        .map(|&(x, e)| {
            (
                x,
                Estimate {
                    mean: e.mean * f,
                    ci95: e.ci95 * f,
                    n: e.n,
                },
            )
        })
        .collect();
    pts.sort_by(|a, b| a.0.total_cmp(&b.0));
    LinePlot {
        title: format!("{scenario}: {} vs staffing", k.name().replace('_', " ")),
        x_desc: level_desc.to_string(),
        y_desc: kpi_axis(k),
        series: vec![Series {
            label: k.name().replace('_', " "),
            points: pts,
        }],
        target: target.map(|t| t * f),
        x_is_clock: false,
        percent: k.is_share(),
        legend_top: k.polarity() == Polarity::LowerIsBetter,
    }
}

fn weekday_name(w: Weekday) -> &'static str {
    [
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    ][w.index() % 7]
}

fn finite_or(x: f64, d: f64) -> f64 {
    if x.is_finite() { x } else { d }
}

impl Plot for LinePlot {
    fn size(&self) -> (u32, u32) {
        (1000, 600)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        root.fill(&WHITE)?;
        let all = self.series.iter().flat_map(|s| s.points.iter());
        let (mut x0, mut x1, mut y1) = (f64::INFINITY, f64::NEG_INFINITY, 0.0f64);
        for (x, e) in all {
            x0 = x0.min(*x);
            x1 = x1.max(*x);
            y1 = y1.max(e.mean + finite_or(e.ci95, 0.0));
        }
        if let Some(t) = self.target {
            y1 = y1.max(t);
        }
        if !x0.is_finite() {
            (x0, x1) = (0.0, 1.0);
        }
        if self.x_is_clock {
            x0 = x0.floor();
            x1 = x1.ceil();
        }
        if x1 <= x0 {
            x1 = x0 + 1.0;
        }
        let mut y_max = if y1 > 0.0 { y1 * 1.08 } else { 1.0 };
        if self.percent {
            y_max = y_max.min(100.0);
        }
        let (_, h) = self.size();
        let (top, rest) = root.split_vertically(50);
        top.draw(&Text::new(self.title.as_str(), (16, 12), caption_style()))?;
        let (body, foot) = rest.split_vertically(h - 50 - 28);
        foot.draw(&Text::new(
            "lines: means over replications; shaded bands: 95% confidence intervals",
            (16, 4),
            style(14).color(&RGBColor(80, 80, 80)),
        ))?;
        let mut chart = ChartBuilder::on(&body)
            .margin(16)
            .margin_right(34)
            .x_label_area_size(56)
            .y_label_area_size(72)
            .build_cartesian_2d(x0..x1, 0.0..y_max)?;
        let clock = |x: &f64| clock_label(*x);
        let plain = |x: &f64| format!("{x}");
        let mut mesh = chart.configure_mesh();
        mesh.x_desc(self.x_desc.as_str())
            .y_desc(self.y_desc.as_str())
            .label_style(style(16))
            .axis_desc_style(style(18))
            .max_light_lines(1)
            .light_line_style(RGBColor(245, 245, 245))
            .bold_line_style(RGBColor(225, 225, 225));
        if self.x_is_clock {
            mesh.x_labels(((x1 - x0) as usize + 1).min(13))
                .x_label_formatter(&clock);
        } else {
            mesh.x_label_formatter(&plain);
        }
        mesh.draw()?;
        let clamp = |y: f64| y.clamp(0.0, y_max);
        // Fainter bands when many lines overlap.
        let band_alpha = if self.series.len() <= 3 { 0.18 } else { 0.10 };
        for (i, s) in self.series.iter().enumerate() {
            let color = PALETTE[i % PALETTE.len()];
            let mut band: Vec<(f64, f64)> = s
                .points
                .iter()
                .map(|(x, e)| (*x, clamp(e.mean + finite_or(e.ci95, 0.0))))
                .collect();
            band.extend(
                s.points
                    .iter()
                    .rev()
                    .map(|(x, e)| (*x, clamp(e.mean - finite_or(e.ci95, 0.0)))),
            );
            if band.len() >= 3 {
                chart.draw_series(std::iter::once(Polygon::new(band, color.mix(band_alpha))))?;
            }
            let line: Vec<(f64, f64)> = s.points.iter().map(|(x, e)| (*x, clamp(e.mean))).collect();
            chart
                .draw_series(LineSeries::new(line.clone(), color.stroke_width(3)))?
                .label(s.label.as_str())
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 24, y)], color.stroke_width(3))
                });
            chart.draw_series(line.iter().map(|&p| Circle::new(p, 3, color.filled())))?;
        }
        if let Some(t) = self.target {
            chart
                .draw_series(DashedLineSeries::new(
                    vec![(x0, t), (x1, t)],
                    10,
                    6,
                    TARGET.stroke_width(2),
                ))?
                .label(format!("target {}", fmt_plain(t, self.percent)))
                .legend(|(x, y)| {
                    PathElement::new(vec![(x, y), (x + 24, y)], TARGET.stroke_width(2))
                });
        }
        chart
            .configure_series_labels()
            .label_font(style(15))
            .background_style(WHITE.mix(0.85))
            .border_style(RGBColor(150, 150, 150))
            .position(if self.legend_top {
                SeriesLabelPosition::UpperRight
            } else {
                SeriesLabelPosition::LowerRight
            })
            .draw()?;
        Ok(())
    }
}

fn fmt_plain(x: f64, percent: bool) -> String {
    if percent {
        format!("{x:.0}%")
    } else if x.abs() >= 100.0 {
        format!("{x:.0}")
    } else {
        format!("{x:.1}")
    }
}

/// A weekday x interval grid coloured by a KPI, with values printed.
#[derive(Debug, Clone, PartialEq)]
pub struct Heatmap {
    /// Title (names the scenario).
    pub title: String,
    /// KPI shown.
    pub kpi: Kpi,
    /// Rows (weekday name, cells `(start hour, value)` in plot units).
    pub rows: Vec<(String, Vec<(f64, f64)>)>,
    /// Interval length, hours.
    pub interval_h: f64,
    /// Target in plot units: cells missing it get a red frame.
    pub target: Option<f64>,
}

/// Heatmap of a service KPI (service level or ASA) by weekday and interval.
pub fn heatmap(s: &Summary, e: &EntitySummary, k: Kpi) -> Heatmap {
    let mut rows: BTreeMap<usize, Vec<(f64, f64)>> = BTreeMap::new();
    for iv in &e.intervals {
        let Some(est) = iv.kpis.get(k) else { continue };
        if est.mean.is_nan() {
            continue;
        }
        let h = f64::from(iv.start.secs()) / 3600.0;
        rows.entry(iv.weekday.index())
            .or_default()
            .push((h, est.mean * scale(k)));
    }
    Heatmap {
        title: format!(
            "{}: {} by weekday and interval, service {}",
            s.scenario,
            kpi_title(k).split(" (").next().unwrap_or_default(),
            e.name
        ),
        kpi: k,
        rows: rows
            .into_iter()
            .map(|(w, cells)| (weekday_name(Weekday::from_index(w)).to_string(), cells))
            .collect(),
        interval_h: f64::from(s.horizon.interval_minutes) / 60.0,
        target: e
            .compliance
            .iter()
            .find(|c| c.call_type.is_none() && c.kpi == k)
            .map(|c| c.target * scale(k)),
    }
}

/// Red (worst) to yellow to green (best) for `t` in [0, 1].
fn heat_color(t: f64) -> RGBColor {
    let t = t.clamp(0.0, 1.0);
    let lerp = |a: u8, b: u8, u: f64| (f64::from(a) + (f64::from(b) - f64::from(a)) * u) as u8;
    let (r, y, g) = ((215, 48, 39), (254, 224, 139), (26, 152, 80));
    if t < 0.5 {
        let u = t * 2.0;
        RGBColor(lerp(r.0, y.0, u), lerp(r.1, y.1, u), lerp(r.2, y.2, u))
    } else {
        let u = (t - 0.5) * 2.0;
        RGBColor(lerp(y.0, g.0, u), lerp(y.1, g.1, u), lerp(y.2, g.2, u))
    }
}

impl Plot for Heatmap {
    fn size(&self) -> (u32, u32) {
        (1100, 190 + 60 * self.rows.len().max(2) as u32)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        root.fill(&WHITE)?;
        let cells = self.rows.iter().flat_map(|(_, c)| c.iter());
        let (mut x0, mut x1) = (f64::INFINITY, f64::NEG_INFINITY);
        let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
        for (h, v) in cells {
            x0 = x0.min(*h);
            x1 = x1.max(h + self.interval_h);
            lo = lo.min(*v);
            hi = hi.max(*v);
        }
        if !x0.is_finite() {
            (x0, x1, lo, hi) = (0.0, 24.0, 0.0, 1.0);
        }
        x0 = x0.floor();
        x1 = x1.ceil().max(x0 + 1.0);
        let n = self.rows.len().max(1) as i32;
        let names: Vec<String> = self.rows.iter().map(|(n, _)| n.clone()).collect();
        let (_, size_h) = self.size();
        let (top, rest) = root.split_vertically(50);
        top.draw(&Text::new(self.title.as_str(), (16, 12), caption_style()))?;
        let (body, foot) = rest.split_vertically(size_h - 50 - 28);
        // An integer range is inclusive in plotters: 0..n-1 gives n rows.
        let mut chart = ChartBuilder::on(&body)
            .margin(16)
            .margin_right(34)
            .x_label_area_size(56)
            .y_label_area_size(110)
            .build_cartesian_2d(x0..x1, (0..(n - 1).max(1)).into_segmented())?;
        let clock = |x: &f64| clock_label(*x);
        let row_name = |v: &SegmentValue<i32>| match v {
            SegmentValue::CenterOf(i) => names
                .get((n - 1 - *i) as usize)
                .cloned()
                .unwrap_or_default(),
            _ => String::new(),
        };
        chart
            .configure_mesh()
            .disable_mesh()
            .x_desc("time of day (interval start)")
            .x_labels(((x1 - x0) as usize + 1).min(13))
            .x_label_formatter(&clock)
            .y_label_formatter(&row_name)
            .label_style(style(16))
            .axis_desc_style(style(18))
            .draw()?;
        let higher = self.kpi.polarity() != Polarity::LowerIsBetter;
        let span = if hi > lo { hi - lo } else { 1.0 };
        let cell_px = f64::from(self.size().0 - 160) / ((x1 - x0) / self.interval_h);
        let font = if cell_px >= 44.0 { 14 } else { 11 };
        for (r, (_, cells)) in self.rows.iter().enumerate() {
            let y = n - 1 - r as i32;
            for &(h, v) in cells {
                let t = (v - lo) / span;
                let c = heat_color(if higher { t } else { 1.0 - t });
                let rect = [
                    (h, SegmentValue::Exact(y)),
                    (h + self.interval_h, SegmentValue::Exact(y + 1)),
                ];
                chart.draw_series(std::iter::once(Rectangle::new(rect.clone(), c.filled())))?;
                chart.draw_series(std::iter::once(Rectangle::new(rect, WHITE.stroke_width(1))))?;
                if cell_px >= 30.0 {
                    let label = format!("{v:.0}");
                    chart.draw_series(std::iter::once(Text::new(
                        label,
                        (h + self.interval_h * 0.5, SegmentValue::CenterOf(y)),
                        style(font).pos(plotters::style::text_anchor::Pos::new(
                            plotters::style::text_anchor::HPos::Center,
                            plotters::style::text_anchor::VPos::Center,
                        )),
                    )))?;
                }
            }
        }
        let unit = if self.kpi.is_share() { "%" } else { " s" };
        let note = format!(
            "colour from red (worst, {}{unit}) to green (best, {}{unit}){}; numbers: means over replications, {}",
            fmt_plain(if higher { lo } else { hi }, false),
            fmt_plain(if higher { hi } else { lo }, false),
            self.target
                .map(|t| format!("; target {}{unit}", fmt_plain(t, false)))
                .unwrap_or_default(),
            if self.kpi.is_share() { "%" } else { "seconds" }
        );
        foot.draw(&Text::new(
            note,
            (16, 4),
            style(14).color(&RGBColor(80, 80, 80)),
        ))?;
        Ok(())
    }
}

/// `(interval start hour, offered load in Erlangs, scheduled agents)`.
pub type DemandPoint = (f64, f64, f64);

/// Offered load and scheduled agents per interval, one panel per weekday.
#[derive(Debug, Clone, PartialEq)]
pub struct DemandPlot {
    /// Title (names the scenario).
    pub title: String,
    /// Panels: weekday name and `(interval start hour, offered load in
    /// Erlangs, scheduled agents)` per interval.
    pub panels: Vec<(String, Vec<DemandPoint>)>,
    /// Interval length, hours.
    pub interval_h: f64,
}

/// Demand vs capacity of the whole center: offered load per interval
/// (offered calls per day x mean handling time / interval length, in
/// Erlangs, summed over services) against scheduled agents (agent-hours
/// per day / interval length, summed over agent groups).
pub fn demand_plot(s: &Summary) -> DemandPlot {
    let interval_s = f64::from(s.horizon.interval_minutes) * 60.0;
    let interval_h = interval_s / 3600.0;
    // (weekday, start seconds) -> (load, agents)
    let mut cells: BTreeMap<(usize, u32), (f64, f64)> = BTreeMap::new();
    for svc in &s.services {
        let aht_all = svc.kpis.get(Kpi::MeanHandlingS).map_or(0.0, |e| e.mean);
        for iv in &svc.intervals {
            let offered = iv.kpis.get(Kpi::Offered).map_or(0.0, |e| e.mean);
            let aht = iv
                .kpis
                .get(Kpi::MeanHandlingS)
                .map(|e| e.mean)
                .filter(|x| x.is_finite())
                .unwrap_or(aht_all);
            let key = (iv.weekday.index(), iv.start.secs());
            let load = offered / iv.days.max(1) as f64 * finite_or(aht, 0.0) / interval_s;
            cells.entry(key).or_default().0 += load;
        }
    }
    for g in &s.agent_groups {
        for iv in &g.intervals {
            let hours = iv
                .kpis
                .get(Kpi::ScheduledAgentHours)
                .map_or(0.0, |e| e.mean);
            let key = (iv.weekday.index(), iv.start.secs());
            cells.entry(key).or_default().1 += hours / interval_h / iv.days.max(1) as f64;
        }
    }
    let mut panels: BTreeMap<usize, Vec<(f64, f64, f64)>> = BTreeMap::new();
    for ((w, start), (load, agents)) in cells {
        if load > 0.0 || agents > 0.0 {
            panels
                .entry(w)
                .or_default()
                .push((f64::from(start) / 3600.0, load, agents));
        }
    }
    DemandPlot {
        title: format!("{}: demand vs capacity per interval", s.scenario),
        panels: panels
            .into_iter()
            .map(|(w, v)| (weekday_name(Weekday::from_index(w)).to_string(), v))
            .collect(),
        interval_h,
    }
}

impl Plot for DemandPlot {
    fn size(&self) -> (u32, u32) {
        let rows = self.panels.len().div_ceil(2).max(1) as u32;
        (1100, 110 + 260 * rows)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        root.fill(&WHITE)?;
        let (w, h) = self.size();
        let (top, rest) = root.split_vertically(56);
        top.draw(&Text::new(self.title.as_str(), (16, 14), caption_style()))?;
        let (body, foot) = rest.split_vertically(h - 56 - 50);
        let cols = if self.panels.len() > 1 { 2 } else { 1 };
        let rows = self.panels.len().div_ceil(cols).max(1);
        let areas = body.split_evenly((rows, cols));
        let (mut x0, mut x1, mut y1) = (f64::INFINITY, f64::NEG_INFINITY, 1.0f64);
        for (_, v) in &self.panels {
            for &(s, l, a) in v {
                x0 = x0.min(s);
                x1 = x1.max(s + self.interval_h);
                y1 = y1.max(l).max(a);
            }
        }
        if !x0.is_finite() {
            (x0, x1) = (0.0, 24.0);
        }
        x0 = x0.floor();
        x1 = x1.ceil().max(x0 + 1.0);
        let load_c = PALETTE[0];
        let agent_c = PALETTE[3];
        for ((name, v), area) in self.panels.iter().zip(areas.iter()) {
            let mut chart = ChartBuilder::on(area)
                .caption(name.as_str(), style(18))
                .margin(8)
                .margin_right(26)
                .x_label_area_size(36)
                .y_label_area_size(56)
                .build_cartesian_2d(x0..x1, 0.0..y1 * 1.1)?;
            let clock = |x: &f64| clock_label(*x);
            chart
                .configure_mesh()
                .x_labels((((x1 - x0) / 2.0) as usize + 1).min(7))
                .x_label_formatter(&clock)
                .y_desc("Erlangs / agents")
                .label_style(style(13))
                .axis_desc_style(style(14))
                .max_light_lines(1)
                .light_line_style(RGBColor(245, 245, 245))
                .bold_line_style(RGBColor(225, 225, 225))
                .draw()?;
            // Steps: the value holds over the whole interval.
            let steps = |f: &dyn Fn(&(f64, f64, f64)) -> f64| -> Vec<(f64, f64)> {
                v.iter()
                    .flat_map(|p| [(p.0, f(p)), (p.0 + self.interval_h, f(p))])
                    .collect()
            };
            chart.draw_series(AreaSeries::new(steps(&|p| p.1), 0.0, load_c.mix(0.25)))?;
            chart.draw_series(LineSeries::new(steps(&|p| p.1), load_c.stroke_width(2)))?;
            chart.draw_series(LineSeries::new(steps(&|p| p.2), agent_c.stroke_width(3)))?;
        }
        let legend = [
            (
                load_c,
                "offered load (calls per interval x mean handling time / interval length), Erlangs",
            ),
            (agent_c, "scheduled agents"),
        ];
        let mut x = 16;
        for (c, label) in legend {
            foot.draw(&Rectangle::new([(x, 16), (x + 28, 22)], c.filled()))?;
            foot.draw(&Text::new(label, (x + 36, 10), style(15)))?;
            x += 36 + 9 * label.len() as i32 + 24;
        }
        let _ = w;
        Ok(())
    }
}

/// One KPI of the scenario comparison.
#[derive(Debug, Clone, PartialEq)]
pub struct ComparisonPanel {
    /// KPI.
    pub kpi: Kpi,
    /// Target in plot units.
    pub target: Option<f64>,
    /// `(scenario, value in plot units)`, baseline first.
    pub values: Vec<(String, Estimate)>,
}

/// Each KPI for the baseline and the alternatives, with CI whiskers.
#[derive(Debug, Clone, PartialEq)]
pub struct ComparisonPlot {
    /// Title (names the scenarios).
    pub title: String,
    /// One panel per KPI.
    pub panels: Vec<ComparisonPanel>,
}

/// The comparison plot of service `service`: the KPIs with a target, then
/// ASA and occupancy, for the baseline and each alternative.
pub fn comparison_plot(c: &Comparison, service: &str) -> ComparisonPlot {
    let mut panels: Vec<ComparisonPanel> = Vec::new();
    let mut order: Vec<Kpi> = Vec::new();
    if let Some(first) = c.alternatives.first()
        && let Some(e) = first
            .entities
            .iter()
            .find(|e| e.kind == crate::compare::EntityKind::Service && e.name == service)
    {
        order.extend(e.kpis.iter().filter(|k| k.target.is_some()).map(|k| k.kpi));
        for k in [Kpi::AsaS, Kpi::Occupancy] {
            if e.get(k).is_some() && !order.contains(&k) {
                order.push(k);
            }
        }
    }
    for k in order {
        let f = scale(k);
        let sc = |e: Estimate| Estimate {
            mean: e.mean * f,
            ci95: e.ci95 * f,
            n: e.n,
        };
        let mut panel = ComparisonPanel {
            kpi: k,
            target: None,
            values: Vec::new(),
        };
        for (i, alt) in c.alternatives.iter().enumerate() {
            let Some(kc) = alt
                .entities
                .iter()
                .find(|e| e.kind == crate::compare::EntityKind::Service && e.name == service)
                .and_then(|e| e.get(k))
            else {
                continue;
            };
            if i == 0 {
                panel.values.push((c.base.clone(), sc(kc.base)));
                panel.target = kc.target.map(|t| t * f);
            }
            panel.values.push((alt.scenario.clone(), sc(kc.alt)));
        }
        panels.push(panel);
    }
    ComparisonPlot {
        title: format!("{} vs alternatives: service {service}", c.base),
        panels,
    }
}

impl Plot for ComparisonPlot {
    fn size(&self) -> (u32, u32) {
        let n = self.panels.len().max(1) as u32;
        (360 * n.min(3) + 40, 130 + 400 * n.div_ceil(3))
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        root.fill(&WHITE)?;
        let (_, h) = self.size();
        let (top, rest) = root.split_vertically(56);
        top.draw(&Text::new(self.title.as_str(), (16, 14), caption_style()))?;
        let (body, foot) = rest.split_vertically(h - 56 - 60);
        let n = self.panels.len().max(1);
        let areas = body.split_evenly((n.div_ceil(3), n.min(3)));
        let names: Vec<String> = self
            .panels
            .first()
            .map(|p| p.values.iter().map(|(n, _)| n.clone()).collect())
            .unwrap_or_default();
        for (p, area) in self.panels.iter().zip(areas.iter()) {
            let m = p.values.len().max(1);
            let mut lo = f64::INFINITY;
            let mut hi = f64::NEG_INFINITY;
            for (_, e) in &p.values {
                lo = lo.min(e.mean - finite_or(e.ci95, 0.0));
                hi = hi.max(e.mean + finite_or(e.ci95, 0.0));
            }
            if let Some(t) = p.target {
                lo = lo.min(t);
                hi = hi.max(t);
            }
            if !lo.is_finite() {
                (lo, hi) = (0.0, 1.0);
            }
            let pad = ((hi - lo) * 0.15).max(hi.abs() * 0.01).max(1e-9);
            let (mut y0, mut y1) = (lo - pad, hi + pad);
            if lo >= 0.0 {
                y0 = y0.max(0.0);
            }
            if p.kpi.is_share() {
                y1 = y1.min(100.0);
            }
            let mut chart = ChartBuilder::on(area)
                .caption(kpi_title(p.kpi), style(17))
                .margin(12)
                .x_label_area_size(34)
                .y_label_area_size(62)
                .build_cartesian_2d(-0.5..(m as f64 - 0.5), y0..y1)?;
            let letter = |x: &f64| {
                let i = x.round();
                if (x - i).abs() < 1e-6 && i >= 0.0 && (i as usize) < m {
                    scenario_letter(i as usize)
                } else {
                    String::new()
                }
            };
            chart
                .configure_mesh()
                .disable_x_mesh()
                .x_labels(m + 1)
                .x_label_formatter(&letter)
                .label_style(style(14))
                .max_light_lines(1)
                .light_line_style(RGBColor(245, 245, 245))
                .draw()?;
            for (i, (_, e)) in p.values.iter().enumerate() {
                let c = PALETTE[i % PALETTE.len()];
                let x = i as f64;
                let ci = finite_or(e.ci95, 0.0);
                let whisker = ShapeStyle::from(&c).stroke_width(3);
                chart.draw_series(std::iter::once(PathElement::new(
                    vec![(x, e.mean - ci), (x, e.mean + ci)],
                    whisker,
                )))?;
                for yy in [e.mean - ci, e.mean + ci] {
                    chart.draw_series(std::iter::once(PathElement::new(
                        vec![(x - 0.15, yy), (x + 0.15, yy)],
                        whisker,
                    )))?;
                }
                chart.draw_series(std::iter::once(Circle::new((x, e.mean), 7, c.filled())))?;
                chart.draw_series(std::iter::once(Text::new(
                    fmt_plain(e.mean, false),
                    (x + 0.2, e.mean),
                    style(13).pos(plotters::style::text_anchor::Pos::new(
                        plotters::style::text_anchor::HPos::Left,
                        plotters::style::text_anchor::VPos::Center,
                    )),
                )))?;
            }
            if let Some(t) = p.target {
                chart.draw_series(DashedLineSeries::new(
                    vec![(-0.5, t), (m as f64 - 0.5, t)],
                    8,
                    5,
                    TARGET.stroke_width(2),
                ))?;
            }
        }
        let mut x = 16;
        for (i, name) in names.iter().enumerate() {
            let c = PALETTE[i % PALETTE.len()];
            foot.draw(&Circle::new((x + 11, 18), 7, c.filled()))?;
            let label = format!("{} = {name}", scenario_letter(i));
            foot.draw(&Text::new(label.clone(), (x + 30, 10), style(15)))?;
            x += 30 + 9 * label.chars().count() as i32 + 24;
        }
        foot.draw(&Text::new(
            "dots: means over replications; whiskers: 95% confidence intervals; red dashes: target",
            (16, 36),
            style(13).color(&RGBColor(90, 90, 90)),
        ))?;
        Ok(())
    }
}

/// Short label of the `i`-th scenario on the comparison plot's axis: `A`
/// (baseline), `B`, `C`...
pub fn scenario_letter(i: usize) -> String {
    let c = (b'A' + (i % 26) as u8) as char;
    if i < 26 {
        c.to_string()
    } else {
        format!("{c}{}", i / 26)
    }
}
