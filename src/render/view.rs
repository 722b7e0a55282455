//! What templates see: view models with every URL and display string
//! computed once, so templates only lay things out. docs/themes.md lists
//! every field.

use crate::config::Config;
use crate::metrics::{Durations, ItemState, Metrics, Quarter, Summary};
use crate::model::{ActionItem, PmKind, Postmortem, Report, Stamp};
use crate::routes::Route;
use crate::stats;
use serde::Serialize;
use std::borrow::Cow;

/// "38 min", "2 h 10 min", "3 d 4 h"; "—" for no value.
pub(crate) fn fmt_minutes(m: Option<f64>) -> String {
    let Some(m) = m else { return "—".to_string() };
    let total = m.round() as i64;
    if m > 0.0 && m < 1.0 {
        return "<1 min".to_string();
    }
    match total {
        t if t < 60 => format!("{t} min"),
        t if t < 24 * 60 => match t % 60 {
            0 => format!("{} h", t / 60),
            r => format!("{} h {r} min", t / 60),
        },
        t => match (t % 1440) / 60 {
            0 => format!("{} d", t / 1440),
            h => format!("{} d {h} h", t / 1440),
        },
    }
}

/// `text` as HTML, escaped, with each pair of backticks set as code: the
/// messages of checks name fields and values that way (`summary`).
pub(crate) fn code_spans(text: &str) -> String {
    let esc = super::feed::xml_escape;
    let parts: Vec<&str> = text.split('`').collect();
    let mut out = String::with_capacity(text.len() + 16);
    for (k, part) in parts.iter().enumerate() {
        // an odd part is inside backticks, unless it is the last one (an
        // unpaired backtick)
        if k % 2 == 1 && k + 1 < parts.len() {
            out.push_str("<code>");
            out.push_str(&esc(part));
            out.push_str("</code>");
        } else {
            if k % 2 == 1 {
                out.push('`');
            }
            out.push_str(&esc(part));
        }
    }
    out
}

/// "31%"; "—" for no value.
pub(crate) fn fmt_share(x: Option<f64>) -> String {
    x.map_or("—".to_string(), |x| format!("{:.0}%", x * 100.0))
}

/// A name and where it links to.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub(crate) struct Link {
    pub(crate) name: String,
    pub(crate) url: String,
}

/// A [`Link`] whose name is borrowed.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub(crate) struct LinkTo<'a> {
    pub(crate) name: &'a str,
    pub(crate) url: String,
}

/// URLs of the site's pages, all starting with `base_url`.
pub(crate) struct Urls<'a> {
    pub(crate) base: &'a str,
}

impl Urls<'_> {
    pub(crate) fn postmortem(&self, id: &str) -> String {
        self.page(&Route::Postmortem(id.to_string()))
    }
    /// The postmortem's area as a link, when it has one.
    pub(crate) fn area_link(&self, pm: &Postmortem) -> Option<Link> {
        pm.area.as_deref().filter(|a| !a.trim().is_empty()).map(|a| Link { name: a.to_string(), url: self.area(a) })
    }
    pub(crate) fn area(&self, area: &str) -> String {
        self.page(&Route::area(area))
    }
    pub(crate) fn tag(&self, tag: &str) -> String {
        self.page(&Route::tag(tag))
    }
    pub(crate) fn quarter(&self, q: Quarter) -> String {
        self.page(&Route::Quarter(q))
    }
    /// The link to a route.
    pub(crate) fn page(&self, route: &Route) -> String {
        route.url(self.base)
    }
}

/// CSS class of a severity: `sev-1` for the most severe.
pub(crate) fn sev_class(cfg: &Config, sev: Option<&str>) -> String {
    match sev.and_then(|s| cfg.severities.iter().position(|x| x == s)) {
        Some(i) => format!("sev-{}", i + 1),
        None => "sev-none".to_string(),
    }
}

/// A postmortem in lists and tables.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub(crate) struct PmRow {
    pub(crate) id: String,
    pub(crate) url: String,
    pub(crate) title: String,
    pub(crate) severity: String,
    pub(crate) sev_class: String,
    pub(crate) status: String,
    pub(crate) area: Option<Link>,
    pub(crate) tags: Vec<Link>,
    /// Start day in the site's timezone, `YYYY-MM-DD`.
    pub(crate) date: String,
    pub(crate) quarter: Option<Link>,
    pub(crate) ttd: String,
    pub(crate) ttm: String,
    pub(crate) ttr: String,
    /// Completeness score in percent.
    pub(crate) score: u32,
    pub(crate) summary: String,
    pub(crate) open_items: usize,
    pub(crate) overdue_items: usize,
}

pub(crate) fn pm_row(
    pm: &Postmortem,
    report: &Report,
    d: &Durations,
    q: Option<Quarter>,
    items: &[ItemState],
    cfg: &Config,
) -> PmRow {
    let urls = Urls { base: &cfg.base_url };
    PmRow {
        id: pm.id.clone(),
        url: urls.postmortem(&pm.id),
        title: pm.display_title().to_string(),
        // a near miss hurt no one: its badge says so instead of a severity
        severity: match pm.kind {
            PmKind::NearMiss => "near miss".into(),
            PmKind::Incident => pm.severity.clone().unwrap_or_else(|| "—".into()),
        },
        sev_class: match pm.kind {
            PmKind::NearMiss => "near-miss".into(),
            PmKind::Incident => sev_class(cfg, pm.severity.as_deref()),
        },
        status: pm.status.as_str().to_string(),
        area: urls.area_link(pm),
        tags: pm
            .tags
            .iter()
            .filter(|t| !t.trim().is_empty())
            .map(|t| Link { name: t.clone(), url: urls.tag(t) })
            .collect(),
        date: crate::metrics::start_day(pm, cfg.timezone).map_or("—".into(), |d| d.format("%Y-%m-%d").to_string()),
        quarter: q.map(|q| Link { name: q.to_string(), url: urls.quarter(q) }),
        ttd: fmt_minutes(d.ttd),
        ttm: fmt_minutes(d.ttm),
        ttr: fmt_minutes(d.ttr),
        score: (report.score * 100.0).round() as u32,
        // a placeholder summary (`TODO`) is no summary, in lists as on its page
        summary: pm.summary.clone().filter(|t| !crate::validate::is_placeholder(t, cfg)).unwrap_or_default(),
        open_items: items.iter().filter(|s| s.open).count(),
        overdue_items: items.iter().filter(|s| s.overdue).count(),
    }
}

/// An action item in tables. Its texts are borrowed from the model: a
/// large site has hundreds of thousands of items.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub(crate) struct ItemRow<'a> {
    pub(crate) id: &'a str,
    pub(crate) title: &'a str,
    pub(crate) kind: &'static str,
    pub(crate) owner: &'a str,
    pub(crate) due: &'a str,
    pub(crate) status: &'static str,
    /// The status for people: `in progress`, `wont do`.
    pub(crate) status_label: Cow<'static, str>,
    pub(crate) closed: &'a str,
    /// Only http(s) and mailto links, and relative ones; anything else
    /// (`javascript:`, `data:`) is not linked.
    pub(crate) link: Option<&'a str>,
    pub(crate) open: bool,
    pub(crate) overdue: bool,
    pub(crate) age_days: Option<i64>,
    /// Today − due, for an overdue item.
    pub(crate) days_overdue: Option<i64>,
    /// The id the writer gave; none for a generated one (`<postmortem>#3`).
    pub(crate) given_id: Option<&'a str>,
    /// The id of its row on its postmortem's page, for links to it.
    pub(crate) anchor: String,
    pub(crate) postmortem: LinkTo<'a>,
    pub(crate) area: Option<LinkTo<'a>>,
    pub(crate) severity: &'a str,
    pub(crate) sev_class: String,
    /// Sort rank: overdue 0, open 1, closed 2.
    pub(crate) rank: u8,
}

/// A link target that is safe to put in `href`.
pub(crate) fn safe_link(url: &str) -> Option<&str> {
    let u = url.trim();
    match crate::text::url_scheme(u) {
        Some(scheme) => matches!(scheme.as_str(), "http" | "https" | "mailto").then_some(u),
        None => (!u.is_empty()).then_some(u),
    }
}

pub(crate) fn item_row<'a>(pm: &'a Postmortem, item: &'a ActionItem, s: &ItemState, cfg: &Config) -> ItemRow<'a> {
    let urls = Urls { base: &cfg.base_url };
    let status = item.status.as_str();
    ItemRow {
        id: &item.id,
        title: item.title.as_deref().unwrap_or("(untitled)"),
        kind: item.kind.map_or("—", |k| k.as_str()),
        owner: item.owner.as_deref().unwrap_or("—"),
        due: item.due.as_ref().map_or("—", |d| d.raw.as_str()),
        status,
        status_label: Cow::Borrowed(item.status.label()),
        closed: item.closed.as_ref().map_or("", |d| d.raw.as_str()),
        link: item.link.as_deref().and_then(safe_link),
        open: s.open,
        overdue: s.overdue,
        age_days: s.age_days,
        days_overdue: s.days_overdue,
        given_id: Some(item.id.as_str()).filter(|id| !is_generated_id(id, &pm.id)),
        anchor: format!("item-{}", crate::text::slugify(&item.id)),
        postmortem: LinkTo { name: pm.display_title(), url: urls.postmortem(&pm.id) },
        area: pm.area.as_deref().filter(|a| !a.trim().is_empty()).map(|a| LinkTo { name: a, url: urls.area(a) }),
        severity: pm.severity.as_deref().unwrap_or_default(),
        sev_class: sev_class(cfg, pm.severity.as_deref()),
        rank: if s.overdue {
            0
        } else if s.open {
            1
        } else {
            2
        },
    }
}

/// Whether `id` is the one the parser makes for an item without one:
/// `<postmortem id>#<n>`.
pub(crate) fn is_generated_id(id: &str, pm_id: &str) -> bool {
    id.strip_prefix(pm_id).and_then(|r| r.strip_prefix('#')).is_some_and(|n| n.bytes().all(|b| b.is_ascii_digit()))
}

/// A timestamp for people: local time in the site's timezone.
pub(crate) fn fmt_stamp(s: &Stamp, cfg: &Config) -> String {
    // the format parsed once: parsing it took as long as formatting
    static ITEMS: std::sync::OnceLock<Vec<chrono::format::Item<'static>>> = std::sync::OnceLock::new();
    let items = ITEMS.get_or_init(|| chrono::format::StrftimeItems::new("%Y-%m-%d %H:%M %Z").collect());
    s.at.with_timezone(&cfg.timezone).format_with_items(items.iter()).to_string()
}

/// One headline figure, optionally against the previous period.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Figure {
    pub(crate) label: String,
    pub(crate) value: String,
    /// How many incidents the figure rests on.
    pub(crate) n: Option<usize>,
    pub(crate) prev: Option<String>,
    /// "↑" or "↓", only when both periods have enough incidents.
    pub(crate) arrow: Option<String>,
    /// "+12%", "−30%", "±0%".
    pub(crate) change: Option<String>,
    /// "better", "worse" or "same".
    pub(crate) verdict: Option<String>,
    /// Why no arrow is drawn, or how the figure is defined.
    pub(crate) note: Option<String>,
    pub(crate) formula: Option<String>,
}

impl Figure {
    pub(crate) fn plain(label: &str, value: String) -> Figure {
        Figure {
            label: label.into(),
            value,
            n: None,
            prev: None,
            arrow: None,
            change: None,
            verdict: None,
            note: None,
            formula: None,
        }
    }
}

/// What decides whether a figure's change from the previous period is
/// shown as a change.
pub(crate) enum Evidence<'a> {
    /// Events counted in two periods of equal length: the exact
    /// conditional binomial test.
    Counts(usize, usize),
    /// Two sets of durations: the Mann–Whitney U test.
    Durations(&'a [f64], &'a [f64]),
    /// No test applies: the previous value is shown, without an arrow,
    /// and the note says why.
    Untested(&'static str),
}

/// "p = 0.042", "p = 0.42", "p < 0.001".
pub(crate) fn fmt_p(p: f64) -> String {
    if p < 0.001 {
        "p < 0.001".into()
    } else if p < 0.1 {
        format!("p = {p:.3}")
    } else {
        format!("p = {p:.2}")
    }
}

/// Compares `cur` with `prev`. An arrow, the change in % and a verdict are
/// drawn only where the change is unlikely to be chance (a two-sided test
/// at 5 %, named in the note with its p-value); otherwise the note says
/// "no detectable change".
/// `lower_is_better` decides whether an increase is "worse".
pub(crate) fn compare(
    mut f: Figure,
    cur: Option<f64>,
    prev: Option<f64>,
    evidence: Evidence,
    lower_is_better: bool,
) -> Figure {
    let (Some(c), Some(p)) = (cur, prev) else { return f };
    if matches!(evidence, Evidence::Counts(0, 0)) {
        // nothing happened in either period: nothing to test
        return f;
    }
    let tested = match evidence {
        Evidence::Counts(a, b) => (stats::counts_p(a as u64, b as u64), stats::Test::Binomial),
        Evidence::Durations(x, y) => stats::mann_whitney_p(x, y),
        Evidence::Untested(why) => {
            f.note = Some(format!("not tested ({why})"));
            return f;
        }
    };
    let (pv, test) = tested;
    if pv >= stats::ALPHA {
        f.note = Some(format!("no detectable change ({}, {})", test.name(), fmt_p(pv)));
        return f;
    }
    f.note = Some(format!("unlikely to be chance ({}, {})", test.name(), fmt_p(pv)));
    let (arrow, verdict) = if (c - p).abs() < 1e-9 {
        ("→", "same")
    } else if c > p {
        ("↑", if lower_is_better { "worse" } else { "better" })
    } else {
        ("↓", if lower_is_better { "better" } else { "worse" })
    };
    f.arrow = Some(arrow.into());
    f.verdict = Some(verdict.into());
    f.change = Some(if p.abs() < 1e-9 {
        if c.abs() < 1e-9 {
            "±0%".into()
        } else {
            "new".into()
        }
    } else {
        let pct = (c - p) / p * 100.0;
        if pct.round() == 0.0 {
            "±0%".into()
        } else if pct > 0.0 {
            format!("+{pct:.0}%")
        } else {
            format!("−{:.0}%", -pct)
        }
    });
    f
}

/// "47 min (95 % CI 12 min–3 h 10 min)"; the median alone below 6 values.
pub(crate) fn fmt_median(s: &Summary) -> String {
    match (s.median, s.ci95) {
        (Some(m), Some((lo, hi))) => {
            format!("{} (95 % CI {}–{})", fmt_minutes(Some(m)), fmt_minutes(Some(lo)), fmt_minutes(Some(hi)))
        }
        (m, _) => fmt_minutes(m),
    }
}

/// The figures of one quarter against the one before.
pub(crate) struct QuarterFigures {
    incidents: Figure,
    sev1: Figure,
    ttd: Figure,
    ttm: Figure,
    undetected: Figure,
    /// Action items of the quarter's incidents.
    opened: Figure,
    /// How many of those are open today.
    still_open: Figure,
}

impl QuarterFigures {
    /// Every figure, for the quarter's page.
    pub(crate) fn all(self) -> Vec<Figure> {
        vec![self.incidents, self.sev1, self.ttd, self.ttm, self.undetected, self.opened, self.still_open]
    }

    /// The three that tell how a quarter went, for the home page.
    pub(crate) fn key(self) -> Vec<Figure> {
        vec![self.incidents, self.sev1, self.ttm]
    }
}

/// The figures of one quarter against the one before. A quarter that is
/// not finished is not compared: its figures are "so far".
pub(crate) fn quarter_figures(m: &Metrics, idx: usize, cfg: &Config) -> QuarterFigures {
    let q = &m.quarters[idx];
    // only the finished quarter just before is "the previous quarter"
    let p =
        idx.checked_sub(1).map(|i| &m.quarters[i]).filter(|p| q.complete && p.complete && p.period.next() == q.period);
    let count = |x: usize| Some(x as f64);
    let sev1 = |qq: &crate::metrics::QuarterMetrics| qq.by_severity.first().map_or(0, |s| s.1);
    let sev1_name = cfg.severities.first().cloned().unwrap_or_default();
    let with_prev = |mut f: Figure, v: Option<String>| {
        f.prev = v;
        f
    };
    let counted = |label: &str, of: &dyn Fn(&crate::metrics::QuarterMetrics) -> usize, lower_is_better| {
        let f = with_prev(Figure::plain(label, of(q).to_string()), p.map(|p| of(p).to_string()));
        let e = Evidence::Counts(of(q), p.map_or(0, of));
        compare(f, count(of(q)), p.map(|p| of(p) as f64), e, lower_is_better)
    };
    let duration = |label: &str, cur: &Summary, prev: Option<&Summary>, formula: &str| {
        let mut f = with_prev(Figure::plain(label, fmt_median(cur)), prev.map(|s| fmt_minutes(s.median)));
        f.n = Some(cur.n);
        f.formula = Some(formula.into());
        let e = Evidence::Durations(&cur.values, prev.map_or(&[][..], |s| &s.values));
        compare(f, cur.median, prev.and_then(|s| s.median), e, true)
    };
    let mut undetected = Figure::plain("Undetected share", fmt_share(q.undetected_share));
    undetected.n = Some(q.ttd.n.min(q.ttm.n));
    undetected.formula = Some("Σ TTD ÷ Σ TTM: the share of impact time nobody knew".into());
    let undetected = with_prev(undetected, p.map(|p| fmt_share(p.undetected_share)));
    // this quarter's own action items, as they stand today
    let states = || q.members.iter().flat_map(|&i| &m.items[i]);
    let (open, overdue) = (states().filter(|s| s.open).count(), states().filter(|s| s.overdue).count());
    let mut still_open = Figure::plain("Of them open today", open.to_string());
    still_open.note = Some(format!("{overdue} overdue, as of {}", m.today));
    QuarterFigures {
        incidents: counted("Incidents", &|x| x.incidents, true),
        sev1: counted(&format!("{sev1_name} incidents"), &sev1, true),
        ttd: duration("Median time to detect", &q.ttd, p.map(|p| &p.ttd), "TTD = detected − started"),
        ttm: duration("Median time to mitigate", &q.ttm, p.map(|p| &p.ttm), "TTM = mitigated − started"),
        undetected: compare(
            undetected,
            q.undetected_share,
            p.and_then(|p| p.undetected_share),
            Evidence::Untested("a ratio of sums"),
            true,
        ),
        opened: Figure::plain("Action items from its incidents", q.action_items.opened.to_string()),
        still_open,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backticks_in_messages_become_code_and_the_rest_is_escaped() {
        assert_eq!(code_spans("`summary` is empty"), "<code>summary</code> is empty");
        assert_eq!(code_spans("a `<b>` & `c"), "a <code>&lt;b&gt;</code> &amp; `c");
        assert_eq!(code_spans("none"), "none");
    }

    #[test]
    fn minutes_read_naturally() {
        assert_eq!(fmt_minutes(None), "—");
        assert_eq!(fmt_minutes(Some(0.0)), "0 min");
        assert_eq!(fmt_minutes(Some(0.4)), "<1 min");
        assert_eq!(fmt_minutes(Some(38.0)), "38 min");
        assert_eq!(fmt_minutes(Some(120.0)), "2 h");
        assert_eq!(fmt_minutes(Some(130.4)), "2 h 10 min");
        assert_eq!(fmt_minutes(Some(1440.0 * 3.0 + 245.0)), "3 d 4 h");
    }

    #[test]
    fn only_web_and_mail_links_are_linked() {
        assert!(safe_link("https://tracker.example.com/X-1").is_some());
        assert!(safe_link("mailto:ops@example.com").is_some());
        assert!(safe_link("/runbooks/pool").is_some());
        for bad in
            ["javascript:alert(1)", "JaVaScRiPt:alert(1)", " java\tscript:x", "vbscript:x", "data:text/html,x", ""]
        {
            assert!(safe_link(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn arrows_are_drawn_only_where_a_test_finds_a_change() {
        let fig = || Figure::plain("x", "1".into());
        let view = |f: &Figure| (f.arrow.clone(), f.change.clone(), f.verdict.clone(), f.note.clone());
        // 10 against 2: p = 0.039 → an arrow
        let f = compare(fig(), Some(10.0), Some(2.0), Evidence::Counts(10, 2), true);
        assert_eq!(
            view(&f),
            (
                Some("↑".into()),
                Some("+400%".into()),
                Some("worse".into()),
                Some("unlikely to be chance (exact binomial test, p = 0.039)".into())
            )
        );
        // 9 against 3: p = 0.15 → no arrow
        let f = compare(fig(), Some(9.0), Some(3.0), Evidence::Counts(9, 3), true);
        assert_eq!(view(&f), (None, None, None, Some("no detectable change (exact binomial test, p = 0.15)".into())));
        // durations: five against five, all shorter → p = 0.0079
        let (x, y) = ([1.0, 2.0, 3.0, 4.0, 5.0], [6.0, 7.0, 8.0, 9.0, 10.0]);
        let f = compare(fig(), Some(3.0), Some(8.0), Evidence::Durations(&x, &y), true);
        assert_eq!(f.verdict.as_deref(), Some("better"));
        assert_eq!(f.note.as_deref(), Some("unlikely to be chance (Mann–Whitney test, exact, p = 0.008)"));
        let f = compare(fig(), Some(0.3), Some(0.1), Evidence::Untested("a ratio of sums"), true);
        assert_eq!(view(&f), (None, None, None, Some("not tested (a ratio of sums)".into())));
        // nothing in either period: nothing to say
        assert_eq!(view(&compare(fig(), Some(0.0), Some(0.0), Evidence::Counts(0, 0), true)), (None, None, None, None));
        // nothing to compare with
        assert_eq!(view(&compare(fig(), Some(1.0), None, Evidence::Counts(1, 0), true)), (None, None, None, None));
    }
}
