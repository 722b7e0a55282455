//! The list of every postmortem, and the page for a link that leads
//! nowhere.

use super::{Change, RenderError, Renderer};
use crate::render::OutputFile;
use crate::routes::Route;

pub(super) fn postmortems(r: &Renderer) -> Result<OutputFile, RenderError> {
    let mut ctx = tera::Context::new();
    ctx.insert_value("postmortems", r.rows.list((0..r.rows.len()).rev()));
    r.render("postmortems.html", &Route::PostmortemList, "All postmortems", "Postmortems", ctx)
}

pub(super) fn postmortems_depend_on(c: &Change) -> bool {
    c.row
}

pub(super) fn not_found(r: &Renderer) -> Result<OutputFile, RenderError> {
    r.render("404.html", &Route::NotFound, "Page not found", "", tera::Context::new())
}
