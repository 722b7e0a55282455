//! The trends page: every quarter's incidents by severity and area, the
//! durations of each incident, the undetected share and the action items,
//! as charts and tables.

use super::{chart_err, quarter, Change, RenderError, Renderer, SummaryRow};
use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::metrics::{Metrics, QuarterMetrics, Summary};
use crate::render::charts::{self, Series, PALETTE};
use crate::render::site::Site;
use crate::render::OutputFile;
use crate::routes::Route;

fn labels(m: &Metrics) -> Vec<String> {
    m.quarters.iter().map(|q| q.quarter.to_string()).collect()
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
            color: PALETTE[0],
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
            color: PALETTE[i % PALETTE.len()],
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
    let members = |f: fn(&crate::metrics::Durations) -> Option<f64>| -> Vec<Vec<f64>> {
        qs.iter().map(|q| q.members.iter().filter_map(|&i| f(&m.durations[i])).collect()).collect()
    };
    let dot = |id: &str,
               title: &str,
               f: fn(&crate::metrics::Durations) -> Option<f64>,
               s: fn(&QuarterMetrics) -> &Summary,
               color| {
        charts::dots(id, title, labels, &members(f), &qs.iter().map(|q| s(q).median).collect::<Vec<_>>(), color)
            .map_err(chart_err)
    };
    let ttd = dot("chart-ttd", "Time to detect per incident", |d| d.ttd, |q| &q.ttd, PALETTE[2])?;
    let ttm = dot("chart-ttm", "Time to mitigate per incident", |d| d.ttm, |q| &q.ttm, PALETTE[0])?;
    let ttr = dot("chart-ttr", "Time to resolve per incident", |d| d.ttr, |q| &q.ttr, PALETTE[3])?;
    let undetected = charts::lines(
        "chart-undetected",
        "Undetected share of impact time",
        labels,
        &[Series {
            name: "undetected share".into(),
            color: PALETTE[4],
            values: qs.iter().map(|q| q.undetected_share).collect(),
        }],
        "share of impact time",
        true,
    )
    .map_err(chart_err)?;
    let areas: Vec<&String> = m.total.by_area.keys().collect();
    let area_series: Vec<Series> = areas
        .iter()
        .enumerate()
        .map(|(i, a)| Series {
            name: a.to_string(),
            color: PALETTE[i % PALETTE.len()],
            values: qs.iter().map(|q| q.by_area.get(*a).copied().unwrap_or(0) as f64).collect(),
        })
        .collect();
    let by_area =
        charts::stacked_bars("chart-area", "Incidents per quarter by area", labels, &area_series, "incidents")
            .map_err(chart_err)?;
    let items = charts::lines(
        "chart-items",
        "Action items per quarter",
        labels,
        &[
            Series {
                name: "opened".into(),
                color: PALETTE[2],
                values: qs.iter().map(|q| q.action_items.opened as f64).collect(),
            },
            Series {
                name: "closed".into(),
                color: PALETTE[3],
                values: qs.iter().map(|q| q.action_items.closed as f64).collect(),
            },
            Series {
                name: "open at quarter end".into(),
                color: PALETTE[0],
                values: qs.iter().map(|q| q.action_items.open_at_end as f64).collect(),
            },
        ],
        "action items",
        false,
    )
    .map_err(chart_err)?;
    let rows = r.quarter_rows();
    let section =
        |key: &str, title: &str, formula: &str, chart: String, pick: fn(&quarter::QuarterRow) -> &SummaryRow| {
            let table: Vec<serde_json::Value> = rows
            .iter()
            .map(|q| {
                let s = pick(q);
                serde_json::json!({"quarter": q.quarter.name, "few": q.few, "n": s.n, "median": s.median, "p90": s.p90})
            })
            .collect();
            serde_json::json!({"key": key, "title": title, "formula": formula, "chart": chart, "rows": table})
        };
    let durations = vec![
        section("ttd", "Time to detect", "TTD = detected − started", ttd, |q| &q.ttd),
        section("ttm", "Time to mitigate", "TTM = mitigated − started: how long users were hurt", ttm, |q| &q.ttm),
        section("ttr", "Time to resolve", "TTR = resolved − started", ttr, |q| &q.ttr),
    ];
    let mut ctx = tera::Context::new();
    ctx.insert("durations", &durations);
    ctx.insert("rows", &rows);
    ctx.insert("areas", &areas);
    ctx.insert(
        "charts",
        &serde_json::json!({ "severity": by_sev, "sev1": r.sev1_chart()?, "undetected": undetected, "area": by_area, "items": items }),
    );
    r.render("trends.html", &Route::Trends, "Trends", "Trends", ctx)
}

/// It shows figures only.
pub(super) fn depends_on(c: &Change) -> bool {
    c.figures()
}
