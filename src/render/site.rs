//! What the pages of a site share, worked out once before any page is
//! rendered: the row of every postmortem and action item, where each
//! postmortem's items are, its related postmortems, the area and tag
//! groups, the order of the action-item tracker, and from these the route
//! of every file the site has.

use super::related::Related;
use super::view::{item_row, pm_rows, ItemRow, PmRow};
use crate::config::Config;
use crate::metrics::Metrics;
use crate::model::Postmortem;
use crate::routes::Route;
use crate::text::name_slug;
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};
use std::ops::Range;

/// Closed items per page of the closed-items archive.
pub const CLOSED_PER_PAGE: usize = 500;

/// The grouped views of the open action items: (key, folder, title, the
/// group of an item).
pub type View = (&'static str, &'static str, &'static str, fn(&ItemRow) -> String);

pub const VIEWS: [View; 4] = [
    ("owner", "owners", "By owner", |i| i.owner.to_string()),
    ("area", "areas", "By area", |i| i.area.as_ref().map_or("—", |a| a.name).to_string()),
    ("kind", "kinds", "By kind", |i| i.kind.to_string()),
    ("status", "statuses", "By status", |i| i.status_label.to_string()),
];

/// The postmortems of one area or tag.
#[derive(Debug)]
pub struct Group {
    /// The name as first written; names with one slug share a group.
    pub name: String,
    /// Indices of its postmortems, in site order.
    pub members: Vec<usize>,
}

/// An area or a tag: how a postmortem names its groups.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Taxonomy {
    Area,
    Tag,
}

impl Taxonomy {
    /// The names postmortem `pm` is filed under, blank ones left out.
    pub fn names(self, pm: &Postmortem) -> Vec<&str> {
        let names: Vec<&str> = match self {
            Taxonomy::Area => pm.area.as_deref().into_iter().collect(),
            Taxonomy::Tag => pm.tags.iter().map(String::as_str).collect(),
        };
        names.into_iter().filter(|n| !n.trim().is_empty()).collect()
    }

    pub fn route(self, slug: &str) -> Route {
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

/// The site index.
pub struct Site<'a> {
    pub cfg: &'a Config,
    pub pms: &'a [Postmortem],
    pub m: &'a Metrics,
    /// One row per postmortem, in site order.
    pub rows: Vec<PmRow>,
    /// Every action item, in postmortem order.
    pub items: Vec<ItemRow<'a>>,
    /// Where each postmortem's items start in `items`.
    offsets: Vec<usize>,
    by_id: HashMap<&'a str, usize>,
    /// Up to six related postmortems of each, best first.
    pub related: Vec<Vec<usize>>,
    /// By slug.
    pub areas: BTreeMap<String, Group>,
    pub tags: BTreeMap<String, Group>,
    /// Open items: overdue first, then by due date and id.
    pub open: Vec<usize>,
    /// Closed items, the most recently closed first, by archive page
    /// ([`CLOSED_PER_PAGE`]); one empty page when none is closed.
    pub closed_pages: Vec<Vec<usize>>,
}

impl<'a> Site<'a> {
    pub fn new(pms: &'a [Postmortem], m: &'a Metrics, cfg: &'a Config) -> Site<'a> {
        let rows = pm_rows(pms, m, cfg);
        let items: Vec<ItemRow> = pms
            .par_iter()
            .enumerate()
            .flat_map_iter(|(i, pm)| {
                pm.action_items.iter().zip(&m.items[i]).map(move |(it, s)| item_row(pm, it, s, cfg))
            })
            .collect();
        let mut offsets = Vec::with_capacity(pms.len());
        let mut at = 0;
        for pm in pms {
            offsets.push(at);
            at += pm.action_items.len();
        }
        let refs: Vec<&Postmortem> = pms.iter().collect();
        let index = Related::new(&refs);
        let related = (0..pms.len()).into_par_iter().map(|i| index.of(&pms[i], i)).collect();
        let by = |f: fn(&ItemRow, &ItemRow) -> std::cmp::Ordering| {
            let items = &items;
            move |a: &usize, b: &usize| f(&items[*a], &items[*b])
        };
        let mut open: Vec<usize> = (0..items.len()).filter(|&i| items[i].open).collect();
        open.sort_by(by(|a, b| a.rank.cmp(&b.rank).then(a.due.cmp(b.due)).then(a.id.cmp(b.id))));
        let mut closed: Vec<usize> = (0..items.len()).filter(|&i| !items[i].open).collect();
        closed.sort_by(by(|a, b| b.closed.cmp(a.closed).then(a.id.cmp(b.id))));
        let mut closed_pages: Vec<Vec<usize>> = closed.chunks(CLOSED_PER_PAGE).map(<[usize]>::to_vec).collect();
        if closed_pages.is_empty() {
            closed_pages.push(Vec::new());
        }
        Site {
            cfg,
            pms,
            m,
            rows,
            items,
            offsets,
            by_id: pms.iter().enumerate().map(|(i, p)| (p.id.as_str(), i)).collect(),
            related,
            areas: Taxonomy::Area.groups(pms),
            tags: Taxonomy::Tag.groups(pms),
            open,
            closed_pages,
        }
    }

    /// Where postmortem `i`'s action items are in [`Site::items`].
    pub fn items_of(&self, i: usize) -> Range<usize> {
        self.offsets[i]..self.offsets[i] + self.pms[i].action_items.len()
    }

    pub fn groups(&self, t: Taxonomy) -> &BTreeMap<String, Group> {
        match t {
            Taxonomy::Area => &self.areas,
            Taxonomy::Tag => &self.tags,
        }
    }

    /// The postmortem with id `id`.
    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied()
    }

    /// Every file of the site but the theme's static files, pages first.
    pub fn routes(&self) -> Vec<Route> {
        let mut all: Vec<Route> = self.pms.iter().map(|p| Route::Postmortem(p.id.clone())).collect();
        all.extend((1..=self.closed_pages.len()).map(Route::ClosedItems));
        all.extend(VIEWS.iter().map(|v| Route::TrackerView(v.1)));
        all.extend(self.m.quarters.iter().map(|q| Route::Quarter(q.quarter)));
        for t in [Taxonomy::Area, Taxonomy::Tag] {
            all.extend(self.groups(t).keys().map(|slug| t.route(slug)));
        }
        all.extend(Route::fixed());
        all
    }
}
