//! One whole build — analyze, measure, render, publish — shared by
//! `retro build` and `retro serve`.

use crate::config::Config;
use crate::diagnostic::{tally, Diagnostic, Kind, Tally};
use crate::load::SourceFile;
use crate::model::{Checked, Lines, Postmortem, Report};
use crate::render::change::Change;
use crate::render::similar::Ranked;
use crate::render::site::Site;
use crate::render::RenderError;
use crate::routes::Route;
use chrono::NaiveDate;
use std::path::Path;
use std::sync::Arc;

/// What a successful build did.
#[derive(Debug)]
pub struct Built {
    pub postmortems: usize,
    pub files: usize,
    /// Completeness problems and warnings: shown on the pages, never fatal.
    pub tally: Tally,
    /// The previous site, when it could not be removed after the swap.
    pub leftover: Option<crate::publish::Leftover>,
    /// What the site was built from, for a later incremental rebuild.
    pub state: State,
}

/// The model a site was built from, and what was written.
#[derive(Debug)]
pub struct State {
    pub(crate) postmortems: Vec<Postmortem>,
    /// Where each postmortem's fields are, in the same order.
    pub(crate) lines: Vec<Lines>,
    /// What the completeness check found in each, in the same order.
    pub(crate) reports: Vec<Report>,
    pub diags: Vec<Diagnostic>,
    pub(crate) metrics: crate::metrics::Metrics,
    /// Every file of the site, sorted.
    pub files: Vec<String>,
    /// How many postmortem files were read.
    pub sources: usize,
    /// The theme the site was rendered with.
    pub(crate) theme: crate::render::theme::Theme,
    /// The exports' per-postmortem shares, made at the first edit.
    pub(crate) exports: crate::render::exports::Parts,
    /// Every postmortem's similar ones: ranked again only when an edit
    /// changes the front matter (a body edit cannot change them).
    pub(crate) similar: Ranked,
    /// The words and quotes of the search index: read again for the
    /// edited postmortem's group only.
    pub(crate) search: crate::render::search::index::Read,
    /// A hash of each file of the search index as last written.
    pub(crate) search_sums: std::collections::BTreeMap<String, u64>,
}

/// Why a build wrote nothing.
#[derive(Debug)]
pub enum Failure {
    /// Errors in postmortems (or the theme): with the texts to show them.
    Problems { diags: Vec<Diagnostic>, sources: Vec<SourceFile>, tally: Tally, files: usize },
    /// A page could not be written into the served site.
    Io(std::io::Error),
    /// The site could not be published (see the error for what became of
    /// the previous one).
    Publish(crate::publish::PublishError),
}

/// One postmortem edited in a built site, its own page already rewritten.
#[derive(Debug)]
pub struct Edited {
    /// The page rewritten, under the output folder.
    pub page: String,
    /// What the rest of the site needs; apply with [`finish`].
    pub rest: Rest,
}

/// The pages still to render after an edit: pass to [`finish`].
#[derive(Debug)]
pub struct Rest {
    /// The edited postmortem's index, the postmortem and report the edit
    /// replaced, and the site's metrics it replaced, when it changed them.
    index: usize,
    before: Postmortem,
    report: Report,
    metrics: Option<crate::metrics::Metrics>,
    /// The similar lists the edit replaced, when it changed the front matter.
    similar: Option<Ranked>,
}

/// Applies an edit of the postmortem file `rel` (site-relative) to a site
/// built from `state` into `out`, rewriting that postmortem's page only;
/// lists, figures, exports and related lists follow in [`finish`].
///
/// `None` when an edit cannot be applied alone and a full build is
/// needed: a new day, an unknown file, a changed id or start (the order
/// of postmortems), an unreadable file, or site-wide errors (duplicate or
/// unknown ids). Errors in the file itself come back as
/// [`Failure::Problems`], with nothing written and `state` unchanged.
pub fn edit(
    cfg: &Config,
    state: &mut State,
    rel: &str,
    today: NaiveDate,
    out: &Path,
) -> Option<Result<Edited, Failure>> {
    if state.metrics.today != today {
        return None;
    }
    let i = state.postmortems.iter().position(|p| p.file == rel)?;
    let src = crate::load::read(rel, &cfg.root.join(rel)).ok()?;
    let checked = crate::validate::check_file(&src, cfg);
    let mut after = checked.diags;
    crate::diagnostic::sort(&mut after);
    let mine = |d: &&Diagnostic| d.file == rel;
    if checked.has_errors {
        let others = state.diags.iter().filter(|d| !mine(d));
        let t = tally(&others.chain(&after).cloned().collect::<Vec<_>>());
        let errors = after.into_iter().filter(|d| d.kind() == Kind::Error).collect();
        return Some(Err(Failure::Problems { diags: errors, sources: vec![src], tally: t, files: state.sources }));
    }
    let Checked { pm: mut new, lines, report } = checked.checked?;
    // as the kept postmortems: the search index reads its body from disk
    new.body = new.body.on_disk(0);
    let old = &state.postmortems[i];
    let start = |p: &Postmortem| p.timeline.started.as_ref().map(|s| s.at);
    if new.id != old.id || start(&new) != start(old) {
        return None;
    }
    let before: Vec<&Diagnostic> = state.diags.iter().filter(mine).collect();
    let same = new == *old && before.len() == after.len() && before.iter().zip(&after).all(|(a, b)| *a == b);
    let own = Route::Postmortem(new.id.clone());
    let sink = crate::publish::InPlace(out.to_path_buf());
    // its fields' lines follow the file, whatever else changed
    state.lines[i] = lines;
    let rest = if same {
        // the front matter is as it was: the body may have changed
        Rest { index: i, before: new, report, metrics: None, similar: None }
    } else {
        let old = std::mem::replace(&mut state.postmortems[i], new);
        let old_report = std::mem::replace(&mut state.reports[i], report);
        let refs: Vec<(&Postmortem, &Lines)> = state.postmortems.iter().zip(&state.lines).collect();
        if !crate::validate::check_site(&refs).is_empty() {
            // a full build follows, and replaces the whole state
            state.postmortems[i] = old;
            state.reports[i] = old_report;
            return None;
        }
        let metrics = std::mem::replace(&mut state.metrics, crate::metrics::compute(&state.postmortems, cfg, today));
        let ranked = crate::render::similar::rank(&state.postmortems.iter().collect::<Vec<_>>());
        let similar = std::mem::replace(&mut state.similar, Arc::new(ranked));
        state.diags.retain(|d| d.file != rel);
        state.diags.extend(after);
        crate::diagnostic::sort(&mut state.diags);
        Rest { index: i, before: old, report: old_report, metrics: Some(metrics), similar: Some(similar) }
    };
    let site = Site::new(&state.postmortems, &state.reports, &state.metrics, cfg).with_similar(state.similar.clone());
    Some(
        crate::render::page(&site, &state.theme, &own, &sink)
            .map(|()| Edited { page: own.path(), rest })
            .map_err(|e| render_failure(cfg, e, tally(&state.diags), state.sources)),
    )
}

/// Renders what an [`edit`] left: every file whose content the edit
/// changed (each page module's `depends_on` decides), and the pages that
/// are new; removes the files the site no longer has (a tag no postmortem
/// uses). Each file is replaced atomically. Returns how many pages were
/// written: none when only the body changed (its page was written first,
/// and the search index, which no open page shows).
pub fn finish(cfg: &Config, state: &mut State, rest: Rest, out: &Path) -> Result<usize, Failure> {
    let site = Site::new(&state.postmortems, &state.reports, &state.metrics, cfg).with_similar(state.similar.clone());
    state.search = crate::render::search::index::read_again(&site, &state.search, rest.index);
    let site = site.with_search_read(state.search.clone());
    let before = rest.metrics.as_ref().unwrap_or(&state.metrics);
    let before_similar = rest.similar.as_deref().unwrap_or(&state.similar);
    let mut change = crate::timing::timed("what changed", || {
        Change::between(&rest.before, &rest.report, before, before_similar, &site, rest.index)
    });
    let routes = crate::render::routes(&site, &state.theme);
    let files = crate::render::paths(&routes);
    change.routes = files != state.files;
    let own = Route::Postmortem(change.id.clone());
    let old = &state.files;
    let new = |r: &Route| change.routes && old.binary_search(&r.path()).is_err();
    // of the search index, the files whose bytes the edit changed
    let sums = site.search().sums();
    let search_changed = |r: &Route| sums.get(&r.path()) != state.search_sums.get(&r.path());
    let wanted = |r: &Route| match r {
        Route::Search(_) => search_changed(r),
        _ => *r != own && (crate::render::pages::depends_on(&site, r, &change) || new(r)),
    };
    let sink = crate::render::Counting::new(crate::publish::InPlace(out.to_path_buf()));
    // its own share of the exports, and those of the postmortems whose
    // similar ones or possible recurrences changed
    let mut shares: Vec<usize> =
        change.similar.iter().chain(&change.recurrences).filter_map(|id| site.index_of(id)).collect();
    shares.push(rest.index);
    shares.sort_unstable();
    shares.dedup();
    crate::render::render(&site, &state.theme, &routes, &sink, &wanted, Some((&mut state.exports, &shares)))
        .map_err(|e| render_failure(cfg, e, tally(&state.diags), state.sources))?;
    for gone in state.files.iter().filter(|f| files.binary_search(f).is_err()) {
        let path = out.join(gone);
        match std::fs::remove_file(&path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(Failure::Io(e)),
        }
        // and its folder, once empty (`tags/<tag>/`)
        if let Some(dir) = path.parent().filter(|d| *d != out) {
            let _ = std::fs::remove_dir(dir);
        }
    }
    state.files = files;
    state.search_sums = sums;
    Ok(sink.count())
}

/// A rendering error as a build failure: a theme problem is reported with
/// its template's text.
fn render_failure(cfg: &Config, err: RenderError, tally: Tally, files: usize) -> Failure {
    match err {
        RenderError::Io(e) => Failure::Io(e),
        RenderError::Theme(diags) => {
            let sources = diags
                .iter()
                .filter_map(|d| {
                    std::fs::read_to_string(cfg.root.join(&d.file))
                        .ok()
                        .map(|text| SourceFile { rel: d.file.clone(), text })
                })
                .collect();
            Failure::Problems { diags, sources, tally, files }
        }
    }
}

/// Builds the site into `out` atomically: on any failure the previous
/// content of `out` is left exactly as it was.
pub fn build(cfg: &Config, today: NaiveDate, out: &Path) -> Result<Built, Failure> {
    let mut phases = crate::timing::Phases::start();
    // the templates are parsed while the postmortems are checked
    let (mut analysis, theme) = rayon::join(
        || {
            crate::analyze_with(
                cfg,
                crate::Reading { progress: true, head: crate::render::search::index::SEARCHED_BODY },
            )
        },
        || crate::render::theme::load(cfg),
    );
    phases.done("analyze");
    let t = tally(&analysis.diags);
    if analysis.has_errors() {
        let errors: Vec<Diagnostic> = analysis.diags.iter().filter(|d| d.kind() == Kind::Error).cloned().collect();
        return Err(Failure::Problems {
            diags: errors,
            sources: analysis.sources,
            tally: t,
            files: analysis.file_count,
        });
    }
    let theme = theme.map_err(|diags| render_failure(cfg, RenderError::Theme(diags), t, analysis.file_count))?;
    let metrics = crate::metrics::compute(&analysis.postmortems, cfg, today);
    phases.done("metrics");
    let sources = crate::publish::output::Sources::of_site(&cfg.root, &cfg.content_dir);
    let staging = crate::publish::Staging::new(out, &sources).map_err(Failure::Publish)?;
    // the bodies' first bytes go to the search index, which lets them go
    // once read (`retro serve` reads an edited group's again from disk)
    let heads = analysis.postmortems.iter_mut().map(|p| p.body.take_head()).collect();
    let made =
        match crate::render::site(&analysis.postmortems, &analysis.reports, &metrics, cfg, &theme, &staging, heads) {
            Ok(made) => made,
            Err(err) => {
                staging.abort();
                return Err(render_failure(cfg, err, t, analysis.file_count));
            }
        };
    phases.done("render");
    let leftover = staging.commit().map_err(Failure::Publish)?;
    phases.done("publish");
    Ok(Built {
        postmortems: analysis.postmortems.len(),
        files: made.files.len(),
        tally: t,
        leftover,
        state: State {
            postmortems: analysis.postmortems,
            lines: analysis.lines,
            reports: analysis.reports,
            diags: analysis.diags,
            metrics,
            files: made.files,
            sources: analysis.file_count,
            theme,
            exports: Default::default(),
            similar: made.similar,
            search: made.search,
            search_sums: made.search_sums,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_build_keeps_no_body_once_the_search_index_has_read_it() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let cfg = Config::load(root).unwrap();
        let out = tempfile::tempdir().unwrap();
        let today = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        let built = build(&cfg, today, &out.path().join("public")).unwrap();
        assert!(built.state.postmortems.len() > 10);
        let kept: Vec<&str> = built
            .state
            .postmortems
            .iter()
            .filter(|p| !matches!(p.body, crate::model::Body::OnDisk { head: None }))
            .map(|p| p.id.as_str())
            .collect();
        assert!(kept.is_empty(), "bodies kept in memory: {kept:?}");
        // and the search index quotes them
        let quotes = std::fs::read_dir(out.path().join("public/search/q")).unwrap();
        let bodies = quotes
            .map(|f| std::fs::read_to_string(f.unwrap().path()).unwrap())
            .filter(|q| q.contains(r#"["Body",""#))
            .count();
        assert!(bodies > 0, "no body quoted");
    }
}
