//! The list of every postmortem, and the page for a link that leads
//! nowhere.

use super::{Change, RenderError, Renderer};
use crate::render::site::Site;
use crate::render::view::Link;
use crate::render::OutputFile;
use crate::routes::Route;

/// Page `n` of the list of postmortems, newest first, with links to the
/// other pages.
pub(super) fn postmortems(r: &Renderer, n: usize) -> Result<OutputFile, RenderError> {
    let (site, urls) = (r.site, r.urls());
    let n = n.max(1);
    let pages: Vec<Link> = (1..=site.list_pages())
        .map(|p| Link { name: p.to_string(), url: urls.page(&Route::PostmortemList(p)) })
        .collect();
    let mut ctx = tera::Context::new();
    ctx.insert_value("postmortems", r.rows.list(site.list_page(n)));
    ctx.insert("count", &site.pms.len());
    ctx.insert("pages", &pages);
    ctx.insert("page_number", &n);
    let title = if pages.len() > 1 { format!("All postmortems, page {n}") } else { "All postmortems".into() };
    r.render("postmortems.html", &Route::PostmortemList(n), &title, "Postmortems", ctx)
}

/// A page of the list shows the rows of its postmortems.
pub(super) fn postmortems_depend_on(site: &Site, n: usize, c: &Change) -> bool {
    c.row && site.list_page(n).any(|i| i == c.index)
}

pub(super) fn not_found(r: &Renderer) -> Result<OutputFile, RenderError> {
    r.render("404.html", &Route::NotFound, "Page not found", "", tera::Context::new())
}
