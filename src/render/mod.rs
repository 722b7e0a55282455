//! Turning the model and its metrics into output files: pages, charts,
//! feed, sitemap, search index, JSON and CSV exports, static files.

pub mod api;
pub mod charts;
pub mod csv;
pub mod feed;
pub mod markdown;
pub mod pages;
pub mod search;
pub mod theme;
pub mod view;

use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::metrics::Metrics;
use crate::model::Postmortem;

/// One file of the built site: its path under the output folder and bytes.
#[derive(Clone, Debug, PartialEq)]
pub struct OutputFile {
    /// `/`-separated, relative: `api/metrics.json`.
    pub path: String,
    pub bytes: Vec<u8>,
}

/// Every file of the site, in a fixed order.
pub fn site(pms: &[Postmortem], m: &Metrics, cfg: &Config) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
    let theme = theme::load(cfg)?;
    let rows: Vec<view::PmRow> = pms
        .iter()
        .enumerate()
        .map(|(i, pm)| view::pm_row(pm, &m.durations[i], m.quarter_of[i], &m.items[i], cfg))
        .collect();
    let input = pages::Input { cfg, pms, m, theme: &theme, rows: &rows };
    let mut files = pages::render_all(&input).map_err(|d| vec![d])?;
    files.push(feed::sitemap(&files, cfg));
    files.push(feed::atom(pms, cfg));
    files.push(search::index(&rows));
    files.extend(api::exports(pms, m, cfg));
    files.extend(csv::exports(pms, m, cfg));
    for (name, bytes) in theme.statics {
        files.push(OutputFile { path: format!("static/{name}"), bytes });
    }
    Ok(files)
}
