//! The page of one postmortem: its row, timeline, lifecycle bar, the four
//! questions, five whys, action items, body, problems and related
//! postmortems.

use super::{Change, RenderError, Renderer};
use crate::render::view::{self, fmt_minutes};
use crate::render::OutputFile;
use crate::routes::Route;
use crate::validate::is_placeholder;
use serde::Serialize;

/// What only a postmortem's own page shows, in the order a theme that
/// iterates `detail` has always seen.
/// An earlier postmortem this one may be a recurrence of.
#[derive(Serialize)]
struct SeenRow<'a> {
    row: &'a view::PmRow,
    /// The earlier one was a near miss: it foreshadowed this one.
    near_miss: bool,
    /// Its `prevent` item closed done last before this one started.
    item: Option<&'a str>,
    closed: Option<String>,
}

/// A `prevent` item of this postmortem closed done, and how it fared.
#[derive(Serialize)]
struct FixRow<'a> {
    id: &'a str,
    /// The writer gave the id (a generated `<postmortem>#n` is not shown).
    given_id: bool,
    title: &'a str,
    closed: String,
    /// Days it has held, when nothing similar came back after it.
    days: Option<i64>,
    /// The similar incidents that started after it was closed.
    broken_by: Vec<&'a view::PmRow>,
}

#[derive(Serialize)]
struct Detail<'a> {
    authors: &'a [String],
    impact: Option<&'a str>,
    detection: Option<&'static str>,
    trigger: Option<&'a str>,
    root_cause: Option<&'a str>,
    whys: Vec<&'a str>,
    file: &'a str,
    tta: String,
    /// Each with its link on the contributing factors page.
    factors: Vec<view::Link>,
    /// Where we got lucky.
    lucky: Option<&'a str>,
    near_miss: bool,
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
    /// The message and hint as HTML: `code` in backticks set as code.
    message_html: String,
    hint_html: String,
}

/// The page of postmortem `i`.
pub(super) fn render(r: &Renderer, id: &str) -> Result<OutputFile, RenderError> {
    let site = r.site;
    let Some(i) = site.index_of(id) else {
        return Err(RenderError::Io(std::io::Error::other(format!("no postmortem with id {id}"))));
    };
    let (cfg, m) = (site.cfg, site.m);
    let pm = &site.pms[i];
    let pm_items = r.items.list(site.items_of(i));
    let related = r.rows.list(site.related(i).iter().copied());

    let d = &m.durations[i];
    let timeline = timeline(pm, d, cfg);
    let segments = lifecycle(d);
    let questions: Vec<QuestionRow> = pm
        .questions
        .answers()
        .map(|(key, question, answer)| QuestionRow {
            key,
            question,
            answer: answered(answer.as_deref(), cfg).map(str::to_string),
        })
        .collect();
    let problems: Vec<ProblemRow> = site.reports[i]
        .problems
        .iter()
        .map(|p| ProblemRow {
            code: p.code.as_str(),
            level: p.level.as_str(),
            line: p.line,
            message: p.message.clone(),
            hint: p.hint.clone(),
            message_html: view::code_spans(&p.message),
            hint_html: view::code_spans(&p.hint),
        })
        .collect();
    let mut ctx = tera::Context::new();
    ctx.insert_value("pm", r.rows.value(i));
    ctx.insert(
        "detail",
        &Detail {
            authors: &pm.authors,
            impact: answered(pm.impact.as_deref(), cfg),
            detection: pm.detection.map(|x| x.as_str()),
            trigger: pm.trigger.as_deref(),
            root_cause: answered(pm.root_cause.as_deref(), cfg),
            whys: pm.five_whys.iter().map(String::as_str).filter(|w| !is_placeholder(w, cfg)).collect(),
            file: &pm.file,
            tta: fmt_minutes(d.tta),
            factors: pm
                .contributing_factors
                .iter()
                .map(|f| view::Link {
                    name: f.clone(),
                    url: format!("{}#f-{}", r.urls().page(&Route::Factors), crate::text::name_slug(f)),
                })
                .collect(),
            lucky: answered(pm.lucky.as_deref(), cfg),
            near_miss: pm.kind == crate::model::PmKind::NearMiss,
        },
    );
    ctx.insert("timeline", &timeline);
    ctx.insert("segments", &segments);
    ctx.insert("impact_time", &fmt_minutes(d.ttm));
    ctx.insert("recovery", &recovery(d));
    ctx.insert("review_due", &m.reviews[i].due.map(|d| d.format("%Y-%m-%d").to_string()));
    ctx.insert("review_overdue", &m.reviews[i].overdue);
    ctx.insert("questions", &questions);
    ctx.insert_value("items", pm_items);
    ctx.insert("body", &crate::render::markdown::render(&crate::load::body(pm, &cfg.root), cfg.trust_html));
    ctx.insert("problems", &problems);
    ctx.insert_value("related", related);
    let similar: Vec<serde_json::Value> = site
        .similar(i)
        .iter()
        .map(
            |m| serde_json::json!({"row": site.row(m.index), "score": format!("{:.2}", m.score), "reasons": m.reasons}),
        )
        .collect();
    ctx.insert("similar", &similar);
    let seen_before: Vec<SeenRow> = site
        .recurrence_of(i)
        .map(|rec| {
            let fix = rec.fix.as_ref();
            SeenRow {
                row: site.row(rec.earlier),
                near_miss: site.pms[rec.earlier].kind == crate::model::PmKind::NearMiss,
                item: fix.map(|f| site.pms[rec.earlier].action_items[f.item].id.as_str()),
                closed: fix.map(|f| f.closed.format("%Y-%m-%d").to_string()),
            }
        })
        .collect();
    ctx.insert("seen_before", &seen_before);
    let recurred: Vec<&crate::render::recurrence::Recurrence> = site.recurred_in(i).collect();
    let fixes: Vec<FixRow> = crate::render::recurrence::held(site.pms, &recurred, i, cfg.timezone, m.today)
        .into_iter()
        .map(|h| {
            let item = &pm.action_items[h.fix.item];
            FixRow {
                id: &item.id,
                given_id: !view::is_generated_id(&item.id, &pm.id),
                title: item.title.as_deref().unwrap_or(""),
                closed: h.fix.closed.format("%Y-%m-%d").to_string(),
                days: h.days,
                broken_by: h.broken_by.into_iter().map(|k| site.row(k)).collect(),
            }
        })
        .collect();
    ctx.insert("fixes", &fixes);
    r.render("postmortem.html", &Route::Postmortem(pm.id.clone()), &site.row(i).title, "Postmortems", ctx)
}

/// A written answer, or none for an empty one or a placeholder (`TODO`,
/// `TBD`…): every page shows an unanswered prompt the same way.
fn answered<'t>(text: Option<&'t str>, cfg: &crate::config::Config) -> Option<&'t str> {
    text.filter(|t| !is_placeholder(t, cfg))
}

/// The timeline in the site's timezone, each moment with the duration it
/// ends.
fn timeline(
    pm: &crate::model::Postmortem,
    d: &crate::metrics::Durations,
    cfg: &crate::config::Config,
) -> Vec<TimelineRow> {
    let t = &pm.timeline;
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
    timeline
}

/// The lifecycle bar: the time users were hurt (started → mitigated), as
/// its two phases, undetected (started → detected) and responding
/// (detected → mitigated). Recovery after mitigation can take days and
/// would squeeze the phases users felt into slivers: it is not drawn
/// ([`recovery`] tells it).
fn lifecycle(d: &crate::metrics::Durations) -> Vec<Segment> {
    let (Some(ttd), Some(ttm)) = (d.ttd, d.ttm) else { return Vec::new() };
    if ttm <= 0.0 {
        return Vec::new();
    }
    [("undetected", "Undetected", ttd.min(ttm)), ("responding", "Responding", (ttm - ttd).max(0.0))]
        .into_iter()
        .map(|(class, label, mins)| Segment {
            class,
            label,
            pct: format!("{:.2}", mins / ttm * 100.0),
            duration: fmt_minutes(Some(mins)),
        })
        .collect()
}

/// How long recovery took after mitigation, until resolved.
fn recovery(d: &crate::metrics::Durations) -> Option<String> {
    let (ttm, ttr) = (d.ttm?, d.ttr?);
    Some(fmt_minutes(Some((ttr - ttm).max(0.0))))
}

/// Its own page shows everything of it; another page shows it among its
/// related postmortems, its similar ones or its possible recurrences.
pub(super) fn depends_on(id: &str, c: &Change) -> bool {
    id == c.id
        || ((c.row || c.ranking) && c.related.iter().any(|r| r == id))
        || c.similar.iter().any(|s| s == id)
        || c.recurrences.iter().any(|s| s == id)
}
