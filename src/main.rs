//! The `retro` command: parses arguments, calls the library, exits with
//! its code. A panic is a bug: it is reported and exits with 3, never 101.

use clap::{Parser, Subcommand, ValueEnum};
use retro::cli::{self, build::BuildOptions, check::CheckOptions, new::NewOptions, serve::ServeOptions};
use std::path::PathBuf;
use std::process::ExitCode;

// Building a site allocates many small strings (template values, escaped
// text); mimalloc makes a 10,000-postmortem build markedly cheaper than
// glibc's allocator (docs/performance.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(name = "retro", version, about = "A static-site generator for incident postmortems")]
struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Human,
    Json,
    Github,
}

#[derive(Subcommand)]
enum Command {
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
        #[arg(long, value_parser = retro::clock::parse_date)]
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
        #[arg(long, value_parser = retro::clock::parse_date)]
        today: Option<chrono::NaiveDate>,
        /// Overrides site.toml base_url, e.g. /my-project/.
        #[arg(long)]
        base_url: Option<String>,
    },
    /// Write a new postmortem to fill in: content/<date>-<slug>.md.
    New {
        /// The title, e.g. "Checkout returned 500s".
        title: String,
        #[arg(long)]
        severity: Option<String>,
        #[arg(long)]
        area: Option<String>,
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// Create a new site in DIR.
    Init { dir: PathBuf },
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

fn main() -> ExitCode {
    std::panic::set_hook(Box::new(|info| {
        eprintln!("error: internal error: {info}\n  = note: this is a bug in retro; please report it with the input that caused it");
    }));
    let args = Args::parse();
    let code = std::panic::catch_unwind(|| match args.command {
        Command::Check { root, format, strict, links, today: _ } => {
            let format = match format {
                Format::Human => cli::Format::Human,
                Format::Json => cli::Format::Json,
                Format::Github => cli::Format::Github,
            };
            cli::check::run(&CheckOptions { root, format, strict, links })
        }
        Command::Build { root, output, today, base_url } => {
            cli::build::run(&BuildOptions { root, output, today, base_url })
        }
        Command::New { title, severity, area, root } => cli::new::run(&NewOptions { root, title, severity, area }),
        Command::Init { dir } => cli::init::run(&dir),
        Command::Serve { root, port, bind } => cli::serve::run(&ServeOptions { root, port, bind }),
    });
    ExitCode::from(code.unwrap_or(cli::EXIT_INTERNAL))
}
