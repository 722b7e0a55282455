//! `retro build`: check, measure, render and publish the site.

use super::{load_site, resolve_today, Format, Stop, EXIT_OK, EXIT_PROBLEMS};
use crate::diagnostic::{plural, summary_line};
use crate::pipeline::{build, Failure};
use crate::publish::PublishError;
use chrono::NaiveDate;
use std::path::PathBuf;

pub(crate) struct BuildOptions {
    pub(crate) root: PathBuf,
    /// Overrides site.toml's output_dir; relative to the working folder.
    pub(crate) output: Option<PathBuf>,
    pub(crate) today: Option<NaiveDate>,
    pub(crate) base_url: Option<String>,
}

pub(crate) fn run(opts: &BuildOptions) -> Result<u8, Stop> {
    let started = std::time::Instant::now();
    let mut cfg = load_site(&opts.root, Format::Human)?;
    if let Some(b) = &opts.base_url {
        cfg = cfg.with_base_url(b).ok_or_else(|| {
            Stop::usage(
                format!("--base-url `{b}` is neither a path nor an http(s) URL"),
                "e.g. --base-url /postmortems/ or --base-url https://example.com/postmortems/",
            )
        })?;
    }
    let today = resolve_today(opts.today, &cfg)?;
    let out = opts.output.clone().unwrap_or_else(|| cfg.output_path());
    match build(&cfg, today, &out) {
        Ok(b) => {
            let problems = match b.tally.errors + b.tally.warnings {
                0 => String::new(),
                n => format!("; {} (run `{}`)", plural(n, "completeness problem"), super::command(&cfg.root, "check")),
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
            Ok(EXIT_OK)
        }
        Err(Failure::Problems { diags, sources, tally, files }) => Err(Stop::Problems {
            diags,
            texts: sources,
            format: Format::Human,
            notes: vec![
                summary_line(tally, files),
                "build failed: nothing was written; the previous site is unchanged".to_string(),
            ],
            code: EXIT_PROBLEMS,
        }),
        Err(Failure::Publish(PublishError::Refused(r))) => Err(Stop::usage(r.to_string(), r.hint)),
        Err(Failure::Publish(e)) => Err(Stop::io(
            format!("cannot write the site to {}: {e}", out.display()),
            Some("check that the folder and the one holding it are writable"),
        )),
        Err(Failure::Io(e)) => Err(Stop::io(format!("cannot write the site to {}: {e}", out.display()), None)),
    }
}
