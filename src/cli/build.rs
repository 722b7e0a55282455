//! `retro build`: check, measure, render and publish the site.

use super::{load_site, report, resolve_today, Format, EXIT_INTERNAL, EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE};
use crate::diagnostic::{plural, summary_line};
use crate::pipeline::{build, Failure};
use crate::publish::PublishError;
use chrono::NaiveDate;
use std::path::PathBuf;

pub struct BuildOptions {
    pub root: PathBuf,
    /// Overrides site.toml's output_dir; relative to the working folder.
    pub output: Option<PathBuf>,
    pub today: Option<NaiveDate>,
    pub base_url: Option<String>,
}

pub fn run(opts: &BuildOptions) -> u8 {
    let started = std::time::Instant::now();
    let mut cfg = match load_site(&opts.root, Format::Human) {
        Ok(c) => c,
        Err(code) => return code,
    };
    if let Some(b) = &opts.base_url {
        match cfg.with_base_url(b) {
            Some(c) => cfg = c,
            None => {
                eprintln!("error: --base-url `{b}` is neither a path nor an http(s) URL\n  = help: e.g. --base-url /postmortems/ or --base-url https://example.com/postmortems/");
                return EXIT_USAGE;
            }
        }
    }
    let today = match resolve_today(opts.today, &cfg) {
        Ok(d) => d,
        Err(code) => return code,
    };
    let out = opts.output.clone().unwrap_or_else(|| cfg.output_path());
    match build(&cfg, today, &out) {
        Ok(b) => {
            let problems = match b.tally.errors + b.tally.warnings {
                0 => String::new(),
                n => format!("; {} (run `retro check`)", plural(n, "completeness problem")),
            };
            eprintln!(
                "built {} into {}: {} files in {} ms{problems}",
                plural(b.postmortems, "postmortem"),
                out.display(),
                b.files,
                started.elapsed().as_millis()
            );
            if let Some(l) = &b.leftover {
                eprintln!(
                    "warning: the site is published, but its previous copy at {} could not be removed: {}\n  = note: the next build removes it",
                    l.path.display(),
                    l.error
                );
            }
            // the process ends now: no need to free the model piece by piece
            std::mem::forget(b);
            EXIT_OK
        }
        Err(Failure::Problems { diags, sources, tally, files }) => {
            report(&diags, Format::Human, &|f| sources.iter().find(|s| s.rel == f).map(|s| s.text.as_str()));
            eprintln!("{}", summary_line(tally, files));
            eprintln!("build failed: nothing was written; the previous site is unchanged");
            EXIT_PROBLEMS
        }
        Err(Failure::Publish(PublishError::Refused(r))) => {
            eprintln!("error: {r}\n  = help: {}", r.hint);
            EXIT_USAGE
        }
        Err(Failure::Publish(e)) => {
            eprintln!(
                "error: cannot write the site to {}: {e}\n  = help: check that the folder and the one holding it are writable",
                out.display()
            );
            EXIT_INTERNAL
        }
        Err(Failure::Io(e)) => {
            eprintln!("error: cannot write the site to {}: {e}", out.display());
            EXIT_INTERNAL
        }
    }
}
