//! `retro new`: a postmortem file to fill in.

use super::{load_config, resolve_today, Format, EXIT_INTERNAL, EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE};
use std::path::PathBuf;

pub struct NewOptions {
    pub root: PathBuf,
    pub title: String,
    pub severity: Option<String>,
    pub area: Option<String>,
}

pub fn run(opts: &NewOptions) -> u8 {
    let cfg = match load_config(&opts.root, Format::Human) {
        Ok(c) => c,
        Err(code) => return code,
    };
    if opts.title.trim().is_empty() {
        eprintln!("error: the title is empty\n  = help: retro new \"Checkout returned 500s\"");
        return EXIT_USAGE;
    }
    let severity = match &opts.severity {
        Some(s) if !cfg.severities.contains(s) => {
            eprintln!(
                "error: unknown severity `{s}`\n  = help: the site's severities are {}",
                cfg.severities.join(", ")
            );
            return EXIT_USAGE;
        }
        Some(s) => s.clone(),
        None => cfg.severities.last().cloned().unwrap_or_default(),
    };
    let today = match resolve_today(None, &cfg) {
        Ok(d) => d,
        Err(code) => return code,
    };
    let (path, text) = crate::scaffold::new_postmortem(&cfg, &opts.title, &severity, opts.area.as_deref(), today);
    match crate::scaffold::write_new(&path, &text) {
        Ok(()) => {
            println!("{}", path.display());
            eprintln!("wrote {}: fill in the TODOs, then run `retro check`", path.display());
            EXIT_OK
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            eprintln!("error: {} already exists; not overwriting it\n  = help: choose another title, or edit the existing file", path.display());
            EXIT_PROBLEMS
        }
        Err(e) => {
            eprintln!("error: cannot write {}: {e}", path.display());
            EXIT_INTERNAL
        }
    }
}
