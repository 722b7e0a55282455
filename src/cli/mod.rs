//! One file per subcommand. Each returns the process exit code
//! (FORMAT.md section 3): 0 nothing to report; 1 problems that fail;
//! 2 usage or configuration error; 3 internal or I/O failure.

pub mod build;
pub mod check;
pub mod init;
pub mod new;
pub mod serve;

use crate::config::{self, Config};
use crate::diagnostic::{render_github, render_human, render_json, Diagnostic};
use std::io::IsTerminal;
use std::path::Path;

pub const EXIT_OK: u8 = 0;
pub const EXIT_PROBLEMS: u8 = 1;
pub const EXIT_USAGE: u8 = 2;
pub const EXIT_INTERNAL: u8 = 3;

/// How `check` prints diagnostics.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Format {
    /// rustc-style text on stderr
    #[default]
    Human,
    /// a JSON array on stdout
    Json,
    /// GitHub Actions workflow commands on stdout
    Github,
}

/// Colour only when stderr is a terminal and NO_COLOR is not set.
pub fn use_color() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// Prints diagnostics in `format`; `source` gives file texts for snippets.
pub fn report<'s>(diags: &[Diagnostic], format: Format, source: &dyn Fn(&str) -> Option<&'s str>) {
    match format {
        Format::Human => eprint!("{}", render_human(diags, source, use_color())),
        Format::Json => print!("{}", render_json(diags)),
        Format::Github => print!("{}", render_github(diags)),
    }
}

/// Loads site.toml, printing its problems; `Err` carries the exit code.
pub fn load_config(root: &Path, format: Format) -> Result<Config, u8> {
    Config::load(root).map_err(|diags| {
        let text = std::fs::read_to_string(root.join(config::FILE_NAME)).ok();
        report(&diags, format, &|f| {
            if f == config::FILE_NAME {
                text.as_deref()
            } else {
                None
            }
        });
        EXIT_USAGE
    })
}

/// Loads site.toml and makes sure the content folder exists (`new` makes
/// it; `check`, `build` and `serve` need it). `Err` carries the exit code.
pub fn load_site(root: &Path, format: Format) -> Result<Config, u8> {
    let cfg = load_config(root, format)?;
    if let Some(d) = missing_content(&cfg) {
        report(&[d], format, &|_| None);
        return Err(EXIT_USAGE);
    }
    Ok(cfg)
}

/// The problem of a site whose content folder does not exist (C005).
pub fn missing_content(cfg: &Config) -> Option<Diagnostic> {
    if cfg.content_path().is_dir() {
        return None;
    }
    Some(
        Diagnostic::new(
            crate::diagnostic::Code::C005,
            config::FILE_NAME,
            1,
            1,
            format!("the content folder `{}` does not exist", cfg.content_dir),
        )
        .hint("create it and put postmortems in it (`retro new \"Title\"` does both), set `content_dir` in site.toml, or pass the right --root"),
    )
}

/// Resolves today for a site, printing a problem with SOURCE_DATE_EPOCH.
pub fn resolve_today(flag: Option<chrono::NaiveDate>, cfg: &Config) -> Result<chrono::NaiveDate, u8> {
    let env = std::env::var("SOURCE_DATE_EPOCH").ok();
    crate::clock::today(flag, env.as_deref(), cfg.timezone).map_err(|e| {
        eprintln!("error: {e}\n  = help: unset SOURCE_DATE_EPOCH or set it to seconds since 1970-01-01, or pass --today YYYY-MM-DD");
        EXIT_USAGE
    })
}
