//! `retro serve`: build, serve on loopback, rebuild on every change and
//! reload open pages. A failed build keeps the last good site served and
//! shows its diagnostics in the terminal and over the page.

use super::{load_site, resolve_today, use_color, Format, Stop};
use crate::config::Config;
use crate::diagnostic::{render_human, summary_line};
use crate::pipeline::{build, Failure, State};
use crate::serve::{Live, Scope};
use crate::watch::{changed, diff, fingerprint, relevant, settle_empty, Events};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::time::Instant;

pub(crate) struct ServeOptions {
    pub(crate) root: PathBuf,
    pub(crate) port: u16,
    pub(crate) bind: String,
}

/// Builds once and publishes the outcome to open pages; keeps what the
/// site was built from when the build succeeded.
fn rebuild(cfg: &Config, out: &Path, live: &Live) -> Option<State> {
    let started = Instant::now();
    let today = match resolve_today(None, cfg) {
        Ok(d) => d,
        Err(stop) => {
            // serving goes on: the next change builds again
            stop.report();
            live.publish(Some("SOURCE_DATE_EPOCH is not a number of seconds".into()));
            return None;
        }
    };
    // as `build` does: no content folder is an error, not an empty site
    if let Some(d) = super::missing_content(cfg) {
        let d = [d];
        eprint!("{}", render_human(&d, &|_| None, use_color()));
        eprintln!("build failed: still serving the last good site");
        live.publish(Some(render_human(&d, &|_| None, false)));
        return None;
    }
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
    match crate::pipeline::finish(cfg, state, edited.rest, out) {
        Ok(0) => Applied::Done,
        Ok(n) => {
            live.publish_scoped(None, Scope::Except(vec![url]));
            eprintln!("updated {n} more pages in {} ms", started.elapsed().as_millis());
            Applied::Done
        }
        Err(_) => Applied::Rebuild,
    }
}

/// On Ctrl-C, SIGTERM or SIGHUP: removes the preview folder and exits at
/// once, with the shell's code for the signal (128 + its number).
fn clean_up_on_signals(out: PathBuf) {
    #[cfg(unix)]
    {
        use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
        let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) else { return };
        std::thread::spawn(move || {
            if let Some(sig) = signals.forever().next() {
                let _ = std::fs::remove_dir_all(&out);
                // and a build's staging folders, if one was running
                for work in crate::publish::work_folders(&out) {
                    let _ = std::fs::remove_dir_all(work);
                }
                std::process::exit(128 + sig);
            }
        });
    }
    #[cfg(not(unix))]
    let _ = out;
}

/// Previews of `retro serve` processes that have ended (Ctrl-C leaves them
/// behind) are removed by the next one.
fn remove_stale_previews() {
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else { return };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        // the preview, and the staging folders of a build it was running
        let bare = crate::publish::WORK_FOLDERS
            .iter()
            .fold(name.trim_start_matches('.'), |n, suffix| n.strip_suffix(suffix).unwrap_or(n));
        let Some(pid) = bare.strip_prefix("retro-serve-").and_then(|p| p.parse::<u32>().ok()) else { continue };
        if pid != std::process::id() && !Path::new(&format!("/proc/{pid}")).exists() && Path::new("/proc/self").exists()
        {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

/// The preview's socket; a busy port suggests another.
fn listen(opts: &ServeOptions) -> Result<TcpListener, Stop> {
    TcpListener::bind((opts.bind.as_str(), opts.port)).map_err(|e| match e.kind() {
        std::io::ErrorKind::AddrInUse => Stop::usage(
            format!("port {} on {} is busy", opts.port, opts.bind),
            format!(
                "another `retro serve` may be running; try `{}`",
                super::command(&opts.root, &format!("serve --port {}", opts.port.wrapping_add(1).max(1024)))
            ),
        ),
        _ => Stop::usage(format!("cannot listen on {}:{}: {e}", opts.bind, opts.port), "check --bind and --port"),
    })
}

/// site.toml read again after an edit, for the preview's own base path;
/// `None` when it is broken, its problems shown in the terminal and over
/// the open pages.
fn reload_config(root: &Path, live: &Live) -> Option<Config> {
    match Config::load(root) {
        Ok(c) => Some(c.with_base_url(&c.base_path()).unwrap_or(c)),
        Err(diags) => {
            let text = std::fs::read_to_string(root.join(crate::config::FILE_NAME)).ok();
            let shown = render_human(&diags, &|_| text.as_deref(), false);
            eprint!("{shown}");
            live.publish(Some(shown));
            None
        }
    }
}

/// Builds the site, serves it and follows every change until stopped.
pub(crate) fn run(opts: &ServeOptions) -> Result<u8, Stop> {
    let mut cfg = load_site(&opts.root, Format::Human)?;
    // links of the preview point at the preview server, under the same path
    let base = cfg.base_path();
    if let Some(c) = cfg.with_base_url(&base) {
        cfg = c;
    }
    let listener = listen(opts)?;
    let addr = listener.local_addr().map_err(|e| Stop::io(e.to_string(), None))?;
    remove_stale_previews();
    let out = std::env::temp_dir().join(format!("retro-serve-{}", std::process::id()));
    let live = Live::new();

    // watch before the first build: an edit made while it runs is seen
    let watch_root = cfg.root.canonicalize().unwrap_or_else(|_| cfg.root.clone());
    cfg.root = watch_root.clone();
    let events = Events::watch(&watch_root)
        .map_err(|e| Stop::io(format!("cannot watch {}: {e}", watch_root.display()), None))?;
    clean_up_on_signals(out.clone());
    if addr.ip().is_unspecified() || !addr.ip().is_loopback() {
        eprintln!(
            "warning: serving on {} answers every machine that can reach this one; the preview is meant for loopback (--bind 127.0.0.1)",
            addr.ip()
        );
    }
    let hosts = crate::serve::Hosts::new(&opts.bind, addr.port());
    let mut seen = fingerprint(&cfg);
    let mut state = rebuild(&cfg, &out, &live);
    {
        let (out, base, live) = (out.clone(), base.clone(), live.clone());
        std::thread::spawn(move || crate::serve::run(listener, out, base, live, hosts));
    }
    eprintln!(
        "serving {} at http://{addr}{base} — pages reload when a postmortem, theme or site.toml changes; Ctrl-C stops",
        opts.root.display()
    );
    // the postmortem whose errors are on show while the last good site is
    // served: only its own edits can be applied alone
    let mut broken: Option<PathBuf> = None;
    while let Some(batch) = events.next() {
        let paths: Vec<&Path> =
            batch.iter().map(|p| p.as_path()).filter(|p| relevant(&cfg, p) || seen.is_link_target(p)).collect();
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
            match reload_config(&cfg.root, &live) {
                Some(c) => cfg = c,
                None => continue,
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
    Err(Stop::io("the watch of the site's files ended", None))
}
