//! A progress bar for long work: shown only on a terminal, never in CI
//! logs, and only once the work has taken more than a second.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::time::{Duration, Instant};

/// Counts units of work from any thread.
pub(crate) struct Progress {
    bar: Option<(ProgressBar, Instant)>,
}

impl Progress {
    /// No bar: for tests, pipes and CI.
    pub(crate) fn none() -> Progress {
        Progress { bar: None }
    }

    /// A bar for `total` units labelled `what`, when stderr is a terminal
    /// and `CI` is not set.
    pub(crate) fn new(what: &str, total: usize) -> Progress {
        let interactive = std::io::stderr().is_terminal()
            && std::env::var_os("CI").is_none()
            && std::env::var("TERM").map_or(true, |t| t != "dumb");
        if !interactive || total == 0 {
            return Progress::none();
        }
        let bar = ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::hidden());
        if let Ok(style) = ProgressStyle::with_template("{msg:>10} [{bar:30}] {pos}/{len} ({elapsed})") {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_message(what.to_string());
        Progress { bar: Some((bar, Instant::now())) }
    }

    /// One more unit done; the bar appears after the first second.
    pub(crate) fn inc(&self) {
        if let Some((bar, started)) = &self.bar {
            bar.inc(1);
            if bar.is_hidden() && started.elapsed() > Duration::from_secs(1) {
                bar.set_draw_target(ProgressDrawTarget::stderr());
            }
        }
    }

    /// Removes the bar from the terminal.
    pub(crate) fn finish(&self) {
        if let Some((bar, _)) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.finish();
    }
}
