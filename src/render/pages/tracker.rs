//! The action-item tracker: open items on `/action-items/` (500 a page,
//! overdue first), a page per owner and per area with their open items and
//! the ones they closed lately (and each owner's items as JSON), grouped
//! views that count the items of every owner, area, kind and status, and
//! closed items in archive pages.

use super::{Change, RenderError, Renderer};
use crate::render::site::{Items, Site, OPEN_PER_PAGE, VIEWS};
use crate::render::view::{ItemRow, Link};
use crate::render::OutputFile;
use crate::routes::{ItemGroup, Route};
use crate::text::name_slug;
use serde::Serialize;
use std::collections::BTreeMap;

/// How many of a group's items a grouped view by kind or status lists,
/// and how many recently closed items an owner's or area's page lists.
const SHOWN: usize = 20;

/// One group of a grouped view.
#[derive(Serialize)]
struct Group {
    name: String,
    id: String,
    /// The group's own page, for owners and areas.
    url: Option<String>,
    open: usize,
    overdue: usize,
    /// Days overdue of the group's most overdue item.
    oldest_overdue: Option<i64>,
    closed: usize,
    /// Its most overdue open items, for kinds and statuses.
    items: tera::Value,
}

fn groups(r: &Renderer, key: fn(&ItemRow) -> String, prefix: &str) -> Vec<Group> {
    let (site, urls) = (r.site, r.urls());
    let own_pages = [ItemGroup::Owner, ItemGroup::Area].into_iter().find(|g| g.folder() == prefix);
    // the open items in the tracker's order, so that each group's first
    // items are its most overdue
    let mut map: BTreeMap<String, (Vec<usize>, usize)> = BTreeMap::new();
    for &k in site.open() {
        map.entry(key(site.item(k))).or_default().0.push(k);
    }
    for it in site.all_items().filter(|it| !it.open) {
        map.entry(key(it)).or_default().1 += 1;
    }
    map.into_iter()
        .map(|(name, (open, closed))| {
            let overdue = open.iter().filter(|&&k| site.item(k).overdue).count();
            Group {
                id: format!("{prefix}-{}", name_slug(&name)),
                url: own_pages.map(|g| urls.page(&Route::ItemsOf(g, name_slug(&name)))),
                open: open.len(),
                overdue,
                oldest_overdue: open.iter().filter_map(|&k| site.item(k).days_overdue).max(),
                closed,
                items: match own_pages {
                    Some(_) => tera::Value::none(),
                    None => r.items.list(open.into_iter().take(SHOWN)),
                },
                name,
            }
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

/// The open items on page `n` (from 1) of their list.
fn open_page<'s>(site: &'s Site, n: usize) -> &'s [usize] {
    let open = site.open();
    let start = (n.max(1) - 1) * OPEN_PER_PAGE;
    &open[start.min(open.len())..(start + OPEN_PER_PAGE).min(open.len())]
}

pub(super) fn render(r: &Renderer, route: &Route) -> Result<OutputFile, RenderError> {
    let (site, urls) = (r.site, r.urls());
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
            ctx.insert("shown", &SHOWN);
            ctx.insert("own_pages", &[ItemGroup::Owner, ItemGroup::Area].iter().any(|g| g.folder() == *dir));
            ctx.insert("groups", &groups(r, f, dir));
            r.render(
                "action_items_view.html",
                route,
                &format!("Action items {}", title.to_lowercase()),
                "Action items",
                ctx,
            )
        }
        Route::ItemsOf(g, slug) => {
            let empty = Items::default();
            let items = site.item_groups(*g).get(slug).unwrap_or(&empty);
            let mut ctx = tera::Context::new();
            let kind = match g {
                ItemGroup::Owner => "Owner",
                ItemGroup::Area => "Area",
            };
            ctx.insert("kind", kind);
            ctx.insert("name", &items.name);
            ctx.insert("open", &items.open.len());
            ctx.insert("overdue", &items.open.iter().filter(|&&k| site.item(k).overdue).count());
            ctx.insert("closed_count", &items.closed.len());
            ctx.insert_value("items", r.items.list(items.open.iter().copied()));
            ctx.insert_value("closed", r.items.list(items.closed.iter().take(SHOWN).copied()));
            ctx.insert("shown", &SHOWN);
            ctx.insert("index", &urls.page(&Route::TrackerView(g.folder())));
            ctx.insert("json", &matches!(g, ItemGroup::Owner).then(|| urls.page(&Route::OwnerJson(slug.clone()))));
            let title = format!("Action items of {}", items.name);
            r.render("action_items_group.html", route, &title, "Action items", ctx)
        }
        _ => {
            let n = match route {
                Route::OpenItems(n) => *n,
                _ => 1,
            };
            let pages: Vec<Link> = (1..=site.open_pages())
                .map(|p| {
                    let route = if p == 1 { Route::Tracker } else { Route::OpenItems(p) };
                    Link { name: p.to_string(), url: urls.page(&route) }
                })
                .collect();
            let mut ctx = list_ctx(r, open_page(site, n));
            ctx.insert("awaiting_review", &r.awaiting_review());
            ctx.insert("pages", &pages);
            ctx.insert("page_number", &n);
            let title = if n > 1 { format!("Action items, page {n}") } else { "Action items".into() };
            r.render("action_items.html", route, &title, "Action items", ctx)
        }
    }
}

/// One owner's action items, for scripts that remind people.
#[derive(Serialize)]
struct OwnerJson<'a> {
    owner: &'a str,
    today: String,
    /// The most overdue first.
    open: Vec<crate::render::api::ItemJson<'a>>,
    /// The [`SHOWN`] most recently closed, the latest first.
    closed: Vec<crate::render::api::ItemJson<'a>>,
}

/// One owner's action items as JSON: `{"owner", "today", "open": [...],
/// "closed": [...]}` (the open ones, and the 20 closed most recently),
/// each item as in `api/action-items.json`.
pub(super) fn owner_json(r: &Renderer, slug: &str) -> Result<OutputFile, RenderError> {
    let site = r.site;
    let empty = Items::default();
    let items = site.item_groups(ItemGroup::Owner).get(slug).unwrap_or(&empty);
    let list = |ks: &[usize]| ks.iter().map(|&k| crate::render::api::item_of(site, k)).collect();
    let value = OwnerJson {
        owner: &items.name,
        today: site.m.today.format("%Y-%m-%d").to_string(),
        open: list(&items.open),
        closed: list(&items.closed[..items.closed.len().min(SHOWN)]),
    };
    let mut bytes = serde_json::to_vec(&value).map_err(|e| RenderError::Io(std::io::Error::other(e)))?;
    bytes.push(b'\n');
    Ok(OutputFile { path: Route::OwnerJson(slug.to_string()).path(), bytes })
}

/// Every page shows the counts; the open list shows open items, the views
/// the counts of every group (and a few items of kinds and statuses), an
/// owner's or area's page its items; an archive page shows its closed
/// items, and shifts when the edited postmortem's closed items moved.
pub(super) fn depends_on(site: &Site, route: &Route, c: &Change) -> bool {
    // an owner's or area's page shows its own items only, not the counts
    match route {
        Route::ItemsOf(ItemGroup::Owner, slug) | Route::OwnerJson(slug) => return c.items && c.owners.contains(slug),
        Route::ItemsOf(ItemGroup::Area, slug) => return c.items && c.areas.contains(slug),
        _ if c.counts => return true,
        _ => {}
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
        // the open list also names the postmortems awaiting review
        _ => (c.items && c.open_items) || c.row,
    }
}
