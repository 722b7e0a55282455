//! What the pages of a site share, each part worked out once, when a page
//! first asks for it: the row of every postmortem and action item, where
//! each postmortem's items are, its related postmortems, the area and tag
//! groups, the order of the action-item tracker, and from these the route
//! of every file the site has.

use super::recurrence::Recurrence;
use super::related::Related;
use super::similar::{Match, Ranked};
use super::view::{item_row, pm_row, ItemRow, PmRow};
use crate::config::Config;
use crate::metrics::Metrics;
use crate::model::{Postmortem, Report};
use crate::routes::{ItemGroup, Route};
use crate::text::name_slug;
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};
use std::ops::Range;
use std::sync::{Arc, OnceLock};

/// Postmortems per page of the list of postmortems: about 0.5 MB of HTML.
pub(crate) const LIST_PER_PAGE: usize = 1000;

/// Open items per page of the open-items list: about 250 KB of HTML.
pub(crate) const OPEN_PER_PAGE: usize = 500;

/// Closed items per page of the closed-items archive.
pub(crate) const CLOSED_PER_PAGE: usize = 500;

/// How many archive pages `closed` closed items take: one at least, which
/// says that none is closed.
fn archive_pages(closed: usize) -> usize {
    closed.div_ceil(CLOSED_PER_PAGE).max(1)
}

/// The grouped views of the open action items: (key, folder, title, the
/// group of an item).
pub(crate) type View = (&'static str, &'static str, &'static str, fn(&ItemRow) -> String);

pub(crate) const VIEWS: [View; 4] = [
    ("owner", ItemGroup::Owner.folder(), "By owner", |i| ItemGroup::Owner.name(i).to_string()),
    ("area", ItemGroup::Area.folder(), "By area", |i| ItemGroup::Area.name(i).to_string()),
    ("kind", "kinds", "By kind", |i| i.kind.to_string()),
    ("status", "statuses", "By status", |i| i.status_label.to_string()),
];

impl ItemGroup {
    /// The name of the group item `it` is filed under.
    pub(crate) fn name<'r>(self, it: &'r ItemRow) -> &'r str {
        match self {
            ItemGroup::Owner if it.owner != "—" => it.owner,
            ItemGroup::Owner => "(no owner)",
            ItemGroup::Area => it.area.as_ref().map_or("(no area)", |a| a.name),
        }
    }
}

/// The action items of one owner or area: the open ones in the tracker's
/// order (overdue first), the closed ones most recently closed first.
#[derive(Debug, Default)]
pub(crate) struct Items {
    /// The name as first met; names with one slug share a group.
    pub(crate) name: String,
    pub(crate) open: Vec<usize>,
    pub(crate) closed: Vec<usize>,
}

/// The postmortems of one area or tag.
#[derive(Debug)]
pub(crate) struct Group {
    /// The name as first written; names with one slug share a group.
    pub(crate) name: String,
    /// Indices of its postmortems, in site order.
    pub(crate) members: Vec<usize>,
}

/// An area or a tag: how a postmortem names its groups.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Taxonomy {
    Area,
    Tag,
}

impl Taxonomy {
    /// The names postmortem `pm` is filed under, blank ones left out.
    pub(crate) fn names(self, pm: &Postmortem) -> Vec<&str> {
        let names: Vec<&str> = match self {
            Taxonomy::Area => pm.area.as_deref().into_iter().collect(),
            Taxonomy::Tag => pm.tags.iter().map(String::as_str).collect(),
        };
        names.into_iter().filter(|n| !n.trim().is_empty()).collect()
    }

    pub(crate) fn route(self, slug: &str) -> Route {
        match self {
            Taxonomy::Area => Route::Area(slug.to_string()),
            Taxonomy::Tag => Route::Tag(slug.to_string()),
        }
    }

    /// Groups by slug, so that "Payments" and "payments" share a page (and
    /// "payments!" has its own).
    fn groups(self, pms: &[Postmortem]) -> BTreeMap<String, Group> {
        let mut groups: BTreeMap<String, Group> = BTreeMap::new();
        for (i, pm) in pms.iter().enumerate() {
            for n in self.names(pm) {
                let g =
                    groups.entry(name_slug(n)).or_insert_with(|| Group { name: n.to_string(), members: Vec::new() });
                if g.members.last() != Some(&i) {
                    g.members.push(i);
                }
            }
        }
        groups
    }
}

/// The site index. Each part is worked out when first asked for, so that
/// `retro serve` renders the page of an edited postmortem without rows of
/// the whole site; a full build asks for all of them, on all cores.
pub(crate) struct Site<'a> {
    pub(crate) cfg: &'a Config,
    pub(crate) pms: &'a [Postmortem],
    /// What the completeness check found in each, in the same order.
    pub(crate) reports: &'a [Report],
    pub(crate) m: &'a Metrics,
    /// Where each postmortem's items start in the list of all items.
    offsets: Vec<usize>,
    by_id: HashMap<&'a str, usize>,
    rows: Vec<OnceLock<PmRow>>,
    /// The rows of each postmortem's items.
    items: Vec<OnceLock<Vec<ItemRow<'a>>>>,
    item_count: usize,
    index: OnceLock<Related<'a>>,
    /// The search index's files, made once.
    search: OnceLock<crate::render::search::index::Index>,
    /// The words and quotes the search index is made from.
    search_read: OnceLock<crate::render::search::index::Read>,
    /// The first bytes of each body, kept from checking until the search
    /// index reads them (none: read from the files).
    heads: Vec<std::sync::Mutex<Option<String>>>,
    related: Vec<OnceLock<Vec<usize>>>,
    groups: OnceLock<[BTreeMap<String, Group>; 2]>,
    tracker: OnceLock<(Vec<usize>, Vec<Vec<usize>>)>,
    item_groups: OnceLock<[BTreeMap<String, Items>; 2]>,
    similar: OnceLock<Ranked>,
    recurrences: OnceLock<Recurrences>,
}

/// The site's possible recurrences, and for each postmortem the ones in
/// which it is the later or the earlier postmortem (indices into `all`).
#[derive(Debug)]
struct Recurrences {
    all: Vec<Recurrence>,
    of: Vec<Vec<usize>>,
    after: Vec<Vec<usize>>,
}

impl<'a> Site<'a> {
    pub(crate) fn new(pms: &'a [Postmortem], reports: &'a [Report], m: &'a Metrics, cfg: &'a Config) -> Site<'a> {
        let mut offsets = Vec::with_capacity(pms.len());
        let mut at = 0;
        for pm in pms {
            offsets.push(at);
            at += pm.action_items.len();
        }
        Site {
            cfg,
            pms,
            reports,
            m,
            offsets,
            by_id: pms.iter().enumerate().map(|(i, p)| (p.id.as_str(), i)).collect(),
            rows: (0..pms.len()).map(|_| OnceLock::new()).collect(),
            items: (0..pms.len()).map(|_| OnceLock::new()).collect(),
            item_count: at,
            index: OnceLock::new(),
            related: (0..pms.len()).map(|_| OnceLock::new()).collect(),
            groups: OnceLock::new(),
            tracker: OnceLock::new(),
            item_groups: OnceLock::new(),
            similar: OnceLock::new(),
            recurrences: OnceLock::new(),
            search: OnceLock::new(),
            search_read: OnceLock::new(),
            heads: Vec::new(),
        }
    }

    /// The search index.
    pub(crate) fn search(&self) -> &crate::render::search::index::Index {
        self.search.get_or_init(|| {
            crate::timing::timed("search index", || crate::render::search::index::build(self, self.search_read()))
        })
    }

    /// The words and quotes of every postmortem, read once.
    pub(crate) fn search_read(&self) -> &crate::render::search::index::Read {
        self.search_read.get_or_init(|| crate::render::search::index::read(self))
    }

    /// This site with the words and quotes of its postmortems as read
    /// before (`retro serve` reads again only what an edit changed).
    pub(crate) fn with_search_read(self, read: crate::render::search::index::Read) -> Site<'a> {
        let _ = self.search_read.set(read);
        self
    }

    /// Postmortem `i`'s row in lists.
    pub(crate) fn row(&self, i: usize) -> &PmRow {
        let m = self.m;
        self.rows[i].get_or_init(|| {
            pm_row(&self.pms[i], &self.reports[i], &m.durations[i], m.quarter_of[i], &m.items[i], self.cfg)
        })
    }

    /// Every postmortem's row, made on all cores.
    pub(crate) fn all_rows(&self) -> Vec<&PmRow> {
        (0..self.pms.len()).into_par_iter().map(|i| self.row(i)).collect()
    }

    /// How many action items the site has.
    pub(crate) fn item_count(&self) -> usize {
        self.item_count
    }

    /// The rows of postmortem `i`'s action items.
    pub(crate) fn items_of_pm(&self, i: usize) -> &[ItemRow<'a>] {
        self.items[i].get_or_init(|| {
            let pm = &self.pms[i];
            pm.action_items.iter().zip(&self.m.items[i]).map(|(it, s)| item_row(pm, it, s, self.cfg)).collect()
        })
    }

    /// Action item `k` of all, in postmortem order.
    pub(crate) fn item(&self, k: usize) -> &ItemRow<'a> {
        let (i, j) = self.locate(k);
        &self.items_of_pm(i)[j]
    }

    /// Action item `k` of all as (its postmortem, its place there).
    pub(crate) fn locate(&self, k: usize) -> (usize, usize) {
        // the last postmortem whose items start at or before `k` (those
        // without items start where the next one does)
        let i = self.offsets.partition_point(|&o| o <= k) - 1;
        (i, k - self.offsets[i])
    }

    /// Every action item's row, in order, made on all cores.
    pub(crate) fn all_items(&self) -> impl Iterator<Item = &ItemRow<'a>> {
        (0..self.pms.len()).into_par_iter().for_each(|i| {
            self.items_of_pm(i);
        });
        (0..self.pms.len()).flat_map(|i| self.items_of_pm(i))
    }

    /// Where postmortem `i`'s action items are among all items.
    pub(crate) fn items_of(&self, i: usize) -> Range<usize> {
        self.offsets[i]..self.offsets[i] + self.pms[i].action_items.len()
    }

    /// Up to six postmortems related to postmortem `i`, best first.
    pub(crate) fn related(&self, i: usize) -> &[usize] {
        self.related[i].get_or_init(|| {
            let index = self.index.get_or_init(|| Related::new(&self.pms.iter().collect::<Vec<_>>()));
            index.of(&self.pms[i], i)
        })
    }

    /// The postmortems most like postmortem `i` by what happened, best
    /// first (all of them ranked when first asked for).
    pub(crate) fn similar(&self, i: usize) -> &[Match] {
        &self.similar_all()[i]
    }

    /// Every postmortem's similar ones.
    pub(crate) fn similar_all(&self) -> &[Vec<Match>] {
        self.similar_shared_ref()
    }

    /// Every postmortem's similar ones, to keep for the next edit.
    pub(crate) fn similar_shared(&self) -> Ranked {
        Arc::clone(self.similar_shared_ref())
    }

    fn similar_shared_ref(&self) -> &Ranked {
        self.similar.get_or_init(|| Arc::new(super::similar::rank(&self.pms.iter().collect::<Vec<_>>())))
    }

    fn recurrence_index(&self) -> &Recurrences {
        self.recurrences.get_or_init(|| {
            let refs: Vec<&Postmortem> = self.pms.iter().collect();
            let all = super::recurrence::find(&refs, self.similar_all(), self.cfg.timezone);
            let (mut of, mut after) = (vec![Vec::new(); self.pms.len()], vec![Vec::new(); self.pms.len()]);
            for (k, r) in all.iter().enumerate() {
                of[r.later].push(k);
                after[r.earlier].push(k);
            }
            Recurrences { all, of, after }
        })
    }

    /// Every possible recurrence of the site, by the later postmortem.
    pub(crate) fn recurrences(&self) -> &[Recurrence] {
        &self.recurrence_index().all
    }

    /// The earlier postmortems that postmortem `i` may be a recurrence of.
    pub(crate) fn recurrence_of(&self, i: usize) -> impl Iterator<Item = &Recurrence> {
        let r = self.recurrence_index();
        r.of[i].iter().map(|&k| &r.all[k])
    }

    /// The later postmortems that may be recurrences of postmortem `i`.
    pub(crate) fn recurred_in(&self, i: usize) -> impl Iterator<Item = &Recurrence> {
        let r = self.recurrence_index();
        r.after[i].iter().map(|&k| &r.all[k])
    }

    /// The site with the first bytes of each body, as checking kept them
    /// (`Body::take_head`): the search index reads them once and lets them
    /// go.
    pub(crate) fn with_heads(mut self, heads: Vec<Option<String>>) -> Site<'a> {
        self.heads = heads.into_iter().map(std::sync::Mutex::new).collect();
        self
    }

    /// The first bytes of postmortem `i`'s body, if kept and not taken yet.
    pub(crate) fn take_head(&self, i: usize) -> Option<String> {
        // a thread that panicked holding the lock left the head whole
        self.heads.get(i)?.lock().unwrap_or_else(std::sync::PoisonError::into_inner).take()
    }

    /// The site with every postmortem's similar ones already ranked (for
    /// these very postmortems): `retro serve` keeps them between edits.
    pub(crate) fn with_similar(self, similar: Ranked) -> Site<'a> {
        let _ = self.similar.set(similar);
        self
    }

    /// The areas or the tags, by slug.
    pub(crate) fn groups(&self, t: Taxonomy) -> &BTreeMap<String, Group> {
        let [areas, tags] =
            self.groups.get_or_init(|| [Taxonomy::Area.groups(self.pms), Taxonomy::Tag.groups(self.pms)]);
        match t {
            Taxonomy::Area => areas,
            Taxonomy::Tag => tags,
        }
    }

    /// The action items of each owner or area, by slug.
    pub(crate) fn item_groups(&self, g: ItemGroup) -> &BTreeMap<String, Items> {
        let [owners, areas] = self.item_groups.get_or_init(|| {
            let (open, pages) = self.tracker();
            [ItemGroup::Owner, ItemGroup::Area].map(|g| {
                let mut groups: BTreeMap<String, Items> = BTreeMap::new();
                let mut put = |k: usize, closed: bool| {
                    let name = g.name(self.item(k));
                    let e = groups
                        .entry(name_slug(name))
                        .or_insert_with(|| Items { name: name.to_string(), ..Items::default() });
                    if closed {
                        e.closed.push(k)
                    } else {
                        e.open.push(k)
                    }
                };
                open.iter().for_each(|&k| put(k, false));
                pages.iter().flatten().for_each(|&k| put(k, true));
                groups
            })
        });
        match g {
            ItemGroup::Owner => owners,
            ItemGroup::Area => areas,
        }
    }

    /// Postmortems still a draft or in review after their review deadline,
    /// the longest overdue first.
    pub(crate) fn awaiting_review(&self) -> Vec<usize> {
        crate::metrics::awaiting_review(self.m)
    }

    /// How many pages the list of open items takes: one at least.
    pub(crate) fn open_pages(&self) -> usize {
        self.open().len().div_ceil(OPEN_PER_PAGE).max(1)
    }

    /// Open items: overdue first, then by due date and id.
    pub(crate) fn open(&self) -> &[usize] {
        &self.tracker().0
    }

    /// Closed items, the most recently closed first, by archive page
    /// ([`CLOSED_PER_PAGE`]); one empty page when none is closed.
    pub(crate) fn closed_pages(&self) -> &[Vec<usize>] {
        &self.tracker().1
    }

    fn tracker(&self) -> &(Vec<usize>, Vec<Vec<usize>>) {
        self.tracker.get_or_init(|| {
            let items: Vec<&ItemRow> = self.all_items().collect();
            let by = |f: fn(&ItemRow, &ItemRow) -> std::cmp::Ordering| {
                let items = &items;
                move |a: &usize, b: &usize| f(items[*a], items[*b])
            };
            let mut open: Vec<usize> = (0..items.len()).filter(|&i| items[i].open).collect();
            open.sort_by(by(|a, b| a.rank.cmp(&b.rank).then(a.due.cmp(b.due)).then(a.id.cmp(b.id))));
            let mut closed: Vec<usize> = (0..items.len()).filter(|&i| !items[i].open).collect();
            closed.sort_by(by(|a, b| b.closed.cmp(a.closed).then(a.id.cmp(b.id))));
            let pages = (0..archive_pages(closed.len()))
                .map(|n| closed.iter().skip(n * CLOSED_PER_PAGE).take(CLOSED_PER_PAGE).copied().collect())
                .collect();
            (open, pages)
        })
    }

    /// The postmortem with id `id`.
    pub(crate) fn index_of(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied()
    }

    /// How many pages the list of postmortems takes: one at least.
    pub(crate) fn list_pages(&self) -> usize {
        self.pms.len().div_ceil(LIST_PER_PAGE).max(1)
    }

    /// The postmortems on page `n` (from 1) of the list, newest first.
    pub(crate) fn list_page(&self, n: usize) -> impl DoubleEndedIterator<Item = usize> {
        let len = self.pms.len();
        (0..len).rev().skip(n.saturating_sub(1) * LIST_PER_PAGE).take(LIST_PER_PAGE)
    }

    /// The trends view the navigation leads to.
    pub(crate) fn trends(&self) -> Route {
        Route::Trends(super::pages::default_trends(self.m, self.cfg))
    }

    /// Every file of the site but the theme's static files, pages first.
    pub(crate) fn routes(&self) -> Vec<Route> {
        let closed = self.m.items.iter().flatten().filter(|s| !s.open).count();
        let mut all: Vec<Route> = self.pms.iter().map(|p| Route::Postmortem(p.id.clone())).collect();
        all.extend((1..=archive_pages(closed)).map(Route::ClosedItems));
        all.extend((2..=self.list_pages()).map(Route::PostmortemList));
        all.extend(VIEWS.iter().map(|v| Route::TrackerView(v.1)));
        all.extend((2..=self.open_pages()).map(Route::OpenItems));
        for g in [ItemGroup::Owner, ItemGroup::Area] {
            all.extend(self.item_groups(g).keys().map(|slug| Route::ItemsOf(g, slug.clone())));
        }
        all.extend(self.item_groups(ItemGroup::Owner).keys().map(|slug| Route::OwnerJson(slug.clone())));
        all.extend(self.m.quarters.iter().map(|q| Route::Quarter(q.period)));
        for t in [Taxonomy::Area, Taxonomy::Tag] {
            all.extend(self.groups(t).keys().map(|slug| t.route(slug)));
        }
        all.extend(self.search().routes());
        all.extend(Route::fixed());
        all
    }
}
