//! What `retro serve` watches: file events on the site folder, gathered
//! until they settle, and the files among them that can change the site
//! and did. Reads (of a build, or of the watcher's own scans) raise events
//! too; they are dropped at once, so an idle preview does no work.

use crate::config::Config;
use notify::{EventKind, RecursiveMode, Watcher};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// How long events are gathered after the last one before they are acted on.
const QUIET: Duration = Duration::from_millis(25);
/// The longest events are gathered while they keep coming.
const GATHER_AT_MOST: Duration = Duration::from_millis(500);

/// Events of the site folder, as the batches of paths they changed.
pub(crate) struct Events {
    rx: mpsc::Receiver<notify::Result<notify::Event>>,
    /// Kept alive while events are wanted.
    _watcher: Box<dyn Watcher + Send>,
}

impl Events {
    /// Watches `root` with the platform's file events, or by polling where
    /// there are none. `Err` says why neither works.
    pub(crate) fn watch(root: &Path) -> Result<Events, String> {
        let (tx, rx) = mpsc::channel();
        let native = notify::recommended_watcher(tx.clone()).and_then(|mut w| {
            w.watch(root, RecursiveMode::Recursive)?;
            Ok(w)
        });
        let watcher: Box<dyn Watcher + Send> = match native {
            Ok(w) => Box::new(w),
            Err(e) => {
                eprintln!("note: file events unavailable ({e}); polling for changes");
                let config = notify::Config::default().with_poll_interval(Duration::from_millis(250));
                let mut w = notify::PollWatcher::new(tx, config).map_err(|e| e.to_string())?;
                w.watch(root, RecursiveMode::Recursive).map_err(|e| format!("cannot watch {}: {e}", root.display()))?;
                Box::new(w)
            }
        };
        Ok(Events { rx, _watcher: watcher })
    }

    /// The next batch of paths written, created, removed or renamed: waits
    /// for the first such event, then gathers until none came for
    /// [`QUIET`]. `None` when the watcher is gone.
    pub(crate) fn next(&self) -> Option<Vec<PathBuf>> {
        loop {
            let mut paths = Vec::new();
            add(&mut paths, self.rx.recv().ok()?);
            let start = Instant::now();
            while start.elapsed() < GATHER_AT_MOST {
                match self.rx.recv_timeout(QUIET) {
                    Ok(e) => add(&mut paths, e),
                    Err(mpsc::RecvTimeoutError::Timeout) => break,
                    Err(mpsc::RecvTimeoutError::Disconnected) => return None,
                }
            }
            if !paths.is_empty() {
                paths.sort();
                paths.dedup();
                return Some(paths);
            }
        }
    }
}

/// Adds the paths of an event that can change a file's content or name.
fn add(paths: &mut Vec<PathBuf>, event: notify::Result<notify::Event>) {
    let Ok(event) = event else { return };
    if changes(&event.kind) {
        paths.extend(event.paths);
    }
}

/// Whether an event kind can change what a file holds or where it is:
/// writes, creations, removals, renames (and unknown events, to be safe);
/// never opening, reading or closing, nor a new access time.
fn changes(kind: &EventKind) -> bool {
    use notify::event::{MetadataKind, ModifyKind};
    !matches!(
        kind,
        EventKind::Access(_) | EventKind::Other | EventKind::Modify(ModifyKind::Metadata(MetadataKind::AccessTime))
    )
}

/// Whether a changed path can change the site: content, themes, site.toml;
/// not the output folder, hidden folders or build products.
pub(crate) fn relevant(cfg: &Config, path: &Path) -> bool {
    let Ok(rel) = path.strip_prefix(&cfg.root) else { return false };
    let first = rel.components().next().map(|c| c.as_os_str().to_string_lossy().into_owned()).unwrap_or_default();
    if rel.components().any(|c| c.as_os_str().to_string_lossy().starts_with('.')) {
        return false;
    }
    if rel.starts_with(&cfg.content_dir) {
        // postmortems, and folders that may hold some; not an editor's
        // temporary, swap or backup files
        return path.extension().is_some_and(|x| x == "md")
            || path.is_dir()
            || (path.extension().is_none() && !path.exists());
    }
    first == crate::config::FILE_NAME || first == "themes"
}

/// Size and modification time of every file that can change the site, so
/// that events which change nothing are ignored; and the symbolic links
/// among them, whose targets' edits change them too.
#[derive(Debug, Default, Clone, PartialEq)]
pub(crate) struct Fingerprint {
    stamps: HashMap<PathBuf, (u64, Option<std::time::SystemTime>)>,
    /// `(link, its target)`.
    links: Vec<(PathBuf, PathBuf)>,
}

fn stamp(path: &Path) -> Option<(u64, Option<std::time::SystemTime>)> {
    std::fs::metadata(path).ok().map(|m| (m.len(), m.modified().ok()))
}

pub(crate) fn fingerprint(cfg: &Config) -> Fingerprint {
    let mut map = Fingerprint::default();
    for dir in [cfg.content_path(), cfg.root.join("themes")] {
        for e in walkdir::WalkDir::new(dir)
            .into_iter()
            .flatten()
            .filter(|e| (e.file_type().is_file() || e.path_is_symlink()) && relevant(cfg, e.path()))
        {
            if let Some(s) = stamp(e.path()) {
                map.stamps.insert(e.path().to_path_buf(), s);
            }
            if e.path_is_symlink() {
                if let Ok(target) = e.path().canonicalize() {
                    map.links.push((e.path().to_path_buf(), target));
                }
            }
        }
    }
    let toml = cfg.root.join(crate::config::FILE_NAME);
    if let Some(s) = stamp(&toml) {
        map.stamps.insert(toml, s);
    }
    map
}

/// What changed between two fingerprints: `(path, existed before, exists now)`.
pub(crate) fn diff(before: &Fingerprint, now: &Fingerprint) -> Vec<(PathBuf, bool, bool)> {
    let (before, now) = (&before.stamps, &now.stamps);
    let mut out: Vec<(PathBuf, bool, bool)> = now
        .iter()
        .filter(|(p, s)| before.get(*p) != Some(s))
        .map(|(p, _)| (p.clone(), before.contains_key(p), true))
        .collect();
    out.extend(before.keys().filter(|p| !now.contains_key(*p)).map(|p| (p.clone(), true, false)));
    out.sort();
    out
}

impl Fingerprint {
    /// Whether a postmortem or theme file is a symbolic link to `path`.
    pub(crate) fn is_link_target(&self, path: &Path) -> bool {
        !self.links.is_empty() && path.canonicalize().is_ok_and(|real| self.links.iter().any(|(_, t)| *t == real))
    }
}

/// Updates the fingerprint for the files among `paths`, and for the links
/// to them; returns what changed.
pub(crate) fn changed(seen: &mut Fingerprint, paths: &[&Path]) -> Vec<(PathBuf, bool, bool)> {
    let mut out = Vec::new();
    let real: Vec<PathBuf> =
        if seen.links.is_empty() { Vec::new() } else { paths.iter().filter_map(|p| p.canonicalize().ok()).collect() };
    let linked: Vec<PathBuf> =
        seen.links.iter().filter(|(_, target)| real.contains(target)).map(|(link, _)| link.clone()).collect();
    for p in paths.iter().copied().chain(linked.iter().map(|l| l.as_path())).filter(|p| !p.is_dir()) {
        let now = stamp(p);
        let before = seen.stamps.get(p).copied();
        if now != before {
            out.push((p.to_path_buf(), before.is_some(), now.is_some()));
            match now {
                Some(s) => seen.stamps.insert(p.to_path_buf(), s),
                None => seen.stamps.remove(p),
            };
        }
    }
    out
}

/// How long an empty postmortem is given to fill before it is reported
/// empty (E003).
const SETTLE: Duration = Duration::from_millis(150);

/// Some editors save by truncating a file and then writing it: between
/// the two the file is empty, and reporting "the file is empty" would
/// flash an error overlay in the browser. A postmortem seen empty is given
/// [`SETTLE`] to fill; what it holds then is what is checked (and the
/// write's own event later changes nothing).
pub(crate) fn settle_empty(seen: &mut Fingerprint, files: &[(PathBuf, bool, bool)]) {
    let deadline = Instant::now() + SETTLE;
    for (path, _, exists) in files {
        if !*exists || path.extension().is_none_or(|x| x != "md") {
            continue;
        }
        while stamp(path).is_some_and(|s| s.0 == 0) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
        }
        if let Some(s) = stamp(path) {
            seen.stamps.insert(path.clone(), s);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_postmortems_themes_and_site_toml_are_watched() {
        let dir = tempfile::tempdir().unwrap();
        let cfg = Config::defaults(dir.path());
        std::fs::create_dir_all(dir.path().join("content/2024")).unwrap();
        let p = |rel: &str| dir.path().join(rel);
        for yes in [
            "content/2024/x.md",
            "content/2024",
            "content/gone-folder",
            "themes/default/templates/base.html",
            "site.toml",
        ] {
            assert!(relevant(&cfg, &p(yes)), "{yes} should be watched");
        }
        for no in [
            "content/2024/x.md.tmp",
            "content/2024/x.md~",
            "content/2024/.x.md.swp",
            "content/2024/4913",
            "public/index.html",
            "target/debug/retro",
            ".git/index",
        ] {
            std::fs::create_dir_all(p(no).parent().unwrap()).unwrap();
            std::fs::write(p(no), "x").unwrap();
            assert!(!relevant(&cfg, &p(no)), "{no} should not be watched");
        }
    }
}
