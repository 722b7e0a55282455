//! The home page: the latest quarter's figures, the most overdue action
//! items, the SEV1 trend and the latest postmortems.

use super::{Change, RenderError, Renderer};
use crate::render::story;
use crate::render::view::{self, Figure};
use crate::render::OutputFile;
use crate::routes::Route;

/// The home page lists at most this many overdue items, most overdue first.
pub(crate) const HOME_OVERDUE: usize = 20;

/// How many of the latest postmortems the home page lists.
const RECENT: usize = 10;

pub(super) fn render(r: &Renderer) -> Result<OutputFile, RenderError> {
    let (cfg, m) = (r.site.cfg, r.site.m);
    let urls = r.urls();
    let site = r.site;
    let mut ctx = tera::Context::new();
    if let Some(last) = m.quarters.len().checked_sub(1) {
        ctx.insert("headline", &story::home(site));
        // the last finished quarter against the one before; today's
        // quarter when none is finished
        let shown = m.quarters.iter().rposition(|q| q.complete).unwrap_or(last);
        let q = &m.quarters[shown];
        ctx.insert("quarter", &q.period.to_string());
        ctx.insert("quarter_url", &urls.quarter(q.period));
        let previous = shown
            .checked_sub(1)
            .map(|p| &m.quarters[p])
            .filter(|p| q.complete && p.period.next() == q.period)
            .map(|p| p.period.to_string());
        ctx.insert("previous", &previous);
        ctx.insert("quarter_incidents", &q.incidents);
        ctx.insert("complete", &q.complete);
        let mut figures = view::quarter_figures(m, shown, cfg).key();
        let mut overdue = Figure::plain("Overdue action items", m.total.action_items.overdue.to_string());
        overdue.note = Some(format!("of {} open, as of {}", m.total.action_items.open, m.today));
        figures.push(overdue);
        ctx.insert("figures", &figures);
    }
    let mut overdue: Vec<usize> = site.all_items().enumerate().filter(|(_, it)| it.overdue).map(|(k, _)| k).collect();
    let item = |k| site.item(k);
    overdue.sort_by(|&a, &b| item(a).due.cmp(item(b).due).then(item(a).id.cmp(item(b).id)));
    let recent = r.rows.list((0..r.rows.len()).rev().take(RECENT));
    let total = Figure::plain("Overdue action items", m.total.action_items.overdue.to_string());
    ctx.insert("overdue_shown", &overdue.len().min(HOME_OVERDUE));
    overdue.truncate(HOME_OVERDUE);
    ctx.insert_value("overdue", r.items.list(overdue));
    ctx.insert("overdue_total", &total);
    ctx.insert("open_total", &m.total.action_items.open);
    ctx.insert_value("recent", recent);
    ctx.insert("count", &r.rows.len());
    ctx.insert("awaiting_review", &r.awaiting_review());
    ctx.insert("sev1_chart", r.sev1_chart()?);
    let sev1_rows: Vec<serde_json::Value> = m
        .quarters
        .iter()
        .map(|q| {
            serde_json::json!({
                "quarter": q.period.to_string(),
                "url": urls.quarter(q.period),
                "sev1": q.by_severity.first().map_or(0, |x| x.1),
                "incidents": q.incidents,
            })
        })
        .collect();
    ctx.insert("sev1_rows", &sev1_rows);
    r.render("index.html", &Route::Home, &cfg.title, "Overview", ctx)
}

/// The figures, the overdue items and the latest rows.
pub(super) fn depends_on(c: &Change) -> bool {
    c.row || c.items || c.figures()
}
