//! Turning the model and its metrics into output files: pages, charts,
//! feed, sitemap, search index, JSON and CSV exports, static files.

pub(crate) mod api;
pub(crate) mod change;
pub(crate) mod charts;
pub(crate) mod csv;
pub(crate) mod exports;
pub(crate) mod feed;
pub(crate) mod markdown;
pub(crate) mod pages;
pub(crate) mod recurrence;
pub(crate) mod related;
pub(crate) mod relative;
pub(crate) mod search;
mod shared;
pub(crate) mod similar;
pub(crate) mod site;
pub(crate) mod story;
pub(crate) mod theme;
pub(crate) mod view;

use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::metrics::Metrics;
use crate::model::{Postmortem, Report};
use crate::routes::Route;
use site::Site;

/// One file of the built site: its path under the output folder and bytes.
#[derive(Clone, Debug, PartialEq)]
pub struct OutputFile {
    /// `/`-separated, relative: `api/metrics.json`.
    pub(crate) path: String,
    pub(crate) bytes: Vec<u8>,
}

/// Takes each file as soon as it is made.
pub(crate) type Emit<'a> = &'a mut dyn FnMut(OutputFile) -> std::io::Result<()>;

/// Where rendered files go: the staging folder of a build, or memory in
/// tests. Called from many threads; files arrive in any order.
pub(crate) trait Sink: Sync {
    fn put(&self, file: OutputFile) -> std::io::Result<()>;
}

/// Counts the files it hands on to another sink.
pub(crate) struct Counting<S> {
    pub(crate) inner: S,
    count: std::sync::atomic::AtomicUsize,
}

impl<S> Counting<S> {
    pub(crate) fn new(inner: S) -> Self {
        Counting { inner, count: std::sync::atomic::AtomicUsize::new(0) }
    }

    /// How many pages (HTML files) were put so far: what open pages
    /// reload for; data files (exports, the search index) are read when
    /// used.
    pub(crate) fn count(&self) -> usize {
        self.count.load(std::sync::atomic::Ordering::Relaxed)
    }
}

impl<S: Sink> Sink for Counting<S> {
    fn put(&self, file: OutputFile) -> std::io::Result<()> {
        let page = file.path.ends_with(".html");
        self.inner.put(file)?;
        if page {
            self.count.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
        Ok(())
    }
}

/// Collects files in memory.
#[derive(Default)]
#[cfg(test)]
pub(crate) struct Memory(pub(crate) std::sync::Mutex<Vec<OutputFile>>);

#[cfg(test)]
impl Sink for Memory {
    fn put(&self, file: OutputFile) -> std::io::Result<()> {
        self.0.lock().map_err(|_| std::io::Error::other("a rendering thread panicked"))?.push(file);
        Ok(())
    }
}

/// Why rendering stopped.
#[derive(Debug)]
pub(crate) enum RenderError {
    /// A theme problem, reported like any other diagnostic.
    Theme(Vec<Diagnostic>),
    /// Writing a file failed.
    Io(std::io::Error),
}

impl From<Diagnostic> for RenderError {
    fn from(d: Diagnostic) -> Self {
        RenderError::Theme(vec![d])
    }
}

impl From<std::io::Error> for RenderError {
    fn from(e: std::io::Error) -> Self {
        RenderError::Io(e)
    }
}

/// Every file of the site: its routes and the theme's static files.
pub(crate) fn routes(site: &Site, theme: &theme::Theme) -> Vec<Route> {
    let mut routes = site.routes();
    routes.extend(theme.statics.iter().map(|(name, _)| Route::Static(name.clone())));
    routes
}

/// The paths of `routes`, sorted.
pub(crate) fn paths(routes: &[Route]) -> Vec<String> {
    let mut paths: Vec<String> = routes.iter().map(Route::path).collect();
    paths.sort_unstable();
    paths
}

/// Renders the files among `routes` (the site's, [`routes`]) that
/// `wanted` selects into `sink`: pages on all cores, beside them the data
/// files (made together) from `exports` (the kept shares of `retro serve`,
/// with the postmortem that changed) or from the model.
pub(crate) fn render(
    site: &Site,
    theme: &theme::Theme,
    routes: &[Route],
    sink: &dyn Sink,
    wanted: &(dyn Fn(&Route) -> bool + Sync),
    exports: Option<(&mut exports::Parts, &[usize])>,
) -> Result<(), RenderError> {
    use rayon::prelude::*;
    let data = routes.iter().any(|r| matches!(r, Route::SearchIndex | Route::Export(_)) && wanted(r));
    let templated = |r: &Route| r.is_page() || matches!(r, Route::NotFound | Route::Feed | Route::OwnerJson(_));
    let pages: Vec<&Route> = routes.iter().filter(|r| templated(r) && wanted(r)).collect();
    let sitemap = wanted(&Route::Sitemap);
    // made only when a page is wanted: it holds a slot for every row
    let renderer = (!pages.is_empty() || sitemap).then(|| pages::Renderer::new(site, theme));
    let progress = crate::progress::Progress::new("rendering", pages.len());
    // the data files first: on one thread, the search index's quotes are
    // written and let go before the pages are made
    let (written, rendered) = rayon::join(
        || -> std::io::Result<()> {
            // each file is written as soon as it is made: the exports of a
            // large site are tens of megabytes
            let mut emit = |f: OutputFile| sink.put(f);
            if routes.iter().any(|r| matches!(r, Route::Search(_)) && wanted(r)) {
                site.search().write(wanted, &mut emit)?;
            }
            if data {
                crate::timing::timed("exports", || exports::write(site, exports, &mut emit))?;
            }
            for (name, bytes) in &theme.statics {
                let route = Route::Static(name.clone());
                if wanted(&route) {
                    emit(OutputFile { path: route.path(), bytes: bytes.clone() })?;
                }
            }
            Ok(())
        },
        || {
            crate::timing::timed("pages", || {
                pages.par_iter().try_for_each(|route| -> Result<(), RenderError> {
                    if let Some(page) = renderer.as_ref().and_then(|r| r.page(route)) {
                        sink.put(page?)?;
                    }
                    progress.inc();
                    Ok(())
                })
            })
        },
    );
    rendered?;
    written?;
    if let Some(r) = renderer.as_ref().filter(|_| sitemap) {
        sink.put(r.sitemap(routes)?)?;
    }
    Ok(())
}

/// Renders the page at `route` into `sink` (`retro serve` renders the
/// page of an edited postmortem first).
pub(crate) fn page(site: &Site, theme: &theme::Theme, route: &Route, sink: &dyn Sink) -> Result<(), RenderError> {
    if let Some(page) = pages::Renderer::new(site, theme).page(route) {
        sink.put(page?)?;
    }
    Ok(())
}

/// What a whole build made that `retro serve` keeps for its edits.
pub(crate) struct Made {
    /// The paths of every file, sorted.
    pub(crate) files: Vec<String>,
    pub(crate) similar: similar::Ranked,
    pub(crate) search: search::index::Read,
    pub(crate) search_sums: std::collections::BTreeMap<String, u64>,
}

/// Renders every file of the site into `sink`; `heads`: the first bytes of
/// each body, as checking kept them (or none).
pub(crate) fn site(
    pms: &[Postmortem],
    reports: &[Report],
    m: &Metrics,
    cfg: &Config,
    theme: &theme::Theme,
    sink: &dyn Sink,
    heads: Vec<Option<String>>,
) -> Result<Made, RenderError> {
    let site = Site::new(pms, reports, m, cfg).with_heads(heads);
    let routes = routes(&site, theme);
    render(&site, theme, &routes, sink, &|_| true, None)?;
    Ok(Made {
        files: paths(&routes),
        similar: site.similar_shared(),
        search: site.search_read().clone(),
        search_sums: site.search().sums(),
    })
}
