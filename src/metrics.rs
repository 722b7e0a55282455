//! The numbers people make decisions on (FORMAT.md section 4): durations,
//! quarters, percentiles, undetected share, action-item states.

use crate::config::Config;
use crate::model::{ActionItem, PmKind, Postmortem, Stamp};
use chrono::{Datelike, NaiveDate};
use chrono_tz::Tz;
use std::collections::BTreeMap;
use std::fmt;

/// Minutes from `a` to `b`, with millisecond precision.
pub(crate) fn minutes(a: &Stamp, b: &Stamp) -> f64 {
    (b.at - a.at).num_milliseconds() as f64 / 60_000.0
}

/// Linear interpolation between closest ranks: h = (n − 1)·p,
/// x⌊h⌋ + (h − ⌊h⌋)·(x⌊h⌋₊₁ − x⌊h⌋). `sorted` must be ascending.
pub fn percentile(sorted: &[f64], p: f64) -> Option<f64> {
    let n = sorted.len();
    if n == 0 {
        return None;
    }
    let h = (n - 1) as f64 * p.clamp(0.0, 1.0);
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(n - 1);
    Some(sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo]))
}

/// Median, its 95 % interval and p90 of a set of durations, and the
/// values themselves (ascending) for the tests that compare two sets.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Summary {
    pub median: Option<f64>,
    /// Distribution-free 95 % interval of the median (none below 6 values).
    pub ci95: Option<(f64, f64)>,
    pub p90: Option<f64>,
    /// How many values the figures rest on.
    pub n: usize,
    pub values: Vec<f64>,
}

impl Summary {
    pub fn of(mut values: Vec<f64>) -> Summary {
        values.sort_by(f64::total_cmp);
        Summary {
            median: percentile(&values, 0.5),
            ci95: crate::stats::median_ci95(&values),
            p90: percentile(&values, 0.9),
            n: values.len(),
            values,
        }
    }
}

/// A calendar quarter, `2024-Q1`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Quarter {
    pub year: i32,
    /// 1 to 4.
    pub q: u32,
}

impl Quarter {
    pub fn of(date: NaiveDate) -> Quarter {
        Quarter { year: date.year(), q: (date.month() - 1) / 3 + 1 }
    }

    /// Quarters since the year 0: consecutive quarters differ by one.
    pub fn index(self) -> i64 {
        i64::from(self.year) * 4 + i64::from(self.q) - 1
    }

    pub fn next(self) -> Quarter {
        if self.q == 4 {
            Quarter { year: self.year + 1, q: 1 }
        } else {
            Quarter { year: self.year, q: self.q + 1 }
        }
    }

    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.q * 3 - 2, 1).unwrap_or(NaiveDate::MIN)
    }

    pub fn last_day(self) -> NaiveDate {
        self.next().first_day().pred_opt().unwrap_or(NaiveDate::MAX)
    }
}

impl fmt::Display for Quarter {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{}-Q{}", self.year, self.q)
    }
}

/// A calendar year.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Year(pub i32);

impl fmt::Display for Year {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A span of calendar days that figures are counted over: a quarter or a
/// year.
pub(crate) trait Span: Copy + Ord + fmt::Display {
    /// The longest run of empty spans shown between two incidents (ten
    /// years); a longer gap is skipped, so the spans listed may not be
    /// consecutive there.
    const MAX_GAP: i64;
    fn of(date: NaiveDate) -> Self;
    /// Consecutive spans differ by one.
    fn index(self) -> i64;
    fn next(self) -> Self;
    fn last_day(self) -> NaiveDate;
}

impl Span for Quarter {
    const MAX_GAP: i64 = 40;
    fn of(date: NaiveDate) -> Self {
        Quarter::of(date)
    }
    fn index(self) -> i64 {
        Quarter::index(self)
    }
    fn next(self) -> Self {
        Quarter::next(self)
    }
    fn last_day(self) -> NaiveDate {
        Quarter::last_day(self)
    }
}

impl Span for Year {
    const MAX_GAP: i64 = 10;
    fn of(date: NaiveDate) -> Self {
        Year(date.year())
    }
    fn index(self) -> i64 {
        i64::from(self.0)
    }
    fn next(self) -> Self {
        Year(self.0 + 1)
    }
    fn last_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.0, 12, 31).unwrap_or(NaiveDate::MAX)
    }
}

/// A postmortem's durations in minutes.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Durations {
    /// detected − started
    pub ttd: Option<f64>,
    /// acknowledged − detected
    pub tta: Option<f64>,
    /// mitigated − started
    pub ttm: Option<f64>,
    /// resolved − started
    pub ttr: Option<f64>,
}

pub(crate) fn durations(pm: &Postmortem) -> Durations {
    let t = &pm.timeline;
    let span = |a: &Option<Stamp>, b: &Option<Stamp>| match (a, b) {
        (Some(a), Some(b)) => Some(minutes(a, b)),
        _ => None,
    };
    Durations {
        ttd: span(&t.started, &t.detected),
        tta: span(&t.detected, &t.acknowledged),
        ttm: span(&t.started, &t.mitigated),
        ttr: span(&t.started, &t.resolved),
    }
}

/// The day the incident started, in the site's timezone.
pub(crate) fn start_day(pm: &Postmortem, tz: Tz) -> Option<NaiveDate> {
    pm.timeline.started.as_ref().map(|s| s.at.with_timezone(&tz).date_naive())
}

/// The quarter the incident started in, in the site's timezone.
#[cfg(test)]
fn quarter_of(pm: &Postmortem, tz: Tz) -> Option<Quarter> {
    start_day(pm, tz).map(Quarter::of)
}

/// Σ TTD / Σ TTM over incidents with both; 0 when Σ TTM is 0; `None`
/// when no incident has both (a quarter without incidents has no share,
/// not a share of 0).
pub(crate) fn undetected_share(durs: &[Durations]) -> Option<f64> {
    let (mut d, mut m, mut n) = (0.0, 0.0, 0);
    for x in durs {
        if let (Some(ttd), Some(ttm)) = (x.ttd, x.ttm) {
            d += ttd;
            m += ttm;
            n += 1;
        }
    }
    match n {
        0 => None,
        _ if m == 0.0 => Some(0.0),
        _ => Some(d / m),
    }
}

/// Where an action item stands today.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ItemState {
    pub open: bool,
    /// Open and due before today.
    pub overdue: bool,
    /// Today (open) or `closed` (others) minus the incident's start day.
    pub age_days: Option<i64>,
    /// Today minus the due date, for an overdue item.
    pub days_overdue: Option<i64>,
}

pub(crate) fn item_state(item: &ActionItem, start: Option<NaiveDate>, today: NaiveDate) -> ItemState {
    let open = item.status.is_open();
    let end = if open { Some(today) } else { item.closed.as_ref().map(|c| c.date) };
    let overdue = open && item.due.as_ref().is_some_and(|d| d.date < today);
    ItemState {
        open,
        overdue,
        days_overdue: item.due.as_ref().filter(|_| overdue).map(|d| (today - d.date).num_days()),
        age_days: match (start, end) {
            (Some(s), Some(e)) => Some((e - s).num_days()),
            _ => None,
        },
    }
}

/// Where a postmortem stands against the team's review deadline
/// (`[policy] final_within_days`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Review {
    /// The day it should be final by: mitigation (else the start) plus the
    /// deadline, in the site's timezone. None when it is final or the site
    /// sets no deadline.
    pub due: Option<NaiveDate>,
    /// Still a draft or in review after its due day.
    pub overdue: bool,
}

/// Postmortem `pm`'s review deadline as of `today`.
pub(crate) fn review(pm: &Postmortem, cfg: &Config, today: NaiveDate) -> Review {
    let (Some(days), false) = (cfg.policy.final_within_days, pm.status == crate::model::Status::Final) else {
        return Review::default();
    };
    let t = &pm.timeline;
    let from = t.mitigated.as_ref().or(t.started.as_ref()).map(|s| s.at.with_timezone(&cfg.timezone).date_naive());
    let due = from.and_then(|d| d.checked_add_signed(chrono::TimeDelta::try_days(days)?));
    Review { due, overdue: due.is_some_and(|d| d < today) }
}

/// The postmortems past their review deadline, the longest late first
/// (then in site order).
pub(crate) fn awaiting_review(m: &Metrics) -> Vec<usize> {
    let mut late: Vec<usize> = (0..m.reviews.len()).filter(|&i| m.reviews[i].overdue).collect();
    late.sort_by_key(|&i| (m.reviews[i].due, i));
    late
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct PeriodItems {
    /// Items of incidents that started in the period.
    pub opened: usize,
    /// Items whose `closed` date falls in the period.
    pub closed: usize,
    /// Items of incidents started on or before the period's last day,
    /// not closed by then.
    pub open_at_end: usize,
}

/// One period's figures: a quarter's or a year's.
#[derive(Clone, Debug, PartialEq)]
pub struct Period<P> {
    pub period: P,
    /// False while the period contains today (or lies after it): its
    /// figures are "so far" and are not compared with finished periods.
    pub complete: bool,
    pub incidents: usize,
    /// Near misses that started in it: counted apart, never in the
    /// incidents, severities or times.
    pub near_misses: usize,
    /// Every configured severity, most severe first.
    pub by_severity: Vec<(String, usize)>,
    pub by_area: BTreeMap<String, usize>,
    pub ttd: Summary,
    pub ttm: Summary,
    pub ttr: Summary,
    pub undetected_share: Option<f64>,
    pub action_items: PeriodItems,
    /// Indexes into the postmortem slice of the incidents of this period.
    pub members: Vec<usize>,
}

pub(crate) type QuarterMetrics = Period<Quarter>;
pub(crate) type YearMetrics = Period<Year>;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct TotalItems {
    pub opened: usize,
    pub closed: usize,
    pub open: usize,
    pub overdue: usize,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Totals {
    pub incidents: usize,
    pub near_misses: usize,
    pub by_severity: Vec<(String, usize)>,
    pub by_area: BTreeMap<String, usize>,
    pub ttd: Summary,
    pub ttm: Summary,
    pub ttr: Summary,
    pub undetected_share: Option<f64>,
    pub action_items: TotalItems,
}

/// Everything measured about a site.
#[derive(Clone, Debug, PartialEq)]
pub struct Metrics {
    pub today: NaiveDate,
    pub timezone: String,
    /// From the first incident's quarter to today's (or the last
    /// incident's, when later), without gaps.
    pub quarters: Vec<QuarterMetrics>,
    /// The same years.
    pub years: Vec<YearMetrics>,
    pub total: Totals,
    /// Per postmortem, in the order given.
    pub durations: Vec<Durations>,
    /// Per postmortem, in the order given.
    pub quarter_of: Vec<Option<Quarter>>,
    /// Per postmortem, per action item.
    pub items: Vec<Vec<ItemState>>,
    /// Per postmortem, in the order given.
    pub reviews: Vec<Review>,
}

fn count_by<'a>(keys: impl Iterator<Item = &'a str>, order: &[String]) -> Vec<(String, usize)> {
    let mut counts: Vec<(String, usize)> = order.iter().map(|s| (s.clone(), 0)).collect();
    for k in keys {
        if let Some(e) = counts.iter_mut().find(|(s, _)| s == k) {
            e.1 += 1;
        }
    }
    counts
}

fn areas<'a>(pms: impl Iterator<Item = &'a Postmortem>) -> BTreeMap<String, usize> {
    let mut m = BTreeMap::new();
    for pm in pms {
        if let Some(a) = pm.area.as_deref().map(str::trim).filter(|a| !a.is_empty()) {
            *m.entry(a.to_string()).or_insert(0) += 1;
        }
    }
    m
}

/// Every period from the first incident's to today's (or the last
/// incident's, when that is later): its incidents and their figures, and
/// its action items.
fn periods<P: Span>(
    pms: &[Postmortem],
    cfg: &Config,
    durs: &[Durations],
    starts: &[Option<NaiveDate>],
    today: NaiveDate,
) -> Vec<Period<P>> {
    let mut periods = Vec::new();
    // Bucket incidents once; closed dates once; then walk the periods.
    let mut members: BTreeMap<P, Vec<usize>> = BTreeMap::new();
    let mut near: BTreeMap<P, Vec<usize>> = BTreeMap::new();
    for (i, s) in starts.iter().enumerate() {
        if let Some(s) = s {
            let to = if pms[i].kind == PmKind::NearMiss { &mut near } else { &mut members };
            to.entry(P::of(*s)).or_default().push(i);
        }
    }
    let (Some(&first), Some(&latest)) = (members.keys().next(), members.keys().next_back()) else {
        return periods;
    };
    let last = latest.max(P::of(today));
    let mut closed_in: BTreeMap<P, usize> = BTreeMap::new();
    // (start day, closed day) of every item of an incident with a start
    let mut spans: Vec<(NaiveDate, Option<NaiveDate>)> = Vec::new();
    for (pm, s) in pms.iter().zip(starts) {
        for item in &pm.action_items {
            if let Some(c) = &item.closed {
                *closed_in.entry(P::of(c.date)).or_insert(0) += 1;
            }
            if let Some(s) = s {
                spans.push((*s, item.closed.as_ref().map(|c| c.date)));
            }
        }
    }
    let mut p = first;
    loop {
        let idx = members.remove(&p).unwrap_or_default();
        let near_idx = near.remove(&p).unwrap_or_default();
        let end = p.last_day();
        let pick = |f: fn(&Durations) -> Option<f64>| Summary::of(idx.iter().filter_map(|&i| f(&durs[i])).collect());
        let pd: Vec<Durations> = idx.iter().map(|&i| durs[i]).collect();
        periods.push(Period {
            period: p,
            complete: end < today,
            incidents: idx.len(),
            near_misses: near_idx.len(),
            by_severity: count_by(idx.iter().filter_map(|&i| pms[i].severity.as_deref()), &cfg.severities),
            by_area: areas(idx.iter().map(|&i| &pms[i])),
            ttd: pick(|d| d.ttd),
            ttm: pick(|d| d.ttm),
            ttr: pick(|d| d.ttr),
            undetected_share: undetected_share(&pd),
            action_items: PeriodItems {
                opened: idx.iter().chain(&near_idx).map(|&i| pms[i].action_items.len()).sum(),
                closed: closed_in.get(&p).copied().unwrap_or(0),
                open_at_end: spans.iter().filter(|(s, c)| *s <= end && c.is_none_or(|c| c > end)).count(),
            },
            members: idx,
        });
        if p >= last {
            break;
        }
        // the periods between incidents are shown, unless the next
        // incident (or today) is years away: a start years off (W015)
        // would otherwise make thousands of empty periods
        let stop = members.keys().next().copied().unwrap_or(last).min(last);
        p = if stop.index() - p.index() > P::MAX_GAP { stop } else { p.next() };
    }
    periods
}

pub fn compute(pms: &[Postmortem], cfg: &Config, today: NaiveDate) -> Metrics {
    let tz = cfg.timezone;
    // each postmortem on its own, on all cores
    use rayon::prelude::*;
    let durs: Vec<Durations> = pms.par_iter().map(durations).collect();
    let starts: Vec<Option<NaiveDate>> = pms.par_iter().map(|p| start_day(p, tz)).collect();
    let quarter_of: Vec<Option<Quarter>> = starts.iter().map(|d| d.map(Quarter::of)).collect();
    let items: Vec<Vec<ItemState>> = pms
        .par_iter()
        .zip(&starts)
        .map(|(pm, s)| pm.action_items.iter().map(|i| item_state(i, *s, today)).collect())
        .collect();

    let quarters = periods::<Quarter>(pms, cfg, &durs, &starts, today);
    let years = periods::<Year>(pms, cfg, &durs, &starts, today);

    // near misses are counted apart: no severity, area counts or times
    let incident = |i: &usize| pms[*i].kind == PmKind::Incident;
    let incidents: Vec<usize> = (0..pms.len()).filter(incident).collect();
    let all = |f: fn(&Durations) -> Option<f64>| Summary::of(incidents.iter().filter_map(|&i| f(&durs[i])).collect());
    let flat = || items.iter().flatten();
    let incident_durs: Vec<Durations> = incidents.iter().map(|&i| durs[i]).collect();
    let total = Totals {
        incidents: incidents.len(),
        near_misses: pms.len() - incidents.len(),
        by_severity: count_by(incidents.iter().filter_map(|&i| pms[i].severity.as_deref()), &cfg.severities),
        by_area: areas(incidents.iter().map(|&i| &pms[i])),
        ttd: all(|d| d.ttd),
        ttm: all(|d| d.ttm),
        ttr: all(|d| d.ttr),
        undetected_share: undetected_share(&incident_durs),
        action_items: TotalItems {
            opened: pms.iter().map(|p| p.action_items.len()).sum(),
            closed: pms.iter().flat_map(|p| &p.action_items).filter(|i| i.closed.is_some()).count(),
            open: flat().filter(|s| s.open).count(),
            overdue: flat().filter(|s| s.overdue).count(),
        },
    };
    let reviews = pms.iter().map(|p| review(p, cfg, today)).collect();
    Metrics {
        today,
        timezone: cfg.timezone.name().to_string(),
        quarters,
        years,
        total,
        durations: durs,
        quarter_of,
        items,
        reviews,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Body;
    use crate::model::{Day, ItemStatus, Status, Timeline};
    use chrono::DateTime;
    use std::path::Path;

    fn stamp(s: &str) -> Option<Stamp> {
        Some(Stamp { raw: s.into(), at: DateTime::parse_from_rfc3339(s).unwrap() })
    }
    fn day(s: &str) -> Option<Day> {
        Some(Day { raw: s.into(), date: NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap() })
    }
    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }
    fn item(status: ItemStatus, due: &str, closed: Option<&str>) -> ActionItem {
        ActionItem {
            id: "x".into(),
            title: None,
            kind: None,
            owner: None,
            due: day(due),
            status,
            closed: closed.and_then(day),
            link: None,
        }
    }
    fn pm(id: &str, sev: &str, area: &str, t: [&str; 4], items: Vec<ActionItem>) -> Postmortem {
        let s = |x: &str| if x.is_empty() { None } else { stamp(x) };
        Postmortem {
            id: id.into(),
            file: format!("{id}.md"),
            title: None,
            severity: Some(sev.into()),
            status: Status::Final,
            area: Some(area.into()),
            tags: vec![],
            authors: vec![],
            summary: None,
            impact: None,
            timeline: Timeline {
                started: s(t[0]),
                detected: s(t[1]),
                acknowledged: None,
                mitigated: s(t[2]),
                resolved: s(t[3]),
            },
            detection: None,
            trigger: None,
            five_whys: vec![],
            root_cause: None,
            questions: Default::default(),
            action_items: items,
            kind: crate::model::PmKind::Incident,
            contributing_factors: vec![],
            lucky: None,
            related: vec![],
            body: Body::Memory(String::new()),
        }
    }

    #[test]
    fn percentiles_interpolate_between_closest_ranks() {
        // odd count: [1, 2, 3, 4, 5]: median h=2 → 3; p90 h=3.6 → 4 + 0.6·1 = 4.6
        let odd = [1.0, 2.0, 3.0, 4.0, 5.0];
        assert_eq!(percentile(&odd, 0.5), Some(3.0));
        assert!((percentile(&odd, 0.9).unwrap() - 4.6).abs() < 1e-12);
        // even count: [10, 20, 30, 40]: median h=1.5 → 25; p90 h=2.7 → 30 + 0.7·10 = 37
        let even = [10.0, 20.0, 30.0, 40.0];
        assert_eq!(percentile(&even, 0.5), Some(25.0));
        assert!((percentile(&even, 0.9).unwrap() - 37.0).abs() < 1e-12);
        assert_eq!(percentile(&[7.0], 0.9), Some(7.0));
        assert_eq!(percentile(&[], 0.5), None);
        // Summary sorts first
        let s = Summary::of(vec![40.0, 10.0, 30.0, 20.0]);
        assert_eq!((s.median, s.n), (Some(25.0), 4));
    }

    #[test]
    fn durations_cross_midnight_and_offsets() {
        let p = pm(
            "a",
            "SEV1",
            "x",
            ["2024-03-14T23:50:00Z", "2024-03-15T00:20:00Z", "2024-03-15T01:05:00+01:00", "2024-03-15T02:00:30Z"],
            vec![],
        );
        let dd = durations(&p);
        assert_eq!(dd.ttd, Some(30.0)); // 23:50 → 00:20 next day
        assert_eq!(dd.ttm, Some(15.0)); // 01:05+01:00 is 00:05Z
        assert_eq!(dd.ttr, Some(130.5));
        assert_eq!(dd.tta, None);
    }

    #[test]
    fn quarters_are_taken_in_the_site_timezone() {
        // 2024-03-31T23:30Z is 2024-04-01 01:30 in Berlin (CEST since 03-31): Q2 there, Q1 in UTC.
        let p = pm("a", "SEV1", "x", ["2024-03-31T23:30:00Z", "", "", ""], vec![]);
        assert_eq!(quarter_of(&p, chrono_tz::Europe::Berlin).unwrap().to_string(), "2024-Q2");
        assert_eq!(quarter_of(&p, Tz::UTC).unwrap().to_string(), "2024-Q1");
        // and in New York, 2024-01-01T03:00Z is still 2023-12-31: 2023-Q4
        let p = pm("b", "SEV1", "x", ["2024-01-01T03:00:00Z", "", "", ""], vec![]);
        assert_eq!(quarter_of(&p, chrono_tz::America::New_York).unwrap().to_string(), "2023-Q4");
    }

    #[test]
    fn quarter_days_and_steps() {
        let q = Quarter { year: 2024, q: 4 };
        assert_eq!(q.first_day(), d("2024-10-01"));
        assert_eq!(q.last_day(), d("2024-12-31"));
        assert_eq!(q.next(), Quarter { year: 2025, q: 1 });
        assert_eq!(Quarter { year: 2024, q: 1 }.last_day(), d("2024-03-31"));
    }

    #[test]
    fn overdue_starts_the_day_after_the_due_date() {
        let i = item(ItemStatus::Open, "2024-04-01", None);
        let start = Some(d("2024-03-14"));
        assert!(!item_state(&i, start, d("2024-04-01")).overdue); // due today: not overdue
        assert!(item_state(&i, start, d("2024-04-02")).overdue);
        assert_eq!(item_state(&i, start, d("2024-04-02")).age_days, Some(19));
        // days overdue: today − due, only while overdue
        assert_eq!(item_state(&i, start, d("2024-04-02")).days_overdue, Some(1));
        assert_eq!(item_state(&i, start, d("2024-05-01")).days_overdue, Some(30));
        assert_eq!(item_state(&i, start, d("2024-04-01")).days_overdue, None);
        let done = item(ItemStatus::Done, "2024-04-01", Some("2024-03-28"));
        let s = item_state(&done, start, d("2025-01-01"));
        assert_eq!((s.open, s.overdue, s.age_days, s.days_overdue), (false, false, Some(14), None));
        let ip = item(ItemStatus::InProgress, "2024-03-01", None);
        assert!(item_state(&ip, start, d("2024-03-20")).overdue);
    }

    #[test]
    fn review_is_due_days_after_mitigation_in_the_site_timezone() {
        let mut cfg = Config::defaults(Path::new("/s"));
        let mut p = pm("a", "SEV1", "x", ["2024-03-01T10:00:00Z", "", "2024-03-01T23:30:00Z", ""], vec![]);
        p.status = Status::Draft;
        assert_eq!(review(&p, &cfg, d("2030-01-01")), Review::default(), "no deadline set");
        cfg.policy.final_within_days = Some(14);
        // mitigated 03-01 in UTC: due 03-15; not overdue on 03-15, overdue on 03-16
        assert_eq!(review(&p, &cfg, d("2024-03-15")), Review { due: Some(d("2024-03-15")), overdue: false });
        assert!(review(&p, &cfg, d("2024-03-16")).overdue);
        // 23:30Z is 03-02 in Berlin: due a day later there
        cfg.timezone = chrono_tz::Europe::Berlin;
        assert_eq!(review(&p, &cfg, d("2024-03-16")), Review { due: Some(d("2024-03-16")), overdue: false });
        // without a mitigation time the start counts; a final one has no deadline
        p.timeline.mitigated = None;
        assert_eq!(review(&p, &cfg, d("2024-03-16")).due, Some(d("2024-03-15")));
        p.status = Status::Final;
        assert_eq!(review(&p, &cfg, d("2030-01-01")), Review::default());
    }

    #[test]
    fn undetected_share_is_sum_ttd_over_sum_ttm() {
        let dd = |ttd: f64, ttm: f64| Durations { ttd: Some(ttd), ttm: Some(ttm), ..Default::default() };
        // (10 + 30) / (40 + 60) = 0.4; the incident without TTM is left out
        let v = [dd(10.0, 40.0), dd(30.0, 60.0), Durations { ttd: Some(5.0), ..Default::default() }];
        assert!((undetected_share(&v).unwrap() - 0.4).abs() < 1e-12);
        assert_eq!(undetected_share(&[]), None, "no incident: no share");
        assert_eq!(undetected_share(&[Durations { ttd: Some(5.0), ..Default::default() }]), None);
        assert_eq!(undetected_share(&[dd(0.0, 0.0)]), Some(0.0));
    }

    /// A hand-computed site: three incidents over three quarters, one empty.
    #[test]
    fn quarters_run_without_gaps_and_count_items_by_hand() {
        let cfg = Config::defaults(Path::new("/s"));
        let pms = vec![
            // 2024-Q1: TTD 10, TTM 40, TTR 100
            pm(
                "a",
                "SEV1",
                "payments",
                ["2024-02-10T10:00:00Z", "2024-02-10T10:10:00Z", "2024-02-10T10:40:00Z", "2024-02-10T11:40:00Z"],
                vec![
                    item(ItemStatus::Done, "2024-03-01", Some("2024-02-20")), // closed in Q1
                    item(ItemStatus::Done, "2024-05-01", Some("2024-08-15")), // closed in Q3
                    item(ItemStatus::Open, "2024-04-01", None),               // never closed, overdue
                ],
            ),
            // 2024-Q1: TTD 20, TTM 20, no TTR
            pm(
                "b",
                "SEV2",
                "search",
                ["2024-03-30T10:00:00Z", "2024-03-30T10:20:00Z", "2024-03-30T10:20:00Z", ""],
                vec![],
            ),
            // 2024-Q3 (Q2 is empty): TTD 5, TTM 65
            pm(
                "c",
                "SEV2",
                "payments",
                ["2024-07-01T00:00:00Z", "2024-07-01T00:05:00Z", "2024-07-01T01:05:00Z", ""],
                vec![
                    item(ItemStatus::WontDo, "2024-07-10", Some("2024-07-05")),
                    item(ItemStatus::Open, "2030-01-01", None),
                ],
            ),
        ];
        let m = compute(&pms, &cfg, d("2025-01-15"));
        let names: Vec<String> = m.quarters.iter().map(|q| q.period.to_string()).collect();
        // to today's quarter, which is not complete
        assert_eq!(names, ["2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4", "2025-Q1"]);
        let complete: Vec<bool> = m.quarters.iter().map(|q| q.complete).collect();
        assert_eq!(complete, [true, true, true, true, false]);
        let q4 = &m.quarters[3];
        // nothing opened or closed in 2024-Q4; a's and c's open items still open
        assert_eq!((q4.incidents, &q4.action_items), (0, &PeriodItems { opened: 0, closed: 0, open_at_end: 2 }));

        let q1 = &m.quarters[0];
        assert_eq!(q1.incidents, 2);
        assert_eq!(q1.by_severity, [("SEV1".into(), 1), ("SEV2".into(), 1), ("SEV3".into(), 0), ("SEV4".into(), 0)]);
        assert_eq!(q1.by_area, BTreeMap::from([("payments".into(), 1), ("search".into(), 1)]));
        assert_eq!(q1.ttd.median, Some(15.0)); // [10, 20]
        assert_eq!(q1.ttd.p90, Some(19.0)); // 10 + 0.9·10
        assert_eq!(q1.ttm.median, Some(30.0)); // [20, 40]
        assert_eq!(q1.ttr.median, Some(100.0)); // only a has TTR
        assert!((q1.undetected_share.unwrap() - 30.0 / 60.0).abs() < 1e-12);
        // opened 3 (a's); closed 1 (2024-02-20); open at 03-31: a's 2nd (closed 08-15) and 3rd = 2
        assert_eq!(q1.action_items, PeriodItems { opened: 3, closed: 1, open_at_end: 2 });

        let q2 = &m.quarters[1];
        assert_eq!((q2.incidents, q2.ttd.median, q2.undetected_share), (0, None, None));
        assert!(q2.by_area.is_empty());
        // nothing opened or closed; a's two unfinished items still open at 06-30
        assert_eq!(q2.action_items, PeriodItems { opened: 0, closed: 0, open_at_end: 2 });

        let q3 = &m.quarters[2];
        // opened 2 (c's); closed 2 (a's 08-15, c's 07-05); open at 09-30: a's open one, c's open one = 2
        assert_eq!(q3.action_items, PeriodItems { opened: 2, closed: 2, open_at_end: 2 });
        assert!((q3.undetected_share.unwrap() - 5.0 / 65.0).abs() < 1e-12);

        let t = &m.total;
        assert_eq!(t.incidents, 3);
        assert_eq!(t.ttd.median, Some(10.0)); // [5, 10, 20]
        assert!((t.ttd.p90.unwrap() - 18.0).abs() < 1e-12); // h=1.8: 10 + 0.8·10
        assert!((t.undetected_share.unwrap() - 35.0 / 125.0).abs() < 1e-12);
        assert_eq!(t.action_items, TotalItems { opened: 5, closed: 3, open: 2, overdue: 1 });
        assert_eq!(m.items[0][2].age_days, Some(340)); // 2024-02-10 → 2025-01-15

        // years: 2024 holds all three incidents; 2025 is today's, empty
        let years: Vec<(String, bool, usize)> =
            m.years.iter().map(|y| (y.period.to_string(), y.complete, y.incidents)).collect();
        assert_eq!(years, [("2024".into(), true, 3), ("2025".into(), false, 0)]);
        let y = &m.years[0];
        assert_eq!((y.ttd.median, y.ttd.ci95, y.ttd.n), (Some(10.0), None, 3)); // n < 6: no interval
                                                                                // opened 5; closed 3 (02-20, 07-05, 08-15); open at 12-31: a's and c's open items
        assert_eq!(y.action_items, PeriodItems { opened: 5, closed: 3, open_at_end: 2 });
        assert_eq!(y.members, [0, 1, 2]);
    }

    #[test]
    fn quarters_jump_to_today_across_a_gap_of_more_than_ten_years() {
        let cfg = Config::defaults(Path::new("/s"));
        let pms = vec![pm("a", "SEV1", "x", ["2024-02-10T10:00:00Z", "", "", ""], vec![])];
        let m = compute(&pms, &cfg, d("2040-05-01"));
        let names: Vec<String> = m.quarters.iter().map(|q| q.period.to_string()).collect();
        assert_eq!(names, ["2024-Q1", "2040-Q2"]);
        let m = compute(&pms, &cfg, d("2026-05-01"));
        assert_eq!(m.quarters.len(), 10, "2024-Q1 to 2026-Q2");
        assert_eq!(m.years.len(), 3);
        // an incident dated after today: the quarters run to it
        let m = compute(&pms, &cfg, d("2023-05-01"));
        assert_eq!((m.quarters.len(), m.quarters[0].complete), (1, false));
    }
}
