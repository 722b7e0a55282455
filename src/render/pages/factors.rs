//! The contributing factors page: how often each factor of the site's
//! taxonomy contributed, by year, most frequent first (a Pareto table),
//! and each factor's postmortems. Near misses count here: a factor that
//! nearly hurt is worth as much attention as one that did.

use super::{Change, RenderError, Renderer};
use crate::render::view::PmRow;
use crate::render::OutputFile;
use crate::routes::Route;
use crate::text::name_slug;
use serde::Serialize;

/// A factor's line of the table.
#[derive(Serialize)]
struct FactorRow<'a> {
    name: &'a str,
    /// The anchor of its list on the page.
    slug: String,
    count: usize,
    near_misses: usize,
    /// Of the postmortems that name any factor, in percent.
    share: String,
    /// Of the postmortems that name any factor, those that name this one or
    /// a more frequent one, in percent.
    cumulative: String,
    /// The bar's width, in percent of the most frequent factor's.
    bar: String,
    /// One count per year of `years`.
    by_year: Vec<usize>,
    /// Its postmortems, newest first.
    postmortems: Vec<&'a PmRow>,
}

/// `n` out of `of`, in percent with no decimals.
fn percent(n: usize, of: usize) -> String {
    if of == 0 {
        "—".into()
    } else {
        format!("{:.0} %", n as f64 * 100.0 / of as f64)
    }
}

pub(super) fn render(r: &Renderer) -> Result<OutputFile, RenderError> {
    let site = r.site;
    let (pms, cfg) = (site.pms, site.cfg);
    // the year each started in, in the site's timezone, as the metrics have it
    let year_of = |i: usize| site.m.quarter_of[i].map(|q| q.year);
    let with_factors: Vec<usize> = (0..pms.len()).filter(|&i| !pms[i].contributing_factors.is_empty()).collect();
    let mut years: Vec<i32> = with_factors.iter().filter_map(|&i| year_of(i)).collect();
    years.sort_unstable();
    years.dedup();
    let n_by_year: Vec<usize> =
        years.iter().map(|y| with_factors.iter().filter(|&&i| year_of(i) == Some(*y)).count()).collect();
    let mut rows: Vec<(Vec<usize>, FactorRow)> = cfg
        .factors
        .iter()
        .map(|name| {
            let mut members: Vec<usize> =
                with_factors.iter().copied().filter(|&i| pms[i].contributing_factors.contains(name)).collect();
            // the site's order is by start: newest first here
            members.reverse();
            (
                members.clone(),
                FactorRow {
                    name,
                    slug: name_slug(name),
                    count: members.len(),
                    near_misses: members.iter().filter(|&&i| pms[i].kind == crate::model::PmKind::NearMiss).count(),
                    share: String::new(),
                    cumulative: String::new(),
                    bar: String::new(),
                    by_year: years
                        .iter()
                        .map(|y| members.iter().filter(|&&i| year_of(i) == Some(*y)).count())
                        .collect(),
                    postmortems: members.iter().map(|&i| site.row(i)).collect(),
                },
            )
        })
        .collect();
    // most frequent first; ties in the taxonomy's order (the sort is stable)
    rows.sort_by_key(|(_, r)| std::cmp::Reverse(r.count));
    let (n, top) = (with_factors.len(), rows.first().map_or(0, |(_, r)| r.count));
    // a postmortem may name several factors: the cumulative share counts
    // each postmortem once
    let mut covered = std::collections::BTreeSet::new();
    for (members, row) in &mut rows {
        covered.extend(members.iter().copied());
        row.share = percent(row.count, n);
        row.cumulative = percent(covered.len(), n);
        row.bar = if top == 0 { "0".into() } else { format!("{:.1}", row.count as f64 * 100.0 / top as f64) };
    }
    let (used, unused): (Vec<FactorRow>, Vec<FactorRow>) = rows.into_iter().map(|(_, r)| r).partition(|r| r.count > 0);
    let mut ctx = tera::Context::new();
    ctx.insert("rows", &used);
    ctx.insert("unused", &unused.iter().map(|r| r.name).collect::<Vec<_>>());
    ctx.insert("years", &years);
    ctx.insert("n", &n);
    ctx.insert("n_by_year", &n_by_year);
    ctx.insert("without", &(pms.len() - n));
    r.render("contributing_factors.html", &Route::Factors, "Contributing factors", "Trends", ctx)
}

/// The page shows every postmortem that names a factor, and its row.
pub(super) fn depends_on(c: &Change) -> bool {
    c.factors
}
