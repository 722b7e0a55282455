//! "Did the fix hold?" A postmortem that looks like an earlier one — similar
//! with a score of at least [`LIKELY`], the same bar as `check`'s I001 — is
//! a possible recurrence of it. It came *after a fix* when one of the
//! earlier postmortem's `prevent` items was closed `done` on a day before
//! the later incident's start day (both in the site's timezone; an item
//! closed on the start day itself may have been closed after it, so it does
//! not count). A `prevent` item closed done with no recurrence starting
//! after its close day has held since then.
//!
//! [`LIKELY`]: super::similar::LIKELY

use super::similar::{Match, LIKELY};
use crate::metrics::start_day;
use crate::model::{ItemKind, ItemStatus, Postmortem};
use chrono::NaiveDate;
use chrono_tz::Tz;

/// A later postmortem that looks like an earlier one.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Recurrence {
    pub(crate) earlier: usize,
    pub(crate) later: usize,
    /// The earlier one's `prevent` item closed done last before the later
    /// one started, if any.
    pub(crate) fix: Option<Fix>,
}

/// A `prevent` item closed done.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Fix {
    /// Its index among its postmortem's action items.
    pub(crate) item: usize,
    pub(crate) closed: NaiveDate,
}

/// Every possible recurrence of the site, ordered by the later
/// postmortem, then the earlier one. `similar` is each postmortem's
/// similar ones, in the order of `pms`; a pair counts when either list
/// holds the other (a list keeps only the best few).
pub(crate) fn find(pms: &[&Postmortem], similar: &[Vec<Match>], tz: Tz) -> Vec<Recurrence> {
    let mut pairs: Vec<(usize, usize)> = Vec::new();
    for (i, matches) in similar.iter().enumerate() {
        for m in matches.iter().filter(|m| m.score >= LIKELY) {
            let (a, b) = (&pms[i].timeline.started, &pms[m.index].timeline.started);
            let (Some(a), Some(b)) = (a, b) else { continue };
            match a.at.cmp(&b.at) {
                std::cmp::Ordering::Less => pairs.push((i, m.index)),
                std::cmp::Ordering::Greater => pairs.push((m.index, i)),
                // at the same instant neither came first
                std::cmp::Ordering::Equal => {}
            }
        }
    }
    pairs.sort_by_key(|&(earlier, later)| (later, earlier));
    pairs.dedup();
    pairs
        .into_iter()
        .map(|(earlier, later)| {
            let started = start_day(pms[later], tz);
            let fix = fixes(pms[earlier])
                .filter(|f| started.is_some_and(|s| f.closed < s))
                .max_by_key(|f| (f.closed, std::cmp::Reverse(f.item)));
            Recurrence { earlier, later, fix }
        })
        .collect()
}

/// The `prevent` items of `pm` closed done, in order.
pub(crate) fn fixes(pm: &Postmortem) -> impl Iterator<Item = Fix> + '_ {
    pm.action_items.iter().enumerate().filter_map(|(item, it)| {
        let done = it.kind == Some(ItemKind::Prevent) && it.status == ItemStatus::Done;
        Some(Fix { item, closed: it.closed.as_ref().filter(|_| done)?.date })
    })
}

/// How a fix of postmortem `i` fared: the recurrences that started after
/// it was closed, or, with none, the days it has held until `today`.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Held {
    pub(crate) fix: Fix,
    /// The later postmortems that started after the fix was closed.
    pub(crate) broken_by: Vec<usize>,
    /// Days from the close to `today`, when nothing came back.
    pub(crate) days: Option<i64>,
}

/// Each `prevent` fix of postmortem `i` and how it fared, given the
/// recurrences in which `i` is the earlier postmortem.
pub(crate) fn held(pms: &[Postmortem], recurred: &[&Recurrence], i: usize, tz: Tz, today: NaiveDate) -> Vec<Held> {
    fixes(&pms[i])
        .map(|fix| {
            let broken_by: Vec<usize> = recurred
                .iter()
                .filter(|r| r.earlier == i && start_day(&pms[r.later], tz).is_some_and(|s| fix.closed < s))
                .map(|r| r.later)
                .collect();
            let days = broken_by.is_empty().then(|| (today - fix.closed).num_days().max(0));
            Held { fix, broken_by, days }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ActionItem, Body, Day, Stamp, Status, Timeline};

    fn pm(id: &str, started: &str, fixes: &[(&str, &str, ItemStatus)]) -> Postmortem {
        Postmortem {
            id: id.into(),
            file: format!("{id}.md"),
            title: Some(id.into()),
            severity: Some("SEV2".into()),
            status: Status::Final,
            area: None,
            tags: vec![],
            authors: vec![],
            summary: None,
            impact: None,
            timeline: Timeline {
                started: Some(Stamp {
                    raw: started.into(),
                    at: chrono::DateTime::parse_from_rfc3339(started).unwrap(),
                }),
                ..Timeline::default()
            },
            detection: None,
            trigger: None,
            five_whys: vec![],
            root_cause: None,
            questions: Default::default(),
            action_items: fixes
                .iter()
                .map(|&(id, closed, status)| ActionItem {
                    id: id.into(),
                    title: Some("Fix".into()),
                    kind: Some(ItemKind::Prevent),
                    owner: None,
                    due: None,
                    status,
                    closed: Some(Day {
                        raw: closed.into(),
                        date: NaiveDate::parse_from_str(closed, "%Y-%m-%d").unwrap(),
                    }),
                    link: None,
                })
                .collect(),
            kind: crate::model::PmKind::Incident,
            contributing_factors: vec![],
            lucky: None,
            related: vec![],
            body: Body::Memory(String::new()),
        }
    }

    fn alike(index: usize, score: f64) -> Match {
        Match { index, score, reasons: vec![] }
    }

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_fix_closed_the_day_before_counts_the_day_of_or_after_does_not() {
        // the later incident starts on 2025-04-10 in UTC
        for (closed, after_fix) in [("2025-04-09", true), ("2025-04-10", false), ("2025-04-11", false)] {
            let earlier = pm("a", "2025-03-01T10:00:00Z", &[("PAY-1", closed, ItemStatus::Done)]);
            let later = pm("b", "2025-04-10T00:30:00Z", &[]);
            let pms = [&earlier, &later];
            let found = find(&pms, &[vec![alike(1, 0.3)], vec![]], Tz::UTC);
            assert_eq!(found.len(), 1);
            assert_eq!((found[0].earlier, found[0].later), (0, 1));
            assert_eq!(found[0].fix.is_some(), after_fix, "closed {closed}");
            let owned = [earlier.clone(), later.clone()];
            let held = held(&owned, &found.iter().collect::<Vec<_>>(), 0, Tz::UTC, day("2025-06-01"));
            assert_eq!(held[0].broken_by.is_empty(), !after_fix);
            assert_eq!(held[0].days, (!after_fix).then(|| (day("2025-06-01") - day(closed)).num_days()));
        }
    }

    #[test]
    fn the_start_day_is_the_site_timezone_s() {
        // 2025-04-09T23:30Z is already 2025-04-10 in Berlin: an item closed
        // on 2025-04-09 came the day before there, the same day in UTC
        let earlier = pm("a", "2025-03-01T10:00:00Z", &[("PAY-1", "2025-04-09", ItemStatus::Done)]);
        let later = pm("b", "2025-04-09T23:30:00Z", &[]);
        let pms = [&earlier, &later];
        let similar = [vec![], vec![alike(0, 0.2)]];
        assert!(find(&pms, &similar, chrono_tz::Europe::Berlin)[0].fix.is_some());
        assert!(find(&pms, &similar, Tz::UTC)[0].fix.is_none());
    }

    #[test]
    fn only_done_prevent_items_are_fixes_and_weak_matches_are_not_recurrences() {
        let earlier = pm(
            "a",
            "2025-03-01T10:00:00Z",
            &[("X-1", "2025-03-02", ItemStatus::WontDo), ("X-2", "2025-03-03", ItemStatus::Done)],
        );
        let later = pm("b", "2025-05-01T10:00:00Z", &[]);
        let pms = [&earlier, &later];
        let found = find(&pms, &[vec![alike(1, 0.2)], vec![alike(0, 0.2)]], Tz::UTC);
        assert_eq!(found.len(), 1, "one pair, from both lists");
        assert_eq!(found[0].fix, Some(Fix { item: 1, closed: day("2025-03-03") }));
        assert!(find(&pms, &[vec![alike(1, LIKELY - 0.01)], vec![]], Tz::UTC).is_empty());
    }
}
