//! The URL layout of a site, stated once: [`Route`] names every file a
//! build writes. A page is a folder holding `index.html`: its route's
//! [`Route::folder`] is the folder (`postmortems/<id>/`), its
//! [`Route::path`] the file under the output folder, and its
//! [`Route::url`] `base_url` followed by the folder (percent-encoded where
//! a name is not ASCII). Every renderer, the link checker and `serve` take
//! their paths from here.

use crate::metrics::Quarter;
use crate::text::{name_slug, url_path};
use std::borrow::Cow;

/// One file of a built site.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Route {
    Home,
    /// Page `n` (from 1) of the list of postmortems, newest first.
    PostmortemList(usize),
    /// By id.
    Postmortem(String),
    /// The open action items.
    Tracker,
    /// A grouped view of the open items, by its folder (`owners`).
    TrackerView(&'static str),
    /// Page `n` (from 1) of the closed action items.
    ClosedItems(usize),
    /// Page `n` (from 2: page 1 is [`Route::Tracker`]) of the open items.
    OpenItems(usize),
    /// The items of one owner or area, by slug.
    ItemsOf(ItemGroup, String),
    /// One owner's items as JSON, by slug.
    OwnerJson(String),
    /// The trends, one row per quarter or per year.
    Trends(Per),
    QuarterList,
    Quarter(Quarter),
    AreaList,
    /// By slug ([`name_slug`] of the name).
    Area(String),
    TagList,
    /// By slug.
    Tag(String),
    /// The contributing factors: a Pareto by year, each one's postmortems.
    Factors,
    NotFound,
    Feed,
    Sitemap,
    SearchIndex,
    /// A file of the site's search index.
    Search(SearchFile),
    Export(Export),
    /// A theme's static file, by name.
    Static(String),
}

/// The periods a trend view counts by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Per {
    Quarter,
    Year,
}

impl Per {
    /// "quarter", "year".
    pub(crate) fn noun(self) -> &'static str {
        match self {
            Per::Quarter => "quarter",
            Per::Year => "year",
        }
    }
}

/// Whom or what an action item is filed under on the tracker's own pages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum ItemGroup {
    Owner,
    /// The area of the item's postmortem.
    Area,
}

impl ItemGroup {
    /// The folder of the group's pages under `action-items/`, which is also
    /// the folder of the tracker's view by that group.
    pub(crate) const fn folder(self) -> &'static str {
        match self {
            ItemGroup::Owner => "owners",
            ItemGroup::Area => "areas",
        }
    }
}

/// The files of the search index, under `search/`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum SearchFile {
    /// What every search loads first: facets, the shards there are.
    Root,
    /// The terms starting with these two characters.
    Shard(String),
    /// The metadata of the postmortems of the `n`th group.
    Docs(usize),
    /// The texts the postmortems of the `n`th group are quoted from.
    Quotes(usize),
}

impl SearchFile {
    fn path(&self) -> String {
        match self {
            SearchFile::Root => [SEARCH, "root.js"].concat(),
            // any characters, as a safe file name: their UTF-8 in hex
            SearchFile::Shard(key) => {
                let hex: String = key.bytes().map(|b| format!("{b:02x}")).collect();
                [SEARCH, "t/", &hex, ".js"].concat()
            }
            SearchFile::Docs(n) => format!("{SEARCH}d/{n}.js"),
            SearchFile::Quotes(n) => format!("{SEARCH}q/{n}.js"),
        }
    }
}

/// The data files under `api/`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Export {
    PostmortemsJson,
    ActionItemsJson,
    MetricsJson,
    PostmortemsCsv,
    ActionItemsCsv,
}

impl Export {
    pub(crate) const ALL: [Export; 5] = [
        Export::PostmortemsJson,
        Export::ActionItemsJson,
        Export::MetricsJson,
        Export::PostmortemsCsv,
        Export::ActionItemsCsv,
    ];

    fn file(self) -> &'static str {
        match self {
            Export::PostmortemsJson => "api/postmortems.json",
            Export::ActionItemsJson => "api/action-items.json",
            Export::MetricsJson => "api/metrics.json",
            Export::PostmortemsCsv => "api/postmortems.csv",
            Export::ActionItemsCsv => "api/action-items.csv",
        }
    }
}

const POSTMORTEMS: &str = "postmortems/";
const ACTION_ITEMS: &str = "action-items/";
const QUARTERS: &str = "quarters/";
const TRENDS: &str = "trends/";
const AREAS: &str = "areas/";
const TAGS: &str = "tags/";
const FACTORS: &str = "contributing-factors/";
const STATIC: &str = "static/";
const SEARCH: &str = "search/";
/// The folder of the list's later pages, under `postmortems/`.
const LIST_PAGES: &str = "page/";

/// Names in the postmortem list's folder that are files of the site, not
/// postmortem folders: no postmortem may take one as its id (E020).
pub(crate) const RESERVED_IDS: &[&str] = &["index.html", "page"];

impl Route {
    /// A page of an area, by the area's name.
    pub(crate) fn area(name: &str) -> Route {
        Route::Area(name_slug(name))
    }

    /// A page of a tag, by the tag's name.
    pub(crate) fn tag(name: &str) -> Route {
        Route::Tag(name_slug(name))
    }

    /// The pages and files every site has, whatever its postmortems.
    pub(crate) fn fixed() -> Vec<Route> {
        let mut all = vec![
            Route::Home,
            Route::PostmortemList(1),
            Route::Tracker,
            Route::Trends(Per::Quarter),
            Route::Trends(Per::Year),
            Route::QuarterList,
            Route::AreaList,
            Route::TagList,
            Route::Factors,
            Route::NotFound,
            Route::Feed,
            Route::Sitemap,
            Route::SearchIndex,
        ];
        all.extend(Export::ALL.map(Route::Export));
        all
    }

    /// Whether this is an HTML page of its own folder (in the sitemap).
    pub(crate) fn is_page(&self) -> bool {
        self.folder().is_some()
    }

    /// The folder of a page, `/`-terminated (`""` for the home page);
    /// `None` for a file that is not a page of its own.
    pub(crate) fn folder(&self) -> Option<Cow<'static, str>> {
        let owned = |parts: &[&str]| Some(Cow::Owned(parts.concat()));
        match self {
            Route::Home => Some("".into()),
            Route::PostmortemList(0 | 1) => Some(POSTMORTEMS.into()),
            Route::PostmortemList(n) => owned(&[POSTMORTEMS, LIST_PAGES, &n.to_string(), "/"]),
            Route::Postmortem(id) => owned(&[POSTMORTEMS, id, "/"]),
            Route::Tracker => Some(ACTION_ITEMS.into()),
            Route::TrackerView(dir) => owned(&[ACTION_ITEMS, dir, "/"]),
            Route::ClosedItems(0 | 1) => owned(&[ACTION_ITEMS, "closed/"]),
            Route::ClosedItems(n) => owned(&[ACTION_ITEMS, "closed/", &n.to_string(), "/"]),
            Route::OpenItems(n) => owned(&[ACTION_ITEMS, "open/", &n.to_string(), "/"]),
            Route::ItemsOf(g, slug) => owned(&[ACTION_ITEMS, g.folder(), "/", slug, "/"]),
            Route::Trends(Per::Quarter) => Some(TRENDS.into()),
            Route::Trends(Per::Year) => owned(&[TRENDS, "years/"]),
            Route::QuarterList => Some(QUARTERS.into()),
            Route::Quarter(q) => owned(&[QUARTERS, &q.to_string(), "/"]),
            Route::AreaList => Some(AREAS.into()),
            Route::Area(slug) => owned(&[AREAS, slug, "/"]),
            Route::TagList => Some(TAGS.into()),
            Route::Tag(slug) => owned(&[TAGS, slug, "/"]),
            Route::Factors => Some(FACTORS.into()),
            Route::NotFound
            | Route::Feed
            | Route::Sitemap
            | Route::SearchIndex
            | Route::Search(_)
            | Route::Export(_)
            | Route::OwnerJson(_)
            | Route::Static(_) => None,
        }
    }

    /// The file under the output folder: `postmortems/<id>/index.html`.
    pub(crate) fn path(&self) -> String {
        match self {
            Route::NotFound => "404.html".into(),
            Route::Feed => "feed.xml".into(),
            Route::Sitemap => "sitemap.xml".into(),
            Route::SearchIndex => "search-index.json".into(),
            Route::Search(f) => f.path(),
            Route::Export(e) => e.file().into(),
            Route::OwnerJson(slug) => ["api/owners/", slug, ".json"].concat(),
            Route::Static(name) => [STATIC, name].concat(),
            page => [page.folder().unwrap_or_default().as_ref(), "index.html"].concat(),
        }
    }

    /// What a link names after `base_url`: the folder of a page, the path
    /// of another file; percent-encoded where it is not plain ASCII.
    pub(crate) fn link(&self) -> String {
        let target = match self.folder() {
            Some(f) => f.into_owned(),
            None => self.path(),
        };
        if target.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~/".contains(&b)) {
            target
        } else {
            url_path(&target)
        }
    }

    /// The full link: `base` (ending in `/`) and [`Route::link`].
    pub(crate) fn url(&self, base: &str) -> String {
        [base, &self.link()].concat()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_files_and_links() {
        assert_eq!(Route::Postmortem("2024-a".into()).path(), "postmortems/2024-a/index.html");
        assert_eq!(Route::area("Платежи").link(), "areas/%D0%BF%D0%BB%D0%B0%D1%82%D0%B5%D0%B6%D0%B8/");
        assert_eq!(Route::tag("TLS").url("/base/"), "/base/tags/tls/");
        assert_eq!(Route::Quarter(Quarter { year: 2024, q: 3 }).path(), "quarters/2024-Q3/index.html");
        assert_eq!(
            (Route::ClosedItems(1).path(), Route::ClosedItems(3).path()),
            ("action-items/closed/index.html".into(), "action-items/closed/3/index.html".into())
        );
        assert_eq!(Route::Home.path(), "index.html");
        assert_eq!(Route::Home.url("/"), "/");
        assert_eq!(Route::Export(Export::MetricsJson).url("/"), "/api/metrics.json");
        assert_eq!(Route::Static("style.css".into()).path(), "static/style.css");
        assert!(!Route::Feed.is_page() && Route::TrackerView("owners").is_page());
    }
}
