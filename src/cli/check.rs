//! `retro check`: every problem of every postmortem, like a compiler.

use super::{load_site, report, Format, Stop, EXIT_OK, EXIT_PROBLEMS};
use crate::diagnostic::{summary_line, tally};
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
    let mut analysis = crate::analyze_with(&cfg, crate::Reading { progress: opts.format == Format::Human, head: 0 });
    analysis.diags.extend(crate::validate::history::check(&analysis, &cfg, today, |_| true));
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
