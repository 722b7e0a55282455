//! What a postmortem's place in the site's history says, once every file
//! is checked: a draft past the team's review deadline (W016), and a draft
//! that looks like an earlier final postmortem it does not link (I001).
//! `retro check` asks it of every file, `retro lsp` of the open ones.

use crate::config::Config;
use crate::diagnostic::{Code, Diagnostic};
use crate::Analysis;
use chrono::NaiveDate;

/// The problems and notes of the files `wanted` accepts.
pub(crate) fn check(
    analysis: &Analysis,
    cfg: &Config,
    today: NaiveDate,
    wanted: impl Fn(&str) -> bool + Sync,
) -> Vec<Diagnostic> {
    let mut out = review_deadlines(analysis, cfg, today, &wanted);
    out.extend(recurrences(analysis, &wanted));
    out
}

/// W016 for each draft or review postmortem past its review deadline, at
/// its `status` line.
fn review_deadlines(
    analysis: &Analysis,
    cfg: &Config,
    today: NaiveDate,
    wanted: &(dyn Fn(&str) -> bool + Sync),
) -> Vec<Diagnostic> {
    let Some(days) = cfg.policy.final_within_days else {
        return Vec::new();
    };
    analysis
        .postmortems
        .iter()
        .zip(&analysis.lines)
        .filter(|(pm, _)| wanted(&pm.file))
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
fn recurrences(analysis: &Analysis, wanted: &(dyn Fn(&str) -> bool + Sync)) -> Vec<Diagnostic> {
    use crate::model::Status;
    use crate::render::similar;
    let pms = &analysis.postmortems;
    let asks = |pm: &crate::model::Postmortem| pm.status != Status::Final && wanted(&pm.file);
    if !pms.iter().any(asks) {
        return Vec::new();
    }
    let refs: Vec<&crate::model::Postmortem> = pms.iter().collect();
    let ranked = similar::rank_only(&refs, |i| asks(&pms[i]));
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
