//! The action-item tracker: open items on `/action-items/`, one page per
//! grouped view (owner, area, kind, status) listing each group's open
//! items, and closed items in archive pages.

use super::{Change, RenderError, Renderer};
use crate::render::site::{Site, VIEWS};
use crate::render::view::{ItemRow, Link};
use crate::render::OutputFile;
use crate::routes::Route;
use crate::text::name_slug;
use serde::Serialize;
use std::collections::BTreeMap;

/// One group of a grouped view.
#[derive(Serialize)]
struct Group {
    name: String,
    id: String,
    open: usize,
    overdue: usize,
    closed: usize,
    /// the open ones
    items: tera::Value,
}

fn groups(r: &Renderer, key: fn(&ItemRow) -> String, prefix: &str) -> Vec<Group> {
    let site = r.site;
    let mut map: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (k, it) in site.all_items().enumerate() {
        map.entry(key(it)).or_default().push(k);
    }
    let count = |list: &[usize], f: fn(&ItemRow) -> bool| list.iter().filter(|&&k| f(site.item(k))).count();
    map.into_iter()
        .map(|(name, list)| Group {
            id: format!("{prefix}-{}", name_slug(&name)),
            open: count(&list, |i| i.open),
            overdue: count(&list, |i| i.overdue),
            closed: count(&list, |i| !i.open),
            items: r.items.list(list.into_iter().filter(|&k| site.item(k).open)),
            name,
        })
        .collect()
}

/// What every page of the tracker shows: the counts and the links to the
/// views and the archive pages.
fn common(r: &Renderer) -> tera::Context {
    let (site, urls) = (r.site, r.urls());
    let counts = serde_json::json!({
        "all": site.item_count(),
        "open": site.open().len(),
        "overdue": site.all_items().filter(|i| i.overdue).count(),
        "closed": site.all_items().filter(|i| !i.open).count(),
    });
    let views: Vec<Link> = VIEWS
        .iter()
        .map(|(_, dir, title, _)| Link { name: title.to_string(), url: urls.page(&Route::TrackerView(dir)) })
        .collect();
    let mut ctx = tera::Context::new();
    ctx.insert("counts", &counts);
    ctx.insert("views", &views);
    ctx
}

fn list_ctx(r: &Renderer, list: &[usize]) -> tera::Context {
    let urls = r.urls();
    let closed_pages: Vec<Link> = (1..=r.site.closed_pages().len())
        .map(|n| Link { name: n.to_string(), url: urls.page(&Route::ClosedItems(n)) })
        .collect();
    let mut ctx = common(r);
    ctx.insert_value("items", r.items.list(list.iter().copied()));
    ctx.insert("closed_pages", &closed_pages);
    ctx
}

pub(super) fn render(r: &Renderer, route: &Route) -> Result<OutputFile, RenderError> {
    let site = r.site;
    match route {
        Route::ClosedItems(n) => {
            let chunk = site.closed_pages().get(n.saturating_sub(1)).map_or(&[][..], Vec::as_slice);
            let mut ctx = list_ctx(r, chunk);
            ctx.insert("page_number", n);
            let title = format!("Closed action items, page {n}");
            r.render("action_items_closed.html", route, &title, "Action items", ctx)
        }
        Route::TrackerView(dir) => {
            let Some(&(key, _, title, f)) = VIEWS.iter().find(|v| v.1 == *dir) else {
                return Err(RenderError::Io(std::io::Error::other(format!("no view of action items {dir}"))));
            };
            let mut ctx = common(r);
            ctx.insert("key", key);
            ctx.insert("title", title);
            ctx.insert("groups", &groups(r, f, key));
            r.render(
                "action_items_view.html",
                route,
                &format!("Action items {}", title.to_lowercase()),
                "Action items",
                ctx,
            )
        }
        _ => r.render("action_items.html", route, "Action items", "Action items", list_ctx(r, site.open())),
    }
}

/// Every page shows the counts; the open list shows open items, the views
/// the open items and counts of every group; an archive page shows its closed items, and shifts when the
/// edited postmortem's closed items moved.
pub(super) fn depends_on(site: &Site, route: &Route, c: &Change) -> bool {
    if c.counts {
        return true;
    }
    match route {
        Route::ClosedItems(n) => {
            let shows_its_items = || {
                let page = site.closed_pages().get(n.saturating_sub(1)).map_or(&[][..], Vec::as_slice);
                page.iter().any(|k| site.items_of(c.index).contains(k))
            };
            c.closed_order || (c.items && shows_its_items())
        }
        // the views count every item of each group, open or closed
        Route::TrackerView(_) => c.items,
        _ => c.items && c.open_items,
    }
}
