//! Search in a real browser (headless Chromium, as in browser.rs) on the
//! example site: people, action-item ids, stemmed words, words only in a
//! body, facets without words, shared URLs, the keyboard, and all of it
//! from disk. Screenshots of the results go to `target/screenshots/`.

use crate::browser::{screenshots, serve_example, tools_present, wait_in_page, Browser};
use crate::common::*;
use serde_json::{json, Value};
use std::ffi::OsStr;

/// Presses keys in the focused element, as a person types: text, or
/// WebDriver key codes (`\u{E015}` arrow down, `\u{E007}` Enter).
fn keys(b: &Browser, text: &str) {
    let mut actions = Vec::new();
    for c in text.chars() {
        actions.push(json!({"type": "keyDown", "value": c.to_string()}));
        actions.push(json!({"type": "keyUp", "value": c.to_string()}));
    }
    b.cmd("POST", "/actions", Some(&json!({"actions": [{"type": "key", "id": "keyboard", "actions": actions}]})));
    b.cmd("DELETE", "/actions", None);
}

const ARROW_DOWN: &str = "\u{E015}";
const ENTER: &str = "\u{E007}";
const ESCAPE: &str = "\u{E00C}";

/// Types `query` into the emptied search box and waits for its results:
/// their titles, links and quotes.
fn search(b: &Browser, query: &str) -> Vec<Value> {
    b.js("const i = document.getElementById('r-q'); i.focus(); i.value = ''; i.dispatchEvent(new Event('input'));");
    keys(b, query);
    let wanted = serde_json::to_string(query).unwrap();
    wait_in_page(
        b,
        &format!("results of {query}"),
        &format!(
            "const i = document.getElementById('r-q'); const p = document.querySelector('.search-panel');
             return i.value === {wanted} && !p.hidden && document.querySelector('.search-count').textContent !== '';"
        ),
    );
    // the panel shows the answer to the last key typed
    std::thread::sleep(std::time::Duration::from_millis(150));
    let found = b.js("return Array.from(document.querySelectorAll('#r-results li')).map(li => ({
           title: li.querySelector('.result-title').textContent,
           href: li.querySelector('.result-title').href,
           quote: (li.querySelector('.snippet') || {}).innerHTML || '',
         }));");
    found.as_array().unwrap().clone()
}

fn titles(found: &[Value]) -> Vec<&str> {
    found.iter().map(|r| r["title"].as_str().unwrap()).collect()
}

#[test]
fn the_search_box_finds_people_ids_stems_and_body_words() {
    if !tools_present() {
        return;
    }
    let (_server, base) = serve_example();
    let b = Browser::start(true);
    b.size(1280, 900);
    b.go(&format!("{base}trends/"));

    // `/` focuses the box from anywhere on the page
    keys(&b, "/");
    assert_eq!(b.js("return document.activeElement.id;"), json!("r-q"));

    // an author's name
    let found = search(&b, "priya");
    let t = titles(&found);
    for title in [
        "Order confirmation emails delayed by up to six hours",
        "Shipment push notifications sent two to five times",
        "Delivery SMS not sent during an SMS provider outage",
    ] {
        assert!(t.contains(&title), "{t:?}");
    }

    // an action item's id: the hit links to the item's row
    let found = search(&b, "PAY-201");
    assert!(titles(&found)[0].starts_with("Card payments declined"), "{found:?}");
    assert!(found[0]["href"].as_str().unwrap().ends_with("#item-pay-201"), "{found:?}");
    assert!(found[0]["quote"].as_str().unwrap().contains("<mark>PAY-201</mark>"), "{found:?}");

    // words in other forms than the title's: `expiry` finds `expired`
    let found = search(&b, "certificate expiry");
    assert!(
        titles(&found).contains(&"Card payments declined for two hours after a client certificate expired"),
        "{found:?}"
    );

    // a word only in a body, quoted with the word marked
    let found = search(&b, "pager");
    assert_eq!(titles(&found)[0], "Checkout returned errors for 47 minutes during the autumn sale", "{found:?}");
    assert!(found[0]["quote"].as_str().unwrap().contains("<mark>pager</mark>"), "{found:?}");
    let count = b.js("return document.querySelector('.search-count').getAttribute('aria-live');");
    assert_eq!(count, json!("polite"), "screen readers hear the count");

    // only common words: nothing is searched, and the panel says why
    assert!(search(&b, "the").is_empty());
    let said = b.js("return document.querySelector('.search-count').textContent;");
    assert!(said.as_str().unwrap().starts_with("Type a word"), "{said}");

    // an unfinished last word matches as a prefix, and the panel lies over
    // the page instead of pushing it down
    let top = b.js("return document.querySelector('main').getBoundingClientRect().top;");
    let found = search(&b, "certif");
    assert!(!found.is_empty());
    assert_eq!(b.js("return document.querySelector('main').getBoundingClientRect().top;"), top);
    for (width, scheme) in [(1280, false), (375, false), (1280, true), (375, true)] {
        b.size(width, 900);
        b.dark(scheme);
        search(&b, "certificate expiry");
        let name = format!("search-{width}-{}.png", if scheme { "dark" } else { "light" });
        b.screenshot(&screenshots().join(name));
    }
    b.dark(false);
    b.size(1280, 900);

    // the keyboard: arrows choose, Enter opens, Escape closes
    search(&b, "pager");
    keys(&b, ESCAPE);
    assert_eq!(b.js("return document.querySelector('.search-panel').hidden;"), json!(true));
    search(&b, "pager");
    keys(&b, ARROW_DOWN);
    assert_eq!(b.js("return document.getElementById('r-q').getAttribute('aria-activedescendant');"), json!("r-hit-0"));
    keys(&b, ENTER);
    wait_in_page(
        &b,
        "the chosen postmortem",
        "return location.pathname.includes('2024-10-03-checkout-pool-exhausted');",
    );

    // Enter without a choice lists every result
    b.go(&base);
    search(&b, "certificate");
    keys(&b, ENTER);
    wait_in_page(
        &b,
        "the results page",
        "return location.pathname.endsWith('/postmortems/') && location.search === '?q=certificate';",
    );
    wait_in_page(&b, "its results", "return document.querySelectorAll('.find-list li').length > 0;");
    assert!(b.console_errors().is_empty(), "{:?}", b.console_errors());
}

#[test]
fn the_postmortem_list_is_filtered_by_facets_and_words_from_the_url() {
    if !tools_present() {
        return;
    }
    let (_server, base) = serve_example();
    let b = Browser::start(true);
    b.size(1280, 900);

    // a facet without words: the example site has 5 SEV1 postmortems
    b.go(&format!("{base}postmortems/?severity=SEV1"));
    wait_in_page(&b, "SEV1 results", "return document.querySelectorAll('.find-list li').length === 5;");
    assert_eq!(b.js("return document.getElementById('r-all').hidden;"), json!(true), "the full list makes way");
    assert_eq!(b.js("return document.getElementById('r-find-severity').value;"), json!("SEV1"));
    let badges = b.js("return Array.from(document.querySelectorAll('.find-list .badge')).map(e => e.textContent);");
    assert!(badges.as_array().unwrap().iter().all(|s| s == "SEV1"), "{badges}");

    // a shared URL with words and a facet opens with its results
    b.go(&format!("{base}postmortems/?q=certificate&area=payments"));
    wait_in_page(&b, "results", "return document.querySelectorAll('.find-list li').length > 0;");
    let lines =
        b.js("return Array.from(document.querySelectorAll('.find-list li .result-meta')).map(e => e.textContent);");
    assert!(lines.as_array().unwrap().iter().all(|l| l.as_str().unwrap().contains("payments")), "{lines}");
    assert_eq!(b.js("return document.getElementById('r-find-q').value;"), json!("certificate"));

    // changing a filter changes the URL, to share
    b.js("const s = document.getElementById('r-find-area'); s.value = ''; s.dispatchEvent(new Event('change', {bubbles: true}));");
    wait_in_page(&b, "the URL", "return location.search === '?q=certificate';");
    for (width, scheme) in [(1280, false), (375, false), (1280, true), (375, true)] {
        b.size(width, 900);
        b.dark(scheme);
        b.go(&format!("{base}postmortems/?q=certificate&severity=SEV1"));
        wait_in_page(&b, "results", "return document.querySelectorAll('.find-list li').length > 0;");
        let overflow = b.js("return document.documentElement.scrollWidth - window.innerWidth;");
        assert!(overflow.as_i64().unwrap() <= 0, "the results overflow a {width} px window by {overflow}");
        let name = format!("search-results-{width}-{}.png", if scheme { "dark" } else { "light" });
        b.screenshot(&screenshots().join(name));
    }
    assert!(b.console_errors().is_empty(), "{:?}", b.console_errors());

    // without JavaScript the full list stays and the search stays hidden
    let off = Browser::start(false);
    off.go(&format!("{base}postmortems/?severity=SEV1"));
    let state = off.js("return [document.getElementById('r-all').hidden, !!document.querySelector('.find-list'),
                 document.querySelectorAll('#r-all tbody tr').length];");
    assert_eq!(state[0], json!(false), "{state}");
    assert_eq!(state[1], json!(false), "{state}");
    assert!(state[2].as_u64().unwrap() >= 20, "{state}");
}

#[test]
fn search_works_on_a_site_opened_from_disk() {
    if !tools_present() {
        return;
    }
    let (_o, out) = crate::browser::built_example();
    let b = Browser::start(true);
    b.size(1280, 900);
    b.go(&format!("file://{}", out.join("areas/payments/index.html").display()));
    let found = search(&b, "PAY-201");
    assert!(titles(&found)[0].starts_with("Card payments declined"), "{found:?}");
    let href = found[0]["href"].as_str().unwrap();
    assert!(href.starts_with("file://") && href.ends_with("/index.html#item-pay-201"), "{href}");
    b.go(href);
    assert_eq!(b.js("return !!document.getElementById('item-pay-201');"), json!(true));
    b.go(&format!("file://{}?severity=SEV1", out.join("postmortems/index.html").display()));
    wait_in_page(&b, "SEV1 results from disk", "return document.querySelectorAll('.find-list li').length === 5;");
}

/// The index's budget on a large site: its size, the bytes five typical
/// queries fetch (gzip, as served) and how fast they answer, and the
/// build's CPU against the floor. Needs a corpus (`cargo run --release
/// --example gen_corpus -- --n 10000 --out DIR`) and the floor (`cargo
/// build --release --example bench_floor`), and is run by hand, in release:
/// `RETRO_SEARCH_CORPUS=DIR RETRO_FLOOR=target/release/examples/bench_floor
/// cargo test --release -- --ignored search_budget --nocapture`. With
/// `RETRO_BEFORE` naming a retro binary built without the search index,
/// the two builds (each into a fresh folder, as in CI) and the floor run in
/// turn, 9 rounds, and the growth is printed over all rounds and in the
/// median round (`RAYON_NUM_THREADS=1` counts the work alone, without the
/// idle threads' spinning).
#[test]
#[ignore]
fn search_budget_on_a_large_site() {
    let Some(corpus) = std::env::var_os("RETRO_SEARCH_CORPUS") else {
        panic!("set RETRO_SEARCH_CORPUS to a generated corpus");
    };
    // on tmpfs where there is one, as the benchmarks are: disk writes
    // would be most of the time
    let shm = std::path::Path::new("/dev/shm");
    let o = if shm.is_dir() { tempfile::tempdir_in(shm) } else { tempfile::tempdir() }.unwrap();
    let out = o.path().join("public");
    // CPU seconds (user + system) of a command, by /usr/bin/time
    let cpu = |program: &OsStr, args: &[&OsStr]| -> f64 {
        let t = o.path().join("time");
        let status = std::process::Command::new("/usr/bin/time")
            .args([OsStr::new("-f"), "%U %S".as_ref(), "-o".as_ref(), t.as_os_str(), program])
            .args(args)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .expect("/usr/bin/time (apt-get install time)");
        assert!(status.success());
        std::fs::read_to_string(&t).unwrap().split_whitespace().map(|x| x.parse::<f64>().unwrap()).sum()
    };
    let at = |flag: &'static str| OsStr::new(flag);
    let build_with = |retro: &OsStr, out: &std::path::Path| {
        cpu(
            retro,
            &[at("build"), at("--root"), &corpus, at("--output"), out.as_os_str(), at("--today"), at("2026-11-22")],
        )
    };
    let retro: &OsStr = env!("CARGO_BIN_EXE_retro").as_ref();
    let floor = std::env::var_os("RETRO_FLOOR");
    let floor_out = o.path().join("floor");
    let floor_cpu = |floor: &OsStr| cpu(floor, &[at("--root"), &corpus, at("--output"), floor_out.as_os_str()]);
    let median = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    match (std::env::var_os("RETRO_BEFORE"), &floor) {
        (Some(before), Some(floor)) => {
            let fresh = |retro: &OsStr| {
                let _ = std::fs::remove_dir_all(&out);
                build_with(retro, &out)
            };
            let (mut b, mut a, mut f) = (Vec::new(), Vec::new(), Vec::new());
            for _ in 0..9 {
                b.push(fresh(&before));
                a.push(fresh(retro));
                f.push(floor_cpu(floor));
            }
            // the growth of each round's pair: the machine's drift between
            // rounds cancels out
            let pairs = median(a.iter().zip(&b).map(|(a, b)| a / b - 1.0).collect());
            let all = a.iter().sum::<f64>() / b.iter().sum::<f64>() - 1.0;
            let (b, a, f) = (median(b), median(a), median(f));
            println!(
                "build: {b:.2} s CPU before search, {a:.2} s with it (medians of 9 rounds); growth {:+.1} % over all rounds, {:+.1} % in the median round; the floor {f:.2} s: {:.2} -> {:.2} floors",
                all * 100.0,
                pairs * 100.0,
                b / f,
                a / f
            );
        }
        (_, Some(floor)) => {
            let build = build_with(retro, &out);
            let f = floor_cpu(floor);
            println!("build: {build:.2} s CPU, the floor {f:.2} s: {:.2} floors", build / f);
        }
        (_, None) => println!("build: {:.2} s CPU (set RETRO_FLOOR for the floor)", build_with(retro, &out)),
    }
    let files = files(&out.join("search"));
    let size: u64 = files.iter().map(|f| f.metadata().unwrap().len()).sum();
    println!("search index: {} files, {:.1} MB", files.len(), size as f64 / 1e6);
    let gzipped = |path: &std::path::Path| -> usize {
        let z = std::process::Command::new("gzip").arg("-c").arg(path).output().unwrap();
        z.stdout.len()
    };
    let b = Browser::start(true);
    b.size(1280, 900);
    for query in ["database", "certificate", "payments timeout", "connection pool", "deploy rollback"] {
        b.go(&format!("file://{}", out.join("index.html").display()));
        wait_in_page(&b, "the index files", "return !!window.retroSearch && typeof retroSearch.find === 'function';");
        let q = serde_json::to_string(query).unwrap();
        let find = |script: String| b.cmd("POST", "/execute/async", Some(&json!({"script": script, "args": []})));
        let n = find(format!("const done = arguments[0]; retroSearch.find({q}).then(n => done(n));"));
        let loaded = b.js("return Array.from(document.querySelectorAll('script[src*=\"search/\"]')).map(s => s.src);");
        let mut bytes = 0;
        for url in loaded.as_array().unwrap() {
            let path = url.as_str().unwrap().trim_start_matches("file://");
            bytes += gzipped(std::path::Path::new(path));
        }
        // answered again, all its files loaded: the time of the search itself
        let ms = find(format!(
            "const done = arguments[0]; const t = performance.now(); retroSearch.find({q}).then(() => done(performance.now() - t));"
        ));
        println!(
            "query {query:?}: {n} results, {} files, {:.0} KB gzip fetched, {:.1} ms once loaded",
            loaded.as_array().unwrap().len(),
            bytes as f64 / 1024.0,
            ms.as_f64().unwrap_or(f64::NAN)
        );
        assert!(bytes <= 300 * 1024, "{query}: {bytes} bytes");
    }
}
