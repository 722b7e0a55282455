//! The preview server of `retro serve`: a small std-only HTTP server for
//! the built site, with live reload over Server-Sent Events. The reload
//! script is added to HTML as it is served, never to the files of a build.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

/// The path of the event stream.
pub(crate) const EVENTS: &str = "/__retro/events";
/// The path of the reload script: a file of its own, so that pages keep
/// their Content-Security-Policy (scripts from the site only) in preview.
pub(crate) const LIVE_JS: &str = "/__retro/live.js";
/// Connections served at once; more are answered 503.
pub(crate) const MAX_CONNECTIONS: usize = 256;
/// The longest request line and header block read.
const MAX_LINE: u64 = 8192;

/// What open pages are told: a new site is in place, or the last build
/// failed (with its diagnostics, as plain text).
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Status {
    /// Grows by one with every build, good or bad.
    pub(crate) generation: u64,
    /// The diagnostics of the last build, when it failed.
    pub(crate) problems: Option<String>,
}

/// Which pages a new generation changed, by URL path
/// (`/postmortems/db-outage/`).
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) enum Scope {
    #[default]
    All,
    Only(Vec<String>),
    Except(Vec<String>),
}

impl Scope {
    fn touches(&self, page: &str) -> bool {
        match self {
            Scope::All => true,
            Scope::Only(p) => p.iter().any(|x| x == page),
            Scope::Except(p) => !p.iter().any(|x| x == page),
        }
    }
}

/// How many generations' scopes are remembered; a page older than that
/// reloads whatever changed.
const HISTORY: usize = 64;

#[derive(Default)]
struct Inner {
    status: Status,
    /// The scope of each recent generation, oldest first.
    scopes: std::collections::VecDeque<(u64, Scope)>,
}

/// Shared between the builder and every connection.
#[derive(Default)]
pub(crate) struct Live {
    inner: Mutex<Inner>,
    changed: Condvar,
}

impl Live {
    pub(crate) fn new() -> Arc<Live> {
        Arc::new(Live::default())
    }

    /// Publishes the outcome of a build to every open page.
    pub(crate) fn publish(&self, problems: Option<String>) {
        self.publish_scoped(problems, Scope::All);
    }

    /// Publishes a new site in which only the pages in `scope` changed.
    /// After a failed build every page reloads: each shows its problems.
    pub(crate) fn publish_scoped(&self, problems: Option<String>, scope: Scope) {
        if let Ok(mut s) = self.inner.lock() {
            let scope = if s.status.problems.is_some() { Scope::All } else { scope };
            s.status.generation += 1;
            s.status.problems = problems;
            let g = s.status.generation;
            s.scopes.push_back((g, scope));
            if s.scopes.len() > HISTORY {
                s.scopes.pop_front();
            }
        }
        self.changed.notify_all();
    }

    pub(crate) fn status(&self) -> Status {
        self.inner.lock().map(|s| s.status.clone()).unwrap_or_default()
    }

    /// Whether a page at URL path `page`, served at generation `from`,
    /// changed by generation `to`.
    pub(crate) fn changed_since(&self, from: u64, to: u64, page: &str) -> bool {
        let Ok(s) = self.inner.lock() else { return true };
        (from + 1..=to).any(|g| s.scopes.iter().find(|(n, _)| *n == g).is_none_or(|(_, scope)| scope.touches(page)))
    }

    /// Waits until the generation differs from `seen`, or `timeout` passes.
    fn wait(&self, seen: u64, timeout: Duration) -> Status {
        let Ok(guard) = self.inner.lock() else { return Status::default() };
        match self.changed.wait_timeout_while(guard, timeout, |s| s.status.generation == seen) {
            Ok((s, _)) => s.status.clone(),
            Err(_) => Status::default(),
        }
    }
}

/// The tag added before `</body>` of every HTML page served.
fn reload_script(generation: u64) -> String {
    format!(r#"<script src="{LIVE_JS}" data-since="{generation}"></script>"#)
}

/// The reload script: follows the event stream from the generation the
/// page was served at; reloads when a build changed the page, shows the
/// diagnostics of a failed one over it.
const LIVE_SCRIPT: &str = concat!(
    r#"(function(){var since=document.currentScript.getAttribute("data-since");
var es=new EventSource(""#,
    "/__retro/events",
    r#"?since="+since+"&page="+encodeURIComponent(location.pathname));
es.addEventListener("reload",function(){location.reload()});
es.addEventListener("problems",function(e){var d=document.getElementById("retro-problems")||document.createElement("pre");
d.id="retro-problems";d.setAttribute("role","alert");d.textContent="retro: the last build failed; this page shows the last good site.\n\n"+JSON.parse(e.data);
d.style.cssText="position:fixed;left:0;right:0;bottom:0;max-height:60vh;margin:0;padding:1rem;overflow:auto;background:#2b0000;color:#fff;font:13px/1.45 monospace;white-space:pre-wrap;z-index:2147483647;border-top:4px solid #ff7b72";
document.body.appendChild(d)});})();
"#
);

/// Which `Host` headers the preview answers: its own names on loopback and
/// the address it listens on. Anything else is a page on another site
/// reaching the preview through DNS rebinding.
#[derive(Clone, Debug)]
pub(crate) struct Hosts {
    names: Vec<String>,
}

impl Hosts {
    /// `localhost`, `127.0.0.1`, `[::1]` and `bind`, each with `port` or without.
    pub(crate) fn new(bind: &str, port: u16) -> Hosts {
        let bind = if bind.contains(':') && !bind.starts_with('[') { format!("[{bind}]") } else { bind.to_string() };
        let mut names = Vec::new();
        for h in ["localhost", "127.0.0.1", "[::1]", bind.as_str()] {
            names.push(h.to_ascii_lowercase());
            names.push(format!("{}:{port}", h.to_ascii_lowercase()));
        }
        Hosts { names }
    }

    fn allows(&self, host: &str) -> bool {
        let host = host.trim().to_ascii_lowercase();
        let host = host.strip_suffix('.').unwrap_or(&host);
        self.names.iter().any(|n| n == host)
    }
}

/// Serves `dir` under `base` (a path such as `/` or `/handbook/`) until the
/// process ends, one thread per connection. Past [`MAX_CONNECTIONS`] open
/// at once, a new one is answered 503 and closed, so that open event
/// streams never use up the file descriptors a rebuild needs.
pub(crate) fn run(listener: TcpListener, dir: PathBuf, base: String, live: Arc<Live>, hosts: Hosts) {
    let open = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    for stream in listener.incoming() {
        let mut stream = match stream {
            Ok(s) => s,
            Err(e) => {
                if e.raw_os_error() == Some(24) {
                    eprintln!("warning: the preview server ran out of file descriptors (EMFILE); retrying");
                }
                std::thread::sleep(Duration::from_millis(50));
                continue;
            }
        };
        use std::sync::atomic::Ordering;
        if open.fetch_add(1, Ordering::SeqCst) >= MAX_CONNECTIONS {
            open.fetch_sub(1, Ordering::SeqCst);
            let _ = stream.write_all(
                b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nRetry-After: 1\r\nConnection: close\r\n\r\n",
            );
            continue;
        }
        let (dir, base, live, hosts, open) = (dir.clone(), base.clone(), live.clone(), hosts.clone(), open.clone());
        std::thread::spawn(move || {
            let _ = handle(stream, &dir, &base, &live, &hosts);
            open.fetch_sub(1, Ordering::SeqCst);
        });
    }
}

fn handle(mut stream: TcpStream, dir: &Path, base: &str, live: &Live, hosts: &Hosts) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.by_ref().take(MAX_LINE).read_line(&mut request_line)?;
    if !request_line.ends_with('\n') && request_line.len() as u64 >= MAX_LINE {
        return respond(
            &mut stream,
            "414 URI Too Long",
            "text/plain; charset=utf-8",
            b"request line too long\n",
            "GET",
        );
    }
    // the headers: only Host is read
    let mut header = String::new();
    let mut host = None;
    let mut total = 0;
    loop {
        header.clear();
        let n = reader.by_ref().take(MAX_LINE).read_line(&mut header)?;
        total += n;
        if n == 0 || header == "\r\n" || header == "\n" || total > 65536 {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            if name.eq_ignore_ascii_case("host") {
                host = Some(value.trim().to_string());
            }
        }
    }
    let mut parts = request_line.split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or("/"));
    if !host.as_deref().is_some_and(|h| hosts.allows(h)) {
        return respond(
            &mut stream,
            "421 Misdirected Request",
            "text/plain; charset=utf-8",
            b"this preview answers only to localhost, 127.0.0.1, [::1] and the address it listens on\n",
            method,
        );
    }
    if method != "GET" && method != "HEAD" {
        return respond(
            &mut stream,
            "405 Method Not Allowed",
            "text/plain; charset=utf-8",
            b"only GET and HEAD\n",
            method,
        );
    }
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    if path == LIVE_JS {
        return respond(&mut stream, "200 OK", "text/javascript; charset=utf-8", LIVE_SCRIPT.as_bytes(), method);
    }
    if path == EVENTS {
        let param = |name: &str| query.split('&').find_map(|kv| kv.strip_prefix(name));
        let since = param("since=").and_then(|v| v.parse().ok()).unwrap_or(0);
        let page = param("page=").and_then(crate::text::percent_decode).unwrap_or_default();
        let page = page.strip_suffix("index.html").unwrap_or(&page);
        return events(stream, live, since, page);
    }
    let Some(file) = resolve(dir, base, path) else {
        return not_found(&mut stream, dir, live, method);
    };
    let bytes = match std::fs::read(&file) {
        Ok(b) => b,
        Err(_) => return not_found(&mut stream, dir, live, method),
    };
    let ctype = content_type(&file);
    if ctype.starts_with("text/html") {
        let body = inject(bytes, live.status().generation);
        return respond(&mut stream, "200 OK", ctype, &body, method);
    }
    respond(&mut stream, "200 OK", ctype, &bytes, method)
}

fn not_found(stream: &mut TcpStream, dir: &Path, live: &Live, method: &str) -> std::io::Result<()> {
    let page = std::fs::read(dir.join(crate::routes::Route::NotFound.path()))
        .unwrap_or_else(|_| b"<!doctype html><title>Not found</title><body><h1>Not found</h1></body>".to_vec());
    let body = inject(page, live.status().generation);
    respond(stream, "404 Not Found", "text/html; charset=utf-8", &body, method)
}

fn inject(mut page: Vec<u8>, generation: u64) -> Vec<u8> {
    let script = reload_script(generation);
    match page.windows(7).rposition(|w| w == b"</body>") {
        Some(i) => {
            page.splice(i..i, script.into_bytes());
        }
        None => page.extend_from_slice(script.as_bytes()),
    }
    page
}

/// The file for a URL path under `base`; `None` for anything outside the
/// site or missing.
pub(crate) fn resolve(dir: &Path, base: &str, path: &str) -> Option<PathBuf> {
    let decoded = crate::text::percent_decode(path)?;
    let rel = decoded.strip_prefix(base).or_else(|| (decoded.clone() + "/").strip_prefix(base).map(|_| ""))?;
    let rel_path = Path::new(rel);
    if !rel_path.components().all(|c| matches!(c, Component::Normal(_))) {
        return None;
    }
    let mut file = dir.join(rel_path);
    if rel.is_empty() || rel.ends_with('/') || file.is_dir() {
        file = file.join("index.html");
    }
    file.is_file().then_some(file)
}

fn content_type(p: &Path) -> &'static str {
    match p.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

fn respond(stream: &mut TcpStream, status: &str, ctype: &str, body: &[u8], method: &str) -> std::io::Result<()> {
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes())?;
    if method != "HEAD" {
        stream.write_all(body)?;
    }
    stream.flush()
}

/// The event stream of the page at URL path `page`: `reload` when a new
/// site changed that page, `problems` when a build failed; a comment every
/// 15 s keeps the connection open.
fn events(mut stream: TcpStream, live: &Live, since: u64, page: &str) -> std::io::Result<()> {
    stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: keep-alive\r\n\r\n")?;
    let now = live.status();
    if let Some(p) = &now.problems {
        send_problems(&mut stream, p)?;
    } else if since > now.generation || live.changed_since(since, now.generation, page) {
        // (a page from before a restart of the server knows another count)
        stream.write_all(b"event: reload\ndata: {}\n\n")?;
    }
    let mut seen = now.generation;
    stream.flush()?;
    loop {
        let s = live.wait(seen, Duration::from_secs(5));
        if s.generation == seen {
            stream.write_all(b": keep-alive\n\n")?;
        } else {
            match &s.problems {
                Some(p) => send_problems(&mut stream, p)?,
                None if live.changed_since(seen, s.generation, page) => {
                    stream.write_all(b"event: reload\ndata: {}\n\n")?
                }
                None => {}
            }
            seen = s.generation;
        }
        stream.flush()?;
    }
}

fn send_problems(stream: &mut TcpStream, text: &str) -> std::io::Result<()> {
    let json = serde_json::to_string(text).unwrap_or_else(|_| "\"\"".into());
    stream.write_all(format!("event: problems\ndata: {json}\n\n").as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_map_to_files_inside_the_site_only() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("trends")).unwrap();
        std::fs::write(dir.path().join("index.html"), "x").unwrap();
        std::fs::write(dir.path().join("trends/index.html"), "x").unwrap();
        let d = dir.path();
        assert_eq!(resolve(d, "/", "/"), Some(d.join("index.html")));
        assert_eq!(resolve(d, "/", "/trends/"), Some(d.join("trends/index.html")));
        assert_eq!(resolve(d, "/", "/trends"), Some(d.join("trends/index.html")));
        assert_eq!(resolve(d, "/pm/", "/pm/trends/"), Some(d.join("trends/index.html")));
        assert_eq!(resolve(d, "/pm/", "/pm"), Some(d.join("index.html")));
        assert_eq!(resolve(d, "/", "/../etc/passwd"), None);
        assert_eq!(resolve(d, "/", "/%2e%2e/etc/passwd"), None);
        assert_eq!(resolve(d, "/pm/", "/trends/"), None);
        assert_eq!(resolve(d, "/", "/nope/"), None);
    }

    #[test]
    fn the_reload_script_goes_before_the_body_end() {
        let page = inject(b"<html><body><p>x</p></body></html>".to_vec(), 3);
        let s = String::from_utf8(page).unwrap();
        assert!(s.ends_with("<script src=\"/__retro/live.js\" data-since=\"3\"></script></body></html>"), "{s}");
        assert!(
            LIVE_SCRIPT.contains(&format!("new EventSource(\"{EVENTS}?since=\"+since+\"&page=\"")),
            "{LIVE_SCRIPT}"
        );
    }

    #[test]
    fn only_loopback_names_and_the_bind_address_are_answered() {
        let h = Hosts::new("127.0.0.1", 1111);
        for ok in ["localhost:1111", "LOCALHOST", "127.0.0.1:1111", "[::1]:1111", "localhost."] {
            assert!(h.allows(ok), "{ok}");
        }
        for bad in ["evil.example", "evil.example:1111", "localhost.evil.example", "127.0.0.1.nip.io:1111", ""] {
            assert!(!h.allows(bad), "{bad}");
        }
        assert!(Hosts::new("192.168.1.5", 8080).allows("192.168.1.5:8080"));
        assert!(Hosts::new("::1", 8080).allows("[::1]:8080"));
    }

    #[test]
    fn a_page_reloads_only_when_a_generation_changed_it() {
        let live = Live::new();
        live.publish(None); // 1: a full build
        let pm = "/postmortems/a/";
        live.publish_scoped(None, Scope::Only(vec![pm.into()])); // 2
        live.publish_scoped(None, Scope::Except(vec![pm.into()])); // 3
        assert!(live.changed_since(0, 1, "/"));
        assert!(live.changed_since(1, 2, pm));
        assert!(!live.changed_since(1, 2, "/"));
        assert!(!live.changed_since(2, 3, pm), "its page was done in generation 2");
        assert!(live.changed_since(2, 3, "/"));
        assert!(live.changed_since(1, 3, "/postmortems/b/"));
        assert!(!live.changed_since(3, 3, "/"));
    }

    #[test]
    fn after_a_failed_build_every_page_reloads() {
        let live = Live::new();
        live.publish(Some("E005 ...".into())); // 1: failed
        live.publish_scoped(None, Scope::Only(vec!["/postmortems/a/".into()])); // 2: fixed
        assert!(live.changed_since(1, 2, "/"), "the overlay goes away everywhere");
    }

    #[test]
    fn pages_older_than_the_history_reload() {
        let live = Live::new();
        for _ in 0..HISTORY + 5 {
            live.publish_scoped(None, Scope::Only(vec!["/x/".into()]));
        }
        assert!(live.changed_since(0, 3, "/"), "generations forgotten: reload to be safe");
        assert!(!live.changed_since(10, 20, "/"));
    }
}
