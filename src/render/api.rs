//! The JSON exports of FORMAT.md section 5: postmortems, action items,
//! metrics. Field order follows the format; numbers are not rounded.

use super::{Emit, OutputFile};
use crate::config::Config;
use crate::metrics::{ItemState, Metrics, Period, Summary};
use crate::model::{ActionItem, Postmortem, Report};
use crate::render::recurrence::Recurrence;
use crate::render::similar::Match;
use crate::routes::{Export, Route};
use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};
use std::collections::BTreeMap;

/// Action item `k` of the site as in `api/action-items.json`.
pub(crate) fn item_of<'a>(site: &crate::render::site::Site<'a>, k: usize) -> ItemJson<'a> {
    let (i, j) = site.locate(k);
    let pm = &site.pms[i];
    item_json(Some(&pm.id), &pm.action_items[j], &site.m.items[i][j])
}

/// An action item in the exports.
#[derive(Serialize)]
pub(crate) struct ItemJson<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    postmortem: Option<&'a str>,
    id: &'a str,
    title: Option<&'a str>,
    kind: Option<&'static str>,
    owner: Option<&'a str>,
    due: Option<&'a str>,
    status: &'static str,
    closed: Option<&'a str>,
    link: Option<&'a str>,
    overdue: bool,
    age_days: Option<i64>,
    days_overdue: Option<i64>,
}

fn item_json<'a>(pm: Option<&'a str>, i: &'a ActionItem, s: &ItemState) -> ItemJson<'a> {
    ItemJson {
        postmortem: pm,
        id: &i.id,
        title: i.title.as_deref(),
        kind: i.kind.map(|k| k.as_str()),
        owner: i.owner.as_deref(),
        due: i.due.as_ref().map(|d| d.raw.as_str()),
        status: i.status.as_str(),
        closed: i.closed.as_ref().map(|d| d.raw.as_str()),
        link: i.link.as_deref(),
        overdue: s.overdue,
        age_days: s.age_days,
        days_overdue: s.days_overdue,
    }
}

#[derive(Serialize)]
struct ProblemJson<'a> {
    code: &'static str,
    level: &'static str,
    line: usize,
    message: &'a str,
}

#[derive(Serialize)]
struct CompletenessJson<'a> {
    score: f64,
    problems: Vec<ProblemJson<'a>>,
}

#[derive(Serialize)]
struct PostmortemJson<'a> {
    id: &'a str,
    title: Option<&'a str>,
    severity: Option<&'a str>,
    status: &'static str,
    /// `incident` or `near_miss`.
    kind: &'static str,
    area: Option<&'a str>,
    tags: &'a [String],
    authors: &'a [String],
    quarter: Option<String>,
    url: String,
    started: Option<&'a str>,
    detected: Option<&'a str>,
    acknowledged: Option<&'a str>,
    mitigated: Option<&'a str>,
    resolved: Option<&'a str>,
    ttd_minutes: Option<f64>,
    tta_minutes: Option<f64>,
    ttm_minutes: Option<f64>,
    ttr_minutes: Option<f64>,
    completeness: CompletenessJson<'a>,
    /// The day it should be final by (`[policy] final_within_days`).
    review_due: Option<String>,
    review_overdue: bool,
    contributing_factors: &'a [String],
    lucky: Option<&'a str>,
    /// The postmortems most like it by what happened, best first.
    similar: Vec<SimilarJson<'a>>,
    /// The earlier postmortems it may be a recurrence of, by start.
    recurrence_of: Vec<RecurrenceJson<'a>>,
    action_items: Vec<ItemJson<'a>>,
}

#[derive(Serialize)]
struct SimilarJson<'a> {
    id: &'a str,
    /// Cosine similarity, rounded to 3 places.
    score: f64,
    reasons: &'a [String],
}

#[derive(Serialize)]
struct RecurrenceJson<'a> {
    id: &'a str,
    /// One of its `prevent` items was closed done before this started.
    after_fix: bool,
    /// That item's id, and the day it was closed.
    item: Option<&'a str>,
    closed: Option<String>,
}

/// `{"median": …, "median_ci95": [lo, hi] or null, "p90": …}`
#[derive(Serialize)]
struct SummaryJson {
    median: Option<f64>,
    median_ci95: Option<[f64; 2]>,
    p90: Option<f64>,
}

impl From<&Summary> for SummaryJson {
    fn from(s: &Summary) -> Self {
        SummaryJson { median: s.median, median_ci95: s.ci95.map(|(lo, hi)| [lo, hi]), p90: s.p90 }
    }
}

/// A map that keeps the order it was given (severities, most severe first).
struct Ordered<'a>(&'a [(String, usize)]);

impl Serialize for Ordered<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

#[derive(Serialize)]
struct PeriodItemsJson {
    opened: usize,
    closed: usize,
    open_at_end: usize,
}

/// A quarter (`"quarter": "2024-Q1"`) or a year (`"year": 2024`) and its
/// figures.
#[derive(Serialize)]
struct PeriodJson<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    quarter: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    year: Option<i32>,
    complete: bool,
    incidents: usize,
    near_misses: usize,
    by_severity: Ordered<'a>,
    by_area: &'a BTreeMap<String, usize>,
    ttd_minutes: SummaryJson,
    ttm_minutes: SummaryJson,
    ttr_minutes: SummaryJson,
    undetected_share: Option<f64>,
    action_items: PeriodItemsJson,
}

impl<'a> PeriodJson<'a> {
    fn of<P>(p: &'a Period<P>, quarter: Option<String>, year: Option<i32>) -> Self {
        PeriodJson {
            quarter,
            year,
            complete: p.complete,
            incidents: p.incidents,
            near_misses: p.near_misses,
            by_severity: Ordered(&p.by_severity),
            by_area: &p.by_area,
            ttd_minutes: (&p.ttd).into(),
            ttm_minutes: (&p.ttm).into(),
            ttr_minutes: (&p.ttr).into(),
            undetected_share: p.undetected_share,
            action_items: PeriodItemsJson {
                opened: p.action_items.opened,
                closed: p.action_items.closed,
                open_at_end: p.action_items.open_at_end,
            },
        }
    }
}

#[derive(Serialize)]
struct TotalItemsJson {
    opened: usize,
    closed: usize,
    open: usize,
    overdue: usize,
}

#[derive(Serialize)]
struct TotalJson<'a> {
    incidents: usize,
    near_misses: usize,
    by_severity: Ordered<'a>,
    by_area: &'a BTreeMap<String, usize>,
    ttd_minutes: SummaryJson,
    ttm_minutes: SummaryJson,
    ttr_minutes: SummaryJson,
    undetected_share: Option<f64>,
    action_items: TotalItemsJson,
}

#[derive(Serialize)]
struct MetricsJson<'a> {
    today: String,
    timezone: &'a str,
    quarters: Vec<PeriodJson<'a>>,
    years: Vec<PeriodJson<'a>>,
    total: TotalJson<'a>,
}

/// `value` as JSON; `size` is a guess of its length, so that the buffer
/// rarely grows (growing copies it and holds both copies for a moment).
fn to_file<T: Serialize>(export: Export, value: &T, pretty: bool, size: usize) -> OutputFile {
    let mut bytes = Vec::with_capacity(size);
    // Serializing strings, numbers and maps with string keys cannot fail;
    // non-finite floats cannot occur (durations come from valid instants).
    let written =
        if pretty { serde_json::to_writer_pretty(&mut bytes, value) } else { serde_json::to_writer(&mut bytes, value) };
    if written.is_err() {
        bytes.clear();
    }
    bytes.push(b'\n');
    OutputFile { path: Route::Export(export).path(), bytes }
}

/// A JSON array of what `rows` yields, made while it is written: the
/// exports hold no list of rows besides their bytes.
struct Rows<F>(F);

impl<F: Fn() -> I, I: Iterator<Item = T>, T: Serialize> Serialize for Rows<F> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq((self.0)())
    }
}

/// Postmortem `i` as an entry of `api/postmortems.json`.
fn pm_json<'a>(
    pms: &'a [Postmortem],
    reports: &'a [Report],
    m: &'a Metrics,
    cfg: &Config,
    learned: Learned<'a>,
    i: usize,
) -> PostmortemJson<'a> {
    let pm = &pms[i];
    let t = &pm.timeline;
    fn raw(s: &Option<crate::model::Stamp>) -> Option<&str> {
        s.as_ref().map(|s| s.raw.as_str())
    }
    let d = &m.durations[i];
    PostmortemJson {
        id: &pm.id,
        title: pm.title.as_deref(),
        severity: pm.severity.as_deref(),
        status: pm.status.as_str(),
        kind: pm.kind.as_str(),
        area: pm.area.as_deref(),
        tags: &pm.tags,
        authors: &pm.authors,
        quarter: m.quarter_of[i].map(|q| q.to_string()),
        url: cfg.url(&Route::Postmortem(pm.id.clone()).link()),
        started: raw(&t.started),
        detected: raw(&t.detected),
        acknowledged: raw(&t.acknowledged),
        mitigated: raw(&t.mitigated),
        resolved: raw(&t.resolved),
        ttd_minutes: d.ttd,
        tta_minutes: d.tta,
        ttm_minutes: d.ttm,
        ttr_minutes: d.ttr,
        completeness: CompletenessJson {
            score: reports[i].score,
            problems: reports[i]
                .problems
                .iter()
                .map(|p| ProblemJson {
                    code: p.code.as_str(),
                    level: p.level.as_str(),
                    line: p.line,
                    message: &p.message,
                })
                .collect(),
        },
        review_due: m.reviews[i].due.map(|d| d.format("%Y-%m-%d").to_string()),
        review_overdue: m.reviews[i].overdue,
        contributing_factors: &pm.contributing_factors,
        lucky: pm.lucky.as_deref(),
        similar: learned
            .similar
            .iter()
            .map(|s| SimilarJson {
                id: &pms[s.index].id,
                score: (s.score * 1000.0).round() / 1000.0,
                reasons: &s.reasons,
            })
            .collect(),
        recurrence_of: learned
            .recurrence_of
            .into_iter()
            .map(|r| {
                let fix = r.fix.as_ref();
                RecurrenceJson {
                    id: &pms[r.earlier].id,
                    after_fix: fix.is_some(),
                    item: fix.map(|f| pms[r.earlier].action_items[f.item].id.as_str()),
                    closed: fix.map(|f| f.closed.format("%Y-%m-%d").to_string()),
                }
            })
            .collect(),
        action_items: pm.action_items.iter().zip(&m.items[i]).map(|(it, s)| item_json(None, it, s)).collect(),
    }
}

/// The action items of postmortem `i` as entries of `api/action-items.json`.
fn items_json<'a>(pms: &'a [Postmortem], m: &'a Metrics, i: usize) -> impl Iterator<Item = ItemJson<'a>> {
    let pm = &pms[i];
    pm.action_items.iter().zip(&m.items[i]).map(move |(it, s)| item_json(Some(&pm.id), it, s))
}

/// Size guesses: about 1.5 KB per postmortem and 300 bytes per action item.
fn sizes(pms: &[Postmortem]) -> (usize, usize) {
    (pms.len() * 1600, pms.iter().map(|p| p.action_items.len()).sum::<usize>() * 320)
}

/// `api/postmortems.json`, `api/action-items.json` and `api/metrics.json`,
/// each handed to `emit` as soon as it is made, so that only one is in
/// memory at a time. `pms` must be in the site's order (started, then id)
/// and `m` computed from the same slice.
pub fn exports(pms: &[Postmortem], reports: &[Report], m: &Metrics, cfg: &Config, emit: Emit) -> std::io::Result<()> {
    let site = crate::render::site::Site::new(pms, reports, m, cfg);
    exports_of(&site, emit)
}

/// What was learned across incidents about one postmortem.
pub(crate) struct Learned<'a> {
    pub(crate) similar: &'a [Match],
    pub(crate) recurrence_of: Vec<&'a Recurrence>,
}

impl<'a> Learned<'a> {
    pub(crate) fn of(site: &'a crate::render::site::Site, i: usize) -> Learned<'a> {
        Learned { similar: site.similar(i), recurrence_of: site.recurrence_of(i).collect() }
    }
}

/// [`exports`] of a site, with what it has already worked out.
pub(crate) fn exports_of(site: &crate::render::site::Site, emit: Emit) -> std::io::Result<()> {
    let (pms, reports, m, cfg) = (site.pms, site.reports, site.m, site.cfg);
    let (pm_size, item_size) = sizes(pms);
    let posts = Rows(|| (0..pms.len()).map(|i| pm_json(pms, reports, m, cfg, Learned::of(site, i), i)));
    emit(to_file(Export::PostmortemsJson, &posts, false, pm_size))?;
    let items = Rows(|| (0..pms.len()).flat_map(|i| items_json(pms, m, i)));
    emit(to_file(Export::ActionItemsJson, &items, false, item_size))?;
    emit(metrics_file(m))
}

/// Postmortem `i`'s entry of `api/postmortems.json` and its items'
/// entries of `api/action-items.json` (joined by commas; empty when it has
/// none), for [`from_parts`].
pub(crate) fn parts(
    pms: &[Postmortem],
    reports: &[Report],
    m: &Metrics,
    cfg: &Config,
    learned: Learned,
    i: usize,
) -> (Vec<u8>, Vec<u8>) {
    // serializing cannot fail: see to_file
    let entry = serde_json::to_vec(&pm_json(pms, reports, m, cfg, learned, i)).unwrap_or_default();
    let mut items = Vec::new();
    for (k, it) in items_json(pms, m, i).enumerate() {
        if k > 0 {
            items.push(b',');
        }
        let _ = serde_json::to_writer(&mut items, &it);
    }
    (entry, items)
}

/// The same files as [`exports`], byte for byte, from every postmortem's
/// [`parts`]: a JSON array is its entries joined by commas.
pub(crate) fn from_parts<'p>(
    pms: &[Postmortem],
    m: &Metrics,
    parts: impl Iterator<Item = (&'p [u8], &'p [u8])> + Clone,
    emit: Emit,
) -> std::io::Result<()> {
    let (pm_size, item_size) = sizes(pms);
    let array = |export: Export, entries: &mut dyn Iterator<Item = &'p [u8]>, size: usize| {
        let mut bytes = Vec::with_capacity(size);
        bytes.push(b'[');
        for (k, e) in entries.filter(|e| !e.is_empty()).enumerate() {
            if k > 0 {
                bytes.push(b',');
            }
            bytes.extend_from_slice(e);
        }
        bytes.extend_from_slice(b"]\n");
        OutputFile { path: Route::Export(export).path(), bytes }
    };
    emit(array(Export::PostmortemsJson, &mut parts.clone().map(|p| p.0), pm_size))?;
    emit(array(Export::ActionItemsJson, &mut parts.map(|p| p.1), item_size))?;
    emit(metrics_file(m))
}

/// `api/metrics.json`.
fn metrics_file(m: &Metrics) -> OutputFile {
    let metrics = MetricsJson {
        today: m.today.format("%Y-%m-%d").to_string(),
        timezone: &m.timezone,
        quarters: m.quarters.iter().map(|q| PeriodJson::of(q, Some(q.period.to_string()), None)).collect(),
        years: m.years.iter().map(|y| PeriodJson::of(y, None, Some(y.period.0))).collect(),
        total: TotalJson {
            incidents: m.total.incidents,
            near_misses: m.total.near_misses,
            by_severity: Ordered(&m.total.by_severity),
            by_area: &m.total.by_area,
            ttd_minutes: (&m.total.ttd).into(),
            ttm_minutes: (&m.total.ttm).into(),
            ttr_minutes: (&m.total.ttr).into(),
            undetected_share: m.total.undetected_share,
            action_items: TotalItemsJson {
                opened: m.total.action_items.opened,
                closed: m.total.action_items.closed,
                open: m.total.action_items.open,
                overdue: m.total.action_items.overdue,
            },
        },
    };
    to_file(Export::MetricsJson, &metrics, true, 64 * 1024)
}
