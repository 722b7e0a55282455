//! `retro serve`: serves the site, rebuilds on edits, keeps the last good
//! site when an edit breaks it, and tells open pages.

use crate::common::*;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Server {
    child: Child,
    addr: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(root: &std::path::Path) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_retro"))
        .args(["serve", "--port", "0"])
        .current_dir(root)
        .env_remove("SOURCE_DATE_EPOCH")
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let mut addr = None;
    for line in lines.by_ref() {
        let line = line.unwrap();
        if let Some(i) = line.find("http://") {
            addr = Some(line[i + 7..].split('/').next().unwrap().to_string());
            break;
        }
    }
    // keep draining stderr so the server never blocks on a full pipe
    std::thread::spawn(move || for _ in lines {});
    Server { child, addr: addr.expect("serve printed its address") }
}

/// Reads the event stream into `heard` until it holds `what`.
fn hear_until(events: &mut TcpStream, heard: &mut String, what: &str) {
    let mut buf = [0u8; 4096];
    let start = Instant::now();
    while !heard.contains(what) {
        assert!(start.elapsed() < Duration::from_secs(20), "no {what}: {heard}");
        let n = events.read(&mut buf).unwrap_or(0);
        heard.push_str(&String::from_utf8_lossy(&buf[..n]));
    }
}

fn wait_for(what: &str, mut f: impl FnMut() -> bool) {
    let start = Instant::now();
    while !f() {
        assert!(start.elapsed() < Duration::from_secs(20), "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn serve_rebuilds_on_edit_and_keeps_the_last_good_site_on_a_broken_one() {
    let site = fixture_copy("metrics");
    let server = start(site.path());
    let page = "/postmortems/b-search-latency/";
    let (head, body) = http_get(&server.addr, page);
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(body.contains("<h1>Search latency</h1>"));
    assert!(body.contains("/__retro/live.js"), "the reload script is injected when served");
    assert!(!std::fs::read_to_string(site.path().join("content/b-search-latency.md")).unwrap().contains("__retro"));
    let (head, _) = http_get(&server.addr, "/no/such/page/");
    assert!(head.starts_with("HTTP/1.1 404"), "{head}");
    let (head, _) = http_get(&server.addr, "/../../etc/passwd");
    assert!(head.starts_with("HTTP/1.1 404"), "{head}");

    // an edit is served
    let file = site.path().join("content/b-search-latency.md");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, text.replace("title: Search latency", "title: Search latency, edited")).unwrap();
    wait_for("the edit", || http_get(&server.addr, page).1.contains("<h1>Search latency, edited</h1>"));

    // open pages hear about a broken edit; the last good site stays
    let mut events = TcpStream::connect(&server.addr).unwrap();
    events.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    write!(events, "GET /__retro/events?since=999 HTTP/1.1\r\nHost: {}\r\n\r\n", server.addr).unwrap();
    std::fs::write(site.path().join("content/zz-broken.md"), "---\ntitle: [unclosed\n---\n").unwrap();
    let mut seen = String::new();
    hear_until(&mut events, &mut seen, "event: problems");
    let problems = &seen[seen.find("event: problems").unwrap()..];
    assert!(problems.contains("E005") && problems.contains("content/zz-broken.md:2"), "{problems}");
    assert!(
        http_get(&server.addr, page).1.contains("<h1>Search latency, edited</h1>"),
        "the last good site is still served"
    );

    // fixing it reloads
    std::fs::remove_file(site.path().join("content/zz-broken.md")).unwrap();
    let mut buf = [0u8; 4096];
    let start = Instant::now();
    while !seen.ends_with("event: reload\ndata: {}\n\n") {
        assert!(start.elapsed() < Duration::from_secs(20), "no reload after the fix: {seen}");
        let n = events.read(&mut buf).unwrap_or(0);
        seen.push_str(&String::from_utf8_lossy(&buf[..n]));
    }
}

#[test]
fn a_body_edit_rewrites_only_its_page() {
    let site = fixture_copy("metrics");
    let server = start(site.path());
    let page = "/postmortems/b-search-latency/";
    assert!(http_get(&server.addr, page).1.contains("<h1>Search latency</h1>"));
    // pages as built, without the reload script added when serving
    let built = |path: &str| {
        let body = http_get(&server.addr, path).1;
        body[..body.find("<script src=\"/__retro/live.js\"").unwrap_or(body.len())].to_string()
    };
    let home = built("/");
    let preview = std::env::temp_dir().join(format!("retro-serve-{}", server.child.id()));
    let home_file = preview.join("index.html");
    let written = |p: &std::path::Path| std::fs::metadata(p).and_then(|m| m.modified()).unwrap();
    let home_written = written(&home_file);
    // the home page, open in a browser, listens for changes
    let generation = |path: &str| {
        let body = http_get(&server.addr, path).1;
        let at = body.find("data-since=\"").unwrap() + 12;
        body[at..].chars().take_while(char::is_ascii_digit).collect::<String>()
    };
    let mut home_events = TcpStream::connect(&server.addr).unwrap();
    write!(
        home_events,
        "GET /__retro/events?since={}&page=/ HTTP/1.1\r\nHost: {}\r\n\r\n",
        generation("/"),
        server.addr
    )
    .unwrap();
    // the body changes, nothing else: its page changes and no other page is rewritten
    let file = site.path().join("content/b-search-latency.md");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, format!("{text}\nA new paragraph of the narrative.\n")).unwrap();
    wait_for("the body edit", || http_get(&server.addr, page).1.contains("A new paragraph of the narrative."));
    assert!(built("/") == home, "the home page changed after a body edit");
    home_events.set_read_timeout(Some(Duration::from_millis(500))).unwrap();
    let mut heard = String::new();
    let mut buf = [0u8; 4096];
    while let Ok(n @ 1..) = home_events.read(&mut buf) {
        heard.push_str(&String::from_utf8_lossy(&buf[..n]));
    }
    assert!(heard.starts_with("HTTP/1.1 200"), "{heard}");
    assert!(!heard.contains("event: reload"), "the home page was told to reload after a body edit: {heard}");
    assert_eq!(written(&home_file), home_written, "a body edit rewrote the whole site instead of one page");
    // a front-matter edit changes the lists too
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, text.replace("title: Search latency", "title: Search latency, renamed")).unwrap();
    wait_for("the list", || http_get(&server.addr, "/postmortems/").1.contains("Search latency, renamed"));
}

#[test]
fn a_busy_port_is_a_clear_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port().to_string();
    let r = retro(&fixture("metrics"), &["serve", "--port", &port]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("is busy"), "{}", r.stderr);
    assert!(r.stderr.contains("--port"), "{}", r.stderr);
}

#[test]
fn a_save_that_truncates_then_writes_shows_no_empty_file_error() {
    let site = fixture_copy("metrics");
    let server = start(site.path());
    let page = "/postmortems/b-search-latency/";
    let body = http_get(&server.addr, page).1;
    let at = body.find("data-since=\"").unwrap() + 12;
    let generation: String = body[at..].chars().take_while(char::is_ascii_digit).collect();
    let mut events = TcpStream::connect(&server.addr).unwrap();
    events.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    write!(events, "GET /__retro/events?since={generation}&page={page} HTTP/1.1\r\nHost: {}\r\n\r\n", server.addr)
        .unwrap();

    // like an editor that empties the file, then writes it: the empty file
    // is on disk longer than serve's event debouncing
    let file = site.path().join("content/b-search-latency.md");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, "").unwrap();
    std::thread::sleep(Duration::from_millis(60));
    std::fs::write(&file, text.replace("title: Search latency", "title: Search latency, saved")).unwrap();

    let mut heard = String::new();
    hear_until(&mut events, &mut heard, "event: reload");
    assert!(!heard.contains("event: problems"), "the half-saved file was reported: {heard}");
    assert!(http_get(&server.addr, page).1.contains("<h1>Search latency, saved</h1>"));
}

/// Sends `request` as written and returns the status line.
fn raw_status(addr: &str, request: &[u8]) -> String {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let _ = s.write_all(request);
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    String::from_utf8_lossy(&out).lines().next().unwrap_or_default().to_string()
}

#[test]
fn requests_for_another_host_or_over_long_are_refused() {
    let site = fixture_copy("metrics");
    let server = start(site.path());
    let port = server.addr.rsplit(':').next().unwrap().to_string();
    for host in ["evil.example", &format!("evil.example:{port}"), &format!("localhost.evil.example:{port}")] {
        let req = format!("GET / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
        assert!(raw_status(&server.addr, req.as_bytes()).contains(" 421 "), "{host}");
    }
    assert!(raw_status(&server.addr, b"GET / HTTP/1.0\r\n\r\n").contains(" 421 "), "no Host");
    for host in [format!("localhost:{port}"), format!("127.0.0.1:{port}")] {
        let req = format!("GET / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
        assert!(raw_status(&server.addr, req.as_bytes()).contains(" 200 "), "{host}");
    }
    let long = format!("GET /{} HTTP/1.1\r\nHost: localhost\r\n\r\n", "a".repeat(20_000));
    assert!(raw_status(&server.addr, long.as_bytes()).contains(" 414 "));
    // pages carry their policy and the reload script is a file of the site
    let (_, body) = http_get(&server.addr, "/");
    assert!(body.contains("Content-Security-Policy") && body.contains("<script src=\"/__retro/live.js\""));
    let (head, js) = http_get(&server.addr, "/__retro/live.js");
    assert!(head.contains("200") && js.contains("EventSource"), "{head}");
}

#[test]
fn many_open_event_streams_are_bounded_and_the_preview_keeps_working() {
    let site = fixture_copy("metrics");
    let server = start(site.path());
    let mut streams = Vec::new();
    for _ in 0..300 {
        let mut s = TcpStream::connect(&server.addr).unwrap();
        // a connection past the bound may be answered and closed before
        // the request is written: the write then fails, and it was refused
        if write!(s, "GET /__retro/events?since=0&page=/ HTTP/1.1\r\nHost: {}\r\n\r\n", server.addr).is_ok() {
            streams.push(s);
        }
    }
    std::thread::sleep(Duration::from_millis(300));
    // an accepted stream answers 200 at once; the others were refused
    // (503, or a reset of a connection closed with the request unread)
    let mut accepted = 0;
    for s in &mut streams {
        s.set_read_timeout(Some(Duration::from_millis(200))).unwrap();
        let mut buf = [0u8; 64];
        if let Ok(n) = s.read(&mut buf) {
            if String::from_utf8_lossy(&buf[..n]).contains(" 200 ") {
                accepted += 1;
            }
        }
    }
    assert!((200..=256).contains(&accepted), "{accepted} of 300 event streams accepted");
    drop(streams);
    // a closed stream is noticed at its next keep-alive, within 5 s
    let home = format!("GET / HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n", server.addr);
    wait_for("the preview to answer again", || raw_status(&server.addr, home.as_bytes()).contains(" 200 "));
}

/// CPU seconds the process `pid` has used (user and system), from /proc.
fn cpu_seconds(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    let after = &stat[stat.rfind(')').unwrap() + 2..];
    let f: Vec<&str> = after.split_whitespace().collect();
    let ticks: f64 = f[11].parse::<f64>().unwrap() + f[12].parse::<f64>().unwrap();
    ticks / 100.0
}

#[test]
fn an_idle_preview_uses_no_cpu() {
    if !std::path::Path::new("/proc/self/stat").exists() {
        return;
    }
    let mut files = Vec::new();
    for i in 0..400 {
        files.push((format!("2024/pm-{i:04}.md"), COMPLETE.replace("Checkout failed", &format!("Incident {i}"))));
    }
    let refs: Vec<(&str, &str)> = files.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    let site = site("title = \"Idle\"\n", &refs);
    let server = start(site.path());
    let (head, _) = http_get(&server.addr, "/");
    assert!(head.contains("200"));
    std::thread::sleep(Duration::from_millis(1500));
    let pid = server.child.id();
    let before = cpu_seconds(pid);
    std::thread::sleep(Duration::from_secs(3));
    let used = cpu_seconds(pid) - before;
    assert!(used <= 0.03, "an idle preview used {used:.2} s of CPU in 3 s");
}

#[cfg(unix)]
#[test]
fn sigterm_and_ctrl_c_remove_the_preview_folder_promptly() {
    for signal in ["TERM", "INT"] {
        let site = fixture_copy("metrics");
        let mut server = start(site.path());
        let pid = server.child.id();
        let preview = std::env::temp_dir().join(format!("retro-serve-{pid}"));
        wait_for("the preview folder", || preview.join("index.html").is_file());
        let sent = Instant::now();
        Command::new("kill").args([&format!("-{signal}"), &pid.to_string()]).status().unwrap();
        let status = server.child.wait().unwrap();
        assert!(sent.elapsed() < Duration::from_secs(1), "took {:?}", sent.elapsed());
        assert!(!status.success());
        assert!(!preview.exists(), "{} left behind after SIG{signal}", preview.display());
    }
}

#[test]
fn removing_the_content_folder_is_an_error_as_in_build_and_the_last_site_stays() {
    let site = fixture_copy("metrics");
    let server = start(site.path());
    let page = |body: String| body[..body.find("<script src=\"/__retro/live.js\"").unwrap()].to_string();
    let before = page(http_get(&server.addr, "/").1);
    let mut events = TcpStream::connect(&server.addr).unwrap();
    events.set_read_timeout(Some(Duration::from_millis(200))).unwrap();
    write!(events, "GET /__retro/events?since=1&page=/ HTTP/1.1\r\nHost: {}\r\n\r\n", server.addr).unwrap();
    let mut heard = String::new();
    hear_until(&mut events, &mut heard, "text/event-stream");
    std::fs::remove_dir_all(site.path().join("content")).unwrap();
    hear_until(&mut events, &mut heard, "C005");
    assert_eq!(before, page(http_get(&server.addr, "/").1), "the last good site is still served");
}

#[cfg(unix)]
#[test]
fn editing_the_target_of_a_linked_postmortem_refreshes_the_link_page_too() {
    let site = fixture_copy("metrics");
    let shared = site.path().join("shared");
    std::fs::create_dir_all(&shared).unwrap();
    let text = COMPLETE.replace("Checkout failed", "Linked original");
    std::fs::write(shared.join("linked.md"), &text).unwrap();
    std::os::unix::fs::symlink(shared.join("linked.md"), site.path().join("content/linked.md")).unwrap();
    let server = start(site.path());
    let (_, body) = http_get(&server.addr, "/postmortems/linked/");
    assert!(body.contains("Linked original"), "{body}");
    std::fs::write(shared.join("linked.md"), text.replace("Linked original", "Linked edited")).unwrap();
    wait_for("the link's page to show the edit", || {
        http_get(&server.addr, "/postmortems/linked/").1.contains("Linked edited")
    });
}

#[test]
fn serving_beyond_loopback_warns() {
    let site = fixture_copy("metrics");
    let mut child = Command::new(env!("CARGO_BIN_EXE_retro"))
        .args(["serve", "--port", "0", "--bind", "0.0.0.0"])
        .current_dir(site.path())
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let mut said = String::new();
    for line in BufReader::new(child.stderr.take().unwrap()).lines() {
        let line = line.unwrap();
        said.push_str(&line);
        said.push('\n');
        if line.contains("http://") {
            break;
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    assert!(said.contains("warning: serving on 0.0.0.0 answers every machine"), "{said}");
}
