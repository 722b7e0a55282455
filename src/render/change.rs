//! What an edit of one postmortem changed, in the terms the pages are
//! made of: its row, its action items, what only its own page and its
//! quarter's SEV1 section show, its durations, its areas and tags, the
//! related lists that show it, and the figures of each quarter. Worked
//! out by comparing the values the pages are rendered from, before and
//! after, so that a field added to a row is followed without a list to
//! keep. Each page module's `depends_on` reads it.

use super::pages::default_trends;
use super::recurrence::{find as find_recurrences, Recurrence};
use super::related::related_to;
use super::site::{Site, Taxonomy};
use super::view::{item_row, pm_row, ItemRow};
use crate::metrics::Metrics;
use crate::model::{Postmortem, Report};
use crate::routes::ItemGroup;
use crate::text::name_slug;
use std::collections::BTreeSet;

#[derive(Debug, Default)]
pub(crate) struct Change {
    /// Anything but its body differs, or what the completeness check found
    /// (the data files show every field and the completeness report).
    pub(crate) front_matter: bool,
    /// The site's set of files differs (set by the caller, who knows the
    /// files before).
    pub(crate) routes: bool,
    /// The edited postmortem's id; the edit kept it.
    pub(crate) id: String,
    /// Its index in the site.
    pub(crate) index: usize,
    /// Its row in lists differs.
    pub(crate) row: bool,
    /// The rows of its action items differ (they show its title, area and
    /// severity too).
    pub(crate) items: bool,
    /// It had or has an open item: the tracker's open list and views show
    /// its items.
    pub(crate) open_items: bool,
    /// The tracker's counts of open, overdue or closed items differ.
    pub(crate) counts: bool,
    /// Which of its items are closed, or when, differs: the archive of
    /// closed items may shift by a page.
    pub(crate) closed_order: bool,
    /// Impact, root cause or five whys differ (its page and the SEV1
    /// section of its quarter's page show them).
    pub(crate) detail: bool,
    /// Its durations differ.
    pub(crate) timeline: bool,
    /// Its areas or tags differ.
    pub(crate) membership: bool,
    /// Its tags, area or `related` differ: the related lists it is on may
    /// differ.
    pub(crate) ranking: bool,
    /// Slugs of the areas and tags it was or is filed under.
    pub(crate) areas: Vec<String>,
    pub(crate) tags: Vec<String>,
    /// Ids of the other postmortems whose related list shows it, before
    /// or after.
    pub(crate) related: Vec<String>,
    /// Indices of the quarters whose figures differ.
    pub(crate) quarters: Vec<usize>,
    /// The figures over all quarters differ.
    pub(crate) totals: bool,
    /// Slugs of the owners of the postmortem's action items, before and
    /// after.
    pub(crate) owners: Vec<String>,
    /// Ids of the postmortems whose similar postmortems (or their rows)
    /// are not what they were.
    pub(crate) similar: Vec<String>,
    /// Ids of the postmortems whose possible recurrences (or their rows)
    /// are not what they were.
    pub(crate) recurrences: Vec<String>,
    /// The fixes that may not have held (or their rows) differ.
    pub(crate) unheld: bool,
    /// Its contributing factors differ, or its row while it names one:
    /// the factors page.
    pub(crate) factors: bool,
    /// The list of quarters or of areas differs: every quarter's row.
    pub(crate) layout: bool,
    /// The trends view the navigation leads to differs: every page.
    pub(crate) nav: bool,
}

impl Change {
    /// Postmortem `x` of `after` (a site whose metrics are `after.m`) was
    /// `before`, with the metrics `before_m` and the similar lists
    /// `before_similar`.
    pub(crate) fn between(
        before: &Postmortem,
        before_report: &Report,
        before_m: &Metrics,
        before_similar: &[Vec<crate::render::similar::Match>],
        after: &Site,
        x: usize,
    ) -> Change {
        let (cfg, is) = (after.cfg, &after.pms[x]);
        let text_only = |p: &Postmortem| Postmortem { body: crate::model::Body::OnDisk { head: None }, ..p.clone() };
        if text_only(before) == text_only(is) && *before_report == after.reports[x] {
            // every figure, row and list is made of the front matter and
            // what the completeness check found
            return Change { id: is.id.clone(), index: x, ..Change::default() };
        }
        let (was_d, was_items) = (&before_m.durations[x], &before_m.items[x]);
        let row_before = pm_row(before, before_report, was_d, before_m.quarter_of[x], was_items, cfg);
        let items_before: Vec<_> =
            before.action_items.iter().zip(was_items).map(|(it, s)| item_row(before, it, s, cfg)).collect();
        let items_after: Vec<&ItemRow> = after.items_of(x).map(|k| after.item(k)).collect();
        let counts = |states: &[crate::metrics::ItemState]| {
            let n = |f: fn(&crate::metrics::ItemState) -> bool| states.iter().filter(|s| f(s)).count();
            (n(|s| s.open), n(|s| s.overdue), n(|s| !s.open))
        };
        let closings = |pm: &Postmortem, states: &[crate::metrics::ItemState]| -> Vec<(String, Option<String>)> {
            pm.action_items
                .iter()
                .zip(states)
                .filter(|(_, s)| !s.open)
                .map(|(it, _)| (it.id.clone(), it.closed.as_ref().map(|c| c.raw.clone())))
                .collect()
        };
        let slugs = |names: Vec<&str>| -> Vec<String> {
            let mut v: Vec<String> = names.into_iter().map(name_slug).collect();
            v.sort();
            v.dedup();
            v
        };
        let related = {
            let after_refs: Vec<&Postmortem> = after.pms.iter().collect();
            let mut before_refs = after_refs.clone();
            before_refs[x] = before;
            related_to(&before_refs, &after_refs, x)
        };
        let similar = {
            let was = before_similar;
            let row_changed = row_before != *after.row(x);
            (0..after.pms.len())
                .filter(|&i| {
                    let now = after.similar(i);
                    was[i] != now || (row_changed && now.iter().any(|m| m.index == x))
                })
                .map(|i| after.pms[i].id.clone())
                .collect()
        };
        let (recurrences, unheld) = {
            let after_refs: Vec<&Postmortem> = after.pms.iter().collect();
            let mut before_refs = after_refs.clone();
            before_refs[x] = before;
            let was = find_recurrences(&before_refs, before_similar, cfg.timezone);
            let now = after.recurrences();
            // a recurrence as the pages show it: the two postmortems, and
            // the fix's item and day
            let key = |pms: &[&Postmortem], r: &Recurrence| {
                let fix = r.fix.as_ref().map(|f| (pms[r.earlier].action_items[f.item].id.clone(), f.closed));
                (r.earlier, r.later, fix)
            };
            let was_keys: BTreeSet<_> = was.iter().map(|r| key(&before_refs, r)).collect();
            let now_keys: BTreeSet<_> = now.iter().map(|r| key(&after_refs, r)).collect();
            let row_changed = row_before != *after.row(x);
            let with_x = |r: &&Recurrence| r.earlier == x || r.later == x;
            let mut ids: BTreeSet<usize> = was_keys.symmetric_difference(&now_keys).flat_map(|k| [k.0, k.1]).collect();
            if row_changed {
                ids.extend(was.iter().chain(now).filter(with_x).flat_map(|r| [r.earlier, r.later]));
            }
            let fixed = |keys: &BTreeSet<_>| {
                keys.iter().filter(|k: &&(usize, usize, Option<_>)| k.2.is_some()).cloned().collect::<Vec<_>>()
            };
            let unheld = fixed(&was_keys) != fixed(&now_keys)
                || (row_changed && now.iter().filter(with_x).any(|r| r.fix.is_some()));
            (ids.into_iter().map(|i| after.pms[i].id.clone()).collect(), unheld)
        };
        let (qb, qa) = (&before_m.quarters, &after.m.quarters);
        let layout = qb.len() != qa.len()
            || qb.iter().zip(qa).any(|(b, a)| b.period != a.period)
            || !before_m.total.by_area.keys().eq(after.m.total.by_area.keys());
        Change {
            front_matter: true,
            routes: false,
            id: is.id.clone(),
            index: x,
            row: row_before != *after.row(x),
            items: !items_before.iter().eq(items_after.iter().copied()),
            open_items: was_items.iter().chain(&after.m.items[x]).any(|s| s.open),
            counts: counts(was_items) != counts(&after.m.items[x]),
            closed_order: closings(before, was_items) != closings(is, &after.m.items[x]),
            detail: (&before.impact, &before.root_cause, &before.five_whys)
                != (&is.impact, &is.root_cause, &is.five_whys),
            timeline: *was_d != after.m.durations[x],
            membership: (&before.area, &before.tags) != (&is.area, &is.tags),
            ranking: (&before.area, &before.tags, &before.related) != (&is.area, &is.tags, &is.related),
            areas: slugs([Taxonomy::Area.names(before), Taxonomy::Area.names(is)].concat()),
            tags: slugs([Taxonomy::Tag.names(before), Taxonomy::Tag.names(is)].concat()),
            related: related.into_iter().map(|j| after.pms[j].id.clone()).collect(),
            similar,
            recurrences,
            unheld,
            factors: before.contributing_factors != is.contributing_factors
                || (row_before != *after.row(x)
                    && !(before.contributing_factors.is_empty() && is.contributing_factors.is_empty())),
            owners: slugs(
                items_before.iter().chain(items_after.iter().copied()).map(|r| ItemGroup::Owner.name(r)).collect(),
            ),
            quarters: if layout {
                (0..qa.len()).collect()
            } else {
                (0..qa.len()).filter(|&i| qb[i] != qa[i]).collect()
            },
            totals: before_m.total != after.m.total,
            layout,
            nav: default_trends(before_m, cfg) != default_trends(after.m, cfg),
        }
    }

    /// Any figure of any quarter or of the whole site differs.
    pub(crate) fn figures(&self) -> bool {
        self.totals || self.layout || !self.quarters.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::model::{ActionItem, Day, ItemStatus, Status};
    use crate::render::{pages, theme, Memory};
    use crate::routes::Route;
    use chrono::NaiveDate;
    use std::collections::BTreeMap;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
    }

    fn day(raw: &str) -> Day {
        Day { raw: raw.into(), date: NaiveDate::parse_from_str(raw, "%Y-%m-%d").unwrap() }
    }

    /// Every file of the site of `pms`, by path.
    fn render_all(
        pms: &[Postmortem],
        reports: &[Report],
        cfg: &Config,
        theme: &theme::Theme,
    ) -> BTreeMap<String, Vec<u8>> {
        let m = crate::metrics::compute(pms, cfg, today());
        let sink = Memory::default();
        let _ = crate::render::site(pms, reports, &m, cfg, theme, &sink, Vec::new()).unwrap();
        sink.0.into_inner().unwrap().into_iter().map(|f| (f.path, f.bytes)).collect()
    }

    type Edit = (&'static str, fn(&mut Postmortem, &[Postmortem]));

    /// One edit of each facet a page can show.
    const EDITS: &[Edit] = &[
        ("body", |p, _| {
            p.body = crate::model::Body::Memory("A new body.".into());
        }),
        ("title", |p, _| p.title = Some("A title no one used before".into())),
        ("summary", |p, _| p.summary = Some("Another summary.".into())),
        ("severity", |p, _| {
            p.severity = Some(if p.severity.as_deref() == Some("SEV1") { "SEV3" } else { "SEV1" }.into())
        }),
        ("status", |p, _| p.status = if p.status == Status::Final { Status::Draft } else { Status::Final }),
        ("area to another's", |p, all| {
            p.area = all.iter().find_map(|o| o.area.clone().filter(|a| Some(a) != p.area.as_ref()))
        }),
        ("area to a new one", |p, _| p.area = Some("a brand-new area".into())),
        ("tags", |p, _| {
            p.tags.pop();
            p.tags.push("a-new-tag".into());
        }),
        ("detected later", |p, _| {
            if let Some(d) = &mut p.timeline.detected {
                d.at += chrono::Duration::minutes(47);
            }
        }),
        ("resolved later", |p, _| {
            if let Some(d) = &mut p.timeline.resolved {
                d.at += chrono::Duration::days(3);
            }
        }),
        ("kind", |p, _| {
            p.kind = match p.kind {
                crate::model::PmKind::Incident => crate::model::PmKind::NearMiss,
                crate::model::PmKind::NearMiss => crate::model::PmKind::Incident,
            }
        }),
        ("contributing factors", |p, _| {
            p.contributing_factors = if p.contributing_factors.is_empty() { vec!["network".into()] } else { vec![] }
        }),
        ("lucky", |p, _| p.lucky = Some("It happened on a quiet day.".into())),
        ("an item done", |p, _| {
            if let Some(it) = p.action_items.iter_mut().find(|i| i.status.is_open()) {
                it.status = ItemStatus::Done;
                it.closed = Some(day("2026-11-20"));
            }
        }),
        ("an item reopened", |p, _| {
            if let Some(it) = p.action_items.iter_mut().find(|i| !i.status.is_open()) {
                it.status = ItemStatus::InProgress;
                it.closed = None;
            }
        }),
        ("an item's owner", |p, _| {
            if let Some(it) = p.action_items.first_mut() {
                it.owner = Some("someone-new".into());
            }
        }),
        ("an item overdue", |p, _| {
            if let Some(it) = p.action_items.iter_mut().find(|i| i.status.is_open()) {
                it.due = Some(day("2025-01-01"));
            }
        }),
        ("an item added", |p, _| {
            p.action_items.push(ActionItem {
                id: "NEW-1".into(),
                title: Some("A new item".into()),
                kind: None,
                owner: Some("lee".into()),
                due: Some(day("2027-01-01")),
                status: ItemStatus::Open,
                closed: None,
                link: None,
            });
        }),
        ("an item removed", |p, _| {
            p.action_items.pop();
        }),
        ("related", |p, all| {
            if let Some(other) = all.iter().find(|o| o.id != p.id && !p.related.contains(&o.id)) {
                p.related.push(other.id.clone());
            }
        }),
        ("impact and whys", |p, _| {
            p.impact = Some("Another impact.".into());
            p.five_whys.push("Why again?".into());
        }),
        ("an answer", |p, _| p.questions.prevent = Some("Another answer.".into())),
        ("authors", |p, _| p.authors.push("a-new-author".into())),
    ];

    #[test]
    fn every_page_an_edit_changes_is_one_depends_on_names() {
        let cfg = Config::load(std::path::Path::new(env!("CARGO_MANIFEST_DIR"))).unwrap();
        let theme = theme::load(&cfg).unwrap();
        let analysis = crate::analyze(&cfg);
        let (mut pms, reports) = (analysis.postmortems, analysis.reports);
        for p in &mut pms {
            p.body = crate::model::Body::Memory(crate::load::body(p, &cfg.root).to_string());
        }
        let before_m = crate::metrics::compute(&pms, &cfg, today());
        let before_files = render_all(&pms, &reports, &cfg, &theme);
        let find = |what: &str, f: &dyn Fn(&Postmortem) -> bool| {
            pms.iter().position(f).unwrap_or_else(|| panic!("the example site has {what}"))
        };
        let open = |p: &Postmortem| p.action_items.iter().filter(|i| i.status.is_open()).count();
        let edited = [
            find("a SEV1 with open and closed items, tags and an area", &|p| {
                p.severity.as_deref() == Some("SEV1")
                    && open(p) > 0
                    && open(p) < p.action_items.len()
                    && !p.tags.is_empty()
                    && p.area.is_some()
            }),
            find("a postmortem whose items are all closed", &|p| !p.action_items.is_empty() && open(p) == 0),
        ];
        let mut rendered_again = Vec::new();
        for x in edited {
            for (what, edit) in EDITS {
                let mut after_pms = pms.clone();
                edit(&mut after_pms[x], &pms);
                if after_pms[x] == pms[x] {
                    // an edit of items this postmortem has not
                    continue;
                }
                let after_files = render_all(&after_pms, &reports, &cfg, &theme);
                let m = crate::metrics::compute(&after_pms, &cfg, today());
                let site = Site::new(&after_pms, &reports, &m, &cfg);
                let before_similar = crate::render::similar::rank(&pms.iter().collect::<Vec<_>>());
                let mut change = Change::between(&pms[x], &reports[x], &before_m, &before_similar, &site, x);
                let routes = crate::render::routes(&site, &theme);
                change.routes = crate::render::paths(&routes) != before_files.keys().cloned().collect::<Vec<_>>();
                let own = Route::Postmortem(change.id.clone());
                let mut named = 0;
                for route in &routes {
                    let path = route.path();
                    let depends = pages::depends_on(&site, route, &change) || *route == own;
                    named += usize::from(depends && route.is_page());
                    let Some(old) = before_files.get(&path) else { continue };
                    assert!(
                        depends || *old == after_files[&path],
                        "{}, {what}: {path} changed, and depends_on says it does not",
                        pms[x].id
                    );
                }
                assert_ne!(before_files[&own.path()], after_files[&own.path()], "{what}: its page changes");
                if *what == "body" {
                    assert_eq!(named, 1, "a body edit renders its own page alone");
                }
                rendered_again.push((what, named));
            }
        }
        // an edit of one postmortem renders a part of the site again, not all
        let pages = before_files.keys().filter(|p| p.ends_with(".html")).count();
        for (what, named) in rendered_again {
            assert!(named < pages / 2, "{what}: {named} of {pages} pages rendered again");
        }
    }
}
