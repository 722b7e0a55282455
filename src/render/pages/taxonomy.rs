//! A page per area and per tag (its postmortems and their figures), and
//! the list of areas and of tags.

use super::periods::{summary_row, SummaryRow};
use super::{Change, RenderError, Renderer};
use crate::metrics::Summary;
use crate::render::site::{Site, Taxonomy};
use crate::render::view::fmt_share;
use crate::render::OutputFile;
use crate::routes::Route;
use serde::Serialize;

/// Figures of any set of incidents (an area, a tag).
#[derive(Serialize)]
struct SliceFigures {
    incidents: usize,
    by_severity: Vec<(String, usize)>,
    ttd: SummaryRow,
    ttm: SummaryRow,
    ttr: SummaryRow,
    undetected: String,
    open_items: usize,
    overdue_items: usize,
}

fn slice_figures(all: &[usize], site: &Site) -> SliceFigures {
    let (pms, m, cfg) = (site.pms, site.m, site.cfg);
    // near misses are counted apart: no severity or times
    let idx: Vec<usize> = all.iter().copied().filter(|&i| pms[i].kind == crate::model::PmKind::Incident).collect();
    let durs: Vec<_> = idx.iter().map(|&i| m.durations[i]).collect();
    let pick = |f: fn(&crate::metrics::Durations) -> Option<f64>| Summary::of(durs.iter().filter_map(f).collect());
    SliceFigures {
        incidents: idx.len(),
        by_severity: cfg
            .severities
            .iter()
            .map(|s| (s.clone(), idx.iter().filter(|&&i| pms[i].severity.as_deref() == Some(s)).count()))
            .collect(),
        ttd: summary_row(&pick(|d| d.ttd)),
        ttm: summary_row(&pick(|d| d.ttm)),
        ttr: summary_row(&pick(|d| d.ttr)),
        undetected: fmt_share(crate::metrics::undetected_share(&durs)),
        open_items: all.iter().flat_map(|&i| &m.items[i]).filter(|s| s.open).count(),
        overdue_items: all.iter().flat_map(|&i| &m.items[i]).filter(|s| s.overdue).count(),
    }
}

/// An area or tag in the list of them.
#[derive(Serialize)]
struct TaxonRow {
    name: String,
    url: String,
    incidents: usize,
    sev1: usize,
    latest: String,
}

/// The taxonomy of a route, whether it is the list, and the slug of one.
fn of(route: &Route) -> (Taxonomy, Option<&str>) {
    match route {
        Route::Area(slug) => (Taxonomy::Area, Some(slug)),
        Route::Tag(slug) => (Taxonomy::Tag, Some(slug)),
        Route::TagList => (Taxonomy::Tag, None),
        _ => (Taxonomy::Area, None),
    }
}

pub(super) fn render(r: &Renderer, route: &Route) -> Result<OutputFile, RenderError> {
    let site = r.site;
    let (taxonomy, slug) = of(route);
    let (kind, plural) = match taxonomy {
        Taxonomy::Area => ("Area", "Areas"),
        Taxonomy::Tag => ("Tag", "Tags"),
    };
    let groups = site.groups(taxonomy);
    let mut ctx = tera::Context::new();
    ctx.insert("kind", kind);
    if let Some(slug) = slug {
        let Some(group) = groups.get(slug) else {
            return Err(RenderError::Io(std::io::Error::other(format!("no {kind} {slug}"))));
        };
        ctx.insert("name", &group.name);
        ctx.insert_value("postmortems", r.rows.list(group.members.iter().rev().copied()));
        ctx.insert("figures", &slice_figures(&group.members, site));
        return r.render("taxonomy.html", route, &format!("{kind}: {}", group.name), plural, ctx);
    }
    let urls = r.urls();
    let sev1 = site.cfg.severities.first();
    let rows: Vec<TaxonRow> = groups
        .iter()
        .map(|(slug, g)| TaxonRow {
            name: g.name.clone(),
            url: urls.page(&taxonomy.route(slug)),
            incidents: g.members.len(),
            sev1: g.members.iter().filter(|&&i| sev1.is_some() && site.pms[i].severity.as_ref() == sev1).count(),
            latest: g.members.last().map_or(String::new(), |&i| site.row(i).date.clone()),
        })
        .collect();
    ctx.insert("plural", plural);
    ctx.insert("rows", &rows);
    r.render("taxonomy_list.html", route, plural, plural, ctx)
}

/// A group's page shows its postmortems' rows and figures; the lists
/// show every group's counts and latest date.
pub(super) fn depends_on(route: &Route, c: &Change) -> bool {
    let slugs = match route {
        Route::Area(_) => &c.areas,
        Route::Tag(_) => &c.tags,
        _ => return c.membership || c.row,
    };
    let (_, slug) = of(route);
    slug.is_some_and(|s| slugs.iter().any(|x| x == s)) && (c.row || c.items || c.timeline || c.membership)
}
