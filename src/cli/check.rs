//! `retro check`: every problem of every postmortem, like a compiler.

use super::{load_site, report, Format, Stop, EXIT_OK, EXIT_PROBLEMS};
use crate::config::Config;
use crate::diagnostic::{summary_line, tally};
use crate::diagnostic::{Code, Diagnostic};
use std::path::PathBuf;

pub(crate) struct CheckOptions {
    pub(crate) root: PathBuf,
    pub(crate) format: Format,
    pub(crate) strict: bool,
    /// Also check links in bodies and action items.
    pub(crate) links: bool,
    /// The date review deadlines are measured against.
    pub(crate) today: Option<chrono::NaiveDate>,
}

pub(crate) fn run(opts: &CheckOptions) -> Result<u8, Stop> {
    let started = std::time::Instant::now();
    let cfg = load_site(&opts.root, opts.format)?;
    let today = super::resolve_today(opts.today, &cfg)?;
    let mut analysis = crate::analyze_with(&cfg, opts.format == Format::Human);
    if cfg.policy.final_within_days.is_some() {
        analysis.diags.extend(review_deadlines(&analysis, &cfg, today));
        crate::diagnostic::sort(&mut analysis.diags);
    }
    analysis.diags.extend(recurrences(&analysis));
    crate::diagnostic::sort(&mut analysis.diags);
    if opts.links {
        analysis.diags.extend(crate::validate::links::check(
            &analysis.postmortems,
            &analysis.lines,
            &analysis.reports,
            &cfg,
        ));
        crate::diagnostic::sort(&mut analysis.diags);
    }
    // the problems found after the analysis need their files' text too
    let missing: Vec<String> =
        analysis.diags.iter().filter(|d| analysis.source(&d.file).is_none()).map(|d| d.file.clone()).collect();
    for f in missing {
        if analysis.source(&f).is_none() {
            if let Ok(text) = std::fs::read_to_string(cfg.root.join(&f)) {
                analysis.sources.push(crate::load::SourceFile { rel: f, text });
                analysis.sources.sort_by(|a, b| a.rel.cmp(&b.rel));
            }
        }
    }
    report(&analysis.diags, opts.format, &|f| analysis.source(f));
    let t = tally(&analysis.diags);
    eprintln!("{} ({} ms)", summary_line(t, analysis.file_count), started.elapsed().as_millis());
    Ok(if t.errors > 0 || (opts.strict && t.warnings > 0) { EXIT_PROBLEMS } else { EXIT_OK })
}

/// W016 for each draft or review postmortem past its review deadline, at
/// its `status` line.
fn review_deadlines(analysis: &crate::Analysis, cfg: &Config, today: chrono::NaiveDate) -> Vec<Diagnostic> {
    let days = cfg.policy.final_within_days.unwrap_or_default();
    analysis
        .postmortems
        .iter()
        .zip(&analysis.lines)
        .filter_map(|(pm, lines)| {
            let review = crate::metrics::review(pm, cfg, today);
            let due = review.due.filter(|_| review.overdue)?;
            let late = (today - due).num_days();
            Some(
                Diagnostic::new(
                    Code::W016,
                    &pm.file,
                    lines.status,
                    1,
                    format!(
                        "postmortem is still `{}`: it was due to be final on {due}, {late} day{} ago",
                        pm.status.as_str(),
                        if late == 1 { "" } else { "s" }
                    ),
                )
                .hint(format!(
                    "the team's policy is final within {days} days of mitigation (site.toml [policy] final_within_days): \
                     finish the review and set `status: final`"
                )),
            )
        })
        .collect()
}

/// How many likely recurrences are noted on one file, at most.
const RECURRENCE_NOTES: usize = 3;

/// I001 for each draft or review postmortem that looks like an earlier
/// final one (similar with a score of at least [`LIKELY`]) that its
/// `related` does not list, so that the writer links it while writing.
///
/// [`LIKELY`]: crate::render::similar::LIKELY
fn recurrences(analysis: &crate::Analysis) -> Vec<Diagnostic> {
    use crate::model::Status;
    use crate::render::similar;
    let pms = &analysis.postmortems;
    if !pms.iter().any(|pm| pm.status != Status::Final) {
        return Vec::new();
    }
    let refs: Vec<&crate::model::Postmortem> = pms.iter().collect();
    let ranked = similar::rank_only(&refs, |i| pms[i].status != Status::Final);
    let mut out = Vec::new();
    for ((pm, lines), matches) in pms.iter().zip(&analysis.lines).zip(&ranked) {
        let started = pm.timeline.started.as_ref().map(|s| s.at);
        let earlier = matches.iter().filter(|m| {
            let other = &pms[m.index];
            m.score >= similar::LIKELY
                && other.status == Status::Final
                && !pm.related.contains(&other.id)
                && !other.related.contains(&pm.id)
                && match (started, &other.timeline.started) {
                    (Some(at), Some(o)) => o.at < at,
                    _ => true,
                }
        });
        for m in earlier.take(RECURRENCE_NOTES) {
            let other = &pms[m.index];
            let title = other.title.as_deref().map(|t| format!(" \"{}\"", t.trim())).unwrap_or_default();
            let hint = if pm.related.is_empty() {
                format!("if it is, link it: `related: [{}]`; this note never fails the check", other.id)
            } else {
                format!("if it is, add `{}` to `related`; this note never fails the check", other.id)
            };
            out.push(
                Diagnostic::new(
                    Code::I001,
                    &pm.file,
                    lines.related.first().copied().unwrap_or(1),
                    1,
                    format!("this may be a recurrence of `{}`{title}, similar by {}", other.id, m.reasons.join(", ")),
                )
                .hint(hint),
            );
        }
    }
    out
}
