//! retro: a static-site generator for incident postmortems.
//!
//! The pipeline, one module per step:
//! [`load`] → [`parse`] → [`validate`] → [`model`] → [`metrics`] →
//! [`render`] → [`publish`]. Every step reports problems as
//! [`diagnostic::Diagnostic`] values; the `cli` module prints them and picks
//! the exit code.

pub mod cli;
pub mod clock;
pub mod config;
pub mod diagnostic;
pub mod load;
pub mod metrics;
pub mod model;
pub mod parse;
pub mod pipeline;
pub mod publish;
pub mod render;
pub mod scaffold;
pub mod serve;
pub mod text;
pub mod timing;
pub mod validate;

use config::Config;
use diagnostic::{Diagnostic, Kind};
use load::SourceFile;
use model::Postmortem;
use rayon::prelude::*;

/// A site read and checked: the postmortems without errors, sorted by the
/// instant they started and then by id, and every problem found.
#[derive(Debug)]
pub struct Analysis {
    pub postmortems: Vec<Postmortem>,
    /// Sorted by file, line and column.
    pub diags: Vec<Diagnostic>,
    /// The text of every readable file that has diagnostics, for showing
    /// source lines.
    pub sources: Vec<SourceFile>,
    /// Every postmortem file found, readable or not.
    pub file_count: usize,
}

impl Analysis {
    pub fn has_errors(&self) -> bool {
        self.diags.iter().any(|d| d.kind() == Kind::Error)
    }

    /// The text of a file by its site-relative path.
    pub fn source(&self, rel: &str) -> Option<&str> {
        self.sources.binary_search_by(|s| s.rel.as_str().cmp(rel)).ok().map(|i| self.sources[i].text.as_str())
    }
}

/// Loads, parses and checks every postmortem of the site.
pub fn analyze(cfg: &Config) -> Analysis {
    let mut phases = timing::Phases::start();
    let loaded = load::load(cfg);
    phases.done("load");
    let mut diags = loaded.problems;
    let results: Vec<validate::FileResult> =
        loaded.files.par_iter().map(|src| validate::check_file(src, cfg)).collect();
    phases.done("check");
    let read: Vec<&Postmortem> = results.iter().filter_map(|r| r.postmortem.as_ref()).collect();
    diags.extend(validate::check_site(&read));
    let mut postmortems = Vec::new();
    for r in results {
        diags.extend(r.diags);
        if !r.has_errors {
            postmortems.extend(r.postmortem);
        }
    }
    // A file named in a cross-file error cannot be trusted either.
    let bad: std::collections::HashSet<&str> =
        diags.iter().filter(|d| d.kind() == Kind::Error).map(|d| d.file.as_str()).collect();
    postmortems.retain(|p| !bad.contains(p.file.as_str()));
    diagnostic::sort(&mut diags);
    postmortems.sort_by(|a, b| {
        let key = |p: &Postmortem| p.timeline.started.as_ref().map(|s| s.at);
        match (key(a), key(b)) {
            (Some(x), Some(y)) => x.cmp(&y),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        }
        .then_with(|| a.id.cmp(&b.id))
    });
    // Keep the text only of files with something to show: the rest would
    // double the memory a large site needs.
    let named: std::collections::HashSet<&str> = diags.iter().map(|d| d.file.as_str()).collect();
    let mut sources: Vec<SourceFile> = loaded.files.into_iter().filter(|f| named.contains(f.rel.as_str())).collect();
    sources.sort_by(|a, b| a.rel.cmp(&b.rel));
    Analysis { postmortems, diags, sources, file_count: loaded.count }
}
