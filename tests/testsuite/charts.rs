//! Charts on real data: a site of forty quarters with zero to two
//! incidents each (a small team over ten years) draws every chart so that
//! no two quarter labels overlap, value labels are unique, and legends sit
//! outside the plot. Checked from the SVG the pages carry.

use crate::common::*;
use std::path::Path;

/// Forty quarters, 2017-Q1 to 2026-Q4, with 0, 1 or 2 incidents each, in
/// thirteen areas and every severity; times to detect include zero.
fn forty_quarters() -> TestSite {
    let mut s = TestSite::with_config("title = \"Ten years\"\n");
    let areas = [
        "payments", "checkout", "search", "auth", "infra", "mobile", "catalog", "shipping", "recs", "data", "support",
        "billing", "email",
    ];
    let mut k = 0;
    for q in 0..40 {
        let (year, month) = (2017 + q / 4, (q % 4) * 3 + 1);
        for i in 0..((q * 7 + 1) % 3) {
            k += 1;
            let day = format!("{year}-{month:02}-{:02}", 3 + i * 9);
            let sev = ["SEV1", "SEV2", "SEV3", "SEV4"][k % 4];
            let ttd = [0, 4, 25, 180, 2000][k % 5];
            let (detected, mitigated) = (plus_minutes(&day, ttd), plus_minutes(&day, ttd + 45));
            let area = areas[k % areas.len()];
            s = s.postmortem(
                &format!("{day}-{i}.md"),
                &format!(
                    "---\ntitle: Incident {k}\nseverity: {sev}\nstatus: draft\narea: {area}\ntimeline:\n  started: {day}T10:00:00Z\n  detected: {detected}\n  mitigated: {mitigated}\naction_items:\n  - id: A-{k}\n    title: Fix {k}\n    owner: dana\n    due: {year}-12-31\n    status: open\n---\nBody.\n"
                ),
            );
        }
    }
    s
}

/// `day` at 10:00 UTC plus `m` minutes, as RFC 3339.
fn plus_minutes(day: &str, m: i64) -> String {
    let t = chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d").unwrap().and_hms_opt(10, 0, 0).unwrap()
        + chrono::Duration::minutes(m);
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// The value of attribute `name` in the tag `tag`.
fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let at = tag.find(&format!(" {name}=\""))? + name.len() + 3;
    tag[at..].split('"').next()
}

fn num(tag: &str, name: &str) -> f64 {
    attr(tag, name).and_then(|v| v.parse().ok()).unwrap_or_else(|| panic!("no {name} in {tag}"))
}

/// Every chart of the page: its id, plot bounds and the SVG.
fn charts(page: &str) -> Vec<(String, [f64; 4], String)> {
    page.split("<svg ")
        .skip(1)
        .filter(|s| s.contains("class=\"chart\""))
        .map(|s| {
            let svg = s[..s.find("</svg>").unwrap()].to_string();
            let head = &svg[..svg.find('>').unwrap()];
            let plot: Vec<f64> = attr(head, "data-plot").unwrap().split(' ').map(|v| v.parse().unwrap()).collect();
            (attr(head, "id").unwrap().to_string(), [plot[0], plot[1], plot[2], plot[3]], svg)
        })
        .collect()
}

/// (tag, text) of every `<text>` element.
fn texts(svg: &str) -> Vec<(String, String)> {
    svg.split("<text")
        .skip(1)
        .map(|t| {
            let (tag, rest) = t.split_once('>').unwrap();
            (tag.to_string(), rest.split('<').next().unwrap().trim().to_string())
        })
        .collect()
}

fn check_page(out: &Path, page: &str) -> usize {
    let html = std::fs::read_to_string(out.join(page)).unwrap();
    let all = charts(&html);
    for (id, [_, top, _, bottom], svg) in &all {
        let texts = texts(svg);
        // quarter labels: centred, below the plot, not rotated
        let mut x: Vec<(f64, f64, &str)> = texts
            .iter()
            .filter(|(tag, _)| attr(tag, "text-anchor") == Some("middle") && !tag.contains("rotate"))
            .filter(|(tag, _)| num(tag, "y") > *bottom)
            .map(|(tag, text)| {
                (num(tag, "x"), text.chars().count() as f64 * num(tag, "font-size") * 0.6, text.as_str())
            })
            .collect();
        x.sort_by(|a, b| a.0.total_cmp(&b.0));
        assert!(x.len() >= 2, "{page} {id}: {x:?}");
        for w in x.windows(2) {
            assert!(
                w[1].0 - w[0].0 >= (w[0].1 + w[1].1) / 2.0,
                "{page} {id}: labels {:?} and {:?} overlap",
                w[0],
                w[1]
            );
        }
        // value labels: right-aligned, each once
        let y: Vec<&str> =
            texts.iter().filter(|(tag, _)| attr(tag, "text-anchor") == Some("end")).map(|(_, t)| t.as_str()).collect();
        let mut unique = y.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), y.len(), "{page} {id}: {y:?}");
        // the legend, when there is one, lies above the plot
        if let Some(legend) = svg.split("<g class=\"legend\"").nth(1) {
            let legend = &legend[..legend.find("</g>").unwrap()];
            for el in legend.split('<').skip(1) {
                for name in ["y", "cy", "y1", "y2"] {
                    if let Some(v) = attr(el, name) {
                        let v: f64 = v.parse().unwrap();
                        assert!(v + 8.0 <= *top, "{page} {id}: a legend mark at y = {v}, the plot starts at {top}");
                    }
                }
            }
        }
    }
    all.len()
}

#[test]
fn every_chart_of_a_forty_quarter_site_has_labels_that_do_not_overlap_and_legends_outside_the_plot() {
    let s = forty_quarters();
    let out = tempfile::tempdir().unwrap();
    let o = out.path().join("public");
    let r = s.run(&["build", "--output", o.to_str().unwrap(), "--today", "2026-11-22"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let metrics: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(o.join("api/metrics.json")).unwrap()).unwrap();
    assert_eq!(metrics["quarters"].as_array().unwrap().len(), 40);
    let mut n = 0;
    for page in ["trends/index.html", "trends/years/index.html", "index.html", "quarters/2026-Q3/index.html"] {
        n += check_page(&o, page);
    }
    assert_eq!(n, 8 + 8 + 1 + 1, "every chart was checked");
}
