//! The command line: every subcommand and flag, as clap reads them.

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Parser)]
#[command(name = "retro", version, about = "A static-site generator for incident postmortems")]
pub(crate) struct Args {
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// How `check` prints its diagnostics.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    /// rustc-style text on stderr
    #[default]
    Human,
    /// a JSON array on stdout
    Json,
    /// GitHub Actions workflow commands on stdout
    Github,
}

/// How `report` prints its digest.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub(crate) enum ReportFormat {
    /// Markdown, to post to a chat or an issue
    #[default]
    Markdown,
    /// JSON, for scripts
    Json,
}

#[derive(Subcommand)]
pub(crate) enum Command {
    /// Report every problem of every postmortem, with file, line and hint.
    Check {
        /// The site folder (holding site.toml).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// human: rustc-style on stderr; json: an array on stdout; github: workflow commands.
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
        /// Fail on warnings too.
        #[arg(long)]
        strict: bool,
        /// Also check internal links in bodies and the syntax of action-item links.
        #[arg(long)]
        links: bool,
        /// The date to check against (YYYY-MM-DD); default SOURCE_DATE_EPOCH, then the clock.
        #[arg(long, value_parser = crate::clock::parse_date)]
        today: Option<chrono::NaiveDate>,
    },
    /// Check, measure and render the site into the output folder.
    Build {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Output folder (default: site.toml output_dir, `public`).
        #[arg(long)]
        output: Option<PathBuf>,
        /// The date overdue items are measured against (YYYY-MM-DD).
        #[arg(long, value_parser = crate::clock::parse_date)]
        today: Option<chrono::NaiveDate>,
        /// Overrides site.toml base_url, e.g. /my-project/.
        #[arg(long)]
        base_url: Option<String>,
    },
    /// Print the follow-through digest: overdue items by owner, postmortems awaiting review, items closed lately.
    Report {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// The date to report as of (YYYY-MM-DD); default SOURCE_DATE_EPOCH, then the clock.
        #[arg(long, value_parser = crate::clock::parse_date)]
        today: Option<chrono::NaiveDate>,
        /// markdown: to post to a chat or an issue; json: for scripts.
        #[arg(long, value_enum, default_value = "markdown")]
        format: ReportFormat,
    },
    /// Write a new postmortem to fill in: content/<date>-<slug>.md.
    New {
        /// The title, e.g. "Checkout returned 500s".
        title: String,
        /// One of the site's severities (site.toml `severities`); default the least severe.
        #[arg(long)]
        severity: Option<String>,
        /// The area of the system, e.g. payments.
        #[arg(long)]
        area: Option<String>,
        /// The day the incident started (YYYY-MM-DD): names the file and fills `started`; default today.
        #[arg(long, value_parser = crate::clock::parse_date)]
        date: Option<chrono::NaiveDate>,
        /// The site folder (holding site.toml).
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// Run the language server on stdin and stdout, for editors.
    Lsp {
        /// The site folder; default the editor's workspace folder when it holds a site.toml, else the working folder.
        #[arg(long)]
        root: Option<PathBuf>,
    },
    /// Print a JSON Schema of the front matter, for editors and CMSs.
    Schema {
        /// The site folder (its severities and contributing factors are in the schema).
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// Create a new site in DIR.
    Init {
        /// The folder to create the site in: new or empty.
        dir: PathBuf,
    },
    /// Build, serve on loopback and reload open pages on every change.
    Serve {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// 0 picks a free port.
        #[arg(long, default_value_t = 1111)]
        port: u16,
        #[arg(long, default_value = "127.0.0.1")]
        bind: String,
    },
}
