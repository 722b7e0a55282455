//! The headline: a few sentences that say what the numbers say, each with
//! its numbers and links to the incidents behind them. A sentence says
//! "more", "fewer", "longer" or "shorter" only where a two-sided test at
//! 5 % finds the change unlikely to be chance (see [`crate::stats`]);
//! otherwise it says "no detectable change". A period that contains today
//! is "so far" and is not compared.

use super::site::Site;
use super::view::{fmt_median, fmt_minutes, Urls};
use crate::metrics::{Period, Quarter};
use crate::routes::Route;
use crate::stats;
use serde::Serialize;
use std::fmt::Display;

/// Text, or a link.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub(crate) struct Part {
    pub(crate) text: String,
    pub(crate) url: Option<String>,
}

/// One sentence of the headline, as parts a template joins.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(transparent)]
pub(crate) struct Sentence(Vec<Part>);

impl Sentence {
    fn text(mut self, t: impl Into<String>) -> Self {
        self.0.push(Part { text: t.into(), url: None });
        self
    }
    fn link(mut self, t: impl Into<String>, url: String) -> Self {
        self.0.push(Part { text: t.into(), url: Some(url) });
        self
    }
    /// The sentence as plain text (tests, feeds).
    #[cfg(test)]
    pub(crate) fn plain(&self) -> String {
        self.0.iter().map(|p| p.text.as_str()).collect()
    }
}

/// "1 incident", "3 incidents".
fn count(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

/// How many of the most severe incidents a sentence names by title.
const NAMED: usize = 3;

/// "2026-Q4 so far (to 2026-11-22): 3 incidents, 1 SEV1 (Card payments
/// declined)." with links to the quarter and the SEV1s, and " 1 near miss."
/// when there were near misses: they are counted apart.
fn incidents(site: &Site, q: &Period<Quarter>, urls: &Urls) -> Sentence {
    let s = incidents_only(site, q, urls);
    match q.near_misses {
        0 => s,
        1 => s.text(" 1 near miss."),
        n => s.text(format!(" {n} near misses.")),
    }
}

fn incidents_only(site: &Site, q: &Period<Quarter>, urls: &Urls) -> Sentence {
    let mut s = Sentence::default().link(q.period.to_string(), urls.quarter(q.period));
    if !q.complete {
        s = s.text(format!(" so far (to {})", site.m.today));
    }
    if q.incidents == 0 {
        return s.text(": no incidents.");
    }
    s = s.text(format!(": {}", count(q.incidents, "incident")));
    let sev1_name = site.cfg.severities.first().map_or("SEV1", String::as_str);
    let sev1: Vec<usize> =
        q.members.iter().copied().filter(|&i| site.pms[i].severity.as_deref() == Some(sev1_name)).collect();
    if sev1.is_empty() {
        return s.text(format!(", no {sev1_name}."));
    }
    s = s.text(format!(", {} {sev1_name} (", sev1.len()));
    for (k, &i) in sev1.iter().take(NAMED).enumerate() {
        if k > 0 {
            s = s.text("; ");
        }
        let row = site.row(i);
        s = s.link(row.title.clone(), row.url.clone());
    }
    if sev1.len() > NAMED {
        s = s.text(format!("; and {} more", sev1.len() - NAMED));
    }
    s.text(").")
}

/// The number of incidents of finished quarter `q` against finished
/// quarter `p` just before it, by the exact binomial test; nothing when
/// neither had one.
fn incident_change(q: &Period<Quarter>, p: &Period<Quarter>) -> Option<Sentence> {
    if q.incidents + p.incidents == 0 {
        return None;
    }
    let pv = stats::counts_p(q.incidents as u64, p.incidents as u64);
    let test = format!("{}, {}", stats::Test::Binomial.name(), super::view::fmt_p(pv));
    let prev = format!("{} ({})", p.period, count(p.incidents, "incident"));
    if pv < stats::ALPHA {
        let word = if q.incidents > p.incidents { "More" } else { "Fewer" };
        Some(Sentence::default().text(format!("{word} incidents than {prev}: unlikely to be chance ({test}).")))
    } else {
        Some(Sentence::default().text(format!("No detectable change in the number of incidents from {prev}; {test}.")))
    }
}

/// "Time to mitigate in 2026 so far: median 47 min (95 % CI …), n = 9 —
/// no detectable change from 2025 (median 52 min, n = 14)."
fn time_to_mitigate<P: Display>(what: &Period<P>, prev: Option<&Period<P>>) -> Option<Sentence> {
    let (cur, so_far) = (&what.ttm, if what.complete { "" } else { " so far" });
    if cur.n == 0 {
        return None;
    }
    let mut s = Sentence::default().text(format!(
        "Time to mitigate in {}{so_far}: median {}, n = {}",
        what.period,
        fmt_median(cur),
        cur.n
    ));
    let Some(p) = prev.filter(|p| p.ttm.n > 0) else { return Some(s.text(".")) };
    let (pv, test) = stats::mann_whitney_p(&cur.values, &p.ttm.values);
    let before = format!("{} (median {}, n = {})", p.period, fmt_minutes(p.ttm.median), p.ttm.n);
    let test = format!("{}, {}", test.name(), super::view::fmt_p(pv));
    s = if pv < stats::ALPHA {
        let word = if cur.median > p.ttm.median { "longer" } else { "shorter" };
        s.text(format!(" — {word} than in {before}: unlikely to be chance ({test})."))
    } else {
        s.text(format!(" — no detectable change from {before}; {test}."))
    };
    Some(s)
}

/// "The last incident started on 2025-08-14: Checkout … (SEV2)."
fn latest(site: &Site) -> Option<Sentence> {
    let i = site.m.quarter_of.iter().rposition(Option::is_some)?;
    let row = site.row(i);
    Some(
        Sentence::default()
            .text(format!("The last incident started on {}: ", row.date))
            .link(row.title.clone(), row.url.clone())
            .text(format!(" ({}).", row.severity)),
    )
}

/// "6 of 8 open action items are overdue; the oldest by 486 days."
fn items(site: &Site, urls: &Urls) -> Sentence {
    let t = &site.m.total.action_items;
    let tracker = urls.page(&Route::Tracker);
    if t.open == 0 {
        return Sentence::default().text("No action item is open.");
    }
    if t.overdue == 0 {
        return Sentence::default()
            .link(format!("None of the {} open action items", t.open), tracker)
            .text(" is overdue.");
    }
    let oldest = site.m.items.iter().flatten().filter_map(|s| s.days_overdue).max().unwrap_or(0);
    let verb = if t.overdue == 1 { "is" } else { "are" };
    Sentence::default()
        .link(format!("{} of {} open action items", t.overdue, t.open), tracker)
        .text(format!(" {verb} overdue; the oldest by {}.", count(oldest as usize, "day")))
}

/// The home page's headline: today's quarter (and the last incident, when
/// it has none), the last finished quarter against the one before, the
/// latest year's time to mitigate against the year before, and the action
/// items.
pub(crate) fn home(site: &Site) -> Vec<Sentence> {
    let urls = Urls { base: &site.cfg.base_url };
    let qs = &site.m.quarters;
    let Some(last) = qs.last() else { return Vec::new() };
    let mut out = vec![incidents(site, last, &urls)];
    if last.incidents == 0 {
        out.extend(latest(site));
    }
    let finished: Vec<&Period<Quarter>> = qs.iter().rev().filter(|q| q.complete).take(2).collect();
    match finished.as_slice() {
        [q, p, ..] if p.period.next() == q.period => {
            if q.period != last.period {
                out.push(incidents(site, q, &urls));
            }
            out.extend(incident_change(q, p));
        }
        [q, ..] if q.period != last.period => out.push(incidents(site, q, &urls)),
        _ => {}
    }
    let ys = &site.m.years;
    // the latest year with a time to mitigate, against the year before
    if let Some(yi) = ys.iter().rposition(|y| y.ttm.n > 0) {
        let prev = yi.checked_sub(1).map(|i| &ys[i]).filter(|p| p.period.0 + 1 == ys[yi].period.0);
        out.extend(time_to_mitigate(&ys[yi], prev));
    }
    out.push(items(site, &urls));
    out
}

/// A quarter page's headline: its incidents, the change from the quarter
/// before (both finished), its time to mitigate against the quarter
/// before, and what became of its action items.
pub(crate) fn quarter(site: &Site, qi: usize) -> Vec<Sentence> {
    let urls = Urls { base: &site.cfg.base_url };
    let q = &site.m.quarters[qi];
    let prev = qi.checked_sub(1).map(|i| &site.m.quarters[i]).filter(|p| p.period.next() == q.period);
    let mut out = vec![incidents(site, q, &urls)];
    let compared = prev.filter(|p| q.complete && p.complete);
    if let Some(p) = compared {
        out.extend(incident_change(q, p));
    }
    out.extend(time_to_mitigate(q, compared));
    let states = || q.members.iter().flat_map(|&i| &site.m.items[i]);
    let opened = states().count();
    if opened > 0 {
        let (open, overdue) = (states().filter(|s| s.open).count(), states().filter(|s| s.overdue).count());
        let items = count(opened, "action item");
        out.push(Sentence::default().text(match (open, overdue) {
            (0, _) => format!("Its incidents led to {items}, all closed."),
            (_, 0) => format!("Its incidents led to {items}; {open} still open today, none overdue."),
            _ => format!("Its incidents led to {items}; {open} still open today, {overdue} of them overdue."),
        }));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::Summary;

    #[test]
    fn counts_read_naturally() {
        assert_eq!(count(1, "incident"), "1 incident");
        assert_eq!(count(0, "incident"), "0 incidents");
    }

    fn period(year: i32, complete: bool, ttm: &[f64]) -> Period<crate::metrics::Year> {
        Period {
            period: crate::metrics::Year(year),
            complete,
            incidents: ttm.len(),
            near_misses: 0,
            by_severity: vec![],
            by_area: Default::default(),
            ttd: Summary::default(),
            ttm: Summary::of(ttm.to_vec()),
            ttr: Summary::default(),
            undetected_share: None,
            action_items: Default::default(),
            members: vec![],
        }
    }

    #[test]
    fn time_to_mitigate_says_longer_only_when_the_test_finds_it() {
        let before: Vec<f64> = (1..=9).map(|v| f64::from(v) * 10.0).collect();
        let same: Vec<f64> = (1..=9).map(|v| f64::from(v) * 10.0 + 5.0).collect();
        let longer: Vec<f64> = (1..=9).map(|v| f64::from(v) * 10.0 + 100.0).collect();
        let prev = period(2025, true, &before);
        let s = time_to_mitigate(&period(2026, false, &same), Some(&prev)).unwrap().plain();
        assert_eq!(
            s,
            "Time to mitigate in 2026 so far: median 55 min (95 % CI 25 min–1 h 25 min), n = 9 — no detectable change \
             from 2025 (median 50 min, n = 9); Mann–Whitney test, exact, p = 0.73."
        );
        let s = time_to_mitigate(&period(2026, true, &longer), Some(&prev)).unwrap().plain();
        assert!(s.contains(" — longer than in 2025 (median 50 min, n = 9): unlikely to be chance"), "{s}");
        assert_eq!(time_to_mitigate(&period(2026, false, &[]), Some(&prev)), None);
        let alone = time_to_mitigate(&period(2026, true, &[12.0]), None).unwrap().plain();
        assert_eq!(alone, "Time to mitigate in 2026: median 12 min, n = 1.");
    }
}
