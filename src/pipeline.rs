//! One whole build — analyze, measure, render, publish — shared by
//! `retro build` and `retro serve`.

use crate::config::Config;
use crate::diagnostic::{tally, Diagnostic, Kind, Tally};
use crate::load::SourceFile;
use crate::render::RenderError;
use chrono::NaiveDate;
use std::path::Path;

/// What a successful build did.
#[derive(Debug)]
pub struct Built {
    pub postmortems: usize,
    pub files: usize,
    /// Completeness problems and warnings: shown on the pages, never fatal.
    pub tally: Tally,
    /// What the site was built from, for a later incremental rebuild.
    pub state: State,
}

/// The model a site was built from.
#[derive(Debug)]
pub struct State {
    pub postmortems: Vec<crate::model::Postmortem>,
    pub diags: Vec<Diagnostic>,
    pub metrics: crate::metrics::Metrics,
}

/// Why a build wrote nothing.
#[derive(Debug)]
pub enum Failure {
    /// Errors in postmortems (or the theme): with the texts to show them.
    Problems { diags: Vec<Diagnostic>, sources: Vec<SourceFile>, tally: Tally, files: usize },
    /// The output could not be written.
    Io(std::io::Error),
}

/// Rebuilds only the page of the postmortem in `rel` (a site-relative
/// path) when nothing but its body changed since `state` was built: same
/// front matter, same problems, same day. `None` when that cannot be shown
/// and a full build is needed.
pub fn rebuild_body(
    cfg: &Config,
    state: &State,
    rel: &str,
    today: NaiveDate,
    out: &Path,
) -> Option<std::io::Result<()>> {
    if state.metrics.today != today {
        return None;
    }
    let i = state.postmortems.iter().position(|p| p.file == rel)?;
    let src = crate::load::read(rel, &cfg.root.join(rel)).ok()?;
    let checked = crate::validate::check_file(&src, cfg);
    let mut new = checked.postmortem.filter(|_| !checked.has_errors)?;
    new.body = String::new();
    new.body_on_disk = true;
    let before: Vec<Diagnostic> = state.diags.iter().filter(|d| d.file == rel).cloned().collect();
    let mut after = checked.diags;
    crate::diagnostic::sort(&mut after);
    if new != state.postmortems[i] || before != after {
        return None;
    }
    let sink = crate::publish::InPlace(out.to_path_buf());
    Some(match crate::render::postmortem_only(&state.postmortems, &state.metrics, cfg, i, &sink) {
        Ok(()) => Ok(()),
        Err(RenderError::Io(e)) => Err(e),
        Err(RenderError::Theme(_)) => return None,
    })
}

/// Builds the site into `out` atomically: on any failure the previous
/// content of `out` is left exactly as it was.
pub fn build(cfg: &Config, today: NaiveDate, out: &Path) -> Result<Built, Failure> {
    let mut phases = crate::timing::Phases::start();
    let analysis = crate::analyze_with(cfg, true);
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
    let metrics = crate::metrics::compute(&analysis.postmortems, cfg, today);
    phases.done("metrics");
    let staging = crate::publish::Staging::new(out).map_err(Failure::Io)?;
    let count = match crate::render::site(&analysis.postmortems, &metrics, cfg, &staging) {
        Ok(n) => n,
        Err(err) => {
            staging.abort();
            return Err(match err {
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
                    Failure::Problems { diags, sources, tally: t, files: analysis.file_count }
                }
            });
        }
    };
    phases.done("render");
    staging.commit().map_err(Failure::Io)?;
    phases.done("publish");
    Ok(Built {
        postmortems: analysis.postmortems.len(),
        files: count,
        tally: t,
        state: State { postmortems: analysis.postmortems, diags: analysis.diags, metrics },
    })
}
