//! The report folder of `ccsim report`: `report.md`, a self-contained
//! `report.html` (plots inlined as SVG) and the plots as PNG and SVG files
//! under `plots/`.
//!
//! The report is built once as a list of [`Block`]s and rendered to both
//! Markdown and HTML, so the two always say the same thing.

use std::fmt::Write;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use super::compare::{fmt_difference, fmt_half_width, verdict};
use super::fmt_estimate;
use super::plot::{self, PlotError};
use crate::calendar::Date;
use crate::compare::{Comparison, EntityKind};
use crate::io::write_atomic;
use crate::stats::{Kpi, Status, Summary};

/// A piece of a report.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// A heading of level 1 to 3.
    Heading(u8, String),
    /// A paragraph of plain text.
    Paragraph(String),
    /// A bulleted list of plain text.
    List(Vec<String>),
    /// A table with a header row.
    Table {
        /// Column names.
        header: Vec<String>,
        /// Rows of cells.
        rows: Vec<Vec<String>>,
    },
    /// A plot.
    Figure {
        /// Caption.
        caption: String,
        /// PNG path relative to the report folder (for Markdown).
        png: String,
        /// SVG path relative to the report folder (beside the PNG).
        svg: String,
        /// SVG text, inlined in the HTML.
        svg_text: String,
    },
}

/// A report: a title and blocks.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Document {
    /// Title.
    pub title: String,
    /// Content.
    pub blocks: Vec<Block>,
}

fn md_cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

impl Document {
    /// The report as Markdown (plots as links to the PNG files).
    pub fn to_markdown(&self) -> String {
        let mut o = format!("# {}\n", self.title);
        for b in &self.blocks {
            o.push('\n');
            match b {
                Block::Heading(l, t) => {
                    let _ = writeln!(o, "{} {t}", "#".repeat(usize::from((*l).clamp(1, 6))));
                }
                Block::Paragraph(t) => {
                    let _ = writeln!(o, "{t}");
                }
                Block::List(items) => {
                    for i in items {
                        let _ = writeln!(o, "* {i}");
                    }
                }
                Block::Table { header, rows } => {
                    let cells =
                        |r: &[String]| r.iter().map(|c| md_cell(c)).collect::<Vec<_>>().join(" | ");
                    let _ = writeln!(o, "| {} |", cells(header));
                    let _ = writeln!(o, "|{}", " --- |".repeat(header.len()));
                    for r in rows {
                        let _ = writeln!(o, "| {} |", cells(r));
                    }
                }
                Block::Figure { caption, png, .. } => {
                    let _ = writeln!(o, "![{caption}]({png})\n\n*{caption}*");
                }
            }
        }
        o
    }

    /// The report as one self-contained HTML page (plots inlined as SVG).
    pub fn to_html(&self) -> String {
        let mut o = String::new();
        let _ = write!(
            o,
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>\nbody{{font-family:\"DejaVu Sans\",Verdana,sans-serif;max-width:1150px;margin:2em auto;padding:0 1em;color:#222}}\ntable{{border-collapse:collapse;margin:1em 0}}\nth,td{{border:1px solid #bbb;padding:4px 8px;text-align:right}}\nth{{background:#eee}}\ntd:first-child,th:first-child{{text-align:left}}\nfigure{{margin:1.5em 0}}\nfigure svg{{max-width:100%;height:auto}}\nfigcaption{{font-style:italic;color:#555}}\n.KO{{color:#b00;font-weight:bold}}\n.OK{{color:#070;font-weight:bold}}\n</style>\n</head>\n<body>\n<h1>{}</h1>\n",
            html_escape(&self.title),
            html_escape(&self.title)
        );
        for b in &self.blocks {
            match b {
                Block::Heading(l, t) => {
                    let l = (*l).clamp(1, 6);
                    let _ = writeln!(o, "<h{l}>{}</h{l}>", html_escape(t));
                }
                Block::Paragraph(t) => {
                    let _ = writeln!(o, "<p>{}</p>", html_escape(t));
                }
                Block::List(items) => {
                    o.push_str("<ul>\n");
                    for i in items {
                        let _ = writeln!(o, "<li>{}</li>", html_escape(i));
                    }
                    o.push_str("</ul>\n");
                }
                Block::Table { header, rows } => {
                    o.push_str("<table>\n<tr>");
                    for h in header {
                        let _ = write!(o, "<th>{}</th>", html_escape(h));
                    }
                    o.push_str("</tr>\n");
                    for r in rows {
                        o.push_str("<tr>");
                        for c in r {
                            if Status::ALL.iter().any(|st| st.label() == c) {
                                let _ = write!(o, "<td class=\"{c}\">{c}</td>");
                            } else {
                                let _ = write!(o, "<td>{}</td>", html_escape(c));
                            }
                        }
                        o.push_str("</tr>\n");
                    }
                    o.push_str("</table>\n");
                }
                Block::Figure {
                    caption, svg_text, ..
                } => {
                    // Drop the XML declaration, if any: the SVG is inlined.
                    let body = svg_text
                        .find("<svg")
                        .map_or(svg_text.as_str(), |i| &svg_text[i..]);
                    let _ = writeln!(
                        o,
                        "<figure>\n{body}\n<figcaption>{}</figcaption>\n</figure>",
                        html_escape(caption)
                    );
                }
            }
        }
        o.push_str("</body>\n</html>\n");
        o
    }
}

/// One simulated scenario of a report.
#[derive(Debug, Clone, Copy)]
pub struct ReportRun<'a> {
    /// Scenario file as given on the command line.
    pub file: &'a str,
    /// Its results.
    pub summary: &'a Summary,
}

/// What a report is made from.
#[derive(Debug, Clone)]
pub struct ReportInput<'a> {
    /// Scenarios, the baseline first.
    pub runs: Vec<ReportRun<'a>>,
    /// Comparison of the baseline with the others, when there are several.
    pub comparison: Option<&'a Comparison>,
    /// When the report was made, e.g. from [`utc_timestamp`].
    pub generated: String,
    /// The command that made it.
    pub command: String,
}

/// Errors of writing a report.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// A plot could not be drawn or written.
    #[error(transparent)]
    Plot(#[from] PlotError),
    /// A file could not be written.
    #[error("cannot write report: {0}")]
    Io(#[from] std::io::Error),
}

/// `2026-11-26 12:40 UTC` for a system time.
pub fn utc_timestamp(t: SystemTime) -> String {
    let secs = t
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    let date = Date::from_ymd(1970, 1, 1).map(|d| d.add_days(secs.div_euclid(86_400)));
    let s = secs.rem_euclid(86_400);
    match date {
        Some(d) => format!("{d} {:02}:{:02} UTC", s / 3600, (s % 3600) / 60),
        None => "unknown date".into(),
    }
}

/// A file-name-safe slug of a name.
pub fn slug(s: &str) -> String {
    let mut o: String = s
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    while o.contains("--") {
        o = o.replace("--", "-");
    }
    o.trim_matches('-').to_string()
}

/// The files a report wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportFiles {
    /// `report.md`.
    pub markdown: PathBuf,
    /// `report.html`.
    pub html: PathBuf,
    /// Plots, PNG and SVG.
    pub plots: Vec<PathBuf>,
}

fn compliance_rows(s: &Summary) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    for svc in &s.services {
        for c in &svc.compliance {
            let k = c.kpi;
            let target = if k.is_share() {
                format!("{} {:.2}%", c.direction, c.target * 100.0)
            } else {
                format!("{} {}", c.direction, c.target)
            };
            rows.push(vec![
                svc.name.clone(),
                c.indicator.clone(),
                fmt_estimate(k, &c.value),
                target,
                c.status.to_string(),
                format!("{:.0}%", c.met_share * 100.0),
            ]);
        }
    }
    rows
}

/// The `n` intervals of `base` with the lowest service level, with the
/// alternative's value in the same weekday and interval: "the Monday
/// 8:00-8:30 service level goes from X to Y".
fn worst_intervals(
    base: &crate::stats::EntitySummary,
    alt: &crate::stats::EntitySummary,
    n: usize,
    interval_minutes: u32,
) -> Vec<Vec<String>> {
    let k = Kpi::ServiceLevel;
    let mut list: Vec<_> = base
        .intervals
        .iter()
        .filter_map(|iv| iv.kpis.get(k).filter(|e| !e.mean.is_nan()).map(|e| (iv, e)))
        .collect();
    list.sort_by(|a, b| a.1.mean.total_cmp(&b.1.mean));
    list.into_iter()
        .take(n)
        .map(|(iv, b)| {
            let a = alt
                .intervals
                .iter()
                .find(|x| x.weekday == iv.weekday && x.start == iv.start)
                .and_then(|x| x.kpis.get(k));
            let change = a.map_or("-".to_string(), |a| {
                format!("{:+.1} pp", (a.mean - b.mean) * 100.0)
            });
            let end = crate::calendar::format_clock(iv.start.secs() + interval_minutes * 60);
            vec![
                iv.weekday.short().to_string(),
                format!("{}-{end}", iv.start),
                fmt_estimate(k, &b),
                a.map_or("-".to_string(), |a| fmt_estimate(k, &a)),
                change,
            ]
        })
        .collect()
}

/// Draws the plots and writes `report.md` and `report.html` into `dir`.
///
/// # Errors
/// [`ReportError`] naming the file that could not be written.
pub fn write_report(dir: &Path, input: &ReportInput<'_>) -> Result<ReportFiles, ReportError> {
    let Some(base) = input.runs.first() else {
        return Err(ReportError::Io(std::io::Error::other(
            "a report needs at least one scenario",
        )));
    };
    let mut doc = Document {
        title: if input.runs.len() > 1 {
            format!(
                "ccsim report: {} and {} alternative(s)",
                base.summary.scenario,
                input.runs.len() - 1
            )
        } else {
            format!("ccsim report: {}", base.summary.scenario)
        },
        blocks: Vec::new(),
    };
    let mut plots = Vec::new();
    let figure = |doc: &mut Document,
                  plots: &mut Vec<PathBuf>,
                  stem: String,
                  caption: String,
                  files: Result<plot::PlotFiles, PlotError>|
     -> Result<(), ReportError> {
        let f = files?;
        plots.push(f.png.clone());
        plots.push(f.svg.clone());
        doc.blocks.push(Block::Figure {
            caption,
            png: format!("plots/{stem}.png"),
            svg: format!("plots/{stem}.svg"),
            svg_text: f.svg_text,
        });
        Ok(())
    };
    let plot_dir = dir.join("plots");
    // Names whose slugs collide ("Front office", "front-office") get a
    // numbered suffix, so that each has its own plot files.
    let mut used_stems = std::collections::HashSet::new();
    let mut unique = |stem: String| -> String {
        let mut candidate = stem.clone();
        let mut n = 2;
        while !used_stems.insert(candidate.clone()) {
            candidate = format!("{stem}-{n}");
            n += 1;
        }
        candidate
    };

    for (i, run) in input.runs.iter().enumerate() {
        let s = run.summary;
        doc.blocks.push(Block::Heading(
            2,
            format!(
                "{}{}",
                if i == 0 {
                    "Baseline: "
                } else {
                    "Alternative: "
                },
                s.scenario
            ),
        ));
        if let Some(d) = &s.description {
            doc.blocks.push(Block::Paragraph(d.clone()));
        }
        doc.blocks.push(Block::Paragraph(format!(
            "Compliance with the service targets over the horizon ({} day(s) from {}). Value: mean over {} replications ± half-width of the 95% confidence interval. P(met): share of replications in which the horizon's value met the target, an estimate of the probability of meeting it over such a period.",
            s.horizon.days, s.horizon.start, s.replications
        )));
        let rows = compliance_rows(s);
        if rows.is_empty() {
            doc.blocks
                .push(Block::Paragraph("No service has a target.".into()));
        } else {
            doc.blocks.push(Block::Table {
                header: [
                    "service",
                    "indicator",
                    "value",
                    "target",
                    "status",
                    "P(met)",
                ]
                .map(String::from)
                .to_vec(),
                rows,
            });
        }
        let sc = slug(&s.scenario);
        for svc in &s.services {
            let sv = slug(&svc.name);
            let stem = unique(format!("{sc}-{sv}-service-level"));
            let p = plot::interval_plot(s, svc, Kpi::ServiceLevel);
            let files = plot::save(&p, &plot_dir.join(&stem));
            figure(
                &mut doc,
                &mut plots,
                stem,
                format!(
                    "Service level of {} per interval of the day, one line per weekday, with 95% CI band and target.",
                    svc.name
                ),
                files,
            )?;
            if i > 0 {
                continue;
            }
            let stem = unique(format!("{sc}-{sv}-abandonment"));
            let p = plot::interval_plot(s, svc, Kpi::AbandonRate);
            let files = plot::save(&p, &plot_dir.join(&stem));
            figure(
                &mut doc,
                &mut plots,
                stem,
                format!(
                    "Abandonment rate of {} per interval of the day, with 95% CI band and target.",
                    svc.name
                ),
                files,
            )?;
            let stem = unique(format!("{sc}-{sv}-heatmap"));
            let p = plot::heatmap(s, svc, Kpi::ServiceLevel);
            let files = plot::save(&p, &plot_dir.join(&stem));
            figure(
                &mut doc,
                &mut plots,
                stem,
                format!("Service level of {} by weekday and interval (%).", svc.name),
                files,
            )?;
        }
        if i == 0 {
            let stem = unique(format!("{sc}-demand"));
            let p = plot::demand_plot(s);
            let files = plot::save(&p, &plot_dir.join(&stem));
            figure(
                &mut doc,
                &mut plots,
                stem,
                "Demand vs capacity: offered load (Erlangs) and scheduled agents per interval, per weekday.".into(),
                files,
            )?;
        }
    }

    if let Some(c) = input.comparison {
        doc.blocks.push(Block::Heading(2, "Comparison".into()));
        doc.blocks.push(Block::Paragraph(format!(
            "Every scenario was run with seed {} and {} replications: with common random numbers the alternatives see the same callers as the baseline, so the difference (alternative - baseline) is estimated from per-replication paired differences. Its 95% CI is compared with the CI it would have from independent runs. pp = percentage points.",
            c.seed, c.replications
        )));
        for a in &c.alternatives {
            for e in a.entities.iter().filter(|e| e.kind == EntityKind::Service) {
                doc.blocks.push(Block::Heading(
                    3,
                    format!("{} vs {}: service {}", a.scenario, c.base, e.name),
                ));
                doc.blocks.push(Block::Table {
                    header: [
                        "KPI",
                        "baseline",
                        "alternative",
                        "difference (paired 95% CI)",
                        "CI if independent",
                        "verdict",
                    ]
                    .map(String::from)
                    .to_vec(),
                    rows: e
                        .kpis
                        .iter()
                        .map(|k| {
                            vec![
                                k.kpi.name().to_string(),
                                fmt_estimate(k.kpi, &k.base),
                                fmt_estimate(k.kpi, &k.alt),
                                fmt_difference(k.kpi, &k.difference),
                                fmt_half_width(k.kpi, k.independent_ci95),
                                verdict(k).to_string(),
                            ]
                        })
                        .collect(),
                });
            }
        }
        for (i, alt) in input.runs.iter().enumerate().skip(1) {
            for svc in &base.summary.services {
                let Some(alt_svc) = alt.summary.services.iter().find(|e| e.name == svc.name) else {
                    continue;
                };
                let rows = worst_intervals(svc, alt_svc, 8, base.summary.horizon.interval_minutes);
                if rows.is_empty() {
                    continue;
                }
                doc.blocks.push(Block::Heading(
                    3,
                    format!(
                        "Service level of {} in the baseline's worst intervals: {} vs {}",
                        svc.name, c.base, alt.summary.scenario
                    ),
                ));
                doc.blocks.push(Block::Paragraph(format!(
                    "Each weekday's interval pooled over the horizon's days of that weekday; means ± 95% CI over replications. Alternative {}.",
                    plot::scenario_letter(i)
                )));
                doc.blocks.push(Block::Table {
                    header: [
                        "weekday",
                        "interval",
                        "baseline",
                        "alternative",
                        "change of the means",
                    ]
                    .map(String::from)
                    .to_vec(),
                    rows,
                });
            }
        }
        for svc in &base.summary.services {
            let stem = unique(format!("comparison-{}", slug(&svc.name)));
            let p = plot::comparison_plot(c, &svc.name);
            if p.panels.is_empty() {
                continue;
            }
            let files = plot::save(&p, &plot_dir.join(&stem));
            figure(
                &mut doc,
                &mut plots,
                stem,
                format!(
                    "Service {}: each KPI for the baseline and the alternatives, with 95% CI whiskers and target.",
                    svc.name
                ),
                files,
            )?;
        }
    }

    doc.blocks
        .push(Block::Heading(2, "How this report was made".into()));
    let mut meta = vec![
        format!("ccsim version: {}", env!("CARGO_PKG_VERSION")),
        format!("generated: {}", input.generated),
        format!("command: {}", input.command),
    ];
    for (i, r) in input.runs.iter().enumerate() {
        meta.push(format!(
            "scenario file{}: {} (scenario {}, seed {}, {} replications, {} day(s) from {}, {}-minute intervals, warm-up {} min)",
            if i == 0 { " (baseline)" } else { "" },
            r.file,
            r.summary.scenario,
            r.summary.seed,
            r.summary.replications,
            r.summary.horizon.days,
            r.summary.horizon.start,
            r.summary.horizon.interval_minutes,
            r.summary.horizon.warmup_minutes
        ));
    }
    meta.push(format!(
        "definitions: service level = {}; confidence intervals = {}",
        base.summary.definitions.service_level, base.summary.definitions.ci95
    ));
    doc.blocks.push(Block::List(meta));

    let markdown = dir.join("report.md");
    let html = dir.join("report.html");
    write_atomic(&markdown, doc.to_markdown().as_bytes())?;
    write_atomic(&html, doc.to_html().as_bytes())?;
    Ok(ReportFiles {
        markdown,
        html,
        plots,
    })
}
