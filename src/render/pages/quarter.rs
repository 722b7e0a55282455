//! A page per quarter (its figures against the quarter before, its
//! incidents, its SEV1s told in full, the action items still open) and
//! the list of quarters.

use super::{summary_row, Change, RenderError, Renderer, SummaryRow};
use crate::metrics::Quarter;
use crate::render::site::Site;
use crate::render::view::{self, fmt_share, Link};
use crate::render::OutputFile;
use crate::routes::Route;
use serde::Serialize;

/// A quarter in the list of quarters and the trends table.
#[derive(Serialize)]
pub(super) struct QuarterRow {
    pub(super) quarter: Link,
    incidents: usize,
    by_severity: Vec<usize>,
    sev1: usize,
    pub(super) ttd: SummaryRow,
    pub(super) ttm: SummaryRow,
    pub(super) ttr: SummaryRow,
    undetected: String,
    opened: usize,
    closed: usize,
    open_at_end: usize,
    /// Fewer incidents than `min_sample`.
    pub(super) few: bool,
    areas: Vec<usize>,
}

pub(super) fn rows(site: &Site) -> Vec<QuarterRow> {
    let (cfg, m) = (site.cfg, site.m);
    let urls = crate::render::view::Urls { base: &cfg.base_url };
    let areas: Vec<&String> = m.total.by_area.keys().collect();
    m.quarters
        .iter()
        .map(|q| QuarterRow {
            quarter: Link { name: q.period.to_string(), url: urls.quarter(q.period) },
            incidents: q.incidents,
            by_severity: q.by_severity.iter().map(|x| x.1).collect(),
            sev1: q.by_severity.first().map_or(0, |x| x.1),
            ttd: summary_row(&q.ttd),
            ttm: summary_row(&q.ttm),
            ttr: summary_row(&q.ttr),
            undetected: fmt_share(q.undetected_share),
            opened: q.action_items.opened,
            closed: q.action_items.closed,
            open_at_end: q.action_items.open_at_end,
            few: q.incidents < cfg.min_sample,
            areas: areas.iter().map(|a| q.by_area.get(*a).copied().unwrap_or(0)).collect(),
        })
        .collect()
}

/// A SEV1 incident on its quarter's page.
#[derive(Serialize)]
struct Sev1Row<'a> {
    row: tera::Value,
    impact: &'a Option<String>,
    root_cause: &'a Option<String>,
    whys: &'a [String],
    items: tera::Value,
}

pub(super) fn render(r: &Renderer, route: &Route) -> Result<OutputFile, RenderError> {
    let rows = r.quarter_rows();
    let Route::Quarter(quarter) = route else {
        let mut ctx = tera::Context::new();
        let newest: Vec<&QuarterRow> = rows.iter().rev().collect();
        ctx.insert("rows", &newest);
        return r.render("quarters.html", route, "Quarters", "Quarters", ctx);
    };
    let (site, urls) = (r.site, r.urls());
    let (cfg, pms, m) = (site.cfg, site.pms, site.m);
    let Some(qi) = m.quarters.iter().position(|q| q.period == *quarter) else {
        return Err(RenderError::Io(std::io::Error::other(format!("no quarter {quarter}"))));
    };
    let q = &m.quarters[qi];
    let sev1 = cfg.severities.first().cloned();
    let sev1s: Vec<Sev1Row> = q
        .members
        .iter()
        .filter(|&&i| pms[i].severity.is_some() && pms[i].severity == sev1)
        .map(|&i| {
            let pm = &pms[i];
            Sev1Row {
                row: r.rows.value(i),
                impact: &pm.impact,
                root_cause: &pm.root_cause,
                whys: &pm.five_whys,
                items: r.items.list(site.items_of(i)),
            }
        })
        .collect();
    // still open, of this quarter's incidents: what leadership can act on
    let opened = r.items.list(q.members.iter().flat_map(|&i| site.items_of(i)).filter(|&k| site.item(k).open));
    let link = |q: Quarter| Link { name: q.to_string(), url: urls.quarter(q) };
    let name = q.period.to_string();
    let mut ctx = tera::Context::new();
    ctx.insert("quarter", &name);
    ctx.insert("row", &rows[qi]);
    ctx.insert("figures", &view::quarter_figures(m, qi, cfg).all());
    ctx.insert("headline", &crate::render::story::quarter(site, qi));
    ctx.insert("prev", &qi.checked_sub(1).map(|p| link(m.quarters[p].period)));
    ctx.insert("next", &m.quarters.get(qi + 1).map(|n| link(n.period)));
    ctx.insert_value("incidents", r.rows.list(q.members.iter().copied()));
    ctx.insert("sev1s", &sev1s);
    ctx.insert("sev1_name", &sev1);
    ctx.insert_value("opened", opened);
    ctx.insert("complete", &q.complete);
    ctx.insert("first_day", &q.period.first_day().to_string());
    ctx.insert("last_day", &q.period.last_day().to_string());
    r.render("quarter.html", route, &format!("Quarter {name}"), "Quarters", ctx)
}

/// A quarter's page shows its figures against the quarter before, and
/// its incidents with their items; the list shows every quarter's row.
pub(super) fn depends_on(site: &Site, route: &Route, c: &Change) -> bool {
    let Route::Quarter(quarter) = route else { return c.layout || !c.quarters.is_empty() };
    let Some(qi) = site.m.quarters.iter().position(|q| q.period == *quarter) else { return true };
    let member = site.m.quarters[qi].members.contains(&c.index);
    c.layout || c.quarters.iter().any(|&k| k == qi || k + 1 == qi) || (member && (c.row || c.items || c.detail))
}
