//! The rendered site: every page of FORMAT.md section 6, links that
//! resolve, nothing from other hosts, charts that agree with metrics.json,
//! theme overrides and sub-path publishing.

use crate::common::*;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn build(root: &Path, extra: &[&str]) -> (tempfile::TempDir, PathBuf) {
    let o = tempfile::tempdir().unwrap();
    let out = o.path().join("public");
    let mut args = vec!["build", "--output", out.to_str().unwrap(), "--today", "2026-11-22"];
    args.extend_from_slice(extra);
    let r = retro(root, &args);
    assert_eq!(r.code, 0, "{}", r.stderr);
    (o, out)
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// Every value of `attr="…"` in `html`.
fn attrs<'a>(html: &'a str, attr: &str) -> Vec<&'a str> {
    let needle = format!(" {attr}=\"");
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find(&needle) {
        rest = &rest[i + needle.len()..];
        if let Some(end) = rest.find('"') {
            out.push(&rest[..end]);
            rest = &rest[end..];
        }
    }
    out
}

fn unescape(s: &str) -> String {
    s.replace("&amp;", "&").replace("&#x27;", "'").replace("&quot;", "\"")
}

/// Asserts that every internal href and src of every page resolves to a
/// file of the output: for a site published under `base`, or, with
/// `base` `None`, links relative to each page (the default).
fn assert_links_resolve(out: &Path, base: Option<&str>) -> usize {
    let mut checked = 0;
    let root = out.canonicalize().unwrap();
    for f in files(out).iter().filter(|p| p.extension().is_some_and(|x| x == "html")) {
        let html = read(f);
        let is_404 = f.file_name().is_some_and(|n| n == "404.html");
        for url in attrs(&html, "href").into_iter().chain(attrs(&html, "src")) {
            let url = unescape(url);
            if url.starts_with("http://")
                || url.starts_with("https://")
                || url.starts_with("mailto:")
                || url.starts_with('#')
            {
                continue;
            }
            let path = url.split('#').next().unwrap();
            let mut target = match base {
                Some(base) => out.join(
                    path.strip_prefix(base)
                        .unwrap_or_else(|| panic!("{}: link {url} is not under {base}", f.display())),
                ),
                // the 404 page is served at any depth: its links stay absolute
                None if is_404 => out.join(path.trim_start_matches('/')),
                None => {
                    assert!(!path.starts_with('/'), "{}: link {url} is not relative", f.display());
                    f.parent().unwrap().join(path)
                }
            };
            if path.is_empty() || path.ends_with('/') {
                target = target.join("index.html");
            }
            assert!(target.is_file(), "{}: broken link {url}", f.display());
            assert!(target.canonicalize().unwrap().starts_with(&root), "{}: {url} leaves the site", f.display());
            checked += 1;
        }
    }
    checked
}

fn example() -> (tempfile::TempDir, PathBuf) {
    build(&repo_root(), &[])
}

#[test]
fn every_page_of_the_site_map_exists() {
    let (_o, out) = example();
    for p in [
        "index.html",
        "postmortems/index.html",
        "postmortems/2024-10-03-checkout-pool-exhausted/index.html",
        "action-items/index.html",
        "action-items/closed/index.html",
        "action-items/owners/index.html",
        "action-items/areas/index.html",
        "action-items/kinds/index.html",
        "action-items/statuses/index.html",
        "trends/index.html",
        "trends/years/index.html",
        "quarters/index.html",
        "quarters/2025-Q1/index.html",
        "areas/index.html",
        "areas/payments/index.html",
        "tags/index.html",
        "tags/certificates/index.html",
        "feed.xml",
        "sitemap.xml",
        "404.html",
        "api/postmortems.json",
        "api/action-items.json",
        "api/metrics.json",
        "api/postmortems.csv",
        "api/action-items.csv",
        "search-index.json",
        "static/style.css",
    ] {
        assert!(out.join(p).is_file(), "missing {p}");
    }
    let m: Value = serde_json::from_str(&read(&out.join("api/metrics.json"))).unwrap();
    for q in m["quarters"].as_array().unwrap() {
        let q = q["quarter"].as_str().unwrap();
        assert!(out.join(format!("quarters/{q}/index.html")).is_file(), "quarter page {q}");
    }
    let pms: Value = serde_json::from_str(&read(&out.join("api/postmortems.json"))).unwrap();
    for p in pms.as_array().unwrap() {
        let id = p["id"].as_str().unwrap();
        assert!(out.join(format!("postmortems/{id}/index.html")).is_file(), "postmortem page {id}");
    }
}

#[test]
fn every_internal_link_resolves() {
    let (_o, out) = example();
    let n = assert_links_resolve(&out, None);
    assert!(n > 500, "only {n} links checked");
}

#[test]
fn links_honour_a_base_url_sub_path() {
    let (_o, out) = build(&repo_root(), &["--base-url", "/handbook/"]);
    let n = assert_links_resolve(&out, Some("/handbook/"));
    assert!(n > 500);
    let home = read(&out.join("index.html"));
    assert!(home.contains("href=\"/handbook/static/style.css\""));
    assert!(!home.contains("href=\"/postmortems/"), "an absolute link ignores the base");
}

#[test]
fn nothing_is_loaded_from_another_host() {
    let (_o, out) = example();
    for f in files(&out).iter().filter(|p| p.extension().is_some_and(|x| x == "html" || x == "css")) {
        let text = read(f);
        for src in attrs(&text, "src") {
            assert!(!src.contains("//"), "{}: loads {src}", f.display());
        }
        for tag in text.split("<link ").skip(1) {
            let href = attrs(&format!(" {tag}"), "href").first().map(|s| s.to_string()).unwrap_or_default();
            assert!(!href.contains("//"), "{}: links {href}", f.display());
        }
        assert!(!text.contains("@import"), "{}", f.display());
        assert!(!text.contains("url(http"), "{}", f.display());
    }
}

#[test]
fn pages_have_one_h1_a_title_a_language_and_labelled_charts() {
    let (_o, out) = example();
    for f in files(&out).iter().filter(|p| p.extension().is_some_and(|x| x == "html")) {
        let html = read(f);
        assert!(html.contains("<html lang=\"en\">"), "{}", f.display());
        assert_eq!(html.matches("<h1").count(), 1, "{}", f.display());
        assert!(html.contains("<title>") && !html.contains("<title></title>"), "{}", f.display());
        assert_eq!(
            html.matches("<svg").count(),
            html.matches("<svg role=\"img\" aria-labelledby=").count(),
            "{}",
            f.display()
        );
        assert!(!html.contains("<table>") || html.contains("<th"), "{}", f.display());
        for img in html.split("<img ").skip(1) {
            let tag = &img[..img.find('>').unwrap_or(img.len())];
            assert!(tag.contains("alt="), "{}: an image without alt text", f.display());
        }
        assert!(
            html.contains("<main") && html.contains("<nav") && html.contains("<header") && html.contains("<footer"),
            "{}: landmarks",
            f.display()
        );
    }
}

#[test]
fn trends_show_every_chart_with_its_table() {
    let (_o, out) = example();
    let html = read(&out.join("trends/index.html"));
    for id in [
        "chart-severity",
        "chart-sev1",
        "chart-ttd",
        "chart-ttm",
        "chart-ttr",
        "chart-undetected",
        "chart-area",
        "chart-items",
    ] {
        assert!(html.contains(&format!("id=\"{id}\"")), "missing {id}");
    }
    assert_eq!(html.matches("<svg").count(), 8);
    assert!(html.matches("<table>").count() >= 8);
    assert!(html.contains("TTD = detected − started"));
    assert!(html.contains("too few"), "quarters below min_sample are marked");
}

/// The chart descriptions carry the plotted numbers: they must be the
/// numbers of metrics.json.
#[test]
fn chart_numbers_equal_metrics_json() {
    let (_o, out) = example();
    let m: Value = serde_json::from_str(&read(&out.join("api/metrics.json"))).unwrap();
    let html = read(&out.join("trends/index.html"));
    let desc = |id: &str| -> String {
        let start = html.find(&format!("<desc id=\"{id}-desc\">")).unwrap();
        let rest = &html[start..];
        rest[rest.find('>').unwrap() + 1..rest.find("</desc>").unwrap()].to_string()
    };
    let sev = desc("chart-severity");
    let items = desc("chart-items");
    let ttd = desc("chart-ttd");
    for q in m["quarters"].as_array().unwrap() {
        let name = q["quarter"].as_str().unwrap();
        let bs = q["by_severity"].as_object().unwrap();
        let parts: Vec<String> = bs.iter().map(|(k, v)| format!("{k} {}", v.as_u64().unwrap())).collect();
        assert!(sev.contains(&format!("{name}: {}", parts.join(", "))), "{name} in {sev}");
        let ai = &q["action_items"];
        let expected = format!(
            "{name}: opened {}, closed {}, open at quarter end {}",
            ai["opened"], ai["closed"], ai["open_at_end"]
        );
        assert!(items.contains(&expected), "{expected} in {items}");
        let n = q["incidents"].as_u64().unwrap();
        assert!(ttd.contains(&format!("{name}: {n} incidents")), "{name} in {ttd}");
    }
}

#[test]
fn a_site_theme_overrides_templates_and_static_files_by_name() {
    let s = fixture_copy("metrics");
    let t = s.path().join("themes/default");
    std::fs::create_dir_all(t.join("templates")).unwrap();
    std::fs::create_dir_all(t.join("static")).unwrap();
    std::fs::write(
        t.join("templates/404.html"),
        "{% extends \"base.html\" %}{% block content %}<h1>Lost in {{ site.title }}</h1>{% endblock content %}",
    )
    .unwrap();
    std::fs::write(t.join("static/style.css"), "body { color: rebeccapurple }").unwrap();
    std::fs::write(t.join("static/extra.txt"), "mine").unwrap();
    let (_o, out) = build(s.path(), &[]);
    assert!(read(&out.join("404.html")).contains("<h1>Lost in Hand-computed metrics</h1>"));
    assert_eq!(read(&out.join("static/style.css")), "body { color: rebeccapurple }");
    assert_eq!(read(&out.join("static/extra.txt")), "mine");
    // untouched templates are the built-in ones
    assert!(read(&out.join("trends/index.html")).contains("chart-severity"));

    // a build with this home-page template
    let build_with_index = |template: &str| {
        std::fs::write(t.join("templates/index.html"), template).unwrap();
        s.run(&["build"])
    };
    let r = build_with_index("{% extends \"base.html\" %}{% block content %}{{ nope.x }}{% endblock content %}");
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("error[T001]"), "{}", r.stderr);
    // like a compiler: the template, line and column, the line itself
    assert!(r.stderr.contains("--> themes/default/templates/index.html:1:48"), "{}", r.stderr);
    assert!(r.stderr.contains("{{ nope.x }}"), "{}", r.stderr);

    // a syntax error is found before anything renders, with its place
    let r = build_with_index(
        "{% extends \"base.html\" %}\n{% block content %}\n<h1>{{ site.title </h1>\n{% endblock content %}",
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("--> themes/default/templates/index.html:3:"), "{}", r.stderr);
    assert!(r.stderr.contains("<h1>{{ site.title </h1>"), "{}", r.stderr);
}

#[test]
fn a_theme_that_iterates_a_map_renders_it_in_the_same_order_every_build() {
    // Tera's maps keep the order the fields were written in; with a
    // hash-ordered map every process would print them in another order
    let s = fixture_copy("metrics");
    let t = s.path().join("themes/default/templates");
    std::fs::create_dir_all(&t).unwrap();
    std::fs::write(
        t.join("404.html"),
        "{% extends \"base.html\" %}{% block content %}{% for k, v in site %}{{ k }};{% endfor %}\
         {% for k, v in page %}{{ k }};{% endfor %}{% endblock content %}",
    )
    .unwrap();
    let (_a, x) = build(s.path(), &[]);
    let first = read(&x.join("404.html"));
    assert!(first.contains("title;base;"), "{first}");
    for _ in 0..4 {
        let (_b, y) = build(s.path(), &[]);
        assert_eq!(read(&y.join("404.html")), first);
    }
}

#[test]
fn html_output_is_byte_identical_between_builds() {
    let (_a, x) = example();
    let (_b, y) = example();
    let fx: BTreeSet<PathBuf> = files(&x).into_iter().map(|p| p.strip_prefix(&x).unwrap().to_path_buf()).collect();
    let fy: BTreeSet<PathBuf> = files(&y).into_iter().map(|p| p.strip_prefix(&y).unwrap().to_path_buf()).collect();
    assert_eq!(fx, fy);
    for f in &fx {
        assert!(std::fs::read(x.join(f)).unwrap() == std::fs::read(y.join(f)).unwrap(), "{} differs", f.display());
    }
}

#[test]
fn postmortem_page_shows_facts_timeline_whys_questions_items_and_related() {
    let (_o, out) = example();
    let html = read(&out.join("postmortems/2024-10-03-checkout-pool-exhausted/index.html"));
    for needle in [
        "<span class=\"badge sev-1\">SEV1</span>",
        "detected after 38 min",
        "mitigated after 47 min",
        "class=\"lifecycle\"",
        "class=\"seg undetected\"",
        "<ol class=\"whys\">",
        "How can we prevent this problem from happening again?",
        "CHK-101",
        "href=\"../../postmortems/2024-07-09-card-declines-certificate-expiry/index.html\"",
        "Every completeness check passes.",
    ] {
        assert!(html.contains(needle), "missing {needle}");
    }
    // related both ways: the card-declines page links back
    let other = read(&out.join("postmortems/2024-07-09-card-declines-certificate-expiry/index.html"));
    assert!(other.contains("href=\"../../postmortems/2024-10-03-checkout-pool-exhausted/index.html\""));
}

#[test]
fn feed_is_atom_of_final_postmortems_only() {
    let (_o, out) = example();
    let feed = read(&out.join("feed.xml"));
    assert!(
        feed.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">")
    );
    assert!(feed.contains("2024-10-03-checkout-pool-exhausted"));
    assert!(!feed.contains("2026-10-28-node-pool-upgrade-evictions"), "drafts are not in the feed");
    assert_eq!(feed.matches("<entry>").count(), feed.matches("</entry>").count());
    let sitemap = read(&out.join("sitemap.xml"));
    assert!(sitemap.contains("<loc>/trends/</loc>"));
}

#[test]
fn search_index_is_compact() {
    let (_o, out) = example();
    let idx: Value = serde_json::from_str(&read(&out.join("search-index.json"))).unwrap();
    let n = idx.as_array().unwrap().len();
    assert_eq!(n, 22);
    let size = std::fs::metadata(out.join("search-index.json")).unwrap().len() as usize;
    assert!(size / n < 600, "{} bytes per postmortem", size / n);
}

/// A quarter without incidents has no undetected share: "—" on its page,
/// `null` in the export, never a share of 0 %.
#[test]
fn a_quarter_without_incidents_has_no_undetected_share() {
    let incident = |day: &str| {
        format!(
            "---\ntitle: On {day}\nseverity: SEV2\nstatus: draft\ntimeline:\n  started: {day}T10:00:00Z\n  detected: {day}T10:10:00Z\n  mitigated: {day}T10:40:00Z\n---\nBody.\n"
        )
    };
    let s = TestSite::with_config("title = \"Gap\"\n")
        .postmortem("a.md", &incident("2024-01-10"))
        .postmortem("b.md", &incident("2024-10-05"));
    let (_o, out) = build(s.path(), &[]);
    let metrics: Value = serde_json::from_str(&read(&out.join("api/metrics.json"))).unwrap();
    let shares: Vec<&Value> = metrics["quarters"].as_array().unwrap().iter().map(|q| &q["undetected_share"]).collect();
    // 10 of 40 minutes nobody knew, in 2024-Q1 and Q4; none in Q2 and Q3,
    // nor in the empty quarters up to today's (2026-Q4)
    assert_eq!(shares[..4], [&Value::from(0.25), &Value::Null, &Value::Null, &Value::from(0.25)]);
    assert_eq!(shares.len(), 12);
    assert!(shares[4..].iter().all(|s| s.is_null()));
    let q2 = read(&out.join("quarters/2024-Q2/index.html"));
    let figure = &q2[q2.find("<dt>Undetected share</dt>").unwrap()..];
    assert!(figure.contains("<dd class=\"value\">— "), "{}", &figure[..120]);
}

/// `n` SEV3 incidents on the given day, and one SEV1 when `sev1` names it.
fn incidents_on(mut s: TestSite, day: &str, n: usize, sev1: Option<&str>) -> TestSite {
    for k in 0..n {
        let (sev, title) = match (k, sev1) {
            (0, Some(t)) => ("SEV1", t.to_string()),
            _ => ("SEV3", format!("Incident {k} on {day}")),
        };
        s = s.postmortem(
            &format!("{day}-{k}.md"),
            &format!(
                "---\ntitle: {title}\nseverity: {sev}\nstatus: draft\ntimeline:\n  started: {day}T10:{k:02}:00Z\n  mitigated: {day}T11:{k:02}:00Z\n---\nBody.\n"
            ),
        );
    }
    s
}

/// The text of the home page's headline, without tags.
fn headline(out: &Path) -> String {
    let home = read(&out.join("index.html"));
    let lead = &home[home.find("<p class=\"lead\">").unwrap()..];
    let lead = &lead[..lead.find("</p>").unwrap()];
    let mut text = String::new();
    let mut tag = false;
    for c in lead.chars() {
        match c {
            '<' => tag = true,
            '>' => tag = false,
            c if !tag => text.push(c),
            _ => {}
        }
    }
    text.replace("&#x27;", "'")
}

/// By hand: 12 incidents against 2 gives p = 2·P(X ≤ 2 | 14, ½) =
/// 2·106/16384 = 0.013, a change; 9 against 3 gives 2·299/4096 = 0.15, none.
#[test]
fn the_home_headline_claims_a_change_only_where_the_test_finds_one() {
    let s = TestSite::with_config("title = \"Story\"\n");
    let s = incidents_on(s, "2026-05-04", 2, None);
    let s = incidents_on(s, "2026-08-03", 12, None);
    let s = incidents_on(s, "2026-10-05", 2, Some("Card payments declined"));
    let (_o, out) = build(s.path(), &[]);
    let text = headline(&out);
    assert!(
        text.starts_with("2026-Q4 so far (to 2026-11-22): 2 incidents, 1 SEV1 (Card payments declined). 2026-Q3: 12 incidents, no SEV1. More incidents than 2026-Q2 (2 incidents): unlikely to be chance (exact binomial test, p = 0.013)."),
        "{text}"
    );
    assert!(text.contains("Time to mitigate in 2026 so far: median 1 h (95 % CI 1 h–1 h), n = 16."), "{text}");
    let home = read(&out.join("index.html"));
    assert!(home.contains("Last finished quarter: <a href=\"quarters/2026-Q3/index.html\">2026-Q3</a>"));
    let figure = &home[home.find("<dt>Incidents</dt>").unwrap()..];
    let figure = &figure[..figure.find("</div>").unwrap()];
    assert!(figure.contains("↑</span> +500%") && figure.contains("p = 0.013"), "{figure}");

    let s = TestSite::with_config("title = \"Story\"\n");
    let s = incidents_on(s, "2026-05-04", 3, None);
    let s = incidents_on(s, "2026-08-03", 9, None);
    let (_o, out) = build(s.path(), &[]);
    let text = headline(&out);
    assert!(
        text.contains("2026-Q3: 9 incidents, no SEV1. No detectable change in the number of incidents from 2026-Q2 (3 incidents); exact binomial test, p = 0.15."),
        "{text}"
    );
    assert!(
        text.starts_with("2026-Q4 so far (to 2026-11-22): no incidents. The last incident started on 2026-08-03"),
        "{text}"
    );
    let home = read(&out.join("index.html"));
    let figure = &home[home.find("<dt>Incidents</dt>").unwrap()..];
    let figure = &figure[..figure.find("</div>").unwrap()];
    assert!(!figure.contains("class=\"arrow\"") && figure.contains("no detectable change"), "{figure}");
}

/// With a few incidents a quarter the navigation leads to the trends by
/// year; with enough it leads to the trends by quarter. Both views exist.
#[test]
fn the_trends_default_to_years_when_most_quarters_have_too_few_incidents() {
    let (_o, out) = example();
    let home = read(&out.join("index.html"));
    assert!(home.contains("<a href=\"trends/years/index.html\""), "21 incidents over 10 quarters: years");
    let years = read(&out.join("trends/years/index.html"));
    assert!(years.contains("<h1>Trends by year</h1>") && years.contains("<span aria-current=\"page\">By year</span>"));
    assert!(years.contains("2026 <span class=\"few-label\">so far</span>"), "today's year is marked");
    let s = TestSite::with_config("title = \"Busy\"\nmin_sample = 2\n");
    let s = incidents_on(s, "2026-05-04", 2, None);
    let s = incidents_on(s, "2026-08-03", 2, None);
    let s = incidents_on(s, "2026-10-05", 2, None);
    let (_o, out) = build(s.path(), &[]);
    let home = read(&out.join("index.html"));
    assert!(home.contains("<a href=\"trends/index.html\""), "two incidents in each of three quarters: quarters");
    assert!(!home.contains("/trends/years/"));
}

/// A list of 1,001 postmortems is two pages: the newest 1,000, then the
/// oldest one, each linking to the other; no page of the list repeats a row.
#[test]
fn the_list_of_postmortems_is_split_into_pages_of_a_thousand() {
    let mut s = TestSite::with_config("title = \"Many\"\n");
    for k in 0..1001 {
        let day = chrono::NaiveDate::from_ymd_opt(2020, 1, 1).unwrap() + chrono::Duration::days(k);
        s = s.postmortem(
            &format!("p{k:04}.md"),
            &format!(
                "---\ntitle: Number {k}\nseverity: SEV3\nstatus: draft\ntimeline:\n  started: {day}T10:00:00Z\n---\n"
            ),
        );
    }
    let (_o, out) = build(s.path(), &[]);
    let first = read(&out.join("postmortems/index.html"));
    let second = read(&out.join("postmortems/page/2/index.html"));
    assert!(first.contains("<h1>All postmortems, page 1 of 2</h1>"));
    assert!(first.contains(">Number 1000<") && first.contains(">Number 1<") && !first.contains(">Number 0<"));
    assert!(second.contains(">Number 0<") && !second.contains(">Number 1<"));
    assert!(first.contains("<a href=\"../postmortems/page/2/index.html\">2</a>"));
    assert!(second.contains("<a href=\"../../../postmortems/index.html\">1</a>"));
    assert!(!out.join("postmortems/page/3").exists());
}

/// A draft says so at the top of its page, and a prompt left as `TODO`
/// reads "Not answered yet." like an empty one, wherever it is shown.
#[test]
fn drafts_carry_a_banner_and_placeholders_read_as_unanswered() {
    let s = TestSite::with_config("title = \"Drafts\"\n[policy]\nfinal_within_days = 14\n").postmortem(
        "2026-11-01-draft.md",
        "---\ntitle: Half written\nseverity: SEV3\nstatus: draft\nsummary: \"TODO: write it\"\nimpact: TBD\nroot_cause: TODO\nfive_whys:\n  - TODO\ntimeline:\n  started: 2026-11-01T10:00:00Z\n  mitigated: 2026-11-01T11:00:00Z\nquestions:\n  prevent: TODO\n  similar: Nothing like it elsewhere\n---\n",
    );
    let (_o, out) = build(s.path(), &[]);
    let page = read(&out.join("postmortems/2026-11-01-draft/index.html"));
    assert!(page.contains("<p class=\"banner\" role=\"note\"><strong>Draft</strong>: this postmortem is not final yet"));
    assert!(page.contains("By the team's policy it was due final on 2026-11-15."), "built on 2026-11-22");
    let main = &page[page.find("<main").unwrap()..page.find("aria-labelledby=\"r-completeness\"").unwrap()];
    assert!(!main.contains("TODO") && !main.contains("TBD"), "a placeholder is shown as written");
    // summary, impact, the whys, the root cause, and three of the questions
    // (one a placeholder, two not written)
    assert_eq!(main.matches("Not answered yet.").count(), 7, "{main}");
    assert!(main.contains("Nothing like it elsewhere"));
    let list = read(&out.join("postmortems/index.html"));
    assert!(!list.contains("TODO: write it"));
}
