//! The report folder of `ccsim report`: `report.md`, a self-contained
//! `report.html` (plots inlined as SVG) and the plots as PNG and SVG files
//! under `plots/`.
//!
//! The report is built once as a list of [`Block`]s and rendered to both
//! Markdown and HTML, so the two always say the same thing.

use std::fmt::Write;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use super::compare::{
    decides, fmt_cost_change, fmt_difference, fmt_half_width, fmt_met, fmt_money,
    fmt_target as fmt_kpi_target, verdict,
};
use super::fmt_estimate;
use super::plot::{self, PlotError};
use crate::calendar::Date;
use crate::compare::{Alternative, Comparison, EntityKind, KpiComparison};
use crate::io::write_atomic;
use crate::optimize::requirement::Requirement;
use crate::stats::summary::{Compliance, EntitySummary};
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

pub(crate) fn html_escape(s: &str) -> String {
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
    /// "What it takes" per scenario (same order as `runs`): the staffing
    /// search's result or its error; `None` when skipped (`--no-staff`).
    pub requirements: Option<Vec<Result<Requirement, String>>>,
    /// How the staffing search was run (settings), printed above its table.
    pub staff_note: Option<String>,
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

/// Cell text of a compliance row: `33.39% KO`.
fn status_cell(c: &Compliance) -> String {
    format!("{} {}", fmt_value(c.kpi, c.value.mean), c.status)
}

/// A value for a summary cell: shares with two decimals, cut towards
/// missing the target is not needed here because the status says it.
fn fmt_value(k: Kpi, x: f64) -> String {
    if x.is_nan() {
        "-".into()
    } else if k.is_share() {
        format!("{:.2}%", x * 100.0)
    } else {
        format!("{x:.1}")
    }
}

fn fmt_target(c: &Compliance) -> String {
    if c.kpi.is_share() {
        format!("{} {:.2}%", c.direction, c.target * 100.0)
    } else {
        format!("{} {}", c.direction, c.target)
    }
}

fn compliance_row(entity: String, indicator: String, c: &Compliance) -> Vec<String> {
    vec![
        entity,
        indicator,
        fmt_estimate(c.kpi, &c.value),
        fmt_target(c),
        c.status.to_string(),
        format!("{:.0}%", c.met_share * 100.0),
    ]
}

/// Compliance of services, their windows, and voice call types that are
/// not the service's only call type, each with P(met).
fn compliance_rows(s: &Summary) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    for svc in &s.services {
        for c in &svc.compliance {
            rows.push(compliance_row(svc.name.clone(), c.indicator.clone(), c));
        }
        for w in &svc.windows {
            for c in &w.compliance {
                rows.push(compliance_row(
                    svc.name.clone(),
                    format!("{}, {}", c.indicator, w.name),
                    c,
                ));
            }
        }
        let cts: Vec<_> = call_types_of(s, &svc.name);
        if cts.len() > 1 {
            for ct in cts {
                for c in ct.compliance.iter().filter(|c| c.call_type.is_none()) {
                    rows.push(compliance_row(
                        format!("{}, call type {}", svc.name, ct.name),
                        c.indicator.clone(),
                        c,
                    ));
                }
            }
        }
    }
    rows
}

fn call_types_of<'a>(s: &'a Summary, service: &str) -> Vec<&'a EntitySummary> {
    s.call_types
        .iter()
        .filter(|c| c.service.as_deref() == Some(service))
        .collect()
}

/// How a summary-table column reads its cell from a scenario's results.
type CellFn = Box<dyn Fn(&Summary) -> Option<String>>;

/// One column of the summary table: a header and how to read it from a
/// summary (`None`: the scenario has no such figure).
struct Column {
    header: String,
    cell: CellFn,
}

/// The columns of the summary table, from every scenario of the report:
/// each targeted KPI of each service, each window, each priority call
/// type, then agent-hours and their change from the baseline.
fn summary_columns(runs: &[ReportRun<'_>]) -> Vec<Column> {
    let mut cols: Vec<Column> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut add = |cols: &mut Vec<Column>, key: String, col: Column| {
        if seen.insert(key) {
            cols.push(col);
        }
    };
    for r in runs {
        for svc in &r.summary.services {
            for c in &svc.compliance {
                let (sv, ind, ct) = (svc.name.clone(), c.indicator.clone(), c.call_type.clone());
                add(
                    &mut cols,
                    format!("s|{sv}|{ind}"),
                    Column {
                        header: format!("{sv}: {ind} ({})", fmt_target(c)),
                        cell: Box::new(move |s: &Summary| {
                            let e = s.services.iter().find(|e| e.name == sv)?;
                            let c = e
                                .compliance
                                .iter()
                                .find(|c| c.indicator == ind && c.call_type == ct)?;
                            Some(status_cell(c))
                        }),
                    },
                );
            }
            for w in &svc.windows {
                for c in w
                    .compliance
                    .iter()
                    .filter(|c| matches!(c.kpi, Kpi::ServiceLevel | Kpi::AbandonRate))
                {
                    let (sv, wn, k) = (svc.name.clone(), w.name.clone(), c.kpi);
                    add(
                        &mut cols,
                        format!("w|{sv}|{wn}|{}", k.name()),
                        Column {
                            header: format!("{sv}, {wn}: {} ({})", c.indicator, fmt_target(c)),
                            cell: Box::new(move |s: &Summary| {
                                let e = s.services.iter().find(|e| e.name == sv)?;
                                let w = e.windows.iter().find(|w| w.name == wn)?;
                                Some(status_cell(w.compliance.iter().find(|c| c.kpi == k)?))
                            }),
                        },
                    );
                }
            }
        }
        for ct in r
            .summary
            .call_types
            .iter()
            .filter(|c| c.priority.unwrap_or(0) > 0)
        {
            let Some(c) = ct.compliance.iter().find(|c| c.kpi == Kpi::ServiceLevel) else {
                continue;
            };
            let name = ct.name.clone();
            add(
                &mut cols,
                format!("p|{name}"),
                Column {
                    header: format!(
                        "priority call type {name}: {} ({})",
                        c.indicator,
                        fmt_target(c)
                    ),
                    cell: Box::new(move |s: &Summary| {
                        let e = s.call_types.iter().find(|e| e.name == name)?;
                        Some(status_cell(
                            e.compliance.iter().find(|c| c.kpi == Kpi::ServiceLevel)?,
                        ))
                    }),
                },
            );
        }
    }
    let base = runs.first().map(|r| r.summary.cost.clone());
    let base_hours = base.as_ref().map_or(f64::NAN, |c| c.paid_agent_hours);
    cols.push(Column {
        header: "paid agent-hours".into(),
        cell: Box::new(|s: &Summary| Some(format!("{:.0}", s.cost.paid_agent_hours))),
    });
    cols.push(Column {
        header: "change from A".into(),
        cell: Box::new(move |s: &Summary| {
            let d = s.cost.paid_agent_hours - base_hours;
            Some(format!(
                "{d:+.0} ({:+.1}%)",
                100.0 * d / base_hours.max(f64::MIN_POSITIVE)
            ))
        }),
    });
    let fte_h = base.as_ref().map_or(0.0, |c| c.fte_hours_per_week);
    cols.push(Column {
        header: format!("FTE ({fte_h} h/week)"),
        cell: Box::new(|s: &Summary| Some(format!("{:.1}", s.cost.fte))),
    });
    if runs.iter().any(|r| r.summary.cost.cost.is_some()) {
        let base_cost = base.as_ref().and_then(|c| c.cost);
        cols.push(Column {
            header: "cost".into(),
            cell: Box::new(|s: &Summary| {
                Some(s.cost.cost.map_or("no hourly_cost".into(), |c| {
                    fmt_money(c, s.cost.currency.as_deref())
                }))
            }),
        });
        cols.push(Column {
            header: "cost change from A".into(),
            cell: Box::new(move |s: &Summary| {
                let (Some(c), Some(b)) = (s.cost.cost, base_cost) else {
                    return Some("-".into());
                };
                Some(format!(
                    "{}{} ({:+.1}%)",
                    if c >= b { "+" } else { "" },
                    fmt_money(c - b, s.cost.currency.as_deref()),
                    100.0 * (c - b) / b.max(f64::MIN_POSITIVE)
                ))
            }),
        });
    }
    cols
}

/// The `n` intervals of `base` with the lowest service level, with the
/// alternative's value in the same weekday and interval: "the Monday
/// 8:00-8:30 service level goes from X to Y".
fn worst_intervals(
    base: &EntitySummary,
    alt: &EntitySummary,
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

fn comparison_table(kpis: &[&KpiComparison]) -> Block {
    Block::Table {
        header: [
            "KPI",
            "baseline",
            "alternative",
            "difference (paired 95% CI)",
            "CI if independent",
            "verdict",
            "target",
            "status, P(met): baseline -> alternative",
        ]
        .map(String::from)
        .to_vec(),
        rows: kpis
            .iter()
            .map(|k| {
                vec![
                    k.kpi.name().to_string(),
                    fmt_estimate(k.kpi, &k.base),
                    fmt_estimate(k.kpi, &k.alt),
                    fmt_difference(k.kpi, &k.difference),
                    fmt_half_width(k.kpi, k.independent_ci95),
                    verdict(k).to_string(),
                    fmt_kpi_target(k),
                    fmt_met(k),
                ]
            })
            .collect(),
    }
}

fn kind_name(k: EntityKind) -> &'static str {
    match k {
        EntityKind::Service => "service",
        EntityKind::CallType => "call type",
        EntityKind::AgentGroup => "agent group",
    }
}

fn keep_kpis(list: &[KpiComparison], full: bool) -> Vec<&KpiComparison> {
    list.iter().filter(|k| full || decides(k)).collect()
}

/// The comparison blocks of one alternative: `full` keeps every KPI (the
/// appendix), else only KPIs that are targeted or differ significantly.
fn comparison_blocks(a: &Alternative, letter: &str, full: bool) -> Vec<Block> {
    let mut out = Vec::new();
    if !full {
        out.push(Block::Heading(3, format!("{letter} vs A: cost")));
        out.push(Block::Paragraph(fmt_cost_change(&a.base_cost, &a.alt_cost)));
    }
    let keep = |list| keep_kpis(list, full);
    for e in &a.entities {
        let kpis = keep(&e.kpis);
        if !kpis.is_empty() {
            out.push(Block::Heading(
                3,
                format!("{letter} vs A: {} {}", kind_name(e.kind), e.name),
            ));
            if !full {
                match e.same_callers {
                    Some(true) => out.push(Block::Paragraph(
                        "The same callers in both scenarios (identical arrivals, common random numbers).".into(),
                    )),
                    Some(false) => out.push(Block::Paragraph(
                        "Different callers: the arrivals differ between the two scenarios, so counts (offered, answered, abandoned...) are only higher or lower, not better or worse.".into(),
                    )),
                    None => {}
                }
            }
            out.push(comparison_table(&kpis));
        }
        for w in &e.windows {
            let kpis = keep(&w.kpis);
            if kpis.is_empty() {
                continue;
            }
            out.push(Block::Heading(
                3,
                format!(
                    "{letter} vs A: {} {}, window {}",
                    kind_name(e.kind),
                    e.name,
                    w.name
                ),
            ));
            out.push(comparison_table(&kpis));
        }
    }
    let mut only = Vec::new();
    for (list, side) in [
        (&a.only_in_base, "only in A"),
        (&a.only_in_alternative, &*format!("only in {letter}")),
    ] {
        for o in list.iter() {
            let figures: Vec<String> = o
                .summary
                .compliance
                .iter()
                .map(|c| {
                    format!(
                        "{} {} (target {}, {}, P(met) {:.0}%)",
                        c.indicator,
                        fmt_estimate(c.kpi, &c.value),
                        fmt_target(c),
                        c.status,
                        c.met_share * 100.0
                    )
                })
                .collect();
            let offered = o
                .summary
                .kpis
                .get(Kpi::Offered)
                .map(|e| format!("offered {}", fmt_estimate(Kpi::Offered, &e)));
            only.push(format!(
                "{} {}: {side}; {}",
                kind_name(o.kind),
                o.name,
                offered
                    .into_iter()
                    .chain(figures)
                    .collect::<Vec<_>>()
                    .join("; ")
            ));
        }
    }
    if !only.is_empty() {
        out.push(Block::Heading(
            3,
            format!("{letter} vs A: present in one scenario only"),
        ));
        out.push(Block::List(only));
    }
    out
}

/// Draws `p` into `plot_dir/STEM.png` and `.svg` and adds it to the report.
fn add_figure<P: plot::Plot>(
    doc: &mut Document,
    plots: &mut Vec<PathBuf>,
    plot_dir: &Path,
    stem: String,
    p: &P,
    caption: String,
) -> Result<(), ReportError> {
    let f = plot::save(p, &plot_dir.join(&stem))?;
    plots.push(f.png.clone());
    plots.push(f.svg.clone());
    doc.blocks.push(Block::Figure {
        caption,
        png: format!("plots/{stem}.png"),
        svg: format!("plots/{stem}.svg"),
        svg_text: f.svg_text,
    });
    Ok(())
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
    let letter = plot::scenario_letter;
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

    // 1. The scenarios, lettered before any letter is used.
    doc.blocks.push(Block::Heading(2, "Scenarios".into()));
    doc.blocks.push(Block::Table {
        header: ["", "scenario", "description", "file"]
            .map(String::from)
            .to_vec(),
        rows: input
            .runs
            .iter()
            .enumerate()
            .map(|(i, r)| {
                vec![
                    format!("{}{}", letter(i), if i == 0 { " (baseline)" } else { "" }),
                    r.summary.scenario.clone(),
                    r.summary.description.clone().unwrap_or_default(),
                    r.file.to_string(),
                ]
            })
            .collect(),
    });

    // 2. The summary: one row per scenario.
    doc.blocks.push(Block::Heading(2, "Summary".into()));
    let cols = summary_columns(&input.runs);
    doc.blocks.push(Block::Paragraph(format!(
        "One row per scenario: each target over the horizon ({} day(s) from {}), each reporting window and each priority call type against its service's targets (mean over replications, OK when the mean meets the target), and the paid agent-hours (scheduled hours on open days and hours: closed days, holidays and closed hours cost nothing), FTE and cost where `hourly_cost` is set. 'not in this scenario': the scenario has no such service, window or call type.",
        base.summary.horizon.days, base.summary.horizon.start
    )));
    let mut header = vec!["scenario".to_string()];
    header.extend(cols.iter().map(|c| c.header.clone()));
    doc.blocks.push(Block::Table {
        header,
        rows: input
            .runs
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let mut row = vec![format!("{} {}", letter(i), r.summary.scenario)];
                row.extend(
                    cols.iter().map(|c| {
                        (c.cell)(r.summary).unwrap_or_else(|| "not in this scenario".into())
                    }),
                );
                row
            })
            .collect(),
    });

    // 3. What it takes.
    doc.blocks.push(Block::Heading(2, "What it takes".into()));
    match &input.requirements {
        None => doc.blocks.push(Block::Paragraph(
            "Not computed (--no-staff): the staffing that would meet the targets was not searched."
                .into(),
        )),
        Some(reqs) => {
            if let Some(note) = &input.staff_note {
                doc.blocks.push(Block::Paragraph(note.clone()));
            }
            let mut rows = Vec::new();
            for (i, (r, q)) in input.runs.iter().zip(reqs).enumerate() {
                let name = format!("{} {}", letter(i), r.summary.scenario);
                match q {
                    Ok(q) => rows.push(vec![
                        name,
                        format!("{:.0}", q.input_cost.paid_agent_hours),
                        format!("{:.0}", q.cost.paid_agent_hours),
                        fmt_cost_change(&q.input_cost, &q.cost),
                        format!(
                            "{} of {}",
                            q.intervals_with_calls - q.intervals_missing,
                            q.intervals_with_calls
                        ),
                        q.services
                            .iter()
                            .flat_map(|s| s.compliance.iter())
                            .map(|c| format!("{} {}", c.indicator, status_cell(c)))
                            .collect::<Vec<_>>()
                            .join("; "),
                    ]),
                    Err(e) => rows.push(vec![
                        name,
                        String::new(),
                        String::new(),
                        String::new(),
                        String::new(),
                        format!("search failed: {e}"),
                    ]),
                }
            }
            doc.blocks.push(Block::Table {
                header: [
                    "scenario",
                    "paid agent-hours as planned",
                    "paid agent-hours that meet the targets",
                    "change (planned -> meeting the targets)",
                    "intervals with calls meeting every target",
                    "horizon figures with that staffing",
                ]
                .map(String::from)
                .to_vec(),
                rows,
            });
            doc.blocks.push(Block::Paragraph(
                "The staffing curve of each scenario (agents available after shrinkage that meet the targets, dashed) is drawn on its demand plot below.".into(),
            ));
        }
    }

    // 4. Each scenario.
    for (i, run) in input.runs.iter().enumerate() {
        let s = run.summary;
        doc.blocks.push(Block::Heading(
            2,
            format!(
                "{} {}: {}",
                if i == 0 { "Baseline" } else { "Alternative" },
                letter(i),
                s.scenario
            ),
        ));
        if let Some(d) = &s.description {
            doc.blocks.push(Block::Paragraph(d.clone()));
        }
        doc.blocks.push(Block::Paragraph(format!(
            "Compliance with the service targets over the horizon ({} day(s) from {}), in each reporting window and per call type. Value: mean over {} replications ± half-width of the 95% confidence interval. P(met): share of replications in which the value met the target, an estimate of the probability of meeting it over such a period.",
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
        if !s.agent_groups.is_empty() {
            doc.blocks.push(Block::Paragraph(
                "Unit: paid agent-hours = scheduled agents x hours on the days and hours a service the group answers is open (holidays, closed days and closed hours cost nothing); busy agent-hours as simulated.".into(),
            ));
            doc.blocks.push(Block::Table {
                header: [
                    "agent group",
                    "paid agent-hours",
                    "busy agent-hours",
                    "occupancy",
                ]
                .map(String::from)
                .to_vec(),
                rows: s
                    .agent_groups
                    .iter()
                    .map(|g| {
                        let f = |k: Kpi| g.kpis.get(k).map_or("-".into(), |e| fmt_estimate(k, &e));
                        let paid = s
                            .cost
                            .groups
                            .iter()
                            .find(|c| c.name == g.name)
                            .map_or("-".into(), |c| format!("{:.1}", c.paid_agent_hours));
                        vec![
                            g.name.clone(),
                            paid,
                            f(Kpi::BusyAgentHours),
                            f(Kpi::Occupancy),
                        ]
                    })
                    .collect(),
            });
        }
        let sc = slug(&s.scenario);
        for svc in &s.services {
            let sv = slug(&svc.name);
            let thr = svc
                .answered_within_s
                .map_or(String::new(), |t| format!(" (answered within {t} s)"));
            let stem = unique(format!("{sc}-{sv}-service-level"));
            add_figure(
                &mut doc,
                &mut plots,
                &plot_dir,
                stem,
                &plot::interval_plot(s, svc, Kpi::ServiceLevel),
                format!(
                    "{}: service level{thr} of {} per interval of the day, one line per weekday, with 95% CI band and target.",
                    letter(i),
                    svc.name
                ),
            )?;
            let stem = unique(format!("{sc}-{sv}-abandonment"));
            add_figure(
                &mut doc,
                &mut plots,
                &plot_dir,
                stem,
                &plot::interval_plot(s, svc, Kpi::AbandonRate),
                format!(
                    "{}: abandonment rate of {} per interval of the day, with 95% CI band and target.",
                    letter(i),
                    svc.name
                ),
            )?;
            let stem = unique(format!("{sc}-{sv}-heatmap"));
            add_figure(
                &mut doc,
                &mut plots,
                &plot_dir,
                stem,
                &plot::heatmap(s, svc, Kpi::ServiceLevel),
                format!(
                    "{}: service level{thr} of {} by weekday and interval (%), coloured against the target.",
                    letter(i),
                    svc.name
                ),
            )?;
        }
        let required = input
            .requirements
            .as_ref()
            .and_then(|r| r.get(i))
            .and_then(|r| r.as_ref().ok())
            .map(|q| &q.required);
        let stem = unique(format!("{sc}-demand"));
        add_figure(
            &mut doc,
            &mut plots,
            &plot_dir,
            stem,
            &plot::demand_plot(s, required),
            format!(
                "{}: demand vs capacity: offered load (Erlangs) and agents available after shrinkage per interval, per weekday with calls{}.",
                letter(i),
                if required.is_some() {
                    ", with the agents that meet the targets (dashed)"
                } else {
                    ""
                }
            ),
        )?;
    }

    if let Some(c) = input.comparison {
        doc.blocks.push(Block::Heading(2, "Comparison".into()));
        doc.blocks.push(Block::Paragraph(format!(
            "Every scenario was run with seed {} and {} replications: with common random numbers, a call type whose arrivals are identical in two scenarios sees the same callers in both, and the difference (alternative - baseline A) is estimated from per-replication paired differences. Its 95% CI is compared with the CI it would have from independent runs. pp = percentage points. The tables keep the KPIs that have a target or differ significantly; the appendix and comparison.json have them all.",
            c.seed, c.replications
        )));
        for (j, a) in c.alternatives.iter().enumerate() {
            doc.blocks
                .extend(comparison_blocks(a, &letter(j + 1), false));
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
                        "Service level of {} in the baseline's worst intervals: A vs {}",
                        svc.name,
                        letter(i)
                    ),
                ));
                doc.blocks.push(Block::Paragraph(
                    "Each weekday's interval pooled over the horizon's days of that weekday; means ± 95% CI over replications.".into(),
                ));
                doc.blocks.push(Block::Table {
                    header: [
                        "weekday",
                        "interval",
                        "baseline A",
                        format!("alternative {}", letter(i)).as_str(),
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
            let mut p = plot::comparison_plot(c, &svc.name);
            p.answered_within_s = svc.answered_within_s;
            if p.panels.is_empty() {
                continue;
            }
            add_figure(
                &mut doc,
                &mut plots,
                &plot_dir,
                stem,
                &p,
                format!(
                    "Service {}: each targeted KPI, ASA and occupancy for every scenario (letters as above), with 95% CI whiskers and target.",
                    svc.name
                ),
            )?;
        }
        doc.blocks
            .push(Block::Heading(2, "Appendix: every KPI compared".into()));
        for (j, a) in c.alternatives.iter().enumerate() {
            doc.blocks
                .extend(comparison_blocks(a, &letter(j + 1), true));
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
