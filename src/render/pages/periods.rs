//! A row of figures per period (quarter or year): the trend tables, the
//! list of quarters, and the duration summaries every figure table shows.

use crate::metrics::{Period, Summary};
use crate::render::site::Site;
use crate::render::view::{fmt_minutes, fmt_share};
use serde::Serialize;

/// p90 is printed only from this many values: below, it is one of the
/// largest values, not a percentile a reader can lean on (it stays in
/// `api/metrics.json`).
pub(crate) const P90_FROM: usize = 10;

/// A duration summary for people: n, the median, its 95 % interval and
/// p90 ("—" where there is none).
#[derive(Clone, Serialize)]
pub(super) struct SummaryRow {
    pub(super) n: usize,
    pub(super) median: String,
    pub(super) ci95: String,
    pub(super) p90: String,
}

pub(super) fn summary_row(s: &Summary) -> SummaryRow {
    SummaryRow {
        n: s.n,
        median: fmt_minutes(s.median),
        ci95: s.ci95.map_or("—".into(), |(lo, hi)| format!("{}–{}", fmt_minutes(Some(lo)), fmt_minutes(Some(hi)))),
        p90: if s.n >= P90_FROM { fmt_minutes(s.p90) } else { "—".into() },
    }
}

/// One period's row.
#[derive(Serialize)]
pub(super) struct PeriodRow {
    /// `2024-Q3` or `2024`.
    pub(super) period: String,
    /// The period's page, when it has one (quarters).
    pub(super) url: Option<String>,
    /// False while the period contains today: its figures are "so far".
    complete: bool,
    pub(super) incidents: usize,
    by_severity: Vec<usize>,
    sev1: usize,
    pub(super) ttd: SummaryRow,
    pub(super) ttm: SummaryRow,
    pub(super) ttr: SummaryRow,
    undetected: String,
    pub(super) opened: usize,
    closed: usize,
    open_at_end: usize,
    /// Fewer incidents than `min_sample`.
    pub(super) few: bool,
}

/// The rows of `periods`, each linked to the page `url` gives it.
pub(super) fn rows<P: Copy + std::fmt::Display>(
    site: &Site,
    periods: &[Period<P>],
    url: impl Fn(P) -> Option<String>,
) -> Vec<PeriodRow> {
    periods
        .iter()
        .map(|q| PeriodRow {
            period: q.period.to_string(),
            url: url(q.period),
            complete: q.complete,
            incidents: q.incidents,
            by_severity: q.by_severity.iter().map(|x| x.1).collect(),
            sev1: q.by_severity.first().map_or(0, |x| x.1),
            ttd: summary_row(&q.ttd),
            ttm: summary_row(&q.ttm),
            ttr: summary_row(&q.ttr),
            undetected: fmt_share(q.undetected_share),
            opened: q.action_items.opened,
            closed: q.action_items.closed,
            open_at_end: q.action_items.open_at_end,
            few: q.incidents < site.cfg.min_sample,
        })
        .collect()
}
