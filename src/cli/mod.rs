//! The command line: one file per subcommand, run by [`run`], which
//! reports a command's [`Stop`] once and turns it into the exit code
//! (docs/diagnostics.md): 0 nothing to report; 1 problems that fail; 2
//! usage or configuration error; 3 internal or I/O failure.

mod args;
mod build;
mod check;
mod init;
mod lsp;
mod new;
mod report;
mod serve;

use crate::config::{self, Config};
use crate::diagnostic::{render_github, render_human, render_json, Diagnostic};
use crate::load::SourceFile;
pub(crate) use args::Format;
use clap::Parser;
use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;

pub(crate) const EXIT_OK: u8 = 0;
pub(crate) const EXIT_PROBLEMS: u8 = 1;
pub(crate) const EXIT_USAGE: u8 = 2;
pub(crate) const EXIT_INTERNAL: u8 = 3;

/// Why a command stopped short of its work: reported once, by [`run`].
#[derive(Debug)]
pub(crate) enum Stop {
    /// Problems in the site's files, each with file, line and hint, shown
    /// with the texts of their files and followed by `notes`.
    Problems { diags: Vec<Diagnostic>, texts: Vec<SourceFile>, format: Format, notes: Vec<String>, code: u8 },
    /// What the command could not do, and how to set it right.
    Failed { message: String, hint: Option<String>, code: u8 },
}

impl Stop {
    /// A problem with how the command was called or the site is set up.
    pub(crate) fn usage(message: impl Into<String>, hint: impl Into<String>) -> Stop {
        Stop::Failed { message: message.into(), hint: Some(hint.into()), code: EXIT_USAGE }
    }

    /// A failure to read or write, with `hint` when there is one.
    pub(crate) fn io(message: impl Into<String>, hint: Option<&str>) -> Stop {
        Stop::Failed { message: message.into(), hint: hint.map(str::to_string), code: EXIT_INTERNAL }
    }

    /// Prints the stop and gives its exit code.
    pub(crate) fn report(self) -> u8 {
        match self {
            Stop::Problems { diags, texts, format, notes, code } => {
                report(&diags, format, &|f| texts.iter().find(|s| s.rel == f).map(|s| s.text.as_str()));
                for note in notes {
                    eprintln!("{note}");
                }
                code
            }
            Stop::Failed { message, hint, code } => {
                match hint {
                    Some(hint) => eprintln!("error: {message}\n  = help: {hint}"),
                    None => eprintln!("error: {message}"),
                }
                code
            }
        }
    }
}

/// Runs the command line of this process: parses it, runs the command,
/// reports how it stopped. A panic is a bug: it is reported and exits
/// with 3, never 101.
pub fn run() -> ExitCode {
    use args::Command;
    std::panic::set_hook(Box::new(|info| {
        eprintln!("error: internal error: {info}\n  = note: this is a bug in retro; please report it with the input that caused it");
    }));
    let args = args::Args::parse();
    let ran = std::panic::catch_unwind(|| match args.command {
        Command::Check { root, format, strict, links, today } => {
            check::run(&check::CheckOptions { root, format, strict, links, today })
        }
        Command::Build { root, output, today, base_url } => {
            build::run(&build::BuildOptions { root, output, today, base_url })
        }
        Command::Report { root, today, format } => report::run(&report::ReportOptions { root, today, format }),
        Command::New { title, severity, area, date, root } => {
            new::run(&new::NewOptions { root, title, severity, area, date })
        }
        Command::Init { dir } => init::run(&dir),
        Command::Lsp { root } => lsp::run(root),
        Command::Schema { root } => load_config(&root, Format::Human).map(|cfg| {
            print!("{}", crate::schema::json_schema(&cfg));
            EXIT_OK
        }),
        Command::Serve { root, port, bind } => serve::run(&serve::ServeOptions { root, port, bind }),
    });
    ExitCode::from(match ran {
        Ok(Ok(code)) => code,
        Ok(Err(stop)) => stop.report(),
        Err(_) => EXIT_INTERNAL,
    })
}

/// Colour only when stderr is a terminal and NO_COLOR is not set.
pub(crate) fn use_color() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// Prints diagnostics in `format`; `source` gives file texts for snippets.
pub(crate) fn report<'s>(diags: &[Diagnostic], format: Format, source: &dyn Fn(&str) -> Option<&'s str>) {
    match format {
        Format::Human => eprint!("{}", render_human(diags, source, use_color())),
        Format::Json => print!("{}", render_json(diags)),
        Format::Github => print!("{}", render_github(diags)),
    }
}

/// Loads site.toml; its problems stop the command.
pub(crate) fn load_config(root: &Path, format: Format) -> Result<Config, Stop> {
    Config::load(root).map_err(|diags| {
        let texts = std::fs::read_to_string(root.join(config::FILE_NAME))
            .map(|text| vec![SourceFile { rel: config::FILE_NAME.to_string(), text }])
            .unwrap_or_default();
        Stop::Problems { diags, texts, format, notes: Vec::new(), code: EXIT_USAGE }
    })
}

/// Loads site.toml and makes sure the content folder exists (`new` makes
/// it; `check`, `build` and `serve` need it).
/// A command to quote in a hint, with the `--root` the user passed:
/// `retro check`, or `retro check --root '../My Site'`.
pub(crate) fn command(root: &Path, args: &str) -> String {
    if root.as_os_str().is_empty() || root == Path::new(".") {
        return format!("retro {args}");
    }
    let r = root.display().to_string();
    let safe = r.chars().all(|c| c.is_alphanumeric() || "/._-+:@,".contains(c));
    let quoted = if safe { r } else { format!("'{}'", r.replace('\'', "'\\''")) };
    format!("retro {args} --root {quoted}")
}

pub(crate) fn load_site(root: &Path, format: Format) -> Result<Config, Stop> {
    let cfg = load_config(root, format)?;
    if let Some(d) = missing_content(&cfg) {
        return Err(Stop::Problems { diags: vec![d], texts: Vec::new(), format, notes: Vec::new(), code: EXIT_USAGE });
    }
    Ok(cfg)
}

/// The problem of a site whose content folder does not exist (C005).
pub(crate) fn missing_content(cfg: &Config) -> Option<Diagnostic> {
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
        .hint(format!(
            "create it and put postmortems in it (`{}` does both), set `content_dir` in site.toml, or pass the right --root",
            command(&cfg.root, "new \"Title\"")
        )),
    )
}

/// Resolves today for a site: the flag, SOURCE_DATE_EPOCH or the clock.
pub(crate) fn resolve_today(flag: Option<chrono::NaiveDate>, cfg: &Config) -> Result<chrono::NaiveDate, Stop> {
    let env = std::env::var("SOURCE_DATE_EPOCH").ok();
    crate::clock::today(flag, env.as_deref(), cfg.timezone).map_err(|e| {
        Stop::usage(e, "unset SOURCE_DATE_EPOCH or set it to seconds since 1970-01-01, or pass --today YYYY-MM-DD")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hints_quote_commands_with_the_root_the_user_passed() {
        assert_eq!(command(Path::new("."), "check"), "retro check");
        assert_eq!(command(Path::new("site"), "check"), "retro check --root site");
        assert_eq!(command(Path::new("/tmp/my site"), "new \"T\""), "retro new \"T\" --root '/tmp/my site'");
        assert_eq!(command(Path::new("it's"), "check"), "retro check --root 'it'\\''s'");
    }
}
