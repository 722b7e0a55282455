//! retro: a static-site generator for incident postmortems.
//!
//! The pipeline, one module per step:
//! [`load`] → [`parse`] → [`validate`] → [`model`] → [`metrics`] →
//! [`render`] → [`publish`]. Every step reports problems as
//! [`diagnostic::Diagnostic`] values; the `cli` module prints them and picks
//! the exit code.

pub mod cli;
pub(crate) mod clock;
pub mod config;
pub mod diagnostic;
pub(crate) mod load;
pub(crate) mod lsp;
pub(crate) mod metrics;
pub(crate) mod model;
pub(crate) mod parse;
pub mod pipeline;
pub(crate) mod progress;
pub(crate) mod publish;
pub(crate) mod render;
pub(crate) mod routes;
pub(crate) mod runs;
pub(crate) mod scaffold;
pub(crate) mod schema;
pub(crate) mod serve;
pub(crate) mod stats;
pub(crate) mod text;
pub(crate) mod timing;
pub(crate) mod validate;
pub(crate) mod watch;

/// What the fuzz targets, the benchmarks and the property tests drive
/// directly: not a stable API.
#[doc(hidden)]
pub mod internals {
    pub use crate::load::decode;
    pub use crate::metrics::{compute, percentile, Quarter};
    pub use crate::model::{ActionItem, Body, Day, ItemStatus, PmKind, Postmortem, Report, Stamp, Status, Timeline};
    pub use crate::parse::{split, FrontMatter};
    pub use crate::render::api::exports;
    pub use crate::render::feed::xml_escape;
    pub use crate::render::markdown::{html_too_deep, render as render_markdown};
    pub use crate::text::url_scheme;
    pub use crate::validate::check_file;
    pub use crate::validate::FileResult;
}

use config::Config;
use diagnostic::{Code, Diagnostic, Kind};
use load::SourceFile;
use model::Postmortem;
use rayon::prelude::*;

/// A site read and checked: the postmortems without errors, sorted by the
/// instant they started and then by id, and every problem found.
#[derive(Debug)]
pub struct Analysis {
    pub(crate) postmortems: Vec<Postmortem>,
    /// Where each postmortem's fields are, in the order of `postmortems`.
    pub(crate) lines: Vec<model::Lines>,
    /// What the completeness check found in each, in the same order.
    pub(crate) reports: Vec<model::Report>,
    /// Sorted by file, line and column.
    pub(crate) diags: Vec<Diagnostic>,
    /// The text of every readable file that has diagnostics, for showing
    /// source lines.
    pub(crate) sources: Vec<SourceFile>,
    /// Every postmortem file found, readable or not.
    pub(crate) file_count: usize,
}

impl Analysis {
    pub(crate) fn has_errors(&self) -> bool {
        self.diags.iter().any(|d| d.kind() == Kind::Error)
    }

    /// The text of a file by its site-relative path.
    pub(crate) fn source(&self, rel: &str) -> Option<&str> {
        self.sources.binary_search_by(|s| s.rel.as_str().cmp(rel)).ok().map(|i| self.sources[i].text.as_str())
    }
}

/// Loads, parses and checks every postmortem of the site.
pub fn analyze(cfg: &Config) -> Analysis {
    analyze_with(cfg, Reading { progress: false, head: 0 })
}

/// How [`analyze_with`] reads a site: with a progress bar on a terminal,
/// and how many bytes of each body it keeps in memory (`head`: a build's
/// search index reads a body's beginning; `check` keeps none).
#[derive(Clone, Copy)]
pub(crate) struct Reading {
    pub(crate) progress: bool,
    pub(crate) head: usize,
}

/// [`analyze`], read as `reading` says.
pub(crate) fn analyze_with(cfg: &Config, reading: Reading) -> Analysis {
    let mut phases = timing::Phases::start();
    let found = load::discover(cfg);
    phases.done("discover");
    let progress = if reading.progress {
        progress::Progress::new("checking", found.paths.len())
    } else {
        progress::Progress::none()
    };
    let file_count = found.paths.len();
    let mut diags = found.problems;
    diags.extend(render::theme::links_out(cfg));
    // read and check each file in one pass on all cores
    let checked: Vec<CheckedFile> = found
        .paths
        .par_iter()
        .map(|(rel, path)| {
            progress.inc();
            check_one(rel, path, cfg, reading.head)
        })
        .collect();
    progress.finish();
    phases.done("check");
    let mut analysis = assemble(diags, checked, file_count);
    add_missing_texts(&analysis.diags, &mut analysis.sources, cfg);
    phases.done("order");
    analysis
}

/// One file read and checked (or why it could not be), and its text when
/// it has something to show.
pub(crate) type CheckedFile = (Result<validate::FileResult, Diagnostic>, Option<SourceFile>);

/// The analysis of a site from each file's own check: runs the cross-file
/// checks, and orders the postmortems without errors. `diags` are the
/// problems found before any file was read.
pub(crate) fn assemble(mut diags: Vec<Diagnostic>, checked: Vec<CheckedFile>, file_count: usize) -> Analysis {
    // few passes over the postmortems, each moved as little as possible:
    // they are large, and at 100,000 every extra move of them all costs
    // about a hundred milliseconds
    let mut read: Vec<Option<model::Checked>> = Vec::with_capacity(checked.len());
    let mut broken: Vec<bool> = Vec::with_capacity(checked.len());
    let mut sources = Vec::new();
    for (r, src) in checked {
        match r {
            Ok(r) => {
                diags.extend(r.diags);
                if let Some(c) = r.checked {
                    read.push(Some(c));
                    broken.push(r.has_errors);
                }
            }
            Err(d) => diags.push(d),
        }
        sources.extend(src);
    }
    // ids and related ids of files with errors count too
    let site_diags = validate::check_site(&read.iter().flatten().map(|c| (&c.pm, &c.lines)).collect::<Vec<_>>());
    diags.extend(site_diags);
    // A file named in a cross-file error cannot be trusted either.
    let bad: std::collections::HashSet<&str> =
        diags.iter().filter(|d| d.kind() == Kind::Error).map(|d| d.file.as_str()).collect();
    // the site's order: by start (none last), then id; sorted on compact
    // keys, not through the scattered postmortems
    let mut keys: Vec<(bool, Option<chrono::DateTime<chrono::FixedOffset>>, &str, usize)> = read
        .iter()
        .enumerate()
        .filter(|&(i, _)| !broken[i])
        .filter_map(|(i, c)| c.as_ref().map(|c| (i, &c.pm)))
        .filter(|(_, p)| !bad.contains(p.file.as_str()))
        .map(|(i, p)| {
            let start = p.timeline.started.as_ref().map(|s| s.at);
            (start.is_none(), start, p.id.as_str(), i)
        })
        .collect();
    keys.sort_unstable();
    let keep: Vec<usize> = keys.into_iter().map(|k| k.3).collect();
    drop(bad);
    let mut postmortems: Vec<Postmortem> = Vec::with_capacity(keep.len());
    let mut lines = Vec::with_capacity(keep.len());
    let mut reports = Vec::with_capacity(keep.len());
    for c in keep.into_iter().filter_map(|i| read[i].take()) {
        postmortems.push(c.pm);
        lines.push(c.lines);
        reports.push(c.report);
    }
    drop(read);
    diagnostic::sort(&mut diags);
    Analysis { postmortems, lines, reports, diags, sources, file_count }
}

/// Reads and checks one file; keeps its text only when it has something
/// to show, so that a large site is never held in memory twice, and of
/// its body only the first `head` bytes.
pub(crate) fn check_one(rel: &str, path: &std::path::Path, cfg: &Config, head: usize) -> CheckedFile {
    match load::read(rel, path) {
        Ok(src) => {
            let mut r = validate::check_file(&src, cfg);
            // the body is read again when its page is rendered
            if let Some(c) = r.checked.as_mut() {
                c.pm.body = c.pm.body.on_disk(head);
            }
            let keep = !r.diags.is_empty();
            (Ok(r), keep.then_some(src))
        }
        Err(d) => {
            // a file that is not text still shows where it is not
            let shown = (d.code == Code::E002).then(|| load::shown(rel, path)).flatten();
            (Err(d), shown)
        }
    }
}

/// Reads again the files with only cross-file problems, to show their
/// lines (never a link out of the site: those are named, not read), and
/// sorts `sources` by file.
fn add_missing_texts(diags: &[Diagnostic], sources: &mut Vec<SourceFile>, cfg: &Config) {
    let have: std::collections::HashSet<String> = sources.iter().map(|s: &SourceFile| s.rel.clone()).collect();
    let mut missing: Vec<&str> = diags
        .iter()
        .filter(|d| d.code != diagnostic::Code::W011 && d.code != diagnostic::Code::E001)
        .map(|d| d.file.as_str())
        .filter(|f| !have.contains(*f))
        .collect();
    missing.dedup();
    for f in missing {
        if let Ok(src) = load::read(f, &cfg.root.join(f)) {
            sources.push(src);
        }
    }
    sources.sort_by(|a, b| a.rel.cmp(&b.rel));
    sources.dedup_by(|a, b| a.rel == b.rel);
}
