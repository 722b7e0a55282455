//! The trends pages: per quarter, or per year, the incidents by severity
//! and area, the durations of each incident, the undetected share and the
//! action items, as charts and tables.

use super::periods::{self, summary_row, PeriodRow};
use super::{chart_err, Change, RenderError, Renderer};
use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::metrics::{Durations, Metrics, Period, PeriodItems, Summary};
use crate::render::charts::{self, palette, Series};
use crate::render::site::Site;
use crate::render::view::{Link, PmRow};
use crate::render::OutputFile;
use crate::routes::{Per, Route};
use std::fmt::Display;

/// Which view `/trends/` leads to from the navigation: per year when most
/// quarters have too few incidents to read (fewer than `min_sample`),
/// per quarter otherwise.
pub(crate) fn default_view(m: &Metrics, cfg: &Config) -> Per {
    let few = m.quarters.iter().filter(|q| q.incidents < cfg.min_sample).count();
    if few * 2 > m.quarters.len() {
        Per::Year
    } else {
        Per::Quarter
    }
}

fn labels<P: Display>(periods: &[Period<P>]) -> Vec<String> {
    periods.iter().map(|q| q.period.to_string()).collect()
}

fn sev1_values<P>(periods: &[Period<P>]) -> Vec<f64> {
    periods.iter().map(|q| q.by_severity.first().map_or(0.0, |x| x.1 as f64)).collect()
}

/// SEV1 incidents per period.
fn sev1_line<P: Display>(site: &Site, periods: &[Period<P>], per: Per) -> Result<String, Diagnostic> {
    let sev1_name = site.cfg.severities.first().cloned().unwrap_or_default();
    let series = Series {
        name: sev1_name.clone(),
        color: palette::severity(0, site.cfg.severities.len()),
        values: sev1_values(periods),
    };
    let title = format!("{sev1_name} incidents per {}", per.noun());
    charts::lines("chart-sev1", &title, &labels(periods), &[series], "incidents", false).map_err(chart_err)
}

/// SEV1 incidents per quarter, on the home page and the quarter trends.
pub(super) fn sev1_chart(site: &Site) -> Result<String, Diagnostic> {
    sev1_line(site, &site.m.quarters, Per::Quarter)
}

/// Incidents per period by severity, stacked.
pub(super) fn severity_chart<P: Display>(
    cfg: &Config,
    periods: &[Period<P>],
    per: Per,
    id: &str,
) -> Result<String, Diagnostic> {
    let series: Vec<Series> = cfg
        .severities
        .iter()
        .enumerate()
        .map(|(i, s)| Series {
            name: s.clone(),
            color: palette::severity(i, cfg.severities.len()),
            values: periods.iter().map(|q| q.by_severity.get(i).map_or(0.0, |x| x.1 as f64)).collect(),
        })
        .collect();
    let title = format!("Incidents per {} by severity", per.noun());
    charts::stacked_bars(id, &title, &labels(periods), &series, "incidents").map_err(chart_err)
}

pub(super) fn render(r: &Renderer, per: Per) -> Result<OutputFile, RenderError> {
    let site = r.site;
    match per {
        Per::Quarter => view(r, &site.m.quarters, r.quarter_rows(), per),
        Per::Year => view(r, &site.m.years, &periods::rows(site, &site.m.years, |_| None), per),
    }
}

/// How many fixes that may not have held the trends pages list.
const UNHELD: usize = 20;

/// A possible recurrence after a fix.
#[derive(serde::Serialize)]
struct UnheldRow<'a> {
    later: &'a PmRow,
    earlier: &'a PmRow,
    item: &'a str,
    closed: String,
    /// Days from the fix's close to the later incident's start day.
    days: i64,
}

/// The newest possible recurrences after a fix, newest first, and how
/// many there are in all.
fn unheld<'a>(site: &'a Site) -> (Vec<UnheldRow<'a>>, usize) {
    let mut all: Vec<&crate::render::recurrence::Recurrence> =
        site.recurrences().iter().filter(|r| r.fix.is_some()).collect();
    // the site's order is by start: the newest last
    all.sort_by(|a, b| b.later.cmp(&a.later).then(a.earlier.cmp(&b.earlier)));
    let rows = all
        .iter()
        .take(UNHELD)
        .filter_map(|rec| {
            let fix = rec.fix.as_ref()?;
            let started = crate::metrics::start_day(&site.pms[rec.later], site.cfg.timezone)?;
            Some(UnheldRow {
                later: site.row(rec.later),
                earlier: site.row(rec.earlier),
                item: &site.pms[rec.earlier].action_items[fix.item].id,
                closed: fix.closed.format("%Y-%m-%d").to_string(),
                days: (started - fix.closed).num_days(),
            })
        })
        .collect();
    (rows, all.len())
}

/// The trends counted by `per`: its charts and tables.
fn view<P: Display>(r: &Renderer, ps: &[Period<P>], rows: &[PeriodRow], per: Per) -> Result<OutputFile, RenderError> {
    let (cfg, m) = (r.site.cfg, r.site.m);
    let labels = &labels(ps);
    let noun = per.noun();
    let undetected = charts::lines(
        "chart-undetected",
        "Undetected share of impact time",
        labels,
        &[Series {
            name: "undetected share".into(),
            color: palette::PURPLE,
            // no share (a period without incidents) is a gap in the line
            values: ps.iter().map(|q| q.undetected_share.unwrap_or(f64::NAN)).collect(),
        }],
        "share of impact time",
        true,
    )
    .map_err(chart_err)?;
    let sev1 = match per {
        Per::Quarter => r.sev1_chart()?.to_string(),
        Per::Year => sev1_line(r.site, ps, per)?,
    };
    // the area chart and its table show the same series
    let areas = area_series(m, ps);
    let area_chart =
        charts::stacked_bars("chart-area", &format!("Incidents per {noun} by area"), labels, &areas, "incidents")
            .map_err(chart_err)?;
    let area_rows: Vec<serde_json::Value> = rows
        .iter()
        .enumerate()
        .map(|(i, row)| {
            let counts: Vec<u64> = areas.iter().map(|a| a.values.get(i).copied().unwrap_or(0.0) as u64).collect();
            serde_json::json!({"row": row, "counts": counts})
        })
        .collect();
    let area_names: Vec<&str> = areas.iter().map(|a| a.name.as_str()).collect();
    let urls = r.urls();
    let views: Vec<serde_json::Value> = [
        (Route::Trends(Per::Quarter), "By quarter"),
        (Route::Trends(Per::Year), "By year"),
        (Route::Factors, "Contributing factors"),
    ]
    .into_iter()
    .map(|(route, name)| {
        let current = route == Route::Trends(per);
        let link = Link { name: name.into(), url: urls.page(&route) };
        serde_json::json!({"link": link, "current": current})
    })
    .collect();
    let mut ctx = tera::Context::new();
    ctx.insert("per", noun);
    ctx.insert("views", &views);
    ctx.insert("durations", &durations(m, ps, rows, labels)?);
    ctx.insert("rows", rows);
    ctx.insert("areas", &area_names);
    ctx.insert("area_rows", &area_rows);
    ctx.insert(
        "charts",
        &serde_json::json!({
            "severity": severity_chart(cfg, ps, per, "chart-severity")?,
            "sev1": sev1,
            "undetected": undetected,
            "area": area_chart,
            "items": items_chart(ps, labels, noun)?,
        }),
    );
    let (unheld, unheld_total) = unheld(r.site);
    ctx.insert("unheld", &unheld);
    ctx.insert("unheld_total", &unheld_total);
    let title = match per {
        Per::Quarter => "Trends",
        Per::Year => "Trends by year",
    };
    r.render("trends.html", &Route::Trends(per), title, "Trends", ctx)
}

/// TTD, TTM and TTR: each a chart of one dot per incident with the median
/// marked, and its table of n, median, its interval and p90 per period.
fn durations<P>(
    m: &Metrics,
    ps: &[Period<P>],
    rows: &[PeriodRow],
    labels: &[String],
) -> Result<Vec<serde_json::Value>, RenderError> {
    type Pick<P> = (fn(&Durations) -> Option<f64>, fn(&Period<P>) -> &Summary);
    let section = |key: &str, title: &str, formula: &str, color, (of, summary): Pick<P>| -> Result<_, RenderError> {
        let members: Vec<Vec<f64>> =
            ps.iter().map(|q| q.members.iter().filter_map(|&i| of(&m.durations[i])).collect()).collect();
        let medians: Vec<Option<f64>> = ps.iter().map(|q| summary(q).median).collect();
        let chart =
            charts::durations(&format!("chart-{key}"), title, labels, &members, &medians, color).map_err(chart_err)?;
        let table: Vec<serde_json::Value> = rows
            .iter()
            .zip(ps)
            .map(|(row, q)| {
                let s = summary_row(summary(q));
                serde_json::json!({"period": row.period, "few": row.few, "n": s.n, "median": s.median, "ci95": s.ci95, "p90": s.p90})
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

/// Incidents per period by area: the areas with the most incidents (ties
/// by name), and all others together as one series.
fn area_series<P>(m: &Metrics, ps: &[Period<P>]) -> Vec<Series> {
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
            values: ps.iter().map(|q| q.by_area.get(*a).copied().unwrap_or(0) as f64).collect(),
        })
        .collect();
    if !rest.is_empty() {
        series.push(Series {
            name: match rest.len() {
                1 => "other (1 area)".to_string(),
                n => format!("other ({n} areas)"),
            },
            color: palette::OTHER,
            values: ps
                .iter()
                .map(|q| rest.iter().map(|(a, _)| q.by_area.get(*a).copied().unwrap_or(0)).sum::<usize>() as f64)
                .collect(),
        });
    }
    series
}

/// Action items opened, closed and open at each period's end.
fn items_chart<P>(ps: &[Period<P>], labels: &[String], noun: &str) -> Result<String, RenderError> {
    let series = |name: &str, color, of: fn(&PeriodItems) -> usize| Series {
        name: name.into(),
        color,
        values: ps.iter().map(|q| of(&q.action_items) as f64).collect(),
    };
    Ok(charts::lines(
        "chart-items",
        &format!("Action items per {noun}"),
        labels,
        &[
            series("opened", palette::BLUE, |a| a.opened),
            series("closed", palette::GREEN, |a| a.closed),
            series(&format!("open at {noun} end"), palette::GREY, |a| a.open_at_end),
        ],
        "action items",
        false,
    )
    .map_err(chart_err)?)
}

/// It shows figures only.
pub(super) fn depends_on(c: &Change) -> bool {
    c.figures() || c.unheld
}
