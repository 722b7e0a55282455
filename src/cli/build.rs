//! `retro build`: check, measure, render and publish the site.

use super::{load_config, report, resolve_today, Format, EXIT_INTERNAL, EXIT_OK, EXIT_PROBLEMS};
use crate::diagnostic::{summary_line, tally, Kind, Level};
use crate::render::RenderError;
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
    let mut cfg = match load_config(&opts.root, Format::Human) {
        Ok(c) => c,
        Err(code) => return code,
    };
    if let Some(b) = &opts.base_url {
        let mut toml = String::from("base_url = ");
        toml.push_str(&toml_string(b));
        match crate::config::Config::parse(&cfg.root, &toml) {
            Ok(c) => cfg.base_url = c.base_url,
            Err(_) => {
                eprintln!("error: --base-url `{b}` is neither a path nor an http(s) URL\n  = help: e.g. --base-url /postmortems/ or --base-url https://example.com/postmortems/");
                return super::EXIT_USAGE;
            }
        }
    }
    let today = match resolve_today(opts.today, &cfg) {
        Ok(d) => d,
        Err(code) => return code,
    };
    let mut phases = crate::timing::Phases::start();
    let analysis = crate::analyze(&cfg);
    phases.done("analyze");
    let t = tally(&analysis.diags);
    if analysis.has_errors() {
        let errors: Vec<_> =
            analysis.diags.iter().filter(|d| d.kind() == Kind::Error && d.level == Level::Error).cloned().collect();
        report(&errors, Format::Human, &|f| analysis.source(f));
        eprintln!("{}", summary_line(t, analysis.file_count));
        eprintln!("build failed: nothing was written; the previous site is unchanged");
        return EXIT_PROBLEMS;
    }
    let metrics = crate::metrics::compute(&analysis.postmortems, &cfg, today);
    phases.done("metrics");
    let out = opts.output.clone().unwrap_or_else(|| cfg.output_path());
    let write_failed = |e: std::io::Error| {
        eprintln!(
            "error: cannot write the site to {}: {e}\n  = help: check that the folder is writable; the previous site is unchanged",
            out.display()
        );
        EXIT_INTERNAL
    };
    let staging = match crate::publish::Staging::new(&out) {
        Ok(s) => s,
        Err(e) => return write_failed(e),
    };
    let count = match crate::render::site(&analysis.postmortems, &metrics, &cfg, &staging) {
        Ok(n) => n,
        Err(err) => {
            staging.abort();
            return match err {
                RenderError::Io(e) => write_failed(e),
                RenderError::Theme(diags) => {
                    let texts: Vec<(String, String)> = diags
                        .iter()
                        .filter_map(|d| {
                            std::fs::read_to_string(cfg.root.join(&d.file)).ok().map(|t| (d.file.clone(), t))
                        })
                        .collect();
                    report(&diags, Format::Human, &|f| texts.iter().find(|(n, _)| n == f).map(|(_, t)| t.as_str()));
                    eprintln!("build failed: nothing was written; the previous site is unchanged");
                    EXIT_PROBLEMS
                }
            };
        }
    };
    phases.done("render");
    if let Err(e) = staging.commit() {
        return write_failed(e);
    }
    phases.done("publish");
    let problems = if t.errors + t.warnings > 0 {
        format!("; {} (run `retro check`)", crate::diagnostic::plural(t.errors + t.warnings, "completeness problem"))
    } else {
        String::new()
    };
    eprintln!(
        "built {} into {}: {} files in {} ms{problems}",
        crate::diagnostic::plural(analysis.postmortems.len(), "postmortem"),
        out.display(),
        count,
        started.elapsed().as_millis()
    );
    EXIT_OK
}

fn toml_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
