//! The HTML pages of FORMAT.md section 6, rendered with the theme's
//! templates from view models.

use super::charts::{self, Series, PALETTE};
use super::shared::Shared;
use super::theme::{template_diagnostic, Theme};
use super::view::{self, fmt_minutes, fmt_share, item_row, Figure, ItemRow, Link, PmRow, Urls};
use super::{OutputFile, RenderError, Sink};
use crate::config::Config;
use crate::diagnostic::{Code, Diagnostic};
use crate::metrics::{Metrics, Quarter, QuarterMetrics, Summary};
use crate::model::Postmortem;
use crate::routes;
use crate::text::name_slug;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

#[derive(Serialize)]
struct SevInfo {
    name: String,
    class: String,
}

#[derive(Serialize)]
struct SiteCtx<'a> {
    title: &'a str,
    base: &'a str,
    today: String,
    timezone: &'a str,
    min_sample: usize,
    severities: Vec<SevInfo>,
    nav: Vec<Link>,
}

/// Everything pages are made from.
pub struct Input<'a> {
    pub cfg: &'a Config,
    pub pms: &'a [Postmortem],
    pub m: &'a Metrics,
    pub theme: &'a Theme,
    /// One row per postmortem, in the order of `pms`.
    pub rows: &'a [PmRow],
}

struct Renderer<'a> {
    input: &'a Input<'a>,
    site: tera::Value,
    rows: Shared<'a, PmRow>,
    sink: &'a dyn Sink,
    /// Every page written so far, for the sitemap (in any order).
    paths: std::sync::Mutex<Vec<String>>,
}

impl<'a> Renderer<'a> {
    fn add_path(&self, path: String) {
        if let Ok(mut p) = self.paths.lock() {
            p.push(path);
        }
    }

    /// Renders one page; safe to call from many threads.
    fn render_one(
        &self,
        template: &str,
        path: &str,
        title: &str,
        section: &str,
        mut ctx: tera::Context,
    ) -> Result<OutputFile, Diagnostic> {
        // no page's own variables are called `site` or `page`
        ctx.insert_value("site", self.site.clone());
        ctx.insert("page", &PageInfo { title, path, section });
        // most pages are tens of kilobytes: grow the buffer rarely
        let mut html = Vec::with_capacity(48 * 1024);
        self.input.theme.tera.render_to(template, &ctx, &mut html).map_err(|e| {
            template_diagnostic(&self.input.cfg.theme, &e).hint(
                "a template refers to a variable or filter that does not exist; docs/themes.md lists the variables",
            )
        })?;
        Ok(OutputFile { path: path.to_string(), bytes: html })
    }

    fn render(
        &self,
        template: &str,
        path: &str,
        title: &str,
        section: &str,
        extra: tera::Context,
    ) -> Result<(), RenderError> {
        let page = self.render_one(template, path, title, section, extra)?;
        self.add_path(page.path.clone());
        self.sink.put(page)?;
        Ok(())
    }
}

/// `page` in every template: the page's title, path and section.
#[derive(Serialize)]
struct PageInfo<'a> {
    title: &'a str,
    path: &'a str,
    section: &'a str,
}

fn sev_series(cfg: &Config, quarters: &[QuarterMetrics]) -> Vec<Series> {
    cfg.severities
        .iter()
        .enumerate()
        .map(|(i, s)| Series {
            name: s.clone(),
            color: PALETTE[i % PALETTE.len()],
            values: quarters.iter().map(|q| q.by_severity.get(i).map_or(0.0, |x| x.1 as f64)).collect(),
        })
        .collect()
}

fn chart_err(e: String) -> Diagnostic {
    Diagnostic::new(Code::T001, "charts", 1, 1, e).hint("this is a bug in retro; please report it")
}

#[derive(Serialize)]
struct QuarterRow {
    quarter: Link,
    incidents: usize,
    by_severity: Vec<usize>,
    sev1: usize,
    ttd: SummaryRow,
    ttm: SummaryRow,
    ttr: SummaryRow,
    undetected: String,
    opened: usize,
    closed: usize,
    open_at_end: usize,
    /// Fewer incidents than `min_sample`.
    few: bool,
    areas: Vec<usize>,
}

#[derive(Serialize)]
struct SummaryRow {
    n: usize,
    median: String,
    p90: String,
}

fn summary_row(s: &Summary) -> SummaryRow {
    SummaryRow { n: s.n, median: fmt_minutes(s.median), p90: fmt_minutes(s.p90) }
}

/// Figures of any set of incidents (an area, a tag).
#[derive(Serialize)]
struct SliceFigures {
    incidents: usize,
    by_severity: Vec<(String, usize)>,
    ttd: SummaryRow,
    ttm: SummaryRow,
    ttr: SummaryRow,
    undetected: String,
    open_items: usize,
    overdue_items: usize,
}

fn slice_figures(idx: &[usize], input: &Input) -> SliceFigures {
    let (pms, m, cfg) = (input.pms, input.m, input.cfg);
    let durs: Vec<_> = idx.iter().map(|&i| m.durations[i]).collect();
    let pick = |f: fn(&crate::metrics::Durations) -> Option<f64>| Summary::of(durs.iter().filter_map(f).collect());
    SliceFigures {
        incidents: idx.len(),
        by_severity: cfg
            .severities
            .iter()
            .map(|s| (s.clone(), idx.iter().filter(|&&i| pms[i].severity.as_deref() == Some(s)).count()))
            .collect(),
        ttd: summary_row(&pick(|d| d.ttd)),
        ttm: summary_row(&pick(|d| d.ttm)),
        ttr: summary_row(&pick(|d| d.ttr)),
        undetected: fmt_share(Some(crate::metrics::undetected_share(&durs))),
        open_items: idx.iter().flat_map(|&i| &m.items[i]).filter(|s| s.open).count(),
        overdue_items: idx.iter().flat_map(|&i| &m.items[i]).filter(|s| s.overdue).count(),
    }
}

/// Renders every page.
/// Renders every page into `sink`; returns their paths.
impl<'a> Renderer<'a> {
    fn new(input: &'a Input<'a>, sink: &'a dyn Sink) -> Renderer<'a> {
        let (cfg, m) = (input.cfg, input.m);
        let urls = Urls { base: &cfg.base_url };
        let nav = vec![
            Link { name: "Overview".into(), url: urls.page(routes::HOME) },
            Link { name: "Postmortems".into(), url: urls.page(routes::POSTMORTEMS) },
            Link { name: "Action items".into(), url: urls.page(routes::ACTION_ITEMS) },
            Link { name: "Trends".into(), url: urls.page(routes::TRENDS) },
            Link { name: "Quarters".into(), url: urls.page(routes::QUARTERS) },
            Link { name: "Areas".into(), url: urls.page(routes::AREAS) },
            Link { name: "Tags".into(), url: urls.page(routes::TAGS) },
        ];
        let site = SiteCtx {
            title: &cfg.title,
            base: &cfg.base_url,
            today: m.today.format("%Y-%m-%d").to_string(),
            timezone: &m.timezone,
            min_sample: cfg.min_sample,
            severities: cfg
                .severities
                .iter()
                .map(|s| SevInfo { name: s.clone(), class: view::sev_class(cfg, Some(s)) })
                .collect(),
            nav,
        };
        Renderer {
            input,
            site: tera::Value::from_serializable(&site),
            rows: Shared::new(input.rows),
            sink,
            paths: std::sync::Mutex::new(Vec::new()),
        }
    }
}

/// Every action item as a table row, in postmortem order.
fn item_rows<'a>(input: &Input<'a>) -> Vec<ItemRow<'a>> {
    let (cfg, pms, m) = (input.cfg, input.pms, input.m);
    pms.par_iter()
        .enumerate()
        .flat_map_iter(|(i, pm)| pm.action_items.iter().zip(&m.items[i]).map(move |(it, s)| item_row(pm, it, s, cfg)))
        .collect()
}

/// Renders only the page of postmortem `i` into `sink`: what changes when
/// nothing but a body was edited.
pub fn render_postmortem(input: &Input, sink: &dyn Sink, i: usize) -> Result<(), RenderError> {
    let r = Renderer::new(input, sink);
    // only this postmortem's items: its page shows no others
    let (pm, states) = (&input.pms[i], &input.m.items[i]);
    let items: Vec<ItemRow> =
        pm.action_items.iter().zip(states).map(|(it, s)| item_row(pm, it, s, input.cfg)).collect();
    let refs: Vec<&Postmortem> = input.pms.iter().collect();
    let related = Related::new(&refs);
    let offsets = vec![0; input.pms.len()];
    let page = postmortem_page(&r, &related, &Shared::new(&items), &offsets, i)?;
    sink.put(page)?;
    Ok(())
}

/// The path of postmortem `pm`'s page under the output folder.
pub fn postmortem_path(pm: &Postmortem) -> String {
    routes::file(&routes::postmortem(&pm.id))
}

/// Which postmortem pages list postmortem `x` among their related ones,
/// in `before` or in `after` (the same postmortems in the same order, `x`
/// edited): the pages to render again besides `x`'s own.
pub fn related_to(before: &[&Postmortem], after: &[&Postmortem], x: usize) -> Vec<usize> {
    let (rb, ra) = (Related::new(before), Related::new(after));
    let mut candidates = std::collections::BTreeSet::new();
    for (rel, pms) in [(&rb, before), (&ra, after)] {
        candidates.extend(rel.linked[x].iter().copied());
        let pm = pms[x];
        for t in &pm.tags {
            candidates.extend(rel.by_tag.get(t.as_str()).into_iter().flatten().copied());
        }
        if let Some(a) = pm.area.as_deref() {
            candidates.extend(rel.by_area.get(a).into_iter().flatten().copied());
        }
    }
    candidates.remove(&x);
    candidates.into_iter().filter(|&j| rb.of(before[j], j).contains(&x) || ra.of(after[j], j).contains(&x)).collect()
}

/// Which postmortem pages [`render_all`] renders.
#[derive(Clone, Copy)]
pub enum PmPages<'s> {
    All,
    /// Only these (by index); the others are already in place.
    Only(&'s [usize]),
}

/// What [`render_all`] renders: every page, or after an edit of one
/// postmortem only the pages that can show it.
#[derive(Clone, Copy)]
pub struct Scope<'s> {
    pub postmortems: PmPages<'s>,
    /// Which pages of the action-item tracker (`/action-items/…`).
    pub action_items: Tracker,
    /// Only the area and tag pages with these slugs (the lists of areas
    /// and tags always); `None`: all of them.
    pub areas: Option<&'s [String]>,
    pub tags: Option<&'s [String]>,
    /// Only the pages of these quarters (indices into the metrics'
    /// quarters; the list of quarters always); `None`: all of them.
    pub quarters: Option<&'s [usize]>,
}

impl Scope<'_> {
    pub const ALL: Scope<'static> =
        Scope { postmortems: PmPages::All, action_items: Tracker::All, areas: None, tags: None, quarters: None };
}

/// Renders every page into `sink`; returns their paths.
pub fn render_all(input: &Input, sink: &dyn Sink, scope: Scope) -> Result<Vec<String>, RenderError> {
    let (cfg, m) = (input.cfg, input.m);
    let r = Renderer::new(input, sink);
    let items = item_rows(input);
    let labels: Vec<String> = m.quarters.iter().map(|q| q.quarter.to_string()).collect();
    let sev1_name = cfg.severities.first().cloned().unwrap_or_default();
    let sev1_chart = charts::lines(
        "chart-sev1",
        &format!("{sev1_name} incidents per quarter"),
        &labels,
        &[Series {
            name: sev1_name.clone(),
            color: PALETTE[0],
            values: m.quarters.iter().map(|q| q.by_severity.first().map_or(0.0, |x| x.1 as f64)).collect(),
        }],
        "incidents",
        false,
    )
    .map_err(chart_err)?;

    // independent groups of pages, on all cores
    let r = &r;
    let items = &Shared::keeping(&items, |i| i.open);
    let tracker = (!matches!(scope.action_items, Tracker::None))
        .then(|| TrackerPlan::new(r, items, scope.action_items, matches!(scope.postmortems, PmPages::All)));
    let tracker = tracker.as_ref();
    let (a, (b, (c, (d, e)))) = rayon::join(
        || crate::timing::timed("postmortem pages", || postmortem_pages(r, items, scope.postmortems, tracker)),
        || {
            rayon::join(
                || match tracker {
                    None => Ok(()),
                    Some(t) => crate::timing::timed("action items", || t.render(r, items)),
                },
                || {
                    rayon::join(
                        || crate::timing::timed("quarters", || quarters(r, items, scope.quarters)),
                        || {
                            rayon::join(
                                || crate::timing::timed("areas and tags", || taxonomies(r, scope)),
                                || -> Result<(), RenderError> {
                                    crate::timing::timed("home", || home(r, items, &sev1_chart))?;
                                    crate::timing::timed("trends", || trends(r, &labels, &sev1_chart))?;
                                    let mut ctx = tera::Context::new();
                                    ctx.insert_value("postmortems", r.rows.list((0..r.rows.len()).rev()));
                                    crate::timing::timed("postmortem list", || {
                                        r.render(
                                            "postmortems.html",
                                            &routes::file(routes::POSTMORTEMS),
                                            "All postmortems",
                                            "Postmortems",
                                            ctx,
                                        )
                                    })?;
                                    r.render("404.html", routes::NOT_FOUND, "Page not found", "", tera::Context::new())
                                },
                            )
                        },
                    )
                },
            )
        },
    );
    a?;
    b?;
    c?;
    d?;
    e?;
    let mut paths = r.paths.lock().map(|p| p.clone()).unwrap_or_default();
    paths.sort_unstable();
    Ok(paths)
}

/// The home page lists at most this many overdue items, most overdue first.
pub const HOME_OVERDUE: usize = 20;

fn home(r: &Renderer, items: &Shared<ItemRow>, sev1_chart: &str) -> Result<(), RenderError> {
    let (cfg, m) = (r.input.cfg, r.input.m);
    let mut ctx = tera::Context::new();
    if let Some(last) = m.quarters.len().checked_sub(1) {
        ctx.insert("quarter", &m.quarters[last].quarter.to_string());
        ctx.insert("quarter_url", &Urls { base: &cfg.base_url }.quarter(m.quarters[last].quarter));
        let previous =
            last.checked_sub(1).map(|p| m.quarters[p].quarter).filter(|p| p.next() == m.quarters[last].quarter);
        ctx.insert("previous", &previous.map(|p| p.to_string()));
        ctx.insert("quarter_incidents", &m.quarters[last].incidents);
        ctx.insert("figures", &view::quarter_figures(m, last, cfg));
    }
    let mut overdue: Vec<usize> = (0..items.len()).filter(|&i| items[i].overdue).collect();
    overdue.sort_by(|&a, &b| items[a].due.cmp(items[b].due).then(items[a].id.cmp(items[b].id)));
    let recent = r.rows.list((0..r.rows.len()).rev().take(10));
    let total = Figure::plain("Overdue action items", m.total.action_items.overdue.to_string());
    ctx.insert("overdue_shown", &overdue.len().min(HOME_OVERDUE));
    overdue.truncate(HOME_OVERDUE);
    ctx.insert_value("overdue", items.list(overdue));
    ctx.insert("overdue_total", &total);
    ctx.insert("open_total", &m.total.action_items.open);
    ctx.insert_value("recent", recent);
    ctx.insert("count", &r.rows.len());
    ctx.insert("sev1_chart", sev1_chart);
    let urls = Urls { base: &cfg.base_url };
    let sev1_rows: Vec<serde_json::Value> = m
        .quarters
        .iter()
        .map(|q| {
            serde_json::json!({
                "quarter": q.quarter.to_string(),
                "url": urls.quarter(q.quarter),
                "sev1": q.by_severity.first().map_or(0, |x| x.1),
                "incidents": q.incidents,
            })
        })
        .collect();
    ctx.insert("sev1_rows", &sev1_rows);
    r.render("index.html", "index.html", &cfg.title.clone(), "Overview", ctx)
}

/// What only a postmortem's own page shows, in the order a theme that
/// iterates `detail` has always seen.
#[derive(Serialize)]
struct Detail<'a> {
    authors: &'a [String],
    impact: Option<&'a str>,
    detection: Option<&'static str>,
    trigger: Option<&'a str>,
    root_cause: Option<&'a str>,
    whys: &'a [String],
    file: &'a str,
    tta: String,
}

#[derive(Serialize)]
struct TimelineRow {
    key: &'static str,
    label: &'static str,
    raw: String,
    local: String,
    note: String,
}

#[derive(Serialize)]
struct Segment {
    class: &'static str,
    label: &'static str,
    pct: String,
    duration: String,
}

#[derive(Serialize)]
struct QuestionRow {
    key: &'static str,
    question: &'static str,
    answer: Option<String>,
}

#[derive(Serialize)]
struct ProblemRow {
    code: &'static str,
    level: &'static str,
    line: usize,
    message: String,
    hint: String,
}

fn postmortem_pages(
    r: &Renderer,
    items: &Shared<ItemRow>,
    which: PmPages,
    tracker: Option<&TrackerPlan>,
) -> Result<(), RenderError> {
    let pms = r.input.pms;
    let refs: Vec<&Postmortem> = pms.iter().collect();
    let related = Related::new(&refs);
    let offsets = item_offsets(pms);
    let all: Vec<usize>;
    let render: &[usize] = match which {
        PmPages::All => {
            all = (0..pms.len()).collect();
            &all
        }
        PmPages::Only(list) => {
            // the others are in place: the sitemap still lists them
            for pm in pms {
                r.add_path(postmortem_path(pm));
            }
            list
        }
    };
    let progress = crate::progress::Progress::new("rendering", render.len());
    let pages: Vec<Result<String, RenderError>> = render
        .par_iter()
        .map(|&i| {
            let page = postmortem_page(r, &related, items, &offsets, i)?;
            let path = page.path.clone();
            r.sink.put(page)?;
            if let Some(t) = tracker {
                t.shown(r, items, offsets[i]..offsets[i] + pms[i].action_items.len())?;
            }
            progress.inc();
            Ok(path)
        })
        .collect();
    for page in pages {
        let path = page?;
        if matches!(which, PmPages::All) {
            r.add_path(path);
        }
    }
    Ok(())
}

/// Indexes for "related postmortems", built once per build.
struct Related<'p> {
    /// `related` both ways.
    linked: Vec<Vec<usize>>,
    by_area: HashMap<&'p str, Vec<usize>>,
    by_tag: HashMap<&'p str, Vec<usize>>,
}

impl<'p> Related<'p> {
    fn new(pms: &[&'p Postmortem]) -> Related<'p> {
        let by_id: HashMap<&str, usize> = pms.iter().enumerate().map(|(i, p)| (p.id.as_str(), i)).collect();
        let mut linked: Vec<Vec<usize>> = vec![Vec::new(); pms.len()];
        let mut by_area: HashMap<&str, Vec<usize>> = HashMap::new();
        let mut by_tag: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, pm) in pms.iter().enumerate() {
            for rel in &pm.related {
                if let Some(&j) = by_id.get(rel.trim()) {
                    if i != j {
                        linked[i].push(j);
                        linked[j].push(i);
                    }
                }
            }
            if let Some(a) = pm.area.as_deref() {
                by_area.entry(a).or_default().push(i);
            }
            for t in &pm.tags {
                by_tag.entry(t.as_str()).or_default().push(i);
            }
        }
        Related { linked, by_area, by_tag }
    }

    /// Up to six postmortems related to `i`: linked both ways first, then
    /// shared tags, then the same area; the newest first on ties.
    fn of(&self, pm: &Postmortem, i: usize) -> Vec<usize> {
        // at most a few hundred candidates: a sorted list beats a map
        let mut votes: Vec<(usize, i64)> = Vec::with_capacity(160);
        votes.extend(self.linked[i].iter().map(|&j| (j, 1000)));
        for t in &pm.tags {
            let tagged = self.by_tag.get(t.as_str()).map(Vec::as_slice).unwrap_or(&[]);
            votes.extend(tagged.iter().rev().take(50).map(|&j| (j, 10)));
        }
        if let Some(a) = pm.area.as_deref() {
            let same = self.by_area.get(a).map(Vec::as_slice).unwrap_or(&[]);
            votes.extend(same.iter().rev().take(50).map(|&j| (j, 5)));
        }
        votes.sort_unstable_by_key(|v| v.0);
        let mut ranked: Vec<(usize, i64)> = Vec::with_capacity(votes.len());
        for (j, s) in votes {
            match ranked.last_mut() {
                Some(last) if last.0 == j => last.1 += s,
                _ if j == i => {}
                _ => ranked.push((j, s)),
            }
        }
        // a total order (indices are unique): the best six, then in order
        let order = |a: &(usize, i64), b: &(usize, i64)| b.1.cmp(&a.1).then(b.0.cmp(&a.0));
        if ranked.len() > 6 {
            ranked.select_nth_unstable_by(5, order);
            ranked.truncate(6);
        }
        ranked.sort_by(order);
        ranked.into_iter().map(|(j, _)| j).collect()
    }
}

/// The page of postmortem `i`.
fn postmortem_page(
    r: &Renderer,
    related: &Related,
    items: &Shared<ItemRow>,
    offsets: &[usize],
    i: usize,
) -> Result<OutputFile, RenderError> {
    let (cfg, pms, m) = (r.input.cfg, r.input.pms, r.input.m);
    let pm = &pms[i];
    let pm_items = items.list(offsets[i]..offsets[i] + pm.action_items.len());
    let related = r.rows.list(related.of(pm, i));

    let t = &pm.timeline;
    let d = &m.durations[i];
    let mut timeline = Vec::new();
    for (key, label, stamp, note) in [
        ("started", "Started", &t.started, "impact began".to_string()),
        (
            "detected",
            "Detected",
            &t.detected,
            d.ttd.map_or(String::new(), |x| format!("detected after {}", fmt_minutes(Some(x)))),
        ),
        (
            "acknowledged",
            "Acknowledged",
            &t.acknowledged,
            d.tta.map_or(String::new(), |x| format!("acknowledged {} after detection", fmt_minutes(Some(x)))),
        ),
        (
            "mitigated",
            "Mitigated",
            &t.mitigated,
            d.ttm.map_or(String::new(), |x| format!("mitigated after {}", fmt_minutes(Some(x)))),
        ),
        (
            "resolved",
            "Resolved",
            &t.resolved,
            d.ttr.map_or(String::new(), |x| format!("resolved after {}", fmt_minutes(Some(x)))),
        ),
    ] {
        if let Some(s) = stamp {
            timeline.push(TimelineRow { key, label, raw: s.raw.clone(), local: view::fmt_stamp(s, cfg), note });
        }
    }
    let segments = lifecycle(d);
    let questions: Vec<QuestionRow> = pm
        .questions
        .answers()
        .into_iter()
        .map(|(key, question, answer)| QuestionRow { key, question, answer: answer.clone() })
        .collect();
    let problems: Vec<ProblemRow> = pm
        .problems
        .iter()
        .map(|p| ProblemRow {
            code: p.code.as_str(),
            level: p.level.as_str(),
            line: p.line,
            message: p.message.clone(),
            hint: p.hint.clone(),
        })
        .collect();
    let mut ctx = tera::Context::new();
    ctx.insert_value("pm", r.rows.value(i));
    ctx.insert(
        "detail",
        &Detail {
            authors: &pm.authors,
            impact: pm.impact.as_deref(),
            detection: pm.detection.map(|x| x.as_str()),
            trigger: pm.trigger.as_deref(),
            root_cause: pm.root_cause.as_deref(),
            whys: &pm.five_whys,
            file: &pm.file,
            tta: fmt_minutes(d.tta),
        },
    );
    ctx.insert("timeline", &timeline);
    ctx.insert("segments", &segments);
    ctx.insert("questions", &questions);
    ctx.insert_value("items", pm_items);
    ctx.insert("body", &super::markdown::render(&pm.body_text(&cfg.root), cfg.trust_html));
    ctx.insert("problems", &problems);
    ctx.insert_value("related", related);
    r.render_one("postmortem.html", &postmortem_path(pm), &r.rows[i].title, "Postmortems", ctx)
        .map_err(RenderError::from)
}

/// Where each postmortem's action items start in the flat list of items.
fn item_offsets(pms: &[Postmortem]) -> Vec<usize> {
    let mut offsets = Vec::with_capacity(pms.len());
    let mut at = 0;
    for pm in pms {
        offsets.push(at);
        at += pm.action_items.len();
    }
    offsets
}

/// The lifecycle bar: undetected (started → detected), responding
/// (detected → mitigated), recovering (mitigated → resolved), as shares of
/// the whole.
fn lifecycle(d: &crate::metrics::Durations) -> Vec<Segment> {
    let (Some(ttd), Some(ttm)) = (d.ttd, d.ttm) else { return Vec::new() };
    let total = d.ttr.unwrap_or(ttm);
    if total <= 0.0 {
        return Vec::new();
    }
    let mut segs = vec![("undetected", "Undetected", ttd), ("responding", "Responding", (ttm - ttd).max(0.0))];
    if let Some(ttr) = d.ttr {
        segs.push(("recovering", "Recovering", (ttr - ttm).max(0.0)));
    }
    segs.into_iter()
        .map(|(class, label, mins)| Segment {
            class,
            label,
            pct: format!("{:.2}", mins / total * 100.0),
            duration: fmt_minutes(Some(mins)),
        })
        .collect()
}

#[derive(Serialize)]
struct Group {
    name: String,
    id: String,
    open: usize,
    overdue: usize,
    closed: usize,
    /// the open ones
    items: tera::Value,
}

fn groups(items: &Shared<ItemRow>, key: impl Fn(&ItemRow) -> String, prefix: &str) -> Vec<Group> {
    let mut map: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, it) in items.iter().enumerate() {
        map.entry(key(it)).or_default().push(i);
    }
    map.into_iter()
        .map(|(name, list)| Group {
            id: format!("{prefix}-{}", name_slug(&name)),
            open: list.iter().filter(|&&i| items[i].open).count(),
            overdue: list.iter().filter(|&&i| items[i].overdue).count(),
            closed: list.iter().filter(|&&i| !items[i].open).count(),
            items: items.list(list.into_iter().filter(|&i| items[i].open)),
            name,
        })
        .collect()
}

/// Closed items per page of the closed-items archive.
pub const CLOSED_PER_PAGE: usize = 500;

/// The tracker: open items on `/action-items/`, closed ones in pages of
/// [`CLOSED_PER_PAGE`] under `/action-items/closed/`, and one page per
/// grouped view (owner, area, kind, status) listing each group's open items.
/// Which pages of the action-item tracker [`render_all`] renders.
#[derive(Clone, Copy)]
pub enum Tracker {
    All,
    /// None: they are in place and unchanged.
    None,
    /// Those that show an item of postmortem `pm`, whose items are
    /// unchanged but not what their rows show of it (its title, severity
    /// or area); with `area_changed` also the view by area, which groups
    /// by it. Every page shows the same counts: unchanged too.
    ShowingItemsOf {
        pm: usize,
        area_changed: bool,
    },
}

/// The views of the tracker: (key, folder, title, the group of an item).
type View = (&'static str, &'static str, &'static str, fn(&ItemRow) -> String);

pub(crate) const VIEWS: [View; 4] = [
    ("owner", "owners", "By owner", |i| i.owner.to_string()),
    ("area", "areas", "By area", |i| i.area.as_ref().map_or("—", |a| a.name).to_string()),
    ("kind", "kinds", "By kind", |i| i.kind.to_string()),
    ("status", "statuses", "By status", |i| i.status_label.to_string()),
];

/// What the action-item tracker shows, worked out once: the open list,
/// the closed items in archive pages, the counts and links every page has.
struct TrackerPlan {
    which: Tracker,
    /// The items of postmortem `pm`, when only the pages showing them change.
    mine: Option<std::ops::Range<usize>>,
    open: Vec<usize>,
    /// Closed items, newest closed first, by archive page.
    chunks: Vec<Vec<usize>>,
    counts: serde_json::Value,
    view_links: Vec<Link>,
    closed_pages: Vec<Link>,
    /// With every page rendered: the archive page of each closed item, and
    /// for each archive page how many of its items are still to be shown
    /// on their postmortem's page. The postmortem pages render an archive
    /// page when they have shown all its items, so that each closed item's
    /// template value is made once and held only briefly.
    countdown: Option<(Vec<usize>, Vec<std::sync::atomic::AtomicUsize>)>,
}

impl TrackerPlan {
    fn new(r: &Renderer, items: &Shared<ItemRow>, which: Tracker, with_postmortems: bool) -> TrackerPlan {
        let urls = Urls { base: &r.input.cfg.base_url };
        let mine = match which {
            Tracker::ShowingItemsOf { pm, .. } => {
                let at = item_offsets(r.input.pms)[pm];
                Some(at..at + r.input.pms[pm].action_items.len())
            }
            _ => None,
        };
        let by =
            |f: fn(&ItemRow, &ItemRow) -> std::cmp::Ordering| move |a: &usize, b: &usize| f(&items[*a], &items[*b]);
        let mut open: Vec<usize> = (0..items.len()).filter(|&i| items[i].open).collect();
        open.sort_by(by(|a, b| a.rank.cmp(&b.rank).then(a.due.cmp(b.due)).then(a.id.cmp(b.id))));
        let mut closed: Vec<usize> = (0..items.len()).filter(|&i| !items[i].open).collect();
        closed.sort_by(by(|a, b| b.closed.cmp(a.closed).then(a.id.cmp(b.id))));
        let mut chunks: Vec<Vec<usize>> = closed.chunks(CLOSED_PER_PAGE).map(<[usize]>::to_vec).collect();
        if chunks.is_empty() {
            chunks.push(Vec::new());
        }
        let page_url = |n: usize| urls.page(&routes::closed_items(n));
        let closed_pages: Vec<Link> =
            (1..=chunks.len()).map(|n| Link { name: n.to_string(), url: page_url(n) }).collect();
        let view_links: Vec<Link> = VIEWS
            .iter()
            .map(|(_, dir, title, _)| Link { name: title.to_string(), url: urls.page(&routes::item_view(dir)) })
            .collect();
        let counts = serde_json::json!({
            "all": items.len(),
            "open": open.len(),
            "overdue": items.iter().filter(|i| i.overdue).count(),
            "closed": closed.len(),
        });
        let countdown = (with_postmortems && matches!(which, Tracker::All)).then(|| {
            let mut page_of = vec![usize::MAX; items.len()];
            for (n, chunk) in chunks.iter().enumerate() {
                for &k in chunk {
                    page_of[k] = n;
                }
            }
            let left = chunks.iter().map(|c| std::sync::atomic::AtomicUsize::new(c.len())).collect();
            (page_of, left)
        });
        TrackerPlan { which, mine, open, chunks, counts, view_links, closed_pages, countdown }
    }

    /// Whether a page listing `list` changes.
    fn shows(&self, list: &[usize]) -> bool {
        self.mine.as_ref().is_none_or(|m| list.iter().any(|k| m.contains(k)))
    }

    /// What the list of open items and each archive page show.
    fn list_ctx(&self, items: &Shared<ItemRow>, list: &[usize]) -> tera::Context {
        let mut ctx = tera::Context::new();
        ctx.insert_value("items", items.list(list.iter().copied()));
        ctx.insert("counts", &self.counts);
        ctx.insert("views", &self.view_links);
        ctx.insert("closed_pages", &self.closed_pages);
        ctx
    }

    /// Archive page `n` (0 is the first).
    fn closed_page(&self, r: &Renderer, items: &Shared<ItemRow>, n: usize) -> Result<(), RenderError> {
        let chunk = &self.chunks[n];
        let path = routes::file(&routes::closed_items(n + 1));
        if !self.shows(chunk) {
            r.add_path(path);
            return Ok(());
        }
        let mut ctx = self.list_ctx(items, chunk);
        ctx.insert("page_number", &(n + 1));
        r.render(
            "action_items_closed.html",
            &path,
            &format!("Closed action items, page {}", n + 1),
            "Action items",
            ctx,
        )
    }

    /// After the page of a postmortem whose items are `shown`: the archive
    /// pages none of whose items are still to be shown.
    fn shown(&self, r: &Renderer, items: &Shared<ItemRow>, shown: std::ops::Range<usize>) -> Result<(), RenderError> {
        let Some((page_of, left)) = &self.countdown else { return Ok(()) };
        for k in shown {
            let n = page_of[k];
            if n != usize::MAX && left[n].fetch_sub(1, std::sync::atomic::Ordering::AcqRel) == 1 {
                self.closed_page(r, items, n)?;
            }
        }
        Ok(())
    }

    /// The tracker's pages: the open list, the views, and the archive pages
    /// the postmortem pages do not render.
    fn render(&self, r: &Renderer, items: &Shared<ItemRow>) -> Result<(), RenderError> {
        let area_changed = matches!(self.which, Tracker::ShowingItemsOf { area_changed: true, .. });
        // the open list and the views list open items only
        let open_shown = self.shows(&self.open);
        let open_page = || -> Result<(), RenderError> {
            if !open_shown {
                r.add_path(routes::file(routes::ACTION_ITEMS));
                return Ok(());
            }
            let ctx = self.list_ctx(items, &self.open);
            r.render("action_items.html", &routes::file(routes::ACTION_ITEMS), "Action items", "Action items", ctx)
        };
        let closed_pages = || -> Result<(), RenderError> {
            // pages the postmortem pages render: those with items
            let theirs = |n: usize| self.countdown.is_some() && !self.chunks[n].is_empty();
            (0..self.chunks.len())
                .into_par_iter()
                .filter(|&n| !theirs(n))
                .try_for_each(|n| self.closed_page(r, items, n))
        };
        let view_page = |&(key, dir, title, f): &View| -> Result<(), RenderError> {
            let path = routes::file(&routes::item_view(dir));
            if !(open_shown || (area_changed && key == "area")) {
                r.add_path(path);
                return Ok(());
            }
            let mut ctx = tera::Context::new();
            ctx.insert("key", key);
            ctx.insert("title", title);
            ctx.insert("groups", &groups(items, f, key));
            ctx.insert("counts", &self.counts);
            ctx.insert("views", &self.view_links);
            r.render(
                "action_items_view.html",
                &path,
                &format!("Action items {}", title.to_lowercase()),
                "Action items",
                ctx,
            )
        };
        let (a, (b, c)) =
            rayon::join(open_page, || rayon::join(closed_pages, || VIEWS.par_iter().try_for_each(view_page)));
        a.and(b).and(c)
    }
}

fn quarter_rows(input: &Input) -> Vec<QuarterRow> {
    let (cfg, m) = (input.cfg, input.m);
    let urls = Urls { base: &cfg.base_url };
    let areas: Vec<&String> = m.total.by_area.keys().collect();
    m.quarters
        .iter()
        .map(|q| QuarterRow {
            quarter: Link { name: q.quarter.to_string(), url: urls.quarter(q.quarter) },
            incidents: q.incidents,
            by_severity: q.by_severity.iter().map(|x| x.1).collect(),
            sev1: q.by_severity.first().map_or(0, |x| x.1),
            ttd: summary_row(&q.ttd),
            ttm: summary_row(&q.ttm),
            ttr: summary_row(&q.ttr),
            undetected: fmt_share(Some(q.undetected_share)),
            opened: q.action_items.opened,
            closed: q.action_items.closed,
            open_at_end: q.action_items.open_at_end,
            few: q.incidents < cfg.min_sample,
            areas: areas.iter().map(|a| q.by_area.get(*a).copied().unwrap_or(0)).collect(),
        })
        .collect()
}

fn trends(r: &Renderer, labels: &[String], sev1_chart: &str) -> Result<(), RenderError> {
    let (cfg, m) = (r.input.cfg, r.input.m);
    let qs = &m.quarters;
    let by_sev = charts::stacked_bars(
        "chart-severity",
        "Incidents per quarter by severity",
        labels,
        &sev_series(cfg, qs),
        "incidents",
    )
    .map_err(chart_err)?;
    let members = |f: fn(&crate::metrics::Durations) -> Option<f64>| -> Vec<Vec<f64>> {
        qs.iter().map(|q| q.members.iter().filter_map(|&i| f(&m.durations[i])).collect()).collect()
    };
    let dot = |id: &str,
               title: &str,
               f: fn(&crate::metrics::Durations) -> Option<f64>,
               s: fn(&QuarterMetrics) -> &Summary,
               color| {
        charts::dots(id, title, labels, &members(f), &qs.iter().map(|q| s(q).median).collect::<Vec<_>>(), color)
            .map_err(chart_err)
    };
    let ttd = dot("chart-ttd", "Time to detect per incident", |d| d.ttd, |q| &q.ttd, PALETTE[2])?;
    let ttm = dot("chart-ttm", "Time to mitigate per incident", |d| d.ttm, |q| &q.ttm, PALETTE[0])?;
    let ttr = dot("chart-ttr", "Time to resolve per incident", |d| d.ttr, |q| &q.ttr, PALETTE[3])?;
    let undetected = charts::lines(
        "chart-undetected",
        "Undetected share of impact time",
        labels,
        &[Series {
            name: "undetected share".into(),
            color: PALETTE[4],
            values: qs.iter().map(|q| q.undetected_share).collect(),
        }],
        "share of impact time",
        true,
    )
    .map_err(chart_err)?;
    let areas: Vec<&String> = m.total.by_area.keys().collect();
    let area_series: Vec<Series> = areas
        .iter()
        .enumerate()
        .map(|(i, a)| Series {
            name: a.to_string(),
            color: PALETTE[i % PALETTE.len()],
            values: qs.iter().map(|q| q.by_area.get(*a).copied().unwrap_or(0) as f64).collect(),
        })
        .collect();
    let by_area =
        charts::stacked_bars("chart-area", "Incidents per quarter by area", labels, &area_series, "incidents")
            .map_err(chart_err)?;
    let items = charts::lines(
        "chart-items",
        "Action items per quarter",
        labels,
        &[
            Series {
                name: "opened".into(),
                color: PALETTE[2],
                values: qs.iter().map(|q| q.action_items.opened as f64).collect(),
            },
            Series {
                name: "closed".into(),
                color: PALETTE[3],
                values: qs.iter().map(|q| q.action_items.closed as f64).collect(),
            },
            Series {
                name: "open at quarter end".into(),
                color: PALETTE[0],
                values: qs.iter().map(|q| q.action_items.open_at_end as f64).collect(),
            },
        ],
        "action items",
        false,
    )
    .map_err(chart_err)?;
    let rows = quarter_rows(r.input);
    let section = |key: &str, title: &str, formula: &str, chart: String, pick: fn(&QuarterRow) -> &SummaryRow| {
        let table: Vec<serde_json::Value> = rows
            .iter()
            .map(|q| {
                let s = pick(q);
                serde_json::json!({"quarter": q.quarter.name, "few": q.few, "n": s.n, "median": s.median, "p90": s.p90})
            })
            .collect();
        serde_json::json!({"key": key, "title": title, "formula": formula, "chart": chart, "rows": table})
    };
    let durations = vec![
        section("ttd", "Time to detect", "TTD = detected − started", ttd, |q| &q.ttd),
        section("ttm", "Time to mitigate", "TTM = mitigated − started: how long users were hurt", ttm, |q| &q.ttm),
        section("ttr", "Time to resolve", "TTR = resolved − started", ttr, |q| &q.ttr),
    ];
    let mut ctx = tera::Context::new();
    ctx.insert("durations", &durations);
    ctx.insert("rows", &rows);
    ctx.insert("areas", &areas);
    ctx.insert(
        "charts",
        &serde_json::json!({ "severity": by_sev, "sev1": sev1_chart, "undetected": undetected, "area": by_area, "items": items }),
    );
    r.render("trends.html", &routes::file(routes::TRENDS), "Trends", "Trends", ctx)
}

/// A SEV1 incident on its quarter's page.
#[derive(Serialize)]
struct Sev1Row<'a> {
    row: tera::Value,
    impact: &'a Option<String>,
    root_cause: &'a Option<String>,
    whys: &'a [String],
    items: tera::Value,
}

fn quarters(r: &Renderer, items: &Shared<ItemRow>, only: Option<&[usize]>) -> Result<(), RenderError> {
    let (cfg, pms, m) = (r.input.cfg, r.input.pms, r.input.m);
    let urls = Urls { base: &cfg.base_url };
    let rows = quarter_rows(r.input);
    let offsets = item_offsets(pms);
    let sev1 = cfg.severities.first().cloned();
    m.quarters.par_iter().enumerate().try_for_each(|(qi, q)| -> Result<(), RenderError> {
        let name = q.quarter.to_string();
        let path = routes::file(&routes::quarter(q.quarter));
        if only.is_some_and(|qs| !qs.contains(&qi)) {
            // in place and unchanged
            r.add_path(path);
            return Ok(());
        }
        let incidents = r.rows.list(q.members.iter().copied());
        let sev1s: Vec<Sev1Row> = q
            .members
            .iter()
            .filter(|&&i| pms[i].severity.is_some() && pms[i].severity == sev1)
            .map(|&i| {
                let pm = &pms[i];
                Sev1Row {
                    row: r.rows.value(i),
                    impact: &pm.impact,
                    root_cause: &pm.root_cause,
                    whys: &pm.five_whys,
                    items: items.list(offsets[i]..offsets[i] + pm.action_items.len()),
                }
            })
            .collect();
        // still open, of this quarter's incidents: what leadership can act on
        let opened = items.list(
            q.members
                .iter()
                .flat_map(|&i| offsets[i]..offsets[i] + pms[i].action_items.len())
                .filter(|&k| items[k].open),
        );
        let link = |q: Quarter| Link { name: q.to_string(), url: urls.quarter(q) };
        let mut ctx = tera::Context::new();
        ctx.insert("quarter", &q.quarter.to_string());
        ctx.insert("row", &rows[qi]);
        ctx.insert("figures", &view::quarter_figures(m, qi, cfg));
        ctx.insert("prev", &qi.checked_sub(1).map(|p| link(m.quarters[p].quarter)));
        ctx.insert("next", &m.quarters.get(qi + 1).map(|n| link(n.quarter)));
        ctx.insert_value("incidents", incidents);
        ctx.insert("sev1s", &sev1s);
        ctx.insert("sev1_name", &sev1);
        ctx.insert_value("opened", opened);
        ctx.insert("first_day", &q.quarter.first_day().to_string());
        ctx.insert("last_day", &q.quarter.last_day().to_string());
        r.render("quarter.html", &path, &format!("Quarter {name}"), "Quarters", ctx)?;
        Ok(())
    })?;
    let mut ctx = tera::Context::new();
    let newest: Vec<&QuarterRow> = rows.iter().rev().collect();
    ctx.insert("rows", &newest);
    r.render("quarters.html", &routes::file(routes::QUARTERS), "Quarters", "Quarters", ctx)
}

#[derive(Serialize)]
struct TaxonRow {
    name: String,
    url: String,
    incidents: usize,
    sev1: usize,
    latest: String,
}

fn taxonomies(r: &Renderer, scope: Scope) -> Result<(), RenderError> {
    let pms = r.input.pms;
    let urls = Urls { base: &r.input.cfg.base_url };
    /// A taxonomy: its name, plural, list page, page of one name, and the
    /// slugs to render (all when `None`).
    type Taxonomy<'s> = (&'static str, &'static str, &'static str, fn(&str) -> String, Option<&'s [String]>);
    let kinds: [Taxonomy; 2] = [
        ("Area", "Areas", routes::AREAS, routes::area, scope.areas),
        ("Tag", "Tags", routes::TAGS, routes::tag, scope.tags),
    ];
    for (kind, plural, list_route, route, only) in kinds {
        // by slug, so that "Payments" and "payments" share a page (and
        // "payments!" has its own)
        let mut groups: BTreeMap<String, (String, Vec<usize>)> = BTreeMap::new();
        for (i, pm) in pms.iter().enumerate() {
            let names: Vec<&str> = if kind == "Area" {
                pm.area.as_deref().filter(|a| !a.trim().is_empty()).into_iter().collect()
            } else {
                pm.tags.iter().map(String::as_str).filter(|t| !t.trim().is_empty()).collect()
            };
            for n in names {
                let e = groups.entry(name_slug(n)).or_insert_with(|| (n.to_string(), Vec::new()));
                if e.1.last() != Some(&i) {
                    e.1.push(i);
                }
            }
        }
        let index: Vec<TaxonRow> = groups
            .par_iter()
            .map(|(slug, (name, idx))| -> Result<TaxonRow, RenderError> {
                let route = route(name);
                let url = urls.page(&route);
                let sev1 = r.input.cfg.severities.first();
                let row = TaxonRow {
                    name: name.clone(),
                    url,
                    incidents: idx.len(),
                    sev1: idx.iter().filter(|&&i| sev1.is_some() && pms[i].severity.as_ref() == sev1).count(),
                    latest: idx.last().map_or(String::new(), |&i| r.rows[i].date.clone()),
                };
                let path = routes::file(&route);
                if only.is_some_and(|slugs| !slugs.contains(slug)) {
                    // in place and unchanged
                    r.add_path(path);
                    return Ok(row);
                }
                let list = r.rows.list(idx.iter().rev().copied());
                let figures = slice_figures(idx, r.input);
                let mut ctx = tera::Context::new();
                ctx.insert("kind", kind);
                ctx.insert("name", name);
                ctx.insert_value("postmortems", list);
                ctx.insert("figures", &figures);
                r.render("taxonomy.html", &path, &format!("{kind}: {name}"), plural, ctx)?;
                Ok(row)
            })
            .collect::<Result<_, _>>()?;
        let mut ctx = tera::Context::new();
        ctx.insert("kind", kind);
        ctx.insert("plural", plural);
        ctx.insert("rows", &index);
        r.render("taxonomy_list.html", &routes::file(list_route), plural, plural, ctx)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    /// The definition, counted plainly: every vote of every list, summed per
    /// postmortem, best score first, then the newest.
    fn related_by_counting(pms: &[&Postmortem], i: usize) -> Vec<usize> {
        let index: HashMap<&str, usize> = pms.iter().enumerate().map(|(k, p)| (p.id.as_str(), k)).collect();
        let mut score: BTreeMap<usize, i64> = BTreeMap::new();
        for (k, p) in pms.iter().enumerate() {
            for r in &p.related {
                match index.get(r.trim()) {
                    Some(&j) if k == i && j != i => *score.entry(j).or_default() += 1000,
                    Some(&j) if j == i && k != i => *score.entry(k).or_default() += 1000,
                    _ => {}
                }
            }
        }
        let pm = pms[i];
        let newest = |matches: &dyn Fn(&Postmortem) -> usize| -> Vec<usize> {
            let all: Vec<usize> = (0..pms.len()).flat_map(|k| std::iter::repeat_n(k, matches(pms[k]))).collect();
            all[all.len().saturating_sub(50)..].to_vec()
        };
        for t in &pm.tags {
            for k in newest(&|p: &Postmortem| p.tags.iter().filter(|x| *x == t).count()) {
                *score.entry(k).or_default() += 10;
            }
        }
        if let Some(a) = &pm.area {
            for k in newest(&|p: &Postmortem| usize::from(p.area.as_ref() == Some(a))) {
                *score.entry(k).or_default() += 5;
            }
        }
        score.remove(&i);
        let mut ranked: Vec<(usize, i64)> = score.into_iter().collect();
        ranked.sort_by(|a, b| b.1.cmp(&a.1).then(b.0.cmp(&a.0)));
        ranked.into_iter().take(6).map(|(j, _)| j).collect()
    }

    #[test]
    fn related_postmortems_are_the_best_six_by_votes() {
        let cfg = Config::defaults(std::path::Path::new("/s"));
        let mut seed = 7u64;
        let mut next = |n: u64| {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 33) % n
        };
        let tags = ["db", "dns", "deploy", "cache", "tls", "queue"];
        let pms: Vec<Postmortem> = (0..400)
            .map(|k| {
                let tag_list: Vec<&str> = (0..next(4)).map(|_| tags[next(6) as usize]).collect();
                let related: Vec<String> = (0..next(3)).map(|_| format!("p{}", next(420))).collect();
                let text = format!(
                    "---\nid: p{k}\ntitle: t\narea: a{}\ntags: [{}]\nrelated: [{}]\n---\nBody.\n",
                    next(4),
                    tag_list.join(", "),
                    related.join(", ")
                );
                let src = crate::load::SourceFile { rel: format!("content/p{k}.md"), text };
                crate::validate::check_file(&src, &cfg).postmortem.unwrap()
            })
            .collect();
        let refs: Vec<&Postmortem> = pms.iter().collect();
        let related = Related::new(&refs);
        for i in 0..refs.len() {
            assert_eq!(related.of(refs[i], i), related_by_counting(&refs, i), "postmortem {i}");
        }
    }
}
