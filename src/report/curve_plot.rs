//! The staffing curve of `ccsim sweep --out DIR` (`staffing-curve.png` and
//! `.svg`): service level and abandonment against the staffing level, with
//! their 95% bands and targets, and on a second axis the probability of
//! meeting each target. Drawn from a finished [`SweepResult`]; the figures
//! are those the sweep judges (the selected intervals with `--days` /
//! `--window`, else the horizon).

use plotters::coord::Shift;
use plotters::prelude::*;

use super::plot::{
    DrawResult, PALETTE, Plot, TARGET, TITLE_H, draw_legend, draw_title, finite_or, fmt_plain,
    style,
};
use crate::optimize::sweep::SweepResult;
use crate::stats::{Estimate, Kpi};

/// One service on one panel: `(level, KPI estimate in %, P(meet) in %)`.
#[derive(Debug, Clone, PartialEq)]
pub struct CurveSeries {
    /// Service name.
    pub service: String,
    /// Points in level order.
    pub points: Vec<(f64, Estimate, Option<f64>)>,
    /// The service's target on the KPI, in %.
    pub target: Option<f64>,
}

/// One KPI (service level or abandonment).
#[derive(Debug, Clone, PartialEq)]
pub struct CurvePanel {
    /// The KPI.
    pub kpi: Kpi,
    /// Left axis description with unit.
    pub y_desc: String,
    /// Short name for the legend ("service level", "abandoned").
    pub short: String,
    /// One series per service judged.
    pub series: Vec<CurveSeries>,
}

/// The staffing curve.
#[derive(Debug, Clone, PartialEq)]
pub struct CurvePlot {
    /// Two lines: the scenario's title, then what is shown and where.
    pub title: String,
    /// Bottom axis description with unit.
    pub x_desc: String,
    /// `"agents"`, `"agents added"` or `"factor"` (tick label format).
    pub level_unit: &'static str,
    /// `(level, paid agent-hours)` of every level, for the top axis.
    pub hours: Vec<(f64, f64)>,
    /// Top axis description.
    pub hours_desc: String,
    /// Service level, then abandonment.
    pub panels: Vec<CurvePanel>,
    /// Paid agent-hours today (the top axis shows the change from it).
    pub today_hours: f64,
    /// The cheapest level meeting the targets, if any.
    pub chosen: Option<f64>,
    /// The answer in words (one or two lines): the cheapest level, what it
    /// costs and its agents per interval, or that no level tried meets the
    /// targets.
    pub answer: String,
    /// Confidence a level needs (in %), for the legend.
    pub confidence: f64,
    /// What the lines and bands are, and which intervals.
    pub note: String,
    /// Scenario, seed, replications, version.
    pub source: String,
}

/// The staffing curve of a sweep.
pub fn curve_plot(r: &SweepResult) -> CurvePlot {
    let kpis = [
        (Kpi::ServiceLevel, "service level"),
        (Kpi::AbandonRate, "abandoned"),
    ];
    let mut panels = Vec::new();
    for (k, short) in kpis {
        let mut series = Vec::new();
        let mut threshold = None;
        for name in &r.judged_services {
            let mut points = Vec::new();
            let mut target = None;
            for l in &r.levels {
                let Some(s) = l.services.iter().find(|s| &s.name == name) else {
                    continue;
                };
                let (kp, comp) = s.judged();
                let Some(e) = kp.get(k).filter(|e| e.mean.is_finite()) else {
                    continue;
                };
                let c = comp.iter().find(|c| c.call_type.is_none() && c.kpi == k);
                if let Some(c) = c {
                    target = Some(c.target * 100.0);
                    if k == Kpi::ServiceLevel {
                        threshold = Some(c.indicator.clone());
                    }
                }
                points.push((
                    l.value,
                    Estimate {
                        mean: e.mean * 100.0,
                        ci95: e.ci95 * 100.0,
                        n: e.n,
                    },
                    c.map(|c| c.met_share * 100.0),
                ));
            }
            points.sort_by(|a, b| a.0.total_cmp(&b.0));
            if !points.is_empty() {
                series.push(CurveSeries {
                    service: name.clone(),
                    points,
                    target,
                });
            }
        }
        let y_desc = match (k, threshold) {
            (Kpi::ServiceLevel, Some(t)) => format!("{t}, % of offered calls"),
            (Kpi::ServiceLevel, None) => "service level, % of offered calls".into(),
            _ => "abandoned, % of offered calls".into(),
        };
        panels.push(CurvePanel {
            kpi: k,
            y_desc,
            short: short.into(),
            series,
        });
    }
    let where_ = r.selection.as_deref().unwrap_or("every interval");
    let x_desc = match r.level_unit {
        "agents" => format!("scheduled agents in each staffed interval of {where_}"),
        "agents added" => {
            format!("scheduled agents added to today's staffing in each interval of {where_}")
        }
        _ => format!("factor on today's scheduled agents in {where_}"),
    };
    let answer = match r.smallest_meeting {
        None => format!(
            "No level tried meets the targets on {} with P >= {:.0}%: more staff is needed than the highest level drawn.",
            r.judged_on,
            r.confidence * 100.0
        ),
        Some(i) => {
            let l = &r.levels[i];
            let mut text = format!(
                "Cheapest level meeting the targets with P >= {:.0}%: {}{}; {} paid agent-hours over the horizon ({} from today's {}).",
                r.confidence * 100.0,
                l.level,
                if r.level_unit == "factor" {
                    ""
                } else {
                    " agents"
                },
                thousands(l.agent_hours),
                signed_thousands(l.agent_hours - r.today_agent_hours),
                thousands(r.today_agent_hours)
            );
            let join = |v: &[u32]| v.iter().map(u32::to_string).collect::<Vec<_>>().join("/");
            let days: Vec<String> = r
                .answer
                .days
                .iter()
                .map(|d| {
                    format!(
                        "{} {} (today {})",
                        &d.weekday[..3],
                        join(&d.agents),
                        join(&d.today)
                    )
                })
                .collect();
            if !days.is_empty() {
                text.push_str(&format!(
                    "\nScheduled agents per interval of {} at that level: {}.",
                    r.judged_on,
                    days.join(", ")
                ));
            }
            text
        }
    };
    CurvePlot {
        title: format!(
            "{}\nservice level and abandonment vs staffing, {} (group {})",
            r.description.as_deref().unwrap_or(&r.scenario),
            r.judged_on,
            r.group
        ),
        x_desc,
        level_unit: r.level_unit,
        hours: r.levels.iter().map(|l| (l.value, l.agent_hours)).collect(),
        hours_desc: format!(
            "change in paid agent-hours of group {} over the {} days of the horizon (today {})",
            r.group,
            r.answer.horizon_days,
            thousands(r.today_agent_hours)
        ),
        panels,
        today_hours: r.today_agent_hours,
        chosen: r.smallest_meeting.map(|i| r.levels[i].value),
        answer,
        confidence: r.confidence * 100.0,
        note: format!(
            "Figures over {}{}. Lines: means over replications; bands: 95% confidence intervals; dashed: probability of meeting the target (right axis).",
            r.judged_on,
            if r.selection.is_some() {
                " (every other interval keeps today's staffing)"
            } else {
                ""
            }
        ),
        source: format!(
            "source: ccsim {} sweep | scenario {} | seed {} | {} replications per level (the same callers at every level)",
            r.ccsim_version, r.scenario, r.seed, r.replications
        ),
    }
}

/// 2070 -> "+2,070", -46 -> "-46", 0 -> "0".
fn signed_thousands(x: f64) -> String {
    if x.round() > 0.0 {
        format!("+{}", thousands(x))
    } else {
        thousands(x)
    }
}

/// 43155.5 -> "43,156".
fn thousands(x: f64) -> String {
    super::compare::fmt_money(x, None)
}

impl CurvePlot {
    fn level_label(&self, x: f64) -> String {
        match self.level_unit {
            "agents added" if x.fract() == 0.0 => format!("{:+}", x as i64),
            "factor" => format!("x{}", fmt_trim(x)),
            _ => fmt_trim(x),
        }
    }

    /// Paid hours at level `x`, interpolated between the levels swept.
    fn hours_at(&self, x: f64) -> Option<f64> {
        let h = &self.hours;
        let i = h.iter().position(|p| p.0 >= x)?;
        if i == 0 {
            return (h[0].0 == x).then_some(h[0].1);
        }
        let (a, b) = (h[i - 1], h[i]);
        Some(a.1 + (b.1 - a.1) * (x - a.0) / (b.0 - a.0))
    }
}

fn fmt_trim(x: f64) -> String {
    let s = format!("{x:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// Legend column width.
const LEGEND_W: u32 = 300;

impl Plot for CurvePlot {
    fn size(&self) -> (u32, u32) {
        (1280, 1000)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        root.fill(&WHITE)?;
        let (w, h) = self.size();
        let (top, rest) = root.split_vertically(TITLE_H);
        draw_title(&top, &self.title, w)?;
        let foot_h = 110;
        let (body, foot) = rest.split_vertically(h - TITLE_H - foot_h);
        let grey = RGBColor(80, 80, 80);
        let mut y = 4;
        for line in self.answer.lines() {
            foot.draw(&Text::new(line.to_string(), (16, y), style(16)))?;
            y += 24;
        }
        foot.draw(&Text::new(
            self.note.clone(),
            (16, y),
            style(14).color(&grey),
        ))?;
        foot.draw(&Text::new(
            self.source.clone(),
            (16, y + 22),
            style(14).color(&grey),
        ))?;
        let (mut x0, mut x1) = (f64::INFINITY, f64::NEG_INFINITY);
        for p in &self.hours {
            x0 = x0.min(p.0);
            x1 = x1.max(p.0);
        }
        if !x0.is_finite() {
            (x0, x1) = (0.0, 1.0);
        }
        if x1 <= x0 {
            x1 = x0 + 1.0;
        }
        let pad = (x1 - x0) * 0.02;
        let (x0, x1) = (x0 - pad, x1 + pad);
        let areas = body.split_evenly((self.panels.len().max(1), 1));
        for (n, (panel, area)) in self.panels.iter().zip(areas.iter()).enumerate() {
            let (plot_area, legend_area) = area.split_horizontally(w - LEGEND_W);
            // Left axis: the KPI; service level from just below its lowest
            // band (or target) to 100%, abandonment from 0.
            let (mut lo, mut hi) = (f64::INFINITY, 0.0f64);
            for s in &panel.series {
                for (_, e, _) in &s.points {
                    lo = lo.min(e.mean - finite_or(e.ci95, 0.0));
                    hi = hi.max(e.mean + finite_or(e.ci95, 0.0));
                }
                if let Some(t) = s.target {
                    lo = lo.min(t);
                    hi = hi.max(t);
                }
            }
            let (y0, y1) = if panel.kpi == Kpi::ServiceLevel {
                let lo = if lo.is_finite() { lo } else { 0.0 };
                (((lo - 5.0) / 10.0).floor().max(0.0) * 10.0, 100.0)
            } else {
                (
                    0.0,
                    if hi > 0.0 {
                        (hi * 1.12).min(100.0)
                    } else {
                        1.0
                    },
                )
            };
            let first = n == 0;
            let mut chart = ChartBuilder::on(&plot_area)
                .margin(10)
                .margin_left(16)
                .x_label_area_size(56)
                .top_x_label_area_size(if first { 56 } else { 0 })
                .y_label_area_size(78)
                .right_y_label_area_size(78)
                .build_cartesian_2d(x0..x1, y0..y1)?
                .set_secondary_coord(x0..x1, 0.0..100.0);
            let level = |x: &f64| self.level_label(*x);
            let pct = |y: &f64| format!("{y:.0}%");
            let hours = |x: &f64| {
                self.hours_at(*x)
                    .map(|h| signed_thousands(h - self.today_hours))
                    .unwrap_or_default()
            };
            let n_levels = self.hours.len();
            chart
                .configure_mesh()
                .x_desc(self.x_desc.as_str())
                .y_desc(panel.y_desc.as_str())
                .x_labels(n_levels.clamp(2, 14))
                .x_label_formatter(&level)
                .y_label_formatter(&pct)
                .label_style(style(15))
                .axis_desc_style(style(16))
                .max_light_lines(1)
                .light_line_style(RGBColor(245, 245, 245))
                .bold_line_style(RGBColor(225, 225, 225))
                .draw()?;
            let mut sec = chart.configure_secondary_axes();
            sec.y_desc("probability of meeting the target (%)")
                .y_label_formatter(&pct)
                .label_style(style(15))
                .axis_desc_style(style(16));
            if first {
                sec.x_desc(self.hours_desc.as_str())
                    .x_labels(n_levels.clamp(2, 8))
                    .x_label_formatter(&hours);
            } else {
                sec.x_labels(0);
            }
            sec.draw()?;
            let mut legend = Vec::new();
            let many = panel.series.len() > 1;
            for (i, s) in panel.series.iter().enumerate() {
                // The KPI and its probability of meeting the target in two
                // colours of the palette, per service.
                let color = PALETTE[(2 * i) % PALETTE.len()];
                let p_color = PALETTE[(2 * i + 1) % PALETTE.len()];
                let clamp = |y: f64| y.clamp(y0, y1);
                let mut band: Vec<(f64, f64)> = s
                    .points
                    .iter()
                    .map(|(x, e, _)| (*x, clamp(e.mean + finite_or(e.ci95, 0.0))))
                    .collect();
                band.extend(
                    s.points
                        .iter()
                        .rev()
                        .map(|(x, e, _)| (*x, clamp(e.mean - finite_or(e.ci95, 0.0)))),
                );
                if band.len() >= 3 {
                    chart.draw_series(std::iter::once(Polygon::new(band, color.mix(0.18))))?;
                }
                let line: Vec<(f64, f64)> = s
                    .points
                    .iter()
                    .map(|(x, e, _)| (*x, clamp(e.mean)))
                    .collect();
                chart.draw_series(LineSeries::new(line.clone(), color.stroke_width(3)))?;
                chart.draw_series(line.iter().map(|&p| Circle::new(p, 3, color.filled())))?;
                let met: Vec<(f64, f64)> = s
                    .points
                    .iter()
                    .filter_map(|(x, _, p)| p.map(|p| (*x, p)))
                    .collect();
                if !met.is_empty() {
                    chart.draw_secondary_series(DashedLineSeries::new(
                        met.clone(),
                        7,
                        5,
                        p_color.stroke_width(2),
                    ))?;
                    chart.draw_secondary_series(
                        met.iter()
                            .map(|&p| Rectangle::new([p, p], p_color.stroke_width(5))),
                    )?;
                }
                let who = if many {
                    format!("{}: ", s.service)
                } else {
                    String::new()
                };
                legend.push((
                    color,
                    format!("{who}{} (mean, 95% band)", panel.short),
                    false,
                ));
                if !met.is_empty() {
                    legend.push((
                        p_color,
                        format!("{who}probability target met (right)"),
                        true,
                    ));
                }
                if let Some(t) = s.target {
                    chart.draw_series(DashedLineSeries::new(
                        vec![(x0, t), (x1, t)],
                        10,
                        6,
                        TARGET.stroke_width(2),
                    ))?;
                    let dir = if panel.kpi == Kpi::ServiceLevel {
                        "at least"
                    } else {
                        "at most"
                    };
                    legend.push((
                        TARGET,
                        format!("{who}target: {dir} {}", fmt_plain(t, true)),
                        true,
                    ));
                }
            }
            if let Some(x) = self.chosen {
                chart.draw_series(std::iter::once(PathElement::new(
                    vec![(x, y0), (x, y1)],
                    BLACK.mix(0.6).stroke_width(2),
                )))?;
                legend.push((
                    RGBColor(90, 90, 90),
                    format!(
                        "cheapest level with P >= {:.0}%: {}",
                        self.confidence,
                        self.level_label(x)
                    ),
                    false,
                ));
            }
            draw_legend(&legend_area, &legend, if first { 80 } else { 24 })?;
        }
        Ok(())
    }
}
