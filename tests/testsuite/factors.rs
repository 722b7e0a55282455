//! Contributing factors from the site's taxonomy, the factors page, and
//! near misses: counted apart from incidents, with fewer fields asked.

use crate::common::*;
use serde_json::Value;

/// An incident of `severity` started on `day` that lasted `minutes`, naming
/// `factors`.
fn incident(day: &str, severity: &str, minutes: u32, factors: &str) -> String {
    format!(
        "---\ntitle: Incident of {day}\nseverity: {severity}\nstatus: draft\narea: payments\nauthors: [dana]\n\
         summary: It broke.\nimpact: Some.\ntimeline:\n  started: {day}T10:00:00Z\n  detected: {day}T10:05:00Z\n  \
         mitigated: {day}T10:{minutes:02}:00Z\ncontributing_factors: {factors}\n---\n"
    )
}

/// A near miss found on `day`: no severity, impact or impact times.
fn near_miss(day: &str, factors: &str) -> String {
    format!(
        "---\ntitle: Near miss of {day}\nkind: near_miss\nstatus: draft\narea: payments\nauthors: [dana]\n\
         summary: A canary caught a bad config before it reached users.\ntimeline:\n  started: {day}T10:00:00Z\n\
         contributing_factors: {factors}\nlucky: The canary happened to run first.\n---\n"
    )
}

fn site_of(files: &[(&str, String)]) -> TestSite {
    files.iter().fold(TestSite::with_config("title = \"t\"\n"), |s, (name, text)| s.postmortem(name, text))
}

#[test]
fn near_misses_are_counted_apart_from_incidents_severities_and_times() {
    let s = site_of(&[
        ("a.md", incident("2025-01-10", "SEV1", 30, "[configuration push]")),
        ("b.md", incident("2025-02-10", "SEV2", 50, "[configuration push, monitoring gap]")),
        ("c.md", near_miss("2025-03-10", "[Configuration Push]")),
    ]);
    let out = s.path().join("public");
    let r = s.run(&["build", "--output", out.to_str().unwrap(), "--today", "2025-06-01"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let m: Value = serde_json::from_str(&std::fs::read_to_string(out.join("api/metrics.json")).unwrap()).unwrap();
    // by hand: incidents a and b (TTM 30 and 50 min, median 40); c apart
    assert_eq!((m["total"]["incidents"].as_u64(), m["total"]["near_misses"].as_u64()), (Some(2), Some(1)));
    assert_eq!(m["total"]["ttm_minutes"]["median"].as_f64(), Some(40.0));
    assert_eq!(m["total"]["by_severity"]["SEV1"], 1);
    assert_eq!(m["total"]["by_area"]["payments"], 2);
    let q1 = &m["quarters"][0];
    assert_eq!(
        (q1["quarter"].as_str(), q1["incidents"].as_u64(), q1["near_misses"].as_u64()),
        (Some("2025-Q1"), Some(2), Some(1))
    );
    let pms: Value = serde_json::from_str(&std::fs::read_to_string(out.join("api/postmortems.json")).unwrap()).unwrap();
    let c = &pms[2];
    assert_eq!((c["kind"].as_str(), c["severity"].clone()), (Some("near_miss"), Value::Null));
    // the taxonomy's spelling, whatever the case written
    assert_eq!(c["contributing_factors"], serde_json::json!(["configuration push"]));
    assert_eq!(c["lucky"], "The canary happened to run first.");
    // a near miss is not asked for severity, impact, detected or mitigated
    let problems: Vec<&str> =
        c["completeness"]["problems"].as_array().unwrap().iter().map(|p| p["message"].as_str().unwrap()).collect();
    assert!(
        !problems.iter().any(|p| p.contains("severity") || p.contains("impact") || p.contains("timeline")),
        "{problems:?}"
    );
    let csv = std::fs::read_to_string(out.join("api/postmortems.csv")).unwrap();
    assert!(csv.lines().next().unwrap().ends_with(",completeness_score,kind,contributing_factors"));
    assert!(csv.lines().nth(3).unwrap().ends_with(",near_miss,configuration push"), "{csv}");
    let home = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(home.contains("1 near miss."), "the home page counts them apart");
    let page = std::fs::read_to_string(out.join("postmortems/c/index.html")).unwrap();
    assert!(page.contains("near miss") && page.contains("Where we got lucky"));
}

#[test]
fn the_factors_page_ranks_factors_by_how_often_they_contributed_per_year() {
    let s = site_of(&[
        ("a.md", incident("2024-05-10", "SEV2", 30, "[configuration push]")),
        ("b.md", incident("2025-02-10", "SEV2", 50, "[configuration push, monitoring gap]")),
        ("c.md", near_miss("2025-03-10", "[configuration push]")),
        ("d.md", incident("2025-04-10", "SEV3", 20, "[]")),
        ("e.md", incident("2025-05-10", "SEV3", 20, "[unknown]")),
    ]);
    let out = s.path().join("public");
    let r = s.run(&["build", "--output", out.to_str().unwrap(), "--today", "2025-06-01"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let page = std::fs::read_to_string(out.join("contributing-factors/index.html")).unwrap();
    // 4 postmortems name a factor: configuration push 3 (1 in 2024, 2 in
    // 2025, one of them a near miss), monitoring gap 1 (2025, with
    // configuration push), unknown 1 (2025, alone)
    let row = |name: &str| {
        let at = page.find(&format!("#f-{}\">{name}</a>", name.replace(' ', "-"))).unwrap_or_else(|| panic!("{name}"));
        let tr = &page[at..];
        tr[..tr.find("</tr>").unwrap()].to_string()
    };
    let cells = |tr: &str| -> Vec<String> {
        tr.split("<td class=\"num\">")
            .skip(1)
            .map(|c| c[..c.find("</td>").unwrap()].replace("<strong>", "").replace("</strong>", ""))
            .collect()
    };
    assert_eq!(cells(&row("configuration push")), ["1", "2", "3", "75 %", "75 %"]);
    assert!(row("configuration push").contains("(1 near miss)"));
    // each postmortem once: b names both, so the cumulative share stays
    assert_eq!(cells(&row("monitoring gap")), ["0", "1", "1", "25 %", "75 %"]);
    assert_eq!(cells(&row("unknown")), ["0", "1", "1", "25 %", "100 %"]);
    assert!(page.find("configuration push").unwrap() < page.find("monitoring gap").unwrap(), "most frequent first");
    assert!(page.contains("1 names none and is not counted"), "the postmortem without factors is said, not counted");
    assert!(page.contains("Named by no postmortem: binary push"));
}

#[test]
fn an_unknown_factor_is_an_error_at_its_line_with_the_closest_one() {
    let s = site_of(&[("a.md", incident("2025-01-10", "SEV2", 30, "\n  - monitoring gap\n  - config push"))]);
    let r = s.run(&["check", "--format", "json"]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    let d: Value = serde_json::from_str(&r.stdout).unwrap();
    let e = d.as_array().unwrap().iter().find(|d| d["code"] == "E021").expect("E021");
    assert_eq!((e["line"].as_u64(), e["column"].as_u64()), (Some(15), Some(5)));
    assert_eq!(e["message"], "unknown contributing factor `config push`");
    assert!(e["hint"].as_str().unwrap().starts_with("did you mean `configuration push`?"), "{e}");
}

#[test]
fn a_factor_after_an_item_that_is_not_text_is_reported_at_its_own_line() {
    let text = "---\ntitle: y\nkind: near_miss\ncontributing_factors:\n  - {a: 1}\n  - network\n  - \"\"\n---\n";
    let r = site_of(&[("a.md", text.to_string())]).run(&["check", "--format", "json"]);
    let d: Value = serde_json::from_str(&r.stdout).unwrap();
    let at = |code: &str| d.as_array().unwrap().iter().find(|x| x["code"] == code).map(|x| x["line"].as_u64());
    assert_eq!((at("E007"), at("E021")), (Some(Some(5)), Some(Some(7))), "{d:#}");
}

#[test]
fn an_unknown_kind_does_not_also_ask_for_what_only_incidents_need() {
    let text = "---\ntitle: y\nkind: nearmiss\n---\n";
    let r = site_of(&[("a.md", text.to_string())]).run(&["check", "--format", "json"]);
    let d: Value = serde_json::from_str(&r.stdout).unwrap();
    let messages: Vec<&str> = d.as_array().unwrap().iter().map(|x| x["message"].as_str().unwrap()).collect();
    assert!(messages.iter().any(|m| m.contains("unknown kind `nearmiss`")), "{messages:?}");
    assert!(!messages.iter().any(|m| m.contains("severity") || m.contains("impact")), "{messages:?}");
    assert!(messages.iter().any(|m| m.contains("wait until it is fixed")), "{messages:?}");
}
