//! The action-item tracker for the people who own the items: a page and a
//! JSON file per owner, a page per area, days overdue.

use crate::common::*;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// The ids shown in the item table of `section` (`r-open`, `r-closed`) of
/// a page, and how many rows it has.
fn ids_in(html: &str, section: &str) -> (BTreeSet<String>, usize) {
    let start = html.find(&format!("aria-labelledby=\"{section}\"")).unwrap_or_else(|| panic!("no {section}"));
    let part = &html[start..];
    let part = &part[..part.find("</section>").unwrap()];
    let cells: Vec<&str> =
        part.split("<td class=\"item-title\">").skip(1).map(|cell| &cell[..cell.find("</td>").unwrap()]).collect();
    let ids = cells
        .iter()
        .filter_map(|cell| cell.split("<span class=\"muted\">").nth(1).map(|s| s[..s.find('<').unwrap()].to_string()))
        .collect();
    (ids, cells.len())
}

/// Each owner's page lists exactly that owner's open items, with days
/// overdue = today − due; its JSON holds the same items.
#[test]
fn every_owner_has_a_page_and_json_with_exactly_their_open_items() {
    let o = tempfile::tempdir().unwrap();
    let out = o.path().join("public");
    let r = retro(&repo_root(), &["build", "--output", out.to_str().unwrap(), "--today", "2026-11-22"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let all: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("api/action-items.json")).unwrap()).unwrap();
    let mut open: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
    for item in all.as_array().unwrap() {
        let owner = item["owner"].as_str().unwrap().to_string();
        let entry = open.entry(owner).or_default();
        if matches!(item["status"].as_str(), Some("open" | "in_progress")) {
            entry.insert(item["id"].as_str().unwrap().to_string());
        }
        // days overdue is today − due for an overdue item, null otherwise
        let due = item["due"].as_str().map(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap());
        let expected = due.filter(|_| item["overdue"] == true).map(|due| (today - due).num_days());
        assert_eq!(item["days_overdue"].as_i64(), expected, "{item}");
    }
    assert!(open.len() >= 5, "{open:?}");
    for (owner, ids) in &open {
        // the example's owners are plain lowercase names: their slug
        let page = std::fs::read_to_string(out.join(format!("action-items/owners/{owner}/index.html"))).unwrap();
        assert!(page.contains(&format!("<h1>Owner: {owner}</h1>")));
        // generated ids (`<postmortem>#n`) are not shown: count those rows
        let (shown, rows) = ids_in(&page, "r-open");
        let given: BTreeSet<String> = ids.iter().filter(|id| !id.contains('#')).cloned().collect();
        assert_eq!((shown, rows), (given, ids.len()), "{owner}'s open items");
        let json: Value =
            serde_json::from_str(&std::fs::read_to_string(out.join(format!("api/owners/{owner}.json"))).unwrap())
                .unwrap();
        let json_ids: BTreeSet<String> =
            json["open"].as_array().unwrap().iter().map(|i| i["id"].as_str().unwrap().to_string()).collect();
        assert_eq!(&json_ids, ids, "{owner}.json");
        assert_eq!(json["owner"], owner.as_str());
        // each overdue row shows its days overdue
        let shown_overdue = |i: &&Value| i["overdue"] == true && !i["id"].as_str().unwrap().contains('#');
        for item in json["open"].as_array().unwrap().iter().filter(shown_overdue) {
            let id = item["id"].as_str().unwrap();
            let row = &page[page.find(&format!("<span class=\"muted\">{id}</span>")).unwrap()..];
            let row = &row[..row.find("</tr>").unwrap()];
            let days = item["days_overdue"].as_i64().unwrap();
            assert!(row.contains(&format!("data-label=\"Days overdue\">{days}</td>")), "{id}: {row}");
        }
    }
    // the index of owners links each page and counts open and overdue items
    let index = std::fs::read_to_string(out.join("action-items/owners/index.html")).unwrap();
    for owner in open.keys() {
        assert!(index.contains(&format!("href=\"../../action-items/owners/{owner}/index.html\"")), "{owner}");
    }
}

/// A generated id (`<postmortem>#2`) is not shown in a title; the writer's
/// own ids are; statuses read as people write them.
#[test]
fn generated_ids_stay_out_of_titles_and_statuses_read_naturally() {
    let s = TestSite::with_config("title = \"Ids\"\n").postmortem(
        "2026-01-05-a.md",
        "---\ntitle: A\nseverity: SEV3\nstatus: draft\ntimeline:\n  started: 2026-01-05T10:00:00Z\naction_items:\n  - title: No id given\n    owner: dana\n    due: 2026-02-01\n    status: wont_do\n    closed: 2026-01-20\n  - id: OPS-7\n    title: With an id\n    owner: dana\n    due: 2026-12-01\n    status: in_progress\n---\n",
    );
    let o = tempfile::tempdir().unwrap();
    let out = o.path().join("public");
    let r = s.run(&["build", "--output", out.to_str().unwrap(), "--today", "2026-11-22"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let page = std::fs::read_to_string(out.join("action-items/owners/dana/index.html")).unwrap();
    assert!(page.contains("With an id <span class=\"muted\">OPS-7</span>"));
    assert!(!page.contains("2026-01-05-a#1"), "generated ids are not shown");
    assert!(page.contains(">in progress</span>") && page.contains(">won&apos;t do</span>"), "{page}");
    let json = std::fs::read_to_string(out.join("api/owners/dana.json")).unwrap();
    assert!(json.contains("\"id\":\"2026-01-05-a#1\""), "exports keep every id");
}

/// A draft mitigated at 23:30 UTC on 1 March is mitigated on 2 March in
/// Berlin: with `final_within_days = 14` it is due final on 16 March.
fn review_site() -> TestSite {
    TestSite::with_config("title = \"Policy\"\ntimezone = \"Europe/Berlin\"\n[policy]\nfinal_within_days = 14\n").postmortem(
        "2026-03-01-late.md",
        "---\ntitle: Late review\nseverity: SEV2\nstatus: review\ntimeline:\n  started: 2026-03-01T22:00:00Z\n  mitigated: 2026-03-01T23:30:00Z\n---\n",
    )
}

#[test]
fn a_postmortem_past_its_review_deadline_is_reported_from_the_day_after() {
    let s = review_site();
    // due today: nothing to say
    let r = s.run(&["check", "--strict", "--format", "json", "--today", "2026-03-16"]);
    assert!(!r.stdout.contains("W016"), "{}", r.stdout);
    // one day past: a warning at the status line, which --strict fails on
    let r = s.run(&["check", "--format", "json", "--today", "2026-03-17"]);
    let w: Vec<_> = json_diags(&r.stdout).into_iter().filter(|d| d.0 == "W016").collect();
    assert_eq!(
        w,
        [("W016".to_string(), "warning".to_string(), "content/2026-03-01-late.md".to_string(), 4)],
        "{}",
        r.stdout
    );
    assert_eq!(r.code, 0, "a warning");
    assert!(r.stdout.contains("due to be final on 2026-03-16, 1 day ago"), "{}", r.stdout);
    assert_eq!(s.run(&["check", "--strict", "--today", "2026-03-17"]).code, 1);
    // the exports and the pages say the same
    for (today, overdue) in [("2026-03-16", false), ("2026-03-17", true)] {
        let o = tempfile::tempdir().unwrap();
        let out = o.path().join("public");
        let r = s.run(&["build", "--output", out.to_str().unwrap(), "--today", today]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        let pms: Value =
            serde_json::from_str(&std::fs::read_to_string(out.join("api/postmortems.json")).unwrap()).unwrap();
        assert_eq!(
            (&pms[0]["review_due"], &pms[0]["review_overdue"]),
            (&Value::from("2026-03-16"), &Value::from(overdue))
        );
        let home = std::fs::read_to_string(out.join("index.html")).unwrap();
        let tracker = std::fs::read_to_string(out.join("action-items/index.html")).unwrap();
        for page in [home, tracker] {
            assert_eq!(page.contains("due final 2026-03-16, 1 day ago"), overdue);
        }
    }
}

/// `retro report` as a CI job posts it, and its JSON counts are the
/// exports' counts.
#[test]
fn the_follow_through_report_matches_the_exports() {
    let r = retro(&repo_root(), &["report", "--today", "2026-11-22"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    insta::assert_snapshot!("follow_through_report", r.stdout);
    let r = retro(&repo_root(), &["report", "--today", "2026-11-22", "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let digest: Value = serde_json::from_str(&r.stdout).unwrap();
    let o = tempfile::tempdir().unwrap();
    let out = o.path().join("public");
    let b = retro(&repo_root(), &["build", "--output", out.to_str().unwrap(), "--today", "2026-11-22"]);
    assert_eq!(b.code, 0, "{}", b.stderr);
    let items: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("api/action-items.json")).unwrap()).unwrap();
    let overdue: BTreeSet<&str> =
        items.as_array().unwrap().iter().filter(|i| i["overdue"] == true).map(|i| i["id"].as_str().unwrap()).collect();
    let reported: BTreeSet<&str> = digest["overdue"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|o| o["items"].as_array().unwrap())
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    assert_eq!(reported, overdue);
    let pms: Value = serde_json::from_str(&std::fs::read_to_string(out.join("api/postmortems.json")).unwrap()).unwrap();
    let late = pms.as_array().unwrap().iter().filter(|p| p["review_overdue"] == true).count();
    assert_eq!(digest["awaiting_review"].as_array().unwrap().len(), late);
    // an item closed within the last seven days, today included, is recent
    let recent = retro(&repo_root(), &["report", "--today", "2025-04-16", "--format", "json"]);
    let recent: Value = serde_json::from_str(&recent.stdout).unwrap();
    let ids: Vec<&str> =
        recent["closed_recently"].as_array().unwrap().iter().map(|i| i["closed"].as_str().unwrap()).collect();
    assert!(!ids.is_empty() && ids.iter().all(|c| *c >= "2025-04-10" && *c <= "2025-04-16"), "{ids:?}");
}
