//! The URL layout of a site, stated once. A page is a folder holding
//! `index.html`: its route is the folder (`postmortems/<id>/`), its file
//! [`file`] of the route, and its link `base_url` followed by [`link`] of
//! the route (percent-encoded where a name is not ASCII). Every renderer,
//! the link checker and `serve` take their paths from here.

use crate::metrics::Quarter;
use crate::text::{name_slug, url_path};
use std::borrow::Cow;

pub const HOME: &str = "";
pub const POSTMORTEMS: &str = "postmortems/";
pub const ACTION_ITEMS: &str = "action-items/";
pub const TRENDS: &str = "trends/";
pub const QUARTERS: &str = "quarters/";
pub const AREAS: &str = "areas/";
pub const TAGS: &str = "tags/";
/// Where theme static files are published.
pub const STATIC: &str = "static/";

pub const NOT_FOUND: &str = "404.html";
pub const FEED: &str = "feed.xml";
pub const SITEMAP: &str = "sitemap.xml";
pub const SEARCH_INDEX: &str = "search-index.json";
pub const API_POSTMORTEMS: &str = "api/postmortems.json";
pub const API_ACTION_ITEMS: &str = "api/action-items.json";
pub const API_METRICS: &str = "api/metrics.json";
pub const CSV_POSTMORTEMS: &str = "api/postmortems.csv";
pub const CSV_ACTION_ITEMS: &str = "api/action-items.csv";

/// The pages every site has, whatever its postmortems.
pub const FIXED_PAGES: &[&str] = &[HOME, POSTMORTEMS, ACTION_ITEMS, TRENDS, QUARTERS, AREAS, TAGS];
/// The files every site has besides pages and static files.
pub const FIXED_FILES: &[&str] = &[
    NOT_FOUND,
    FEED,
    SITEMAP,
    SEARCH_INDEX,
    API_POSTMORTEMS,
    API_ACTION_ITEMS,
    API_METRICS,
    CSV_POSTMORTEMS,
    CSV_ACTION_ITEMS,
];

/// Names in [`POSTMORTEMS`] that are files of the site, not postmortem
/// folders: no postmortem may take one as its id (E020).
pub const RESERVED_IDS: &[&str] = &["index.html"];

pub fn postmortem(id: &str) -> String {
    [POSTMORTEMS, id, "/"].concat()
}

/// The page of an area, by its name ([`name_slug`]).
pub fn area(name: &str) -> String {
    [AREAS, &name_slug(name), "/"].concat()
}

/// The page of a tag, by its name ([`name_slug`]).
pub fn tag(name: &str) -> String {
    [TAGS, &name_slug(name), "/"].concat()
}

pub fn quarter(q: Quarter) -> String {
    format!("{QUARTERS}{q}/")
}

/// Page `n` (from 1) of the closed action items.
pub fn closed_items(n: usize) -> String {
    match n {
        0 | 1 => [ACTION_ITEMS, "closed/"].concat(),
        n => format!("{ACTION_ITEMS}closed/{n}/"),
    }
}

/// A grouped view of the action items (`owners`, `areas`…).
pub fn item_view(dir: &str) -> String {
    [ACTION_ITEMS, dir, "/"].concat()
}

/// The file of a page: its route and `index.html`.
pub fn file(route: &str) -> String {
    [route, "index.html"].concat()
}

/// A route as it stands in a link after `base_url`.
pub fn link(route: &str) -> Cow<'_, str> {
    if route.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~/".contains(&b)) {
        route.into()
    } else {
        url_path(route).into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_files_and_links() {
        assert_eq!(file(&postmortem("2024-a")), "postmortems/2024-a/index.html");
        assert_eq!(link(&area("Платежи")), "areas/%D0%BF%D0%BB%D0%B0%D1%82%D0%B5%D0%B6%D0%B8/");
        assert_eq!(link(&tag("TLS")), "tags/tls/");
        assert_eq!(quarter(Quarter { year: 2024, q: 3 }), "quarters/2024-Q3/");
        assert_eq!(
            (closed_items(1), closed_items(3)),
            ("action-items/closed/".into(), "action-items/closed/3/".into())
        );
        assert_eq!(file(HOME), "index.html");
    }
}
