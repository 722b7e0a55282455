//! Hostile and unusual input: clear errors for broken files, inert output
//! for injection attempts, and large or odd files that must still work.

use crate::common::*;
use std::time::{Duration, Instant};

/// Decodes the few entities that could hide a scheme, and drops
/// whitespace and control characters as browsers do in URLs.
fn normalise_url(v: &str) -> String {
    let v = v
        .replace("&#x27;", "'")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
        .replace("&#106;", "j")
        .replace("&#115;", "s");
    v.chars().filter(|c| !c.is_whitespace() && !c.is_control()).collect::<String>().to_ascii_lowercase()
}

/// Every real tag of an HTML document: `(name, attributes as written)`.
fn tags(html: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let b = html.as_bytes();
    let mut i = 0;
    while let Some(off) = html[i..].find('<') {
        let start = i + off + 1;
        i = start;
        if start >= b.len() || !b[start].is_ascii_alphabetic() {
            continue;
        }
        // a tag ends at the first '>' outside quotes
        let mut j = start;
        let mut quote: Option<u8> = None;
        while j < b.len() {
            match (quote, b[j]) {
                (None, b'"') | (None, b'\'') => quote = Some(b[j]),
                (Some(q), c) if c == q => quote = None,
                (None, b'>') => break,
                _ => {}
            }
            j += 1;
        }
        let inner = &html[start..j.min(b.len())];
        let name_end = inner.find(|c: char| c.is_whitespace() || c == '/' || c == '>').unwrap_or(inner.len());
        out.push((inner[..name_end].to_ascii_lowercase(), inner[name_end..].to_string()));
        i = j;
    }
    out
}

/// `name="value"` pairs of a tag's attribute text.
fn attributes(attrs: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = attrs;
    while let Some(eq) = rest.find('=') {
        let name = rest[..eq].trim().rsplit(|c: char| c.is_whitespace()).next().unwrap_or("").to_ascii_lowercase();
        let after = rest[eq + 1..].trim_start();
        let (value, tail) = match after.chars().next() {
            Some(q @ ('"' | '\'')) => {
                let end = after[1..].find(q).map_or(after.len(), |e| e + 1);
                (&after[1..end], &after[(end + 1).min(after.len())..])
            }
            _ => {
                let end = after.find(char::is_whitespace).unwrap_or(after.len());
                (&after[..end], &after[end..])
            }
        };
        out.push((name, value.to_string()));
        rest = tail;
    }
    out
}

#[test]
fn injection_attempts_produce_an_inert_site() {
    let s = fixture_copy("hostile");
    let r = s.run(&["build", "--today", "2026-11-22"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let out = s.path().join("public");
    let mut pages = 0;
    for f in files(&out) {
        let ext = f.extension().and_then(|x| x.to_str()).unwrap_or("");
        if !matches!(ext, "html" | "xml") {
            continue;
        }
        pages += 1;
        let html = std::fs::read_to_string(&f).unwrap();
        if ext == "html" {
            assert!(html.contains("<meta http-equiv=\"Content-Security-Policy\""), "{}: no policy", f.display());
        }
        let mut ids = std::collections::HashSet::new();
        for (name, attrs) in tags(&html) {
            for (attr, value) in attributes(&attrs) {
                if attr == "id" {
                    assert!(ids.insert(value.clone()), "{}: id {value} twice", f.display());
                }
                if name == "img" && attr == "src" {
                    let v = normalise_url(&value);
                    assert!(!v.starts_with("//") && !v.contains("://"), "{}: image from another host", f.display());
                }
                assert!(!matches!(attr.as_str(), "tabindex" | "autofocus"), "{}: {attr} on <{name}>", f.display());
            }
            let ours = name == "form" && attrs.contains("class=\"search\"");
            assert!(
                ours || !matches!(
                    name.as_str(),
                    "iframe" | "object" | "embed" | "form" | "style" | "math" | "base" | "frame"
                ),
                "{}: <{name}{attrs}>",
                f.display()
            );
            if name == "script" {
                let a = attributes(&attrs);
                let src = a.iter().find(|(n, _)| n == "src").map(|(_, v)| v.as_str()).unwrap_or("");
                let own = src.starts_with("/static/") || src.trim_start_matches("../").starts_with("static/");
                assert!(own, "{}: inline or foreign script <script{attrs}>", f.display());
            }
            for (attr, value) in attributes(&attrs) {
                assert!(!attr.starts_with("on"), "{}: event handler {attr} on <{name}>", f.display());
                assert!(attr != "style" || !value.contains("url("), "{}: style with url", f.display());
                if matches!(attr.as_str(), "href" | "src" | "action" | "data" | "xlink:href") {
                    let v = normalise_url(&value);
                    for scheme in ["javascript:", "vbscript:", "data:"] {
                        assert!(!v.starts_with(scheme), "{}: {attr}={value} on <{name}>", f.display());
                    }
                }
            }
        }
    }
    assert!(pages > 10);
    // the escaped text is still there, as text
    let page = std::fs::read_to_string(out.join("postmortems/xss-everywhere/index.html")).unwrap();
    assert!(page.contains("&lt;script&gt;alert(&apos;title&apos;)&lt;/script&gt;"), "titles are shown, escaped");
    // nothing was written outside the output folder, whatever the area and tag names
    let mut top: Vec<String> =
        std::fs::read_dir(s.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    top.sort();
    assert_eq!(top, ["content", "public", "site.toml"]);
    for f in files(&out) {
        assert!(f.starts_with(&out));
    }
    // the area's page: its readable slug and a hash of the name (it is not
    // a plain name), inside the output folder
    let areas: Vec<String> = std::fs::read_dir(out.join("areas"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("b-onmouseover-alert-1-payments-b-etc-"))
        .collect();
    assert_eq!(areas.len(), 1, "{areas:?}");
    assert!(out.join("areas").join(&areas[0]).join("index.html").is_file());
    // spreadsheet formulas are defused in CSV
    let csv = std::fs::read_to_string(out.join("api/action-items.csv")).unwrap();
    assert!(!csv.contains(",=") && !csv.contains(",\"="), "{csv}");
    // and a cell that a `;`-separated import would split is quoted whole
    for line in csv.lines() {
        let mut in_quotes = false;
        for (i, c) in line.char_indices() {
            match c {
                '"' => in_quotes = !in_quotes,
                ';' => assert!(in_quotes, "an unquoted ; at {i}: {line}"),
                _ => {}
            }
        }
    }
    assert!(csv.contains("\"x;=HYPERLINK"), "{csv}");
    assert!(csv.contains(",'=cmd|"), "{csv}");
    // the headings' words are kept, their attributes not
    let page = std::fs::read_to_string(out.join("postmortems/heading-attributes/index.html")).unwrap();
    assert!(page.contains("id=\"h-r-main\"") && page.contains(">tracking pixel</a>"), "{page}");
}

#[test]
fn empty_files_and_alias_bombs_get_clear_errors_quickly() {
    let mut bomb =
        String::from("---\na: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
    for (i, c) in "bcdefghi".chars().enumerate() {
        let prev = "abcdefgh".as_bytes()[i] as char;
        bomb.push_str(&format!(
            "{c}: &{c} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"
        ));
    }
    bomb.push_str("---\n");
    let s = site(
        "",
        &[
            ("empty.md", ""),
            ("bomb.md", &bomb),
            ("deep.md", &format!("---\nx: {}1{}\n---\n", "[".repeat(10_000), "]".repeat(10_000))),
        ],
    );
    let t = Instant::now();
    let r = s.run(&["check", "--format", "json"]);
    assert!(t.elapsed() < Duration::from_secs(20), "took {:?}", t.elapsed());
    assert_eq!(r.code, 1);
    let d = json_diags(&r.stdout);
    assert!(d.contains(&("E003".into(), "error".into(), "content/empty.md".into(), 1)), "{d:?}");
    assert!(d.iter().any(|x| x.0 == "E005" && x.2 == "content/bomb.md"), "{d:?}");
    assert!(d.iter().any(|x| x.0 == "E005" && x.2 == "content/deep.md"), "{d:?}");
    assert!(r.stdout.contains("the file is empty"));
}

#[test]
fn big_odd_and_oddly_named_files_still_work() {
    let big_body = "Lorem ipsum dolor sit amet, consectetur adipiscing elit.\n\n".repeat(180_000); // ~10 MB
    let long_file = format!("{}\n{}", COMPLETE.trim_end(), "a line\n".repeat(10_000));
    let crlf = COMPLETE.replace("title: Checkout failed", "title: CRLF and BOM").replace('\n', "\r\n");
    let crlf = format!("\u{feff}{crlf}");
    let mut deep = String::new();
    for i in 0..40 {
        deep.push_str(&format!("level{i}/"));
    }
    deep.push_str("deep.md");
    let s = site(
        "",
        &[
            (
                "big.md",
                &format!("{}{big_body}END-OF-BIG", COMPLETE.replace("title: Checkout failed", "title: Big body")),
            ),
            ("long.md", &long_file.replace("title: Checkout failed", "title: Long file")),
            ("crlf.md", &crlf),
            (&deep, &COMPLETE.replace("title: Checkout failed", "title: Deep tree")),
            ("Störung im Zahlungsverkehr.md", &COMPLETE.replace("title: Checkout failed", "title: Non-ASCII name")),
        ],
    );
    let r = s.run(&["build", "--today", "2026-11-22"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let out = s.path().join("public");
    let big = std::fs::read_to_string(out.join("postmortems/big/index.html")).unwrap();
    assert!(big.contains("END-OF-BIG"));
    assert!(out.join("postmortems/long/index.html").is_file());
    assert!(out.join("postmortems/deep/index.html").is_file());
    assert!(out.join("postmortems/storung-im-zahlungsverkehr/index.html").is_file());
    let crlf_page = std::fs::read_to_string(out.join("postmortems/crlf/index.html")).unwrap();
    assert!(crlf_page.contains("<h1>CRLF and BOM</h1>"));
    let pms: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("api/postmortems.json")).unwrap()).unwrap();
    let crlf_json = pms.as_array().unwrap().iter().find(|p| p["id"] == "crlf").unwrap();
    assert_eq!(crlf_json["ttd_minutes"], 10.0);
    assert_eq!(crlf_json["started"], "2024-03-14T09:00:00Z", "no CR in values");
}

#[cfg(unix)]
#[test]
fn links_out_of_the_site_are_named_and_loops_do_not_hang() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.md"), COMPLETE).unwrap();
    let s = site("", &[("real.md", COMPLETE)]);
    let c = s.path().join("content");
    std::os::unix::fs::symlink(outside.path().join("secret.md"), c.join("leak.md")).unwrap();
    std::os::unix::fs::symlink(&c, c.join("loop")).unwrap();
    std::os::unix::fs::symlink(outside.path(), c.join("outside-dir")).unwrap();
    let r = s.run(&["check", "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let d = json_diags(&r.stdout);
    assert_eq!(d, [("W011".into(), "warning".into(), "content/leak.md".into(), 1)]);
    assert!(r.stdout.contains("out of the site; not read"));
}

#[cfg(unix)]
#[test]
fn theme_files_and_the_content_folder_that_link_out_of_the_site_are_never_read() {
    use std::os::unix::fs::symlink;
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("environ"), "CI_TOKEN=s3cr3t-token").unwrap();
    std::fs::write(
        outside.path().join("base.html"),
        "<html><body>LEAKED-TEMPLATE {% block content %}{% endblock content %}</body></html>",
    )
    .unwrap();
    std::fs::create_dir_all(outside.path().join("static")).unwrap();
    std::fs::write(outside.path().join("static/style.css"), "/* LEAKED-DIR s3cr3t-token */").unwrap();
    let s = site("", &[("real.md", COMPLETE)]);
    let theme = s.path().join("themes/default");
    std::fs::create_dir_all(theme.join("templates")).unwrap();
    std::fs::create_dir_all(theme.join("static")).unwrap();
    // a static file, a template and a whole folder that lead out
    symlink("/proc/self/environ", theme.join("static/env.txt")).unwrap();
    symlink(outside.path().join("environ"), theme.join("static/token.txt")).unwrap();
    symlink(outside.path().join("base.html"), theme.join("templates/base.html")).unwrap();
    // and a link inside the site is read as usual
    std::fs::write(s.path().join("extra.css"), "/* inside */").unwrap();
    symlink(s.path().join("extra.css"), theme.join("static/extra.css")).unwrap();
    let r = s.run(&["check", "--format", "json"]);
    let d = json_diags(&r.stdout);
    let named: Vec<&str> = d.iter().filter(|x| x.0 == "W011").map(|x| x.2.as_str()).collect();
    assert_eq!(
        named,
        ["themes/default/static/env.txt", "themes/default/static/token.txt", "themes/default/templates/base.html"],
        "{}",
        r.stdout
    );
    let r = s.run(&["build", "--today", "2024-06-01"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let out = s.path().join("public");
    assert!(!out.join("static/env.txt").exists() && !out.join("static/token.txt").exists());
    assert_eq!(std::fs::read_to_string(out.join("static/extra.css")).unwrap(), "/* inside */");
    for f in files(&out) {
        let text = String::from_utf8_lossy(&std::fs::read(&f).unwrap()).into_owned();
        assert!(!text.contains("s3cr3t") && !text.contains("LEAKED"), "{} leaks", f.display());
    }
    // a static folder that is a link out, and a content folder that is one
    std::fs::remove_dir_all(theme.join("static")).unwrap();
    symlink(outside.path().join("static"), theme.join("static")).unwrap();
    let content = s.path().join("content");
    std::fs::rename(&content, outside.path().join("content")).unwrap();
    symlink(outside.path().join("content"), &content).unwrap();
    let r = s.run(&["check", "--format", "json"]);
    let d = json_diags(&r.stdout);
    let named: Vec<&str> = d.iter().filter(|x| x.0 == "W011").map(|x| x.2.as_str()).collect();
    assert!(named.contains(&"content") && named.contains(&"themes/default/static"), "{named:?}");
    assert!(!d.iter().any(|x| x.2.ends_with("real.md")), "the linked content folder was read: {d:?}");
    let r = s.run(&["build", "--today", "2024-06-01"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    for f in files(&out) {
        let text = String::from_utf8_lossy(&std::fs::read(&f).unwrap()).into_owned();
        assert!(
            !text.contains("s3cr3t") && !text.contains("LEAKED") && !text.contains("Checkout failed"),
            "{}",
            f.display()
        );
    }
}

#[test]
fn a_base_url_that_names_another_host_is_refused_on_the_command_line_and_in_site_toml() {
    let s = site("", &[("real.md", COMPLETE)]);
    for bad in ["//evil.example/", "/\\evil.example/", "/\t/evil.example/", "https://"] {
        let r = s.run(&["build", "--today", "2024-06-01", "--base-url", bad]);
        assert_eq!(r.code, 2, "{bad:?}: {r:?}");
        assert!(!s.path().join("public").exists());
        std::fs::write(s.path().join("site.toml"), format!("base_url = {:?}\n", bad)).unwrap();
        let r = s.run(&["check", "--format", "json"]);
        assert_eq!(r.code, 2, "{bad:?}: {r:?}");
        assert_eq!(json_diags(&r.stdout)[0].0, "C004");
    }
}

#[test]
fn many_duplicates_are_reported_once_per_place_in_a_report_that_grows_linearly() {
    // 3,000 action items sharing one id, in 30 files
    let mut files = Vec::new();
    for f in 0..30 {
        let mut text = String::from("---\ntitle: Dup\nseverity: SEV4\naction_items:\n");
        for _ in 0..100 {
            text.push_str("  - id: SAME-1\n    title: x\n");
        }
        text.push_str("---\n");
        files.push((format!("dup-{f:02}.md"), text));
    }
    // and 40 postmortems with one id
    for f in 0..40 {
        files.push((format!("same-{f:02}.md"), "---\nid: one-id\ntitle: Same\nseverity: SEV4\n---\n".to_string()));
    }
    let refs: Vec<(&str, &str)> = files.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    let s = site("", &refs);
    let started = Instant::now();
    let r = s.run(&["check", "--format", "json"]);
    assert!(started.elapsed() < Duration::from_secs(20), "{:?}", started.elapsed());
    assert_eq!(r.code, 1);
    let d = json_diags(&r.stdout);
    assert_eq!(d.iter().filter(|x| x.0 == "E018").count(), 3000);
    assert_eq!(d.iter().filter(|x| x.0 == "E017").count(), 40);
    // each message names one other place and the count, not all of them
    assert!(r.stdout.len() < 3_000_000, "{} bytes of report", r.stdout.len());
    assert!(r.stdout.contains("first used by content/dup-00.md:"), "names the first place");
    assert!(r.stdout.contains("(3000 places in all)") && r.stdout.contains("(40 files in all)"));
}

#[test]
fn thousands_of_unknown_related_ids_are_reported_quickly_with_suggestions() {
    let mut files = Vec::new();
    for i in 0..2000 {
        files.push((
            format!("2024-01-01-incident-{i:04}.md"),
            format!("---\ntitle: I{i}\nseverity: SEV4\nrelated: [2024-01-01-incidnet-{i:04}]\n---\n"),
        ));
    }
    let mut many = String::from("---\ntitle: Many\nseverity: SEV4\nrelated:\n");
    for i in 0..30_000 {
        many.push_str(&format!("  - unknown-{i}\n"));
    }
    many.push_str("---\n");
    files.push(("many.md".into(), many));
    let refs: Vec<(&str, &str)> = files.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    let s = site("", &refs);
    let started = Instant::now();
    let r = s.run(&["check", "--format", "json"]);
    assert!(started.elapsed() < Duration::from_secs(20), "{:?}", started.elapsed());
    let d = json_diags(&r.stdout);
    assert_eq!(d.iter().filter(|x| x.0 == "E019").count(), 32_000);
    assert!(r.stdout.contains("did you mean `2024-01-01-incident-0007`?"), "typos still get suggestions");
}

#[test]
fn check_links_is_linear_in_links_and_footnotes_are_not_links() {
    let mut body = String::from("A runbook note.[^rb]\n\n[^rb]: see the runbook.\n\n");
    for i in 0..40_000 {
        body.push_str(&format!("[x](../nowhere-{i}/) "));
        body.push_str(&format!("y[^f{i}]\n\n[^f{i}]: note {i}\n\n"));
    }
    let text = format!("---\ntitle: Links\nseverity: SEV4\n---\n{body}");
    let s = site("", &[("links.md", &text)]);
    let started = Instant::now();
    let r = s.run(&["check", "--links", "--format", "json"]);
    assert!(started.elapsed() < Duration::from_secs(20), "{:?}", started.elapsed());
    let d = json_diags(&r.stdout);
    let broken: Vec<_> = d.iter().filter(|x| x.0 == "W012").collect();
    assert_eq!(broken.len(), 40_000, "each broken link once, no footnote among them");
    assert!(!r.stdout.contains("`rb`") && !r.stdout.contains("`f1`"), "a footnote reported as a link");
    // lines are right: the last link is on its own line of the file
    let last_line = text.lines().position(|l| l.contains("nowhere-39999")).unwrap() + 1;
    assert_eq!(broken.last().unwrap().3 as usize, last_line);
    // and 40,000 links on one line: columns counted onward too
    let line: Vec<String> = (0..40_000).map(|i| format!("[x](../gone-{i}/)")).collect();
    let line = line.join(" ");
    let text = format!("---\ntitle: Links\nseverity: SEV4\n---\n{line}\n");
    std::fs::write(s.path().join("content/links.md"), &text).unwrap();
    let started = Instant::now();
    let r = s.run(&["check", "--links", "--format", "json"]);
    assert!(started.elapsed() < Duration::from_secs(20), "{:?}", started.elapsed());
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let last = v.as_array().unwrap().iter().rfind(|d| d["code"] == "W012").unwrap().clone();
    let col = line.find("[x](../gone-39999/)").unwrap() + 1;
    assert_eq!((last["line"].as_u64(), last["column"].as_u64()), (Some(5), Some(col as u64)));
}

#[test]
fn starts_millennia_apart_are_flagged_and_make_no_empty_quarters_between() {
    let at = |y: &str| COMPLETE.replace("2024-03-14T", &format!("{y}-03-14T"));
    let (a, b, c) = (at("0001"), at("2024"), at("9999"));
    let s = site("", &[("a.md", &a), ("b.md", &b), ("b2.md", &b), ("c.md", &c)]);
    let r = s.run(&["check", "--format", "json"]);
    let d = json_diags(&r.stdout);
    let far: Vec<_> = d.iter().filter(|x| x.0 == "W015").map(|x| (x.2.as_str(), x.3)).collect();
    assert_eq!(far, [("content/a.md", 10), ("content/c.md", 10)], "{}", r.stdout);
    let started = Instant::now();
    let r = s.run(&["build", "--today", "2025-01-01"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(started.elapsed() < Duration::from_secs(10));
    let quarters = std::fs::read_dir(s.path().join("public/quarters")).unwrap().count();
    assert!(quarters < 10, "{quarters} quarter folders");
    let trends = std::fs::metadata(s.path().join("public/trends/index.html")).unwrap().len();
    assert!(trends < 500_000, "trends page {trends} bytes");
}

#[test]
fn ids_that_are_names_of_site_pages_are_errors_not_broken_builds() {
    let by_key = COMPLETE.replace("title: Checkout failed", "id: index.html\ntitle: Checkout failed");
    for (name, text, line) in [("a.md", by_key.as_str(), 2), ("index.html.md", COMPLETE, 1)] {
        let s = site("", &[(name, text)]);
        let r = s.run(&["check", "--format", "json"]);
        assert_eq!(r.code, 1, "{name}: {r:?}");
        assert!(json_diags(&r.stdout).contains(&("E020".into(), "error".into(), format!("content/{name}"), line)));
        let r = s.run(&["build", "--today", "2024-06-01"]);
        assert_eq!(r.code, 1, "{name}: {r:?}");
        assert!(r.stderr.contains("E020") && !r.stderr.contains("Is a directory"), "{}", r.stderr);
    }
}

#[test]
fn a_deadline_past_the_calendar_is_a_configuration_error_not_a_panic() {
    let s = site("[completeness]\ndue_within_days = { SEV1 = 300000000 }\n", &[("a.md", COMPLETE)]);
    for cmd in ["check", "build"] {
        let r = s.run(&[cmd]);
        assert_eq!(r.code, 2, "{r:?}");
        assert!(r.stderr.contains("C004") && r.stderr.contains("site.toml:2"), "{}", r.stderr);
    }
}

#[test]
fn the_feed_is_updated_at_the_latest_instant_whatever_the_offsets() {
    let a = COMPLETE.replace("resolved: 2024-03-14T12:00:00Z", "resolved: 2024-03-14T23:00:00-05:00");
    let b = COMPLETE.replace("resolved: 2024-03-14T12:00:00Z", "resolved: 2024-03-14T23:30:00Z");
    let s = site("", &[("a.md", &a), ("b.md", &b)]);
    assert_eq!(s.run(&["build", "--today", "2024-06-01"]).code, 0);
    let feed = std::fs::read_to_string(s.path().join("public/feed.xml")).unwrap();
    // 23:00 at -05:00 is 04:00 the next day in UTC: later than 23:30Z
    assert!(feed.contains("  <updated>2024-03-14T23:00:00-05:00</updated>\n"), "{feed}");
}

#[test]
fn areas_in_any_script_get_pages_of_their_own_and_distinct_names_never_merge() {
    let with = |area: &str, n: usize| {
        COMPLETE
            .replace("area: payments", &format!("area: \"{area}\""))
            .replace("Checkout failed", &format!("Incident {n}"))
    };
    let names = ["Платежи", "Поиск", "決済", "payments", "payments!", "Payments"];
    let files: Vec<(String, String)> =
        names.iter().enumerate().map(|(i, a)| (format!("p{i}.md"), with(a, i))).collect();
    let refs: Vec<(&str, &str)> = files.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    let s = site("", &refs);
    let r = s.run(&["build", "--today", "2024-06-01"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let out = s.path().join("public");
    let mut pages: Vec<String> = std::fs::read_dir(out.join("areas"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "index.html")
        .collect();
    pages.sort();
    // Payments and payments share a page; payments! has its own
    assert_eq!(pages.len(), 5, "{pages:?}");
    assert!(pages.contains(&"платежи".to_string()) && pages.contains(&"決済".to_string()), "{pages:?}");
    let index = std::fs::read_to_string(out.join("areas/index.html")).unwrap();
    assert!(
        index.contains("href=\"../areas/%D0%BF%D0%BB%D0%B0%D1%82%D0%B5%D0%B6%D0%B8/index.html\""),
        "links are percent-encoded"
    );
    // retro new with titles in another script, twice a day
    for title in ["Платежи упали", "Поиск медленный"] {
        let r = retro_env(s.path(), &["new", title], &[("SOURCE_DATE_EPOCH", "1733100000")]);
        assert_eq!(r.code, 0, "{title}: {r:?}");
    }
    let r = s.run(&["check", "--format", "json"]);
    assert!(!r.stdout.contains("E017") && !r.stdout.contains("E020"), "{}", r.stdout);
}
