//! The back-test plot of `ccsim fit --backtest-dir`: per weekday, the
//! observed service level and abandonment of each interval over the
//! simulated 95% prediction band of one realisation.

use std::error::Error;

use plotters::coord::Shift;
use plotters::prelude::*;

use super::plot::Plot;
use crate::fit::backtest::{BandCell, CallTypeBacktest};

const FONT: &str = "sans-serif";
const BAND: RGBColor = RGBColor(0, 114, 178);
const OUTSIDE: RGBColor = RGBColor(213, 0, 0);

/// One interval of a panel row: start hour, service-level and abandonment cells.
pub type BandPoint = (f64, Option<BandCell>, Option<BandCell>);

/// Observed points over simulated bands, a row of panels per weekday
/// (service level, abandonment).
#[derive(Debug, Clone)]
pub struct BacktestPlot {
    /// Title.
    pub title: String,
    /// Interval length, hours.
    pub interval_h: f64,
    /// Per weekday with data: its name and, per interval, (start hour,
    /// service-level cell, abandonment cell).
    pub days: Vec<(String, Vec<BandPoint>)>,
}

/// The plot of one call type's back-test.
pub fn backtest_plot(t: &CallTypeBacktest, interval_s: u32, seed: u64, reps: u32) -> BacktestPlot {
    let mut days: Vec<(String, Vec<_>)> = Vec::new();
    for r in &t.rows {
        let name = r.weekday.to_string();
        if days.last().is_none_or(|d| d.0 != name) {
            days.push((name, Vec::new()));
        }
        if let Some(d) = days.last_mut() {
            d.1.push((f64::from(r.start.secs()) / 3600.0, r.cells[1], r.cells[2]));
        }
    }
    let sl = t
        .judged
        .iter()
        .find(|j| j.kpi == crate::stats::Kpi::ServiceLevel);
    BacktestPlot {
        title: format!(
            "Back-test of call type {}: observed (dots) vs simulated 95% band of one realisation (seed {seed}, {reps} replications){}",
            t.name,
            sl.map_or(String::new(), |j| format!(
                "; service level in band: {:.0}% of {}",
                100.0 * j.coverage,
                j.n
            ))
        ),
        interval_h: f64::from(interval_s) / 3600.0,
        days,
    }
}

fn style(size: u32) -> TextStyle<'static> {
    (FONT, size).into_font().color(&BLACK)
}

impl Plot for BacktestPlot {
    fn size(&self) -> (u32, u32) {
        (1200, 70 + 210 * self.days.len().max(1) as u32)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), Box<dyn Error>>
    where
        DB::ErrorType: 'static,
    {
        root.fill(&WHITE)?;
        let (top, body) = root.split_vertically(50);
        top.draw(&Text::new(self.title.as_str(), (12, 14), style(15)))?;
        let rows = body.split_evenly((self.days.len().max(1), 2));
        let (x0, x1) = self
            .days
            .iter()
            .flat_map(|d| d.1.iter().map(|p| p.0))
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| {
                (a.min(x), b.max(x))
            });
        let (x0, x1) = if x0.is_finite() {
            (x0.floor(), (x1 + self.interval_h).ceil())
        } else {
            (0.0, 24.0)
        };
        for (i, (day, pts)) in self.days.iter().enumerate() {
            for (j, what) in ["service level %", "abandoned %"].iter().enumerate() {
                let area = &rows[2 * i + j];
                let mut chart = ChartBuilder::on(area)
                    .margin(6)
                    .caption(format!("{day}: {what}"), style(14))
                    .x_label_area_size(22)
                    .y_label_area_size(40)
                    .build_cartesian_2d(x0..x1, 0.0..100.0)?;
                chart
                    .configure_mesh()
                    .x_labels(((x1 - x0) as usize + 1).min(13))
                    .x_label_formatter(&|x| format!("{x:02.0}:00"))
                    .label_style(style(11))
                    .light_line_style(RGBColor(245, 245, 245))
                    .draw()?;
                let cell = |p: &BandPoint| {
                    if j == 0 { p.1 } else { p.2 }
                };
                let w = self.interval_h;
                chart.draw_series(pts.iter().filter_map(|p| {
                    let c = cell(p)?;
                    Some(Rectangle::new(
                        [(p.0, 100.0 * c.lo), (p.0 + w, 100.0 * c.hi)],
                        BAND.mix(0.25).filled(),
                    ))
                }))?;
                chart.draw_series(pts.iter().filter_map(|p| {
                    let c = cell(p)?;
                    Some(PathElement::new(
                        vec![(p.0, 100.0 * c.mean), (p.0 + w, 100.0 * c.mean)],
                        BAND.stroke_width(2),
                    ))
                }))?;
                chart.draw_series(pts.iter().filter_map(|p| {
                    let c = cell(p)?;
                    let color = if c.inside() { BLACK } else { OUTSIDE };
                    Some(Circle::new(
                        (p.0 + w / 2.0, 100.0 * c.observed),
                        3,
                        color.filled(),
                    ))
                }))?;
            }
        }
        Ok(())
    }
}
