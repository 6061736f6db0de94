//! Plots of results, in PNG and SVG, drawn with plotters.
//!
//! Text is drawn with DejaVu Sans embedded in the binary (the `dejavu`
//! crate), registered once as plotters' `sans-serif` family, so the plots
//! read the same on every machine and need no system font; in SVGs it is
//! written as glyph outlines ([`super::svgtext`]).
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
pub(super) const FONT: &str = "sans-serif";

/// Colours of the series, one per weekday (Monday first); colour-blind
/// friendly (Okabe-Ito) with black for Sunday.
pub(super) const PALETTE: [RGBColor; 7] = [
    RGBColor(0, 114, 178),
    RGBColor(230, 159, 0),
    RGBColor(0, 158, 115),
    RGBColor(213, 94, 0),
    RGBColor(204, 121, 167),
    RGBColor(86, 180, 233),
    RGBColor(0, 0, 0),
];

/// Colour of target lines.
pub(super) const TARGET: RGBColor = RGBColor(200, 0, 0);

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

pub(super) type DrawResult = Result<(), Box<dyn Error>>;

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
    // Text as glyph outlines: the SVG looks like the PNG in every viewer.
    let prefix = stem.file_name().map_or_else(
        || "g".to_string(),
        |n| {
            n.to_string_lossy()
                .replace(|c: char| !c.is_ascii_alphanumeric(), "-")
        },
    );
    let svg_text = super::svgtext::text_to_paths(&svg_text, &prefix);
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

pub(super) fn style(size: u32) -> TextStyle<'static> {
    (FONT, size).into_font().color(&BLACK)
}

/// Height of the title area: two lines.
pub(super) const TITLE_H: u32 = 64;

/// Draws a title: the first line (the scenario's title) in bold, smaller
/// when it is long so that it fits the width, the rest (what the plot
/// shows) below it.
pub(super) fn draw_title<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    title: &str,
    width: u32,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let mut lines = title.splitn(2, '\n');
    let first = lines.next().unwrap_or_default();
    // DejaVu Sans Bold: about 0.68 em per character on average.
    let fit = (f64::from(width.saturating_sub(32)) / (0.68 * first.chars().count().max(1) as f64))
        .floor() as u32;
    let size = fit.clamp(12, 22);
    area.draw(&Text::new(
        first.to_string(),
        (16, 8),
        (FONT, size, FontStyle::Bold).into_font().color(&BLACK),
    ))?;
    if let Some(second) = lines.next() {
        area.draw(&Text::new(second.to_string(), (16, 36), style(17)))?;
    }
    Ok(())
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

/// The title of a scenario in plots and reports: its `description` (e.g.
/// "CUP, January-June 2025, status quo"), else its name.
pub fn scenario_title(s: &Summary) -> &str {
    s.description.as_deref().unwrap_or(&s.scenario)
}

/// Axis description of a service KPI naming its threshold: "answered
/// within 20 s, % of offered calls".
pub fn threshold_axis(k: Kpi, answered_within_s: Option<f64>) -> String {
    match (k, answered_within_s) {
        (Kpi::ServiceLevel, Some(t)) => format!("answered within {t} s, % of offered calls"),
        (Kpi::AbandonRate, _) => "abandoned, % of offered calls".into(),
        _ => kpi_title(k),
    }
}

/// Splits points sorted by x into runs without a gap wider than `gap`: a
/// closed interval (lunch, a night) breaks the line instead of being drawn
/// across as if there were data.
fn runs<T: Copy>(points: &[(f64, T)], gap: Option<f64>) -> Vec<Vec<(f64, T)>> {
    let mut out: Vec<Vec<(f64, T)>> = Vec::new();
    for &p in points {
        match (out.last_mut(), gap) {
            (Some(run), Some(g)) if run.last().is_some_and(|l| p.0 - l.0 <= g * 1.01) => {
                run.push(p);
            }
            (Some(run), None) => run.push(p),
            _ => out.push(vec![p]),
        }
    }
    out
}

/// Draws a legend as a column of entries in `area` (outside the plotting
/// area, so that it never covers data). Entries are `(colour, label,
/// dashed)`.
pub(super) fn draw_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    entries: &[(RGBColor, String, bool)],
    y0: i32,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    for (i, (c, label, dashed)) in entries.iter().enumerate() {
        let y = y0 + 28 * i as i32;
        if *dashed {
            for x in [0, 14] {
                area.draw(&PathElement::new(
                    vec![(x + 4, y), (x + 14, y)],
                    c.stroke_width(2),
                ))?;
            }
        } else {
            area.draw(&PathElement::new(vec![(4, y), (32, y)], c.stroke_width(3)))?;
        }
        area.draw(&Text::new(label.clone(), (40, y - 9), style(15)))?;
    }
    Ok(())
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
    /// Legend in the upper right corner (else lower right). The legend is
    /// drawn outside the plotting area; kept for callers.
    pub legend_top: bool,
    /// Points further apart than this (x units) are not joined: closed
    /// intervals break the line.
    pub gap: Option<f64>,
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
            "{}\n{} per interval, service {}",
            scenario_title(s),
            kpi_title(k).split(" (").next().unwrap_or_default(),
            e.name
        ),
        x_desc: format!(
            "time of day (interval midpoint, {}-minute intervals)",
            s.horizon.interval_minutes
        ),
        y_desc: threshold_axis(k, e.answered_within_s),
        series: by_day.into_values().collect(),
        target,
        x_is_clock: true,
        percent: k.is_share(),
        legend_top: k.polarity() == Polarity::LowerIsBetter,
        gap: Some(f64::from(s.horizon.interval_minutes) / 60.0),
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
        title: format!("{scenario}\n{} vs staffing", k.name().replace('_', " ")),
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
        gap: None,
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

pub(super) fn finite_or(x: f64, d: f64) -> f64 {
    if x.is_finite() { x } else { d }
}

impl Plot for LinePlot {
    fn size(&self) -> (u32, u32) {
        (1200, 614)
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
        let (w, h) = self.size();
        let (top, rest) = root.split_vertically(TITLE_H);
        draw_title(&top, &self.title, w)?;
        let (body, foot) = rest.split_vertically(h - TITLE_H - 28);
        foot.draw(&Text::new(
            "lines: means over replications; shaded bands: 95% confidence intervals; a gap: closed or no calls",
            (16, 4),
            style(14).color(&RGBColor(80, 80, 80)),
        ))?;
        // The legend has its own column right of the plotting area.
        let (plot_area, legend_area) = body.split_horizontally(w - 190);
        let mut chart = ChartBuilder::on(&plot_area)
            .margin(16)
            .margin_right(20)
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
        let mut legend = Vec::new();
        for (i, s) in self.series.iter().enumerate() {
            let color = PALETTE[i % PALETTE.len()];
            for run in runs(&s.points, self.gap) {
                let mut band: Vec<(f64, f64)> = run
                    .iter()
                    .map(|(x, e)| (*x, clamp(e.mean + finite_or(e.ci95, 0.0))))
                    .collect();
                band.extend(
                    run.iter()
                        .rev()
                        .map(|(x, e)| (*x, clamp(e.mean - finite_or(e.ci95, 0.0)))),
                );
                if band.len() >= 3 {
                    chart
                        .draw_series(std::iter::once(Polygon::new(band, color.mix(band_alpha))))?;
                }
                let line: Vec<(f64, f64)> = run.iter().map(|(x, e)| (*x, clamp(e.mean))).collect();
                chart.draw_series(LineSeries::new(line.clone(), color.stroke_width(3)))?;
                chart.draw_series(line.iter().map(|&p| Circle::new(p, 3, color.filled())))?;
            }
            legend.push((color, s.label.clone(), false));
        }
        if let Some(t) = self.target {
            chart.draw_series(DashedLineSeries::new(
                vec![(x0, t), (x1, t)],
                10,
                6,
                TARGET.stroke_width(2),
            ))?;
            legend.push((
                TARGET,
                format!("target {}", fmt_plain(t, self.percent)),
                true,
            ));
        }
        draw_legend(&legend_area, &legend, 40)?;
        Ok(())
    }
}

pub(super) fn fmt_plain(x: f64, percent: bool) -> String {
    if percent {
        // 94.5 stays 94.5, never 95.
        let t = format!("{x:.2}");
        let t = t.trim_end_matches('0').trim_end_matches('.');
        format!("{t}%")
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
    /// Target in plot units: the colour scale diverges from it.
    pub target: Option<f64>,
    /// Axis/colour-bar description naming the threshold.
    pub desc: String,
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
            "{}\n{} by weekday and interval, service {}",
            scenario_title(s),
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
        desc: threshold_axis(k, e.answered_within_s),
    }
}

fn lerp_color(a: (u8, u8, u8), b: (u8, u8, u8), u: f64) -> RGBColor {
    let u = u.clamp(0.0, 1.0);
    let l = |a: u8, b: u8| (f64::from(a) + (f64::from(b) - f64::from(a)) * u).round() as u8;
    RGBColor(l(a.0, b.0), l(a.1, b.1), l(a.2, b.2))
}

/// A colour scale for a heatmap: anchored to the target when there is one
/// (blue where the cell meets it, orange where it misses, deeper with the
/// distance: a colour-blind-safe diverging scale that jumps at the target),
/// else a sequential dark-blue-to-yellow scale (cividis-like) over the data.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HeatScale {
    /// Lowest value of the scale.
    pub lo: f64,
    /// Highest value of the scale.
    pub hi: f64,
    /// Target and whether meeting it means at least (`true`) or at most.
    pub target: Option<(f64, bool)>,
}

impl HeatScale {
    /// The colour of value `v`.
    pub fn color(&self, v: f64) -> RGBColor {
        const MISS: [(u8, u8, u8); 2] = [(254, 224, 182), (179, 88, 6)];
        const MEET: [(u8, u8, u8); 2] = [(209, 229, 240), (33, 102, 172)];
        match self.target {
            Some((t, at_least)) => {
                let meets = if at_least { v >= t } else { v <= t };
                let far = match (meets, at_least) {
                    (true, true) | (false, false) => self.hi,
                    (true, false) | (false, true) => self.lo,
                };
                let u = if (far - t).abs() > 1e-12 {
                    (v - t) / (far - t)
                } else {
                    1.0
                };
                let [a, b] = if meets { MEET } else { MISS };
                lerp_color(a, b, 0.15 + 0.85 * u)
            }
            None => {
                let u = if self.hi > self.lo {
                    (v - self.lo) / (self.hi - self.lo)
                } else {
                    0.5
                };
                if u < 0.5 {
                    lerp_color((0, 34, 78), (124, 123, 120), u * 2.0)
                } else {
                    lerp_color((124, 123, 120), (253, 234, 69), u * 2.0 - 1.0)
                }
            }
        }
    }

    /// The label of value `v` in a cell, with `decimals` decimals, cut
    /// towards missing the target, so that 94.99 against 95 reads 94.9,
    /// never 95.
    pub fn label(&self, v: f64, decimals: i32) -> String {
        let f = 10f64.powi(decimals);
        let x = match self.target {
            Some((_, true)) => (v * f + 1e-9).floor() / f,
            Some((_, false)) => (v * f - 1e-9).ceil() / f,
            None => (v * f).round() / f,
        };
        format!("{x:.prec$}", prec = decimals.max(0) as usize)
    }
}

/// Black or white, whichever reads better on `c`.
fn ink_on(c: RGBColor) -> RGBColor {
    let l = 0.299 * f64::from(c.0) + 0.587 * f64::from(c.1) + 0.114 * f64::from(c.2);
    if l < 128.0 { WHITE } else { BLACK }
}

impl Plot for Heatmap {
    fn size(&self) -> (u32, u32) {
        (1100, 268 + 60 * self.rows.len().max(2) as u32)
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
        let (top, rest) = root.split_vertically(TITLE_H);
        draw_title(&top, &self.title, self.size().0)?;
        let (body, foot) = rest.split_vertically(size_h - TITLE_H - 92);
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
        let (mut slo, mut shi) = (lo, hi);
        if let Some(t) = self.target {
            // The scale reaches at least 5 units either side of the target.
            slo = slo.min(t - 5.0);
            shi = shi.max(t + 5.0);
        }
        if self.kpi.is_share() {
            slo = slo.max(0.0);
            shi = shi.min(100.0);
        }
        let scale = HeatScale {
            lo: slo,
            hi: shi,
            target: self.target.map(|t| (t, higher)),
        };
        let cell_px = f64::from(self.size().0 - 160) / ((x1 - x0) / self.interval_h);
        let font = if cell_px >= 44.0 { 14 } else { 11 };
        let decimals = if cell_px >= 34.0 { 1 } else { 0 };
        for (r, (_, cells)) in self.rows.iter().enumerate() {
            let y = n - 1 - r as i32;
            for &(h, v) in cells {
                let c = scale.color(v);
                let rect = [
                    (h, SegmentValue::Exact(y)),
                    (h + self.interval_h, SegmentValue::Exact(y + 1)),
                ];
                chart.draw_series(std::iter::once(Rectangle::new(rect.clone(), c.filled())))?;
                chart.draw_series(std::iter::once(Rectangle::new(rect, WHITE.stroke_width(1))))?;
                if cell_px >= 24.0 {
                    chart.draw_series(std::iter::once(Text::new(
                        scale.label(v, decimals),
                        (h + self.interval_h * 0.5, SegmentValue::CenterOf(y)),
                        style(font)
                            .color(&ink_on(c))
                            .pos(plotters::style::text_anchor::Pos::new(
                                plotters::style::text_anchor::HPos::Center,
                                plotters::style::text_anchor::VPos::Center,
                            )),
                    )))?;
                }
            }
        }
        // Colour bar: the scale from its low to its high end, the target marked.
        let (bx0, bx1, by) = (430i32, 930i32, 22i32);
        let steps = 100;
        for i in 0..steps {
            let v = slo + (shi - slo) * (f64::from(i) + 0.5) / f64::from(steps);
            let xa = bx0 + (bx1 - bx0) * i / steps;
            let xb = bx0 + (bx1 - bx0) * (i + 1) / steps;
            foot.draw(&Rectangle::new(
                [(xa, by), (xb, by + 16)],
                scale.color(v).filled(),
            ))?;
        }
        foot.draw(&Rectangle::new(
            [(bx0, by), (bx1, by + 16)],
            BLACK.stroke_width(1),
        ))?;
        let at = |v: f64| bx0 + ((v - slo) / (shi - slo).max(1e-9) * f64::from(bx1 - bx0)) as i32;
        let tick = |v: f64| scale.label(v, 1);
        foot.draw(&Text::new(tick(slo), (bx0 - 10, by + 20), style(12)))?;
        foot.draw(&Text::new(tick(shi), (bx1 - 20, by + 20), style(12)))?;
        if let Some(t) = self.target {
            let x = at(t);
            foot.draw(&PathElement::new(
                vec![(x, by - 4), (x, by + 20)],
                BLACK.stroke_width(3),
            ))?;
            foot.draw(&Text::new(
                format!("target {}", fmt_plain(t, false)),
                (x - 30, by - 19),
                style(12),
            ))?;
        }
        foot.draw(&Text::new(
            format!("colour scale: {}", self.desc),
            (16, by + 2),
            style(13),
        ))?;
        let note = match self.target {
            Some(_) => format!(
                "blue: meets the target, orange: misses it, deeper further away; numbers: means over replications, {}, cut towards missing the target",
                if self.kpi.is_share() { "%" } else { "seconds" }
            ),
            None => format!(
                "dark blue (low) to yellow (high); numbers: means over replications, {}",
                if self.kpi.is_share() { "%" } else { "seconds" }
            ),
        };
        foot.draw(&Text::new(
            note,
            (16, by + 42),
            style(13).color(&RGBColor(80, 80, 80)),
        ))?;
        Ok(())
    }
}

/// One interval of the demand plot.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DemandPoint {
    /// Interval start, hours of the day.
    pub start_h: f64,
    /// Offered load, Erlangs.
    pub load: f64,
    /// Agents available (present: scheduled less shrinkage, plus time past
    /// the end of shifts to finish calls), mean over the weekday's days.
    pub available: f64,
    /// Agents available that the staffing search requires, when known.
    pub required: Option<f64>,
}

/// Offered load, available and required agents per interval, one panel per
/// weekday the center has calls.
#[derive(Debug, Clone, PartialEq)]
pub struct DemandPlot {
    /// Title (names the scenario).
    pub title: String,
    /// Panels: weekday name and its intervals with calls.
    pub panels: Vec<(String, Vec<DemandPoint>)>,
    /// Interval length, hours.
    pub interval_h: f64,
}

/// Agents required per `(weekday index, interval start in seconds)`:
/// available agents (after shrinkage) that meet the targets.
pub type Required = BTreeMap<(usize, u32), f64>;

/// Demand vs capacity of the whole center: offered load per interval
/// (offered calls per day x mean handling time / interval length, in
/// Erlangs, summed over services) against the agents available (present
/// agent time per day / interval length, summed over agent groups: the
/// scheduled agents less shrinkage) and, when given, the agents `staff`
/// found necessary. Only intervals with calls are drawn: closed hours and
/// closed days leave gaps.
pub fn demand_plot(s: &Summary, required: Option<&Required>) -> DemandPlot {
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
            // Present agent time = busy time / occupancy.
            let busy = iv.kpis.get(Kpi::BusyAgentHours).map_or(0.0, |e| e.mean);
            let occ = iv.kpis.get(Kpi::Occupancy).map_or(f64::NAN, |e| e.mean);
            let present = if occ > 0.0 { busy / occ } else { 0.0 };
            let key = (iv.weekday.index(), iv.start.secs());
            if let Some(c) = cells.get_mut(&key) {
                c.1 += present / interval_h / iv.days.max(1) as f64;
            }
        }
    }
    let mut panels: BTreeMap<usize, Vec<DemandPoint>> = BTreeMap::new();
    for ((w, start), (load, agents)) in cells {
        if load > 0.0 {
            panels.entry(w).or_default().push(DemandPoint {
                start_h: f64::from(start) / 3600.0,
                load,
                available: agents,
                required: required.and_then(|r| r.get(&(w, start)).copied()),
            });
        }
    }
    DemandPlot {
        title: format!("{}\ndemand vs capacity per interval", scenario_title(s)),
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
        (1100, 158 + 260 * rows)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        root.fill(&WHITE)?;
        let (_, h) = self.size();
        let (top, rest) = root.split_vertically(TITLE_H);
        draw_title(&top, &self.title, self.size().0)?;
        let (body, foot) = rest.split_vertically(h - TITLE_H - 90);
        let cols = if self.panels.len() > 1 { 2 } else { 1 };
        let rows = self.panels.len().div_ceil(cols).max(1);
        let areas = body.split_evenly((rows, cols));
        let (mut x0, mut x1, mut y1) = (f64::INFINITY, f64::NEG_INFINITY, 1.0f64);
        for (_, v) in &self.panels {
            for p in v {
                x0 = x0.min(p.start_h);
                x1 = x1.max(p.start_h + self.interval_h);
                y1 = y1
                    .max(p.load)
                    .max(p.available)
                    .max(p.required.unwrap_or(0.0));
            }
        }
        if !x0.is_finite() {
            (x0, x1) = (0.0, 24.0);
        }
        x0 = x0.floor();
        x1 = x1.ceil().max(x0 + 1.0);
        let load_c = PALETTE[0];
        let agent_c = PALETTE[3];
        let req_c = BLACK;
        let any_required = self
            .panels
            .iter()
            .any(|(_, v)| v.iter().any(|p| p.required.is_some()));
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
            let pts: Vec<(f64, DemandPoint)> = v.iter().map(|p| (p.start_h, *p)).collect();
            for run in runs(&pts, Some(self.interval_h)) {
                // Steps: the value holds over the whole interval.
                let steps = |f: &dyn Fn(&DemandPoint) -> f64| -> Vec<(f64, f64)> {
                    run.iter()
                        .flat_map(|(x, p)| [(*x, f(p)), (x + self.interval_h, f(p))])
                        .collect()
                };
                chart.draw_series(AreaSeries::new(steps(&|p| p.load), 0.0, load_c.mix(0.25)))?;
                chart.draw_series(LineSeries::new(steps(&|p| p.load), load_c.stroke_width(2)))?;
                chart.draw_series(LineSeries::new(
                    steps(&|p| p.available),
                    agent_c.stroke_width(3),
                ))?;
                if any_required {
                    chart.draw_series(DashedLineSeries::new(
                        steps(&|p| p.required.unwrap_or(0.0)),
                        8,
                        5,
                        req_c.stroke_width(2),
                    ))?;
                }
            }
        }
        let mut legend = vec![
            (
                load_c,
                "offered load (calls per interval x mean handling time / interval length), Erlangs"
                    .to_string(),
                false,
            ),
            (
                agent_c,
                "agents available: scheduled less shrinkage (present agent time / interval length)"
                    .to_string(),
                false,
            ),
        ];
        if any_required {
            legend.push((
                req_c,
                "agents available that meet the targets (ccsim staff)".to_string(),
                true,
            ));
        }
        draw_legend(&foot.margin(14, 0, 16, 0), &legend, 8)?;
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
    /// Service-level threshold of the service, seconds, named in the panel
    /// title when known.
    pub answered_within_s: Option<f64>,
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
        title: format!(
            "Service {service}: {} scenarios compared",
            c.alternatives.len() + 1
        ),
        panels,
        answered_within_s: None,
    }
}

impl ComparisonPlot {
    /// Scenarios in the legend, one per line (any number fits).
    fn names(&self) -> Vec<String> {
        self.panels
            .first()
            .map(|p| p.values.iter().map(|(n, _)| n.clone()).collect())
            .unwrap_or_default()
    }

    fn foot_h(&self) -> u32 {
        40 + 26 * self.names().len().max(1) as u32
    }
}

/// The y range of a comparison panel: shares span at least 20 points and
/// other KPIs start at zero, so that a 49-51% difference is not drawn as
/// if it were large.
fn comparison_range(lo: f64, hi: f64, share: bool) -> (f64, f64) {
    if share {
        let span = (hi - lo).max(20.0);
        let mid = (lo + hi) / 2.0;
        let (mut y0, mut y1) = (mid - span * 0.6, mid + span * 0.6);
        if y0 < 0.0 {
            y1 -= y0;
            y0 = 0.0;
        }
        if y1 > 100.0 {
            y0 = (y0 - (y1 - 100.0)).max(0.0);
            y1 = 100.0;
        }
        (y0, y1)
    } else if lo >= 0.0 {
        (0.0, (hi * 1.15).max(1e-9))
    } else {
        let pad = ((hi - lo) * 0.15).max(1e-9);
        (lo - pad, hi + pad)
    }
}

impl Plot for ComparisonPlot {
    fn size(&self) -> (u32, u32) {
        let n = self.panels.len().max(1) as u32;
        (
            (360 * n.min(3) + 40).max(1000),
            84 + 400 * n.div_ceil(3) + self.foot_h(),
        )
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        root.fill(&WHITE)?;
        let (_, h) = self.size();
        let (top, rest) = root.split_vertically(TITLE_H);
        draw_title(&top, &self.title, self.size().0)?;
        let (body, foot) = rest.split_vertically(h - TITLE_H - self.foot_h());
        let n = self.panels.len().max(1);
        let areas = body.split_evenly((n.div_ceil(3), n.min(3)));
        let names = self.names();
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
            let (y0, y1) = comparison_range(lo, hi, p.kpi.is_share());
            let mut chart = ChartBuilder::on(area)
                .caption(
                    match (p.kpi, self.answered_within_s) {
                        (Kpi::ServiceLevel, Some(t)) => format!("answered within {t} s (%)"),
                        (k, _) => kpi_title(k),
                    },
                    style(17),
                )
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
        foot.draw(&Text::new(
            "dots: means over replications; whiskers: 95% confidence intervals; red dashes: target; shares on at least 20 points, other axes from 0",
            (16, 6),
            style(13).color(&RGBColor(90, 90, 90)),
        ))?;
        for (i, name) in names.iter().enumerate() {
            let c = PALETTE[i % PALETTE.len()];
            let y = 40 + 26 * i as i32;
            foot.draw(&Circle::new((27, y), 7, c.filled()))?;
            let label = format!("{} = {name}", scenario_letter(i));
            foot.draw(&Text::new(label, (46, y - 9), style(15)))?;
        }
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
