//! The trends page: every quarter's incidents by severity and area, the
//! durations of each incident, the undetected share and the action items,
//! as charts and tables.

use super::{chart_err, Change, RenderError, Renderer};
use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::metrics::{Metrics, QuarterMetrics, Summary};
use crate::render::charts::{self, palette, Series};
use crate::render::site::Site;
use crate::render::OutputFile;
use crate::routes::Route;

fn labels(m: &Metrics) -> Vec<String> {
    m.quarters.iter().map(|q| q.period.to_string()).collect()
}

/// SEV1 incidents per quarter, on the home page and the trends page.
pub(super) fn sev1_chart(site: &Site) -> Result<String, Diagnostic> {
    let m = site.m;
    let sev1_name = site.cfg.severities.first().cloned().unwrap_or_default();
    charts::lines(
        "chart-sev1",
        &format!("{sev1_name} incidents per quarter"),
        &labels(m),
        &[Series {
            name: sev1_name.clone(),
            color: palette::severity(0, site.cfg.severities.len()),
            values: m.quarters.iter().map(|q| q.by_severity.first().map_or(0.0, |x| x.1 as f64)).collect(),
        }],
        "incidents",
        false,
    )
    .map_err(chart_err)
}

fn sev_series(cfg: &Config, quarters: &[QuarterMetrics]) -> Vec<Series> {
    cfg.severities
        .iter()
        .enumerate()
        .map(|(i, s)| Series {
            name: s.clone(),
            color: palette::severity(i, cfg.severities.len()),
            values: quarters.iter().map(|q| q.by_severity.get(i).map_or(0.0, |x| x.1 as f64)).collect(),
        })
        .collect()
}

pub(super) fn render(r: &Renderer) -> Result<OutputFile, RenderError> {
    let (cfg, m) = (r.site.cfg, r.site.m);
    let labels = &labels(m);
    let qs = &m.quarters;
    let by_sev = charts::stacked_bars(
        "chart-severity",
        "Incidents per quarter by severity",
        labels,
        &sev_series(cfg, qs),
        "incidents",
    )
    .map_err(chart_err)?;
    let undetected = charts::lines(
        "chart-undetected",
        "Undetected share of impact time",
        labels,
        &[Series {
            name: "undetected share".into(),
            color: palette::PURPLE,
            // no share (a quarter without incidents) is a gap in the line
            values: qs.iter().map(|q| q.undetected_share.unwrap_or(f64::NAN)).collect(),
        }],
        "share of impact time",
        true,
    )
    .map_err(chart_err)?;
    let areas: Vec<&String> = m.total.by_area.keys().collect();
    let mut ctx = tera::Context::new();
    ctx.insert("durations", &durations(r, labels)?);
    ctx.insert("rows", r.quarter_rows());
    ctx.insert("areas", &areas);
    ctx.insert(
        "charts",
        &serde_json::json!({
            "severity": by_sev,
            "sev1": r.sev1_chart()?,
            "undetected": undetected,
            "area": area_chart(m, labels)?,
            "items": items_chart(m, labels)?,
        }),
    );
    r.render("trends.html", &Route::Trends, "Trends", "Trends", ctx)
}

/// TTD, TTM and TTR: each a chart of one dot per incident with the median
/// marked, and its table of n, median and p90 per quarter.
fn durations(r: &Renderer, labels: &[String]) -> Result<Vec<serde_json::Value>, RenderError> {
    let (m, rows) = (r.site.m, r.quarter_rows());
    type Pick = (fn(&crate::metrics::Durations) -> Option<f64>, fn(&QuarterMetrics) -> &Summary);
    let section = |key: &str, title: &str, formula: &str, color, (of, summary): Pick| -> Result<_, RenderError> {
        let members: Vec<Vec<f64>> =
            m.quarters.iter().map(|q| q.members.iter().filter_map(|&i| of(&m.durations[i])).collect()).collect();
        let medians: Vec<Option<f64>> = m.quarters.iter().map(|q| summary(q).median).collect();
        let chart = charts::durations(
            &format!("chart-{key}"),
            &format!("{title} per quarter"),
            labels,
            &members,
            &medians,
            color,
        )
        .map_err(chart_err)?;
        let table: Vec<serde_json::Value> = rows
            .iter()
            .zip(&m.quarters)
            .map(|(q, qm)| {
                let s = super::summary_row(summary(qm));
                serde_json::json!({"quarter": q.quarter.name, "few": q.few, "n": s.n, "median": s.median, "p90": s.p90})
            })
            .collect();
        Ok(serde_json::json!({"key": key, "title": title, "formula": formula, "chart": chart, "rows": table}))
    };
    Ok(vec![
        section("ttd", "Time to detect", "TTD = detected − started", palette::BLUE, (|d| d.ttd, |q| &q.ttd))?,
        section(
            "ttm",
            "Time to mitigate",
            "TTM = mitigated − started: how long users were hurt",
            palette::SKY,
            (|d| d.ttm, |q| &q.ttm),
        )?,
        section("ttr", "Time to resolve", "TTR = resolved − started", palette::GREEN, (|d| d.ttr, |q| &q.ttr))?,
    ])
}

/// How many areas the area chart names; the others are drawn as one
/// "other" segment.
const TOP_AREAS: usize = 5;

/// Incidents per quarter by area, stacked: the areas with the most
/// incidents (ties by name), and all others together.
fn area_chart(m: &Metrics, labels: &[String]) -> Result<String, RenderError> {
    let mut ranked: Vec<(&String, &usize)> = m.total.by_area.iter().collect();
    ranked.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    let named = ranked.len().min(TOP_AREAS);
    let (top, rest) = ranked.split_at(named);
    let mut series: Vec<Series> = top
        .iter()
        .zip(palette::AREAS)
        .map(|((a, _), color)| Series {
            name: a.to_string(),
            color,
            values: m.quarters.iter().map(|q| q.by_area.get(*a).copied().unwrap_or(0) as f64).collect(),
        })
        .collect();
    if !rest.is_empty() {
        series.push(Series {
            name: match rest.len() {
                1 => "other (1 area)".to_string(),
                n => format!("other ({n} areas)"),
            },
            color: palette::OTHER,
            values: m
                .quarters
                .iter()
                .map(|q| rest.iter().map(|(a, _)| q.by_area.get(*a).copied().unwrap_or(0)).sum::<usize>() as f64)
                .collect(),
        });
    }
    Ok(charts::stacked_bars("chart-area", "Incidents per quarter by area", labels, &series, "incidents")
        .map_err(chart_err)?)
}

/// Action items opened, closed and open at each quarter's end.
fn items_chart(m: &Metrics, labels: &[String]) -> Result<String, RenderError> {
    let series = |name: &str, color, of: fn(&crate::metrics::PeriodItems) -> usize| Series {
        name: name.into(),
        color,
        values: m.quarters.iter().map(|q| of(&q.action_items) as f64).collect(),
    };
    Ok(charts::lines(
        "chart-items",
        "Action items per quarter",
        labels,
        &[
            series("opened", palette::BLUE, |a| a.opened),
            series("closed", palette::GREEN, |a| a.closed),
            series("open at quarter end", palette::GREY, |a| a.open_at_end),
        ],
        "action items",
        false,
    )
    .map_err(chart_err)?)
}

/// It shows figures only.
pub(super) fn depends_on(c: &Change) -> bool {
    c.figures()
}
