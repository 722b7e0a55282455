//! Rules across files: unique ids, unique action-item ids, existing
//! `related` ids.

use crate::diagnostic::{Code, Diagnostic};
use crate::model::{Lines, Postmortem};
use crate::text::closest;
use std::collections::HashMap;

pub(crate) fn check(pms: &[(&Postmortem, &Lines)]) -> Vec<Diagnostic> {
    let mut out = Vec::new();

    // hash maps: at 100,000 postmortems ordered maps cost a tenth of a second
    let mut by_id: HashMap<&str, Vec<&str>> = HashMap::with_capacity(pms.len());
    for &(pm, _) in pms {
        by_id.entry(&pm.id).or_default().push(&pm.file);
    }
    // a shared id is reported once at each place, naming the first place
    // and how many there are: never every other place at every place,
    // which grows with the square of the places
    for &(pm, lines) in pms {
        let files = &by_id[pm.id.as_str()];
        if files.len() > 1 {
            let msg =
                format!("duplicate postmortem id `{}`: {}", pm.id, shared_with(files, &pm.file.as_str(), "files"));
            out.push(
                Diagnostic::new(Code::E017, &pm.file, lines.id, 1, msg)
                    .hint("ids must be unique: set a distinct `id:` in one of the files, or rename it"),
            );
        }
    }

    let mut items: HashMap<&str, Vec<(&str, usize)>> = HashMap::with_capacity(pms.len() * 4);
    for &(pm, lines) in pms {
        for (item, at) in pm.action_items.iter().zip(&lines.items) {
            items.entry(&item.id).or_default().push((&pm.file, at.item));
        }
    }
    let mut shared: Vec<(&&str, &Vec<(&str, usize)>)> = items.iter().filter(|(_, places)| places.len() > 1).collect();
    shared.sort_unstable();
    for (id, places) in shared {
        let names: Vec<String> = places.iter().map(|(f, l)| format!("{f}:{l}")).collect();
        for (name, (file, line)) in names.iter().zip(places) {
            out.push(
                Diagnostic::new(
                    Code::E018,
                    file,
                    *line,
                    1,
                    format!("duplicate action item id `{id}`: {}", shared_with(&names, name, "places")),
                )
                .hint("give each action item its own id, or leave `id` out to get `<postmortem id>#<n>`"),
            );
        }
    }

    out.extend(far_starts(pms));

    // suggestions from a bounded set of candidates: at 100,000 ids and as
    // many unknown ones, comparing each with every id would take minutes
    let mut suggest: Option<Suggestions> = None;
    for &(pm, lines) in pms {
        for (r, line) in pm.related.iter().zip(&lines.related) {
            let r = r.trim();
            if by_id.contains_key(r) {
                continue;
            }
            let s = suggest.get_or_insert_with(|| Suggestions::new(by_id.keys().copied()));
            let meant = s.closest(r);
            let hint = match meant {
                Some(c) => format!("did you mean `{c}`?"),
                None => "use the id of another postmortem: its `id:` or its file name without .md".to_string(),
            };
            let d = Diagnostic::new(Code::E019, &pm.file, *line, 1, format!("related postmortem `{r}` does not exist"))
                .hint(hint);
            out.push(match meant {
                Some(c) => d.suggest(r, c),
                None => d,
            });
        }
    }
    out
}

/// Years a start may lie from the site's median start before it is taken
/// for a typo (W015).
pub(crate) const FAR_YEARS: i32 = 50;

/// Postmortems that started more than [`FAR_YEARS`] from the median start
/// of the site: `started: 0024-…` for `2024`. Their quarter is shown apart
/// from the others (the quarters between are not filled in).
fn far_starts(pms: &[(&Postmortem, &Lines)]) -> Vec<Diagnostic> {
    use chrono::Datelike;
    let mut years: Vec<i32> =
        pms.iter().filter_map(|(p, _)| p.timeline.started.as_ref().map(|s| s.at.year())).collect();
    if years.len() < 2 {
        return Vec::new();
    }
    years.sort_unstable();
    let median = years[years.len() / 2];
    let mut out = Vec::new();
    for &(pm, lines) in pms {
        let Some(year) = pm.timeline.started.as_ref().map(|s| s.at.year()) else { continue };
        if (year - median).abs() > FAR_YEARS {
            out.push(
                Diagnostic::new(
                    Code::W015,
                    &pm.file,
                    lines.started,
                    1,
                    format!("started in {year}, {} years from most postmortems ({median})", (year - median).abs()),
                )
                .hint("check the year of `started`; quarters this far apart are shown without the years between"),
            );
        }
    }
    out
}

/// What a place that shares a name with others is told: the first other
/// place, and how many there are in all.
fn shared_with<S: AsRef<str> + PartialEq>(places: &[S], this: &S, what: &str) -> String {
    let first = places.iter().find(|p| *p != this).map_or("", |p| p.as_ref());
    let first_is_me = places.first() == Some(this);
    match (places.len(), first_is_me) {
        (2, true) => format!("also used by {first}"),
        (2, false) => format!("first used by {first}"),
        (n, true) => format!("also used by {first} and {} more ({n} {what} in all)", n - 2),
        (n, false) => format!("first used by {first} ({n} {what} in all)"),
    }
}

/// Typo suggestions for unknown ids, each compared with a bounded number
/// of known ids: its neighbours in name order and in reversed-name order
/// (so that a typo near either end still meets its id), for at most
/// [`Suggestions::MAX_LOOKUPS`] distinct unknown ids.
struct Suggestions<'a> {
    ids: Vec<&'a str>,
    /// `(id reversed, id)`, sorted.
    reversed: Vec<(String, &'a str)>,
    seen: HashMap<String, Option<&'a str>>,
}

impl<'a> Suggestions<'a> {
    /// Ids compared on each side of an unknown id, in each order.
    const NEIGHBOURS: usize = 64;
    /// Distinct unknown ids given a suggestion; the rest get none.
    const MAX_LOOKUPS: usize = 1_000;

    fn new(ids: impl Iterator<Item = &'a str>) -> Self {
        let mut ids: Vec<&str> = ids.collect();
        ids.sort_unstable();
        let mut reversed: Vec<(String, &str)> = ids.iter().map(|i| (i.chars().rev().collect(), *i)).collect();
        reversed.sort_unstable();
        Suggestions { ids, reversed, seen: HashMap::new() }
    }

    fn closest(&mut self, word: &str) -> Option<&'a str> {
        if let Some(found) = self.seen.get(word) {
            return *found;
        }
        if self.seen.len() >= Self::MAX_LOOKUPS {
            return None;
        }
        let near = |at: usize, len: usize| at.saturating_sub(Self::NEIGHBOURS)..(at + Self::NEIGHBOURS).min(len);
        let at = self.ids.partition_point(|i| *i < word);
        let mut candidates: Vec<&str> = self.ids[near(at, self.ids.len())].to_vec();
        let rev: String = word.chars().rev().collect();
        let at = self.reversed.partition_point(|(r, _)| r.as_str() < rev.as_str());
        candidates.extend(self.reversed[near(at, self.reversed.len())].iter().map(|(_, i)| *i));
        candidates.sort_unstable();
        candidates.dedup();
        let found = closest(word, &candidates);
        self.seen.insert(word.to_string(), found);
        found
    }
}
