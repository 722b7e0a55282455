//! A page per quarter (its figures against the quarter before, its
//! incidents, its SEV1s told in full, the action items still open) and
//! the list of quarters.

use super::periods::PeriodRow;
use super::{Change, RenderError, Renderer};
use crate::metrics::Quarter;
use crate::render::site::Site;
use crate::render::view::{self, Link};
use crate::render::OutputFile;
use crate::routes::{Per, Route};
use serde::Serialize;

/// How many quarters a quarter's severity chart shows: the quarter and
/// the ones before it.
const CHART_QUARTERS: usize = 8;

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
        let newest: Vec<&PeriodRow> = rows.iter().rev().collect();
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
    // the quarter among the ones just before it
    let shown = &m.quarters[qi.saturating_sub(CHART_QUARTERS - 1)..=qi];
    let chart = super::trends::severity_chart(cfg, shown, Per::Quarter, "chart-quarter-severity")?;
    ctx.insert("severity_chart", &chart);
    ctx.insert("prev", &qi.checked_sub(1).map(|p| link(m.quarters[p].period)));
    ctx.insert("next", &m.quarters.get(qi + 1).map(|n| link(n.period)));
    ctx.insert_value("incidents", r.rows.list(q.members.iter().copied()));
    // near misses are counted apart, and listed apart
    let near = (0..site.pms.len())
        .filter(|&i| m.quarter_of[i] == Some(q.period) && site.pms[i].kind == crate::model::PmKind::NearMiss);
    ctx.insert_value("near_misses", r.rows.list(near));
    ctx.insert("sev1s", &sev1s);
    ctx.insert("sev1_name", &sev1);
    ctx.insert_value("opened", opened);
    ctx.insert("complete", &q.complete);
    ctx.insert("first_day", &q.period.first_day().to_string());
    ctx.insert("last_day", &q.period.last_day().to_string());
    r.render("quarter.html", route, &format!("Quarter {name}"), "Quarters", ctx)
}

/// A quarter's page shows its figures against the quarter before, the
/// severities of the quarters up to it, and its incidents with their
/// items; the list shows every quarter's row.
pub(super) fn depends_on(site: &Site, route: &Route, c: &Change) -> bool {
    let Route::Quarter(quarter) = route else { return c.layout || !c.quarters.is_empty() };
    let Some(qi) = site.m.quarters.iter().position(|q| q.period == *quarter) else { return true };
    // an incident or a near miss of the quarter, before or after the edit
    let member = site.m.quarters[qi].members.contains(&c.index) || site.m.quarter_of[c.index] == Some(*quarter);
    // its figures compare with the quarter before; its chart shows the
    // quarters before it
    let shown = |k: usize| k <= qi && qi - k < CHART_QUARTERS;
    c.layout || c.quarters.iter().any(|&k| shown(k)) || (member && (c.row || c.items || c.detail))
}
