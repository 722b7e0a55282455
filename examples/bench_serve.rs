//! Measures `retro serve`: how long after a postmortem file is saved the
//! open page of that postmortem is told to reload, and how long until the
//! other pages (lists, figures) are. Prints the median of several edits.
//!
//!   cargo build --release --bin retro --example bench_serve
//!   target/release/examples/bench_serve --root DIR [--runs 5] [--port 1199]
//!
//! DIR is a site, e.g. a corpus from `gen_corpus`. Its first postmortem
//! (by path) is edited and restored at the end.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How long an edit's work goes on after its last reload, at most (the
/// search index of 10,000 postmortems: about 0.1 s).
const SETTLE: Duration = Duration::from_millis(1000);

fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1).cloned())
}

fn get(port: u16, path: &str) -> String {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    write!(s, "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").expect("send");
    let mut body = String::new();
    s.read_to_string(&mut body).expect("read");
    body
}

/// An open event stream of the page at `page`.
fn events(port: u16, page: &str, since: u64) -> BufReader<TcpStream> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    write!(s, "GET /__retro/events?since={since}&page={page} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").expect("send");
    s.set_read_timeout(Some(Duration::from_secs(120))).expect("timeout");
    let mut r = BufReader::new(s);
    let mut line = String::new();
    // the response head
    while r.read_line(&mut line).expect("head") > 2 {
        line.clear();
    }
    r
}

fn wait_reload(r: &mut BufReader<TcpStream>) {
    let mut line = String::new();
    loop {
        line.clear();
        if r.read_line(&mut line).expect("event") == 0 {
            panic!("event stream closed");
        }
        if line.starts_with("event: reload") {
            return;
        }
        if line.starts_with("event: problems") {
            let mut data = String::new();
            let _ = r.read_line(&mut data);
            panic!("the edit broke the build: {data}");
        }
    }
}

fn generation(port: u16, page: &str) -> u64 {
    let html = get(port, page);
    let at = html.find("data-since=\"").expect("the reload script") + 12;
    html[at..].chars().take_while(char::is_ascii_digit).collect::<String>().parse().expect("a generation")
}

fn first_postmortem(dir: &Path) -> PathBuf {
    let mut files: Vec<PathBuf> = Vec::new();
    let mut stack = vec![dir.join("content")];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("content folder").flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "md") {
                files.push(p);
            }
        }
    }
    files.sort();
    files.into_iter().next().expect("a postmortem")
}

/// Saves `text` as editors do: a new file renamed over the old one (a
/// plain write empties the file first, which a watcher may see).
fn save(file: &Path, text: &str) {
    let tmp = file.with_extension("md.tmp");
    std::fs::write(&tmp, text).expect("write");
    std::fs::rename(&tmp, file).expect("rename");
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let root = PathBuf::from(arg("--root").expect("--root DIR"));
    let runs: usize = arg("--runs").and_then(|r| r.parse().ok()).unwrap_or(5);
    let port: u16 = arg("--port").and_then(|p| p.parse().ok()).unwrap_or(1199);
    let bin = std::env::current_exe().expect("exe").parent().and_then(Path::parent).expect("target dir").join("retro");
    let mut child = Command::new(&bin)
        .args(["serve", "--root", root.to_str().expect("utf-8 path"), "--port", &port.to_string()])
        .stderr(Stdio::piped())
        .spawn()
        .expect("start retro serve");
    let mut log = BufReader::new(child.stderr.take().expect("stderr"));
    let started = Instant::now();
    let mut line = String::new();
    while log.read_line(&mut line).expect("log") > 0 && !line.starts_with("serving") {
        line.clear();
    }
    println!("first build and serve: {:.2} s", started.elapsed().as_secs_f64());
    std::thread::spawn(move || for _ in log.lines() {});

    let file = first_postmortem(&root);
    let original = std::fs::read_to_string(&file).expect("read");
    let id = original
        .lines()
        .find_map(|l| l.strip_prefix("id: "))
        .map(str::to_string)
        .unwrap_or_else(|| file.file_stem().expect("name").to_string_lossy().into_owned());
    let page = format!("/postmortems/{id}/");
    println!("{:<22} {:>12} {:>14}", "edit", "its page (ms)", "other pages (ms)");
    for (kind, edit) in [
        (
            "body",
            Box::new(|t: &str, n: usize| format!("{t}\nEdit number {n}.\n")) as Box<dyn Fn(&str, usize) -> String>,
        ),
        (
            "front matter (title)",
            Box::new(|t: &str, n: usize| t.replacen("\ntitle: ", &format!("\ntitle: edit {n} "), 1)),
        ),
        (
            "front matter (summary)",
            Box::new(|t: &str, n: usize| t.replacen("\nsummary: ", &format!("\nsummary: Edit {n}. "), 1)),
        ),
    ] {
        let (mut own, mut rest) = (Vec::new(), Vec::new());
        for n in 0..runs {
            let g = generation(port, &page);
            let mut mine = events(port, &page, g);
            let mut home = events(port, "/", g);
            let t0 = Instant::now();
            save(&file, &edit(&original, n));
            wait_reload(&mut mine);
            own.push(t0.elapsed().as_secs_f64() * 1000.0);
            if kind != "body" {
                wait_reload(&mut home);
                rest.push(t0.elapsed().as_secs_f64() * 1000.0);
            }
            // restore, and let that be applied before the next edit: the
            // search index is updated after the last reload, which a body
            // edit does not announce
            let g = generation(port, &page);
            save(&file, &original);
            wait_reload(&mut events(port, &page, g));
            if kind != "body" {
                wait_reload(&mut events(port, "/", g));
            }
            std::thread::sleep(SETTLE);
        }
        let rest = if rest.is_empty() { "—".to_string() } else { format!("{:.0}", median(rest)) };
        println!("{kind:<22} {:>12.0} {rest:>14}", median(own));
    }
    save(&file, &original);
    let _ = child.kill();
    let _ = child.wait();
}
