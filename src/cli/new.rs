//! `retro new`: a postmortem file to fill in.

use super::{load_config, resolve_today, Format, Stop, EXIT_OK, EXIT_PROBLEMS};
use std::path::PathBuf;

pub(crate) struct NewOptions {
    pub(crate) root: PathBuf,
    pub(crate) title: String,
    pub(crate) severity: Option<String>,
    pub(crate) area: Option<String>,
    /// The day the incident started; default today.
    pub(crate) date: Option<chrono::NaiveDate>,
}

pub(crate) fn run(opts: &NewOptions) -> Result<u8, Stop> {
    let cfg = load_config(&opts.root, Format::Human)?;
    if opts.title.trim().is_empty() {
        return Err(Stop::usage("the title is empty", "retro new \"Checkout returned 500s\""));
    }
    let severity = match &opts.severity {
        Some(s) if !cfg.severities.contains(s) => {
            let names: Vec<&str> = cfg.severities.iter().map(String::as_str).collect();
            let hint = match crate::text::closest(s, &names) {
                Some(c) => format!("did you mean `{c}`? The site's severities are {}", names.join(", ")),
                None => format!("the site's severities are {}", names.join(", ")),
            };
            return Err(Stop::usage(format!("unknown severity `{s}`"), hint));
        }
        Some(s) => s.clone(),
        None => cfg.severities.last().cloned().unwrap_or_default(),
    };
    let day = match opts.date {
        Some(d) => d,
        None => resolve_today(None, &cfg)?,
    };
    let (path, text) =
        crate::scaffold::new_postmortem(&cfg, &opts.title, &severity, opts.area.as_deref(), day, opts.date.is_some());
    match crate::scaffold::write_new(&path, &text) {
        Ok(()) => {
            println!("{}", path.display());
            eprintln!("wrote {}: fill in the TODOs, then run `{}`", path.display(), super::command(&cfg.root, "check"));
            Ok(EXIT_OK)
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(Stop::Failed {
            message: format!("{} already exists; not overwriting it", path.display()),
            hint: Some("choose another title, or edit the existing file".into()),
            code: EXIT_PROBLEMS,
        }),
        Err(e) => Err(Stop::io(format!("cannot write {}: {e}", path.display()), None)),
    }
}
