//! `retro lsp`: the language server, for editors (src/lsp/).

use super::{Stop, EXIT_OK};
use crate::config::Config;
use std::path::PathBuf;

pub(crate) fn run(root: Option<PathBuf>) -> Result<u8, Stop> {
    crate::lsp::serve(root, today).map(|()| EXIT_OK).map_err(|e| {
        Stop::io(format!("language server: {e}"), Some("the editor closed the connection or sent what is not JSON-RPC"))
    })
}

/// The day review deadlines are measured against: `SOURCE_DATE_EPOCH`
/// when it is valid, else the clock, in the site's timezone.
fn today(cfg: &Config) -> chrono::NaiveDate {
    let env = std::env::var("SOURCE_DATE_EPOCH").ok();
    crate::clock::today(None, env.as_deref(), cfg.timezone)
        .or_else(|_| crate::clock::today(None, None, cfg.timezone))
        .unwrap_or_default()
}
