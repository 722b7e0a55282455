//! Turning the model and its metrics into output files: pages, charts,
//! feed, sitemap, search index, JSON and CSV exports, static files.

pub mod api;
pub mod charts;
pub mod csv;
pub mod exports;
pub mod feed;
pub mod markdown;
pub mod pages;
pub mod search;
mod shared;
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

/// Takes each file as soon as it is made.
pub type Emit<'a> = &'a mut dyn FnMut(OutputFile) -> std::io::Result<()>;

/// Where rendered files go: the staging folder of a build, or memory in
/// tests. Called from many threads; files arrive in any order.
pub trait Sink: Sync {
    fn put(&self, file: OutputFile) -> std::io::Result<()>;
}

/// Counts the files it hands on to another sink.
pub struct Counting<S> {
    pub inner: S,
    count: std::sync::atomic::AtomicUsize,
}

impl<S> Counting<S> {
    pub fn new(inner: S) -> Self {
        Counting { inner, count: std::sync::atomic::AtomicUsize::new(0) }
    }

    /// How many files were put so far.
    pub fn count(&self) -> usize {
        self.count.load(std::sync::atomic::Ordering::Relaxed)
    }
}

impl<S: Sink> Sink for Counting<S> {
    fn put(&self, file: OutputFile) -> std::io::Result<()> {
        self.inner.put(file)?;
        self.count.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Ok(())
    }
}

/// Collects files in memory.
#[derive(Default)]
pub struct Memory(pub std::sync::Mutex<Vec<OutputFile>>);

impl Sink for Memory {
    fn put(&self, file: OutputFile) -> std::io::Result<()> {
        self.0.lock().map_err(|_| std::io::Error::other("a rendering thread panicked"))?.push(file);
        Ok(())
    }
}

/// Why rendering stopped.
#[derive(Debug)]
pub enum RenderError {
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

/// Renders only the page of postmortem `i` (`retro serve` uses it when an
/// edit changed nothing but that postmortem's body).
pub fn postmortem_only(
    pms: &[Postmortem],
    m: &Metrics,
    cfg: &Config,
    theme: &theme::Theme,
    i: usize,
    sink: &dyn Sink,
) -> Result<(), RenderError> {
    let rows = view::pm_rows(pms, m, cfg);
    let input = pages::Input { cfg, pms, m, theme, rows: &rows };
    pages::render_postmortem(&input, sink, i)
}

/// Renders every file of the site into `sink`; returns their paths,
/// sorted.
pub fn site(
    pms: &[Postmortem],
    m: &Metrics,
    cfg: &Config,
    theme: &theme::Theme,
    sink: &dyn Sink,
) -> Result<Vec<String>, RenderError> {
    update(pms, m, cfg, theme, sink, pages::Scope::ALL, None)
}

/// What `retro serve` keeps of a built site when one postmortem changed.
pub struct Kept<'k> {
    /// The pages outside postmortem pages that are in place (for the
    /// sitemap).
    pub files: &'k [String],
    /// The exports' per-postmortem shares.
    pub exports: &'k mut exports::Parts,
    /// The postmortem that changed.
    pub changed: usize,
}

/// Renders the files of the site in `scope` (`retro serve` after one
/// postmortem changed, with what it kept: the other pages are in place).
/// Returns the paths of the whole site, sorted.
pub fn update(
    pms: &[Postmortem],
    m: &Metrics,
    cfg: &Config,
    theme: &theme::Theme,
    sink: &dyn Sink,
    scope: pages::Scope,
    kept: Option<Kept>,
) -> Result<Vec<String>, RenderError> {
    let (kept_files, parts) = match kept {
        Some(k) => (k.files, Some((k.exports, k.changed))),
        None => (&[][..], None),
    };
    let rows = view::pm_rows(pms, m, cfg);
    let input = pages::Input { cfg, pms, m, theme, rows: &rows };
    // the exports do not depend on the pages: make them while pages render
    let (pages, extras) = rayon::join(
        || pages::render_all(&input, sink, scope),
        || -> std::io::Result<Vec<String>> {
            // each file is written as soon as it is made: the exports of a
            // large site are tens of megabytes
            let mut paths = Vec::new();
            let mut emit = |f: OutputFile| -> std::io::Result<()> {
                paths.push(f.path.clone());
                sink.put(f)
            };
            crate::timing::timed("exports", || exports::write(pms, m, cfg, &rows, parts, &mut emit))?;
            for (name, bytes) in &theme.statics {
                emit(OutputFile { path: [crate::routes::STATIC, name].concat(), bytes: bytes.clone() })?;
            }
            Ok(paths)
        },
    );
    let mut paths = pages?;
    paths.extend(kept_files.iter().cloned());
    let sitemap = feed::sitemap(&paths, cfg);
    paths.extend(extras?);
    paths.push(sitemap.path.clone());
    sink.put(sitemap)?;
    paths.sort_unstable();
    Ok(paths)
}
