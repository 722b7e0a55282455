//! `retro serve`: build, serve on loopback, rebuild on every change and
//! reload open pages. A failed build keeps the last good site served and
//! shows its diagnostics in the terminal and over the page.

use super::{load_site, resolve_today, use_color, Format, EXIT_INTERNAL, EXIT_USAGE};
use crate::config::Config;
use crate::diagnostic::{render_human, summary_line};
use crate::pipeline::{build, Failure, State};
use crate::serve::{Live, Scope};
use notify_debouncer_mini::notify::{self, RecursiveMode};
use notify_debouncer_mini::{new_debouncer, new_debouncer_opt, Config as DebounceConfig, DebounceEventResult};
use std::collections::HashMap;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

pub struct ServeOptions {
    pub root: PathBuf,
    pub port: u16,
    pub bind: String,
}

/// Builds once and publishes the outcome to open pages; keeps what the
/// site was built from when the build succeeded.
fn rebuild(cfg: &Config, out: &Path, live: &Live) -> Option<State> {
    let started = Instant::now();
    let today = match resolve_today(None, cfg) {
        Ok(d) => d,
        Err(_) => {
            live.publish(Some("SOURCE_DATE_EPOCH is not a number of seconds".into()));
            return None;
        }
    };
    match build(cfg, today, out) {
        Ok(b) => {
            live.publish(None);
            eprintln!("built {} postmortems, {} files in {} ms", b.postmortems, b.files, started.elapsed().as_millis());
            Some(b.state)
        }
        Err(failure) => {
            report_failure(live, failure);
            None
        }
    }
}

/// Shows a failed build in the terminal and over every open page; the
/// last good site stays served.
fn report_failure(live: &Live, failure: Failure) {
    match failure {
        Failure::Problems { diags, sources, tally, files } => {
            let source = |f: &str| sources.iter().find(|s| s.rel == f).map(|s| s.text.as_str());
            let summary = summary_line(tally, files);
            eprint!("{}", render_human(&diags, &source, use_color()));
            eprintln!("{summary}\nbuild failed: still serving the last good site");
            live.publish(Some(format!("{}{summary}", render_human(&diags, &source, false))));
        }
        Failure::Publish(e) => {
            eprintln!("error: cannot write the preview site: {e}");
            live.publish(Some(format!("cannot write the preview site: {e}")));
        }
        Failure::Io(e) => {
            eprintln!("error: cannot write the preview site: {e}");
            live.publish(Some(format!("cannot write the preview site: {e}")));
        }
    }
}

/// What became of an edit of one postmortem.
enum Applied {
    /// The site is up to date.
    Done,
    /// Errors in the edited file, reported; the last good site is served.
    Broken,
    /// It needs a full build.
    Rebuild,
}

/// Applies an edit of one postmortem without a full build: its own page
/// first, and open copies of it reload at once; then everything else that
/// shows it, and the other open pages reload.
fn apply_edit(cfg: &Config, out: &Path, live: &Live, state: &mut State, path: &Path, base: &str) -> Applied {
    let started = Instant::now();
    let Ok(rel) = path.strip_prefix(&cfg.root) else { return Applied::Rebuild };
    let rel: String = rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
    let Ok(today) = resolve_today(None, cfg) else { return Applied::Rebuild };
    let edited = match crate::pipeline::edit(cfg, state, &rel, today, out) {
        None | Some(Err(Failure::Io(_))) => return Applied::Rebuild,
        Some(Err(failure)) => {
            report_failure(live, failure);
            return Applied::Broken;
        }
        Some(Ok(e)) => e,
    };
    let url = format!("{base}{}", edited.page.strip_suffix("index.html").unwrap_or(&edited.page));
    live.publish_scoped(None, Scope::Only(vec![url.clone()]));
    eprintln!("rebuilt the page of {rel} in {} ms", started.elapsed().as_millis());
    let Some(rest) = edited.rest else { return Applied::Done };
    match crate::pipeline::finish(cfg, state, rest, out) {
        Ok(n) => {
            live.publish_scoped(None, Scope::Except(vec![url]));
            eprintln!("updated {n} more files in {} ms", started.elapsed().as_millis());
            Applied::Done
        }
        Err(_) => Applied::Rebuild,
    }
}

/// Whether a changed path can change the site: content, themes, site.toml;
/// not the output folder, hidden folders or build products.
fn relevant(cfg: &Config, path: &Path) -> bool {
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
/// that events which change nothing (a build reading its sources) are
/// ignored.
type Fingerprint = HashMap<PathBuf, (u64, Option<std::time::SystemTime>)>;

fn stamp(path: &Path) -> Option<(u64, Option<std::time::SystemTime>)> {
    std::fs::metadata(path).ok().map(|m| (m.len(), m.modified().ok()))
}

fn fingerprint(cfg: &Config) -> Fingerprint {
    let mut map = Fingerprint::new();
    for dir in [cfg.content_path(), cfg.root.join("themes")] {
        for e in walkdir::WalkDir::new(dir)
            .into_iter()
            .flatten()
            .filter(|e| e.file_type().is_file() && relevant(cfg, e.path()))
        {
            if let Some(s) = stamp(e.path()) {
                map.insert(e.path().to_path_buf(), s);
            }
        }
    }
    let toml = cfg.root.join(crate::config::FILE_NAME);
    if let Some(s) = stamp(&toml) {
        map.insert(toml, s);
    }
    map
}

/// What changed between two fingerprints: `(path, existed before, exists now)`.
fn diff(before: &Fingerprint, now: &Fingerprint) -> Vec<(PathBuf, bool, bool)> {
    let mut out: Vec<(PathBuf, bool, bool)> = now
        .iter()
        .filter(|(p, s)| before.get(*p) != Some(s))
        .map(|(p, _)| (p.clone(), before.contains_key(p), true))
        .collect();
    out.extend(before.keys().filter(|p| !now.contains_key(*p)).map(|p| (p.clone(), true, false)));
    out.sort();
    out
}

/// Updates the fingerprint for the files among `paths`; returns what changed.
fn changed(seen: &mut Fingerprint, paths: &[&Path]) -> Vec<(PathBuf, bool, bool)> {
    let mut out = Vec::new();
    for p in paths.iter().filter(|p| !p.is_dir()) {
        let now = stamp(p);
        let before = seen.get(*p).copied();
        if now != before {
            out.push((p.to_path_buf(), before.is_some(), now.is_some()));
            match now {
                Some(s) => seen.insert(p.to_path_buf(), s),
                None => seen.remove(*p),
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
fn settle_empty(seen: &mut Fingerprint, files: &[(PathBuf, bool, bool)]) {
    let deadline = Instant::now() + SETTLE;
    for (path, _, exists) in files {
        if !*exists || path.extension().is_none_or(|x| x != "md") {
            continue;
        }
        while stamp(path).is_some_and(|s| s.0 == 0) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
        }
        if let Some(s) = stamp(path) {
            seen.insert(path.clone(), s);
        }
    }
}

/// Previews of `retro serve` processes that have ended (Ctrl-C leaves them
/// behind) are removed by the next one.
fn remove_stale_previews() {
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else { return };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let Some(pid) = name.strip_prefix("retro-serve-").and_then(|p| p.parse::<u32>().ok()) else { continue };
        if pid != std::process::id() && !Path::new(&format!("/proc/{pid}")).exists() && Path::new("/proc/self").exists()
        {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

pub fn run(opts: &ServeOptions) -> u8 {
    let mut cfg = match load_site(&opts.root, Format::Human) {
        Ok(c) => c,
        Err(code) => return code,
    };
    // links of the preview point at the preview server, under the same path
    let base = cfg.base_path();
    if let Some(c) = cfg.with_base_url(&base) {
        cfg = c;
    }
    let listener = match TcpListener::bind((opts.bind.as_str(), opts.port)) {
        Ok(l) => l,
        Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => {
            eprintln!(
                "error: port {} on {} is busy\n  = help: another `retro serve` may be running; try `retro serve --port {}`",
                opts.port,
                opts.bind,
                opts.port.wrapping_add(1).max(1024)
            );
            return EXIT_USAGE;
        }
        Err(e) => {
            eprintln!("error: cannot listen on {}:{}: {e}\n  = help: check --bind and --port", opts.bind, opts.port);
            return EXIT_USAGE;
        }
    };
    let addr = match listener.local_addr() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_INTERNAL;
        }
    };
    remove_stale_previews();
    let out = std::env::temp_dir().join(format!("retro-serve-{}", std::process::id()));
    let live = Live::new();

    // watch before the first build: an edit made while it runs is seen
    let (tx, rx) = mpsc::channel::<DebounceEventResult>();
    let watch_root = cfg.root.canonicalize().unwrap_or_else(|_| cfg.root.clone());
    cfg.root = watch_root.clone();
    // native file events, or polling where they are not available
    let native = new_debouncer(Duration::from_millis(25), tx.clone()).and_then(|mut d| {
        d.watcher().watch(&watch_root, RecursiveMode::Recursive)?;
        Ok(d)
    });
    let _keep_alive: Box<dyn std::any::Any> = match native {
        Ok(d) => Box::new(d),
        Err(e) => {
            eprintln!("note: file events unavailable ({e}); polling for changes");
            let config = DebounceConfig::default()
                .with_timeout(Duration::from_millis(40))
                .with_notify_config(notify::Config::default().with_poll_interval(Duration::from_millis(250)));
            match new_debouncer_opt::<_, notify::PollWatcher>(config, tx).and_then(|mut d| {
                d.watcher().watch(&watch_root, RecursiveMode::Recursive)?;
                Ok(d)
            }) {
                Ok(d) => Box::new(d),
                Err(e) => {
                    eprintln!("error: cannot watch {}: {e}", watch_root.display());
                    return EXIT_INTERNAL;
                }
            }
        }
    };
    let mut seen = fingerprint(&cfg);
    let mut state = rebuild(&cfg, &out, &live);
    {
        let (out, base, live) = (out.clone(), base.clone(), live.clone());
        std::thread::spawn(move || crate::serve::run(listener, out, base, live));
    }
    eprintln!(
        "serving {} at http://{addr}{base} — pages reload when a postmortem, theme or site.toml changes; Ctrl-C stops",
        opts.root.display()
    );
    // the postmortem whose errors are on show while the last good site is
    // served: only its own edits can be applied alone
    let mut broken: Option<PathBuf> = None;
    for events in rx {
        let Ok(events) = events else { continue };
        let paths: Vec<&Path> = events.iter().map(|e| e.path.as_path()).filter(|p| relevant(&cfg, p)).collect();
        let mut files = changed(&mut seen, &paths);
        // a folder event may hide a file written through a rename, or moved
        // in or out: compare everything
        if files.is_empty() && paths.iter().any(|p| p.is_dir()) {
            let now = fingerprint(&cfg);
            files = diff(&seen, &now);
            seen = now;
        }
        if files.is_empty() {
            continue;
        }
        settle_empty(&mut seen, &files);
        if files.iter().any(|(p, _, _)| p.file_name().is_some_and(|n| n == crate::config::FILE_NAME)) {
            match Config::load(&cfg.root) {
                Ok(c) => cfg = c.with_base_url(&c.base_path()).unwrap_or(c),
                Err(diags) => {
                    let text = std::fs::read_to_string(cfg.root.join(crate::config::FILE_NAME)).ok();
                    let shown = render_human(&diags, &|_| text.as_deref(), false);
                    eprint!("{shown}");
                    live.publish(Some(shown));
                    continue;
                }
            }
        }
        // one postmortem edited in place: what shows it, not the whole site
        if let [(path, true, true)] = files.as_slice() {
            let alone = broken.as_ref().is_none_or(|b| b == path);
            if let Some(s) = state.as_mut().filter(|_| alone && path.extension().is_some_and(|x| x == "md")) {
                match apply_edit(&cfg, &out, &live, s, path, &base) {
                    Applied::Done => {
                        broken = None;
                        continue;
                    }
                    Applied::Broken => {
                        broken = Some(path.clone());
                        continue;
                    }
                    Applied::Rebuild => {}
                }
            }
        }
        broken = None;
        state = rebuild(&cfg, &out, &live);
    }
    EXIT_INTERNAL
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
