//! The Atom feed and the sitemap, rendered with the theme's `feed.xml`
//! and `sitemap.xml` like any page, so a site can theme them.

use super::{RenderError, Renderer};
use crate::render::feed;
use crate::render::OutputFile;
use crate::routes::Route;

pub(super) fn feed(r: &Renderer) -> Result<OutputFile, RenderError> {
    let mut ctx = tera::Context::new();
    ctx.insert("feed", &feed::feed(r.site.pms, r.site.cfg));
    r.render("feed.xml", &Route::Feed, "Feed", "", ctx)
}

/// The sitemap of the pages among `routes`.
pub(super) fn sitemap(r: &Renderer, routes: &[Route]) -> Result<OutputFile, RenderError> {
    let mut ctx = tera::Context::new();
    ctx.insert("urls", &feed::sitemap_urls(routes, r.site.cfg));
    r.render("sitemap.xml", &Route::Sitemap, "Sitemap", "", ctx)
}
