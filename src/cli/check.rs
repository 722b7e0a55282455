//! `retro check`: every problem of every postmortem, like a compiler.

use super::{load_config, report, Format, EXIT_OK, EXIT_PROBLEMS};
use crate::diagnostic::{summary_line, tally};
use std::path::PathBuf;

pub struct CheckOptions {
    pub root: PathBuf,
    pub format: Format,
    pub strict: bool,
}

pub fn run(opts: &CheckOptions) -> u8 {
    let started = std::time::Instant::now();
    let cfg = match load_config(&opts.root, opts.format) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let analysis = crate::analyze(&cfg);
    report(&analysis.diags, opts.format, &|f| analysis.source(f));
    let t = tally(&analysis.diags);
    eprintln!("{} ({} ms)", summary_line(t, analysis.file_count), started.elapsed().as_millis());
    if t.errors > 0 || (opts.strict && t.warnings > 0) {
        EXIT_PROBLEMS
    } else {
        EXIT_OK
    }
}
